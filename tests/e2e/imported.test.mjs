// Bringing a former system's history in (issue 19): the administrator loads a former unit
// merged into today's branch and imports the old system's export at the console; a citizen
// looks the dossier up by the code on the old receipt; the leader of today's unit continues it;
// the report shows it under the former unit (as the units were) and under today's unit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo, signIn, shot } from './harness.mjs';

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

const FORMER = '000.00.12.H08';
const TODAY = '000.11.12.H48';
const OLD_CODE = 'BD.2026.000731';
const CCCD = '052190000731';

/** Received nine days ago at 09:00 (Vietnam time), due in five weeks, still being handled. */
function record() {
  const stamp = (d) => d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const received = new Date(Date.now() - 9 * 86400_000);
  received.setUTCHours(2, 0, 0, 0);
  const due = new Date(received.getTime() + 35 * 86400_000);
  return {
    record: {
      MaHoSo: OLD_CODE, MaTTHC: '1.013833', ChuHoSo: 'Trần Thị Bảy', LoaiDoiTuong: 1,
      MaDoiTuong: CCCD, DiaChi: 'Phường Quy Nhơn, tỉnh Gia Lai',
      // The old system stamps Vietnam time (UTC+7).
      NgayNopHoSo: stamp(new Date(received.getTime() + 7 * 3600_000 - 3600_000)),
      NgayTiepNhan: stamp(new Date(received.getTime() + 7 * 3600_000)),
      NgayHenTra: stamp(new Date(due.getTime() + 7 * 3600_000)),
      TrangThaiHoSo: 4, KenhThucHien: 1, DonViXuLy: FORMER, DonViTiepNhan: FORMER,
    },
    day: received.toISOString().slice(0, 10),
  };
}

test('an imported dossier is looked up by its old code, continued, and reported under both units', async () => {
  // At the console: the former unit, then the old system's export (twice: the second changes nothing).
  writeFileSync(join(demo.dir, 'former.toml'), [
    'province = "48"', '', '[[agency]]', `code = "${FORMER}"`,
    'name = "Chi nhánh Văn phòng đăng ký đất đai TP Quy Nhơn (cũ)"',
    'kind = "land_registration_branch"', `merged_into = "${TODAY}"`, '',
  ].join('\n'));
  demo.cli(['agencies', 'import', 'former.toml']);
  const { record: r, day } = record();
  writeFileSync(join(demo.dir, 'bd.jsonl'), `${JSON.stringify(r)}\n`);
  const first = JSON.parse(demo.cli(['--json', 'import', 'dossiers', 'bd.jsonl', '--source', 'Một cửa Bình Định']));
  assert.equal(first.created, 1, JSON.stringify(first));
  const again = JSON.parse(demo.cli(['--json', 'import', 'dossiers', 'bd.jsonl', '--source', 'Một cửa Bình Định']));
  assert.equal(again.unchanged, 1, JSON.stringify(again));

  // The citizen has the old receipt only: its code and their CCCD find it.
  const citizen = await (await demo.browser.newContext()).newPage();
  await citizen.goto(`${demo.base}/tra-cuu`);
  await citizen.fill('#code', OLD_CODE);
  await citizen.fill('#check', CCCD);
  await citizen.click('form[role=search] button');
  await citizen.waitForSelector('[data-testid=status]');
  assert.equal((await citizen.textContent('[data-testid=status]')).trim(), 'Đang giải quyết');
  const lookup = await citizen.content();
  assert.match(lookup, /Mã hồ sơ trên hệ thống cũ/);
  assert.ok(lookup.includes(OLD_CODE));
  await shot(citizen, '70-lookup-by-old-code');

  // Today's leader finds it by the old code and assigns it as any other.
  const leader = await signIn(demo, 'ld1');
  await leader.goto(`${demo.base}/register?q=${encodeURIComponent(OLD_CODE)}`);
  await leader.click('table tbody tr a');
  await leader.waitForURL(/\/dossiers\//);
  assert.match(await leader.textContent('[data-testid=imported]'), /Nhập từ Một cửa Bình Định/);
  await leader.selectOption('#username', { label: 'Nguyễn Văn Bình' });
  await leader.click('form[action$="/actions/assign"] button');
  await leader.waitForSelector('text=Nguyễn Văn Bình');
  await shot(leader, '71-imported-dossier-continued');
  const dossier = leader.url();

  // The report: under the former unit as the units were, under today's unit otherwise; the
  // number leads to the dossier both ways.
  const query = `from=${day}&to=${day}&by=agency`;
  for (const [units, key] of [['as_they_were', FORMER], ['current', TODAY]]) {
    await leader.goto(`${demo.base}/bao-cao?${query}&units=${units}`);
    await leader.waitForSelector('[data-testid=periodic-report]');
    const row = leader.locator(`[data-testid=periodic-report] tr[data-key="${key}"]`);
    assert.equal(await row.count(), 1, `a row for ${key} read ${units}`);
    const others = await leader.locator(`[data-testid=periodic-report] tr[data-key="${units === 'current' ? FORMER : 'none'}"]`).count();
    assert.equal(others, 0, 'the former unit rolls up into today\'s');
    await shot(leader, `72-report-${units}`);
    await leader.goto(`${demo.base}/bao-cao/ho-so?${query}&units=${units}&key=${key}&m=received.total`);
    const links = await leader.$$eval('table tbody a', (as) => as.map((a) => a.href));
    assert.ok(links.some((h) => dossier.endsWith(new URL(h).pathname)), `the dossier behind ${key}'s number (${units})`);
  }
});
