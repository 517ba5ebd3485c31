import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { AppError, PayloadTooLargeError, ValidationError } from '../lib/errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Zod issues as the API reports them: a dotted path, a message and zod's issue code. */
export function zodIssues(err: ZodError): Array<{ path: string; message: string; code: string }> {
  return err.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
}

/** The one place that turns anything thrown into `{"error": {"code", "message", "details"}}`. */
export function toAppError(err: unknown, bodyLimit: number): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return new ValidationError('The request is not valid.', zodIssues(err));
  const fe = err as Partial<FastifyError> & { type?: string };
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new PayloadTooLargeError(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send the body as application/json.', 415);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ValidationError('The request body is empty; send a JSON object.', undefined, 'invalid_json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ValidationError(
        'The Content-Length header does not match the body.',
        undefined,
        'invalid_body',
      );
  }
  if (fe.statusCode === 429)
    return new AppError('rate_limited', 'Too many requests. Slow down and retry.', 429);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('bad_request', fe.message ?? 'Bad request.', fe.statusCode);
  }
  return new AppError('internal_error', 'Something went wrong on our side. It has been logged.', 500);
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err, request, reply) => {
    // A route may accept more than the global limit (batch pushes); report the limit that applied.
    const appErr = toAppError(err, request.routeOptions?.bodyLimit ?? bodyLimit);
    if (appErr.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: appErr.code, status: appErr.status }, appErr.message);
    const body: ErrorBody = { error: { code: appErr.code, message: appErr.message } };
    if (appErr.details !== undefined) body.error.details = appErr.details;
    if (appErr.status === 429 && !reply.hasHeader('retry-after')) reply.header('retry-after', '1');
    reply.status(appErr.status).type('application/json').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: {
        code: 'route_not_found',
        message: `No route for ${request.method} ${request.url.split('?')[0]}.`,
      },
    } satisfies ErrorBody);
  });
}
