import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { convert } from '../../../../scripts/import-tracking-number-data.ts';
import { luhn, mod7, mod10, mod37_36, s10, sumProductWithWeightingsAndModulo } from './checksums.ts';
import { detectTrackingNumber, matchFormats } from './detect.ts';

/** The upstream checkout beside the repository; present in development, absent in production and CI images. */
const UPSTREAM = path.resolve(import.meta.dirname, '../../../../../shared/data/tracking_number_data');
const NO_UPSTREAM = existsSync(path.join(UPSTREAM, 'couriers'))
  ? false
  : `upstream tracking_number_data not found at ${UPSTREAM}; skipping the test vectors`;

describe('checksums', () => {
  it('S10: weights 8,6,4,2,3,5,9,7; 11 - sum mod 11, 10 -> 0, 11 -> 5', () => {
    assert.equal(s10('12345678', '5'), true); // RB123456785GB
    assert.equal(s10('12345678', '4'), false);
    assert.equal(s10('00000000', '5'), true); // sum 0: 11 -> 5
    assert.equal(s10('02000000', '0'), true); // sum 12 = 1 mod 11: 10 -> 0
    assert.equal(s10('00000001', '4'), true); // sum 7: 4
  });

  it('mod10 with multipliers, letters folded as (code - 3) mod 10 (UPS)', () => {
    assert.equal(mod10('5R8939035756712', '7', { evens_multiplier: 1, odds_multiplier: 2 }), true);
    assert.equal(mod10('5R8939035756712', '6', { evens_multiplier: 1, odds_multiplier: 2 }), false);
    // USPS IMpb N counts positions from the right.
    assert.equal(
      mod10('940011120620640626078', '7', { evens_multiplier: 3, odds_multiplier: 1, reverse: true }),
      true,
    );
  });

  it('mod7 (DHL Express), also past 2^53', () => {
    assert.equal(mod7('331881002', '5'), true);
    assert.equal(mod7('331881001', '0'), false);
    assert.equal(mod7('99999999999999999999', String(Number(99999999999999999999n % 7n))), true);
  });

  it('luhn, mod 37,36 and weighted sums', () => {
    assert.equal(luhn('0720956276', '3'), true); // Old Dominion 07209562763
    assert.equal(luhn('0720956277', '3'), false);
    assert.equal(mod37_36('09980000020033', 'F'), true); // DPD 09 9800 0002 0033 F
    assert.equal(mod37_36('09980000020033', 'D'), false);
    const fedex12 = { weightings: [3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1], modulo1: 11, modulo2: 10 };
    assert.equal(sumProductWithWeightingsAndModulo('98657878885', '5', fedex12), true);
    assert.equal(sumProductWithWeightingsAndModulo('99657878885', '5', fedex12), false);
  });
});

