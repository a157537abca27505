'use strict';
// The screenshot tour: every public and every dashboard page, full page at 1280 and 390 CSS px,
// public pages in English and Arabic (the form and the status page in Chinese too), for people to
// look at. Not a test (no assertions beyond "the page answered as expected"): run it with
// scripts/tour, which builds the binary first.
//
// The real server binary on a fresh SQLite database filled by `seed-demo`, mail over SMTP to an
// in-process sink (which refuses bounce@… with a 550, so the outbox has a dead message to show).
// Writes target/tour/<nn>-<page>--<lang>--<width>.png and target/tour/index.html.

const fs = require('node:fs');
const path = require('node:path');

const { ROOT } = require('./lib/catalog');
const { startServer } = require('./lib/server');
const { SmtpSink } = require('./lib/smtp-sink');
const { launch, shoot, WIDTHS } = require('./lib/browser');
const { horizontalOverflow, axeViolations } = require('./lib/a11y');

const OUT = path.join(ROOT, 'target', 'tour');
const DEMO_REPORTS = process.env.TOUR_REPORTS || '1500';
// TOUR_AXE=1: also run axe-core on every page (serious and critical violations become warnings).
const AXE = process.env.TOUR_AXE === '1';
const ADMIN = 'tour-admin@example.com';
const EDITOR = 'tour-editor@example.com';
const PASSWORD = 'a long and unusual passphrase for the tour';
const BOUNCE = 'bounce@example.org';

const LOCALES = { en: 'en-US', ar: 'ar', 'zh-Hans': 'zh-CN' };
const READERS = {
  en: {
    url: 'https://www.example.com/world/2026/11/flood-figures?utm_source=newsletter',
    category: 'false_claim',
    passage: 'More than 10,000 people were evacuated from the valley on Tuesday.',
    explanation: 'The regional bulletin says 1,000 people were evacuated, not 10,000. The figure in the second paragraph is off by a factor of ten, and the headline repeats it.',
    evidence: 'https://gov.example.org/bulletins/2026/11/42',
    name: 'Jamie Reader',
    email: 'reader-en@example.org',
    bad: { url: 'https://news.elsewhere.example.net/2026/story', explanation: 'Wrong', email: 'jamie@' },
  },
  ar: {
    url: 'https://www.example.com/world/2026/11/flood-figures',
    category: 'misleading_context',
    passage: 'تم إجلاء أكثر من 10000 شخص من الوادي يوم الثلاثاء.',
    explanation: 'تقول نشرة الحكومة الإقليمية إن عدد الذين تم إجلاؤهم 1000 شخص وليس 10000. الرقم في الفقرة الثانية خاطئ.',
    evidence: 'https://gov.example.org/bulletins/2026/11/42',
    name: 'سارة',
    email: 'reader-ar@example.org',
    bad: { url: 'https://news.elsewhere.example.net/2026/story', explanation: 'خطأ كبير', email: 'sara@' },
  },
  'zh-Hans': {
    url: 'https://www.example.com/world/2026/11/flood-figures',
    category: 'false_claim',
    passage: '超过 10000 人被疏散。',
    explanation: '地区政府的公告说疏散人数是 1000 人，不是 10000 人。文章第二段的数字错了。',
    evidence: 'https://gov.example.org/bulletins/2026/11/42',
    name: '李华',
    email: 'reader-zh@example.org',
    bad: { url: 'https://news.elsewhere.example.net/2026/story', explanation: '错了', email: 'lihua@' },
  },
};

/** Every screenshot taken: { nn, page, lang, note, files }. */
const shots = [];
/** Pages wider than the window (they scroll sideways), with the elements that stick out. */
const warnings = [];
const numbers = new Map();
let server;

function url(p) {
  return `${server.base}${p}`;
}

/** The page's number: the same for every language and width of one page. */
function numberOf(name) {
  if (!numbers.has(name)) numbers.set(name, String(numbers.size + 1).padStart(2, '0'));
  return numbers.get(name);
}

async function snap(page, name, lang, note) {
  const nn = numberOf(name);
  const files = await shoot(page, OUT, { stem: `${nn}-${name}`, lang });
  for (const [i, file] of files.entries()) {
    // A full-page shot wider than its window: the page scrolls sideways there. Say what sticks out.
    if (fs.readFileSync(file).readUInt32BE(16) > WIDTHS[i]) {
      const before = page.viewportSize();
      await page.setViewportSize({ width: WIDTHS[i], height: 900 });
      warnings.push(...(await horizontalOverflow(page, path.basename(file))));
      await page.setViewportSize(before);
    }
  }
  if (AXE) warnings.push(...(await axeViolations(page, `${nn}-${name} (${lang})`)));
  shots.push({ nn, name, lang, note, path: new URL(page.url()).pathname, files: files.map((f) => path.basename(f)) });
}

