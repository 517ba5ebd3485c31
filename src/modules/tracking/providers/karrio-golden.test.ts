import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { nextState } from '../apply-updates.ts';
import type { TrackedShipment } from '../repo.ts';
import { isSubStatus, isTrackingStatus, type TrackingStatus } from '../statuses.ts';
import {
  CARRIER_MAPS,
  type CarrierMapFile,
  type KarrioTrackingDetails,
  type KarrioTrackingEvent,
  karrioEventTime,
  normalizeKarrioTracking,
} from './karrio.ts';
import karrioMap from './maps/karrio.json' with { type: 'json' };

/**
 * Golden tests: karrio's own connector tests say what its parsers must produce from real carrier payloads
 * (`<carrier>__Parsed<Name>.expected.json` = [details_list, messages]). Feeding those details through our
 * karrio normaliser checks the carrier maps in maps/carriers/ and maps/karrio.json against real codes.
 */
const ROOT = path.resolve(import.meta.dirname, '../../../..');
const FIXTURES = path.resolve(ROOT, '../shared/data/carrier_tracking_fixtures/karrio/from_tests');
const MAPS = path.join(import.meta.dirname, 'maps');
const present = existsSync(FIXTURES);
const skip = present
  ? false
  : `karrio fixtures not found at ${FIXTURES} (../shared/data is absent next to the project); golden tests skipped`;

interface Golden {
  file: string;
  details: KarrioTrackingDetails;
}

function goldens(): Golden[] {
  if (!present) return [];
  const out: Golden[] = [];
  for (const file of readdirSync(FIXTURES)
    .filter((f) => /__Parsed.*\.expected\.json$/.test(f))
    .sort()) {
    const parsed = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as unknown;
    const list =
      Array.isArray(parsed) && Array.isArray(parsed[0]) ? (parsed[0] as KarrioTrackingDetails[]) : [];
    for (const details of list) out.push({ file, details });
  }
  return out;
}
const GOLDENS = goldens();
const tracked = GOLDENS.filter((g) => (g.details.events ?? []).length > 0);
const key = (g: Golden) => `${g.file}#${g.details.tracking_number}`;

/**
 * What karrio's tracker status means in our words. The shipment-level status we hand back must be in this
 * set, and so must the status our pipeline reaches from the events (except the disagreements below).
 */
const CORRESPONDENCE: Record<string, readonly TrackingStatus[]> = {
  pending: ['info_received', 'pending'],
  unknown: ['pending'],
  picked_up: ['in_transit'],
  in_transit: ['in_transit'],
  on_hold: ['exception'],
  delivery_delayed: ['in_transit', 'exception'],
  out_for_delivery: ['out_for_delivery'],
  delivery_failed: ['attempt_fail'],
  ready_for_pickup: ['available_for_pickup'],
  return_to_sender: ['exception'],
  delivered: ['delivered'],
  cancelled: ['expired'],
};
const expectedFor = (d: KarrioTrackingDetails): readonly TrackingStatus[] =>
  d.status ? (CORRESPONDENCE[d.status] ?? []) : d.delivered ? ['delivered'] : [];

/**
 * Fixtures where the status our pipeline reaches from the events differs from karrio's tracker status, on
 * purpose: karrio takes its tracker status from the first listed event, or the sample payload contradicts
 * itself. Each entry pins the status we reach, so a map change that alters it fails here.
 */
const DISAGREEMENTS: Record<string, { ours: TrackingStatus; why: string }> = {
  'bpost__ParsedTrackingResponse.expected.json#323212345659900040669030': {
    ours: 'delivered',
    why: 'the newest scan is U01 DistributedNormally; karrio reads only the first listed event (T00)',
  },
  'canadapost__ParsedTrackingResponse.expected.json#7023210039414604': {
    ours: 'delivered',
    why: 'the timeline has 1496 delivered and a newer 20 (signature image recorded); karrio only knows 1496 and reads the first listed event',
  },
  'dhl_poland__ParsedTrackingResponse.expected.json#24333892874': {
    ours: 'in_transit',
    why: 'the sample events are placeholders (code "string"); karrio sets delivered from a separate flag',
  },
  'dhl_universal__ParsedTrackingResponse.expected.json#7777777770': {
    ours: 'info_received',
    why: 'the sample event says statusCode pre-transit (and status DELIVERED); karrio reports the shipment in_transit',
  },
  'ups__ParsedTrackingResponse.expected.json#string': {
    ours: 'in_transit',
    why: 'SR is a customs release; the sample gives it type X (exception), which karrio reads as on_hold',
  },
};

