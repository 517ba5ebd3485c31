-- Afterglow schema, part 1: tenancy, customers, catalogue, orders, shipments, inbound and domain events.
--
-- Every tenant table carries merchant_id as the first column of its primary key, and every foreign key
-- between tenant tables includes merchant_id. The schema can therefore be distributed by merchant_id
-- (Citus or any sharded Postgres) without redesign, and a query that forgets merchant_id cannot use the keys.
-- Money is bigint minor units next to an ISO 4217 currency. Time is timestamptz (UTC).

CREATE TABLE merchants (
  id              text PRIMARY KEY,
  name            text NOT NULL,
  slug            text NOT NULL UNIQUE,
  locale          text NOT NULL,
  currency        char(3) NOT NULL,
  timezone        text NOT NULL,
  logo_url        text,
  brand_primary   text NOT NULL DEFAULT '#1f2937',
  brand_accent    text NOT NULL DEFAULT '#f59e0b',
  support_email   text,
  support_phone   text,
  sender_name     text,
  sender_email    text,
  postal_address  jsonb,
  settings        jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- How a commerce platform finds its merchant: a Shopify shop domain or a WooCommerce site URL.
-- The signing secret is sealed (AES-GCM with SECRET_KEY), because we must use it again to check HMACs.
CREATE TABLE merchant_integrations (
  merchant_id     text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  kind            text NOT NULL CHECK (kind IN ('shopify', 'woocommerce')),
  external_ref    text NOT NULL,
  secret_sealed   text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, kind),
  UNIQUE (kind, external_ref)
);

-- API keys are shown once; we keep a SHA-256 of the secret part (the keys are 192 random bits, so a
-- slow password hash adds nothing) and look them up by their public id.
CREATE TABLE api_keys (
  merchant_id     text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id              text NOT NULL UNIQUE,
  name            text NOT NULL,
  secret_hash     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_used_at    timestamptz,
  revoked_at      timestamptz,
  PRIMARY KEY (merchant_id, id)
);

CREATE TABLE customers (
  merchant_id        text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id                 text NOT NULL,
  email              text,
  phone              text,
  first_name         text,
  last_name          text,
  locale             text,
  timezone           text,
  accepts_marketing  boolean NOT NULL DEFAULT false,
  orders_count       integer NOT NULL DEFAULT 0,
  first_order_at     timestamptz,
  last_order_at      timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id)
);
-- One customer per merchant per email and per phone, whatever channel they bought through.
CREATE UNIQUE INDEX customers_email ON customers (merchant_id, lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX customers_phone ON customers (merchant_id, phone) WHERE phone IS NOT NULL;

-- The ids a customer has in each channel (a Shopify customer id, a store loyalty card, a marketplace buyer id).
CREATE TABLE customer_identities (
  merchant_id     text NOT NULL,
  source          text NOT NULL,
  external_id     text NOT NULL,
  customer_id     text NOT NULL,
  channel         text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, source, external_id),
  FOREIGN KEY (merchant_id, customer_id) REFERENCES customers (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_identities_customer ON customer_identities (merchant_id, customer_id);

CREATE TABLE products (
  merchant_id     text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id              text NOT NULL,
  source          text NOT NULL,
  external_id     text NOT NULL,
  title           text NOT NULL,
  brand           text,
  category        text,
  tags            text[] NOT NULL DEFAULT '{}',
  image_url       text,
  description     text,
  care_tips       text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, source, external_id)
);

CREATE TABLE variants (
  merchant_id     text NOT NULL,
  id              text NOT NULL,
  product_id      text NOT NULL,
  source          text NOT NULL,
  external_id     text NOT NULL,
  sku             text,
  title           text,
  size            text,
  color           text,
  attributes      jsonb NOT NULL DEFAULT '{}',
  price_minor     bigint,
  image_url       text,
  inventory       integer,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, source, external_id),
  FOREIGN KEY (merchant_id, product_id) REFERENCES products (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX variants_product ON variants (merchant_id, product_id);
CREATE INDEX variants_sku ON variants (merchant_id, sku) WHERE sku IS NOT NULL;

CREATE TABLE orders (
  merchant_id          text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id                   text NOT NULL,
  source               text NOT NULL,
  external_id          text NOT NULL,
  number               text NOT NULL,
  customer_id          text,
  email                text,
  phone                text,
  locale               text NOT NULL,
  currency             char(3) NOT NULL,
  status               text NOT NULL,
  payment_status       text NOT NULL,
  channel              text NOT NULL DEFAULT 'web',
  campaign_tags        text[] NOT NULL DEFAULT '{}',
  tags                 text[] NOT NULL DEFAULT '{}',
  shipping_method      text,
  taxes_included       boolean NOT NULL DEFAULT false,
  subtotal_minor       bigint NOT NULL,
  discount_minor       bigint NOT NULL DEFAULT 0,
  tax_minor            bigint NOT NULL DEFAULT 0,
  shipping_minor       bigint NOT NULL DEFAULT 0,
  total_minor          bigint NOT NULL,
  refunded_minor       bigint NOT NULL DEFAULT 0,
  discount_codes       jsonb NOT NULL DEFAULT '[]',
  shipping_lines       jsonb NOT NULL DEFAULT '[]',
  tax_lines            jsonb NOT NULL DEFAULT '[]',
  shipping_address     jsonb,
  billing_address      jsonb,
  promised_earliest    date,
  promised_latest      date,
  note                 text,
  placed_at            timestamptz NOT NULL,
  cancelled_at         timestamptz,
  cancel_reason        text,
  source_updated_at    timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, source, external_id),
  FOREIGN KEY (merchant_id, customer_id) REFERENCES customers (merchant_id, id)
);
CREATE INDEX orders_customer ON orders (merchant_id, customer_id, placed_at);
CREATE INDEX orders_number ON orders (merchant_id, number);
CREATE INDEX orders_placed ON orders (merchant_id, placed_at DESC, id DESC);
CREATE INDEX orders_campaign ON orders USING gin (campaign_tags);

CREATE TABLE order_lines (
  merchant_id          text NOT NULL,
  id                   text NOT NULL,
  order_id             text NOT NULL,
  position             integer NOT NULL,
  external_id          text,
  product_id           text,
  variant_id           text,
  sku                  text,
  title                text NOT NULL,
  variant_title        text,
  brand                text,
  size                 text,
  color                text,
  properties           jsonb NOT NULL DEFAULT '[]',
  quantity             integer NOT NULL CHECK (quantity > 0),
  unit_price_minor     bigint NOT NULL,
  discount_minor       bigint NOT NULL DEFAULT 0,
  tax_minor            bigint NOT NULL DEFAULT 0,
  tax_lines            jsonb NOT NULL DEFAULT '[]',
  requires_shipping    boolean NOT NULL DEFAULT true,
  image_url            text,
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, order_id, position),
  FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX order_lines_variant ON order_lines (merchant_id, variant_id) WHERE variant_id IS NOT NULL;

CREATE TABLE shipments (
  merchant_id          text NOT NULL,
  id                   text NOT NULL,
  order_id             text NOT NULL,
  source               text NOT NULL,
  external_id          text NOT NULL,
  carrier              text,
  service              text,
  tracking_number      text,
  tracking_url         text,
  status               text NOT NULL,
  shipped_at           timestamptz,
  delivered_at         timestamptz,
  source_updated_at    timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, source, external_id),
  FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX shipments_order ON shipments (merchant_id, order_id);
CREATE INDEX shipments_tracking ON shipments (merchant_id, tracking_number) WHERE tracking_number IS NOT NULL;

CREATE TABLE shipment_lines (
  merchant_id          text NOT NULL,
  shipment_id          text NOT NULL,
  order_line_id        text NOT NULL,
  quantity             integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (merchant_id, shipment_id, order_line_id),
  FOREIGN KEY (merchant_id, shipment_id) REFERENCES shipments (merchant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (merchant_id, order_line_id) REFERENCES order_lines (merchant_id, id) ON DELETE CASCADE
);

-- Refunds as the commerce platform (or our API) reports them; the order keeps the running total.
CREATE TABLE refunds (
  merchant_id          text NOT NULL,
  id                   text NOT NULL,
  order_id             text NOT NULL,
  source               text NOT NULL,
  external_id          text NOT NULL,
  amount_minor         bigint NOT NULL CHECK (amount_minor >= 0),
  currency             char(3) NOT NULL,
  reason               text,
  lines                jsonb NOT NULL DEFAULT '[]',
  refunded_at          timestamptz NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, source, external_id),
  FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id) ON DELETE CASCADE
);

