-- The credit ledger: store credit, gift vouchers and amount thank-you codes are accounts in ONE double-entry
-- ledger. Every movement of value is a transaction whose entries sum to zero; an account's balance is the sum
-- of its entries, cached on the account row (updated in the same database transaction as the entries) so a
-- CHECK can refuse a negative customer-facing balance and a row lock can serialise spending.
-- Percent-off thank-you codes stay in `vouchers` (a discount holds no value); their redemptions are recorded in
-- voucher_redemptions so they are idempotent and single use.

CREATE TABLE credit_accounts (
  merchant_id       text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id                text NOT NULL,
  -- Customer-facing, holding value: store_credit (one per customer and currency), gift_voucher, thank_you.
  -- System, one per merchant and currency, may go negative: issuance (value handed out: minus what is
  -- outstanding), bonus (promotional value handed out), redemption (value spent on orders), expiry
  -- (breakage), adjustment (manual corrections).
  kind              text NOT NULL CHECK (kind IN ('store_credit', 'gift_voucher', 'thank_you',
                                                  'issuance', 'bonus', 'redemption', 'expiry', 'adjustment')),
  currency          char(3) NOT NULL,
  customer_id       text,
  -- A code is a bearer instrument: only its SHA-256 is kept (see src/modules/credit/codes.ts for why), and
  -- its last four characters to tell codes apart on a statement.
  code_hash         text,
  code_hint         text,
  -- The journey's thank-you voucher this account carries the value of, when it came from one.
  voucher_id        text,
  -- active -> expired | disabled (src/modules/credit/status.ts).
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'expired', 'disabled')),
  balance_minor     bigint NOT NULL DEFAULT 0,
  expires_at        timestamptz,
  -- Issuing twice for the same cause (a retried request, a journey step) finds the first account.
  source_key        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  -- Money a customer holds is never negative. System accounts carry the other side of every entry.
  CHECK (kind IN ('issuance', 'bonus', 'redemption', 'expiry', 'adjustment') OR balance_minor >= 0),
  CHECK ((kind IN ('gift_voucher', 'thank_you')) = (code_hash IS NOT NULL)),
  CHECK (kind <> 'store_credit' OR customer_id IS NOT NULL)
);
-- Looking up a code is one index hit on (merchant, hash); the same hash under another merchant is not found.
CREATE UNIQUE INDEX credit_accounts_code ON credit_accounts (merchant_id, code_hash) WHERE code_hash IS NOT NULL;
CREATE UNIQUE INDEX credit_accounts_store_credit ON credit_accounts (merchant_id, customer_id, currency)
  WHERE kind = 'store_credit';
CREATE UNIQUE INDEX credit_accounts_system ON credit_accounts (merchant_id, kind, currency)
  WHERE kind IN ('issuance', 'bonus', 'redemption', 'expiry', 'adjustment');
CREATE UNIQUE INDEX credit_accounts_source ON credit_accounts (merchant_id, source_key) WHERE source_key IS NOT NULL;
CREATE INDEX credit_accounts_customer ON credit_accounts (merchant_id, customer_id) WHERE customer_id IS NOT NULL;
-- The expiry job's queue: value left on an account past its date.
CREATE INDEX credit_accounts_due ON credit_accounts (expires_at)
  WHERE expires_at IS NOT NULL AND balance_minor > 0
    AND kind IN ('store_credit', 'gift_voucher', 'thank_you');

CREATE TABLE credit_transactions (
  merchant_id       text NOT NULL REFERENCES merchants (id) ON DELETE CASCADE,
  id                text NOT NULL,
  -- issue (value handed out), bonus (promotional value on top of an issue), refund (an order refund paid
  -- as store credit), redeem (spent on an order), reverse (a redemption given back: the order was
  -- cancelled), expire (breakage), adjust (manual correction).
  kind              text NOT NULL CHECK (kind IN ('issue', 'bonus', 'refund', 'redeem', 'reverse', 'expire', 'adjust')),
  currency          char(3) NOT NULL,
  -- A retried request (Idempotency-Key, a caller's redemption id, a job's own key) finds this transaction.
  idempotency_key   text,
  -- What caused it: an order (the storefront's order reference), a return, a journey step, ...
  reference_type    text,
  reference_id      text,
  -- For reverse: the redemption it gives back.
  reverses_id       text,
  memo              text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, idempotency_key),
  FOREIGN KEY (merchant_id, reverses_id) REFERENCES credit_transactions (merchant_id, id)
);
CREATE INDEX credit_transactions_reference ON credit_transactions (merchant_id, reference_type, reference_id)
  WHERE reference_id IS NOT NULL;
CREATE INDEX credit_transactions_reverses ON credit_transactions (merchant_id, reverses_id)
  WHERE reverses_id IS NOT NULL;

-- The entries of a transaction sum to zero (checked by the code that posts them, in the same transaction,
-- and by the ledger tests over every account); an entry's currency is its account's.
CREATE TABLE credit_entries (
  merchant_id       text NOT NULL,
  transaction_id    text NOT NULL,
  seq               smallint NOT NULL,
  account_id        text NOT NULL,
  amount_minor      bigint NOT NULL CHECK (amount_minor <> 0),
  currency          char(3) NOT NULL,
  -- The account's balance right after this entry: statements read it instead of summing history.
  balance_after     bigint NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, transaction_id, seq),
  FOREIGN KEY (merchant_id, transaction_id) REFERENCES credit_transactions (merchant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (merchant_id, account_id) REFERENCES credit_accounts (merchant_id, id)
);
CREATE INDEX credit_entries_account ON credit_entries (merchant_id, account_id, created_at, transaction_id);

-- Redemptions of percent-off codes (no value moves, so no ledger entry): the idempotency key makes a retried
-- checkout find its redemption; vouchers.redeemed_at, set in the same transaction, makes the code single use.
CREATE TABLE voucher_redemptions (
  merchant_id       text NOT NULL,
  id                text NOT NULL,
  voucher_id        text NOT NULL,
  idempotency_key   text,
  order_ref         text NOT NULL,
  discount_minor    bigint NOT NULL CHECK (discount_minor >= 0),
  currency          char(3) NOT NULL,
  reversed_at       timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id),
  UNIQUE (merchant_id, idempotency_key),
  FOREIGN KEY (merchant_id, voucher_id) REFERENCES vouchers (merchant_id, id) ON DELETE CASCADE
);
CREATE INDEX voucher_redemptions_voucher ON voucher_redemptions (merchant_id, voucher_id);
