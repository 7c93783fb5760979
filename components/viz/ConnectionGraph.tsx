'use client';
/**
 * Connection graph (tcplife): endpoints as nodes, connections as curves whose width grows with the
 * bytes they carried. Two columns (see lib/viz/graph.ts): where connections come from on the left,
 * where they go on the right. Hover or focus an endpoint to highlight its connections; hover a curve
 * for its numbers. Capped at `maxNodes` endpoints (the busiest), with the rest counted.
 *
 * Processes are grouped by command (lib/viz/graph-group.ts): the PIDs of one command are one node,
 * "curl · 85 PIDs"; click (or Enter on) a group to show its PIDs, and one of those to group them again.
 * The SVG is a group of controls, not an image (an image's children are presentational, so focusable
 * endpoints inside it were "nested interactive" to axe and screen readers).
 */
import { useRovingFocus } from '@/components/ui/useRovingFocus';
import { type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionsResult } from '@/lib/tools/types';
import { escapeControl, formatBytes } from '@/lib/viz/format';
import { DEFAULT_MAX_GRAPH_NODES, type LaidEdge, type LaidNode, layoutGraph } from '@/lib/viz/graph';
import { type GroupedNode, groupByCommand } from '@/lib/viz/graph-group';
import { EscapedText } from '@/components/viz/EscapedText';
import { VizEmpty, VizError, VizSkeleton } from '@/components/viz/VizStates';

export interface ConnectionGraphProps {
  graph: ConnectionsResult['graph'] | null | undefined;
  /** accessible name, e.g. "TCP connections" */
  label: string;
  loading?: boolean;
  error?: unknown;
  /** endpoints drawn at most (the busiest by bytes) */
  maxNodes?: number;
}

function useWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  const [w, setW] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (el.clientWidth > 0) setW(el.clientWidth);
    const ro = new ResizeObserver(() => el.clientWidth > 0 && setW(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return w;
}

const MAX_LABEL_CHARS = 32;
/** px per character of the 11px monospace labels */
const LABEL_CHAR_PX = 6.7;
/** A label fit for one SVG text line: control characters escaped, long ones cut (the full one is in the title). */
function shortLabel(s: string): string {
  const e = escapeControl(s);
  return e.length > MAX_LABEL_CHARS ? `${e.slice(0, MAX_LABEL_CHARS - 1)}…` : e;
}

export function ConnectionGraph({ graph, label, loading, error, maxNodes = DEFAULT_MAX_GRAPH_NODES }: ConnectionGraphProps) {
  if (error) return <VizError label={label} error={error} />;
  if (!graph) return loading ? <VizSkeleton label={label} heightPx={320} /> : <VizEmpty label={label}>No connections.</VizEmpty>;
  if (graph.nodes.length === 0) return <VizEmpty label={label}>No connections were seen{loading ? ' yet' : ''}.</VizEmpty>;
  return <GraphBody graph={graph} label={label} maxNodes={maxNodes} />;
}

type Hover = { kind: 'node'; id: string } | { kind: 'edge'; edge: LaidEdge } | null;

function GraphBody({ graph: raw, label, maxNodes }: { graph: ConnectionsResult['graph']; label: string; maxNodes: number }) {
  const wrap = useRef<HTMLDivElement>(null);
  const width = useWidth(wrap, 800);
  /** commands shown one node per PID; every other command with several PIDs is one node */
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [ungrouped, setUngrouped] = useState(false);
  const grouped = useMemo(() => groupByCommand(raw, expanded), [raw, expanded]);
  const graph = ungrouped ? raw : grouped;
  const meta = useMemo(() => new Map<string, GroupedNode>(grouped.nodes.map((n) => [n.id, n])), [grouped]);
  const toggle = (comm: string) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(comm)) next.delete(comm);
      else next.add(comm);
      return next;
    });
  // room for the longest label (as cut by shortLabel) on each side
  const labelPx = useMemo(
    () => Math.round(16 + LABEL_CHAR_PX * graph.nodes.reduce((m, n) => Math.max(m, Math.min(MAX_LABEL_CHARS, escapeControl(n.label).length)), 4)),
    [graph],
  );
  const layout = useMemo(() => layoutGraph(graph, { maxNodes, widthPx: Math.max(labelPx * 2 + 200, width), labelPx }), [graph, maxNodes, width, labelPx]);
  const [hover, setHover] = useState<Hover>(null);
  const byId = useMemo(() => new Map(layout.nodes.map((n) => [n.id, n])), [layout]);
  const activeNode = hover?.kind === 'node' ? hover.id : null;
  const touches = (e: LaidEdge) => activeNode !== null && (e.source === activeNode || e.target === activeNode);
  const leftCount = layout.nodes.filter((n) => n.side === 'left').length;
  // the endpoints are one Tab stop; the arrow keys move between them
  useRovingFocus(wrap, '[data-testid="graph-node"]', { orientation: 'both' });

  return (
    <figure aria-label={`${label} graph`} className="space-y-2" data-testid="connection-graph">
      <div className="flex flex-wrap items-baseline gap-x-4 text-sm text-slate-700">
        <span data-testid="graph-summary">
          {layout.nodes.length.toLocaleString('en-US')} endpoints · {layout.edges.length.toLocaleString('en-US')} endpoint pairs ·{' '}
          {layout.edges.reduce((a, e) => a + e.connections, 0).toLocaleString('en-US')} connections
        </span>
        {layout.hiddenNodes > 0 && (
          <span data-testid="graph-more" className="text-amber-800">
            {layout.hiddenNodes.toLocaleString('en-US')} more endpoints ({formatBytes(layout.hiddenBytes)}, {layout.hiddenEdges.toLocaleString('en-US')} pairs)
            not drawn: only the {maxNodes} busiest are
          </span>
        )}
        {grouped.commands.length > 0 && (
          <span className="flex flex-wrap items-center gap-2 text-xs text-slate-600" data-testid="graph-grouping">
            {ungrouped
              ? 'one node per PID'
              : `grouped by command: ${grouped.commands.map((c) => `${escapeControl(c.comm)} (${c.pids} PIDs)`).join(', ')}; click a group to show its PIDs`}
            <button type="button" onClick={() => setUngrouped((u) => !u)} className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100">
              {ungrouped ? 'Group by command' : 'Show every PID'}
            </button>
          </span>
        )}
      </div>
      <div ref={wrap} className="relative max-h-[640px] overflow-auto rounded border border-slate-200 bg-white">
        <div className="sticky top-0 z-10 flex justify-between bg-white/90 px-2 py-1 text-xs font-medium text-slate-500">
          <span>opened from ({leftCount})</span>
          <span>connected to ({layout.nodes.length - leftCount})</span>
        </div>
        <svg
          width={layout.widthPx}
          height={layout.heightPx}
          role="group"
          aria-label={`${label}: ${layout.nodes.length} endpoints joined by ${layout.edges.length} connection lines, width by bytes`}
          className="block"
          onMouseLeave={() => setHover(null)}
        >
          <g fill="none">
            {layout.edges.map((e, i) => {
              const on = touches(e) || (hover?.kind === 'edge' && hover.edge === e);
              const dim = (activeNode !== null || hover?.kind === 'edge') && !on;
              return (
                <path
                  key={i}
                  d={e.d}
                  data-testid="graph-edge"
                  strokeWidth={e.widthPx}
                  strokeLinecap="round"
                  className={on ? 'stroke-indigo-600' : dim ? 'stroke-slate-200' : 'stroke-sky-500/50'}
                  onMouseEnter={() => setHover({ kind: 'edge', edge: e })}
                >
                  <title>{edgeText(e, byId)}</title>
                </path>
              );
            })}
          </g>
          {layout.nodes.map((n) => {
            const m = ungrouped ? undefined : meta.get(n.id);
            const action = m?.group ? ('expand' as const) : m?.comm && expanded.has(m.comm) ? ('collapse' as const) : null;
            return (
              <NodeMark
                key={n.id}
                node={n}
                pids={m?.group?.pids.length}
                action={action}
                onActivate={action && m?.comm ? () => toggle(m.comm!) : undefined}
                active={activeNode === n.id}
                onHover={(on) => setHover(on ? { kind: 'node', id: n.id } : null)}
              />
            );
          })}
        </svg>
      </div>
      <figcaption className="min-h-10 text-xs text-slate-700" aria-live="polite" data-testid="graph-details">
        {hover?.kind === 'edge' ? (
          edgeText(hover.edge, byId)
        ) : hover?.kind === 'node' && byId.get(hover.id) ? (
          <NodeDetails node={byId.get(hover.id)!} edges={layout.edges} byId={byId} />
        ) : (
          <span className="text-slate-500">
            Hover or focus an endpoint (Tab, then the arrow keys) to see its connections; line width grows with bytes carried.
          </span>
        )}
      </figcaption>
    </figure>
  );
}

