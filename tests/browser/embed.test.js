'use strict';
// The publisher's "Report this article" button (docs/EMBED.md) on a publisher's own article page:
// another origin, with a strict Content-Security-Policy that allows only the desk's origin for
// scripts and styles. The script must run without a CSP violation, add a link labelled in the
// article's language, and open the desk's form prefilled with the canonical URL in that language.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { msg } = require('./lib/catalog');
const { startServer, backend } = require('./lib/server');
const { SmtpSink } = require('./lib/smtp-sink');
const { launch, ARTIFACTS } = require('./lib/browser');

const CANONICAL = 'https://www.example.com/monde/2026/11/crue-chiffres';

let sink;
let server;
let browser;
let publisher;
let publisherBase;

/** A publisher's article page, served from its own origin with a strict CSP. */
function articlePage({ lang, slot }) {
  const desk = server.base;
  const button = slot
    ? `<div data-disinfo-desk-report data-lang="${lang}"></div>`
    : '';
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <title>Article</title>
  <link rel="canonical" href="${CANONICAL}">
  <link rel="stylesheet" href="${desk}/embed/report-button.css">
</head>
<body>
  <h1>Crue : les chiffres</h1>
  <p>Le texte de l'article.</p>
  ${button}
  <script src="${desk}/embed/report-button.js" defer></script>
</body>
</html>`;
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  sink = new SmtpSink();
  const smtpPort = await sink.start();
  server = await startServer({
    smtpPort,
    logFile: path.join(ARTIFACTS, `server-embed-${backend()}.log`),
  });
  publisher = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://publisher');
    const lang = url.searchParams.get('lang') || 'fr';
    const slot = url.searchParams.get('slot') === '1';
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      // As strict as a publisher's could be: the desk's origin only, no inline anything.
      'Content-Security-Policy': `default-src 'none'; script-src ${server.base}; style-src ${server.base}; img-src 'self'`,
    });
    res.end(articlePage({ lang, slot }));
  });
  await new Promise((resolve) => publisher.listen(0, '127.0.0.1', resolve));
  // Another origin than the desk's: another port.
  publisherBase = `http://127.0.0.1:${publisher.address().port}`;
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (publisher) await new Promise((resolve) => publisher.close(resolve));
  if (server) await server.stop();
  if (sink) await sink.stop();
});

async function openArticle(query) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations = [];
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${publisherBase}/article?${query}`);
  return { context, page, violations, errors };
}

test('the button script adds a link in the article\'s language under a strict CSP', async () => {
  const { context, page, violations, errors } = await openArticle('lang=fr');
  const link = page.locator('a.disinfo-desk-report');
  await link.waitFor();
  assert.equal(await link.count(), 1, 'one button, after the script');
  assert.equal((await link.innerText()).trim(), msg('fr', 'embed-button'));
  assert.equal(await link.getAttribute('lang'), 'fr');
  const href = new URL(await link.getAttribute('href'));
  assert.equal(href.origin, server.base);
  assert.equal(href.pathname, '/report');
  assert.equal(href.searchParams.get('url'), CANONICAL, 'the canonical URL, not the page address');
  assert.equal(href.searchParams.get('lang'), 'fr');
  // The optional stylesheet applied (a border), loaded from the desk under the same policy.
  const border = await link.evaluate((a) => getComputedStyle(a).borderTopStyle);
  assert.equal(border, 'solid');
  assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
  assert.deepEqual(errors, [], 'no script error');

  // Following it opens the desk's form, prefilled, in French, French preselected.
  await Promise.all([page.waitForURL(`${server.base}/report**`), link.click()]);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await page.locator('h1').innerText(), msg('fr', 'form-title'));
  assert.equal(await page.locator('#article_url').inputValue(), CANONICAL);
  assert.equal(await page.locator('#language').inputValue(), 'fr');
  await context.close();
});

test('marked slots get the button; a regional tag finds its language', async () => {
  const { context, page, violations } = await openArticle('lang=zh-CN&slot=1');
  const link = page.locator('[data-disinfo-desk-report] a.disinfo-desk-report');
  await link.waitFor();
  assert.equal(await page.locator('a.disinfo-desk-report').count(), 1, 'in the slot only');
  assert.equal((await link.innerText()).trim(), msg('zh-Hans', 'embed-button'));
  const href = new URL(await link.getAttribute('href'));
  assert.equal(href.searchParams.get('lang'), 'zh-Hans');
  assert.deepEqual(violations, []);
  await context.close();

  // A language the desk does not offer: the desk's default.
  const other = await openArticle('lang=de');
  const fallback = other.page.locator('a.disinfo-desk-report');
  await fallback.waitFor();
  assert.equal((await fallback.innerText()).trim(), msg('en', 'embed-button'));
  assert.equal(new URL(await fallback.getAttribute('href')).searchParams.get('lang'), 'en');
  await other.context.close();
});
