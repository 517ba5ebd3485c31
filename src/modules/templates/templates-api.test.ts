import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  add,
  api,
  createHarness,
  enablePresetApi,
  type Harness,
  HOUR,
  localTime,
  mailsTo,
  messagesOf,
  payOrder,
  placeOrder,
  type Shop,
} from '../../../test/messaging-fixtures.ts';

/**
 * A merchant's own templates over the REST API: saving versions (and being refused, with line and column,
 * when a template does not parse), previewing with sample or real data, the saved version reaching real
 * messages of a running journey, and test sends that arrive like any other message.
 */

const ZONE = 'Europe/Stockholm';
const URL_SV = '/api/v1/templates/order_confirmation/sv';

const source = (marker: string) => ({
  subject: `${marker}: tack {{ customer.first_name }} för order {{ order.number }}`,
  body: `<mj-section>
  <mj-column>
    <mj-text>${marker} – hej {{ customer.first_name }}! Totalt: {{ order.total }}</mj-text>
  </mj-column>
</mj-section>`,
  textBody: `${marker} – hej {{ customer.first_name }}! Totalt: {{ order.total }}`,
});

let h: Harness;
let shop: Shop;
let other: Shop;
before(async () => {
  h = await createHarness();
  shop = await createTestMerchant(h.t, {
    name: 'Norrsken Home',
    locale: 'sv',
    currency: 'SEK',
    timezone: ZONE,
  });
  other = await createTestMerchant(h.t, {
    name: 'Other Shop',
    locale: 'sv',
    currency: 'SEK',
    timezone: ZONE,
  });
});
after(() => h.close());

const versions = async (s: Shop) => {
  const res = await api(h.t, s, 'GET', '/api/v1/templates');
  assert.equal(res.statusCode, 200, res.body);
  const t = res.json().data.find((x: { key: string }) => x.key === 'order_confirmation');
  return t.versions as Array<{ locale: string; channel: string; version: number }>;
};

describe('saving templates', () => {
  test('PUT saves version 1, then version 2, and the list shows the latest', async () => {
    assert.deepEqual(await versions(shop), [], 'only the built-in template so far');
    const first = await api(h.t, shop, 'PUT', URL_SV, source('V1'));
    assert.equal(first.statusCode, 201, first.body);
    assert.deepEqual(first.json(), { key: 'order_confirmation', locale: 'sv', channel: 'email', version: 1 });
    const second = await api(h.t, shop, 'PUT', URL_SV, source('V2'));
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.json().version, 2);
    assert.deepEqual(await versions(shop), [{ locale: 'sv', channel: 'email', version: 2 }]);
    assert.deepEqual(await versions(other), [], "another merchant's list is untouched");
  });

  test('a template that does not parse is refused with 422 template_invalid, line and column, and nothing is saved', async () => {
    const broken = {
      subject: 'Hej {{ order.number }}',
      body: '<mj-section>\n  <mj-column>\n    <mj-text>{% if order %}Hej</mj-text>\n  </mj-column>\n</mj-section>',
    };
    const res = await api(h.t, shop, 'PUT', URL_SV, broken);
    assert.equal(res.statusCode, 422, res.body);
    const { error } = res.json();
    assert.equal(error.code, 'template_invalid');
    assert.equal(error.details.part, 'body');
    assert.equal(error.details.line, 3);
    assert.equal(error.details.column, 14);
    assert.match(error.message, /line 3, column 14/);
    assert.match(error.details.reason, /not closed/);

    const subject = await api(h.t, shop, 'PUT', URL_SV, {
      ...source('X'),
      subject: 'Order {{ order.number ',
    });
    assert.equal(subject.statusCode, 422);
    assert.equal(subject.json().error.details.part, 'subject');
    assert.equal(subject.json().error.details.line, 1);
    assert.equal(subject.json().error.details.column, 7);

    const filter = await api(h.t, shop, 'PUT', URL_SV, {
      ...source('X'),
      body: '<mj-section>\n<mj-column>\n<mj-text>{{ order.total | money_with_sparkles }}</mj-text>\n</mj-column>\n</mj-section>',
    });
    assert.equal(filter.statusCode, 422);
    assert.match(filter.json().error.details.reason, /undefined filter: money_with_sparkles/);
    assert.equal(filter.json().error.details.line, 3);

    const mjml = await api(h.t, shop, 'PUT', URL_SV, {
      ...source('X'),
      body: '<mj-section>\n<mj-column>\n<mj-text>ok</mj-text>\n<mj-sparkle>x</mj-sparkle>\n</mj-column>\n</mj-section>',
    });
    assert.equal(mjml.statusCode, 422);
    assert.equal(mjml.json().error.code, 'template_invalid');
    assert.equal(mjml.json().error.details.line, 4, 'the line within the merchant’s own source');
    assert.match(mjml.json().error.details.reason, /mj-sparkle/);

    assert.deepEqual(
      await versions(shop),
      [{ locale: 'sv', channel: 'email', version: 2 }],
      'still version 2',
    );
  });

  test('an MJML error message does not say "column null"', {}, async () => {
    const res = await api(h.t, shop, 'PUT', URL_SV, {
      ...source('X'),
      body: '<mj-section>\n<mj-column>\n<mj-sparkle>x</mj-sparkle>\n</mj-column>\n</mj-section>',
    });
    assert.equal(res.statusCode, 422);
    assert.doesNotMatch(res.json().error.message, /null/);
  });

  test('an unknown template is 404 and an email template without a subject is refused (400 subject_required)', async () => {
    const unknown = await api(h.t, shop, 'PUT', '/api/v1/templates/no_such_template/sv', source('X'));
    assert.equal(unknown.statusCode, 404, unknown.body);
    const noSubject = await api(h.t, shop, 'PUT', URL_SV, { ...source('X'), subject: null });
    assert.equal(noSubject.statusCode, 400, noSubject.body);
    assert.equal(noSubject.json().error.code, 'subject_required');
    assert.deepEqual(await versions(shop), [{ locale: 'sv', channel: 'email', version: 2 }]);
  });
});

