// Browser test: the working-day calendar. Everyone reads a year's days off and working
// weekends; the system administrator adds the next year, and a bad line is refused at
// its place with the draft kept.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

test('the office reads the calendar; the administrator adds a year', async () => {
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/calendar?year=2024');
  assert.equal(await office.page.locator('tr[data-date="2024-10-01"] td').nth(2).innerText(), '休');
  assert.equal(await office.page.locator('tr[data-date="2024-09-29"] td').nth(2).innerText(), '班');
  assert.equal(await office.page.locator('textarea[name=notice]').count(), 0, 'the office may not edit');
  await shot(office.page, 'calendar-01-office.png');
  await office.context.close();

  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/calendar?year=2024');
  assert.equal(await en.page.locator('tr[data-date="2024-10-01"] td').nth(2).innerText(), 'Off');
  await shot(en.page, 'calendar-02-office-en.png');
  await en.context.close();

  const sys = await login(env, 'sysadmin');
  await sys.page.goto(env.base + '/calendar?year=2027');
  assert.equal(await sys.page.locator('[data-no-notice]').count(), 1);
  // A bad line: refused at its line, the draft kept.
  await sys.page.fill('textarea[name=notice]', 'year 2027 https://www.gov.cn/example\n2027-01-01 放假 元旦\n');
  await Promise.all([sys.page.waitForNavigation(), sys.page.click('form.calendar-form button.primary')]);
  assert.match(await sys.page.locator('[data-field=notice]').innerText(), /第2行/);
  assert.match(await sys.page.locator('textarea[name=notice]').inputValue(), /放假/);
  await shot(sys.page, 'calendar-03-refused.png');
  await sys.page.fill('textarea[name=notice]', 'year 2027 https://www.gov.cn/example\n2027-01-01 休 元旦\n2027-02-06 班 春节\n2027-02-07 休 春节\n');
  await Promise.all([sys.page.waitForNavigation(), sys.page.click('form.calendar-form button.primary')]);
  assert.equal(await sys.page.locator('tr[data-date="2027-02-06"] td').nth(2).innerText(), '班');
  assert.match(await sys.page.locator('table.calendar-years').innerText(), /2027/);
  await shot(sys.page, 'calendar-04-added.png');
  await sys.context.close();
});

test('an inspection shows its timeline scheduled back from the report', async () => {
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/inspections/1');
  const nodes = office.page.locator('#timeline ol.nodes li');
  assert.equal(await nodes.count(), 6);
  assert.ok(await office.page.locator('#timeline li[data-node=report_due]').isVisible());
  await shot(office.page, 'calendar-05-timeline.png');
  await office.context.close();
  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/inspections/1');
  assert.match(await en.page.locator('#timeline').innerText(), /Report due|report due/);
  await shot(en.page, 'calendar-06-timeline-en.png');
  await en.context.close();
});
