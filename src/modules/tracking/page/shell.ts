import { html, raw } from '../../../http/page.ts';
import { TtlCache } from '../../../lib/ttl-cache.ts';
import type { MerchantRow } from '../../merchants/index.ts';
import { contrastRatio, ensureContrast, readableTextOn } from './contrast.ts';

/**
 * The branded frame of every tracking page (head, inline CSS with the merchant's colours, header with the
 * logo). It depends only on the merchant's brand, so it is built once per merchant version and reused by
 * every order of that merchant; a brand change bumps merchants.updated_at and so the key.
 */
export interface Shell {
  /** Everything up to and including `<main>`, with the page title filled in. */
  open(title: string): string;
  close: string;
}

const PAGE_BACKGROUND = '#f3f4f6';

const shells = new TtlCache<string, { before: string; after: string; close: string }>(10 * 60_000, 500);

export interface Palette {
  primary: string;
  onPrimary: string;
  accent: string;
  onAccent: string;
  /** Links: the primary colour, darkened only as far as AA (4.5:1) needs on the grey page background, the
   * darker of the two backgrounds links sit on (cards are white). */
  link: string;
  /** Progress fill on white: the accent, adjusted to the 3:1 WCAG asks of graphics. */
  bar: string;
}

export function palette(primary: string, accent: string): Palette {
  const p = safeColor(primary, '#1f2937');
  const a = safeColor(accent, '#f59e0b');
  return {
    primary: p,
    onPrimary: readableTextOn(p),
    accent: a,
    onAccent: readableTextOn(a),
    link: ensureContrast(p, PAGE_BACKGROUND, 4.5),
    bar: contrastRatio(a, '#ffffff') >= 3 ? a : ensureContrast(p, '#ffffff', 3),
  };
}

