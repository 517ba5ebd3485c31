import { constantTimeEqual, hmacSha256 } from '../../lib/crypto.ts';
import type { Receipt } from '../types.ts';

/**
 * Bounces, complaints and deliveries reported by Mailgun when it is the SMTP relay (SMTP_URL pointing at
 * smtp.mailgun.org). Mailgun signs inside the body: `signature.signature` is the hex HMAC-SHA256 of
 * `timestamp + token` under the domain's webhook signing key. The message is found by its Message-ID,
 * which is ours (`<msg_…@domain>`) and kept as the message's provider id when it was handed over.
 */
export const MAILGUN_WEBHOOK_PATH = '/webhooks/email/mailgun';

interface MailgunBody {
  signature?: { timestamp?: unknown; token?: unknown; signature?: unknown };
  'event-data'?: {
    event?: unknown;
    severity?: unknown;
    reason?: unknown;
    timestamp?: unknown;
    message?: { headers?: { 'message-id'?: unknown } };
    'delivery-status'?: { code?: unknown; message?: unknown; description?: unknown };
  };
}

/** Mailgun retries a webhook for up to 8 hours; an older signature is a replay. */
const MAX_AGE_SECONDS = 12 * 3600;

export function verifyMailgunSignature(signingKey: string, body: unknown, now = new Date()): boolean {
  const s = (body as MailgunBody | null)?.signature;
  if (!s || typeof s.timestamp !== 'string' || typeof s.token !== 'string' || typeof s.signature !== 'string')
    return false;
  if (
    !/^\d{1,12}$/.test(s.timestamp) ||
    Math.abs(now.getTime() / 1000 - Number(s.timestamp)) > MAX_AGE_SECONDS
  )
    return false;
  const expected = hmacSha256(signingKey, s.timestamp + s.token).toString('hex');
  return constantTimeEqual(Buffer.from(s.signature), Buffer.from(expected));
}

/** The receipt a Mailgun event stands for; null for events that change nothing here (accepted, a retry). */
export function parseMailgunEvent(body: unknown): Receipt | null {
  const e = (body as MailgunBody | null)?.['event-data'];
  const messageId = e?.message?.headers?.['message-id'];
  if (!e || typeof e.event !== 'string' || typeof messageId !== 'string' || messageId === '') return null;
  const providerId = messageId.startsWith('<') ? messageId : `<${messageId}>`;
  const occurredAt = typeof e.timestamp === 'number' ? new Date(e.timestamp * 1000) : new Date();
  const status = e['delivery-status'];
  const reason =
    [status?.code, status?.message || status?.description || e.reason]
      .filter((x) => x !== undefined && x !== null && x !== '')
      .join(' ') || null;
  const base = { provider: 'smtp', providerId, occurredAt, reason };
  switch (e.event) {
    case 'delivered':
      return { ...base, type: 'delivered' };
    case 'failed':
      // Temporary failures are retried by Mailgun itself; only the final, permanent one is news. Only a
      // bounce (the mailbox refused it) suppresses the address: a permanent failure for another reason
      // (Mailgun's own block, a message too old) says nothing about the address.
      if (e.severity !== 'permanent') return null;
      return e.reason === 'bounce' || e.reason === 'suppress-bounce'
        ? { ...base, type: 'bounced', permanent: true }
        : { ...base, type: 'failed' };
    case 'complained':
      return { ...base, type: 'complained', permanent: true };
    case 'opened':
      return { ...base, type: 'opened' };
    case 'clicked':
      return { ...base, type: 'clicked' };
    default:
      return null;
  }
}