function finalStatus(events: ReturnType<typeof normalizeKarrioTracking>['events']) {
  const shipment = {
    merchant_id: 'm',
    id: 's',
    order_id: 'o',
    carrier: null,
    tracking_number: 'x',
    status: 'pending',
    sub_status: null,
    status_at: null,
    last_scan_at: null,
    last_location: null,
    shipped_at: null,
    flags: {},
    created_at: new Date(0),
  } as unknown as TrackedShipment;
  return nextState(shipment, events);
}

describe('karrio golden fixtures', { skip }, () => {
  it('finds the fixtures', () => {
    assert.ok(GOLDENS.length >= 30, `tracking details found: ${GOLDENS.length}`);
    assert.ok(tracked.length >= 25);
    const carriers = new Set(tracked.map((g) => g.details.carrier_name));
    assert.ok(carriers.size >= 20, [...carriers].join(','));
  });

  it('maps every event to a canonical status and sub-status', () => {
    for (const g of tracked) {
      const u = normalizeKarrioTracking(g.details);
      for (const e of u.events) {
        assert.ok(isTrackingStatus(e.status), `${key(g)}: ${e.rawCode} -> ${e.status}`);
        if (e.subStatus)
          assert.ok(isSubStatus(e.status, e.subStatus), `${key(g)}: ${e.rawCode} ${e.subStatus}`);
      }
    }
  });

  it('keeps every event and its time, oldest first', () => {
    for (const g of tracked) {
      const source = g.details.events ?? [];
      const u = normalizeKarrioTracking(g.details);
      assert.equal(u.events.length, source.length, key(g));
      const expected = source
        .map((e) => {
          // Independent reading of the same rule: timestamp when given, else date + 24-hour HH:MM in UTC.
          if (e.timestamp) return new Date(e.timestamp).getTime();
          const [h, m] = (e.time ?? '00:00').split(/[: ]/);
          return Date.parse(`${e.date}T${h!.padStart(2, '0')}:${m}:00Z`);
        })
        .sort((a, b) => a - b);
      assert.deepEqual(
        u.events.map((e) => e.occurredAt.getTime()),
        expected,
        `${key(g)}: times preserved and ordered oldest first`,
      );
      for (const e of u.events) assert.ok(!Number.isNaN(e.occurredAt.getTime()));
      // Codes, places and estimates come through.
      assert.deepEqual(
        new Set(u.events.map((e) => e.rawCode)),
        new Set(source.map((e) => e.code ?? e.status ?? null)),
      );
      assert.equal(u.trackingNumber, g.details.tracking_number);
      assert.equal(u.estimatedDelivery, g.details.estimated_delivery ?? null);
    }
  });

  it("agrees with karrio's tracker status and delivered flag", () => {
    for (const g of GOLDENS) {
      const d = g.details;
      const u = normalizeKarrioTracking(d);
      const allowed = expectedFor(d);
      assert.ok(allowed.length > 0, `${key(g)}: karrio status ${d.status} has a correspondence`);
      assert.ok(u.shipmentStatus, key(g));
      assert.ok(
        allowed.includes(u.shipmentStatus.status),
        `${key(g)}: ${d.status} -> ${u.shipmentStatus.status}`,
      );
      if (d.delivered === true) assert.equal(u.shipmentStatus.status, 'delivered', key(g));
      if (d.delivered === false) assert.notEqual(u.shipmentStatus.status, 'delivered', key(g));
    }
  });

  it('reaches the same state from the events as karrio says, except the documented disagreements', () => {
    const seen = new Set<string>();
    for (const g of tracked) {
      const u = normalizeKarrioTracking(g.details);
      const reached = finalStatus(u.events).status;
      const known = DISAGREEMENTS[key(g)];
      if (known) {
        seen.add(key(g));
        assert.equal(reached, known.ours, `${key(g)}: ${known.why}`);
        continue;
      }
      const allowed = expectedFor(g.details);
      assert.ok(
        allowed.includes(reached as TrackingStatus),
        `${key(g)}: karrio ${g.details.status}, ours ${reached}`,
      );
      if (g.details.delivered === true) assert.equal(reached, 'delivered', key(g));
    }
    assert.deepEqual(
      [...seen].sort(),
      Object.keys(DISAGREEMENTS).sort(),
      'every disagreement is still exercised',
    );
  });

  it('records the codes no map knows and still calls them in transit', () => {
    const unmapped = new Set(tracked.flatMap((g) => normalizeKarrioTracking(g.details).unmapped));
    assert.deepEqual([...unmapped].sort(), ['karrio:dhl_poland:string', 'karrio:smartkargo:PND']);
    const pnd = tracked.find((g) => g.details.carrier_name === 'smartkargo' && g.file.includes('DotNet'))!;
    assert.equal(normalizeKarrioTracking(pnd.details).events[0]!.status, 'in_transit');
  });
});

