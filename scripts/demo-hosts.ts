/**
 * Registers the local test fleet (scripts/fleet/fleet-up.sh) as demo hosts, so a newcomer can click
 * Run at once. Idempotent: existing demo hosts are kept (their pinned keys re-checked).
 *
 * Host keys: the fleet's sshd keys were generated on this machine by fleet-up.sh, so their public key
 * files are a trustworthy out-of-band source. A key is pinned only if the key the sshd offers equals
 * the one in that file; both fingerprints are printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { acceptHostKey, checkHost, createHost, listHosts, scanHostKey } from '@/lib/hosts/service';
import { hostKeyFromPublicKeyLine } from '@/lib/ssh/hostkey';

interface FleetEntry {
  name: string;
  address: string;
  port: number;
  user: string;
  role: string;
  bpftraceVersion: string | null;
  hostKeyPath: string;
}

const fleetDir = path.join(process.env.BPFDECK_FLEET_DIR || '/var/tmp/bpfdeck-fleet', 'fleet');
const entries = JSON.parse(fs.readFileSync(path.join(fleetDir, 'hosts.json'), 'utf8')) as FleetEntry[];
const clientKey = fs.readFileSync(path.join(fleetDir, 'client', 'id_ed25519'), 'utf8');
// The demo shows one host per bpftrace version, and the two hosts that explain why tools cannot run.
const wanted = new Set(['fleet11', 'fleet21', 'fleet14', 'fleet15']);
const existing = new Map((await listHosts()).map((h) => [h.name, h]));

console.log('bpfdeck demo hosts (local test fleet):');
for (const f of entries.filter((e) => wanted.has(e.name))) {
  const name = `demo-${f.name}`;
  let host = existing.get(name);
  if (!host) host = await createHost({ name, address: f.address, port: f.port, username: f.user, privateKey: clientKey });
  const expected = hostKeyFromPublicKeyLine(fs.readFileSync(f.hostKeyPath, 'utf8'));
  const offered = await scanHostKey(host.id);
  if (offered.fingerprint !== expected.fingerprint) {
    console.log(`  ${name}: NOT pinned: sshd offers ${offered.fingerprint}, its key file says ${expected.fingerprint}`);
    continue;
  }
  if (!host.hostKey || host.hostKey.fingerprint !== offered.fingerprint) await acceptHostKey(host.id, offered.fingerprint, { replace: true });
  const checked = await checkHost(host.id).catch((e: Error) => {
    console.log(`  ${name}: check failed: ${e.message}`);
    return null;
  });
  const caps = checked?.capabilities;
  const what =
    f.role === 'ok'
      ? `bpftrace ${caps?.bpftraceVersion ?? '?'}`
      : f.role === 'no-sudo'
        ? 'demo of a host where the SSH user may not sudo bpftrace'
        : 'demo of a host without bpftrace';
  console.log(`  ${name.padEnd(15)} ${f.user}@${f.address}:${f.port}  key ${offered.fingerprint}  ${what}`);
}
process.exit(0);
