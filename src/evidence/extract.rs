//! The main text of an article page, as a reader would read it: pure functions, no I/O.
//!
//! * The bytes are decoded in the page's charset: a byte-order mark first, then the
//!   `charset` of the `Content-Type` header, then a `<meta charset>` (or `http-equiv`) in the
//!   first 1,024 bytes, then UTF-8 when the bytes are valid UTF-8, windows-1252 otherwise (what
//!   browsers fall back to for Western pages). Labels are read as the WHATWG Encoding standard
//!   defines them (`latin1` is windows-1252, `gb2312` is GBK, ...).
//! * The page is parsed with html5ever (through `scraper`), the algorithm browsers use, so
//!   broken markup reads as a browser reads it.
//! * The text is taken from the largest `<article>`, else the largest `<main>`, else `<body>`
//!   (the first of them with any text). Scripts, styles, `<noscript>`, `<template>`, navigation,
//!   `<aside>`, forms, footers, embedded frames and comments are dropped, and so are headers,
//!   except an `<article>`'s own `<header>` (its headline, standfirst and byline are what the
//!   reader read). Elements marked `hidden` are dropped too: the reader never saw them.
//! * Block elements (paragraphs, headings, list items, quotes, table rows...) become paragraphs,
//!   separated by one blank line; `<br>` is a line break; every other run of white space is one
//!   space.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use scraper::{ElementRef, Html, Node};

/// What an article page says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The document's `<title>`, white space normalised; `None` when it has none.
    pub title: Option<String>,
    /// The main text: paragraphs separated by `\n\n`, lines within one by `\n`.
    pub text: String,
}

/// Elements whose content is never part of the text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "aside", "form", "footer", "iframe",
    "object", "embed", "svg", "math", "canvas", "select", "button", "dialog", "head",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Decodes a page's bytes (see the module's rules). `content_type` is the response's header.
pub fn decode<'a>(body: &'a [u8], content_type: Option<&str>) -> Cow<'a, str> {
    let encoding = Encoding::for_bom(body)
        .map(|(encoding, _)| encoding)
        .or_else(|| content_type.and_then(charset_param).and_then(label))
        .or_else(|| meta_charset(body))
        .unwrap_or_else(|| {
            if std::str::from_utf8(body).is_ok() {
                UTF_8
            } else {
                WINDOWS_1252
            }
        });
    // `decode` lets a byte-order mark win, as browsers do, and replaces malformed sequences.
    let (text, _, _) = encoding.decode(body);
    text
}

/// An encoding by its label; a page cannot declare itself UTF-16 in ASCII, so such a label means
/// UTF-8 (as the HTML standard says), and `x-user-defined` means windows-1252.
fn label(name: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(name.trim().as_bytes())?;
    Some(match encoding.name() {
        "UTF-16LE" | "UTF-16BE" => UTF_8,
        "x-user-defined" => WINDOWS_1252,
        _ => encoding,
    })
}

/// The `charset` parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
    })
}

/// The charset a `<meta>` in the first 1,024 bytes declares: `<meta charset="...">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=...">`.
fn meta_charset(body: &[u8]) -> Option<&'static Encoding> {
    let head = &body[..body.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(start) = rest.find("<meta") {
        let tag = &rest[start + 5..];
        let end = tag.find('>').unwrap_or(tag.len());
        let attributes = &tag[..end];
        if let Some(at) = attributes.find("charset") {
            let value = attributes[at + "charset".len()..].trim_start();
            if let Some(value) = value.strip_prefix('=') {
                let value = value.trim_start().trim_start_matches(['"', '\'']);
                let name: String = value
                    .chars()
                    .take_while(|c| {
                        !matches!(c, '"' | '\'' | ';' | '/' | '>') && !c.is_whitespace()
                    })
                    .collect();
                if let Some(encoding) = label(&name) {
                    return Some(encoding);
                }
            }
        }
        rest = &tag[end..];
    }
    None
}

/// Whether a `Content-Type` is a page we can read text from (HTML, XHTML or plain text); no
/// header at all is read as HTML, as browsers sniff it.
pub fn is_text_type(content_type: Option<&str>) -> bool {
    let Some(value) = content_type else {
        return true;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "" | "text/html" | "application/xhtml+xml" | "text/plain"
    )
}

/// The text of a fetched page: decoded, and parsed as HTML unless it is plain text.
pub fn page_text(body: &[u8], content_type: Option<&str>) -> Extracted {
    let decoded = decode(body, content_type);
    let plain = content_type.is_some_and(|v| {
        v.split(';')
            .next()
            .is_some_and(|e| e.trim().eq_ignore_ascii_case("text/plain"))
    });
    if plain {
        let mut text = TextBuilder::default();
        for (i, paragraph) in decoded.split("\n\n").enumerate() {
            if i > 0 {
                text.paragraph();
            }
            text.push_text(paragraph);
        }
        return Extracted {
            title: None,
            text: text.finish(),
        };
    }
    extract(&decoded)
}

