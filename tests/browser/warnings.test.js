// Browser test: the three-colour warning board and its rules. The office sets the
// thresholds and its Party secretary; the board shows each colour with who it reaches.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

test('the office sets warning rules and reads the board', async () => {
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/settings/warnings');
  // A narrowing red is refused at its field.
  await office.page.uncheck('fieldset[data-colour=red] input[value=leader]');
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.warning-rules-form button.primary')]);
  assert.equal(await office.page.locator('[data-field=red_to]').count(), 1);
  await office.page.check('fieldset[data-colour=red] input[value=leader]');
  await office.page.fill('input[name=green_days]', '60');
  await office.page.selectOption('select[name=secretary]', { index: 1 });
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.warning-rules-form button.primary')]);
  assert.equal(await office.page.locator('.alert').count(), 0);
  assert.equal(await office.page.inputValue('input[name=green_days]'), '60');
  await shot(office.page, 'warnings-01-rules.png');

  await office.page.goto(env.base + '/warnings');
  const tiles = office.page.locator('.tiles .tile');
  assert.equal(await tiles.count(), 3);
  const rows = office.page.locator('table.warnings tbody tr');
  assert.ok(await rows.count() > 0, 'the demo has measures near or past their deadlines');
  const red = office.page.locator('table.warnings tr[data-colour=red]').first();
  if (await red.count()) {
    assert.match(await red.innerText(), /个工作日/);
    assert.equal(await red.locator('li[data-recipient=secretary]').count(), 1);
  }
  await shot(office.page, 'warnings-02-board.png');
  await office.context.close();

  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/warnings');
  assert.match(await en.page.locator('h1').innerText(), /Three-colour warnings/);
  await shot(en.page, 'warnings-03-board-en.png');
  await en.context.close();
});

test('the scheduler inside serve rings the bell; a person reads and marks their notifications', async () => {
  const s = await login(env, 'finance');
  // The scheduler's first round runs as the server starts.
  let count = 0;
  for (let i = 0; i < 40 && count === 0; i++) {
    await s.page.goto(env.base + '/notifications');
    count = await s.page.locator('#unread-count').count();
    if (count === 0) await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(count, 1, 'the bell shows unread notifications');
  const before = Number(await s.page.locator('#unread-count').innerText());
  assert.ok(before > 0);
  assert.match(await s.page.locator('ul.notifications li').first().innerText(), /预警/);
  await shot(s.page, 'warnings-04-notifications.png');
  await Promise.all([s.page.waitForNavigation(), s.page.locator('ul.notifications li.unread button.link').first().click()]);
  const after = await s.page.locator('#unread-count').count() ? Number(await s.page.locator('#unread-count').innerText()) : 0;
  assert.equal(after, before - 1);
  await s.context.close();
});

test('the office issues a supervision notice and prints it', async () => {
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/warnings');
  await office.page.locator('table.warnings tr[data-colour=red] td.wide a').first().click();
  const form = office.page.locator('form.notice-form[data-kind=supervision]');
  assert.equal(await form.count(), 1, 'the office is offered the first notice');
  await Promise.all([office.page.waitForNavigation(), form.locator('button.primary').click()]);
  assert.match(await office.page.locator('article.document .doc-title').innerText(), /督办通知书/);
  assert.match(await office.page.locator('article.document .doc-number').innerText(), /督办〔\d{4}〕1号/);
  await shot(office.page, 'warnings-05-notice.png');
  await office.page.goto(env.base + '/warnings');
  assert.equal(await office.page.locator('#notice-counts b[data-kind=supervision]').innerText(), '1');
  await office.context.close();
});
