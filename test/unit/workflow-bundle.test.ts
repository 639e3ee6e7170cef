import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsPath } from '../../workers/order-worker';

// The worker evaluates the modules a workflow imports again for every workflow instance it creates (one per
// order, one per SKU): a schema library in the bundle costs milliseconds per instance, which a restock of
// thousands of SKUs pays thousands of times. Lint stops direct imports; this catches transitive ones.
describe('workflow bundle', () => {
  it('holds no zod and no module of domain that builds schemas', async () => {
    const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: silent });
    const modules = [...code.matchAll(/^\/\*\*\*\/ "(\.\/[^"]+)"/gm)].map((m) => m[1]!);
    expect(modules.length).toBeGreaterThan(10);
    expect(modules.filter((m) => m.includes('node_modules/zod/'))).toEqual([]);
    expect(modules.filter((m) => /^\.\/domain\/(index|channels|money|order|events|policy|status)\.ts$/.test(m))).toEqual([]);
    expect(modules).toContain('./domain/ids.ts');
  }, 60_000);
});