async function open(page, p, status = 200) {
  const response = await page.goto(url(p));
  if (response.status() !== status) throw new Error(`GET ${p}: ${response.status()}, expected ${status}`);
  return response;
}

/** Submits `formSelector` with its first submit button (or `buttonSelector`); the POST's answer. */
async function submit(page, formSelector, buttonSelector = 'button[type=submit]', status) {
  const form = page.locator(formSelector).first();
  const action = new URL(await form.evaluate((f) => f.action)).pathname;
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action),
    page.waitForEvent('load'),
    form.locator(buttonSelector).first().click(),
  ]);
  if (status !== undefined && response.status() !== status) {
    throw new Error(`POST ${action}: ${response.status()}, expected ${status} (now on ${page.url()})`);
  }
  return response;
}

function linkIn(mail, pattern) {
  const found = (mail.text || '').match(pattern);
  if (!found) throw new Error(`no link ${pattern} in the email "${mail.subject}":\n${mail.text}`);
  return new URL(found[0]).pathname + new URL(found[0]).search;
}

async function signIn(context, email = ADMIN) {
  const page = await context.newPage();
  await open(page, '/desk/login');
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await submit(page, 'form[action="/desk/login"]', 'button[type=submit]', 303);
  return page;
}

// ------------------------------------------------------------------ public pages

async function publicPages(browser, sink, lang, decidedCode) {
  const context = await browser.newContext({ locale: LOCALES[lang] });
  const page = await context.newPage();
  const r = READERS[lang];
  const full = lang !== 'zh-Hans'; // Chinese: the form and the status pages only
  try {
    await open(page, `/report?lang=${lang}`); // sets the language cookie for the rest
    await snap(page, 'report-form', lang, 'the form, empty');

    await page.locator('#article_url').fill(r.bad.url);
    await page.locator('#explanation').fill(r.bad.explanation);
    await page.locator('#reporter_email').fill(r.bad.email);
    await page.locator('#wants_outcome').check();
    await submit(page, 'form[action="/report"]', 'button[type=submit]', 422);
    await snap(page, 'report-form-errors', lang, 'the form sent wrong: the summary and a message beside each field');

    await page.locator('#article_url').fill(r.url);
    await page.locator(`#category-${r.category}`).check();
    await page.locator('#passage').fill(r.passage);
    await page.locator('#explanation').fill(r.explanation);
    await page.locator('#evidence_urls-1').fill(r.evidence);
    await page.locator('#reporter_name').fill(r.name);
    await page.locator('#reporter_email').fill(r.email);
    await submit(page, 'form[action="/report"]', 'button[type=submit]', 303);
    const code = (await page.locator('#tracking-code').innerText()).trim();
    await snap(page, 'thanks', lang, 'the thank-you page with the tracking code');

    await open(page, `/status/${code}`);
    await snap(page, 'status-open', lang, 'the status of an open report');
    await open(page, `/status/${decidedCode}`);
    await snap(page, 'status-decided', lang, 'the status of a corrected report, with the note and the correction');
    if (!full) return code;

    await open(page, '/status');
    await snap(page, 'status-lookup', lang, 'the status lookup, empty');
    await open(page, '/status?code=K7Q-XM', 422);
    await snap(page, 'status-lookup-error', lang, 'the status lookup with a wrong code');
    await open(page, '/status/ABCDEF-GHJKLM', 404);
    await snap(page, 'status-unknown', lang, 'a well-formed code that matches no report (404)');
    await open(page, '/no-such-page', 404);
    await snap(page, 'not-found', lang, 'a public 404');

    // Unsubscribe, from the acknowledgement's link.
    const ack = await sink.waitFor(r.email, (m) => (m.subject || '').includes(code), { what: 'acknowledgement' });
    await open(page, linkIn(ack, /https?:\/\/\S+\/unsubscribe\?\S+/));
    await snap(page, 'unsubscribe', lang, 'unsubscribe, from the email link');
    await submit(page, 'form[action*="/unsubscribe"]');
    await snap(page, 'unsubscribe-done', lang, 'unsubscribed');

    // Erasure: ask, the email, confirm, done.
    await open(page, `/status/${code}/erase`);
    await snap(page, 'erase-ask', lang, 'erase my data: the email asked for');
    await page.locator('#email').fill(r.email);
    await submit(page, `form[action="/status/${code}/erase"]`);
    await snap(page, 'erase-sent', lang, 'erase: the confirmation link is sent');
    const confirm = await sink.waitFor(r.email, (m) => /\/erase\/confirm\?/.test(m.text || ''), { what: 'erasure confirmation' });
    await open(page, linkIn(confirm, /https?:\/\/\S+\/erase\/confirm\?\S+/));
    await snap(page, 'erase-confirm', lang, 'erase: the confirmation page from the email');
    await submit(page, 'form[action*="/erase/confirm"]');
    await snap(page, 'erase-done', lang, 'erase: done');
    return code;
  } finally {
    await context.close();
  }
}

