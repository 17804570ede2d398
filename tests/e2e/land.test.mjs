// The land register, as issue 18 asks: a citizen goes from "Đất đai của tôi" to a 1.013833
// dossier filed on their certificate (parcel and certificate filled in from the register, the
// store's copy of the certificate picked), the specialist prepares the new address from the
// register, the leader sees the before/after and signs, and the certificate's holder shows the
// new information, with the dossier named in the parcel's history. Staff search by name
// without diacritics and by parcel number; the parcel page draws its map.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, signIn, shot, sampleScan } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('my land → a 1.013833 dossier on the certificate → the register changed on signing', async () => {
  const people = await (await fetch(`${demo.sim}/_sim/people?limit=6`)).json();
  const person = people[5];

  const context = await demo.browser.newContext({ locale: 'vi-VN', viewport: { width: 390, height: 844 } });
  const citizen = await context.newPage();
  await citizen.goto(`${demo.base}/cong-dan/dang-nhap`);
  await citizen.waitForSelector('#cccd');
  await citizen.fill('#cccd', person.SoDinhDanh);
  await citizen.fill('#password', 'vneid-demo');
  await citizen.click('button[type=submit]');
  await citizen.waitForURL(/\/cong-dan/);
  await citizen.goto(`${demo.base}/cong-dan/dat-dai`);
  await citizen.waitForSelector('[data-testid=my-parcel]');
  assert.match(await citizen.textContent('[data-testid=my-parcel-holders]'), new RegExp(person.HoVaTen));
  await shot(citizen, '100-my-land');
  await citizen.click('[data-testid="start-1.013833"] >> nth=0');
  await citizen.waitForSelector('[data-testid=land-prefill]');
  const prefill = await citizen.textContent('[data-testid=land-prefill]');
  assert.match(prefill, /DA 000006/, 'the certificate comes from the register');
  assert.match(prefill, /Thửa đất số 6, tờ bản đồ số 1/);
  // The certificate's copy in the citizen's data store stands for the paper original.
  assert.equal(await citizen.inputValue('#doc1_reuse'), `kho:gcn-${person.SoDinhDanh}`);
  await citizen.setInputFiles('input[type=file] >> nth=0', sampleScan());
  await citizen.fill('#phone', '0905777222');
  await citizen.selectOption('#receiving_agency', '000.00.20.H48');
  await citizen.selectOption('#resolving_agency', '000.11.12.H48');
  await shot(citizen, '101-eform-from-certificate');
  await citizen.click('button[value=submit]');
  await citizen.waitForSelector('[data-testid=submitted]');
  const code = (await citizen.textContent('[data-testid=dossier-code]')).trim();

  // The desk acknowledges, the leader assigns.
  const desk = await signIn(demo, 'mc1');
  await desk.goto(`${demo.base}/register?q=${encodeURIComponent(code)}`);
  await desk.click(`text=${code}`);
  await desk.click('form[action$="/actions/acknowledge"] button');
  await desk.waitForSelector('[data-testid=status]:has-text("Đang giải quyết")');
  assert.match(await desk.textContent('[data-testid=land-card]'), /DA 000006/);
  const leader = await signIn(demo, 'ld1');
  await leader.goto(`${demo.base}/register?q=${encodeURIComponent(code)}`);
  await leader.click(`text=${code}`);
  await leader.selectOption('#username', { label: 'Nguyễn Văn Bình' });
  await leader.click('form[action$="/actions/assign"] button');
  await leader.waitForSelector('text=Nguyễn Văn Bình');

  // The specialist prepares the change from the register: only the address is typed.
  const specialist = await signIn(demo, 'cv1');
  await specialist.goto(`${demo.base}/register?q=${encodeURIComponent(code)}`);
  await specialist.click(`text=${code}`);
  await specialist.click('[data-testid=land-link]');
  await specialist.waitForSelector('[data-testid=land-form]');
  assert.match(await specialist.textContent('[data-testid=land-certificate]'), new RegExp(person.HoVaTen));
  await specialist.fill('[data-testid=land-address]', '25 Trần Phú, Phường Hải Châu, thành phố Đà Nẵng');
  await specialist.fill('[data-testid=land-source]', 'Giấy xác nhận thông tin cư trú số 123/XN');
  await specialist.click('[data-testid=land-prepare]');
  await specialist.waitForSelector('[data-testid=land-pending]');
  assert.match(await specialist.textContent('[data-testid=land-op]'), /25 Trần Phú/);
  await shot(specialist, '102-land-change-prepared');
  await specialist.goto(specialist.url().replace(/\/dia-chinh$/, ''));
  await specialist.click('form[action$="/actions/complete_step"] button');
  await specialist.waitForSelector('form[action$="/actions/complete_step"]', { state: 'detached' });

  // The leader sees the before/after on the dossier page and signs.
  await leader.reload();
  assert.match(await leader.textContent('[data-testid=land-card]'), /25 Trần Phú/);
  await shot(leader, '103-leader-sees-diff');
  await leader.click('form[action$="/actions/sign"] button');
  await leader.waitForSelector('[data-testid=land-applied]');

  // The register: the holder has the new address, the parcel's history names the dossier.
  await specialist.goto(`${demo.base}/dia-chinh?q=${encodeURIComponent('DA 000006')}`);
  await specialist.click('[data-testid=land-row] a');
  await specialist.waitForSelector('[data-testid=parcel-map]');
  const history = await specialist.textContent('table');
  assert.match(history, new RegExp(code.replace(/\./g, '\\.')));
  assert.match(history, /25 Trần Phú/);
  await shot(specialist, '104-parcel-page');

  // The citizen's own land shows it too (the certificate now carries the change).
  await citizen.goto(`${demo.base}/cong-dan/dat-dai`);
  assert.match(await citizen.textContent('[data-testid=my-parcel]'), /25 Trần Phú/);
  await shot(citizen, '105-my-land-after');
  await context.close();
});

test('staff find parcels by name without diacritics and by number', async () => {
  const people = await (await fetch(`${demo.sim}/_sim/people?limit=8`)).json();
  const person = people[7];
  const folded = person.HoVaTen.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  const cv = await signIn(demo, 'cv1');
  await cv.goto(`${demo.base}/dia-chinh?q=${encodeURIComponent(folded)}`);
  await cv.waitForSelector('[data-testid=land-row]');
  assert.match(await cv.textContent('table'), new RegExp(person.HoVaTen));
  await cv.goto(`${demo.base}/dia-chinh?q=20242/1/8`);
  assert.equal(await cv.locator('[data-testid=land-row]').count(), 1);
  await shot(cv, '106-land-search');
});
