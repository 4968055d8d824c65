// End-to-end test of the console in real headless Chromium against the real processes (web/e2e/stack.mjs):
// chat streaming, the Inference tab's throughput, the GPU tab's live charts, "not supported", and the exporter
// dying and coming back. Then the GPU tab at 8 GPUs × 6 charts on a second exporter + gateway, its 15-minute window
// pre-filled through the real message path (e2e/measure.mjs): main-thread work per update p95 < 16 ms and at most
// 0.4 long tasks over 50 ms per second (none over 400 ms), measured over E2E_SCALE_SECONDS (20 by default). The
// target of none at all is not met on a 2-core box with software raster (docs/benchmarks.md).
// Run: `npm run e2e` in web/ after `./mvnw package` and `npm run build` (scripts/test.sh does both).
// Without Chromium it skips, saying so, unless QWENOPS_REQUIRE_BROWSER=1 (CI), where that is a failure.
// Artifacts (screenshots, process logs, gpu-scale.json) go to web/e2e/artifacts/; `E2E_UPDATE_SCREENSHOT=1` also
// refreshes docs/images/console-gpu.png, the README's picture.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { browserMissing, launchBrowser } from './browser.mjs';
import { installMeasurement, resetMeasurement, summarize } from './measure.mjs';
import { Stack, freePort, repo } from './stack.mjs';

const artifacts = join(repo, 'web/e2e/artifacts');
const scaleSeconds = Number(process.env.E2E_SCALE_SECONDS ?? 20);
const missing = browserMissing();
if (missing && process.env.QWENOPS_REQUIRE_BROWSER === '1') {
  console.error(`FAIL: the browser test is required here (QWENOPS_REQUIRE_BROWSER=1) but ${missing}`);
  process.exit(1);
}
if (missing) console.warn(`SKIPPING the browser end-to-end test: ${missing}`);

// The whole run has a hard ceiling: a hang anywhere ends it with a failure, and the exit handler kills the children.
setTimeout(() => {
  console.error('FAIL: the end-to-end run exceeded 5 minutes');
  process.exit(1);
}, 300_000).unref();

const charts = '[data-testid^=gpu-chart-]:not([data-supported=false])';
// Viewport screenshots: a chart scrolled out of view skips drawing until it is visible, so a full-page picture
// would show the lower charts empty.
const shot = (page, name) => page.screenshot({ path: join(artifacts, `console-${name}.png`) });
const pointsPerChart = (page) => page.$$eval(charts, (els) => els.map((e) => Number(e.dataset.points)));

