// A desk officer (mc1) finds a dossier without its code, as a citizen who lost the receipt
// would be helped: by the applicant's name typed without diacritics in the header's search box,
// then by the CCCD in the register's search field; a period that ends before it starts is said.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, signIn, shot } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

const plain = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();

test('mc1 finds a dossier by a name without diacritics and by CCCD', async () => {
  const page = await signIn(demo, 'mc1');
  await page.goto(`${demo.base}/register`);
  const first = page.locator('table tbody tr').first();
  const name = (await first.locator('td').nth(4).textContent()).trim();
  const code = (await first.locator('td').nth(1).textContent()).trim();
  assert.notEqual(name, plain(name), `the demo's names carry diacritics: ${name}`);

  // The header's search box, on any page.
  await page.goto(`${demo.base}/work`);
  await page.fill('#top-q', plain(name));
  await page.press('#top-q', 'Enter');
  await page.waitForURL(/\/register\?q=/);
  await page.waitForSelector('table tbody tr');
  await shot(page, '40-search-by-name');
  const rows = page.locator('table tbody tr');
  const n = await rows.count();
  assert.ok(n >= 1);
  for (let i = 0; i < n; i++) {
    assert.equal(plain((await rows.nth(i).locator('td').nth(4).textContent()).trim()), plain(name));
  }
  assert.ok(await page.locator(`table tbody a:has-text("${code}")`).count(), `${code} among the results`);

  // By the CCCD the dossier page shows.
  await page.click(`table tbody a:has-text("${code}")`);
  await page.waitForURL(/\/dossiers\//);
  const applicant = await page.textContent('dd:near(dt:has-text("Người nộp"))');
  const cccd = applicant.match(/\((\d{12}|\d{10}(-\d{3})?)\)/)[1];
  await page.goto(`${demo.base}/register`);
  await page.fill('#q', cccd);
  await page.click('form[action="/register"] button[type=submit]');
  await page.waitForURL(/q=/);
  await shot(page, '41-search-by-cccd');
  assert.ok(await page.locator(`table tbody a:has-text("${code}")`).count(), `${code} found by ${cccd}`);

  // A period that ends before it starts.
  await page.goto(`${demo.base}/register?from=2026-12-10&to=2026-12-01`);
  assert.match(await page.textContent('[role=alert]'), /trước ngày bắt đầu/);
  await shot(page, '42-register-bad-period');
});

test('the home card of online filings opens their own queue, counting down 8 working hours, overdue first', async () => {
  const page = await signIn(demo, 'mc1');
  const card = page.locator('a.card[href="/work?queue=acknowledge"]');
  assert.equal(await card.count(), 1, 'the desk has a card for online filings to accept');
  const count = Number((await card.locator('div').nth(1).textContent()).trim());
  await card.click();
  await page.waitForURL(/queue=acknowledge/);
  const cells = await page.$$eval('table tbody tr', (rows) => rows.map((r) => ({
    late: r.classList.contains('late'),
    left: r.lastElementChild.textContent.trim(),
  })));
  assert.ok(cells.length > 0 && cells.length <= count, `${cells.length} rows for a count of ${count}`);
  for (const c of cells) assert.match(c.left, /^(còn|quá hạn) .*\d/, `a countdown, not "${c.left}"`);
  const firstOnTime = cells.findIndex((c) => !c.late);
  assert.ok(firstOnTime === -1 || cells.slice(firstOnTime).every((c) => !c.late), 'overdue ones first');
  await shot(page, '56-acknowledge-countdown');
});
