import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { now } from '../../lib/clock.ts';
import { constantTimeEqual } from '../../lib/crypto.ts';
import { ValidationError } from '../../lib/errors.ts';
import {
  type Channel,
  type OutboundMessage,
  PermanentSendError,
  type Receipt,
  type SendResult,
} from '../types.ts';

/**
 * SMS through Twilio's Messages API (or anything speaking its shape: SMS_API_URL points elsewhere in
 * tests and for compatible gateways). Delivery receipts come back to STATUS_CALLBACK_PATH, signed with
 * X-Twilio-Signature.
 */
export const STATUS_CALLBACK_PATH = '/webhooks/sms/twilio';

export interface TwilioOptions {
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** A phone number, an alphanumeric sender id, or a Messaging Service SID (MG...). */
  from: string;
  /** Our public URL for status callbacks: PUBLIC_URL + STATUS_CALLBACK_PATH. */
  statusCallbackUrl: string;
  timeoutMs?: number;
}

const E164 = /^\+[1-9]\d{6,14}$/;

const created = z.object({ sid: z.string().min(1), status: z.string() });
const twilioError = z.object({ code: z.number().optional(), message: z.string().optional() });

/** Errors about the recipient, where sending the same message again cannot succeed. */
const PERMANENT_CODES: Record<number, string> = {
  21211: 'invalid_phone',
  21408: 'region_not_permitted',
  21610: 'unsubscribed',
  21612: 'unreachable_phone',
  21614: 'not_a_mobile_number',
  21617: 'message_too_long',
};

export function createTwilioSmsChannel(opts: TwilioOptions): Channel {
  const endpoint = `${opts.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`;
  const auth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
  return {
    name: 'sms',
    async send(message: OutboundMessage): Promise<SendResult> {
      if (!E164.test(message.to)) {
        throw new PermanentSendError('invalid_phone', `"${message.to}" is not an E.164 phone number.`);
      }
      const form = new URLSearchParams({ To: message.to, Body: message.text });
      form.set(/^MG[0-9a-f]{32}$/i.test(opts.from) ? 'MessagingServiceSid' : 'From', opts.from);
      form.set('StatusCallback', opts.statusCallbackUrl);
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
        });
      } catch (err) {
        throw new Error(`Twilio could not be reached: ${describe(err)}`, { cause: err });
      }
      const text = await res.text().catch(() => '');
      const json = parseJson(text);
      if (res.ok) {
        const parsed = created.safeParse(json);
        // Twilio took the message; retrying would send it twice, so an answer we cannot read is final.
        if (!parsed.success) {
          throw new PermanentSendError(
            'unexpected_provider_response',
            'Twilio accepted the message without a sid.',
          );
        }
        return { provider: 'twilio', providerId: parsed.data.sid };
      }
      const error = twilioError.safeParse(json);
      const code = error.success ? error.data.code : undefined;
      const detail = `Twilio answered ${res.status}${code ? ` (error ${code})` : ''}: ${
        (error.success && error.data.message) || text.slice(0, 200) || res.statusText
      }`;
      const reason = code !== undefined && res.status < 500 ? PERMANENT_CODES[code] : undefined;
      if (reason) throw new PermanentSendError(reason, detail);
      // 429, 5xx, and the account's own configuration problems (auth, From) are worth retrying.
      throw new Error(detail);
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

const statusCallback = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
});

/** Carrier errors that mean the number will never take an SMS: the address is suppressed. */
const HARD_ERRORS: Record<string, string> = {
  '21211': 'invalid phone number',
  '21610': 'recipient unsubscribed (STOP)',
  '21614': 'not a mobile number',
  '30005': 'unknown destination handset',
  '30006': 'landline or unreachable carrier',
};
const SOFT_ERRORS: Record<string, string> = {
  '30001': 'queue overflow',
  '30002': 'account suspended',
  '30003': 'unreachable destination handset',
  '30004': 'message blocked',
  '30007': 'filtered by the carrier',
  '30008': 'unknown error',
};

/**
 * A Twilio StatusCallback (form fields) as a Receipt, or null for the in-between states (queued,
 * accepted, sending, scheduled) that tell us nothing new. Throws ValidationError when fields are missing.
 */
export function parseTwilioStatusCallback(
  params: Record<string, unknown>,
  receivedAt: Date = now(),
): Receipt | null {
  const parsed = statusCallback.safeParse(params);
  if (!parsed.success) {
    throw new ValidationError(
      'The status callback has no MessageSid or MessageStatus.',
      undefined,
      'invalid_payload',
    );
  }
  const { MessageSid, MessageStatus, ErrorCode } = parsed.data;
  const base = { provider: 'twilio', providerId: MessageSid, occurredAt: receivedAt };
  const code = ErrorCode && ErrorCode !== '0' ? ErrorCode : null;
  const reason = code
    ? `${code}: ${HARD_ERRORS[code] ?? SOFT_ERRORS[code] ?? `see https://www.twilio.com/docs/api/errors/${code}`}`
    : null;
  switch (MessageStatus) {
    case 'sent':
      return { ...base, type: 'sent' };
    case 'delivered':
      return { ...base, type: 'delivered' };
    case 'read':
      return { ...base, type: 'opened' };
    case 'undelivered':
      return { ...base, type: 'bounced', permanent: code !== null && code in HARD_ERRORS, reason };
    case 'failed':
      return { ...base, type: 'failed', permanent: code !== null && code in HARD_ERRORS, reason };
    case 'canceled':
      return { ...base, type: 'failed', permanent: false, reason: 'canceled' };
    default:
      return null;
  }
}

/**
 * Checks X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, of the full URL followed by
 * every POST parameter name and value, sorted by name. Like Twilio's own helpers, the URL is also tried
 * with its default port added or removed, since either form may be what Twilio signed.
 */
export function verifyTwilioSignature(opts: {
  authToken: string;
  url: string;
  params: Record<string, string | string[] | undefined>;
  signature: string | undefined;
}): boolean {
  if (!opts.signature) return false;
  const given = Buffer.from(opts.signature.trim());
  let payload = '';
  for (const name of Object.keys(opts.params).sort()) {
    const value = opts.params[name];
    for (const v of Array.isArray(value) ? value : [value ?? '']) payload += name + v;
  }
  let ok = false;
  for (const url of urlVariants(opts.url)) {
    const expected = createHmac('sha1', opts.authToken)
      .update(url + payload, 'utf8')
      .digest('base64');
    // No early exit: every variant costs the same whichever matched.
    ok = constantTimeEqual(Buffer.from(expected), given) || ok;
  }
  return ok;
}

function urlVariants(raw: string): string[] {
  const m = /^(https?):\/\/([^/?#]+?)(?::(\d+))?([/?#].*)?$/i.exec(raw);
  if (!m) return [raw];
  const [, scheme, host, port, rest = ''] = m;
  const defaultPort = scheme!.toLowerCase() === 'https' ? '443' : '80';
  if (port && port !== defaultPort) return [raw];
  return [...new Set([raw, `${scheme}://${host}${rest}`, `${scheme}://${host}:${defaultPort}${rest}`])];
}