describe('console end to end', { skip: missing ?? false }, () => {
  let stack;
  let browser;
  let page;
  let inferenceUrl;
  let exporterPort;
  let exporter;
  let base;

  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    stack = new Stack(join(artifacts, 'logs'));
    exporterPort = await freePort();
    [inferenceUrl, exporter] = await Promise.all([
      stack.startInference(),
      stack.startExporter('exporter', { gpus: 2, pcie_not_supported: 1 }, exporterPort),
    ]);
    base = await stack.startGateway('gateway', inferenceUrl, `http://127.0.0.1:${exporterPort}`);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  }, { timeout: 200_000 });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('lists the static deployment on the overview, ready', async () => {
    await page.goto(base);
    const row = page.locator('[data-testid=deployment-row][data-name="local/local"]');
    await row.locator('[data-testid=health-badge][data-level=healthy]').waitFor();
    assert.match(await row.textContent(), /1\/1/, 'the one static replica should read ready');
    await shot(page, 'overview');
  });

  it('streams the answer to a typed message token by token', async () => {
    await page.goto(`${base}/deployments/local/local/chat`);
    // Record every length the answer's text takes while it streams, from the first DOM change on.
    await page.evaluate(() => {
      window.__answerLengths = [];
      new MutationObserver(() => {
        const a = [...document.querySelectorAll('[data-testid=message-assistant]')].at(-1);
        if (a && a.getAttribute('aria-busy') === 'true') window.__answerLengths.push(a.textContent.length);
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.getByTestId('chat-input').fill('Tell me about GPUs.');
    await page.getByTestId('chat-input').press('Enter');
    await page.getByTestId('message-user').filter({ hasText: 'Tell me about GPUs.' }).waitFor();
    const answer = page.getByTestId('message-assistant').last();
    await page.waitForFunction(() => (window.__answerLengths ?? []).some((n) => n > 0), null, { timeout: 60_000 });
    await answer.and(page.locator('[aria-busy=false]')).waitFor({ timeout: 120_000 });
    const lengths = await page.evaluate(() => [...new Set(window.__answerLengths.filter((n) => n > 0))]);
    assert.ok(lengths.length >= 2, `the answer appeared at once, not streamed (text lengths seen while busy: ${lengths})`);
    assert.ok((await answer.textContent()).trim().length > 0, 'the finished answer is empty');
    await page.getByTestId('answer-stats').last().waitFor();
    await shot(page, 'chat');
  });

  it('shows non-zero generation throughput on the Inference tab after the chat', async () => {
    await page.getByTestId('tab-link-inference').click();
    const value = page.getByTestId('metric-value-throughput');
    await value.waitFor();
    await page.waitForFunction(
      () => parseFloat(document.querySelector('[data-testid=metric-value-throughput]')?.textContent ?? '') > 0,
      null,
      { timeout: 15_000 },
    ).catch(async () => assert.fail(`throughput stayed "${await value.textContent()}" after a chat`));
    await shot(page, 'inference');
  });

  it('adds at least 5 points to every GPU chart within 3 s', async () => {
    await page.getByTestId('tab-link-gpu').click();
    await page.locator('[data-testid=gpu-panel]').nth(1).waitFor();
    await page.waitForFunction((sel) => {
      const els = [...document.querySelectorAll(sel)];
      return els.length >= 10 && els.every((e) => Number(e.dataset.points) > 0);
    }, charts);
    const start = await pointsPerChart(page);
    assert.ok(start.length >= 10, `expected 2 GPUs × 5 supported charts, found ${start.length} charts`);
    await page.waitForTimeout(3000);
    const end = await pointsPerChart(page);
    const gained = end.map((n, i) => n - start[i]);
    assert.ok(gained.every((g) => g >= 5), `points gained per chart in 3 s: ${gained.join(', ')}`);
    await page.getByTestId('window-60').click();
    await page.waitForTimeout(600);
    await shot(page, 'gpu');
  });

  it('reads "not supported" for the PCIe throughput the fake GPU does not report', async () => {
    const pcie = page.locator('[data-testid=gpu-chart-pcie][data-supported=false]');
    assert.equal(await pcie.count(), 2, 'both GPUs should mark PCIe unsupported');
    for (const text of await pcie.allTextContents()) assert.match(text, /not supported/);
    assert.doesNotMatch(await pcie.first().textContent(), /\b0 KB\/s/);
  });

  it('shows the stream disconnected when the exporter dies, and recovers when it is back', async () => {
    const status = page.locator('[data-testid=stream-status]').first();
    await assert.doesNotReject(status.and(page.locator('[data-state=up]')).waitFor(), 'the stream was not live');
    await exporter.kill();
    await status.and(page.locator('[data-state=down]')).waitFor({ timeout: 15_000 });
    assert.match(await status.textContent(), /disconnected/);
    await shot(page, 'gpu-disconnected');
    exporter = await stack.startExporter('exporter', { gpus: 2, pcie_not_supported: 1 }, exporterPort);
    await status.and(page.locator('[data-state=up]')).waitFor({ timeout: 45_000 });
    // At 15 minutes every new sample adds a point; a 1-minute window would lose a pre-outage one per new one.
    await page.getByTestId('window-900').click();
    const before = await pointsPerChart(page);
    await page.waitForFunction(
      ([sel, b]) => [...document.querySelectorAll(sel)].every((e, i) => Number(e.dataset.points) > b[i]),
      [charts, before],
      { timeout: 10_000 },
    );
  });

  it('shows the pod on the Pods tab', async () => {
    await page.getByTestId('tab-link-pods').click();
    await page.getByTestId('tab-pods').getByText('local-0').first().waitFor();
    await shot(page, 'pods');
    if (process.env.E2E_UPDATE_SCREENSHOT === '1') {
      mkdirSync(join(repo, 'docs/images'), { recursive: true });
      copyFileSync(join(artifacts, 'console-gpu.png'), join(repo, 'docs/images/console-gpu.png'));
    }
  });

  it(`keeps the GPU tab smooth at 8 GPUs × 6 charts, 2 Hz, a full 15-minute window (${scaleSeconds} s)`, { timeout: 120_000 + scaleSeconds * 1000 }, async () => {
    const port = await freePort();
    await stack.startExporter('exporter-8gpu', { gpus: 8 }, port);
    const gw = await stack.startGateway('gateway-8gpu', inferenceUrl, `http://127.0.0.1:${port}`);
    const p = await browser.context.newPage();
    await p.addInitScript(installMeasurement, { fillSeconds: 900 });
    await p.goto(`${gw}/deployments/local/local/gpu`);
    await p.getByTestId('window-900').click();
    await p.mouse.move(800, 500); // a user's pointer rests over the charts
    // The exporter has just started: its history is seconds long, extended to 15 minutes (measure.mjs).
    await p.waitForFunction(
      (sel) => { const els = [...document.querySelectorAll(sel)]; return els.length === 48 && els.every((e) => Number(e.dataset.points) >= 1790); },
      '[data-testid^=gpu-chart-]',
      { timeout: 60_000 },
    );
    await p.waitForTimeout(3000); // parsing the 15-minute history is behind us: measure the steady state
    await p.evaluate(resetMeasurement);
    await p.waitForTimeout(scaleSeconds * 1000);
    const r = await p.evaluate(() => ({ ...window.__measure }));
    const points = await p.$$eval('[data-testid^=gpu-chart-]', (els) => els.map((e) => Number(e.dataset.points)));
    const s = { gpus: 8, charts: points.length, pointsMin: Math.min(...points), pointsMax: Math.max(...points), seconds: scaleSeconds, load: loadavg().map((l) => +l.toFixed(1)), ...summarize(r) };
    writeFileSync(join(artifacts, 'gpu-scale.json'), JSON.stringify(s, null, 2));
    console.log(`GPU tab, 8 GPUs × 6 charts, 2 Hz, 15-minute window: ${JSON.stringify(s)}`);
    await p.screenshot({ path: join(artifacts, 'console-gpu-8.png') });
    await p.close();
    assert.equal(s.charts, 48);
    assert.ok(s.pointsMin >= 1790, `a chart's window held only ${s.pointsMin} samples, not 15 minutes' 1,800`);
    assert.ok(s.updates >= scaleSeconds, `only ${s.updates} updates measured in ${scaleSeconds} s`);
    const box = `load average ${s.load.join(' ')} on ${cpus().length} cores`;
    assert.ok(s.p95Ms < 16, `main-thread work per update p95 ${s.p95Ms} ms (target < 16 ms; ${box})`);
    // The target is no long task over 50 ms; on a 2-core box with software raster (headless, --disable-gpu) the
    // compositor's commits still make a few (3 in 20 s, longest 156 ms, at load 4). The run fails well before the
    // code before the ring buffers and frame budget (16-31 in 20 s, up to 295 ms) and records the count; the
    // target itself is tracked in docs/benchmarks.md, not claimed here.
    const longBound = Math.ceil(scaleSeconds * 0.4);
    assert.ok(s.longTasksOver50Ms <= longBound && s.longestTaskMs < 400,
      `${s.longTasksOver50Ms} long tasks over 50 ms (longest ${s.longestTaskMs} ms; allowed here ${longBound}, none over 400 ms; target none; ${box})`);
  });
});
