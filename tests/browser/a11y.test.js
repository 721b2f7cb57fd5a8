// Browser test: an accessibility pass (axe-core, WCAG 2.1 A/AA and 2.2 AA rules) over
// every main page of every role, in Chinese and English, at desktop and phone width; and
// the reading sizes: body text at least 15 px on a desktop and 16 px on a phone, no
// visible text under 13 px.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const harness = require('./harness');
const { ACCOUNTS, mainPages } = require('./pages');

// Evaluated in the page rather than added as a <script>: the Content-Security-Policy
// refuses inline scripts, and a test must not loosen it.
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const RULES = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } };
const WIDTHS = [{ width: 1366, height: 768, body: 15 }, { width: 390, height: 844, body: 16 }];

let env;
before(async () => { env = await harness.start(); });
after(async () => { await harness.stop(env); });

// What axe finds on the page (or within one part of it), one line per rule with the first elements concerned.
async function axeViolations(page, within) {
  if (!await page.evaluate(() => !!window.axe)) await page.evaluate(AXE);
  const result = await page.evaluate(([where, rules]) => window.axe.run(where || document, rules), [within, RULES]);
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(' ') + (n.any[0] ? ` [${n.any[0].message}]` : '')).join(' | '));
}

// The body's size, and any visible text drawn under 13 px.
function readingSizes(page) {
  return page.evaluate(() => {
    const tiny = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const el = node.parentElement;
      if (!node.textContent.trim() || !el || !el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || el.closest('[hidden], [aria-hidden="true"]')) continue;
      const size = parseFloat(style.fontSize);
      if (size < 13) tiny.add(`${size}px <${el.tagName.toLowerCase()} class="${el.className}">${node.textContent.trim().slice(0, 20)}`);
    }
    return { body: parseFloat(getComputedStyle(document.body).fontSize), tiny: [...tiny].slice(0, 5) };
  });
}

for (const [username, role] of Object.entries(ACCOUNTS)) {
  test(`every main page of ${role} (${username}) passes axe and reads at a comfortable size`, async () => {
    const problems = [];
    for (const lang of ['zh', 'en']) {
      const { page, context } = await harness.login(env, username, lang);
      const urls = await mainPages(page, env.base);
      // English is checked at phone width, where its longer words press hardest.
      for (const size of lang === 'zh' ? WIDTHS : WIDTHS.slice(1)) {
        await page.setViewportSize({ width: size.width, height: size.height });
        for (const url of urls) {
          const resp = await page.goto(env.base + url);
          const where = `${lang} ${size.width}px ${url}`;
          if (resp.status() >= 400) { problems.push(`${where}: status ${resp.status()}`); continue; }
          for (const v of await axeViolations(page)) problems.push(`${where}: ${v}`);
          const sizes = await readingSizes(page);
          if (sizes.body < size.body) problems.push(`${where}: body text ${sizes.body}px, under ${size.body}px`);
          for (const t of sizes.tiny) problems.push(`${where}: text under 13px: ${t}`);
        }
      }
      if (lang === 'zh') await harness.shot(page, `a11y-${username}-390.png`);
      await context.close();
    }
    assert.deepEqual(problems, [], problems.join('\n'));
  });
}

// The next steps differ with each problem's state: every panel any of these people can
// see, on every problem of the demonstration, passes too (at both widths).
test('every next-step panel passes axe, for the office, the leaders, a unit and the upper office', async () => {
  const problems = [];
  for (const username of ['office', 'leader_zhao', 'leader_wang', 'finance', 'xunchaban']) {
    const { page, context } = await harness.login(env, username);
    await page.goto(env.base + '/inspections/1?per_page=200');
    const urls = [...new Set(await page.$$eval('table.ledger a[href^="/problems/"]', (as) => as.map((a) => a.getAttribute('href'))))];
    for (const url of urls) {
      await page.goto(env.base + url);
      if (!await page.locator('#steps').count()) continue;
      for (const size of WIDTHS) {
        await page.setViewportSize({ width: size.width, height: size.height });
        for (const v of await axeViolations(page, '#steps')) problems.push(`${username} ${size.width}px ${url}: ${v}`);
      }
      await page.setViewportSize({ width: 1366, height: 768 });
    }
    await context.close();
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('the login page passes axe, in Chinese and English, on a desktop and a phone', async () => {
  const problems = [];
  for (const lang of ['zh', 'en']) {
    const context = await env.browser.newContext();
    await context.addCookies([{ name: 'zg_lang', value: lang, url: env.base }]);
    const page = await context.newPage();
    for (const size of WIDTHS) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await page.goto(env.base + '/login');
      for (const v of await axeViolations(page)) problems.push(`${lang} ${size.width}px /login: ${v}`);
      const sizes = await readingSizes(page);
      if (sizes.body < size.body) problems.push(`${lang} ${size.width}px /login: body text ${sizes.body}px`);
      for (const t of sizes.tiny) problems.push(`${lang} ${size.width}px /login: text under 13px: ${t}`);
    }
    await harness.shot(page, `a11y-login-${lang}-390.png`);
    await context.close();
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});
