/**
 * The hosts list's status (lib/hosts/status.ts) from real preflight output of the fleet's kinds of
 * hosts, and form errors per field (lib/api.client fieldErrorsOf, lib/http errorResponse): each field's
 * message once, without its name doubled.
 */
import { describe, expect, it } from 'vitest';
import { parsePreflightOutput } from '@/lib/bpftrace/preflight';
import { hostStatus } from '@/lib/hosts/status';
import { fieldErrorsOf } from '@/lib/api.client';
import { createHostSchema } from '@/lib/hosts/schemas';
import { errorResponse } from '@/lib/http';

const M = '@@bpfdeck';
const key = { algo: 'ssh-ed25519', fingerprint: 'SHA256:x', pinnedAt: '2026-12-02T10:00:00Z' };
const caps = (lines: string[]) => parsePreflightOutput(lines.map((l) => `${M} ${l}`).join('\n'), 10);

describe('host status', () => {
  it('says ok, sudo denied, no bpftrace, auth failed, not checked', () => {
    const ok = caps(['kernel=6.1.0', 'bpftrace_path=/usr/bin/bpftrace', 'sudo_rc=0', 'sudo_out=bpftrace v0.17.0']);
    expect(hostStatus({ hostKey: key, capabilities: ok, checkError: null }).status).toBe('ok');
    const denied = caps(['kernel=6.1.0', 'bpftrace_path=/usr/bin/bpftrace', 'sudo_rc=1', 'sudo_out=sudo: a password is required']);
    expect(hostStatus({ hostKey: key, capabilities: denied, checkError: null })).toMatchObject({
      status: 'sudo_denied',
      detail: expect.stringMatching(/sudoers/),
    });
    const missing = caps(['kernel=6.1.0', 'bpftrace_path=', 'sudo_rc=1', 'sudo_out=sudo: bpftrace: command not found']);
    expect(hostStatus({ hostKey: key, capabilities: missing, checkError: null }).status).toBe('no_bpftrace');
    // a failed check is newer than the capabilities an earlier one left
    const authFailed = { code: 'auth_failed', message: 'fleet11 refused the key', at: '2026-12-02T11:00:00Z' };
    expect(hostStatus({ hostKey: key, capabilities: ok, checkError: authFailed })).toEqual({ status: 'auth_failed', detail: 'fleet11 refused the key' });
    expect(hostStatus({ hostKey: key, capabilities: null, checkError: null }).status).toBe('not_checked');
    expect(hostStatus({ hostKey: null, capabilities: null, checkError: null }).status).toBe('not_pinned');
  });
});

describe('form errors per field', () => {
  it('names each field once, in the response message and under the field', async () => {
    const r = createHostSchema.safeParse({
      name: 'bad name!',
      address: 'a b',
      port: '70000',
      username: 'u',
      privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----',
    });
    expect(r.success).toBe(false);
    const body = await errorResponse(r.error).json();
    expect(body.error.message).not.toMatch(/name: name:|port: port:|address: address:/);
    expect(body.error.message).toMatch(/name: letters, digits/);
    const byField = fieldErrorsOf(body.error.issues);
    expect(byField).toMatchObject({ name: 'letters, digits, dot, dash and underscore only', address: 'a host name or an IP address', port: 'at most 65535' });
    // the port is checked by the server, whatever a browser lets through
    expect(
      createHostSchema.safeParse({ name: 'h', address: 'h', port: 0, username: 'u', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----' }).error?.issues[0].path,
    ).toEqual(['port']);
  });
});
