import { z } from 'zod';

// Shapes of what Odoo answers. Empty values are `false`, many2one values are [id, display name].

export const OdooFalse = z.literal(false);
export const Many2one = z.union([z.tuple([z.number().int(), z.string()]), OdooFalse]);
export const OdooString = z.union([z.string(), OdooFalse]);
export const Ids = z.array(z.number().int());

export const ErrorData = z.object({
  name: z.string(),
  message: z.string(),
  arguments: z.array(z.unknown()).optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  debug: z.string().optional(),
});

export const JsonRpcResponse = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.unknown(),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string(), data: ErrorData.partial().optional() }).optional(),
});

export const Json2Error = ErrorData.partial().extend({ message: z.string() });

export const VersionInfo = z.object({
  server_version: z.string(),
  server_version_info: z.array(z.union([z.number(), z.string()])).min(1),
});
export const WebVersion = z.object({ version_info: z.array(z.union([z.number(), z.string()])).min(1), version: z.string() });

export const Uid = z.union([z.number().int().positive(), OdooFalse]);

export const m2oId = (v: z.infer<typeof Many2one>): number | undefined => (v === false ? undefined : v[0]);
export const m2oName = (v: z.infer<typeof Many2one>): string | undefined => (v === false ? undefined : v[1]);
export const str = (v: string | false): string | undefined => (v === false || v === '' ? undefined : v);
