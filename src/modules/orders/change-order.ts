import type { Updateable } from 'kysely';
import { type Db, withTransaction } from '../../db/pool.ts';
import type { OrdersTable } from '../../db/schema.ts';
import { normalizeEmail, normalizePhone } from '../../lib/contact.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import { appendEvents, type NewEvent } from '../events/index.ts';
import { getOrder } from './get-order.ts';
import { findOrderForUpdate, type OrderRow, updateOrder } from './repo.ts';
import type { OrderUpdateInput, OrderView } from './schemas.ts';
import { orderLifecycle, type PaymentStatus, paymentLifecycle } from './status.ts';

async function lockOrder(tx: Db, merchantId: string, orderId: string): Promise<OrderRow> {
  const order = await findOrderForUpdate(tx, merchantId, orderId);
  if (!order) throw new NotFoundError('Order', { id: orderId });
  return order;
}

function orderEvent(
  order: OrderRow,
  type: NewEvent['type'],
  payload: Record<string, unknown> = {},
): NewEvent {
  return {
    merchantId: order.merchant_id,
    type,
    subjectType: 'order',
    subjectId: order.id,
    occurredAt: new Date(),
    payload: { orderId: order.id, number: order.number, customerId: order.customer_id, ...payload },
  };
}

/** Changes contact, address, tags, note or promised window of an order (lines change through the platform). */
export async function updateOrderDetails(opts: {
  db: Db;
  merchantId: string;
  orderId: string;
  input: OrderUpdateInput;
}): Promise<OrderView> {
  const { input } = opts;
  await withTransaction(opts.db, async (tx) => {
    const order = await lockOrder(tx, opts.merchantId, opts.orderId);
    const changes: Updateable<OrdersTable> = {};
    const changed: string[] = [];
    const set = <K extends keyof Updateable<OrdersTable>>(
      field: string,
      key: K,
      value: Updateable<OrdersTable>[K],
    ) => {
      changes[key] = value;
      changed.push(field);
    };
    if (input.email !== undefined) {
      const email = input.email === null ? null : normalizeEmail(input.email);
      set('email', 'email', email);
    }
    if (input.phone !== undefined) {
      const country = (order.shipping_address as { country?: string } | null)?.country ?? null;
      const phone = input.phone === null ? null : normalizePhone(input.phone, country);
      if (input.phone !== null && !phone) {
        throw new ValidationError('The phone number is not valid.', { phone: input.phone }, 'invalid_phone');
      }
      set('phone', 'phone', phone);
    }
    if (input.locale !== undefined) set('locale', 'locale', input.locale);
    if (input.tags !== undefined) set('tags', 'tags', input.tags);
    if (input.campaignTags !== undefined) set('tags', 'campaign_tags', input.campaignTags);
    if (input.note !== undefined) set('note', 'note', input.note);
    if (input.shippingMethod !== undefined) set('shippingMethod', 'shipping_method', input.shippingMethod);
    if (input.shippingAddress !== undefined) {
      set(
        'shippingAddress',
        'shipping_address',
        input.shippingAddress ? JSON.stringify(input.shippingAddress) : null,
      );
    }
    if (input.billingAddress !== undefined) {
      set(
        'billingAddress',
        'billing_address',
        input.billingAddress ? JSON.stringify(input.billingAddress) : null,
      );
    }
    if (input.promisedDelivery !== undefined) {
      changes.promised_earliest = input.promisedDelivery?.earliest ?? null;
      set('promisedDelivery', 'promised_latest', input.promisedDelivery?.latest ?? null);
    }
    if (changed.length === 0) return;
    await updateOrder(tx, opts.merchantId, order.id, changes);
    await appendEvents(tx, [orderEvent(order, 'order.updated', { changed: [...new Set(changed)] })]);
  });
  return getOrder({ db: opts.db, merchantId: opts.merchantId, orderId: opts.orderId });
}

/** Records payment. Paying an already paid order is a no-op; paying a voided or refunded one is refused. */
export async function markOrderPaid(opts: {
  db: Db;
  merchantId: string;
  orderId: string;
  paidAt?: Date;
}): Promise<OrderView> {
  await withTransaction(opts.db, async (tx) => {
    const order = await lockOrder(tx, opts.merchantId, opts.orderId);
    if (order.payment_status === 'paid') return;
    paymentLifecycle.assert(order.payment_status as PaymentStatus, 'paid');
    await updateOrder(tx, opts.merchantId, order.id, { payment_status: 'paid' });
    await appendEvents(tx, [{ ...orderEvent(order, 'order.paid'), occurredAt: opts.paidAt ?? new Date() }]);
  });
  return getOrder(opts);
}

/** Cancels an order that has not shipped. Cancelling twice is a no-op. */
export async function cancelOrder(opts: {
  db: Db;
  merchantId: string;
  orderId: string;
  reason?: string;
}): Promise<OrderView> {
  await withTransaction(opts.db, async (tx) => {
    const order = await lockOrder(tx, opts.merchantId, opts.orderId);
    if (order.status === 'cancelled') return;
    orderLifecycle.assert(order.status as never, 'cancelled');
    const now = new Date();
    const payment = order.payment_status as PaymentStatus;
    await updateOrder(tx, opts.merchantId, order.id, {
      status: 'cancelled',
      cancelled_at: now,
      cancel_reason: opts.reason ?? null,
      // An unpaid order's authorisation is released with it; a paid one is refunded separately.
      payment_status:
        paymentLifecycle.can(payment, 'voided') && payment !== 'partially_paid' ? 'voided' : payment,
    });
    await appendEvents(tx, [orderEvent(order, 'order.cancelled', { reason: opts.reason ?? null })]);
  });
  return getOrder(opts);
}

export { lockOrder, orderEvent };
