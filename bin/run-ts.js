#!/usr/bin/env node
// Runs a TypeScript file (benchmarks, scripts) with tsx's loader.
require('tsx/cjs');
const path = require('node:path');
const [, , file, ...rest] = process.argv;
process.argv = [process.argv[0], path.resolve(file), ...rest];
require(path.resolve(file));
