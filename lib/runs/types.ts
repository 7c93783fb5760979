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
