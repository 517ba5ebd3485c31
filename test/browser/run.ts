/**
 * `npm run test:browser`: the pages in a real browser. Debian's Chromium (apt-get install chromium, or
 * CHROMIUM_PATH) driven by playwright-core, against the app on a real port and a throwaway PostgreSQL.
 * Runs every test/browser/*.browser.ts; screenshots go to test/browser/artifacts/ (not committed).
 */
import { existsSync } from 'node:fs';
import { runTests } from '../run.ts';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `Chromium not found at ${chromium}. Install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const code = await runTests({ suffix: '.browser.ts', filters, concurrency: 1 });
process.exit(code);
