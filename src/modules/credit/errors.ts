import { AppError, ConflictError, UnprocessableError } from '../../lib/errors.ts';

/** Unknown codes and other merchants' codes get the same answer: a code's existence is not disclosed. */
export class CodeNotFoundError extends AppError {
  constructor() {
    super('code_not_found', 'This code does not exist. Check it for typos.', 404);
  }
}

export class CodeExpiredError extends UnprocessableError {
  constructor(expiresAt: Date | null) {
    super('code_expired', 'This code has expired and can no longer be used.', {
      expiresAt: expiresAt?.toISOString() ?? null,
    });
  }
}

export class CodeDisabledError extends UnprocessableError {
  constructor() {
    super('code_disabled', 'This code has been disabled by the shop.');
  }
}

export class InsufficientBalanceError extends UnprocessableError {
  constructor(balance: number, currency: string, requested: number) {
    super('insufficient_balance', 'The balance is lower than the amount requested.', {
      balance,
      currency,
      requested,
    });
  }
}

export class CurrencyMismatchError extends UnprocessableError {
  constructor(expected: string, given: string) {
    super('currency_mismatch', `This code is in ${expected} and cannot pay in ${given}.`, {
      expected,
      given,
    });
  }
}

export class AlreadyRedeemedError extends ConflictError {
  constructor() {
    super('already_redeemed', 'This code has already been used.');
  }
}

export class AlreadyReversedError extends ConflictError {
  constructor() {
    super('already_reversed', 'This redemption has already been given back in full.');
  }
}

/** The same idempotency key or redemption id was used for a different operation. */
export class KeyReusedError extends UnprocessableError {
  constructor() {
    super(
      'idempotency_key_reused',
      'This redemption id or Idempotency-Key was used for a different request.',
    );
  }
}
