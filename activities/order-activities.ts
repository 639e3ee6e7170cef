import { Context } from '@temporalio/activity';
import { type Logger } from '../config/logger';
import { type CanonicalOrder, DEFAULT_ORDER_POLICY, type OrderKey, type OrderPolicy } from '../domain';
import { type AlertSink, workflowUiLink } from './alerts';
import { withFailureMapping } from './failures';
import {
  type CreditNoteInput,
  type CreditNoteRef,
  type CustomerIds,
  type DeliveryInfo,
  type OdooOperations,
  type SaleOrderRef,
} from './odoo/types';

export interface OrderActivityDeps {
  odoo: OdooOperations;
  alerts: AlertSink;
  logger: Logger;
  temporalUiUrl: string;
  /** The channel account's lifecycle timers (from config). */
  policyFor?: (key: OrderKey) => OrderPolicy | undefined;
  /** Stock sync is running: order workflows report their sales to the SKU workflows. */
  inventoryEnabled?: boolean;
}

export interface RaiseAlertInput {
  key: OrderKey;
  reason: string;
  severity: 'warning' | 'error';
}

export interface SettleReturnedGoodsInput {
  key: OrderKey;
  saleOrderId: number;
  /** domain/ids.ts odooReturnedGoodsRef of the refund. */
  reference: string;
  /** Units that come back into stock, by SKU. */
  restock: { sku: string; quantity: number }[];
  /** Units written off (scrapped), by SKU. */
  writeOff: { sku: string; quantity: number }[];
  /** Warehouse code receiving restocked goods (returns rule); default: where they were shipped from. */
  warehouseCode?: string;
}

export interface SettledReturnedGoods {
  returned: { sku: string; quantity: number }[];
  writtenOff: { sku: string; quantity: number }[];
  /** Names of the Odoo return pickings and scraps. */
  records: string[];
}

