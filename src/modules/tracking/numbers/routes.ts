import { z } from 'zod';
import type { AppDeps } from '../../../http/deps.ts';
import { type ApiRoute, apiRoute } from '../../../http/route.ts';
import { detectTrackingNumber } from './detect.ts';

const detectedCarrierSchema = z.object({
  courier: z
    .string()
    .describe("Carrier code: 'ups', 'usps', 'fedex', 'dhl', 's10' (a UPU postal number), ..."),
  name: z.string(),
  format: z.string().describe("The carrier's number format: 'ups', 'usps_impb_c', 'fedex_12', 's10', ..."),
  trackingUrl: z
    .string()
    .nullable()
    .describe("The carrier's public tracking page for the number, when known."),
  country: z.string().optional().describe('S10 only: ISO country code of the post that issued the number.'),
  post: z.string().optional().describe('S10 only: that post, e.g. Correios, PostNord, Correos, USPS.'),
});

const detectionSchema = z.object({
  valid: z.boolean().describe('The number fits at least one carrier format and passes its check digit.'),
  number: z.string().describe('The number uppercased, without spaces or dashes.'),
  carriers: z
    .array(detectedCarrierSchema)
    .describe('Carriers the number can belong to, most specific first.'),
});

export function trackingNumberRoutes(_deps: AppDeps): ApiRoute[] {
  return [
    apiRoute({
      method: 'GET',
      url: '/api/v1/tracking-numbers/:number',
      operationId: 'detectTrackingNumber',
      summary: 'Which carrier a tracking number belongs to, and whether its check digit is right',
      description:
        'Offline: matches the number against the formats of 18 carriers and the UPU S10 standard and checks ' +
        'its check digit; no carrier is called. Spaces, dashes and case are ignored. An unknown or mistyped ' +
        'number answers 200 with `valid: false` and no carriers.',
      tag: 'Tracking',
      params: z.object({ number: z.string().min(1).max(64) }),
      response: { schema: detectionSchema },
      handler: async ({ params }) => detectTrackingNumber(params.number),
    }),
  ];
}
