/**
 * `npm run bench -- NAME`: runs one benchmark. Each measures the machine's ceiling in the same run and
 * prints our figure as a ratio of it, because the machines these run on are shared and noisy.
 */
const benches: Record<string, () => Promise<{ runBench(): Promise<void> }>> = {
  ingest: () => import('./ingest.ts'),
  messages: () => import('./messages.ts'),
  tracking: () => import('./tracking.ts'),
  'tracking-numbers': () => import('./tracking-numbers.ts'),
  returns: () => import('./returns.ts'),
};

const name = process.argv[2];
if (!name || !benches[name]) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
const mod = await benches[name]();
await mod.runBench();
process.exit(0);
