import type { Locale } from '../../../lib/i18n.ts';
import { translate } from '../../templates/translations.ts';
import { carrierName } from '../carrier-names.ts';
import { dateLocale, formatDayRange, formatInstantDay, formatTime, localDate, zoneLabel } from './dates.ts';
import type { OrderDetail, OrderHead } from './repo.ts';
import {
  eventKey,
  headlineIndex,
  isProblem,
  nextStepKey,
  type PageStatus,
  STAGES,
  type Stage,
  stageOf,
} from './stages.ts';

/**
 * Everything the tracking page says, already in the customer's language: the HTML renders it and
 * `?format=json` returns it as is, so a headless storefront shows exactly what the page shows.
 */
export interface TrackingView {
  locale: Locale;
  timeZone: string;
  timesIn: string;
  order: { number: string; placedAt: string; cancelled: boolean };
  shop: { name: string; logoUrl: string | null; supportEmail: string | null; supportPhone: string | null };
  window: DeliveryWindow;
  status: PageStatus;
  stage: Stage;
  problem: boolean;
  headline: string;
  detail: string | null;
  next: string | null;
  parcels: { total: number; delivered: number; summary: string | null };
  progress: ProgressStep[];
  shipments: ShipmentPart[];
  items: ItemPart[];
  links: { tracking: string; returns: string };
}

export interface DeliveryWindow {
  /** range: a date window; today/soon: out for delivery; delivered; unknown: no date yet; cancelled. */
  kind: 'range' | 'today' | 'soon' | 'delivered' | 'unknown' | 'cancelled';
  earliest: string | null;
  latest: string | null;
  /** Where the dates come from: the carrier's current estimate, or the promise made at checkout. */
  source: 'estimate' | 'promise' | null;
  deliveredAt: string | null;
  late: boolean;
  text: string;
  note: string | null;
}

export interface ProgressStep {
  stage: Stage;
  label: string;
  state: 'done' | 'current' | 'todo';
}

export interface ShipmentPart {
  position: number;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  status: string;
  subStatus: string | null;
  stage: Stage;
  problem: boolean;
  headline: string;
  detail: string | null;
  next: string | null;
  lastLocation: string | null;
  outForDeliveryAt: string | null;
  deliveredAt: string | null;
  estimate: { earliest: string | null; latest: string | null };
  progress: ProgressStep[];
  contents: Array<{ title: string; quantity: number }>;
  events: EventPart[];
}

export interface EventPart {
  occurredAt: string;
  /** Localised: "Tue 3 Dec, 14:05" in the page's time zone. */
  when: string;
  status: string;
  subStatus: string | null;
  /** The canonical word, localised; never the carrier's own. */
  text: string;
  /** The carrier's own words, shown as secondary text. */
  description: string | null;
  location: string | null;
}

export interface ItemPart {
  title: string;
  variantTitle: string | null;
  quantity: number;
  imageUrl: string | null;
}

export interface BuildViewInput {
  head: OrderHead;
  detail: OrderDetail;
  locale: Locale;
  token: string;
  now: Date;
}

