import { withTransaction } from '../../db/pool.ts';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { now } from '../../lib/clock.ts';
import { normalizeEmail } from '../../lib/contact.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findCustomer, resolveCustomer } from '../customers/index.ts';
import { customerCredit } from './credit-statement.ts';
import { issueCredit } from './issue-credit.ts';
import { redeemCode } from './redeem-code.ts';
import { reverseRedemption } from './reverse-redemption.ts';
import {
  customerCreditSchema,
  customerParamsSchema,
  issueCreditBodySchema,
  issuedCreditSchema,
  redeemBodySchema,
  redemptionParamsSchema,
  reverseBodySchema,
  statementQuerySchema,
  transactionSchema,
  validateBodySchema,
  validationSchema,
} from './schemas.ts';
import { validateCode } from './validate-code.ts';

const TAG = 'Vouchers and credit';

function idempotencyKey(headers: Record<string, unknown>): string | null {
  const key = headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 ? key : null;
}

/** Storefront API for gift vouchers, thank-you codes and store credit (one ledger, see docs/api.md). */
export function creditRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'POST',
      url: '/api/v1/vouchers/validate',
      operationId: 'validateVoucher',
      summary: 'Check a code or a customer’s store credit before checkout',
      description:
        'Changes nothing. 404 code_not_found for a code this shop never issued; a known code that cannot be ' +
        'used now answers valid: false with the reason (code_expired, already_redeemed, currency_mismatch, ' +
        'insufficient_balance).',
      tag: TAG,
      idempotent: false,
      body: validateBodySchema,
      response: { status: 200, schema: validationSchema },
      handler: ({ merchantId, body }) => validateCode({ db, merchantId, ...body, now: now() }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/vouchers/redeem',
      operationId: 'redeemVoucher',
      summary: 'Spend a code or store credit on an order (partial amounts leave the rest)',
      description:
        'Two requests can never spend the same money: the second waits for the first and sees what it left. ' +
        'Send a redemptionId (or an Idempotency-Key) so a retry returns the first redemption. 404 ' +
        'code_not_found, 422 code_expired / insufficient_balance / currency_mismatch, 409 already_redeemed ' +
        '(percent-off codes are single use).',
      tag: TAG,
      body: redeemBodySchema,
      response: { status: 201, schema: transactionSchema },
      handler: ({ merchantId, body, request }) =>
        redeemCode({
          db,
          merchantId,
          input: body,
          idempotencyKey: idempotencyKey(request.headers),
          now: now(),
        }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/vouchers/redemptions/:id/reverse',
      operationId: 'reverseVoucherRedemption',
      summary: 'Give a redemption back to its code or store credit (order cancelled or refunded)',
      description:
        'In full by default, or `amount` of it; never more than the redemption took in total ' +
        '(422 reversal_exceeds_redemption, 409 already_reversed). A percent-off code becomes usable again.',
      tag: TAG,
      params: redemptionParamsSchema,
      body: reverseBodySchema,
      response: { status: 201, schema: transactionSchema },
      handler: ({ merchantId, params, body, request }) =>
        reverseRedemption({
          db,
          merchantId,
          redemptionId: params.id,
          amount: body?.amount,
          memo: body?.memo ?? null,
          idempotencyKey: idempotencyKey(request.headers),
          now: now(),
        }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/credit',
      operationId: 'issueCredit',
      summary: 'Give a customer store credit, optionally with a bonus',
      description:
        'By customerId, or by email (a customer is created when the shop has none with it). The bonus is ' +
        'recorded as its own transaction so reports tell bonus from refunded value.',
      tag: TAG,
      body: issueCreditBodySchema,
      response: { status: 201, schema: issuedCreditSchema },
      handler: ({ merchantId, body, request }) =>
        withTransaction(db, async (tx) => {
          const customerId = body.customerId
            ? (await findCustomer(tx, merchantId, body.customerId))?.id
            : (
                await resolveCustomer({
                  tx,
                  merchantId,
                  source: 'api',
                  channel: 'api',
                  facts: { email: normalizeEmail(body.email) },
                })
              )?.customer.id;
          if (!customerId) throw new NotFoundError('Customer', { id: body.customerId });
          const key = idempotencyKey(request.headers);
          return issueCredit({
            tx,
            merchantId,
            customerId,
            currency: body.currency,
            amount: body.amount,
            bonus: body.bonus,
            kind: body.reason === 'refund' ? 'refund' : 'issue',
            expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
            idempotencyKey: key ? `idem:${key}` : null,
            reference: body.reference ?? null,
            memo: body.memo ?? null,
            now: now(),
          });
        }),
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/customers/:id/credit',
      operationId: 'getCustomerCredit',
      summary: 'A customer’s store credit, gift vouchers and thank-you codes: balances and statement',
      tag: TAG,
      params: customerParamsSchema,
      query: statementQuerySchema,
      response: { status: 200, schema: customerCreditSchema },
      handler: ({ merchantId, params, query }) =>
        customerCredit({ db, merchantId, customerId: params.id, limit: query.limit }),
    }),
  ];
}
