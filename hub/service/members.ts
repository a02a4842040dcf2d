/**
 * Admitting a household: an admin-signed `admission` on the ledger (node
 * key, meter id and key; the village's endowment is granted), broker
 * credentials for the node (username = node id) and its meter (username =
 * meter id), and the provisioning bundle a board is flashed with.
 *
 * The bundle's `preferences` use the key names firmware/main/provision.ts
 * reads from Preference domain `swg-prov` (also accepted as mcconfig
 * `key=value` config): node, village, meter, sk, hubPk, hubAddr, broker,
 * brokerPort, mqttUser, mqttPass (wifiSsid/wifiPass are the installer's).
 */
import { fail } from '../../shared/errors';
import { isNodeId } from '../../shared/protocol';
import { isPublicKey, publicKeyOf, sign } from '../../shared/sign';
import { newPassword } from '../broker/credentials';
import type { Envelope, TxOutcome } from '../ledger/types';
import { newSecretKey } from './keys';
import type { BrokerUsers } from './registry';

export interface MemberRequest {
  household: string;
  name?: string;
  /** Public keys when the boards made their own (their secret keys then stay on the boards). */
  nodeKey?: string;
  meterKey?: string;
  /** Meter id (default `<household>-m`, as the meter firmware assumes). */
  meter?: string;
}

export interface DeviceBundle {
  id: string;
  publicKey: string;
  /** Absent when the caller supplied the public key. */
  secretKey?: string;
  broker: { url: string; host: string; port: number; username: string; password: string };
  /** Preference keys (domain `swg-prov`) for this board. */
  preferences: Record<string, string | number>;
  /** The same as `mcconfig … key=value` arguments. */
  mcconfig: string;
}

export interface ProvisioningBundle {
  village: string;
  household: string;
  name: string;
  hubKey: string;
  hubAddress: string;
  node: DeviceBundle;
  meter: DeviceBundle;
}

export interface AdmitEnv {
  village: string;
  now: () => number;
  adminSecretKey: string;
  hubPublicKey: string;
  /** Next admin seq (the ledger's `by`+`seq` replay window). */
  nextAdminSeq: () => number;
  isMember: (household: string) => boolean;
  submit: (env: Envelope) => Promise<TxOutcome>;
  users: BrokerUsers;
  /** How nodes reach the hub and its broker. */
  hubAddress: string;
  brokerPort: number;
}

function shellQuote(v: string): string {
  return /^[A-Za-z0-9_.:/@+-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

function device(env: AdmitEnv, household: string, id: string, publicKey: string, secretKey: string | undefined, password: string, meter: string): DeviceBundle {
  const host = env.hubAddress;
  const port = env.brokerPort;
  const prefs: Record<string, string | number> = {
    node: household,
    village: env.village,
    meter,
    ...(secretKey ? { sk: secretKey } : {}),
    hubPk: env.hubPublicKey,
    hubAddr: host,
    broker: host,
    brokerPort: port,
    mqttUser: id,
    mqttPass: password,
  };
  return {
    id,
    publicKey,
    ...(secretKey ? { secretKey } : {}),
    broker: { url: `mqtt://${host}:${port}`, host, port, username: id, password },
    preferences: prefs,
    mcconfig: Object.entries(prefs).map(([k, v]) => `${k}=${shellQuote(String(v))}`).join(' '),
  };
}

/** Admit a household; returns its provisioning bundle. E_HUB_MEMBER for a bad request. */
export async function admitMember(env: AdmitEnv, req: MemberRequest): Promise<ProvisioningBundle> {
  if (!req || typeof req !== 'object') fail('E_HUB_MEMBER', 'a member request is an object {household, name?, nodeKey?, meterKey?}');
  const household = req.household;
  if (!isNodeId(household)) fail('E_HUB_MEMBER', `household ${JSON.stringify(household)} is not a node id ([a-z0-9][a-z0-9-]{0,31}, not "public" or "hub")`);
  const meter = req.meter ?? `${household}-m`;
  if (!isNodeId(meter) || meter === household) fail('E_HUB_MEMBER', `meter id ${JSON.stringify(meter)} is not an id, or equals the household`);
  const name = req.name ?? household;
  if (typeof name !== 'string' || name.length > 64) fail('E_HUB_MEMBER', 'name must be a string of at most 64 characters');
  for (const k of ['nodeKey', 'meterKey'] as const) {
    if (req[k] !== undefined && (typeof req[k] !== 'string' || !isPublicKey(req[k]))) fail('E_HUB_MEMBER', `${k} is not a compressed secp256k1 public key (hex)`);
  }
  if (env.isMember(household)) fail('E_HUB_MEMBER', `${household} is already a member`);
  if (env.users.get(household)?.role === 'hub' || env.users.get(household)?.role === 'dashboard') fail('E_HUB_MEMBER', `${household} is a reserved broker user`);
  const nodeSk = req.nodeKey ? undefined : newSecretKey();
  const meterSk = req.meterKey ? undefined : newSecretKey();
  const nodeKey = req.nodeKey ?? publicKeyOf(nodeSk!);
  const meterKey = req.meterKey ?? publicKeyOf(meterSk!);
  const by = publicKeyOf(env.adminSecretKey);
  const body = { village: env.village, by, seq: env.nextAdminSeq(), atMs: env.now(), household, name, nodeKey, meter, meterKey };
  const o = await env.submit({ v: 1, kind: 'admission', body, sig: sign('admission', body, env.adminSecretKey) });
  if (o.status !== 'applied') fail('E_HUB_MEMBER', `the ledger refused the admission: ${o.status === 'rejected' ? `${o.code} ${o.message}` : o.status}`);
  const nodePass = newPassword();
  const meterPass = newPassword();
  env.users.set(household, nodePass, 'node', household);
  env.users.set(meter, meterPass, 'meter', household);
  return {
    village: env.village,
    household,
    name,
    hubKey: env.hubPublicKey,
    hubAddress: env.hubAddress,
    node: device(env, household, household, nodeKey, nodeSk, nodePass, meter),
    meter: device(env, household, meter, meterKey, meterSk, meterPass, meter),
  };
}
