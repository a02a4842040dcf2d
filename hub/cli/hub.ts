/**
 * `swarmgrid hub`: run the village hub (broker, ledger, market, contracts,
 * settlement, time, API and dashboard) until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { fail } from '../../shared/errors';
import { Hub } from '../service/hub';
import type { HubOptions, MqttOptions } from '../service/types';
import type { Command } from './main';

function port(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) fail('E_HUB_CONFIG', `${name} must be a port number (0 = any free port)`);
  return n;
}

export const command: Command = {
  summary: 'Run the village hub: broker, ledger, market, contracts, settlement, time, API and dashboard.',
  usage:
    'swarmgrid hub [--data DIR] [--village ID] [--mqtt embedded|mqtt://host:port] [--mqtt-user U --mqtt-password P] ' +
    '[--mqtt-port N] [--ws-port N] [--http-port N] [--sntp-port N|off] [--admin-token T] [--host ADDR] [--public-host ADDR]',
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      options: {
        data: { type: 'string', default: './swarmgrid-data' },
        village: { type: 'string', default: 'village' },
        mqtt: { type: 'string', default: 'embedded' },
        'mqtt-user': { type: 'string' },
        'mqtt-password': { type: 'string' },
        'mqtt-port': { type: 'string' },
        'ws-port': { type: 'string' },
        'http-port': { type: 'string' },
        'sntp-port': { type: 'string' },
        'admin-token': { type: 'string' },
        host: { type: 'string', default: '0.0.0.0' },
        'public-host': { type: 'string' },
      },
    });
    const mqtt: MqttOptions =
      values.mqtt === 'embedded'
        ? { mode: 'embedded', host: values.host, port: port(values['mqtt-port'], '--mqtt-port', 1883), wsPort: port(values['ws-port'], '--ws-port', 8083) }
        : /^(mqtts?|wss?):\/\//.test(values.mqtt)
          ? { mode: 'external', url: values.mqtt, username: values['mqtt-user'], password: values['mqtt-password'] }
          : fail('E_HUB_CONFIG', '--mqtt must be "embedded" or a URL such as mqtt://127.0.0.1:1883');
    const sntp = values['sntp-port'];
    const o: HubOptions = {
      dataDir: values.data,
      village: values.village,
      mqtt,
      httpPort: port(values['http-port'], '--http-port', 8080),
      httpHost: values.host,
      sntpPort: sntp === 'off' ? null : port(sntp, '--sntp-port', 123),
      adminToken: values['admin-token'],
      publicHost: values['public-host'],
      log: (level, message) => process.stderr.write(`${new Date().toISOString()} ${level} ${message}\n`),
    };
    const hub = new Hub(o);
    await hub.start();
    const a = hub.addresses;
    process.stdout.write(
      [
        `swarmgrid hub of village ${a.village} (hub key ${hub.hubPublicKey})`,
        `  dashboard and API: ${a.apiUrl}/  (admin token in ${values.data}/keys.json unless --admin-token)`,
        `  MQTT broker:       ${a.mqttUrl}${a.wsUrl ? `  (WebSocket ${a.wsUrl})` : ''}`,
        `  SNTP:              ${a.sntpPort === null ? 'off' : `udp ${a.sntpPort}`}`,
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        process.stderr.write(`${sig}: stopping the hub\n`);
        resolve();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    await hub.stop();
    return 0;
  },
};
