import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { type OdooSimulator, startOdooSimulator } from '../../simulators/odoo';

// The simulator's RAW answers (plain fetch, no client) against shapes written down from the spec in
// test/fixtures/odoo/. The fixtures' own spec examples must pass the same schemas.

const dir = join(__dirname, '..', 'fixtures', 'odoo');
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
const schema = (name: string): ValidateFunction => ajv.compile(fixture(name) as object);
const shapes = {
  success: schema('jsonrpc-success.schema.json'),
  error: schema('jsonrpc-error.schema.json'),
  version: schema('common-version.schema.json'),
  json2Error: schema('json2-error.schema.json'),
  webVersion: schema('web-version.schema.json'),
  partner: schema('partner-read.schema.json'),
};
const examples = fixture('spec-examples.json') as Record<string, unknown>;

function conforms(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value);
  if (!ok) throw new Error(`${JSON.stringify(value).slice(0, 400)}\n does not match: ${ajv.errorsText(validate.errors)}`);
}

it('the spec examples match the fixture shapes (the fixtures say what the spec says)', () => {
  conforms(shapes.success, examples.jsonrpcSuccess);
  conforms(shapes.error, examples.jsonrpcError);
  conforms(shapes.version, examples.commonVersion17);
  conforms(shapes.webVersion, examples.webVersion19);
  expect(shapes.error(examples.jsonrpcSuccess)).toBe(false);
  expect(shapes.success(examples.jsonrpcError)).toBe(false);
});

