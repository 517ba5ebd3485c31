/** Orders: lines, money, payment and fulfilment lifecycles, refunds. Every change appends a domain event. */
export { cancelOrder, lockOrder, markOrderPaid, orderEvent, updateOrderDetails } from './change-order.ts';
export { createOrder, orderDataFromApi } from './create-order.ts';
export { type CreatedOrder, createOrders, type NewOrder } from './create-orders.ts';
export { getOrder } from './get-order.ts';
export { type RefundInput, recordRefund } from './record-refund.ts';
export { markOrdersDelivered, refreshFulfilment } from './refresh-fulfilment.ts';
export {
  findOrder,
  findOrderBySourceForUpdate,
  listLines,
  type OrderLineRow,
  type OrderRow,
} from './repo.ts';
export { orderRoutes } from './routes.ts';
export type { OrderView } from './schemas.ts';
export { type OrderStatus, orderLifecycle, type PaymentStatus, paymentLifecycle } from './status.ts';
export { computeTotals } from './totals.ts';
export type { LineData, OrderData, OrderTotals } from './types.ts';
export { type UpsertOrderResult, upsertOrder } from './upsert-order.ts';
export { toOrderView } from './view.ts';
