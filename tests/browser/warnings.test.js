// Browser test: the three-colour warning board and its rules. The office sets the
// thresholds and its Party secretary; the board shows each colour with who it reaches;
// long-term measures whose progress is overdue are counted, listed and dated.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot } = require('./harness');

let env;
// A Thursday on which the demo has measures of every colour, so that the board and the
// scheduler's reminders do not depend on the day the test runs (no reminders at weekends).
before(async () => { env = await start({ demoDay: '2024-04-25' }); });
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
  assert.equal(await red.count(), 1, 'the demo day has overdue measures');
  assert.match(await red.innerText(), /个工作日/);
  assert.equal(await red.locator('li[data-recipient=secretary]').count(), 1);
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
  const texts = await s.page.locator('ul.notifications li').allInnerTexts();
  assert.ok(texts.some((t) => /预警/.test(t)), 'warnings reach the lead unit');
  assert.ok(texts.some((t) => /【留号】[\s\S]*新的期限/.test(t)), 'so does the demo closure the office returned');
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

test('the office chooses reminder days, a group robot and the milestone limit; a person gives their address', async () => {
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/settings/warnings');
  // Reminder days must be numbers.
  await office.page.fill('input[name=remind_days]', '3，一');
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.warning-rules-form button.primary')]);
  assert.equal(await office.page.locator('[data-field=remind_days]').count(), 1);
  await office.page.fill('input[name=remind_days]', '5,3,1');
  await office.page.fill('input[name=milestone_months]', '1');
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.warning-rules-form button.primary')]);
  assert.equal(await office.page.locator('.alert').count(), 0);
  assert.equal(await office.page.inputValue('input[name=remind_days]'), '5,3,1');

  // A DingTalk robot without its secret is refused at the field; with it, saved.
  const channels = office.page.locator('form.channels-form');
  await channels.locator('select[name=robot_kind]').selectOption('dingtalk');
  await channels.locator('input[name=robot_url]').fill('https://oapi.dingtalk.com/robot/send?access_token=demo');
  await Promise.all([office.page.waitForNavigation(), channels.locator('button.primary').click()]);
  assert.equal(await office.page.locator('[data-field=robot_secret]').count(), 1);
  await channels.locator('input[name=robot_secret]').fill('SECdemo');
  await channels.locator('input[name=email_on]').check();
  await Promise.all([office.page.waitForNavigation(), channels.locator('button.primary').click()]);
  assert.equal(await office.page.locator('[data-field]').count(), 0);
  assert.equal(await channels.locator('select[name=robot_kind]').inputValue(), 'dingtalk');
  assert.equal(await channels.locator('input[name=robot_secret]').inputValue(), '', 'the secret is not sent back');
  await office.page.locator('#channels').scrollIntoViewIfNeeded();
  await shot(office.page, 'warnings-06-channels.png');

  // With a one-month limit, a measure due weeks from now asks for milestones.
  await office.page.goto(env.base + '/warnings');
  await office.page.locator('table.warnings tr[data-colour=green] td.wide a').first().click();
  assert.equal(await office.page.locator('[data-milestones=missing]').count(), 1);
  const today = await office.page.inputValue('input[name=happened_on]');
  const form = office.page.locator('form.milestone-form');
  await form.locator('input[name=content]').fill('完成前期摸底，形成问题清单');
  await form.locator('input[name=due_text]').fill('长期坚持');
  await Promise.all([office.page.waitForNavigation(), form.locator('button.primary').click()]);
  assert.equal(await office.page.locator('[data-field=due_text]').count(), 1);
  await form.locator('input[name=due_text]').fill(today);
  await Promise.all([office.page.waitForNavigation(), form.locator('button.primary').click()]);
  assert.equal(await office.page.locator('[data-milestones=missing]').count(), 0);
  assert.equal(await office.page.locator('table.milestone-table tbody tr').count(), 1);
  await office.page.locator('#milestones').scrollIntoViewIfNeeded();
  await shot(office.page, 'warnings-07-milestones.png');
  const measureUrl = office.page.url().split('#')[0];
  await office.context.close();

  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/settings/warnings');
  assert.match(await en.page.locator('#channels h2').innerText(), /Reminder channels/);
  await shot(en.page, 'warnings-08-settings-en.png');
  await en.page.goto(measureUrl);
  assert.match(await en.page.locator('#milestones h2').innerText(), /Milestones/);
  await en.page.locator('#milestones').scrollIntoViewIfNeeded();
  await shot(en.page, 'warnings-08b-milestones-en.png');
  await en.page.goto(env.base + '/notifications');
  assert.match(await en.page.locator('section.my-email h2').innerText(), /My e-mail reminders/);
  await en.page.locator('section.my-email').scrollIntoViewIfNeeded();
  await shot(en.page, 'warnings-08c-my-email-en.png');
  await en.context.close();

  const me = await login(env, 'finance');
  await me.page.goto(env.base + '/notifications');
  await me.page.fill('section.my-email input[name=email]', 'caiwu@example');
  await Promise.all([me.page.waitForNavigation(), me.page.click('section.my-email button.primary')]);
  assert.equal(await me.page.locator('[data-field=email]').count(), 1);
  await me.page.fill('section.my-email input[name=email]', 'caiwu@example.gov.cn');
  await me.page.check('section.my-email input[name=email_on]');
  await Promise.all([me.page.waitForNavigation(), me.page.click('section.my-email button.primary')]);
  assert.equal(await me.page.inputValue('section.my-email input[name=email]'), 'caiwu@example.gov.cn');
  await me.page.locator('section.my-email').scrollIntoViewIfNeeded();
  await shot(me.page, 'warnings-09-my-email.png');
  await me.context.close();
});

