// The plenary in a browser: staff run the synthesis of a theme and open the vote on one of
// its orientations; two phones (two browser contexts, phone-sized) vote from the plenary's
// page, one changes its vote; the tally page follows the votes live through its event stream
// (within a second, without reloading); the facilitator closes the vote and records the
// verdict; the tally shows the right counts. The projection moves with the arrow keys. axe
// (WCAG 2.1 A/AA) at 0 violations on every plenary page: projection, vote, tally, facilitator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useServerAndBrowser, expectAccessible, logIn, ACCOUNTS } from './harness.mjs';

const env = useServerAndBrowser();
const SLUG = 'ess-pays-de-la-loire-2016';

async function phone() {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  context.setDefaultTimeout(10_000);
  return context;
}

async function counts(page) {
  const read = async (key) => (await page.locator(`[data-tally-count="${key}"]`).innerText()).trim();
  return { confirmed: await read('confirmed'), to_amend: await read('to_amend'), not_confirmed: await read('not_confirmed') };
}

test('two phones vote, one changes its vote, the vote closes, the tally follows live and counts right', async () => {
  const base = env.server.base;
  const staffContext = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  staffContext.setDefaultTimeout(10_000);
  const staff = await staffContext.newPage();
  await logIn(staff, base, ACCOUNTS.staff);

  // The synthesis proposes the orientations of theme 3.
  await staff.goto(`${base}/staff/consultations/${SLUG}/synthese/3`);
  await staff.locator(`form[action="/staff/consultations/${SLUG}/synthese/3/run"] button`).first().click();
  await staff.waitForLoadState('load');

  // The plenary's console lists them (the demo seeded the plenary).
  await staff.goto(`${base}/pleniere/${SLUG}`);
  await expectAccessible(staff, 'console de la plénière');
  const orientationLink = staff.locator(`a[href^="/pleniere/${SLUG}/orientations/"]`).first();
  const href = await orientationLink.getAttribute('href');
  const orientation = href.split('/').pop();
  const voteAddress = await staff.locator('a[href^="/p/"]').first().getAttribute('href');
  const code = voteAddress.split('/').pop();

  // Part 1: the projection, one orientation per screen; → goes to the next.
  await staff.goto(`${base}/pleniere/${SLUG}/projection/3`);
  assert.match(await staff.locator('.plenary-slide-kicker').innerText(), /orientation 1 sur \d+/);
  await expectAccessible(staff, 'projection');
  // The room's screen: a QR code to vote, nothing of the staff account, no footer, no
  // references — at a projector's width and at a phone's (a facilitator checking the slide).
  for (const width of [1280, 375]) {
    await staff.setViewportSize({ width, height: 800 });
    const shown = await staff.locator('body').innerText();
    for (const hidden of [ACCOUNTS.staff.name, 'Se déconnecter', 'Mentions légales', 'réf. ']) {
      assert.ok(!shown.includes(hidden), `« ${hidden} » on the projection at ${width}px`);
    }
    assert.ok(await staff.locator('.plenary-join .plenary-qr svg').isVisible(), `QR code at ${width}px`);
    assert.match(await staff.locator('.plenary-join').innerText(), new RegExp(`code ${code}`));
    const overflow = await staff.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at ${width}px (${overflow}px)`);
    await expectAccessible(staff, `projection à ${width}px`);
  }
  await staff.setViewportSize({ width: 1280, height: 900 });
  const hasNext = await staff.locator('a[data-key="ArrowRight"]').count();
  if (hasNext) {
    const nextHref = await staff.locator('a[data-key="ArrowRight"]').getAttribute('href');
    await staff.keyboard.press('ArrowRight');
    await staff.waitForURL(`**${nextHref}`);
    await staff.keyboard.press('ArrowLeft');
    await staff.waitForURL(/projection\/3(\/1)?$/);
  }

  // Part 2: the facilitator opens the vote.
  await staff.goto(`${base}${href}`);
  await staff.getByRole('button', { name: 'Ouvrir le vote' }).click();
  await staff.waitForLoadState('load');
  assert.match(await staff.locator('[role=status]').innerText(), /vote est ouvert/);
  await expectAccessible(staff, 'pilotage du vote');

  // The tally, projected: a page that follows the stream.
  const screenContext = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
  screenContext.setDefaultTimeout(10_000);
  const screen = await screenContext.newPage();
  await screen.goto(`${base}/p/${code}/decompte/${orientation}`);
  await screen.locator('[data-tally-live]:not([hidden])').waitFor();
  assert.deepEqual(await counts(screen), { confirmed: '0', to_amend: '0', not_confirmed: '0' });
  await expectAccessible(screen, 'décompte');
  const loads = [];
  screen.on('load', () => loads.push(Date.now()));

  // Two phones vote.
  const phoneA = await (await phone()).newPage();
  const phoneB = await (await phone()).newPage();
  for (const p of [phoneA, phoneB]) {
    await p.goto(`${base}/p/${code}`);
    assert.equal(await p.locator('h1').innerText(), 'Vote de la plénière');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (${overflow}px too wide)`);
  }
  await expectAccessible(phoneA, 'page de vote');
  const section = (p) => p.locator(`#o-${orientation}`);
  await section(phoneA).getByLabel('Confirmée', { exact: true }).check();
  let sent = Date.now();
  await section(phoneA).getByRole('button', { name: 'Voter' }).click();
  await phoneA.waitForLoadState('load');
  await screen.waitForFunction(() => document.querySelector('[data-tally-total]').textContent === '1');
  // Timed from the vote to the tally alone: the checks of the phone's page come after.
  assert.ok(Date.now() - sent < 1000, `the tally followed within 1 s (${Date.now() - sent} ms)`);
  assert.match(await section(phoneA).locator('[role=status]').innerText(), /Votre vote est enregistré : Confirmée/);
  await expectAccessible(phoneA, 'vote enregistré');

  await section(phoneB).getByLabel('À amender').check();
  await section(phoneB).getByLabel(/Votre amendement/).fill('Ajouter les groupements d\'employeurs');
  sent = Date.now();
  await section(phoneB).getByRole('button', { name: 'Voter' }).click();
  await phoneB.waitForLoadState('load');
  await screen.waitForFunction(() => document.querySelector('[data-tally-count="to_amend"]').textContent === '1');
  assert.ok(Date.now() - sent < 1000, `the tally followed within 1 s (${Date.now() - sent} ms)`);

  // Phone A changes its mind: still two votes.
  await section(phoneA).getByLabel('Non confirmée').check();
  sent = Date.now();
  await section(phoneA).getByRole('button', { name: 'Changer mon vote' }).click();
  await phoneA.waitForLoadState('load');
  await screen.waitForFunction(() => document.querySelector('[data-tally-count="not_confirmed"]').textContent === '1');
  assert.ok(Date.now() - sent < 1000, `the tally followed within 1 s (${Date.now() - sent} ms)`);
  assert.deepEqual(await counts(screen), { confirmed: '0', to_amend: '1', not_confirmed: '1' });
  assert.equal(await screen.locator('[data-tally-total]').innerText(), '2');
  assert.equal(loads.length, 0, 'the tally page was never reloaded');

  // The facilitator closes the vote and records the room's verdict.
  await staff.goto(`${base}${href}`);
  await staff.getByRole('button', { name: 'Clore le vote' }).click();
  await staff.waitForLoadState('load');
  await staff.getByLabel('À amender').check();
  await staff.getByRole('button', { name: 'Enregistrer le verdict' }).click();
  await staff.waitForLoadState('load');
  assert.match(await staff.locator('main').innerText(), /Verdict enregistré : À amender/);
  // "Retenir" with nothing ticked says so, instead of reporting success.
  await staff.getByRole('button', { name: 'Retenir' }).click();
  await staff.waitForLoadState('load');
  assert.match(await staff.locator('main').innerText(), /Aucun amendement à retenir/);
  await expectAccessible(staff, 'aucun amendement coché');
  await staff.goto(`${base}${href}`);
  await staff.getByLabel(/Ajouter les groupements/).check();
  await staff.getByRole('button', { name: 'Retenir' }).click();
  await staff.waitForLoadState('load');
  assert.match(await staff.locator('main').innerText(), /Amendements retenus/);
  await expectAccessible(staff, 'verdict et amendements');

  await screen.waitForFunction(() => /Vote clos/.test(document.querySelector('[data-tally-state]').textContent));
  assert.deepEqual(await counts(screen), { confirmed: '0', to_amend: '1', not_confirmed: '1' });
  assert.ok(!/en direct/.test(await screen.locator('main').innerText()), 'a closed vote is not live');
  await screen.reload();
  assert.match(await screen.locator('main').innerText(), /Accord de la salle : Trop peu de votes pour conclure/);
  assert.ok(!/en direct/.test(await screen.locator('main').innerText()));
  await expectAccessible(screen, 'décompte clos');

  // A phone that votes after the close: refused, with a French message, what it typed kept.
  await section(phoneB).getByLabel('Confirmée', { exact: true }).check();
  await section(phoneB).getByRole('button', { name: 'Changer mon vote' }).click();
  await phoneB.waitForLoadState('load');
  assert.match(await phoneB.locator('main').innerText(), /Le vote sur cette orientation est clos/);
  await expectAccessible(phoneB, 'vote clos');
  await phoneB.goto(`${base}/p/${code}`);
  assert.match(await phoneB.locator('main').innerText(), /Aucun vote n'est ouvert/);
  await expectAccessible(phoneB, 'aucun vote ouvert');

  // The API tells the same counts.
  const tally = await (await fetch(`${base}/api/v1/plenaries/${code}/orientations/${orientation}/tally`)).json();
  assert.deepEqual([tally.state, tally.confirmed, tally.to_amend, tally.not_confirmed, tally.verdict], ['closed', 0, 1, 1, 'to_amend']);
  await staffContext.close();
  await screenContext.close();
});
