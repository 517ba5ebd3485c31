/**
 * The credit ledger: store credit, gift vouchers and amount thank-you codes as accounts of one double-entry
 * ledger; percent-off thank-you codes as single-use discounts. Other modules (returns, journeys) issue
 * through these functions and never write the ledger tables themselves.
 */
export { codeHint, generateCode, hashCode } from './codes.ts';
export { accountStatement, customerCredit } from './credit-statement.ts';
export * from './errors.ts';
export { expireDue } from './expire-due.ts';
export { type IssuedCredit, issueCredit } from './issue-credit.ts';
export { type IssuedGiftVoucher, issueGiftVoucher, openThankYouAccount } from './issue-gift-voucher.ts';
export { creditTasks } from './jobs.ts';
export { type RedeemInput, redeemCode } from './redeem-code.ts';
export { reverseRedemption } from './reverse-redemption.ts';
export { creditRoutes } from './routes.ts';
export { type CodeValidation, validateCode } from './validate-code.ts';
export type { AccountView, TransactionView } from './view.ts';
