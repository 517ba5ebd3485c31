-- Tracking and the delivery promise: carrier events per shipment, the shipment's current canonical state,
-- the promise made for each order (and every later re-estimate), and the watchlist's flags.

ALTER TABLE shipments
  -- Canonical sub-status (customs, address_problem, delivered_to_neighbour, ...), see tracking/statuses.ts.
  ADD COLUMN sub_status          text,
  -- Event time of the carrier event that set `status`; a later-arriving event older than this never wins.
  ADD COLUMN status_at           timestamptz,
  -- Newest carrier scan of any kind: the watchlist measures "stalled" from here.
  ADD COLUMN last_scan_at        timestamptz,
  ADD COLUMN out_for_delivery_at timestamptz,
  ADD COLUMN last_location       text,
  -- Lane for learned transit times: origin region > destination region : carrier, e.g. 'BR-SP>BR-RJ:correios'.
  ADD COLUMN lane                text,
  ADD COLUMN international       boolean NOT NULL DEFAULT false,
  -- The current estimate, refreshed as scans arrive (the promise made at checkout stays on the order).
  ADD COLUMN estimated_earliest  date,
  ADD COLUMN estimated_latest    date,
  -- Filled at delivery: business days in transit (learning data) and the promise outcome.
  ADD COLUMN transit_days        integer,
  ADD COLUMN promise_kept        boolean,
  ADD COLUMN days_vs_promise     integer,  -- delivered date minus the latest promised date; negative is early
  -- Watchlist: 'late', 'stalled', 'exception', 'attempt_fail'. Cleared when the condition ends.
  ADD COLUMN flags               text[] NOT NULL DEFAULT '{}',
  ADD COLUMN flagged_at          timestamptz,
  -- Carriers that must be asked: when we last asked about this parcel.
  ADD COLUMN polled_at           timestamptz;

-- The watchlist scans open shipments only.
CREATE INDEX shipments_open ON shipments (merchant_id, last_scan_at)
  WHERE status NOT IN ('delivered', 'expired', 'cancelled');
CREATE INDEX shipments_flagged ON shipments (merchant_id, flagged_at DESC) WHERE flags <> '{}';
-- Learned transit times per lane: the newest deliveries first.
CREATE INDEX shipments_lane_history ON shipments (merchant_id, lane, delivered_at DESC)
  WHERE transit_days IS NOT NULL;

-- One row per carrier scan. The key is the shipment plus a dedupe key (the provider's event id, or a hash
-- of time, status, code and location), so a redelivered webhook or a re-pushed batch inserts nothing.
-- A single index keeps batch ingest cheap; the timeline reads by the key's prefix.
CREATE TABLE tracking_events (
  merchant_id   text NOT NULL,
  shipment_id   text NOT NULL,
  dedupe_key    text NOT NULL,
  source        text NOT NULL,           -- easypost | aftership | api | poller
  occurred_at   timestamptz NOT NULL,
  status        text NOT NULL,           -- canonical
  sub_status    text,
  raw_code      text,
  description   text,
  location      text,
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, shipment_id, dedupe_key),
  FOREIGN KEY (merchant_id, shipment_id) REFERENCES shipments (merchant_id, id) ON DELETE CASCADE
);

-- Every promise shown: at checkout (per order) and each re-estimate as scans arrive (per shipment).
CREATE TABLE delivery_promises (
  merchant_id   text NOT NULL,
  id            text NOT NULL,
  order_id      text,
  shipment_id   text,
  earliest      date NOT NULL,
  likely        date NOT NULL,
  latest        date NOT NULL,
  confidence    real NOT NULL,
  method        text NOT NULL,           -- history | rules
  lane          text,
  inputs        jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id)
);
CREATE INDEX delivery_promises_order ON delivery_promises (merchant_id, order_id, created_at) WHERE order_id IS NOT NULL;
CREATE INDEX delivery_promises_shipment ON delivery_promises (merchant_id, shipment_id, created_at)
  WHERE shipment_id IS NOT NULL;

-- Orders remember the likely date of the promise too (earliest/latest already exist).
ALTER TABLE orders ADD COLUMN promised_likely date;

-- Carrier tracking providers sign their webhooks per merchant account: they are integrations too.
ALTER TABLE merchant_integrations DROP CONSTRAINT merchant_integrations_kind_check;
ALTER TABLE merchant_integrations ADD CONSTRAINT merchant_integrations_kind_check
  CHECK (kind IN ('shopify', 'woocommerce', 'easypost', 'aftership'));
