/**
 * Bulk host-key review: scan many hosts (bounded parallelism), show every SHA256 fingerprint in one
 * table, and pin exactly those keys that an uploaded known_hosts file (the out-of-band source) vouches
 * for. Everything else waits for an admin to accept it one by one (acceptHostKey) or refuse it. Nothing
 * is pinned silently: a host whose key is absent from, or different in, the known_hosts file is only shown.
 *
 * known_hosts lines understood (as sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `host[,host...] keytype base64`,
 * `[host]:port` for ports other than 22, hashed names `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`,
 * the `@revoked` marker (a revoked key is never pinned and is reported). `@cert-authority` lines are
 * skipped: ssh2 does not support OpenSSH certificates. Name patterns (`*`, `?`, `!`) are not matched.
 */
import { createHmac } from 'node:crypto';
import { db } from '@/lib/db/client';
import { AppError, invalid } from '@/lib/errors';
import { fingerprintOf } from '@/lib/ssh/hostkey';
import { acceptHostKey, getHostRow, scanHostKey } from '@/lib/hosts/service';

export interface KnownKey {
  /** plain names as written, or null for a hashed entry */
  names: string[] | null;
  hashed: { salt: Buffer; hash: Buffer } | null;
  blobBase64: string;
  fingerprint: string;
  revoked: boolean;
}

export function parseKnownHosts(text: string): KnownKey[] {
  if (text.length > 5_000_000) throw invalid('the known_hosts file is larger than 5 MB');
  const out: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    let parts = line.split(/\s+/);
    let revoked = false;
    if (parts[0].startsWith('@')) {
      if (parts[0] === '@cert-authority') continue;
      revoked = parts[0] === '@revoked';
      parts = parts.slice(1);
    }
    if (parts.length < 3) continue;
    const [hosts, , b64] = parts;
    const blob = Buffer.from(b64, 'base64');
    if (blob.length < 8) continue;
    let hashed: KnownKey['hashed'] = null;
    let names: string[] | null = null;
    const m = /^\|1\|([A-Za-z0-9+/=]+)\|([A-Za-z0-9+/=]+)$/.exec(hosts);
    if (m) hashed = { salt: Buffer.from(m[1], 'base64'), hash: Buffer.from(m[2], 'base64') };
    else names = hosts.split(',');
    out.push({ names, hashed, blobBase64: blob.toString('base64'), fingerprint: fingerprintOf(blob), revoked });
  }
  return out;
}

/** The name OpenSSH looks up: `address` for port 22, `[address]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** known_hosts entries (plain or hashed) for a host's address and port */
export function knownKeysFor(known: KnownKey[], address: string, port: number): KnownKey[] {
  const name = knownHostsName(address, port);
  return known.filter((k) => entryMatches(k, name));
}

function entryMatches(k: KnownKey, name: string): boolean {
  if (k.hashed) return createHmac('sha1', k.hashed.salt).update(name).digest().equals(k.hashed.hash);
  return k.names!.includes(name);
}

export type ReviewStatus = 'matches_known_hosts' | 'differs_from_known_hosts' | 'revoked' | 'not_in_known_hosts' | 'already_pinned' | 'scan_failed';

export interface ReviewRow {
  hostId: string;
  name: string;
  endpoint: string;
  algo: string | null;
  fingerprint: string | null;
  status: ReviewStatus;
  /** for differs: the fingerprints known_hosts has for this name */
  knownFingerprints: string[];
  /** true when this review pinned it (only for matches_known_hosts, and only when asked to pin) */
  pinned: boolean;
  error: string | null;
}

async function mapBounded<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Scan the hosts (default: every host without a pinned key) and compare with known_hosts. With
 * `pinMatching`, the keys known_hosts vouches for are pinned (through acceptHostKey, which fetches the
 * key again and pins only the same fingerprint); no other key is ever pinned here.
 */
export async function reviewHostKeys(input: { hostIds?: string[]; knownHosts?: string; pinMatching?: boolean; parallel?: number }): Promise<ReviewRow[]> {
  const known = parseKnownHosts(input.knownHosts ?? '');
  const ids = input.hostIds ?? (await db().host.findMany({ where: { hostKeyBlob: null }, select: { id: true }, orderBy: { name: 'asc' } })).map((h) => h.id);
  if (ids.length > 5000) throw invalid('at most 5000 hosts per review');
  // Hosts behind jump hosts are scanned through them, so they go after the hosts without a chain (whose
  // keys, bastions among them, this review may pin first). Deeper chains of unpinned hops: review again.
  const rows = await db().host.findMany({ where: { id: { in: ids } }, select: { id: true, jumpHostIds: true } });
  const chained = new Set(rows.filter((r) => r.jumpHostIds !== '[]').map((r) => r.id));
  const parallel = Math.max(1, Math.min(input.parallel ?? 16, 64));
  const first = await mapBounded(
    ids.filter((id) => !chained.has(id)),
    parallel,
    (id) => reviewOne(id, known, !!input.pinMatching),
  );
  const second = await mapBounded(
    ids.filter((id) => chained.has(id)),
    parallel,
    (id) => reviewOne(id, known, !!input.pinMatching),
  );
  const byId = new Map([...first, ...second].map((r) => [r.hostId, r]));
  return ids.map((id) => byId.get(id)!);
}

async function reviewOne(id: string, known: KnownKey[], pinMatching: boolean): Promise<ReviewRow> {
  {
    const h = await getHostRow(id);
    const endpoint = knownHostsName(h.address, h.port);
    const row: ReviewRow = {
      hostId: id,
      name: h.name,
      endpoint,
      algo: null,
      fingerprint: null,
      status: 'scan_failed',
      knownFingerprints: [],
      pinned: false,
      error: null,
    };
    let offered;
    try {
      offered = await scanHostKey(id);
    } catch (e) {
      row.error = e instanceof AppError ? e.message : 'scan failed';
      return row;
    }
    row.algo = offered.algo;
    row.fingerprint = offered.fingerprint;
    const forName = knownKeysFor(known, h.address, h.port);
    row.knownFingerprints = [...new Set(forName.filter((k) => !k.revoked).map((k) => k.fingerprint))];
    if (forName.some((k) => k.revoked && k.fingerprint === offered.fingerprint)) row.status = 'revoked';
    else if (h.hostKeyFingerprint === offered.fingerprint) row.status = 'already_pinned';
    else if (row.knownFingerprints.includes(offered.fingerprint)) row.status = 'matches_known_hosts';
    else if (row.knownFingerprints.length) row.status = 'differs_from_known_hosts';
    else row.status = 'not_in_known_hosts';
    if (row.status === 'matches_known_hosts' && pinMatching) {
      if (h.hostKeyFingerprint) {
        row.error = `${h.name} already has a different pinned key (${h.hostKeyFingerprint}): re-pin it on its own page`;
      } else {
        try {
          await acceptHostKey(id, offered.fingerprint);
          row.pinned = true;
        } catch (e) {
          row.error = e instanceof AppError ? e.message : 'pinning failed';
        }
      }
    }
    return row;
  }
}
