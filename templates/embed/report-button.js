/* disinfo-desk: a "Report this article" button for the publisher's article pages.
 *
 *   <script src="{{ desk_url }}/embed/report-button.js" defer></script>
 *
 * Adds, right after the script element (or inside every element marked
 * data-disinfo-desk-report), a link to this desk's report form, prefilled with the article's
 * address (its <link rel="canonical">, else the page's own) and opened in the article's language
 * (the script's data-lang, else <html lang>). Without JavaScript the publisher's plain link does
 * the same (docs/EMBED.md). No inline script or style, no eval, no cookies, nothing sent anywhere:
 * the reader's browser only follows the link when they click it. Style it with the class
 * disinfo-desk-report, or add {{ desk_url }}/embed/report-button.css.
 */
(function () {
  "use strict";
  var desk = {{ desk_url_json|safe }};
  var labels = {{ labels_json|safe }};
  var fallback = {{ default_json|safe }};
  var script = document.currentScript;

  function language(wanted) {
    var tag = (wanted || "").toLowerCase();
    var tags = Object.keys(labels);
    for (var i = 0; i < tags.length; i++) {
      if (tags[i].toLowerCase() === tag) { return tags[i]; }
    }
    var primary = tag.split("-")[0];
    if (primary === "zh" && !/-(tw|hk|mo|hant)\b/.test(tag) && labels["zh-Hans"]) { return "zh-Hans"; }
    for (var j = 0; j < tags.length; j++) {
      if (tags[j].toLowerCase() === primary) { return tags[j]; }
    }
    return fallback;
  }

  function articleUrl(from) {
    var given = from && from.getAttribute("data-url");
    if (given) { return given; }
    var canonical = document.querySelector('link[rel="canonical"]');
    if (canonical && canonical.href) { return canonical.href; }
    return location.href.split("#")[0];
  }

  function button(from) {
    var lang = language((from && from.getAttribute("data-lang")) || document.documentElement.lang);
    var link = document.createElement("a");
    link.className = "disinfo-desk-report";
    link.href = desk + "/report?url=" + encodeURIComponent(articleUrl(from)) + "&lang=" + encodeURIComponent(lang);
    link.lang = lang;
    link.textContent = labels[lang];
    return link;
  }

  var slots = document.querySelectorAll("[data-disinfo-desk-report]");
  if (slots.length > 0) {
    for (var k = 0; k < slots.length; k++) {
      if (!slots[k].querySelector("a.disinfo-desk-report")) { slots[k].appendChild(button(slots[k])); }
    }
  } else if (script && script.parentNode) {
    script.parentNode.insertBefore(button(script), script.nextSibling);
  }
})();
