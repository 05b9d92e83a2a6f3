#!/usr/bin/env node
// The `disrupt` command. The sources are TypeScript run through tsx's loader,
// so the repository needs no build step: `npm ci && npx disrupt …` works.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
