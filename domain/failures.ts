// ApplicationFailure types shared by activities (which throw them) and workflows (which act on them).
export const FAILURE = {
  odooAccess: 'OdooAccessError',
  odooBusiness: 'OdooBusinessError',
  odooTransient: 'OdooTransientError',
  odooProtocol: 'OdooProtocolError',
  channelRateLimited: 'ChannelRateLimited',
  channelTransient: 'ChannelTransient',
  channelAuth: 'ChannelAuthError',
  channelRejected: 'ChannelRejected',
  channelProtocol: 'ChannelProtocolError',
  /** An address Odoo cannot take as it is (a country it does not know): fix Odoo, then retry. */
  addressRejected: 'AddressRejected',
  /** Odoo's sale order total differs from the channel's beyond the policy's totalTolerance. */
  taxMismatch: 'TaxMismatch',
} as const;

export type FailureType = (typeof FAILURE)[keyof typeof FAILURE];
