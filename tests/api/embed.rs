//! The publisher's "Report this article" link and the optional button script.

use disinfo_desk::i18n::messages;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn the_button_script_is_served_with_each_offered_languages_label() {
    let app = spawn_app_with(|s| {
        s.server.public_url = "https://desk.example.com/".into();
        s.i18n.languages = vec!["en".into(), "ar".into(), "zh-Hans".into()];
        s.i18n.default = "en".into();
    })
    .await;
    let response = app.get("/embed/report-button.js").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        response.headers()["cross-origin-resource-policy"],
        "cross-origin"
    );
    let script = response.text().await.expect("script");
    assert!(
        script.contains(r#"var desk = "https://desk.example.com";"#),
        "{script}"
    );
    let labels = serde_json::json!({
        "ar": messages("ar").t("embed-button"),
        "en": messages("en").t("embed-button"),
        "zh-Hans": messages("zh-Hans").t("embed-button"),
    });
    assert!(
        script.contains(&format!("var labels = {labels};")),
        "labels from the catalogs: {script}"
    );
    assert!(
        !script.contains(&messages("ru").t("embed-button")),
        "only offered languages"
    );
    // Nothing a strict Content-Security-Policy on the publisher's page would refuse.
    for banned in [
        "eval(",
        "new Function",
        "innerHTML",
        "setAttribute(\"style\"",
        ".style.",
    ] {
        assert!(!script.contains(banned), "{banned}");
    }

    let css = app.get("/embed/report-button.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.text()
            .await
            .expect("css")
            .contains("a.disinfo-desk-report")
    );
}

/// The plain link a CMS puts on every article: the form opens prefilled, in the article's
/// language, with that language preselected as the report's.
#[tokio::test]
async fn the_plain_link_opens_the_form_prefilled_in_the_articles_language() {
    let app = spawn_app().await;
    let response = app
        .get("/report?url=https%3A%2F%2Fwww.example.com%2Fmonde%2F2026%2Fcrue&lang=fr")
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains(r#"<html lang="fr" dir="ltr">"#));
    assert!(html.contains(r#"value="https://www.example.com/monde/2026/crue""#));
    assert!(html.contains(r#"<option value="fr" selected>"#));
    assert!(html.contains(&messages("fr").t("form-title")));
}
