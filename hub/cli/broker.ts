/**
 * `swarmgrid broker mosquitto-config`: write password_file, acl_file and
 * mosquitto.conf for an external mosquitto from the hub's data directory.
 * Run it again after admitting members, then reload mosquitto (SIGHUP).
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fail } from '../../shared/errors';
import { writeMosquittoConfig } from '../broker/mosquitto';
import { Ledger, LevelStore, ledgerPath } from '../ledger';
import { readHubAddress } from '../service/hub';
import { BrokerUsers } from '../service/registry';
import type { Command } from './main';

/** The village of a data directory (from the running hub's record, else the ledger's genesis). */
async function villageOf(dataDir: string): Promise<string> {
  const a = readHubAddress(dataDir);
  if (a) return a.village;
  if (!existsSync(ledgerPath(dataDir))) fail('E_HUB_DATA', `no hub in ${dataDir}: start the hub once first`);
  const ledger = await Ledger.open({ store: new LevelStore(ledgerPath(dataDir), { createIfMissing: false }), clock: Date.now });
  try {
    return ledger.genesis.body.village;
  } finally {
    await ledger.close();
  }
}

export const command: Command = {
  summary: 'Write mosquitto.conf, password_file and acl_file for an external mosquitto serving the village.',
  usage: 'swarmgrid broker mosquitto-config --data DIR --out DIR [--port N] [--host ADDR] [--ws-port N] [--village ID]',
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      options: { data: { type: 'string' }, out: { type: 'string' }, port: { type: 'string', default: '1883' }, host: { type: 'string' }, 'ws-port': { type: 'string' }, village: { type: 'string' } },
    });
    if (!values.data || !values.out) {
      process.stderr.write(`usage: ${command.usage}\n`);
      return 2;
    }
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail('E_HUB_CONFIG', '--port must be 1..65535');
    const wsPort = values['ws-port'] === undefined ? undefined : Number(values['ws-port']);
    const users = new BrokerUsers(values.data);
    const village = values.village ?? (await villageOf(values.data));
    const files = writeMosquittoConfig(values.out, { village, users: Object.fromEntries(users.entries()), port, host: values.host, wsPort });
    process.stdout.write(`wrote ${files.conf}, ${files.passwordFile}, ${files.aclFile} (${users.entries().length} users)\nrun: mosquitto -c ${files.conf}\n`);
    return 0;
  },
};
