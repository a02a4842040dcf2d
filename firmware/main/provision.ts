/**
 * Provisioning: who this node is and where its hub is. Values come from the
 * Preference domain `swg-prov` (written once per board, survives reflashing)
 * and fall back to the build's `mc/config` (non-secret defaults, overridable
 * as `key=value` on the mcconfig command line). The secret key is never a
 * build default: a `-d` build may carry `sk=<hex>` once to seed Preference
 * (see README "Flashing a board"), after which a build without it is flashed.
 *
 * Preference keys (≤ 15 chars): node, village, meter, sk, hubPk, hubAddr,
 * broker, brokerPort, mqttUser, mqttPass, wifiSsid, wifiPass. (Not `ssid`: the
 * SDK's setup/network would then connect WiFi and ask pool.ntp.org before main.)
 */
import type { PreferenceStore } from '../platform/types';

export const PROVISION_DOMAIN = 'swg-prov';

export interface Provisioning {
  village: string;
  nodeId: string;
  /** The meter's own id (meter node only; default `<node>-m`). */
  meterId: string;
  secretKeyHex: string;
  hubPublicKeyHex: string;
  /** The hub's IPv4 address: SNTP server, DNS server and default broker. */
  hubAddress: string;
  broker: { host: string; port: number; user?: string; password?: string };
  wifi: { ssid: string; password?: string };
}

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const PK = /^0[23][0-9a-f]{64}$/;

type Config = Readonly<Record<string, unknown>>;

/** Seed Preference from build config keys that are absent there (first boot). Returns the keys written. */
export function seedFromConfig(store: PreferenceStore, config: Config): string[] {
  const written: string[] = [];
  for (const key of ['node', 'village', 'meter', 'sk', 'hubPk', 'hubAddr', 'broker', 'mqttUser', 'mqttPass', 'wifiSsid', 'wifiPass']) {
    const v = config[key];
    if (typeof v === 'string' && v !== '' && store.get(PROVISION_DOMAIN, key) === undefined) {
      store.set(PROVISION_DOMAIN, key, v);
      written.push(key);
    }
  }
  return written;
}

/**
 * Read the provisioning; throws one Error naming every missing or malformed
 * item (the board stays autonomous: nothing is started).
 */
export function loadProvisioning(store: PreferenceStore, config: Config): Provisioning {
  const problems: string[] = [];
  const str = (key: string, fallback?: string): string => {
    const v = store.get(PROVISION_DOMAIN, key) ?? config[key] ?? fallback;
    return typeof v === 'string' ? v : '';
  };
  const need = (key: string, ok: (s: string) => boolean, what: string, fallback?: string): string => {
    const s = str(key, fallback);
    if (!ok(s)) problems.push(`${key} (${what})`);
    return s;
  };
  const nodeId = need('node', (s) => ID.test(s), 'node id');
  const village = need('village', (s) => ID.test(s), 'village id');
  const meterId = need('meter', (s) => ID.test(s), 'meter id', nodeId ? `${nodeId}-m` : undefined);
  const secretKeyHex = need('sk', (s) => HEX64.test(s), '64 lowercase hex');
  const hubPublicKeyHex = need('hubPk', (s) => PK.test(s), '33-byte compressed key, hex');
  const hubAddress = need('hubAddr', (s) => s.length > 0, 'IPv4 address of the hub');
  const ssid = need('wifiSsid', (s) => s.length > 0 && s.length <= 32, 'WiFi SSID');
  const host = str('broker', hubAddress);
  const portValue = store.get(PROVISION_DOMAIN, 'brokerPort') ?? config.brokerPort ?? 1883;
  const port = typeof portValue === 'number' ? portValue : Number(portValue);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push('brokerPort (1..65535)');
  if (problems.length) throw new Error(`provisioning incomplete: ${problems.join(', ')}`);
  const broker: Provisioning['broker'] = { host, port };
  const user = str('mqttUser');
  const password = str('mqttPass');
  if (user) broker.user = user;
  if (password) broker.password = password;
  const wifi: Provisioning['wifi'] = { ssid };
  const wifiPass = str('wifiPass');
  if (wifiPass) wifi.password = wifiPass;
  return { village, nodeId, meterId, secretKeyHex, hubPublicKeyHex, hubAddress, broker, wifi };
}

/** The provisioning with secrets masked, for trace(). */
export function describe(p: Provisioning): string {
  return `node ${p.nodeId} (meter ${p.meterId}) in ${p.village}, hub ${p.hubAddress}, broker ${p.broker.host}:${p.broker.port}` +
    `${p.broker.user ? ` as ${p.broker.user}` : ''}, wifi "${p.wifi.ssid}", hub key ${p.hubPublicKeyHex.slice(0, 10)}…`;
}
