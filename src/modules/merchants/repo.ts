import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTx } from '../../db/pool.ts';
import type { ApiKeysTable, MerchantIntegrationsTable, MerchantsTable } from '../../db/schema.ts';

export type MerchantRow = Selectable<MerchantsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;

export async function insertMerchant(db: DbOrTx, row: Insertable<MerchantsTable>): Promise<MerchantRow> {
  return db.insertInto('merchants').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findMerchant(db: DbOrTx, id: string): Promise<MerchantRow | undefined> {
  return db.selectFrom('merchants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listMerchants(db: DbOrTx): Promise<MerchantRow[]> {
  return db.selectFrom('merchants').selectAll().orderBy('created_at').execute();
}

export async function slugExists(db: DbOrTx, slug: string): Promise<boolean> {
  const row = await db.selectFrom('merchants').select('id').where('slug', '=', slug).executeTakeFirst();
  return row !== undefined;
}

export async function updateMerchant(
  db: DbOrTx,
  id: string,
  changes: Updateable<MerchantsTable>,
): Promise<MerchantRow | undefined> {
  return db
    .updateTable('merchants')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function upsertIntegration(
  db: DbOrTx,
  row: Insertable<MerchantIntegrationsTable>,
): Promise<void> {
  await db
    .insertInto('merchant_integrations')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['merchant_id', 'kind']).doUpdateSet({
        external_ref: row.external_ref,
        secret_sealed: row.secret_sealed,
      }),
    )
    .execute();
}

/** The connection for a store, with the merchant's default locale (webhooks need both). */
export async function findIntegrationByRef(
  db: DbOrTx,
  kind: MerchantIntegrationsTable['kind'],
  externalRef: string,
): Promise<(Selectable<MerchantIntegrationsTable> & { locale: string }) | undefined> {
  return db
    .selectFrom('merchant_integrations as i')
    .innerJoin('merchants as m', 'm.id', 'i.merchant_id')
    .selectAll('i')
    .select('m.locale')
    .where('i.kind', '=', kind)
    .where('i.external_ref', '=', externalRef)
    .executeTakeFirst();
}

export async function listIntegrations(
  db: DbOrTx,
  merchantId: string,
): Promise<Array<{ kind: string; external_ref: string }>> {
  return db
    .selectFrom('merchant_integrations')
    .select(['kind', 'external_ref'])
    .where('merchant_id', '=', merchantId)
    .orderBy('kind')
    .execute();
}

export async function insertApiKey(db: DbOrTx, row: Insertable<ApiKeysTable>): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function findApiKeyById(db: DbOrTx, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listApiKeys(db: DbOrTx, merchantId: string): Promise<ApiKeyRow[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at')
    .execute();
}

export async function revokeApiKey(db: DbOrTx, merchantId: string, id: string): Promise<boolean> {
  const res = await db
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('merchant_id', '=', merchantId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Records use at most once a minute per key, so a busy key does not turn every read into a write. */
export async function touchApiKey(db: DbOrTx, id: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(Date.now() - 60_000))]),
    )
    .execute();
}
