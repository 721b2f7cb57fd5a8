// Browser test (issue 23, D16): the documents upward (上报文件) walked as the office, the
// upper level and a unit, in Chinese and English, at desktop and phone width: a
// document downloads from the page (twice running: the button comes back), a wrong
// field is said at the field with what was typed kept, the office marks a problem 不予
// 公开 on its page, the upper level is offered only its documents, a unit is told who
// generates them.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { start, stop, login, shot, PHONE, noSidewaysScroll, openProblem } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

async function generate(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#generate')]);
  const file = path.join(env.dataDir, download.suggestedFilename());
  await download.saveAs(file);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
}

test('the office downloads the documents from the ledger, one after another', async () => {
  const { page, context, failed } = await login(env, 'office');
  await page.goto(env.base + '/inspections/1');
  await Promise.all([page.waitForNavigation(), page.click('#documents')]);
  assert.match(page.url(), /\/inspections\/1\/documents$/);
  assert.equal(await page.textContent('h1'), '上报文件');
  // Chinese only, besides the names of the programs that open the file.
  const words = ((await page.innerText('main')).match(/[A-Za-z]{2,}/g) || [])
    .filter((w) => !['Word', 'WPS', 'Excel', 'SM'].includes(w));
  assert.deepEqual(words, [], words.join(' '));
  assert.equal(await page.inputValue('input[name=issuer]'), '某市日报社（报业集团）');
  await shot(page, 'documents-zh.png');

  await page.check('input[name=kind][value=final]');
  await page.fill('input[name=number]', '日报社党委〔2024〕12号');
  const first = await generate(page);
  assert.match(first.name, /整改落实情况的报告-\d{4}-\d{2}-\d{2}\.docx$/);
  assert.equal(first.bytes.subarray(0, 2).toString(), 'PK');
  // The page stays; the button comes back for the next document.
  await page.waitForFunction(() => !document.querySelector('#generate').disabled, null, { timeout: 10000 });
  await page.check('input[name=kind][value=public]');
  const second = await generate(page);
  assert.match(second.name, /整改进展情况的通报-\d{4}-\d{2}-\d{2}\.docx$/);

  // A field too long (past the input's own limit, as a script would send it) comes back
  // at its field, what was typed kept.
  await page.$eval('input[name=signer]', (el) => el.removeAttribute('maxlength'));
  await page.fill('input[name=signer]', '王'.repeat(101));
  await Promise.all([page.waitForNavigation(), page.click('#generate')]);
  assert.match(await page.textContent('[data-field=signer]'), /100/);
  assert.equal(await page.inputValue('input[name=number]'), '日报社党委〔2024〕12号');
  assert.equal(await page.isChecked('input[name=kind][value=public]'), true);
  // The archive package, from the ledger page.
  await page.goto(env.base + '/inspections/1');
  const [archive] = await Promise.all([page.waitForEvent('download'), page.click('#archive')]);
  assert.match(archive.suggestedFilename(), /归档材料-\d{4}-\d{2}-\d{2}\.zip$/);
  const zip = path.join(env.dataDir, 'archive.zip');
  await archive.saveAs(zip);
  assert.equal(fs.readFileSync(zip).subarray(0, 2).toString(), 'PK');
  // A download ends its request as the browser's own abort: only those are allowed.
  assert.deepEqual(failed.filter((u) => !u.endsWith('/inspections/1/documents') && !u.endsWith('/archive.zip')), []);
  await context.close();
});

test('the office marks a problem not for publication on its page, and the trail says so', async () => {
  const { page, context } = await login(env, 'office');
  const url = await openProblem(env, page, '多头开设银行账户');
  assert.equal(await page.getAttribute('#publication', 'data-public'), 'true');
  await Promise.all([page.waitForNavigation(), page.click('#toggle-publication')]);
  assert.equal(page.url(), url + '#publication');
  assert.equal(await page.getAttribute('#publication', 'data-public'), 'false');
  assert.match(await page.textContent('#publication'), /不予公开/);
  await page.goto(url.replace('/problems/', '/records/problems/') + '/trail');
  assert.match(await page.innerText('main'), /不予公开/);
  await context.close();
});

test('the upper level is offered the report and the notice, and a unit is told who generates', async () => {
  const upper = await login(env, 'xunchaban');
  await upper.page.goto(env.base + '/inspections/1/documents');
  assert.equal(await upper.page.isDisabled('input[name=kind][value=weekly]'), true);
  assert.equal(await upper.page.isDisabled('input[name=kind][value=monthly]'), true);
  assert.match(await upper.page.textContent('[data-kind=weekly]'), /由被巡察单位整改办生成/);
  const doc = await generate(upper.page);
  assert.match(doc.name, /整改落实情况的报告/);
  await upper.context.close();

  const unit = await login(env, 'finance');
  const r = await unit.page.goto(env.base + '/inspections/1/documents');
  assert.equal(r.status(), 403);
  assert.match(await unit.page.innerText('main'), /整改办/);
  await unit.context.close();
});

test('the documents page reads in English and fits a phone', async () => {
  const { page, context } = await login(env, 'office', 'en');
  await page.goto(env.base + '/inspections/1/documents');
  assert.equal(await page.textContent('h1'), 'Documents upward');
  assert.match(await page.innerText('main'), /Final report on rectification/);
  for (const label of ['Document', 'As of', 'Issuer', 'Document number', 'Copied to', 'Generate Word document']) {
    assert.ok((await page.innerText('main')).includes(label), label);
  }
  await shot(page, 'documents-en.png');
  await page.setViewportSize(PHONE);
  assert.ok(await noSidewaysScroll(page), 'no sideways scroll at phone width');
  await shot(page, 'documents-en-phone.png');
  await context.close();
  const zh = await login(env, 'office');
  await zh.page.setViewportSize(PHONE);
  for (const address of ['/inspections/1/documents', '/inspections/1/outcomes']) {
    await zh.page.goto(env.base + address);
    assert.ok(await noSidewaysScroll(zh.page), `${address}: no sideways scroll at phone width`);
  }
  await shot(zh.page, 'outcomes-zh-phone.png');
  await zh.context.close();
});
