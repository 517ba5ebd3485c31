/**
 * Every message the platform can send, by key. `category` decides consent: transactional messages are
 * about an order the customer placed and need none; marketing ones need the customer's consent, count
 * toward the frequency cap and carry a one-click unsubscribe.
 */
export interface TemplateSpec {
  key: string;
  category: 'transactional' | 'marketing';
  /** Channels with a default template. Email always; SMS/WhatsApp for short delivery news. */
  channels: Array<'email' | 'sms' | 'whatsapp'>;
  /** The approved WhatsApp template this key maps to (name as registered with Meta). */
  whatsappTemplate?: string;
  /** Where its words live in the locale catalogues, when not under its own key (e.g. `return_messages.approved`). */
  strings?: string;
  description: string;
}

export const TEMPLATES: readonly TemplateSpec[] = [
  {
    key: 'order_confirmation',
    category: 'transactional',
    channels: ['email'],
    description:
      'Order received: items, itemised costs, shipping method, delivery estimate, a personal thank-you.',
  },
  {
    key: 'payment_confirmed',
    category: 'transactional',
    channels: ['email'],
    description: 'Payment received.',
  },
  {
    key: 'order_shipped',
    category: 'transactional',
    channels: ['email', 'sms', 'whatsapp'],
    whatsappTemplate: 'order_shipped',
    description: 'Parcel handed to the carrier, with the link to the tracking page.',
  },
  {
    key: 'out_for_delivery',
    category: 'transactional',
    channels: ['email', 'sms', 'whatsapp'],
    whatsappTemplate: 'out_for_delivery',
    description: 'The parcel arrives today.',
  },
  {
    key: 'delivered',
    category: 'transactional',
    channels: ['email', 'sms', 'whatsapp'],
    whatsappTemplate: 'order_delivered',
    description: 'The parcel was delivered.',
  },
  {
    key: 'delivery_problem',
    category: 'transactional',
    channels: ['email', 'sms'],
    description: 'Delayed or in trouble: an apology and what happens next.',
  },
  {
    key: 'thermometer',
    category: 'transactional',
    channels: ['email'],
    description: 'Rate the purchase process from 1 to 5 with one click.',
  },
  {
    key: 'product_survey',
    category: 'marketing',
    channels: ['email'],
    description: 'How satisfied are you with the products?',
  },
  {
    key: 'review_request',
    category: 'marketing',
    channels: ['email'],
    description: 'Ask for a product review.',
  },
  {
    key: 'care_tips',
    category: 'marketing',
    channels: ['email'],
    description: 'Care and usage tips for the products bought (from the catalogue).',
  },
  {
    key: 'thank_you_voucher',
    category: 'marketing',
    channels: ['email'],
    description: 'Thank you, with a gift voucher for the next purchase.',
  },
  {
    key: 'campaign_thank_you',
    category: 'marketing',
    channels: ['email'],
    description: 'A personal thank-you to everyone who ordered in a campaign.',
  },
  {
    key: 'return_received_request',
    category: 'transactional',
    channels: ['email'],
    strings: 'return_messages.requested',
    description:
      'Return request received: RMA number, items, resolution chosen, and what happens next (or that we review it).',
  },
  {
    key: 'return_approved',
    category: 'transactional',
    channels: ['email', 'sms'],
    strings: 'return_messages.approved',
    description: 'Return approved: how to pack it, the label or drop-off, and the deadline.',
  },
  {
    key: 'return_rejected',
    category: 'transactional',
    channels: ['email'],
    strings: 'return_messages.rejected',
    description: 'Return rejected: the reason, politely, and how to reach support.',
  },
  {
    key: 'return_received',
    category: 'transactional',
    channels: ['email'],
    strings: 'return_messages.received',
    description: 'The returned parcel arrived at the warehouse.',
  },
  {
    key: 'return_resolved',
    category: 'transactional',
    channels: ['email', 'sms'],
    strings: 'return_messages.resolved',
    description:
      'Return settled: the refund, the store credit with its bonus, the voucher code or the exchange.',
  },
];

export function templateSpec(key: string): TemplateSpec | undefined {
  return TEMPLATES.find((t) => t.key === key);
}
