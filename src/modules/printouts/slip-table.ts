import { BOLD, type Doc, hr, INK, MUTED, REGULAR, RULE } from './pdf.ts';
import type { PackingSlipView, SpecialMark } from './views.ts';

/** The item table and the totals of the packing slip; both flow onto new A4 pages when they run out of room. */

export const MARK_COLORS: Record<SpecialMark, string> = {
  fragile: '#c62828',
  perishable: '#1565c0',
  oversized: '#6d4c41',
  insured: '#2e7d32',
};

export const A4_BOTTOM = 841.89 - 40;

export type T = (key: string, vars?: Record<string, unknown>) => string;

interface Column {
  key: string;
  width: number;
  align: 'left' | 'right';
}

export function drawLines(
  doc: Doc,
  v: PackingSlipView,
  left: number,
  top: number,
  width: number,
  t: T,
  money: (n: number) => string,
): number {
  const columns: Column[] = [
    { key: 'item', width: width - 330, align: 'left' },
    { key: 'sku', width: 80, align: 'left' },
    { key: 'quantity', width: 40, align: 'right' },
    { key: 'unit_price', width: 70, align: 'right' },
    { key: 'discount', width: 65, align: 'right' },
    { key: 'amount', width: 75, align: 'right' },
  ];
  const header = (y: number): number => {
    let x = left;
    doc.font(BOLD).fontSize(8).fillColor(MUTED);
    for (const c of columns) {
      doc.text(t(`columns.${c.key}`).toUpperCase(), x + 2, y, { width: c.width - 4, align: c.align });
      x += c.width;
    }
    hr(doc, left, y + 13, width);
    return y + 18;
  };
  let y = header(top);
  for (const line of v.lines) {
    const itemWidth = columns[0]!.width - 4;
    const variant = line.variant ? `${t('columns.variant')}: ${line.variant}` : null;
    doc.font(BOLD).fontSize(9.5);
    let h = doc.heightOfString(line.title, { width: itemWidth });
    doc.font(REGULAR).fontSize(8.5);
    if (variant) h += doc.heightOfString(variant, { width: itemWidth }) + 1;
    const marks = line.marks?.length ? line.marks.map((m) => t(`marks.${m}`)).join(' · ') : null;
    if (marks) h += 11;
    h += 8;
    if (y + h > A4_BOTTOM) {
      doc.addPage({ size: 'A4', margin: 40 });
      y = header(40);
    }
    const cells = [
      null,
      line.sku ?? '',
      String(line.quantity),
      money(line.unitPrice),
      line.discount ? money(-line.discount) : '',
      money(line.unitPrice * line.quantity - line.discount),
    ];
    doc
      .font(BOLD)
      .fontSize(9.5)
      .fillColor(INK)
      .text(line.title, left + 2, y, { width: itemWidth });
    if (variant)
      doc
        .font(REGULAR)
        .fontSize(8.5)
        .fillColor(MUTED)
        .text(variant, left + 2, doc.y + 1, { width: itemWidth });
    if (marks) {
      const color = MARK_COLORS[line.marks![0]!];
      doc
        .font(BOLD)
        .fontSize(7.5)
        .fillColor(color)
        .text(marks, left + 2, doc.y + 1, { width: itemWidth, lineBreak: false });
    }
    let x = left + columns[0]!.width;
    for (let i = 1; i < columns.length; i++) {
      const c = columns[i]!;
      doc
        .font(i === 5 ? BOLD : REGULAR)
        .fontSize(9)
        .fillColor(INK)
        .text(cells[i] ?? '', x + 2, y + 1, { width: c.width - 4, align: c.align });
      x += c.width;
    }
    y += h;
    hr(doc, left, y - 4, width, RULE);
  }
  return y + 4;
}

export function drawTotals(
  doc: Doc,
  v: PackingSlipView,
  left: number,
  top: number,
  width: number,
  t: T,
  money: (n: number) => string,
): number {
  const o = v.order;
  const rows: Array<[string, string, boolean]> = [[t('totals.subtotal'), money(o.subtotal), false]];
  if (o.discount) {
    const codes = o.discountCodes?.length ? ` (${o.discountCodes.join(', ')})` : '';
    rows.push([`${t('totals.discount')}${codes}`, money(-o.discount), false]);
  }
  rows.push([t('totals.shipping'), money(o.shipping), false]);
  if (!o.taxesIncluded) rows.push([t('totals.tax'), money(o.tax), false]);
  rows.push([t('totals.total'), money(o.total), true]);
  if (o.refunded) rows.push([t('totals.refunded'), money(-o.refunded), false]);
  const needed = rows.length * 16 + 30;
  let y = top;
  if (y + needed > A4_BOTTOM) {
    doc.addPage({ size: 'A4', margin: 40 });
    y = 40;
  }
  const labelX = left + width - 300;
  for (const [label, value, strong] of rows) {
    if (strong) hr(doc, labelX, y - 2, 300, INK);
    doc
      .font(strong ? BOLD : REGULAR)
      .fontSize(strong ? 12 : 9.5)
      .fillColor(INK);
    doc.text(label, labelX, y + (strong ? 2 : 0), { width: 190 });
    doc.text(value, labelX + 190, y + (strong ? 2 : 0), { width: 110, align: 'right' });
    y += strong ? 20 : 15;
  }
  if (o.taxesIncluded && o.tax) {
    doc
      .font(REGULAR)
      .fontSize(8.5)
      .fillColor(MUTED)
      .text(t('totals.tax_included', { amount: money(o.tax) }), labelX, y, { width: 300, align: 'right' });
    y += 13;
  }
  return y + 10;
}
