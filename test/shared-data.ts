import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The real payloads and data sets live in ../shared/data (next to the project, never copied into it).
 * Tests that need them skip with this message when the folder is absent.
 */
export const SHARED_DATA = path.resolve(import.meta.dirname, '../../shared/data');

export function sharedDataPath(...parts: string[]): string {
  return path.join(SHARED_DATA, ...parts);
}

export function hasSharedData(...parts: string[]): boolean {
  return existsSync(sharedDataPath(...parts));
}

export const SKIP_NO_SHARED_DATA = `../shared/data is not present next to the project (${SHARED_DATA}); this test uses its real payloads`;

export function readShared(...parts: string[]): string {
  return readFileSync(sharedDataPath(...parts), 'utf8');
}

export function readSharedJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readShared(...parts)) as T;
}
