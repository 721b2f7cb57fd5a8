// Shared by the browser tests: start zhenggai on a fresh demo database, log in, screenshot.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const root = path.resolve(__dirname, '..', '..');
const bin = process.env.ZHENGGAI_BIN || path.join(root, 'target', 'debug', 'zhenggai');
const artifacts = path.join(__dirname, 'artifacts');
const PASSWORD = 'Zhenggai-demo-2024';

// `demoDay` (YYYY-MM-DD) runs the demonstration as of that day, from 10:00 Beijing time,
// for tests whose outcome depends on the date (reminders go out on working days only).
async function start({ demoDay } = {}) {
  assert.ok(fs.existsSync(bin), `build zhenggai first: ${bin} is missing`);
  fs.mkdirSync(artifacts, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhenggai-browser-'));
  const args = ['serve', '--demo', '--data', dataDir, '--listen', '127.0.0.1:0'];
  if (demoDay) args.push('--demo-day', demoDay);
  const server = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('zhenggai did not start:\n' + out)), 60000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    server.stderr.on('data', (d) => { out += d; });
    server.on('exit', (code) => reject(new Error(`zhenggai exited with ${code}:\n${out}`)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  return { server, base, browser, dataDir };
}

async function stop(env) {
  if (!env) return;
  await env.browser.close();
  env.server.kill('SIGTERM');
}

async function login(env, username, lang) {
  const context = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  if (lang) await context.addCookies([{ name: 'zg_lang', value: lang, url: env.base }]);
  // A step that cannot be taken back asks first (data-confirm): the tests say yes, in
  // every tab they open.
  context.on('page', (p) => p.on('dialog', (d) => d.accept()));
  const page = await context.newPage();
  const failed = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  page.on('response', (r) => { if (!r.url().startsWith(env.base)) failed.push('external: ' + r.url()); });
  await page.goto(env.base + '/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return { page, context, failed };
}

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, name), fullPage: false });

// The phone width every phone pass uses.
const PHONE = { width: 390, height: 844 };

// Whether the page fits the window's width (no sideways scroll).
async function noSidewaysScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}

// A problem's page, found through the first inspection's ledger search as a person
// would; answers its address.
async function openProblem(env, page, title) {
  await page.goto(env.base + '/inspections/1?q=' + encodeURIComponent(title.slice(0, 4)));
  await Promise.all([page.waitForNavigation(), page.click(`text=${title}`)]);
  return page.url();
}

module.exports = { start, stop, login, shot, PHONE, noSidewaysScroll, openProblem };
