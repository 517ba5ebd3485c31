import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../http/deps.ts';
import { html, sendPublicHtml } from '../../../http/page.ts';
import { constantTimeEqual, hmacSha256 } from '../../../lib/crypto.ts';
import { AppError } from '../../../lib/errors.ts';
import { formatMoney } from '../../../lib/money.ts';
import { authenticateApiKey, findMerchant, type MerchantRow } from '../../merchants/index.ts';
import { pageShell } from '../../tracking/page/shell.ts';
import type { ReturnEvaluation } from '../policy/evaluate.ts';
import { explain } from '../policy/explain.ts';
import { inspectReturn, receiveReturn } from '../receive-return.ts';
import { listReturnLines, listReturns, type ReturnRow } from '../repo.ts';
import { resolveReturn } from '../resolve-return.ts';
import { approveReturn, closeReturn, rejectReturn } from '../review-return.ts';

/**
 * A plain page for the staff who work the returns queue, until the merchant admin exists: the returns
 * waiting on someone, with the policy's reasons, and one button for the next step. Signed in with the
 * browser's own Basic-auth prompt (any user name, the API key as password), so it needs no session store
 * and no JavaScript. Forms carry a token derived from the key, and a cross-site Origin is refused.
 */
const OPEN = [
  'needs_review',
  'requested',
  'approved',
  'label_issued',
  'in_transit',
  'received',
  'inspected',
  'resolved',
];
const ACTIONS: Record<string, string[]> = {
  needs_review: ['approve', 'reject'],
  requested: ['approve', 'reject'],
  approved: ['receive'],
  label_issued: ['receive'],
  in_transit: ['receive'],
  received: ['inspect'],
  inspected: ['resolve'],
  resolved: ['close'],
};

export function registerReturnsQueuePage(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps;
  const signIn = async (request: FastifyRequest, reply: FastifyReply) => {
    const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const password = match
      ? Buffer.from(match[1]!, 'base64').toString('utf8').split(':').slice(1).join(':')
      : '';
    const merchantId = password ? await authenticateApiKey({ db, token: password }) : undefined;
    if (!merchantId) {
      reply
        .status(401)
        .header('www-authenticate', 'Basic realm="Afterglow returns queue", charset="UTF-8"')
        .type('text/plain; charset=utf-8')
        .send('Sign in with any user name and your API key as the password.');
      return null;
    }
    return {
      merchantId,
      csrf: hmacSha256(`queue:${deps.config.SECRET_KEY}`, password).toString('base64url'),
    };
  };

  app.get<{ Querystring: { done?: string; error?: string } }>('/admin/returns', async (request, reply) => {
    const who = await signIn(request, reply);
    if (!who) return reply;
    const merchant = (await findMerchant(db, who.merchantId))!;
    const returns = await listReturns(db, who.merchantId, { statuses: OPEN, limit: 200 });
    return sendPublicHtml(reply, 200, queueHtml({ merchant, returns, csrf: who.csrf, query: request.query }));
  });

  app.post<{ Params: { id: string; action: string }; Body: Record<string, string> | undefined }>(
    '/admin/returns/:id/:action',
    async (request, reply) => {
      const who = await signIn(request, reply);
      if (!who) return reply;
      const origin = request.headers.origin;
      const token = request.body?.csrf ?? '';
      const host = request.headers.host;
      if (
        (origin && host && new URL(origin).host !== host) ||
        !constantTimeEqual(Buffer.from(token), Buffer.from(who.csrf))
      ) {
        return reply
          .status(403)
          .type('text/plain; charset=utf-8')
          .send('This form did not come from the queue page.');
      }
      const opts = { db, merchantId: who.merchantId, returnId: request.params.id, actor: 'staff' as const };
      try {
        switch (request.params.action) {
          case 'approve':
            await approveReturn(opts);
            break;
          case 'reject':
            await rejectReturn({ ...opts, note: request.body?.note ?? '' });
            break;
          case 'receive':
            await receiveReturn(opts);
            break;
          case 'inspect': {
            const lines = await listReturnLines(db, who.merchantId, [request.params.id]);
            await inspectReturn({
              ...opts,
              lines: lines.map((l) => ({ lineId: l.id, inspection: 'restock' as const })),
            });
            break;
          }
          case 'resolve':
            await resolveReturn(opts);
            break;
          case 'close':
            await closeReturn(opts);
            break;
          default:
            return reply.status(404).send('No such step.');
        }
      } catch (err) {
        if (err instanceof AppError && err.status < 500) {
          return reply.redirect(`/admin/returns?error=${encodeURIComponent(err.message)}`, 303);
        }
        throw err;
      }
      return reply.redirect(`/admin/returns?done=${encodeURIComponent(request.params.action)}`, 303);
    },
  );
}

function queueHtml(opts: {
  merchant: MerchantRow;
  returns: ReturnRow[];
  csrf: string;
  query: { done?: string; error?: string };
}): string {
  const { merchant, returns, csrf } = opts;
  const shell = pageShell(merchant, 'en');
  const money = (r: ReturnRow, minor: number) => formatMoney(minor, r.currency, 'en');
  const rows = returns.map((r) => {
    const decision = r.decision as unknown as Partial<ReturnEvaluation>;
    const why = [...(decision.decisions ?? []), ...(decision.lines ?? []).flatMap((l) => l.reasons)]
      .filter((d) => d.outcome === 'needs_review' || d.outcome === 'info')
      .map((d) => explain(d));
    return html`<li class="card"><h2>${r.number} · ${r.status.replace('_', ' ')}</h2>
<p class="muted">${r.resolution.replace('_', ' ')} · ${money(r, Number(r.value_minor))} · ${r.created_at.toISOString().slice(0, 16).replace('T', ' ')}</p>
${why.length > 0 ? html`<ul class="why">${why.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
<div class="actions">${(ACTIONS[r.status] ?? []).map(
      (
        a,
      ) => html`<form method="post" action="/admin/returns/${r.id}/${a}"><input type="hidden" name="csrf" value="${csrf}">
${a === 'reject' ? html`<label for="note-${r.id}">Reason for the customer</label><input id="note-${r.id}" name="note" required maxlength="2000">` : ''}
<button class="button" type="submit">${a === 'inspect' ? 'inspect: all restock' : a}</button></form>`,
    )}</div></li>`;
  });
  const main = html`<section class="card"><h1>Returns queue</h1>
<p class="muted">${returns.length} open returns, oldest first.</p>
${opts.query.done ? html`<p class="good" role="status">Done: ${opts.query.done}.</p>` : ''}
${opts.query.error ? html`<p class="alert" role="alert">${opts.query.error}</p>` : ''}</section>
<ul class="items" style="display:block">${rows}</ul></main>`;
  return `${shell.open('Returns queue')}${main.value}${shell.close}`;
}
