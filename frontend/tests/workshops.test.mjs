// Live capture in a workshop (docs/workshops.md): entries typed with the network cut
// (Chromium's offline mode), a reload while offline, the network back — nothing lost, nothing
// twice (counted on the server); two tabs of the same workshop; the plain form without
// JavaScript; axe (WCAG 2.1 A/AA) at 0 violations on the workshop pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const env = useServerAndBrowser();
const SLUG = 'ess-pays-de-la-loire-2016';

async function facilitatorContext(options = {}) {
  const context = await env.browser.newContext(options);
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  await logIn(page, env.server.base, ACCOUNTS.facilitator);
  return { context, page };
}

/** The capture page of the demo facilitator's conference workshop of theme `position`. */
async function openCapture(page, position) {
  await page.goto(`${env.server.base}/ateliers`);
  await page.getByRole('link', { name: new RegExp(`Atelier de la conférence — thème ${position} `) }).click();
  await page.waitForLoadState('load');
  const workshop = new URL(page.url()).pathname;
  await page.getByRole('link', { name: 'Saisir les contributions en direct' }).click();
  await page.waitForLoadState('load');
  return workshop.split('/').pop();
}

async function serverEntries(page, workshop) {
  const res = await page.request.get(`${env.server.base}/api/v1/workshops/${workshop}/entries`);
  assert.equal(res.status(), 200);
  return (await res.json()).entries.map((e) => e.body);
}

async function type(page, text) {
  await page.getByLabel(/Ce qui est dit/).fill(text);
  await page.getByLabel(/Ce qui est dit/).press('Enter');
  await page.locator('li[data-entry]').filter({ hasText: text }).first().waitFor();
}

test('workshop pages are accessible', async () => {
  const { context, page } = await facilitatorContext();
  await page.goto(`${env.server.base}/ateliers`);
  await expectAccessible(page, 'mes ateliers');
  await openCapture(page, 2);
  await expectAccessible(page, 'saisie en direct');
  // An empty entry goes to the server (the script lets it), which answers in French.
  await page.getByLabel(/Ce qui est dit/).press('Enter');
  await page.waitForLoadState('load');
  assert.ok((await page.locator('.error-summary').innerText()).includes('Écrivez votre contribution.'));
  await expectAccessible(page, 'saisie refusée');
  await page.goto(`${env.server.base}/ateliers`);
  await page.getByRole('link', { name: /Atelier de la conférence — thème 2 / }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'page d\'un atelier');
  await context.close();

  const staff = await env.browser.newContext();
  staff.setDefaultTimeout(10_000);
  const desk = await staff.newPage();
  await logIn(desk, env.server.base, ACCOUNTS.staff);
  await desk.goto(`${env.server.base}/staff/consultations/${SLUG}/ateliers`);
  await expectAccessible(desk, 'vue d\'ensemble des ateliers');
  await desk.getByRole('link', { name: 'Créer un atelier' }).click();
  await desk.waitForLoadState('load');
  await expectAccessible(desk, 'nouvel atelier');
  await desk.getByRole('button', { name: 'Enregistrer l\'atelier' }).click();
  await desk.waitForLoadState('load');
  assert.ok((await desk.locator('.error-summary a').count()) > 0, 'French messages, linked');
  await expectAccessible(desk, 'nouvel atelier refusé');
  await staff.close();
});

test('offline capture with a reload keeps every entry and sends each once', async () => {
  const { context, page } = await facilitatorContext({ viewport: { width: 390, height: 844 } });
  const workshop = await openCapture(page, 1);
  // The service worker takes the page over (it serves it when the network is down).
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null);
  const stamp = Date.now();
  const texts = [0, 1, 2, 3, 4].map((i) => `Entrée ${i} hors ligne ${stamp}`);

  await type(page, texts[0]);
  await page.locator('li[data-status="sent"]').filter({ hasText: texts[0] }).waitFor();

  await context.setOffline(true);
  await page.getByRole('radio', { name: 'Proposition' }).check();
  await type(page, texts[1]);
  await type(page, texts[2]);
  await page.getByText('2 entrées en attente d\'envoi.', { exact: false }).waitFor();
  assert.equal(await page.getByLabel(/Ce qui est dit/).inputValue(), '', 'the box is emptied for the next one');

  // Reloaded while offline: the page comes from the service worker, its queue from IndexedDB —
  // and the entry sent before the network dropped is still listed, marked as sent.
  await page.reload();
  await page.waitForLoadState('load');
  await page.getByText('2 entrées en attente d\'envoi.', { exact: false }).waitFor();
  const sent = page.locator('#capture-entries li[data-status="sent"]').filter({ hasText: texts[0] });
  assert.equal(await sent.count(), 1, 'the entry sent before going offline is still shown');
  assert.match(await sent.locator('.card-meta').innerText(), /enregistrée/);
  for (const text of texts.slice(1, 3)) {
    const waiting = page.locator('#capture-entries li[data-status="waiting"]').filter({ hasText: text });
    assert.equal(await waiting.count(), 1, `${text} shown as waiting`);
    assert.match(await waiting.locator('.card-meta').innerText(), /en attente/);
  }
  await expectAccessible(page, 'saisie rechargée hors ligne');
  await type(page, texts[3]);
  await page.getByText('3 entrées en attente d\'envoi.', { exact: false }).waitFor();

  await context.setOffline(false);
  await page.getByText('Toutes les entrées sont envoyées.').waitFor();
  await type(page, texts[4]);
  await page.locator('li[data-status="sent"]').filter({ hasText: texts[4] }).waitFor();
  await page.getByRole('button', { name: 'Envoyer maintenant' }).click();

  const stored = await serverEntries(page, workshop);
  for (const text of texts) {
    assert.equal(stored.filter((s) => s === text).length, 1, `${text} once on the server`);
  }
  await context.close();
});

