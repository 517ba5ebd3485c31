import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SUPPORTED_LOCALES } from '../../lib/i18n.ts';
import { TEMPLATES, type TemplateSpec } from './catalog.ts';
import type { MessageContext } from './context.ts';
import { defaultLayout, defaultTemplate } from './defaults.ts';
import { compileTemplate, type Rendered, renderTemplate, type TemplateChannel } from './engine.ts';
import { sampleContext } from './sample-context.ts';
import { missingKeys, translate } from './translations.ts';

const LOCALES_DIR = path.resolve(import.meta.dirname, '../../locales');

function flatten(node: unknown, prefix = ''): Record<string, string> {
  if (typeof node === 'string') return { [prefix]: node };
  return Object.entries(node as Record<string, unknown>).reduce<Record<string, string>>(
    (acc, [k, v]) => Object.assign(acc, flatten(v, prefix ? `${prefix}.${k}` : k)),
    {},
  );
}

const readCatalogue = (locale: string): unknown =>
  JSON.parse(readFileSync(path.join(LOCALES_DIR, `${locale}.json`), 'utf8'));
const catalogue = (locale: string) => flatten(readCatalogue(locale));
const EN = catalogue('en');
const CATALOGUE_KEYS = Object.keys(EN);
/** A catalogue key printed as is, e.g. "order_shipped.heading": translate() falls back to the key. */
const NAMESPACES = Object.keys(readCatalogue('en') as object);
const RAW_KEY = new RegExp(`\\b(?:${NAMESPACES.join('|')})\\.[a-z]\\w*`);

const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

async function render(
  spec: TemplateSpec,
  channel: TemplateChannel,
  locale: string,
  overrides: Partial<MessageContext> = {},
): Promise<Rendered> {
  const source = defaultTemplate(spec.key, channel);
  assert.ok(source, `${spec.key} has no default ${channel} template`);
  const compiled = await compileTemplate(source, defaultLayout(), locale);
  return renderTemplate(compiled, { ...sampleContext(locale, overrides), category: spec.category });
}

const spec = (key: string) => TEMPLATES.find((t) => t.key === key)!;

/** What each message must tell the customer, taken from the context so every locale's formatting is checked. */
function facts(key: string, ctx: MessageContext): string[] {
  const order = ctx.order!;
  const titles = order.lines.map((l) => l.title);
  const survey = ctx.links.survey.map((s) => s.url);
  const ret = ctx.return!;
  const retItems = ret.items.flatMap((i) => [i.title, i.total]);
  switch (key) {
    case 'order_confirmation':
      return [
        ...titles,
        ...order.lines.map((l) => l.total),
        order.subtotal,
        order.discount,
        order.shipping,
        order.tax,
        order.total,
        order.delivery_estimate!,
      ];
    case 'payment_confirmed':
      return [...titles, order.number, order.total, order.delivery_estimate!];
    case 'order_shipped':
      return [
        ...titles,
        ctx.links.tracking!,
        ctx.shipment!.tracking_number!,
        ctx.shipment!.carrier!,
        order.delivery_estimate!,
      ];
    case 'out_for_delivery':
      return [order.number, ctx.links.tracking!, ctx.shipment!.carrier!];
    case 'delivered':
      return [order.number, ctx.links.returns!, ctx.shop.support_email!];
    case 'delivery_problem':
      return [order.number, ctx.links.tracking!, ctx.shop.support_email!, ctx.shop.support_phone!];
    case 'thermometer':
      return survey;
    case 'product_survey':
      return [...titles, ...survey];
    case 'review_request':
      return [...titles, ctx.links.review!];
    case 'care_tips':
      return ctx.care.flatMap((c) => [c.title, c.tips]);
    case 'thank_you_voucher':
      return [ctx.voucher!.code, ctx.voucher!.value, ctx.voucher!.expires_on!, ctx.links.shop];
    case 'campaign_thank_you':
      return [ctx.campaign!.name, order.number];
    case 'return_received_request':
      return [ret.number, order.number, ret.resolution_label, ...retItems];
    case 'return_approved':
      return [ret.number, order.number, ret.ship_by!, ret.carrier!, ret.tracking_number!, ...retItems];
    case 'return_rejected':
      return [ret.number, order.number, ret.note!, ctx.shop.support_email!];
    case 'return_received':
      return [ret.number, ...retItems];
    case 'return_resolved':
      return [ret.number, ret.credited!, ret.bonus!, ret.voucher_code!, ...retItems];
    default:
      throw new Error(`no facts listed for ${key}: add them here`);
  }
}

