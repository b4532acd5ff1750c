/**
 * Secrets handed to browsers (session cookies, CSRF tokens) and scripts (API tokens). Only their
 * SHA-256 is stored, so a read of the platform schema cannot impersonate anyone; they are long and
 * random, so a fast hash is enough (unlike passwords).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The prefix API tokens carry, so a leaked one is recognisable (and secret scanners can find it). */
export const API_TOKEN_PREFIX = 'sluice_';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newApiToken(): string {
  return API_TOKEN_PREFIX + newSecret();
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two secrets in constant time (for the CSRF token a form sends back). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
