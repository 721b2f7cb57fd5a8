// Browser test of the guides: one screenshot per role into docs/guide/ (regenerated at
// every run, on the demo as of a fixed Thursday), and the README's 从零开始 walked as a
// new office would: a first start without --demo, the three administrators, the
// organisation and its accounts, the first inspection and its imported ledger, a unit
// that logs in and finds its problem.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { start, stop, login, shot } = require('./harness');

const guide = path.resolve(__dirname, '..', '..', 'docs', 'guide');
const bin = process.env.ZHENGGAI_BIN || path.resolve(__dirname, '..', '..', 'target', 'debug', 'zhenggai');

let env;
before(async () => { env = await start({ demoDay: '2024-04-25' }); });
after(async () => { await stop(env); });

// Each role's guide: who, the page its screenshot shows, what must be on it.
const ROLES = [
  { file: 'office.png', user: 'office', path: '/inspections/1', expect: /整改台账|方面/ },
  { file: 'unit.png', user: 'finance', path: '/', expect: /财务部/ },
  { file: 'leader.png', user: 'leader_wang', path: '/', expect: /王建国/ },
  { file: 'supervisor.png', user: 'jijian', path: '/warnings', expect: /预警/ },
  { file: 'upper.png', user: 'xunchaban', path: '/inspections', expect: /巡察/ },
];

test('each role\'s guide gets its screenshot, at desktop and phone width', async () => {
  for (const role of ROLES) {
    const s = await login(env, role.user);
    const resp = await s.page.goto(env.base + role.path);
    assert.equal(resp.status(), 200, role.user);
    assert.match(await s.page.locator('main, body').first().innerText(), role.expect, role.user);
    await s.page.screenshot({ path: path.join(guide, role.file) });
    await s.page.setViewportSize({ width: 390, height: 844 });
    await shot(s.page, 'guide-phone-' + role.file);
    assert.deepEqual(s.failed, [], role.user);
    await s.context.close();
  }
  const md = fs.readdirSync(guide).filter((f) => f.endsWith('.md') && f !== 'README.md');
  for (const f of md) {
    const text = fs.readFileSync(path.join(guide, f), 'utf8');
    const png = text.match(/\]\(([a-z]+\.png)\)/);
    assert.ok(png && fs.existsSync(path.join(guide, png[1])), f + ' shows its screenshot');
  }
});

test('the demo names its Party secretary, whom red warnings reach', async () => {
  const s = await login(env, 'office');
  await s.page.goto(env.base + '/settings/warnings');
  assert.match(await s.page.locator('body').innerText(), /张卫东/);
  await s.context.close();
});

// ---- 从零开始 ----

function firstStart(dataDir) {
  const server = spawn(bin, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('zhenggai did not start:\n' + out)), 60000);
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)\//);
      if (m) { clearTimeout(timer); resolve({ server, base: m[1], out }); }
    });
    server.stderr.on('data', (d) => { out += d; });
    server.on('exit', (code) => reject(new Error(`zhenggai exited with ${code}:\n${out}`)));
  });
}

const STRONG = 'Zhenggai-Start-2027';
let accounts = 0;

// Logs in with a one-time password and sets a new one, as every new account must.
async function firstLogin(browser, base, username, oneTime) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', oneTime);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.goto(base + '/password');
  await page.fill('input[name=old_password]', oneTime);
  // Not containing the username, as the password rule asks.
  accounts += 1;
  await page.fill('input[name=password]', STRONG + '-' + accounts);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/password"] button.primary')]);
  assert.equal(await page.locator('.field-error').count(), 0, await page.locator('body').innerText());
  return { page, context };
}

const oneTimeIn = (text) => {
  const m = text.match(/一次性密码[^：:]*[：:]\s*(\S+?)(（|\s|$)/) || text.match(/one-time password[^:]*:\s*(\S+)/);
  assert.ok(m, 'a one-time password in: ' + text);
  return m[1];
};

