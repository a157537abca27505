'use strict';
// Browser end-to-end and accessibility tests: the real server binary, Debian's Chromium, a real
// SMTP sink. The scenarios share one server and run in order: the Chinese reader's report of
// scenario 1 is the one the editor resolves in scenario 3, whose outcome the later ones look at.
//
//   node --test tests/browser/        (scripts/test builds the binary and runs this on both backends)

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { msg } = require('./lib/catalog');
const { startServer, backend } = require('./lib/server');
const { SmtpSink } = require('./lib/smtp-sink');
const { launch, artifactsDir, shoot, ARTIFACTS, WIDTHS } = require('./lib/browser');
const a11y = require('./lib/a11y');

const EDITOR = 'browser-editor@example.com';
const EDITOR_PASSWORD = 'a long and unusual passphrase for the browser tests';
const READER_ZH = 'reader-zh@example.org';
const READER_EN = 'reader-en@example.org';
const ARTICLE = 'https://www.example.com/world/2026/11/flood-figures';
const ARTICLE_PATH = '/world/2026/11/flood-figures';
const SECOND_ARTICLE = 'https://www.example.com/politics/2026/11/budget-claims';
const SECOND_ARTICLE_PATH = '/politics/2026/11/budget-claims';
const CORRECTION = 'https://www.example.com/corrections/2026/11/flood-figures';
const NOTE_ZH = '我们核对了地区政府的公告：撤离人数为 1000 人，而不是 10000 人。文章已据此更正。';
// Twelve symbols without 0, O, 1 and I, in two halves.
const TRACKING_CODE = /^[2-9A-HJ-NP-Z]{6}-[2-9A-HJ-NP-Z]{6}$/;
const ARABIC = /[\u0600-\u06FF]/;

let sink;
let server;
let browser;
let shots;
/** What one scenario leaves for the next ones. */
const state = { shots: [] };

before(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  shots = artifactsDir(backend());
  sink = new SmtpSink();
  const smtpPort = await sink.start();
  server = await startServer({ smtpPort, logFile: path.join(ARTIFACTS, `server-${backend()}.log`) });
  // The World desk's editor: the articles of scenarios 1 and 3 are under /world/.
  server.createUser(EDITOR, EDITOR_PASSWORD, { desks: ['world', 'politics'] });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    const exit = await server.stop();
    if (exit && exit.code !== 0) console.error(`the server exited with ${JSON.stringify(exit)} after SIGTERM`);
  }
  if (sink) await sink.stop();
});

// ------------------------------------------------------------------ helpers

function url(p) {
  return `${server.base}${p}`;
}

/** Opens `p` and checks the answer's status. */
async function open(page, p, status = 200) {
  const response = await page.goto(url(p));
  assert.equal(response.status(), status, `GET ${p}: status`);
  return response;
}

async function htmlLangDir(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.getAttribute('lang'),
    dir: document.documentElement.getAttribute('dir'),
  }));
}

async function expectLanguage(page, lang, where) {
  assert.deepEqual(await htmlLangDir(page), { lang, dir: lang === 'ar' ? 'rtl' : 'ltr' }, `<html lang dir> of ${where}`);
}

/** Screenshots of the page at each width, remembered for scenario 6. */
async function snap(page, scenario, name, lang) {
  const files = await shoot(page, shots, { scenario, name, lang });
  state.shots.push({ scenario, name, lang, files });
}

/**
 * Clicks the submit button of the form `formSelector`; returns the answer to its POST once the
 * page it leads to (the answer itself, or where it redirects) has loaded.
 */
async function submit(page, formSelector, buttonSelector = 'button[type=submit]') {
  const form = page.locator(formSelector);
  const action = new URL(await form.evaluate((f) => f.action)).pathname;
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === action),
    page.waitForEvent('load'), // the next document's: the current one has loaded already
    form.locator(buttonSelector).first().click(),
  ]);
  return response;
}

async function signIn(context) {
  const page = await context.newPage();
  await open(page, '/desk/login');
  await page.getByLabel(msg('en', 'desk-login-email')).fill(EDITOR);
  await page.getByLabel(msg('en', 'desk-login-password')).fill(EDITOR_PASSWORD);
  const response = await submit(page, 'form[action="/desk/login"]');
  assert.equal(response.status(), 303, 'sign-in answers with a redirect');
  assert.equal(new URL(page.url()).pathname, '/desk', 'signed in, the queue');
  return page;
}

