/** Merchants: the tenant, its brand, its API keys and its connections to commerce platforms. */
export { authenticateApiKey, createApiKey, revokeApiKey } from './api-keys.ts';
export { createMerchant } from './create-merchant.ts';
export {
  connectIntegration,
  findIntegration,
  type IntegrationInput,
  normalizeIntegrationRef,
} from './integrations.ts';
export { findMerchant, listApiKeys, listMerchants, type MerchantRow } from './repo.ts';
export { merchantRoutes } from './routes.ts';
export type { MerchantCreateInput, MerchantView } from './schemas.ts';
export { getMerchant, updateMerchant } from './update-merchant.ts';
