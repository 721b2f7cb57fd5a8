// Browser test (issue 20, points 9 and 10): labels that mean what they say, and every
// field named. Each role's home, the warnings, the inspections and the problem pages are
// walked as the role that reads them, in Chinese (English where the texts differ), at
// desktop and phone width; a sign-off's opinion enters the record; irreversible steps
// ask first; outcomes link problems picked from a list.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { start, stop, login, shot } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };

// Every visible field of the page's main part that has no visible name: neither a
// <label> around it with text of its own, nor a <label for> it. A placeholder is no
// name (it goes when typing starts). Required fields must show their star.
async function unnamedFields(page) {
  return page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('main input, main select, main textarea')) {
      if (['hidden', 'submit', 'button'].includes(el.type)) continue;
      if (!el.offsetParent) continue;
      let label = el.closest('label');
      if (!label && el.id) label = document.querySelector(`label[for="${el.id}"]`);
      let text = '';
      if (label) {
        const c = label.cloneNode(true);
        c.querySelectorAll('input, select, textarea, option').forEach((x) => x.remove());
        text = c.textContent.trim();
      }
      const where = `${el.tagName.toLowerCase()}[name=${el.name}] in ${el.form ? el.form.getAttribute('action') : '-'}`;
      if (!text) { bad.push(`unnamed ${where}`); continue; }
      if (label.offsetParent === null && getComputedStyle(label).display !== 'contents') bad.push(`hidden label ${where}`);
      if (el.required && el.type !== 'checkbox' && el.type !== 'file' && label.contains(el)) {
        const star = getComputedStyle(label, '::before').content;
        if (!star.includes('*')) bad.push(`required without its star ${where}`);
      }
    }
    return bad;
  });
}

async function assertNamed(page, what) {
  const bad = await unnamedFields(page);
  assert.deepEqual(bad, [], `${what}: ${bad.join('; ')}`);
}

// A page at phone width: nothing scrolls sideways but tables.
async function atPhone(page, name) {
  await page.setViewportSize(PHONE);
  await shot(page, name);
  await page.setViewportSize(DESKTOP);
}

test('each role\'s home names what it lists: "my" measures only for those who own some', async () => {
  const homes = [
    ['office', false], ['leader_wang', true], ['logistics', true], ['jijian', false], ['xunchaban', false],
  ];
  for (const [who, own] of homes) {
    const s = await login(env, who);
    const heading = await s.page.locator('#open-measures').innerText();
    if (own) assert.match(heading, /^我的未完成措施/, `${who}: ${heading}`);
    else {
      assert.doesNotMatch(heading, /我的/, `${who} has no measures of their own: ${heading}`);
      assert.match(heading, /未完成的整改措施/);
    }
    await assertNamed(s.page, `${who} home`);
    await shot(s.page, `labels-home-${who}.png`);
    await atPhone(s.page, `labels-home-${who}-phone.png`);
    await s.context.close();
  }
  const en = await login(env, 'jijian', 'en');
  assert.match(await en.page.locator('#open-measures').innerText(), /^Open measures/);
  await en.context.close();
  // The office's list stops at the 15 nearest deadlines and says so, linking to all of
  // them; a unit with few sees all and no link.
  const office = await login(env, 'office');
  const more = office.page.locator('p.more a');
  const said = await more.innerText();
  const total = Number((said.match(/查看全部（(\d+)条措施）/) || [])[1]);
  assert.ok(total > 15, said);
  await Promise.all([office.page.waitForNavigation(), more.click()]);
  assert.match(office.page.url(), /\/measures\?status=open$/);
  assert.match(await office.page.locator('main').innerText(), new RegExp(`${total}条措施`));
  await office.context.close();
  const unit = await login(env, 'finance');
  assert.equal(await unit.page.locator('p.more').count(), 0);
  // A unit reads no ledger's counts: the inspection list leaves them out rather than
  // saying there are no measures.
  await unit.page.goto(env.base + '/inspections');
  assert.doesNotMatch(await unit.page.locator('main').innerText(), /暂无整改措施/);
  await unit.context.close();
});

