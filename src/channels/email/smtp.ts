import nodemailer from 'nodemailer';
import { type Channel, type OutboundMessage, PermanentSendError, type SendResult } from '../types.ts';

export interface EmailOptions {
  /** smtp://user:pass@host:port or smtps://... */
  url: string;
  dkim?: { domainName: string; keySelector: string; privateKey: string } | null;
  /** The domain in Message-IDs (our message id @ this domain). */
  messageIdDomain: string;
}

/**
 * Email over SMTP with a pool of persistent connections (nodemailer). The SMTP server's 5xx answers to a
 * recipient (no such mailbox, rejected) are permanent failures; 4xx and network errors are retried.
 * The Message-ID is derived from our message id, so a resend in the documented window can be recognised.
 */
/**
 * Whether a 5xx refusal at RCPT TO says the address itself is bad (RFC 3463 status 5.1.x: no such mailbox,
 * bad domain) rather than that our relay refused us (5.7.x relaying denied, a suspended account): only
 * the first is a hard bounce that suppresses the address. Without an enhanced code, 550/551/553 with
 * words to that effect count.
 */
export function isBadMailbox(code: number, message: string): boolean {
  const enhanced = /\b([245])\.(\d{1,3})\.\d{1,3}\b/.exec(message);
  if (enhanced) return enhanced[1] === '5' && enhanced[2] === '1';
  return (
    [550, 551, 553].includes(code) &&
    /(user|mailbox|recipient|address|account)\b.*\b(unknown|not exist|does not exist|doesn't exist|not found|invalid|no such)|no such (user|mailbox)/i.test(
      message,
    )
  );
}

export function createEmailChannel(opts: EmailOptions): Channel {
  const url = new URL(opts.url);
  url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', '10');
  if (!url.searchParams.has('maxMessages')) url.searchParams.set('maxMessages', '1000');
  const transport = nodemailer.createTransport(url.toString(), opts.dkim ? { dkim: opts.dkim } : {});
  return {
    name: 'email',
    async send(m: OutboundMessage): Promise<SendResult> {
      try {
        const info = await transport.sendMail({
          messageId: `<${m.id}@${opts.messageIdDomain}>`,
          from: m.from.address ? { name: m.from.name ?? '', address: m.from.address } : undefined,
          to: m.to,
          replyTo: m.replyTo ?? undefined,
          subject: m.subject ?? '',
          html: m.html ?? undefined,
          text: m.text,
          headers: m.headers,
        });
        return { provider: 'smtp', providerId: info.messageId };
      } catch (err) {
        const { responseCode: code, command } = err as { responseCode?: number; command?: string };
        if (typeof code === 'number' && code >= 500) {
          const refusedAddress =
            (command?.toUpperCase().startsWith('RCPT') ?? false) &&
            isBadMailbox(code, (err as Error).message);
          throw new PermanentSendError(`smtp ${code}`, (err as Error).message, refusedAddress);
        }
        throw err;
      }
    },
    async close() {
      transport.close();
    },
  };
}
