// Browser test (issue 20, what the outside tester found on the first day): each role is
// told on the page what was sent back to it and what it decides on, and a form refused
// comes back with what was typed and the reason at its field.
// - The lead unit drafting a measure with a deadline already past is refused at the field.
// - After 留号 the lead unit reads that its measures were reopened and what to do.
// - The extension request names measures by their words; the leader in charge sees the
//   request (measure, deadline now and asked for, reason) above the decision.
// - A measure saved by someone else while a second person edits it: the second keeps
//   what they typed, is told who changed what, and saving again takes.
// - A date of what happened (a decision) ahead of today is refused at its field.
// - The office reads a problem's change record; a unit's menu carries no API tokens.
// Walked as each role, in Chinese and English, at desktop and phone width.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot, PHONE, noSidewaysScroll, openProblem: openIn } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

const openProblem = (page, title) => openIn(env, page, title);

test('a measure drafted with a deadline already past is refused at its field, what was typed kept', async () => {
  for (const [lang, viewport] of [[undefined, null], ['en', PHONE]]) {
    const s = await login(env, 'logistics', lang);
    if (viewport) await s.page.setViewportSize(viewport);
    await openProblem(s.page, '档案室消防设施老化');
    await Promise.all([s.page.waitForNavigation(), s.page.click('a.button.primary[href$="/measures/new"]')]);
    await s.page.fill('textarea[name=content], input[name=content]', '全面排查档案室消防设施');
    await s.page.fill('input[name=deadline]', '2020年3月底前');
    await Promise.all([s.page.waitForNavigation(), s.page.click('form.form button')]);
    const at = s.page.locator('.field-error[data-field="deadline"]');
    assert.equal(await at.count(), 1, await s.page.locator('body').innerText());
    const text = await at.innerText();
    if (lang === 'en') {
      assert.match(text, /before/);
      assert.match(text, /2020-03-31|31 March 2020/);
    } else {
      assert.match(text, /整改时限（2020年3月31日）早于今天/);
      assert.doesNotMatch(await s.page.locator('main').innerText(), /[A-Za-z]{3,}/);
    }
    assert.equal(await s.page.inputValue('input[name=deadline]'), '2020年3月底前');
    if (viewport) assert.ok(await noSidewaysScroll(s.page));
    await at.scrollIntoViewIfNeeded();
    await shot(s.page, `returns-draft-past-${lang || 'zh'}-${viewport ? 'phone' : 'desktop'}.png`);
    await s.context.close();
  }
});

