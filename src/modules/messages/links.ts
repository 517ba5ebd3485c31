import { signToken, verifyToken } from '../../lib/crypto.ts';

/**
 * Public links in messages carry signed tokens, never guessable ids: anyone holding a link can use it, nobody
 * can make one for another customer. Each kind has a one-letter path so links stay short.
 */
export type LinkPayload =
  | { k: 'p'; m: string; c: string } // preference page for a customer
  | { k: 'u'; m: string; c: string; ch: string; msg?: string } // one-click unsubscribe
  | { k: 's'; m: string; s: string } // survey answer
  | { k: 'c'; m: string; msg: string; u: string } // tracked click
  | { k: 'o'; m: string; msg: string } // open pixel
  | { k: 't'; m: string; o: string } // tracking page for an order
  | { k: 'r'; m: string; r: string }; // a return's status page

const PATHS: Record<LinkPayload['k'], string> = { p: 'p', u: 'u', s: 's', c: 'c', o: 'o', t: 't', r: 'r' };

export function link(publicUrl: string, secretKey: string, payload: LinkPayload): string {
  return `${publicUrl}/${PATHS[payload.k]}/${signToken(payload, secretKey)}`;
}

/** The returns portal for an order: it takes the order's tracking token, so one token opens both pages. */
export function returnsPortalLink(
  publicUrl: string,
  secretKey: string,
  merchantId: string,
  orderId: string,
): string {
  return `${publicUrl}/returns/o/${signToken({ k: 't', m: merchantId, o: orderId }, secretKey)}`;
}

export function readLink<K extends LinkPayload['k']>(
  token: string,
  secretKey: string,
  kind: K,
): Extract<LinkPayload, { k: K }> | null {
  const payload = verifyToken<LinkPayload>(token, secretKey);
  return payload && payload.k === kind ? (payload as Extract<LinkPayload, { k: K }>) : null;
}
