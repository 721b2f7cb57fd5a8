// Browser test (issue 20, points 2, 3 and 6): a refused action comes back on the page the
// person was on, in their language, saying what blocks it, linking the records concerned
// and what to do; a new deadline before the day of the step is refused at its field,
// naming the day; a form with a field named "method" keeps the double-submit guard.
// Walked as the office and as a lead unit, at desktop and phone width.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot, PHONE, noSidewaysScroll, openProblem: openIn } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

const openProblem = (page, title) => openIn(env, page, title);

function dayBefore(iso) {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

test('filing the plan too early lists the problems that block it, linked, on the ledger', async () => {
  for (const [lang, viewport] of [[undefined, null], [undefined, PHONE], ['en', null]]) {
    const s = await login(env, 'office', lang);
    if (viewport) await s.page.setViewportSize(viewport);
    await s.page.goto(env.base + '/inspections/1');
    await s.page.fill('form.file-plan input[name=plan_document]', '报社党发〔2024〕8号');
    await Promise.all([s.page.waitForNavigation(), s.page.click('form.file-plan button')]);
    const box = s.page.locator('#refused');
    assert.equal(await box.count(), 1, 'the refusal is on the ledger page');
    const text = await box.innerText();
    assert.doesNotMatch(text, /plan_document/);
    if (lang === 'en') {
      assert.match(text, /not approved yet/);
      assert.doesNotMatch(text, /未经党委审批/, 'one language');
    } else {
      assert.match(text, /未经党委审批/);
      assert.doesNotMatch(text, /[A-Za-z]{3,}/, 'no English on a Chinese page');
    }
    const links = box.locator('ul.blocking a');
    assert.ok(await links.count() >= 3, text);
    assert.equal(await s.page.inputValue('form.file-plan input[name=plan_document]'), '报社党发〔2024〕8号', 'what was typed is kept');
    if (viewport) assert.ok(await noSidewaysScroll(s.page), 'no sideways scroll on a phone');
    await shot(s.page, `refusals-file-plan-${lang || 'zh'}-${viewport ? 'phone' : 'desktop'}.png`);
    // Each problem named is one click away.
    const first = await links.first().innerText();
    await Promise.all([s.page.waitForNavigation(), links.first().click()]);
    assert.match(s.page.url(), /\/problems\/\d+$/);
    assert.ok((await s.page.locator('h1').innerText()).includes(first.replace(/^\d+\.\s*/, '')));
    await s.context.close();
  }
});

test('回炉 with a past date is refused at the field naming today; a stale form answers on the page', async () => {
  const s = await login(env, 'office');
  const url = await openProblem(s.page, '接待费用超标、接待列支烟酒');
  // A second tab on the same problem, as offices keep them open.
  const other = await s.context.newPage();
  await other.goto(url);
  const form = s.page.locator('form.step-form[data-action="reopen"]');
  assert.equal(await form.count(), 1, 'the office is offered 回炉');
  const today = await form.locator('input[name=deadline]').getAttribute('min');
  assert.match(today, /^\d{4}-\d{2}-\d{2}$/, 'the date field starts at today');
  await form.locator('input[name=reason]').fill('回头看发现仍有超标接待');
  await form.locator('input[name=deadline]').fill(dayBefore(today));
  // The browser itself holds the form back at the field ...
  assert.ok(await form.locator('input[name=deadline]').evaluate((el) => el.validity.rangeUnderflow));
  // ... and the server refuses it too, when the browser does not check (an old one).
  await form.evaluate((f) => { f.noValidate = true; });
  await Promise.all([s.page.waitForNavigation(), form.locator('button').click()]);
  const [y, m, d] = today.split('-').map(Number);
  const at = s.page.locator('form.step-form[data-action="reopen"] .field-error[data-field="deadline"]');
  assert.equal(await at.count(), 1, 'the refusal is at the field');
  assert.ok((await at.innerText()).includes(`${y}年${m}月${d}日`), await at.innerText());
  assert.equal(await s.page.inputValue('form.step-form[data-action="reopen"] input[name=reason]'), '回头看发现仍有超标接待');
  assert.match(await s.page.locator('#refused').innerText(), /回炉/);
  await shot(s.page, 'refusals-reopen-past-desktop.png');
  await s.page.setViewportSize(PHONE);
  await s.page.locator('#refused').scrollIntoViewIfNeeded();
  await shot(s.page, 'refusals-reopen-past-phone.png');
  await s.page.setViewportSize({ width: 1366, height: 768 });
  // Today itself is taken.
  const again = s.page.locator('form.step-form[data-action="reopen"]');
  await again.locator('input[name=deadline]').fill(today);
  await Promise.all([s.page.waitForNavigation(), again.locator('button').click()]);
  assert.equal(await s.page.locator('#refused').count(), 0, await s.page.locator('body').innerText());
  assert.match(await s.page.locator('#problem-state').innerText(), /整改中/);
  // The other tab still shows 回炉: sent, it answers on the page with what happened.
  const stale = other.locator('form.step-form[data-action="reopen"]');
  await stale.locator('input[name=reason]').fill('重复提交');
  await stale.locator('input[name=deadline]').fill(today);
  await Promise.all([other.waitForNavigation(), stale.locator('button').click()]);
  const box = other.locator('#refused');
  assert.equal(await box.count(), 1, 'not a bare page');
  assert.match(await box.innerText(), /整改中/);
  assert.match(await box.innerText(), /最新状态/);
  assert.equal(await other.locator('header.top').count(), 1, 'the whole page, with its menu');
  await shot(other, 'refusals-stale-desktop.png');
  await other.setViewportSize(PHONE);
  assert.ok(await noSidewaysScroll(other));
  await shot(other, 'refusals-stale-phone.png');
  await s.context.close();
});

test('a lead unit asking an extension for a period already over is told which day, on a phone', async () => {
  for (const lang of [undefined, 'en']) {
    const s = await login(env, 'finance', lang);
    await s.page.setViewportSize(PHONE);
    await s.page.goto(env.base + '/inspections/1?q=' + encodeURIComponent('银行账户'));
    await Promise.all([s.page.waitForNavigation(), s.page.click('text=多头开设银行账户')]);
    const form = s.page.locator('form.step-form[data-action="request_extension"]');
    assert.equal(await form.count(), 1, 'the lead unit is offered the extension request');
    await form.locator('input[name=deadline]').fill('2020年3月底前');
    await form.locator('input[name=reason]').fill('银行办理周期长');
    await Promise.all([s.page.waitForNavigation(), form.locator('button').click()]);
    const at = s.page.locator('form.step-form[data-action="request_extension"] .field-error[data-field="deadline"]');
    assert.equal(await at.count(), 1, await s.page.locator('body').innerText());
    const text = await at.innerText();
    if (lang === 'en') {
      assert.match(text, /before today|or later/);
      assert.doesNotMatch(text, /今天/);
    } else {
      assert.match(text, /延期申请的新时限（2020年3月31日）早于今天/);
    }
    assert.equal(await s.page.inputValue('form.step-form[data-action="request_extension"] input[name=deadline]'), '2020年3月底前');
    assert.ok(await noSidewaysScroll(s.page));
    await at.scrollIntoViewIfNeeded();
    await shot(s.page, `refusals-extension-${lang || 'zh'}-phone.png`);
    await s.context.close();
  }
});

test('a form with fields named "method" and "action" keeps the double-submit guard', async () => {
  const s = await login(env, 'office');
  const errors = [];
  s.page.on('pageerror', (e) => errors.push(String(e)));
  const url = await openProblem(s.page, '多头开设银行账户');
  // The survey's form has a field "method" (测评方式), every step form a field "action".
  const disabled = await s.page.evaluate((target) => {
    const form = document.createElement('form');
    form.setAttribute('method', 'post');
    form.setAttribute('action', target + '/step');
    for (const [name, value] of [['csrf', document.querySelector('input[name=csrf]').value], ['action', 'record_survey'], ['method', '职工问卷'], ['surveyed', '10'], ['satisfied', '9']]) {
      const input = document.createElement('input');
      input.name = name;
      input.value = value;
      form.appendChild(input);
    }
    const button = document.createElement('button');
    form.appendChild(button);
    document.body.appendChild(form);
    let seen = null;
    // After the page's own handler: what it left, and no navigation for this check.
    window.addEventListener('submit', (e) => { seen = button.disabled; e.preventDefault(); }, { once: true });
    button.click();
    return seen;
  }, url);
  assert.deepEqual(errors, [], 'the page script does not throw');
  assert.equal(disabled, true, 'the button is disabled after the first click');
  await s.context.close();
});

test('an administrator opening the ledger is told administrators read none and to sign in with a ledger account', async () => {
  for (const lang of [undefined, 'en']) {
    const s = await login(env, 'sysadmin', lang);
    for (const path of ['/measures', '/inspections', '/inspections/1', '/warnings']) {
      const resp = await s.page.goto(env.base + path);
      assert.equal(resp.status(), 403, path);
      const text = await s.page.locator('main').innerText();
      if (lang === 'en') {
        assert.match(text, /sign in with a ledger account/, path);
        assert.doesNotMatch(text, /不查看整改台账/, 'one language');
      } else {
        assert.match(text, /不查看整改台账/, path);
        assert.doesNotMatch(text, /无权进行此操作/, 'not the bare refusal');
        assert.doesNotMatch(text, /[A-Za-z]{3,}/, 'no English on a Chinese page');
      }
    }
    await shot(s.page, `refusals-admin-ledger-${lang || 'zh'}.png`);
    await s.context.close();
  }
});

test('a unit sending a 督办 notice is told the office issues them', async () => {
  const s = await login(env, 'finance');
  // The unit is offered no notice form; one sent anyway (a stale or copied form) is
  // refused saying who issues notices.
  await openProblem(s.page, '多头开设银行账户');
  await Promise.all([s.page.waitForNavigation(), s.page.locator('a[href^="/measures/"]').first().click()]);
  assert.equal(await s.page.locator('form.notice-form').count(), 0, 'no notice form for a unit');
  const measure = s.page.url().match(/\/measures\/(\d+)/)[1];
  const csrf = await s.page.locator('input[name=csrf]').first().inputValue();
  const [resp] = await Promise.all([
    s.page.waitForNavigation(),
    s.page.evaluate(({ measure, csrf }) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = `/measures/${measure}/notices`;
      for (const [k, v] of [['csrf', csrf], ['kind', 'supervision'], ['content', '请加快']]) {
        const i = document.createElement('input');
        i.type = 'hidden'; i.name = k; i.value = v;
        f.appendChild(i);
      }
      document.body.appendChild(f);
      f.submit();
    }, { measure, csrf }),
  ]);
  assert.equal(resp.status(), 403);
  const text = await s.page.locator('main').innerText();
  assert.match(text, /督办文书.*由本单位整改办签发/);
  assert.doesNotMatch(text, /无权进行此操作/);
  await shot(s.page, 'refusals-unit-notice.png');
  await s.context.close();
});
