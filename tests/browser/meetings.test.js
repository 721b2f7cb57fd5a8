// Browser test (D18, D19, issue 24): an anonymous opinion goes through the public box
// without login; the office opens the box and feeds it back to a member; the member
// acknowledges it and names a problem in their self-examination; the office records the
// meeting held and carries the problems into the ledger, where the problem shows where
// it came from; the report is generated; the receipt shows how the opinion was handled.
// Walked in Chinese and English, at desktop and phone width.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { start, stop, login, shot, PHONE, noSidewaysScroll } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

const OPINION = '王建国同志到分管部门调研少，对车辆管理的反复问题督促不够。';
// Latin words on a Chinese page, but for the box's address the office copies and the
// language switch, which names English in English.
const english = async (page) => ((await page.evaluate(() => {
  const main = document.querySelector('main').cloneNode(true);
  main.querySelectorAll('.box-link, .lang-switch').forEach((a) => a.remove());
  document.body.appendChild(main);
  const text = main.innerText;
  main.remove();
  return text;
})).match(/[A-Za-z]{2,}/g) || []);

// The meeting the demo is preparing, as the office finds it from the menu.
async function preparingMeeting(page) {
  await page.goto(env.base + '/meetings');
  const row = page.locator('#meetings tr', { hasText: '会前准备' });
  return row.locator('a').getAttribute('href');
}

