import type { Locale } from '../../lib/i18n.ts';
import { translate } from '../templates/translations.ts';
import {
  addressLines,
  BOLD,
  brandColor,
  code128Png,
  createDocument,
  type Doc,
  drawBlock,
  finish,
  hr,
  INK,
  MUTED,
  qrPng,
  REGULAR,
  stepNumber,
} from './pdf.ts';
import type { ReturnLabelView } from './views.ts';

/** The return label (top half, to cut out and stick on the parcel) and the drop-off sheet (bottom half). */
export function drawReturnLabel(doc: Doc, v: ReturnLabelView, images: { barcode: Buffer; qr: Buffer }): void {
  const t = (key: string, vars?: Record<string, unknown>) => translate(v.locale, `printouts.${key}`, vars);
  const color = brandColor(v.merchant);
  doc.addPage({ size: 'A4', margin: 40 });
  const left = 40;
  const width = doc.page.width - 80;
  const middle = doc.page.height / 2;

  // The label: a frame with the barcode, the QR code and both addresses.
  doc
    .rect(left, 40, width, middle - 70)
    .lineWidth(1.5)
    .strokeColor(INK)
    .stroke();
  const inner = left + 14;
  doc
    .font(BOLD)
    .fontSize(16)
    .fillColor(INK)
    .text(t('return_label.title'), inner, 54, { width: width - 150 });
  doc
    .font(BOLD)
    .fontSize(12)
    .fillColor(color)
    .text(t('return_label.rma', { rma: v.rma }), inner, doc.y + 2, { width: width - 150 });
  if (v.orderNumber) {
    doc
      .font(REGULAR)
      .fontSize(9)
      .fillColor(MUTED)
      .text(t('return_label.order', { number: v.orderNumber }), inner, doc.y + 2, { width: width - 150 });
  }
  doc.image(images.qr, left + width - 124, 54, { fit: [110, 110] });
  doc.image(images.barcode, inner, 118, { fit: [300, 60] });
  doc.font(BOLD).fontSize(11).fillColor(INK).text(v.rma, inner, 182, { width: 300, align: 'center' });

  const addrTop = 214;
  const half = (width - 28) / 2;
  drawBlock(doc, t('return_label.from'), addressLines(v.from, v.locale), inner, addrTop, half - 10, 9);
  drawBlock(doc, t('return_label.to'), addressLines(v.to, v.locale), inner + half + 10, addrTop, half, 12);

  // Cut line.
  doc
    .moveTo(20, middle)
    .lineTo(doc.page.width - 20, middle)
    .dash(5, { space: 4 })
    .lineWidth(0.75)
    .strokeColor(MUTED)
    .stroke()
    .undash();
  doc
    .font(REGULAR)
    .fontSize(8)
    .fillColor(MUTED)
    .text(`\u2702 ${t('return_label.cut_here')}`, left, middle - 12, {
      width,
      align: 'right',
      lineBreak: false,
    });

  // The drop-off sheet: what is in the parcel and what to do.
  let y = middle + 20;
  doc.font(BOLD).fontSize(14).fillColor(INK).text(t('return_label.drop_off_sheet'), left, y, { width });
  doc
    .font(REGULAR)
    .fontSize(9)
    .fillColor(MUTED)
    .text(
      [
        t('return_label.rma', { rma: v.rma }),
        v.orderNumber ? t('return_label.order', { number: v.orderNumber }) : null,
      ]
        .filter(Boolean)
        .join(' · '),
      left,
      doc.y + 2,
      { width },
    );
  y = doc.y + 10;
  doc.font(BOLD).fontSize(8).fillColor(MUTED).text(t('return_label.items').toUpperCase(), left, y, { width });
  y = doc.y + 2;
  hr(doc, left, y, width);
  y += 5;
  const maxItemsY = doc.page.height - 200;
  for (const item of v.items) {
    if (y > maxItemsY) break;
    const detail = [item.variant, item.sku].filter(Boolean).join(' · ');
    doc
      .font(BOLD)
      .fontSize(9.5)
      .fillColor(INK)
      .text(`${item.quantity} × ${item.title}`, left, y, {
        width: width - 160,
        lineBreak: false,
        ellipsis: true,
      });
    if (detail)
      doc
        .font(REGULAR)
        .fontSize(8)
        .fillColor(MUTED)
        .text(detail, left, doc.y + 1, { width: width - 160 });
    if (item.reason) {
      doc
        .font(REGULAR)
        .fontSize(8.5)
        .fillColor(INK)
        .text(`${t('return_label.reason')}: ${item.reason}`, left + width - 155, y, {
          width: 155,
          height: 24,
          ellipsis: true,
        });
    }
    y = Math.max(doc.y, y + 14) + 5;
  }

  y += 12;
  doc
    .font(BOLD)
    .fontSize(8)
    .fillColor(MUTED)
    .text(t('return_label.instructions').toUpperCase(), left, y, { width });
  y = doc.y + 6;
  const steps = v.instructions?.length ? v.instructions : defaultSteps(v.locale, v.dropOff);
  steps.slice(0, 8).forEach((step, i) => {
    stepNumber(doc, i + 1, left, y, color, 8);
    doc
      .font(REGULAR)
      .fontSize(9.5)
      .fillColor(INK)
      .text(step, left + 24, y + 2, { width: width - 24 });
    y = Math.max(doc.y, y + 16) + 5;
  });
}

function defaultSteps(locale: Locale, dropOff: string | null | undefined): string[] {
  const t = (key: string, vars?: Record<string, unknown>) =>
    translate(locale, `printouts.return_label.${key}`, vars);
  return [t('step1'), t('step2'), dropOff ? t('step3', { dropoff: dropOff }) : t('step3_any'), t('step4')];
}

/** The return label and drop-off sheet as a one-page A4 PDF. */
export async function renderReturnLabel(
  v: ReturnLabelView,
  opts: { createdAt?: Date } = {},
): Promise<Buffer> {
  const [barcode, qr] = await Promise.all([code128Png(v.rma), qrPng(v.qrPayload ?? v.rma)]);
  const doc = createDocument({
    title: translate(v.locale, 'printouts.return_label.rma', { rma: v.rma }),
    locale: v.locale,
    createdAt: opts.createdAt,
  });
  drawReturnLabel(doc, v, { barcode, qr });
  return finish(doc);
}
