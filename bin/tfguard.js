#!/usr/bin/env node
// The launcher: everything lives in the built CLI (npm run build; npm ci runs it through `prepare`).
import { main } from '../dist/src/cli.js';

process.exitCode = await main();