export function createOrderActivities(deps: OrderActivityDeps) {
  const log = (key: OrderKey) => {
    const info = Context.current().info;
    return deps.logger.child({
      channel: key.channel,
      account: key.account,
      orderId: key.externalId,
      workflowId: info.workflowExecution?.workflowId,
      activity: info.activityType,
      attempt: info.attempt,
    });
  };
  // The account's tolerance, read where loadOrderPolicy reads the policy: the workflow need not pass it.
  const totalTolerance = (key: OrderKey): string => (deps.policyFor?.(key) ?? DEFAULT_ORDER_POLICY).totalTolerance;
  const checkTotal = async (key: OrderKey, saleOrderId: number, order: CanonicalOrder): Promise<void> => {
    const total = await deps.odoo.checkSaleOrderTotal({ saleOrderId, order, tolerance: totalTolerance(key) });
    log(key).info({ saleOrderId, odooTotal: total.odoo, expectedTotal: total.expected }, 'sale order total checked');
  };
  return withFailureMapping({
    async loadOrderPolicy(input: { key: OrderKey }): Promise<OrderPolicy> {
      const policy = deps.policyFor?.(input.key) ?? DEFAULT_ORDER_POLICY;
      return { ...policy, feedsInventory: deps.inventoryEnabled ?? false };
    },
    async ensureCustomer(input: { key: OrderKey; order: CanonicalOrder }): Promise<CustomerIds> {
      const ids = await deps.odoo.ensureCustomer({ order: input.order });
      log(input.key).info({ partnerId: ids.partnerId }, 'customer ready');
      return ids;
    },
    /** Free stock per warehouse code and SKU, for the routing rule. */
    async readStockForRouting(input: { key: OrderKey; skus: string[] }): Promise<Record<string, Record<string, number>>> {
      const levels = await deps.odoo.readStock({ skus: input.skus });
      const byWarehouse: Record<string, Record<string, number>> = {};
      for (const l of levels) (byWarehouse[l.warehouse] ??= {})[l.sku] = l.free;
      return byWarehouse;
    },
    async ensureSaleOrder(input: { key: OrderKey; order: CanonicalOrder; customer: CustomerIds; warehouseCode?: string }): Promise<SaleOrderRef> {
      const ref = await deps.odoo.ensureSaleOrder(input);
      log(input.key).info({ saleOrderId: ref.saleOrderId, created: ref.created }, ref.created ? 'sale order created' : 'sale order found by binding');
      // A found order is compared again: the retry after a person corrected it in Odoo passes here.
      await checkTotal(input.key, ref.saleOrderId, input.order);
      return ref;
    },
    async confirmSaleOrder(input: { key: OrderKey; saleOrderId: number }): Promise<SaleOrderRef> {
      const ref = await deps.odoo.confirmSaleOrder({ saleOrderId: input.saleOrderId });
      log(input.key).info({ saleOrderId: ref.saleOrderId, state: ref.state }, 'sale order confirmed');
      return ref;
    },
    async updateSaleOrder(input: { key: OrderKey; saleOrderId: number; order: CanonicalOrder }): Promise<SaleOrderRef> {
      const { key, saleOrderId, order } = input;
      // No address on the edit means the channel did not disclose it, not that it was removed: keep Odoo's.
      if (order.shippingAddress) await deps.odoo.updateDeliveryAddress({ saleOrderId, address: order.shippingAddress });
      const ref = await deps.odoo.updateSaleOrderLines({ saleOrderId, order });
      log(key).info({ saleOrderId: ref.saleOrderId }, 'sale order updated from an edit');
      await checkTotal(key, saleOrderId, order);
      return ref;
    },
    async cancelSaleOrder(input: { key: OrderKey; saleOrderId: number }): Promise<SaleOrderRef> {
      const ref = await deps.odoo.cancelSaleOrder({ saleOrderId: input.saleOrderId });
      log(input.key).info({ saleOrderId: ref.saleOrderId, state: ref.state }, 'sale order cancelled');
      return ref;
    },
    async readSaleOrder(input: { key: OrderKey }): Promise<SaleOrderRef | undefined> {
      return deps.odoo.findSaleOrder({ key: input.key });
    },
    async readDeliveries(input: { key: OrderKey; saleOrderId: number }): Promise<DeliveryInfo[]> {
      return deps.odoo.readDeliveries({ saleOrderId: input.saleOrderId });
    },
    async createCreditNote(input: { key: OrderKey; note: CreditNoteInput }): Promise<CreditNoteRef> {
      const ref = await deps.odoo.createCreditNote(input.note);
      log(input.key).info({ creditNoteId: ref.creditNoteId, total: ref.total, created: ref.created }, 'credit note ready');
      return ref;
    },
    /**
     * Returned goods of one refund: restocked ones come back through a return of the delivery, written-off ones
     * are scrapped; both once per reference. Answers what Odoo holds for the reference (earlier attempts included).
     */
    async settleReturnedGoods(input: SettleReturnedGoodsInput): Promise<SettledReturnedGoods> {
      const { key, saleOrderId, reference } = input;
      const returned = input.restock.length > 0 ? await deps.odoo.restockReturnedGoods({ saleOrderId, reference, lines: input.restock, warehouseCode: input.warehouseCode }) : undefined;
      const scrapped = input.writeOff.length > 0 ? await deps.odoo.writeOffReturnedGoods({ saleOrderId, reference, lines: input.writeOff }) : undefined;
      const settled = {
        returned: returned?.lines ?? [],
        writtenOff: scrapped?.lines ?? [],
        records: [...(returned?.records ?? []), ...(scrapped?.records ?? [])].map((r) => r.name),
      };
      log(key).info(settled, 'returned goods settled in Odoo');
      return settled;
    },
    async raiseAlert(input: RaiseAlertInput): Promise<void> {
      const info = Context.current().info;
      const workflowId = info.workflowExecution?.workflowId ?? 'unknown';
      const runId = info.workflowExecution?.runId ?? 'unknown';
      await deps.alerts.raise({
        severity: input.severity,
        reason: input.reason,
        channel: input.key.channel,
        account: input.key.account,
        externalOrderId: input.key.externalId,
        workflowId,
        runId,
        link: workflowUiLink(deps.temporalUiUrl, info.workflowNamespace ?? 'default', workflowId, runId),
      });
    },
  });
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
