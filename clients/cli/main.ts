// Operators' CLI: find orders by status, read one, and steer a parked one (retry / skip / cancel).
//   npm run cli -- list [--status needs_attention] [--channel shopify]
//   npm run cli -- show <workflowId>
//   npm run cli -- retry|skip|cancel <workflowId> [--note "fixed the SKU in Odoo"]
import { Client, Connection } from '@temporalio/client';
import { loadEnv } from '../../config/env';
import { ORDER_STATUSES, CHANNELS } from '../../domain';
import { operatorActionUpdate, orderStateQuery, type OperatorAction } from '../../workflows/messages';

const USAGE = `usage:
  channelsync list [--status <${ORDER_STATUSES.join('|')}>] [--channel <${CHANNELS.join('|')}>] [--limit N]
  channelsync show <workflowId>
  channelsync retry|skip|cancel <workflowId> [--note TEXT]`;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "\\'")}'`;
}

export async function runCli(args: string[], out: (line: string) => void = console.log): Promise<number> {
  const [command, target] = args;
  const env = loadEnv();
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
  try {
    if (command === 'list') {
      const status = flag(args, 'status');
      const channel = flag(args, 'channel');
      if (status && !(ORDER_STATUSES as readonly string[]).includes(status)) throw new Error(`unknown status ${status}\n${USAGE}`);
      if (channel && !(CHANNELS as readonly string[]).includes(channel)) throw new Error(`unknown channel ${channel}\n${USAGE}`);
      const clauses = [`WorkflowType = 'orderWorkflow'`];
      if (status) clauses.push(`OrderStatus = ${quote(status)}`);
      if (channel) clauses.push(`Channel = ${quote(channel)}`);
      const limit = Number(flag(args, 'limit') ?? 50);
      let n = 0;
      for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
        const sa = wf.searchAttributes ?? {};
        out(`${wf.workflowId}\t${String(sa.OrderStatus ?? '')}\t${wf.status.name}\t${wf.startTime.toISOString()}`);
        if (++n >= limit) break;
      }
      return 0;
    }
    if (command === 'show' && target) {
      const state = await client.workflow.getHandle(target).query(orderStateQuery);
      out(JSON.stringify(state, null, 2));
      out(`${env.TEMPORAL_UI_URL}/namespaces/${env.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(target)}`);
      return 0;
    }
    if ((command === 'retry' || command === 'skip' || command === 'cancel') && target) {
      const action: OperatorAction = { action: command, note: flag(args, 'note') };
      const state = await client.workflow.getHandle(target).executeUpdate(operatorActionUpdate, { args: [action] });
      out(`${target}: ${state.status}${state.lastError ? ` (last error: ${state.lastError.message})` : ''}`);
      return 0;
    }
    out(USAGE);
    return 2;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