describe('preview', () => {
  test('with sample data: the saved version, rendered in Swedish', async () => {
    const res = await api(h.t, shop, 'POST', `${URL_SV}/preview`, {});
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json();
    assert.equal(p.version, 2);
    assert.equal(p.subject, 'V2: tack Ana för order #1042');
    assert.match(p.text, /^V2 – hej Ana! Totalt: [\d\u00a0]+,\d\d\u00a0kr$/);
    assert.ok(p.html.includes('V2 – hej Ana!'));
    assert.deepEqual(p.warnings, []);
  });

  test('with a real order: its number, customer and total', async () => {
    const o = await placeOrder(h.t, shop, {
      number: '#P-100',
      email: 'preview@example.com',
      firstName: 'Sven',
      locale: 'sv',
      currency: 'SEK',
      unitPrice: 123456,
    });
    const res = await api(h.t, shop, 'POST', `${URL_SV}/preview`, { orderId: o.id });
    assert.equal(res.statusCode, 200, res.body);
    const p = res.json();
    assert.equal(p.subject, 'V2: tack Sven för order #P-100');
    assert.equal(p.text, 'V2 – hej Sven! Totalt: 1\u00a0234,56\u00a0kr');
    // Previewing sends nothing.
    assert.equal(mailsTo(h.mailbox, 'preview@example.com').length, 0);
    assert.equal((await messagesOf(h.t, { orderId: o.id })).length, 0);
    const missing = await api(h.t, shop, 'POST', `${URL_SV}/preview`, { orderId: 'ord_nope' });
    assert.equal(missing.statusCode, 404);
  });

  test('an unsaved draft (source) previews without being saved; a locale never saved shows the built-in one', async () => {
    const draft = await api(h.t, shop, 'POST', `${URL_SV}/preview`, { source: source('DRAFT') });
    assert.equal(draft.statusCode, 200, draft.body);
    assert.equal(draft.json().version, null);
    assert.ok(draft.json().text.startsWith('DRAFT – hej Ana!'));
    assert.deepEqual(await versions(shop), [{ locale: 'sv', channel: 'email', version: 2 }]);

    const en = await api(h.t, shop, 'POST', '/api/v1/templates/order_confirmation/en/preview', {});
    assert.equal(en.statusCode, 200);
    assert.equal(en.json().version, 0);
    assert.equal(en.json().subject, 'Thank you for your order #1042');
  });
});