test('the warnings name the responsible unit, the inspection list a rate with its count', async () => {
  const s = await login(env, 'office');
  await s.page.goto(env.base + '/warnings');
  const rows = s.page.locator('table.warnings tbody tr');
  assert.ok(await rows.count() > 0, 'the demo has warnings');
  for (let i = 0; i < Math.min(await rows.count(), 10); i++) {
    const row = rows.nth(i);
    const unit = (await row.locator('td').nth(2).innerText()).trim();
    const handler = await row.locator('li[data-recipient="handler"]').innerText();
    assert.ok(handler.startsWith('责任单位：' + unit), `the 责任单位 line names a person, not ${unit}: ${handler}`);
  }
  await shot(s.page, 'labels-warnings.png');

  await s.page.goto(env.base + '/inspections');
  const rates = await s.page.locator('td.rate').allInnerTexts();
  assert.ok(rates.length >= 2);
  for (const r of rates) assert.match(r, /^\d{1,3}%\s*（\d+\/\d+）$/, `not a rate with its count: ${r}`);
  await shot(s.page, 'labels-inspections.png');

  // An inspection with nothing in it yet shows no "措施完成 100%", and its empty
  // ledger says there is nothing yet, not that a filter found nothing.
  await s.page.goto(env.base + '/inspections/new');
  await assertNamed(s.page, 'new inspection');
  await s.page.fill('input[name=title]', '市委巡察办对报社的“回头看”巡察');
  await s.page.fill('input[name=group_name]', '市委第二巡察组');
  await s.page.fill('input[name=feedback_date]', '2026-11-02');
  await Promise.all([s.page.waitForNavigation(), s.page.click('form.form button.primary')]);
  assert.match(s.page.url(), /\/inspections\/\d+$/, await s.page.locator('main').innerText());
  const pace = await s.page.locator('#pace').innerText();
  assert.doesNotMatch(pace, /100%/);
  assert.match(pace, /尚无整改措施/);
  assert.match(await s.page.locator('#empty-list').innerText(), /^暂无问题/);
  await assertNamed(s.page, 'empty ledger');
  await shot(s.page, 'labels-empty-inspection.png');
  await s.page.goto(env.base + '/inspections');
  const fresh = await s.page.locator('tr', { hasText: '“回头看”巡察' }).locator('td.rate').innerText();
  assert.match(fresh, /暂无整改措施/);
  await s.context.close();
});

test('empty lists say "暂无…" unless a filter emptied them, then offer to clear it', async () => {
  const s = await login(env, 'office');
  await s.page.goto(env.base + '/measures?q=' + encodeURIComponent('不存在的措施内容'));
  const empty = s.page.locator('#empty-list');
  assert.match(await empty.innerText(), /没有符合筛选条件的整改措施/);
  await assertNamed(s.page, 'measures');
  await shot(s.page, 'labels-filtered-empty.png');
  await Promise.all([s.page.waitForNavigation(), empty.locator('a.clear-filter').click()]);
  assert.ok(await s.page.locator('table.measures tbody tr').count() > 0, 'clearing the filter shows the measures');
  await s.page.goto(env.base + '/inspections/1?q=' + encodeURIComponent('不存在的问题'));
  assert.match(await s.page.locator('#empty-list').innerText(), /没有符合筛选条件的问题/);
  await assertNamed(s.page, 'ledger');
  await s.context.close();
  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/measures?q=' + encodeURIComponent('不存在的措施内容'));
  assert.match(await en.page.locator('#empty-list').innerText(), /No measure matches the filters/);
  await en.context.close();
});

