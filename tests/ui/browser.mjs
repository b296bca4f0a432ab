// Shared pieces of the UI tests: Debian's chromium through playwright-core, screenshots
// under tests/ui/artifacts/, and an axe-core check injected into the page.
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = require('axe-core').source;

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const artifactsDir = process.env.COMPTOIR_UI_ARTIFACTS ?? path.join(here, 'artifacts');
export const uiDir = process.env.COMPTOIR_UI_DIR ?? path.join(repoRoot, 'ui', 'agent', 'dist');

export function chromiumPath() {
  const p = process.env.COMPTOIR_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(p)) throw new Error(`chromium not found at ${p} (apt-get install chromium, or set COMPTOIR_CHROMIUM)`);
  return p;
}

export async function launch() {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  await mkdir(artifactsDir, { recursive: true });
  return {
    browser,
    async close() {
      // playwright gives each launch a fresh temporary profile and removes it on close.
      await browser.close().catch(() => {});
    },
  };
}

export async function screenshot(page, name) {
  const file = path.join(artifactsDir, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Runs axe-core in the page; resolves the serious and critical violations (summarised).
export async function seriousViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// Records the page's script errors (console errors and uncaught exceptions) in `errors`,
// for the "no script errors" test of each file.
export function recordErrors(page, errors) {
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
}

// Signs in through the sign-in form at `baseUrl` and waits for the first view.
export async function signIn(page, baseUrl, { email, password }) {
  await page.goto(`${baseUrl}/agent/signin`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/agent\/views\/\d+/);
}
