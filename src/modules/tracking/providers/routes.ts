import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../http/deps.ts';
import { ingestDelivery } from '../../../integrations/ingest.ts';
import { sha256Hex } from '../../../lib/crypto.ts';
import { AppError, UnauthorizedError, ValidationError } from '../../../lib/errors.ts';
import { findIntegration } from '../../merchants/index.ts';
import { applyTrackingUpdates } from '../apply-updates.ts';
import type { CarrierUpdate } from '../types.ts';
import { normalizeAfterShip, normalizeEasyPost } from './normalize.ts';
import { verifyAfterShipSignature, verifyEasyPostSignature } from './signatures.ts';

interface Provider {
  kind: 'easypost' | 'aftership';
  signatureHeader: string;
  verify(opts: { rawBody: Buffer; header: string | undefined; secret: string }): boolean;
  normalize(body: unknown): CarrierUpdate | null;
  /** The provider's id for this delivery, so a redelivery is recognised. */
  deliveryId(body: unknown, rawBody: Buffer): string;
  topic(body: unknown): string;
}

const PROVIDERS: Provider[] = [
  {
    kind: 'easypost',
    signatureHeader: 'x-hmac-signature',
    verify: verifyEasyPostSignature,
    normalize: normalizeEasyPost,
    // An Event id is unique per delivery attempt's content; EasyPost re-sends the same id on retry.
    deliveryId: (body, raw) => (body as { id?: string }).id ?? digest(raw),
    topic: (body) => (body as { description?: string }).description ?? 'tracker.updated',
  },
  {
    kind: 'aftership',
    signatureHeader: 'aftership-hmac-sha256',
    verify: verifyAfterShipSignature,
    normalize: normalizeAfterShip,
    deliveryId: (body, raw) => {
      const b = body as { event_id?: string; msg?: { id?: string }; ts?: number };
      return b.event_id ?? (b.msg?.id && b.ts ? `${b.msg.id}:${b.ts}` : digest(raw));
    },
    topic: (body) => (body as { event?: string }).event ?? 'tracking_update',
  },
];

const digest = (raw: Buffer) => `sha256:${sha256Hex(raw)}`;

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Carrier tracking webhooks: `POST /webhooks/carriers/easypost?merchant=<slug>` and
 * `POST /webhooks/carriers/aftership?merchant=<slug>`. The merchant's provider secret (a sealed
 * integration) checks the signature in constant time; each delivery is stored raw and applied once, in one
 * transaction; a tracking number we do not know is recorded as ignored, not an error (providers track
 * parcels that are not ours to follow).
 */
export function registerCarrierWebhooks(app: FastifyInstance, deps: AppDeps): void {
  for (const p of PROVIDERS) {
    app.post(`/webhooks/carriers/${p.kind}`, async (request: FastifyRequest, reply) => {
      const slug = (request.query as { merchant?: string }).merchant;
      if (!slug) {
        throw new ValidationError(
          `Add ?merchant=<your merchant slug> to the webhook URL you give ${p.kind}.`,
          undefined,
          'missing_merchant',
        );
      }
      const integration = await findIntegration({
        db: deps.db,
        secretKey: deps.config.SECRET_KEY,
        kind: p.kind,
        externalRef: slug,
      });
      if (!integration) {
        throw new AppError('unknown_merchant', `No merchant ${slug} has ${p.kind} connected.`, 404);
      }
      const rawBody = request.rawBody ?? Buffer.alloc(0);
      if (
        !p.verify({ rawBody, header: header(request.headers[p.signatureHeader]), secret: integration.secret })
      ) {
        throw new UnauthorizedError(
          `The ${p.signatureHeader} signature does not match the body.`,
          'invalid_signature',
        );
      }
      if (request.body === undefined)
        throw new ValidationError('The webhook body is empty.', undefined, 'invalid_json');
      const update = p.normalize(request.body);
      const result = await ingestDelivery({
        db: deps.db,
        delivery: {
          merchantId: integration.merchantId,
          source: p.kind,
          externalId: p.deliveryId(request.body, rawBody),
          topic: p.topic(request.body),
          payload: request.body,
        },
        apply: async (tx) => {
          if (!update) return { outcome: 'ignored', notes: ['not a tracking update'] };
          const applied = await applyTrackingUpdates({
            tx,
            merchantId: integration.merchantId,
            source: p.kind,
            updates: [update],
          });
          if (applied.unknown.length > 0) {
            return {
              outcome: 'ignored',
              notes: [`no shipment with tracking number ${update.trackingNumber}`],
            };
          }
          return {
            outcome: applied.accepted > 0 || applied.moved.length > 0 ? 'processed' : 'unchanged',
            notes: applied.moved.map((m) => `${m.from} -> ${m.to}`),
          };
        },
      });
      return reply.send({ status: result.outcome, notes: result.notes });
    });
  }
}
