'use strict';
// The API reference page (/api/docs) in a real browser: Swagger UI served by us renders every
// operation of /api/v1/openapi.json under the page's own Content-Security-Policy, with no script
// error and nothing loaded from another origin.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { startServer, backend } = require('./lib/server');
const { SmtpSink } = require('./lib/smtp-sink');
const { launch, ARTIFACTS } = require('./lib/browser');

let sink;
let server;
let browser;

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  sink = new SmtpSink();
  const smtpPort = await sink.start();
  server = await startServer({
    smtpPort,
    logFile: path.join(ARTIFACTS, `server-apidocs-${backend()}.log`),
  });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
  if (sink) await sink.stop();
});

test('the API reference renders every operation, offline and within its policy', async () => {
  const document = await (await fetch(`${server.base}/api/v1/openapi.json`)).json();
  const operations = Object.values(document.paths)
    .flatMap((item) => Object.keys(item).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k)));
  assert.ok(operations.length > 10, `the document has operations: ${operations.length}`);

  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  const foreign = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(server.base) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  await page.goto(`${server.base}/api/docs`);
  const blocks = page.locator('.opblock');
  await blocks.first().waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('.opblock').length >= n, operations.length);
  assert.equal(await blocks.count(), operations.length, 'one block per documented operation');
  assert.deepEqual(foreign, [], 'nothing from another origin');
  assert.deepEqual(problems, [], 'no script error and no policy violation');
  await context.close();
});
