// The printed forms as a desk officer prints them: each of Mẫu 01–05 reached by a demo dossier
// printed to PDF on A4 fits its page (01–04 one page; the control sheet at most two), and the
// register (Mẫu 06) prints landscape with its header and period. Screenshots 60–66.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, signIn, shot } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

/** Pages of a PDF, and whether the first is landscape. */
function pdfPages(bytes) {
  const text = bytes.toString('latin1');
  const pages = (text.match(/\/Type\s*\/Page[^s]/g) || []).length;
  const box = text.match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
  return { pages, landscape: box ? Number(box[1]) > Number(box[2]) : false };
}

test('forms 01–05 fit their pages and the register prints landscape', async () => {
  const page = await signIn(demo, 'mc1');
  const found = new Map();
  for (const status of ['refused', 'returned', 'supplement_requested', 'in_process', 'result_ready']) {
    await page.goto(`${demo.base}/register?status=${status}`);
    const links = await page.$$eval('.book-table tbody a', (as) => as.slice(0, 8).map((a) => a.getAttribute('href')));
    for (const href of links) {
      await page.goto(`${demo.base}${href}`);
      for (const a of await page.$$eval('[data-testid^=form-link-]', (as) => as.map((x) => x.getAttribute('href')))) {
        const n = a.slice(-2);
        if (!found.has(n)) found.set(n, a);
      }
    }
  }
  for (const n of ['01', '02', '03', '05']) assert.ok(found.has(n), `a demo dossier reaches Mẫu ${n}`);
  for (const [n, href] of [...found.entries()].sort()) {
    await page.goto(`${demo.base}${href}`);
    await page.waitForSelector(`[data-testid=form-${n}]`);
    await shot(page, `6${n.slice(1)}-form-${n}`);
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    await page.emulateMedia({ media: 'screen' });
    const { pages } = pdfPages(pdf);
    console.log(`Mẫu ${n}: ${pages} page(s)`);
    if (n === '05') assert.ok(pages >= 1 && pages <= 2, `Mẫu 05 on ${pages} pages`);
    else assert.equal(pages, 1, `Mẫu ${n} fits one page`);
  }

  // The register of the last 30 days: the book's header, its period, landscape.
  const day = (d) => new Date(Date.now() + 7 * 3600e3 - d * 86400e3).toISOString().slice(0, 10);
  await page.goto(`${demo.base}/register?from=${day(30)}&to=${day(0)}`);
  assert.match(await page.textContent('[data-testid=period]'), /^Từ ngày \d\d\/\d\d\/\d{4} đến ngày \d\d\/\d\d\/\d{4}$/);
  assert.equal(await page.locator('.book-table tr.colno td').count(), 13, 'the 13 columns of Mẫu 06');
  await page.emulateMedia({ media: 'print' });
  await shot(page, '66-register-print');
  const book = pdfPages(await page.pdf({ preferCSSPageSize: true }));
  await page.emulateMedia({ media: 'screen' });
  console.log(`Mẫu 06: ${book.pages} page(s), landscape ${book.landscape}`);
  assert.ok(book.landscape, 'the register prints landscape');
});
