/**
 * Broker credentials issued at provisioning. Passwords are random tokens;
 * the hub keeps only their hash, in mosquitto's own `$7$` format
 * (PBKDF2-HMAC-SHA512, 101 iterations, 12-byte salt, base64 — what
 * `mosquitto_passwd` writes in 2.x), so one stored hash serves the embedded
 * broker's check and an external mosquitto's password_file alike.
 */
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const ITERATIONS = 101;

/** A new random broker password (base64url, 192 bits). */
export function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** `$7$101$<salt b64>$<hash b64>` of `password`. */
export function hashPassword(password: string, salt: Uint8Array = randomBytes(12)): string {
  const hash = pbkdf2Sync(password, salt, ITERATIONS, 64, 'sha512');
  return `$7$${ITERATIONS}$${Buffer.from(salt).toString('base64')}$${hash.toString('base64')}`;
}

/** Check `password` against a `$7$` hash (constant time). */
export function verifyPassword(password: string | Uint8Array, stored: string): boolean {
  const m = /^\$7\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const iterations = Number(m[1]);
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > 1_000_000) return false;
  const want = Buffer.from(m[3]!, 'base64');
  const got = pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), iterations, want.length, 'sha512');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** mosquitto `password_file` text for `users` (username → `$7$` hash). */
export function mosquittoPasswordFile(users: Record<string, string>): string {
  return Object.keys(users)
    .sort()
    .map((u) => {
      if (!/^[A-Za-z0-9._-]+$/.test(u)) throw new Error(`username ${JSON.stringify(u)} is not allowed in a password file`);
      return `${u}:${users[u]}\n`;
    })
    .join('');
}
