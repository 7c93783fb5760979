/**
 * The public contract of fleet runs (issue 9): what the API routes under /api/fleet-runs, the fleet
 * report (kind 'fleet' under /api/reports) and the CLI's `run --hosts` return. Universal (no server-only
 * imports): the fleet pages and their pure view functions (lib/fleet/views) import these types.
 *
 * A fleet run is one request that starts one run per host and tool: `toolIds` on every selected host
 * (or the whole dashboard: every catalog tool that can run there). Each host's part is an ordinary run
 * (PublicRun, with its own page, events, result and exports), linked to the fleet run by Run.fleetRunId.
 *
 * Routes (role in brackets):
 *   POST /api/fleet-runs                      [operator] StartFleetRunInput -> 201 { fleetRun: PublicFleetRun }
 *        a selector that matches no host: 400 { error: { code: 'empty_selection', message } };
 *        a malformed selector or body: 422 { error: { code: 'validation', message } }
 *   GET  /api/fleet-runs?limit=&before=       [viewer]   FleetRunPage (newest first; `before` = nextBefore of the previous page)
 *   GET  /api/fleet-runs/[id]                 [viewer]   { fleetRun: PublicFleetRun }
 *   GET  /api/fleet-runs/[id]/events          [viewer]   SSE, see FleetSseEvents (`?partials=0`: no partial results)
 *   POST /api/fleet-runs/[id]/cancel          [operator] { fleetRun: PublicFleetRun } (every host's run: queued ones
 *        are dequeued, executing ones get SIGINT on their host and keep what bpftrace printed: maps kept)
 *   GET  /api/fleet-runs/[id]/results?toolId= [viewer]   FleetToolResults
 *   GET  /api/fleet-runs/[id]/export?toolId=&format=csv|folded|json[&kernelSuffix=0] [viewer] one file over every
 *        host: csv with a leading `host` column, folded stacks with the host as root frame, json { toolId, hosts: [{ host, runId, result }] }
 *   POST /api/fleet-runs/[id]/report          [operator] { report: { id } } (201 when made now, 200 when it existed;
 *        409 while a host still runs, or while the automatic one is being written; made by itself right
 *        after the last host's run ends: FleetRunSummary.reportId, GET /api/runs/<a host's run>/report)
 *   GET  /api/reports/[id]                    [viewer]   { report: PublicReport } with kind 'fleet' and `fleet: PublicFleetReport`
 *   GET  /api/reports/[id]/fleet-results?toolId= [viewer] FleetToolResults from the report's snapshot
 *   GET  /api/settings/fleet                  [viewer]   FleetSettings ; PUT [admin] { fanout } -> FleetSettings
 */
import type { PublicRun, RunProgress, RunStatus } from '@/lib/runs/types';

/** Body of POST /api/fleet-runs: `selector` (lib/hosts/selector syntax) and/or `hostIds` (their union). */
export interface StartFleetRunInput {
  selector?: string;
  hostIds?: string[];
  /** tool ids, or 'dashboard': every catalog tool that can run on each host, started together there */
  toolIds: string[] | 'dashboard';
  /** whole seconds; each tool keeps to its own limits (a dashboard clamps, as on one host) */
  durationSec: number;
}

/**
 * A fleet run's status, derived from its runs:
 *   running    some host's run is queued, connecting or running
 *   completed  every run completed (tools skipped on a host do not count against it)
 *   partial    ended; some runs completed, others failed (or were cancelled without a cancel of the fleet run)
 *   failed     ended; no run completed (also: nothing could be started at all)
 *   cancelled  ended after POST .../cancel (whatever each host's run then became)
 */
export const FLEET_RUN_STATUSES = ['running', 'completed', 'partial', 'failed', 'cancelled'] as const;
export type FleetRunStatus = (typeof FLEET_RUN_STATUSES)[number];

/** Runs by status, plus `skipped`: (host, tool) pairs that were never started (see FleetHost.skipped). */
export type FleetCounts = Record<RunStatus, number> & { skipped: number };

export interface FleetHostSkip {
  toolId: string;
  /** the plain reason from the host's last check, e.g. "kprobes cannot attach: ..." */
  reason: string;
}

export interface FleetHost {
  hostId: string;
  hostName: string;
  /** the host's tags when the fleet run started */
  tags: Record<string, string>;
  address: string;
  /** online CPUs from the host's check (`getconf _NPROCESSORS_ONLN`); null before a check recorded it */
  cpuCount: number | null;
  /**
   * One run per tool started on this host (catalog order). A host that could not be started at all (its
   * host key is not pinned) still has its runs, `failed` at once with that reason; a changed host key,
   * an unreachable host or a wrong login fail when the host's turn comes, each with its own reason.
   */
  runs: PublicRun[];
  /** tools that cannot run on this host, with the reason; they have no run */
  skipped: FleetHostSkip[];
}

