#!/usr/bin/env node
// The compiled CLI; `npm install` at the repository root builds it (the root `prepare` script runs `tsc -b`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
