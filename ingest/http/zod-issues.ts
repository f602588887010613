import type { z } from 'zod';

/** One line naming every bad field by path, e.g. "properties.revenue: expected number, received string". */
export function describeIssues(error: z.ZodError, max = 10): string {
  const lines = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  const more = error.issues.length - max;
  return more > 0 ? `${lines.join('; ')}; and ${more} more` : lines.join('; ');
}