test('a measure agrees with its problem, and no record reads "已认领 → 已认领"', async () => {
  const s = await login(env, 'office');
  await s.page.goto(env.base + '/inspections/1?per_page=100');
  const links = await s.page.locator('table.ledger td.problem a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.length > 10);
  const beforePlan = /已挂号|有异议|已认领|方案待审定|领导已审定|整改办已汇总/;
  let checked = 0;
  for (const href of links) {
    await s.page.goto(env.base + href);
    const state = await s.page.locator('#problem-state').innerText();
    const badges = await s.page.locator('table.measures .badge').allInnerTexts();
    if (beforePlan.test(state) && !/整改中/.test(state)) {
      checked++;
      for (const b of badges) assert.notEqual(b, '整改中', `${href}: a measure 整改中 under a problem ${state}`);
    }
    for (const st of await s.page.locator('ol.events .event-state').allInnerTexts()) {
      const m = st.match(/^（(.+) → (.+)）$/);
      if (m) assert.notEqual(m[1], m[2], `${href}: ${st}`);
    }
  }
  assert.ok(checked >= 2, 'the demo has problems before their plan is approved');
  await s.context.close();
});

async function step(page, action, fill = {}, files = null) {
  const form = page.locator(`form.step-form[data-action="${action}"]`);
  assert.equal(await form.count(), 1, `the ${action} step is not offered`);
  for (const [name, value] of Object.entries(fill)) await form.locator(`[name="${name}"]`).fill(value);
  if (files) await form.locator('input[type=file]').setInputFiles(files);
  await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
  assert.equal(await page.locator('.alert').count(), 0, await page.locator('main').innerText());
}

async function as(who, url, lang) {
  const s = await login(env, who, lang);
  await s.page.goto(url);
  return s;
}

test('sign-offs carry an opinion into the record; irreversible steps ask first', async () => {
  let s = await login(env, 'office');
  await s.page.goto(env.base + '/inspections/1?q=' + encodeURIComponent('档案室'));
  await s.page.click('text=档案室消防设施老化');
  const url = s.page.url();
  await s.context.close();

  s = await as('logistics', url);
  await assertNamed(s.page, 'claim');
  await step(s.page, 'claim');
  await step(s.page, 'submit_plan');
  await s.context.close();

  // The leader signs with an opinion, named and optional.
  s = await as('leader_wang', url);
  const sign = s.page.locator('form.step-form[data-action="sign_plan"]');
  assert.match(await sign.locator('label.opinion').innerText(), /审定意见/);
  await assertNamed(s.page, 'sign_plan');
  await shot(s.page, 'labels-sign-plan.png');
  await atPhone(s.page, 'labels-sign-plan-phone.png');
  await step(s.page, 'sign_plan', { opinion: '同意，请按期完成消防设施更换' });
  assert.match(await s.page.locator('ol.events li[data-action="sign_plan"]').innerText(), /意见：同意，请按期完成消防设施更换/);
  await s.context.close();

  // Approving the plan asks first; saying no leaves the problem as it was.
  s = await as('office', url);
  await step(s.page, 'compile_plan');
  const approve = s.page.locator('form.step-form[data-action="approve_plan"]');
  assert.ok((await approve.getAttribute('data-confirm')).includes('基线'));
  await approve.locator('[name=meeting]').fill('报社党委会2026年第12次会议');
  await assertNamed(s.page, 'approve_plan');
  s.page.removeAllListeners('dialog');
  let asked = '';
  s.page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await approve.locator('button').click();
  await s.page.waitForTimeout(300);
  assert.match(asked, /确认登记党委批准/);
  assert.match(await s.page.locator('#problem-state').innerText(), /整改办已汇总/);
  s.page.on('dialog', (d) => d.accept());
  await Promise.all([s.page.waitForNavigation(), approve.locator('button').click()]);
  assert.match(await s.page.locator('#problem-state').innerText(), /整改中/);
  await s.context.close();

  // The unit finishes its measure and asks for closure.
  s = await as('logistics', url);
  await s.page.click('table.measures a[href^="/measures/"]');
  await s.page.fill('textarea[name=content]', '档案室消防设施全部更换');
  const evidence = path.join(env.dataDir, '验收单.pdf');
  fs.writeFileSync(evidence, '%PDF-1.4\n% acceptance\n');
  await s.page.setInputFiles('input[name=files]', evidence);
  await s.page.check('input[name=mark_done]');
  await Promise.all([s.page.waitForNavigation(), s.page.click('form[action$="/progress"] button.primary')]);
  await s.page.goto(url);
  await assertNamed(s.page, 'request_closure');
  await step(s.page, 'request_closure', { report: '关于档案室消防隐患整改情况的专项报告' }, evidence);
  await s.context.close();

  s = await as('leader_wang', url);
  assert.match(await s.page.locator('form.step-form[data-action="sign_closure"] label.opinion').innerText(), /签字意见/);
  await step(s.page, 'sign_closure', { opinion: '整改到位，同意销号' });
  await s.context.close();

  // 销号 asks first and keeps the office's review opinion.
  s = await as('office', url);
  const accept = s.page.locator('form.step-form[data-action="accept_closure"]');
  assert.ok((await accept.getAttribute('data-confirm')).includes('回头看'));
  assert.match(await accept.locator('label.opinion').innerText(), /销号审核意见/);
  await assertNamed(s.page, 'accept_closure');
  await shot(s.page, 'labels-accept-closure.png');
  await step(s.page, 'accept_closure', { opinion: '经核查，整改完成，予以销号' });
  assert.match(await s.page.locator('#problem-state').innerText(), /已销号/);
  const record = await s.page.locator('ol.events').innerText();
  for (const o of ['意见：同意，请按期完成消防设施更换', '意见：整改到位，同意销号', '意见：经核查，整改完成，予以销号']) {
    assert.ok(record.includes(o), `the record lacks ${o}`);
  }
  // 回炉 asks first too, and names its fields.
  const reopen = s.page.locator('form.step-form[data-action="reopen"]');
  assert.ok((await reopen.getAttribute('data-confirm')).includes('回炉'));
  await assertNamed(s.page, 'reopen');
  await shot(s.page, 'labels-record.png');
  await atPhone(s.page, 'labels-record-phone.png');
  await s.context.close();

  // The record in English names the opinion too.
  s = await as('office', url, 'en');
  assert.match(await s.page.locator('ol.events').innerText(), /Opinion: 经核查/);
  await s.context.close();
});

test('outcomes link problems picked from a list; every field is named', async () => {
  const s = await login(env, 'office');
  await s.page.goto(env.base + '/inspections/1/outcomes');
  assert.equal(await s.page.locator('input[name=problem_ids]:not([type=checkbox])').count(), 0, 'problems typed as numbers');
  assert.equal(await s.page.locator('input[name=measure_ids]:not([type=checkbox])').count(), 0, 'measures typed as numbers');
  await assertNamed(s.page, 'outcomes');
  const form = s.page.locator('form.outcome-form[data-kind="institution"]');
  await form.locator('[name=title]').fill('《公务用车使用管理办法》');
  await form.locator('details.pick summary').click();
  await form.locator('label.check', { hasText: '公车私用' }).locator('input').check();
  await assertNamed(s.page, 'outcomes, list open');
  await shot(s.page, 'labels-outcomes.png');
  await Promise.all([s.page.waitForNavigation(), form.locator('button').click()]);
  assert.equal(await s.page.locator('.alert').count(), 0, await s.page.locator('main').innerText());
  assert.match(await s.page.locator('#institutions').innerText(), /公务用车使用管理办法/);
  await atPhone(s.page, 'labels-outcomes-phone.png');
  await s.context.close();
});

test('every field on the pages each role works on has a visible name', async () => {
  const pages = {
    office: ['/', '/inspections/1', '/inspections/1/edit', '/inspections/1/problems/new', '/measures', '/supervision', '/tokens', '/inspections/1/lookbacks', '/problems/11', '/problems/15', '/weekly', '/settings/warnings', '/settings/closure'],
    logistics: ['/', '/weekly', '/measures'],
    leader_wang: ['/', '/problems/15'],
    jijian: ['/', '/inspections/1/outcomes'],
    secadmin: ['/admin/users'],
    sysadmin: ['/admin/units', '/calendar'],
  };
  for (const [who, list] of Object.entries(pages)) {
    const s = await login(env, who);
    for (const p of list) {
      await s.page.goto(env.base + p);
      await assertNamed(s.page, `${who} ${p}`);
    }
    await s.context.close();
  }
});
