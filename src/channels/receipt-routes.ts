import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { constantTimeEqual } from '../lib/crypto.ts';
import { AppError, ForbiddenError, UnauthorizedError, ValidationError } from '../lib/errors.ts';
import { MAILGUN_WEBHOOK_PATH, parseMailgunEvent, verifyMailgunSignature } from './email/mailgun-events.ts';
import { parseTwilioStatusCallback, STATUS_CALLBACK_PATH, verifyTwilioSignature } from './sms/twilio.ts';
import type { Receipt } from './types.ts';
import { parseWhatsAppWebhook, verifyWhatsAppSignature } from './whatsapp/cloud.ts';

export const WHATSAPP_WEBHOOK_PATH = '/webhooks/whatsapp';

export interface ReceiptRouteDeps {
  config: Config;
  handleReceipt(receipt: Receipt): Promise<void>;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function notConfigured(what: string): AppError {
  return new AppError('channel_not_configured', `${what} is not configured on this server.`, 404);
}

/**
 * Delivery receipts from the email relay (Mailgun), SMS and WhatsApp providers. Each request is authenticated by the provider's
 * signature before anything is read from it; a receipt that fails to record answers 500 so the provider
 * sends it again.
 */
export function registerReceiptRoutes(app: FastifyInstance, deps: ReceiptRouteDeps): void {
  const { config } = deps;

  // Twilio status callbacks: form-encoded, signed over our public URL and the sorted form fields.
  app.post(STATUS_CALLBACK_PATH, async (request, reply) => {
    if (!config.SMS_AUTH_TOKEN) throw notConfigured('SMS');
    const params = request.body;
    if (!params || typeof params !== 'object' || Array.isArray(params)) {
      throw new ValidationError('Send the status callback form-encoded.', undefined, 'invalid_payload');
    }
    const ok = verifyTwilioSignature({
      authToken: config.SMS_AUTH_TOKEN,
      url: `${config.PUBLIC_URL}${STATUS_CALLBACK_PATH}`,
      params: params as Record<string, string>,
      signature: header(request.headers['x-twilio-signature']),
    });
    if (!ok)
      throw new UnauthorizedError('The X-Twilio-Signature does not match the request.', 'invalid_signature');
    const receipt = parseTwilioStatusCallback(params as Record<string, string>);
    if (receipt) await deps.handleReceipt(receipt);
    return reply.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response/>');
  });

  // Meta's subscription handshake when the webhook URL is saved in the app dashboard.
  app.get(WHATSAPP_WEBHOOK_PATH, async (request, reply) => {
    const q = request.query as Record<string, string | undefined>;
    const expected = config.WHATSAPP_VERIFY_TOKEN;
    const given = q['hub.verify_token'];
    const challenge = q['hub.challenge'];
    const matches =
      expected !== undefined &&
      given !== undefined &&
      constantTimeEqual(Buffer.from(given), Buffer.from(expected));
    if (q['hub.mode'] !== 'subscribe' || !matches || challenge === undefined) {
      throw new ForbiddenError('The hub.verify_token does not match.', 'verification_failed');
    }
    return reply.type('text/plain').send(challenge);
  });

  // Mailgun as the SMTP relay: bounces, complaints, deliveries; signed inside the JSON body.
  app.post(MAILGUN_WEBHOOK_PATH, async (request, reply) => {
    if (!config.MAILGUN_WEBHOOK_SIGNING_KEY) throw notConfigured('Mailgun');
    if (!verifyMailgunSignature(config.MAILGUN_WEBHOOK_SIGNING_KEY, request.body)) {
      throw new UnauthorizedError(
        'The Mailgun signature does not match the token and timestamp.',
        'invalid_signature',
      );
    }
    const receipt = parseMailgunEvent(request.body);
    if (receipt) await deps.handleReceipt(receipt);
    return reply.send({ received: receipt ? 1 : 0 });
  });

  app.post(WHATSAPP_WEBHOOK_PATH, async (request, reply) => {
    if (!config.WHATSAPP_APP_SECRET) throw notConfigured('WhatsApp');
    const ok = verifyWhatsAppSignature({
      appSecret: config.WHATSAPP_APP_SECRET,
      rawBody: request.rawBody ?? Buffer.alloc(0),
      signature: header(request.headers['x-hub-signature-256']),
    });
    if (!ok) {
      throw new UnauthorizedError(
        'The X-Hub-Signature-256 signature does not match the body.',
        'invalid_signature',
      );
    }
    const receipts = parseWhatsAppWebhook(request.body);
    for (const receipt of receipts) await deps.handleReceipt(receipt);
    return reply.send({ received: receipts.length });
  });
}
