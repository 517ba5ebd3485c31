import type { FastifyInstance } from 'fastify';
import { html, sendPage } from '../http/page.ts';
import type { DevMailbox } from './email/dev-mailbox.ts';

const brand = { name: 'Afterglow dev mailbox', logoUrl: null, primary: '#1f2937', accent: '#f59e0b' };

/**
 * An HTTP-only process (`afterglow serve`) without SMTP_URL: the mailbox lives in the worker, which has no
 * pages. Say so instead of a bare 404.
 */
export function registerMailboxElsewhere(app: FastifyInstance): void {
  app.get('/dev/mailbox', async (_request, reply) =>
    sendPage(reply.code(404), {
      lang: 'en',
      title: 'Mailbox',
      brand,
      body: html`<h1>The dev mailbox is not in this process</h1>
<p>This process only serves HTTP (<code>afterglow serve</code>). Mail sent without <code>SMTP_URL</code> is caught
by the worker that sends it, which has no web pages. Run <code>afterglow start</code> (HTTP and worker in one
process) to read caught mail here, or point <code>SMTP_URL</code> at a mail catcher.</p>`,
    }),
  );
}

/** /dev/mailbox: what the built-in development mail server caught, newest first. */
export function registerMailboxPages(app: FastifyInstance, mailbox: DevMailbox): void {
  app.get('/dev/mailbox', async (request, reply) => {
    if ((request.headers.accept ?? '').includes('application/json')) {
      return reply.send({ data: mailbox.messages.map(({ html: _h, ...m }) => m) });
    }
    return sendPage(reply, {
      lang: 'en',
      title: 'Mailbox',
      brand,
      body: html`<h1>Mailbox (${mailbox.messages.length})</h1>
<p class="muted">Mail sent while SMTP_URL is not set lands here (SMTP on 127.0.0.1:${mailbox.port}).</p>
${mailbox.messages.map(
  (m) =>
    html`<p><a href="/dev/mailbox/${m.id}">${m.subject || '(no subject)'}</a><br><span class="muted">${m.to} · ${m.receivedAt.toISOString()}</span></p>`,
)}`,
    });
  });
  app.get<{ Params: { id: string } }>('/dev/mailbox/:id', async (request, reply) => {
    const m = mailbox.messages.find((x) => String(x.id) === request.params.id);
    if (!m) return reply.status(404).send('No such message.');
    // The caught email exactly as sent; it is our own HTML, shown on a development-only page.
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; img-src * data:; style-src 'unsafe-inline'")
      .send(m.html ?? `<pre>${m.text.replace(/</g, '&lt;')}</pre>`);
  });
  app.get<{ Params: { id: string } }>('/dev/mailbox/:id/text', async (request, reply) => {
    const m = mailbox.messages.find((x) => String(x.id) === request.params.id);
    if (!m) return reply.status(404).send('No such message.');
    return reply
      .type('text/plain; charset=utf-8')
      .send(`Subject: ${m.subject}\nTo: ${m.to}\nFrom: ${m.from}\n\n${m.text}`);
  });
}
