#!/usr/bin/env node
// The `liouville` command as published: the compiled entry point, run by plain Node (no TypeScript
// loader). In the repository, bin/liouville.mjs runs the sources through tsx instead.
import { runProcess } from './processEntry.js';

await runProcess(process.argv.slice(2));