export function pageShell(merchant: MerchantRow, lang: string): Shell {
  const key = `${merchant.id}|${merchant.updated_at.getTime()}|${lang}`;
  let parts = shells.get(key);
  if (!parts) {
    const c = palette(merchant.brand_primary, merchant.brand_accent);
    const logo =
      merchant.logo_url && /^https:\/\/[^\s"'<>]+$/i.test(merchant.logo_url) ? merchant.logo_url : null;
    parts = {
      before: html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<style>${raw(css(c))}</style>
<title>`.value,
      after: html`</title>
</head>
<body>
<header class="brand">${logo ? html`<img src="${logo}" alt="${merchant.name}">` : html`<span>${merchant.name}</span>`}</header>
<main>`.value,
      close: '</body>\n</html>',
    };
    shells.set(key, parts);
  }
  const { before, after, close } = parts;
  return { open: (title) => `${before}${html`${title}`.value}${after}`, close };
}

function safeColor(c: string, fallback: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(c) ? c.toLowerCase() : fallback;
}

// Mobile first: the base rules are for a phone; the one media query widens the spacing on larger screens.
function css(c: Palette): string {
  return `:root{--p:${c.primary};--on-p:${c.onPrimary};--a:${c.accent};--on-a:${c.onAccent};--link:${c.link};--bar:${c.bar}}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:#f3f4f6;color:#1f2937;line-height:1.5;-webkit-text-size-adjust:100%}
a{color:var(--link)}
header.brand{background:var(--p);color:var(--on-p);padding:12px 16px;display:flex;align-items:center;gap:12px;font-weight:700;font-size:18px;min-height:56px}
header.brand img{max-height:40px;max-width:200px;display:block}
main{max-width:640px;margin:0 auto;padding:12px}
.card{background:#fff;border-radius:12px;padding:16px;margin:0 0 12px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:28px;line-height:1.2;margin:0}
h2{font-size:20px;line-height:1.3;margin:0 0 8px}
h3{font-size:16px;margin:16px 0 8px}
p{margin:0 0 8px}
.muted{color:#4b5563;font-size:14px}
.eyebrow{color:#4b5563;font-size:14px;margin:0 0 4px}
.window.celebrate{background:var(--a);color:var(--on-a)}
.window.celebrate .eyebrow,.window.celebrate .muted{color:inherit}
.window.celebrate h1{font-size:40px}
.window .note{margin:8px 0 0}
.live{display:inline-block;width:.45em;height:.45em;border-radius:50%;background:currentColor;margin:0 .25em .1em 0;vertical-align:middle;animation:live 1.6s ease-in-out infinite}
@keyframes live{50%{opacity:.35;transform:scale(.75)}}
@media (prefers-reduced-motion:reduce){.live{animation:none}}
.window.late .note{color:#991b1b;font-weight:600}
.alert{border-left:4px solid #b91c1c;background:#fef2f2;color:#7f1d1d;padding:12px;border-radius:8px;margin:8px 0}
.good{border-left:4px solid var(--bar);background:#f9fafb;padding:12px;border-radius:8px;margin:8px 0}
.progress{list-style:none;margin:16px 0 8px;padding:0;display:flex;gap:4px}
.progress li{flex:1;min-width:0;font-size:12px;line-height:1.3;color:#4b5563;text-align:center;overflow-wrap:anywhere}
.progress li::before{content:"";display:block;height:8px;border-radius:4px;background:#e5e7eb;margin-bottom:6px}
.progress li.done::before,.progress li.current::before{background:var(--bar)}
.progress li.current{color:#111827;font-weight:700}
.progress li.current.problem::before{background:#b91c1c}
.timeline{list-style:none;margin:0;padding:0 0 0 4px}
.timeline li{position:relative;padding:0 0 14px 20px;border-left:2px solid #e5e7eb}
.timeline li:last-child{border-left-color:transparent}
.timeline li::before{content:"";position:absolute;left:-7px;top:4px;width:12px;height:12px;border-radius:50%;background:#9ca3af}
.timeline li:first-child::before{background:var(--bar)}
.timeline time{display:block;font-size:13px;color:#4b5563}
.timeline .what{font-weight:600}
.items{list-style:none;padding:0;margin:0}
.items li{display:flex;gap:12px;align-items:center;padding:8px 0;border-top:1px solid #f3f4f6}
.items li:first-child{border-top:0}
.items img{width:64px;height:64px;object-fit:cover;border-radius:8px;background:#f3f4f6;flex:none}
.actions{display:flex;flex-direction:column;gap:8px;margin:8px 0 0}
.button{background:var(--p);color:var(--on-p);border:0;border-radius:8px;padding:12px 20px;font-size:16px;font-weight:600;text-decoration:none;text-align:center;display:block;cursor:pointer;font-family:inherit;width:100%}
form label{display:block;font-weight:600;margin:12px 0 4px}
form input{width:100%;padding:12px;font-size:16px;border:1px solid #6b7280;border-radius:8px;font-family:inherit}
form .button{margin-top:16px}
form select{width:100%;padding:10px;font-size:16px;border:1px solid #6b7280;border-radius:8px;background:#fff;font-family:inherit}
form input[type=checkbox],form input[type=radio]{width:22px;height:22px;flex:none;margin:2px 0 0}
form label.option,form label.check{display:flex;gap:12px;align-items:flex-start;font-weight:400;margin:12px 0;padding:12px;border:1px solid #e5e7eb;border-radius:8px}
.why{margin:8px 0 0;padding-left:20px}
.why .bad{color:#991b1b;font-weight:600}
footer.site{max-width:640px;margin:0 auto;padding:8px 16px 32px;font-size:14px;color:#4b5563}
footer.site ul{list-style:none;padding:0;margin:0 0 8px}
footer.site nav a{margin-right:12px;display:inline-block;padding:4px 0}
.vh{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (min-width:640px){main{padding:24px 16px}.card{padding:24px}h1{font-size:32px}.actions{flex-direction:row}.button{width:auto}}`;
}
