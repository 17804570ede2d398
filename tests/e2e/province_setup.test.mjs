// A province other than the demo's, set up from nothing as an IT centre would on Monday:
// `motcua init --province 38` (Thanh Hóa), the first administrator signs in with the printed
// one-time password, sets their own, enrols a second factor, loads the edited agency file,
// creates a desk officer, a specialist and a leader through the pages; the desk officer sets
// their password and receives a dossier; the receipt (Mẫu 01) names Thanh Hóa and its agency.
// Screenshots of each page are kept in artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startProvince, shot, totp, sampleScan } from './harness.mjs';

let p;
before(async () => { p = await startProvince('38'); });
after(async () => { await p?.stop(); });

async function newPage() {
  const context = await p.browser.newContext({ locale: 'vi-VN', viewport: { width: 1366, height: 900 } });
  return context.newPage();
}

async function passwordSignIn(page, username, password) {
  await page.goto(`${p.base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('form[action="/login"] button[type=submit]');
}

/** First sign-in with a one-time password: the person must choose their own. */
async function firstSignIn(page, username, once, chosen, name) {
  await passwordSignIn(page, username, once);
  await page.waitForURL(`${p.base}/login/password`);
  await shot(page, `${name}-a-must-change-password`);
  await page.fill('#current', once);
  await page.fill('#new', chosen);
  await page.fill('#repeat', chosen);
  await page.click('form[action="/login/password"] button[type=submit]');
  await page.waitForURL(/\/login\?changed=1$/);
  assert.match(await page.textContent('[role=status]'), /Đã đổi mật khẩu/);
  await passwordSignIn(page, username, chosen);
}

test('Thanh Hóa from init to a printed receipt, through the pages', async () => {
  assert.equal(p.init.name, 'Thanh Hóa');
  const admin = await newPage();
  await firstSignIn(admin, p.init.admin, p.init.one_time_password, 'xứ Thanh quản trị 2026', '10-admin');

  // Administrators must enrol a second factor before anything else.
  await admin.waitForURL(`${p.base}/login/mfa-setup`);
  assert.ok(await admin.$('.qr svg'), 'a QR code for the authenticator app');
  await shot(admin, '11-admin-mfa-setup');
  const secret = (await admin.textContent('[data-testid=totp-secret]')).trim();
  await admin.fill('#code', totp(secret));
  await admin.click('form[action="/login/mfa-setup"] button[type=submit]');
  await admin.waitForSelector('[data-testid=recovery-codes]');
  assert.equal((await admin.$$('[data-testid=recovery-codes] li')).length, 10);
  await shot(admin, '12-admin-recovery-codes');
  await admin.click('a:has-text("Tiếp tục")');
  await admin.waitForURL(`${p.base}/`);

  // The agency file init wrote, edited (a branch named) and loaded through the page.
  const file = join(p.dir, 'agencies-38.toml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('khu vực 1"', 'khu vực Hạc Thành"'));
  await admin.goto(`${p.base}/admin`);
  await shot(admin, '13-admin-home');
  await admin.click('a[href="/admin/co-quan"]');
  await admin.setInputFiles('#file', file);
  await admin.click('form[action="/admin/co-quan"] button[type=submit]');
  await admin.waitForSelector('[role=status]');
  assert.match(await admin.textContent('[role=status]'), /Đã nạp \d+ cơ quan/);
  assert.match(await admin.content(), /Chi nhánh Văn phòng Đăng ký đất đai khu vực Hạc Thành/);
  await shot(admin, '14-admin-agencies');

  // Three officers through the accounts page.
  const people = [
    ['mc.hacthanh', 'Lê Thị Thanh', 'desk_officer', 'H38.14797.01'],
    ['cv.hacthanh', 'Nguyễn Văn Hóa', 'specialist', '000.11.12.H38'],
    ['ld.hacthanh', 'Phạm Minh Châu', 'leader', '000.11.12.H38'],
  ];
  const issued = {};
  for (const [username, name, role, unit] of people) {
    await admin.goto(`${p.base}/admin/tai-khoan`);
    await admin.fill('#username', username);
    await admin.fill('#full_name', name);
    await admin.selectOption('#role', role);
    await admin.selectOption('#units', [unit]);
    await admin.click('form[action="/admin/tai-khoan"] button[type=submit]');
    await admin.waitForSelector('[data-testid=one-time-password]');
    issued[username] = (await admin.textContent('[data-testid=one-time-password]')).trim();
  }
  await shot(admin, '15-admin-accounts');

  // The desk officer's first day: their own password, then a dossier at the desk.
  const desk = await newPage();
  await firstSignIn(desk, 'mc.hacthanh', issued['mc.hacthanh'], 'một cửa Hạc Thành 2026', '16-desk');
  await desk.waitForURL(`${p.base}/`);
  await desk.goto(`${p.base}/desk/intake`);
  await desk.click('a[href="/desk/intake/1.013833"]');
  await desk.fill('#number', '038190012345');
  await desk.fill('#name', 'Trịnh Văn Lâm');
  await desk.fill('#address', 'Phường Hạc Thành, tỉnh Thanh Hóa');
  await desk.fill('#phone', '0912345678');
  await desk.selectOption('#resolving_agency', '000.11.12.H38');
  // The land forms must be digitised at the desk: their scans come with the intake.
  await desk.setInputFiles('input[name=doc0_file]', sampleScan());
  await desk.setInputFiles('input[name=doc1_file]', sampleScan());
  await shot(desk, '17-desk-intake');
  await desk.click('form[action="/desk/intake/1.013833"] button[type=submit]');
  await desk.waitForSelector('[data-testid=form-01]');
  const paper = await desk.textContent('[data-testid=form-01]');
  assert.match(paper, /Thanh Hóa, ngày \d\d tháng \d\d năm \d{4}/, 'the place line names the province');
  assert.match(paper, /Trung tâm Phục vụ hành chính công phường Hạc Thành/, 'the receiving desk by name');
  assert.doesNotMatch(paper, /Đà Nẵng/);
  const code = (await desk.textContent('.paper .sub strong')).trim();
  assert.match(code, /^000\.11\.12\.H38-\d{6}-0001$/, 'numbered in the resolving agency series');
  assert.match(await desk.content(), new RegExp(`${p.base.replace(/[.:/]/g, '\\$&')}/tra-cuu\\?code=`), 'the QR links to the public URL');
  await shot(desk, '18-receipt-thanh-hoa');

  // The other administration pages, as an administrator uses them.
  await admin.goto(`${p.base}/admin/co-quan/000.11.12.H38`);
  await admin.fill('#periods', '07:00-11:30,13:30-17:00');
  await admin.check('input[name=saturday]');
  await admin.click('form[action$="/gio-lam-viec"] button[type=submit]');
  await admin.waitForSelector('text=Đã lưu giờ làm việc.');
  await shot(admin, '20-admin-agency-hours');

  const v2 = join(p.dir, '1.013833.toml');
  const seed = readFileSync(join(process.cwd(), '..', '..', 'catalog', 'procedures', '1.013833.toml'), 'utf8');
  writeFileSync(v2, seed.replace('version = 1', 'version = 2').replace('statutory_days = 4', 'statutory_days = 6'));
  await admin.goto(`${p.base}/admin/thu-tuc`);
  await admin.setInputFiles('#file', v2);
  await admin.click('form[action="/admin/thu-tuc"] button[type=submit]');
  await admin.waitForSelector('[data-testid=preview]');
  assert.match(await admin.textContent('[data-testid=preview]'), /thời hạn: 4 → 6 ngày làm việc/);
  await shot(admin, '21-admin-procedure-preview');
  await admin.click('form[action="/admin/thu-tuc/cong-bo"] button[type=submit]');
  await admin.waitForSelector('text=Đã công bố 1.013833 v2');

  const localDay = join(p.dir, 'nghi-rieng.toml');
  writeFileSync(localDay, 'kind = "year-schedule"\nyear = 2026\nscope = "000.11.12.H38"\nsource = "Quyết định của UBND tỉnh"\n\n[[days_off]]\nfrom = 2026-12-24\nto = 2026-12-24\nname = "Nghỉ riêng"\nname_en = "Local day off"\n');
  await admin.goto(`${p.base}/admin/lich`);
  await admin.setInputFiles('#file', localDay);
  await admin.click('form[action="/admin/lich"] button[type=submit]');
  await admin.waitForSelector('text=Đã nhập year-schedule 2026/000.11.12.H38');
  await shot(admin, '22-admin-calendar');

  await admin.goto(`${p.base}/admin/ma-truy-cap`);
  await admin.fill('#full_name', 'Cổng Dịch vụ công quốc gia');
  await admin.selectOption('#role', 'desk_officer');
  await admin.selectOption('#units', ['000.00.20.H38']);
  await admin.click('form[action="/admin/ma-truy-cap"] button[type=submit]');
  const token = (await admin.textContent('[data-testid=api-token]')).trim();
  assert.match(token, /^[0-9a-f]{64}$/);
  const api = await fetch(`${p.base}/api/v1/dossiers`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(api.status, 200, 'the token works at once');
  await shot(admin, '23-admin-tokens');

  // The administrative log shows each change, its chain intact.
  await admin.goto(`${p.base}/admin/nhat-ky`);
  const log = await admin.content();
  for (const action of ['settings.set', 'agencies.import', 'account.create', 'account.change_password', 'mfa.enable', 'agency.office_hours', 'procedure.publish', 'calendar.import', 'token.create']) {
    assert.match(log, new RegExp(action.replace('.', '\\.')), action);
  }
  assert.match(await admin.textContent('[data-testid=log-verdict]'), /Toàn vẹn/);
  await shot(admin, '24-admin-log');
  const audit = execFileSync(p.bin, ['verify-audit'], { cwd: p.dir, env: p.env }).toString();
  assert.match(audit, /Nhật ký quản trị toàn vẹn/);
});