test('two tabs of the same workshop send each entry once', async () => {
  const { context, page } = await facilitatorContext();
  const workshop = await openCapture(page, 2);
  const second = await context.newPage();
  await second.goto(page.url());
  await second.waitForLoadState('load');
  const stamp = Date.now();
  await context.setOffline(true);
  const texts = [0, 1, 2, 3].map((i) => `Deux onglets ${i} ${stamp}`);
  for (const text of texts.slice(0, 2)) await type(page, text);
  for (const text of texts.slice(2)) await type(second, text);
  await context.setOffline(false);
  // Both tabs flush on `online`, under one lock, from the one queue.
  await page.getByText('Toutes les entrées sont envoyées.').waitFor();
  await second.getByText('Toutes les entrées sont envoyées.').waitFor();
  await second.getByRole('button', { name: 'Envoyer maintenant' }).click({ force: true });
  const stored = await serverEntries(page, workshop);
  for (const text of texts) {
    assert.equal(stored.filter((s) => s === text).length, 1, `${text} once on the server`);
  }
  await context.close();
});

test('without JavaScript the plain form records the entry and lists it', async () => {
  const { context, page } = await facilitatorContext({ javaScriptEnabled: false });
  const workshop = await openCapture(page, 1);
  const text = `Sans JavaScript ${Date.now()}`;
  await page.getByRole('radio', { name: 'Question' }).check();
  await page.getByLabel('Organisation qui s\'exprime').fill('Les Ecossolies');
  await page.getByLabel(/Ce qui est dit/).fill(text);
  await page.getByLabel(/Ce qui est dit/).press('Enter');
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), /Entrée enregistrée/);
  assert.ok((await page.locator('li.capture-saved').innerText()).includes(text));
  assert.equal(await page.getByLabel('Organisation qui s\'exprime').inputValue(), 'Les Ecossolies');
  assert.ok(await page.getByRole('radio', { name: 'Question' }).isChecked(), 'the kind stays');
  // Empty: refused with a French message, the organisation kept (axe runs on it in the first
  // test: it needs scripts).
  await page.getByLabel(/Ce qui est dit/).press('Enter');
  await page.waitForLoadState('load');
  assert.ok((await page.locator('.error-summary').innerText()).includes('Écrivez votre contribution.'));
  assert.equal(await page.getByLabel('Organisation qui s\'exprime').inputValue(), 'Les Ecossolies');
  const stored = await serverEntries(page, workshop);
  assert.equal(stored.filter((s) => s === text).length, 1);
  await context.close();
});

test('« Mes ateliers » on a phone shows each workshop’s state, facilitation and entries', async () => {
  for (const width of [375, 1280]) {
    const { context, page } = await facilitatorContext({ viewport: { width, height: 900 } });
    await page.goto(`${env.server.base}/ateliers`);
    // Every cell in view: none hidden past the screen's edge behind a sideways scroll.
    const hidden = await page.locator('table tbody td').evaluateAll((cells) => cells
      .filter((td) => { const r = td.getBoundingClientRect(); return r.width === 0 || r.left < 0 || r.right > window.innerWidth + 0.5; })
      .map((td) => `${td.dataset.label}: ${td.textContent.trim()}`));
    assert.deepEqual(hidden, [], `cells out of view at ${width}px`);
    const first = page.locator('table tbody tr').first();
    for (const label of ['État', 'Animation', 'Entrées']) {
      assert.ok(await first.locator(`td[data-label="${label}"]`).isVisible(), `${label} shown at ${width}px`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll at ${width}px (${overflow}px)`);
    await expectAccessible(page, `mes ateliers à ${width}px`);
    await context.close();
  }
});
