// Browser test: the office imports a ledger with a column zhenggai does not know, one
// without a header, and a 完成情况 column. The preview lists the columns with samples
// and refuses the import until each is mapped or ignored; the mapping is remembered on
// the settings page (导入列名设置), where it is changed and removed; the status column
// is read into each measure's state.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { start, stop, login, shot } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

const LEDGER = [
  '序号,问题描述,整改措施,牵头单位,完成时限,督办意见,,完成情况',
  '1,印章管理不规范,建立用印登记制度,办公室,5月中旬,抓紧办理,A档,已完成',
  ',,开展印章清查,办公室,长期坚持,,B档,长期坚持',
  '2,网站信息发布审核不严,完善三审三校,新媒体中心,二季度末,,,正在推进',
].join('\n') + '\n';

async function upload(s, name) {
  const file = path.join(env.dataDir, name);
  fs.writeFileSync(file, LEDGER);
  await s.page.goto(env.base + '/inspections/1/import');
  await s.page.setInputFiles('input[name=files]', file);
  await Promise.all([s.page.waitForNavigation(), s.page.click('form.import-form button.primary')]);
}

test('the office maps an unknown column, ignores a headerless one, and imports the states its ledger records', async () => {
  const s = await login(env, 'office');
  await upload(s, '督办台账.csv');
  const columns = s.page.locator('#columns');
  assert.match(await columns.innerText(), /未识别的列/);
  const f = s.page.locator('#columns tr[data-column=F]');
  assert.match(await f.innerText(), /督办意见[\s\S]*抓紧办理[\s\S]*1/);
  const g = s.page.locator('#columns tr[data-column=G]');
  assert.match(await g.innerText(), /（无列名）[\s\S]*A档[\s\S]*B档[\s\S]*2/);
  // Nothing is imported while a column is undecided, and the page says why.
  assert.ok(await s.page.locator('form.commit-form button.primary').isDisabled());
  assert.match(await s.page.locator('#columns-undecided').innerText(), /还有未确定的列/);
  // The status column's reading is shown on each row.
  const rows = await s.page.locator('table.import-rows').innerText();
  assert.match(rows, /已完成\s+读作：已完成/);
  assert.match(rows, /长期坚持\s+读作：长期坚持/);
  assert.match(rows, /正在推进\s+读作：正在推进/);
  await columns.scrollIntoViewIfNeeded();
  await shot(s.page, 'import-columns-01-undecided.png');
  await s.page.setViewportSize({ width: 390, height: 844 });
  await columns.scrollIntoViewIfNeeded();
  await shot(s.page, 'import-columns-01-undecided-phone.png');
  const sideways = await s.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  await s.page.setViewportSize({ width: 1366, height: 768 });

  // Applying with nothing chosen says to choose.
  await Promise.all([s.page.waitForNavigation(), s.page.click('#columns button.primary')]);
  assert.match(await s.page.locator('.alert').first().innerText(), /请为每一列选择/);
  await s.page.selectOption('select[name=col_F]', { label: '整改目标' });
  await s.page.selectOption('select[name=col_G]', 'ignore');
  await Promise.all([s.page.waitForNavigation(), s.page.click('#columns button.primary')]);
  assert.match(s.page.url(), /ignore=G/);
  assert.equal(await s.page.locator('#columns tr[data-column=F]').count(), 0, '督办意见 is read as the target now');
  assert.match(await s.page.locator('#columns tr[data-column=G]').innerText(), /已确认忽略/);
  assert.equal(await s.page.locator('#columns-undecided').count(), 0);
  assert.ok(await s.page.locator('form.commit-form button.primary').isEnabled());
  await shot(s.page, 'import-columns-02-decided.png');
  await Promise.all([s.page.waitForNavigation(), s.page.click('form.commit-form button.primary')]);
  assert.match(s.page.url(), /\/inspections\/1\?imported=3$/);

  // The word is on the settings page; changed, then removed.
  await s.page.goto(env.base + '/settings/import-columns');
  const row = s.page.locator('tr[data-word=督办意见]');
  assert.equal(await row.locator('select[name=meaning]').inputValue(), 'target');
  await shot(s.page, 'import-columns-03-settings.png');
  await s.page.setViewportSize({ width: 390, height: 844 });
  await shot(s.page, 'import-columns-03-settings-phone.png');
  const settingsSideways = await s.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  await s.page.setViewportSize({ width: 1366, height: 768 });
  await row.locator('select[name=meaning]').selectOption('responsible');
  await Promise.all([s.page.waitForNavigation(), row.locator('button', { hasText: '保存' }).click()]);
  assert.equal(await s.page.locator('tr[data-word=督办意见] select[name=meaning]').inputValue(), 'responsible');
  await s.page.fill('tr[data-word=督办意见] input[name=reason]', '列名写错了');
  await Promise.all([s.page.waitForNavigation(), s.page.locator('tr[data-word=督办意见] button', { hasText: '删除' }).click()]);
  assert.equal(await s.page.locator('tr[data-word=督办意见]').count(), 0);
  assert.match(await s.page.locator('#no-words').innerText(), /暂无本单位设置的列名/);
  assert.deepEqual(s.failed, []);
  await s.context.close();
  assert.equal(sideways, false, 'the preview does not scroll sideways at 390 px');
  assert.equal(settingsSideways, false, 'the settings page does not scroll sideways at 390 px');
});

test('in English the columns and the fields they may be read as are named in English', async () => {
  const s = await login(env, 'office', 'en');
  await upload(s, 'ledger-en.csv');
  // 督办意见 was removed above: listed again.
  const columns = await s.page.locator('#columns').innerText();
  assert.match(columns, /Columns not recognised/);
  assert.match(columns, /督办意见/);
  const options = await s.page.locator('select[name=col_F] option').allInnerTexts();
  assert.ok(options.includes('Lead unit') && options.includes('Ignore this column (not imported)'), options.join('|'));
  assert.match(await s.page.locator('table.import-rows').innerText(), /read as: Done/);
  await shot(s.page, 'import-columns-04-en.png');
  await s.page.goto(env.base + '/settings/import-columns');
  assert.match(await s.page.locator('h1').innerText(), /Import header words/);
  await shot(s.page, 'import-columns-05-settings-en.png');
  await s.context.close();
});

test('a unit may not open the import header words', async () => {
  const s = await login(env, 'finance');
  const r = await s.page.goto(env.base + '/settings/import-columns');
  assert.equal(r.status(), 403);
  assert.match(await s.page.locator('body').innerText(), /只有本单位整改办可以设置导入列名/);
  await s.context.close();
});
