import { z } from 'zod';
import { ACCOUNT_NAME_PATTERN, CHANNELS } from './channel-names';

export { CHANNELS } from './channel-names';
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** An account is the operator's own short name for one seller account on one channel. */
export const AccountName = z
  .string()
  .regex(ACCOUNT_NAME_PATTERN, 'account names are lower-case letters, digits and dashes (max 63)');
