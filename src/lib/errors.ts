/**
 * One error hierarchy for the whole platform. Every error a caller can act on has a stable `code`,
 * an HTTP status and a message that is safe to show to the user. The HTTP layer maps these to
 * `{"error": {"code", "message", "details"}}`; anything else becomes a 500 with no internals leaked.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message: string, status = 400, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super(code, message, 400, details);
  }
}

/** The request was well formed but breaks a business rule (totals that don't add up, a window that closed). */
export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 422, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Missing or invalid credentials.', code = 'unauthorized') {
    super(code, message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.', code = 'forbidden') {
    super(code, message, 403);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string, details?: unknown) {
    super('not_found', `${what} was not found.`, 404, details);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 409, details);
  }
}

export class IllegalTransitionError extends ConflictError {
  constructor(machine: string, from: string, to: string) {
    super('illegal_transition', `A ${machine} cannot move from "${from}" to "${to}".`, { machine, from, to });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('payload_too_large', `The request body is larger than the limit of ${limitBytes} bytes.`, 413, {
      limitBytes,
    });
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super('rate_limited', 'Too many requests. Please wait a moment and try again.', 429, {
      retryAfterSeconds,
    });
  }
}