export function buildTrackingView({ head, detail, locale, token, now }: BuildViewInput): TrackingView {
  const { merchant, order } = head;
  const t = (key: string, vars: Record<string, unknown> = {}) =>
    translate(locale, `tracking.${key}`, { shop: merchant.name, ...vars });
  const timeZone = detail.customerTimeZone ?? merchant.timezone;
  const dl = dateLocale(locale, order.shipping_address?.country);
  const today = localDate(now, timeZone);
  const when = (at: Date) => `${formatInstantDay(at, timeZone, dl)}, ${formatTime(at, timeZone, dl)}`;
  const cancelled = order.status === 'cancelled' || order.cancelled_at !== null;
  // A voided label is not a parcel the customer waits for.
  const shipments = head.shipments.filter((s) => s.status !== 'cancelled');
  const linesById = new Map(detail.lines.map((l) => [l.id, l]));

  const progress = (stage: Stage): ProgressStep[] => {
    const at = STAGES.indexOf(stage);
    return STAGES.map((s, i) => ({
      stage: s,
      label: t(`stage.${s}`),
      state: i < at || (stage === 'delivered' && i === at) ? 'done' : i === at ? 'current' : 'todo',
    }));
  };
  const progressFor = (status: PageStatus): ProgressStep[] =>
    progress(stageOf(status)).map((p) =>
      // A parcel waiting at a pickup point is at the fourth step, but "out for delivery" would be wrong.
      p.stage === 'out_for_delivery' && status === 'available_for_pickup'
        ? { ...p, label: t('stage.pickup') }
        : p,
    );

  const parts: ShipmentPart[] = shipments.map((s, i) => {
    const status = s.status as PageStatus;
    const events = detail.events
      .filter((e) => e.shipment_id === s.id)
      .sort((a, b) => b.occurred_at.getTime() - a.occurred_at.getTime())
      .map((e) => ({
        occurredAt: e.occurred_at.toISOString(),
        when: when(e.occurred_at),
        status: e.status,
        subStatus: e.sub_status,
        text: t(eventKey(e.status, e.sub_status)),
        description: e.description,
        location: e.location,
      }));
    const contents = detail.shipmentLines
      .filter((l) => l.shipment_id === s.id)
      .flatMap((l) => {
        const line = linesById.get(l.order_line_id);
        return line ? [{ title: line.title, quantity: l.quantity }] : [];
      });
    const sub = s.sub_status && eventKey(s.status, s.sub_status).startsWith('sub.') ? s.sub_status : null;
    return {
      position: i + 1,
      carrier: carrierName(s.carrier),
      trackingNumber: s.tracking_number,
      trackingUrl: s.tracking_url && /^https?:\/\//i.test(s.tracking_url) ? s.tracking_url : null,
      status: s.status,
      subStatus: s.sub_status,
      stage: stageOf(status),
      problem: isProblem(status),
      headline: t(`status.${status}`),
      detail: sub ? t(`sub.${sub}`) : null,
      next: t(`next.${nextStepKey(status, sub)}`),
      lastLocation: s.last_location,
      outForDeliveryAt: s.out_for_delivery_at?.toISOString() ?? null,
      deliveredAt: (s.delivered_at ?? (s.status === 'delivered' ? s.status_at : null))?.toISOString() ?? null,
      estimate: { earliest: s.estimated_earliest, latest: s.estimated_latest },
      progress: progressFor(status),
      contents,
      events,
    };
  });

  const lead = parts[headlineIndex(parts.map((p) => p.status))];
  const status: PageStatus = cancelled
    ? 'cancelled'
    : ((lead?.status as PageStatus | undefined) ?? 'ordered');
  const delivered = parts.filter((p) => p.status === 'delivered').length;
  // Everything delivered only when every line has shipped; a partial shipment leaves more to come.
  const allDelivered = parts.length > 0 && delivered === parts.length && order.status !== 'partially_shipped';
  const pageStatus: PageStatus = status === 'delivered' && !allDelivered ? 'in_transit' : status;

  return {
    locale,
    timeZone,
    timesIn: t('times_in', { zone: zoneLabel(timeZone) }),
    order: { number: order.number, placedAt: order.placed_at.toISOString(), cancelled },
    shop: {
      name: merchant.name,
      logoUrl: httpsOnly(merchant.logo_url),
      supportEmail: merchant.support_email,
      supportPhone: merchant.support_phone,
    },
    window: deliveryWindow(),
    status: pageStatus,
    stage: stageOf(pageStatus),
    problem: isProblem(pageStatus),
    headline: t(`status.${pageStatus}`),
    detail: lead && pageStatus === lead.status ? lead.detail : null,
    next: t(`next.${nextStepKey(pageStatus, lead && pageStatus === lead.status ? lead.subStatus : null)}`),
    parcels: {
      total: parts.length,
      delivered,
      summary: parts.length > 1 ? t('parcels_delivered', { n: delivered, total: parts.length }) : null,
    },
    progress: progressFor(pageStatus),
    shipments: parts,
    items: detail.lines.map((l) => ({
      title: l.title,
      variantTitle: l.variant_title,
      quantity: l.quantity,
      imageUrl: httpsOnly(l.image_url),
    })),
    links: {
      tracking: `/t/${token}`,
      returns: `/returns?order=${encodeURIComponent(order.number)}&token=${encodeURIComponent(token)}`,
    },
  };

  function deliveryWindow(): DeliveryWindow {
    const none = { earliest: null, latest: null, source: null, deliveredAt: null, late: false, note: null };
    if (cancelled) return { ...none, kind: 'cancelled', text: t('window.cancelled') };
    if (allDelivered) {
      const at = parts
        .map((p) => p.deliveredAt)
        .filter((d): d is string => d !== null)
        .sort()
        .pop();
      if (!at) return { ...none, kind: 'delivered', text: t('window.delivered_plain') };
      const d = new Date(at);
      return {
        ...none,
        kind: 'delivered',
        deliveredAt: at,
        text: t('window.delivered', {
          date: formatInstantDay(d, timeZone, dl),
          time: formatTime(d, timeZone, dl),
        }),
      };
    }
    const ofd = shipments.find((s) => s.status === 'out_for_delivery');
    if (ofd) {
      const since = ofd.out_for_delivery_at ?? ofd.status_at;
      // Out for delivery since an earlier day means the van came back: not "today" any more.
      const isToday = !since || localDate(since, timeZone) === today;
      return {
        ...none,
        kind: isToday ? 'today' : 'soon',
        earliest: today,
        latest: today,
        source: 'estimate',
        text: t(isToday ? 'window.today' : 'window.soon'),
        note: t('window.ofd_note'),
      };
    }
    const open = shipments.filter((s) => s.status !== 'delivered' && s.estimated_latest);
    const promise =
      order.promised_earliest && order.promised_latest
        ? { earliest: order.promised_earliest, latest: order.promised_latest }
        : null;
    const estimate =
      open.length > 0
        ? {
            earliest: open.map((s) => s.estimated_earliest ?? s.estimated_latest!).sort()[0]!,
            latest: open
              .map((s) => s.estimated_latest!)
              .sort()
              .pop()!,
          }
        : null;
    const range = estimate ?? promise;
    if (!range) return { ...none, kind: 'unknown', text: t('window.unknown') };
    const late = range.latest < today;
    const moved =
      estimate && promise && (estimate.earliest !== promise.earliest || estimate.latest !== promise.latest);
    return {
      ...none,
      kind: 'range',
      earliest: range.earliest,
      latest: range.latest,
      source: estimate ? 'estimate' : 'promise',
      late,
      text: t('window.arrives', { dates: formatDayRange(range.earliest, range.latest, dl) }),
      note: late
        ? t('window.late')
        : moved && promise
          ? t('window.originally', { dates: formatDayRange(promise.earliest, promise.latest, dl) })
          : null,
    };
  }
}

/** Images on the page come only from the merchant's own https URLs (the page's CSP allows nothing else). */
function httpsOnly(url: string | null): string | null {
  return url && /^https:\/\/[^\s"'<>]+$/i.test(url) ? url : null;
}
