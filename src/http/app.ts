import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { sql } from 'kysely';
import secureJson from 'secure-json-parse';
import { registerReceiptRoutes } from '../channels/index.ts';
import { registerMailboxElsewhere, registerMailboxPages } from '../channels/mailbox-pages.ts';
import { createOrderIntake } from '../integrations/intake.ts';
import { registerShopifyWebhook } from '../integrations/shopify/routes.ts';
import { registerWooCommerceWebhook } from '../integrations/woocommerce/routes.ts';
import { ValidationError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { catalogRoutes } from '../modules/catalog/index.ts';
import { creditRoutes } from '../modules/credit/index.ts';
import { customerRoutes } from '../modules/customers/index.ts';
import { eventRoutes } from '../modules/events/index.ts';
import { journeyRoutes } from '../modules/journeys/routes.ts';
import { merchantRoutes } from '../modules/merchants/index.ts';
import { registerMessagePages } from '../modules/messages/pages.ts';
import { recordReceipt } from '../modules/messages/record-receipt.ts';
import { messageRoutes } from '../modules/messages/routes.ts';
import { orderRoutes } from '../modules/orders/index.ts';
import { printoutRoutes } from '../modules/printouts/index.ts';
import { promiseRoutes } from '../modules/promise/routes.ts';
import { returnAnalyticsRoutes } from '../modules/returns/analytics-routes.ts';
import { returnLabelRoutes } from '../modules/returns/label-routes.ts';
import { registerReturnsPortal } from '../modules/returns/portal/routes.ts';
import { returnRoutes } from '../modules/returns/routes.ts';
import { registerReturnsQueuePage } from '../modules/returns/staff/queue-page.ts';
import { shipmentRoutes } from '../modules/shipments/index.ts';
import { templateRoutes } from '../modules/templates/routes.ts';
import { trackingNumberRoutes } from '../modules/tracking/numbers/routes.ts';
import { registerTrackingPages } from '../modules/tracking/page/routes.ts';
import { registerCarrierWebhooks } from '../modules/tracking/providers/routes.ts';
import { trackingRoutes } from '../modules/tracking/routes.ts';
import { webhookEndpointRoutes } from '../modules/webhooks/routes.ts';
import { registerApiRoutes } from './api.ts';
import type { AppDeps } from './deps.ts';
import { installErrorHandling } from './errors.ts';
import { buildOpenApi } from './openapi.ts';
import type { ApiRoute } from './route.ts';

export const VERSION = '0.1.0';

/** Every API operation, in the order the OpenAPI document lists them. */
export function apiRoutes(deps: AppDeps): ApiRoute[] {
  return [
    ...merchantRoutes(deps),
    ...orderRoutes(deps),
    ...shipmentRoutes(deps),
    ...customerRoutes(deps),
    ...catalogRoutes(deps),
    ...eventRoutes(deps),
    ...templateRoutes(deps),
    ...messageRoutes(deps),
    ...journeyRoutes(deps),
    ...webhookEndpointRoutes(deps),
    ...trackingRoutes(deps),
    ...trackingNumberRoutes(deps),
    ...promiseRoutes(deps),
    ...returnRoutes(deps),
    ...returnAnalyticsRoutes(deps),
    ...creditRoutes(deps),
  ];
}

/** The HTTP application: API, webhooks, health. Stateless; run as many as you like behind a balancer. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.BODY_LIMIT_BYTES,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : newId('req');
    },
    // Per-request access lines only at debug: at thousands of webhooks a second they would be most of the work.
    logController: new LogController({
      disableRequestLogging: deps.config.LOG_LEVEL !== 'debug' && deps.config.LOG_LEVEL !== 'trace',
    }),
    return503OnClosing: true,
    routerOptions: { maxParamLength: 2048 },
    // Behind a load balancer the client is in X-Forwarded-For; rate limits must count clients, not the balancer.
    trustProxy: deps.config.TRUST_PROXY,
  });

  // Keep the raw bytes of JSON bodies: webhook signatures are computed over them, not over re-serialised JSON.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    if (raw.length === 0) return done(null, undefined);
    try {
      done(
        null,
        secureJson.parse(raw.toString('utf8'), undefined, {
          protoAction: 'remove',
          constructorAction: 'remove',
        }),
      );
    } catch {
      done(new ValidationError('The request body is not valid JSON.', undefined, 'invalid_json'), undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (request, body, done) => {
      request.rawBody = body as Buffer;
      done(null, Object.fromEntries(new URLSearchParams((body as Buffer).toString('utf8'))));
    },
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  installErrorHandling(app, deps.config.BODY_LIMIT_BYTES);

  app.get('/healthz', async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(deps.db);
      return { status: 'ok', version: VERSION };
    } catch {
      return reply.status(503).send({
        status: 'unavailable',
        error: { code: 'database_unavailable', message: 'The database does not answer.' },
      });
    }
  });

  const routes = apiRoutes(deps);
  registerApiRoutes(app, routes, deps);
  await app.register(printoutRoutes(deps));
  await app.register(returnLabelRoutes(deps));
  const openapi = buildOpenApi(routes, { version: VERSION, serverUrl: deps.config.PUBLIC_URL });
  app.get('/api/v1/openapi.json', async () => openapi);

  const intake = createOrderIntake({ db: deps.db, logger: deps.logger });
  registerShopifyWebhook(app, deps, intake);
  registerWooCommerceWebhook(app, deps, intake);
  registerCarrierWebhooks(app, deps);
  registerReceiptRoutes(app, {
    config: deps.config,
    handleReceipt: deps.handleReceipt ?? (async (r) => void (await recordReceipt(deps.db, r))),
  });
  registerMessagePages(app, deps);
  await registerTrackingPages(app, deps);
  await registerReturnsPortal(app, deps);
  registerReturnsQueuePage(app, deps);
  if (deps.mailbox) registerMailboxPages(app, deps.mailbox);
  else if (!deps.config.SMTP_URL) registerMailboxElsewhere(app);
  return app;
}
