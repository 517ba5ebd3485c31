-- Afterglow schema, part 2: branded messages, journeys, consent and restraint, vouchers, surveys, tasks.

-- A merchant's own version of a message template for one locale and channel. Built-in defaults are files in
-- src/modules/templates/defaults and have version 0; every save makes a new version, and a message records
-- the version it was rendered from.
CREATE TABLE message_templates (
  merchant_id     text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  key             text NOT NULL,
  locale          text NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('email', 'sms', 'whatsapp')),
  version         integer NOT NULL CHECK (version > 0),
  subject         text,
  body            text NOT NULL,
  text_body       text,
  compiled_html   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, key, locale, channel, version)
);

-- Every message is a row, before anything is sent: the idempotency key (the event or journey step, the
-- template and the recipient) makes a redelivered event or a retried job send nothing twice.
CREATE TABLE messages (
  merchant_id        text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id                 text NOT NULL,
  idempotency_key    text NOT NULL,
  channel            text NOT NULL,
  recipient          text NOT NULL,
  customer_id        text,
  order_id           text,
  shipment_id        text,
  enrollment_id      text,
  template_key       text NOT NULL,
  template_version   integer NOT NULL DEFAULT 0,
  locale             text NOT NULL,
  category           text NOT NULL CHECK (category IN ('transactional', 'marketing')),
  status             text NOT NULL,
  status_reason      text,
  context            jsonb NOT NULL DEFAULT '{}',
  warnings           jsonb NOT NULL DEFAULT '[]',
  subject            text,
  provider           text,
  provider_id        text,
  attempts           integer NOT NULL DEFAULT 0,
  event_occurred_at  timestamptz,
  send_after         timestamptz NOT NULL DEFAULT now(),
  sent_at            timestamptz,
  delivered_at       timestamptz,
  opened_at          timestamptz,
  clicked_at         timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, idempotency_key)
);
CREATE INDEX messages_customer ON messages (merchant_id, customer_id, created_at);
CREATE INDEX messages_order ON messages (merchant_id, order_id, created_at);
CREATE INDEX messages_provider ON messages (provider, provider_id) WHERE provider_id IS NOT NULL;

-- Delivery receipts and engagement, one row per thing that happened to a message.
CREATE TABLE message_events (
  merchant_id     text NOT NULL,
  id              bigint GENERATED ALWAYS AS IDENTITY,
  message_id      text NOT NULL,
  type            text NOT NULL,
  detail          jsonb NOT NULL DEFAULT '{}',
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  FOREIGN KEY (merchant_id, message_id) REFERENCES messages (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX message_events_message ON message_events (merchant_id, message_id);

-- Addresses we must not write to: hard bounces, complaints, manual blocks (per channel).
CREATE TABLE suppressions (
  merchant_id     text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  channel         text NOT NULL,
  address         text NOT NULL,
  reason          text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, channel, address)
);

-- A customer's marketing consent per channel (transactional messages need none). The latest row wins.
CREATE TABLE consents (
  merchant_id     text NOT NULL,
  customer_id     text NOT NULL,
  channel         text NOT NULL,
  granted         boolean NOT NULL,
  source          text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, customer_id, channel),
  FOREIGN KEY (merchant_id, customer_id) REFERENCES customers (merchant_id, id) ON DELETE CASCADE
);

CREATE TABLE journeys (
  merchant_id      text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id               text NOT NULL,
  name             text NOT NULL,
  preset           text,
  active           boolean NOT NULL DEFAULT true,
  current_version  integer NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id)
);
CREATE UNIQUE INDEX journeys_preset ON journeys (merchant_id, preset) WHERE preset IS NOT NULL;

-- Journeys are versioned: a customer inside a journey keeps the version they entered.
CREATE TABLE journey_versions (
  merchant_id      text NOT NULL,
  journey_id       text NOT NULL,
  version          integer NOT NULL,
  definition       jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, journey_id, version),
  FOREIGN KEY (merchant_id, journey_id) REFERENCES journeys (merchant_id, id) ON DELETE CASCADE
);

-- One customer's (or order's) way through one journey.
CREATE TABLE journey_enrollments (
  merchant_id      text NOT NULL,
  id               text NOT NULL,
  journey_id       text NOT NULL,
  version          integer NOT NULL,
  subject_type     text NOT NULL,
  subject_id       text NOT NULL,
  customer_id      text,
  order_id         text,
  trigger_event_id text NOT NULL,
  status           text NOT NULL,
  step             integer NOT NULL DEFAULT 0,
  waiting_for      text,
  next_run_at      timestamptz,
  context          jsonb NOT NULL DEFAULT '{}',
  exit_reason      text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, journey_id, subject_id),
  FOREIGN KEY (merchant_id, journey_id, version) REFERENCES journey_versions (merchant_id, journey_id, version)
);
CREATE INDEX journey_enrollments_due ON journey_enrollments (next_run_at) WHERE status = 'active' AND next_run_at IS NOT NULL;
CREATE INDEX journey_enrollments_subject ON journey_enrollments (merchant_id, subject_id) WHERE status = 'active';

-- Codes for the next purchase (thank-you vouchers now; the credit ledger of the returns issue builds on it).
CREATE TABLE vouchers (
  merchant_id      text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id               text NOT NULL,
  code             text NOT NULL,
  kind             text NOT NULL,
  customer_id      text,
  order_id         text,
  source_key       text NOT NULL,
  percent_off      integer CHECK (percent_off BETWEEN 1 AND 100),
  amount_minor     bigint CHECK (amount_minor > 0),
  currency         char(3),
  single_use       boolean NOT NULL DEFAULT true,
  expires_at       timestamptz,
  redeemed_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, code),
  UNIQUE (merchant_id, source_key),
  CHECK ((percent_off IS NULL) <> (amount_minor IS NULL))
);

-- Thermometer (purchase CSAT 1-5), product satisfaction and NPS answers.
CREATE TABLE surveys (
  merchant_id      text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id               text NOT NULL,
  kind             text NOT NULL,
  customer_id      text,
  order_id         text,
  source_key       text NOT NULL,
  -- A score at or below this opens a follow-up task for operations (Bibi's thermometer: 2).
  follow_up_at_or_below integer,
  score            integer,
  comment          text,
  answered_at      timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, source_key)
);

-- Follow-ups for the operations team (a negative thermometer score opens one).
CREATE TABLE tasks (
  merchant_id      text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id               text NOT NULL,
  kind             text NOT NULL,
  title            text NOT NULL,
  customer_id      text,
  order_id         text,
  survey_id        text,
  status           text NOT NULL DEFAULT 'open',
  note             text,
  source_key       text NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  closed_at        timestamptz,
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, source_key)
);

-- The merchant's own endpoints for signed outbound webhooks.
CREATE TABLE webhook_endpoints (
  merchant_id      text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id               text NOT NULL,
  url              text NOT NULL,
  secret_sealed    text NOT NULL,
  events           text[] NOT NULL DEFAULT '{}',
  active           boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id)
);
