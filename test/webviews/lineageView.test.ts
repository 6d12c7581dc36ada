// The lineage view in headless Chromium: artifacts and executions laid out by ELK, cached executions
// marked, clicks and keys posting open/focus, and the audit answers with hostile strings as text.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromiumMissing, readFixture, viewsInChromium } from './webviewHarness';
import type { LineageSnapshot } from '../../webviews/protocol';

const HOSTILE = '<img src=x onerror=alert(1)>';
const snapshot = readFixture<LineageSnapshot>('lineage.json');

const skip = chromiumMissing();
describe('lineage view', { skip }, () => {
  const views = viewsInChromium();

  it('draws artifacts and executions, marks cached ones and the root, answers the audit questions', async () => {
    const view = await views.open('lineage');
    await view.send({ type: 'lineage/snapshot', snapshot });
    const page = view.page;
    await page.waitForFunction(() => document.body.dataset['layoutSeq']);
    assert.equal(await page.locator('.lnode.artifact').count(), 11);
    assert.equal(await page.locator('.lnode.execution').count(), 9);
    assert.equal(await page.locator('.lnode.cached').count(), 1);
    assert.equal(await page.locator('.lnode.cached').getAttribute('data-key'), 'e2');
    assert.equal(await page.locator('.lnode.root').getAttribute('data-key'), 'a7');
    assert.match((await page.textContent('#audit-data')) ?? '', /example_gen\.examples \(run 20261127-0912\) \(#1\)/);
    assert.match((await page.textContent('#audit-distribution')) ?? '', /train: 258 examples · eval: 86 examples/);
    assert.match((await page.textContent('#audit-validation')) ?? '', /body_mass_g \(eval\): Column dropped/);
    assert.match((await page.textContent('#audit-evaluation')) ?? '', /blessed.*accuracy0\.930\.9/s);
    assert.equal(await page.textContent('#audit-approval'), `approved by alice ${HOSTILE} on 2026-11-27 09:30 UTC“Checked the island slices </script>”`);
    assert.equal(await page.textContent('#audit-model'), `trainer.model ${HOSTILE} (#7)`);
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(view.problems, []);
    await page.close();
  });

  it('posts open on click and Enter, focus on F, and moves between nodes with arrows', async () => {
    const view = await views.open('lineage');
    await view.send({ type: 'lineage/snapshot', snapshot });
    const page = view.page;
    await page.waitForFunction(() => document.body.dataset['layoutSeq']);
    await page.locator('.lnode[data-key="e6"] rect').click();
    await page.click('#audit-evaluation a');
    await page.locator('.lnode[data-key="a1"]').focus();
    await page.keyboard.press('ArrowRight');
    const next = await page.evaluate(() => document.activeElement?.getAttribute('data-key'));
    assert.ok(next && next !== 'a1');
    await page.keyboard.press('Enter');
    await page.keyboard.press('f');
    const posted = await view.posted('lineage');
    assert.deepEqual(posted, [
      { type: 'lineage/ready' },
      { type: 'lineage/open', key: 'e6' },
      { type: 'lineage/open', key: 'a8' },
      { type: 'lineage/open', key: next },
      { type: 'lineage/focus', key: next },
    ]);
    await page.close();
  });

  it('screenshots in light and dark themes', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const view = await views.open('lineage', theme);
      await view.send({ type: 'lineage/snapshot', snapshot });
      await view.page.waitForFunction(() => document.body.dataset['layoutSeq']);
      await view.screenshot(`lineage-${theme}`);
      await view.page.close();
    }
  });
});
