// eBay's RESTful error envelope: {errors:[{errorId, domain, category, message, longMessage?, parameters?}]}.

export type EbayDomain = 'API_FULFILLMENT' | 'API_INVENTORY' | 'API_NOTIFICATION' | 'ACCESS' | 'OAuth';

export interface EbayErrorEntry {
  errorId: number;
  domain: EbayDomain;
  category: 'REQUEST' | 'APPLICATION' | 'BUSINESS';
  message: string;
  longMessage?: string;
  parameters?: { name: string; value: string }[];
}

export function errorBody(...errors: EbayErrorEntry[]): { errors: EbayErrorEntry[] } {
  return { errors };
}

export function requestError(domain: EbayDomain, errorId: number, message: string): EbayErrorEntry {
  return { errorId, domain, category: 'REQUEST', message };
}

/** The throttle body eBay returns with HTTP 429 once a quota is spent. */
export const THROTTLED = errorBody({
  errorId: 2001,
  domain: 'ACCESS',
  category: 'REQUEST',
  message: 'Too many requests.',
  longMessage: 'The request limit has been reached for the resource.',
});

export const INVALID_TOKEN = errorBody({
  errorId: 1001,
  domain: 'OAuth',
  category: 'REQUEST',
  message: 'Invalid access token',
  longMessage: 'Invalid access token. Check the value of the Authorization HTTP request header.',
});

/** The "system error" each API documents for its 500 answers. */
export function systemError(domain: EbayDomain): { errors: EbayErrorEntry[] } {
  const id = domain === 'API_INVENTORY' ? 25001 : domain === 'API_NOTIFICATION' ? 195000 : 30500;
  return errorBody({ errorId: id, domain, category: 'APPLICATION', message: 'A system error has occurred.' });
}
