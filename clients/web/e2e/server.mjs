// Starts a real `mingle` server for the end-to-end tests: its own port, a throwaway SQLite data
// directory, the built web app from dist/ (or E2E_WEB_DIR). The binary is the one cargo built
// (debug or release) under CARGO_TARGET_DIR, or MINGLE_BIN.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(webDir, '../..');

function binary() {
  if (process.env.MINGLE_BIN) return process.env.MINGLE_BIN;
  const target = process.env.CARGO_TARGET_DIR
    ? resolve(repoRoot, process.env.CARGO_TARGET_DIR)
    : join(repoRoot, 'target');
  const candidates = [join(target, 'debug', 'mingle'), join(target, 'release', 'mingle')].filter(existsSync);
  if (candidates.length === 0) throw new Error(`no mingle binary under ${target}: run \`cargo build -p server\` first`);
  return candidates[0];
}

/** Starts the server; answers its base URL and a stop function. */
export async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'mingle-e2e-'));
  const child = spawn(
    binary(),
    [
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      dataDir,
      '--web-dir',
      process.env.E2E_WEB_DIR ? resolve(process.env.E2E_WEB_DIR) : join(webDir, 'dist'),
      '--log-format',
      'json',
      '--auth-per-address-per-minute',
      '10000',
      '--login-per-account-per-minute',
      '1000',
    ],
    // The repository root, so the server finds the text model in ./.venv as it does under `./dev run`.
    {
      cwd: repoRoot,
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const address = await new Promise((resolveAddress, reject) => {
    const timer = setTimeout(() => reject(new Error('mingle did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`mingle exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (process.env.MINGLE_TEST_LOGS) console.log(line);
      try {
        const entry = JSON.parse(line);
        if (entry.fields?.address) {
          clearTimeout(timer);
          resolveAddress(entry.fields.address);
        }
      } catch {
        // Not a log line.
      }
    });
  });
  return {
    base: `http://${address}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          r();
        });
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
