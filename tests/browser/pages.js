// The main pages a person reaches from their own header and work, found by following the
// page rather than listed by hand, so that a page added to the menu is checked too:
// every menu entry, notifications and password, and for roles with business pages the
// first inspection's ledger, a problem (one waiting for them if any) and a measure (one
// of their own if any), with the pages the buttons on those three open; and the first
// democratic life meeting they read, with its public opinion box.
const ACCOUNTS = {
  office: '整改办', leader_wang: '责任领导', finance: '责任单位', jijian: '纪检监督',
  xunchaban: '上级巡察办', sysadmin: '系统管理员', secadmin: '安全管理员', auditadmin: '审计管理员',
};

async function hrefs(page, selector) {
  return page.$$eval(selector, (as) => as.map((a) => a.getAttribute('href')));
}

// The same-site pages a header's buttons open (not downloads, which are no pages).
async function buttonPages(page, base, url) {
  await page.goto(base + url);
  return (await hrefs(page, '.head-row .buttons a.button')).filter((h) => h && h.startsWith('/') && !/\.(xlsx|csv|zip|docx)(\?|$)/.test(h));
}

async function mainPages(page, base) {
  await page.goto(base + '/');
  const list = ['/', ...await hrefs(page, 'header nav a'), '/notifications', '/password'];
  if (list.includes('/inspections')) {
    const waiting = (await hrefs(page, '#waiting a[href^="/problems/"]')).map((h) => h.split('#')[0]);
    const own = (await hrefs(page, 'main a[href^="/measures/"]')).filter((h) => /^\/measures\/\d+$/.test(h));
    await page.goto(base + '/inspections');
    const ledger = (await hrefs(page, 'main a[href^="/inspections/"]')).find((h) => /^\/inspections\/\d+$/.test(h));
    await page.goto(base + ledger);
    const problem = waiting[0] || (await hrefs(page, 'table.ledger a[href^="/problems/"]'))[0];
    const measure = own[0] || (await hrefs(page, 'table.ledger a[href^="/measures/"]'))[0];
    for (const url of [ledger, problem, measure]) list.push(url, ...await buttonPages(page, base, url));
  }
  // A democratic life meeting the person reads, and its public box where they have its link.
  if (list.includes('/meetings')) {
    await page.goto(base + '/meetings');
    const meeting = (await hrefs(page, '#meetings a[href^="/meetings/"]'))[0];
    if (meeting) {
      list.push(meeting);
      await page.goto(base + meeting);
      const box = await page.$eval('#box-link', (a) => new URL(a.href).pathname).catch(() => null);
      if (box) list.push(box);
    }
  }
  return [...new Set(list.filter(Boolean))];
}

module.exports = { ACCOUNTS, mainPages };
