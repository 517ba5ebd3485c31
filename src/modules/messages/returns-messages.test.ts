import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestMerchant } from '../../../test/helpers.ts';
import {
  api,
  createHarness,
  enablePresetApi,
  type Harness,
  mailsTo,
  messagesOf,
  type Shop,
} from '../../../test/messaging-fixtures.ts';
import { formatMoney } from '../../lib/money.ts';
import { translate } from '../templates/translations.ts';

/**
 * The `returns_updates` journey end to end: returns made and moved over the API, the worker's steps run by
 * the pump, and the customer's mail caught by a real SMTP server, in the language of the order.
 */
let h: Harness;
let shop: Shop;
let seq = 0;

before(async () => {
  h = await createHarness();
  shop = await createTestMerchant(h.t, {
    name: 'Norrsken Home',
    currency: 'SEK',
    timezone: 'Europe/Stockholm',
  });
  await enablePresetApi(h.t, shop, 'returns_updates');
});
after(() => h.close());

async function ok(method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await api(h.t, shop, method, url, body ?? {});
  assert.ok(res.statusCode === 200 || res.statusCode === 201, `${method} ${url}: ${res.body}`);
  return res.json();
}

/** A paid order for two mugs, delivered two days ago. */
async function deliveredOrder(locale: string, currency: string) {
  seq++;
  const email = `cliente${seq}@example.com`;
  const o = await ok('POST', '/api/v1/orders', {
    number: `#RM${seq}`,
    currency,
    customer: { email, firstName: 'Ana', locale },
    shippingAddress: { city: 'Stockholm', postalCode: '111 22', country: 'SE' },
    lines: [{ sku: 'MUG', title: 'Stoneware Mug', quantity: 2, unitPrice: 24900 }],
  });
  await ok('POST', `/api/v1/orders/${o.id}/pay`);
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const shipment = await ok('POST', `/api/v1/orders/${o.id}/shipments`, {
    carrier: 'postnord',
    trackingNumber: `RR${String(seq).padStart(9, '0')}SE`,
    shippedAt: at,
  });
  await ok('POST', '/api/v1/tracking-events', {
    events: [{ shipmentId: shipment.id, occurredAt: at, status: 'delivered' }],
  });
  return { id: o.id as string, line: o.lines[0].id as string, email };
}

const subject = (locale: string, key: string, rma: string) =>
  translate(locale, `return_messages.${key}.subject`, { rma });

