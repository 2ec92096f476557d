#!/usr/bin/env node
/**
 * A tiny static file server (node:http, no dependencies) for the browser demo and its e2e test.
 * GET and HEAD only, no directory listings, nothing outside the root, no caching.
 *
 *   node scripts/serve-static.mjs                        # serves examples/browser/ on :8080
 *   node scripts/serve-static.mjs some/dir --port 0      # any directory, a free port
 *
 * As a module: `await serveStatic({ root, files, port: 0 })` returns `{ url, port, close }`;
 * `files` maps URL paths to in-memory contents served in place of the disk (the e2e test serves
 * a fresh bundle that way, without writing it).
 *
 * By default every answer carries the headers that make a page cross-origin isolated
 * (`Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy: require-corp`,
 * and `Cross-Origin-Resource-Policy: same-origin` on files): SharedArrayBuffer, and with it the
 * demo's training on worker threads, needs that. `isolate: false` (`--no-isolate`) leaves them out.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const typeOf = (/** @type {string} */ file) =>
  TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/** The headers of a cross-origin isolated page (`crossOriginIsolated`), on every answer. */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
/** With require-corp, what the page loads must allow it; the files say same-origin. */
const FILE_POLICY = { 'Cross-Origin-Resource-Policy': 'same-origin' };

/**
 * Starts the server.
 *
 * @param {{ root: string, files?: Map<string, Uint8Array>, port?: number, host?: string, isolate?: boolean }} options
 *   `port` 0 (the default) picks a free port; `host` defaults to 127.0.0.1; `isolate` (default
 *   true) sends the cross-origin isolation headers.
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export function serveStatic({
  root,
  files = new Map(),
  port = 0,
  host = '127.0.0.1',
  isolate = true,
}) {
  const rootDir = path.resolve(root);
  const always = { 'Cache-Control': 'no-store', ...(isolate ? ISOLATION : {}) };
  const fileHeaders = { ...always, ...(isolate ? FILE_POLICY : {}) };
  const server = createServer((request, response) => {
    /**
     * @param {number} status
     * @param {string | Uint8Array} body
     * @param {Record<string, string | number>} [headers]
     */
    const send = (status, body, headers = {}) => {
      response.writeHead(status, { ...(status === 200 ? fileHeaders : always), ...headers });
      response.end(request.method === 'HEAD' ? undefined : body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      send(400, 'bad request\n');
      return;
    }
    if (urlPath.endsWith('/')) urlPath += 'index.html';

    const inMemory = files.get(urlPath);
    if (inMemory) {
      send(200, inMemory, { 'Content-Type': typeOf(urlPath), 'Content-Length': inMemory.length });
      return;
    }
    const file = path.join(rootDir, urlPath);
    if (file !== rootDir && !file.startsWith(rootDir + path.sep)) {
      send(403, 'forbidden\n');
      return;
    }
    let stats;
    try {
      stats = statSync(file);
    } catch {
      stats = undefined;
    }
    if (!stats?.isFile()) {
      send(404, 'not found\n');
      return;
    }
    response.writeHead(200, {
      ...fileHeaders,
      'Content-Type': typeOf(file),
      'Content-Length': stats.size,
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve({
        url: `http://${shownHost}:${actualPort}/`,
        port: actualPort,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => {
              done();
            });
          }),
      });
    });
  });
}

async function main() {
  const argv = process.argv.slice(2);
  let root = fileURLToPath(new URL('../examples/browser/', import.meta.url));
  let port = Number(process.env.PORT ?? 8080);
  let host = '127.0.0.1';
  let isolate = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') port = Number(argv[++i]);
    else if (arg === '--host') host = String(argv[++i]);
    else if (arg === '--no-isolate') isolate = false;
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: node scripts/serve-static.mjs [dir] [--port N] [--host H] [--no-isolate]',
      );
      return;
    } else if (arg?.startsWith('--')) throw new Error(`serve-static: unknown argument ${arg}`);
    else if (arg) root = path.resolve(arg);
  }
  const { url } = await serveStatic({ root, port, host, isolate });
  console.log(`serving ${path.relative(process.cwd(), root) || '.'} at ${url}  (Ctrl-C to stop)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