/** A report whose acknowledgement bounces: the outbox's dead message. */
async function bouncingReport(browser) {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await open(page, '/report?lang=en');
    await page.locator('#article_url').fill('https://www.example.com/politics/2026/11/budget-claims');
    await page.locator('#category-outdated').check();
    await page.locator('#explanation').fill('The figures are from the 2024 budget; the 2026 budget changed them.');
    await page.locator('#reporter_email').fill(BOUNCE);
    await submit(page, 'form[action="/report"]', 'button[type=submit]', 303);
  } finally {
    await context.close();
  }
}

// ------------------------------------------------------------------ dashboard pages

async function deskPages(browser, readerCode) {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const login = await context.newPage();
    await open(login, '/desk/login');
    await snap(login, 'desk-login', 'en', 'sign in');
    await login.locator('#email').fill(ADMIN);
    await login.locator('#password').fill('not the password');
    await submit(login, 'form[action="/desk/login"]');
    await snap(login, 'desk-login-error', 'en', 'sign in refused');
    await login.close();

    const page = await signIn(context);
    await snap(page, 'desk-queue', 'en', 'the queue (admin: every desk)');
    await open(page, '/desk?desk=world&category=false_claim&status=new&status=triaged&sort=waiting');
    await snap(page, 'desk-queue-filtered', 'en', 'the queue filtered: World desk, false claims, new or triaged, longest waiting');
    await open(page, '/desk?from=yesterday&language=not a tag', 422);
    await snap(page, 'desk-queue-filter-errors', 'en', 'the queue with wrong filters');
    await open(page, '/desk?q=words+that+no+report+uses');
    await snap(page, 'desk-queue-empty', 'en', 'the queue with nothing to show');
    await open(page, '/desk');
    await Promise.all([page.waitForEvent('load'), page.locator('.pager a[rel=next]').first().click()]);
    await snap(page, 'desk-queue-page-2', 'en', 'the queue, second page');

    await open(page, '/desk/reports');
    await snap(page, 'desk-reports', 'en', 'the report list');
    await Promise.all([page.waitForEvent('load'), page.locator('.pager a[rel=next]').first().click()]);
    await snap(page, 'desk-reports-page-2', 'en', 'the report list, second page');

    // The article with the most open reports, and its first decided report.
    await open(page, '/desk?sort=most');
    const articleHref = await page.locator('tr.queue-row a.article-link').first().getAttribute('href');
    await open(page, articleHref);
    await snap(page, 'desk-article', 'en', 'an article with many reports');

    await open(page, '/desk/reports?status=corrected');
    const decided = await page.locator('tr.report-row a.code').first().innerText();
    await open(page, `/desk/reports/${decided.trim()}`);
    await snap(page, 'desk-report-decided', 'en', 'a decided report: its outcome and timeline');
    await open(page, `/desk/reports/${readerCode}`);
    await snap(page, 'desk-report-open', 'en', "the Chinese reader's open report: contact, evidence, the decision form");
    await page.locator('#to-triaged').check();
    await page.locator('#internal_note').fill('Looks right: the bulletin is public. Asking the author.');
    await submit(page, `form[action="/desk/reports/${readerCode}/transition"]`);
    await snap(page, 'desk-report-moved', 'en', 'the report after a move, with its flash and timeline');

    // Resolve the article: errors, the confirmation, done.
    await open(page, articleHref);
    await page.locator('#to-corrected').check();
    await submit(page, `form[action="${articleHref}/resolve"]`);
    await snap(page, 'desk-article-resolve-errors', 'en', 'resolving without the note or the correction');
    await page.locator('#to-corrected').check();
    await page.locator('#public_note').fill('We checked the figures against the regional bulletin: 1,000 people were evacuated, not 10,000. The article has been corrected.');
    await page.locator('#internal_note').fill('Bulletin 42, checked with the author on Tuesday.');
    await page.locator('#correction_url').fill('https://www.example.com/corrections/2026/11/flood-figures');
    await submit(page, `form[action="${articleHref}/resolve"]`, 'button[type=submit]', 200);
    await snap(page, 'desk-resolve-confirm', 'en', 'the resolve confirmation: counts and the note as sent');
    await submit(page, `form[action="${articleHref}/resolve"]`, 'button[name=confirm]');
    await snap(page, 'desk-article-resolved', 'en', 'the article once resolved');

    // The outbox, once the bounced acknowledgement is dead.
    for (let i = 0; i < 50; i += 1) {
      await open(page, '/desk/outbox');
      if ((await page.locator('tr[id^="message-"]').count()) > 0) break;
      await page.waitForTimeout(200);
    }
    await snap(page, 'desk-outbox', 'en', 'the outbox with a dead message');

    // Routing: the page, a rule added, a URL tested, the edit page.
    await open(page, '/desk/admin/routing');
    await snap(page, 'desk-routing', 'en', 'routing rules');
    await page.locator('#desk').selectOption('politics');
    await page.locator('#path_prefix').fill('/world/2026/elections');
    await page.locator('#priority').fill('10');
    await submit(page, 'form[action="/desk/admin/routing/rules"]');
    await open(page, '/desk/admin/routing?url=https%3A%2F%2Fwww.example.com%2Fworld%2F2026%2Felections%2Fresults&category=false_claim&language=en#test');
    await snap(page, 'desk-routing-tested', 'en', 'routing with a dashboard rule, a tested URL and the change log');
    const edit = await page.locator('a[href$="/edit"]').first().getAttribute('href');
    await open(page, edit);
    await snap(page, 'desk-routing-edit', 'en', 'editing a dashboard rule');
    await page.locator('#path_prefix').fill('');
    await submit(page, `form[action="${edit.replace(/\/edit$/, '')}"]`);
    await snap(page, 'desk-routing-edit-errors', 'en', 'a rule without a condition');

    // Response targets: the figures per desk, a desk's own targets, a refused value.
    await open(page, '/desk/targets');
    await snap(page, 'desk-targets', 'en', 'response targets and the figures per desk');
    await open(page, '/desk/admin/routing/desks/world/targets');
    await page.locator('#triage_minutes').fill('0');
    await submit(page, 'form[action="/desk/admin/routing/desks/world/targets"]', 'button[type=submit]', 422);
    await snap(page, 'desk-targets-errors', 'en', 'a desk target refused beside its field');

    await open(page, '/desk/account/password');
    await snap(page, 'desk-password', 'en', 'change password');
    await page.locator('#current_password').fill('wrong');
    await page.locator('#new_password').fill('short');
    await submit(page, 'form[action="/desk/account/password"]');
    await snap(page, 'desk-password-errors', 'en', 'change password, refused');

    await open(page, '/desk/reports/new');
    await snap(page, 'desk-entry', 'en', 'record a call or letter');
    await page.locator('#reporter_name').fill('Pat Caller');
    await page.locator('#explanation').fill('Too short');
    await submit(page, 'form[action="/desk/reports/new"]');
    await snap(page, 'desk-entry-errors', 'en', 'record a call: wrong');
    await page.locator('#channel-phone').check();
    await page.locator('#article_url').fill('https://www.example.com/health/2026/11/vaccine-trial');
    await page.locator('#category-misleading_context').check();
    await page.locator('#explanation').fill('The caller says the trial had 40 participants, not 4,000, and that the headline overstates it.');
    await page.locator('#contact_consent').check();
    await page.locator('#reporter_phone').fill('+44 20 7946 0958');
    await page.locator('#reporter_email').fill('pat.caller@example.org');
    await submit(page, 'form[action="/desk/reports/new"]');
    await snap(page, 'desk-entry-entered', 'en', 'recorded: the code to read aloud');

    await open(page, '/desk/reports/ABCDEF-GHJKLM', 404);
    await snap(page, 'desk-report-not-found', 'en', 'a dashboard 404: no such report');
    await open(page, '/desk/no-such-page', 404);
    await snap(page, 'desk-not-found', 'en', 'a dashboard 404: no such page');

    await open(page, '/desk');
    await submit(page, 'form[action="/desk/logout"]');
    await snap(page, 'desk-signed-out', 'en', 'signed out');
  } finally {
    await context.close();
  }

  // An editor (no admin): their own desk's queue and a page they may not open.
  const editor = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await signIn(editor, EDITOR);
    await snap(page, 'desk-queue-editor', 'en', "an editor's queue: their desk");
    await open(page, '/desk/admin/routing', 403);
    await snap(page, 'desk-forbidden', 'en', 'an editor on an admin page (403)');
  } finally {
    await editor.close();
  }
}

