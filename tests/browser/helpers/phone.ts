/** A phone as Chromium's device emulation makes one: 390 x 844 CSS px, touch, 3x pixels, dark or light. */
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { CHROMIUM } from './browser';

export const PHONE = { width: 390, height: 844 } as const;

export async function launchPlain(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function phoneContext(browser: Browser, colorScheme: 'dark' | 'light' = 'dark'): Promise<BrowserContext> {
  return browser.newContext({
    viewport: PHONE,
    screen: PHONE,
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    colorScheme,
    acceptDownloads: true,
  });
}
