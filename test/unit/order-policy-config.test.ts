import { parseChannelsConfig } from '../../config';

// The per-account order policy's ship-by warning and returns rule, as the channels file gives them.

const yaml = (orders: string) => `
odoo: { url: http://127.0.0.1:8069, database: channelsync, login: bot }
channels:
  - channel: shopify
    account: demo-shop
    apiUrl: http://127.0.0.1:8071
    orders: ${orders}
`;
const env = { ODOO_SECRET: 'pw' };
const problems = (orders: string): string => {
  try {
    parseChannelsConfig(yaml(orders), env);
  } catch (err) {
    return (err as Error).message;
  }
  return '';
};

describe('order policy: ship-by warning and returns rule', () => {
  it('defaults to a 12-hour warning and following the channel\'s restock flag', () => {
    const [channel] = parseChannelsConfig(yaml('{}'), env).channels;
    expect(channel?.orders).toMatchObject({ shipByWarning: '12 hours', returns: { rule: 'channel' } });
  });

  it('takes a warning, a rule and the warehouse restocked goods go to', () => {
    const [channel] = parseChannelsConfig(yaml("{ shipByWarning: '6 hours', returns: { rule: restock, warehouse: RET } }"), env).channels;
    expect(channel?.orders).toMatchObject({ shipByWarning: '6 hours', returns: { rule: 'restock', warehouse: 'RET' } });
    expect(parseChannelsConfig(yaml('{ returns: { rule: write-off } }'), env).channels[0]?.orders?.returns).toEqual({ rule: 'write-off' });
  });

  it('lists every problem with its path', () => {
    expect(problems("{ shipByWarning: soon, returns: { rule: donate } }")).toMatch(/channels\.0\.orders\.shipByWarning[\s\S]*channels\.0\.orders\.returns\.rule/);
    expect(problems('{ returns: { rule: write-off, warehouse: WH } }')).toMatch(/channels\.0\.orders\.returns\.warehouse: a warehouse only applies to restocked goods/);
    expect(problems('{ returns: { rule: restock, bin: A1 } }')).toMatch(/channels\.0\.orders\.returns: Unrecognized key.*bin/);
  });

  it('takes a total tolerance as decimal text, 0.01 by default, and refuses a number or a negative one', () => {
    expect(parseChannelsConfig(yaml('{}'), env).channels[0]?.orders?.totalTolerance).toBe('0.01');
    expect(parseChannelsConfig(yaml("{ totalTolerance: '0.05' }"), env).channels[0]?.orders?.totalTolerance).toBe('0.05');
    expect(problems('{ totalTolerance: 0.05 }')).toMatch(/channels\.0\.orders\.totalTolerance: a non-negative decimal amount in quotes/);
    expect(problems("{ totalTolerance: '-1' }")).toMatch(/channels\.0\.orders\.totalTolerance: a non-negative decimal amount in quotes/);
  });
});
