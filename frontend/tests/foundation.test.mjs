// Foundation journeys: staff log in, open the consultation, log out; admin manages accounts;
// error pages. axe reports 0 WCAG 2.1 A/AA violations on every page visited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const THEMES = [
  "Acteurs de l'ESS et institutions publiques : une relation privilégiée ?",
  "Un mode d'entreprendre à essaimer et développer",
  "Soutien et développement de l'emploi",
  'Coopération, mutualisation et mise en réseau au profit des territoires',
  "Communication et promotion de l'ESS",
];

const env = useServerAndBrowser();

test('staff log in, open the consultation and log out', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.server.base}/`);
  await expectAccessible(page, 'accueil');
  await page.getByRole('link', { name: 'Se connecter' }).click();
  await expectAccessible(page, 'connexion');

  await logIn(page, env.server.base, ACCOUNTS.staff);
  assert.match(await page.locator('.account-name').innerText(), /Samuel Chargé de mission/);
  await expectAccessible(page, 'accueil connecté');

  await page.getByRole('link', { name: 'Stratégie régionale de l’ESS — Pays de la Loire 2016'.replace('’', "'") }).click();
  await page.waitForLoadState('load');
  const themes = await page.locator('.theme-title').allInnerTexts();
  assert.deepEqual(themes, THEMES);
  await expectAccessible(page, 'consultation');

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), /Vous êtes déconnecté/);
  assert.equal(await page.getByRole('button', { name: 'Se déconnecter' }).count(), 0);
  await expectAccessible(page, 'après déconnexion');
  await context.close();
});

test('a failed login shows the error summary, accessibly', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await logIn(page, env.server.base, { email: ACCOUNTS.staff.email, password: 'pas le bon mot de passe' });
  assert.match(await page.locator('.error-summary').innerText(), /Adresse e-mail ou mot de passe incorrect/);
  assert.equal(await page.getByLabel('Adresse e-mail').inputValue(), ACCOUNTS.staff.email);
  await expectAccessible(page, 'connexion échouée');
  await context.close();
});

test('an admin creates an account, errors first', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await logIn(page, env.server.base, ACCOUNTS.admin);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'administration');
  await page.getByRole('link', { name: 'Créer un compte' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'nouveau compte');

  await page.getByLabel('Adresse e-mail').fill('claire@region');
  await page.getByLabel('Mot de passe').fill('court');
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.error-summary').innerText(), /3 champs à corriger/);
  assert.equal(await page.getByLabel('Adresse e-mail').inputValue(), 'claire@region');
  await expectAccessible(page, 'nouveau compte, erreurs');

  await page.getByLabel('Adresse e-mail').fill('claire.martin@region.fr');
  await page.getByLabel('Nom affiché').fill('Claire Martin');
  await page.getByLabel('Mot de passe').fill('une longue phrase de passe');
  await page.getByLabel('Animateur').check();
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('[role=status]').innerText(), /claire.martin@region.fr a été créé/);
  assert.match(await page.locator('table').innerText(), /Claire Martin/);
  await expectAccessible(page, 'comptes après création');
  await context.close();
});

test('a facilitator is refused the administration; unknown pages get the French 404', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await logIn(page, env.server.base, ACCOUNTS.facilitator);
  const forbidden = await page.goto(`${env.server.base}/admin`);
  assert.equal(forbidden.status(), 403);
  await expectAccessible(page, '403');
  const missing = await page.goto(`${env.server.base}/nulle-part`);
  assert.equal(missing.status(), 404);
  assert.match(await page.locator('h1').innerText(), /Page introuvable/);
  await expectAccessible(page, '404');
  await context.close();
});

test('an admin prepares the next edition from the pages, then finds it on the staff home', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await logIn(page, env.server.base, ACCOUNTS.admin);
  await page.getByRole('link', { name: 'Administration' }).click();
  await page.waitForLoadState('load');
  await page.getByRole('link', { name: "Nouvelle consultation à partir d'une autre" }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'nouvelle consultation');
  await page.getByRole('button', { name: 'Créer la consultation' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.error-summary').innerText(), /Indiquez la date de début/);
  await expectAccessible(page, 'nouvelle consultation refusée');
  await page.getByLabel('Édition à reprendre').selectOption('ess-pays-de-la-loire-2016');
  await page.getByLabel('Titre').fill('Stratégie régionale de l’ESS — Pays de la Loire 2021');
  await page.getByLabel('Identifiant court (dans les adresses)').fill('ess-pays-de-la-loire-2021');
  await page.getByLabel('Date de début').fill('2021-04-01');
  await page.getByRole('button', { name: 'Créer la consultation' }).click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/staff/consultations/ess-pays-de-la-loire-2021');
  assert.match(await page.locator('.lead').first().innerText(), /En préparation/);
  await expectAccessible(page, "accueil de l'équipe, nouvelle édition");
  await context.close();
});