// ------------------------------------------------------------------ the index

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

function writeIndex(seconds) {
  const byPage = new Map();
  for (const shot of shots) {
    if (!byPage.has(shot.nn)) byPage.set(shot.nn, []);
    byPage.get(shot.nn).push(shot);
  }
  const sections = [...byPage.entries()].map(([nn, list]) => {
    const cells = list.map((s) => s.files.map((f, i) => `<figure><a href="${escape(f)}"><img src="${escape(f)}" alt="" loading="lazy" width="${WIDTHS[i] === 390 ? 180 : 360}"></a><figcaption>${escape(s.lang)} · ${WIDTHS[i]} px</figcaption></figure>`).join('')).join('');
    return `<section id="p${nn}"><h2>${nn} ${escape(list[0].name)}</h2><p>${escape(list[0].note)} · <code>${escape(list[0].path)}</code></p><div class="shots">${cells}</div></section>`;
  });
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>disinfo-desk screenshot tour</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1f24}h2{font-size:1.1rem;margin:1.5rem 0 .2rem}p{margin:0 0 .5rem;color:#57606a}
.shots{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}figure{margin:0}figcaption{font-size:.85rem;color:#57606a}
img{border:1px solid #d0d7de;display:block;height:360px;object-fit:cover;object-position:top}
nav a{margin-inline-end:.8rem;white-space:nowrap}</style></head>
<body><h1>disinfo-desk: screenshot tour</h1>
<p>${shots.reduce((n, s) => n + s.files.length, 0)} screenshots of ${byPage.size} pages, ${new Date().toISOString()}, in ${seconds} s. Each thumbnail shows the top of the page; click it for the whole page.</p>
${warnings.length ? `<h2>Warnings</h2><ul>${warnings.map((w) => `<li><pre>${escape(w)}</pre></li>`).join('')}</ul>` : ''}
<nav>${[...byPage.entries()].map(([nn, list]) => `<a href="#p${nn}">${nn}&nbsp;${escape(list[0].name)}</a>`).join(' ')}</nav>
${sections.join('\n')}
</body></html>
`;
  fs.writeFileSync(path.join(OUT, 'index.html'), html);
}

// ------------------------------------------------------------------ main

async function main() {
  const started = Date.now();
  fs.mkdirSync(OUT, { recursive: true });
  for (const file of fs.readdirSync(OUT)) {
    if (file.endsWith('.png') || file === 'index.html') fs.rmSync(path.join(OUT, file));
  }
  const sink = new SmtpSink({ refuse: (address) => address === BOUNCE });
  const smtpPort = await sink.start();
  let seeded = '';
  server = await startServer({
    smtpPort,
    logFile: path.join(OUT, 'server.log'),
    prepare(cli) {
      seeded = cli(['seed-demo', '--reports', DEMO_REPORTS]).split('\n')[0];
    },
  });
  let browser;
  try {
    console.log(`tour: ${seeded}; server at ${server.base}`);
    server.createUser(ADMIN, PASSWORD, { name: 'Tour Admin', role: 'admin' });
    server.createUser(EDITOR, PASSWORD, { name: 'Tour Editor', desks: ['world'] });
    browser = await launch();

    // A corrected demo report, for the status page of a decided report.
    const context = await browser.newContext({ locale: 'en-US' });
    const desk = await signIn(context);
    await open(desk, '/desk/reports?status=corrected');
    const decidedCode = (await desk.locator('tr.report-row a.code').first().innerText()).trim();
    await context.close();

    await bouncingReport(browser);
    const codes = {};
    for (const lang of ['en', 'ar', 'zh-Hans']) codes[lang] = await publicPages(browser, sink, lang, decidedCode);
    await deskPages(browser, codes['zh-Hans']); // the one report whose reader was not erased
  } finally {
    if (browser) await browser.close();
    await server.stop();
    await sink.stop();
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  writeIndex(seconds);
  const count = shots.reduce((n, s) => n + s.files.length, 0);
  for (const warning of warnings) console.log(`tour: WARNING ${warning}`);
  console.log(`tour: ${count} screenshots of ${numbers.size} pages in ${seconds} s`);
  console.log(`tour: saved in ${path.relative(process.cwd(), OUT) || OUT}/, open ${path.join(OUT, 'index.html')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
