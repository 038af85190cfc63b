// The outcome goes public: staff run the synthesis of a theme, publish the strategy from its
// preview, attach a commitment to a published orientation; then a visitor with no account
// reads the strategy, an orientation with the contributions behind it, the commitments and the
// open data, and downloads the Data Package. axe (WCAG 2.1 A/AA) at 0 violations on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const env = useServerAndBrowser();
const SLUG = 'ess-pays-de-la-loire-2016';

test('staff publish the strategy and a visitor reads it, its commitments and its open data', async () => {
  const base = env.server.base;
  const staffContext = await env.browser.newContext();
  const staff = await staffContext.newPage();
  await logIn(staff, base, ACCOUNTS.staff);
  await staff.goto(`${base}/staff/consultations/${SLUG}/synthese`);
  await staff.getByRole('button', { name: "Lancer la synthèse : Soutien et développement de l'emploi" }).click();
  await staff.waitForLoadState('load');
  assert.match(await staff.locator('[role=status]').innerText(), /La synthèse a été faite/);

  await staff.goto(`${base}/staff/consultations/${SLUG}`);
  await staff.getByRole('link', { name: /Publication de la stratégie/ }).click();
  await staff.waitForLoadState('load');
  await expectAccessible(staff, 'aperçu de la publication');
  await staff.getByRole('button', { name: 'Publier', exact: true }).click();
  await staff.waitForLoadState('load');
  await expectAccessible(staff, 'stratégie publiée (équipe)');

  await staff.goto(`${base}/staff/consultations/${SLUG}`);
  await staff.getByRole('link', { name: /Engagements/ }).click();
  await staff.waitForLoadState('load');
  await expectAccessible(staff, 'engagements (équipe)');
  const firstAdd = staff.locator('details[open]').first();
  await firstAdd.getByLabel('Action').fill('Ouvrir un fonds régional pour l’emploi associatif');
  await firstAdd.getByLabel('Porteur').fill('Région');
  await firstAdd.getByLabel('Statut').selectOption('in_progress');
  await firstAdd.getByLabel('Avancement (%)').fill('30');
  await firstAdd.getByRole('button', { name: "Ajouter l'engagement" }).click();
  await staff.waitForLoadState('load');
  assert.match(await staff.locator('[role=status]').innerText(), /L'engagement est ajouté/);
  await expectAccessible(staff, 'engagement ajouté');
  await staffContext.close();

  // A visitor, with no account.
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/consultations/${SLUG}`);
  await page.getByRole('link', { name: 'Lire la stratégie' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'stratégie publiée');
  const orientations = page.locator('main ol a[href*="/strategie/orientations/"]');
  assert.ok((await orientations.count()) >= 1, 'published orientations listed');
  await orientations.first().click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'une orientation publiée');
  assert.match(await page.locator('main').innerText(), /contribution/);

  await page.getByRole('link', { name: 'Les engagements pris pour cette orientation' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'engagements d’une orientation');
  await page.goto(`${base}/consultations/${SLUG}/strategie/engagements`);
  assert.match(await page.locator('main').innerText(), /Ouvrir un fonds régional pour l’emploi associatif[\s\S]*En cours/);
  await expectAccessible(page, 'engagements de la stratégie');

  await page.goto(`${base}/consultations/${SLUG}/strategie`);
  await page.getByRole('link', { name: 'les données ouvertes' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), /Licence Ouverte/);
  await page.locator('details summary').first().click();
  await expectAccessible(page, 'données ouvertes');
  const response = await page.request.get(`${base}/consultations/${SLUG}/donnees/datapackage.json`);
  assert.equal(response.status(), 200);
  const pkg = await response.json();
  assert.equal(pkg.licenses[0].name, 'etalab-2.0');
  assert.ok(pkg.resources.some((r) => r.name === 'engagements' && r.rows === 1), JSON.stringify(pkg.resources.map((r) => [r.name, r.rows])));
  await context.close();
});
