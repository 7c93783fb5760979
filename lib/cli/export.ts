/**
 * `--export <format>` of `bpfdeck import` and `bpfdeck run`: one export file of the result, made by
 * the same function as the web downloads (renderResultExport, lib/export/formats.ts; for a recorded
 * host run, exportRun itself), from the result as it is stored (JSON.stringify of the parser's
 * result), so the bytes are the download's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, type CliExport } from '@/lib/cli/args';
import { formatsFor, renderResultExport, type RenderedExport } from '@/lib/export/formats';
import type { ToolDef } from '@/lib/tools/catalog';

export class CliExportError extends Error {}

/** A usage error when the tool's results have no such export. */
export function checkExportFormat(tool: ToolDef, format: CliExport['format']): void {
  const fits = formatsFor(tool.viz, { hasResult: true, rawAvailable: false });
  if (!fits.includes(format)) throw new UsageError(`--export: ${tool.id} results have no ${format} export (they have: ${fits.join(', ')})`, null);
}

/** The export of a result that is not in the database (an import, a --local run). */
export function renderCliExport(tool: ToolDef, result: unknown, ex: CliExport, title: string): RenderedExport {
  checkExportFormat(tool, ex.format);
  const out = renderResultExport(ex.format, JSON.stringify(result), { title }, { kernelSuffix: ex.kernelSuffix });
  if (!out) throw new CliExportError(`no ${ex.format} export for this ${tool.id} result`);
  return out;
}

/** Write it to -o FILE (relative to cwd) or hand it to stdout; returns a line for stderr. */
export async function writeCliExport(
  body: string | Uint8Array,
  ex: CliExport,
  io: { cwd: string; stdout: (data: string) => Promise<void>; stdoutBytes?: (data: Uint8Array) => Promise<void> },
): Promise<string> {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (ex.output !== null) {
    const file = path.resolve(io.cwd, ex.output);
    fs.writeFileSync(file, body);
    return `${ex.format} export: ${bytes} bytes written to ${file}`;
  }
  if (typeof body === 'string') await io.stdout(body);
  else if (io.stdoutBytes) await io.stdoutBytes(body);
  else throw new CliExportError(`${ex.format} is binary: write it to a file with -o FILE`);
  return `${ex.format} export: ${bytes} bytes on stdout`;
}
