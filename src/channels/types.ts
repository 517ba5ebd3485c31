/**
 * One small interface for every way we reach a customer (or a merchant's system). An adapter sends one
 * rendered message and returns the provider's id for it; delivery receipts come back later through the
 * adapter's webhook route and update the message row by that id.
 */
export type ChannelName = 'email' | 'sms' | 'whatsapp' | 'webhook';

export interface OutboundMessage {
  /** Our message id: also the SMTP Message-ID, the SMS/WhatsApp client reference, the webhook delivery id. */
  id: string;
  merchantId: string;
  channel: ChannelName;
  /** Email address, E.164 phone number, or the endpoint URL. */
  to: string;
  from: { name: string | null; address: string | null };
  replyTo?: string | null;
  subject?: string | null;
  html?: string | null;
  text: string;
  /** Extra headers (email: List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: Record<string, string>;
  /** WhatsApp: the approved template name and its body parameters, in order. */
  whatsappTemplate?: { name: string; language: string; parameters: string[] };
  /** Webhook: the JSON document to POST and the secret to sign it with. */
  webhook?: { body: string; secret: string; event: string };
}

export interface SendResult {
  provider: string;
  providerId: string;
}

export interface Channel {
  readonly name: ChannelName;
  /**
   * Sends one message. Throws PermanentSendError when retrying cannot help (an invalid address, a
   * recipient the provider refuses); any other error is treated as transient and the job is retried.
   */
  send(message: OutboundMessage): Promise<SendResult>;
  close?(): Promise<void>;
}

/** A failure retrying cannot fix: the message is marked failed with this reason. */
export class PermanentSendError extends Error {
  constructor(
    readonly reason: string,
    message?: string,
    /** The address itself was refused (no such mailbox): a hard bounce, and the address is suppressed. */
    readonly hardBounce = false,
  ) {
    super(message ?? reason);
    this.name = 'PermanentSendError';
  }
}

/** A delivery receipt or engagement signal from a provider, mapped to our vocabulary. */
export interface Receipt {
  provider: string;
  providerId: string;
  type: 'delivered' | 'bounced' | 'failed' | 'complained' | 'opened' | 'clicked' | 'sent';
  /** A hard bounce or complaint suppresses the address for future messages. */
  permanent?: boolean;
  reason?: string | null;
  occurredAt: Date;
}
