'use strict';
// Accessibility checks on a live page: axe-core (injected through the DevTools protocol, which the
// pages' CSP does not govern), accessible names from Chromium's own accessibility tree, visible
// keyboard focus, and reflow (no horizontal scrolling).

const fs = require('node:fs');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/** axe-core's serious and critical violations on the page, each as readable lines. */
async function axeViolations(page, label) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(AXE_SOURCE);
  }
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  return result.violations
    .filter((v) => FAILING_IMPACTS.has(v.impact))
    .map((v) => {
      const nodes = v.nodes.map((n) => `      ${JSON.stringify(n.target)} ${n.failureSummary ? n.failureSummary.split('\n').slice(1).join(' ').trim() : ''}`);
      return `${label}: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes.join('\n')}`;
    });
}

/**
 * Every input (but hidden ones), select and textarea that Chromium exposes to assistive
 * technology must have an accessible name. Returns the ones without.
 */
async function unlabelledControls(page, label) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', {
      nodeId: root.nodeId,
      selector: 'input:not([type=hidden]), select, textarea',
    });
    const problems = [];
    let checked = 0;
    for (const nodeId of nodeIds) {
      const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
      const node = nodes[0];
      const { attributes } = await cdp.send('DOM.getAttributes', { nodeId });
      const attrs = {};
      for (let i = 0; i < attributes.length; i += 2) attrs[attributes[i]] = attributes[i + 1];
      // Hidden from everyone (the honeypot, inside aria-hidden): nothing to name.
      if (node.ignored) continue;
      checked += 1;
      const name = node.name && typeof node.name.value === 'string' ? node.name.value.trim() : '';
      if (!name) problems.push(`${label}: no accessible name: ${JSON.stringify(attrs)}`);
    }
    return { problems, checked };
  } finally {
    await cdp.detach();
  }
}

// How keyboardFocus() and tabbableControls() name an element: radios by their group (Tab enters
// a group once), others by id, else by tag, name and text. Runs in the page.
function keyOf(el) {
  if (el.type === 'radio') return `radio:${el.name}`;
  if (el.id) return `#${el.id}`;
  const text = (el.getAttribute('href') || el.textContent || '').trim().slice(0, 40);
  return `${el.tagName.toLowerCase()}[${el.getAttribute('name') || ''}]:${text}`;
}

/** Runs `fn(keyOf)` in the page: as source, since the pages' CSP forbids eval there. */
function withKeyOf(page, fn) {
  return page.evaluate(`(${fn.toString()})(${keyOf.toString()})`);
}

/**
 * Presses Tab through the page (one full cycle) and checks that each element that takes the
 * focus shows it: an outline or a box-shadow. Returns { problems, reached } where reached names
 * each control reached (radios by group: Tab enters a group once).
 */
async function keyboardFocus(page, label, maxTabs = 150) {
  const problems = [];
  const reached = new Set();
  const seen = new Set();
  let outside = 0;
  for (let i = 0; i < maxTabs; i += 1) {
    await page.keyboard.press('Tab');
    const info = await withKeyOf(page, (keyOf) => {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const shadow = style.boxShadow && style.boxShadow !== 'none';
      const key = keyOf(el);
      const self = el.type === 'radio' ? `${key}=${el.value}` : key;
      return { key, self, tag: el.tagName.toLowerCase(), visible: outline || shadow, outline: `${style.outlineStyle} ${style.outlineWidth}`, shadow: style.boxShadow };
    });
    if (!info) {
      outside += 1;
      if (outside > 1) break;
      continue;
    }
    outside = 0;
    if (seen.has(info.self)) break; // a full cycle
    seen.add(info.self);
    reached.add(info.key);
    if (!info.visible) {
      problems.push(`${label}: ${info.self} (${info.tag}) shows no focus: outline ${info.outline}, box-shadow ${info.shadow}`);
    }
  }
  return { problems, reached };
}

/** The controls a keyboard user must be able to reach, keyed as keyboardFocus() names them. */
async function tabbableControls(page) {
  return withKeyOf(page, (keyOf) => {
    const keys = new Set();
    for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea, button')) {
      if (el.tabIndex < 0 || el.disabled || el.closest('[aria-hidden=true]')) continue;
      keys.add(keyOf(el));
    }
    return [...keys];
  });
}

/** Horizontal scrolling at the page's current viewport, if any. */
async function horizontalOverflow(page, label) {
  const m = await page.evaluate(() => {
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 0.5 || r.left < -0.5) {
        if (!el.closest('.hp, .visually-hidden, .skip-link')) wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide: wide.slice(0, 8) };
  });
  if (m.scrollWidth <= m.innerWidth) return [];
  return [`${label}: scrolls sideways: scrollWidth ${m.scrollWidth} > innerWidth ${m.innerWidth}; too wide: ${m.wide.join('; ')}`];
}

module.exports = { axeViolations, unlabelledControls, keyboardFocus, tabbableControls, horizontalOverflow, AXE_TAGS };