describe('detectTrackingNumber', () => {
  it('accepts RB123456785GB as S10 from Royal Mail and refuses RB123456784GB', () => {
    const ok = detectTrackingNumber('RB123456785GB');
    assert.equal(ok.valid, true);
    assert.deepEqual(ok.carriers, [
      {
        courier: 's10',
        name: 'S10 International Standard',
        format: 's10',
        trackingUrl: null,
        country: 'GB',
        post: 'Royal Mail',
      },
    ]);
    assert.deepEqual(detectTrackingNumber('RB123456784GB'), {
      valid: false,
      number: 'RB123456784GB',
      carriers: [],
    });
  });

  it('names the post of the issuing country: Correios, PostNord, Correos, USPS', () => {
    const post = (n: string) => detectTrackingNumber(n).carriers.find((c) => c.courier === 's10');
    assert.deepEqual(
      { country: post('OA123456785BR')?.country, post: post('OA123456785BR')?.post },
      { country: 'BR', post: 'Correios' },
    );
    assert.equal(post('RR123456785SE')?.post, 'PostNord');
    assert.equal(post('LX123456785ES')?.post, 'Correos');
    assert.equal(post('EA123456785US')?.post, 'USPS');
    assert.equal(post('RR123456785DK')?.post, 'PostNord');
    // Outside our short list, upstream's name for the post.
    assert.equal(post('RR123456785AU')?.post, 'Australia Post');
    // Not a UPU member code: not an S10 number, whatever its check digit.
    assert.equal(detectTrackingNumber('RB123456785XX').valid, false);
  });

  it('normalises case, spaces and dashes before matching', () => {
    const d = detectTrackingNumber('  oa 1234-5678 5br\t');
    assert.equal(d.number, 'OA123456785BR');
    assert.equal(d.valid, true);
    assert.equal(detectTrackingNumber('1z5r8939-0357-5671-27').carriers[0]?.courier, 'ups');
  });

  it('fills the tracking URL with the number', () => {
    const ups = detectTrackingNumber('1Z5R89390357567127').carriers.find((c) => c.courier === 'ups');
    assert.equal(
      ups?.trackingUrl,
      'https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1Z5R89390357567127',
    );
  });

  it('lists every carrier of an ambiguous number, the most specific first, once each', () => {
    // A USPS IMpb with its 420 ZIP prefix is also 34 digits that pass FedEx's check.
    const d = detectTrackingNumber('4201028200009261290113185417468510');
    assert.deepEqual(
      d.carriers.map((c) => c.courier),
      ['usps', 'fedex'],
    );
  });

  it('refuses what is not a tracking number, and long input before matching', () => {
    for (const s of ['', '   ', 'hello', '1234', 'RB12345678GB', 'RB123456785GB'.repeat(5)]) {
      assert.equal(detectTrackingNumber(s).valid, false, s);
    }
  });
});

interface UpstreamCourier {
  courier_code: string;
  tracking_numbers: { id?: string; name: string; test_numbers: { valid: string[]; invalid: string[] } }[];
}

function upstreamCouriers(): { file: string; courier: UpstreamCourier }[] {
  if (NO_UPSTREAM) return [];
  const dir = path.join(UPSTREAM, 'couriers');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, courier: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) }));
}

/** Same rule as the importer for the few upstream formats without an id. */
const formatId = (f: { id?: string; name: string }) =>
  f.id ??
  f.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

describe('upstream test vectors (tracking_number_data)', { skip: NO_UPSTREAM }, () => {
  it('definitions.json is what the importer makes of the upstream checkout', () => {
    const shipped = JSON.parse(readFileSync(path.join(import.meta.dirname, 'definitions.json'), 'utf8'));
    assert.deepEqual(
      shipped,
      JSON.parse(JSON.stringify(convert(UPSTREAM))),
      'run: npx tsx scripts/import-tracking-number-data.ts',
    );
  });

  for (const { file, courier } of upstreamCouriers()) {
    describe(file, () => {
      for (const format of courier.tracking_numbers) {
        const id = formatId(format);
        const validOfCourier = new Set(
          courier.tracking_numbers.flatMap((f) => f.test_numbers.valid.map((n) => n.replace(/\s/g, ''))),
        );
        it(`${id}: every valid number is detected as ${courier.courier_code}`, () => {
          for (const n of format.test_numbers.valid) {
            const d = detectTrackingNumber(n);
            assert.equal(d.valid, true, `${JSON.stringify(n)} should be valid`);
            assert.ok(
              d.carriers.some((c) => c.courier === courier.courier_code),
              `${JSON.stringify(n)}: ${courier.courier_code} not among ${d.carriers.map((c) => c.courier)}`,
            );
            assert.ok(
              matchFormats(n).matches.some((c) => c.format === id),
              `${JSON.stringify(n)} not matched as format ${id}`,
            );
          }
        });
        // Upstream states invalid numbers per format: a number may be invalid in one format of a courier
        // and listed valid in another (Purolator 331426749957), and valid for another courier entirely.
        it(`${id}: every invalid number is refused as ${id}`, () => {
          for (const n of format.test_numbers.invalid) {
            const formats = matchFormats(n).matches.filter((c) => c.courier === courier.courier_code);
            assert.ok(!formats.some((c) => c.format === id), `${JSON.stringify(n)} accepted as ${id}`);
            if (!validOfCourier.has(n.replace(/\s/g, ''))) {
              assert.deepEqual(formats, [], `${JSON.stringify(n)} accepted as ${courier.courier_code}`);
            }
          }
        });
      }
    });
  }
});
