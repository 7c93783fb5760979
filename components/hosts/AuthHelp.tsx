'use client';
/**
 * When the host refused bpfdeck's login: the public half of the SSH identity it logs in with, as the
 * authorized_keys line to install on the host (never the private key: the browser never has it).
 */
import type { PublicHost } from '@/lib/hosts/service';
import { ApiError } from '@/lib/api.client';
import { EscapedText } from '@/components/viz/EscapedText';

export function AuthHelp({ host, error }: { host: PublicHost; error: unknown }) {
  const failedNow = error instanceof ApiError && error.code === 'auth_failed';
  if (!failedNow && host.checkError?.code !== 'auth_failed') return null;
  const id = host.identity;
  // the comment names the identity, so whoever reads the host's authorized_keys knows whose key it is
  const line = id?.publicKey ? `${id.publicKey} bpfdeck-${id.name}` : null;
  return (
    <section aria-labelledby="auth-help-h" className="space-y-2 rounded border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950" data-testid="auth-help">
      <h2 id="auth-help-h" className="font-semibold">
        The host refused the login of {host.username}
      </h2>
      {line ? (
        <>
          <p>
            bpfdeck logs in with the SSH identity <span className="font-mono">{id!.name}</span> (
            <span className="break-all font-mono text-xs">{id!.fingerprint}</span>). Add its public key to{' '}
            <span className="font-mono">~{host.username}/.ssh/authorized_keys</span> on <EscapedText text={host.name} />, then check the host again:
          </p>
          <pre
            className="overflow-x-auto whitespace-pre-wrap break-all rounded border border-amber-200 bg-white p-2 font-mono text-xs text-slate-900"
            data-testid="authorized-keys-line"
          >
            {line}
          </pre>
        </>
      ) : (
        <p>
          {id ? (
            <>
              The identity <span className="font-mono">{id.name}</span> has no known public key
              {id.kind === 'agent' ? ' (an ssh-agent identity: install the key the agent holds)' : ''}.
            </>
          ) : (
            'This host has no SSH identity: give it a private key below.'
          )}
        </p>
      )}
      {host.checkError && !failedNow && <p className="text-xs text-amber-900">Last check: {host.checkError.message}</p>}
    </section>
  );
}
