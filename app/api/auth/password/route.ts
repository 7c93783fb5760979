import { parseJson, route } from '@/lib/http';
import { invalid } from '@/lib/errors';
import { changePasswordSchema } from '@/lib/auth/schemas';
import { changeOwnPassword } from '@/lib/auth/users';

/** Change one's own password (knowing the current one); the person's other sessions end. */
export const POST = route({ role: 'viewer', audit: { action: 'auth.password_change' } }, async (req, { principal, audit }) => {
  if (principal?.via !== 'session') throw invalid('sign in with a password to change it (an API token cannot)');
  audit({ target: `user:${principal.email}` });
  const { currentPassword, newPassword } = await parseJson(req, changePasswordSchema);
  await changeOwnPassword(principal.userId, currentPassword, newPassword, principal.sessionId);
  return { ok: true };
});
