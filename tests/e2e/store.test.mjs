// The citizen's data store and the records office, as issue 17 asks: every simulated citizen
// already holds a land-use right certificate in their personal data store on the national
// portal; the citizen picks it in the e-form and the desk officer picks it at the counter
// instead of a paper copy, and the dossier says it came from the store. The records pages
// show the retention rules and the destruction lists; the trust page holds the CA's CRL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, signIn, shot, sampleScan, signInWithSecondFactor } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('a certificate from the personal data store, picked online and at the desk', async () => {
  const people = await (await fetch(`${demo.sim}/_sim/people?limit=4`)).json();
  const [, , online, counter] = people;

  // The citizen sees the store's certificate with its provenance, and files with it.
  const context = await demo.browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 } });
  const citizen = await context.newPage();
  await citizen.goto(`${demo.base}/cong-dan/dang-nhap`);
  await citizen.waitForSelector('#cccd');
  await citizen.fill('#cccd', online.SoDinhDanh);
  await citizen.fill('#password', 'vneid-demo');
  await citizen.click('button[type=submit]');
  await citizen.waitForURL(/\/cong-dan/);
  await citizen.goto(`${demo.base}/cong-dan/giay-to`);
  assert.match(await citizen.textContent('table'), /kho dữ liệu cá nhân — Văn phòng đăng ký đất đai cấp ngày 15\/03\/2019/);
  await shot(citizen, '92-my-documents-store');
  await citizen.goto(`${demo.base}/cong-dan/nop/1.013833`);
  await citizen.waitForSelector('#doc1_reuse');
  await citizen.selectOption('#doc1_reuse', `kho:gcn-${online.SoDinhDanh}`);
  await citizen.setInputFiles('input[type=file] >> nth=0', sampleScan());
  await citizen.fill('#phone', '0905777111');
  await citizen.selectOption('#receiving_agency', '000.00.20.H48');
  await citizen.selectOption('#resolving_agency', '000.11.12.H48');
  await shot(citizen, '93-eform-from-store');
  await citizen.click('button[value=submit]');
  await citizen.waitForSelector('[data-testid=submitted]');
  const onlineCode = (await citizen.textContent('[data-testid=dossier-code]')).trim();
  await context.close();

  // The desk: after the CCCD, "find what the applicant holds" offers the store's certificate.
  const desk = await signIn(demo, 'mc1');
  await desk.goto(`${demo.base}/desk/intake/1.013833`);
  await desk.fill('#number', counter.SoDinhDanh);
  await desk.fill('#name', counter.HoVaTen);
  await desk.fill('#address', counter.NoiThuongTru);
  await desk.selectOption('#resolving_agency', '000.11.12.H48');
  await desk.setInputFiles('input[name=doc0_file]', sampleScan());
  await desk.click('[data-testid=lookup-held]');
  await desk.waitForSelector('#doc1_reuse');
  assert.equal(await desk.inputValue('#name'), counter.HoVaTen, 'what was typed is kept');
  assert.ok(await desk.locator('[data-testid=held-0]').isVisible(), 'the scan sent is kept');
  await desk.selectOption('#doc1_reuse', `kho:gcn-${counter.SoDinhDanh}`);
  await shot(desk, '94-intake-from-store');
  await desk.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  await desk.waitForSelector('[data-testid=form-01]');
  const code = (await desk.textContent('.paper .sub strong')).trim();
  for (const c of [code, onlineCode]) {
    await desk.goto(`${demo.base}/register?q=${encodeURIComponent(c)}`);
    await desk.click(`text=${c}`);
    await desk.waitForSelector('[data-testid=status]');
    const row = desk.locator('tr', { hasText: 'Bản gốc Giấy chứng nhận' });
    assert.match(await row.textContent(), /lấy từ kho dữ liệu cá nhân/);
    assert.match(await row.textContent(), /tái sử dụng/);
  }
  await shot(desk, '95-dossier-from-store');
  await desk.context().close();
});

test('the records office: retention rules and destruction lists', async () => {
  const admin = await signInWithSecondFactor(demo, 'qt1');
  await admin.goto(`${demo.base}/admin/luu-tru`);
  assert.equal(await admin.inputValue('[data-testid="years-land_certificate"]'), 'vĩnh viễn');
  await admin.fill('[data-testid="years-don-dang-ky"]', '5');
  await admin.click('form[action="/admin/luu-tru"] button[type=submit]');
  await admin.waitForSelector('[data-testid=retention-done]');
  assert.equal(await admin.inputValue('[data-testid="years-don-dang-ky"]'), '5');
  await shot(admin, '96-retention-rules');
  await admin.goto(`${demo.base}/luu-tru?agency=000.11.12.H48`);
  await admin.waitForSelector('[data-testid=none-expired]');
  await shot(admin, '97-records');
  // The demo's CA publishes its revocation list; it is fetched at start and held.
  await admin.goto(`${demo.base}/admin/chu-ky-so`);
  assert.match(await admin.inputValue('#urls'), /\/ca\/crl\.pem/);
  await admin.click('[data-testid=save-crl]');
  await admin.waitForSelector('[data-testid=trust-done]');
  assert.match(await admin.textContent('[data-testid=crl]'), /0 chứng thư bị thu hồi/);
  await shot(admin, '98-revocation-lists');
  await admin.context().close();
});
