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
} as const;

export type FailureType = (typeof FAILURE)[keyof typeof FAILURE];
