import { translate } from '../templates/translations.ts';
import { BOLD, brandColor, type Doc, drawBrand, INK, MUTED, REGULAR, stepNumber } from './pdf.ts';
import type { ExchangeView } from './views.ts';

const STEPS = ['step1', 'step2', 'step3', 'step4', 'step5'] as const;

/** Draws the printed exchange instructions (one A4 page): numbered steps and a large QR code to the portal. */
export function drawExchangeInstructions(doc: Doc, v: ExchangeView, qr: Buffer): void {
  const t = (key: string, vars?: Record<string, unknown>) => translate(v.locale, `printouts.${key}`, vars);
  const color = brandColor(v.merchant);
  doc.addPage({ size: 'A4', margin: 40 });
  const left = 40;
  const width = doc.page.width - 80;
  let y = drawBrand(doc, v.merchant, left, 40, width) + 16;

  doc.font(BOLD).fontSize(24).fillColor(color).text(t('exchange.title'), left, y, { width });
  y = doc.y + 8;
  doc
    .font(REGULAR)
    .fontSize(12)
    .fillColor(INK)
    .text(t('exchange.intro', { number: v.orderNumber }), left, y, { width });
  y = doc.y + 24;

  const textX = left + 40;
  const textWidth = width - 40;
  STEPS.forEach((step, i) => {
    stepNumber(doc, i + 1, left, y, color, 13);
    doc
      .font(REGULAR)
      .fontSize(12)
      .fillColor(INK)
      .text(t(`exchange.${step}`), textX, y + 4, { width: textWidth });
    y = Math.max(doc.y, y + 26) + 16;
  });

  const size = 170;
  const qrX = left + (width - size) / 2;
  y += 10;
  doc.image(qr, qrX, y, { fit: [size, size] });
  y += size + 10;
  doc.font(BOLD).fontSize(13).fillColor(color).text(t('exchange.scan'), left, y, { width, align: 'center' });
  doc
    .font(REGULAR)
    .fontSize(9)
    .fillColor(MUTED)
    .text(v.portalUrl, left, doc.y + 4, { width, align: 'center', link: v.portalUrl });

  const contact = [v.merchant.email, v.merchant.phone].filter(Boolean).join(' · ');
  if (contact) {
    doc
      .font(REGULAR)
      .fontSize(9)
      .fillColor(MUTED)
      .text(`${t('packing_slip.contact')} ${contact}`, left, doc.page.height - 60, {
        width,
        align: 'center',
      });
  }
}
