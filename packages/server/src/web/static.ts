import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Stagecoach</title>
<p>The web UI is not built. Run <code>npm run build --workspace @stagecoach/web</code> and reload.
The API is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>`;

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/**
 * Serves the built UI: a file under `dist` when one matches the path, otherwise `index.html` so
 * the UI's own router handles the path. Paths can never leave `dist`.
 */
export async function serveWeb(c: Context, dist: string | undefined): Promise<Response> {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return c.text('Not Found', 404);
  if (!dist || !(await isFile(join(dist, 'index.html')))) return c.html(NOT_BUILT, 200);
  const wanted = normalize(join(dist, decodeURIComponent(c.req.path)));
  const inside = wanted.startsWith(dist.endsWith(sep) ? dist : dist + sep);
  const file = inside && (await isFile(wanted)) ? wanted : join(dist, 'index.html');
  const body = await readFile(file);
  const immutable = file.includes(`${sep}assets${sep}`);
  return c.body(body, 200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
}
