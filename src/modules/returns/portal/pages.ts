import { html, type Raw } from '../../../http/page.ts';
import type { Locale } from '../../../lib/i18n.ts';
import { formatMoney } from '../../../lib/money.ts';
import type { OrderLineRow } from '../../orders/index.ts';
import { translate } from '../../templates/translations.ts';
import type { ReturnEvaluation } from '../policy/evaluate.ts';
import type { ReturnPolicy } from '../policy/schema.ts';
import type { ReturnLineRow, ReturnRow } from '../repo.ts';
import type { Alternative } from './alternatives.ts';
import { explainIn, portalText } from './text.ts';

/**
 * The portal's pages, as the `<main>` content inside the merchant's branded shell. Plain HTML forms, no
 * JavaScript: every step works on any phone, and the answer of each step is a new page.
 */

export interface PortalContext {
  locale: Locale;
  shop: string;
  currency: string;
  policy: ReturnPolicy;
  /** The order's base path: /returns/o/{token}. */
  base: string;
}

export interface ChoosableLine {
  line: OrderLineRow;
  remaining: number;
  eligible: boolean;
  deadline: string | null;
  /** Why it cannot be returned, in the customer's words. */
  why: string[];
}

function reasonOptions(ctx: PortalContext, selected: string | undefined): Raw[] {
  return ctx.policy.reasons.flatMap((r) => {
    const label = r.labels[ctx.locale] ?? translate(ctx.locale, `returns.reasons.${r.code}`);
    if (r.subReasons.length === 0)
      return [html`<option value="${r.code}"${selected === r.code ? html` selected` : ''}>${label}</option>`];
    return [
      html`<optgroup label="${label}">${r.subReasons.map((s) => {
        const value = `${r.code}:${s.code}`;
        return html`<option value="${value}"${selected === value ? html` selected` : ''}>${label}: ${translate(ctx.locale, `returns.sub_reasons.${s.code}`)}</option>`;
      })}</optgroup>`,
    ];
  });
}

export function choosePage(
  ctx: PortalContext,
  opts: {
    lines: ChoosableLine[];
    returns: ReturnRow[];
    statusLinks: Map<string, string>;
    error: string | null;
  },
): string {
  const t = portalText(ctx.locale, ctx.shop);
  const money = (minor: number) => formatMoney(minor, ctx.currency, ctx.locale);
  return html`<section class="card" aria-labelledby="choose">
<h1 id="choose">${t('choose_title')}</h1>
<p class="muted">${t('choose_intro')}</p>
${opts.error ? html`<p class="alert" role="alert">${opts.error}</p>` : ''}
<form method="post" action="${ctx.base}/preview?lang=${ctx.locale}">
<ul class="items">${opts.lines.map((c) => {
    const id = c.line.id;
    return html`<li><div style="flex:1">
<div><strong>${c.line.title}</strong>${c.line.variant_title ? html` <span class="muted">${c.line.variant_title}</span>` : ''}</div>
<div class="muted">${money(c.line.unit_price_minor)} × ${c.line.quantity}</div>
${
  c.eligible
    ? html`${c.deadline ? html`<div class="muted">${t('returnable_until', { date: c.deadline })}</div>` : ''}
<label class="check"><input type="checkbox" name="pick.${id}" value="1"> ${t('choose_item', { title: c.line.title })}</label>
<label for="qty-${id}">${t('quantity')}</label>
<select id="qty-${id}" name="qty.${id}">${Array.from({ length: c.remaining }, (_, i) => html`<option>${i + 1}</option>`)}</select>
<label for="reason-${id}">${t('reason')}</label>
<select id="reason-${id}" name="reason.${id}"><option value="">${t('choose_reason')}</option>${reasonOptions(ctx, undefined)}</select>
<label for="comment-${id}">${t('comment')}</label>
<input id="comment-${id}" name="comment.${id}" maxlength="2000">`
    : html`<p class="muted"><strong>${t('not_returnable')}</strong>${c.why.length > 0 ? html`: ${c.why.join(' ')}` : ''}</p>`
}
</div></li>`;
  })}</ul>
${opts.lines.some((c) => c.eligible) ? html`<button class="button" type="submit">${t('continue')}</button>` : ''}
</form>
</section>
${
  opts.returns.length > 0
    ? html`<section class="card" aria-labelledby="yours"><h2 id="yours">${t('your_returns')}</h2>
<ul>${opts.returns.map((r) => html`<li><a href="${opts.statusLinks.get(r.id) ?? '#'}">${r.number}</a> · ${t(`status.${r.status}`)}</li>`)}</ul></section>`
    : ''
}`.value;
}

