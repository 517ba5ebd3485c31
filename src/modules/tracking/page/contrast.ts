/**
 * WCAG 2.x contrast arithmetic for brand colours. Merchants pick any colour; the page must stay readable
 * (AA: 4.5:1 for body text, 3:1 for large text and for graphics such as the progress bar), so text colour
 * on a brand background is chosen by computed contrast, never assumed.
 */

export const DARK_TEXT = '#111827';
export const LIGHT_TEXT = '#ffffff';

/** '#rrggbb' to [r, g, b] in 0..255; anything else reads as the platform's default dark grey. */
export function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color.trim());
  if (!m) return [0x1f, 0x29, 0x37];
  return [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16), Number.parseInt(m[3]!, 16)];
}

export function toHex([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b]
    .map((v) =>
      Math.round(Math.min(255, Math.max(0, v)))
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** Relative luminance as WCAG defines it (sRGB channels linearised). */
export function relativeLuminance(color: string): number {
  const [r, g, b] = parseHex(color).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Contrast ratio between two colours, 1 (none) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** White or near-black, whichever reads better on `background`. */
export function readableTextOn(background: string): string {
  return contrastRatio(LIGHT_TEXT, background) >= contrastRatio(DARK_TEXT, background)
    ? LIGHT_TEXT
    : DARK_TEXT;
}

/**
 * `color` itself if it already reaches `min` against `background`, else the colour mixed toward black or
 * white (whichever direction can get there) in small steps until it does: the brand hue stays recognisable
 * while links and bars stay legible.
 */
export function ensureContrast(color: string, background: string, min = 4.5): string {
  if (contrastRatio(color, background) >= min) return toHex(parseHex(color));
  const base = parseHex(color);
  const towardDark = relativeLuminance(background) > 0.18;
  const target: [number, number, number] = towardDark ? [0, 0, 0] : [255, 255, 255];
  for (let step = 1; step <= 20; step++) {
    const t = step / 20;
    const mixed = toHex(base.map((v, i) => v + (target[i]! - v) * t) as [number, number, number]);
    if (contrastRatio(mixed, background) >= min) return mixed;
  }
  return towardDark ? DARK_TEXT : LIGHT_TEXT;
}
