'use client';
/**
 * One entry point for pages: picks the view of a tool's result by the catalog's visualization kind
 * (lib/results/registry: viz -> kind descriptor; components/viz/kinds: kind -> view). The result arrives
 * untyped (JSON from the API or the live stream): its `kind` is checked against the view before it is
 * drawn, so a mismatch shows an error instead of a broken chart. A generic result is drawn by the
 * generic view whatever the tool's own view is: it is what an import falls back to when the tool's
 * parser did not recognise the records.
 */
import type { VizKind } from '@/lib/tools/catalog';
import { kindOfViz, type ResultKind } from '@/lib/results/registry';
import { KIND_VIEWS } from '@/components/viz/kinds';
import { TOOL_LABELS } from '@/lib/viz/labels';
import { VizError } from '@/components/viz/VizStates';
import type { FlameStateBinding } from '@/lib/viz/flame-url.client';

export interface ToolResultViewProps {
  /** catalog tool id: names the view and the CSV file */
  toolId: string;
  /** the catalog's visualization kind of the tool */
  viz: VizKind;
  /** a ToolResult (unknown: it comes from JSON); null/undefined = none yet */
  result: unknown;
  /** a run is under way (a result, if any, is a partial snapshot) or the result is being fetched */
  loading?: boolean;
  error?: unknown;
  /** a profile view's starting state and where its changes go (the page's URL); others ignore it */
  flameState?: FlameStateBinding;
}

export function ToolResultView({ toolId, viz, result, loading, error, flameState }: ToolResultViewProps) {
  const desc = kindOfViz(viz);
  // a tool's own label; a generic result without a catalog tool is named by its kind
  const { label, countNoun } = TOOL_LABELS[toolId] ?? { label: viz === 'generic' && desc ? desc.label : toolId };
  if (!desc) return <VizError label={label} error={`No view for visualization kind ${JSON.stringify(viz)}.`} />;
  let expected = desc.kind as ResultKind;
  const present = result !== null && result !== undefined;
  if (!error && present) {
    const kind = typeof result === 'object' ? (result as { kind?: unknown }).kind : undefined;
    if (kind === 'generic') expected = 'generic';
    else if (kind !== expected) {
      return (
        <VizError
          label={label}
          error={`The result of ${toolId} is of kind ${JSON.stringify(kind ?? typeof result)}, but its view (${viz}) draws "${expected}".`}
        />
      );
    }
  }
  const View = KIND_VIEWS[expected];
  return (
    <View
      result={(present ? result : null) as never}
      label={label}
      countNoun={countNoun}
      loading={loading}
      error={error}
      csvName={toolId}
      flameState={flameState}
    />
  );
}
