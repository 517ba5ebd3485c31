import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { now } from '../../lib/clock.ts';
import { dateFormatter, type Locale } from '../../lib/i18n.ts';
import type { MerchantBrand, PrintAddress } from './views.ts';

/**
 * Shared drawing for printouts. Fonts are DejaVu Sans embedded (subset) in every document: the 14 standard
 * PDF fonts only cover WinAnsi, so names like Łukasz or Ôrjan would come out garbled (stack-probe row 6).
 */
export type Doc = PDFKit.PDFDocument;

export const REGULAR = 'DejaVuSans';
export const BOLD = 'DejaVuSans-Bold';
export const INK = '#1f2328';
export const MUTED = '#59636e';
export const RULE = '#d0d7de';

const require = createRequire(import.meta.url);
let fontBytes: { regular: Buffer; bold: Buffer } | undefined;

function fonts(): { regular: Buffer; bold: Buffer } {
  fontBytes ??= {
    regular: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    bold: readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  };
  return fontBytes;
}

export interface DocumentOptions {
  title: string;
  locale: Locale;
  /** Written as the creation date; pass a fixed one for byte-stable output. */
  createdAt?: Date;
}

/** A document without pages (each printout adds its own, A4 or A6), with both fonts registered. */
export function createDocument(opts: DocumentOptions): Doc {
  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 40,
    lang: opts.locale,
    displayTitle: true,
    info: {
      Title: opts.title,
      Creator: 'Afterglow',
      Producer: 'Afterglow',
      CreationDate: opts.createdAt ?? now(),
    },
  });
  const { regular, bold } = fonts();
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  doc.font(REGULAR);
  return doc;
}

/** Ends the document and returns its bytes. */
export function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

export function qrPng(text: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: 'qrcode', text, scale: 4 });
}

export function code128Png(text: string): Promise<Buffer> {
  return bwipjs.toBuffer({ bcid: 'code128', text, scale: 3, height: 15, includetext: false });
}

/** An image the renderer was given; a corrupt one is left out rather than failing the whole printout. */
export function tryImage(doc: Doc, bytes: Buffer | undefined, x: number, y: number, fit: [number, number]) {
  if (!bytes) return false;
  try {
    doc.image(bytes, x, y, { fit });
    return true;
  } catch {
    return false;
  }
}

/** The lines of a postal address in the order post offices read them. */
export function addressLines(a: PrintAddress | null | undefined, locale: Locale): string[] {
  if (!a) return [];
  const country = a.country ? countryName(a.country, locale) : undefined;
  const cityLine = (() => {
    const c = a.country?.toUpperCase();
    if (c === 'US' || c === 'CA' || c === 'AU')
      return [a.city, [a.region, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
    if (c === 'BR')
      return [[a.city, a.region].filter(Boolean).join(' - '), a.postalCode].filter(Boolean).join(', ');
    if (c === 'GB') return [a.city, a.postalCode].filter(Boolean).join('\n');
    return [[a.postalCode, a.city].filter(Boolean).join(' '), a.region].filter(Boolean).join(', ');
  })();
  return [a.name, a.company, a.line1, a.line2, ...cityLine.split('\n'), country, a.phone].filter(
    (s): s is string => typeof s === 'string' && s.trim() !== '',
  );
}

const regionNames = new Map<string, Intl.DisplayNames>();
function countryName(code: string, locale: Locale): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  let names = regionNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'region' });
    regionNames.set(locale, names);
  }
  return names.of(code.toUpperCase()) ?? code;
}

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  try {
    return dateFormatter(locale, { dateStyle: 'long', timeZone }).format(date);
  } catch {
    return dateFormatter(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  }
}

/** Logo (or the name in bold when there is none) at the top left; returns the y below it. */
export function drawBrand(doc: Doc, merchant: MerchantBrand, x: number, y: number, maxWidth: number): number {
  if (tryImage(doc, merchant.logo, x, y, [Math.min(maxWidth, 160), 50])) return y + 56;
  doc
    .font(BOLD)
    .fontSize(18)
    .fillColor(merchant.color ?? INK);
  const h = doc.heightOfString(merchant.name, { width: maxWidth });
  doc.text(merchant.name, x, y, { width: maxWidth });
  return y + h + 6;
}

/** A block of small text lines under an optional bold heading; returns the y below it. */
export function drawBlock(
  doc: Doc,
  heading: string | null,
  lines: string[],
  x: number,
  y: number,
  width: number,
  size = 9,
): number {
  let at = y;
  if (heading) {
    doc.font(BOLD).fontSize(size).fillColor(MUTED).text(heading.toUpperCase(), x, at, { width });
    at += doc.heightOfString(heading.toUpperCase(), { width }) + 3;
  }
  doc.font(REGULAR).fontSize(size).fillColor(INK);
  for (const line of lines) {
    const h = doc.heightOfString(line, { width });
    doc.text(line, x, at, { width });
    at += h + 1;
  }
  return at;
}

/** A filled circle with a number in it, for step lists. */
export function stepNumber(doc: Doc, n: number, x: number, y: number, color: string, r = 11): void {
  doc.circle(x + r, y + r, r).fill(color);
  doc
    .font(BOLD)
    .fontSize(r)
    .fillColor('#ffffff')
    .text(String(n), x, y + r - r * 0.62, { width: r * 2, align: 'center' });
}

export function hr(doc: Doc, x: number, y: number, width: number, color = RULE): void {
  doc
    .moveTo(x, y)
    .lineTo(x + width, y)
    .lineWidth(0.75)
    .strokeColor(color)
    .stroke();
}

export function brandColor(merchant: MerchantBrand): string {
  return merchant.color && /^#[0-9a-fA-F]{6}$/.test(merchant.color) ? merchant.color : INK;
}
