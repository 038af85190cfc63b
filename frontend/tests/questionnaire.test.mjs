// The actor's journey through the questionnaire aux acteurs, without JavaScript and with it:
// staff invite a structure, its e-mailed link opens the questionnaire, the actor answers,
// leaves, comes back through the same link, finds their answers, submits, gets the copy by
// e-mail with its "Suivre mes contributions" link; then the staff results count the response.
// axe (WCAG 2.1 A/AA) at 0 violations on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const env = useServerAndBrowser();
const SLUG = 'ess-pays-de-la-loire-2016';

// A complete answer of the demo questionnaire, field by field (values as the form posts them).
const ANSWERS = {
  'identite.nom': ['Coopérative <b>du Jeu</b>'],
  'identite.famille': ['cooperative'],
  'identite.departement': ['49'],
  role: ['dirigeant'],
  t1_relation: ['3'],
  t1_interlocuteurs: ['region', 'intercommunalite'],
  t1_proposition: ["Associer les réseaux de l'ESS aux comités de pilotage dès leur conception."],
  t2_projet: ['oui'],
  t2_besoin: ['financement'],
  t3_effectif: ['2'],
  't3_difficultes.recrutement': ['2'],
  't3_difficultes.financement': ['1'],
  't3_difficultes.formation': ['3'],
  't3_difficultes.fidelisation': ['4'],
  t4_cooperation: ['oui'],
  t5_visibilite: ['2'],
  'dispositifs.dla': ['utilise'],
  'dispositifs.dasess': ['connu'],
  'dispositifs.fonds_conseil': ['connu'],
  'dispositifs.innovation_sociale': ['inconnu'],
  'dispositifs.finance_solidaire': ['connu'],
  'dispositifs.contrat_impact': ['inconnu'],
  'dispositifs.iae': ['non_concerne'],
  // The last page's open answer has no theme: staff give it one from their home (below).
  mot_de_la_fin: ['Merci de nous consulter : recommencez à chaque édition.'],
};

/** The text of an .eml, whatever its transfer encoding (quoted-printable or base64 parts). */
function mailText(raw) {
  const parts = [raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))];
  for (const block of raw.split(/\r?\n\r?\n/)) {
    const compact = block.replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/=]{40,}$/.test(compact)) parts.push(Buffer.from(compact, 'base64').toString('utf8'));
  }
  return Buffer.from(parts.join('\n'), 'latin1').toString('utf8') + '\n' + parts.join('\n');
}

