const { chromium } = require('playwright-core');
(async () => {
  const base = process.argv[2], key = process.argv[3];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu'] });
  async function as(user, path, name, width = 1366, lang) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 } });
    if (lang) await ctx.addCookies([{ name: 'zg_lang', value: lang, url: base }]);
    const p = await ctx.newPage();
    if (user) {
      await p.goto(base + '/login');
      await p.fill('input[name=username]', user);
      await p.fill('input[name=password]', 'Zhenggai-demo-2024');
      await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
    }
    await p.goto(base + path);
    await p.screenshot({ path: `/tmp/shots/${name}.png`, fullPage: true });
    await ctx.close();
  }
  await as('office', '/meetings', 'office_list');
  await as('office', '/meetings/1', 'office_m1');
  await as('office', '/meetings/2', 'office_m2');
  await as('leader_wang', '/meetings/2', 'wang_m2');
  await as('xunchaban', '/meetings/1', 'upper_m1');
  await as(null, '/box/' + key, 'box', 390);
  await as(null, '/box/' + key, 'box_en', 1366, 'en');
  await as('office', '/meetings/1', 'office_m1_phone', 390);
  await browser.close();
})();
