// The treasure hunt in a browser: a visitor leaves an idea at a stand from a phone-sized
// screen (a refused form first, which keeps what was typed), stamps the passport, and staff
// find the idea in the moderation queue; a stand poster's QR code, read from a Chromium
// screenshot by a real decoder (zbarimg, Debian's zbar-tools), opens that stand's page.
// axe (WCAG 2.1 A/AA) at 0 violations on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const env = useServerAndBrowser();
const SLUG = 'ess-pays-de-la-loire-2016';
const ZBARIMG = process.env.ZBARIMG_PATH ?? '/usr/bin/zbarimg';

async function circuit() {
  const res = await fetch(`${env.server.base}/api/v1/consultations/${SLUG}/stands`);
  assert.equal(res.status, 200);
  return res.json();
}

async function phone() {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  context.setDefaultTimeout(10_000);
  return context;
}

test('a visitor leaves an idea at a stand from a phone; staff find it in the moderation queue', async () => {
  const stands = await circuit();
  const stand = stands[2];
  const marker = `Mutualiser un <b>local</b> entre associations ${Date.now()}`;
  const visitor = await phone();
  const page = await visitor.newPage();
  await page.goto(stand.address);
  assert.equal(await page.locator('h1').innerText(), stand.title);
  assert.match(await page.locator('main').innerText(), new RegExp(`stand ${stand.position} sur ${stands.length}`));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow}px too wide)`);
  await expectAccessible(page, 'page du stand');

  // Refused (no kind, no text): the summary links to the fields, what was typed stays.
  await page.getByLabel(/Organisation au nom de laquelle/).fill('Association des Jardins');
  await page.getByRole('button', { name: 'Envoyer mon idée' }).click();
  await page.waitForLoadState('load');
  assert.ok((await page.locator('.error-summary a').count()) >= 2, 'an error summary with links');
  assert.equal(await page.getByLabel(/Organisation au nom de laquelle/).inputValue(), 'Association des Jardins');
  await expectAccessible(page, 'idée refusée');

  await page.getByLabel('Proposition').check();
  await page.getByLabel(/Votre idée/).fill(marker);
  await page.getByLabel('Département').selectOption('49');
  await page.getByRole('button', { name: 'Envoyer mon idée' }).click();
  await page.waitForLoadState('load');
  assert.equal(await page.locator('h1').innerText(), 'Merci, votre idée est enregistrée');
  assert.ok((await page.locator('blockquote').innerText()).includes(marker), 'the markup shown as text');
  await expectAccessible(page, 'idée enregistrée');

  // The passport: stamp this stand, then read it.
  await page.getByRole('link', { name: 'Tamponner ce stand dans mon passeport' }).click();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Tamponner mon passeport' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), /Ce stand est tamponné dans votre passeport/);
  await expectAccessible(page, 'stand tamponné');
  await page.getByRole('link', { name: 'Voir mon passeport et le circuit' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), new RegExp(`1 stand visité sur ${stands.length}`));
  await expectAccessible(page, 'passeport');
  await visitor.close();

  // Staff: the idea waits in the moderation queue; the stands' pages.
  const staff = await env.browser.newContext();
  staff.setDefaultTimeout(10_000);
  const desk = await staff.newPage();
  await logIn(desk, env.server.base, ACCOUNTS.staff);
  await desk.goto(`${env.server.base}/staff/consultations/${SLUG}/moderation`);
  const card = desk.locator('li.moderation-item').filter({ hasText: marker });
  assert.equal(await card.count(), 1, 'the idea is in the queue, waiting');
  assert.match(await card.innerText(), /En attente de modération/);
  await desk.goto(`${env.server.base}/consultations/${SLUG}`);
  await desk.getByRole('link', { name: 'Stands de la chasse aux trésors' }).click();
  await desk.waitForLoadState('load');
  assert.equal(await desk.locator('h1').innerText(), 'Stands de la chasse aux trésors');
  await expectAccessible(desk, 'liste des stands');
  await desk.getByRole('link', { name: `Modifier le stand ${stand.code}` }).click();
  await desk.waitForLoadState('load');
  await expectAccessible(desk, 'modification d’un stand');
  await staff.close();
});

test("a stand poster's QR code, decoded by zbarimg from the rendered poster, opens that stand's page", async () => {
  assert.ok(existsSync(ZBARIMG), `${ZBARIMG} is needed (apt-get install zbar-tools)`);
  const stand = (await circuit())[0];
  const staff = await env.browser.newContext({ viewport: { width: 1000, height: 1400 } });
  staff.setDefaultTimeout(10_000);
  const desk = await staff.newPage();
  await logIn(desk, env.server.base, ACCOUNTS.staff);
  await desk.goto(`${env.server.base}/staff/consultations/${SLUG}/stands`);
  await desk.getByRole('link', { name: `Affiche du stand ${stand.code}` }).click();
  await desk.waitForLoadState('load');
  assert.equal(await desk.locator('.poster-title').innerText(), stand.title);
  assert.ok((await desk.locator('.poster-address').innerText()).endsWith(`/s/${stand.code}`), 'the short address');
  await expectAccessible(desk, 'affiche du stand');

  const dir = mkdtempSync(join(tmpdir(), 'essaim-poster-'));
  try {
    const png = join(dir, 'poster-qr.png');
    await desk.locator('.poster-qr').screenshot({ path: png });
    const decoded = execFileSync(ZBARIMG, ['--quiet', '--raw', png], { encoding: 'utf8' }).trim();
    assert.equal(decoded, stand.address, 'the QR code encodes the absolute address of the stand');

    // The print layout: one A4 page for the poster.
    const pdf = await desk.pdf({ preferCSSPageSize: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.equal(pages, 1, 'one A4 page');

    const visitor = await phone();
    const page = await visitor.newPage();
    const res = await page.goto(decoded);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('h1').innerText(), stand.title, "the decoded address opens the stand's page");
    assert.ok(await page.getByRole('button', { name: 'Envoyer mon idée' }).isVisible());
    await visitor.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await staff.close();
});
