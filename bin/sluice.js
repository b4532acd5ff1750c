#!/usr/bin/env node
// Sluice runs its TypeScript directly through tsx's loader: no build step between a clone and a run.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv)
  .then((code) => process.exit(code));
