// What an adapter throws. Activities turn it into an ApplicationFailure (see activities/failures.ts).

export type ChannelErrorKind =
  /** 429 or a vendor's throttling body; retry after retryAfterMs. */
  | 'rate_limited'
  /** 5xx, timeout, refused connection. */
  | 'transient'
  /** 401/403 or a rejected token. */
  | 'auth'
  /** Other 4xx or a business rejection (userErrors, validation). Retrying will not help. */
  | 'rejected'
  /** The vendor answered something the adapter's zod schema refuses. */
  | 'protocol';

export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  constructor(
    message: string,
    readonly kind: ChannelErrorKind,
    readonly details: { status?: number; retryAfterMs?: number; vendorCode?: string } = {},
  ) {
    super(message);
  }
}