// ------------------------------------------------------------------ 1. a reader in Chinese

test('1. a reader in Chinese reports an article; the thank-you page and the acknowledgement are in Chinese', { timeout: 90_000 }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN' }); // Accept-Language: zh-CN
  const page = await context.newPage();
  try {
    await open(page, '/report');
    await expectLanguage(page, 'zh-Hans', 'the form (Accept-Language: zh-CN)');
    assert.equal(await page.locator('h1').innerText(), msg('zh-Hans', 'form-title'));
    assert.equal(await page.locator('#language').inputValue(), 'zh-Hans', "the report's language defaults to the page's");
    await snap(page, '1-reader', 'report-form', 'zh-Hans');

    // Filled as a reader does, finding each field by its label.
    await page.getByLabel(msg('zh-Hans', 'field-article_url')).fill(`${ARTICLE}?utm_source=wechat`);
    await page.getByLabel(msg('zh-Hans', 'category-false_claim')).check();
    await page.getByLabel(msg('zh-Hans', 'field-passage')).fill('超过 10000 人被疏散。');
    await page.getByLabel(msg('zh-Hans', 'field-explanation')).fill('地区政府的公告说疏散人数是 1000 人，不是 10000 人。');
    await page.getByLabel(msg('zh-Hans', 'field-evidence_urls-item', { n: 1 })).fill('https://gov.example.org/bulletin/42');
    await page.getByLabel(msg('zh-Hans', 'field-reporter_name')).fill('李华');
    await page.getByLabel(msg('zh-Hans', 'field-reporter_email')).fill(READER_ZH);
    await page.getByLabel(msg('zh-Hans', 'field-wants_outcome')).check();
    const response = await submit(page, 'form[action="/report"]');
    assert.equal(response.status(), 303, 'a sent report redirects to the thank-you page');

    const match = /^\/report\/thanks\/([^/]+)$/.exec(new URL(page.url()).pathname);
    assert.ok(match, `on the thank-you page, not ${page.url()}`);
    await expectLanguage(page, 'zh-Hans', 'the thank-you page');
    assert.equal(await page.locator('h1').innerText(), msg('zh-Hans', 'thanks-title'));
    const code = (await page.locator('#tracking-code').innerText()).trim();
    assert.match(code, TRACKING_CODE);
    assert.equal(code, match[1], 'the page shows the code of its address');
    assert.equal(await page.locator('#tracking-code-label').innerText(), msg('zh-Hans', 'thanks-your_code'));
    assert.equal(await page.locator('.acknowledgement').innerText(), msg('zh-Hans', 'thanks-ack-emailed'));
    assert.equal(await page.locator('.recap a').innerText(), ARTICLE, 'the recap names the canonical URL (tracking parameter dropped)');
    await snap(page, '1-reader', 'thanks', 'zh-Hans');

    const mail = await sink.waitFor(READER_ZH, (m) => (m.subject || '').includes(code), { what: 'acknowledgement' });
    assert.equal(mail.subject, `${msg('zh-Hans', 'email-ack-subject')} ${code}`);
    for (const id of ['email-ack-greeting', 'email-ack-intro', 'email-ack-code', 'email-ack-outcome_promised']) {
      assert.ok(mail.text.includes(msg('zh-Hans', id)), `the acknowledgement's text says ${id} in Chinese:\n${mail.text}`);
    }
    assert.ok(mail.text.includes(code), 'the text carries the tracking code');
    assert.ok(mail.text.includes(`${server.base}/status/${code}?lang=zh-Hans`), 'the status link opens in Chinese');
    assert.ok(mail.html && mail.html.includes('lang="zh-Hans"'), 'the HTML part is marked Chinese');
    assert.ok(mail.html.includes(msg('zh-Hans', 'email-ack-greeting')), 'the HTML part is in Chinese');
    state.zh = { code };
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------------ 2. a wrong submission in Arabic

test('2. a wrong submission in Arabic comes back right to left, with a focused error summary and the input kept', { timeout: 90_000 }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await open(page, '/report?lang=ar');
    await expectLanguage(page, 'ar', 'the form (?lang=ar)');
    const typed = {
      article_url: 'https://news.elsewhere.example.net/2026/story',
      passage: 'تم إجلاء أكثر من 10000 شخص.',
      explanation: 'خطأ كبير', // 8 characters: fewer than 10
      reporter_name: 'سارة',
      reporter_email: 'sara@',
    };
    for (const [id, value] of Object.entries(typed)) await page.locator(`#${id}`).fill(value);
    await page.locator('#wants_outcome').check();
    // No category chosen.
    const response = await submit(page, 'form[action="/report"]');
    assert.equal(response.status(), 422);

    await expectLanguage(page, 'ar', 'the form with errors');
    assert.ok((await page.title()).startsWith(msg('ar', 'form-error_title_prefix')), 'the title says there is an error');
    const summary = page.locator('.error-summary');
    assert.equal(await summary.count(), 1, 'one error summary');
    assert.equal(await summary.getAttribute('role'), 'alert');
    assert.ok(await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('error-summary')),
      `the error summary has the focus, not ${await page.evaluate(() => document.activeElement && document.activeElement.outerHTML.slice(0, 80))}`);
    assert.equal(await page.locator('#error-summary-title').innerText(), msg('ar', 'form-error_summary'));
    // At the top: before the form, in the first screen.
    assert.ok(await page.evaluate(() => {
      const s = document.querySelector('.error-summary');
      const f = document.querySelector('form[action="/report"]');
      return Boolean(s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
    }), 'the summary comes before the form');
    const box = await summary.boundingBox();
    assert.ok(box && box.y < page.viewportSize().height, 'the summary is in the first screen');

    // One link per wrong field, in the order of the form, each to its field.
    const links = await summary.locator('a').evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })));
    assert.deepEqual(links.map((l) => l.href), ['#article_url', '#category-false_claim', '#explanation', '#reporter_email']);
    for (const link of links) assert.match(link.text, ARABIC, `summary link ${link.href} is in Arabic`);

    // Beside each field: its message, tied to it for screen readers.
    const expected = {
      article_url: msg('ar', 'validation-article_url-not_publisher', { host: 'news.elsewhere.example.net' }),
      category: msg('ar', 'validation-required'),
      // (plural forms: checked by its numbers and its script below)
      explanation: null,
      reporter_email: msg('ar', 'validation-email'),
    };
    for (const [field, text] of Object.entries(expected)) {
      const error = page.locator(`#${field}-error`);
      assert.ok(await error.isVisible(), `a visible message beside ${field}`);
      const shown = (await error.innerText()).trim();
      if (text === null) {
        assert.match(shown, ARABIC, `the message beside ${field} is in Arabic`);
        assert.match(shown, /10[^]*5000/, `the message beside ${field} gives the limits`);
      } else {
        assert.equal(shown, text, `the message beside ${field}`);
      }
      const tied = await page.evaluate(({ field }) => {
        const control = document.getElementById(field);
        const error = document.getElementById(`${field}-error`);
        return {
          sameField: control.closest('.field') === error.closest('.field'),
          describedBy: (control.getAttribute('aria-describedby') || '').split(/\s+/),
          invalid: control.getAttribute('aria-invalid'),
          tag: control.tagName.toLowerCase(),
        };
      }, { field });
      assert.ok(tied.sameField, `the message of ${field} is in its field`);
      assert.ok(tied.describedBy.includes(`${field}-error`), `${field} is described by its message`);
      if (tied.tag !== 'fieldset') assert.equal(tied.invalid, 'true', `${field} is aria-invalid`);
    }

    // What the reader typed is still there.
    for (const [id, value] of Object.entries(typed)) {
      assert.equal(await page.locator(`#${id}`).inputValue(), value, `${id} kept`);
    }
    assert.ok(await page.locator('#wants_outcome').isChecked(), 'the outcome box stays ticked');
    await snap(page, '2-errors', 'report-errors', 'ar');

    // A summary link takes the reader to the field.
    await summary.locator('a[href="#explanation"]').click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'explanation', 'the link moves the focus to the field');
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------------ 3. the editor resolves it

