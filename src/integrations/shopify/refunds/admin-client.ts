import { z } from 'zod';

/** The Admin REST API version every call names. */
export const SHOPIFY_API_VERSION = '2024-10';

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * A refused call. `permanent` is true for answers that asking again will not change (4xx other than 429):
 * the caller records them; anything else (429, 5xx, network) is worth a retry.
 */
export class ShopifyApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

export interface ShopifyAdmin {
  get<T>(path: string, schema: z.ZodType<T>): Promise<T>;
  post<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T>;
}

/**
 * A minimal Admin REST client for one shop. Without a configured base URL the shop domain must be a
 * *.myshopify.com name (Shopify owns that zone), so a merchant-typed domain cannot aim our requests at an
 * internal address; an operator-set base URL (a proxy, a test fake) is trusted as configured.
 */
export function shopifyAdmin(opts: {
  shop: string;
  token: string;
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}): ShopifyAdmin {
  const shop = opts.shop.trim().toLowerCase();
  if (!opts.baseUrl && !SHOP_DOMAIN.test(shop)) {
    throw new ShopifyApiError(`The shop domain ${shop} is not a *.myshopify.com domain.`, null, true);
  }
  const base = `${(opts.baseUrl ?? `https://${shop}`).replace(/\/+$/, '')}/admin/api/${SHOPIFY_API_VERSION}`;
  const doFetch = opts.fetch ?? fetch;

  async function call<T>(method: 'GET' | 'POST', path: string, body: unknown, schema: z.ZodType<T>) {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: {
          'x-shopify-access-token': opts.token,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
        redirect: 'error',
      });
    } catch (err) {
      throw new ShopifyApiError(`Shopify could not be reached: ${(err as Error).message}`, null, false);
    }
    const text = await res.text();
    if (!res.ok) {
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 429;
      throw new ShopifyApiError(
        `Shopify answered ${res.status}: ${errorMessage(text)}`.slice(0, 1000),
        res.status,
        permanent,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ShopifyApiError(
        `Shopify answered ${res.status} with a body that is not JSON.`,
        res.status,
        false,
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ShopifyApiError(
        `Shopify's answer to ${method} ${path} has an unexpected shape: ${parsed.error.message}`.slice(
          0,
          1000,
        ),
        res.status,
        false,
      );
    }
    return parsed.data;
  }

  return {
    get: (path, schema) => call('GET', path, undefined, schema),
    post: (path, body, schema) => call('POST', path, body, schema),
  };
}

/** Shopify's error bodies: {"errors": "text"}, {"errors": {"field": ["text"]}} or {"errors": ["text"]}. */
export function errorMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return body.trim().slice(0, 500) || '(empty body)';
  }
  const errors =
    (json as { errors?: unknown; error?: unknown } | null)?.errors ?? (json as { error?: unknown })?.error;
  if (typeof errors === 'string') return errors;
  if (Array.isArray(errors)) return errors.map(String).join('; ');
  if (errors && typeof errors === 'object') {
    return Object.entries(errors)
      .map(([field, v]) => `${field}: ${Array.isArray(v) ? v.map(String).join(', ') : String(v)}`)
      .join('; ');
  }
  return body.slice(0, 500);
}

const id = z.union([z.number(), z.string()]).transform((v) => String(v));

export const shopifyTransaction = z.looseObject({
  id,
  kind: z.string(),
  status: z.string().nullish(),
  amount: z.string(),
  gateway: z.string().nullish(),
  parent_id: id.nullish(),
  currency: z.string().nullish(),
});
export type ShopifyTransaction = z.infer<typeof shopifyTransaction>;

export const transactionsResponse = z.looseObject({ transactions: z.array(shopifyTransaction) });
export const refundsResponse = z.looseObject({
  refunds: z.array(z.looseObject({ id, note: z.string().nullish() })),
});
export const refundResponse = z.looseObject({ refund: z.looseObject({ id }) });