/// The title and main text of an HTML document (see the module's rules).
pub fn extract(html: &str) -> Extracted {
    let document = Html::parse_document(html);
    let title = document
        .root_element()
        .descendent_elements()
        .find(|e| e.value().name() == "title")
        .map(|e| {
            let mut text = TextBuilder::default();
            for piece in e.text() {
                text.push_text(piece);
            }
            text.finish()
        })
        .filter(|t| !t.is_empty());
    let text = ["article", "main", "body"]
        .into_iter()
        .find_map(|name| {
            // The largest of several (a page may hold teasers of other articles too), among
            // those a reader sees as content.
            document
                .root_element()
                .descendent_elements()
                .filter(|e| e.value().name() == name && !inside_dropped(e))
                .map(text_of)
                .filter(|t| !t.is_empty())
                .max_by_key(|t| t.len())
        })
        .unwrap_or_default();
    Extracted { title, text }
}

/// Whether `element` sits inside something whose content is dropped (a teaser in an aside).
fn inside_dropped(element: &ElementRef<'_>) -> bool {
    element
        .ancestors()
        .filter_map(ElementRef::wrap)
        .any(|a| is_dropped(&a))
}

fn is_dropped(element: &ElementRef<'_>) -> bool {
    let value = element.value();
    let name = value.name();
    if DROPPED.contains(&name) || value.attr("hidden").is_some() {
        return true;
    }
    // A page's header (logo, menu) is not the article; an article's own header is.
    name == "header"
        && !element
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| a.value().name() == "article")
}

fn text_of(container: ElementRef<'_>) -> String {
    let mut text = TextBuilder::default();
    walk(container, &mut text);
    text.finish()
}

