import { type z } from 'zod';

export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): string {
  return issues
    .map((issue) => {
      const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))].join('.');
      return `  - ${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}
