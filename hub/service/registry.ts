/**
 * Broker credentials and the broker policy built on them.
 *
 * `broker-users.json` in the data directory (mode 0600) maps a username to
 * its `$7$` password hash and role:
 *   - a node logs in as its node id, a meter as its meter id; both act for
 *     the household (a meter publishes on its household's node topics);
 *   - `hub` is the hub's own client, `dashboard` a read-only client (MQTT
 *     over WebSocket).
 * The same hashes feed mosquitto's password_file (hub/broker/mosquitto.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { canPublish, canSubscribe, type Identity } from '../../shared/protocol';
import { fail } from '../../shared/errors';
import { hashPassword, verifyPassword } from '../broker/credentials';
import type { BrokerPolicy } from '../broker/embedded';
import { writePrivate } from './keys';

export const HUB_USER = 'hub';
export const DASHBOARD_USER = 'dashboard';

export interface BrokerUser {
  hash: string;
  role: 'node' | 'meter' | 'hub' | 'dashboard';
  /** The household a node or meter acts for. */
  node?: string;
}

export class BrokerUsers {
  private users: Record<string, BrokerUser> = {};
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'broker-users.json');
    this.reload();
  }

  /** Read the file again (another process, e.g. `swarmgrid member add`, may have written it). */
  reload(): void {
    if (!existsSync(this.file)) {
      this.users = {};
      return;
    }
    try {
      this.users = (JSON.parse(readFileSync(this.file, 'utf8')) as { users: Record<string, BrokerUser> }).users ?? {};
    } catch {
      fail('E_HUB_DATA', `${this.file} is not JSON`);
    }
  }

  get(username: string): BrokerUser | undefined {
    return Object.hasOwn(this.users, username) ? this.users[username] : undefined;
  }

  /** Set (or replace) a user's password and role; written to disk at once. */
  set(username: string, password: string, role: BrokerUser['role'], node?: string): void {
    const u: BrokerUser = { hash: hashPassword(password), role };
    if (node !== undefined) u.node = node;
    this.users[username] = u;
    this.save();
  }

  /** Username → `$7$` hash (for mosquitto's password_file). */
  hashes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [u, v] of Object.entries(this.users)) out[u] = v.hash;
    return out;
  }

  entries(): Array<[string, BrokerUser]> {
    return Object.entries(this.users).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }

  private save(): void {
    writePrivate(this.file, JSON.stringify({ users: this.users }, null, 2) + '\n');
  }

  /** The identity of a login, or null when unknown or the password is wrong. */
  identify(village: string, username: string | undefined, password: Uint8Array | undefined): Identity | null {
    if (!username || !password) return null;
    const u = this.get(username);
    if (!u) return null;
    if (!verifyPassword(Buffer.from(password), u.hash)) return null;
    switch (u.role) {
      case 'node':
      case 'meter':
        return u.node ? { role: 'node', village, node: u.node } : null;
      case 'hub':
        return { role: 'hub', village };
      case 'dashboard':
        return { role: 'dashboard', village };
      default:
        return null;
    }
  }
}

/**
 * The embedded broker's policy: logins checked against the users file
 * (re-read when an unknown username appears, so members admitted by the CLI
 * connect without a restart), topics checked by shared/protocol's ACL.
 */
export function brokerPolicy(village: string, users: BrokerUsers): BrokerPolicy<Identity> {
  const cache = new Map<string, { hash: string; id: Identity }>();
  return {
    authenticate(_clientId, username, password) {
      if (username && !users.get(username)) users.reload();
      const u = username ? users.get(username) : undefined;
      if (!u || !password) return null;
      // A successful login is cached by (user, password) → identity, so a
      // reconnect storm does not run PBKDF2 a thousand times.
      const key = `${username}\u0000${Buffer.from(password).toString('base64')}`;
      const hit = cache.get(key);
      if (hit && hit.hash === u.hash) return hit.id;
      const id = users.identify(village, username, password);
      if (id) cache.set(key, { hash: u.hash, id });
      return id;
    },
    canPublish,
    canSubscribe,
  };
}
