import { z } from 'zod';
import type { AppDeps } from '../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../http/route.ts';
import { createJourney, enablePreset, getJourney, listJourneys, updateJourney } from './manage.ts';
import { PRESETS } from './presets.ts';
import { journeyDefinitionSchema, journeyInputSchema } from './schemas.ts';

const journeySchema = z.object({
  id: z.string(),
  name: z.string(),
  preset: z.string().nullable(),
  active: z.boolean(),
  version: z.number(),
  definition: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const idParams = z.object({ id: z.string() });

export function journeyRoutes({ db }: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/api/v1/journeys',
      operationId: 'listJourneys',
      summary: 'Your journeys, with their current definition',
      tag: 'Journeys',
      response: { schema: z.object({ data: z.array(journeySchema) }) },
      handler: async ({ merchantId }) => ({ data: await listJourneys(db, merchantId) }),
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/journeys/presets',
      operationId: 'listJourneyPresets',
      summary: "The seed brands' programmes, ready to enable",
      tag: 'Journeys',
      response: {
        schema: z.object({
          data: z.array(z.object({ key: z.string(), name: z.string(), description: z.string() })),
        }),
      },
      handler: async () => ({
        data: PRESETS.map((p) => ({ key: p.key, name: p.name, description: p.description })),
      }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/journeys/presets/:key',
      operationId: 'enableJourneyPreset',
      summary: 'Enable a preset (one click); it becomes an ordinary, editable journey',
      tag: 'Journeys',
      params: z.object({ key: z.string() }),
      body: z
        .object({
          campaignTag: z.string().max(100).optional(),
          campaignName: z.string().max(100).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          percentOff: z.number().int().min(1).max(100).optional(),
        })
        .strict()
        .optional(),
      response: { status: 201, schema: journeySchema },
      handler: ({ merchantId, params, body }) =>
        enablePreset(db, { merchantId, key: params.key, params: body ?? {} }),
    }),
    apiRoute({
      method: 'POST',
      url: '/api/v1/journeys',
      operationId: 'createJourney',
      summary: 'Create a journey: trigger, conditions, waits, actions, exits',
      tag: 'Journeys',
      body: journeyInputSchema,
      response: { status: 201, schema: journeySchema },
      handler: ({ merchantId, body }) => createJourney(db, { merchantId, ...body }),
    }),
    apiRoute({
      method: 'GET',
      url: '/api/v1/journeys/:id',
      operationId: 'getJourney',
      summary: 'One journey',
      tag: 'Journeys',
      params: idParams,
      response: { schema: journeySchema },
      handler: ({ merchantId, params }) => getJourney(db, merchantId, params.id),
    }),
    apiRoute({
      method: 'PATCH',
      url: '/api/v1/journeys/:id',
      operationId: 'updateJourney',
      summary: 'Rename, switch on or off, or save a new version (people already inside keep theirs)',
      tag: 'Journeys',
      params: idParams,
      body: z
        .object({
          name: z.string().trim().min(1).max(200).optional(),
          active: z.boolean().optional(),
          definition: journeyDefinitionSchema.optional(),
        })
        .strict(),
      response: { schema: journeySchema },
      handler: ({ merchantId, params, body }) => updateJourney(db, { merchantId, id: params.id, ...body }),
    }),
  ];
}
