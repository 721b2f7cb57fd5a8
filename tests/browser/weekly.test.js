// Browser test: a unit sends its weekly report from the pre-filled form; the office
// sees the roll call and the summary draft.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
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

test('the office edits, saves and downloads its weekly summary, and picks the report day by name', async () => {
  // A unit whose report runs long: the draft quotes it in whole sentences only.
  const unit = await login(env, 'hr');
  await unit.page.goto(env.base + '/weekly');
  const long = '本周召开干部选拔任用工作专题会议，逐条对照巡察反馈问题查找原因。'.repeat(5)
    + '完成2019年以来干部档案专项审核，补齐缺失材料十七份；对审核中发现的三人次年龄、学历信息不一致问题已报组织部门核实。'
    + '下周计划：修订干部选拔任用工作规程。';
  await unit.page.fill('form.weekly-form textarea[name=content]', long);
  await Promise.all([unit.page.waitForNavigation(), unit.page.click('form.weekly-form button.primary')]);
  await unit.context.close();

  const office = await login(env, 'office');
  await office.page.goto(env.base + '/weekly');
  const draft = await office.page.inputValue('#weekly-summary');
  const line = draft.split('\n').find((l) => l.startsWith('（人力资源部）'));
  assert.ok(line, draft);
  assert.match(line, /[。；！？]（余见该单位周报）$/, 'cut at a sentence end, and says so');
  const quoted = line.replace('（人力资源部）', '').replace('（余见该单位周报）', '');
  assert.ok(long.startsWith(quoted), 'whole sentences from the start: ' + quoted);
  assert.match(await office.page.locator('#summary-state').innerText(), /尚未保存/);
  // Edit and save: version 1, then 2; the trail keeps both.
  await office.page.fill('#weekly-summary', draft.replace('四、下一步工作：', '四、下一步工作：督促财务部月底前完成销户。'));
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.weekly-summary-form button.primary')]);
  assert.match(await office.page.locator('#summary-state').innerText(), /已保存（第1版）.*李明/);
  assert.match(await office.page.inputValue('#weekly-summary'), /督促财务部月底前完成销户。/);
  await office.page.fill('#weekly-summary', (await office.page.inputValue('#weekly-summary')) + '五、其他：无。');
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.weekly-summary-form button.primary')]);
  assert.match(await office.page.locator('#summary-state').innerText(), /第2版/);
  await office.page.locator('#summary').scrollIntoViewIfNeeded();
  await shot(office.page, 'weekly-06-summary-saved.png');
  // The download is a Word document holding the saved text, which LibreOffice opens.
  const [download] = await Promise.all([office.page.waitForEvent('download'), office.page.click('#summary-docx')]);
  assert.match(download.suggestedFilename(), /整改工作周汇总-\d{4}-\d{2}-\d{2}\.docx$/);
  const saved = path.join(env.dataDir, 'summary.docx');
  await download.saveAs(saved);
  assert.equal(fs.readFileSync(saved).subarray(0, 2).toString(), 'PK');
  // Its text, from the archive (unzip), and — where LibreOffice Writer is installed —
  // as LibreOffice reads it.
  const xml = execFileSync('unzip', ['-p', saved, 'word/document.xml'], { encoding: 'utf8' });
  assert.match(xml, /整改工作周汇总/);
  assert.match(xml, /督促财务部月底前完成销户。/);
  assert.match(xml, /五、其他：无。/);
  if (fs.existsSync('/usr/lib/libreoffice/program/swriter')) {
    execFileSync('soffice', ['--headless', '--norestore', '--convert-to', 'txt:Text', '--outdir', env.dataDir, saved], { stdio: 'ignore', timeout: 120000, env: { ...process.env, HOME: env.dataDir } });
    const text = fs.readFileSync(path.join(env.dataDir, 'summary.txt'), 'utf8');
    assert.match(text, /督促财务部月底前完成销户。/);
  }
  // The report day is chosen by name, and the choice stays.
  const rule = office.page.locator('form.weekly-rule-form select[name=weekday]');
  assert.equal(await rule.locator('option:checked').innerText(), '周五');
  assert.deepEqual(await rule.locator('option').allInnerTexts(), ['周一', '周二', '周三', '周四', '周五', '周六', '周日']);
  await rule.selectOption({ label: '周四' });
  await Promise.all([office.page.waitForNavigation(), office.page.click('form.weekly-rule-form button')]);
  assert.equal(await office.page.locator('form.weekly-rule-form select[name=weekday] option:checked').innerText(), '周四');
  await office.page.setViewportSize({ width: 390, height: 844 });
  await office.page.locator('#summary').scrollIntoViewIfNeeded();
  await shot(office.page, 'weekly-07-summary-phone.png');
  await office.context.close();

  // The discipline inspector reads and downloads it, but has no save button.
  const jijian = await login(env, 'jijian');
  await jijian.page.goto(env.base + '/weekly');
  assert.match(await jijian.page.inputValue('#weekly-summary'), /五、其他：无。/);
  assert.equal(await jijian.page.locator('form.weekly-summary-form').count(), 0);
  await jijian.context.close();

  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/weekly');
  assert.match(await en.page.locator('#summary-state').innerText(), /Saved \(version 2\)/);
  assert.equal(await en.page.locator('form.weekly-rule-form select[name=weekday] option:checked').innerText(), 'Thursday');
  await en.page.locator('#summary').scrollIntoViewIfNeeded();
  await shot(en.page, 'weekly-08-summary-en.png');
  await en.context.close();
});
