#!/usr/bin/env node
// Loads the TypeScript sources through tsx so the command runs straight from a clone.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
