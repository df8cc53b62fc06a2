#!/usr/bin/env node
// The compiled CLI; `npm install` at the repository root builds it (the root `prepare` script runs `tsc -b`).
import { main } from '../dist/cli/main.js';

// `prism-telemetry show | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
