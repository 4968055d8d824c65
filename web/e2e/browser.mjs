// Headless Chromium from the system (Debian's `chromium` package) driven by playwright-core, with a fresh profile.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser test cannot run here, or null when it can. */
export function browserMissing() {
  return existsSync(chromiumPath) ? null : `no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM)`;
}

export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'qwenops-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1600, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
