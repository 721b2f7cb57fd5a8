// Browser test: a unit sends its weekly report from the pre-filled form; the office
// sees the roll call and the summary draft.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot } = require('./harness');

let env;
// A Thursday before the weekly report hour (Friday 10:00), so that the report is on
// time whatever day CI runs.
before(async () => { env = await start({ demoDay: '2024-04-25' }); });
after(async () => { await stop(env); });

test('a unit reports its week and the office calls the roll', async () => {
  const unit = await login(env, 'finance');
  await unit.page.goto(env.base + '/weekly');
  assert.match(await unit.page.locator('#weekly-due').innerText(), /4月26日|2024-04-26/);
  const text = await unit.page.inputValue('form.weekly-form textarea[name=content]');
  assert.match(text, /下周计划/, 'pre-filled from the week');
  await unit.page.fill('form.weekly-form textarea[name=content]', text + '完成账户清理。');
  await Promise.all([unit.page.waitForNavigation(), unit.page.click('form.weekly-form button.primary')]);
  assert.equal(await unit.page.locator('.alert').count(), 0, await unit.page.locator('body').innerText());
  assert.match(await unit.page.locator('#own-status').innerText(), /报送/);
  await shot(unit.page, 'weekly-01-unit.png');
  const reported = new URL(unit.page.url());
  await unit.context.close();

  const office = await login(env, 'office');
  await office.page.goto(env.base + reported.pathname + reported.search);
  const row = office.page.locator('table.roster tr', { hasText: '财务部' });
  assert.equal(await row.getAttribute('data-status'), 'on_time');
  assert.match(await office.page.inputValue('#weekly-summary'), /一周|整改工作汇总/);
  await shot(office.page, 'weekly-02-office.png');
  await office.context.close();
  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/weekly');
  assert.match(await en.page.locator('h1').innerText(), /Weekly reports/);
  await shot(en.page, 'weekly-03-office-en.png');
  await en.context.close();
});

test('the office records a supervision round and a hearing; the circular names slow units', async () => {
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/supervision');
  const form = office.page.locator('form.round-form');
  await form.locator('input[name=title]').fill('第一轮督查');
  await form.locator('select[name=unit_0]').selectOption({ label: '财务部' });
  await form.locator('input[name=finding_0]').fill('销户进度慢');
  await form.locator('input[name=slow_0]').check();
  await form.locator('select[name=unit_1]').selectOption({ label: '人力资源部' });
  await form.locator('input[name=finding_1]').fill('按计划推进');
  await Promise.all([office.page.waitForNavigation(), form.locator('button.primary').click()]);
  assert.equal(await office.page.locator('.alert[role=alert]').count(), 0, await office.page.locator('body').innerText());
  const hearing = office.page.locator('form.hearing-form');
  await hearing.locator('input[name=attendees]').fill('王建国、赵志红、李明');
  await hearing.locator('textarea[name=notes]').fill('听取各单位整改进展，督促财务部加快销户。');
  await Promise.all([office.page.waitForNavigation(), hearing.locator('button.primary').click()]);
  assert.match(await office.page.locator('#hearings-month').innerText(), /1 \/ 2/);
  await shot(office.page, 'weekly-04-supervision.png');
  await office.page.locator('article.round a.button').first().click();
  await office.page.waitForLoadState();
  assert.equal(await office.page.locator('article.circular li[data-slow]').count(), 1);
  await shot(office.page, 'weekly-05-circular.png');
  await office.context.close();
});