test('从零开始: a real install from the first start to a unit that finds its problem', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhenggai-zero-'));
  const { server, base, out } = await firstStart(dataDir);
  try {
    // The first start says in Chinese what to do next.
    assert.match(out, /接下来/);
    assert.match(out, /三员分立/);
    assert.match(out, /从零开始/);
    const adminPassword = oneTimeIn(out);
    // The security and audit administrators, from the shell beside the running server.
    const cli = (args) => execFileSync(bin, [...args, '--data', dataDir], { encoding: 'utf8' });
    const sec = oneTimeIn(cli(['user', 'add', 'secadmin', '--name', '安全管理员', '--unit', '本单位', '--role', 'secadmin']));
    const aud = oneTimeIn(cli(['user', 'add', 'auditadmin', '--name', '审计管理员', '--unit', '本单位', '--role', 'auditadmin']));
    assert.ok(sec && aud);

    // The system administrator: the organisation, its departments, the accounts.
    const admin = await firstLogin(env.browser, base, 'admin', adminPassword);
    const p = admin.page;
    await p.goto(base + '/admin/units');
    const addUnit = async (name, kind, parent) => {
      if (parent) await p.selectOption('select[name=parent_id]', { label: parent });
      await p.selectOption('select[name=kind]', kind);
      await p.fill('input[name=name]', name);
      await Promise.all([p.waitForNavigation(), p.click('form[action="/admin/units"] button.primary')]);
      assert.equal(await p.locator('.field-error').count(), 0, await p.locator('body').innerText());
    };
    await addUnit('某市日报社', 'org');
    await addUnit('报社办公室', 'dept', '某市日报社');
    await addUnit('财务部', 'dept', '某市日报社');
    await p.goto(base + '/admin/users');
    const addUser = async (username, name, unit) => {
      await p.fill('input[name=username]', username);
      await p.fill('input[name=display_name]', name);
      await p.selectOption('select[name=unit_id]', { label: unit });
      await Promise.all([p.waitForNavigation(), p.click('form[action="/admin/users"] button.primary')]);
      return oneTimeIn(await p.locator('p.notice').innerText());
    };
    const officePassword = await addUser('office', '李明', '报社办公室');
    const financePassword = await addUser('finance', '陈静', '财务部');
    await shot(p, 'zero-01-admin-users.png');
    await admin.context.close();

    // The security administrator gives each account its role.
    const secadmin = await firstLogin(env.browser, base, 'secadmin', sec);
    const sp = secadmin.page;
    await sp.goto(base + '/admin/users');
    const setRole = async (username, role) => {
      const row = sp.locator('tr', { has: sp.locator('td', { hasText: new RegExp('^' + username + '$') }) });
      await row.locator('select[name=role]').selectOption(role);
      await Promise.all([sp.waitForNavigation(), row.locator('form[action$="/role"] button').click()]);
      assert.equal(await sp.locator('.alert').count(), 0, await sp.locator('body').innerText());
    };
    await setRole('office', 'office');
    await setRole('finance', 'unit');
    await shot(sp, 'zero-02-secadmin-roles.png');
    await secadmin.context.close();

    // The office: the first inspection, and its ledger imported.
    const office = await firstLogin(env.browser, base, 'office', officePassword);
    const op = office.page;
    await op.goto(base + '/inspections/new');
    await op.fill('input[name=title]', '市委第一巡察组对市日报社党委的常规巡察');
    await op.fill('input[name=group_name]', '市委第一巡察组');
    await op.fill('input[name=feedback_date]', '2026-11-20');
    await Promise.all([op.waitForNavigation(), op.click('form.form button.primary')]);
    assert.equal(await op.locator('.field-error').count(), 0, await op.locator('body').innerText());
    const inspection = op.url().match(/\/inspections\/(\d+)/)[1];
    await op.goto(base + `/inspections/${inspection}/import`);
    const file = path.join(dataDir, '整改台账.csv');
    fs.writeFileSync(file, [
      '序号,问题描述,整改措施,责任领导,牵头单位,完成时限',
      '一、落实全面从严治党方面,,,,,',
      '1,银行账户管理不规范,清理多头开户，完成销户,,财务部,2027年3月底',
    ].join('\n') + '\n');
    await op.setInputFiles('input[name=files]', file);
    await Promise.all([op.waitForNavigation(), op.click('form.import-form button.primary')]);
    assert.match(await op.locator('#import-counts').innerText(), /1个问题.*1条措施.*0处错误/);
    await Promise.all([op.waitForNavigation(), op.click('form.commit-form button.primary')]);
    assert.match(op.url(), /imported=1/);
    await shot(op, 'zero-03-office-imported.png');
    await office.context.close();

    // The unit logs in and finds its problem.
    const finance = await firstLogin(env.browser, base, 'finance', financePassword);
    await finance.page.goto(base + `/inspections/${inspection}`);
    assert.match(await finance.page.locator('body').innerText(), /银行账户管理不规范/);
    await shot(finance.page, 'zero-04-unit.png');
    await finance.context.close();
  } finally {
    server.kill('SIGTERM');
  }
});

test('the calendar page says which year is assumed ordinary', async () => {
  const s = await login(env, 'office');
  await s.page.goto(env.base + '/calendar');
  const text = await s.page.locator('#calendar-assumed').innerText();
  assert.match(text, /已录入至2026年；2027年起的尚未发布/);
  assert.match(text, /常规周/);
  await shot(s.page, 'guide-calendar.png');
  await s.context.close();
});
