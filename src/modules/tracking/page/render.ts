import { html, type Raw } from '../../../http/page.ts';
import { type Locale, SUPPORTED_LOCALES } from '../../../lib/i18n.ts';
import { translate } from '../../templates/translations.ts';
import type { ProgressStep, ShipmentPart, TrackingView } from './view.ts';

/**
 * The tracking page's HTML from its view. Order of the document is the order of the customer's questions:
 * when does it arrive, where is it now, what happens next, what did I buy, whom do I ask.
 * Every value goes through `html` (escaped); nothing here loads anything from another host.
 */
export function renderTrackingMain(view: TrackingView): string {
  const t = (key: string, vars: Record<string, unknown> = {}) =>
    translate(view.locale, `tracking.${key}`, { shop: view.shop.name, ...vars });
  const w = view.window;
  const celebrate = w.kind === 'today' || w.kind === 'soon';
  const single = view.shipments.length <= 1;
  const only = view.shipments[0];
  return html`<section class="card window${celebrate ? ' celebrate' : ''}${w.late ? ' late' : ''}" aria-labelledby="window">
<p class="eyebrow">${t('order_number', { number: view.order.number })}</p>
<h1 id="window">${celebrate ? html`<span class="live" aria-hidden="true"></span>` : ''}${w.text}</h1>
${w.note ? html`<p class="note${celebrate ? '' : ' muted'}">${w.note}</p>` : ''}
</section>
<section class="card status" aria-labelledby="status">
<h2 id="status">${view.headline}</h2>
${view.detail ? html`<p><strong>${view.detail}</strong></p>` : ''}
${view.parcels.summary ? html`<p class="muted">${view.parcels.summary}</p>` : ''}
${view.next ? html`<p class="${view.problem ? 'alert' : 'good'}"${view.problem ? html` role="note"` : ''}>${view.next}</p>` : ''}
${single ? progressBar(view.progress, view.problem, t('progress')) : ''}
${single && only ? timeline(only, view, t) : ''}
</section>
${single ? '' : view.shipments.map((s) => parcel(s, view, t))}
${itemsSection(view, t)}
<section data-slot="recommendations"></section>
${helpSection(view, t)}
</main>
${footer(view, t)}`.value;
}

type T = (key: string, vars?: Record<string, unknown>) => string;

function progressBar(steps: ProgressStep[], problem: boolean, label: string): Raw {
  return html`<ol class="progress" aria-label="${label}">${steps.map(
    (s) =>
      html`<li class="${s.state}${s.state === 'current' && problem ? ' problem' : ''}"${s.state === 'current' ? html` aria-current="step"` : ''}>${s.label}</li>`,
  )}</ol>`;
}

function timeline(s: ShipmentPart, view: TrackingView, t: T): Raw {
  const headingId = `history-${s.position}`;
  return html`<h3 id="${headingId}">${t('timeline')}</h3>
${
  s.events.length === 0
    ? html`<p class="muted">${t('timeline_empty')}</p>`
    : html`<ol class="timeline" aria-labelledby="${headingId}">${s.events.map(
        (e) => html`<li><time datetime="${e.occurredAt}">${e.when}</time>
<span class="what">${e.text}</span>${e.location ? html` · <span>${e.location}</span>` : ''}
${e.description && e.description !== e.text ? html`<br><span class="muted">${e.description}</span>` : ''}</li>`,
      )}</ol>
<p class="muted">${view.timesIn}</p>`
}`;
}

function parcel(s: ShipmentPart, view: TrackingView, t: T): Raw {
  const id = `parcel-${s.position}`;
  return html`<section class="card parcel" aria-labelledby="${id}">
<h2 id="${id}">${t('parcel', { n: s.position, total: view.shipments.length })}: ${s.headline}</h2>
${s.detail ? html`<p><strong>${s.detail}</strong></p>` : ''}
${s.contents.length > 0 ? html`<p class="muted">${t('parcel_contents')} ${s.contents.map((c, i) => html`${i > 0 ? ', ' : ''}${c.quantity} × ${c.title}`)}</p>` : ''}
${progressBar(s.progress, s.problem, t('progress'))}
${s.problem && s.next ? html`<p class="alert" role="note">${s.next}</p>` : ''}
${timeline(s, view, t)}
</section>`;
}

function itemsSection(view: TrackingView, t: T): Raw | string {
  if (view.items.length === 0) return '';
  return html`<section class="card" aria-labelledby="items">
<h2 id="items">${t('items')}</h2>
<ul class="items">${view.items.map(
    (
      i,
    ) => html`<li>${i.imageUrl ? html`<img src="${i.imageUrl}" alt="" width="64" height="64" loading="lazy">` : ''}
<div><div>${i.title}</div>${i.variantTitle ? html`<div class="muted">${i.variantTitle}</div>` : ''}<div class="muted">${t('quantity', { n: i.quantity })}</div></div></li>`,
  )}</ul>
</section>`;
}

function helpSection(view: TrackingView, t: T): Raw {
  const { supportEmail, supportPhone } = view.shop;
  return html`<section class="card" aria-labelledby="help">
<h2 id="help">${t('help')}</h2>
<div class="actions">
${view.order.cancelled ? '' : html`<a class="button" href="${view.links.returns}">${t('returns')}</a>`}
${supportEmail ? html`<a class="button" href="mailto:${supportEmail}">${t('email_us')}</a>` : ''}
${supportPhone ? html`<a class="button" href="tel:${supportPhone.replace(/[^\d+]/g, '')}">${t('call_us', { phone: supportPhone })}</a>` : ''}
</div>
${supportEmail || supportPhone ? html`<p class="muted">${[supportEmail, supportPhone].filter(Boolean).join(' · ')}</p>` : ''}
</section>`;
}

function footer(view: TrackingView, t: T): Raw {
  const withNumbers = view.shipments.filter((s) => s.trackingNumber || s.carrier);
  return html`<footer class="site">
${
  withNumbers.length > 0
    ? html`<ul>${withNumbers.map(
        (s) =>
          html`<li>${s.carrier ? html`${t('carrier')}: ${s.carrier}` : ''}${s.carrier && s.trackingNumber ? ' · ' : ''}${
            s.trackingNumber
              ? html`${t('tracking_number')}: ${s.trackingUrl ? html`<a href="${s.trackingUrl}" rel="noopener noreferrer">${s.trackingNumber}</a>` : s.trackingNumber}`
              : ''
          }</li>`,
      )}</ul>`
    : ''
}
${languageNav(view.locale, t('language'), '')}
</footer>`;
}

const NATIVE_NAMES: Record<Locale, string> = {
  en: 'English',
  'pt-BR': 'Português',
  es: 'Español',
  sv: 'Svenska',
};

/** Links to the same page in every language; `query` keeps other parameters (the /track page's shop). */
export function languageNav(current: Locale, label: string, query: string): Raw {
  return html`<nav aria-label="${label}">${SUPPORTED_LOCALES.map((l) =>
    l === current
      ? html`<span lang="${l}" aria-current="true">${NATIVE_NAMES[l]}</span> `
      : html`<a href="?${query}${query ? '&' : ''}lang=${l}" lang="${l}" hreflang="${l}">${NATIVE_NAMES[l]}</a> `,
  )}</nav>`;
}