function edgeText(e: LaidEdge, byId: Map<string, LaidNode>): string {
  const a = escapeControl(byId.get(e.source)?.label ?? e.source);
  const b = escapeControl(byId.get(e.target)?.label ?? e.target);
  return `${a} → ${b}: ${e.connections.toLocaleString('en-US')} connection${e.connections === 1 ? '' : 's'}, sent ${formatBytes(e.txBytes)}, received ${formatBytes(e.rxBytes)}`;
}

function NodeMark({
  node,
  active,
  onHover,
  pids,
  action,
  onActivate,
}: {
  node: LaidNode;
  active: boolean;
  onHover: (on: boolean) => void;
  /** PIDs behind a grouped node */
  pids?: number;
  /** what activating it does: show the group's PIDs, or group them again */
  action: 'expand' | 'collapse' | null;
  onActivate?: () => void;
}) {
  const left = node.side === 'left';
  const hint = action === 'expand' ? ' (activate to show each PID)' : action === 'collapse' ? ' (activate to group the PIDs of this command)' : '';
  const text = `${escapeControl(node.label)}: ${formatBytes(node.bytes)}, ${node.connections.toLocaleString('en-US')} connections${hint}`;
  return (
    <g
      tabIndex={0}
      role={onActivate ? 'button' : 'img'}
      aria-label={text}
      aria-expanded={onActivate ? action === 'collapse' : undefined}
      data-testid="graph-node"
      data-group-pids={pids}
      data-label={node.label}
      onMouseEnter={() => onHover(true)}
      onFocus={() => onHover(true)}
      onBlur={() => onHover(false)}
      onClick={onActivate}
      onKeyDown={(e) => {
        if (onActivate && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          onActivate();
        }
      }}
      className={`${onActivate ? 'cursor-pointer' : 'cursor-default'} outline-none [&:focus-visible_circle]:stroke-indigo-600 [&:focus-visible_circle]:stroke-[3px]`}
    >
      <title>{text}</title>
      {pids !== undefined && (
        <circle cx={node.x} cy={node.y} r={active ? 8 : 7} className="fill-none stroke-slate-500" strokeWidth={1.5} strokeDasharray="2 2" />
      )}
      <circle cx={node.x} cy={node.y} r={active ? 5 : 4} className={active ? 'fill-indigo-600 stroke-white' : 'fill-slate-600 stroke-white'} strokeWidth={1} />
      <text
        x={left ? node.x - 8 : node.x + 8}
        y={node.y}
        textAnchor={left ? 'end' : 'start'}
        dominantBaseline="central"
        className={`font-mono text-[11px] ${active ? 'fill-indigo-800 font-semibold' : 'fill-slate-800'}`}
      >
        {shortLabel(node.label)}
      </text>
    </g>
  );
}

function NodeDetails({ node, edges, byId }: { node: LaidNode; edges: LaidEdge[]; byId: Map<string, LaidNode> }) {
  const mine = edges.filter((e) => e.source === node.id || e.target === node.id).sort((a, b) => b.txBytes + b.rxBytes - (a.txBytes + a.rxBytes));
  return (
    <div>
      <span className="font-mono font-medium">
        <EscapedText text={node.label} />
      </span>{' '}
      {formatBytes(node.bytes)} · {node.connections.toLocaleString('en-US')} connections with {mine.length} peer{mine.length === 1 ? '' : 's'}
      {mine.length > 0 && (
        <span className="text-slate-500">
          {': '}
          {mine
            .slice(0, 5)
            .map((e) => {
              const peer = e.source === node.id ? e.target : e.source;
              return `${escapeControl(byId.get(peer)?.label ?? peer)} (${formatBytes(e.txBytes + e.rxBytes)})`;
            })
            .join(', ')}
          {mine.length > 5 ? ', …' : ''}
        </span>
      )}
    </div>
  );
}
