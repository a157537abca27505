//! Word search over reports: what a report's entry in the word index holds, and how the text of
//! a search box becomes a query of that index. Pure: no I/O.
//!
//! One tokenizer, in Rust, for both backends, so that the same search finds the same reports on
//! SQLite (FTS5) and PostgreSQL (`tsvector`): the database only stores and matches the tokens
//! made here.
//!
//! # What is indexed
//! A report's passage, its explanation and the words of its article's canonical URL (host and
//! path: `www.example.com/politics/vote` gives `www`, `example`, `com`, `politics`, `vote`).
//! Never the reporter's name, email address or phone number: search did not cover them before the
//! index either, and personal data stays out of it.
//!
//! # Folding (the same for the text and the search)
//! Compatibility forms are unified (NFKC: full-width `ＡＢＣ` is `abc`, `ﬁ` is `fi`), the text is
//! lower-cased, accents are removed from letters (`Élection` is `election`, `ё` is `е`; but `й`
//! stays `й`), and Arabic and Hebrew vowel marks and the Arabic tatweel are dropped.
//!
//! # Tokens
//! A word is a run of letters, digits and marks; anything else separates words. Chinese,
//! Japanese and Korean (Han, Hiragana, Katakana, Hangul, Bopomofo) are written without spaces, so
//! each run of them is indexed as overlapping pairs of characters (`选举结果` gives `选举`, `举结`,
//! `结果`) followed by its last character alone (`果`): a search for any part of the run, one
//! character or more, finds it. Words longer than [`MAX_TOKEN_CHARS`] are cut to that length.
//!
//! # Searching
//! Every word of the search must match (AND). A word matches the same word; a word ending in `*`
//! matches every word starting with it (`refer*` finds `referendum`). Chinese, Japanese and
//! Korean text matches where it appears as written, inside longer text. A search that is a web
//! address (`https://…`, `www.example.com/politics`) or a path (`/politics`) finds the reports
//! on those articles instead (see [`UrlSearch`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, Script};

use crate::articles::{HostCheck, UrlPolicy};

/// Longest token, in characters: longer words are indexed and searched by their beginning.
pub const MAX_TOKEN_CHARS: usize = 64;
/// Most words one search may have.
pub const MAX_TERMS: usize = 16;
/// Shortest beginning a `*` search accepts: `a*` would read a good part of the index.
pub const MIN_PREFIX_CHARS: usize = 2;
/// PostgreSQL keeps positions up to this one (later ones are stored as this).
const MAX_POSITION: usize = 16_383;
/// PostgreSQL keeps at most this many positions of one lexeme.
const MAX_POSITIONS_PER_LEXEME: usize = 256;

/// What a search box asks for, once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// Words in the reports' text (and their article's URL).
    Words(Words),
    /// The reports on the articles at a web address.
    Url(UrlSearch),
}

/// Words that must all match, in the order given, without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Term {
    /// A token equal to this one.
    Word(String),
    /// A token starting with this.
    Prefix(String),
    /// These tokens one after the other (a run of Chinese, Japanese or Korean characters).
    Phrase(Vec<String>),
}

/// The articles a web address stands for: on one of `hosts` (any host when empty), whose path is
/// `path` or lies under it (`/politics` covers `/politics/vote`, not `/politicsx`); or, when the
/// address has a query string, the articles with exactly one of the `exact` canonical URLs.
/// `www.` is optional on the host and the scheme does not matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlSearch {
    pub hosts: Vec<String>,
    pub path: String,
    pub exact: Vec<String>,
}

impl UrlSearch {
    /// The range of paths strictly under `path`: `[path/, path0)` (`0` follows `/` in byte
    /// order), or `None` for the root, under which every path lies.
    pub fn below(&self) -> Option<(String, String)> {
        (self.path != "/").then(|| (format!("{}/", self.path), format!("{}0", self.path)))
    }
}

/// Why a search cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("the search has no word (letters or digits) in it")]
    NoWords,
    #[error("the search has more than {MAX_TERMS} words")]
    TooManyWords,
    #[error("a word ending in * needs at least {MIN_PREFIX_CHARS} letters before the *")]
    ShortPrefix,
    #[error("the web address cannot be read")]
    BadUrl,
}

