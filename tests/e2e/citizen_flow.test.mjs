// A citizen files online from a phone: signs in with the (simulated) VNeID, finds the e-form
// prefilled from the population registry, uploads scans, submits; the desk acknowledges it;
// the citizen pays the fee online at the gateway; the dossier is processed and the result
// recorded with its file; the desk returns it; the citizen downloads the result and rates
// the service; the SMS gateway holds the messages the citizen was sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startDemo, signIn, shot } from './harness.mjs';

const scan = join(tmpdir(), 'motcua-citizen-scan.pdf');
writeFileSync(scan, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const result = join(tmpdir(), 'motcua-result.pdf');
writeFileSync(result, '%PDF-1.4\n% Giay chung nhan (ban dien tu)\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

async function waitFor(check, what) {
  for (let i = 0; i < 100; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a citizen files online, pays online, downloads the result and rates it; the SMS gateway has the messages', async () => {
  const [person] = await (await fetch(`${demo.sim}/_sim/people?limit=1`)).json();
  await fetch(`${demo.sim}/_sim/messages`, { method: 'DELETE' });
  const context = await demo.browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 }, acceptDownloads: true });
  const phone = await context.newPage();

  // Catalogue → sign in with VNeID → the e-form, prefilled.
  await phone.goto(`${demo.base}/thu-tuc/1.013833`);
  await phone.click('[data-testid=file-online]');
  await phone.waitForSelector('#cccd');
  await shot(phone, '20-vneid-login');
  await phone.fill('#cccd', person.SoDinhDanh);
  await phone.fill('#password', 'vneid-demo');
  await phone.click('button[type=submit]');
  await phone.waitForSelector('[data-testid=prefill]');
  assert.equal((await phone.textContent('#applicant-name')).trim(), person.HoVaTen);
  assert.equal((await phone.textContent('#applicant-id')).trim(), person.SoDinhDanh);
  const [y, m, d] = person.NgaySinh.split('-');
  assert.equal((await phone.textContent('#applicant-born')).trim(), `${d}/${m}/${y}`);
  assert.equal(await phone.inputValue('#address'), person.NoiThuongTru);

  // Field-by-field validation in Vietnamese.
  await phone.fill('#phone', '12345');
  await phone.click('button[value=submit]');
  await phone.waitForSelector('[data-testid=form-errors]');
  assert.match(await phone.textContent('#phone-err'), /10 chữ số/);
  assert.match(await phone.textContent('[data-testid=form-errors]'), /Cần đính kèm/);
  await shot(phone, '21-eform-errors');

  await phone.fill('#phone', '0905777888');
  await phone.selectOption('#receiving_agency', '000.00.20.H48');
  await phone.selectOption('#resolving_agency', '000.11.12.H48');
  const inputs = await phone.$$('input[type=file]');
  for (const input of inputs) {
    const required = await input.evaluate((el) => el.closest('.card').textContent.includes('bắt buộc'));
    if (required) await input.setInputFiles(scan);
  }
  await shot(phone, '22-eform-filled');
  await phone.click('button[value=submit]');
  await phone.waitForSelector('[data-testid=submitted]');
  const code = (await phone.textContent('[data-testid=dossier-code]')).trim();
  assert.match(code, /^000\.11\.12\.H48-\d{6}-\d{4,}$/);
  assert.equal((await phone.textContent('[data-testid=status]')).trim(), 'Chờ tiếp nhận');
  await shot(phone, '23-submitted');

  // The desk sees it with its 8-working-hour countdown and acknowledges it.
  const desk = await signIn(demo, 'mc1');
  await desk.goto(`${demo.base}/work`);
  await desk.waitForSelector(`text=${code}`);
  await shot(desk, '24-desk-queue-online');
  await desk.click(`text=${code}`);
  await desk.click('form[action$="/actions/acknowledge"] button');
  await desk.waitForSelector('[data-testid=status]:has-text("Đang giải quyết")');

  // The citizen pays the fee online at the gateway (its page shows the dossier code).
  await phone.goto(phone.url().split('?')[0]);
  await phone.click('form[action$="/thanh-toan"] button');
  await phone.waitForSelector(`text=${code}`);
  await shot(phone, '25-gateway');
  await phone.click('button[type=submit]');
  await phone.waitForURL(/da_thanh_toan=1/);
  await waitFor(async () => { await phone.reload(); return phone.$('[data-testid=payments]'); }, 'the payment');
  assert.match(await phone.textContent('[data-testid=payments]'), /trực tuyến/);
  await shot(phone, '26-paid');

  // Processing: the leader assigns, the specialist completes, the leader signs.
  const leader = await signIn(demo, 'ld1');
  await leader.goto(`${demo.base}/register`);
  await leader.click(`text=${code}`);
  await leader.selectOption('#username', { label: 'Nguyễn Văn Bình' });
  await leader.click('form[action$="/actions/assign"] button');
  await leader.waitForSelector('text=Nguyễn Văn Bình');
  const specialist = await signIn(demo, 'cv1');
  await specialist.goto(`${demo.base}/work`);
  await specialist.click(`text=${code}`);
  await specialist.fill('#note', 'Hồ sơ hợp lệ');
  await specialist.click('form[action$="/actions/complete_step"] button');
  await specialist.waitForSelector('text=Hồ sơ hợp lệ');
  await leader.reload();
  await leader.click('form[action$="/actions/sign"] button');
  await leader.waitForSelector('form[action$="/actions/sign"]', { state: 'detached' });

  // The desk records the signed electronic result and returns it.
  await desk.goto(`${demo.base}/register`);
  await desk.click(`text=${code}`);
  await desk.setInputFiles('#result_file', result);
  await desk.click('form[action$="/result"] button');
  await desk.waitForSelector('[data-testid=status]:has-text("Đã có kết quả, chờ trả")');
  await desk.click('form[action$="/actions/return_result"] button');
  await desk.waitForSelector('[data-testid=status]:has-text("Đã trả kết quả")');

  // The citizen downloads the result and rates the service.
  await phone.goto(`${demo.base}/cong-dan`);
  await phone.click(`text=${code}`);
  await phone.waitForSelector('[data-testid=download-result]');
  const [download] = await Promise.all([phone.waitForEvent('download'), phone.click('[data-testid=download-result]')]);
  assert.match(download.suggestedFilename(), /^ket-qua-.*\.pdf$/);
  const saved = join(tmpdir(), 'motcua-downloaded.pdf');
  await download.saveAs(saved);
  await phone.check('input[value=very_satisfied]');
  await phone.click('form[action$="/danh-gia"] button');
  await phone.waitForSelector('[data-testid=rating]');
  assert.match(await phone.textContent('[data-testid=rating]'), /Rất hài lòng/);
  await shot(phone, '27-returned-rated');

  // The SMS gateway got the citizen's messages, in Vietnamese, through the outbox.
  const sms = await waitFor(async () => {
    const all = (await (await fetch(`${demo.sim}/_sim/messages`)).json()).filter((mm) => mm.to === '0905777888');
    return all.length >= 5 ? all : null;
  }, 'the SMS messages');
  const texts = sms.map((mm) => mm.text).join('\n');
  for (const expected of ['đã được gửi trực tuyến', 'đã được tiếp nhận', 'Đã nhận khoản thanh toán', 'đã có kết quả', 'Đã trả kết quả']) {
    assert.ok(texts.includes(expected), `an SMS says "${expected}":\n${texts}`);
  }
  assert.ok(sms.every((mm) => mm.channel === 'sms' && mm.text.includes(code)));
});
