import { route } from '@/lib/http';
import { config } from '@/lib/env';
import { isSetUp } from '@/lib/auth/page-guard';

/** Who am I (null when signed out), whether /setup is still needed, and whether OIDC sign-in is offered. */
export const GET = route({ role: 'public' }, async (_req, { principal }) => ({
  user: principal ? { email: principal.email, name: principal.name, role: principal.role, via: principal.via } : null,
  setupRequired: !(await isSetUp()),
  oidc: config().auth.oidc ? { name: config().auth.oidc!.displayName } : null,
}));
