import { z } from 'zod';
import { orderDataFromApi } from '../create-order.ts';
import { orderCreateSchema } from '../schemas.ts';
import type { OrderRowReader, RejectedRow } from './types.ts';

/** JSON Lines: one order per line in the REST API's create-order shape, plus a historical status. */
const jsonlOrder = orderCreateSchema.extend({
  status: z.enum(['placed', 'shipped', 'delivered', 'cancelled']).default('delivered'),
  paymentStatus: z.enum(['pending', 'authorized', 'paid', 'refunded', 'voided']).default('paid'),
});

export function jsonlReader(): OrderRowReader {
  const rejected: RejectedRow[] = [];
  return {
    rejected,
    push(raw, rowNumber) {
      const text = raw as string;
      if (!text.trim()) return [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        rejected.push({ row: rowNumber, reason: 'not valid JSON', raw: text.slice(0, 500) });
        return [];
      }
      const result = jsonlOrder.safeParse(parsed);
      if (!result.success) {
        const reason = result.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.') || 'order'}: ${i.message}`)
          .join('; ');
        rejected.push({ row: rowNumber, reason, raw: text.slice(0, 500) });
        return [];
      }
      const { status, paymentStatus, ...input } = result.data;
      try {
        const data = orderDataFromApi({ ...input, paymentStatus: 'pending' }, null);
        data.paymentStatus = paymentStatus;
        if (!input.placedAt) throw new Error('placedAt is required in an import');
        if (status === 'cancelled') data.cancelledAt = data.placedAt;
        return [{ data, status, rows: [rowNumber] }];
      } catch (err) {
        rejected.push({
          row: rowNumber,
          reason: err instanceof Error ? err.message : String(err),
          raw: text.slice(0, 500),
        });
        return [];
      }
    },
    flush: () => [],
    pendingFrom: () => null,
  };
}
