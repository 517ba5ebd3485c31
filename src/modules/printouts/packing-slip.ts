import { formatMoney } from '../../lib/money.ts';
import { translate } from '../templates/translations.ts';
import {
  addressLines,
  BOLD,
  brandColor,
  type Doc,
  drawBlock,
  drawBrand,
  formatDate,
  hr,
  INK,
  MUTED,
  REGULAR,
} from './pdf.ts';
import { A4_BOTTOM, drawLines, drawTotals, MARK_COLORS, type T } from './slip-table.ts';
import type { PackingSlipView } from './views.ts';

/** Draws the packing slip and invoice as one or more A4 pages; `qr` is the PNG of the portal URL. */
export function drawPackingSlip(doc: Doc, v: PackingSlipView, qr: Buffer): void {
  const t = (key: string, vars?: Record<string, unknown>) => translate(v.locale, `printouts.${key}`, vars);
  const money = (amount: number) => formatMoney(amount, v.order.currency, v.locale);
  const color = brandColor(v.merchant);
  doc.addPage({ size: 'A4', margin: 40 });
  const left = 40;
  const width = doc.page.width - 80;

  // Header: brand left, title and order right.
  const brandBottom = drawBrand(doc, v.merchant, left, 40, width / 2);
  const rightX = left + width / 2;
  doc
    .font(BOLD)
    .fontSize(15)
    .fillColor(color)
    .text(t('packing_slip.title'), rightX, 40, {
      width: width / 2,
      align: 'right',
    });
  doc
    .font(BOLD)
    .fontSize(12)
    .fillColor(INK)
    .text(t('packing_slip.order', { number: v.order.number }), {
      width: width / 2,
      align: 'right',
    });
  doc
    .font(REGULAR)
    .fontSize(9)
    .fillColor(MUTED)
    .text(`${t('packing_slip.date')}: ${formatDate(v.order.placedAt, v.locale, v.timeZone)}`, {
      width: width / 2,
      align: 'right',
    });
  let y = Math.max(brandBottom, doc.y) + 10;
  hr(doc, left, y, width, color);
  y += 10;

  // Seller, ship-to, order facts in three columns.
  const col = width / 3;
  const seller = [
    v.merchant.name,
    ...addressLines(v.merchant.address, v.locale).filter((l) => l !== v.merchant.name),
    v.merchant.email,
    v.merchant.phone,
  ].filter((s): s is string => Boolean(s));
  let factsBottom = drawBlock(
    doc,
    t('packing_slip.payment'),
    [t(`payment_status.${v.order.paymentStatus}`)],
    left + 2 * col,
    y,
    col,
    10,
  );
  if (v.order.shippingMethod) {
    factsBottom = drawBlock(
      doc,
      t('packing_slip.shipping_method'),
      [v.order.shippingMethod],
      left + 2 * col,
      factsBottom + 6,
      col,
    );
  }
  const bottoms = [
    drawBlock(doc, t('packing_slip.sold_by'), seller, left, y, col - 12),
    drawBlock(doc, t('packing_slip.ship_to'), addressLines(v.shipTo, v.locale), left + col, y, col - 12, 10),
    factsBottom,
  ];
  y = Math.max(...bottoms) + 12;

  y = drawMarks(doc, v, left, y, width, t);
  if (v.carrierNotes) {
    const text = v.carrierNotes.slice(0, 600);
    doc.font(REGULAR).fontSize(10);
    const h = doc.heightOfString(text, { width: width - 20 }) + 26;
    doc.rect(left, y, width, h).lineWidth(1).strokeColor(INK).stroke();
    doc
      .font(BOLD)
      .fontSize(9)
      .fillColor(INK)
      .text(t('carrier_notes').toUpperCase(), left + 10, y + 7);
    doc
      .font(REGULAR)
      .fontSize(10)
      .text(text, left + 10, y + 19, { width: width - 20 });
    y += h + 12;
  }

  y = drawLines(doc, v, left, y, width, t, money);
  y = drawTotals(doc, v, left, y, width, t, money);
  drawReturns(doc, v, left, y, width, t, qr);
}

function drawMarks(doc: Doc, v: PackingSlipView, left: number, y: number, width: number, t: T): number {
  if (v.marks.length === 0) return y;
  const gap = 8;
  const w = (width - gap * (v.marks.length - 1)) / v.marks.length;
  v.marks.forEach((mark, i) => {
    const x = left + i * (w + gap);
    doc.rect(x, y, w, 46).lineWidth(3).strokeColor(MARK_COLORS[mark]).stroke();
    doc
      .font(BOLD)
      .fontSize(v.marks.length > 2 ? 14 : 20)
      .fillColor(MARK_COLORS[mark])
      .text(t(`marks.${mark}`), x + 4, y + 7, { width: w - 8, align: 'center', lineBreak: false });
    doc
      .font(REGULAR)
      .fontSize(8)
      .fillColor(INK)
      .text(t(`marks.${mark}_hint`), x + 4, y + 31, { width: w - 8, align: 'center', lineBreak: false });
  });
  return y + 58;
}

function drawReturns(
  doc: Doc,
  v: PackingSlipView,
  left: number,
  top: number,
  width: number,
  t: T,
  qr: Buffer,
) {
  const textWidth = width - 110;
  doc.font(REGULAR).fontSize(8.5);
  const policy = v.returnPolicy ?? '';
  const textH =
    (policy ? doc.heightOfString(policy, { width: textWidth }) + 6 : 0) +
    doc.heightOfString(`${t('returns.scan')} ${v.portalUrl}`, { width: textWidth }) +
    (v.merchant.email || v.merchant.phone ? 30 : 20);
  const h = Math.max(100, textH + 10);
  let y = top;
  if (y + h > A4_BOTTOM) {
    doc.addPage({ size: 'A4', margin: 40 });
    y = 40;
  } else {
    // Sit at the foot of the page when there is room, where the customer looks for it.
    y = Math.max(y, A4_BOTTOM - h);
  }
  hr(doc, left, y, width, brandColor(v.merchant));
  doc.image(qr, left, y + 10, { fit: [90, 90] });
  const x = left + 105;
  doc
    .font(BOLD)
    .fontSize(10)
    .fillColor(INK)
    .text(t('returns.title'), x, y + 10, { width: textWidth });
  let at = doc.y + 3;
  if (policy) {
    doc.font(REGULAR).fontSize(8.5).fillColor(INK).text(policy, x, at, { width: textWidth });
    at = doc.y + 6;
  }
  doc.font(REGULAR).fontSize(8.5).fillColor(MUTED).text(t('returns.scan'), x, at, { width: textWidth });
  doc
    .font(BOLD)
    .fontSize(8.5)
    .fillColor(INK)
    .text(v.portalUrl, x, doc.y + 1, { width: textWidth, link: v.portalUrl });
  const contact = [v.merchant.email, v.merchant.phone].filter(Boolean).join(' · ');
  if (contact) {
    doc
      .font(REGULAR)
      .fontSize(8.5)
      .fillColor(MUTED)
      .text(`${t('packing_slip.contact')} ${contact}`, x, doc.y + 4, {
        width: textWidth,
      });
  }
}
