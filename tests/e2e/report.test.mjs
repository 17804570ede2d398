// A supervisor (gs1) opens the dashboard, follows numbers to the dossiers behind them, downloads
// the periodic report as .xlsx (opened here with SheetJS and checked), and anyone sees the public
// statistics without signing in; the dashboard is also looked at on a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import XLSX from 'xlsx';
import { startDemo, shot, signInWithSecondFactor } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

const day = (d) => d.toISOString().slice(0, 10);

async function signInSupervisor(viewport = { width: 1366, height: 900 }, username = 'gs1') {
  return signInWithSecondFactor(demo, username, viewport);
}

const number = async (page, selector) => Number((await page.textContent(selector)).trim());

test('gs1 reads the dashboard, follows a number to its dossiers and downloads Excel', async () => {
  const page = await signInSupervisor();
  const to = new Date();
  const from = new Date(to.getTime() - 90 * 86400_000);
  const query = `from=${day(from)}&to=${day(to)}`;
  await page.goto(`${demo.base}/bao-cao?${query}`);
  await page.waitForSelector('[data-testid=periodic-report]');
  await shot(page, '30-dashboard');
  // The 766 groups and their total, the indicators, the charts with their tables.
  assert.equal(await page.locator('[data-testid=groups766] li').count(), 7);
  assert.match((await page.textContent('[data-testid=total766]')).trim(), /^\d+\.\d\d$/);
  assert.match(await page.textContent('[data-testid=index-766] tr[data-code="1.4"]'), /chưa có dữ liệu/);
  assert.equal(await page.locator('svg.chart').count(), 2);
  // The demo's plan: each figure beside its target, met or behind; no data stays no data.
  const plan = await page.textContent('[data-testid=plan]');
  assert.match(plan, /Đạt|Chưa đạt/);
  assert.match(plan, /Thời gian chờ bình quân[\s\S]*chưa có dữ liệu/);
  assert.equal(await page.locator('[data-testid=trend] tbody tr').count(), 12);

  // The total received links to as many dossiers as it says.
  const total = page.locator('[data-testid=periodic-report] tr.total td');
  const received = Number((await total.nth(5).textContent()).trim());
  assert.ok(received > 0, 'the demo received dossiers in the last 90 days');
  await total.nth(5).locator('a').click();
  await page.waitForSelector('[data-testid=behind]');
  await shot(page, '31-dossiers-behind-received');
  assert.equal(await number(page, '[data-testid=behind-count]'), received);
  assert.equal(await page.locator('[data-testid=behind] tbody tr').count(), received);

  // The dossiers that cost points on 2.1 (handled on time), each with why.
  await page.goto(`${demo.base}/bao-cao?${query}`);
  const misses = page.locator('[data-testid="misses-2.1"]');
  if (await misses.count()) {
    const n = Number((await misses.textContent()).trim());
    await misses.click();
    await page.waitForSelector('[data-testid=behind]');
    await shot(page, '32-dossiers-costing-2-1');
    assert.equal(await page.locator('[data-testid=behind] tbody tr').count(), n);
    assert.match(await page.textContent('[data-testid=behind] tbody tr:first-child td:last-child'), /quá hạn/);
  }

  // Rows by field, then the workbook of the same table.
  await page.goto(`${demo.base}/bao-cao?${query}&by=field`);
  await page.waitForSelector('[data-testid=periodic-report]');
  const fieldRows = await page.locator('[data-testid=periodic-report] tbody tr:not(.total)').count();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid=export-xlsx]'),
  ]);
  assert.match(download.suggestedFilename(), /^bao-cao-.*\.xlsx$/);
  const book = XLSX.read(readFileSync(await download.path()));
  const sheet = book.Sheets[book.SheetNames[0]];
  const rows = XLSX.utils.sheet_to_json(sheet, { header: 1, defval: null });
  const head = rows.findIndex((r) => r[0] === 'Lĩnh vực');
  assert.ok(head > 0, 'the table starts under the state heading');
  assert.equal(rows[0][0], 'UBND THÀNH PHỐ ĐÀ NẴNG');
  assert.ok(sheet['!merges'].length > 5, 'merged headings');
  const body = rows.slice(head + 2).filter((r) => r[0] !== null);
  assert.equal(body.length, fieldRows + 1, 'one row per field and the totals');
  const totals = body[body.length - 1];
  assert.equal(totals[0], 'Tổng cộng');
  assert.equal(typeof totals[6], 'number', 'numbers as numbers');
  assert.equal(totals[6], received);
  // carried over + received = finished + refused + withdrawn + in process.
  assert.equal(totals[1] + totals[6], totals[12] + totals[13] + totals[14] + totals[17]);
});

test('the dashboard reads on a phone', async () => {
  const page = await signInSupervisor({ width: 390, height: 844 });
  await page.goto(`${demo.base}/bao-cao`);
  await page.waitForSelector('[data-testid=groups766]');
  await shot(page, '33-dashboard-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page does not scroll sideways (${overflow}px)`);
});

test('the public statistics show without sign-in', async () => {
  const page = await (await demo.browser.newContext({ locale: 'vi-VN' })).newPage();
  const res = await page.goto(`${demo.base}/thong-ke`);
  assert.equal(res.status(), 200);
  await shot(page, '34-public-statistics');
  assert.ok(Number((await page.textContent('[data-testid=year-received]')).trim()) > 0);
  assert.ok(await page.locator('[data-testid=stats-agencies] tbody tr').count() > 0);
  assert.ok(await page.locator('[data-testid=stats-fields] tbody tr').count() > 0);
  // Staff pages stay closed.
  await page.goto(`${demo.base}/bao-cao`);
  assert.match(page.url(), /\/login/);
});

test('an administrator imports a plan on its page; a bad one names its line', async () => {
  const page = await signInSupervisor(undefined, 'qt1');
  await page.goto(`${demo.base}/admin/ke-hoach`);
  assert.match(await page.textContent('[data-testid=targets]'), /Kế hoạch mẫu 2026/);
  const bad = join(tmpdir(), 'ke-hoach-sai.toml');
  writeFileSync(bad, 'plan = "Thử"\nprovince = "48"\n\n[[target]]\nfigure = "online"\nby = "2026-12-31"\npercent = 170\n');
  await page.setInputFiles('#file', bad);
  await page.click('form[action="/admin/ke-hoach"] button[type=submit]');
  await page.waitForSelector('[role=alert]');
  assert.match(await page.textContent('[role=alert]'), /ke-hoach-sai\.toml:4: tỉ lệ 170 % phải từ 0 đến 100/);
  writeFileSync(bad, 'plan = "Thử"\nprovince = "48"\n\n[[target]]\nfigure = "online"\nby = "2026-12-31"\npercent = 70\n');
  await page.setInputFiles('#file', bad);
  await page.click('form[action="/admin/ke-hoach"] button[type=submit]');
  await page.waitForSelector('[role=status]');
  assert.match(await page.textContent('[role=status]'), /Đã nạp 1 chỉ tiêu/);
  await shot(page, '35-admin-plans');
});
