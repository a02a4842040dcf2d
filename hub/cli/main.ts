/**
 * `swarmgrid <command> …`: one table of commands, each in its own module,
 * loaded only when used (the hub's start-up does not pay for the testbed).
 */
import { SwarmError } from '../../shared/errors';

export interface Command {
  /** One line for `swarmgrid help`. */
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

type Loader = () => Promise<{ command: Command }>;

/** Every command, by its words. Add a line here and a module beside this file. */
export const commands: Record<string, Loader> = {
  'keys new': () => import('./keys'),
  start: () => import('./start'),
  'vedirect decode': () => import('./vedirect'),
  'ledger audit': () => import('./ledger').then((m) => ({ command: m.audit })),
  'ledger export': () => import('./ledger').then((m) => ({ command: m.exportCommand })),
  'loads generate': () => import('./loads'),
  simulate: () => import('./simulate'),
  'firmware replay': () => import('./firmware'),
  hub: () => import('./hub'),
  'member add': () => import('./member'),
  'broker mosquitto-config': () => import('./broker'),
};

function usage(): string {
  return [
    'usage: swarmgrid <command> [options]',
    '',
    'commands:',
    ...Object.keys(commands).map((c) => `  ${c}`),
    '',
    'swarmgrid <command> --help shows the options of one command.',
  ].join('\n');
}

/** Run the CLI; returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(usage() + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  // Longest match of the command words (e.g. "ledger audit" before "ledger").
  for (let n = Math.min(3, argv.length); n > 0; n--) {
    const words = argv.slice(0, n).join(' ');
    const load = commands[words];
    if (!load) continue;
    const { command } = await load();
    const rest = argv.slice(n);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${command.summary}\nusage: ${command.usage}\n`);
      return 0;
    }
    try {
      return await command.run(rest);
    } catch (e) {
      if (e instanceof SwarmError) {
        process.stderr.write(`swarmgrid ${words}: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  }
  process.stderr.write(`swarmgrid: unknown command "${argv.join(' ')}"\n\n${usage()}\n`);
  return 2;
}