impl SearchError {
    /// The message's id in the dashboard's catalog.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NoWords => "desk-search-error-no_words",
            Self::TooManyWords => "desk-search-error-too_many",
            Self::ShortPrefix => "desk-search-error-short_prefix",
            Self::BadUrl => "desk-search-error-bad_url",
        }
    }
}

/// Reads the text of a search box.
pub fn parse(text: &str) -> Result<Search, SearchError> {
    let text = text.trim();
    if let Some(url) = url_search(text)? {
        return Ok(Search::Url(url));
    }
    words(text).map(Search::Words)
}

/// The words of a search (see the module documentation).
pub fn words(text: &str) -> Result<Words, SearchError> {
    let mut terms: Vec<Term> = Vec::new();
    for chunk in text.split_whitespace() {
        let prefix = chunk.ends_with('*');
        let pieces = pieces(&fold(chunk.trim_end_matches('*')));
        let last = pieces.len().saturating_sub(1);
        for (i, piece) in pieces.into_iter().enumerate() {
            let term = match piece {
                Piece::Word(word) if prefix && i == last => {
                    let length = word.chars().count();
                    if length < MIN_PREFIX_CHARS {
                        return Err(SearchError::ShortPrefix);
                    }
                    if length >= MAX_TOKEN_CHARS {
                        // Indexed cut to this length: the beginning is all there is to match.
                        Term::Word(cut(word))
                    } else {
                        Term::Prefix(word)
                    }
                }
                Piece::Word(word) => Term::Word(cut(word)),
                // One character: the pair it starts, or the run's last character alone.
                Piece::Cjk(units) if units.len() == 1 => Term::Prefix(units.concat()),
                Piece::Cjk(units) => {
                    let pairs = pairs(&units);
                    if pairs.len() == 1 {
                        Term::Word(pairs.concat())
                    } else {
                        Term::Phrase(pairs)
                    }
                }
            };
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
    }
    if terms.is_empty() {
        return Err(SearchError::NoWords);
    }
    if terms.len() > MAX_TERMS {
        return Err(SearchError::TooManyWords);
    }
    Ok(Words { terms })
}

/// A search that is a web address or a path, read as the articles it stands for; `Ok(None)` when
/// the text is not one.
pub fn url_search(text: &str) -> Result<Option<UrlSearch>, SearchError> {
    if text.is_empty() || text.chars().any(char::is_whitespace) {
        return Ok(None);
    }
    let policy = UrlPolicy::default();
    if text.starts_with('/') && !text.starts_with("//") {
        // A path on any of the publisher's hosts: canonicalised as one would be.
        let url = policy
            .canonicalize(&format!("https://path.invalid{text}"), HostCheck::AnyHost)
            .map_err(|_| SearchError::BadUrl)?;
        return Ok(Some(UrlSearch {
            hosts: Vec::new(),
            path: url.path().to_string(),
            exact: Vec::new(),
        }));
    }
    let has_scheme = text.contains("://");
    if !has_scheme && !looks_like_host_and_path(text) {
        return Ok(None);
    }
    let url = policy
        .canonicalize(text, HostCheck::AnyHost)
        .map_err(|_| SearchError::BadUrl)?;
    let host = url.host().to_string();
    let other = match host.strip_prefix("www.") {
        Some(bare) => bare.to_string(),
        None => format!("www.{host}"),
    };
    let rest = url
        .as_str()
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    let has_port = rest
        .split(['/', '?'])
        .next()
        .is_some_and(|h| h.contains(':'));
    let exact = if url.as_str().contains('?') || has_port {
        vec![url.as_str().to_string()]
    } else {
        Vec::new()
    };
    Ok(Some(UrlSearch {
        hosts: vec![host, other],
        path: url.path().to_string(),
        exact,
    }))
}

/// `www.example.com`, `example.com/politics/vote`, `bücher.example/x`: labels of letters, digits
/// and `-` joined by dots before the first `/`, `?` or `#`, ending in a top-level domain of two
/// letters or more. Not `e.g.`, `5.1%` or `U.S`.
fn looks_like_host_and_path(text: &str) -> bool {
    let host = text.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld = labels[labels.len() - 1];
    labels.iter().all(label_ok)
        && (tld.starts_with("xn--")
            || (tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic)))
}

