// The desk when things go wrong, as an officer would meet it: a bad intake comes back with
// every field marked and its scan kept; an overdue dossier still gets its apology (Mẫu 04),
// and a Saturday is refused without losing the reason typed; a result is returned to a
// representative, who is named on the dossier.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startDemo, signIn, shot } from './harness.mjs';

const scan = join(tmpdir(), 'motcua-held-scan.pdf');
writeFileSync(scan, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

/** A date in Vietnam `days` ahead of today, as `YYYY-MM-DD`, and its weekday (0 = Sunday). */
function vnDate(days) {
  const d = new Date(Date.now() + 7 * 3600e3 + days * 86400e3);
  return { text: d.toISOString().slice(0, 10), weekday: d.getUTCDay() };
}

test('a bad intake marks each field, keeps what was typed and its scan', async () => {
  const page = await signIn(demo, 'mc1');
  await page.goto(`${demo.base}/desk/intake/1.013833`);
  await page.fill('#number', '048190012345');
  await page.fill('#name', 'Nguyễn Văn '.repeat(12));
  await page.fill('#address', 'Phường Hải Châu, Thành phố Đà Nẵng');
  await page.fill('#phone', 'abc');
  await page.fill('#email', 'not-an-email');
  await page.fill('#area_m2', '-5');
  await page.selectOption('#resolving_agency', '000.11.12.H48');
  await page.setInputFiles('input[name=doc0_file]', scan);
  await page.setInputFiles('input[name=doc1_file]', scan);
  // The server is the judge: the browser's own checks are set aside, as an old browser would.
  await page.evaluate(() => { document.querySelector('form[action="/desk/intake/1.013833"]').noValidate = true; });
  await page.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  await page.waitForSelector('[data-testid=intake-error]');
  await shot(page, '50-intake-errors');
  for (const field of ['name', 'phone', 'email', 'area_m2']) {
    assert.equal(await page.getAttribute(`#${field}`, 'aria-invalid'), 'true', `${field} is marked`);
    assert.ok(await page.locator(`#${field}-err`).isVisible(), `${field}'s message is beside it`);
    assert.ok(await page.locator(`[data-testid=intake-error] a[href="#${field}"]`).count(), `${field} in the summary`);
  }
  assert.equal(await page.inputValue('#phone'), 'abc', 'what was typed stays');
  assert.equal(await page.inputValue('#address'), 'Phường Hải Châu, Thành phố Đà Nẵng');
  assert.ok(await page.locator('[data-testid=held-1]').isVisible(), 'the scan is kept');

  // Fixed, and sent without choosing the file again: the kept scan goes in with it.
  await page.fill('#name', 'Nguyễn Văn Hòa');
  await page.fill('#phone', '0905 111 222');
  await page.fill('#email', 'hoa@example.vn');
  await page.fill('#area_m2', '120');
  await page.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  await page.waitForSelector('[data-testid=form-01]');
  const code = (await page.textContent('.paper .sub strong')).trim();
  await page.goto(`${demo.base}/register?q=${encodeURIComponent(code)}`);
  await page.click(`text=${code}`);
  await page.waitForSelector('[data-testid=status]');
  const rows = page.locator('tr', { has: page.locator('a:has-text("bản quét")') });
  assert.equal(await rows.count(), 2, 'both kept scans went in');
  for (const row of await rows.all()) {
    assert.match(await row.textContent(), /đã số hóa/);
    assert.match(await row.textContent(), /số hóa bởi/, 'who scanned it, and when');
  }
  await shot(page, '51-intake-fixed-with-kept-scan');
});

test('an overdue dossier gets its apology, and a Saturday is refused keeping the reason', async () => {
  const page = await signIn(demo, 'ld1');
  await page.goto(`${demo.base}/work?queue=overdue`);
  const links = await page.locator('table tbody a[href^="/dossiers/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let found = false;
  for (const href of links) {
    await page.goto(`${demo.base}${href}`);
    if (await page.locator('form[action$="/actions/extend_with_apology"]').count()) { found = true; break; }
  }
  assert.ok(found, `an overdue dossier offers the apology (of ${links.length})`);
  const reason = 'Chờ kết quả đo đạc lại ranh giới thửa đất';
  let saturday = 3;
  while (vnDate(saturday).weekday !== 6) saturday++;
  await page.click('summary:has-text("Xin lỗi và hẹn lại")');
  await page.fill('#new_due', `${vnDate(saturday).text}T10:00`);
  await page.fill('#ereason', reason);
  await page.click('form[action$="/actions/extend_with_apology"] button');
  await page.waitForSelector('[data-testid=action-error]');
  assert.match(await page.textContent('[data-testid=action-error]'), /không phải ngày làm việc/);
  assert.equal(await page.inputValue('#ereason'), reason, 'the reason typed is kept');
  await shot(page, '52-apology-saturday-refused');

  const monday = saturday + 2;
  await page.fill('#new_due', `${vnDate(monday).text}T10:00`);
  await page.click('form[action$="/actions/extend_with_apology"] button');
  await page.waitForURL(/\/forms\/04$/);
  assert.match(await page.textContent('body'), new RegExp(reason));
  await shot(page, '53-apology-form-04');
  // Signed by the leader who issued it, and one A4 page when printed.
  assert.ok((await page.textContent('[data-testid=signer]')).trim().length > 0, 'the issuer signs');
  assert.match(await page.textContent('.paper .sign'), /THỦ TRƯỞNG CƠ QUAN/);
  await page.emulateMedia({ media: 'print' });
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
  await page.emulateMedia({ media: 'screen' });
  assert.equal((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length, 1, 'Mẫu 04 fits one page');
});

test('a result is returned to a representative, who is named on the dossier', async () => {
  const page = await signIn(demo, 'mc1');
  await page.goto(`${demo.base}/work?queue=return`);
  const first = page.locator('table tbody a[href^="/dossiers/"]').first();
  assert.ok(await first.count(), 'a result waits to be returned');
  await first.click();
  await page.waitForSelector('[data-testid=status]');
  if (await page.locator('[data-testid=return-blocked]').count()) {
    await page.fill('#reference', `BL-${Date.now()}`);
    await page.click('form[action$="/actions/record_payment"] button');
    await page.waitForSelector('[data-testid=return-form]');
  }
  // Someone else collects it but the officer forgets the paper's number.
  await page.check('input[name=collected_by][value=representative]');
  await page.fill('#collector_name', 'Trần Thị Bích');
  await page.click('[data-testid=return-form] button');
  await page.waitForSelector('[data-testid=action-error]');
  assert.match(await page.textContent('[data-testid=action-error]'), /giấy tờ tùy thân/);
  assert.equal(await page.inputValue('#collector_name'), 'Trần Thị Bích', 'the name typed is kept');
  assert.ok(await page.isChecked('input[name=collected_by][value=representative]'));
  await shot(page, '54-return-missing-id');
  await page.fill('#collector_id', '048190000777');
  await page.click('[data-testid=return-form] button');
  await page.waitForSelector('[data-testid=returned]');
  assert.match(await page.textContent('[data-testid=returned]'), /Trần Thị Bích.*048190000777/);
  await shot(page, '55-returned-to-representative');
});
