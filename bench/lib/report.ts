import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './processes.ts';

/** Saves a benchmark's figures in bench/results/<name>-<timestamp>.json with the machine they ran on. */
export async function saveResult(name: string, figures: Record<string, unknown>): Promise<string> {
  const dir = path.join(ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const file = path.join(dir, `${name}-${stamp}.json`);
  const machine = {
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
  await writeFile(
    file,
    `${JSON.stringify({ name, at: new Date().toISOString(), machine, ...figures }, null, 2)}\n`,
  );
  return file;
}

export function ratio(ours: number, ceiling: number): string {
  return ceiling > 0 ? `${((ours / ceiling) * 100).toFixed(1)}%` : 'n/a';
}