export interface PublicFleetRun {
  id: string;
  status: FleetRunStatus;
  /** the selector as given; null when only hostIds were given */
  selector: string | null;
  /** the tools asked for ('dashboard' kept as such) */
  toolIds: string[] | 'dashboard';
  durationSec: number;
  /** at most this many hosts execute at once (the fleet.fanout setting when the run started) */
  fanout: number;
  requestedBy: string;
  createdAt: string;
  /** when the last run ended; null while running */
  endedAt: string | null;
  cancelRequested: boolean;
  counts: FleetCounts;
  /** ordered by host name */
  hosts: FleetHost[];
}

/** A line of the fleet history (no per-host runs). */
export interface FleetRunSummary {
  id: string;
  status: FleetRunStatus;
  selector: string | null;
  toolIds: string[] | 'dashboard';
  durationSec: number;
  fanout: number;
  requestedBy: string;
  createdAt: string;
  endedAt: string | null;
  hostCount: number;
  counts: FleetCounts;
  /** the fleet report, once made */
  reportId: string | null;
}

export interface FleetRunPage {
  fleetRuns: FleetRunSummary[];
  /** pass as ?before= for the next (older) page; null on the last page */
  nextBefore: string | null;
}

/** One host's result of one tool (GET .../results?toolId=X, and the fleet report). */
export interface FleetHostResult {
  hostId: string;
  hostName: string;
  tags: Record<string, string>;
  /** every address of the host (its registered address, and what that name resolves to on the server), for tcplife matching */
  addresses: string[];
  cpuCount: number | null;
  runId: string;
  status: RunStatus;
  errorMessage: string | null;
  /** exactly a single run's result as GET /api/runs/[id]/result gives it (the view's: a profile's full stacks stay on the server); null without one */
  result: unknown;
}

export interface FleetToolResults {
  toolId: string;
  /** one per host that has a run of this tool (skipped hosts are absent), ordered by host name */
  hosts: FleetHostResult[];
}

/**
 * Server-sent events of GET /api/fleet-runs/[id]/events. Event name -> data:
 *   snapshot  PublicFleetRun (first, always), then for every run of the fleet run:
 *   run       { runId, hostId, run: PublicRun }
 *   progress  { runId, hostId, progress: RunProgress }
 *   partial   { runId, hostId, result: unknown }         (not sent with ?partials=0)
 *   done      { runId, hostId, run: PublicRun, result: unknown | null }   (one host's run ended; result omitted with ?partials=0)
 *   fleet     PublicFleetRun (after the last run ended; then the stream closes)
 */
export type FleetSseEvents = {
  snapshot: PublicFleetRun;
  run: { runId: string; hostId: string; run: PublicRun };
  progress: { runId: string; hostId: string; progress: RunProgress };
  partial: { runId: string; hostId: string; result: unknown };
  done: { runId: string; hostId: string; run: PublicRun; result?: unknown | null };
  fleet: PublicFleetRun;
};

/**
 * The fleet report: an immutable snapshot of a whole fleet run, made when its last run ends (or by
 * POST .../report). Model: one Report of kind 'fleet' (title, requestedBy, times; Report.fleetJson holds
 * the fleet run's selector, tools, fan-out and each host's snapshot below), and under it one Report of
 * kind 'fleet-host' per host that ran something (Report.parentReportId), which is an ordinary one-host
 * report: host snapshot (name, address, kernel, bpftrace version), one item per tool with its script
 * text, result and raw output, its own exports at /api/reports/<hostReportId>/export. Host reports
 * are not listed in GET /api/reports; deleting the fleet report deletes them.
 *
 * GET /api/reports/[id] of a fleet report: the usual PublicReport fields (hostName = "N hosts", items
 * empty) plus `fleet`, below. `results` carries every host's results per tool (FleetHostResult[], the
 * snapshot's values), so the merged views render from this one response; GET
 * /api/reports/[id]/fleet-results?toolId=X returns one tool's part alone.
 */
export interface PublicFleetReport {
  fleetRunId: string;
  selector: string | null;
  toolIds: string[] | 'dashboard';
  fanout: number;
  /** the fleet run's status when the report was made */
  status: FleetRunStatus;
  counts: FleetCounts;
  hosts: FleetReportHost[];
  /** tool id -> every host's result of it */
  results: Record<string, FleetHostResult[]>;
}

export interface FleetReportHost {
  /** the host's own report (kind 'fleet-host'); null when nothing ran there (every tool skipped) */
  reportId: string | null;
  /** null when the host was deleted since */
  hostId: string | null;
  hostName: string;
  tags: Record<string, string>;
  address: string;
  addresses: string[];
  cpuCount: number | null;
  kernelRelease: string | null;
  bpftraceVersion: string | null;
  items: Array<{ toolId: string; runId: string | null; status: string; errorMessage: string | null; hasResult: boolean }>;
  skipped: FleetHostSkip[];
}

export interface FleetSettings {
  /** hosts executing at once per fleet run (BPFDECK_FLEET_FANOUT is the default; also bounded by BPFDECK_MAX_CONCURRENT_RUNS) */
  fanout: number;
}
