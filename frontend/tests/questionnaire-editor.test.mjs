// Staff edit the questionnaire aux acteurs section by section and question by question, with
// plain forms and no script (every request for one is refused): the list, a question added
// and seen in the preview, a refused form with its messages, a question's condition, a move,
// a section, a deletion's confirmation. axe (WCAG 2.1 A/AA) at 0 violations on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const env = useServerAndBrowser();
const SLUG = 'ess-pays-de-la-loire-2016';

async function submitAndWait(page, locator) {
  await locator.click();
  await page.waitForLoadState('load');
}

test('an administrator adds, refuses, edits and moves questions in the editor, without JavaScript', async () => {
  const context = await env.browser.newContext();
  await context.route(/\.js(\?|$)/, (route) => route.abort());
  const page = await context.newPage();
  const editor = `${env.server.base}/staff/consultations/${SLUG}/questionnaire/editeur`;
  await logIn(page, env.server.base, ACCOUNTS.admin);

  // From the management page to the editor.
  await page.goto(`${env.server.base}/staff/consultations/${SLUG}/questionnaire`);
  await page.getByRole('link', { name: /Éditeur/ }).click();
  await page.waitForLoadState('load');
  assert.equal(page.url(), editor);
  assert.match(await page.locator('main').innerText(), /La version 1 est publiée : elle est figée/);
  await expectAccessible(page, 'éditeur, liste des sections');

  // Add a yes/no question to the first section.
  await page.getByLabel('Type de la question à ajouter à la section 1').selectOption({ label: 'Oui / non' });
  await submitAndWait(page, page.getByRole('button', { name: 'Ajouter une question à la section 1' }));
  assert.match(await page.locator('h1').innerText(), /Nouvelle question : Oui \/ non/);
  await expectAccessible(page, 'nouvelle question');

  // Sent empty: refused, with the summary and the message next to the field.
  await submitAndWait(page, page.getByRole('button', { name: 'Ajouter la question' }));
  assert.match(await page.locator('.error-summary').innerText(), /L'intitulé est vide/);
  assert.equal(await page.getByLabel('Intitulé de la question').getAttribute('aria-invalid'), 'true');
  await expectAccessible(page, 'nouvelle question refusée');

  await page.getByLabel('Intitulé de la question').fill('Votre structure est-elle adhérente à la CRESS ?');
  await page.getByLabel('Aide (facultative)').fill('La chambre régionale de l\'ESS.');
  await page.getByLabel('Réponse obligatoire (quand la question est posée)').check();
  await submitAndWait(page, page.getByRole('button', { name: 'Ajouter la question' }));
  assert.match(await page.locator('[role=status]').innerText(), /La question est ajoutée\. La version 2, non publiée, a été créée/);
  const row = page.locator('tr', { hasText: 'Votre structure est-elle adhérente à la CRESS ?' });
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /Oui \/ non/);
  assert.match(await page.locator('main').innerText(), /Vous modifiez la version 2, non publiée\. Les répondants voient la version 1/);
  await expectAccessible(page, 'éditeur après ajout');

  // It is in the preview of the version being edited.
  await page.getByRole('link', { name: 'Aperçu de la version modifiée' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), /Version 2/);
  assert.ok(await page.getByText('Votre structure est-elle adhérente à la CRESS ?').isVisible());
  await expectAccessible(page, 'aperçu');

  // A single choice with a condition on the new question, and "Autre, précisez".
  await page.goto(editor);
  await page.getByLabel('Type de la question à ajouter à la section 1').selectOption({ label: 'Choix unique' });
  await submitAndWait(page, page.getByRole('button', { name: 'Ajouter une question à la section 1' }));
  await page.getByLabel('Intitulé de la question').fill('Depuis quand ?');
  await page.getByLabel('Options').fill('Moins d\'un an\nPlus d\'un an\n');
  await page.getByLabel(/Autre, précisez/).check();
  await page.locator('summary', { hasText: "Condition d'affichage" }).click();
  await page.getByRole('group', { name: 'Votre structure est-elle adhérente à la CRESS ?' }).getByLabel('Oui').check();
  await expectAccessible(page, 'nouvelle question, condition ouverte');
  await submitAndWait(page, page.getByRole('button', { name: 'Ajouter la question' }));
  const conditional = page.locator('tr', { hasText: 'Depuis quand ?' });
  assert.match(await conditional.innerText(), /si « Oui » à « Votre structure est-elle adhérente à la CRESS \? »/);

  // Moving it above the question it depends on is refused, with the reason.
  const number = (await conditional.locator('td').first().innerText()).trim();
  await submitAndWait(page, conditional.getByRole('button', { name: `Monter la question ${number}` }));
  assert.match(await page.locator('.error-summary').innerText(), /Déplacement refusé/);
  await expectAccessible(page, 'déplacement refusé');

  // Edit an existing question: its id is shown, its options keep their codes.
  await page.goto(editor);
  await page.locator('tr', { hasText: 'Vous répondez en tant que…' }).getByRole('link', { name: /^Modifier/ }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), /Identifiant\s+role/);
  assert.match(await page.getByLabel('Options').inputValue(), /^dirigeant \| Dirigeant·e salarié·e$/m);
  await expectAccessible(page, 'modifier une question');

  // A section's form, and a deletion's confirmation.
  await page.goto(editor);
  await page.getByRole('link', { name: 'Ajouter une section' }).click();
  await page.waitForLoadState('load');
  await page.getByLabel('Titre de la section').fill('Pour finir');
  await submitAndWait(page, page.getByRole('button', { name: 'Ajouter la section' }));
  assert.ok(await page.getByRole('heading', { name: /Section \d+ : Pour finir/ }).isVisible());
  await page.getByRole('link', { name: /Modifier la section 1$/ }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'modifier une section');
  await page.goto(editor);
  await page.locator('tr', { hasText: 'Depuis quand ?' }).getByRole('link', { name: /^Supprimer/ }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('h1').innerText(), /Supprimer la question « Depuis quand \? »/);
  await expectAccessible(page, 'confirmation de suppression');
  await submitAndWait(page, page.getByRole('button', { name: 'Supprimer' }));
  assert.match(await page.locator('[role=status]').innerText(), /La question est supprimée/);
  await page.getByRole('link', { name: "Modifier le titre et l'introduction" }).click();
  await page.waitForLoadState('load');
  await expectAccessible(page, 'titre et introduction');
  await context.close();
});