test('3. an editor resolves the article as corrected; the reader gets the outcome in Chinese and the status page shows it', { timeout: 90_000 }, async (t) => {
  assert.ok(state.zh, 'needs the report of scenario 1');
  const { code } = state.zh;
  const context = await browser.newContext();
  try {
    const page = await signIn(context);
    await expectLanguage(page, 'en', 'the queue');
    const row = page.locator('tr.queue-row', { has: page.locator('a.article-link', { hasText: ARTICLE_PATH }) });
    assert.equal(await row.count(), 1, 'the article is in the queue');
    assert.equal((await row.locator('.matching').innerText()).trim(), '1', 'with its one report');
    await snap(page, '3-editor', 'queue', 'en');

    await row.locator('a.article-link').click();
    await page.waitForURL(/\/desk\/articles\/\d+$/);
    const articlePath = new URL(page.url()).pathname;
    assert.equal(await page.locator('.article-url a').innerText(), ARTICLE);
    assert.equal(await page.locator(`.report-card[data-code="${code}"]`).count(), 1, "the reader's report is listed");
    await snap(page, '3-editor', 'article', 'en');

    // Resolve all: the first submit only shows what will happen.
    await page.locator('#to-corrected').check();
    await page.locator('#public_note').fill(NOTE_ZH);
    await page.locator('#internal_note').fill('Checked against the regional bulletin 42.');
    await page.locator('#correction_url').fill(CORRECTION);
    let response = await submit(page, `form[action="${articlePath}/resolve"]`);
    assert.equal(response.status(), 200, 'the confirmation step');
    assert.equal(await page.locator('h1').innerText(), msg('en', 'desk-resolve-title'));
    assert.equal(await page.locator('.confirm-reports').getAttribute('data-count'), '1');
    assert.equal(await page.locator('.confirm-emails').getAttribute('data-count'), '1', 'one reader asked to be told');
    assert.equal((await page.locator('dd.note-public').innerText()).trim(), NOTE_ZH, 'the note as it will be sent');
    // One report, one reader: the singular forms (Fluent plural selects in en/desk.ftl, which the
    // catalogue reader here does not evaluate, so the English words are written out).
    assert.equal(
      (await page.locator('.confirm-reports').innerText()).trim(),
      `1 open report will become ${msg('en', 'desk-status-corrected')}.`,
    );
    assert.equal(
      (await page.locator('.confirm-emails').innerText()).trim(),
      '1 reader asked to be told and will be emailed.',
    );
    assert.equal(await sink.messages.filter((m) => m.envelope.to.includes(READER_ZH)).length, 1, 'nothing sent before the confirmation');
    await snap(page, '3-editor', 'resolve-confirm', 'en');

    response = await submit(page, `form[action="${articlePath}/resolve"]`, 'button[name=confirm]');
    assert.equal(response.status(), 303, 'confirmed');
    assert.equal(new URL(page.url()).pathname, articlePath, 'back on the article page');
    assert.equal((await page.locator('.open-count').innerText()).trim(), '0', 'no open report left');
    assert.equal(await page.locator(`.report-card[data-code="${code}"] .status-corrected`).count(), 1, 'the report is corrected');
    await snap(page, '3-editor', 'article-resolved', 'en');
    state.articlePath = articlePath;

    // The outcome email, in the reader's language.
    const mail = await sink.waitFor(
      READER_ZH,
      (m) => (m.subject || '').startsWith(msg('zh-Hans', 'email-outcome-subject')),
      { what: 'outcome email' },
    );
    assert.equal(mail.subject, `${msg('zh-Hans', 'email-outcome-subject')} ${code}: ${msg('zh-Hans', 'status-corrected')}`);
    for (const id of ['email-outcome-intro', 'email-outcome-status', 'email-outcome-note', 'email-outcome-correction', 'status-corrected-explanation']) {
      assert.ok(mail.text.includes(msg('zh-Hans', id)), `the outcome email says ${id} in Chinese:\n${mail.text}`);
    }
    assert.ok(mail.text.includes(NOTE_ZH), 'the note to readers');
    assert.ok(mail.text.includes(CORRECTION), 'the correction link');
    assert.ok(!mail.text.includes('bulletin 42'), 'never the internal note');
    const statusLink = `${server.base}/status/${code}?lang=zh-Hans`;
    assert.ok(mail.text.includes(statusLink), `the status link ${statusLink} is in the text`);
    assert.ok(mail.html.includes(`href="${statusLink}"`), 'and a link in the HTML part');

    // The reader opens it, on another device (an English browser): the link keeps Chinese.
    const reader = await browser.newContext({ locale: 'en-US' });
    try {
      const status = await reader.newPage();
      const answer = await status.goto(statusLink);
      assert.equal(answer.status(), 200);
      await expectLanguage(status, 'zh-Hans', 'the status page from the email');
      assert.equal(await status.locator('h1').innerText(), msg('zh-Hans', 'status-title'));
      assert.equal((await status.locator('dd.tracking-code').innerText()).trim(), code);
      assert.equal(await status.locator('.status-corrected').innerText(), msg('zh-Hans', 'status-corrected'));
      assert.equal(await status.locator('#outcome-title').innerText(), msg('zh-Hans', 'status-outcome'));
      assert.equal((await status.locator('.public-note').innerText()).trim(), NOTE_ZH);
      assert.equal(await status.locator('.correction a').getAttribute('href'), CORRECTION);
      assert.ok((await status.locator('.correction').innerText()).startsWith(msg('zh-Hans', 'status-correction')));
      assert.ok(!(await status.content()).includes('bulletin 42'), 'never the internal note');
      await snap(status, '3-editor', 'status-outcome', 'zh-Hans');
    } finally {
      await reader.close();
    }

    await open(page, `/desk/reports/${code}`);
    await snap(page, '3-editor', 'report', 'en');
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------------ 4. the language chooser

test('4. the language chooser switches the page, and the choice sticks on the next page', { timeout: 90_000 }, async () => {
  // A Chinese browser: the chooser's cookie must win over Accept-Language.
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  const cookie = async () => (await context.cookies()).find((c) => c.name === 'desk_lang');
  try {
    await open(page, '/report');
    await expectLanguage(page, 'zh-Hans', 'the form before any choice');
    assert.equal(await cookie(), undefined, 'no cookie before a choice');
    const chooser = page.locator('nav.languages');
    const names = await chooser.locator('a').evaluateAll((as) => as.map((a) => ({ lang: a.getAttribute('lang'), text: a.textContent.trim(), current: a.getAttribute('aria-current') })));
    assert.deepEqual(names.map((n) => n.lang), ['en', 'zh-Hans', 'es', 'fr', 'ru', 'ar'], 'every language, in the configured order');
    for (const n of names) assert.equal(n.text, msg(n.lang, `language-${n.lang}`), 'each named in itself');
    assert.deepEqual(names.filter((n) => n.current).map((n) => n.lang), ['zh-Hans'], 'the current one is marked');
    await snap(page, '4-chooser', 'report-form', 'zh-Hans');

    // Each step: choose a language on one page, then follow a plain link to another.
    const steps = [
      { lang: 'fr', next: '/status', nextTitle: 'status-lookup-title' },
      { lang: 'ar', next: '/report', nextTitle: 'form-title' },
      { lang: 'ru', next: '/status', nextTitle: 'status-lookup-title' },
      { lang: 'en', next: '/report', nextTitle: 'form-title' },
    ];
    for (const step of steps) {
      await chooser.locator(`a[hreflang="${step.lang}"]`).click();
      await page.waitForURL((u) => u.searchParams.get('lang') === step.lang);
      await expectLanguage(page, step.lang, `the page after choosing ${step.lang}`);
      assert.equal(await chooser.locator('a[aria-current]').getAttribute('lang'), step.lang, 'the chooser marks the choice');
      assert.equal((await cookie()) && (await cookie()).value, step.lang, `the cookie remembers ${step.lang}`);
      const from = new URL(page.url()).pathname;
      await page.locator(`.site-header nav a[href="${step.next}"]`).first().click();
      await page.waitForURL((u) => u.pathname === step.next && !u.searchParams.has('lang'));
      await expectLanguage(page, step.lang, `${step.next} after choosing ${step.lang} on ${from}`);
      assert.equal(await page.locator('h1').innerText(), msg(step.lang, step.nextTitle));
      await snap(page, '4-chooser', `${step.next.slice(1)}-after-choice`, step.lang);
    }
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------------ 5. accessibility

test('5. accessibility: axe-core, labels, visible focus and reflow on the public pages (English, Arabic) and the dashboard', { timeout: 180_000 }, async () => {
  assert.ok(state.zh && state.articlePath, 'needs the resolved report of scenarios 1 and 3');
  const problems = [];
  const checked = [];
  async function audit(page, label, { focus = false } = {}) {
    checked.push(label);
    problems.push(...(await a11y.axeViolations(page, label)));
    const labels = await a11y.unlabelledControls(page, label);
    problems.push(...labels.problems);
    if (focus) {
      const { problems: focusProblems, reached } = await a11y.keyboardFocus(page, label);
      problems.push(...focusProblems);
      const missing = (await a11y.tabbableControls(page)).filter((k) => !reached.has(k));
      if (missing.length) problems.push(`${label}: not reached with Tab: ${missing.join(', ')}`);
    }
  }
  /** No sideways scrolling at a phone's 360 px. */
  async function reflow(page, label) {
    const before = page.viewportSize();
    await page.setViewportSize({ width: 360, height: 800 });
    problems.push(...(await a11y.horizontalOverflow(page, `${label} at 360 px`)));
    await page.setViewportSize(before);
  }

  // A fresh open report in English, for the thank-you page and the dashboard's forms.
  const enContext = await browser.newContext({ locale: 'en-US' });
  let enCode;
  try {
    const page = await enContext.newPage();
    await open(page, '/report?lang=en');
    await page.locator('#article_url').fill(SECOND_ARTICLE);
    await page.locator('#category-misleading_context').check();
    await page.locator('#explanation').fill('The chart leaves out the last two years, which changes the trend.');
    await page.locator('#reporter_email').fill(READER_EN);
    await page.locator('#wants_outcome').check();
    assert.equal((await submit(page, 'form[action="/report"]')).status(), 303);
    enCode = (await page.locator('#tracking-code').innerText()).trim();
    assert.match(enCode, TRACKING_CODE);
  } finally {
    await enContext.close();
  }
  // And one in Arabic on the same article, anonymous: the editors read each in its direction.
  const arContext = await browser.newContext({ locale: 'ar' });
  let arCode;
  try {
    const page = await arContext.newPage();
    await open(page, '/report');
    await expectLanguage(page, 'ar', 'the form (Accept-Language: ar)');
    await page.locator('#article_url').fill(SECOND_ARTICLE);
    await page.locator('#category-misleading_context').check();
    await page.locator('#explanation').fill('الرسم البياني يحذف آخر عامين، وهذا يغيّر الاتجاه العام.');
    assert.equal((await submit(page, 'form[action="/report"]')).status(), 303);
    arCode = (await page.locator('#tracking-code').innerText()).trim();
    assert.match(arCode, TRACKING_CODE);
  } finally {
    await arContext.close();
  }
  const thanksCode = { en: enCode, ar: arCode };

  for (const lang of ['en', 'ar']) {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await open(page, `/report?lang=${lang}`);
      await expectLanguage(page, lang, 'the form');
      await snap(page, '5-a11y', 'report-form', lang);
      await audit(page, `form (${lang})`, { focus: true });
      await reflow(page, `form (${lang})`);

      assert.equal((await submit(page, 'form[action="/report"]')).status(), 422);
      await expectLanguage(page, lang, 'the form with errors');
      await snap(page, '5-a11y', 'report-errors', lang);
      await audit(page, `form with errors (${lang})`, { focus: true });
      await reflow(page, `form with errors (${lang})`);

      const pages = [
        ['thanks', `/report/thanks/${thanksCode[lang]}?lang=${lang}`, 200],
        ['status', `/status/${state.zh.code}?lang=${lang}`, 200],
        ['status-open', `/status/${thanksCode[lang]}?lang=${lang}`, 200],
        ['status-lookup', `/status?lang=${lang}`, 200],
        ['status-lookup-error', `/status?code=not-a-code&lang=${lang}`, 422],
      ];
      for (const [name, p, status] of pages) {
        await open(page, p, status);
        await expectLanguage(page, lang, name);
        await snap(page, '5-a11y', name, lang);
        await audit(page, `${name} (${lang})`);
        await reflow(page, `${name} (${lang})`);
      }
      // Addresses read left to right in any page; the editors' note takes its own direction
      // (here Chinese, left to right, also on the Arabic page).
      await open(page, `/status/${state.zh.code}?lang=${lang}`);
      const directions = await page.evaluate(() => ({
        links: [...document.querySelectorAll('main a[href^="http"]')].map((a) => [a.href, getComputedStyle(a).direction]),
        note: getComputedStyle(document.querySelector('.public-note')).direction,
      }));
      for (const [href, direction] of directions.links) {
        if (direction !== 'ltr') problems.push(`status (${lang}): the address ${href} is laid out ${direction}`);
      }
      if (directions.note !== 'ltr') problems.push(`status (${lang}): the Chinese note is laid out ${directions.note}`);
      // Focus is visible on a focused input of these pages too (the lookup box).
      await open(page, `/status?lang=${lang}`);
      await page.locator('#code').focus();
      const ring = await page.locator('#code').evaluate((el) => {
        const s = getComputedStyle(el);
        return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, shadow: s.boxShadow !== 'none' };
      });
      if (!ring.outline && !ring.shadow) problems.push(`status lookup (${lang}): the focused input shows no focus`);
    } finally {
      await context.close();
    }

    // 200% zoom of a 1280 px window: 640 CSS px, drawn at twice the density.
    const zoomed = await browser.newContext({ viewport: { width: 640, height: 800 }, deviceScaleFactor: 2, locale: 'en-US' });
    try {
      const page = await zoomed.newPage();
      await open(page, `/report?lang=${lang}`);
      problems.push(...(await a11y.horizontalOverflow(page, `form (${lang}) at 200% zoom`)));
      assert.equal((await submit(page, 'form[action="/report"]')).status(), 422);
      problems.push(...(await a11y.horizontalOverflow(page, `form with errors (${lang}) at 200% zoom`)));
    } finally {
      await zoomed.close();
    }
  }

  // The dashboard (English only).
  const desk = await browser.newContext({ locale: 'en-US' });
  try {
    const login = await desk.newPage();
    await open(login, '/desk/login');
    await snap(login, '5-a11y', 'login', 'en');
    await audit(login, 'login', { focus: true });
    await login.close();
    const page = await signIn(desk);
    await snap(page, '5-a11y', 'queue', 'en');
    await audit(page, 'queue');
    await page.locator('tr.queue-row a.article-link', { hasText: SECOND_ARTICLE_PATH }).click();
    await page.waitForURL(/\/desk\/articles\/\d+$/);
    const articlePath = new URL(page.url()).pathname;
    await snap(page, '5-a11y', 'article', 'en');
    await audit(page, 'article', { focus: true });
    const direction = (code) => page.locator(`.report-card[data-code="${code}"] .explanation`).evaluate((el) => getComputedStyle(el).direction);
    if ((await direction(arCode)) !== 'rtl') problems.push('article: the Arabic explanation is not laid out right to left');
    if ((await direction(enCode)) !== 'ltr') problems.push('article: the English explanation is not laid out left to right');
    await open(page, state.articlePath);
    await audit(page, 'article, resolved');
    await open(page, `/desk/reports/${enCode}`);
    await snap(page, '5-a11y', 'report', 'en');
    await audit(page, 'report');
    await open(page, articlePath);
    await page.locator('#to-no_error').check();
    await page.locator('#public_note').fill('The chart covers the whole period; nothing was left out.');
    assert.equal((await submit(page, `form[action="${articlePath}/resolve"]`)).status(), 200);
    await snap(page, '5-a11y', 'resolve-confirm', 'en');
    await audit(page, 'resolve confirmation');
    await open(page, '/desk/targets');
    await snap(page, '5-a11y', 'targets', 'en');
    await audit(page, 'response targets');
    await reflow(page, 'response targets');
    await open(page, '/desk/reports?overdue=1');
    await snap(page, '5-a11y', 'overdue-reports', 'en');
    await audit(page, 'overdue reports');
  } finally {
    await desk.close();
  }

  assert.ok(checked.length >= 20, `checked ${checked.length} pages`);
  assert.deepEqual(problems, [], `accessibility problems:\n${problems.join('\n')}`);
});

// ------------------------------------------------------------------ 6. screenshots

test('6. every page visited has full-page screenshots at 1280 and 390 px', { timeout: 90_000 }, () => {
  assert.ok(state.shots.length >= 20, `${state.shots.length} pages shot`);
  const problems = [];
  for (const shot of state.shots) {
    assert.equal(shot.files.length, WIDTHS.length);
    shot.files.forEach((file, i) => {
      const png = fs.readFileSync(file);
      assert.equal(png.subarray(1, 4).toString(), 'PNG', `${file} is a PNG`);
      const width = png.readUInt32BE(16);
      const height = png.readUInt32BE(20);
      // A full-page shot is as wide as the page: wider than the viewport means it scrolls sideways.
      if (width !== WIDTHS[i]) problems.push(`${path.basename(file)}: ${width} px wide, not ${WIDTHS[i]} (the page scrolls sideways)`);
      if (height < 300) problems.push(`${path.basename(file)}: only ${height} px high`);
    });
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});
