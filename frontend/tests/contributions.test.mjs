// A public online contribution through to moderation: a visitor without an account fills the
// form of a theme (a refused form first, which keeps what was typed), staff accept it in the
// moderation queue, and it appears on the theme's public page of accepted contributions.
// axe (WCAG 2.1 A/AA) at 0 violations on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const env = useServerAndBrowser();
const SLUG = 'ess-pays-de-la-loire-2016';

test('a visitor contributes online, staff accept it, it is shown on the public page', async () => {
  const marker = `Créer un guichet unique <i>ESS</i> ${Date.now()}`;
  const visitor = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
  visitor.setDefaultTimeout(10_000);
  let page = await visitor.newPage();
  await page.goto(`${env.server.base}/consultations/${SLUG}`);
  await page.getByRole('link', { name: 'Contribuer au thème 1' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'formulaire de contribution');

  // Refused (no text): the summary links to the field, what was typed stays.
  await page.getByLabel(/Organisation au nom de laquelle/).fill('Association des Jardins');
  await page.getByRole('button', { name: 'Envoyer ma contribution' }).click();
  await page.waitForLoadState('load');
  assert.ok((await page.locator('.error-summary a').count()) > 0, 'an error summary with links');
  assert.equal(await page.getByLabel(/Organisation au nom de laquelle/).inputValue(), 'Association des Jardins');
  await expectAccessible(page, 'formulaire refusé');

  await page.locator('input[name=kind]').first().check();
  await page.getByLabel(/Votre contribution/).fill(marker);
  await page.getByRole('button', { name: 'Envoyer ma contribution' }).click();
  await page.waitForLoadState('load');
  assert.equal(await page.locator('h1').innerText(), 'Merci, votre contribution est enregistrée');
  await expectAccessible(page, 'contribution enregistrée');

  // Not public before moderation.
  await page.goto(`${env.server.base}/consultations/${SLUG}/contributions/1`);
  assert.ok(!(await page.locator('main').innerText()).includes(marker), 'waits for a moderator');

  // Staff accept it in the queue.
  const staff = await env.browser.newContext();
  staff.setDefaultTimeout(10_000);
  const desk = await staff.newPage();
  await logIn(desk, env.server.base, ACCOUNTS.staff);
  await desk.goto(`${env.server.base}/consultations/${SLUG}`);
  await desk.getByRole('link', { name: 'Modération des contributions' }).click();
  await desk.waitForLoadState('load');
  assert.equal(await desk.locator('h1').innerText(), 'Modération des contributions');
  await expectAccessible(desk, 'file de modération');
  const card = desk.locator('li.card').filter({ hasText: marker });
  assert.equal(await card.count(), 1, 'the contribution is in the queue, its markup shown as text');
  await card.getByRole('button', { name: /^Accepter/ }).click();
  await desk.waitForLoadState('load');
  assert.match(await desk.locator('main').innerText(), /accept/i);
  await expectAccessible(desk, 'file après la décision');
  await staff.close();

  // Now on the theme's public page.
  page = await visitor.newPage();
  await page.goto(`${env.server.base}/consultations/${SLUG}`);
  await page.getByRole('link', { name: 'Contributions retenues du thème 1' }).click();
  await page.waitForLoadState('load');
  assert.ok((await page.locator('main').innerText()).includes(marker), 'shown once accepted');
  await expectAccessible(page, 'contributions retenues');
  await visitor.close();
});
