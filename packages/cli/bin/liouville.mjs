#!/usr/bin/env node
// The `liouville` command: runs the TypeScript sources directly through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { runProcess } = await import('../src/processEntry.ts');
await runProcess(process.argv.slice(2));
