/**
 * Checks of a parsed command against the tool catalog (pure: the catalog is passed in). Wrong tool ids,
 * durations out of the tool's range and bad parameters are usage errors (exit status 2).
 */
import { AppError } from '@/lib/errors';
import { UsageError, type CommandName } from '@/lib/cli/args';
import { resolveParams, type ToolDef, type ToolParamValues } from '@/lib/tools/catalog';

export function findTool(tools: readonly ToolDef[], id: string, topic: CommandName): ToolDef {
  const tool = tools.find((t) => t.id === id);
  if (!tool) throw new UsageError(`unknown tool ${id} (tools: ${tools.map((t) => t.id).join(', ')})`, topic);
  return tool;
}

export interface RunRequest {
  tool: ToolDef;
  durationSec: number;
  params: ToolParamValues;
}

export function resolveRunRequest(tools: readonly ToolDef[], cmd: { toolId: string; durationSec: number | null; params: Record<string, number> }): RunRequest {
  const tool = findTool(tools, cmd.toolId, 'run');
  const durationSec = cmd.durationSec ?? tool.defaultDurationSec;
  if (durationSec < tool.minDurationSec || durationSec > tool.maxDurationSec) {
    throw new UsageError(`--duration: ${tool.id} runs for ${tool.minDurationSec} to ${tool.maxDurationSec} s (got ${durationSec})`, 'run');
  }
  try {
    return { tool, durationSec, params: resolveParams(tool, cmd.params) };
  } catch (e) {
    if (e instanceof AppError) throw new UsageError(`--param: ${e.message}`, 'run');
    throw e;
  }
}
