import { type ModelDef } from '../orm';
import { type VersionProfile } from '../versions';
import { accountModels } from './account';
import { baseModels } from './base';
import { partnerModels } from './partner';
import { productModels } from './product';
import { returnModels } from './returns';
import { saleModels } from './sale';
import { stockModels } from './stock';

export function buildModels(profile: VersionProfile): Record<string, ModelDef> {
  const all = [...baseModels(), ...partnerModels(profile), ...productModels(profile), ...stockModels(profile), ...returnModels(profile), ...saleModels(profile), ...accountModels()];
  return Object.fromEntries(all.map((m) => [m.name, m]));
}