export interface ChosenLine {
  line: OrderLineRow;
  quantity: number;
  reason: string;
  subReason: string | null;
  comment: string;
  /** Other variants of the same product in stock, for an exchange. */
  alternatives: Alternative[];
}

export function previewPage(
  ctx: PortalContext,
  opts: { chosen: ChosenLine[]; evaluation: ReturnEvaluation; error: string | null; gift: boolean },
): string {
  const t = portalText(ctx.locale, ctx.shop);
  const money = (minor: number) => formatMoney(minor, ctx.currency, ctx.locale);
  const ev = opts.evaluation;
  const refused = ev.status === 'rejected' || ev.lines.some((l) => !l.eligible);
  const photosFor = new Set(
    opts.chosen
      .filter((c) => {
        const reason = ctx.policy.reasons.find((r) => r.code === c.reason);
        const sub = reason?.subReasons.find((s) => s.code === c.subReason);
        return reason?.requiresPhotos || sub?.requiresPhotos;
      })
      .map((c) => c.line.id),
  );
  const hidden = opts.chosen.map(
    (c) => html`<input type="hidden" name="pick.${c.line.id}" value="1">
<input type="hidden" name="qty.${c.line.id}" value="${c.quantity}">
<input type="hidden" name="reason.${c.line.id}" value="${c.subReason ? `${c.reason}:${c.subReason}` : c.reason}">
<input type="hidden" name="comment.${c.line.id}" value="${c.comment}">`,
  );
  const exchangeOffered = ev.offeredResolutions.some(
    (o) => o.type === 'exchange_variant' || o.type === 'instant_exchange' || o.type === 'exchange_product',
  );
  return html`<section class="card" aria-labelledby="preview">
<h1 id="preview">${t('preview_title')}</h1>
<p class="muted">${t('preview_intro')}</p>
${opts.error ? html`<p class="alert" role="alert">${opts.error}</p>` : ''}
${opts.gift ? html`<p class="good">${t('gift_note')}</p>` : ''}
<ul class="items">${opts.chosen.map((c) => {
    const lineEval = ev.lines.find((l) => l.lineId === c.line.id);
    const notes = (lineEval?.reasons ?? []).filter(
      (d) => d.outcome !== 'pass' || d.ruleId.startsWith('window_'),
    );
    return html`<li><div><strong>${c.quantity} × ${c.line.title}</strong>${c.line.variant_title ? html` <span class="muted">${c.line.variant_title}</span>` : ''}
<ul class="why">${notes.map((d) => html`<li class="${d.outcome === 'rejected' ? 'bad' : ''}">${explainIn(ctx.locale, d)}</li>`)}</ul></div></li>`;
  })}</ul>
<ul class="why">${ev.decisions.filter((d) => d.outcome !== 'pass').map((d) => html`<li class="${d.outcome === 'rejected' ? 'bad' : ''}">${explainIn(ctx.locale, d)}</li>`)}</ul>
</section>
${
  refused
    ? html`<p><a class="button" href="${ctx.base}?lang=${ctx.locale}">${t('back')}</a></p>`
    : html`<form method="post" action="${ctx.base}/submit?lang=${ctx.locale}" enctype="multipart/form-data">
${hidden}
<section class="card" aria-labelledby="resolution"><h2 id="resolution">${t('resolution_title')}</h2>
${ev.offeredResolutions.map(
  (
    o,
    i,
  ) => html`<label class="option"><input type="radio" name="resolution" value="${o.type}"${i === 0 ? html` checked` : ''}>
<span><strong>${translate(ctx.locale, `returns.resolutions.${o.type}`)}</strong>${o.type.startsWith('exchange') || o.type === 'instant_exchange' ? '' : html` · ${t('total_back')} ${money(o.amountMinor + (o.bonusMinor ?? 0))}`}<br>
<span class="muted">${explainIn(ctx.locale, o.note)}</span>
${o.fee > 0 ? html`<br><span class="muted">${t('fee')}: ${money(o.fee)}</span>` : ''}
${o.shippingCostMinor > 0 ? html`<br><span class="muted">${t('shipping_cost')}: ${money(o.shippingCostMinor)}</span>` : ''}</span></label>`,
)}
${
  exchangeOffered
    ? opts.chosen.map(
        (c) => html`<label for="variant-${c.line.id}">${t('exchange_for')}: ${c.line.title}</label>
${
  c.alternatives.length > 0
    ? html`<select id="variant-${c.line.id}" name="variant.${c.line.id}">${c.alternatives
        .filter((a) => a.sameProduct)
        .map((a) => html`<option value="${a.id}">${a.label}</option>`)}${
        c.alternatives.some((a) => !a.sameProduct)
          ? html`<optgroup label="${t('similar')}">${c.alternatives
              .filter((a) => !a.sameProduct)
              .map((a) => html`<option value="${a.id}">${a.label}</option>`)}</optgroup>`
          : ''
      }</select>`
    : html`<p class="muted">${t('no_stock')}</p>`
}`,
      )
    : ''
}
</section>
${
  photosFor.size > 0
    ? html`<section class="card" aria-labelledby="photos"><h2 id="photos">${t('photos')}</h2><p class="muted">${t('photos_hint')}</p>
${opts.chosen
  .filter((c) => photosFor.has(c.line.id))
  .map(
    (c) => html`<label for="photo-${c.line.id}">${c.line.title}</label>
<input id="photo-${c.line.id}" type="file" name="photo.${c.line.id}" accept="image/jpeg,image/png,image/webp">`,
  )}</section>`
    : ''
}
<button class="button" type="submit">${t('submit')}</button>
</form>
<p><a href="${ctx.base}?lang=${ctx.locale}">${t('back')}</a></p>`
}`.value;
}

