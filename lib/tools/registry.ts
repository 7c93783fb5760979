/**
 * The catalog's list of tools, in dashboard order. Adding a tool: a script in bpftrace-tools/, a folder
 * lib/tools/<id>/ with index.ts exporting its ToolDef and a parser, and one line here.
 */
import type { ToolDef } from '@/lib/tools/catalog';
import { profileTool } from '@/lib/tools/profile';

export const REGISTRY: ToolDef[] = [
  profileTool,
];
