// Shared harness for the browser journeys: a release server on a fresh SQLite database,
// Debian's Chromium driven by playwright-core, and axe (WCAG 2.1 A + AA) on every page.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BINARY = process.env.ESSAIM_BIN ?? join(ROOT, 'target', 'release', 'essaim');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ACCOUNTS = {
  admin: { email: 'admin@demo.essaim.fr', password: 'essaim-demo-admin', name: 'Alice Administratrice' },
  staff: { email: 'equipe@demo.essaim.fr', password: 'essaim-demo-equipe', name: 'Samuel Chargé de mission' },
  facilitator: { email: 'animation@demo.essaim.fr', password: 'essaim-demo-animation', name: 'Fatou Animatrice' },
};

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

async function waitForHealth(base, child, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`essaim exited early with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`essaim did not answer on ${base} within ${seconds}s`);
}

/** Starts `essaim serve --demo` on a fresh database; returns { base, stop }. */
export async function startServer() {
  assert.ok(existsSync(BINARY), `release binary missing: ${BINARY} (cargo build --release)`);
  const dir = mkdtempSync(join(tmpdir(), 'essaim-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BINARY, ['serve', '--demo', '--bind', `127.0.0.1:${port}`], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: `sqlite://${join(dir, 'essaim.db')}`, ESSAIM_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.resume();
  await waitForHealth(base, child);
  return {
    base,
    /** Where the server writes its e-mails (no SMTP in the tests): one .eml per message. */
    outbox: join(dir, 'outbox'),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Runs axe with the WCAG 2.1 A and AA rules; fails with the list of violations. */
export async function expectAccessible(page, label) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `axe violations on ${label} (${page.url()})`);
  return results.passes.length;
}

export async function logIn(page, base, who) {
  await page.goto(`${base}/login`);
  await page.getByLabel('Adresse e-mail').fill(who.email);
  await page.getByLabel('Mot de passe').fill(who.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState('load');
}

/** For a test file: a server and a browser started before its tests and stopped after. */
export function useServerAndBrowser() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
