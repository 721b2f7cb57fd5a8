// Browser test (outside tester's findings 12, 13, 16): on a phone a trail entry's labels
// sit inside its card; an English card's labels are whole words, not broken mid-word; the
// weekly rule's "*" of a required field stands clear of the field before it.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { start, stop, login, shot, PHONE } = require('./harness');

let env;
before(async () => { env = await start(); });
after(async () => { await stop(env); });

// Each card cell's label (its ::before): where its box starts, how wide it is, and how
// wide its words are set in its font.
async function labels(page, selector) {
  return page.$$eval(selector, (cells) => cells.map((td) => {
    const s = getComputedStyle(td, '::before');
    const box = td.getBoundingClientRect();
    const card = td.closest('tr').getBoundingClientRect();
    const cs = getComputedStyle(td);
    const left = s.position === 'absolute'
      ? box.left + parseFloat(s.left) + parseFloat(s.marginLeft)
      : box.left + parseFloat(cs.paddingLeft) + parseFloat(s.marginLeft);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
    const words = td.dataset.label;
    const longest = Math.max(...words.split(/\s+/).map((w) => ctx.measureText(w).width));
    return { words, left, cardLeft: card.left, width: parseFloat(s.width), longest };
  }));
}

test('a trail entry on a phone is a card with its labels inside it', async () => {
  const s = await login(env, 'auditadmin');
  await s.page.setViewportSize(PHONE);
  await s.page.goto(env.base + '/records/measures/17/trail');
  const cells = await labels(s.page, 'table.trail td[data-label]');
  assert.ok(cells.length >= 5, 'the trail has entries');
  for (const c of cells) {
    assert.ok(c.left >= c.cardLeft, `the label ${c.words} starts outside its card (${c.left} < ${c.cardLeft})`);
  }
  await shot(s.page, 'display-trail-phone.png');
  await s.context.close();
});

test('an English card on a phone keeps each label word whole', async () => {
  const s = await login(env, 'office', 'en');
  await s.page.setViewportSize(PHONE);
  for (const path of ['/calendar', '/records/measures/17/trail', '/measures']) {
    await s.page.goto(env.base + path);
    for (const c of await labels(s.page, 'main table.grid td[data-label]')) {
      assert.ok(c.longest <= c.width + 0.5, `${path}: "${c.words}" (${c.longest}px) breaks in a ${c.width}px label`);
    }
  }
  await shot(s.page, 'display-measures-en-phone.png');
  await s.context.close();
});

test('the weekly rule form keeps each "*" clear of the field before it', async () => {
  const s = await login(env, 'office');
  await s.page.goto(env.base + '/weekly');
  const overlaps = await s.page.$$eval('form.weekly-rule-form > label', (ls) => ls.slice(1).map((l, i) => {
    const prev = ls[i].getBoundingClientRect();
    const box = l.getBoundingClientRect();
    const star = getComputedStyle(l, '::before');
    const cs = getComputedStyle(l);
    const starLeft = box.left + parseFloat(cs.paddingLeft) + parseFloat(star.marginLeft);
    return { text: l.innerText.split('\n')[0], starLeft, prevRight: prev.right };
  }));
  assert.ok(overlaps.length >= 1);
  for (const o of overlaps) {
    assert.ok(o.starLeft >= o.prevRight, `the "*" of ${o.text} runs into the field before it (${o.starLeft} < ${o.prevRight})`);
  }
  await shot(s.page, 'display-weekly-rule.png');
  await s.context.close();
});