-- Every webhook delivery we accepted, once. A redelivery hits the primary key and changes nothing.
CREATE TABLE inbound_events (
  merchant_id          text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  source               text NOT NULL,
  external_id          text NOT NULL,
  topic                text NOT NULL,
  outcome              text NOT NULL,
  note                 text,
  payload              jsonb NOT NULL,
  -- A delivery that arrived before what it refers to (a fulfilment before its order) waits here,
  -- e.g. 'order:450789469', and is applied when that order arrives.
  waiting_for          text,
  received_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, source, external_id)
);
CREATE INDEX inbound_events_waiting ON inbound_events (merchant_id, source, waiting_for) WHERE waiting_for IS NOT NULL;

-- The domain event log: every state change, in order, replayable. `seq` gives a global order for
-- consumers that page through the log; `id` is what jobs and links refer to.
CREATE TABLE events (
  merchant_id          text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id                   text NOT NULL,
  seq                  bigint GENERATED ALWAYS AS IDENTITY,
  type                 text NOT NULL,
  subject_type         text NOT NULL,
  subject_id           text NOT NULL,
  payload              jsonb NOT NULL DEFAULT '{}',
  occurred_at          timestamptz NOT NULL,
  recorded_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id)
);
CREATE INDEX events_subject ON events (merchant_id, subject_type, subject_id, seq);
CREATE INDEX events_type ON events (merchant_id, type, seq);

-- Responses remembered for POST requests that carried an Idempotency-Key.
CREATE TABLE idempotency_keys (
  merchant_id          text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  key                  text NOT NULL,
  request_hash         text NOT NULL,
  status_code          integer NOT NULL,
  response             jsonb NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, key)
);

-- Bulk imports: a checkpoint per committed batch makes an interrupted import resumable.
CREATE TABLE import_runs (
  merchant_id          text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id                   text NOT NULL,
  file_name            text NOT NULL,
  file_sha256          text NOT NULL,
  format               text NOT NULL,
  status               text NOT NULL,
  rows_read            bigint NOT NULL DEFAULT 0,
  orders_imported      bigint NOT NULL DEFAULT 0,
  lines_imported       bigint NOT NULL DEFAULT 0,
  rows_rejected        bigint NOT NULL DEFAULT 0,
  started_at           timestamptz NOT NULL DEFAULT now(),
  finished_at          timestamptz,
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, file_sha256)
);