/// The tokens of a report's entry in the word index, in order: passage, explanation, URL.
pub fn document(passage: Option<&str>, explanation: &str, canonical_url: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for text in [passage.unwrap_or_default(), explanation] {
        push_tokens(&mut tokens, text);
    }
    // The host and path of a web address; not the scheme (`https` is on every report), nor the
    // placeholder of a report still waiting for its address.
    if let Some((scheme, rest)) = canonical_url.split_once("://")
        && matches!(scheme, "http" | "https")
    {
        push_tokens(&mut tokens, rest);
    }
    tokens
}

fn push_tokens(tokens: &mut Vec<String>, text: &str) {
    for piece in pieces(&fold(text)) {
        match piece {
            Piece::Word(word) => tokens.push(cut(word)),
            Piece::Cjk(units) => {
                tokens.extend(pairs(&units));
                tokens.extend(units.last().cloned());
            }
        }
    }
}

/// Folds text as search compares it (see the module documentation). Idempotent.
pub fn fold(text: &str) -> String {
    let compatible = ComposingNormalizerBorrowed::new_nfkc().normalize(text);
    let lower = compatible.to_lowercase();
    let decomposed = DecomposingNormalizerBorrowed::new_nfd().normalize(&lower);
    let mut kept = String::with_capacity(decomposed.len());
    let mut base = ' ';
    for c in decomposed.chars() {
        if is_dropped_mark(c, base) {
            continue;
        }
        if !is_mark(c) {
            base = c;
        }
        kept.push(c);
    }
    ComposingNormalizerBorrowed::new_nfc()
        .normalize(&kept)
        .into_owned()
}

/// Accents and vowel marks that folding removes, after the base character `base`.
fn is_dropped_mark(c: char, base: char) -> bool {
    match c {
        // The breve of й and ў: a letter of its own in Russian and Belarusian.
        '\u{0306}' if is_cyrillic(base) => false,
        // Combining diacritical marks and their extensions.
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}' => true,
        // The Arabic tatweel (a stretch, not a letter).
        '\u{0640}' => true,
        // Hebrew points and cantillation, Arabic vowel marks and Quranic annotation.
        '\u{0591}'..='\u{05C7}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}' => is_mark(c),
        _ => false,
    }
}

fn is_cyrillic(c: char) -> bool {
    CodePointMapData::<Script>::new().get(c) == Script::Cyrillic
}

fn category(c: char) -> GeneralCategory {
    CodePointMapData::<GeneralCategory>::new().get(c)
}

fn is_mark(c: char) -> bool {
    matches!(
        category(c),
        GeneralCategory::NonspacingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::EnclosingMark
    )
}

/// Letters and digits (marks are handled with the character before them).
fn is_word_char(c: char) -> bool {
    use GeneralCategory as G;
    matches!(
        category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::DecimalNumber
            | G::LetterNumber
            | G::OtherNumber
    )
}

/// Scripts written without spaces between words.
fn is_cjk(c: char) -> bool {
    let script = CodePointMapData::<Script>::new().get(c);
    script == Script::Han
        || script == Script::Hiragana
        || script == Script::Katakana
        || script == Script::Hangul
        || script == Script::Bopomofo
        // The prolonged sound mark, which Japanese shares between both kana.
        || c == '\u{30FC}'
}

/// A run of folded text between separators.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Word(String),
    /// Characters of a spaceless script, each with the marks that follow it.
    Cjk(Vec<String>),
}

fn pieces(folded: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut current: Option<Piece> = None;
    for c in folded.chars() {
        if is_mark(c) {
            // A mark belongs to what it follows; alone it starts a word.
            match &mut current {
                Some(Piece::Word(word)) => word.push(c),
                Some(Piece::Cjk(units)) => units.last_mut().into_iter().for_each(|u| u.push(c)),
                None => current = Some(Piece::Word(c.to_string())),
            }
        } else if is_cjk(c) {
            match &mut current {
                Some(Piece::Cjk(units)) => units.push(c.to_string()),
                _ => out.extend(current.replace(Piece::Cjk(vec![c.to_string()]))),
            }
        } else if is_word_char(c) {
            match &mut current {
                Some(Piece::Word(word)) => word.push(c),
                _ => out.extend(current.replace(Piece::Word(c.to_string()))),
            }
        } else {
            out.extend(current.take());
        }
    }
    out.extend(current);
    out
}

