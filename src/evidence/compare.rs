//! Comparing texts: where a reported passage is in a snapshot, and what changed between two
//! snapshots, word by word. Pure functions, bounded work.

use std::ops::Range;
use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

/// At most this many characters of each text are compared word by word; a longer text is
/// compared up to there and the diff says it was cut.
pub const MAX_DIFF_CHARS: usize = 100_000;
/// A diff that takes longer than this gives up on the smallest edit and approximates (similar's
/// deadline): a page rewritten from top to bottom still renders at once.
const DIFF_TIMEOUT: Duration = Duration::from_millis(300);
/// Passages shorter than this (after normalisation) are not looked for: "the" is everywhere.
const MIN_PASSAGE_CHARS: usize = 3;

/// A character as passages are compared: lowercase, typographic quotes and dashes as their plain
/// forms, so a reader who typed "it's" finds "it’s".
fn fold(c: char) -> impl Iterator<Item = char> {
    let plain = match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '«' | '»' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
        '\u{2026}' => '…',
        other => other,
    };
    plain.to_lowercase()
}

/// Invisible characters a copy and paste may add or lose (soft hyphen, zero-width space and
/// joiners, byte-order mark): ignored when comparing.
fn ignored(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// `text` normalised for comparison (white space runs as one space, none at the ends, folded
/// case and punctuation), with, for each normalised byte, the byte range of `text` it came from.
fn normalise(text: &str) -> (String, Vec<Range<usize>>) {
    let mut out = String::with_capacity(text.len());
    let mut origin: Vec<Range<usize>> = Vec::with_capacity(text.len());
    let mut space: Option<Range<usize>> = None;
    for (at, c) in text.char_indices() {
        let here = at..at + c.len_utf8();
        if ignored(c) {
            continue;
        }
        if c.is_whitespace() {
            space = Some(space.map_or(here.clone(), |s| s.start..here.end));
            continue;
        }
        if let Some(s) = space.take()
            && !out.is_empty()
        {
            out.push(' ');
            origin.push(s);
        }
        for folded in fold(c) {
            let before = out.len();
            out.push(folded);
            origin.extend(std::iter::repeat_n(here.clone(), out.len() - before));
        }
    }
    (out, origin)
}

/// Where `passage` first occurs in `text`, as a byte range of `text`, comparing with white
/// space normalised and case folded. `None` when it does not occur, or is too short to look for.
pub fn find_passage(text: &str, passage: &str) -> Option<Range<usize>> {
    Searchable::new(text).find(passage)
}

/// A text normalised once, to look for several passages in it.
pub struct Searchable {
    normalised: String,
    origin: Vec<Range<usize>>,
}

impl Searchable {
    pub fn new(text: &str) -> Self {
        let (normalised, origin) = normalise(text);
        Self { normalised, origin }
    }

    /// See [`find_passage`].
    pub fn find(&self, passage: &str) -> Option<Range<usize>> {
        let (needle, _) = normalise(passage);
        if needle.chars().count() < MIN_PASSAGE_CHARS {
            return None;
        }
        let start = self.normalised.find(&needle)?;
        let end = start + needle.len();
        Some(self.origin[start].start..self.origin[end - 1].end)
    }
}

/// A run of text, marked or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub marked: bool,
}

/// `text` cut into segments, the parts within `ranges` marked (overlapping ranges are merged).
pub fn highlight(text: &str, ranges: &[Range<usize>]) -> Vec<Segment> {
    let mut sorted: Vec<Range<usize>> = ranges
        .iter()
        .filter(|r| r.start < r.end && r.end <= text.len())
        .filter(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
        .cloned()
        .collect();
    sorted.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for range in sorted {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    let mut segments = Vec::new();
    let mut at = 0;
    for range in merged {
        if range.start > at {
            segments.push(Segment {
                text: text[at..range.start].to_string(),
                marked: false,
            });
        }
        segments.push(Segment {
            text: text[range.clone()].to_string(),
            marked: true,
        });
        at = range.end;
    }
    if at < text.len() || segments.is_empty() {
        segments.push(Segment {
            text: text[at..].to_string(),
            marked: false,
        });
    }
    segments
}

/// What a run of a diff is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Same,
    Inserted,
    Deleted,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Same => "same",
            Self::Inserted => "inserted",
            Self::Deleted => "deleted",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub text: String,
}

/// The word-level difference between two texts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WordDiff {
    /// Runs in reading order; consecutive words of one kind are one run.
    pub changes: Vec<Change>,
    /// Words inserted and deleted.
    pub inserted_words: usize,
    pub deleted_words: usize,
    /// One of the texts was longer than [`MAX_DIFF_CHARS`]: only their beginnings were compared.
    pub truncated: bool,
}

