-- Returns and exchanges: the RMA with its lines, the photos a customer sends, and every step it took.
-- Prices on return lines are copied from the order line, never taken from the request (no tampering).

CREATE TABLE returns (
  merchant_id         text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id                  text NOT NULL,
  -- What the customer, the label and the warehouse see: 'R' and 8 Crockford characters.
  number              text NOT NULL,
  order_id            text NOT NULL,
  customer_id         text,
  -- requested, needs_review, approved, rejected, label_issued, in_transit, received, inspected, resolved,
  -- closed, cancelled: see returns/status.ts.
  status              text NOT NULL,
  source              text NOT NULL,            -- portal | api
  -- refund | store_credit | exchange_variant | exchange_product | gift_voucher | instant_exchange | returnless
  resolution          text NOT NULL,
  -- What the resolution needs: the exchange variants per line, the voucher or credit issued, ...
  resolution_detail   jsonb NOT NULL DEFAULT '{}',
  -- How the resolution ended: refunded | credited | exchanged (set at resolved).
  outcome             text,
  currency            char(3) NOT NULL,
  -- Value of the returned lines as paid, and what the policy adds or takes: bonus credit, restocking fee,
  -- return shipping charged to the customer. All integer minor units.
  value_minor         bigint NOT NULL CHECK (value_minor >= 0),
  bonus_minor         bigint NOT NULL DEFAULT 0 CHECK (bonus_minor >= 0),
  fee_minor           bigint NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
  shipping_minor      bigint NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
  refunded_minor      bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  credited_minor      bigint NOT NULL DEFAULT 0 CHECK (credited_minor >= 0),
  is_gift             boolean NOT NULL DEFAULT false,
  keep_item           boolean NOT NULL DEFAULT false,
  -- The policy's decision when the return was requested: every rule that applied, for the audit.
  decision            jsonb NOT NULL DEFAULT '{}',
  review_reasons      text[] NOT NULL DEFAULT '{}',
  locale              text NOT NULL,
  comment             text,
  return_carrier      text,
  return_tracking     text,
  exchange_order_id   text,
  -- A resubmitted portal form or a retried API call finds the RMA it already made.
  request_key         text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  decided_at          timestamptz,
  received_at         timestamptz,
  resolved_at         timestamptz,
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, number),
  UNIQUE (merchant_id, request_key),
  FOREIGN KEY (merchant_id, order_id) REFERENCES orders (merchant_id, id) ON DELETE CASCADE
);
-- The staff queue: by status, oldest first.
CREATE INDEX returns_queue ON returns (merchant_id, status, created_at);
CREATE INDEX returns_order ON returns (merchant_id, order_id);

CREATE TABLE return_lines (
  merchant_id         text NOT NULL,
  id                  text NOT NULL,
  return_id           text NOT NULL,
  order_line_id       text NOT NULL,
  quantity            integer NOT NULL CHECK (quantity > 0),
  unit_price_minor    bigint NOT NULL CHECK (unit_price_minor >= 0),
  reason              text NOT NULL,
  sub_reason          text,
  comment             text,
  -- For exchanges: the variant the customer wants instead.
  exchange_variant_id text,
  -- Set at inspection: restock | damaged | not_eligible.
  inspection          text,
  inspection_note     text,
  PRIMARY KEY (merchant_id, id),
  FOREIGN KEY (merchant_id, return_id) REFERENCES returns (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX return_lines_return ON return_lines (merchant_id, return_id);
CREATE INDEX return_lines_order_line ON return_lines (merchant_id, order_line_id);

-- Photos of damaged or wrong items, kept in the database so a self-hosted install has one thing to back up.
CREATE TABLE return_photos (
  merchant_id         text NOT NULL,
  id                  text NOT NULL,
  return_id           text NOT NULL,
  return_line_id      text,
  content_type        text NOT NULL,
  size_bytes          integer NOT NULL,
  sha256              text NOT NULL,
  data                bytea NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  FOREIGN KEY (merchant_id, return_id) REFERENCES returns (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX return_photos_return ON return_photos (merchant_id, return_id);

-- Every step, who took it and why: the audit trail of each decision.
CREATE TABLE return_transitions (
  merchant_id         text NOT NULL,
  return_id           text NOT NULL,
  seq                 integer NOT NULL,
  from_status         text,
  to_status           text NOT NULL,
  actor               text NOT NULL,            -- customer | staff | system | api
  note                text,
  at                  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, return_id, seq),
  FOREIGN KEY (merchant_id, return_id) REFERENCES returns (merchant_id, id) ON DELETE CASCADE
);
