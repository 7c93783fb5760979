import { z } from 'zod';
import { ROLES } from '@/lib/auth/roles';

/** Kept in step with lib/auth/auth.ts MIN/MAX_PASSWORD_LENGTH (this module is shared with the browser). */
export const passwordSchema = z
  .string()
  .min(12, 'password: at least 12 characters')
  .max(256, 'password: at most 256 characters')
  .refine((s) => !s.includes('\0'), 'password contains a NUL byte');

export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email('email: not an e-mail address'));

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(80, 'name: at most 80 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'name: no control characters');

export const roleSchema = z.enum(ROLES);

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, 'email is required').max(254),
  password: z.string().min(1, 'password is required').max(256),
});

export const setupSchema = z.object({
  setupToken: z.string().trim().min(1, 'setup code is required').max(200),
  email: emailSchema,
  name: displayNameSchema,
  password: passwordSchema,
});

export const createUserSchema = z.object({
  email: emailSchema,
  name: displayNameSchema,
  role: roleSchema,
  password: passwordSchema,
});

export const updateUserSchema = z
  .object({
    name: displayNameSchema.optional(),
    role: roleSchema.optional(),
    /** a new password set by an admin: the user's sessions end */
    password: passwordSchema.optional(),
  })
  .refine((v) => v.name !== undefined || v.role !== undefined || v.password !== undefined, 'nothing to change');

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema,
});

export const createTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name is required')
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, 'name: letters, digits, space, dot, dash and underscore'),
  role: roleSchema,
  /** omitted: the token does not expire */
  expiresInDays: z.coerce.number().int().min(1).max(3650).optional(),
});

export type CreateUserInput = z.infer<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
