//! Readers in their own language: how a page's language is chosen, the chooser, the report's
//! language, error pages and API messages, and reporter emails with their links.
//! Expected texts come from the shipped catalogs (`disinfo_desk::i18n`), never copied here.

use std::time::Duration;

use disinfo_desk::i18n::messages;
use serde_json::{Value, json};

use crate::helpers::{TestApp, hidden_value, smtp_to, spawn_app, spawn_app_with, valid_report};
use crate::smtp_sink::SmtpSink;

const WAIT: Duration = Duration::from_secs(20);

async fn page(
    app: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

/// The `lang` and `dir` of a page's `<html>`.
fn html_lang(html: &str) -> (String, String) {
    let start = html.find("<html").expect("an html element");
    let tag = &html[start..start + html[start..].find('>').expect("closed")];
    let attr = |name: &str| {
        let at = tag
            .find(&format!("{name}=\""))
            .map(|i| i + name.len() + 2)?;
        Some(tag[at..at + tag[at..].find('"')?].to_string())
    };
    (
        attr("lang").unwrap_or_default(),
        attr("dir").unwrap_or_default(),
    )
}

fn set_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("desk_lang="))
        .map(str::to_string)
}

#[tokio::test]
async fn the_language_comes_from_the_query_then_the_cookie_then_the_browser_then_the_default() {
    let app = spawn_app().await;

    // ?lang= wins over everything, and is remembered in a cookie.
    let (status, headers, html) = page(
        &app,
        "/report?lang=fr",
        &[("Cookie", "desk_lang=ru"), ("Accept-Language", "es")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(html_lang(&html), ("fr".into(), "ltr".into()));
    assert!(html.contains(&messages("fr").t("form-title")));
    let cookie = set_cookie(&headers).expect("the choice is remembered");
    assert!(cookie.starts_with("desk_lang=fr;"), "{cookie}");
    assert!(
        cookie.contains("Path=/") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let vary = headers
        .get("vary")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        vary.contains("Accept-Language") && vary.contains("Cookie"),
        "{vary}"
    );

    // The cookie wins over the browser's languages.
    let (_, headers, html) = page(
        &app,
        "/report",
        &[("Cookie", "desk_lang=ru"), ("Accept-Language", "es")],
    )
    .await;
    assert_eq!(html_lang(&html).0, "ru");
    assert!(set_cookie(&headers).is_none(), "nothing new to remember");

    // Accept-Language by quality: German is not offered, Russian (0.9) beats English (0.8).
    let (_, _, html) = page(
        &app,
        "/status",
        &[("Accept-Language", "de-DE, en;q=0.8, ru;q=0.9")],
    )
    .await;
    assert_eq!(html_lang(&html).0, "ru");
    assert!(html.contains(&messages("ru").t("status-lookup-title")));

    // A browser's zh-CN is served Simplified Chinese; Traditional is not offered.
    let (_, _, html) = page(&app, "/report", &[("Accept-Language", "zh-CN,zh;q=0.9")]).await;
    assert_eq!(html_lang(&html).0, "zh-Hans");
    let (_, _, html) = page(&app, "/report", &[("Accept-Language", "zh-TW, fr;q=0.5")]).await;
    assert_eq!(html_lang(&html).0, "fr");

    // Arabic pages are right to left.
    let (_, _, html) = page(&app, "/report", &[("Accept-Language", "ar-EG")]).await;
    assert_eq!(html_lang(&html), ("ar".into(), "rtl".into()));

    // Nothing usable: the publisher's default; an unknown ?lang= is ignored and not remembered.
    let (_, headers, html) = page(&app, "/report?lang=xx", &[("Accept-Language", "pt-BR")]).await;
    assert_eq!(html_lang(&html), ("en".into(), "ltr".into()));
    assert!(set_cookie(&headers).is_none());
    let (_, _, html) = page(&app, "/report", &[("Cookie", "desk_lang=klingon")]).await;
    assert_eq!(html_lang(&html).0, "en");
}

#[tokio::test]
async fn the_default_is_the_publishers_and_only_offered_languages_are_chosen() {
    let app = spawn_app_with(|s| {
        s.i18n.languages = vec!["es".into(), "en".into()];
        s.i18n.default = "es".into();
    })
    .await;
    let (_, _, html) = page(&app, "/report", &[]).await;
    assert_eq!(html_lang(&html).0, "es");
    // Russian ships but this site does not offer it.
    let (_, _, html) = page(&app, "/report?lang=ru", &[("Accept-Language", "ru")]).await;
    assert_eq!(html_lang(&html).0, "es");
    let (_, _, html) = page(&app, "/report", &[("Accept-Language", "ru, en;q=0.5")]).await;
    assert_eq!(html_lang(&html).0, "en");
    // The chooser lists the offered languages only, in the site's order.
    let es = html.find(">Español</a>").expect("Spanish offered");
    let en = html.find(">English</a>").expect("English offered");
    assert!(es < en, "in the configured order");
    assert!(!html.contains(">Русский</a>"));
}

#[tokio::test]
async fn the_chooser_links_to_the_same_page_in_each_language_named_in_itself() {
    let app = spawn_app().await;
    let (_, _, html) = page(
        &app,
        "/report?url=https%3A%2F%2Fwww.example.com%2Fa&lang=ar",
        &[],
    )
    .await;
    let chooser = &html[html.find(r#"class="languages""#).expect("a chooser")..];
    let chooser = &chooser[..chooser.find("</nav>").expect("closed")];
    assert!(
        chooser.contains(&format!(
            r#"aria-label="{}""#,
            messages("ar").t("nav-language")
        )),
        "{chooser}"
    );
    for (tag, name) in [
        ("en", "English"),
        ("zh-Hans", "简体中文"),
        ("es", "Español"),
        ("fr", "Français"),
        ("ru", "Русский"),
        ("ar", "العربية"),
    ] {
        let link = format!(
            r#"href="/report?url=https%3A%2F%2Fwww.example.com%2Fa&#38;lang={tag}" lang="{tag}" hreflang="{tag}""#
        );
        assert!(chooser.contains(&link), "{link} in {chooser}");
        assert!(chooser.contains(&format!(">{name}</a>")), "{name}");
    }
    assert!(
        chooser.contains(r#"hreflang="ar" aria-current="true">"#),
        "the current language is marked: {chooser}"
    );
    assert!(!html.contains("<script"), "no JavaScript needed");
}

#[tokio::test]
async fn the_report_is_in_the_pages_language_unless_the_reader_picks_another() {
    let app = spawn_app().await;
    let (_, _, html) = page(&app, "/report?lang=es", &[]).await;
    assert!(
        html.contains(r#"<option value="es" selected>"#),
        "the page's language is preselected"
    );

    // A wrong submission from a French page: French messages, the input kept.
    let token = hidden_value(&page(&app, "/report", &[]).await.2, "form_token").expect("token");
    let body = serde_html_form::to_string([
        ("form_token", token.as_str()),
        ("article_url", "not a url"),
        ("category", "false_claim"),
        ("explanation", "short"),
        ("language", "ru"),
    ])
    .expect("encodes");
    let response = app
        .client
        .post(app.url("/report"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Cookie", "desk_lang=fr")
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    let fr = messages("fr");
    assert_eq!(html_lang(&html).0, "fr");
    assert!(html.contains(&fr.t("form-error_summary")), "French summary");
    assert!(html.contains(&fr.t("validation-article_url-invalid")));
    assert!(html.contains(r#"value="not a url""#), "input kept");
    assert!(
        html.contains(r#"<option value="ru" selected>"#),
        "the reader's own pick stays"
    );
}

#[tokio::test]
async fn api_messages_follow_accept_language_and_error_pages_the_readers_language() {
    let app = spawn_app().await;
    let mut report = valid_report();
    report["reporter_email"] = json!("not-an-address");
    let response = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("Accept-Language", "es-MX, en;q=0.5")
        .json(&report)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["fields"]["reporter_email"][0],
        json!(messages("es").t("validation-email")),
        "{body}"
    );

    let (status, _, html) = page(&app, "/no/such/page", &[("Accept-Language", "ru")]).await;
    assert_eq!(status, 404);
    assert_eq!(html_lang(&html).0, "ru");
    assert!(html.contains(&messages("ru").t("error-not_found-title")));
    assert!(html.contains(&messages("ru").t("error-not_found-message")));

    let (status, _, html) = page(&app, "/status/NOSUCH-CODE22?lang=zh-Hans", &[]).await;
    assert_eq!(status, 404);
    assert!(html.contains(&messages("zh-Hans").t("status-not_found")));

    // The dashboard stays English whatever the reader's language.
    let (_, _, html) = page(&app, "/desk/login", &[("Accept-Language", "ar")]).await;
    assert_eq!(html_lang(&html), ("en".into(), "ltr".into()));
}

async fn acknowledgement_in(language: &str) -> (String, crate::smtp_sink::ReceivedMessage) {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with(|s| smtp_to(s, sink.port())).await;
    let mut report = valid_report();
    report["language"] = json!(language);
    report["reporter_email"] = json!("reader@example.org");
    let response = app.post_report(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let code = body["tracking_code"].as_str().expect("code").to_string();
    let messages = sink.wait_for(2, WAIT).await;
    let ack = messages
        .into_iter()
        .find(|m| m.rcpt_to.iter().any(|r| r == "reader@example.org"))
        .expect("an acknowledgement");
    (code, ack)
}

#[tokio::test]
async fn reporter_emails_are_in_the_reports_language_and_link_to_pages_in_it() {
    let ru = messages("ru");
    let (code, ack) = acknowledgement_in("ru").await;
    assert!(
        ack.subject().contains(&ru.t("email-ack-subject")),
        "{}",
        ack.subject()
    );
    let text = ack.text_body().expect("text");
    assert!(text.contains(&ru.t("email-ack-intro")), "{text}");
    assert!(text.contains(&format!("/status/{code}?lang=ru")), "{text}");
    assert!(
        text.contains("&lang=ru"),
        "unsubscribe link in Russian: {text}"
    );
    let html = ack.html_body().expect("html");
    assert_eq!(html_lang(&html), ("ru".into(), "ltr".into()));
    assert_eq!(ack.header("Content-Language").as_deref(), Some("ru"));

    let (_, ack) = acknowledgement_in("ar").await;
    let html = ack.html_body().expect("html");
    assert_eq!(html_lang(&html), ("ar".into(), "rtl".into()));
    assert!(
        ack.subject()
            .contains(&messages("ar").t("email-ack-subject"))
    );

    // A report in a language without a translation is answered in English.
    let (code, ack) = acknowledgement_in("de").await;
    assert!(
        ack.subject()
            .contains(&messages("en").t("email-ack-subject"))
    );
    assert!(
        ack.text_body()
            .expect("text")
            .contains(&format!("/status/{code}?lang=en"))
    );
}

#[tokio::test]
async fn the_status_page_opened_from_an_email_is_in_its_language() {
    let app = spawn_app().await;
    let response = app.post_report(&valid_report()).await;
    let body: Value = response.json().await.expect("json");
    let code = body["tracking_code"].as_str().expect("code");
    let (status, headers, html) = page(
        &app,
        &format!("/status/{code}?lang=ar"),
        &[("Accept-Language", "en")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(html_lang(&html), ("ar".into(), "rtl".into()));
    let ar = messages("ar");
    assert!(html.contains(&ar.t("status-title")));
    assert!(html.contains(&ar.t("status-received")));
    assert!(set_cookie(&headers).is_some_and(|c| c.starts_with("desk_lang=ar;")));
}

#[tokio::test]
async fn the_publishers_logo_and_colour_frame_every_public_page() {
    let app = spawn_app_with(|s| {
        s.publisher.logo_url = Some("https://www.example.com/logo.svg".into());
        s.publisher.accent_color = "#7a1f3d".into();
    })
    .await;
    let (_, _, html) = page(&app, "/status", &[]).await;
    assert!(
        html.contains(
            r#"<img class="logo" src="https://www.example.com/logo.svg" alt="The Example Times">"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"<link rel="stylesheet" href="/static/brand.css">"#));
    let response = app.get("/static/brand.css").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/css"))
    );
    let css = response.text().await.expect("css");
    assert!(css.contains("--accent: #7a1f3d;"), "{css}");
}
