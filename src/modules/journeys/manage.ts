import type { Db } from '../../db/pool.ts';
import { withTransaction } from '../../db/pool.ts';
import { ConflictError, NotFoundError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { type PresetParams, preset } from './presets.ts';
import { type JourneyDefinition, journeyDefinitionSchema } from './schemas.ts';

export interface JourneyView {
  id: string;
  name: string;
  preset: string | null;
  active: boolean;
  version: number;
  definition: JourneyDefinition;
  createdAt: string;
  updatedAt: string;
}

export async function listJourneys(db: Db, merchantId: string): Promise<JourneyView[]> {
  const rows = await db
    .selectFrom('journeys as j')
    .innerJoin('journey_versions as v', (join) =>
      join
        .onRef('v.merchant_id', '=', 'j.merchant_id')
        .onRef('v.journey_id', '=', 'j.id')
        .onRef('v.version', '=', 'j.current_version'),
    )
    .select([
      'j.id',
      'j.name',
      'j.preset',
      'j.active',
      'j.current_version',
      'v.definition',
      'j.created_at',
      'j.updated_at',
    ])
    .where('j.merchant_id', '=', merchantId)
    .orderBy('j.created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    preset: r.preset,
    active: r.active,
    version: r.current_version,
    definition: r.definition as JourneyDefinition,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}

export async function getJourney(db: Db, merchantId: string, id: string): Promise<JourneyView> {
  const j = (await listJourneys(db, merchantId)).find((x) => x.id === id);
  if (!j) throw new NotFoundError('Journey', { id });
  return j;
}

/** Creates a journey (version 1). */
export async function createJourney(
  db: Db,
  r: { merchantId: string; name: string; active: boolean; definition: JourneyDefinition; preset?: string },
): Promise<JourneyView> {
  const definition = journeyDefinitionSchema.parse(r.definition);
  const id = newId('jny');
  await withTransaction(db, async (tx) => {
    await tx
      .insertInto('journeys')
      .values({
        merchant_id: r.merchantId,
        id,
        name: r.name,
        preset: r.preset ?? null,
        active: r.active,
        current_version: 1,
      })
      .execute();
    await tx
      .insertInto('journey_versions')
      .values({
        merchant_id: r.merchantId,
        journey_id: id,
        version: 1,
        definition: JSON.stringify(definition),
      })
      .execute();
  });
  return getJourney(db, r.merchantId, id);
}

/**
 * Saves a new version (customers already inside keep the version they entered) and/or switches the journey
 * on or off. Switching off stops new enrollments; enrollments in progress finish.
 */
export async function updateJourney(
  db: Db,
  r: { merchantId: string; id: string; name?: string; active?: boolean; definition?: JourneyDefinition },
): Promise<JourneyView> {
  await withTransaction(db, async (tx) => {
    const j = await tx
      .selectFrom('journeys')
      .selectAll()
      .where('merchant_id', '=', r.merchantId)
      .where('id', '=', r.id)
      .forUpdate()
      .executeTakeFirst();
    if (!j) throw new NotFoundError('Journey', { id: r.id });
    let version = j.current_version;
    if (r.definition) {
      version++;
      await tx
        .insertInto('journey_versions')
        .values({
          merchant_id: r.merchantId,
          journey_id: r.id,
          version,
          definition: JSON.stringify(journeyDefinitionSchema.parse(r.definition)),
        })
        .execute();
    }
    await tx
      .updateTable('journeys')
      .set({
        name: r.name ?? j.name,
        active: r.active ?? j.active,
        current_version: version,
        updated_at: new Date(),
      })
      .where('merchant_id', '=', r.merchantId)
      .where('id', '=', r.id)
      .execute();
  });
  return getJourney(db, r.merchantId, r.id);
}

/** One click: the preset becomes an active journey of the merchant (once; enabling again re-activates it). */
export async function enablePreset(
  db: Db,
  r: { merchantId: string; key: string; params?: PresetParams },
): Promise<JourneyView> {
  const p = preset(r.key);
  if (!p) throw new NotFoundError(`Preset "${r.key}"`);
  const existing = (await listJourneys(db, r.merchantId)).find((j) => j.preset === p.key);
  if (existing) {
    if (existing.active)
      throw new ConflictError('preset_enabled', `The "${p.name}" journey is already on.`, {
        journeyId: existing.id,
      });
    return updateJourney(db, {
      merchantId: r.merchantId,
      id: existing.id,
      active: true,
      definition: p.definition(r.params ?? {}),
    });
  }
  return createJourney(db, {
    merchantId: r.merchantId,
    name: p.name,
    active: true,
    definition: p.definition(r.params ?? {}),
    preset: p.key,
  });
}
