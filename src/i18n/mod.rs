//! Messages in every language the desk speaks: Fluent files under `templates/i18n/<tag>/`,
//! compiled into the binary (fluent-bundle, Project Fluent's own Rust implementation), with CLDR plural rules ("1 отчёт", "2 отчёта", "5 отчётов"), and the
//! negotiation of a reader's language from what they ask for.
//!
//! - `public.ftl` and `email.ftl`: what readers see and receive; every shipped language has both,
//!   with the same message ids and `$arguments` (checked by a unit test).
//! - `en/desk.ftl`: the dashboard, editor API and editor emails; English only for now.
//! - `core.ftl`: shared by all, the names of languages, each in itself.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{CharacterDirection, LanguageIdentifier};

/// One language's Fluent files, compiled in: the shared names of languages, then its own files.
macro_rules! language_files {
    ($tag:literal $(, $extra:literal)*) => {
        (
            $tag,
            &[
                include_str!("../../templates/i18n/core.ftl"),
                include_str!(concat!("../../templates/i18n/", $tag, "/public.ftl")),
                include_str!(concat!("../../templates/i18n/", $tag, "/email.ftl")),
                $(include_str!(concat!("../../templates/i18n/", $tag, "/", $extra)),)*
            ],
        )
    };
}

/// The languages with a full translation of every reader-facing message, as BCP 47 tags, and
/// their files. `[i18n] languages` in config chooses which of them a site offers.
const FILES: &[(&str, &[&str])] = &[
    language_files!("en", "desk.ftl"),
    language_files!("zh-Hans"),
    language_files!("es"),
    language_files!("fr"),
    language_files!("ru"),
    language_files!("ar"),
];

/// The shipped languages' tags, English (the fallback) first.
pub const SHIPPED: &[&str] = &["en", "zh-Hans", "es", "fr", "ru", "ar"];
/// What a message missing in some language falls back to.
pub const FALLBACK: &str = "en";

static SHIPPED_MESSAGES: LazyLock<Vec<Messages>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(tag, files)| {
            // Compiled-in files and constant tags, checked by unit tests: never input from a user.
            let id: LanguageIdentifier = tag
                .parse()
                .unwrap_or_else(|e| panic!("{tag} is not a language tag: {e:?}"));
            let mut bundle = FluentBundle::new_concurrent(vec![id.clone()]);
            // Right-to-left text isolates each value it embeds (a URL, a tracking code) so that
            // it reads in its own direction; left-to-right text gets no invisible marks.
            bundle.set_use_isolating(id.character_direction() == CharacterDirection::RTL);
            for text in files.iter() {
                let resource = FluentResource::try_new(text.to_string())
                    .unwrap_or_else(|(_, e)| panic!("a {tag} message file does not parse: {e:?}"));
                bundle
                    .add_resource(resource)
                    .unwrap_or_else(|e| panic!("a {tag} message is defined twice: {e:?}"));
            }
            Messages { id, tag, bundle }
        })
        .collect()
});

/// The messages of one language.
pub struct Messages {
    id: LanguageIdentifier,
    tag: &'static str,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Messages").field("tag", &self.tag).finish()
    }
}

impl Messages {
    /// The language's BCP 47 tag, for `<html lang>` and `Content-Language`.
    pub fn tag(&self) -> &'static str {
        self.tag
    }

    /// `rtl` for Arabic, `ltr` otherwise: for `<html dir>`.
    pub fn dir(&self) -> &'static str {
        if self.id.character_direction() == CharacterDirection::RTL {
            "rtl"
        } else {
            "ltr"
        }
    }

    /// The text for `id`; falls back to English, then to the id itself (visible, never a crash).
    pub fn t(&self, id: &str) -> String {
        self.lookup(id, None)
    }

    /// Like [`Messages::t`], with `$name` arguments. A value that is a number is passed as one,
    /// so that a message can choose a plural form by it ("24 часа", "5 дней").
    pub fn t_with(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.lookup(id, Some(&arguments(args)))
    }

    /// A text that depends on a count, passed as `$count` (a number, so that the message can
    /// choose its plural form by the language's CLDR rules), with further `args`.
    /// (`count` may be borrowed: templates pass fields by reference.)
    pub fn t_count(
        &self,
        id: &str,
        count: impl std::borrow::Borrow<usize>,
        args: &[(&str, &str)],
    ) -> String {
        let mut all = arguments(args);
        all.set("count", FluentValue::from(*count.borrow()));
        self.lookup(id, Some(&all))
    }

    /// Whether `id` exists in this language or in the fallback.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id) || fallback().bundle.has_message(id)
    }

    fn lookup(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        self.format(id, args)
            .or_else(|| fallback().format(id, args))
            .unwrap_or_else(|| id.to_string())
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let pattern = self.bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            // A missing argument shows as `{$name}`: visible, never a crash; the unit tests
            // check that every language uses the arguments English does.
            tracing::warn!(
                language = self.tag,
                id,
                ?errors,
                "message formatted with errors"
            );
        }
        Some(text.into_owned())
    }
}

fn arguments<'a>(args: &[(&str, &'a str)]) -> FluentArgs<'a> {
    let mut out = FluentArgs::with_capacity(args.len() + 1);
    for (name, value) in args {
        out.set(name.to_string(), FluentValue::try_number(value));
    }
    out
}

fn fallback() -> &'static Messages {
    &SHIPPED_MESSAGES[0]
}

/// The shipped language `tag` is or belongs to (`es-MX` → `es`, `zh-CN` → `zh-Hans`), if any.
pub fn shipped(tag: &str) -> Option<&'static str> {
    negotiate([tag], SHIPPED)
}

/// The messages for a language tag, by the same matching as [`shipped`]; English when there is
/// no translation (a report written in German is answered in English).
pub fn messages(language: &str) -> &'static Messages {
    shipped(language)
        .and_then(|tag| SHIPPED_MESSAGES.iter().find(|m| m.tag == tag))
        .unwrap_or_else(fallback)
}

/// The first of `requested` (best first) that one of `offered` serves, by fluent-langneg's
/// filtering with likely subtags: `zh-CN` and `zh` find `zh-Hans`, `zh-TW` does not.
pub fn negotiate<'a>(
    requested: impl IntoIterator<Item = &'a str>,
    offered: &[&'static str],
) -> Option<&'static str> {
    let available: Vec<(LanguageIdentifier, &'static str)> = offered
        .iter()
        .filter_map(|tag| tag.parse().ok().map(|id| (id, *tag)))
        .collect();
    let ids: Vec<&LanguageIdentifier> = available.iter().map(|(id, _)| id).collect();
    requested.into_iter().find_map(|tag| {
        let wanted: LanguageIdentifier = tag.parse().ok()?;
        let found = fluent_langneg::negotiate_languages(
            &[wanted],
            &ids,
            None,
            fluent_langneg::NegotiationStrategy::Filtering,
        );
        let best = found.first()?;
        available
            .iter()
            .find(|(id, _)| id == **best)
            .map(|(_, tag)| *tag)
    })
}

/// The tags of an `Accept-Language` header, best first by quality value (`q=0` means "not
/// this"); equal qualities keep their order. fluent-langneg's own parser ignores `q`.
pub fn accept_language(header: &str) -> Vec<&str> {
    let mut tags: Vec<(&str, f32)> = header
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (!tag.is_empty() && tag != "*" && quality > 0.0).then_some((tag, quality))
        })
        .collect();
    tags.sort_by(|a, b| b.1.total_cmp(&a.1));
    tags.into_iter().map(|(tag, _)| tag).collect()
}

#[cfg(test)]
mod tests;