describe('saved templates in real messages', () => {
  test("a journey's messages use the merchant's latest version; other templates, locales and merchants keep the built-in ones", async () => {
    await enablePresetApi(h.t, shop, 'four_transactional');
    await enablePresetApi(h.t, other, 'four_transactional');
    const t0 = localTime(ZONE, 10);
    const sv = await placeOrder(h.t, shop, {
      number: '#J-1',
      email: 'journey.sv@example.com',
      firstName: 'Karin',
      locale: 'sv',
      currency: 'SEK',
      unitPrice: 123456,
    });
    const en = await placeOrder(h.t, shop, { number: '#J-2', email: 'journey.en@example.com', locale: 'en' });
    const elsewhere = await placeOrder(h.t, other, {
      number: '#J-3',
      email: 'journey.other@example.com',
      locale: 'sv',
      currency: 'SEK',
    });
    await h.pump(t0);

    const [mail] = mailsTo(h.mailbox, 'journey.sv@example.com');
    assert.ok(mail);
    assert.equal(mail.subject, 'V2: tack Karin för order #J-1');
    assert.equal(mail.text.trim(), 'V2 – hej Karin! Totalt: 1\u00a0234,56\u00a0kr');
    assert.ok(mail.html?.includes('V2 – hej Karin!'));
    const [row] = await messagesOf(h.t, { orderId: sv.id });
    assert.equal(row?.template_version, 2);
    const viaApi = (await api(h.t, shop, 'GET', `/api/v1/messages/${row!.id}`)).json();
    assert.equal(viaApi.templateVersion, 2);

    assert.equal(mailsTo(h.mailbox, 'journey.en@example.com')[0]?.subject, 'Thank you for your order #J-2');
    assert.equal((await messagesOf(h.t, { orderId: en.id }))[0]?.template_version, 0);
    assert.equal(
      mailsTo(h.mailbox, 'journey.other@example.com')[0]?.subject,
      'Tack för din beställning #J-3',
    );
    assert.equal((await messagesOf(h.t, { orderId: elsewhere.id }))[0]?.template_version, 0);

    // The journey goes on with the built-in payment mail.
    await payOrder(h.t, shop, sv.id);
    await h.pump(add(t0, HOUR));
    const mails = mailsTo(h.mailbox, 'journey.sv@example.com');
    assert.equal(mails.length, 2);
    assert.equal(mails[1]!.subject, 'Vi har tagit emot betalningen för beställning #J-1');

    // A new save takes effect for the very next message.
    const v3 = await api(h.t, shop, 'PUT', URL_SV, source('V3'));
    assert.equal(v3.json().version, 3);
    const next = await placeOrder(h.t, shop, {
      number: '#J-4',
      email: 'journey.next@example.com',
      firstName: 'Nils',
      locale: 'sv',
      currency: 'SEK',
    });
    await h.pump(add(t0, 2 * HOUR));
    assert.equal(mailsTo(h.mailbox, 'journey.next@example.com')[0]?.subject, 'V3: tack Nils för order #J-4');
    assert.equal((await messagesOf(h.t, { orderId: next.id }))[0]?.template_version, 3);
  });

  test('test-send creates a message row like any other and the mail arrives', async () => {
    const o = await placeOrder(h.t, shop, {
      number: '#TS-1',
      email: 'test.send@example.com',
      firstName: 'Greta',
      locale: 'sv',
      currency: 'SEK',
    });
    const res = await api(h.t, shop, 'POST', `${URL_SV}/test-send`, { orderId: o.id });
    assert.equal(res.statusCode, 201, res.body);
    const { messageId, status } = res.json();
    assert.match(messageId, /^msg_/);
    assert.equal(status, 'queued');
    await h.deliverDue(add(new Date(), 60_000));
    const mails = mailsTo(h.mailbox, 'test.send@example.com');
    assert.equal(mails.length, 1);
    assert.equal(mails[0]!.subject, 'V3: tack Greta för order #TS-1');
    const row = (await api(h.t, shop, 'GET', `/api/v1/messages/${messageId}`)).json();
    assert.equal(row.status, 'sent');
    assert.equal(row.templateKey, 'order_confirmation');
    assert.equal(row.templateVersion, 3);
    assert.equal(row.orderId, o.id);
    assert.equal(row.recipient, 'test.send@example.com');

    // A second test send is a second message (not swallowed as a duplicate).
    await new Promise((r) => setTimeout(r, 5));
    const again = await api(h.t, shop, 'POST', `${URL_SV}/test-send`, { orderId: o.id });
    assert.equal(again.statusCode, 201);
    assert.notEqual(again.json().messageId, messageId);
    await h.deliverDue(add(new Date(), 60_000));
    assert.equal(mailsTo(h.mailbox, 'test.send@example.com').length, 2);

    const other404 = await api(h.t, other, 'POST', `${URL_SV}/test-send`, { orderId: o.id });
    assert.equal(other404.statusCode, 404, "another merchant cannot test-send this merchant's order");
  });
});