export function statusPage(
  ctx: Omit<PortalContext, 'policy' | 'base'>,
  opts: {
    ret: ReturnRow;
    lines: ReturnLineRow[];
    titles: Map<string, string>;
    labelUrl: string | null;
    note: string | null;
  },
): string {
  const t = portalText(ctx.locale, ctx.shop);
  const money = (minor: number) => formatMoney(minor, ctx.currency, ctx.locale);
  const { ret } = opts;
  const next =
    ret.status === 'resolved' || ret.status === 'closed'
      ? ret.outcome === 'refunded'
        ? t('steps.resolved_refund', { amount: money(Number(ret.refunded_minor)) })
        : ret.outcome === 'credited'
          ? t('steps.resolved_credit', { amount: money(Number(ret.credited_minor)) })
          : t('steps.resolved_exchange')
      : ret.status === 'approved' || ret.status === 'label_issued'
        ? t('steps.approved')
        : ret.status === 'needs_review' || ret.status === 'requested'
          ? t('steps.needs_review')
          : null;
  return html`<section class="card" aria-labelledby="status">
<p class="eyebrow">${t('rma', { number: ret.number })}</p>
<h1 id="status">${t(`status.${ret.status}`)}</h1>
${opts.note ? html`<p>${opts.note}</p>` : ''}
${next ? html`<h2>${t('next_steps')}</h2><p class="good">${next}</p>` : ''}
${opts.labelUrl ? html`<p><a class="button" href="${opts.labelUrl}">${t('label')}</a></p>` : ''}
</section>
<section class="card" aria-labelledby="items"><h2 id="items">${t('items')}</h2>
<ul class="items">${opts.lines.map((l) => html`<li>${l.quantity} × ${opts.titles.get(l.order_line_id) ?? ''}</li>`)}</ul>
<p class="muted">${translate(ctx.locale, `returns.resolutions.${ret.resolution}`)}</p>
</section>`.value;
}
