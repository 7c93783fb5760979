/**
 * The catalog's list of tools, in dashboard order. Adding a tool: a script in bpftrace-tools/, a folder
 * lib/tools/<id>/ with index.ts exporting its ToolDef and a parser, and one line here.
 */
import type { ToolDef } from '@/lib/tools/catalog';
import { biolatencyTool } from '@/lib/tools/biolatency';
import { biosnoopTool } from '@/lib/tools/biosnoop';
import { cachestatTool } from '@/lib/tools/cachestat';
import { execsnoopTool } from '@/lib/tools/execsnoop';
import { ext4slowerTool } from '@/lib/tools/ext4slower';
import { opensnoopTool } from '@/lib/tools/opensnoop';
import { profileTool } from '@/lib/tools/profile';
import { runqlatTool } from '@/lib/tools/runqlat';
import { tcplifeTool } from '@/lib/tools/tcplife';
import { tcpretransTool } from '@/lib/tools/tcpretrans';

export const REGISTRY: ToolDef[] = [
  execsnoopTool,
  opensnoopTool,
  ext4slowerTool,
  biolatencyTool,
  biosnoopTool,
  cachestatTool,
  tcplifeTool,
  tcpretransTool,
  runqlatTool,
  profileTool,
];
