// Hostile input through the pages, as an attacker at the desk or on the portal would type it:
// script, markup and formula payloads as applicant names and addresses. Every page that shows
// them is opened in Chromium: no dialog may open, nothing may be blocked by the content
// security policy (which would mean markup got through), and the register's CSV shows the
// formulas as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startDemo, signIn, shot } from './harness.mjs';

const scan = join(tmpdir(), 'motcua-hostile-scan.pdf');
writeFileSync(scan, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

const PAYLOADS = [
  `<script>alert('x1')</script>`,
  `"><img src=x onerror=alert('x2')>`,
  `<svg onload=alert('x3')>`,
  `=HYPERLINK("http://evil.example/","bấm")`,
  `'><iframe src=javascript:alert('x4')>`,
];

let demo;
before(async () => { demo = await startDemo(); });
after(async () => { await demo?.stop(); });

test('script, markup and formula payloads typed at the desk execute nowhere', async () => {
  const desk = await signIn(demo, 'mc1');
  const dialogs = [];
  desk.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  const ids = [];
  for (const [i, payload] of PAYLOADS.entries()) {
    await desk.goto(`${demo.base}/desk/intake/1.013833`);
    // One person each: the desk warns before a second filing by one CCCD.
    await desk.fill('#number', `048190${String(100000 + i)}`);
    await desk.fill('#name', payload);
    await desk.fill('#address', payload);
    await desk.selectOption('#resolving_agency', '000.11.12.H48');
    await desk.setInputFiles('input[name=doc0_file]', scan);
    await desk.setInputFiles('input[name=doc1_file]', scan);
    await desk.click('form[action="/desk/intake/1.013833"] button[type=submit]');
    await desk.waitForSelector('[data-testid=form-01]');
    const text = await desk.textContent('.paper');
    assert.ok(text.includes(payload), 'the receipt shows the name as typed, as text');
    ids.push(new URL(desk.url()).pathname.split('/')[2]);
  }
  let pages = 0;
  for (const id of ids) {
    for (const path of [`/dossiers/${id}`, `/dossiers/${id}/forms/01`, `/dossiers/${id}/forms/05`]) {
      await desk.goto(`${demo.base}${path}`);
      pages += 1;
    }
  }
  for (const path of ['/work', '/', '/register']) {
    await desk.goto(`${demo.base}${path}`);
    pages += 1;
  }
  await shot(desk, '40-hostile-register');
  const csv = await (await desk.request.get(`${demo.base}/register.csv`)).text();
  assert.ok(csv.includes(`"'=HYPERLINK(""http://evil.example/"",""bấm"")"`), 'the formula is text in the CSV');
  assert.ok(!/(^|,)=HYPERLINK/m.test(csv), 'no cell starts with =');
  assert.deepEqual(dialogs, [], 'no payload ran');
  console.log(`hostile pages: ${PAYLOADS.length} payloads, ${pages} pages opened, ${dialogs.length} executed`);
});
