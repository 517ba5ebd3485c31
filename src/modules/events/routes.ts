import { z } from 'zod';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { listEvents } from './repo.ts';

const eventSchema = z.object({
  id: z.string(),
  seq: z.number(),
  type: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  payload: z.record(z.string(), z.unknown()),
  occurredAt: z.string(),
  recordedAt: z.string(),
});

export function eventRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/api/v1/events',
      operationId: 'listEvents',
      summary: 'Page through the domain event log, oldest first (replayable)',
      tag: 'Events',
      query: z
        .object({
          after: z.coerce
            .number()
            .int()
            .min(0)
            .default(0)
            .describe('Return events with seq greater than this.'),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          type: z.string().optional(),
          subjectId: z.string().optional(),
        })
        .strict(),
      response: { schema: z.object({ data: z.array(eventSchema), nextAfter: z.number() }) },
      handler: async ({ merchantId, query }) => {
        const rows = await listEvents(db, { merchantId, afterSeq: query.after, ...query });
        return {
          data: rows.map((e) => ({
            id: e.id,
            seq: e.seq,
            type: e.type,
            subjectType: e.subject_type,
            subjectId: e.subject_id,
            payload: e.payload,
            occurredAt: e.occurred_at.toISOString(),
            recordedAt: e.recorded_at.toISOString(),
          })),
          nextAfter: rows.at(-1)?.seq ?? query.after,
        };
      },
    }),
  ];
}
