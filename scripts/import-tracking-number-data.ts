/**
 * Rebuilds src/modules/tracking/numbers/definitions.json from jkeen/tracking_number_data (MIT).
 * The upstream checkout is not shipped: production reads only the generated file.
 *
 *   npx tsx scripts/import-tracking-number-data.ts [path/to/tracking_number_data]
 *
 * Default source: ../shared/data/tracking_number_data beside the repository. Re-run it when upstream
 * changes, then review the diff of definitions.json (and NOTICE.md if the licence changed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
export const DEFAULT_SOURCE = path.join(ROOT, '..', 'shared', 'data', 'tracking_number_data');
const TARGET = path.join(ROOT, 'src', 'modules', 'tracking', 'numbers', 'definitions.json');

/**
 * Names customers know the posts by, where upstream's UPU-directory names ("CORREIOS", "Posten Sweden Post",
 * "Post Danmark") are dated or formal. Ours; upstream's name is used for every other country.
 */
const POST_NAMES: Record<string, string> = {
  BR: 'Correios',
  CN: 'China Post',
  DE: 'Deutsche Post',
  DK: 'PostNord',
  ES: 'Correos',
  FR: 'La Poste',
  GB: 'Royal Mail',
  NL: 'PostNL',
  NO: 'Posten',
  PT: 'CTT',
  SE: 'PostNord',
  US: 'USPS',
};

interface UpstreamLookup {
  matches?: string;
  country?: string;
  courier?: string;
}
interface UpstreamFormat {
  id?: string;
  name: string;
  regex: string | string[];
  tracking_url?: string | null;
  validation?: {
    checksum?: { name: string } & Record<string, unknown>;
    serial_number_format?: { prepend_if?: { matches_regex: string; content: string } };
    additional?: { exists?: string[] };
  };
  additional?: { name: string; regex_group_name: string; lookup: UpstreamLookup[] }[];
}
interface UpstreamCourier {
  name: string;
  courier_code: string;
  tracking_numbers: UpstreamFormat[];
}

/**
 * We match the number with its whitespace already removed, so upstream's `\s*` (which lets a regex span
 * spaces) are dropped, as is whitespace in the pattern itself (upstream means it to be ignored).
 * A `\s` that is not optional would change the meaning: refuse it rather than guess.
 */
export function cleanRegex(source: string | string[]): string {
  const joined = (Array.isArray(source) ? source.join('') : source).replace(/[ \t\r\n]+/g, '');
  let out = '';
  let inClass = false;
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c === '\\') {
      const next = joined[i + 1];
      if (next === 's') {
        if (inClass) {
          i++;
          continue;
        }
        if (joined[i + 2] === '*') {
          i += 2;
          continue;
        }
        throw new Error(`required whitespace (\\s without *) in ${joined}`);
      }
      out += c + (next ?? '');
      i++;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  new RegExp(out); // fails the import on a pattern JavaScript cannot compile
  return out;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

function convertFormat(f: UpstreamFormat, taken: Set<string>) {
  // A few upstream formats have no id; their name makes a stable one ("LaserShip 1LS7 (18)" -> lasership_1ls7_18).
  const id = f.id ?? slug(f.name);
  if (taken.has(id)) throw new Error(`duplicate format id ${id}`);
  taken.add(id);
  const v = f.validation ?? {};
  const prepend = v.serial_number_format?.prepend_if;
  // Only tables that decide validity are kept: upstream's `validation.additional.exists` (today the S10
  // issuing-post table). Service-type and similar tables describe a number but never refuse one.
  const required = (v.additional?.exists ?? []).map((name) => {
    const table = f.additional?.find((a) => a.name === name);
    if (!table) throw new Error(`${id}: validation requires missing table ${name}`);
    return table;
  });
  const issuers = required.find((t) => t.lookup.every((l) => l.matches && l.country));
  if (required.length !== (issuers ? 1 : 0)) throw new Error(`${id}: unsupported required table`);
  return {
    id,
    name: f.name,
    regex: cleanRegex(f.regex),
    checksum: v.checksum ?? null,
    serialFormat: prepend
      ? { prependIf: { matchesRegex: cleanRegex(prepend.matches_regex), content: prepend.content } }
      : null,
    trackingUrl: f.tracking_url ?? null,
    ...(issuers
      ? {
          issuerGroup: issuers.regex_group_name,
          issuers: Object.fromEntries(
            [...issuers.lookup]
              .sort((a, b) => a.matches!.localeCompare(b.matches!))
              .map((l) => [l.matches!, { country: l.country!, post: l.courier ?? null }]),
          ),
        }
      : {}),
  };
}

export type Definitions = ReturnType<typeof convert>;

/** Upstream checkout -> our definitions object. Pure apart from reading the files. */
export function convert(sourceDir: string) {
  const sourceMd = readFileSync(path.join(sourceDir, 'SOURCE.md'), 'utf8');
  const commit = /@ ([0-9a-f]{40})/.exec(sourceMd)?.[1];
  if (!commit) throw new Error('SOURCE.md does not name the upstream commit');
  const dir = path.join(sourceDir, 'couriers');
  const couriers = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as UpstreamCourier;
      const taken = new Set<string>();
      return {
        code: c.courier_code,
        name: c.name,
        formats: c.tracking_numbers.map((f) => convertFormat(f, taken)),
      };
    });
  return {
    source: `https://github.com/jkeen/tracking_number_data @ ${commit}`,
    license:
      'MIT, Copyright (c) 2017 Jeff Keen; full text in NOTICE.md. Generated by scripts/import-tracking-number-data.ts',
    notes:
      'Each regex is matched, anchored, against the number uppercased with whitespace removed (and dashes, ' +
      'unless the regex has a literal dash). trackingUrl: %s is the number. postNames override the issuing ' +
      "post's name in S10 results.",
    postNames: POST_NAMES,
    couriers,
  };
}

/** One line, spaced the way the formatter writes small objects and arrays. */
function flat(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(flat).join(', ')}]`;
  const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${flat(v)}`);
  return entries.length ? `{ ${entries.join(', ')} }` : '{}';
}

/** Small objects on one line, so the 191-country table stays one entry a line. */
function toJson(value: unknown, indent = ''): string {
  const line = flat(value);
  if (value === null || typeof value !== 'object' || indent.length + line.length <= 100) return line;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + toJson(v, inner)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${toJson(v, inner)}`);
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function main() {
  const source = path.resolve(process.argv[2] ?? DEFAULT_SOURCE);
  if (!existsSync(path.join(source, 'couriers'))) {
    console.error(`no couriers/ under ${source}`);
    process.exit(1);
  }
  const defs = convert(source);
  writeFileSync(TARGET, `${toJson(defs)}\n`);
  // Leave the file as the formatter wants it, so a re-import without upstream changes shows no diff.
  spawnSync(path.join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', TARGET], {
    stdio: 'inherit',
  });
  const formats = defs.couriers.reduce((n, c) => n + c.formats.length, 0);
  // The CLI speaks to a person; biome allows console only in src/cli and bench.
  process.stdout.write(
    `wrote ${path.relative(ROOT, TARGET)}: ${defs.couriers.length} couriers, ${formats} formats\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
