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
  const card = desk.locator('li.moderation-item').filter({ hasText: marker });
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

test('staff moderate a long queue: compact cards, a ticked selection accepted at once, a duplicate found by its text', async () => {
  const stamp = Date.now();
  const texts = [
    `Mutualiser les achats des recycleries ${stamp}`,
    `Ouvrir les cantines aux producteurs locaux ${stamp}`,
    `Des recycleries qui mutualisent leurs achats, encore ${stamp}`,
  ];
  const visitor = await env.browser.newContext();
  visitor.setDefaultTimeout(10_000);
  const page = await visitor.newPage();
  for (const text of texts) {
    await page.goto(`${env.server.base}/consultations/${SLUG}/contribuer/2`);
    await page.locator('input[name=kind]').first().check();
    await page.getByLabel(/Votre contribution/).fill(text);
    await page.getByRole('button', { name: 'Envoyer ma contribution' }).click();
    await page.waitForLoadState('load');
  }
  await visitor.close();

  const staff = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  staff.setDefaultTimeout(10_000);
  const desk = await staff.newPage();
  await logIn(desk, env.server.base, ACCOUNTS.staff);
  const queue = `${env.server.base}/staff/consultations/${SLUG}/moderation?statut=pending&theme=2`;
  for (const width of [375, 1280]) {
    await desk.setViewportSize({ width, height: 900 });
    await desk.goto(queue);
    const overflow = await desk.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scroll at ${width}px (${overflow}px too wide)`);
    // A card was ~700px tall with every form open; now the rarer decisions are folded away.
    const card = desk.locator('li.moderation-item').filter({ hasText: texts[0] });
    const box = await card.boundingBox();
    assert.ok(box.height < (width === 375 ? 420 : 260), `a compact card at ${width}px: ${box.height}px`);
    assert.ok(box.width <= width, `the card fits at ${width}px`);
    await expectAccessible(desk, `file de modération à ${width}px`);
  }

  // Tick two cards and accept them with one button.
  for (const text of texts.slice(0, 2)) {
    await desk.locator('li.moderation-item').filter({ hasText: text }).getByRole('checkbox').check();
  }
  await desk.getByRole('button', { name: 'Accepter la sélection' }).click();
  await desk.waitForLoadState('load');
  assert.match(await desk.locator('main').innerText(), /2 contributions acceptées/);
  await expectAccessible(desk, 'file après une décision groupée');

  // The third repeats the first: find it by a few words and pick it.
  const repeat = desk.locator('li.moderation-item').filter({ hasText: texts[2] });
  await repeat.locator('summary').first().click();
  await repeat.getByLabel(/chercher la contribution qu'elle répète/).fill('MUTUALISER les achats');
  await repeat.getByRole('button', { name: /^Chercher/ }).click();
  await desk.waitForLoadState('load');
  const opened = desk.locator('li.moderation-item').filter({ hasText: texts[2] });
  const choice = opened.getByRole('radio', { name: new RegExp(texts[0]) });
  assert.equal(await choice.count(), 1, 'the original is offered');
  await expectAccessible(desk, 'recherche de l’original');
  await choice.check();
  await opened.getByRole('button', { name: /^Marquer comme doublon/ }).click();
  await desk.waitForLoadState('load');
  assert.match(await desk.locator('main').innerText(), /marquée comme doublon/);
  await staff.close();
});
