use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

use super::*;

fn i18n_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/i18n")
}

/// Each message of a Fluent file and the `$variables` it uses (in any variant).
fn messages_in(path: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let resource = fluent_syntax::parser::parse(text.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", path.display()));
    let mut out = BTreeMap::new();
    for entry in resource.body {
        if let ast::Entry::Message(message) = entry {
            let mut variables = BTreeSet::new();
            if let Some(pattern) = &message.value {
                pattern_variables(pattern, &mut variables);
            }
            out.insert(message.id.name.to_string(), variables);
        }
    }
    out
}

fn pattern_variables(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => inline_variables(inline, out),
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => expression_variables(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, out);
            }
        }
        _ => {}
    }
}

/// Every shipped language has every reader-facing message of English, with the same arguments,
/// and nothing English lacks (a renamed id left behind).
#[test]
fn every_language_has_every_reader_message_with_the_same_arguments() {
    let mut problems = Vec::new();
    for file in ["public.ftl", "email.ftl"] {
        let english = messages_in(&i18n_dir().join("en").join(file));
        assert!(english.len() > 10, "en/{file} has messages");
        for tag in SHIPPED.iter().filter(|t| **t != "en") {
            let path = i18n_dir().join(tag).join(file);
            if !path.exists() {
                problems.push(format!("{tag}/{file} is missing"));
                continue;
            }
            let theirs = messages_in(&path);
            for (id, variables) in &english {
                match theirs.get(id) {
                    None => problems.push(format!("{tag}/{file}: {id} is missing")),
                    Some(v) if v != variables => problems.push(format!(
                        "{tag}/{file}: {id} uses {v:?}, English uses {variables:?}"
                    )),
                    Some(_) => {}
                }
            }
            for id in theirs.keys().filter(|id| !english.contains_key(*id)) {
                problems.push(format!("{tag}/{file}: {id} is not in English"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Only the shipped languages have folders, and every file in them is one of the known ones.
#[test]
fn language_folders_are_the_shipped_ones() {
    let mut found = BTreeSet::new();
    for entry in std::fs::read_dir(i18n_dir()).unwrap().flatten() {
        if entry.path().is_dir() {
            let tag = entry.file_name().to_string_lossy().to_string();
            for file in std::fs::read_dir(entry.path()).unwrap().flatten() {
                let name = file.file_name().to_string_lossy().to_string();
                let known = ["public.ftl", "email.ftl"].contains(&name.as_str())
                    || (tag == "en" && name == "desk.ftl");
                assert!(known, "templates/i18n/{tag}/{name} is not a known file");
            }
            found.insert(tag);
        }
    }
    let shipped: BTreeSet<String> = SHIPPED.iter().map(|s| s.to_string()).collect();
    assert_eq!(found, shipped);
}

#[test]
fn lookups_fall_back_and_take_arguments() {
    let en = messages("en");
    assert!(en.has("form-title"));
    assert_eq!(messages("xx").t("form-title"), en.t("form-title"));
    assert_eq!(en.t("no-such-id"), "no-such-id");
    assert_eq!(
        en.t_with("validation-length_max", &[("max", "5")]),
        "Use at most 5 characters."
    );
    assert_eq!(
        en.t_count("email-digest-left_out", 1, &[]),
        "1 report was already decided and is left out."
    );
    assert_eq!(
        en.t_count("email-digest-left_out", 2, &[]),
        "2 reports were already decided and are left out."
    );
    // A desk-only message in another language falls back to English.
    assert_eq!(messages("fr").t("desk-nav-queue"), en.t("desk-nav-queue"));
}

#[test]
fn tags_match_their_shipped_language() {
    assert_eq!(shipped("en-GB"), Some("en"));
    assert_eq!(shipped("es-MX"), Some("es"));
    assert_eq!(shipped("zh-CN"), Some("zh-Hans"));
    assert_eq!(shipped("zh"), Some("zh-Hans"));
    assert_eq!(
        shipped("zh-TW"),
        None,
        "Traditional Chinese is not Simplified"
    );
    assert_eq!(shipped("de"), None);
    assert_eq!(messages("ar-EG").tag(), "ar");
    assert_eq!(messages("ar").dir(), "rtl");
    assert_eq!(messages("ru").dir(), "ltr");
    assert_eq!(messages("de").tag(), "en");
}

#[test]
fn accept_language_is_ordered_by_quality() {
    assert_eq!(
        accept_language("fr;q=0.5, zh-CN, en;q=0.8, de;q=0, *;q=0.1"),
        vec!["zh-CN", "en", "fr"]
    );
    assert_eq!(accept_language("en-US,en;q=0.9"), vec!["en-US", "en"]);
    assert_eq!(accept_language(" ;q=1, ,"), Vec::<&str>::new());
    assert_eq!(
        accept_language("es;q=abc, ru"),
        vec!["ru"],
        "a bad q drops its tag"
    );
    let offered = ["en", "ar", "ru"];
    assert_eq!(
        negotiate(accept_language("pt-BR, ar-MA;q=0.7, ru;q=0.9"), &offered),
        Some("ru")
    );
    assert_eq!(negotiate(accept_language("pt-BR"), &offered), None);
}

/// Plural forms follow each language's CLDR rules, not English's one/other.
#[test]
fn plurals_follow_cldr_rules() {
    let form = |tag: &str, n: usize| {
        messages(tag)
            .t_count("thanks-response_time", n, &[])
            .replace(&n.to_string(), "N")
    };
    // Russian: 1 and 21 are "one", 2–4 and 22 "few", 5–20 and 25 "many".
    assert_eq!(form("ru", 1), form("ru", 21));
    assert_eq!(form("ru", 2), form("ru", 22));
    assert_eq!(form("ru", 5), form("ru", 25));
    assert_ne!(form("ru", 2), form("ru", 5));
    assert_ne!(form("ru", 21), form("ru", 5));
    // Arabic: 2 is "two", 3–10 "few", 11–99 "many", 100 "other".
    assert_ne!(form("ar", 2), form("ar", 3));
    assert_eq!(form("ar", 3), form("ar", 10));
    assert_ne!(form("ar", 3), form("ar", 11));
    assert_eq!(form("ar", 11), form("ar", 99));
    // English: only 1 differs.
    assert_eq!(form("en", 2), form("en", 5));
    assert_ne!(form("en", 1), form("en", 2));
}

/// Every message id used in a template or in the code exists in English.
#[test]
fn every_used_message_id_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for dir in ["templates", "src"] {
        for path in walk(&root.join(dir)) {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for marker in [".t(\"", ".t_with(\"", ".t_count(\""] {
                for (i, _) in text.match_indices(marker) {
                    let rest = &text[i + marker.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let id = &rest[..end];
                    if id.contains('-')
                        && !id.contains('{')
                        && !id.starts_with("no-such")
                        && !messages("en").has(id)
                    {
                        missing.push(format!("{}: {id}", path.display()));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "message ids missing in English: {missing:#?}"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
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
