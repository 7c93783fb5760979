import { z } from 'zod';
import { parseJson, route } from '@/lib/http';
import { updateUserSchema } from '@/lib/auth/schemas';
import { deleteUser, updateUser } from '@/lib/auth/users';

const userId = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a user id') });

/** Change a person's name or role, or set a new password (which ends their sessions). */
export const PATCH = route<{ id: string }>(
  { role: 'admin', audit: { action: 'user.update', target: (p) => `user:${p.id}` } },
  async (req, { params, principal, audit }) => {
    const { id } = userId.parse(params);
    const input = await parseJson(req, updateUserSchema);
    audit({ details: { role: input.role, name: input.name !== undefined, passwordReset: input.password !== undefined } });
    const user = await updateUser(id, input, principal!.userId);
    audit({ target: `user:${user.email}` });
    return { user };
  },
);

export const DELETE = route<{ id: string }>(
  { role: 'admin', audit: { action: 'user.delete', target: (p) => `user:${p.id}` } },
  async (_req, { params, principal, audit }) => {
    const { id } = userId.parse(params);
    const { email } = await deleteUser(id, principal!.userId);
    audit({ target: `user:${email}` });
    return { ok: true };
  },
);
