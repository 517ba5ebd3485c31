import { ValidationError } from './errors.ts';

/**
 * Opaque cursors for keyset pagination: the sort timestamp and id of the last row seen, base64url-encoded.
 * Stable under inserts, unlike offsets.
 */
export function encodeCursor(sortValue: string, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { sortValue: string; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      !Number.isNaN(Date.parse(parsed[0]))
    ) {
      return { sortValue: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError(
    'The cursor is not valid; use the nextCursor of a previous page.',
    { cursor },
    'invalid_cursor',
  );
}
