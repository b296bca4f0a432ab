// CSV for the end-user import, parsed in the browser. Plain JavaScript (typed by csv.d.ts)
// so that tests/ui/csv.test.mjs runs it in node as it is.
//
// parseCsv: RFC 4180 — fields separated by commas (or semicolons, as spreadsheets set to
// French write them: the separator is the one of the header line), quoted fields may hold
// separators, line breaks and doubled quotes; CRLF, LF or CR line ends; a UTF-8 BOM is
// dropped; blank lines are skipped. Returns the records with their row number (the
// header is row 1, as a spreadsheet numbers them).
//
// usersFromCsv: maps the columns name, email, organization, tags, external_id (header
// names in any case, a few aliases) to Zendesk user objects for create_or_update_many.
// A row is refused here only when it names nobody (no name and no email); every other
// check (a bad email, ...) is the API's, whose per-row errors the import reports.

/** @param {string} text */
export function parseCsv(text) {
  const s = text.startsWith('\ufeff') ? text.slice(1) : text;
  const sep = detectSeparator(s);
  const records = [];
  let row = [];
  let field = '';
  let quoted = false; // inside quotes
  let wasQuoted = false; // the current field was quoted
  let line = 1; // the line the current record starts on
  let recordNo = 1;
  const endField = () => {
    row.push(wasQuoted ? field : field.trim());
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(row.length === 1 && row[0] === '')) records.push({ row: recordNo, line, fields: row });
    recordNo = records.length + 1;
    row = [];
  };
  let lineNo = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) lineNo++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field.trim() === '' && !wasQuoted) {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (c === sep) {
      endField();
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      lineNo++;
      line = lineNo;
    } else if (wasQuoted) {
      // Text after a closing quote ("ab"c): kept, as spreadsheets do; spaces dropped.
      if (c !== ' ' && c !== '\t') field += c;
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0 || wasQuoted) endRecord();
  return records;
}

/** @param {string} s */
function detectSeparator(s) {
  let commas = 0;
  let semis = 0;
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c === ',') commas++;
    else if (!quoted && c === ';') semis++;
  }
  return semis > commas ? ';' : ',';
}

const ALIASES = {
  name: ['name', 'full name', 'full_name', 'nom'],
  email: ['email', 'e-mail', 'email address', 'courriel', 'mail'],
  organization: ['organization', 'organisation', 'organization_name', 'company', 'société', 'societe'],
  tags: ['tags', 'tag', 'étiquettes', 'etiquettes'],
  external_id: ['external_id', 'external id', 'externalid', 'id externe'],
};

/** @param {string[]} header */
export function mapColumns(header) {
  /** @type {Record<string, number>} */
  const columns = {};
  header.forEach((h, i) => {
    const key = h.trim().toLowerCase();
    for (const [name, aliases] of Object.entries(ALIASES)) {
      if (aliases.includes(key) && !(name in columns)) columns[name] = i;
    }
  });
  return columns;
}

/** @param {string} text */
export function usersFromCsv(text) {
  const records = parseCsv(text);
  if (records.length === 0) return { columns: {}, users: [], problems: [], missing: ['name', 'email'] };
  const columns = mapColumns(records[0].fields);
  const missing = ['name', 'email'].filter((c) => !(c in columns));
  const users = [];
  const problems = [];
  for (const rec of records.slice(1)) {
    const get = (/** @type {string} */ col) => (col in columns ? (rec.fields[columns[col]] ?? '').trim() : '');
    const name = get('name');
    const email = get('email');
    if (!name && !email) {
      problems.push({ row: rec.row, email: '', error: 'NoNameNorEmail' });
      continue;
    }
    /** @type {Record<string, unknown>} */
    const user = { name: name || email, role: 'end-user' };
    if (email) user.email = email;
    const org = get('organization');
    if (org) user.organization = { name: org };
    const tags = get('tags');
    if (tags) user.tags = tags.split(/[\s,;]+/).filter(Boolean);
    const ext = get('external_id');
    if (ext) user.external_id = ext;
    users.push({ row: rec.row, email, user });
  }
  return { columns, users, problems, missing };
}

/** Splits `list` into batches of at most `size`. */
export function batches(list, size = 100) {
  const out = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
