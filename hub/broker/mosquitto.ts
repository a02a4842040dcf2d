/**
 * Configuration for an external mosquitto (2.x) serving a village, written
 * from the hub's data directory:
 *
 *   password_file  the `$7$` hashes of broker-users.json (mosquitto's own format)
 *   acl_file       shared/protocol's access rules, spelled per user
 *   mosquitto.conf one listener, allow_anonymous false, persistence off
 *
 * ACL, equivalent to shared/protocol/acl.ts:
 *   node N (username N) and its meter (username M):
 *       write swarmgrid/v1/<v>/N/+          (N's own node topics)
 *       read  swarmgrid/v1/<v>/N/in/#       (N's inbox)
 *       read  swarmgrid/v1/<v>/public/#     (the village's public topics)
 *   hub:  read swarmgrid/v1/<v>/#, write swarmgrid/v1/<v>/+/in/+ and …/public/+
 *   dashboard: read swarmgrid/v1/<v>/#
 * The rules are written per user rather than as `pattern …/%u/…` lines:
 * mosquitto applies patterns to every user, which would let a meter or the
 * dashboard write under a node id equal to its username.
 */
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { isId } from '../../shared/protocol';
import { fail } from '../../shared/errors';
import { mosquittoPasswordFile } from './credentials';

export interface MosquittoUser {
  hash: string;
  role: 'node' | 'meter' | 'hub' | 'dashboard';
  node?: string;
}

export interface MosquittoOptions {
  village: string;
  users: Record<string, MosquittoUser>;
  port: number;
  host?: string;
  /** A WebSocket listener too (needs mosquitto built with websockets). */
  wsPort?: number;
  /**
   * The user mosquitto runs as (default: whoever writes the config). Started
   * as root, mosquitto otherwise drops to user "mosquitto", which cannot read
   * the 0600 password file written here.
   */
  user?: string;
}

/** The acl_file text. */
export function mosquittoAcl(village: string, users: Record<string, MosquittoUser>): string {
  if (!isId(village)) fail('E_HUB_CONFIG', `village ${JSON.stringify(village)} is not an id`);
  const root = `swarmgrid/v1/${village}`;
  const lines = [`# swarmgrid village ${village}: written by \`swarmgrid broker mosquitto-config\`; do not edit`, ''];
  for (const name of Object.keys(users).sort()) {
    const u = users[name]!;
    lines.push(`user ${name}`);
    if (u.role === 'hub') {
      lines.push(`topic read ${root}/#`, `topic write ${root}/+/in/+`, `topic write ${root}/public/+`);
    } else if (u.role === 'dashboard') {
      lines.push(`topic read ${root}/#`);
    } else if (u.node && isId(u.node)) {
      lines.push(`topic write ${root}/${u.node}/+`, `topic read ${root}/${u.node}/in/#`, `topic read ${root}/public/#`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The mosquitto.conf text (paths absolute). */
export function mosquittoConf(o: { port: number; host?: string; wsPort?: number; passwordFile: string; aclFile: string; user?: string }): string {
  const lines = [
    '# swarmgrid: written by `swarmgrid broker mosquitto-config`',
    ...(o.user ? [`user ${o.user}`] : []),
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    'persistence false',
    'max_packet_size 20000',
    `listener ${o.port}${o.host ? ` ${o.host}` : ''}`,
  ];
  if (o.wsPort !== undefined) lines.push(`listener ${o.wsPort}${o.host ? ` ${o.host}` : ''}`, 'protocol websockets');
  return lines.join('\n') + '\n';
}

/** Write password_file, acl_file and mosquitto.conf into `outDir`; returns their paths. */
export function writeMosquittoConfig(outDir: string, o: MosquittoOptions): { conf: string; passwordFile: string; aclFile: string } {
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const passwordFile = join(dir, 'password_file');
  const aclFile = join(dir, 'acl_file');
  const conf = join(dir, 'mosquitto.conf');
  const hashes: Record<string, string> = {};
  for (const [u, v] of Object.entries(o.users)) hashes[u] = v.hash;
  writeFileSync(passwordFile, mosquittoPasswordFile(hashes), { mode: 0o600 });
  chmodSync(passwordFile, 0o600);
  writeFileSync(aclFile, mosquittoAcl(o.village, o.users), { mode: 0o600 });
  writeFileSync(conf, mosquittoConf({ port: o.port, host: o.host, wsPort: o.wsPort, passwordFile, aclFile, user: o.user ?? userInfo().username }));
  return { conf, passwordFile, aclFile };
}
