import { z } from 'zod';
import { wholeNumber } from '@/lib/validation';
import { ID_PATTERN } from '@/lib/ids';
import { checkTag, SelectorError } from '@/lib/hosts/selector';

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
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]+)$/,
    'address: a host name or an IP address',
  );

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

export const passphraseSchema = z
  .string()
  .min(1, 'passphrase: empty')
  .max(1024, 'passphrase is too long')
  .refine((s) => !s.includes('\0'), 'passphrase contains a NUL byte');
export const idSchema = z.string().regex(ID_PATTERN, 'not an id');

export const tagsSchema = z.record(z.string(), z.string()).superRefine((tags, ctx) => {
  if (Object.keys(tags).length > 64) ctx.addIssue({ code: 'custom', message: 'tags: at most 64 per host' });
  for (const [k, v] of Object.entries(tags)) {
    try {
      checkTag(k, v);
    } catch (e) {
      if (e instanceof SelectorError) ctx.addIssue({ code: 'custom', message: e.message });
      else throw e;
    }
  }
});

/** ProxyJump chain: ids of other hosts, first hop first */
export const jumpHostIdsSchema = z.array(idSchema).max(8, 'at most 8 jump hosts');

const hostFields = {
  name: hostNameSchema,
  address: addressSchema,
  port: portSchema.default(22),
  username: usernameSchema,
  /** a key of this host's own (an identity "host-<name>" is made for it) ... */
  privateKey: privateKeySchema.optional(),
  passphrase: passphraseSchema.optional(),
  /** ... or an existing identity */
  identityId: idSchema.optional(),
  jumpHostIds: jumpHostIdsSchema.optional(),
  tags: tagsSchema.optional(),
};

export const createHostSchema = z.object(hostFields).superRefine((h, ctx) => {
  if (!h.privateKey === !h.identityId) ctx.addIssue({ code: 'custom', message: 'give either a private key or an SSH identity (identityId)' });
  if (h.passphrase && !h.privateKey) ctx.addIssue({ code: 'custom', message: 'a passphrase goes with a private key' });
});

// no defaults here: a field left out of a change stays as it is (a default port would move the host)
export const updateHostSchema = z
  .object(hostFields)
  .partial()
  .extend({ port: portSchema.optional() })
  .superRefine((h, ctx) => {
    if (h.privateKey && h.identityId) ctx.addIssue({ code: 'custom', message: 'give either a private key or an SSH identity, not both' });
    if (h.passphrase && !h.privateKey) ctx.addIssue({ code: 'custom', message: 'a passphrase goes with a private key' });
  });

const identityName = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'name: letters, digits, dot, dash and underscore only');
const agentSocketSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^\/[^\0]*$/, 'agent socket: an absolute path on the bpfdeck server');

export const createIdentitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), name: identityName, privateKey: privateKeySchema, passphrase: passphraseSchema.optional() }),
  z.object({ kind: z.literal('agent'), name: identityName, agentSocket: agentSocketSchema }),
]);

/** rotation: a new key (or agent socket) for the same identity; optionally a new name */
export const rotateIdentitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('key'), name: identityName.optional(), privateKey: privateKeySchema, passphrase: passphraseSchema.optional() }),
  z.object({ kind: z.literal('agent'), name: identityName.optional(), agentSocket: agentSocketSchema }),
]);

export const acceptHostKeySchema = z.object({
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'fingerprint: SHA256:... as ssh-keygen -l prints it'),
});

export type CreateHostInput = z.infer<typeof createHostSchema>;
export type UpdateHostInput = z.infer<typeof updateHostSchema>;

const importFormat = z.enum(['ssh_config', 'list']);
export const importPreviewSchema = z.object({ format: importFormat, text: z.string().max(1_000_000, 'the import is larger than 1 MB') });
export const importCreateSchema = importPreviewSchema.extend({
  /** IdentityFile path as written in the config -> SSH identity id */
  identities: z.record(z.string().max(4096), idSchema).optional(),
  defaultIdentityId: idSchema.optional(),
  tags: tagsSchema.optional(),
});

export const keyReviewSchema = z.object({
  hostIds: z.array(idSchema).max(5000).optional(),
  /** the text of a known_hosts file (hashed entries and [host]:port forms understood) */
  knownHosts: z.string().max(5_000_000).optional(),
  pinMatching: z.boolean().optional(),
  parallel: z.number().int().min(1).max(64).optional(),
});
