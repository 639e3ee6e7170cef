import { condition, defineSignal, proxyLocalActivities, setHandler } from '@temporalio/workflow';

// The least a per-SKU entity workflow can do per change: take a signal, run one local activity (the durable
// hand-off), wait for the next one. The benchmark times this on the same server to show the floor.

export const changed = defineSignal<[{ round: number }]>('changed');

const { handedOff } = proxyLocalActivities<{ handedOff(input: { id: string; round: number }): Promise<void> }>({
  startToCloseTimeout: '30 seconds',
});

export async function floorWorkflow(input: { id: string }): Promise<void> {
  const rounds: number[] = [];
  setHandler(changed, ({ round }) => {
    rounds.push(round);
  });
  for (;;) {
    await condition(() => rounds.length > 0);
    const round = rounds.splice(0, rounds.length).pop()!;
    await handedOff({ id: input.id, round });
  }
}