/// The beginning of `text` up to `max` characters, and whether it was cut.
fn bounded(text: &str, max: usize) -> (&str, bool) {
    match text.char_indices().nth(max) {
        Some((at, _)) => (&text[..at], true),
        None => (text, false),
    }
}

/// Compares `old` with `new` word by word (white space runs are their own tokens, so paragraph
/// breaks survive), on at most [`MAX_DIFF_CHARS`] characters of each.
pub fn word_diff(old: &str, new: &str) -> WordDiff {
    word_diff_bounded(old, new, MAX_DIFF_CHARS)
}

fn word_diff_bounded(old: &str, new: &str, max_chars: usize) -> WordDiff {
    let (old, old_cut) = bounded(old, max_chars);
    let (new, new_cut) = bounded(new, max_chars);
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(DIFF_TIMEOUT)
        .diff_words(old, new);
    let mut result = WordDiff {
        truncated: old_cut || new_cut,
        ..WordDiff::default()
    };
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => ChangeKind::Same,
            ChangeTag::Insert => ChangeKind::Inserted,
            ChangeTag::Delete => ChangeKind::Deleted,
        };
        let token = change.value();
        let word = !token.trim().is_empty();
        match kind {
            ChangeKind::Inserted if word => result.inserted_words += 1,
            ChangeKind::Deleted if word => result.deleted_words += 1,
            _ => {}
        }
        // White space between two changed words of one kind belongs to the run; white space
        // that changed alone (a paragraph break added) stays its own change.
        match result.changes.last_mut() {
            Some(last) if last.kind == kind => last.text.push_str(token),
            _ => result.changes.push(Change {
                kind,
                text: token.to_string(),
            }),
        }
    }
    result.changes = tidy(result.changes);
    result
}

