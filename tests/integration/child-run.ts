/**
 * A stand-in bpfdeck server process for the "server killed mid-run" test: starts a run through the
 * same service the API uses, prints RUNNING once bpftrace runs on the host, then waits to be killed.
 * argv: hostId durationSec
 */
import { startRun, getRun } from '@/lib/runs/service';

const [hostId, durationSec] = process.argv.slice(2);
const run = await startRun({ hostId, toolId: 'profile', durationSec: Number(durationSec) }, 'child');
for (;;) {
  const r = await getRun(run.id);
  if (r.status === 'running') {
    console.log(`RUNNING ${run.id}`);
    break;
  }
  if (r.status === 'failed' || r.status === 'completed') {
    console.log(`ENDED ${r.status} ${r.errorMessage}`);
    process.exit(1);
  }
  await new Promise((res) => setTimeout(res, 100));
}
setInterval(() => {}, 1000);
