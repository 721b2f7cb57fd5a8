// Browser test: a unit user works the demo ledger in Chromium; another unit's user is
// refused. Screenshots go to tests/browser/artifacts/ (kept by CI as test artifacts).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const root = path.resolve(__dirname, '..', '..');
const bin = process.env.ZHENGGAI_BIN || path.join(root, 'target', 'debug', 'zhenggai');
const artifacts = path.join(__dirname, 'artifacts');
const PASSWORD = 'Zhenggai-demo-2024';
let server, base, browser, dataDir;

function startServer() {
  return new Promise((resolve, reject) => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhenggai-browser-'));
    server = spawn(bin, ['serve', '--demo', '--data', dataDir, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
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
}

before(async () => {
  assert.ok(fs.existsSync(bin), `build zhenggai first: ${bin} is missing`);
  fs.mkdirSync(artifacts, { recursive: true });
  base = await startServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
});

async function login(username, lang) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  if (lang) await context.addCookies([{ name: 'zg_lang', value: lang, url: base }]);
  const page = await context.newPage();
  const failed = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  page.on('response', (r) => { if (!r.url().startsWith(base)) failed.push('external: ' + r.url()); });
  await page.goto(base + '/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return { page, context, failed };
}

const shot = (page, name) => page.screenshot({ path: path.join(artifacts, name), fullPage: false });

test('a unit user filters the ledger to its measures and records progress', async () => {
  const { page, context, failed } = await login('finance');
  await shot(page, '01-home-finance.png');
  await page.click('header nav a[href="/inspections"]');
  await page.click('text=市委第一巡察组对市日报社党委的专项巡察');
  await page.waitForSelector('table.ledger');
  await shot(page, '02-ledger-finance.png');

  // Filter to the unit's own measures (the select applies at once).
  await Promise.all([page.waitForNavigation(), page.selectOption('select[name=unit]', { label: '财务部' })]);
  const rows = await page.locator('table.ledger tbody td:nth-child(4), table.ledger tbody tr:not(.problem-start) td:nth-child(2)').allTextContents();
  assert.ok(rows.length > 0, 'the filtered ledger is empty');
  const text = await page.locator('table.ledger').innerText();
  assert.match(text, /财务部/);
  assert.doesNotMatch(text, /制订人才发展规划/, 'another unit\'s measure is shown');
  await shot(page, '03-ledger-filtered.png');

  // Open a measure led by the unit and record progress with evidence.
  await page.click('text=规范各类金融账户管理');
  await page.waitForSelector('form[action$="/progress"]');
  const measureUrl = page.url();
  await page.fill('textarea[name=content]', '召开专题会议，完成剩余14个银行账户的清理');
  const evidence = path.join(dataDir, '会议纪要.pdf');
  fs.writeFileSync(evidence, '%PDF-1.4\n% minutes\n');
  await page.setInputFiles('input[name=files]', evidence);
  await Promise.all([page.waitForNavigation(), page.click('form[action$="/progress"] button.primary')]);
  const timeline = await page.locator('ol.timeline').innerText();
  assert.match(timeline, /召开专题会议，完成剩余14个银行账户的清理/);
  assert.match(timeline, /会议纪要\.pdf/);
  await shot(page, '04-measure-timeline.png');
  assert.deepEqual(failed, [], 'requests failed or left the site');

  // The same measure in English.
  await context.addCookies([{ name: 'zg_lang', value: 'en', url: base }]);
  await page.reload();
  assert.match(await page.locator('h2').first().innerText(), /Report progress|Progress timeline/);
  await shot(page, '05-measure-english.png');
  await context.close();

  // Another unit's user cannot open it.
  const other = await login('hr');
  const resp = await other.page.goto(measureUrl);
  assert.equal(resp.status(), 404);
  assert.match(await other.page.locator('body').innerText(), /找不到该页面，或您无权查看/);
  await shot(other.page, '06-other-unit-refused.png');
  await other.context.close();
});

test('the office sees the whole ledger and prints it', async () => {
  const { page, context } = await login('office');
  await page.goto(base + '/inspections');
  await shot(page, '07-inspections-office.png');
  await page.click('text=市委第一巡察组对市日报社党委的专项巡察');
  assert.match(await page.locator('.counts').innerText(), /9个方面23个问题，整改措施27条/);
  await page.fill('input[name=q]', '公车');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button.primary')]);
  assert.match(await page.locator('table.ledger').innerText(), /公车私用/);
  await shot(page, '08-ledger-search.png');
  await page.goto(base + '/inspections/1?per_page=200');
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: path.join(artifacts, '09-ledger-print.png'), fullPage: false });
  await context.close();
});