/// Joins the word-by-word changes of a replaced phrase into one deletion and one insertion: a
/// "hunk" is a run of changes with only spaces (no line breaks) unchanged between them; when it
/// both deletes and inserts, it becomes the old side's text (deleted) then the new side's
/// (inserted), so "~~More than 10,000~~ About 1,000" reads as one edit, not as three.
fn tidy(changes: Vec<Change>) -> Vec<Change> {
    let gap = |c: &Change| {
        c.kind == ChangeKind::Same && !c.text.is_empty() && c.text.chars().all(|ch| ch == ' ')
    };
    let mut out: Vec<Change> = Vec::with_capacity(changes.len());
    let mut i = 0;
    while i < changes.len() {
        if changes[i].kind == ChangeKind::Same {
            out.push(changes[i].clone());
            i += 1;
            continue;
        }
        // The hunk: changes[i..end], ending on a change.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < changes.len() {
            if changes[j].kind != ChangeKind::Same {
                j += 1;
                end = j;
            } else if gap(&changes[j])
                && changes
                    .get(j + 1)
                    .is_some_and(|c| c.kind != ChangeKind::Same)
            {
                j += 1;
            } else {
                break;
            }
        }
        let hunk = &changes[i..end];
        let deletes = hunk.iter().any(|c| c.kind == ChangeKind::Deleted);
        let inserts = hunk.iter().any(|c| c.kind == ChangeKind::Inserted);
        if deletes && inserts {
            let side = |kind: ChangeKind| -> String {
                hunk.iter()
                    .filter(|c| c.kind == kind || c.kind == ChangeKind::Same)
                    .map(|c| c.text.as_str())
                    .collect()
            };
            out.push(Change {
                kind: ChangeKind::Deleted,
                text: side(ChangeKind::Deleted),
            });
            out.push(Change {
                kind: ChangeKind::Inserted,
                text: side(ChangeKind::Inserted),
            });
        } else {
            out.extend(hunk.iter().cloned());
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Flood figures revised\n\nMore than 10,000 people were evacuated,\nofficials said on Tuesday. It’s the “worst” flood in decades.";

    fn marked(text: &str, range: Option<Range<usize>>) -> Option<&str> {
        range.map(|r| &text[r])
    }

    #[test]
    fn a_passage_is_found_across_white_space_and_case() {
        let found = find_passage(
            PAGE,
            "  more than 10,000 PEOPLE were   evacuated, officials said ",
        );
        assert_eq!(
            marked(PAGE, found),
            Some("More than 10,000 people were evacuated,\nofficials said")
        );
    }

    #[test]
    fn typographic_quotes_and_dashes_match_plain_ones() {
        let found = find_passage(PAGE, "It's the \"worst\" flood");
        assert_eq!(marked(PAGE, found), Some("It’s the “worst” flood"));
        let dashes = "Prices rose 5–7 per cent";
        assert_eq!(
            marked(dashes, find_passage(dashes, "rose 5-7 per cent")),
            Some("rose 5–7 per cent")
        );
    }

    #[test]
    fn an_edited_passage_is_not_found() {
        assert_eq!(
            find_passage(PAGE, "More than 20,000 people were evacuated"),
            None
        );
        assert_eq!(find_passage(PAGE, "  "), None);
        assert_eq!(find_passage(PAGE, "it"), None, "too short to mean anything");
        assert_eq!(find_passage("", "anything"), None);
    }

    #[test]
    fn case_folding_that_changes_lengths_keeps_the_ranges_right() {
        // 'İ' lowercases to two characters; the range must still cut on character boundaries.
        let text = "İstanbul: SO MANY evacuated";
        let found = find_passage(text, "so many evacuated").expect("found");
        assert_eq!(&text[found], "SO MANY evacuated");
        let found = find_passage(text, "i̇stanbul").expect("found");
        assert_eq!(&text[found], "İstanbul");
    }

    #[test]
    fn highlights_merge_and_cover_the_text() {
        let text = "one two three four five";
        let segments = highlight(text, &[4..13, 8..18, 50..60]);
        assert_eq!(
            segments,
            vec![
                Segment {
                    text: "one ".into(),
                    marked: false
                },
                Segment {
                    text: "two three four".into(),
                    marked: true
                },
                Segment {
                    text: " five".into(),
                    marked: false
                },
            ]
        );
        let whole: String = segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(whole, text);
        assert_eq!(
            highlight(text, &[]),
            vec![Segment {
                text: text.into(),
                marked: false
            }]
        );
    }

    fn rendered(diff: &WordDiff) -> String {
        diff.changes
            .iter()
            .map(|c| match c.kind {
                ChangeKind::Same => c.text.clone(),
                ChangeKind::Inserted => format!("[+{}]", c.text),
                ChangeKind::Deleted => format!("[-{}]", c.text),
            })
            .collect()
    }

    #[test]
    fn a_changed_figure_is_one_deletion_and_one_insertion() {
        let old = "More than 10,000 people were evacuated, officials said.";
        let new = "About 1,000 people were evacuated, officials said.";
        let diff = word_diff(old, new);
        assert_eq!(
            rendered(&diff),
            "[-More than 10,000][+About 1,000] people were evacuated, officials said."
        );
        assert_eq!((diff.inserted_words, diff.deleted_words), (2, 3));
        assert!(!diff.truncated);
    }

    #[test]
    fn added_paragraphs_keep_their_breaks() {
        let old = "First paragraph.\n\nSecond paragraph.";
        let new = "First paragraph.\n\nCorrection: an earlier version said otherwise.\n\nSecond paragraph.";
        let diff = word_diff(old, new);
        let text: String = diff
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Deleted)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(text, new, "the new text is the same and inserted runs");
        let old_again: String = diff
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Inserted)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(old_again, old, "the old text is the same and deleted runs");
        assert_eq!(diff.deleted_words, 0);
        assert_eq!(diff.inserted_words, 6);
    }

    #[test]
    fn identical_texts_have_no_changes() {
        let diff = word_diff(PAGE, PAGE);
        assert!(diff.changes.iter().all(|c| c.kind == ChangeKind::Same));
        assert_eq!((diff.inserted_words, diff.deleted_words), (0, 0));
    }

    #[test]
    fn long_texts_are_compared_up_to_the_cap() {
        let old = "word ".repeat(50);
        let new = format!("{}changed", "word ".repeat(50));
        let diff = word_diff_bounded(&old, &new, 100);
        assert!(diff.truncated);
        assert_eq!(
            (diff.inserted_words, diff.deleted_words),
            (0, 0),
            "the change is past the cap"
        );
        let whole: usize = diff.changes.iter().map(|c| c.text.chars().count()).sum();
        assert_eq!(whole, 100);
        // Multi-byte characters are cut on a boundary.
        let (cut, was_cut) = bounded("ééé", 2);
        assert_eq!((cut, was_cut), ("éé", true));
    }

    #[test]
    fn a_rewritten_page_still_diffs_quickly() {
        // Two unrelated texts of the capped length: the deadline bounds the work.
        let old: String = (0..20_000).map(|i| format!("a{i} ")).collect();
        let new: String = (0..20_000).map(|i| format!("b{i} ")).collect();
        let diff = word_diff(&old, &new);
        assert!(diff.truncated);
        assert!(diff.inserted_words > 0 && diff.deleted_words > 0);
    }
}
