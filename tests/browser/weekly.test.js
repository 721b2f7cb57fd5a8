// Browser test: a unit sends its weekly report from the pre-filled form; the office
// sees the roll call and the summary draft.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

test('a unit reports its week and the office calls the roll', async () => {
  const unit = await login(env, 'finance');
  await unit.page.goto(env.base + '/weekly');
  const text = await unit.page.inputValue('form.weekly-form textarea[name=content]');
  assert.match(text, /下周计划/, 'pre-filled from the week');
  await unit.page.fill('form.weekly-form textarea[name=content]', text + '完成账户清理。');
  await Promise.all([unit.page.waitForNavigation(), unit.page.click('form.weekly-form button.primary')]);
  assert.equal(await unit.page.locator('.alert').count(), 0, await unit.page.locator('body').innerText());
  assert.match(await unit.page.locator('#own-status').innerText(), /报送/);
  await shot(unit.page, 'weekly-01-unit.png');
  await unit.context.close();

  const office = await login(env, 'office');
  await office.page.goto(env.base + '/weekly');
  const row = office.page.locator('table.roster tr', { hasText: '财务部' });
  assert.match(await row.getAttribute('data-status'), /on_time|late/);
  assert.match(await office.page.inputValue('#weekly-summary'), /一周|整改工作汇总/);
  await shot(office.page, 'weekly-02-office.png');
  await office.context.close();
  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/weekly');
  assert.match(await en.page.locator('h1').innerText(), /Weekly reports/);
  await shot(en.page, 'weekly-03-office-en.png');
  await en.context.close();
});
