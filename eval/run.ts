/**
 * `npm run eval -- NAME`: runs one evaluation of a model against real (shared, non-redistributable) data.
 * Each prints a table and saves its figures under eval/results/.
 */
const evals: Record<string, () => Promise<{ runEval(): Promise<void> }>> = {
  edd: () => import('./edd.ts'),
};

const name = process.argv[2];
if (!name || !evals[name]) {
  console.error(`usage: npm run eval -- <${Object.keys(evals).join('|')}>`);
  process.exit(2);
}
const mod = await evals[name]();
await mod.runEval();
process.exit(0);
