import { type Client } from '@temporalio/client';
import { startStack, type Stack, type StackOptions } from '../../scripts/lib/stack';
import { connectTest } from './temporal';

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
