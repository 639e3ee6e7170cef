// What differs between the Odoo releases the simulator plays. Every version switch reads from here.

export type SimVersion = 16 | 17 | 18 | 19;

export interface VersionProfile {
  version: SimVersion;
  serverVersion: string;
  versionInfo: [number, number, number, string, number, string];
  /** JSON-RPC error `code`: 200 in 16-18, 0 in the 19-era code. */
  jsonRpcErrorCode: number;
  /** JSON-2 exists from 19 on. */
  json2: boolean;
  saleStates: readonly string[];
  /** 17+: boolean `locked` replaces the `done` state. */
  lockedField: boolean;
  /** <=17: storable = type 'product' (+ detailed_type); 18+: type consu + is_storable. */
  storableFlag: 'type' | 'is_storable';
  productTypes: readonly string[];
  lineTaxField: 'tax_id' | 'tax_ids';
  lineUomField: 'product_uom' | 'product_uom_id';
}

export function versionProfile(version: SimVersion): VersionProfile {
  const info: VersionProfile['versionInfo'] = [version, 0, 0, 'final', 0, ''];
  return {
    version,
    serverVersion: `${version}.0`,
    versionInfo: info,
    jsonRpcErrorCode: version >= 19 ? 0 : 200,
    json2: version >= 19,
    saleStates: version === 16 ? ['draft', 'sent', 'sale', 'done', 'cancel'] : ['draft', 'sent', 'sale', 'cancel'],
    lockedField: version >= 17,
    storableFlag: version >= 18 ? 'is_storable' : 'type',
    productTypes: version >= 18 ? ['consu', 'service', 'combo'] : ['consu', 'service', 'product'],
    lineTaxField: version >= 19 ? 'tax_ids' : 'tax_id',
    lineUomField: version >= 19 ? 'product_uom_id' : 'product_uom',
  };
}
