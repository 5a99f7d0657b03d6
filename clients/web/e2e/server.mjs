// Starts a real `mingle` server for the end-to-end tests: its own port, a throwaway SQLite data
// directory, the built web app from dist/ (or E2E_WEB_DIR), a real SMTP server it mails to
// (aiosmtpd from the project's virtualenv, keeping every mail in a Maildir the tests read), and a
// real OpenID Provider people sign in with ("Test ID": oidc-provider from tests/oidc, its test
// users), with an operator token for the operator's pages (`opsToken`). The binary is the one cargo built (debug or release) under CARGO_TARGET_DIR, or
// MINGLE_BIN.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
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

/** A TCP port nobody listens on now. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** Resolves once something accepts connections on `port`. */
async function listening(port, child, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the SMTP server exited with ${child.exitCode}`);
    const open = await new Promise((done) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A mail's body as text: quoted-printable (soft line breaks, `=XX` bytes) and base64 undone. */
function decodeBody(headers, body) {
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return body;
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * A real SMTP server that keeps what it receives in a Maildir. `waitFor` answers the first mail to
 * an address (whose subject matches, if given) that it has not answered before.
 */
async function startMailbox(dir) {
  const port = await freePort();
  const maildir = join(dir, 'maildir');
  const python = join(repoRoot, '.venv', 'bin', 'python');
  const child = spawn(
    python,
    ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await listening(port, child);
  const taken = new Set();
  const read = () =>
    ['new', 'cur'].flatMap((box) => {
      const folder = join(maildir, box);
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .sort()
        .map((name) => ({ id: `${box}/${name}`, raw: readFileSync(join(folder, name), 'utf8') }));
    });
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** The next mail to `to`, as `{ subject, text }`; waits up to `timeoutMs` for it. */
    async waitFor(to, { subject = /./, timeoutMs = 20_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const { id, raw } of read()) {
          if (taken.has(id)) continue;
          const split = raw.search(/\r?\n\r?\n/);
          const headers = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
          const recipient = /^to:\s*(.*)$/im.exec(headers)?.[1] ?? '';
          const title = /^subject:\s*(.*)$/im.exec(headers)?.[1] ?? '';
          if (!recipient.toLowerCase().includes(to.toLowerCase()) || !subject.test(title)) continue;
          taken.add(id);
          return { subject: title, text: decodeBody(headers, raw.slice(split).replace(/^\s+/, '')) };
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${to} (${subject}) within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Where the tests' OpenID Provider lives, with its packages. */
const OIDC_DIR = join(repoRoot, 'tests', 'oidc');
/** The operator token (MINGLE_OPS_TOKEN) the test server takes on `/ops/...`. */
const OPS_TOKEN = 'e2e-operator-token';

/** The identity provider's id and client at Mingle, as the tests' provider knows them. */
const OIDC = { id: 'test', name: 'Test ID', clientId: 'mingle-e2e', clientSecret: 'e2e-secret' };

/**
 * The OpenID Provider of tests/oidc on `port`, whose one client sends people back to
 * `redirectUri`; answers once it listens.
 */
async function startProvider(port, redirectUri) {
  const child = spawn(
    process.execPath,
    [join(OIDC_DIR, 'provider.mjs'), String(port), OIDC.clientId, OIDC.clientSecret, redirectUri],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Its warnings that it runs as a development setup (in-memory, its own keys) are what a test
  // wants; anything else it says is passed on.
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (!line.startsWith('oidc-provider WARNING')) console.error(line);
  });
  const lines = createInterface({ input: child.stdout });
  await new Promise((ready, reject) => {
    const timer = setTimeout(() => reject(new Error('the OpenID Provider did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`the OpenID Provider exited with ${code} before it was ready`)));
    lines.on('line', (line) => {
      if (line.trim() !== 'ready') return;
      clearTimeout(timer);
      ready();
    });
  }).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  return {
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * Starts the server, its mailbox and its identity provider; answers the server's base URL, the
 * mailbox, the provider's name, the operator token and a stop function.
 */
export async function startServer() {
  if (!existsSync(join(OIDC_DIR, 'node_modules', 'oidc-provider'))) {
    throw new Error('tests/oidc has no node_modules: run `npm ci --prefix tests/oidc` (./dev test does) first');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'mingle-e2e-'));
  const mail = await startMailbox(dataDir);
  // The provider's port comes first: Mingle is told its issuer, the provider Mingle's address.
  const providerPort = await freePort();
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
      '--smtp-url',
      mail.url,
      '--oidc-providers',
      `id=${OIDC.id},name=${OIDC.name},issuer=http://127.0.0.1:${providerPort},client_id=${OIDC.clientId},client_secret=${OIDC.clientSecret}`,
    ],
    // The repository root, so the server finds the text model in ./.venv as it does under `./dev run`.
    {
      cwd: repoRoot,
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info', MINGLE_OPS_TOKEN: OPS_TOKEN },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise((resolveAddress, reject) => {
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
  const address = await ready.catch(async (error) => {
    child.kill('SIGKILL');
    await mail.stop();
    throw error;
  });
  const provider = await startProvider(providerPort, `http://${address}/api/v1/auth/oidc/${OIDC.id}/callback`).catch(
    async (error) => {
      child.kill('SIGKILL');
      await mail.stop();
      throw error;
    },
  );
  return {
    base: `http://${address}`,
    mail,
    provider: OIDC.name,
    opsToken: OPS_TOKEN,
    async stop() {
      await provider.stop();
      await mail.stop();
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

/** A call to the test server's REST API as the holder of `token`; fails the test on any error status. */
export async function api(base, token, method, path, body) {
  const response = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
