'use strict';
// Starts the real server binary (target/debug/disinfo-desk, built by scripts/test with
// `cargo build --locked`) the way an operator does: DESK_ENV=test, a fresh database, a free port,
// mail over SMTP to the tests' sink, all through DESK__SECTION__KEY variables. The database is a
// temp SQLite file, or a new PostgreSQL database when DESK_TEST_BACKEND=postgres and
// DESK_TEST_POSTGRES_URL (a superuser URL, as scripts/test sets for the cargo suite) are set.

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { ROOT } = require('./catalog');

const BIN = process.env.DESK_BIN || path.join(ROOT, 'target', 'debug', 'disinfo-desk');

function backend() {
  const name = process.env.DESK_TEST_BACKEND || 'sqlite';
  if (name !== 'sqlite' && name !== 'postgres') {
    throw new Error(`DESK_TEST_BACKEND=${name}: use sqlite or postgres`);
  }
  return name;
}

/** A port nobody listens on right now (the server binds it a moment later). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function psql(url, sql) {
  const bin = process.env.DESK_TEST_PSQL || 'psql';
  execFileSync(bin, [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A fresh database: its URL and how to remove it afterwards. */
function freshDatabase(dir) {
  if (backend() === 'sqlite') {
    return { url: `sqlite://${path.join(dir, 'desk.db')}`, drop() {} };
  }
  const admin = process.env.DESK_TEST_POSTGRES_URL;
  if (!admin) throw new Error('DESK_TEST_BACKEND=postgres needs DESK_TEST_POSTGRES_URL');
  const name = `desk_browser_${crypto.randomBytes(6).toString('hex')}`;
  psql(admin, `CREATE DATABASE ${name}`);
  const base = admin.slice(0, admin.lastIndexOf('/'));
  return {
    url: `${base}/${name}`,
    drop() {
      psql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

function runCli(env, args, input) {
  return execFileSync(BIN, args, { cwd: ROOT, env, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Starts the server. `smtpPort`: where mail goes; `logFile`: the server's output; `prepare`, if
 * given, is called with `cli(args, input)` (the binary on the same database and settings) before
 * `serve` starts, e.g. to run `seed-demo`.
 * Returns { base, backend, env, stop(), createUser(email, password, opts) }.
 */
async function startServer({ smtpPort, logFile, prepare }) {
  if (!fs.existsSync(BIN)) {
    throw new Error(`${BIN} is missing: build it first (cargo build --locked), as scripts/test does`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-browser-'));
  const database = freshDatabase(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DESK_ENV: 'test',
    DESK__SERVER__BIND: `127.0.0.1:${port}`,
    DESK__SERVER__PUBLIC_URL: base,
    DESK__DATABASE__URL: database.url,
    DESK__MAIL__TRANSPORT: 'smtp',
    DESK__MAIL__FILE_DIR: path.join(dir, 'mail'),
    DESK__MAIL__SMTP__HOST: '127.0.0.1',
    DESK__MAIL__SMTP__PORT: String(smtpPort),
    DESK__MAIL__SMTP__TLS: 'none',
    DESK__NOTIFY__INSTANCE_ID: `browser-tests-${port}`,
  };
  delete env.RUST_LOG;

  if (prepare) prepare((args, input = '') => runCli(env, args, input));

  const log = fs.openSync(logFile, 'w');
  const child = spawn(BIN, ['serve'], { cwd: ROOT, env, stdio: ['ignore', log, log] });
  let exited = null;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });

  const server = {
    base,
    backend: backend(),
    env,
    /** An account made with the CLI, as an operator makes the first ones. */
    createUser(email, password, { name = 'Browser Test Editor', role = 'editor', desks = [] } = {}) {
      const args = ['user', 'add', email, '--name', name, '--role', role, '--password-stdin'];
      for (const desk of desks) args.push('--desk', desk);
      return runCli(env, args, `${password}\n`);
    },
    /** SIGTERM, then the exit (the server answers what is in flight and exits 0). */
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exit;
        clearTimeout(timer);
      }
      fs.closeSync(log);
      try {
        database.drop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      return exited;
    },
  };

  // Ready when /healthz answers 200 (bounded; a server that exits fails at once).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await server.stop();
      throw new Error(`the server exited (${JSON.stringify(exited)}) before it was ready; see ${logFile}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the server at ${base} did not answer /healthz within 60 s; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return server;
}

module.exports = { startServer, backend };
