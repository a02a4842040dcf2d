import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { publicKeyOf, secretKeyFromEntropy } from '../../shared/sign';
import type { Command } from './main';

export const command: Command = {
  summary: 'Make a new secp256k1 key pair (for a node, a meter, the hub or an admin).',
  usage: 'swarmgrid keys new [--json]',
  async run(args) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, strict: true });
    const secretKey = secretKeyFromEntropy(randomBytes(48));
    const publicKey = publicKeyOf(secretKey);
    if (values.json) process.stdout.write(JSON.stringify({ secretKey, publicKey }) + '\n');
    else process.stdout.write(`secret key: ${secretKey}\npublic key: ${publicKey}\n`);
    return 0;
  },
};
