import { parseJson, route } from '@/lib/http';
import { createUserSchema } from '@/lib/auth/schemas';
import { createUser, listUsers } from '@/lib/auth/users';

export const GET = route({ role: 'admin' }, async () => ({ users: await listUsers() }));

/** A local account with a password the admin hands over (there is no self sign-up). */
export const POST = route({ role: 'admin', audit: { action: 'user.create' } }, async (req, { audit }) => {
  const input = await parseJson(req, createUserSchema);
  audit({ target: `user:${input.email}`, details: { role: input.role } });
  return Response.json({ user: await createUser(input) }, { status: 201 });
});
