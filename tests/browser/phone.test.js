// Browser test: the pages on a phone (390 × 844, the width of WeCom and DingTalk on a
// common handset) and on a desktop (1366 × 768). No page scrolls sideways, for any role,
// except inside a table that says it scrolls; the header folds into a menu; the ledger
// and the lists are cards; the sign-off a leader gives and the progress a unit reports
// are within a thumb's reach. Screenshots go to tests/browser/artifacts/phone-*.png.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const harness = require('./harness');
const { ACCOUNTS, mainPages } = require('./pages');

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
let env;
before(async () => { env = await harness.start(); });
after(async () => { await harness.stop(env); });

async function phone(username, lang) {
  const s = await harness.login(env, username, lang);
  await s.page.setViewportSize(PHONE);
  return s;
}

// Whether the page is wider than the screen, and which tables scroll without saying so.
function sideways(page) {
  return page.evaluate(() => {
    const silent = [...document.querySelectorAll('main table')].filter((t) => {
      if (t.scrollWidth <= t.clientWidth + 1) return false;
      const note = t.previousElementSibling;
      return !(note && note.classList.contains('scroll-hint') && !note.hidden);
    }).map((t) => t.className);
    return {
      page: document.documentElement.scrollWidth, screen: window.innerWidth, silent,
      viewport: !!document.querySelector('meta[name=viewport][content*="width=device-width"]'),
    };
  });
}

for (const [username, role] of Object.entries(ACCOUNTS)) {
  test(`no page of ${role} (${username}) scrolls sideways at 390 px, in Chinese or English`, async () => {
    const wide = [];
    for (const lang of ['zh', 'en']) {
      const { page, context } = await phone(username, lang);
      for (const url of await mainPages(page, env.base)) {
        await page.goto(env.base + url);
        const s = await sideways(page);
        if (s.page > s.screen) wide.push(`${lang} ${url}: page ${s.page}px wide on a ${s.screen}px screen`);
        if (s.silent.length) wide.push(`${lang} ${url}: table(s) scroll without saying so: ${s.silent.join(', ')}`);
        if (!s.viewport) wide.push(`${lang} ${url}: no viewport meta`);
      }
      await context.close();
    }
    assert.deepEqual(wide, [], wide.join('\n'));
  });
}

test('the header folds into a menu on a phone and opens with a tap; a desktop shows it whole', async () => {
  const { page, context } = await phone('finance');
  const menu = page.locator('header details.menu summary');
  const measures = page.locator('header nav a[href="/measures"]');
  assert.ok(await menu.isVisible(), 'the menu button is shown on a phone');
  assert.ok(!await measures.isVisible(), 'the menu starts folded');
  assert.ok(await page.locator('header a.bell').isVisible(), 'the bell stays in the top row');
  const top = await page.locator('header.top').boundingBox();
  assert.ok(top.height <= 64, `the folded header is one row (${top.height}px)`);
  await harness.shot(page, 'phone-01-menu-folded.png');
  await menu.click();
  assert.ok(await measures.isVisible(), 'a tap opens the menu');
  assert.ok(await page.locator('header .who button.link').isVisible(), 'logout is in the menu');
  const box = await measures.boundingBox();
  assert.ok(box.height >= 44, `a menu entry is a thumb's size (${box.height}px)`);
  await harness.shot(page, 'phone-02-menu-open.png');
  await Promise.all([page.waitForNavigation(), measures.click()]);
  assert.match(page.url(), /\/measures$/);
  await page.setViewportSize(DESKTOP);
  assert.ok(!await menu.isVisible(), 'no menu button on a desktop');
  assert.ok(await page.locator('header nav a[href="/measures"]').isVisible(), 'the desktop header shows every entry');
  await harness.shot(page, 'phone-03-header-desktop.png');
  await context.close();
});

test('the ledger and the lists are cards on a phone, tables on a desktop', async () => {
  for (const lang of ['zh', 'en']) {
    const { page, context } = await phone('office', lang);
    await page.goto(env.base + '/inspections/1');
    const ledger = page.locator('table.ledger');
    assert.ok(!await ledger.locator('thead').isVisible(), 'no column headings over the cards');
    const first = ledger.locator('tbody tr.problem-start').first();
    const card = await first.boundingBox();
    assert.ok(card.x >= 0 && card.x + card.width <= PHONE.width, 'a card fits the screen');
    assert.ok(await first.locator('td.problem').isVisible(), 'the card is headed by its problem');
    // The number column is hidden on a card; the number leads the title instead.
    const number = await first.locator('td.problem').evaluate((td) => getComputedStyle(td, '::before').content);
    assert.equal(number, JSON.stringify(await first.locator('td.num').textContent() + '.'), 'the problem keeps its number');
    const lead = first.locator('td:not(.num):not(.problem)').nth(1);
    assert.equal(await lead.getAttribute('data-label'), lang === 'zh' ? '牵头单位' : 'Lead unit');
    const label = await lead.evaluate((td) => getComputedStyle(td, '::before').content);
    assert.equal(label, JSON.stringify(lang === 'zh' ? '牵头单位' : 'Lead unit'), 'each value shows its heading');
    // The measures after a problem's first one keep their headings though the problem
    // and number cells span into their rows.
    const later = ledger.locator('tbody tr:not(.problem-start):not(.aspect-row)').first();
    assert.equal(await later.locator('td').nth(1).getAttribute('data-label'), lang === 'zh' ? '牵头单位' : 'Lead unit');
    await harness.shot(page, `phone-04-ledger-${lang}.png`);
    for (const url of ['/measures', '/inspections', '/warnings', '/']) {
      await page.goto(env.base + url);
      const table = page.locator('main table.grid').first();
      assert.ok(!await table.locator('thead').isVisible(), `${url}: a list of cards`);
      assert.ok(await table.locator('tbody td[data-label]').count() > 0, `${url}: cells carry their headings`);
      await harness.shot(page, `phone-05-${url.slice(1) || 'home'}-${lang}.png`);
    }
    await page.setViewportSize(DESKTOP);
    await page.goto(env.base + '/inspections/1');
    assert.ok(await ledger.locator('thead').isVisible(), 'a desktop keeps the table');
    await harness.shot(page, `phone-06-ledger-desktop-${lang}.png`);
    await context.close();
  }
});

