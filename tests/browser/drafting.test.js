// Browser test: the lead unit drafts its own measures on the page, one by one and
// several at once in a grid (pasted from a sheet too), each bad row named; a disputed
// problem decided by the leader in charge takes its measures to the assigned unit, and
// the office changing a problem's lead unit chooses which measures go (issue 20, 1 and 4).
// Walked in Chinese and English, at desktop (1366×768) and phone (390×844) width.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

const PHONE = { width: 390, height: 844 };
const year = new Date().getFullYear() + 1;

// A person on a phone: the same login, a narrow screen.
async function onPhone(who, lang) {
  const s = await login(env, who, lang);
  await s.page.setViewportSize(PHONE);
  return s;
}

// The page scrolls sideways nowhere but inside a box that says it scrolls.
async function noSidewaysScroll(page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `the page scrolls sideways: ${scroll} > ${width}`);
}

async function problemUrl(words, title) {
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/inspections/1?q=' + encodeURIComponent(words));
  await office.page.click('text=' + title);
  const url = office.page.url();
  await office.context.close();
  return url;
}

async function submit(page, selector = 'button.primary') {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

test('the lead unit drafts its measures one by one and in a grid, each bad row named', async () => {
  const url = await problemUrl('档案室', '档案室消防设施老化'); // registered, led by 行政后勤部
  const s = await login(env, 'logistics');
  await s.page.goto(url);
  await s.page.click('a:has-text("新增整改措施")');
  // The fields the draft needs can be typed; the lead unit is the unit itself.
  assert.equal(await s.page.locator('textarea[name=content]').getAttribute('readonly'), null);
  assert.equal(await s.page.locator('input[name=deadline]').getAttribute('readonly'), null);
  assert.equal(await s.page.locator('select[name=leader_id]').isDisabled(), false);
  assert.match(await s.page.locator('select[name=lead_unit_id] option:checked').innerText(), /行政后勤部/);
  await s.page.fill('textarea[name=content]', '全面排查档案室消防设施');
  await s.page.fill('input[name=deadline]', `${year}年5月底前`);
  await shot(s.page, 'drafting-01-form.png');
  await submit(s.page);
  assert.match(s.page.url(), /\/measures\/\d+$/, await s.page.locator('body').innerText());
  assert.match(await s.page.locator('body').innerText(), /全面排查档案室消防设施/);

  // Several at once: the grid, with rows in error named and nothing saved.
  await s.page.goto(url);
  await s.page.click('a:has-text("新增整改措施")');
  await s.page.click('a:has-text("批量录入多条措施")');
  assert.match(await s.page.locator('h1').innerText(), /批量录入整改措施/);
  await s.page.fill('[name="rows.0.content"]', '更换老化灭火器和应急照明');
  await s.page.fill('[name="rows.0.deadline"]', `${year}年6月底前`);
  await s.page.fill('[name="rows.1.content"]', '修订档案室消防安全管理制度');
  await s.page.fill('[name="rows.2.content"]', '组织消防演练');
  await s.page.fill('[name="rows.2.deadline"]', '等有空再说');
  await submit(s.page);
  const alert = await s.page.locator('#grid-errors').innerText();
  assert.match(alert, /第2行/);
  assert.match(alert, /第3行/);
  assert.doesNotMatch(alert, /第1行/);
  assert.equal(await s.page.locator('[data-field="rows.1.deadline"]').count(), 1);
  assert.equal(await s.page.locator('[data-field="rows.2.deadline"]').count(), 1);
  assert.equal(await s.page.inputValue('[name="rows.1.content"]'), '修订档案室消防安全管理制度', 'what was typed is kept');
  await shot(s.page, 'drafting-02-grid-errors.png');
  // Corrected; two more rows pasted from a sheet (tab between cells) into row 4's first cell.
  await s.page.fill('[name="rows.1.deadline"]', `${year}年6月底前`);
  await s.page.fill('[name="rows.2.deadline"]', '立行立改');
  const sheet = [
    ['每季度检查一次消防设施', '党群工作部', '王建国', '孙强', '长期坚持', '检查记录齐全'],
    ['档案室加装烟感报警', '', '', '孙强', `${year}年7月底前`, '报警器全覆盖'],
    ['建立消防设施台账', '', '', '孙强', `${year}年8月底前`, '台账建立'],
  ].map((r) => r.join('\t')).join('\n');
  await s.page.locator('[name="rows.3.content"]').focus();
  await s.page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', text);
    document.activeElement.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, sheet);
  assert.equal(await s.page.inputValue('[name="rows.4.deadline"]'), `${year}年7月底前`);
  assert.equal(await s.page.inputValue('[name="rows.5.content"]'), '建立消防设施台账', 'a row was added for the paste');
  assert.match(await s.page.locator('[name="rows.3.cooperating_unit_ids"] option:checked').innerText(), /党群工作部/);
  assert.match(await s.page.locator('[name="rows.3.leader_id"] option:checked').innerText(), /王建国/);
  // One more row by the button, left blank: skipped.
  await s.page.click('[data-add-row]');
  assert.equal(await s.page.locator('tr.grid-row').count(), 7);
  await shot(s.page, 'drafting-03-grid-filled.png');
  await submit(s.page);
  assert.match(s.page.url(), /\/problems\/\d+#measures$/, await s.page.locator('body').innerText());
  const table = await s.page.locator('table.measures').innerText();
  for (const m of ['更换老化灭火器和应急照明', '修订档案室消防安全管理制度', '组织消防演练', '每季度检查一次消防设施', '档案室加装烟感报警', '建立消防设施台账', '全面排查档案室消防设施']) {
    assert.ok(table.includes(m), `${m} is not on the problem's page`);
  }
  await shot(s.page, 'drafting-04-saved.png');
  assert.deepEqual(s.failed, []);
  await s.context.close();

  // On a phone: the grid becomes one card a row, each cell labelled; nothing scrolls sideways.
  const p = await onPhone('logistics');
  await p.page.goto(url.replace(/\/?$/, '') + '/measures/batch');
  await noSidewaysScroll(p.page);
  assert.ok(await p.page.locator('tr.grid-row >> nth=0 >> .cell-label >> nth=0').isVisible(), 'the cells show their labels');
  await p.page.fill('[name="rows.0.content"]', '手机上补录一条');
  await submit(p.page);
  assert.match(await p.page.locator('#grid-errors').innerText(), /第1行/);
  await noSidewaysScroll(p.page);
  await shot(p.page, 'drafting-05-grid-phone.png');
  await p.context.close();

  // In English the grid reads in English.
  const en = await login(env, 'logistics', 'en');
  await en.page.goto(url.replace(/\/?$/, '') + '/measures/batch');
  assert.match(await en.page.locator('h1').innerText(), /Enter several measures/);
  await en.page.fill('[name="rows.0.content"]', 'One more');
  await submit(en.page);
  assert.match(await en.page.locator('#grid-errors').innerText(), /Row 1: /);
  await shot(en.page, 'drafting-06-grid-en.png');
  await en.context.close();
});

test('a decided dispute takes the measures to the assigned unit, named in the record', async () => {
  const url = await problemUrl('事业编制', '违规将相关人员转为事业编制'); // disputed by 人力资源部
  // The leader in charge decides on a phone; the measure to hand over is ticked.
  const z = await onPhone('leader_zhao');
  await z.page.goto(url);
  const form = z.page.locator('form.step-form[data-action="assign"]');
  assert.equal(await form.count(), 1, 'the decision is offered');
  assert.ok(await form.locator('input[name=carry_measure_ids]').first().isChecked());
  await form.locator('select[name=unit_id]').selectOption({ label: '党群工作部' });
  await form.locator('input[name=reason]').fill('编制问题由党群工作部牵头');
  await noSidewaysScroll(z.page);
  await form.scrollIntoViewIfNeeded();
  await shot(z.page, 'drafting-07-assign-phone.png');
  await Promise.all([z.page.waitForNavigation(), form.locator('button').click()]);
  const record = await z.page.locator('ol.events').innerText();
  assert.match(record, /人力资源部 → 党群工作部: 编制问题由党群工作部牵头/);
  assert.doesNotMatch(record, /unit \d/);
  await z.context.close();

  // The assigned unit now leads the measure, and drafts on it.
  const party = await login(env, 'party');
  await party.page.goto(url);
  assert.match(await party.page.locator('table.measures').innerText(), /党群工作部/);
  await party.page.click('table.measures a');
  await party.page.click(`a[href$="/edit"]`);
  assert.equal(await party.page.locator('textarea[name=content]').getAttribute('readonly'), null, 'the assigned unit drafts its measure');
  await shot(party.page, 'drafting-08-assigned-unit.png');
  await party.context.close();
  // The former lead unit no longer reaches the problem.
  const hr = await login(env, 'hr');
  const r = await hr.page.goto(url);
  assert.equal(r.status(), 404);
  await hr.context.close();
});

test('the office changing a lead unit chooses measure by measure', async () => {
  // The problem the first test gave measures, still led by 行政后勤部.
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/inspections/1?q=' + encodeURIComponent('档案室'));
  await office.page.click('text=档案室消防设施老化');
  const problem = office.page.url();
  await office.page.goto(problem.replace(/\/?$/, '') + '/edit');
  const carry = office.page.locator('fieldset.carry');
  assert.equal(await carry.count(), 1, 'the measures to hand over are listed');
  const boxes = carry.locator('input[name=carry_measure_ids]');
  const n = await boxes.count();
  assert.ok(n >= 2, `${n} measures listed`);
  await boxes.nth(0).uncheck();
  await office.page.selectOption('select[name=lead_unit_id]', { label: '财务部' });
  await shot(office.page, 'drafting-09-office-carry.png');
  await submit(office.page);
  const table = await office.page.locator('table.measures').innerText();
  assert.match(table, /财务部/);
  assert.match(table, /行政后勤部/, 'the unticked measure stays with its unit');
  await office.context.close();
});
