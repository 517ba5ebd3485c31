import type { Config } from '../config.ts';
import { createTwilioSmsChannel, STATUS_CALLBACK_PATH } from './sms/twilio.ts';
import type { Channel } from './types.ts';
import { createOutboundWebhookChannel } from './webhook/outbound.ts';
import { createWhatsAppCloudChannel } from './whatsapp/cloud.ts';

export { registerReceiptRoutes } from './receipt-routes.ts';
export * from './types.ts';

/** SMS through Twilio, or null until SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM are all set. */
export function createSmsChannel(config: Config): Channel | null {
  if (!config.SMS_ACCOUNT_SID || !config.SMS_AUTH_TOKEN || !config.SMS_FROM) return null;
  return createTwilioSmsChannel({
    apiUrl: config.SMS_API_URL,
    accountSid: config.SMS_ACCOUNT_SID,
    authToken: config.SMS_AUTH_TOKEN,
    from: config.SMS_FROM,
    statusCallbackUrl: `${config.PUBLIC_URL}${STATUS_CALLBACK_PATH}`,
  });
}

/** WhatsApp through the Cloud API, or null until WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID are set. */
export function createWhatsAppChannel(config: Config): Channel | null {
  if (!config.WHATSAPP_TOKEN || !config.WHATSAPP_PHONE_NUMBER_ID) return null;
  return createWhatsAppCloudChannel({
    apiUrl: config.WHATSAPP_API_URL,
    token: config.WHATSAPP_TOKEN,
    phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID,
  });
}

/** Merchant webhooks need no provider account, so this channel always exists. */
export function createWebhookChannel(config: Config): Channel {
  return createOutboundWebhookChannel({ allowPrivate: config.ALLOW_PRIVATE_WEBHOOK_TARGETS });
}
