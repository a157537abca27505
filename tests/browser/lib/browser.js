'use strict';
// Debian's Chromium driven by playwright-core (never a downloaded browser), and full-page
// screenshots of every page a test visits, at 1280 and 390 CSS px.

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { ROOT } = require('./catalog');

const CHROMIUM = process.env.DESK_TEST_CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'target', 'browser-artifacts');

/** The browser. playwright-core gives every launch a fresh temporary user-data dir of its own. */
function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where this run's screenshots go: target/browser-artifacts/<backend>/, emptied of older PNGs. */
function artifactsDir(backend) {
  const dir = path.join(ARTIFACTS, backend);
  fs.mkdirSync(dir, { recursive: true });
  for (const file of fs.readdirSync(dir)) {
    if (file.endsWith('.png')) fs.rmSync(path.join(dir, file));
  }
  return dir;
}

const WIDTHS = [1280, 390];

/**
 * Screenshots of the page as it is, full page, at each width; the viewport is put back. Named
 * `<scenario>--<name>--<lang>--<width>.png`, or `<stem>--<lang>--<width>.png` when `stem` is given.
 */
async function shoot(page, dir, { scenario, name, lang, stem }) {
  const before = page.viewportSize();
  const files = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const file = path.join(dir, `${stem || `${scenario}--${name}`}--${lang}--${width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize(before);
  return files;
}

module.exports = { launch, artifactsDir, shoot, ARTIFACTS, WIDTHS };