/** Waits (at most 20 s) for a mail to `to` whose text matches `pattern`; returns the match. */
async function waitForMail(to, pattern) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (existsSync(env.server.outbox)) {
      for (const name of readdirSync(env.server.outbox)) {
        const raw = readFileSync(join(env.server.outbox, name), 'latin1');
        if (!raw.includes(to)) continue;
        const found = mailText(raw).match(pattern);
        if (found) return found;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${to} matching ${pattern} in ${env.server.outbox}`);
}

/** Fills, on the current page, every field of ANSWERS it shows. */
async function fillPage(page) {
  for (const [name, values] of Object.entries(ANSWERS)) {
    const choices = page.locator(`input[name="${name}"][type=radio], input[name="${name}"][type=checkbox]`);
    if ((await choices.count()) > 0) {
      for (const value of values) {
        const box = page.locator(`input[name="${name}"][value="${value}"]`);
        if (await box.isVisible()) await box.check();
      }
      continue;
    }
    const select = page.locator(`select[name="${name}"]`);
    if ((await select.count()) > 0) {
      await select.selectOption(values[0]);
      continue;
    }
    const field = page.locator(`input[name="${name}"], textarea[name="${name}"]`);
    if ((await field.count()) > 0 && (await field.first().isVisible())) await field.first().fill(values[0]);
  }
}

const heading = (page) => page.locator('h1').innerText();
const step = (what) => process.env.ESSAIM_DEBUG && console.error(`· ${what}`);

/**
 * A page whose actions fail within 10 s, so a missing element fails the test with its name.
 * "Without JavaScript" means that none of our scripts loads (each request for one is refused):
 * Chromium's own switch would also stop axe, which runs in the page.
 */
async function newPage({ javaScriptEnabled = true } = {}) {
  const context = await env.browser.newContext();
  context.setDefaultTimeout(10_000);
  if (!javaScriptEnabled) await context.route(/\.js(\?|$)/, (route) => route.abort());
  return [context, await context.newPage()];
}

async function invite(organisation, email) {
  const [context, page] = await newPage();
  await logIn(page, env.server.base, ACCOUNTS.staff);
  await page.goto(`${env.server.base}/staff/consultations/${SLUG}/questionnaire`);
  await page.getByLabel(/Structures à inviter/).fill(`organisation,email\n${organisation},${email}\n`);
  await page.getByRole('button', { name: 'Envoyer les invitations' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), new RegExp(email.replace('.', '\\.')));
  await expectAccessible(page, 'gestion du questionnaire après les invitations');
  await context.close();
  const [link] = await waitForMail(email, /https?:\/\/[^\s"<>]+\/questionnaire\/invitation\/[A-Za-z0-9_-]+/);
  // The mail carries the configured public address; the test server answers on its own port.
  return link.replace(/^https?:\/\/[^/]+/, env.server.base);
}

async function journey(javaScriptEnabled) {
  const mode = javaScriptEnabled ? 'avec JavaScript' : 'sans JavaScript';
  const email = `contact-${javaScriptEnabled ? 'js' : 'nojs'}@structure.example`;
  const link = await invite(`Structure ${mode}`, email);
  const typed = `Une proposition écrite ${mode}, puis laissée là.`;

  // First visit: page 1 answered, page 2 begun, then the actor leaves.
  let [context, page] = await newPage({ javaScriptEnabled });
  step(`invitation ${link}`);
  await page.goto(link);
  assert.equal(await heading(page), 'Votre structure');
  await expectAccessible(page, `page 1 (${mode})`);
  await fillPage(page);
  await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('#progression').innerText(), /Page 2 sur/);
  await page.locator('input[name="t1_relation"][value="4"]').check();
  await page.locator('textarea[name="t1_proposition"]').fill(typed);
  if (javaScriptEnabled) {
    // Saved as one types: leaving without pressing any button loses nothing.
    await page.locator('.autosave-status').filter({ hasText: 'Brouillon enregistré' }).waitFor({ timeout: 10_000 });
  } else {
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.waitForLoadState('load');
  }
  await expectAccessible(page, `page 2 (${mode})`);
  await context.close();

  // Back through the e-mailed link, in a new browser: at the page saved last, its answers
  // there, and those of page 1 too.
  [context, page] = await newPage({ javaScriptEnabled });
  await page.goto(link);
  assert.match(await page.locator('#progression').innerText(), /Page 2 sur/, 'where the actor stopped');
  await page.goto(link.replace(/\/(invitation|reprendre)\/([^/?#]+).*$/, '/r/$2/page/1'));
  assert.equal(await page.locator('input[name="identite.nom"]').inputValue(), ANSWERS['identite.nom'][0]);
  await page.getByRole('button', { name: 'Enregistrer et continuer' }).click();
  await page.waitForLoadState('load');
  assert.equal(await page.locator('textarea[name="t1_proposition"]').inputValue(), typed);
  assert.ok(await page.locator('input[name="t1_relation"][value="4"]').isChecked());

  // The remaining pages, each checked by axe, then the review and the submission.
  for (let n = 0; n < 10 && (await heading(page)) !== 'Vérifier et envoyer'; n += 1) {
    await expectAccessible(page, `${await heading(page)} (${mode})`);
    step(await heading(page));
    await fillPage(page);
    await page.getByRole('button', { name: /^Enregistrer et (continuer|vérifier)$/ }).click();
    await page.waitForLoadState('load');
  }
  assert.equal(await heading(page), 'Vérifier et envoyer');
  assert.match(await page.locator('main').innerText(), /Coopérative <b>du Jeu<\/b>/, 'markup shown as typed');
  await expectAccessible(page, `vérification (${mode})`);
  // The answers have room: at 1280px their column is wider than the questions' (it was ~120px).
  await page.setViewportSize({ width: 1280, height: 900 });
  const widths = await page.locator('.review-answers dd').evaluateAll((dds) => dds.map((dd) => dd.getBoundingClientRect().width));
  assert.ok(widths.length > 0 && Math.min(...widths) >= 500, `answer column at 1280px: ${Math.min(...widths)}px`);
  await expectAccessible(page, `vérification à 1280px (${mode})`);
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll at 375px (${overflow}px)`);
  await expectAccessible(page, `vérification à 375px (${mode})`);
  await page.getByRole('button', { name: 'Envoyer ma réponse' }).click();
  await page.waitForLoadState('load');
  assert.equal(await heading(page), 'Merci : votre réponse est envoyée');
  await expectAccessible(page, `confirmation (${mode})`);
  // A refresh of the confirmation is still the confirmation, never an error.
  await page.reload();
  assert.equal(await heading(page), 'Merci : votre réponse est envoyée');
  await context.close();

  // The copy of the answers by e-mail, with the follow link.
  const [follow] = await waitForMail(email, /https?:\/\/[^\s"<>]+\/suivi\/[A-Za-z0-9_-]+/);
  [context, page] = await newPage({ javaScriptEnabled });
  await page.goto(follow.replace(/^https?:\/\/[^/]+/, env.server.base));
  assert.equal(await heading(page), 'Suivre mes contributions');
  const followed = await page.locator('main').innerText();
  assert.ok(followed.includes(ANSWERS.t1_proposition[0]), 'the open answer, become a contribution');
  assert.match(followed, /Retenue/, 'an invited structure vouches for it: accepted on arrival');
  await expectAccessible(page, `suivi (${mode})`);
  await context.close();
}

test('an invited actor answers without JavaScript, leaves, resumes from the e-mailed link and submits', async () => {
  await journey(false);
});

test('an invited actor answers with JavaScript (saved as one types), leaves, resumes and submits', async () => {
  await journey(true);
});

test('the staff results page counts the responses, with charts and tables', async () => {
  const [context, page] = await newPage();
  await logIn(page, env.server.base, ACCOUNTS.staff);
  await page.goto(`${env.server.base}/staff/consultations/${SLUG}/questionnaire`);
  await page.getByRole('link', { name: 'Suivi et résultats' }).click();
  await page.waitForLoadState('load');
  assert.equal(await heading(page), 'Résultats du questionnaire');
  const submitted = Number(await page.locator('dt:text-is("Réponses envoyées") + dd').innerText());
  assert.ok(submitted >= 2, `submitted responses: ${submitted}`);
  assert.ok((await page.locator('svg[role=img] title').count()) > 0, 'charts with a title');
  await expectAccessible(page, 'résultats du questionnaire');
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    // Every label and title of every chart is drawn inside its picture, never cut at an edge
    // ("e ou administrateur·rice bénévole"); a cut one keeps its full text as a tooltip.
    const outside = await page.locator('.results-chart svg').evaluateAll((svgs) => svgs.flatMap((svg) => {
      const [, , w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
      return [...svg.querySelectorAll('text')].map((t) => [t.textContent, t.getBBox()])
        .filter(([, b]) => b.x < -0.5 || b.y < -0.5 || b.x + b.width > w + 0.5 || b.y + b.height > h + 0.5)
        .map(([text, b]) => `${text} (${Math.round(b.x)}…${Math.round(b.x + b.width)} / ${w})`);
    }));
    assert.deepEqual(outside, [], `chart texts outside their picture at ${width}px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll of the page at ${width}px (${overflow}px)`);
    await expectAccessible(page, `résultats à ${width}px`);
  }
  // At 1280px the coverage table fits: its last column, « Réponses (total) », is in view
  // without scrolling (it hid behind the region's scroll); narrower, the region scrolls.
  await page.setViewportSize({ width: 1280, height: 900 });
  const coverage = await page.locator('.table-scroll:has(.coverage-table)').evaluate((region) => {
    const last = [...region.querySelectorAll('thead th')].find((th) => th.textContent.includes('Réponses (total)'));
    return { scroll: region.scrollWidth - region.clientWidth, right: last.getBoundingClientRect().right, edge: region.getBoundingClientRect().right };
  });
  assert.ok(coverage.scroll <= 0 && coverage.right <= coverage.edge + 0.5, `coverage table at 1280px: ${JSON.stringify(coverage)}`);
  await page.getByLabel('Département', { exact: true }).selectOption('49');
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), /Maine-et-Loire/);
  await expectAccessible(page, 'résultats filtrés');
  await context.close();
});

test('staff find the answers without a theme on their home and give them one', async () => {
  const [context, page] = await newPage();
  await logIn(page, env.server.base, ACCOUNTS.staff);
  await page.getByRole('link', { name: 'Espace équipe' }).click();
  await page.waitForLoadState('load');
  assert.equal(await heading(page), 'Espace équipe');
  await expectAccessible(page, 'espace équipe');
  await page.getByRole('link', { name: /Pays de la Loire 2016/ }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('main').innerText(), /contribution\(s\) sans thème/);
  await expectAccessible(page, "accueil de l'équipe");
  await page.getByLabel(/recommencez à chaque édition/).first().check();
  await page.getByLabel('Thème à leur donner').selectOption('5');
  await page.getByRole('button', { name: 'Donner ce thème' }).click();
  await page.waitForLoadState('load');
  assert.match(await page.locator('[role=status]').first().innerText(), /1 contribution\(s\) ont reçu leur thème/);
  await expectAccessible(page, 'thème donné');
  await context.close();
});
