// Browser test (issue 20, point 8): the audit trail reads like a record. The discipline
// inspector (纪检) opens a problem's change record from its page; the audit
// administrator reads, filters and searches the whole trail, downloads it and verifies
// it with a button. Desktop and phone, Chinese and English; the others are refused.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot } = require('./harness');

let env;
before(async () => { env = await start({ demoDay: '2024-04-25' }); });
after(async () => { await stop(env); });

// Codes and column names a Chinese reader must not meet in the trail's table.
const RAW = /\b(lead_unit_id|leader_id|deadline_text|claim|submit_plan|registered|claimed|in_progress|create|update|problems|measures|null)\b/;

async function onPhone(env, who, path) {
  const s = await login(env, who);
  await s.page.setViewportSize({ width: 390, height: 844 });
  await s.page.goto(env.base + path);
  const wide = await s.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 392, `the page scrolls sideways on a phone (${wide}px)`);
  return s;
}

test('the discipline inspector reads a problem\'s record in words, filters it, and is refused the rest', async () => {
  const s = await login(env, 'jijian');
  await s.page.goto(env.base + '/measures?q=' + encodeURIComponent('公车'));
  await s.page.locator('table a', { hasText: '公车私用' }).first().click();
  await s.page.waitForLoadState();
  await Promise.all([s.page.waitForNavigation(), s.page.locator('a.button', { hasText: '修改记录' }).click()]);
  const path = new URL(s.page.url()).pathname;
  assert.match(path, /^\/records\/problems\/\d+\/trail$/);
  assert.match(await s.page.locator('h1').innerText(), /修改记录 · 问题 · \d+\. 公车私用/);
  const table = s.page.locator('table.trail');
  const text = await table.innerText();
  assert.doesNotMatch(text, RAW, text);
  // Who, what and the states in words; ids as the names they point to; Beijing time.
  const claim = s.page.locator('table.trail tr', { hasText: '认领' }).first();
  assert.match(await claim.innerText(), /已挂号 → 已认领/);
  assert.match(await claim.innerText(), /孙强/);
  assert.match(text, /牵头单位\s*行政后勤部/);
  assert.match(text, /责任领导\s*\S+/);
  assert.match(await s.page.locator('table.trail td.nowrap').first().innerText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await shot(s.page, 'trail-01-jijian-problem.png');

  // Filter by action: only 认领 is left.
  await s.page.selectOption('select[name=action]', { label: '认领' });
  await Promise.all([s.page.waitForNavigation(), s.page.locator('form.filters button.primary').click()]);
  const rows = s.page.locator('table.trail tbody tr');
  assert.equal(await rows.count(), 1);
  // A day with nothing: "no entry matches", not "none yet".
  await s.page.fill('input[name=from]', '2000-01-01');
  await s.page.fill('input[name=until]', '2000-01-02');
  await Promise.all([s.page.waitForNavigation(), s.page.locator('form.filters button.primary').click()]);
  assert.match(await s.page.locator('p.empty').innerText(), /没有符合筛选条件/);

  // The CSV holds the readable columns and the raw ones, and the audit code.
  const csv = await s.page.request.get(env.base + path + '.csv');
  assert.equal(csv.status(), 200);
  const body = await csv.text();
  assert.match(body, /^\uFEFF"序号","时间","操作人","操作","记录类别","记录","原因","字段","原值","新值",entry,at,actor,action,entity,entity_id,reason,field,was,now\r\n/);
  assert.match(body, /"牵头单位",[^\r\n]*"行政后勤部"[^\r\n]*"lead_unit_id"/);
  assert.match(body, /"审计校验码 \/ audit code","\d+-[0-9a-f]{16}"\r\n$/);

  // Who may see the trail is decided by role: not the whole trail, not accounts.
  for (const refused of ['/admin/audit', '/records/users/1/trail']) {
    const r = await s.page.goto(env.base + refused);
    assert.equal(r.status(), 403, refused);
  }
  await s.context.close();

  const phone = await onPhone(env, 'jijian', path);
  assert.match(await phone.page.locator('table.trail tr', { hasText: '认领' }).first().innerText(), /已挂号 → 已认领/);
  await shot(phone.page, 'trail-02-jijian-phone.png');
  await phone.context.close();

  // Whoever reads the problem reads its trail (D21): its lead unit does, a unit that
  // has no part in it does not even learn it exists; the system administrator reads none.
  const problemPath = path.replace(/^\/records\/problems\/(\d+)\/trail.*$/, '/problems/$1');
  for (const [who, may] of [['office', true], ['logistics', null], ['hr', null], ['sysadmin', false]]) {
    const u = await login(env, who);
    const page = (await u.page.goto(env.base + problemPath)).status();
    const trail = (await u.page.goto(env.base + path)).status();
    if (may === false) assert.equal(trail, 403, who);
    else if (may === true) assert.equal(trail, 200, who);
    else assert.equal(trail === 200, page === 200, `${who}: page ${page}, trail ${trail}`);
    await u.context.close();
  }
});

test('the audit administrator filters and searches the whole trail and verifies it with a button', async () => {
  const s = await login(env, 'auditadmin');
  await s.page.goto(env.base + '/admin/audit');
  assert.match(await s.page.locator('h1').innerText(), /审计日志/);
  assert.doesNotMatch(await s.page.locator('table.trail').innerText(), RAW);
  // By person: only what 陈静 did.
  await s.page.selectOption('select[name=who]', { label: '陈静' });
  await Promise.all([s.page.waitForNavigation(), s.page.locator('form.filters button.primary').click()]);
  const actors = await s.page.locator('table.trail td[data-label=操作人]').allInnerTexts();
  assert.ok(actors.length > 0 && actors.every((a) => a === '陈静'), actors.join(','));
  // Search: entries holding the words, a record's link leading to its own trail.
  await s.page.goto(env.base + '/admin/audit');
  await s.page.fill('input[name=q]', '公车私用');
  await Promise.all([s.page.waitForNavigation(), s.page.locator('form.filters button.primary').click()]);
  const link = s.page.locator('table.trail td[data-label=记录] a', { hasText: '公车私用' }).first();
  assert.match(await link.getAttribute('href'), /^\/records\/problems\/\d+\/trail$/);
  assert.match(await s.page.locator('p.meta').innerText(), /\d+条记录/);
  await shot(s.page, 'trail-03-auditadmin-search.png');

  // Verify: intact, in words, with what it means and what to do.
  await s.page.goto(env.base + '/admin/audit');
  await Promise.all([s.page.waitForNavigation(), s.page.locator('form.verify-form button').click()]);
  const result = s.page.locator('.verify-result');
  assert.equal(await result.getAttribute('data-intact'), 'true', await result.innerText());
  assert.match(await result.innerText(), /审计日志完整/);
  assert.match(await result.innerText(), /自第1条至第\d+条，共\d+条审计记录连续完整/);
  assert.match(await result.innerText(), /应当怎么做/);
  const code = await result.locator('[data-audit-code]').innerText();
  assert.match(code, /^\d+-[0-9a-f]{16}$/);
  await shot(s.page, 'trail-04-auditadmin-verified.png');
  // The code just shown is proven reached; a code mistyped is refused at its field.
  await s.page.fill('#verify-codes', code);
  await Promise.all([s.page.waitForNavigation(), s.page.locator('form.verify-form button').click()]);
  assert.match(await s.page.locator('.verify-result').innerText(), new RegExp('已证实仍包含的审计校验码：' + code));
  await s.page.fill('#verify-codes', '12-xyz');
  await Promise.all([s.page.waitForNavigation(), s.page.locator('form.verify-form button').click()]);
  assert.match(await s.page.locator('#verify-codes-error').innerText(), /12-xyz：不是有效的审计校验码/);
  // The same through the API.
  const api = await s.page.request.get(env.base + '/api/v1/audit/verify');
  assert.equal(api.status(), 200);
  const json = await api.json();
  assert.equal(json.intact, true);
  assert.ok(json.last_entry >= json.entries - 1, JSON.stringify(json));
  await s.context.close();

  const phone = await onPhone(env, 'auditadmin', '/admin/audit');
  await Promise.all([phone.page.waitForNavigation(), phone.page.locator('form.verify-form button').click()]);
  assert.equal(await phone.page.locator('.verify-result').getAttribute('data-intact'), 'true');
  await shot(phone.page, 'trail-05-auditadmin-phone.png');
  await phone.context.close();

  const en = await login(env, 'auditadmin', 'en');
  await en.page.goto(env.base + '/admin/audit?action=claim');
  assert.match(await en.page.locator('h1').innerText(), /Audit trail/);
  assert.match(await en.page.locator('table.trail').innerText(), /Claim[\s\S]*Registered → Claimed/);
  await shot(en.page, 'trail-06-auditadmin-en.png');
  await en.context.close();

  // Nobody else reaches the whole trail or the verify button.
  for (const who of ['office', 'sysadmin', 'secadmin']) {
    const o = await login(env, who);
    assert.equal((await o.page.goto(env.base + '/admin/audit')).status(), 403, who);
    const r = await o.page.request.get(env.base + '/api/v1/audit/verify');
    assert.equal(r.status(), 403, who);
    await o.context.close();
  }
});
