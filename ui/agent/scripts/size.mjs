// Prints the initial JavaScript of the built app: the scripts index.html loads (module
// script and modulepreload links), raw and gzipped (level 9, as served), in bytes and KB.
//   node scripts/size.mjs dist      (exit 1 when over the 250 KB gzip budget)
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync, constants } from 'node:zlib';

const root = process.argv[2] ?? 'dist';
const budget = 250 * 1024;
const html = await readFile(path.join(root, 'index.html'), 'utf8');
const urls = new Set();
for (const m of html.matchAll(/<script[^>]+src="([^"]+)"/g)) urls.add(m[1]);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) urls.add(m[1]);
let raw = 0;
let gz = 0;
for (const u of urls) {
  const rel = u.replace(/^\/agent\//, '').replace(/^\.\//, '');
  const data = await readFile(path.join(root, rel));
  const z = gzipSync(data, { level: constants.Z_BEST_COMPRESSION }).length;
  raw += data.length;
  gz += z;
  console.log(`  ${rel}: ${data.length} B raw, ${z} B gzip`);
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`initial JavaScript: ${urls.size} file(s), ${kb(raw)} KB raw, ${kb(gz)} KB gzip (budget ${kb(budget)} KB)`);
if (gz > budget) {
  console.error('initial JavaScript is over budget');
  process.exit(1);
}
