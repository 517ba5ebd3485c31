-- Refunds pushed back to the commerce platform. A merchant may connect Shopify's Admin API (an access token,
-- sealed like the webhook secrets; external_ref is the shop domain) so that a return resolved with money back
-- is refunded in Shopify too, by the `shopify.refund` job.

ALTER TABLE merchant_integrations DROP CONSTRAINT merchant_integrations_kind_check;
ALTER TABLE merchant_integrations ADD CONSTRAINT merchant_integrations_kind_check
  CHECK (kind IN ('shopify', 'woocommerce', 'easypost', 'aftership', 'shopify_admin'));

-- One row per return whose money goes back through the platform: what happened when we asked. The job reads
-- it first, so a retried or re-run job never refunds twice once a refund has succeeded.
CREATE TABLE platform_refunds (
  merchant_id         text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  return_id           text NOT NULL,
  platform            text NOT NULL DEFAULT 'shopify',
  status              text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  platform_refund_id  text,
  error               text,
  attempts            integer NOT NULL DEFAULT 0,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, return_id),
  FOREIGN KEY (merchant_id, return_id) REFERENCES returns (merchant_id, id) ON DELETE CASCADE
);
-- The refunds/create webhook our own refund causes is recognised by the platform's refund id.
CREATE INDEX platform_refunds_by_platform_id ON platform_refunds (merchant_id, platform_refund_id)
  WHERE platform_refund_id IS NOT NULL;
