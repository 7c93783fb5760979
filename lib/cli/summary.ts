/**
 * A short text summary of a typed result for a terminal (the full result is `--json`): the kind's
 * descriptor's summary (lib/results/kinds/). Pure. Text from the traced machine (comm, paths) is shown
 * with control characters escaped (lib/cli/text.ts), so a file name cannot move the cursor or fake lines.
 */
import { descriptorOf } from '@/lib/results/registry';

export { safeText } from '@/lib/cli/text';

export function summarize(result: unknown): string {
  const d = descriptorOf(result);
  if (d) return d.summary(result as never).join('\n') + '\n';
  const r = result as { kind?: unknown };
  return (r && typeof r === 'object' ? `result of kind ${String(r.kind)} (use --json)` : 'no result') + '\n';
}
