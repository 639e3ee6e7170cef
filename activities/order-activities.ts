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
      return ref;
    },
    async confirmSaleOrder(input: { key: OrderKey; saleOrderId: number }): Promise<SaleOrderRef> {
      const ref = await deps.odoo.confirmSaleOrder({ saleOrderId: input.saleOrderId });
      log(input.key).info({ saleOrderId: ref.saleOrderId, state: ref.state }, 'sale order confirmed');
      return ref;
    },
    async updateSaleOrder(input: { key: OrderKey; saleOrderId: number; order: CanonicalOrder }): Promise<SaleOrderRef> {
      const ref = await deps.odoo.updateSaleOrderLines({ saleOrderId: input.saleOrderId, order: input.order });
      log(input.key).info({ saleOrderId: ref.saleOrderId }, 'sale order updated from an edit');
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
