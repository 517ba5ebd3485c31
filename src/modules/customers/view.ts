import type { CustomerRow } from './repo.ts';
import type { CustomerView } from './schemas.ts';

export function toCustomerView(row: CustomerRow): CustomerView {
  return {
    id: row.id,
    email: row.email,
    phone: row.phone,
    firstName: row.first_name,
    lastName: row.last_name,
    locale: row.locale,
    acceptsMarketing: row.accepts_marketing,
    ordersCount: row.orders_count,
    firstOrderAt: row.first_order_at?.toISOString() ?? null,
    lastOrderAt: row.last_order_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}
