import { randomBytes } from 'node:crypto';

/** 128 random bits, URL-safe: ids double as unguessable permalinks. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

export const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
