import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: number;
  receivedAt: Date;
  from: string;
  to: string;
  subject: string;
  html: string | null;
  text: string;
  headers: Record<string, string>;
}

export interface DevMailbox {
  port: number;
  url: string;
  messages: CaughtMail[];
  close(): Promise<void>;
}

const KEEP = 500;

function addresses(a: AddressObject | AddressObject[] | undefined): string {
  return (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');
}

/**
 * A real SMTP server on loopback that keeps what it receives in memory (the newest 500): the mail sink for
 * development (`npm start` without SMTP_URL, shown at /dev/mailbox) and for tests.
 */
export async function startDevMailbox(
  opts: { port: number; host?: string } = { port: 0 },
): Promise<DevMailbox> {
  const messages: CaughtMail[] = [];
  let next = 1;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 20 * 1024 * 1024,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of mail.headers) headers[k] = typeof v === 'string' ? v : JSON.stringify(v);
          messages.unshift({
            id: next++,
            receivedAt: new Date(),
            from: addresses(mail.from),
            to: addresses(mail.to),
            subject: mail.subject ?? '',
            html: typeof mail.html === 'string' ? mail.html : null,
            text: mail.text ?? '',
            headers,
          });
          messages.length = Math.min(messages.length, KEEP);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    url: `smtp://${host}:${port}`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
