/**
 * `swarmgrid member add`: admit a household and print its provisioning
 * bundle (node and meter ids, secret keys, broker credentials, hub key and
 * address) as JSON, or as Preference keys / mcconfig arguments.
 */
import { parseArgs } from 'node:util';
import { addMember } from '../service/offline';
import type { ProvisioningBundle } from '../service/members';
import type { Command } from './main';

function text(b: ProvisioningBundle): string {
  const dev = (title: string, d: ProvisioningBundle['node']) =>
    [
      `${title} ${d.id}`,
      `  public key: ${d.publicKey}`,
      ...(d.secretKey ? [`  secret key: ${d.secretKey}`] : []),
      `  broker:     ${d.broker.url} user ${d.broker.username} password ${d.broker.password}`,
      `  Preference (domain swg-prov): ${Object.entries(d.preferences).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      `  mcconfig -d -m -p esp32/<board> manifests/${title}.json ${d.mcconfig} wifiSsid=<ssid> wifiPass=<password>`,
    ].join('\n');
  return [
    `admitted ${b.household} ("${b.name}") to village ${b.village}`,
    `hub key ${b.hubKey}, hub address ${b.hubAddress}`,
    dev('coupling', b.node),
    dev('meter', b.meter),
    'Keep the secret keys and passwords off shared screens: they are shown only now.',
    '',
  ].join('\n');
}

export const command: Command = {
  summary: 'Admit a household: ledger admission, broker credentials, provisioning bundle for its node and meter.',
  usage: 'swarmgrid member add --data DIR --household ID [--name N] [--meter ID] [--node-key PUB] [--meter-key PUB] [--admin-token T] [--json]',
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      options: {
        data: { type: 'string', default: './swarmgrid-data' },
        household: { type: 'string' },
        name: { type: 'string' },
        meter: { type: 'string' },
        'node-key': { type: 'string' },
        'meter-key': { type: 'string' },
        'admin-token': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (!values.household) {
      process.stderr.write(`usage: ${command.usage}\n`);
      return 2;
    }
    const bundle = await addMember(
      values.data,
      { household: values.household, name: values.name, meter: values.meter, nodeKey: values['node-key'], meterKey: values['meter-key'] },
      { adminToken: values['admin-token'] },
    );
    process.stdout.write(values.json ? JSON.stringify(bundle, null, 2) + '\n' : text(bundle));
    return 0;
  },
};
