import { randomBytes } from 'node:crypto';

/**
 * Prefixed, opaque, time-ordered ids (`ord_01J...`). The time prefix keeps B-tree inserts local;
 * 80 random bits make them unguessable enough that an id leaking in a log is not a key to anything
 * (public links use signed tokens anyway).
 */
export type IdPrefix =
  | 'mer'
  | 'key'
  | 'cus'
  | 'prd'
  | 'var'
  | 'ord'
  | 'rfd'
  | 'req'
  | 'oln'
  | 'shp'
  | 'evt'
  | 'imp'
  | 'msg'
  | 'tpl'
  | 'jny'
  | 'ret'
  | 'vch'
  | 'tsk'
  | 'enr'
  | 'srv'
  | 'whe'
  | 'dpr'
  | 'crd'
  | 'ltx'
  | 'vrd';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomChunk(10);
  let rand = '';
  // 10 bytes = 80 bits = 16 base32 characters, taken 5 bits at a time.
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += CROCKFORD[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return `${prefix}_${time}${rand}`;
}

// Random bytes are drawn from the OS in 4 KiB blocks: a busy webhook makes a dozen ids, and one
// system call per id showed up in profiles.
let pool = Buffer.alloc(0);
let offset = 0;
function randomChunk(n: number): Buffer {
  if (offset + n > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + n);
  offset += n;
  return out;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}