describe.each([16, 17, 18, 19] as const)('Odoo %i simulator wire fidelity', (version) => {
  let sim: OdooSimulator;
  let uid: number;
  let nextId = 100;

  async function rpc(service: string, method: string, args: unknown[]): Promise<{ status: number; body: Record<string, unknown> }> {
    const id = nextId++;
    const res = await fetch(`${sim.url}/jsonrpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id, params: { service, method, args } }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.id).toBe(id);
    return { status: res.status, body };
  }
  const object = (model: string, method: string, args: unknown[], kw: Record<string, unknown> = {}, secret = sim.password) =>
    rpc('object', 'execute_kw', [sim.database, uid, secret, model, method, args, kw]);

  async function json2(path: string, body: unknown, key = sim.apiKey) {
    const res = await fetch(`${sim.url}/json/2/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `bearer ${key}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }

  beforeAll(async () => {
    sim = await startOdooSimulator({ version, seed: 'demo' });
    const auth = await rpc('common', 'authenticate', [sim.database, sim.login, sim.password, {}]);
    uid = auth.body.result as number;
  });
  afterAll(async () => sim.close());

  it('common.version and /web/version', async () => {
    const { status, body } = await rpc('common', 'version', []);
    expect(status).toBe(200);
    conforms(shapes.success, body);
    conforms(shapes.version, body.result);
    expect((body.result as { server_version_info: unknown[] }).server_version_info[0]).toBe(version);
    const web = await fetch(`${sim.url}/web/version`);
    conforms(shapes.webVersion, await web.json());
  });

  it('authenticate answers a uid, or false on bad credentials (not an error)', async () => {
    expect(typeof uid).toBe('number');
    const bad = await rpc('common', 'authenticate', [sim.database, sim.login, 'wrong', {}]);
    conforms(shapes.success, bad.body);
    expect(bad.body.result).toBe(false);
  });

  it('every object call re-checks the secret: AccessDenied in the error envelope at HTTP 200', async () => {
    const { status, body } = await object('res.partner', 'search', [[]], {}, 'wrong');
    expect(status).toBe(200);
    conforms(shapes.error, body);
    const error = body.error as { code: number; data: { name: string; message: string } };
    expect(error.code).toBe(version >= 19 ? 0 : 200);
    expect(error.data).toMatchObject({ name: 'odoo.exceptions.AccessDenied', message: 'Access Denied' });
  });

  it('errors carry name, message, arguments, context and debug', async () => {
    const missingName = await object('res.partner', 'create', [{ email: 'x@example.com' }]);
    conforms(shapes.error, missingName.body);
    const data = (missingName.body.error as { data: { name: string; message: string; arguments: unknown[] } }).data;
    expect(data.name).toBe('odoo.exceptions.ValidationError');
    expect(data.arguments).toEqual([data.message]);
    const unknownModel = await object('no.such.model', 'search', [[]]);
    conforms(shapes.error, unknownModel.body);
    expect((unknownModel.body.error as { data: { name: string; message: string } }).data).toMatchObject({ name: 'odoo.exceptions.UserError', message: "Object no.such.model doesn't exist" });
    const privateMethod = await object('sale.order', '_action_confirm', [[1]]);
    expect((privateMethod.body.error as { data: { name: string } }).data.name).toBe('odoo.exceptions.AccessError');
  });

  it('reads: id always, false for empty values, many2one as [id, name], naive UTC datetimes', async () => {
    const parent = await object('res.partner', 'create', [{ name: 'Parent Co', is_company: true }]);
    conforms(shapes.success, parent.body);
    expect(typeof parent.body.result).toBe('number');
    const created = await object('res.partner', 'create', [[{ name: 'Child', parent_id: parent.body.result }, { name: 'Other' }]]);
    expect(created.body.result).toEqual([expect.any(Number), expect.any(Number)]);
    const childId = (created.body.result as number[])[0];
    const read = await object('res.partner', 'read', [[childId], ['name', 'email', 'street', 'parent_id', 'country_id', 'child_ids', 'write_date']]);
    const row = (read.body.result as Record<string, unknown>[])[0];
    conforms(shapes.partner, row);
    expect(row!.parent_id).toEqual([parent.body.result, 'Parent Co']);
    const written = await object('res.partner', 'write', [[childId], { email: 'c@example.com' }]);
    expect(written.body.result).toBe(true);
    const found = await object('res.partner', 'search_read', [[['email', '=ilike', 'C@EXAMPLE.COM']]], { fields: ['name'] });
    expect(found.body.result).toEqual([{ id: childId, name: 'Child' }]);
  });

  it('per-version fields: sale order lock, storable flag, line tax/uom names', async () => {
    const order = await object('sale.order', 'search_read', [[]], { fields: ['state'], limit: 1 });
    conforms(shapes.success, order.body);
    const lockedRead = await object('sale.order', 'search_read', [[]], { fields: ['locked'], limit: 1 });
    if (version >= 17) conforms(shapes.success, lockedRead.body);
    else expect((lockedRead.body.error as { data: { name: string } }).data.name).toBe('builtins.ValueError');
    const storable = await object('product.product', 'search_read', [[['default_code', '=', 'MUG-WHITE']]], { fields: version >= 18 ? ['type', 'is_storable'] : ['type'] });
    expect((storable.body.result as Record<string, unknown>[])[0]).toMatchObject(version >= 18 ? { type: 'consu', is_storable: true } : { type: 'product' });
    const lineFields = await object('sale.order.line', 'fields_get', [], {});
    const names = Object.keys(lineFields.body.result as object);
    expect(names).toContain(version >= 19 ? 'tax_ids' : 'tax_id');
    expect(names).toContain(version >= 19 ? 'product_uom_id' : 'product_uom');
    expect(names).not.toContain(version >= 19 ? 'tax_id' : 'tax_ids');
    const moveFields = Object.keys((await object('stock.move', 'fields_get', [], {})).body.result as object);
    expect(moveFields).toContain(version >= 17 ? 'quantity' : 'quantity_done');
    expect(moveFields).not.toContain(version >= 17 ? 'quantity_done' : 'quantity');
  });

  it('JSON-2 exists only from 19: bearer key, named args + ids + context, bare values and bare errors', async () => {
    if (version < 19) {
      const res = await fetch(`${sim.url}/json/2/res.partner/search`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `bearer ${sim.apiKey}` }, body: '{}' });
      expect(res.status).toBe(404);
      return;
    }
    const unauthorized = await json2('res.partner/search', { domain: [] }, 'not-a-key');
    expect(unauthorized.status).toBe(401);
    conforms(shapes.json2Error, unauthorized.body);
    expect(unauthorized.body).toMatchObject({ name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey' });

    const ok = await json2('product.product/search_read', { domain: [['default_code', '=', 'MUG-WHITE']], fields: ['default_code', 'uom_id'], limit: 1, context: { lang: 'en_US' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual([{ id: expect.any(Number), default_code: 'MUG-WHITE', uom_id: [1, 'Units'] }]);

    const partner = await json2('res.partner/create', { vals_list: [{ name: 'J2' }] });
    expect(partner.body).toEqual([expect.any(Number)]);
    const write = await json2('res.partner/write', { ids: partner.body, vals: { name: 'J2b' } });
    expect(write).toEqual({ status: 200, body: true });

    const notFound = await json2('res.partner/no_such_method', {});
    expect(notFound.status).toBe(404);
    conforms(shapes.json2Error, notFound.body);
    const idsOnModelMethod = await json2('res.partner/search', { ids: [1], domain: [] });
    expect(idsOnModelMethod.status).toBe(422);
    const badKwarg = await json2('res.partner/search', { nonsense: 1 });
    expect(badKwarg.status).toBe(422);
    const userError = await json2('sale.order/action_confirm', { ids: [999999] });
    expect(userError.status).toBe(404);
    expect(userError.body).toMatchObject({ name: 'odoo.exceptions.MissingError' });
    const validation = await json2('res.partner/create', { vals_list: [{ email: 'nameless@example.com' }] });
    expect(validation.status).toBe(422);
    conforms(shapes.json2Error, validation.body);
  });
});
