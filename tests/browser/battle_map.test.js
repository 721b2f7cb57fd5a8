// Browser test (issue 23, D14): the battle map (挂图作战) of an inspection, walked as the
// office, 纪检 and the upper level, in Chinese and English, at desktop and phone width,
// on the big screen and in print; every figure it shows equals the statistics module's
// (the API's); a past day's map; a unit is told who reads it.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot, PHONE, noSidewaysScroll } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

// Each figure the page shows, by its name, as text.
async function shownFigures(page) {
  return page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('[data-figure]')].map((el) => [el.dataset.figure, el.querySelector('b').textContent.trim()]),
  ));
}

test('the office opens the battle map from the ledger and every figure is the statistics module\'s', async () => {
  const { page, context, failed } = await login(env, 'office');
  await page.goto(env.base + '/inspections/1');
  await Promise.all([page.waitForNavigation(), page.click('#battle-map')]);
  assert.match(page.url(), /\/inspections\/1\/map$/);
  assert.equal(await page.textContent('h1'), '挂图作战');
  const api = await (await page.request.get(env.base + '/api/v1/inspections/1/statistics')).json();
  const shown = await shownFigures(page);
  for (const key of ['problems', 'problems_done', 'problems_on_schedule', 'problems_long_term', 'problems_overdue',
    'measures', 'measures_done', 'measures_overdue', 'measures_due_soon', 'institutions', 'people_held_accountable']) {
    assert.equal(shown[key], String(api[key]), key);
  }
  assert.equal(shown.problems_done_percent, `${api.problems_done_percent.toFixed(1)}%`);
  assert.equal(shown.money_recovered_fen, '60,950.00元');
  // One cell a problem, each in the colour of its standing; the four add up.
  const cells = await page.$$eval('a.cell', (as) => as.map((a) => a.dataset.standing));
  assert.equal(cells.length, api.problems);
  for (const [standing, key] of [['done', 'problems_done'], ['on-schedule', 'problems_on_schedule'], ['long-term', 'problems_long_term'], ['overdue', 'problems_overdue']]) {
    assert.equal(cells.filter((c) => c === standing).length, api[key], standing);
  }
  // The colours differ, and so do the patterns that carry them on paper.
  const looks = await page.$$eval('a.cell', (as) => {
    const seen = {};
    for (const a of as) {
      const s = getComputedStyle(a);
      seen[a.dataset.standing] = `${s.backgroundColor} ${s.backgroundImage}`;
    }
    return seen;
  });
  assert.equal(new Set(Object.values(looks)).size, Object.keys(looks).length, JSON.stringify(looks));
  // The Chinese page shows no English in its own words.
  const words = (await page.innerText('main')).match(/[A-Za-z]{2,}/g) || [];
  assert.deepEqual(words, [], words.join(' '));
  await shot(page, 'battle-map-zh.png');
  // Each unit's bar leads to its part of the ledger; a cell to its problem.
  const bars = await page.$$('svg.bars a');
  assert.ok(bars.length >= 5, `${bars.length} bars`);
  // A bar leads to the measures its unit leads, in the ledger, with that filter ticked.
  await Promise.all([page.waitForNavigation(), page.click('svg.bars a >> nth=1')]);
  assert.match(page.url(), /\/inspections\/1\?unit=\d+&lead_only=1$/);
  assert.equal(await page.isChecked('input[name=lead_only]'), true);
  await page.goBack();
  await Promise.all([page.waitForNavigation(), page.click('a.cell.overdue >> nth=0')]);
  assert.match(page.url(), /\/problems\/\d+$/);
  await page.goBack();
  // At phone width nothing scrolls sideways but the chart in its own box.
  await page.setViewportSize(PHONE);
  assert.ok(await noSidewaysScroll(page), 'the battle map scrolls sideways on a phone');
  await shot(page, 'battle-map-phone.png');
  assert.deepEqual(failed, []);
  await context.close();
});

test('a past day\'s map, the big screen and print', async () => {
  const { page, context } = await login(env, 'office');
  await page.goto(env.base + '/inspections/1/map');
  const today = await page.inputValue('#as-of input[name=as_of]');
  // The day before the demo's ledger was entered: nothing to count yet.
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  const before = d.toISOString().slice(0, 10);
  await page.fill('#as-of input[name=as_of]', before);
  await Promise.all([page.waitForNavigation(), page.click('#as-of button:not([type=button])')]);
  assert.equal((await shownFigures(page)).problems, '0');
  assert.equal(await page.textContent('#day'), before);
  await page.click('text=回到今天');
  await page.waitForURL(/\/map$/);
  // The big screen: no menus or forms, large type, refreshing itself.
  await Promise.all([page.waitForNavigation(), page.click('#big-screen')]);
  assert.equal(await page.getAttribute('body', 'class'), 'big-screen');
  assert.equal(await page.isVisible('header.top'), false);
  assert.equal(await page.isVisible('#as-of'), false);
  assert.ok(await page.$('meta[http-equiv=refresh]'));
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shot(page, 'battle-map-big-screen.png');
  // Print: the form and the lists of today go, the map stays.
  await page.goto(env.base + '/inspections/1/map');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#as-of'), false);
  assert.equal(await page.isVisible('table.map-grid'), true);
  await context.close();
});

test('in English, and for 纪检 and the upper level; a unit is told who reads it', async () => {
  const en = await login(env, 'office', 'en');
  await en.page.goto(env.base + '/inspections/1/map');
  assert.equal(await en.page.textContent('h1'), 'Battle map');
  assert.ok((await en.page.innerText('#legend')).includes('On schedule'));
  await shot(en.page, 'battle-map-en.png');
  await en.context.close();
  for (const who of ['jijian', 'xunchaban']) {
    const s = await login(env, who);
    const r = await s.page.goto(env.base + '/inspections/1/map');
    assert.equal(r.status(), 200, who);
    await s.context.close();
  }
  const unit = await login(env, 'finance');
  const r = await unit.page.goto(env.base + '/inspections/1/map');
  assert.equal(r.status(), 403);
  assert.ok((await unit.page.innerText('main')).includes('整改办、纪检监督、党委书记和上级巡察办'));
  await unit.context.close();
});

test('the organisation\'s map from the inspection list, each inspection leading to its own', async () => {
  const { page, context, failed } = await login(env, 'office');
  await page.goto(env.base + '/inspections');
  await Promise.all([page.waitForNavigation(), page.click('#overview-map')]);
  assert.match(page.url(), /\/map$/);
  const api = await (await page.request.get(env.base + '/api/v1/statistics')).json();
  const shown = await shownFigures(page);
  for (const key of ['problems', 'problems_done', 'problems_overdue', 'measures', 'measures_overdue']) {
    assert.equal(shown[key], String(api[key]), key);
  }
  const bars = await page.$$eval('svg.bars a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(bars.includes('/inspections/1/map'), bars.join(' '));
  const words = (await page.innerText('main')).match(/[A-Za-z]{2,}/g) || [];
  assert.deepEqual(words, [], words.join(' '));
  await shot(page, 'overview-map-zh.png');
  await page.setViewportSize(PHONE);
  assert.ok(await noSidewaysScroll(page), 'the overview map scrolls sideways on a phone');
  await shot(page, 'overview-map-phone.png');
  await page.setViewportSize({ width: 1366, height: 768 });
  await Promise.all([page.waitForNavigation(), page.click('svg.bars a[href="/inspections/1/map"]')]);
  assert.match(page.url(), /\/inspections\/1\/map$/);
  assert.deepEqual(failed, []);
  await context.close();
});
