// Browser test: a unit user works the demo ledger in Chromium; another unit's user is
// refused. Screenshots go to tests/browser/artifacts/ (kept by CI as test artifacts).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const harness = require('./harness');

const artifacts = path.join(__dirname, 'artifacts');
let env, base, dataDir;
before(async () => {
  env = await harness.start();
  base = env.base;
  dataDir = env.dataDir;
});
after(async () => { await harness.stop(env); });

const login = (username, lang) => harness.login(env, username, lang);
const shot = harness.shot;

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
  // The print button works under a Content-Security-Policy without 'unsafe-inline':
  // its handler is in app.js, and nothing on the page breaks the policy.
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await page.evaluate(() => { window.print = () => { window.__printed = true; }; });
  await page.click('button[data-print]');
  assert.equal(await page.evaluate(() => window.__printed === true), true, 'the print button prints');
  // The error page's "back" link returns to the page before it.
  await page.goto(base + '/inspections/999999');
  await Promise.all([page.waitForNavigation(), page.click('a[data-back]')]);
  assert.equal(new URL(page.url()).pathname, '/inspections/1');
  assert.deepEqual(violations, []);
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: path.join(artifacts, '09-ledger-print.png'), fullPage: false });
  await context.close();
});
