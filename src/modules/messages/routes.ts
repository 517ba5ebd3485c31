import { z } from 'zod';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { NotFoundError } from '../../lib/errors.ts';
import { findMessage, listMessages, type MessageRow } from './repo.ts';

const messageSchema = z.object({
  id: z.string(),
  channel: z.string(),
  recipient: z.string(),
  templateKey: z.string(),
  templateVersion: z.number(),
  locale: z.string(),
  category: z.string(),
  status: z.string(),
  statusReason: z.string().nullable(),
  subject: z.string().nullable(),
  orderId: z.string().nullable(),
  customerId: z.string().nullable(),
  provider: z.string().nullable(),
  providerId: z.string().nullable(),
  warnings: z.array(z.string()),
  sendAfter: z.string(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  openedAt: z.string().nullable(),
  clickedAt: z.string().nullable(),
  createdAt: z.string(),
});

function view(m: MessageRow) {
  return {
    id: m.id,
    channel: m.channel,
    recipient: m.recipient,
    templateKey: m.template_key,
    templateVersion: m.template_version,
    locale: m.locale,
    category: m.category,
    status: m.status,
    statusReason: m.status_reason,
    subject: m.subject,
    orderId: m.order_id,
    customerId: m.customer_id,
    provider: m.provider,
    providerId: m.provider_id,
    warnings: m.warnings,
    sendAfter: m.send_after.toISOString(),
    sentAt: m.sent_at?.toISOString() ?? null,
    deliveredAt: m.delivered_at?.toISOString() ?? null,
    openedAt: m.opened_at?.toISOString() ?? null,
    clickedAt: m.clicked_at?.toISOString() ?? null,
    createdAt: m.created_at.toISOString(),
  };
}

export function messageRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/api/v1/messages',
      operationId: 'listMessages',
      summary: 'Messages, newest first: every send, suppression (with the reason) and failure is a row',
      tag: 'Messages',
      query: z
        .object({
          orderId: z.string().optional(),
          customerId: z.string().optional(),
          status: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        })
        .strict(),
      response: { schema: z.object({ data: z.array(messageSchema) }) },
      handler: async ({ merchantId, query }) => ({
        data: (await listMessages(db, { merchantId, ...query })).map(view),
      }),
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/messages/:id',
      operationId: 'getMessage',
      summary: 'One message',
      tag: 'Messages',
      params: z.object({ id: z.string() }),
      response: { schema: messageSchema },
      handler: async ({ merchantId, params }) => {
        const m = await findMessage(db, merchantId, params.id);
        if (!m) throw new NotFoundError('Message', { id: params.id });
        return view(m);
      },
    }),
  ];
}
