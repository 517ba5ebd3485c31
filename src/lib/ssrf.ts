import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ValidationError } from './errors.ts';

/**
 * A guard for requests to URLs that merchants type in (webhook endpoints): without it, "https://169.254.169.254/"
 * or "http://localhost:5432/" would make this server probe its own network on a merchant's behalf.
 *
 * Two checks, because one is not enough: `assertPublicUrl` refuses the URL up front (with a message a
 * merchant can act on), and `safeLookup` is handed to http.request so the address actually connected to is
 * checked again. Between the two a hostname can change its answer (DNS rebinding); the second check is
 * the one that counts.
 */

/** Resolves a host name to every address it has; dns.lookup (getaddrinfo, /etc/hosts included) by default. */
export type Resolver = (hostname: string, options?: LookupOptions) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname, options) =>
  dns.lookup(hostname, { ...options, all: true, verbatim: true });

export interface SsrfOptions {
  /** Let private, loopback and link-local targets through (self-hosters whose endpoints are on their LAN). */
  allowPrivate?: boolean;
  resolve?: Resolver;
}

function unsafe(message: string, details?: unknown): ValidationError {
  return new ValidationError(message, details, 'unsafe_url');
}

const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * The name of the special range `address` is in, or null when it is ordinary public unicast. Anything
 * ipaddr.js does not call "unicast" is refused: an allow-list, so a range we did not think of is closed.
 * IPv6 forms that carry an IPv4 address inside (mapped, NAT64, 6to4) are judged by that address.
 */
export function blockedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  const ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv4') {
    const range = ip.range();
    return range === 'unicast' ? null : range;
  }
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'ipv4Mapped') return blockedRange(v6.toIPv4Address().toString());
  if (range === '6to4') return blockedRange(embeddedIPv4(v6.parts[1]!, v6.parts[2]!));
  if (v6.match(NAT64)) return blockedRange(embeddedIPv4(v6.parts[6]!, v6.parts[7]!));
  if (range !== 'unicast') return range;
  // ::a.b.c.d (deprecated IPv4-compatible); '::' and '::1' were caught above as unspecified and loopback.
  if (v6.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return null;
}

function embeddedIPv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Hosts that are local by definition (RFC 6761), refused without asking DNS. */
function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Parses `input` and refuses it unless it is an http(s) URL without credentials whose host (every address it
 * resolves to) is public. Returns the parsed URL. Throws ValidationError code `unsafe_url` when refused,
 * `unresolvable_host` when the name does not resolve (which may be temporary).
 */
export async function assertPublicUrl(input: string | URL, opts: SsrfOptions = {}): Promise<URL> {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw unsafe('The URL is not a valid absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw unsafe(`Only http and https URLs can be used, not ${url.protocol.slice(0, -1)}.`);
  }
  if (url.username || url.password) {
    throw unsafe(
      'The URL must not contain a user name or password; authenticate with the signature instead.',
    );
  }
  if (opts.allowPrivate) return url;
  // WHATWG parsing has already turned "2130706433" and "0x7f.1" into 127.0.0.1, and wraps IPv6 in [].
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    checkAddress(url.hostname, host);
    return url;
  }
  if (isLocalName(host)) throw unsafe(`${host} points at this server, not at a public address.`, { host });
  let addresses: LookupAddress[];
  try {
    addresses = await (opts.resolve ?? systemResolver)(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(`The host ${host} could not be resolved.`, { host, code }, 'unresolvable_host');
  }
  if (addresses.length === 0) {
    throw new ValidationError(`The host ${host} has no addresses.`, { host }, 'unresolvable_host');
  }
  for (const a of addresses) checkAddress(host, a.address);
  return url;
}

function checkAddress(host: string, address: string): void {
  const range = blockedRange(address);
  if (range === null) return;
  const via = host === address || `[${address}]` === host ? '' : ` (it resolves to ${address})`;
  throw unsafe(`${host}${via} is a ${range} address; only public internet addresses can be used.`, {
    host,
    address,
    range,
  });
}

/**
 * A `lookup` for http.request / net.connect that resolves like the default one but fails the connection
 * when any address is not public. Node calls it with `all: true` when it races IPv4 and IPv6
 * (autoSelectFamily), so both callback shapes are served. IP-literal hosts never reach a lookup: check
 * them with assertPublicUrl first.
 */
export function safeLookup(opts: SsrfOptions = {}): LookupFunction {
  const resolve = opts.resolve ?? systemResolver;
  return (hostname, options, callback) => {
    const { all, ...rest } = options as LookupOptions & { all?: boolean };
    resolve(hostname, rest).then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw new ValidationError(`The host ${hostname} has no addresses.`);
          if (!opts.allowPrivate && isLocalName(hostname)) checkAddress(hostname, '127.0.0.1');
          if (!opts.allowPrivate) for (const a of addresses) checkAddress(hostname, a.address);
        } catch (err) {
          callback(err as NodeJS.ErrnoException, '', 0);
          return;
        }
        if (all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
