// Staff editing journey of the synthesis: run a theme, rename, merge, split, move — with axe
// (WCAG 2.1 A/AA) at 0 violations on every page visited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const env = useServerAndBrowser();

const orientationHeadings = (page) => page.locator('main section.card h2').allInnerTexts();

test('staff run a theme, then rename, merge, split and move', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await logIn(page, env.server.base, ACCOUNTS.staff);
  await page.goto(`${env.server.base}/consultations/ess-pays-de-la-loire-2016`);
  await page.getByRole('link', { name: "Synthèse et projets d'orientations" }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'synthèse');

  await page.getByRole('button', { name: "Lancer la synthèse : Soutien et développement de l'emploi" }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('[role=status]').innerText(), /La synthèse a été faite/);
  const before = await orientationHeadings(page);
  assert.ok(before.length >= 3, `orientations proposed: ${before.length}`);
  await expectAccessible(page, 'thème, orientations proposées');

  // Rename the first orientation.
  await page.locator('details').first().locator('summary').click();
  await page.getByLabel('Titre', { exact: true }).first().fill("Consolider l'emploi associatif");
  await page.getByRole('button', { name: 'Enregistrer' }).first().click();
  await page.waitForLoadState('load');
  assert.match((await orientationHeadings(page))[0], /Consolider l'emploi associatif/);

  // Merge the second into the first.
  const count = (await orientationHeadings(page)).length;
  await page.getByLabel("Fusionner l'orientation 2 dans").selectOption({ label: "Consolider l'emploi associatif" });
  await page.getByRole('button', { name: "Fusionner l'orientation 2" }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('[role=status]').innerText(), /fusionnées/);
  assert.equal((await orientationHeadings(page)).length, count - 1);
  await expectAccessible(page, 'thème après fusion');

  // Open the contributions behind the first one; split one off.
  await page.getByRole('link', { name: "Voir les contributions de l'orientation 1" }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'contributions d’une orientation');
  const rows = await page.locator('tbody tr').count();
  assert.ok(rows >= 2, `contributions behind: ${rows}`);
  await page.locator('tbody tr').first().locator('input[type=checkbox]').check();
  await page.getByLabel('Titre de la nouvelle orientation').fill('Former les dirigeants bénévoles');
  await page.getByRole('button', { name: 'Détacher les contributions cochées' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('[role=status]').innerText(), /nouvelle orientation/);
  assert.ok((await orientationHeadings(page)).some((h) => /Former les dirigeants bénévoles/.test(h)));

  // Move one contribution of the first orientation into the new one.
  await page.getByRole('link', { name: "Voir les contributions de l'orientation 1" }).click();
  await page.waitForLoadState('load');
  const row = page.locator('tbody tr').first();
  await row.locator('select[name=target]').selectOption({ label: 'Former les dirigeants bénévoles' });
  await row.getByRole('button', { name: /Déplacer/ }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('[role=status]').innerText(), /déplacée/);
  await expectAccessible(page, 'thème après déplacement');
  await context.close();
});

test('staff follow the e-mails sent, with an accessible page', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await logIn(page, env.server.base, ACCOUNTS.staff);
  await page.goto(`${env.server.base}/staff/courriels`);
  assert.equal(await page.locator('h1').innerText(), 'Courriels envoyés');
  await expectAccessible(page, 'courriels');
  await page.getByRole('link', { name: 'Voir seulement les échecs' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'courriels en échec');
  await context.close();
});