/// The overlapping pairs of a run of characters (none for one character).
fn pairs(units: &[String]) -> Vec<String> {
    units.windows(2).map(|w| w.concat()).collect()
}

fn cut(word: String) -> String {
    match word.char_indices().nth(MAX_TOKEN_CHARS) {
        Some((end, _)) => word[..end].to_string(),
        None => word,
    }
}

/// The text FTS5 indexes for these tokens: them, space-separated (its `unicode61` tokenizer,
/// set to take letters, digits and marks, reads them back one by one).
pub fn fts5_text(tokens: &[String]) -> String {
    tokens.join(" ")
}

/// The FTS5 query for `words`: each term a quoted string (`"tok"`, `"tok"*`, `"pair pair"`),
/// all of them required.
pub fn fts5_query(words: &Words) -> String {
    let quote = |token: &str| format!("\"{}\"", token.replace('"', "\"\""));
    words
        .terms
        .iter()
        .map(|term| match term {
            Term::Word(token) => quote(token),
            Term::Prefix(token) => format!("{}*", quote(token)),
            Term::Phrase(tokens) => quote(&tokens.join(" ")),
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A PostgreSQL `tsvector` literal for these tokens, positions counted from 1 as FTS5 counts
/// them, so that phrases match on both alike.
pub fn tsvector_literal(tokens: &[String]) -> String {
    let mut positions: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, token) in tokens.iter().enumerate() {
        let at = positions.entry(token.as_str()).or_default();
        let position = (i + 1).min(MAX_POSITION);
        if at.len() < MAX_POSITIONS_PER_LEXEME && at.last() != Some(&position) {
            at.push(position);
        }
    }
    let mut out = String::new();
    for (lexeme, at) in positions {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&pg_quote(lexeme));
        out.push(':');
        for (i, position) in at.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{position}");
        }
    }
    out
}

