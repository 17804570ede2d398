// Starts `motcua demo` on a free loopback port with its own database, and a Chromium from
// Debian's package (never a downloaded browser). Screenshots go to artifacts/.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
export const PASSWORD = 'motcua-demo-2026';

/** A one-page scan to attach at the desk (the catalogue asks for scans of the land forms). */
export function sampleScan() {
  const path = join(mkdtempSync(join(tmpdir(), 'motcua-scan-')), 'scan.pdf');
  writeFileSync(path, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
  return path;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

export async function startDemo() {
  const bin = process.env.MOTCUA_BIN;
  if (!bin) throw new Error('MOTCUA_BIN must name the motcua binary');
  const dir = mkdtempSync(join(tmpdir(), 'motcua-e2e-'));
  const port = await freePort();
  const simPort = await freePort();
  const proc = spawn(bin, ['demo', '--bind', `127.0.0.1:${port}`, '--sim-bind', `127.0.0.1:${simPort}`, '--dossiers', '40', '--files-dir', join(dir, 'files')], {
    cwd: dir, env: { ...process.env, MOTCUA_DATABASE_URL: `sqlite:${join(dir, 'e2e.db')}` }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try { const r = await fetch(`${base}/readyz`); if (r.ok) break; } catch { /* not up yet */ }
    if (proc.exitCode !== null) throw new Error(`motcua demo exited: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await launch();
  const env = { ...process.env, MOTCUA_DATABASE_URL: `sqlite:${join(dir, 'e2e.db')}` };
  return {
    base, browser, sim: `http://127.0.0.1:${simPort}`, dir,
    log: () => log,
    /** Runs `motcua ARGS…` on the demo's database (as an administrator at the console). */
    cli: (args) => execFileSync(bin, args, { cwd: dir, env }).toString(),
    async stop() { await browser.close(); proc.kill('SIGTERM'); await new Promise((r) => proc.once('exit', r)); },
  };
}

async function waitReady(base, proc, log) {
  for (let i = 0; i < 300; i++) {
    try { const r = await fetch(`${base}/readyz`); if (r.ok) return; } catch { /* not up yet */ }
    if (proc.exitCode !== null) throw new Error(`motcua exited: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`motcua did not become ready: ${log()}`);
}

async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Every page is watched for what the content security policy blocked (an inline handler
  // left in a template): `shot` fails the test on it.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    context.on('page', (page) => page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
    }));
    return context;
  };
  return browser;
}

const cspViolations = [];

/**
 * `motcua init --province <code>` in a fresh folder, then `motcua serve` on it: a province set
 * up from nothing, as an IT centre would. Answers the server, the browser, the folder, and
 * what init printed (the first administrator and their one-time password).
 */
export async function startProvince(province) {
  const bin = process.env.MOTCUA_BIN;
  if (!bin) throw new Error('MOTCUA_BIN must name the motcua binary');
  const dir = mkdtempSync(join(tmpdir(), 'motcua-province-'));
  const env = { ...process.env, MOTCUA_DATABASE_URL: `sqlite:${join(dir, 'motcua.db')}` };
  const init = JSON.parse(execFileSync(bin, ['init', '--province', province, '--json'], { cwd: dir, env }).toString());
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(bin, ['serve', '--bind', `127.0.0.1:${port}`, '--public-url', base, '--files-dir', join(dir, 'files')], {
    cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  await waitReady(base, proc, () => log);
  const browser = await launch();
  return {
    base, browser, dir, init, env, bin,
    log: () => log,
    async stop() { await browser.close(); proc.kill('SIGTERM'); await new Promise((r) => proc.once('exit', r)); },
  };
}

/** The RFC 6238 code (HMAC-SHA1, 30 s, 6 digits) of a base32 secret, now. */
export function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c.toUpperCase()).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const step = Buffer.alloc(8);
  step.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(step).digest();
  const offset = mac[19] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(value).padStart(6, '0');
}

/** A signed-in page for a demo account. */
export async function signIn(demo, username) {
  const context = await demo.browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${demo.base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${demo.base}/`);
  return page;
}

export async function shot(page, name) {
  if (cspViolations.length) throw new Error(`blocked by the content security policy:\n${cspViolations.join('\n')}`);
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

/** A signed-in page for a staff account with a second factor (set up at the first sign-in). */
export async function signInWithSecondFactor(demo, username, viewport = { width: 1366, height: 900 }) {
  const context = await demo.browser.newContext({ locale: 'vi-VN', viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${demo.base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
  // A supervisor must set up a second factor at the first sign-in.
  await page.waitForURL(/\/login\/(mfa-setup|otp)/);
  if (page.url().includes('mfa-setup')) {
    const secret = (await page.textContent('[data-testid=totp-secret]')).trim();
    demo.secrets = { ...demo.secrets, [username]: secret };
    await page.fill('#code', totp(secret));
    await page.click('form[action="/login/mfa-setup"] button[type=submit]');
    await page.waitForSelector('[data-testid=recovery-codes]');
    await page.click('a:has-text("Tiếp tục")');
  } else {
    // The code of the next 30-second step: the one just used is not accepted twice.
    await page.fill('#code', totp(demo.secrets[username], Date.now() + 30_000));
    await page.click('form[action="/login/otp"] button[type=submit]');
  }
  await page.waitForURL(`${demo.base}/`);
  return page;
}
