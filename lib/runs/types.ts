import type { VizKind } from '@/lib/results/registry';

export const RUN_STATUSES = ['queued', 'connecting', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

export interface PublicRun {
  id: string;
  hostId: string;
  hostName: string;
  toolId: string;
  variantId: string;
  scriptSha256: string;
  durationSec: number;
  /** the tool parameters it ran with (defaults included); null for tools without parameters */
  params: Record<string, number> | null;
  status: RunStatus;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  exitCode: number | null;
  errorMessage: string | null;
  stderrTail: string | null;
  cancelRequested: boolean;
  rawOutputBytes: number;
  rawTruncated: boolean;
  /** argv redaction patterns applied to the raw output and rows before storage; null = none */
  redactedWith: string[] | null;
  recordCount: number;
  lostEvents: number;
  hasResult: boolean;
  /** CPU seconds bpftrace used on the host (user space; see Run.hostCpuSec) */
  hostCpuSec: number | null;
  dashboardId: string | null;
  /** where the script came from (lib/runs/script.ts): catalog | upstream */
  scriptSource: string;
  /** the host file an upstream run read its script from; null for catalog runs */
  scriptPath: string | null;
  /** the host's bpftrace version when the run started */
  bpftraceVersion: string | null;
  /** the pinned upstream fixes bpfdeck applied to the host's file (lib/bpftrace/upstream-fixes); [] = none */
  scriptFixes: Array<{ id: string; upstreamCommit: string; upstreamRelease: string; why: string; hostFileSha256: string }>;
  /** the view its result is drawn with (the catalog tool's, or 'generic') */
  viz: VizKind;
}

export interface RunProgress {
  /** seconds since bpftrace started on the host */
  elapsedSec: number;
  remainingSec: number;
  records: number;
  lostEvents: number;
  stdoutBytes: number;
  /** a human line on what is happening now ("checking host", "waiting for bpftrace to print its maps") */
  phase: string;
}

export type LiveEvent =
  | { type: 'run'; run: PublicRun }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'partial'; result: unknown }
  | { type: 'done'; run: PublicRun; result: unknown | null };
