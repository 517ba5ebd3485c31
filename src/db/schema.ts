import type { ColumnType, Generated } from 'kysely';

/**
 * Row types for Kysely, kept by hand next to the SQL in migrations/ (one interface per table, same
 * column names). `Generated` marks columns the database fills in; `Timestamp` is read as a Date.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;
type DefaultJson<T = unknown> = ColumnType<T, string | undefined, string>;
/** A `date` column, read as 'YYYY-MM-DD' (no time zone games). */
type DateOnly = string;

export interface MerchantsTable {
  id: string;
  name: string;
  slug: string;
  locale: string;
  currency: string;
  timezone: string;
  logo_url: string | null;
  brand_primary: Generated<string>;
  brand_accent: Generated<string>;
  support_email: string | null;
  support_phone: string | null;
  sender_name: string | null;
  sender_email: string | null;
  postal_address: Json<PostalAddress | null> | null;
  settings: DefaultJson<Record<string, unknown>>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PostalAddress {
  name?: string | null;
  company?: string | null;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  regionCode?: string | null;
  postalCode?: string | null;
  country?: string | null;
  countryName?: string | null;
  phone?: string | null;
}

export interface MerchantIntegrationsTable {
  merchant_id: string;
  kind: 'shopify' | 'woocommerce' | 'easypost' | 'aftership' | 'shopify_admin';
  external_ref: string;
  secret_sealed: string;
  created_at: DefaultTimestamp;
}

export interface ApiKeysTable {
  merchant_id: string;
  id: string;
  name: string;
  secret_hash: string;
  created_at: DefaultTimestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface CustomersTable {
  merchant_id: string;
  id: string;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  locale: string | null;
  timezone: string | null;
  accepts_marketing: Generated<boolean>;
  orders_count: Generated<number>;
  first_order_at: Timestamp | null;
  last_order_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CustomerIdentitiesTable {
  merchant_id: string;
  source: string;
  external_id: string;
  customer_id: string;
  channel: string;
  created_at: DefaultTimestamp;
}

export interface ProductsTable {
  merchant_id: string;
  id: string;
  source: string;
  external_id: string;
  title: string;
  brand: string | null;
  category: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  image_url: string | null;
  description: string | null;
  care_tips: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface VariantsTable {
  merchant_id: string;
  id: string;
  product_id: string;
  source: string;
  external_id: string;
  sku: string | null;
  title: string | null;
  size: string | null;
  color: string | null;
  attributes: DefaultJson<Record<string, string>>;
  price_minor: number | null;
  image_url: string | null;
  inventory: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface OrdersTable {
  merchant_id: string;
  id: string;
  source: string;
  external_id: string;
  number: string;
  customer_id: string | null;
  email: string | null;
  phone: string | null;
  locale: string;
  currency: string;
  status: string;
  payment_status: string;
  channel: string;
  campaign_tags: ColumnType<string[], string[] | undefined, string[]>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  shipping_method: string | null;
  taxes_included: boolean;
  subtotal_minor: number;
  discount_minor: number;
  tax_minor: number;
  shipping_minor: number;
  total_minor: number;
  refunded_minor: Generated<number>;
  discount_codes: DefaultJson<DiscountCode[]>;
  shipping_lines: DefaultJson<ShippingLine[]>;
  tax_lines: DefaultJson<TaxLine[]>;
  shipping_address: Json<PostalAddress | null> | null;
  billing_address: Json<PostalAddress | null> | null;
  promised_earliest: DateOnly | null;
  promised_latest: DateOnly | null;
  promised_likely: DateOnly | null;
  note: string | null;
  placed_at: Timestamp;
  cancelled_at: Timestamp | null;
  cancel_reason: string | null;
  source_updated_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface DiscountCode {
  code: string;
  amount: number;
  type?: string | null;
}
export interface ShippingLine {
  title: string;
  code?: string | null;
  price: number;
  tax?: number;
}
export interface TaxLine {
  title: string;
  rate?: number | null;
  amount: number;
}
export interface LineProperty {
  name: string;
  value: string;
}

export interface OrderLinesTable {
  merchant_id: string;
  id: string;
  order_id: string;
  position: number;
  external_id: string | null;
  product_id: string | null;
  variant_id: string | null;
  sku: string | null;
  title: string;
  variant_title: string | null;
  brand: string | null;
  size: string | null;
  color: string | null;
  properties: DefaultJson<LineProperty[]>;
  quantity: number;
  unit_price_minor: number;
  discount_minor: number;
  tax_minor: number;
  tax_lines: DefaultJson<TaxLine[]>;
  requires_shipping: boolean;
  image_url: string | null;
}

export interface ShipmentsTable {
  merchant_id: string;
  id: string;
  order_id: string;
  source: string;
  external_id: string;
  carrier: string | null;
  service: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
  status: string;
  shipped_at: Timestamp | null;
  delivered_at: Timestamp | null;
  source_updated_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  sub_status: string | null;
  status_at: Timestamp | null;
  last_scan_at: Timestamp | null;
  out_for_delivery_at: Timestamp | null;
  last_location: string | null;
  lane: string | null;
  international: Generated<boolean>;
  estimated_earliest: DateOnly | null;
  estimated_latest: DateOnly | null;
  transit_days: number | null;
  promise_kept: boolean | null;
  days_vs_promise: number | null;
  flags: Generated<string[]>;
  flagged_at: Timestamp | null;
  polled_at: Timestamp | null;
}

export interface TrackingEventsTable {
  merchant_id: string;
  shipment_id: string;
  dedupe_key: string;
  source: string;
  occurred_at: Timestamp;
  status: string;
  sub_status: string | null;
  raw_code: string | null;
  description: string | null;
  location: string | null;
  received_at: DefaultTimestamp;
}

export interface DeliveryPromisesTable {
  merchant_id: string;
  id: string;
  order_id: string | null;
  shipment_id: string | null;
  earliest: DateOnly;
  likely: DateOnly;
  latest: DateOnly;
  confidence: number;
  method: string;
  lane: string | null;
  inputs: DefaultJson;
  created_at: DefaultTimestamp;
}

export interface ShipmentLinesTable {
  merchant_id: string;
  shipment_id: string;
  order_line_id: string;
  quantity: number;
}

export interface RefundsTable {
  merchant_id: string;
  id: string;
  order_id: string;
  source: string;
  external_id: string;
  amount_minor: number;
  currency: string;
  reason: string | null;
  lines: DefaultJson<Array<{ orderLineId: string; quantity: number }>>;
  refunded_at: Timestamp;
  created_at: DefaultTimestamp;
}

export interface InboundEventsTable {
  merchant_id: string;
  source: string;
  external_id: string;
  topic: string;
  outcome: string;
  note: string | null;
  payload: Json<unknown>;
  waiting_for: string | null;
  received_at: DefaultTimestamp;
}

export interface EventsTable {
  merchant_id: string;
  id: string;
  seq: Generated<number>;
  type: string;
  subject_type: string;
  subject_id: string;
  payload: DefaultJson<Record<string, unknown>>;
  occurred_at: Timestamp;
  recorded_at: DefaultTimestamp;
}

export interface IdempotencyKeysTable {
  merchant_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: Json<unknown>;
  created_at: DefaultTimestamp;
}

export interface ImportRunsTable {
  merchant_id: string;
  id: string;
  file_name: string;
  file_sha256: string;
  format: string;
  status: 'running' | 'finished';
  rows_read: Generated<number>;
  orders_imported: Generated<number>;
  lines_imported: Generated<number>;
  rows_rejected: Generated<number>;
  started_at: DefaultTimestamp;
  finished_at: Timestamp | null;
}

export interface MessageTemplatesTable {
  merchant_id: string;
  key: string;
  locale: string;
  channel: 'email' | 'sms' | 'whatsapp';
  version: number;
  subject: string | null;
  body: string;
  text_body: string | null;
  compiled_html: string | null;
  created_at: DefaultTimestamp;
}

export interface MessagesTable {
  merchant_id: string;
  id: string;
  idempotency_key: string;
  channel: string;
  recipient: string;
  customer_id: string | null;
  order_id: string | null;
  shipment_id: string | null;
  enrollment_id: string | null;
  template_key: string;
  template_version: Generated<number>;
  locale: string;
  category: 'transactional' | 'marketing';
  status: string;
  status_reason: string | null;
  context: DefaultJson<Record<string, unknown>>;
  warnings: DefaultJson<string[]>;
  subject: string | null;
  provider: string | null;
  provider_id: string | null;
  attempts: Generated<number>;
  event_occurred_at: Timestamp | null;
  send_after: DefaultTimestamp;
  sent_at: Timestamp | null;
  delivered_at: Timestamp | null;
  opened_at: Timestamp | null;
  clicked_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface MessageEventsTable {
  merchant_id: string;
  id: Generated<number>;
  message_id: string;
  type: string;
  detail: DefaultJson<Record<string, unknown>>;
  occurred_at: DefaultTimestamp;
}

export interface SuppressionsTable {
  merchant_id: string;
  channel: string;
  address: string;
  reason: string;
  created_at: DefaultTimestamp;
}

export interface ConsentsTable {
  merchant_id: string;
  customer_id: string;
  channel: string;
  granted: boolean;
  source: string;
  updated_at: DefaultTimestamp;
}

export interface JourneysTable {
  merchant_id: string;
  id: string;
  name: string;
  preset: string | null;
  active: Generated<boolean>;
  current_version: number;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface JourneyVersionsTable {
  merchant_id: string;
  journey_id: string;
  version: number;
  definition: Json<unknown>;
  created_at: DefaultTimestamp;
}

export interface JourneyEnrollmentsTable {
  merchant_id: string;
  id: string;
  journey_id: string;
  version: number;
  subject_type: string;
  subject_id: string;
  customer_id: string | null;
  order_id: string | null;
  trigger_event_id: string;
  status: 'active' | 'completed' | 'exited' | 'failed';
  step: Generated<number>;
  waiting_for: string | null;
  next_run_at: Timestamp | null;
  context: DefaultJson<Record<string, unknown>>;
  exit_reason: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface VouchersTable {
  merchant_id: string;
  id: string;
  code: string;
  kind: string;
  customer_id: string | null;
  order_id: string | null;
  source_key: string;
  percent_off: number | null;
  amount_minor: number | null;
  currency: string | null;
  single_use: Generated<boolean>;
  expires_at: Timestamp | null;
  redeemed_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface SurveysTable {
  merchant_id: string;
  id: string;
  kind: string;
  customer_id: string | null;
  order_id: string | null;
  source_key: string;
  follow_up_at_or_below: number | null;
  score: number | null;
  comment: string | null;
  answered_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface TasksTable {
  merchant_id: string;
  id: string;
  kind: string;
  title: string;
  customer_id: string | null;
  order_id: string | null;
  survey_id: string | null;
  status: Generated<string>;
  note: string | null;
  source_key: string;
  created_at: DefaultTimestamp;
  closed_at: Timestamp | null;
}

export interface WebhookEndpointsTable {
  merchant_id: string;
  id: string;
  url: string;
  secret_sealed: string;
  events: ColumnType<string[], string[] | undefined, string[]>;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
}

export interface WebhookDeliveriesTable {
  merchant_id: string;
  endpoint_id: string;
  delivery_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  created_at: DefaultTimestamp;
  last_attempt_at: Timestamp | null;
  delivered_at: Timestamp | null;
}

export interface ReturnsTable {
  merchant_id: string;
  id: string;
  number: string;
  order_id: string;
  customer_id: string | null;
  status: string;
  source: string;
  resolution: string;
  resolution_detail: DefaultJson<Record<string, unknown>>;
  outcome: string | null;
  currency: string;
  value_minor: number;
  bonus_minor: ColumnType<number, number | undefined, number>;
  fee_minor: ColumnType<number, number | undefined, number>;
  shipping_minor: ColumnType<number, number | undefined, number>;
  refunded_minor: ColumnType<number, number | undefined, number>;
  credited_minor: ColumnType<number, number | undefined, number>;
  is_gift: ColumnType<boolean, boolean | undefined, boolean>;
  keep_item: ColumnType<boolean, boolean | undefined, boolean>;
  decision: DefaultJson<Record<string, unknown>>;
  review_reasons: ColumnType<string[], string[] | undefined, string[]>;
  locale: string;
  comment: string | null;
  return_carrier: string | null;
  return_tracking: string | null;
  exchange_order_id: string | null;
  request_key: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  decided_at: Timestamp | null;
  received_at: Timestamp | null;
  resolved_at: Timestamp | null;
}

export interface ReturnLinesTable {
  merchant_id: string;
  id: string;
  return_id: string;
  order_line_id: string;
  quantity: number;
  unit_price_minor: number;
  reason: string;
  sub_reason: string | null;
  comment: string | null;
  exchange_variant_id: string | null;
  inspection: string | null;
  inspection_note: string | null;
}

/** A return's refund as pushed to the commerce platform (Shopify), so it happens there once. */
export interface PlatformRefundsTable {
  merchant_id: string;
  return_id: string;
  platform: ColumnType<string, string | undefined, string>;
  status: ColumnType<'pending' | 'succeeded' | 'failed', 'pending' | 'succeeded' | 'failed' | undefined>;
  platform_refund_id: string | null;
  error: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ReturnPhotosTable {
  merchant_id: string;
  id: string;
  return_id: string;
  return_line_id: string | null;
  content_type: string;
  size_bytes: number;
  sha256: string;
  data: Buffer;
  created_at: DefaultTimestamp;
}

export interface ReturnTransitionsTable {
  merchant_id: string;
  return_id: string;
  seq: number;
  from_status: string | null;
  to_status: string;
  actor: string;
  note: string | null;
  at: DefaultTimestamp;
}

export interface CreditAccountsTable {
  merchant_id: string;
  id: string;
  kind:
    | 'store_credit'
    | 'gift_voucher'
    | 'thank_you'
    | 'issuance'
    | 'bonus'
    | 'redemption'
    | 'expiry'
    | 'adjustment';
  currency: string;
  customer_id: string | null;
  code_hash: string | null;
  code_hint: string | null;
  voucher_id: string | null;
  status: Generated<'active' | 'expired' | 'disabled'>;
  balance_minor: Generated<number>;
  expires_at: Timestamp | null;
  source_key: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CreditTransactionsTable {
  merchant_id: string;
  id: string;
  kind: 'issue' | 'bonus' | 'refund' | 'redeem' | 'reverse' | 'expire' | 'adjust';
  currency: string;
  idempotency_key: string | null;
  reference_type: string | null;
  reference_id: string | null;
  reverses_id: string | null;
  memo: string | null;
  created_at: DefaultTimestamp;
}

export interface CreditEntriesTable {
  merchant_id: string;
  transaction_id: string;
  seq: number;
  account_id: string;
  amount_minor: number;
  currency: string;
  balance_after: number;
  created_at: DefaultTimestamp;
}

export interface VoucherRedemptionsTable {
  merchant_id: string;
  id: string;
  voucher_id: string;
  idempotency_key: string | null;
  order_ref: string;
  discount_minor: number;
  currency: string;
  reversed_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface Database {
  merchants: MerchantsTable;
  merchant_integrations: MerchantIntegrationsTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  customer_identities: CustomerIdentitiesTable;
  products: ProductsTable;
  variants: VariantsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  shipments: ShipmentsTable;
  shipment_lines: ShipmentLinesTable;
  tracking_events: TrackingEventsTable;
  delivery_promises: DeliveryPromisesTable;
  refunds: RefundsTable;
  inbound_events: InboundEventsTable;
  events: EventsTable;
  idempotency_keys: IdempotencyKeysTable;
  import_runs: ImportRunsTable;
  message_templates: MessageTemplatesTable;
  messages: MessagesTable;
  message_events: MessageEventsTable;
  suppressions: SuppressionsTable;
  consents: ConsentsTable;
  journeys: JourneysTable;
  journey_versions: JourneyVersionsTable;
  journey_enrollments: JourneyEnrollmentsTable;
  vouchers: VouchersTable;
  surveys: SurveysTable;
  tasks: TasksTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  returns: ReturnsTable;
  return_lines: ReturnLinesTable;
  platform_refunds: PlatformRefundsTable;
  return_photos: ReturnPhotosTable;
  return_transitions: ReturnTransitionsTable;
  credit_accounts: CreditAccountsTable;
  credit_transactions: CreditTransactionsTable;
  credit_entries: CreditEntriesTable;
  voucher_redemptions: VoucherRedemptionsTable;
}
