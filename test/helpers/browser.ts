import fs from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium (or `CHROMIUM_PATH`); `test/browser/ensure-chromium.sh` installs it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium for dashboard tests, with everything that would reach the network
 * switched off: tests never leave 127.0.0.1.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: run sh test/browser/ensure-chromium.sh (or set CHROMIUM_PATH)`,
    );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** The dashboard's pages, for checks every page must pass. */
export const DASHBOARD_PAGES = [
  '/dashboard',
  '/dashboard/prices',
  '/dashboard/reports',
  '/dashboard/broadcasts',
  '/dashboard/contacts',
  '/dashboard/directory',
  '/dashboard/questions',
  '/dashboard/series',
];
