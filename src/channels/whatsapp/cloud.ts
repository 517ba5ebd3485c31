import { z } from 'zod';
import { verifyHmacSha256 } from '../../lib/crypto.ts';
import { ValidationError } from '../../lib/errors.ts';
import {
  type Channel,
  type OutboundMessage,
  PermanentSendError,
  type Receipt,
  type SendResult,
} from '../types.ts';

/**
 * WhatsApp through Meta's Cloud API. Messages we start are always approved templates (free-form text is
 * only allowed inside a 24-hour window the customer opens). Statuses come back on the app's webhook,
 * signed with X-Hub-Signature-256.
 */
export interface WhatsAppOptions {
  /** Graph API base including the version, e.g. https://graph.facebook.com/v21.0. */
  apiUrl: string;
  token: string;
  phoneNumberId: string;
  timeoutMs?: number;
}

const E164 = /^\+[1-9]\d{6,14}$/;

const accepted = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const graphError = z.object({
  error: z.object({
    code: z.number(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  }),
});

/** Graph errors where sending the same message again cannot succeed. Anything else is retried. */
const PERMANENT_CODES: Record<number, string> = {
  100: 'invalid_parameter',
  131008: 'missing_parameter',
  131009: 'invalid_parameter',
  131026: 'undeliverable',
  131030: 'recipient_not_allowed',
  131047: 'reengagement_window_closed',
  131051: 'unsupported_message_type',
  132000: 'template_parameter_mismatch',
  132001: 'template_not_found',
  132005: 'template_text_too_long',
  132007: 'template_policy_violation',
  132012: 'template_parameter_format',
  132016: 'template_disabled',
};

export function createWhatsAppCloudChannel(opts: WhatsAppOptions): Channel {
  const endpoint = `${opts.apiUrl.replace(/\/+$/, '')}/${encodeURIComponent(opts.phoneNumberId)}/messages`;
  return {
    name: 'whatsapp',
    async send(message: OutboundMessage): Promise<SendResult> {
      if (!E164.test(message.to)) {
        throw new PermanentSendError('invalid_phone', `"${message.to}" is not an E.164 phone number.`);
      }
      const template = message.whatsappTemplate;
      if (!template) {
        throw new PermanentSendError('missing_template', 'A WhatsApp message needs an approved template.');
      }
      const body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        // The API takes the number with or without "+"; its own examples use digits only.
        to: message.to.slice(1),
        type: 'template',
        template: {
          name: template.name,
          language: { code: template.language },
          // A template without variables must not get an empty body component (error 132000).
          ...(template.parameters.length > 0 && {
            components: [
              { type: 'body', parameters: template.parameters.map((text) => ({ type: 'text', text })) },
            ],
          }),
        },
      };
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: 'POST',
          headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
        });
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.message);
        throw new Error(`WhatsApp could not be reached: ${why}`, { cause: err });
      }
      const text = await res.text().catch(() => '');
      const json = parseJson(text);
      if (res.ok) {
        const parsed = accepted.safeParse(json);
        // Meta took the message; retrying would send it twice, so an answer we cannot read is final.
        if (!parsed.success) {
          throw new PermanentSendError(
            'unexpected_provider_response',
            'WhatsApp accepted without a message id.',
          );
        }
        return { provider: 'whatsapp', providerId: parsed.data.messages[0]!.id };
      }
      const error = graphError.safeParse(json);
      if (!error.success)
        throw new Error(`WhatsApp answered ${res.status}: ${text.slice(0, 200) || res.statusText}`);
      const { code, message: msg, error_data } = error.data.error;
      const detail = `WhatsApp answered ${res.status} (error ${code}): ${msg ?? ''}${error_data?.details ? ` ${error_data.details}` : ''}`;
      const reason = res.status < 500 ? PERMANENT_CODES[code] : undefined;
      if (reason) throw new PermanentSendError(reason, detail);
      // Rate limits (4, 80007, 130429, 131048, 131056), outages (1, 2, 131000, 131016) and the like.
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

const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: z.string().regex(/^\d+$/),
  errors: z
    .array(
      z.object({
        code: z.number(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const webhookSchema = z.object({
  entry: z
    .array(
      z.object({
        changes: z
          .array(z.object({ value: z.object({ statuses: z.array(statusSchema).optional() }).optional() }))
          .default([]),
      }),
    )
    .default([]),
});

/**
 * The message statuses in a Cloud API webhook (entry[].changes[].value.statuses[]) as receipts. Inbound
 * customer messages in the same payload are not receipts and are skipped, as are statuses we do not track.
 */
export function parseWhatsAppWebhook(body: unknown): Receipt[] {
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      'The WhatsApp webhook body is not in the Cloud API shape.',
      undefined,
      'invalid_payload',
    );
  }
  const receipts: Receipt[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      for (const s of change.value?.statuses ?? []) {
        const base = {
          provider: 'whatsapp',
          providerId: s.id,
          occurredAt: new Date(Number(s.timestamp) * 1000),
        };
        if (s.status === 'sent') receipts.push({ ...base, type: 'sent' });
        else if (s.status === 'delivered') receipts.push({ ...base, type: 'delivered' });
        else if (s.status === 'read') receipts.push({ ...base, type: 'opened' });
        else if (s.status === 'failed') {
          const e = s.errors?.[0];
          const text = e ? [e.title ?? e.message, e.error_data?.details].filter(Boolean).join(': ') : '';
          receipts.push({
            ...base,
            type: 'failed',
            // 131026: the number is not on WhatsApp (or cannot receive); sending again will not help.
            permanent: e?.code === 131026,
            reason: e ? `${e.code}${text ? `: ${text}` : ''}` : null,
          });
        }
      }
    }
  }
  return receipts;
}

/** X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body, keyed with the app secret. */
export function verifyWhatsAppSignature(opts: {
  appSecret: string;
  rawBody: Buffer;
  signature: string | undefined;
}): boolean {
  const match = /^sha256=(.+)$/.exec(opts.signature?.trim() ?? '');
  return verifyHmacSha256({
    secret: opts.appSecret,
    rawBody: opts.rawBody,
    signature: match?.[1],
    encoding: 'hex',
  });
}
