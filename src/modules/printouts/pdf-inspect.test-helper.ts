/** For tests: what a PDF says and shows, read back with pdf.js (a different implementation than the writer). */
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfPage {
  text: string;
  images: number;
  width: number;
  height: number;
}

export async function inspectPdf(bytes: Buffer): Promise<PdfPage[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, verbosity: 0 }).promise;
  const pages: PdfPage[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const page = await pdf.getPage(i);
    const content = await page.getTextContent();
    const text = content.items
      .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : ''))
      .join('')
      .replace(/[\u00a0\u202f]/g, ' ');
    const ops = await page.getOperatorList();
    const images = ops.fnArray.filter((fn) => fn === OPS.paintImageXObject).length;
    const [, , width, height] = page.view as [number, number, number, number];
    pages.push({ text, images, width, height });
  }
  await pdf.destroy();
  return pages;
}
