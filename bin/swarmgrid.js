#!/usr/bin/env node
// swarmgrid command-line entry. TypeScript sources run through tsx's loader,
// so a fresh `npm install` is all a user needs (no build step, no globals).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../hub/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
