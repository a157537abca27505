//! The message catalog: every string a reader or editor sees comes from here, keyed by id, so a new
//! language is a new file in `templates/i18n/` and no template changes.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Shipped catalogs, embedded at compile time: (language tag, TOML text of flat `id = "text"` pairs).
const SHIPPED: &[(&str, &str)] = &[("en", include_str!("../templates/i18n/en.toml"))];
const FALLBACK: &str = "en";

static CATALOG: LazyLock<HashMap<&'static str, Messages>> = LazyLock::new(|| {
    SHIPPED
        .iter()
        .map(|(lang, text)| {
            let entries: HashMap<String, String> = toml::from_str(text)
                // Embedded at build time and checked by a unit test, never input from a user.
                .unwrap_or_else(|e| panic!("templates/i18n/{lang}.toml is not valid: {e}"));
            (*lang, Messages { entries })
        })
        .collect()
});

#[derive(Debug)]
pub struct Messages {
    entries: HashMap<String, String>,
}

impl Messages {
    /// The text for `id`; falls back to English, then to the id itself (visible, never a crash).
    pub fn t<'a>(&'a self, id: &'a str) -> &'a str {
        self.entries
            .get(id)
            .or_else(|| fallback().entries.get(id))
            .map(String::as_str)
            .unwrap_or(id)
    }

    /// Like [`Messages::t`], replacing `{name}` placeholders.
    pub fn t_with(&self, id: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(id).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A text that depends on a count: `{id}.one` for 1, `{id}.other` otherwise (English's two
    /// plural forms; a language with more would need CLDR rules here), with `{count}` and `args`.
    /// (`count` may be borrowed: templates pass fields by reference.)
    pub fn t_count(
        &self,
        id: &str,
        count: impl std::borrow::Borrow<usize>,
        args: &[(&str, &str)],
    ) -> String {
        let count = *count.borrow();
        let form = if count == 1 { "one" } else { "other" };
        let count = count.to_string();
        let mut all = vec![("count", count.as_str())];
        all.extend_from_slice(args);
        self.t_with(&format!("{id}.{form}"), &all)
    }

    pub fn has(&self, id: &str) -> bool {
        self.entries.contains_key(id)
    }
}

fn fallback() -> &'static Messages {
    CATALOG
        .get(FALLBACK)
        .unwrap_or_else(|| unreachable!("the English catalog is always shipped"))
}

/// The messages for a language tag (`de-AT` uses `de`), English when there is no translation.
pub fn messages(language: &str) -> &'static Messages {
    let primary = language.split('-').next().unwrap_or(language);
    CATALOG.get(primary).unwrap_or_else(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_catalogs_parse_and_fall_back() {
        let en = messages("en");
        assert!(en.has("form.title"));
        assert_eq!(messages("xx").t("form.title"), en.t("form.title"));
        assert_eq!(en.t("no.such.id"), "no.such.id");
        assert_eq!(
            en.t_with("validation.length_max", &[("max", "5")]),
            en.t("validation.length_max").replace("{max}", "5")
        );
        assert_eq!(
            en.t_count("email.digest.left_out", 1, &[]),
            "1 report was already decided and is left out."
        );
        assert_eq!(
            en.t_count("email.digest.left_out", 2, &[]),
            "2 reports were already decided and are left out."
        );
    }

    /// Every `t("...")` id used in a template or in the code exists in the English catalog.
    #[test]
    fn every_used_message_id_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            for path in walk(&root.join(dir)) {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                for (marker, forms) in [
                    (".t(\"", &[""][..]),
                    (".t_with(\"", &[""][..]),
                    (".t_count(\"", &[".one", ".other"][..]),
                ] {
                    for (i, _) in text.match_indices(marker) {
                        let rest = &text[i + marker.len()..];
                        let Some(end) = rest.find('"') else { continue };
                        let id = &rest[..end];
                        for form in forms {
                            let id = format!("{id}{form}");
                            if id.contains('.')
                                && !id.contains('{')
                                && !messages("en").has(&id)
                                && id != "no.such.id"
                            {
                                missing.push(format!("{}: {id}", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "message ids missing from en.toml: {missing:#?}"
        );
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    out.extend(walk(&path));
                } else {
                    out.push(path);
                }
            }
        }
        out
    }
}
