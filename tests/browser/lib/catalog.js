'use strict';
// The reader-facing words, read from the same Fluent files the server uses (templates/i18n/), so
// that the tests check the page against the catalogue instead of copying its sentences. Only
// single-line messages are read (enough for titles, labels and email subjects); a message with
// variants or several lines is left out and asking for it fails the test loudly.

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const I18N = path.join(ROOT, 'templates', 'i18n');
const FSI = '\u2068';
const PDI = '\u2069';
// The server isolates each value it puts into right-to-left text (src/i18n/mod.rs).
const RTL = new Set(['ar']);

function parse(text, into) {
  let current = null;
  for (const line of text.split('\n')) {
    const start = /^([A-Za-z][\w-]*)\s*=\s*(.*)$/.exec(line);
    if (start) {
      current = start[1];
      into.set(current, start[2].trim() === '' ? null : start[2].trim());
    } else if (/^\s+\S/.test(line) && current) {
      into.set(current, null); // several lines or variants: not a simple message
    } else {
      current = null;
    }
  }
}

const cache = new Map();

function catalog(lang) {
  if (!cache.has(lang)) {
    const messages = new Map();
    parse(fs.readFileSync(path.join(I18N, 'core.ftl'), 'utf8'), messages);
    const dir = path.join(I18N, lang);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ftl')).sort()) {
      parse(fs.readFileSync(path.join(dir, file), 'utf8'), messages);
    }
    cache.set(lang, messages);
  }
  return cache.get(lang);
}

/** The message `id` in `lang`, with `{ $name }` replaced from `args`, as the server renders it. */
function msg(lang, id, args = {}) {
  const messages = catalog(lang);
  if (!messages.has(id)) throw new Error(`no message ${id} in templates/i18n/${lang}`);
  const value = messages.get(id);
  if (value === null) throw new Error(`message ${id} in ${lang} is not a single-line message`);
  return value.replace(/\{\s*\$([\w-]+)\s*\}/g, (_, name) => {
    if (!(name in args)) throw new Error(`message ${id} needs $${name}`);
    const text = String(args[name]);
    return RTL.has(lang) ? FSI + text + PDI : text;
  });
}

module.exports = { msg, ROOT };
