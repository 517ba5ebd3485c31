import definitions from './numbers/definitions.json' with { type: 'json' };

/**
 * How a carrier's slug reads to a customer: "ups" is "UPS", "dhl_express" is "DHL Express". Slugs come
 * from integrations and merchants in many spellings, so they are compared without case, spaces or
 * punctuation; an unknown slug is shown as given rather than guessed at.
 */
const NAMES = new Map<string, string>();
const key = (slug: string) => slug.toLowerCase().replace(/[^a-z0-9]/g, '');
for (const courier of definitions.couriers) NAMES.set(key(courier.code), courier.name);
for (const name of Object.values(definitions.postNames)) NAMES.set(key(name), name);
for (const [slug, name] of Object.entries({
  usps: 'USPS',
  dhl_express: 'DHL Express',
  dhl_ecommerce: 'DHL eCommerce',
  dhl_parcel_de: 'DHL Paket',
  canadapost: 'Canada Post',
  royalmail: 'Royal Mail',
  australiapost: 'Australia Post',
  laposte: 'La Poste',
  chronopost: 'Chronopost',
  gls: 'GLS',
  hermes: 'Hermes',
  bpost: 'bpost',
  budbee: 'Budbee',
  instabox: 'Instabox',
  jadlog: 'Jadlog',
  loggi: 'Loggi',
  seur: 'SEUR',
  mrw: 'MRW',
  bring: 'Bring',
  postnl: 'PostNL',
})) {
  NAMES.set(key(slug), name);
}

export function carrierName(slug: string | null): string | null {
  if (!slug) return null;
  return NAMES.get(key(slug)) ?? slug;
}
