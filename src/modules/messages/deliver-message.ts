import type { Channels } from '../../channels/registry.ts';
import { type OutboundMessage, PermanentSendError } from '../../channels/types.ts';
import type { Config } from '../../config.ts';
import { type Db, withTransaction } from '../../db/pool.ts';
import { normalizeEmail } from '../../lib/contact.ts';
import { AppError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { messagingSettings } from '../merchants/settings.ts';
import { templateSpec } from '../templates/catalog.ts';
import { renderTemplate } from '../templates/engine.ts';
import { resolveTemplate } from '../templates/store.ts';
import { buildMessageContext } from './build-context.ts';
import { link } from './links.ts';
import { addMessageEvent, claimMessage, type MessageRow, markSent, suppress, updateMessage } from './repo.ts';

/**
 * Sends one queued message: claims it (status `sending`, committed), renders its template with the data
 * as it is now, hands it to the channel, and records the provider's id. An address the receiving server
 * says does not exist bounces the message and suppresses the address; any other permanent refusal marks it
 * failed with the reason; anything else puts it back to `queued` and rethrows, so the job retries with
 * backoff. A message that is no longer queued (sent by an earlier attempt) is left alone.
 */
export async function deliverMessage(opts: {
  db: Db;
  config: Config;
  channels: Channels;
  logger: Logger;
  merchantId: string;
  messageId: string;
  /** On the job's last attempt a transient error fails the message instead of leaving it queued. */
  lastAttempt?: boolean;
}): Promise<MessageRow['status'] | 'skipped'> {
  const { db, merchantId, messageId } = opts;
  const claimed = await claimMessage(db, merchantId, messageId);
  if (!claimed) return 'skipped';
  const fail = async (status: 'failed' | 'queued', reason: string) => {
    await updateMessage(db, merchantId, messageId, { status, status_reason: reason });
    if (status === 'failed')
      await addMessageEvent(db, { merchantId, messageId, type: 'failed', detail: { reason } });
  };
  const channel = opts.channels[claimed.channel as keyof Channels];
  if (!channel) {
    await fail('failed', `the ${claimed.channel} channel is not configured`);
    return 'failed';
  }
  if (claimed.channel === 'email' && !normalizeEmail(claimed.recipient)) {
    await fail('failed', `invalid email address "${claimed.recipient}"`);
    return 'failed';
  }
  try {
    const outbound = await prepare(opts, claimed);
    const result = await channel.send(outbound.message);
    await markSent(db, {
      merchantId,
      messageId,
      provider: result.provider,
      providerId: result.providerId,
      subject: outbound.message.subject ?? null,
      templateVersion: outbound.version,
      warnings: outbound.warnings,
    });
    if (outbound.warnings.length > 0)
      opts.logger.warn({ messageId, warnings: outbound.warnings }, 'message rendered with missing values');
    return 'sent';
  } catch (err) {
    if (err instanceof PermanentSendError && err.hardBounce) {
      await bounce(opts, claimed, err);
      return 'bounced';
    }
    if (err instanceof PermanentSendError) {
      // The provider's own words, when it gave any, are what the merchant needs to act on.
      const said = err.message !== err.reason ? `${err.reason}: ${err.message}` : err.reason;
      await fail('failed', said.slice(0, 500));
      return 'failed';
    }
    // A missing or broken template, or a record that no longer exists, will not fix itself by retrying.
    if (err instanceof AppError && err.status < 500) {
      await fail('failed', `${err.code}: ${err.message}`);
      return 'failed';
    }
    const reason = err instanceof Error ? err.message : String(err);
    await fail(opts.lastAttempt ? 'failed' : 'queued', reason);
    if (opts.lastAttempt) return 'failed';
    throw err;
  }
}

/** Refused at the door: the message bounced and nothing more is sent to that address. */
async function bounce(opts: { db: Db }, m: MessageRow, err: PermanentSendError): Promise<void> {
  const reason = `${err.reason}: ${err.message}`.slice(0, 500);
  await withTransaction(opts.db, async (tx) => {
    await updateMessage(tx, m.merchant_id, m.id, { status: 'bounced', status_reason: reason });
    await addMessageEvent(tx, {
      merchantId: m.merchant_id,
      messageId: m.id,
      type: 'bounced',
      detail: { reason, permanent: true },
    });
    await suppress(tx, {
      merchantId: m.merchant_id,
      channel: m.channel,
      address: m.recipient,
      reason: 'hard_bounce',
    });
  });
}

async function prepare(
  opts: { db: Db; config: Config; merchantId: string },
  m: MessageRow,
): Promise<{ message: OutboundMessage; version: number; warnings: string[] }> {
  const extra = m.context as { voucherId?: string; surveyId?: string; campaign?: string; returnId?: string };
  const { scope, merchant } = await buildMessageContext(opts.db, opts.config, {
    merchantId: m.merchant_id,
    locale: m.locale,
    category: m.category,
    customerId: m.customer_id,
    orderId: m.order_id,
    shipmentId: m.shipment_id,
    messageId: m.id,
    channel: m.channel,
    extra,
  });
  const { version, compiled } = await resolveTemplate(opts.db, {
    merchantId: m.merchant_id,
    key: m.template_key,
    locale: m.locale,
    channel: m.channel as 'email' | 'sms' | 'whatsapp',
  });
  const settings = messagingSettings(merchant.settings);
  const rendered = renderTemplate(compiled, scope);
  let html = rendered.html;
  const track = (payload: Parameters<typeof link>[2]) =>
    link(opts.config.PUBLIC_URL, opts.config.SECRET_KEY, payload);
  if (html && settings.clickTracking) {
    html = html.replace(/href="(https?:\/\/[^"]+)"/g, (whole, url: string) => {
      const target = url.replace(/&amp;/g, '&');
      // Unsubscribe and preference links go straight to their pages: one click must be enough.
      if (target === scope.links.unsubscribe || target === scope.links.preferences) return whole;
      return `href="${track({ k: 'c', m: m.merchant_id, msg: m.id, u: target })}"`;
    });
  }
  if (html && settings.openTracking) {
    const pixel = `<img src="${track({ k: 'o', m: m.merchant_id, msg: m.id })}" width="1" height="1" alt="" style="display:block;border:0" />`;
    html = html.includes('</body>') ? html.replace('</body>', `${pixel}</body>`) : html + pixel;
  }
  const headers: Record<string, string> = {};
  if (m.channel === 'email' && templateSpec(m.template_key)?.category === 'marketing') {
    // RFC 8058: mail clients show an unsubscribe button that POSTs here; one click, no page to confirm.
    headers['List-Unsubscribe'] = `<${scope.links.unsubscribe}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  const fromHost = new URL(opts.config.PUBLIC_URL).hostname;
  return {
    version,
    warnings: rendered.warnings,
    message: {
      id: m.id,
      merchantId: m.merchant_id,
      channel: m.channel as OutboundMessage['channel'],
      to: m.recipient,
      from: {
        name: merchant.sender_name ?? merchant.name,
        address: merchant.sender_email ?? `no-reply@${fromHost}`,
      },
      replyTo: merchant.support_email,
      subject: rendered.subject,
      html,
      text: rendered.text,
      headers,
      ...(m.channel === 'whatsapp'
        ? {
            whatsappTemplate: {
              name: templateSpec(m.template_key)?.whatsappTemplate ?? m.template_key,
              language: m.locale.replace('-', '_'),
              parameters: rendered.text
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean),
            },
          }
        : {}),
    },
  };
}
