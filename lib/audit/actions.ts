/**
 * Every audited action, by name. route({ audit: { action } }) takes one of these, so the list of
 * things the audit log can say is in one place (and /admin/audit can offer them as a filter).
 */
export const AUDIT_ACTIONS = {
  'auth.setup': 'first admin created',
  'auth.sign_in': 'sign-in (password or OIDC), successful or not',
  'auth.sign_out': 'sign-out',
  'auth.password_change': 'own password changed',
  'user.create': 'account created',
  'user.update': 'account changed (name, role, password reset)',
  'user.delete': 'account deleted',
  'token.create': 'API token created',
  'token.revoke': 'API token revoked',
  'token.use': 'request made with an API token (when the request is not itself audited)',
  'host.create': 'host added',
  'host.update': 'host changed (address, user, SSH key, ...)',
  'host.delete': 'host deleted',
  'host.import': 'hosts created by a bulk import (ssh_config or list)',
  'host.check': 'host preflight (runs commands on the host)',
  'hostkey.accept': 'host key pinned or re-pinned',
  'hostkey.review': 'bulk host-key review: hosts scanned, keys matching an uploaded known_hosts pinned',
  'identity.create': 'SSH identity added (key or agent)',
  'identity.rotate': 'SSH identity rotated: new key for all its hosts',
  'identity.delete': 'SSH identity deleted',
  'script.create': 'custom script created (its version 1)',
  'script.version': 'custom script changed: a new version saved',
  'script.check': 'custom script checked on a host (compiled, never loaded)',
  'script.approve': 'custom script version approved: operators may run it',
  'run.start': 'tool run started (a catalog tool or an approved custom script version)',
  'run.cancel': 'run cancelled',
  'fleet.start': 'fleet run started',
  'fleet.cancel': 'fleet run cancelled',
  'dashboard.start': 'dashboard run started (all tools)',
  'run.export': 'raw output downloaded',
  'report.create': 'report created',
  'report.delete': 'report deleted',
  'report.export': 'report exported',
  'settings.update': 'server settings changed (retention, ...)',
  'data.delete': 'data deleted (retention or by hand)',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const AUDIT_OUTCOMES = ['ok', 'failed', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