fn walk(element: ElementRef<'_>, text: &mut TextBuilder) {
    for child in element.children() {
        match child.value() {
            Node::Text(piece) => text.push_text(piece),
            Node::Element(_) => {
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                if is_dropped(&child) {
                    continue;
                }
                let name = child.value().name();
                if name == "br" {
                    text.line();
                    continue;
                }
                let block = BLOCKS.contains(&name);
                if block {
                    text.paragraph();
                }
                walk(child, text);
                if block {
                    text.paragraph();
                }
            }
            // Comments, processing instructions, doctypes: never text.
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
enum Break {
    #[default]
    None,
    Space,
    Line,
    Paragraph,
}

/// Text with normalised white space: breaks are only written before the next visible character,
/// so none lead, trail or repeat.
#[derive(Default)]
struct TextBuilder {
    out: String,
    pending: Break,
}

impl TextBuilder {
    fn push_text(&mut self, piece: &str) {
        for c in piece.chars() {
            if c.is_whitespace() {
                self.pending = self.pending.max(Break::Space);
                continue;
            }
            if !self.out.is_empty() {
                match self.pending {
                    Break::None => {}
                    Break::Space => self.out.push(' '),
                    Break::Line => self.out.push('\n'),
                    Break::Paragraph => self.out.push_str("\n\n"),
                }
            }
            self.pending = Break::None;
            self.out.push(c);
        }
    }

    fn line(&mut self) {
        self.pending = self.pending.max(Break::Line);
    }

    fn paragraph(&mut self) {
        self.pending = Break::Paragraph;
    }

    fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A news page as CMSs write them: a site header with a menu, the article with its own
    /// header, a share form, related teasers in an aside, scripts, a comment and a footer.
    const NEWS_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Flood figures revised | The Example Times</title>
  <style>body { font-family: serif; }</style>
  <script>window.dataLayer = [{"page": "article"}];</script>
</head>
<body>
  <header class="site"><a href="/">The Example Times</a>
    <nav><ul><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
  </header>
  <main>
    <article>
      <header>
        <h1>Flood   figures
            revised</h1>
        <p class="byline">By <a href="/staff/ana">Ana Writer</a></p>
      </header>
      <!-- ad slot: do not remove -->
      <p>More than <strong>10,000</strong> people were evacuated,
         officials said on Tuesday.</p>
      <div class="ad"><script>loadAd("slot-1")</script></div>
      <p>The river rose by two metres overnight.<br>Roads were closed.</p>
      <figure><img src="/flood.jpg" alt="A flooded street"><figcaption>Main Street on Tuesday.</figcaption></figure>
      <ul><li>Schools closed</li><li>Trains cancelled</li></ul>
      <form action="/newsletter"><label>Your email <input name="email"></label><button>Sign up</button></form>
      <p hidden>Paywall: subscribe to read on.</p>
      <footer>Share this article</footer>
    </article>
    <aside><article><h2>Related</h2><p>Storm warnings for the coast.</p></article></aside>
  </main>
  <noscript>Turn on JavaScript.</noscript>
  <footer>&copy; 2026 The Example Times</footer>
</body>
</html>"#;

    #[test]
    fn a_news_page_gives_its_article_text_in_paragraphs() {
        let page = extract(NEWS_PAGE);
        assert_eq!(
            page.title.as_deref(),
            Some("Flood figures revised | The Example Times")
        );
        assert_eq!(
            page.text,
            "Flood figures revised\n\n\
             By Ana Writer\n\n\
             More than 10,000 people were evacuated, officials said on Tuesday.\n\n\
             The river rose by two metres overnight.\nRoads were closed.\n\n\
             Main Street on Tuesday.\n\n\
             Schools closed\n\n\
             Trains cancelled"
        );
    }

    #[test]
    fn main_then_body_when_there_is_no_article() {
        let with_main = r#"<html><body><header><h1>Site</h1></header><div class="menu">Menu</div>
            <main><h1>Budget passed</h1><p>The vote was 51 to 49.</p></main>
            <footer>Contact us</footer></body></html>"#;
        assert_eq!(
            extract(with_main).text,
            "Budget passed\n\nThe vote was 51 to 49."
        );
        let body_only = r#"<html><body><nav>Home | World</nav><h1>Budget passed</h1>
            <p>The vote was <em>51</em> to 49.</p><script>track()</script></body></html>"#;
        assert_eq!(
            extract(body_only).text,
            "Budget passed\n\nThe vote was 51 to 49."
        );
    }

    #[test]
    fn the_largest_article_wins_over_teasers() {
        let page = r#"<body>
            <article class="teaser"><p>Short teaser.</p></article>
            <article class="story"><p>The real story has a much longer paragraph than the teaser.</p></article>
            </body>"#;
        assert_eq!(
            extract(page).text,
            "The real story has a much longer paragraph than the teaser."
        );
    }

    #[test]
    fn an_empty_article_falls_back_to_main() {
        // A page that fills its <article> with a script: the reader sees <main>'s text.
        let page = r#"<body><main><article><script>render()</script></article>
            <p>Rendered on the server.</p></main></body>"#;
        assert_eq!(extract(page).text, "Rendered on the server.");
    }

    #[test]
    fn broken_markup_reads_as_a_browser_reads_it() {
        let page = "<body><article><p>One <b>bold<p>Two & three &amp; four &lt;b&gt;</article>";
        assert_eq!(extract(page).text, "One bold\n\nTwo & three & four <b>");
    }

    #[test]
    fn utf8_is_the_default_and_the_header_wins_over_guessing() {
        let body = "<p>Zürich – “quoted”</p>".as_bytes();
        assert_eq!(page_text(body, None).text, "Zürich – “quoted”");
        assert_eq!(
            page_text(body, Some("text/html; charset=utf-8")).text,
            "Zürich – “quoted”"
        );
        // Latin-1 bytes that are not UTF-8: windows-1252 (browsers' fallback).
        let latin = b"<p>Caf\xe9 cr\xe8me</p>";
        assert_eq!(page_text(latin, None).text, "Café crème");
        assert_eq!(
            page_text(latin, Some("text/html; charset=\"ISO-8859-1\"")).text,
            "Café crème"
        );
    }

    #[test]
    fn the_meta_charset_is_read_when_the_header_has_none() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<p>洪水数字被修正</p>");
        let mut body =
            b"<html><head><meta charset=\"gb2312\"><title>t</title></head><body>".to_vec();
        body.extend_from_slice(&gbk);
        assert_eq!(page_text(&body, Some("text/html")).text, "洪水数字被修正");

        let (cyrillic, _, _) = encoding_rs::WINDOWS_1251.encode("<p>Наводнение</p>");
        let mut body = br#"<html><head><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=windows-1251"></head><body>"#.to_vec();
        body.extend_from_slice(&cyrillic);
        assert_eq!(page_text(&body, None).text, "Наводнение");

        // The header beats the meta; a byte-order mark beats both.
        let body = b"<meta charset=windows-1251><p>\xc0</p>";
        assert_eq!(page_text(body, Some("text/html; charset=latin1")).text, "À");
        let mut bom = vec![0xef, 0xbb, 0xbf];
        bom.extend_from_slice("<p>Ä</p>".as_bytes());
        assert_eq!(page_text(&bom, Some("text/html; charset=latin1")).text, "Ä");
    }

    #[test]
    fn a_page_cannot_declare_itself_utf16_in_ascii() {
        let body = "<meta charset=\"utf-16\"><p>Ünïcode</p>".as_bytes();
        assert_eq!(page_text(body, None).text, "Ünïcode");
    }

    #[test]
    fn plain_text_keeps_its_paragraphs() {
        let body = b"First   line\nstill first.\n\nSecond.\n";
        assert_eq!(
            page_text(body, Some("text/plain; charset=utf-8")).text,
            "First line still first.\n\nSecond."
        );
    }

    #[test]
    fn which_types_have_text() {
        assert!(is_text_type(None));
        assert!(is_text_type(Some("text/html; charset=utf-8")));
        assert!(is_text_type(Some("application/xhtml+xml")));
        assert!(is_text_type(Some("TEXT/PLAIN")));
        assert!(!is_text_type(Some("application/pdf")));
        assert!(!is_text_type(Some("image/jpeg")));
    }

    #[test]
    fn right_to_left_and_non_breaking_spaces_are_normalised() {
        let page = "<article><p>قال\u{a0}المسؤولون   إن</p><p>\u{a0}</p><p>الفيضان</p></article>";
        assert_eq!(extract(page).text, "قال المسؤولون إن\n\nالفيضان");
    }
}
