import { z } from 'zod';
import { currencySchema } from '../merchants/schemas.ts';

const minor = (what: string) =>
  z.number().int().max(1_000_000_000_000).describe(`${what}, in minor units (cents, öre, centavos).`);
const code = z
  .string()
  .trim()
  .min(4)
  .max(64)
  .describe(
    'The code as the customer typed it; case, spaces and dashes do not matter (ABCD-EFGH-JKLM-NPQR).',
  );
const customerId = z
  .string()
  .min(1)
  .max(100)
  .describe('The customer whose store credit pays (instead of a code).');
const oneOf = (v: { code?: string; customerId?: string }) =>
  (v.code === undefined) !== (v.customerId === undefined);
const oneOfMessage = { message: 'give either code or customerId', path: ['code'] };

export const validateBodySchema = z
  .object({
    code: code.optional(),
    customerId: customerId.optional(),
    currency: currencySchema.optional().describe('The checkout currency; required with customerId.'),
    orderTotal: minor('The order total the code would pay towards').min(0).optional(),
  })
  .strict()
  .refine(oneOf, oneOfMessage)
  .refine((v) => v.customerId === undefined || v.currency !== undefined, {
    message: 'currency is required with customerId',
    path: ['currency'],
  });

export const validationSchema = z.object({
  valid: z.boolean(),
  kind: z.enum(['store_credit', 'gift_voucher', 'thank_you', 'percent_off']),
  balance: z.number().int().nullable(),
  currency: z.string().nullable(),
  percentOff: z.number().int().nullable(),
  expiresAt: z.string().nullable(),
  applicableAmount: z.number().int().nullable(),
  reason: z
    .object({
      code: z.enum([
        'code_expired',
        'code_disabled',
        'currency_mismatch',
        'insufficient_balance',
        'already_redeemed',
      ]),
      message: z.string(),
    })
    .optional()
    .describe('Why the code cannot be used now; absent when valid.'),
});

export const redeemBodySchema = z
  .object({
    code: code.optional(),
    customerId: customerId.optional(),
    amount: minor('What to take off the order (for a percent-off code: the discount it gave)').min(0),
    currency: currencySchema,
    orderRef: z.string().trim().min(1).max(200).describe("The storefront's order number or id."),
    redemptionId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Your own id for this redemption: a retry with it returns the first redemption.'),
  })
  .strict()
  .refine(oneOf, oneOfMessage);

export const reverseBodySchema = z
  .object({
    amount: minor('How much to give back; defaults to all that is left of the redemption').min(1).optional(),
    memo: z.string().max(500).optional(),
  })
  .strict();

export const redemptionParamsSchema = z.object({ id: z.string().min(1).max(100) });

export const issueCreditBodySchema = z
  .object({
    customerId: z.string().min(1).max(100).optional(),
    email: z.email().max(320).optional().describe('Finds the customer, or creates one, by email.'),
    currency: currencySchema,
    amount: minor('Credit to give').min(1),
    bonus: minor('Extra promotional credit, recorded as its own bonus transaction').min(0).optional(),
    reason: z
      .enum(['goodwill', 'refund'])
      .optional()
      .describe('refund: paid out instead of money back (kind refund); goodwill (default): kind issue.'),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the balance expires; never if absent.'),
    reference: z
      .object({ type: z.string().min(1).max(50), id: z.string().min(1).max(200) })
      .strict()
      .optional()
      .describe('What caused it: {"type": "return", "id": "R123"}.'),
    memo: z.string().max(500).optional(),
  })
  .strict()
  .refine((v) => (v.customerId === undefined) !== (v.email === undefined), {
    message: 'give either customerId or email',
    path: ['customerId'],
  });

export const customerParamsSchema = z.object({ id: z.string().min(1).max(100) });
export const statementQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(50) })
  .strict();

export const transactionSchema = z.object({
  id: z.string(),
  kind: z.enum(['issue', 'bonus', 'refund', 'redeem', 'reverse', 'expire', 'adjust']),
  codeKind: z.enum(['store_credit', 'gift_voucher', 'thank_you', 'percent_off']).nullable(),
  accountId: z.string().nullable(),
  amount: z.number().int().describe('Signed: positive into the code or credit, negative out of it.'),
  currency: z.string(),
  balanceAfter: z.number().int().nullable(),
  referenceType: z.string().nullable(),
  referenceId: z.string().nullable(),
  reversesId: z.string().nullable(),
  createdAt: z.string(),
  replayed: z.boolean(),
});

export const accountSchema = z.object({
  id: z.string(),
  kind: z.enum(['store_credit', 'gift_voucher', 'thank_you']),
  customerId: z.string().nullable(),
  currency: z.string(),
  balance: z.number().int(),
  status: z.enum(['active', 'expired', 'disabled']),
  expiresAt: z.string().nullable(),
  codeHint: z.string().nullable(),
  createdAt: z.string(),
});

export const issuedCreditSchema = z.object({
  account: accountSchema,
  transactions: z.array(transactionSchema),
  replayed: z.boolean(),
});

export const customerCreditSchema = z.object({
  customerId: z.string(),
  balances: z.array(accountSchema),
  statement: z.array(
    z.object({
      transactionId: z.string(),
      kind: transactionSchema.shape.kind,
      accountId: z.string(),
      amount: z.number().int(),
      currency: z.string(),
      balanceAfter: z.number().int(),
      referenceType: z.string().nullable(),
      referenceId: z.string().nullable(),
      reversesId: z.string().nullable(),
      memo: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});
