import { z } from 'zod';
import { type EmptyParamSigning } from './signing';
import { type Country } from './state';

// Everything the spec leaves unverified is a setting here, so adapter tests can try each value.

export interface DarazSimulatorOptions {
  host?: string;
  port?: number;
  country?: Country;
  appKey?: string;
  appSecret?: string;
  /** Callback URL registered for the app; /oauth/authorize must be given exactly this. */
  redirectUri?: string;
  /** A token that works from the start (as if the seller had authorised already). */
  accessToken?: string;
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
  /** false: refresh_expires_in is 0 and refresh is refused. */
  refreshable?: boolean;
  /** Doc samples show token numbers as strings in one version and numbers in another. */
  tokenNumbersAsStrings?: boolean;
  timestampSkewSeconds?: number;
  /** Exact code for a stale timestamp is unverified. */
  timestampErrorCode?: string;
  emptyParamSigning?: EmptyParamSigning;
  products?: { sellerSku: string; price: string; quantity: number; name?: string }[];
  settings?: Partial<DarazSettings>;
}

export const DarazSettings = z.object({
  /** Response timestamps: orders/get sample shape or the item-sample shape. */
  timeStyle: z.enum(['iso', 'space']),
  /** Ids as JSON numbers instead of strings (both are seen). */
  idsAsNumbers: z.boolean(),
  /** Whether created_after/update_after include the boundary second. */
  afterFilterInclusive: z.boolean(),
  offsetCeiling: z.number().int().positive(),
  /** Calls per second per API before ApiCallLimit; 0 = unlimited. */
  qps: z.number().nonnegative(),
  /** Throttle answers as HTTP 429 instead of the usual HTTP 200 with a code (both are seen). */
  throttleAsHttp429: z.boolean(),
  /** Mega-campaign lock: stock may only go up (4170). */
  campaignStockLock: z.boolean(),
  /** Loopback URL the push messages go to; empty = record only. */
  pushUrl: z.string(),
  pushSite: z.string(),
  pushTimestampUnit: z.enum(['ms', 's']),
  pushRetryAttempts: z.number().int().nonnegative(),
  pushRetryIntervalMs: z.number().int().nonnegative(),
});
export type DarazSettings = z.infer<typeof DarazSettings>;

export function defaultSettings(site: string): DarazSettings {
  return {
    timeStyle: 'space',
    idsAsNumbers: false,
    afterFilterInclusive: true,
    offsetCeiling: 5000,
    qps: 0,
    throttleAsHttp429: false,
    campaignStockLock: false,
    pushUrl: '',
    pushSite: site,
    pushTimestampUnit: 'ms',
    pushRetryAttempts: 12,
    pushRetryIntervalMs: 30 * 60_000,
  };
}

export function assertLoopback(url: string): void {
  if (!url) return;
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`push URL must be a loopback address, got ${host}`);
  }
}