test('after 留号 the lead unit reads that its measures were reopened; the leader sees the extension it decides', async () => {
  for (const [lang, viewport] of [[undefined, PHONE], ['en', null]]) {
    const s = await login(env, 'finance', lang);
    if (viewport) await s.page.setViewportSize(viewport);
    await openProblem(s.page, '多头开设银行账户');
    const box = s.page.locator('#returned');
    assert.equal(await box.count(), 1, 'the return is told on the problem page');
    const text = await box.innerText();
    if (lang === 'en') {
      assert.match(text, /reopened/);
      assert.match(text, /mark each measure done/);
    } else {
      assert.match(text, /整改办已留号/);
      assert.match(text, /佐证材料不全/);
      assert.match(text, /各项整改措施已重新打开/);
      assert.match(text, /再次申请销号/);
    }
    if (viewport) assert.ok(await noSidewaysScroll(s.page));
    await box.scrollIntoViewIfNeeded();
    await shot(s.page, `returns-kept-open-${lang || 'zh'}-${viewport ? 'phone' : 'desktop'}.png`);
    await s.context.close();
  }

  // The lead unit asks for an extension, choosing the measure by its words.
  const unit = await login(env, 'finance');
  const url = await openProblem(unit.page, '多头开设银行账户');
  const form = unit.page.locator('form.step-form[data-action="request_extension"]');
  assert.equal(await form.count(), 1);
  const options = await form.locator('select[name=measure_id] option').allInnerTexts();
  assert.ok(options.length >= 1);
  for (const o of options) assert.match(o, /^\d+\. \S{2,}.*（.+）$/, `a measure named by its words: ${o}`);
  const next = new Date();
  const deadline = `${next.getFullYear() + 1}年3月底前`;
  await form.locator('input[name=deadline]').fill(deadline);
  await form.locator('input[name=reason]').fill('银行注销账户需总行审批');
  await Promise.all([unit.page.waitForNavigation(), form.locator('button').click()]);
  assert.equal(await unit.page.locator('#refused').count(), 0, await unit.page.locator('body').innerText());
  assert.equal(await unit.page.locator('#pending-extension').count(), 1, 'the unit sees its request waiting');
  await unit.context.close();

  // The leader in charge reads what is asked before deciding, on a phone.
  const leader = await login(env, 'leader_wang');
  await leader.page.setViewportSize(PHONE);
  await leader.page.goto(url);
  const pending = leader.page.locator('#pending-extension');
  assert.equal(await pending.count(), 1, await leader.page.locator('main').innerText());
  const said = await pending.innerText();
  assert.match(said, /延期申请待审批/);
  assert.ok(said.includes(deadline), said);
  assert.match(said, /银行注销账户需总行审批/);
  assert.match(said, /陈静/);
  assert.equal(await leader.page.locator('form.step-form[data-action="extend"]').count(), 1, 'the decision is offered');
  assert.ok(await noSidewaysScroll(leader.page));
  await pending.scrollIntoViewIfNeeded();
  await shot(leader.page, 'returns-extension-leader-phone.png');
  await leader.context.close();
});

test('a measure saved meanwhile by someone else: the second editor keeps what they typed and saves knowingly', async () => {
  const s = await login(env, 'office');
  await openProblem(s.page, '档案室消防设施老化');
  const href = await s.page.locator('a[href^="/measures/"]').first().getAttribute('href');
  const id = href.match(/\/measures\/(\d+)/)[1];
  const other = await s.context.newPage();
  await other.goto(`${env.base}/measures/${id}/edit`);
  await s.page.goto(`${env.base}/measures/${id}/edit`);
  await s.page.fill('input[name=responsible_person]', '李明');
  await Promise.all([s.page.waitForNavigation(), s.page.click('form.form button')]);
  assert.match(s.page.url(), new RegExp(`/measures/${id}$`));

  await other.fill('[name=target]', '消防设施全部更新，通过消防验收');
  await Promise.all([other.waitForNavigation(), other.click('form.form button')]);
  const alert = other.locator('.alert[role=alert]');
  assert.equal(await alert.count(), 1, 'not a bare page');
  const text = await alert.innerText();
  assert.match(text, /保存了这条记录/);
  assert.match(text, /责任人/, 'what they changed is named');
  assert.doesNotMatch(await other.locator('main').innerText(), /409|[A-Za-z]{3,}/);
  assert.equal(await other.inputValue('[name=target]'), '消防设施全部更新，通过消防验收', 'what was typed is kept');
  await shot(other, 'returns-stale-measure-desktop.png');
  await other.setViewportSize(PHONE);
  assert.ok(await noSidewaysScroll(other));
  await shot(other, 'returns-stale-measure-phone.png');
  await Promise.all([other.waitForNavigation(), other.click('form.form button')]);
  assert.match(other.url(), new RegExp(`/measures/${id}$`), 'saved on the second try');
  assert.match(await other.locator('main').innerText(), /通过消防验收/);
  await s.context.close();
});

