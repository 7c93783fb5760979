import { z } from 'zod';
import { wholeNumber } from '@/lib/validation';

/**
 * Host fields are checked here once; none of them ever reaches a shell (ssh2 takes them as
 * connection parameters), but strict shapes keep junk and surprises out of the inventory.
 */
export const hostNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name: letters, digits, dot, dash and underscore only');

// A DNS name or an IPv4/IPv6 literal; no spaces, no shell or URL syntax.
export const addressSchema = z
  .string()
  .trim()
  .min(1, 'address is required')
  .max(253)
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]+)$/, 'address: a host name or an IP address');

export const usernameSchema = z
  .string()
  .trim()
  .min(1, 'SSH user is required')
  .max(32)
  .regex(/^[a-z_][a-z0-9_-]*\$?$/i, 'SSH user: a POSIX user name');

export const privateKeySchema = z
  .string()
  .max(16_384, 'private key is too large')
  .refine((s) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s), 'private key: paste an OpenSSH or PEM private key')
  .refine((s) => !s.includes('\0'), 'private key contains a NUL byte');

const portSchema = wholeNumber(1, 65535, 'port');

export const createHostSchema = z.object({
  name: hostNameSchema,
  address: addressSchema,
  port: portSchema.default(22),
  username: usernameSchema,
  privateKey: privateKeySchema,
});

// no defaults here: a field left out of a change stays as it is (a default port would move the host)
export const updateHostSchema = createHostSchema.partial().extend({ port: portSchema.optional(), privateKey: privateKeySchema.optional() });

export const acceptHostKeySchema = z.object({
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'fingerprint: SHA256:... as ssh-keygen -l prints it'),
});

export type CreateHostInput = z.infer<typeof createHostSchema>;
export type UpdateHostInput = z.infer<typeof updateHostSchema>;
