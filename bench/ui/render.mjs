// The agent workspace in Debian's chromium (tests/ui/browser.mjs) against a running
// server: node bench/ui/render.mjs <url> <email> <password> [runs]
// Prints JSON:
// - view100: a view of 100 rows (/agent/views/{id}?per_page=100), moving between its
//   pages 1 and 2 in the app; "render" is the ViewTable's performance.measure from the
//   rows received to the rows in the DOM (comptoir:view-render), "paint" from the rows
//   received to the next frame with their style and layout computed, "load" from the
//   request sent to the rows in the DOM (comptoir:view-load), all in ms.
// - ticket: a click on a ticket of the view until its page is interactive (the first
//   comment shown, the composer and the status field enabled, then one frame), in ms.
import { launch } from '../../tests/ui/browser.mjs';

const [url, email, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 7);
if (!url || !email || !password) {
  console.error('usage: node bench/ui/render.mjs <url> <email> <password> [runs]');
  process.exit(2);
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return { best: r(s[0]), median: r(s[Math.floor(s.length / 2)]), worst: r(s.at(-1)), runs: s.map(r) };
};

const chrome = await launch();
try {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${url}/agent/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/agent\/views\/\d+/, { timeout: 120_000 });
  const view = await page.evaluate(async () => {
    const r = await (await fetch('/api/v2/views/active')).json();
    return r.views.find((v) => v.title === 'All unsolved tickets') ?? r.views[0];
  });
  await page.goto(`${url}/agent/views/${view.id}?per_page=100`);
  await page.locator('table.tickets tbody tr').nth(99).waitFor({ timeout: 120_000 });

  // One page turn: click Next (or Previous), wait for the new first row, collect the marks.
  const turn = () =>
    page.evaluate(async () => {
      performance.clearMarks();
      performance.clearMeasures();
      const onFirst = (new URLSearchParams(location.search).get('page') ?? '1') === '1';
      const buttons = [...document.querySelectorAll('.pager button')];
      buttons.find((b) => (onFirst ? /Next/ : /Previous/).test(b.textContent)).click();
      await new Promise((resolve) => {
        const check = () =>
          performance.getEntriesByName('comptoir:view-rendered').length > 0 ? resolve() : setTimeout(check, 1);
        check();
      });
      const rows = document.querySelectorAll('table.tickets tbody tr').length;
      if (rows !== 100) throw new Error(`${rows} rows on the page, not 100`);
      const rendered = performance.getEntriesByName('comptoir:view-rendered').at(-1).startTime;
      // The next frame, with the rows' style and layout computed.
      const painted = await new Promise((r) =>
        requestAnimationFrame(() => {
          void document.querySelector('table.tickets').getBoundingClientRect().height;
          r(performance.now());
        }),
      );
      const m = (n) => performance.getEntriesByName(n, 'measure').at(-1)?.duration;
      const data = performance.getEntriesByName('comptoir:view-data').at(-1).startTime;
      return { render: m('comptoir:view-render'), load: m('comptoir:view-load'), paint: painted - data, rendered };
    });
  const view100 = [];
  for (let i = 0; i < runs + 1; i++) {
    const r = await turn();
    if (i > 0) view100.push(r); // the first turn warms the code paths
  }

  // Ticket page: click row i, wait until interactive, back to the view.
  const ticket = [];
  for (let i = 0; i < runs + 1; i++) {
    await page.locator('table.tickets tbody tr').nth(99).waitFor({ timeout: 120_000 });
    const ms = await page.evaluate(async (row) => {
      const link = document.querySelectorAll('table.tickets tbody tr a.ticket-link')[row];
      const t0 = performance.now();
      link.click();
      await new Promise((resolve) => {
        const ready = () => {
          const box = document.querySelector('.composer textarea');
          const status = [...document.querySelectorAll('.properties select')][0];
          return document.querySelector('.comment') && box && !box.disabled && status && !status.disabled;
        };
        const check = () => (ready() ? resolve() : requestAnimationFrame(check));
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    }, (i * 13) % 100);
    if (i > 0) ticket.push(ms);
    await page.goBack();
  }

  console.log(
    JSON.stringify(
      {
        view: { id: view.id, title: view.title },
        view100: {
          render: stats(view100.map((r) => r.render)),
          paint: stats(view100.map((r) => r.paint)),
          load: stats(view100.map((r) => r.load)),
        },
        ticket: stats(ticket),
      },
      null,
      1,
    ),
  );
} finally {
  await chrome.close();
}