/// A PostgreSQL `tsquery` literal for `words`: `'tok'`, `'tok':*`, `('a' <-> 'b')`, joined by `&`.
pub fn tsquery_literal(words: &Words) -> String {
    words
        .terms
        .iter()
        .map(|term| match term {
            Term::Word(token) => pg_quote(token),
            Term::Prefix(token) => format!("{}:*", pg_quote(token)),
            Term::Phrase(tokens) => format!(
                "({})",
                tokens
                    .iter()
                    .map(|t| pg_quote(t))
                    .collect::<Vec<_>>()
                    .join(" <-> ")
            ),
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// A quoted lexeme of a `tsvector` or `tsquery` literal.
fn pg_quote(token: &str) -> String {
    format!("'{}'", token.replace('\\', "\\\\").replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        document(None, text, "")
    }

    #[test]
    fn folding_removes_case_accents_and_compatibility_forms() {
        assert_eq!(
            fold("Élection ÉLECTION élection"),
            "election election election"
        );
        assert_eq!(fold("Ｒｅｆｅｒｅｎｄｕｍ ﬁnal"), "referendum final");
        assert_eq!(fold("Straße Ærø Łódź"), "straße ærø łodz");
        // Russian: ё folds to е, but й is a letter of its own.
        assert_eq!(fold("Ёлка йод"), "елка йод");
        // Arabic vowel marks and the tatweel go; the letters stay.
        assert_eq!(fold("كَتَبَ كتــاب"), "كتب كتاب");
        // Chinese and Korean are untouched; Japanese kana keep their voicing marks.
        assert_eq!(fold("选举 선거 ガス"), "选举 선거 ガス");
        for text in ["Élection ﬁ", "Ёлка й", "كَتَبَ", "İstanbul", "ガス 선거"] {
            assert_eq!(fold(&fold(text)), fold(text), "{text}");
        }
    }

    #[test]
    fn words_are_letters_and_digits_and_chinese_runs_become_pairs() {
        assert_eq!(
            tokens("L'élection du 5.1% — covid-19!"),
            ["l", "election", "du", "5", "1", "covid", "19"]
        );
        assert_eq!(
            tokens("关于2026年选举结果的报道"),
            [
                "关于", "于", "2026", "年选", "选举", "举结", "结果", "果的", "的报", "报道", "道"
            ]
        );
        assert_eq!(tokens("中"), ["中"]);
        let long = "x".repeat(100);
        assert_eq!(tokens(&long), ["x".repeat(MAX_TOKEN_CHARS)]);
    }

    #[test]
    fn the_url_adds_its_host_and_path_words() {
        assert_eq!(
            document(
                Some("Quoted"),
                "Why",
                "https://www.example.com/politics/vote-2026"
            ),
            [
                "quoted", "why", "www", "example", "com", "politics", "vote", "2026"
            ]
        );
        assert_eq!(
            document(None, "Why", "urn:disinfo-desk:awaiting-article-address"),
            ["why"]
        );
    }

    #[test]
    fn a_search_is_words_prefixes_and_phrases() {
        let terms = |text: &str| words(text).map(|w| w.terms);
        assert_eq!(
            terms("Refer* ÉLECTION élection"),
            Ok(vec![
                Term::Prefix("refer".into()),
                Term::Word("election".into())
            ])
        );
        assert_eq!(terms("选举"), Ok(vec![Term::Word("选举".into())]));
        assert_eq!(
            terms("选举结果"),
            Ok(vec![Term::Phrase(vec![
                "选举".into(),
                "举结".into(),
                "结果".into()
            ])])
        );
        assert_eq!(terms("选"), Ok(vec![Term::Prefix("选".into())]));
        assert_eq!(terms(" !!! "), Err(SearchError::NoWords));
        assert_eq!(terms("a*"), Err(SearchError::ShortPrefix));
        let many: Vec<String> = (0..=MAX_TERMS).map(|i| format!("w{i}")).collect();
        assert_eq!(terms(&many.join(" ")), Err(SearchError::TooManyWords));
    }

    #[test]
    fn queries_are_quoted_for_each_backend() {
        let query = words("refer* 选举结果 o'neil").expect("words");
        assert_eq!(
            fts5_query(&query),
            "\"refer\"* AND \"选举 举结 结果\" AND \"o\" AND \"neil\""
        );
        assert_eq!(
            tsquery_literal(&query),
            "'refer':* & ('选举' <-> '举结' <-> '结果') & 'o' & 'neil'"
        );
        assert_eq!(tsvector_literal(&tokens("a b a")), "'a':1,3 'b':2");
        assert_eq!(tsvector_literal(&["it's".into()]), "'it''s':1");
        assert_eq!(tsvector_literal(&[]), "");
    }

    #[test]
    fn web_addresses_and_paths_search_the_articles() {
        let url = |text: &str| url_search(text).expect("readable");
        assert_eq!(
            url("https://www.example.com/politics/vote/?utm_source=x#top"),
            Some(UrlSearch {
                hosts: vec!["www.example.com".into(), "example.com".into()],
                path: "/politics/vote".into(),
                exact: Vec::new(),
            })
        );
        assert_eq!(
            url("Example.com/world"),
            Some(UrlSearch {
                hosts: vec!["example.com".into(), "www.example.com".into()],
                path: "/world".into(),
                exact: Vec::new(),
            })
        );
        assert_eq!(
            url("example.com/story?id=4").map(|u| u.exact),
            Some(vec!["https://example.com/story?id=4".to_string()])
        );
        let path = url("/politics/").expect("a path");
        assert_eq!((path.hosts.len(), path.path.as_str()), (0, "/politics"));
        assert_eq!(
            path.below(),
            Some(("/politics/".into(), "/politics0".into()))
        );
        for words in ["e.g.", "5.1%", "U.S", "refer*", "two words.com", "选举"] {
            assert_eq!(url(words), None, "{words}");
        }
        assert_eq!(url_search("ftp://example.com/x"), Err(SearchError::BadUrl));
    }
}
