import type { Config } from '../config.ts';
import { type DevMailbox, startDevMailbox } from './email/dev-mailbox.ts';
import { createEmailChannel } from './email/smtp.ts';
import { createSmsChannel, createWebhookChannel, createWhatsAppChannel } from './index.ts';
import type { Channels } from './registry.ts';

/**
 * The channels this process sends through. Email goes to SMTP_URL; without it (development), to a built-in
 * mailbox on loopback whose catch is shown at /dev/mailbox (by the process that runs it: `afterglow start`;
 * further workers on the same machine send to the first one's). SMS and WhatsApp exist once configured.
 */
export async function createChannels(
  config: Config,
): Promise<{ channels: Channels; mailbox: DevMailbox | null }> {
  let mailbox: DevMailbox | null = null;
  let smtpUrl = config.SMTP_URL;
  if (!smtpUrl) {
    try {
      mailbox = await startDevMailbox({ port: config.DEV_SMTP_PORT });
      smtpUrl = mailbox.url;
    } catch (err) {
      // A second worker on this machine: the first one's mailbox already listens, so send there.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      smtpUrl = `smtp://127.0.0.1:${config.DEV_SMTP_PORT}`;
    }
  }
  const dkim =
    config.DKIM_DOMAIN && config.DKIM_SELECTOR && config.DKIM_PRIVATE_KEY
      ? {
          domainName: config.DKIM_DOMAIN,
          keySelector: config.DKIM_SELECTOR,
          privateKey: config.DKIM_PRIVATE_KEY,
        }
      : null;
  const channels: Channels = {
    email: createEmailChannel({ url: smtpUrl, dkim, messageIdDomain: new URL(config.PUBLIC_URL).hostname }),
    webhook: createWebhookChannel(config),
  };
  const sms = createSmsChannel(config);
  if (sms) channels.sms = sms;
  const whatsapp = createWhatsAppChannel(config);
  if (whatsapp) channels.whatsapp = whatsapp;
  return { channels, mailbox };
}
