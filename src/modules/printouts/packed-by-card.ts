import { translate } from '../templates/translations.ts';
import { BOLD, brandColor, type Doc, INK, MUTED, REGULAR, tryImage } from './pdf.ts';
import type { PackedByView } from './views.ts';

/** Draws the "packed for you by" card on one A6 page: packer, photo, their story and a note to the customer. */
export function drawPackedByCard(doc: Doc, v: PackedByView): void {
  const t = (key: string, vars?: Record<string, unknown>) => translate(v.locale, `printouts.${key}`, vars);
  const color = brandColor(v.merchant);
  doc.addPage({ size: 'A6', margin: 22 });
  const left = 22;
  const width = doc.page.width - 44;
  let y = 22;

  doc
    .font(BOLD)
    .fontSize(8)
    .fillColor(MUTED)
    .text(v.merchant.name.toUpperCase(), left, y, { width, align: 'center' });
  y = doc.y + 10;

  if (v.packer.photo) {
    const size = 84;
    const x = left + (width - size) / 2;
    doc.save();
    doc.circle(x + size / 2, y + size / 2, size / 2).clip();
    const drawn = tryImage(doc, v.packer.photo, x, y, [size, size]);
    doc.restore();
    if (drawn) {
      doc
        .circle(x + size / 2, y + size / 2, size / 2)
        .lineWidth(2)
        .strokeColor(color)
        .stroke();
      y += size + 10;
    }
  }

  doc
    .font(BOLD)
    .fontSize(14)
    .fillColor(color)
    .text(t('packed_by.title', { name: v.packer.name }), left, y, {
      width,
      align: 'center',
    });
  y = doc.y + 10;

  // The card is one page whatever the merchant wrote: long texts are cut with an ellipsis.
  const room = () => Math.max(20, doc.page.height - 70 - y);
  if (v.packer.story) {
    doc.font(BOLD).fontSize(8).fillColor(MUTED).text(t('packed_by.story').toUpperCase(), left, y, { width });
    doc
      .font(REGULAR)
      .fontSize(8.5)
      .fillColor(INK)
      .text(v.packer.story, left, doc.y + 2, {
        width,
        height: v.note ? room() / 2 : room(),
        ellipsis: true,
      });
    y = doc.y + 10;
  }
  if (v.note) {
    doc.font(BOLD).fontSize(8).fillColor(MUTED).text(t('packed_by.note').toUpperCase(), left, y, { width });
    doc
      .font(REGULAR)
      .fontSize(10)
      .fillColor(INK)
      .text(v.note, left, doc.y + 2, { width, height: room(), ellipsis: true });
    y = doc.y + 10;
  }

  const thanks = v.customerFirstName
    ? t('packed_by.thanks', { name: v.customerFirstName })
    : t('packed_by.thanks_anonymous');
  doc
    .font(BOLD)
    .fontSize(10)
    .fillColor(INK)
    .text(thanks, left, Math.max(y, doc.page.height - 50), {
      width,
      align: 'center',
    });
}
