import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Where every browser test saves its screenshots (not committed). */
export const ARTIFACTS = path.join(import.meta.dirname, 'artifacts');

/**
 * Debian's Chromium (or CHROMIUM_PATH) as a 375 px phone. The flags let it run as root in a container
 * without a GPU or a large /dev/shm.
 */
export async function launchPhone(
  options: { javaScriptEnabled?: boolean; timezoneId?: string } = {},
): Promise<{ browser: Browser; phone: BrowserContext }> {
  await mkdir(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const phone = await browser.newContext({
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    ...options,
  });
  // tsx compiles page.evaluate callbacks with esbuild's keepNames, which calls a __name helper that only
  // exists in Node; give the page a no-op one.
  await phone.addInitScript('window.__name = (f) => f;');
  return { browser, phone };
}
