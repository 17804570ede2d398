// Documents as issue 17 asks of them: the desk receives a land dossier with the scans the
// catalogue requires (and is refused without them); the specialist attaches the draft
// result; the leader signs it on the simulated CA's remote signer, approving on the phone;
// the desk records the signed draft as the result and returns it; the citizen signs in with
// VNeID, sees that the result is digitally signed and downloads the signed PDF.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startDemo, signIn, shot, sampleScan } from './harness.mjs';

/** A one-page PDF with a real cross-reference table, as a signature needs. */
function onePagePdf(text) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    (() => { const s = `BT /F1 14 Tf 72 760 Td (${text}) Tj ET`; return `<< /Length ${s.length} >>\nstream\n${s}\nendstream`; })(),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.7\n';
  const offsets = [];
  objects.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('scans at the desk, the leader signs on the phone, the citizen downloads the signed result', async () => {
  const [person] = await (await fetch(`${demo.sim}/_sim/people?limit=1`)).json();
  const scan = sampleScan();

  // The desk: a component that must be digitised is not received without its scan.
  const desk = await signIn(demo, 'mc1');
  await desk.goto(`${demo.base}/desk/intake/1.013833`);
  await desk.fill('#number', person.SoDinhDanh);
  await desk.fill('#name', person.HoVaTen);
  await desk.fill('#address', person.NoiThuongTru);
  await desk.selectOption('#resolving_agency', '000.11.12.H48');
  assert.ok(await desk.locator('[data-testid=must-digitise-0]').isVisible(), 'the form says what must be scanned');
  await desk.setInputFiles('input[name=doc0_file]', scan);
  await desk.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  await desk.waitForSelector('[data-testid=intake-error]');
  assert.match(await desk.textContent('#doc1_file ~ p.late, [data-testid=intake-error]'), /phải được số hóa/);
  await shot(desk, '80-intake-scan-missing');
  await desk.setInputFiles('input[name=doc1_file]', scan);
  await desk.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  await desk.waitForSelector('[data-testid=form-01]');
  const code = (await desk.textContent('.paper .sub strong')).trim();

  // The leader assigns; the specialist attaches the draft result and hands it over.
  const leader = await signIn(demo, 'ld1');
  await leader.goto(`${demo.base}/register?q=${encodeURIComponent(code)}`);
  await leader.click(`text=${code}`);
  await leader.selectOption('#username', { label: 'Nguyễn Văn Bình' });
  await leader.click('form[action$="/actions/assign"] button');
  await leader.waitForSelector('text=Nguyễn Văn Bình');
  const dossierUrl = leader.url();
  const docs = await leader.textContent('table');
  assert.match(docs, /số hóa bởi Lê Thị Hoa/, 'who scanned each paper, and when');

  const specialist = await signIn(demo, 'cv1');
  await specialist.goto(dossierUrl);
  const draft = join(tmpdir(), 'motcua-du-thao.pdf');
  writeFileSync(draft, onePagePdf(`GIAY CHUNG NHAN - xac nhan thay doi - ${code}`));
  await specialist.setInputFiles('#draft_file', draft);
  await specialist.click('[data-testid=draft-form] button');
  await specialist.waitForSelector('[data-testid=draft]');
  await specialist.fill('#note', 'Đủ điều kiện, trình ký');
  await specialist.click('form[action$="/actions/complete_step"] button');
  await specialist.waitForSelector('text=Đủ điều kiện, trình ký');

  // The leader signs: the request goes to the phone, approved there, completed here.
  await leader.reload();
  await shot(leader, '81-leader-sign-step');
  await leader.click('[data-testid=sign-digitally]');
  await leader.waitForSelector('[data-testid=signing-waiting]');
  const request = (await leader.textContent('[data-testid=signing-waiting] code')).trim();
  await shot(leader, '82-leader-waiting-for-phone');
  const context = await demo.browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 } });
  const phone = await context.newPage();
  await phone.goto(`${demo.sim}/_sim/ky-so`);
  const item = phone.locator(`li[id="${request}"]`);
  assert.match(await item.textContent(), new RegExp(code.replace(/\./g, '\\.')));
  await shot(phone, '83-phone-approve');
  await item.locator('[data-testid=approve]').click();
  await phone.waitForSelector('[data-testid=done]');
  await leader.click('[data-testid=complete-signing]');
  await leader.waitForSelector('[data-testid=draft-signature]');
  assert.match(await leader.textContent('[data-testid=draft-signature]'), /Chữ ký số hợp lệ/);
  await shot(leader, '84-draft-signed');

  // The desk records the signed draft as the result, takes the fee and returns it.
  await desk.goto(dossierUrl);
  assert.ok(await desk.isChecked('[data-testid=use-draft]'), 'the signed draft is offered');
  await desk.click('form[action$="/result"] button');
  await desk.waitForSelector('[data-testid=status]:has-text("Đã có kết quả, chờ trả")');
  assert.match(await desk.textContent('[data-testid=result-signature]'), /Chữ ký số hợp lệ/);
  await shot(desk, '85-result-signed');
  await desk.fill('#reference', `BL-${Date.now()}`);
  await desk.click('form[action$="/actions/record_payment"] button');
  await desk.waitForSelector('[data-testid=return-form]');
  await desk.click('form[action$="/actions/return_result"] button');
  await desk.waitForSelector('[data-testid=status]:has-text("Đã trả kết quả")');

  // The citizen signs in with VNeID and downloads the signed result.
  const citizen = await context.newPage();
  await citizen.goto(`${demo.base}/cong-dan/dang-nhap`);
  await citizen.waitForSelector('#cccd');
  await citizen.fill('#cccd', person.SoDinhDanh);
  await citizen.fill('#password', 'vneid-demo');
  await citizen.click('button[type=submit]');
  await citizen.waitForURL(/\/cong-dan/);
  await citizen.goto(`${demo.base}/cong-dan`);
  await citizen.click(`text=${code}`);
  await citizen.waitForSelector('[data-testid=result-signed]');
  assert.match(await citizen.textContent('[data-testid=result-signed]'), /đã được ký số/);
  await shot(citizen, '86-citizen-signed-result');
  const href = await citizen.getAttribute('[data-testid=download-result]', 'href');
  const bytes = Buffer.from(await (await citizen.request.get(`${demo.base}${href}`)).body());
  const text = bytes.toString('latin1');
  assert.ok(text.startsWith('%PDF'), 'a PDF');
  assert.ok(text.includes('/ETSI.CAdES.detached'), 'with its PAdES signature inside');
  // The signed result is among the citizen's documents, for reuse in later filings.
  await citizen.goto(`${demo.base}/cong-dan/giay-to`);
  assert.match(await citizen.textContent('table'), new RegExp(`Kết quả:[^]*${code.replace(/\./g, '\\.')}`));
  // The dispatcher files the result into the citizen's personal data store on the national
  // portal; the line says so once it is there.
  for (let i = 0; i < 40; i++) {
    if (/đã lưu vào kho dữ liệu cá nhân/.test(await citizen.textContent('table'))) break;
    await new Promise((r) => setTimeout(r, 500));
    await citizen.reload();
  }
  assert.match(await citizen.textContent('table'), /Kết quả:[^]*đã lưu vào kho dữ liệu cá nhân/);
  await shot(citizen, '86b-my-documents-result');
  await context.close();
});

