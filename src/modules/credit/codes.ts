import { randomInt } from 'node:crypto';
import { sha256Hex } from '../../lib/crypto.ts';

// Crockford-like: no 0/O and 1/I, so a code read from paper or aloud is typed right the first time.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** ABCD-EFGH-JKLM-NPQR: 16 characters of a 32-letter alphabet, 80 random bits. */
export function generateCode(): string {
  let body = '';
  for (let i = 0; i < 16; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return body.match(/.{4}/g)!.join('-');
}

/** What identifies a code whatever the customer typed: letters and digits, upper case, no separators. */
export function codeKey(input: string): string {
  return input.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * The stored form of a value-bearing code. A code is a bearer instrument: whoever reads it can spend it, so
 * keeping only a hash means a leaked backup, replica or analytics export holds no spendable money (the same
 * reasoning as for API keys). 80 random bits cannot be enumerated, so a plain, unsalted SHA-256 is enough and
 * stays deterministic, which makes the lookup one index hit on (merchant_id, code_hash).
 */
export function hashCode(input: string): string {
  return sha256Hex(`afterglow-code:${codeKey(input)}`);
}

/** The last four characters, to tell codes apart on a statement without showing them. */
export function codeHint(input: string): string {
  return codeKey(input).slice(-4);
}

/** How the vouchers table spells a code (THANKS-ABCD-EFGH): upper case, spaces read as dashes. */
export function voucherCodeForm(input: string): string {
  return input.trim().toUpperCase().replace(/\s+/g, '-');
}
