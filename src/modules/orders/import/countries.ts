/**
 * Country names (as a file writes them) to ISO 3166-1 alpha-2, built from Intl's own English names plus
 * the spellings found in real exports (EIRE, RSA, USA, ...). Unknown names give null.
 */
const ALIASES: Record<string, string> = {
  eire: 'IE',
  rsa: 'ZA',
  usa: 'US',
  uk: 'GB',
  'united kingdom': 'GB',
  'channel islands': 'JE',
  'czech republic': 'CZ',
  brasil: 'BR',
  españa: 'ES',
  sverige: 'SE',
};

let byName: Map<string, string> | null = null;

export function countryCode(name: string | null | undefined): string | null {
  if (!name) return null;
  const key = name.trim().toLowerCase();
  if (/^[a-z]{2}$/.test(key)) return key.toUpperCase();
  if (!byName) {
    byName = new Map();
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const n = names.of(code);
        if (n && n !== code) byName.set(n.toLowerCase(), code);
      }
    }
  }
  return ALIASES[key] ?? byName.get(key) ?? null;
}