describe('karrio carrier maps, event by event', { skip }, () => {
  /** Events picked by hand from the fixtures: [file, tracking number, code or description, status, sub]. */
  const golden: Array<[string, string, string, TrackingStatus, string | null]> = [
    ['ups__ParsedTrackingResponse', 'string', 'SR', 'in_transit', 'customs_released'],
    ['fedex__ParsedDuplicateTrackingResponse', '776094337676', 'OD', 'out_for_delivery', null],
    ['fedex__ParsedDuplicateTrackingResponse', '776094337676', 'DE', 'attempt_fail', null],
    ['fedex__ParsedDuplicateTrackingResponse', '776094337676', 'DL', 'delivered', null],
    ['fedex__ParsedInconsistentDateTimeResponse', '738488882438', 'OC', 'info_received', 'label_created'],
    ['fedex__ParsedInconsistentDateTimeResponse', '738488882438', 'AE', 'in_transit', null],
    ['usps__ParsedTrackingResponse', '9400109104250532908587', 'GX', 'info_received', 'label_created'],
    ['usps__ParsedTrackingResponse', '9400109104250532908587', 'A1', 'in_transit', 'arrived_facility'],
    ['usps__ParsedTrackingResponse', '9400109104250532908587', 'OF', 'out_for_delivery', null],
    ['usps__ParsedTrackingResponse', '9400109104250532908587', '01', 'delivered', null],
    [
      'usps_international__ParsedTrackingResponse',
      '9400109104250532908587',
      'T1',
      'in_transit',
      'departed_facility',
    ],
    ['dhl_express__ParsedTrackingResponse', '3180831640', 'WC', 'out_for_delivery', null],
    ['dhl_express__ParsedTrackingResponse', '3180831640', 'OK', 'delivered', null],
    ['dhl_express__ParsedTrackingResponse', '3180831640', 'PL', 'in_transit', 'arrived_facility'],
    ['mydhl__ParsedTrackingResponse', '9356579890', 'PU', 'in_transit', 'picked_up'],
    ['canadapost__ParsedTrackingResponse', '7023210039414604', '0174', 'out_for_delivery', null],
    ['canadapost__ParsedTrackingResponse', '7023210039414604', '0173', 'in_transit', 'delayed'],
    ['canadapost__ParsedTrackingResponse', '7023210039414604', '1496', 'delivered', null],
    ['dpd__ParsedTrackingResponse', '05308801410058', 'ParcelShop', 'available_for_pickup', 'pickup_point'],
    ['dpd__ParsedTrackingResponse', '05308801410058', 'DeliveryFailure', 'attempt_fail', null],
    ['dpd__ParsedTrackingResponse', '05308801410058', 'ReturningFromDelivery', 'attempt_fail', null],
    ['dpd__ParsedTrackingResponse', '05308801410058', 'Courier', 'out_for_delivery', null],
    ['laposte__ParsedTrackingResponse', 'EW112720413FR', 'ET1', 'in_transit', null],
    ['laposte__ParsedTrackingResponse', 'EW112720413FR', 'MD2', 'out_for_delivery', null],
    ['laposte__ParsedTrackingResponse', 'EW112720413FR', 'DR1', 'info_received', 'label_created'],
    ['chronopost__ParsedTrackingResponse', '89108749065090', 'TA', 'out_for_delivery', null],
    ['chronopost__ParsedTrackingResponse', '89108749065090', 'D', 'delivered', null],
    ['hermes__ParsedTrackingResponse', 'H1234567890123456789', '0000', 'info_received', 'label_created'],
    ['dhl_parcel_de__ParsedTrackingResponse', '00340434161094015902', 'PO', 'out_for_delivery', null],
    ['dhl_parcel_de__ParsedTrackingResponse', '00340434161094015902', 'ZU', 'delivered', null],
    ['bpost__ParsedTrackingResponse', '323212345659900040669030', 'L00', 'out_for_delivery', null],
    ['gls__ParsedTrackingResponse', '36301917596', 'INTIAL.PREADVICE', 'info_received', 'label_created'],
    ['dhl_universal__ParsedTrackingResponse', '7777777770', 'pre-transit', 'info_received', 'label_created'],
    ['seko__ParsedTrackingResponse', '999880931315', 'OP-21', 'out_for_delivery', null],
    ['sendle__ParsedTrackingResponse', 'S34WER4S', 'Pickup Attempted', 'info_received', null],
    [
      'australiapost__ParsedTrackingResponse',
      'LX123456789US',
      'Onboard for delivery',
      'out_for_delivery',
      null,
    ],
    [
      'australiapost__ParsedTrackingResponse',
      'LX123456789US',
      'Item processed at facility',
      'in_transit',
      'arrived_facility',
    ],
    [
      'australiapost__ParsedTrackingResponse',
      'LX123456789US',
      'Delivered - Left in a safe place',
      'delivered',
      'left_at_door',
    ],
    [
      'australiapost__ParsedTrackingResponse',
      '00123456789000123400',
      'Item is in Customs',
      'in_transit',
      'customs',
    ],
    // No carrier map: karrio's own event status decides.
    ['parcelone__ParsedTrackingResponse', '123456789012', 'OUT_FOR_DELIVERY', 'out_for_delivery', null],
    ['spring__ParsedTrackingResponse', 'LXAB00000000NL', '100', 'delivered', null],
    ['smartkargo__ParsedPartnerTrackingResponse', 'yogi045', 'RCS', 'in_transit', 'picked_up'],
  ];

  for (const [file, number, code, status, sub] of golden) {
    it(`${file.split('__')[0]} ${code} -> ${status}${sub ? `/${sub}` : ''}`, () => {
      const g = GOLDENS.find(
        (x) => x.file === `${file}.expected.json` && x.details.tracking_number === number,
      );
      assert.ok(g, `${file} ${number} is in the fixtures`);
      const source = (g.details.events ?? []).filter((e) => e.code === code || e.description === code);
      assert.ok(source.length > 0, `${code} occurs in ${file}`);
      const u = normalizeKarrioTracking(g.details);
      for (const s of source) {
        const at = karrioEventTime(s as KarrioTrackingEvent)!.getTime();
        const e = u.events.find(
          (x) =>
            x.occurredAt.getTime() === at && (x.rawCode === code || x.description === s.description?.trim()),
        );
        assert.ok(e, `${code} at ${s.timestamp ?? s.date}`);
        assert.deepEqual([e.status, e.subStatus], [status, sub]);
      }
    });
  }

  it("australiapost: karrio's 'delivered' on every scan does not make old scans deliveries", () => {
    const g = GOLDENS.find((x) => x.details.tracking_number === 'LX123456789US')!;
    assert.ok(
      (g.details.events ?? []).every((e) => e.status === 'delivered'),
      'the fixture still has the quirk',
    );
    const u = normalizeKarrioTracking(g.details);
    assert.deepEqual(
      u.events.filter((e) => e.status === 'delivered').map((e) => e.description),
      ['Delivered - Left in a safe place'],
    );
  });
});

