-- Every event sent to a merchant's webhook endpoint, with how the endpoint answered: one row per event and
-- endpoint, updated on each attempt, so "did my endpoint get order X?" has an answer.
CREATE TABLE webhook_deliveries (
  merchant_id      text NOT NULL,
  endpoint_id      text NOT NULL,
  delivery_id      text NOT NULL,
  event_type       text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_attempt_at  timestamptz,
  delivered_at     timestamptz,
  PRIMARY KEY (merchant_id, endpoint_id, delivery_id),
  FOREIGN KEY (merchant_id, endpoint_id) REFERENCES webhook_endpoints (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_recent ON webhook_deliveries (merchant_id, endpoint_id, created_at DESC);
