import type { FastifyReply } from 'fastify';

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Tagged template for HTML: every interpolated value is escaped unless wrapped in raw(). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out +=
      (v instanceof Raw
        ? v.value
        : Array.isArray(v)
          ? v.map((x) => (x instanceof Raw ? x.value : escapeHtml(x))).join('')
          : escapeHtml(v)) + (strings[i + 1] ?? '');
  });
  return new Raw(out);
}

export class Raw {
  constructor(readonly value: string) {}
}

export function raw(value: string): Raw {
  return new Raw(value);
}

export interface PageBrand {
  name: string;
  logoUrl: string | null;
  primary: string;
  accent: string;
}

/**
 * A small, branded, mobile-first page with no third-party requests (everything inline), sent with a strict
 * Content-Security-Policy.
 */
export function sendPage(
  reply: FastifyReply,
  opts: { lang: string; title: string; brand: PageBrand; body: Raw; status?: number },
) {
  const b = opts.brand;
  const doc = html`<!doctype html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${b.name}</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f3f4f6;color:#1f2937}
header{background:${raw(safeColor(b.primary))};color:#fff;padding:16px 20px;font-weight:700;font-size:20px}
header img{max-height:40px}
main{max-width:560px;margin:24px auto;background:#fff;border-radius:12px;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 12px}
button,.button{background:${raw(safeColor(b.primary))};color:#fff;border:0;border-radius:8px;padding:12px 20px;font-size:16px;font-weight:600;cursor:pointer;text-decoration:none;display:inline-block}
label{display:flex;gap:10px;align-items:center;padding:8px 0;font-size:16px}
input[type=checkbox]{width:20px;height:20px}
textarea{width:100%;min-height:90px;font:inherit;padding:8px;border:1px solid #d1d5db;border-radius:8px;box-sizing:border-box}
.muted{color:#4b5563;font-size:14px}
.scores{display:flex;gap:8px;flex-wrap:wrap}
.scores a{flex:1;text-align:center}
.chosen{outline:3px solid ${raw(safeColor(b.accent))}}
</style>
</head>
<body>
<header>${b.logoUrl ? html`<img src="${b.logoUrl}" alt="${b.name}">` : b.name}</header>
<main>${opts.body}</main>
</body>
</html>`;
  reply
    .status(opts.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .send(doc.value);
}

function safeColor(c: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(c) ? c : '#1f2937';
}

/**
 * Sends a complete public HTML document (tracking page, returns portal): no scripts, nothing from another
 * host but https images, forms only to ourselves, never framed, never indexed.
 */
export function sendPublicHtml(reply: FastifyReply, status: number, body: string) {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .send(body);
}
