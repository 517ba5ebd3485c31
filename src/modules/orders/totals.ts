import type { LineData, OrderTotals } from './types.ts';

/**
 * Order totals from their parts. With tax-inclusive prices (the norm in Brazil and the EU) the tax is
 * already inside the line and shipping prices, so it is reported but not added again.
 */
export function computeTotals(opts: {
  lines: Pick<LineData, 'quantity' | 'unitPrice' | 'discount' | 'tax'>[];
  orderDiscount: number;
  shipping: number;
  shippingTax: number;
  taxesIncluded: boolean;
}): OrderTotals {
  const subtotal = opts.lines.reduce((s, l) => s + l.quantity * l.unitPrice, 0);
  const discount = opts.lines.reduce((s, l) => s + l.discount, 0) + opts.orderDiscount;
  const tax = opts.lines.reduce((s, l) => s + l.tax, 0) + opts.shippingTax;
  const total = subtotal - discount + opts.shipping + (opts.taxesIncluded ? 0 : tax);
  return { subtotal, discount, tax, shipping: opts.shipping, total };
}
