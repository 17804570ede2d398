// A desk officer receives a counter dossier and prints the receipt; a specialist completes
// the steps; a leader signs; the desk returns the result; the public lookup shows each status;
// a refused dossier prints Mẫu 03. Screenshots of each page are kept in artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startDemo, signIn, shot } from './harness.mjs';

const scan = join(tmpdir(), 'motcua-scan.pdf');
writeFileSync(scan, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const fake = join(tmpdir(), 'not-really.pdf');
writeFileSync(fake, 'MZ this is a program, not a scan');

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

// Each receipt is another person: the desk warns before a second filing by one CCCD.
let people = 0;
const nextCccd = () => `0481${String(Date.now() % 1e7).padStart(7, '0')}${people++ % 10}`;

async function receive(page, name) {
  await page.goto(`${demo.base}/desk/intake`);
  await shot(page, '01-intake-pick');
  await page.click('a[href="/desk/intake/1.013833"]');
  await page.fill('#number', nextCccd());
  await page.fill('#name', name);
  await page.fill('#address', 'Phường Hải Châu, Thành phố Đà Nẵng');
  await page.fill('#phone', '0905111222');
  await page.selectOption('#resolving_agency', '000.11.12.H48');
  await page.setInputFiles('input[name=doc0_file]', scan);
  await page.setInputFiles('input[name=doc1_file]', scan);
  await shot(page, '02-intake-form');
  await page.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  await page.waitForSelector('[data-testid=form-01]');
  const code = (await page.textContent('.paper .sub strong')).trim();
  checks.set(code, (await page.textContent('[data-testid=check]')).trim());
  return code;
}

// The receipt's check beside each code: the public lookup needs both.
const checks = new Map();

async function lookupStatus(browser, code) {
  const page = await (await demo.browser.newContext()).newPage();
  await page.goto(`${demo.base}/tra-cuu`);
  // Typed as a citizen would copy it from the paper: the check in lower case.
  await page.fill('#code', code);
  await page.fill('#check', checks.get(code).toLowerCase());
  await page.click('form[role=search] button');
  await page.waitForSelector('[data-testid=status]');
  const status = (await page.textContent('[data-testid=status]')).trim();
  return { page, status };
}

async function openDossier(page, code) {
  await page.goto(`${demo.base}/register`);
  await page.click(`text=${code}`);
  await page.waitForSelector('[data-testid=status]');
}

test('a counter dossier goes from receipt to returned result, and the public sees each status', async () => {
  const desk = await signIn(demo, 'mc1');
  await shot(desk, '00-home-desk');
  const code = await receive(desk, 'Lê Văn Tám');
  assert.match(code, /^000\.11\.12\.H48-\d{6}-\d{4,}$/);
  const due = (await desk.textContent('[data-testid=due]')).trim();
  assert.match(due, /^\d\d:\d\d \d\d\/\d\d\/\d{4}$/);
  assert.ok(await desk.$('.paper .qr svg'), 'the receipt carries a QR code');
  await shot(desk, '03-receipt-mau-01');
  await desk.emulateMedia({ media: 'print' });
  await shot(desk, '03b-receipt-print');
  await desk.pdf({ path: 'artifacts/receipt-mau-01.pdf', format: 'A4' });
  await desk.emulateMedia({ media: 'screen' });

  await desk.goto(`${demo.base}/register`);
  await desk.click(`text=${code}`);
  const pdf = await desk.request.get(new URL(await desk.getAttribute('a:has-text("bản quét")', 'href'), demo.base).href);
  assert.equal(pdf.headers()['content-type'], 'application/pdf', 'the scan is stored and served');
  let seen = await lookupStatus(demo.browser, code);
  assert.equal(seen.status, 'Đang giải quyết');
  assert.match(await seen.page.content(), /L\* V\*\* Tám/, 'the applicant name is masked');
  await shot(seen.page, '04-lookup-in-process');

  const leader = await signIn(demo, 'ld1');
  await openDossier(leader, code);
  await leader.selectOption('#username', { label: 'Nguyễn Văn Bình' });
  await leader.click('form[action$="/actions/assign"] button');
  await leader.waitForSelector('text=Nguyễn Văn Bình');

  const specialist = await signIn(demo, 'cv1');
  await specialist.goto(`${demo.base}/work`);
  await shot(specialist, '05-my-work-specialist');
  // A page that continues after a row due before everything holds the same queue, and links
  // back to the start.
  await specialist.goto(
    `${demo.base}/work?due=2000-01-01T00:00:00Z&id=00000000-0000-0000-0000-000000000000`,
  );
  await specialist.waitForSelector(`text=${code}`);
  await specialist.click('text=Về đầu danh sách');
  await specialist.waitForURL(`${demo.base}/work?queue=mine`);
  await specialist.click(`text=${code}`);
  await shot(specialist, '06-dossier-specialist');
  await specialist.fill('#note', 'Hồ sơ hợp lệ, đủ điều kiện xác nhận thay đổi');
  await specialist.click('form[action$="/actions/complete_step"] button');
  await specialist.waitForSelector('text=Hồ sơ hợp lệ, đủ điều kiện xác nhận thay đổi');

  await openDossier(leader, code);
  await leader.click('form[action$="/actions/sign"] button');
  await leader.waitForSelector('form[action$="/actions/sign"]', { state: 'detached' });
  await shot(leader, '07-dossier-signed');

  await openDossier(desk, code);
  await desk.click('form[action$="/result"] button');
  await desk.waitForSelector('[data-testid=status]:has-text("Đã có kết quả, chờ trả")');
  seen = await lookupStatus(demo.browser, code);
  assert.equal(seen.status, 'Đã có kết quả, chờ trả');
  await desk.fill('#reference', 'BL-000123');
  await desk.click('form[action$="/actions/record_payment"] button');
  // The page is swapped in after the payment is recorded: wait for it before the next click.
  await desk.waitForSelector('text=BL-000123');
  await desk.click('form[action$="/actions/return_result"] button');
  await desk.waitForSelector('[data-testid=status]:has-text("Đã trả kết quả")');
  await shot(desk, '08-dossier-returned');
  await desk.goto(desk.url().replace(/\/?$/, '') + '/forms/05');
  await shot(desk, '09-control-sheet-mau-05');

  seen = await lookupStatus(demo.browser, code);
  assert.equal(seen.status, 'Đã trả kết quả');
  await shot(seen.page, '10-lookup-returned');
});

test('a refused dossier prints Mẫu 03 with its reasons', async () => {
  const desk = await signIn(demo, 'mc1');
  const code = await receive(desk, 'Trần Thị Bé');
  const specialist = await signIn(demo, 'cv1');
  await openDossier(specialist, code);
  await specialist.click('summary:has-text("Từ chối giải quyết")');
  await specialist.fill('#rreason', 'Thửa đất đang có tranh chấp (Điều 45 Luật Đất đai 2024)');
  await specialist.click('form[action$="/actions/refuse"] button');
  await specialist.waitForSelector('[data-testid=form-03]');
  assert.equal((await specialist.textContent('[data-testid=refusal-reason]')).trim(), 'Thửa đất đang có tranh chấp (Điều 45 Luật Đất đai 2024)');
  await shot(specialist, '11-refusal-mau-03');
  const seen = await lookupStatus(demo.browser, code);
  assert.equal(seen.status, 'Từ chối giải quyết');
});

test('a file whose content is not what its name says is refused and nothing is received', async () => {
  const desk = await signIn(demo, 'mc1');
  await desk.goto(`${demo.base}/desk/intake/1.013833`);
  await desk.fill('#number', '048190012345');
  await desk.fill('#name', 'Phan Văn Giả');
  await desk.selectOption('#resolving_agency', '000.11.12.H48');
  await desk.setInputFiles('input[name=doc0_file]', fake);
  await desk.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  const error = await desk.textContent('[data-testid=intake-error]');
  assert.match(error, /PDF, JPEG hoặc PNG/);
  assert.equal(await desk.inputValue('#name'), 'Phan Văn Giả', 'what was typed is kept');
  await shot(desk, '02b-intake-refused-upload');
  await desk.goto(`${demo.base}/register`);
  assert.equal(await desk.$('text=Phan Văn Giả'), null, 'no dossier was received');
});

test('the register lists, filters and exports CSV; the pages switch to English', async () => {
  const desk = await signIn(demo, 'mc1');
  await desk.goto(`${demo.base}/register?status=returned`);
  await shot(desk, '12-register-mau-06');
  const csv = await (await desk.request.get(`${demo.base}/register.csv?status=returned`)).text();
  assert.match(csv, /^\uFEFFSTT,Mã hồ sơ/);
  await desk.goto(`${demo.base}/work?lang=en`);
  assert.equal(await desk.getAttribute('html', 'lang'), 'en');
  assert.ok(await desk.$('h1:has-text("Waiting for me")'));
  await shot(desk, '13-my-work-english');
  const citizen = await (await demo.browser.newContext()).newPage();
  await citizen.goto(`${demo.base}/thu-tuc`);
  await citizen.fill('#q', 'chuyen nhuong');
  await citizen.click('form[role=search] button');
  await citizen.waitForSelector('[data-testid=count]:has-text("1 thủ tục")');
  await citizen.click('text=chuyển nhượng');
  await citizen.waitForSelector('h2:has-text("Căn cứ pháp lý")');
  await shot(citizen, '15-procedure-page');
  const phone = await (await demo.browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await phone.goto(`${demo.base}/tra-cuu`);
  await shot(phone, '14-lookup-phone');
});