function assertClean(where: string, output: string) {
  for (const bad of ['{{', '{%', 'undefined', '[object', 'NaN']) {
    assert.ok(!output.includes(bad), `${where} contains "${bad}"`);
  }
  assert.ok(
    !RAW_KEY.test(output),
    `${where} shows a catalogue key instead of text: ${RAW_KEY.exec(output)?.[0]}`,
  );
}

function assertPlainText(where: string, text: string) {
  assert.ok(!/<\/?[a-z][^>]*>/i.test(text), `${where} contains an HTML tag`);
  assert.ok(!/&(#\d+|#x[0-9a-f]+|[a-z]+);/i.test(text), `${where} contains an HTML entity`);
}

describe('default templates', () => {
  for (const t of TEMPLATES) {
    for (const channel of t.channels) {
      for (const locale of SUPPORTED_LOCALES) {
        test(`${t.key} · ${channel} · ${locale}`, async () => {
          const ctx = sampleContext(locale);
          const r = await render(t, channel, locale);
          const where = `${t.key}/${channel}/${locale}`;
          assert.deepEqual(r.warnings, [], `${where} warned`);
          assertClean(`${where} text`, r.text);

          if (channel === 'email') {
            assert.ok(r.subject && r.html, `${where} has no subject or HTML`);
            assertClean(`${where} subject`, r.subject);
            assertClean(`${where} html`, r.html);
            assertPlainText(`${where} subject`, r.subject);
            assertPlainText(`${where} text`, r.text);
            if (EN[`${t.key}.subject`]?.includes('{number}'))
              assert.ok(r.subject.includes(ctx.order!.number));
            if (EN[`${t.strings ?? t.key}.subject`]?.includes('{rma}'))
              assert.ok(r.subject.includes(ctx.return!.number), `${where} subject lacks the RMA number`);
            assert.ok(r.html.includes(ctx.shop.name), `${where} html lacks the shop name`);
            for (const fact of facts(t.key, ctx)) {
              assert.ok(r.html.includes(escapeHtml(fact)), `${where} html lacks "${fact}"`);
              assert.ok(r.text.includes(fact), `${where} text lacks "${fact}"`);
            }
            // Marketing carries a one-click unsubscribe in both parts; transactional mail has none.
            assert.equal(
              r.html.includes(ctx.links.unsubscribe),
              t.category === 'marketing',
              `${where} unsubscribe`,
            );
            if (t.category === 'marketing') assert.ok(r.text.includes(ctx.links.unsubscribe));
            assert.ok(r.text.includes(ctx.links.preferences), `${where} text lacks the preferences link`);
          }

          if (channel === 'sms') {
            assertPlainText(where, r.text);
            assert.ok(r.text.length <= 300, `${where} is ${r.text.length} characters`);
            if (t.key.startsWith('return_')) {
              // About the return, not the parcel: the RMA number says which.
              assert.ok(r.text.includes(ctx.return!.number) && r.text.includes(ctx.shop.name), where);
            } else {
              assert.ok(r.text.includes(ctx.links.tracking!), `${where} lacks the tracking link`);
              assert.ok(r.text.includes(ctx.order!.number) && r.text.includes(ctx.shop.name));
            }
          }

          if (channel === 'whatsapp') {
            // One approved-template parameter per line: first name, order number, tracking link.
            assert.deepEqual(r.text.split('\n'), ['Ana', ctx.order!.number, ctx.links.tracking!]);
          }
        });
      }
    }
  }

  test('subjects are localized', async () => {
    for (const t of TEMPLATES) {
      const en = (await render(t, 'email', 'en')).subject;
      for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
        const other = (await render(t, 'email', locale)).subject;
        assert.notEqual(other, en, `${t.key} subject is the same in en and ${locale}`);
      }
    }
  });

  test('every email greets by first name, and gracefully without one', async () => {
    for (const t of TEMPLATES.filter((x) => x.key !== 'order_confirmation')) {
      for (const locale of SUPPORTED_LOCALES) {
        const named = await render(t, 'email', locale);
        const greeting = translate(locale, 'common.greeting', { first_name: 'Ana' });
        assert.ok(named.html!.includes(greeting) && named.text.includes(greeting), `${t.key}/${locale}`);

        const customer = { first_name: null, last_name: null, name: null, email: 'x@example.com' };
        const anonymous = await render(t, 'email', locale, { customer });
        const fallback = translate(locale, 'common.greeting_fallback');
        assert.deepEqual(anonymous.warnings, []);
        assert.ok(
          anonymous.html!.includes(fallback) && anonymous.text.includes(fallback),
          `${t.key}/${locale}`,
        );
      }
    }
  });

  test('WhatsApp parameters are never empty', async () => {
    const customer = { first_name: null, last_name: null, name: null, email: null };
    const links = { ...sampleContext('sv').links, tracking: null };
    for (const t of TEMPLATES.filter((x) => x.channels.includes('whatsapp'))) {
      const r = await render(t, 'whatsapp', 'sv', { customer, links });
      assert.deepEqual(r.text.split('\n'), ['där', '#1042', links.shop], t.key);
    }
  });

  test('a customer-supplied name is escaped in HTML and readable in text', async () => {
    const name = '<script>alert(1)</script>';
    const customer = { first_name: name, last_name: null, name, email: 'x@example.com' };
    for (const key of ['order_confirmation', 'order_shipped']) {
      const r = await render(spec(key), 'email', 'en', { customer });
      assert.ok(r.html!.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), key);
      assert.ok(!r.html!.includes(name), key);
      assert.ok(r.text.includes(name), key);
    }
  });

  test('optional facts: delivery date, delivery trouble, empty care list, no campaign or order', async () => {
    const base = sampleContext('en');
    const delivered = await render(spec('delivered'), 'email', 'en', {
      shipment: { ...base.shipment!, status: 'delivered', delivered_on: 'December 5, 2026' },
    });
    assert.ok(delivered.html!.includes('Delivered on December 5, 2026'));
    assert.ok(delivered.text.includes('Delivered on December 5, 2026'));

    const attempt = await render(spec('delivery_problem'), 'email', 'en', {
      shipment: { ...base.shipment!, status: 'attempt_fail' },
    });
    assert.ok(attempt.text.includes(translate('en', 'delivery_problem.attempt')));
    assert.ok(!attempt.text.includes(translate('en', 'delivery_problem.delayed')));

    const noCare = await render(spec('care_tips'), 'email', 'en', { care: [] });
    assert.deepEqual(noCare.warnings, []);
    assert.ok(noCare.html!.includes(translate('en', 'care_tips.fallback')));
    assert.ok(!noCare.text.includes(base.care[0]!.tips));

    const care = [{ title: 'Oak Board', tips: 'Oil monthly.\nNever soak <ever>.' }];
    const tips = await render(spec('care_tips'), 'email', 'en', { care });
    assert.ok(tips.html!.includes('Oil monthly.<br />\nNever soak &lt;ever&gt;.'));

    const generic = await render(spec('campaign_thank_you'), 'email', 'en', { campaign: null, order: null });
    assert.deepEqual(generic.warnings, []);
    assert.ok(generic.html!.includes(translate('en', 'campaign_thank_you.heading_generic')));
    assert.ok(!generic.text.includes('#1042'));

    const noVoucher = await render(spec('thank_you_voucher'), 'email', 'en', { voucher: null });
    assert.deepEqual(noVoucher.warnings, []);
    assert.ok(!noVoucher.html!.includes(base.voucher!.code));
  });

  test('return messages follow the return: review, no parcel, refund, exchange, a rejection note', async () => {
    const base = sampleContext('sv');
    const ret = base.return!;
    const review = await render(spec('return_received_request'), 'email', 'sv', {
      return: { ...ret, in_review: true },
    });
    assert.ok(review.text.includes(translate('sv', 'return_messages.requested.review')));
    assert.ok(!review.text.includes(translate('sv', 'return_messages.requested.next')));

    const keep = await render(spec('return_approved'), 'email', 'sv', {
      return: { ...ret, ship_back: false, ship_by: null },
    });
    assert.deepEqual(keep.warnings, []);
    assert.ok(keep.text.includes(translate('sv', 'return_messages.approved.no_parcel')));
    const dropOff = await render(spec('return_approved'), 'email', 'sv', {
      return: { ...ret, carrier: null, tracking_number: null },
    });
    assert.ok(
      dropOff.text.includes(translate('sv', 'return_messages.approved.drop_off', { rma: ret.number })),
    );

    const refund = { ...ret, outcome: 'refunded', credited: null, bonus: null, voucher_code: null };
    const refunded = await render(spec('return_resolved'), 'email', 'pt-BR', { return: refund });
    const amount = refund.refunded!;
    assert.ok(refunded.html!.includes(amount) && refunded.text.includes(amount));
    assert.ok(!refunded.text.includes(ret.voucher_code!));
    const sms = await render(spec('return_resolved'), 'sms', 'pt-BR', { return: refund });
    assert.ok(sms.text.includes(amount) && sms.text.includes(ret.number), sms.text);

    const exchange = { ...ret, outcome: 'exchanged', refunded: null, credited: null, bonus: null };
    const exchanged = await render(spec('return_resolved'), 'email', 'es', { return: exchange });
    assert.ok(exchanged.text.includes(ret.exchange_order_number!));
    assert.ok(!exchanged.text.includes(ret.credited!));

    const note = 'Worn <outside>.\nSorry!';
    const rejected = await render(spec('return_rejected'), 'email', 'en', { return: { ...ret, note } });
    assert.ok(rejected.html!.includes('Worn &lt;outside&gt;.<br />'));
    assert.ok(rejected.text.includes(note));
  });

  test('every locale catalogue has exactly the English keys and placeholders', () => {
    for (const locale of SUPPORTED_LOCALES) {
      assert.deepEqual(missingKeys(locale), [], `${locale} is missing keys`);
      const strings = catalogue(locale);
      assert.deepEqual(Object.keys(strings).sort(), [...CATALOGUE_KEYS].sort(), `${locale} has extra keys`);
      for (const [key, text] of Object.entries(strings)) {
        assert.ok(!/[<>]|&\w+;/.test(text), `${locale} ${key} contains HTML`);
        const allowed = new Set(EN[key]!.match(/\{\w+\}/g) ?? []);
        for (const p of text.match(/\{\w+\}/g) ?? []) assert.ok(allowed.has(p), `${locale} ${key} uses ${p}`);
      }
    }
  });

  test('a template with a Liquid syntax error is refused with its line number', async () => {
    const body = [
      '<mj-section>',
      '  <mj-column>',
      '    <mj-text>{{ order.number }}</mj-text>',
      '    <mj-text>{% if order %}{{ order.total }}</mj-text>',
      '  </mj-column>',
      '</mj-section>',
    ].join('\n');
    await assert.rejects(
      compileTemplate({ channel: 'email', subject: 'Hi', body, textBody: null }, defaultLayout(), 'en'),
      (err: { code?: string; details?: { part: string; line: number | null } }) => {
        assert.equal(err.code, 'template_invalid');
        assert.equal(err.details?.part, 'body');
        assert.equal(err.details?.line, 4);
        return true;
      },
    );
  });
});
