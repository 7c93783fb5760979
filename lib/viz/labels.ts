/** Human names of the tools' views, and what one count of a latency heat map is (server and client). */
export const TOOL_LABELS: Readonly<Record<string, { label: string; countNoun?: string }>> = {
  profile: { label: 'CPU flame graph' },
  execsnoop: { label: 'New processes (execsnoop)' },
  opensnoop: { label: 'File opens (opensnoop)' },
  ext4slower: { label: 'Slow ext4 operations (ext4slower)' },
  biosnoop: { label: 'Block I/O (biosnoop)' },
  tcplife: { label: 'TCP sessions (tcplife)' },
  tcpretrans: { label: 'TCP retransmits (tcpretrans)' },
  biolatency: { label: 'Block I/O latency (biolatency)', countNoun: 'I/Os' },
  runqlat: { label: 'Run queue latency (runqlat)', countNoun: 'wakeups' },
  cachestat: { label: 'Page cache (cachestat)' },
};

export function toolLabel(toolId: string): string {
  return TOOL_LABELS[toolId]?.label ?? toolId;
}
