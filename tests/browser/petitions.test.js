// Browser test (D20, issue 23's petitions in the figures): the petitions handed over
// with the feedback, walked as the office (registers one, hands it to 财务部, returns a
// result), the handling unit (sees only its own, concludes one, is told it cannot
// register), the upper level (reads, changes nothing), in Chinese and English, at
// desktop and phone width; the counts on the page are the statistics module's.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot, PHONE, noSidewaysScroll } = require('./harness');

let env;
// The demo's petitions are numbered by the year of the feedback (40 days ago).
const Y = new Date(Date.now() + 8 * 3600e3 - 40 * 86400e3).getUTCFullYear();
before(async () => { env = await start(); });
after(async () => { await stop(env); });

const count = async (page, what) => Number(await page.textContent(`[data-count=${what}]`));

async function statistics(page) {
  return page.evaluate(async () => (await fetch('/api/v1/inspections/1/statistics')).json());
}

test('the office registers a petition from the ledger and hands it to a unit', async () => {
  const { page, context, failed } = await login(env, 'office');
  await page.goto(env.base + '/inspections/1');
  await Promise.all([page.waitForNavigation(), page.click('#petitions-link')]);
  assert.match(page.url(), /\/inspections\/1\/petitions$/);
  assert.equal(await page.textContent('h1'), '信访件');
  // The demo's four: one concluded, one overdue, two in handling (one of them returned).
  assert.deepEqual(
    [await count(page, 'petitions'), await count(page, 'concluded'), await count(page, 'handling'), await count(page, 'overdue')],
    [4, 1, 3, 1],
  );
  assert.equal(await page.locator('tr[data-standing=overdue]').count(), 1);
  assert.match(await page.innerText('#petitions'), /退回重办1次/);
  const words = ((await page.innerText('main')).match(/[A-Za-z]{2,}/g) || []);
  assert.deepEqual(words, [], words.join(' '));
  await shot(page, 'petitions-zh.png');

  // A deadline before the day received comes back at its field, what was typed kept.
  await page.click('.petition-new > summary');
  await page.fill('#petition-register input[name=number]', `巡信〔${Y}〕5号`);
  await page.fill('#petition-register textarea[name=summary]', '反映报社食堂采购价格明显高于市场价。');
  await page.selectOption('#petition-register select[name=handling_unit_id]', { label: '财务部' });
  const day = (offset) => page.evaluate((o) => new Date(Date.now() + 8 * 3600e3 + o * 86400e3).toISOString().slice(0, 10), offset);
  const today = await day(0);
  await page.fill('#petition-register input[name=received_on]', today);
  await page.fill('#petition-register input[name=deadline]', await day(-1));
  await Promise.all([page.waitForNavigation(), page.click('#petition-register button')]);
  assert.match(await page.textContent('#petition-register [data-field=deadline]'), /不能早于接收日期/);
  // Said above the list too: the form may sit far down the page.
  assert.match(await page.textContent('#refused'), /不能早于接收日期/);
  await shot(page, 'petitions-register-refused-zh.png');
  assert.equal(await page.inputValue('#petition-register input[name=number]'), `巡信〔${Y}〕5号`);
  // Empty: sixty days after it was received.
  await page.fill('#petition-register input[name=deadline]', '');
  await Promise.all([page.waitForNavigation(), page.click('#petition-register button')]);
  assert.match(page.url(), /#petition-\d+$/);
  assert.equal(await count(page, 'petitions'), 5);
  const row = page.locator('tr', { hasText: `巡信〔${Y}〕5号` });
  assert.match(await row.innerText(), /办理中，剩60天/);
  // The figures say the same as the page.
  const s = await statistics(page);
  assert.deepEqual(
    [s.petitions, s.petitions_concluded, s.petitions_handling, s.petitions_overdue],
    [5, 1, 4, 1],
  );
  assert.deepEqual(failed, []);
  await context.close();
});

test('the handling unit sees its own petitions, concludes one, and cannot register', async () => {
  const { page, context } = await login(env, 'finance');
  await page.click('nav a[href="/petitions"]');
  await page.waitForURL(/\/petitions$/);
  // 财务部 handles 3号, 4号 (returned) and the office's new 5号; no other unit's.
  const text = await page.innerText('#petitions');
  assert.match(text, new RegExp(`巡信〔${Y}〕3号`));
  assert.match(text, new RegExp(`巡信〔${Y}〕4号`));
  assert.doesNotMatch(text, new RegExp(`巡信〔${Y}〕1号|巡信〔${Y}〕2号`));
  assert.match(text, /退回理由|办理结果过于笼统/);
  assert.equal(await page.locator('#petition-register').count(), 0);
  await shot(page, 'petitions-unit-zh.png');

  const row = page.locator('tr', { hasText: `巡信〔${Y}〕3号` });
  await row.locator('summary', { hasText: '登记办理结果' }).click();
  await shot(page, 'petitions-conclude-open-zh.png');
  await row.locator('textarea[name=result]').fill('经核查，2024年以虚构会议名义报销3笔共1.2万元，已全部追回，对经办人批评教育。');
  await Promise.all([page.waitForNavigation(), row.locator('.petition-conclude button').click()]);
  const done = page.locator('tr', { hasText: `巡信〔${Y}〕3号` });
  assert.equal(await done.getAttribute('data-standing'), 'concluded');
  assert.equal(await done.locator('.petition-conclude').count(), 0);

  // Registering is the office's: a form sent anyway is refused in words.
  const status = await page.evaluate(async () => {
    const csrf = document.querySelector('input[name=csrf]').value;
    const r = await fetch('/api/v1/inspections/1/petitions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ received_on: '2026-01-10', summary: 'x', handling_unit_id: 1 }),
    });
    return [r.status, (await r.json()).message];
  });
  assert.equal(status[0], 403);
  assert.match(status[1], /整改办/);

  await page.setViewportSize(PHONE);
  await page.reload();
  assert.ok(await noSidewaysScroll(page), 'the petitions page scrolls sideways on a phone');
  await shot(page, 'petitions-unit-phone.png');
  await context.close();
});

test('the office returns a result; the upper level reads in English and changes nothing', async () => {
  const office = await login(env, 'office');
  await office.page.goto(env.base + '/petitions');
  const row = office.page.locator('tr', { hasText: `巡信〔${Y}〕3号` });
  await row.locator('summary', { hasText: '退回重办' }).click();
  await row.locator('.petition-return textarea[name=reason]').fill('请附追回款项的凭证。');
  await Promise.all([office.page.waitForNavigation(), row.locator('.petition-return button').click()]);
  const back = office.page.locator('tr', { hasText: `巡信〔${Y}〕3号` });
  assert.notEqual(await back.getAttribute('data-standing'), 'concluded');
  assert.match(await back.innerText(), /退回重办1次：请附追回款项的凭证。/);
  await office.context.close();

  const { page, context } = await login(env, 'xunchaban', 'en');
  await page.goto(env.base + '/petitions');
  assert.equal(await page.textContent('h1'), 'Petitions');
  assert.equal(await count(page, 'petitions'), 5);
  assert.equal(await page.locator('#petitions form').count(), 0);
  await shot(page, 'petitions-upper-en.png');
  await page.setViewportSize(PHONE);
  await page.reload();
  assert.ok(await noSidewaysScroll(page));
  await shot(page, 'petitions-upper-en-phone.png');
  await context.close();
});
