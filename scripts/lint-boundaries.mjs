#!/usr/bin/env node
// Keeps the package boundaries of the architecture: core stays pure (no Node built-ins, no I/O
// packages, no clock, no randomness), packages import each other only through their public
// entry, and the web bundle never reaches into the server.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const CORE_ALLOWED_PACKAGES = new Set(['zod', 'yaml', 'jsonc-parser', 'diff']);
const CORE_FORBIDDEN_CALLS = [
  [/\bDate\.now\s*\(/, 'reads the clock (pass the time in)'],
  [/\bnew Date\s*\(\s*\)/, 'reads the clock (pass the time in)'],
  [/\bMath\.random\s*\(/, 'uses randomness (pass ids in)'],
  [/\bprocess\./, 'reads the process environment'],
  [/\bfetch\s*\(/, 'does network I/O'],
  [/\bset(Timeout|Interval)\s*\(/, 'schedules timers'],
];

function files(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path));
    else if (/\.(ts|tsx)$/.test(entry.name)) out.push(path);
  }
  return out;
}

function imports(text) {
  const found = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;
  for (const m of text.matchAll(re)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const problems = [];

for (const pkg of ['core', 'server', 'cli', 'web']) {
  const dir = join(root, 'packages', pkg, 'src');
  for (const file of files(dir)) {
    const rel = relative(root, file);
    const text = readFileSync(file, 'utf8');
    const isTest = /\.test\.tsx?$/.test(file);
    for (const spec of imports(text)) {
      if (/^@stagecoach\/[^/]+\/.+/.test(spec)) problems.push(`${rel}: imports "${spec}"; import the package's public entry instead`);
      if (pkg === 'web' && spec.startsWith('@stagecoach/') && spec !== '@stagecoach/core') {
        problems.push(`${rel}: the web UI may import only @stagecoach/core, not "${spec}"`);
      }
      if (pkg !== 'core' || isTest) continue;
      if (spec.startsWith('.')) continue;
      if (builtins.has(spec) || spec.startsWith('node:')) problems.push(`${rel}: core must not import the Node built-in "${spec}"`);
      else if (spec !== '@stagecoach/core' && !CORE_ALLOWED_PACKAGES.has(spec.split('/')[0])) {
        problems.push(`${rel}: core may import only ${[...CORE_ALLOWED_PACKAGES].join(', ')}, not "${spec}"`);
      }
    }
    if (pkg === 'core' && !isTest) {
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      for (const [re, why] of CORE_FORBIDDEN_CALLS) if (re.test(code)) problems.push(`${rel}: core ${why}: ${re.source}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`lint: ${problems.length} boundary problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('lint: package boundaries hold (core is pure; packages import public entries only)');
