import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createTestApp, createTestMerchant, type TestApp } from '../../../../test/helpers.ts';
import { registerApiRoutes } from '../../../http/api.ts';
import { apiRoutes } from '../../../http/app.ts';
import type { AppDeps } from '../../../http/deps.ts';
import { installErrorHandling } from '../../../http/errors.ts';
import { silentLogger } from '../../../lib/logger.ts';
import { trackingNumberRoutes } from './routes.ts';

let t: TestApp;
let shop: Awaited<ReturnType<typeof createTestMerchant>>;
/** The full app once trackingNumberRoutes is wired into src/http/app.ts; until then the same API plumbing
 * (API-key auth, schema validation, error mapping) around these routes alone. */
let app: FastifyInstance;
let standalone: FastifyInstance | null = null;

before(async () => {
  t = await createTestApp();
  shop = await createTestMerchant(t);
  const deps: AppDeps = { db: t.database.db, config: t.config, logger: silentLogger };
  if (apiRoutes(deps).some((r) => r.url === '/api/v1/tracking-numbers/:number')) {
    app = t.app;
  } else {
    standalone = Fastify();
    installErrorHandling(standalone, t.config.BODY_LIMIT_BYTES);
    registerApiRoutes(standalone, trackingNumberRoutes(deps), deps);
    await standalone.ready();
    app = standalone;
  }
});
after(async () => {
  await standalone?.close();
  await t.close();
});

const get = (number: string, headers: Record<string, string> = shop.auth) =>
  app.inject({ method: 'GET', url: `/api/v1/tracking-numbers/${encodeURIComponent(number)}`, headers });

describe('GET /api/v1/tracking-numbers/:number', () => {
  test('detects an S10 number and its post, ignoring spaces and case', async () => {
    const res = await get('oa 123 456 785 br');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      valid: true,
      number: 'OA123456785BR',
      carriers: [
        {
          courier: 's10',
          name: 'S10 International Standard',
          format: 's10',
          trackingUrl: null,
          country: 'BR',
          post: 'Correios',
        },
      ],
    });
  });

  test('a carrier number comes with its tracking page', async () => {
    const res = await get('1Z5R89390357567127');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.valid, true);
    assert.equal(body.carriers[0].courier, 'ups');
    assert.match(body.carriers[0].trackingUrl, /trackNums=1Z5R89390357567127$/);
  });

  test('a wrong check digit is 200 with valid: false', async () => {
    const res = await get('RB123456784GB');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { valid: false, number: 'RB123456784GB', carriers: [] });
  });

  test('more than 64 characters is a validation error', async () => {
    const res = await get('1'.repeat(65));
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.json().error.code, 'validation_failed');
    assert.equal((await get('1'.repeat(64))).statusCode, 200);
  });

  test('needs an API key', async () => {
    const res = await get('RB123456785GB', {});
    assert.equal(res.statusCode, 401, res.body);
  });
});
