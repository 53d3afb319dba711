import { createHash, randomBytes } from 'node:crypto';

/** A random bearer secret with a readable prefix, e.g. `fwk_…` for API keys or `fws_…` for sessions. */
export function newSecret(prefix: 'fwk' | 'fws'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** Secrets are stored only as their SHA-256, so a database leak does not leak credentials. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
