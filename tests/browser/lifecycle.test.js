// Browser test: one problem walks from 挂号 to 销号 and through a look-back reopen, each
// step taken by the role that takes it; a wrong role's step is refused.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { start, stop, login, shot } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

async function stepOn(page, action, fill = {}, files = null) {
  const form = page.locator(`form.step-form[data-action="${action}"]`);
  assert.equal(await form.count(), 1, `the ${action} step is not offered`);
  for (const [name, value] of Object.entries(fill)) {
    const field = form.locator(`[name="${name}"]`);
    if (await field.evaluate((el) => el.tagName === 'SELECT')) {
      await field.selectOption(value);
    } else {
      await field.fill(value);
    }
  }
  if (files) await form.locator('input[type=file]').setInputFiles(files);
  await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
  assert.equal(await page.locator('.alert').count(), 0, await page.locator('body').innerText());
}

async function openProblem(who, url) {
  const s = await login(env, who);
  await s.page.goto(url);
  return s;
}

test('a problem travels from distribution to closure and back through a look-back', async () => {
  // The office sets its closure rules: three-party acceptance and a satisfaction survey.
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/settings/closure');
  await office.page.check('input[name=three_party]');
  await office.page.fill('input[name=min_satisfaction]', '80');
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.rules-form button.primary')]);
  assert.ok(await office.page.locator('input[name=three_party]').isChecked());
  await shot(office.page, 'lifecycle-00-rules.png');
  // Find the registered self-found problem in the ledger, as the office.
  await office.page.goto(env.base + '/inspections/1?q=' + encodeURIComponent('档案室'));
  await office.page.click('text=档案室消防设施老化');
  const url = office.page.url();
  assert.match(await office.page.locator('#problem-state').innerText(), /已挂号/);
  assert.equal(await office.page.locator('form.step-form[data-action="claim"]').count(), 0, 'the office is offered the claim');
  await office.context.close();

  // The lead unit claims and submits its measures.
  let s = await openProblem('logistics', url);
  await stepOn(s.page, 'claim');
  assert.match(await s.page.locator('#problem-state').innerText(), /已认领/);
  await stepOn(s.page, 'submit_plan');
  await shot(s.page, 'lifecycle-01-submitted.png');
  // A wrong role's step is refused even when sent by hand.
  const refused = await s.page.evaluate(async (u) => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const r = await fetch(u + '/step', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf=${csrf}&action=sign_plan` });
    return r.status;
  }, url);
  assert.equal(refused, 403);
  await s.context.close();

  // The leader in charge signs it off; the office compiles it and records the approval.
  s = await openProblem('leader_wang', url);
  await stepOn(s.page, 'sign_plan');
  await s.context.close();
  s = await openProblem('office', url);
  await stepOn(s.page, 'compile_plan');
  await stepOn(s.page, 'approve_plan', { meeting: '报社党委会2024年第8次会议' });
  assert.match(await s.page.locator('#problem-state').innerText(), /整改中/);
  await s.context.close();

  // The lead unit finishes the measure with evidence and requests closure.
  s = await openProblem('logistics', url);
  await s.page.click('table.measures a[href^="/measures/"]');
  await s.page.fill('textarea[name=content]', '档案室消防设施全部更换，建立月度巡检制度');
  const evidence = path.join(env.dataDir, '验收报告.pdf');
  fs.writeFileSync(evidence, '%PDF-1.4\n% acceptance\n');
  await s.page.setInputFiles('input[name=files]', evidence);
  await s.page.check('input[name=mark_done]');
  await Promise.all([s.page.waitForNavigation(), s.page.click('form[action$="/progress"] button.primary')]);
  assert.match(await s.page.locator('ol.timeline').innerText(), /验收报告\.pdf/);
  await s.page.goto(url);
  const report = path.join(env.dataDir, '专项报告.pdf');
  fs.writeFileSync(report, '%PDF-1.4\n% special report\n');
  await stepOn(s.page, 'request_closure', { report: '关于档案室消防隐患整改情况的专项报告' }, report);
  assert.match(await s.page.locator('#problem-state').innerText(), /销号待领导签字/);
  await s.context.close();

  // The leader in charge signs the closure request off (D11).
  s = await openProblem('leader_wang', url);
  await stepOn(s.page, 'sign_closure');
  assert.match(await s.page.locator('#problem-state').innerText(), /销号待整改办审核/);
  await s.context.close();

  // The rules come first: closure is not offered before the three parties signed and
  // the people affected were asked; then it records them and accepts (销号).
  s = await openProblem('office', url);
  assert.match(await s.page.locator('#closure-rules').innerText(), /巡察办 …/);
  assert.equal(await s.page.locator('form.step-form[data-action="accept_closure"]').count(), 0, 'closure offered before the rules are met');
  for (const [party, signer] of [['inspection_office', '郑华'], ['inspection_group', '市委第一巡察组 张三'], ['inspected_unit', '李明']]) {
    await stepOn(s.page, 'record_acceptance', { party, signer });
  }
  await stepOn(s.page, 'record_survey', { surveyed: '40', satisfied: '38', method: '职工问卷' });
  assert.match(await s.page.locator('#closure-rules').innerText(), /38\/40/);
  assert.match(await s.page.locator('ol.events').innerText(), /专项报告\.pdf/);
  await shot(s.page, 'lifecycle-02-checks.png');
  await stepOn(s.page, 'accept_closure');
  assert.match(await s.page.locator('#problem-state').innerText(), /已销号/);
  await shot(s.page, 'lifecycle-03-closed.png');
  const form = s.page.locator('form.step-form[data-action="reopen"]');
  await form.locator('input[name=reason]').fill('回头看发现巡检记录缺失');
  await form.locator('input[name=deadline]').fill('2030-12-31');
  await Promise.all([s.page.waitForNavigation(), form.locator('button').click()]);
  assert.match(await s.page.locator('#problem-state').innerText(), /整改中/);
  const record = await s.page.locator('ol.events').innerText();
  for (const step of ['认领', '报送整改措施', '审定签字', '汇总入方案', '登记党委审批', '申请销号', '销号签字', '三方验收签字', '登记满意度测评', '同意销号', '回头看：回炉']) {
    assert.ok(record.includes(step), `the record lacks ${step}`);
  }
  await shot(s.page, 'lifecycle-04-reopened.png');
  await s.context.close();
});
