// Queue tickets as a visitor and a desk officer meet them: a number taken at the kiosk for
// land, called by mc1 to a counter (the board shows it), served — the dossier received in the
// visit linked to it — and finished; its wait appears in the day's figures. Screenshots 70–75.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, signIn, shot, sampleScan } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('a ticket is taken, called, served with its dossier, and its wait is counted', async () => {
  const desk = await signIn(demo, 'mc1');
  await desk.goto(`${demo.base}/quay`);
  const kioskPath = await desk.getAttribute('a:has-text("Trang lấy số")', 'href');
  const boardPath = await desk.getAttribute('a:has-text("Bảng gọi số")', 'href');

  // The visitor, at the kiosk: no sign-in, a CCCD typed, the land field chosen.
  const visitor = await (await demo.browser.newContext({ locale: 'vi-VN', viewport: { width: 1080, height: 1600 } })).newPage();
  await visitor.goto(`${demo.base}${kioskPath}`);
  await shot(visitor, '70-kiosk');
  await visitor.fill('#id_number', '048 190 000 777');
  await visitor.click('[data-testid=group-dat-dai]');
  await visitor.waitForSelector('[data-testid=ticket]');
  const number = (await visitor.textContent('[data-testid=ticket-number]')).trim();
  assert.match(number, /^D\d{3}$/);
  await shot(visitor, '71-ticket');

  // The officer calls the next land number (there may be others before it in a long demo day).
  let called = '';
  for (let i = 0; i < 50 && called !== number; i++) {
    await desk.goto(`${demo.base}/quay`);
    if (await desk.locator('[data-testid=absent]').count()) {
      await desk.click('[data-testid=absent]');
      await desk.waitForSelector('[data-testid=call-next]');
    }
    await desk.fill('#counter', 'Quầy 3');
    await desk.selectOption('#group', 'dat-dai');
    await desk.click('[data-testid=call-next]');
    await desk.waitForSelector('[data-testid=current-number]');
    called = (await desk.textContent('[data-testid=current-number]')).trim();
  }
  assert.equal(called, number, 'the visitor is called');
  await shot(desk, '72-counter-called');
  await visitor.goto(`${demo.base}${boardPath}`);
  assert.match(await visitor.textContent('[data-testid=called]'), new RegExp(`${number}.*Quầy 3`));
  await shot(visitor, '73-board');

  // They came: straight to the intake; the dossier received belongs to the visit.
  await desk.click('[data-testid=serve]');
  await desk.waitForURL(/\/desk\/intake$/);
  await desk.click('a[href="/desk/intake/1.013833"]');
  await desk.fill('#number', '048190000777');
  await desk.fill('#name', 'Ngô Thị Lành');
  await desk.fill('#address', 'Phường Hải Châu, Thành phố Đà Nẵng');
  await desk.selectOption('#resolving_agency', '000.11.12.H48');
  // The land forms must be digitised at the desk: their scans come with the intake.
  await desk.setInputFiles('input[name=doc0_file]', sampleScan());
  await desk.setInputFiles('input[name=doc1_file]', sampleScan());
  await desk.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  await desk.waitForSelector('[data-testid=form-01]');
  await desk.goto(`${demo.base}/quay`);
  assert.ok(await desk.locator('[data-testid=visit-dossier]').count(), 'the visit names its dossier');
  await shot(desk, '74-counter-serving');
  await desk.click('[data-testid=finish]');
  await desk.waitForSelector('[data-testid=call-next]');

  await desk.goto(`${demo.base}/quay/so-lieu`);
  assert.match(await desk.textContent('[data-testid=total-wait]'), /\d+,\d phút/);
  await shot(desk, '75-wait-figures');
});
