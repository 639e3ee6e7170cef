import { userError } from '../errors';
import { browse, createRecord, type Env, type ModelDef, type Rec, rawValue } from '../orm';
import { firstId } from './base';
import { char, date, float, many2one, one2many, selection } from './fields';

// Customer invoices and credit notes (account.move with move_type out_invoice / out_refund).

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const round2 = (n: number) => Math.round(n * 100) / 100;

function moveLines(env: Env, move: Rec): Rec[] {
  return env.store.all('account.move.line').filter((l) => l.move_id === move.id);
}

function post(env: Env, move: Rec): void {
  if (move.state !== 'draft') throw userError(`Only draft entries can be posted (${String(move.name)}).`);
  if (moveLines(env, move).length === 0) throw userError('You need to add a line before posting.');
  const today = env.now().slice(0, 10);
  move.invoice_date = move.invoice_date || today;
  const prefix = move.move_type === 'out_refund' ? 'RINV' : 'INV';
  move.name = `${prefix}/${today.slice(0, 4)}/${String(env.store.nextSequence(`account.move.${prefix}`)).padStart(5, '0')}`;
  move.state = 'posted';
  move.write_date = env.now();
}

/** What the invoicing wizard does for "delivered/ordered quantities": one posted invoice per order. */
export function invoiceSaleOrders(env: Env, orderIds: number[]): number[] {
  const created: number[] = [];
  for (const order of browse(env, 'sale.order', orderIds)) {
    if (!['sale', 'done'].includes(String(order.state))) throw userError(`Order ${String(order.name)} is not confirmed; nothing to invoice.`);
    const lines = env.store.all('sale.order.line').filter((l) => l.order_id === order.id && !l.display_type);
    const id = createRecord(env, 'account.move', {
      move_type: 'out_invoice',
      partner_id: order.partner_invoice_id,
      invoice_origin: order.name,
      currency_id: rawValue(env, 'sale.order', order, 'currency_id'),
      invoice_line_ids: lines.map((l) => [0, 0, { product_id: l.product_id, name: l.name, quantity: l.product_uom_qty, price_unit: l.price_unit, discount: l.discount ?? 0, sale_line_id: l.id }]),
    });
    post(env, browse(env, 'account.move', [id])[0]!);
    created.push(id);
  }
  return created;
}

export function accountModels(): ModelDef[] {
  return [
    {
      name: 'account.move',
      fields: {
        name: char({ default: () => '/' }),
        move_type: selection(['entry', 'out_invoice', 'out_refund', 'in_invoice', 'in_refund'], { default: () => 'entry' }),
        state: selection(['draft', 'posted', 'cancel'], { default: () => 'draft' }),
        partner_id: many2one('res.partner'),
        invoice_origin: char(),
        ref: char(),
        invoice_date: date(),
        currency_id: many2one('res.currency', { default: (env) => env.store.all('res.company')[0]?.currency_id ?? false }),
        company_id: many2one('res.company', { default: (env) => firstId(env, 'res.company') }),
        invoice_line_ids: one2many('account.move.line', 'move_id'),
        reversed_entry_id: many2one('account.move'),
        payment_state: selection(['not_paid', 'in_payment', 'paid', 'partial', 'reversed'], { default: () => 'not_paid' }),
        amount_untaxed: float({ compute: (env, rec) => round2(moveLines(env, rec).reduce((s, l) => s + lineSubtotal(l), 0)) }),
        amount_total: float({ compute: (env, rec) => round2(moveLines(env, rec).reduce((s, l) => s + lineSubtotal(l), 0)) }),
      },
      beforeUnlink: (_env, recs) => {
        if (recs.some((r) => r.state === 'posted')) throw userError('You cannot delete an entry which has been posted once.');
      },
      methods: {
        action_post: { params: [], run: (env, { ids }) => { for (const m of browse(env, 'account.move', ids)) post(env, m); return false; } },
        button_draft: {
          params: [],
          run: (env, { ids }) => {
            for (const m of browse(env, 'account.move', ids)) { m.state = 'draft'; m.write_date = env.now(); }
            return true;
          },
        },
        button_cancel: {
          params: [],
          run: (env, { ids }) => {
            for (const m of browse(env, 'account.move', ids)) {
              if (m.state !== 'draft') throw userError('Only draft journal entries can be cancelled.');
              m.state = 'cancel';
              m.write_date = env.now();
            }
            return true;
          },
        },
      },
    },
    {
      name: 'account.move.line',
      fields: {
        move_id: many2one('account.move', { required: true, ondelete: 'cascade' }),
        product_id: many2one('product.product'),
        name: char(),
        quantity: float({ default: () => 1.0 }),
        price_unit: float(),
        discount: float(),
        sale_line_id: many2one('sale.order.line'),
        price_subtotal: float({ compute: (_env, rec) => round2(lineSubtotal(rec)) }),
      },
    },
  ];
}

function lineSubtotal(line: Rec): number {
  return num(line.quantity) * num(line.price_unit) * (1 - num(line.discount) / 100);
}
