import { defineStateMachine } from '../../lib/state-machine.ts';

/**
 * A value-bearing account's life. Expired store credit comes back to life when credit is issued to the
 * customer again; an expired code stays expired (a reversal onto it is expired again by the next run).
 */
export const accountStatus = defineStateMachine<'active' | 'expired' | 'disabled'>('credit account', {
  active: ['expired', 'disabled'],
  expired: ['active'],
  disabled: ['active'],
});

export const CUSTOMER_KINDS = ['store_credit', 'gift_voucher', 'thank_you'] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];
export const SYSTEM_KINDS = ['issuance', 'bonus', 'redemption', 'expiry', 'adjustment'] as const;
export type SystemKind = (typeof SYSTEM_KINDS)[number];

export function isSystemKind(kind: string): kind is SystemKind {
  return (SYSTEM_KINDS as readonly string[]).includes(kind);
}
