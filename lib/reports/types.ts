import type { ExportFormat } from '@/lib/export/formats';
import type { PublicFleetReport } from '@/lib/fleet/types';

/** fleet: a whole fleet run (see lib/fleet/types PublicFleetReport); fleet-host: one host's part of it */
export type ReportKind = 'run' | 'dashboard' | 'import' | 'fleet' | 'fleet-host';

/** Where a report item's raw output stands under the retention setting. */
export interface RawOutputStatus {
  /** uncompressed size, bytes */
  bytes: number;
  /** stored (gzip) size, bytes */
  gzBytes: number;
  /** sha256 (hex) of the uncompressed bytes */
  sha256: string;
  truncated: boolean;
  /** still stored and downloadable */
  available: boolean;
  /** when retention deletes (or deleted) it; null = kept forever */
  expiresAt: string | null;
  /** when retention deleted it */
  expiredAt: string | null;
}

export interface PublicReportItem {
  toolId: string;
  toolTitle: string;
  viz: string;
  variantId: string;
  scriptFile: string | null;
  scriptText: string | null;
  scriptSha256: string;
  runId: string | null;
  status: string;
  requestedBy: string;
  durationSec: number;
  startedAt: string | null;
  endedAt: string | null;
  exitCode: number | null;
  errorMessage: string | null;
  stderrTail: string | null;
  recordCount: number;
  lostEvents: number;
  hostCpuSec: number | null;
  rawOutputBytes: number;
  rawTruncated: boolean;
  raw: RawOutputStatus | null;
  hasResult: boolean;
  exports: ExportFormat[];
}

export interface PublicReport {
  id: string;
  kind: ReportKind;
  title: string;
  /** null when the host was deleted since (the rest of the host fields are the snapshot) */
  hostId: string | null;
  hostName: string;
  hostAddress: string | null;
  hostPort: number | null;
  hostUser: string | null;
  kernelRelease: string | null;
  bpftraceVersion: string | null;
  requestedBy: string;
  runId: string | null;
  dashboardId: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationSec: number;
  createdAt: string;
  /** summed over the items */
  lostEvents: number;
  retentionDays: number;
  items: PublicReportItem[];
  /** kind fleet-host: the fleet report it is part of */
  parentReportId: string | null;
  /** kind fleet only: the fleet run's snapshot and every host's results */
  fleet?: PublicFleetReport;
}

/** A line of a report list (no script texts, no results). */
export interface ReportSummary {
  id: string;
  kind: ReportKind;
  title: string;
  hostId: string | null;
  hostName: string;
  requestedBy: string;
  startedAt: string | null;
  createdAt: string;
  durationSec: number;
  tools: Array<{ toolId: string; status: string }>;
}
export interface RunReportLink {
  /** the report that holds this run, if any */
  report: { id: string; kind: ReportKind; title: string } | null;
  /** a report will appear (the run, or its dashboard run, has not ended yet) */
  pending: boolean;
}
