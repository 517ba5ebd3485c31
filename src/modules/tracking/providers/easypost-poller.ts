import type { CarrierUpdate } from '../types.ts';
import { normalizeEasyPost } from './normalize.ts';

/** A carrier we must ask: given parcels, the news about each (or an error for that parcel alone). */
export interface CarrierPoller {
  name: string;
  poll(parcel: { trackingNumber: string; carrier: string | null }): Promise<CarrierUpdate | null>;
}

const EASYPOST_CARRIER_NAMES: Record<string, string> = {
  usps: 'USPS',
  ups: 'UPS',
  fedex: 'FedEx',
  dhl_express: 'DHLExpress',
  canadapost: 'CanadaPost',
  purolator: 'Purolator',
  ontrac: 'OnTrac',
  amazon: 'AmazonShipping',
};

/**
 * Asks EasyPost about a parcel: `POST /v2/trackers` returns the tracker for the code (creating it the first
 * time, the existing one after), in the same Tracker shape as its webhooks.
 */
export function easyPostPoller(opts: { apiUrl: string; apiKey: string; timeoutMs?: number }): CarrierPoller {
  const auth = `Basic ${Buffer.from(`${opts.apiKey}:`).toString('base64')}`;
  return {
    name: 'easypost',
    async poll({ trackingNumber, carrier }) {
      const res = await fetch(`${opts.apiUrl.replace(/\/+$/, '')}/v2/trackers`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          tracker: {
            tracking_code: trackingNumber,
            ...(carrier ? { carrier: EASYPOST_CARRIER_NAMES[carrier] ?? carrier } : {}),
          },
        }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new Error(`EasyPost answered ${res.status} for ${trackingNumber}`);
      return normalizeEasyPost(await res.json());
    },
  };
}