test('long-term measures: the office shortens the review interval; the home page counts those overdue, the list filters them, a measure says by when', async () => {
  const office = await login(env, 'office');
  // Before: the demo's long-term measures reported within 90 days.
  await office.page.goto(env.base + '/');
  assert.equal(await office.page.locator('a.tile[data-status=review_due]').count(), 0);
  await office.page.goto(env.base + '/settings/warnings');
  await office.page.fill('input[name=long_term_days]', '7');
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.warning-rules-form button.primary')]);
  assert.equal(await office.page.inputValue('input[name=long_term_days]'), '7');

  await office.page.goto(env.base + '/');
  const tile = office.page.locator('a.tile[data-status=review_due]');
  assert.equal(await tile.count(), 1);
  const counted = Number(await tile.locator('b').innerText());
  assert.ok(counted >= 2, `the demo's long-term measures: ${counted}`);
  await shot(office.page, 'warnings-10-home-review-due.png');
  await Promise.all([office.page.waitForNavigation(), tile.click()]);
  assert.equal(await office.page.inputValue('select[name=status]'), 'review_due');
  const rows = office.page.locator('table tbody tr');
  assert.equal(await rows.count(), counted, 'the list holds what the tile counts');
  assert.match(await rows.first().innerText(), /长期坚持·\d+天未报进展/);
  await shot(office.page, 'warnings-11-review-due-list.png');
  await Promise.all([office.page.waitForNavigation(), rows.first().locator('a[href^="/measures/"]').first().click()]);
  assert.match(await office.page.locator('small.review').innerText(), /^应于\d{4}-\d{2}-\d{2}前报送进展（每7天一次）$/);
  const measureUrl = office.page.url();
  await office.context.close();

  const en = await login(env, 'office', 'en');
  await en.page.goto(measureUrl);
  assert.match(await en.page.locator('small.review').innerText(), /^Progress due by \d{4}-\d{2}-\d{2} \(every 7 days\)$/);
  await shot(en.page, 'warnings-12-review-en.png');
  await en.context.close();
});