test('a decision dated ahead of today is refused at its field with what was typed kept', async () => {
  for (const lang of [undefined, 'en']) {
    const s = await login(env, 'jijian', lang);
    await s.page.goto(env.base + '/inspections/1/outcomes');
    const form = s.page.locator('form.outcome-form[data-kind="accountability"]');
    const today = await form.locator('input[name=decided_on]').getAttribute('max');
    const ahead = new Date(today + 'T00:00:00Z');
    ahead.setUTCDate(ahead.getUTCDate() + 3);
    await form.locator('input[name=subject]').fill('驾驶员 王某');
    await form.locator('input[name=reason]').fill('公车私用');
    await form.locator('input[name=decided_on]').fill(ahead.toISOString().slice(0, 10));
    await form.evaluate((f) => { f.noValidate = true; });
    await Promise.all([s.page.waitForNavigation(), form.locator('button').click()]);
    const sent = s.page.locator('form.outcome-form[data-kind="accountability"]');
    const at = sent.locator('.field-error[data-field="decided_on"]');
    assert.equal(await at.count(), 1, await s.page.locator('main').innerText());
    assert.match(await at.innerText(), lang === 'en' ? /after today/ : /晚于今天/);
    assert.equal(await sent.locator('input[name=subject]').inputValue(), '驾驶员 王某');
    assert.equal(await sent.locator('input[name=reason]').inputValue(), '公车私用');
    await at.scrollIntoViewIfNeeded();
    await shot(s.page, `returns-decision-ahead-${lang || 'zh'}-desktop.png`);
    await s.context.close();
  }
});

test('the office reads a problem change record; only who connects systems has API tokens in the menu', async () => {
  const s = await login(env, 'office');
  await openProblem(s.page, '多头开设银行账户');
  await Promise.all([s.page.waitForNavigation(), s.page.click('a.button[href$="/trail"]')]);
  assert.match(s.page.url(), /\/records\/problems\/\d+\/trail$/);
  const body = await s.page.locator('main').innerText();
  assert.match(body, /留号/);
  const actions = await s.page.locator('select[name=action] option').allInnerTexts();
  assert.ok(actions.some((a) => a.includes('认领')), actions.join());
  assert.ok(!actions.some((a) => /密码|停用|启用/.test(a)), `no account actions on a record: ${actions.join()}`);
  await shot(s.page, 'returns-office-trail-desktop.png');
  assert.equal(await s.page.locator('header.top a[href="/tokens"]').count(), 1);
  await s.context.close();

  const unit = await login(env, 'logistics');
  assert.equal(await unit.page.locator('header.top a[href="/tokens"]').count(), 0, 'a unit works on the pages');
  assert.equal(await unit.page.locator('header.top a[href="/password"]').count(), 1);
  await unit.page.setViewportSize(PHONE);
  await unit.page.click('details.menu summary');
  await shot(unit.page, 'returns-unit-menu-phone.png');
  const icon = await unit.page.request.get(env.base + '/favicon.ico');
  assert.equal(icon.status(), 200);
  assert.match(icon.headers()['content-type'], /image\/svg\+xml/);
  assert.equal(await unit.page.locator('link[rel=icon]').count(), 1);
  await unit.context.close();
});

test('the Party secretary opens what the red warnings tell him of', async () => {
  for (const viewport of [null, PHONE]) {
    const s = await login(env, 'secretary');
    if (viewport) await s.page.setViewportSize(viewport);
    await s.page.goto(env.base + '/inspections');
    assert.ok(await s.page.locator('main a[href^="/inspections/"]').count() >= 1, 'the inspections are listed');
    await s.page.goto(env.base + '/notifications');
    const go = s.page.locator('main a[href^="/measures/"], main a[href^="/problems/"]').first();
    assert.equal(await go.count(), 1, await s.page.locator('main').innerText());
    await Promise.all([s.page.waitForNavigation(), go.click()]);
    assert.match(s.page.url(), /\/(measures|problems)\/\d+$/);
    assert.equal(await s.page.locator('.error-message').count(), 0, await s.page.locator('body').innerText());
    if (viewport) assert.ok(await noSidewaysScroll(s.page));
    await shot(s.page, `returns-secretary-${viewport ? 'phone' : 'desktop'}.png`);
    await s.context.close();
  }
});
