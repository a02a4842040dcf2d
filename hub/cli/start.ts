import type { Command } from './main';

export const command: Command = {
  summary: 'Start the hub with an embedded broker and a virtual village (not built yet).',
  usage: 'swarmgrid start [--scenario FILE]',
  async run() {
    process.stderr.write('swarmgrid start: the hub and the virtual village are not built yet; nothing was started.\n');
    return 1;
  },
};
