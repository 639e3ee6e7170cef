import { type Client } from '@temporalio/client';
import { orderWorkflowId, type OrderKey } from '../../domain';
import { startStack, type Stack, type StackOptions } from '../../scripts/lib/stack';
import { orderStateQuery, type OrderState } from '../../workflows/messages';
import { connectTest, eventually } from './temporal';

export interface TestStack {
  stack: Stack;
  client: Client;
  /** Stops the stack, then closes the client. */
  close(): Promise<void>;
}

/** The demo's stack on the test run's Temporal server, plus a client to look at the workflows. */
export async function startTestStack(options: Omit<StackOptions, 'temporalAddress'>): Promise<TestStack> {
  const t = await connectTest();
  const stack = await startStack({ temporalAddress: process.env.TEMPORAL_TEST_ADDRESS!, ...options });
  return {
    stack,
    client: t.client,
    async close() {
      await stack.stop();
      await t.close();
    },
  };
}

/**
 * Lookups of a Shopify order's workflow on a test stack, and a placer of paid orders to one US address. `of` is
 * read at each call, so it can point at the stack a beforeAll starts.
 */
export function shopifyOrders(of: () => { stack: Stack; client: Client }, address1: string) {
  const keyOf = (externalId: string): OrderKey => ({ channel: 'shopify', account: of().stack.shopifyAccount, externalId });
  const handleOf = (externalId: string) => of().client.workflow.getHandle(orderWorkflowId(keyOf(externalId)));
  const stateOf = (externalId: string) => handleOf(externalId).query(orderStateQuery);
  const until = (externalId: string, ok: (s: OrderState) => boolean) => eventually(`state of ${externalId}`, () => stateOf(externalId), ok);
  const place = (lines: { sku: string; quantity: number; price: string }[]) =>
    of().stack.shopify.admin.createOrder({
      lines,
      customer: { firstName: 'Dorothy', lastName: 'Vaughan', email: 'dorothy@example.com' },
      shippingAddress: { firstName: 'Dorothy', lastName: 'Vaughan', address1, city: 'Hampton', zip: '23681', country: 'United States', countryCode: 'US' },
      financialStatus: 'paid',
    });
  return { keyOf, handleOf, stateOf, until, place };
}
