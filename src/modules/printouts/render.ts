import { translate } from '../templates/translations.ts';
import { drawExchangeInstructions } from './exchange-instructions.ts';
import { drawPackedByCard } from './packed-by-card.ts';
import { drawPackingSlip } from './packing-slip.ts';
import { createDocument, type Doc, finish, qrPng } from './pdf.ts';
import type { ExchangeView, OrderPrintouts, PackedByView, PackingSlipView } from './views.ts';

interface RenderOptions {
  /** Written as the PDF creation date; pass a fixed one for byte-stable output. */
  createdAt?: Date;
}

async function drawOrder(doc: Doc, p: OrderPrintouts): Promise<void> {
  // The slip and the instructions point to the same portal: one QR image serves both.
  const qr = await qrPng(p.slip.portalUrl);
  const same = p.exchange.portalUrl === p.slip.portalUrl;
  drawPackingSlip(doc, p.slip, qr);
  drawExchangeInstructions(doc, p.exchange, same ? qr : await qrPng(p.exchange.portalUrl));
  if (p.packedBy) drawPackedByCard(doc, p.packedBy);
}

/** The packing slip and invoice alone (A4, one page or more for long orders). */
export async function renderPackingSlip(v: PackingSlipView, opts: RenderOptions = {}): Promise<Buffer> {
  const doc = createDocument({ title: title(v), locale: v.locale, createdAt: opts.createdAt });
  drawPackingSlip(doc, v, await qrPng(v.portalUrl));
  return finish(doc);
}

export async function renderExchangeInstructions(v: ExchangeView, opts: RenderOptions = {}): Promise<Buffer> {
  const doc = createDocument({
    title: translate(v.locale, 'printouts.exchange.title'),
    locale: v.locale,
    createdAt: opts.createdAt,
  });
  drawExchangeInstructions(doc, v, await qrPng(v.portalUrl));
  return finish(doc);
}

export async function renderPackedByCard(v: PackedByView, opts: RenderOptions = {}): Promise<Buffer> {
  const doc = createDocument({
    title: translate(v.locale, 'printouts.packed_by.title', { name: v.packer.name }),
    locale: v.locale,
    createdAt: opts.createdAt,
  });
  drawPackedByCard(doc, v);
  return finish(doc);
}

/**
 * Everything that goes in the box for each order, in the given order, as one PDF: slip, exchange
 * instructions and (when a packer is named) the A6 card. Fonts are embedded once for the whole batch.
 * Drawing is synchronous CPU work, so the event loop gets a turn between orders of a large pick list.
 */
export async function renderOrderPrintouts(
  orders: OrderPrintouts[],
  opts: RenderOptions = {},
): Promise<Buffer> {
  const first = orders[0];
  const doc = createDocument({
    title: first
      ? orders.length === 1
        ? title(first.slip)
        : `${title(first.slip)} (+${orders.length - 1})`
      : '',
    locale: first?.slip.locale ?? 'en',
    createdAt: opts.createdAt,
  });
  for (const [i, order] of orders.entries()) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    await drawOrder(doc, order);
  }
  return finish(doc);
}

function title(v: PackingSlipView): string {
  return `${translate(v.locale, 'printouts.packing_slip.title')} · ${translate(v.locale, 'printouts.packing_slip.order', { number: v.order.number })}`;
}