describe('return messages', () => {
  test('pt-BR: a refund approved by policy, caught up in one go, four emails in Portuguese', async () => {
    const o = await deliveredOrder('pt-BR', 'BRL');
    const r = await ok('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'refund',
      lines: [{ orderLineId: o.line, quantity: 1, reason: 'fit', subReason: 'too_small' }],
    });
    assert.equal(r.status, 'approved');
    await ok('POST', `/api/v1/returns/${r.id}/label`, {
      carrier: 'correios',
      trackingNumber: 'QB123456789BR',
    });
    await ok('POST', `/api/v1/returns/${r.id}/receive`);
    await ok('POST', `/api/v1/returns/${r.id}/inspect`, {
      lines: [{ lineId: r.lines[0].id, inspection: 'restock' }],
    });
    const done = await ok('POST', `/api/v1/returns/${r.id}/resolve`);
    assert.equal(done.outcome, 'refunded');
    assert.ok(done.refundedMinor > 0);

    // Every step already happened when the journey first runs: it sends each message that applies, in order.
    await h.pump(new Date());
    const mails = mailsTo(h.mailbox, o.email);
    assert.deepEqual(
      mails.map((m) => m.subject),
      ['requested', 'approved', 'received', 'resolved'].map((k) => subject('pt-BR', k, r.number)),
    );
    for (const m of mails) {
      assert.ok(m.text.includes(r.number) && m.html!.includes(r.number), m.subject);
      assert.ok(!/\{\{|\{%|undefined|NaN/.test(m.text + m.html), m.subject);
    }
    const [requested, approved, , resolved] = mails;
    assert.ok(requested!.text.includes(translate('pt-BR', 'return_messages.resolutions.refund')));
    assert.ok(requested!.text.includes('Stoneware Mug'));
    assert.ok(approved!.text.includes('QB123456789BR'), 'the label on the approval');
    const refunded = formatMoney(done.refundedMinor, 'BRL', 'pt-BR');
    assert.match(refunded, /^R\$\s\d+,\d{2}$/);
    assert.ok(
      resolved!.text.includes(translate('pt-BR', 'return_messages.resolved.refunded', { amount: refunded })),
    );
    assert.ok(resolved!.html!.includes(refunded));

    // Transactional: sent without marketing consent, and never twice.
    await h.pump(new Date());
    assert.equal(mailsTo(h.mailbox, o.email).length, 4);
    const rows = (await messagesOf(h.t, { orderId: o.id })).filter((m) =>
      m.template_key.startsWith('return_'),
    );
    assert.ok(
      rows.every((m) => m.status === 'sent' && m.locale === 'pt-BR' && m.category === 'transactional'),
    );
  });

  test('sv: a request parked for review, approved by a person, moved step by step', async () => {
    const o = await deliveredOrder('sv', 'SEK');
    const r = await ok('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'refund',
      lines: [{ orderLineId: o.line, quantity: 2, reason: 'damaged', comment: 'Sprucken' }],
    });
    assert.equal(r.status, 'needs_review');
    await h.pump(new Date());
    let mails = mailsTo(h.mailbox, o.email);
    assert.deepEqual(
      mails.map((m) => m.subject),
      [subject('sv', 'requested', r.number)],
    );
    assert.ok(mails[0]!.text.includes(translate('sv', 'return_messages.requested.review')));

    await ok('POST', `/api/v1/returns/${r.id}/approve`, { note: 'Sprickan syns på bilden' });
    await h.pump(new Date());
    mails = mailsTo(h.mailbox, o.email);
    assert.equal(mails.at(-1)!.subject, subject('sv', 'approved', r.number));
    assert.ok(
      mails.at(-1)!.text.includes(translate('sv', 'return_messages.approved.drop_off', { rma: r.number })),
    );

    await ok('POST', `/api/v1/returns/${r.id}/receive`);
    await h.pump(new Date());
    assert.equal(mailsTo(h.mailbox, o.email).at(-1)!.subject, subject('sv', 'received', r.number));

    await ok('POST', `/api/v1/returns/${r.id}/inspect`, {
      lines: [{ lineId: r.lines[0].id, inspection: 'damaged' }],
    });
    const done = await ok('POST', `/api/v1/returns/${r.id}/resolve`);
    await h.pump(new Date());
    mails = mailsTo(h.mailbox, o.email);
    assert.equal(mails.length, 4);
    const resolved = mails.at(-1)!;
    assert.equal(resolved.subject, subject('sv', 'resolved', r.number));
    const refunded = formatMoney(done.refundedMinor, 'SEK', 'sv');
    assert.match(refunded, /kr$/);
    assert.ok(resolved.text.includes(refunded) && resolved.html!.includes(refunded), resolved.text);
  });

  test('sv: a rejection tells the reason, and nothing follows it', async () => {
    const o = await deliveredOrder('sv', 'SEK');
    const r = await ok('POST', '/api/v1/returns', {
      orderId: o.id,
      resolution: 'store_credit',
      lines: [{ orderLineId: o.line, quantity: 1, reason: 'damaged' }],
    });
    assert.equal(r.status, 'needs_review');
    const note = 'Muggen har använts och går inte att sälja igen.';
    await ok('POST', `/api/v1/returns/${r.id}/reject`, { note });
    await h.pump(new Date());
    const mails = mailsTo(h.mailbox, o.email);
    assert.deepEqual(
      mails.map((m) => m.subject),
      [subject('sv', 'requested', r.number), subject('sv', 'rejected', r.number)],
    );
    assert.ok(mails[1]!.text.includes(note) && mails[1]!.html!.includes(note));
    const enrollment = await h.t.database.db
      .selectFrom('journey_enrollments')
      .select(['status'])
      .where('subject_id', '=', r.id)
      .executeTakeFirstOrThrow();
    assert.equal(enrollment.status, 'completed');
  });
});