// A button a thumb reaches: on the screen without scrolling, in its lower two thirds,
// a finger's height and most of the screen's width.
async function thumbReach(locator) {
  const box = await locator.boundingBox();
  assert.ok(box, 'the button is shown');
  assert.ok(box.y >= 0 && box.y + box.height <= PHONE.height, `on the screen (top ${box.y}, height ${box.height})`);
  assert.ok(box.y + box.height / 2 >= PHONE.height / 3, `in the lower two thirds (top ${box.y})`);
  assert.ok(box.height >= 44, `a finger's height (${box.height}px)`);
  assert.ok(box.width >= PHONE.width * 0.75, `most of the width (${box.width}px)`);
}

// Fills what a step's form still asks for (an opinion, where one is asked) and agrees to
// any confirmation, as the person would.
async function completeAndSend(page, form) {
  page.once('dialog', (d) => d.accept());
  for (const field of await form.locator('input[required]:visible, textarea[required]:visible').all()) {
    if (!await field.inputValue()) await field.fill('同意。');
  }
  await Promise.all([page.waitForNavigation(), form.locator('button').last().click()]);
}

test('a leader signs a plan off on a phone, with a thumb', async () => {
  const { page, context } = await phone('leader_zhao');
  const waiting = page.locator('#waiting a', { hasText: '人情稿' });
  await Promise.all([page.waitForNavigation(), waiting.click()]);
  assert.match(page.url(), /\/problems\/\d+#steps$/);
  const sign = page.locator('form[data-action="sign_plan"]');
  await thumbReach(sign.locator('button').last());
  await harness.shot(page, 'phone-07-sign-plan.png');
  await completeAndSend(page, sign);
  assert.equal(await page.locator('#problem-state').innerText(), '领导已审定');
  assert.equal(await page.locator('form[data-action="sign_plan"]').count(), 0);
  await harness.shot(page, 'phone-08-signed.png');
  await page.setViewportSize(DESKTOP);
  await harness.shot(page, 'phone-09-signed-desktop.png');
  await context.close();
});

test('a unit reports progress on a phone, with a thumb', async () => {
  const { page, context } = await phone('finance');
  const own = page.locator('main table.measures a[href^="/measures/"]').first();
  await Promise.all([page.waitForNavigation(), own.click()]);
  const form = page.locator('form[action$="/progress"]');
  await form.locator('textarea[name=content]').fill('已完成本周清理，留存会议纪要');
  await form.locator('button.primary').scrollIntoViewIfNeeded();
  const button = form.locator('button.primary');
  const box = await button.boundingBox();
  assert.ok(box.height >= 44 && box.width >= PHONE.width * 0.75, `the send button is a thumb's size (${box.width}×${box.height})`);
  await harness.shot(page, 'phone-10-progress.png');
  await Promise.all([page.waitForNavigation(), button.click()]);
  assert.match(await page.locator('ol.timeline').innerText(), /已完成本周清理，留存会议纪要/);
  const s = await sideways(page);
  assert.ok(s.page <= s.screen, 'the measure with its new progress fits the screen');
  await harness.shot(page, 'phone-11-progress-sent.png');
  await context.close();
});

test('an imported sheet keeps its columns on a phone: its table scrolls inside its box and says so', async () => {
  const { page, context } = await phone('office');
  await page.goto(env.base + '/inspections/1/import');
  const file = path.join(env.dataDir, '手机导入.csv');
  fs.writeFileSync(file, [
    '序号,问题描述,整改措施,责任领导,牵头单位,配合单位,完成时限',
    '一、手机上预览的台账,,,,,,',
    '1,印章管理不规范,建立用印登记制度并开展印章清查,王建国,办公室,财务部,5月中旬',
  ].join('\n') + '\n');
  await page.setInputFiles('input[name=files]', file);
  await Promise.all([page.waitForNavigation(), page.click('form.import-form button.primary')]);
  const rows = page.locator('table.import-rows');
  assert.ok(await rows.evaluate((t) => t.scrollWidth > t.clientWidth), 'the sheet is wider than the screen');
  const note = page.locator('table.import-rows').locator('xpath=preceding-sibling::*[1]');
  assert.ok(await note.isVisible(), 'the table says it scrolls');
  assert.match(await note.innerText(), /左右滑动/);
  assert.equal(await rows.getAttribute('tabindex'), '0', 'a keyboard reaches it to scroll it');
  const s = await sideways(page);
  assert.ok(s.page <= s.screen, `the page itself does not scroll sideways (${s.page}px)`);
  assert.deepEqual(s.silent, []);
  await rows.scrollIntoViewIfNeeded();
  await harness.shot(page, 'phone-12-import-preview.png');
  await page.setViewportSize(DESKTOP);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.ok(!await note.isVisible(), 'on a desktop the sheet fits and nothing is said');
  await context.close();
});