test('the desk certifies an electronic copy; the citizen finds it and reuses it when filing online', async () => {
  const people = await (await fetch(`${demo.sim}/_sim/people?limit=2`)).json();
  const person = people[1];
  const desk = await signIn(demo, 'mc1');
  await desk.goto(`${demo.base}/chung-thuc`);
  await desk.fill('#holder', person.SoDinhDanh);
  await desk.fill('#holder_name', person.HoVaTen);
  await desk.fill('#title', 'Giấy chứng nhận quyền sử dụng đất số CS 654321');
  await desk.selectOption('#document_type', 'land_certificate');
  await desk.fill('#pages', '2');
  const original = join(tmpdir(), 'motcua-gcn-scan.pdf');
  writeFileSync(original, onePagePdf('GIAY CHUNG NHAN CS 654321 - ban quet doi chieu ban chinh'));
  await desk.setInputFiles('#scan', original);
  await shot(desk, '87-certify-form');
  await desk.click('[data-testid=certify-form] button[type=submit]');
  await desk.waitForSelector('[data-testid=copy-waiting]');
  const request = (await desk.textContent('[data-testid=copy-waiting] code')).trim();
  const context = await demo.browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 } });
  const phone = await context.newPage();
  await phone.goto(`${demo.sim}/_sim/ky-so`);
  await phone.locator(`li[id="${request}"] [data-testid=approve]`).click();
  await phone.waitForSelector('[data-testid=done]');
  await desk.click('[data-testid=copy-complete]');
  await desk.waitForSelector('[data-testid=copy-download]');
  assert.match(await desk.textContent('[data-testid=copy-status]'), /Đã cấp bản sao điện tử/);
  assert.match(await desk.textContent('body'), /4\.000/, 'the fee for two pages');
  await shot(desk, '88-copy-issued');

  // The citizen finds it among their documents and picks it for the certificate.
  const citizen = await context.newPage();
  await citizen.goto(`${demo.base}/cong-dan/dang-nhap`);
  await citizen.waitForSelector('#cccd');
  await citizen.fill('#cccd', person.SoDinhDanh);
  await citizen.fill('#password', 'vneid-demo');
  await citizen.click('button[type=submit]');
  await citizen.waitForURL(/\/cong-dan/);
  await citizen.goto(`${demo.base}/cong-dan/giay-to`);
  assert.match(await citizen.textContent('table'), /Bản sao chứng thực: Giấy chứng nhận quyền sử dụng đất số CS 654321/);
  await shot(citizen, '89-my-documents-copy');
  await citizen.goto(`${demo.base}/cong-dan/nop/1.013833`);
  await citizen.waitForSelector('#doc1_reuse');
  const option = await citizen.locator('#doc1_reuse option', { hasText: 'Bản sao chứng thực' }).first().getAttribute('value');
  await citizen.selectOption('#doc1_reuse', option);
  await citizen.setInputFiles('input[type=file] >> nth=0', sampleScan());
  await citizen.fill('#phone', '0905777999');
  await citizen.selectOption('#receiving_agency', '000.00.20.H48');
  await citizen.selectOption('#resolving_agency', '000.11.12.H48');
  await shot(citizen, '90-eform-reuses-copy');
  await citizen.click('button[value=submit]');
  await citizen.waitForSelector('[data-testid=submitted]');
  const code = (await citizen.textContent('[data-testid=dossier-code]')).trim();

  // The desk sees the certificate came from the certified copy.
  await desk.goto(`${demo.base}/register?q=${encodeURIComponent(code)}`);
  await desk.click(`text=${code}`);
  await desk.waitForSelector('[data-testid=status]');
  const row = desk.locator('tr', { hasText: 'Bản gốc Giấy chứng nhận' });
  assert.match(await row.textContent(), /tái sử dụng/);
  await shot(desk, '91-desk-sees-reuse');
  await context.close();
});
