/**
 * The hub's secrets in its data directory, created on the first start and
 * kept in files readable by the hub's user only (mode 0600):
 *
 *   keys.json   { hubSecretKey, adminSecretKey, adminToken, hubMqttPassword, dashboardMqttPassword }
 *
 * The hub key signs blocks, contracts, settlements and the village time; the
 * admin key signs admissions and rule changes (an operator may move it off
 * the router later: the ledger only needs its public half in genesis).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../../shared/errors';
import { publicKeyOf, secretKeyFromEntropy } from '../../shared/sign';
import { newPassword } from '../broker/credentials';

export interface HubSecrets {
  hubSecretKey: string;
  adminSecretKey: string;
  adminToken: string;
  hubMqttPassword: string;
  dashboardMqttPassword: string;
}

export interface HubKeys extends HubSecrets {
  hubPublicKey: string;
  adminPublicKey: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Write `text` to `file` atomically (temp file + rename) with mode 0600. */
export function writePrivate(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** A fresh secp256k1 secret key (hex) from the OS's randomness. */
export function newSecretKey(): string {
  return secretKeyFromEntropy(randomBytes(48));
}

/** Read the data directory's secrets, creating them (and the directory) on first use. */
export function loadOrCreateKeys(dataDir: string): HubKeys {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'keys.json');
  let s: HubSecrets;
  if (existsSync(file)) {
    let parsed: Partial<HubSecrets>;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<HubSecrets>;
    } catch {
      return fail('E_HUB_DATA', `${file} is not JSON`);
    }
    if (!HEX64.test(parsed.hubSecretKey ?? '') || !HEX64.test(parsed.adminSecretKey ?? '') || !parsed.adminToken || !parsed.hubMqttPassword || !parsed.dashboardMqttPassword) {
      fail('E_HUB_DATA', `${file} lacks a key, token or password`);
    }
    s = parsed as HubSecrets;
  } else {
    s = {
      hubSecretKey: newSecretKey(),
      adminSecretKey: newSecretKey(),
      adminToken: randomBytes(18).toString('base64url'),
      hubMqttPassword: newPassword(),
      dashboardMqttPassword: newPassword(),
    };
    writePrivate(file, JSON.stringify(s, null, 2) + '\n');
  }
  return { ...s, hubPublicKey: publicKeyOf(s.hubSecretKey), adminPublicKey: publicKeyOf(s.adminSecretKey) };
}
