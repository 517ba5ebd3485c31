import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/pool.ts';
import { UnauthorizedError } from '../lib/errors.ts';
import { authenticateApiKey } from '../modules/merchants/index.ts';

/** Reads `Authorization: Bearer <apiKey>` and returns the merchant it belongs to. */
export async function merchantFromRequest(db: Db, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization;
  if (!header)
    throw new UnauthorizedError('Send your API key as "Authorization: Bearer <key>".', 'missing_api_key');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw new UnauthorizedError('The Authorization header must be "Bearer <key>".', 'invalid_api_key');
  const merchantId = await authenticateApiKey({ db, token: match[1]! });
  if (!merchantId)
    throw new UnauthorizedError('The API key is not valid or has been revoked.', 'invalid_api_key');
  return merchantId;
}