describe('karrio map files', () => {
  const files = readdirSync(path.join(MAPS, 'carriers')).filter((f) => f.endsWith('.json'));
  const read = (f: string) =>
    JSON.parse(readFileSync(path.join(MAPS, 'carriers', f), 'utf8')) as CarrierMapFile;

  it('are versioned, sourced and all loaded by the normaliser', () => {
    assert.ok(files.length >= 8, `${files.length} carrier maps`);
    assert.equal(karrioMap.version, 1);
    assert.ok(karrioMap.note.length > 20);
    const loaded = new Set(CARRIER_MAPS.map((m) => m.carrier));
    for (const f of files) {
      const m = read(f);
      assert.equal(m.carrier, f.replace(/\.json$/, ''), f);
      assert.ok(Number.isInteger(m.version) && m.version >= 1, f);
      assert.equal(m.provider, 'karrio', f);
      assert.ok(m.note && m.source.includes('karrio'), f);
      assert.ok(loaded.has(m.carrier), `${f} is imported in karrio.ts`);
    }
    assert.equal(loaded.size, files.length);
  });

  it('name only statuses and sub-statuses from statuses.ts', () => {
    const tables: Array<[string, Record<string, { status: string; subStatus: string | null }>]> = [
      ['karrio.json status', karrioMap.status],
      ['karrio.json reason', karrioMap.reason],
    ];
    for (const f of files) {
      const m = read(f);
      tables.push([`${f} codes`, m.codes]);
      if (m.descriptions) tables.push([`${f} descriptions`, m.descriptions]);
    }
    for (const [where, table] of tables) {
      for (const [code, entry] of Object.entries(table)) {
        assert.ok(isTrackingStatus(entry.status), `${where} ${code}: status ${entry.status}`);
        if (entry.subStatus !== null) {
          assert.ok(isSubStatus(entry.status, entry.subStatus), `${where} ${code}: ${entry.subStatus}`);
        }
      }
    }
  });

  it("cover karrio's whole TrackerStatus vocabulary", () => {
    const vocabulary = [
      'pending',
      'unknown',
      'on_hold',
      'cancelled',
      'delivered',
      'in_transit',
      'delivery_failed',
      'delivery_delayed',
      'out_for_delivery',
      'ready_for_pickup',
      'return_to_sender',
      'picked_up',
    ];
    assert.deepEqual(Object.keys(karrioMap.status).sort(), [...vocabulary].sort());
    assert.deepEqual(Object.keys(CORRESPONDENCE).sort(), [...vocabulary].sort());
    for (const [word, entry] of Object.entries(karrioMap.status)) {
      assert.ok(CORRESPONDENCE[word]!.includes(entry.status as TrackingStatus), `${word} -> ${entry.status}`);
    }
  });

  it('handle times without timestamps, 12-hour text and unknown carriers', () => {
    const u = normalizeKarrioTracking({
      carrier_name: 'somecarrier',
      tracking_number: 'T1',
      status: 'delivery_failed',
      estimated_delivery: '2026-03-04T00:00:00',
      events: [
        {
          date: '2026-03-02',
          time: '02:30 PM',
          code: 'X1',
          status: 'delivery_failed',
          reason: 'consignee_not_home',
        },
        { date: '2026-03-01', time: '12:05 AM', code: 'X0' },
        { date: '2026-03-01', time: '16:10', status: 'ready_for_pickup', location: '  Lisboa,  PT ' },
      ],
    });
    assert.deepEqual(
      u.events.map((e) => [e.occurredAt.toISOString(), e.status, e.subStatus, e.rawCode, e.location]),
      [
        ['2026-03-01T00:05:00.000Z', 'in_transit', null, 'X0', null],
        [
          '2026-03-01T16:10:00.000Z',
          'available_for_pickup',
          'pickup_point',
          'ready_for_pickup',
          'Lisboa, PT',
        ],
        ['2026-03-02T14:30:00.000Z', 'attempt_fail', 'recipient_absent', 'X1', null],
      ],
    );
    assert.deepEqual(u.unmapped, ['karrio:somecarrier:X0']);
    assert.deepEqual(u.shipmentStatus, { status: 'attempt_fail', subStatus: null });
    assert.equal(u.estimatedDelivery, '2026-03-04');
    assert.equal(
      normalizeKarrioTracking({ carrier_name: 'mydhl', tracking_number: 'N' }).carrier,
      'dhl_express',
    );
  });
});