test('an anonymous opinion goes from the public box to the ledger, and its receipt follows it', async () => {
  const office = await login(env, 'office');
  const meeting = await preparingMeeting(office.page);
  await office.page.goto(env.base + meeting);
  const link = await office.page.getAttribute('#box-link', 'href');
  assert.match(link, /\/box\/[0-9a-f]{32}$/);
  assert.deepEqual(await english(office.page), []);
  await shot(office.page, 'meeting-office-zh.png');

  // Anyone, without logging in, on a phone.
  const anon = await env.browser.newContext({ viewport: PHONE });
  const box = await anon.newPage();
  await box.goto(link);
  assert.equal(await box.textContent('h1'), '意见箱');
  assert.ok(await noSidewaysScroll(box));
  assert.deepEqual(await english(box), []);
  await shot(box, 'box-phone-zh.png');
  // Sent without a category: said at its field, the words kept.
  await box.selectOption('#box-form select[name=about]', { label: '王建国' });
  await box.fill('#box-form textarea[name=text]', OPINION);
  await box.evaluate(() => document.querySelector('#box-form select[name=category]').removeAttribute('required'));
  await Promise.all([box.waitForNavigation(), box.click('#box-form button')]);
  assert.match(await box.textContent('[data-field=category]'), /请选择意见的类别/);
  assert.equal(await box.inputValue('#box-form textarea[name=text]'), OPINION);
  await box.selectOption('#box-form select[name=category]', 'style');
  assert.ok(await box.isChecked('#anonymous'), 'anonymous unless the sender signs');
  await Promise.all([box.waitForNavigation(), box.click('#box-form button')]);
  const receipt = (await box.textContent('#receipt')).trim();
  assert.match(receipt, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await shot(box, 'box-receipt-phone-zh.png');
  const cookies = await anon.cookies();
  assert.deepEqual(cookies.filter((c) => c.name !== 'zg_lang'), [], 'the box sets no cookie');

  // The office ends the solicitation (no count shows while the box is open), opens the
  // box and feeds the opinion back to the member it is about.
  await office.page.goto(env.base + meeting);
  assert.match(await office.page.textContent('#close-box'), /截止后才能开箱/);
  await Promise.all([office.page.waitForNavigation(), office.page.click('#close-box button')]);
  assert.match(await office.page.textContent('#open-box'), /待开箱/);
  await Promise.all([office.page.waitForNavigation(), office.page.click('#open-box button')]);
  const row = office.page.locator('#opinion-list tr', { hasText: OPINION });
  assert.match(await row.innerText(), /匿名/);
  await row.locator('.opinion-sort').evaluate((f) => f.closest('details').open = true);
  await row.locator('.opinion-sort select[name=member_id]').selectOption({ label: '王建国' });
  await row.locator('.opinion-sort textarea[name=summary]').fill('调研少、督促不够');
  await Promise.all([office.page.waitForNavigation(), row.locator('.opinion-sort button').click()]);
  assert.match(await office.page.locator('#opinion-list tr', { hasText: OPINION }).innerText(), /已反馈/);

  // The member reads it word for word, acknowledges it, and names a problem.
  const wang = await login(env, 'leader_wang');
  await wang.page.goto(env.base + meeting);
  const mine = wang.page.locator('#opinion-list tr', { hasText: OPINION });
  await Promise.all([wang.page.waitForNavigation(), mine.locator('.acknowledge button').click()]);
  assert.match(await wang.page.locator('#opinion-list tr', { hasText: OPINION }).innerText(), /已阅知/);
  await wang.page.fill('#material-form textarea[name=text]', '一、存在的问题\n到分管部门调研少，对车辆管理督促不够。\n二、整改措施\n每月到行政后勤部检查一次。');
  await Promise.all([wang.page.waitForNavigation(), wang.page.click('#material-form button[value="1"]')]);
  assert.match(await wang.page.innerText('#materials'), /已定稿/);
  await wang.page.click('#findings details > summary');
  await wang.page.fill('#finding-form textarea[name=problem]', '到分管部门调研少，车辆管理督促不够');
  await wang.page.fill('#finding-form textarea[name=measure]', '每月到行政后勤部检查公车使用登记');
  await wang.page.fill('#finding-form input[name=deadline]', '长期坚持');
  const answers = await wang.page.$$eval('#finding-form select[name=opinion_id] option', (os) => os.map((o) => [o.value, o.textContent]));
  await wang.page.selectOption('#finding-form select[name=opinion_id]', answers.find(([, text]) => text.includes('王建国同志到分管部门'))[0]);
  await Promise.all([wang.page.waitForNavigation(), wang.page.click('#finding-form button')]);
  assert.match(await wang.page.innerText('#finding-list'), /车辆管理督促不够/);
  assert.deepEqual(await english(wang.page), []);
  await shot(wang.page, 'meeting-member-zh.png');
  await wang.page.setViewportSize(PHONE);
  assert.ok(await noSidewaysScroll(wang.page));
  await shot(wang.page, 'meeting-member-phone-zh.png');

  // The office records the meeting held, then carries its problems into the ledger.
  await office.page.goto(env.base + meeting);
  await office.page.click('#held details > summary');
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  await office.page.fill('#minutes-form input[name=held_on]', today);
  await office.page.fill('#minutes-form textarea[name=minutes]', '会议由张卫东同志主持，班子成员逐一对照检查，开展批评和自我批评。');
  await Promise.all([office.page.waitForNavigation(), office.page.click('#minutes-form button')]);
  assert.equal(await office.page.textContent('#meeting-state'), '已召开');
  await office.page.selectOption('#carry-form select[name=lead_unit_id]', { label: '党群工作部' });
  await Promise.all([office.page.waitForNavigation(), office.page.click('#carry-form button')]);
  assert.ok(await office.page.isVisible('#carried'));
  const problemLink = office.page.locator('#finding-list tr', { hasText: '车辆管理督促不够' }).locator('a.ledger-problem');
  await Promise.all([office.page.waitForNavigation(), problemLink.click()]);
  const problem = await office.page.innerText('main');
  assert.match(problem, /来源：.*民主生活会，王建国同志对照检查材料/);
  assert.match(problem, /回应征求到的意见/);
  assert.doesNotMatch(problem, /车辆管理的反复问题/, 'the opinion\'s own words stay in the meeting');
  assert.match(problem, /王建国/);
  await shot(office.page, 'meeting-problem-in-ledger-zh.png');

  // The report upward.
  await office.page.goto(env.base + meeting);
  const [download] = await Promise.all([office.page.waitForEvent('download'), office.page.click('#report-link')]);
  assert.match(download.suggestedFilename(), /情况的报告.*\.docx$/);
  const file = await download.path();
  assert.equal(fs.readFileSync(file).subarray(0, 2).toString(), 'PK');

  // The receipt: fed back, acknowledged, and what it became.
  await box.goto(link);
  await box.click('details.pick > summary');
  await box.fill('#receipt-form input[name=receipt]', receipt.toLowerCase());
  await Promise.all([box.waitForNavigation(), box.click('#receipt-form button')]);
  const status = await box.innerText('#receipt-status');
  assert.match(status, /已反馈，本人已阅知/);
  assert.match(status, /车辆管理督促不够/);
  await shot(box, 'box-receipt-status-phone-zh.png');
  await anon.close();
});

test('the meeting and the box read in English, and the upper level reads without changing', async () => {
  const upper = await login(env, 'xunchaban', 'en');
  await upper.page.goto(env.base + '/meetings');
  // Last year's, from the demo (the first test carried this year's too).
  const held = upper.page.locator('#meetings tr', { hasText: '巡察整改专题' }).locator('a');
  await Promise.all([upper.page.waitForNavigation(), held.first().click()]);
  assert.equal(await upper.page.locator('form[action^="/meetings/"]').count(), 0, 'nothing to change');
  assert.match(await upper.page.innerText('#held'), /Self-criticism/);
  await shot(upper.page, 'meeting-upper-en.png');
  await upper.page.setViewportSize(PHONE);
  assert.ok(await noSidewaysScroll(upper.page));
  await shot(upper.page, 'meeting-upper-phone-en.png');
});
