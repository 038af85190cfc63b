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
  await page.getByRole('link', { name: 'Nouvelle consultation' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'nouvelle consultation');
  const next = page.locator('form[action="/admin/consultations/nouvelle"]');
  await next.getByRole('button', { name: "Créer l'édition suivante" }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.error-summary').innerText(), /Indiquez la date de début/);
  await expectAccessible(page, 'nouvelle consultation refusée');
  const again = page.locator('form[action="/admin/consultations/nouvelle"]');
  await again.getByLabel('Édition à reprendre').selectOption('ess-pays-de-la-loire-2016');
  await again.getByLabel('Titre').fill('Stratégie régionale de l’ESS — Pays de la Loire 2021');
  await again.getByLabel('Identifiant court (dans les adresses)').fill('ess-pays-de-la-loire-2021');
  await again.getByLabel('Date de début').fill('2021-04-01');
  await again.getByRole('button', { name: "Créer l'édition suivante" }).click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/staff/consultations/ess-pays-de-la-loire-2021');
  assert.match(await page.locator('.lead').first().innerText(), /En préparation/);
  await expectAccessible(page, "accueil de l'équipe, nouvelle édition");
  await context.close();
});

test('an administrator sets up Bretagne 2027 from the pages, opens it, and it runs beside the demo', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await logIn(page, env.server.base, ACCOUNTS.admin);
  await page.goto(`${env.server.base}/admin/consultations/nouvelle`);
  const blank = page.locator('form[action="/admin/consultations/creer"]');
  await blank.getByLabel('Titre').fill('Stratégie régionale de l’ESS — Bretagne 2027');
  await blank.getByLabel('Identifiant court (dans les adresses)').fill('ess-bretagne-2027');
  await blank.getByLabel('Région').fill('Bretagne');
  await blank.getByLabel('Organisateurs').fill('la Région Bretagne et l’État');
  await blank.getByLabel('Premier jour').fill('2027-03-01');
  await blank.getByLabel('Dernier jour').fill('2027-11-30');
  // Six themes, one given twice: refused, nothing made, what was typed is kept.
  const themes = ['Emploi et compétences', 'Financer l’ESS', 'Coopérer sur les territoires', 'Innovation sociale', 'Transition écologique', 'Mer et littoral'];
  await blank.getByLabel('Thèmes').fill([...themes.slice(0, 5), 'emploi et compétences'].join('\n'));
  await blank.getByLabel('Territoires').fill('22, 29, 35, 56');
  await blank.getByRole('button', { name: 'Créer la consultation' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.error-summary').first().innerText(), /donné deux fois/);
  await expectAccessible(page, 'nouvelle consultation vierge refusée');
  await page.locator('form[action="/admin/consultations/creer"]').getByLabel('Thèmes').fill(themes.join('\n'));
  await page.locator('form[action="/admin/consultations/creer"]').getByRole('button', { name: 'Créer la consultation' }).click();
  await page.waitForLoadState('load');
  assert.equal(new URL(page.url()).pathname, '/staff/consultations/ess-bretagne-2027/parametrage');
  await expectAccessible(page, 'paramétrage de Bretagne 2027');

  // The calendar: the questionnaire dated; a phase ending before it starts is refused.
  const calendar = page.locator('form[action$="/parametrage/calendrier"]');
  await calendar.getByLabel('Du', { exact: true }).nth(1).fill('2027-03-01');
  await calendar.getByLabel('Au', { exact: true }).nth(1).fill('2027-02-01');
  await calendar.getByRole('button', { name: 'Enregistrer le calendrier' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.error-summary').innerText(), /finit .* avant de commencer/);
  await expectAccessible(page, 'calendrier refusé');
  const fixed = page.locator('form[action$="/parametrage/calendrier"]');
  await fixed.getByLabel('Au', { exact: true }).nth(1).fill('2027-04-30');
  await fixed.getByRole('button', { name: 'Enregistrer le calendrier' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.notice-success').innerText(), /calendrier est enregistré/);

  // A custom territory beside the four départements.
  const territories = page.locator('form[action$="/parametrage/territoires"]');
  await territories.getByLabel('Code', { exact: true }).first().fill('PAYS-BREST');
  await territories.getByLabel('Nom', { exact: true }).first().fill('Pays de Brest');
  await territories.getByRole('button', { name: 'Enregistrer les territoires' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('.notice-success').innerText(), /territoires sont enregistrés/);

  await page.getByRole('button', { name: 'Ouvrir la consultation' }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'paramétrage, consultation ouverte');

  // The public sees it beside the demo, with its six themes and its own territories.
  const visitor = await env.browser.newContext();
  const pub = await visitor.newPage();
  await pub.goto(`${env.server.base}/`);
  const home = await pub.locator('main').innerText();
  assert.match(home, /Bretagne 2027/);
  assert.match(home, /Pays de la Loire 2016/);
  await pub.goto(`${env.server.base}/consultations/ess-bretagne-2027`);
  assert.match(await pub.locator('main').innerText(), /Les 6 thèmes/);
  await expectAccessible(pub, 'page publique de Bretagne 2027');
  await pub.goto(`${env.server.base}/consultations/ess-bretagne-2027/contribuer/6`);
  const form = await pub.locator('main').innerText();
  assert.match(form, /Mer et littoral/);
  const offered = await pub.locator('select[name="territory"] option').allInnerTexts();
  assert.ok(offered.some((o) => /Finistère \(29\)/.test(o)) && offered.some((o) => /Pays de Brest/.test(o)), offered.join(' | '));
  assert.ok(!offered.some((o) => /Vendée/.test(o)), 'nothing of Pays de la Loire');
  await expectAccessible(pub, 'formulaire en ligne de Bretagne 2027');
  await visitor.close();
  await context.close();
});

test('the public consultation page fits a phone: no element wider than the screen, no sideways scroll', async () => {
  for (const width of [375, 1280]) {
    const context = await env.browser.newContext({ viewport: { width, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${env.server.base}/consultations/ess-pays-de-la-loire-2016`);
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < -0.5 || r.right > window.innerWidth + 0.5); })
      .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`));
    assert.deepEqual(wide, [], `elements past the screen's edge at ${width}px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll at ${width}px (${overflow}px)`);
    await expectAccessible(page, `page publique de la consultation à ${width}px`);
    await context.close();
  }
});
