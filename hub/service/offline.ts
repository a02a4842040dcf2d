/**
 * Admitting a member from the command line. When the hub is stopped the CLI
 * opens the ledger itself (the hub's index absorbs the admission's block on
 * its next start); when the hub is running the ledger is locked, so the CLI
 * asks the running hub through POST /api/members with the admin token.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SwarmError, fail } from '../../shared/errors';
import { Ledger, LevelStore, ledgerPath } from '../ledger';
import { readHubAddress } from './hub';
import { loadOrCreateKeys } from './keys';
import { admitMember, type MemberRequest, type ProvisioningBundle } from './members';
import { BrokerUsers } from './registry';

export interface OfflineOptions {
  now?: () => number;
  /** Address nodes use to reach the hub (default: from <data>/hub.json). */
  hubAddress?: string;
  brokerPort?: number;
}

/** Admit through the ledger on disk (hub stopped). E_LEDGER_STORE when it is locked by a running hub. */
export async function addMemberOffline(dataDir: string, req: MemberRequest, o: OfflineOptions = {}): Promise<ProvisioningBundle> {
  if (!existsSync(join(dataDir, 'keys.json')) || !existsSync(ledgerPath(dataDir))) fail('E_HUB_DATA', `no hub in ${dataDir}: start the hub once (swarmgrid hub --data ${dataDir} --village ID)`);
  const keys = loadOrCreateKeys(dataDir);
  const now = o.now ?? Date.now;
  const ledger = await Ledger.open({ store: new LevelStore(ledgerPath(dataDir), { createIfMissing: false }), clock: now, hubSecretKey: keys.hubSecretKey });
  try {
    const entries = ledger.stateEntries();
    let adminSeq = (entries.find(([k]) => k === `sseq/${keys.adminPublicKey}`)?.[1] as number | undefined) ?? 0;
    const addr = readHubAddress(dataDir);
    return await admitMember(
      {
        village: ledger.genesis.body.village,
        now,
        adminSecretKey: keys.adminSecretKey,
        hubPublicKey: keys.hubPublicKey,
        nextAdminSeq: () => ++adminSeq,
        isMember: (h) => !!ledger.member(h),
        submit: async (env) => (await ledger.append([env])).outcomes[0]!,
        users: new BrokerUsers(dataDir),
        hubAddress: o.hubAddress ?? addr?.publicHost ?? '127.0.0.1',
        brokerPort: o.brokerPort ?? addr?.mqttPort ?? 1883,
      },
      req,
    );
  } finally {
    await ledger.close();
  }
}

/** Admit through the running hub's API (its address from <data>/hub.json, the token from keys.json). */
export async function addMemberOnline(dataDir: string, req: MemberRequest, adminToken?: string): Promise<ProvisioningBundle> {
  const addr = readHubAddress(dataDir);
  if (!addr) fail('E_HUB_DATA', `no running hub recorded in ${dataDir}/hub.json`);
  const token = adminToken ?? loadOrCreateKeys(dataDir).adminToken;
  const r = await fetch(`http://127.0.0.1:${addr.httpPort}/api/members`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(req) });
  const body = (await r.json()) as ProvisioningBundle | { error: { code: string; message: string } };
  if ('error' in body) throw new SwarmError(body.error.code, body.error.message.replace(/^E_[A-Z_]+: /, ''));
  return body;
}

/** Offline when the ledger is free, else through the running hub. */
export async function addMember(dataDir: string, req: MemberRequest, o: OfflineOptions & { adminToken?: string } = {}): Promise<ProvisioningBundle> {
  try {
    return await addMemberOffline(dataDir, req, o);
  } catch (err) {
    if (err instanceof SwarmError && err.code === 'E_LEDGER_STORE' && readHubAddress(dataDir)) return addMemberOnline(dataDir, req, o.adminToken);
    throw err;
  }
}
