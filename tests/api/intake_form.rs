use diesel::prelude::*;
use disinfo_desk::storage::schema::reports;

use crate::helpers::spawn_app;

const EXPLANATION: &str = "The caption says 2019 but the photo is from a 2014 protest.";

#[tokio::test]
async fn the_form_is_prefilled_from_the_link() {
    let app = spawn_app().await;
    let response = app
        .get("/report?url=https%3A%2F%2Fwww.example.com%2Fworld%2Fstory%3Fa%3D1%26b%3D2")
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(
        html.contains(r#"value="https://www.example.com/world/story?a=1&#38;b=2""#)
            || html.contains(r#"value="https://www.example.com/world/story?a=1&amp;b=2""#),
        "{html}"
    );
    // Every input has a label, and no script is needed.
    for id in [
        "article_url",
        "passage",
        "explanation",
        "language",
        "reporter_name",
        "reporter_email",
        "wants_outcome",
    ] {
        assert!(
            html.contains(&format!(r#"<label for="{id}""#)),
            "label for {id}"
        );
    }
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn the_root_leads_to_the_form() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/report");
}

#[tokio::test]
async fn a_valid_form_leads_to_the_thank_you_page_and_is_stored() {
    let app = spawn_app().await;
    let response = app
        .post_form(&[
            (
                "article_url",
                "https://www.example.com/politics/budget?utm_campaign=x",
            ),
            ("category", "manipulated_media"),
            ("passage", ""),
            ("explanation", EXPLANATION),
            ("evidence_urls", "https://archive.example.net/2014/photo"),
            ("evidence_urls", ""),
            ("evidence_urls", "https://news.example.org/original"),
            ("language", "de"),
            ("reporter_name", ""),
            ("reporter_email", "reader@example.org"),
            ("wants_outcome", "true"),
        ])
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    let code = location
        .strip_prefix("/report/thanks/")
        .expect("thank-you page")
        .to_string();

    let page = app.get(&location).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains(&code));
    assert!(html.contains(&format!(r#"href="/status/{code}""#)));

    let stored = code.clone();
    let (url, channel, evidence, language, name): (String, String, String, String, Option<String>) =
        app.query(move |conn| {
            reports::table
                .filter(reports::tracking_code.eq(&stored))
                .select((
                    reports::submitted_url,
                    reports::channel,
                    reports::evidence_urls,
                    reports::language,
                    reports::reporter_name,
                ))
                .first(conn)
        })
        .await;
    assert_eq!(
        url, "https://www.example.com/politics/budget?utm_campaign=x",
        "the link as given is kept"
    );
    assert_eq!(channel, "web_form");
    assert_eq!(
        evidence,
        r#"["https://archive.example.net/2014/photo","https://news.example.org/original"]"#
    );
    assert_eq!(language, "de");
    assert_eq!(name, None, "an empty name is no name");
}

#[tokio::test]
async fn an_invalid_form_comes_back_with_input_and_errors() {
    let app = spawn_app().await;
    let response = app
        .post_form(&[
            ("article_url", "https://evil.test/story"),
            ("category", "false_claim"),
            ("passage", "A <b>quoted</b> passage"),
            ("explanation", "short <script>alert(1)</script>"),
            ("evidence_urls", "https://a.test/kept"),
            ("reporter_email", ""),
            ("wants_outcome", "true"),
        ])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    // Errors are summarised and shown beside their fields.
    assert!(html.contains("There is a problem with your report"));
    assert!(html.contains(r##"href="#article_url""##));
    assert!(html.contains(r#"id="article_url-error""#));
    assert!(html.contains("evil.test is not one of our sites"));
    assert!(html.contains(r#"id="reporter_email-error""#));
    assert!(html.contains(r#"aria-invalid="true""#));
    // The reader's input is kept, escaped.
    assert!(html.contains(r#"value="https://evil.test/story""#));
    assert!(
        html.contains("A &#60;b&#62;quoted&#60;/b&#62; passage")
            || html.contains("A &lt;b&gt;quoted&lt;/b&gt; passage"),
        "{html}"
    );
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains(r#"value="https://a.test/kept""#));
    assert!(html.contains(r#"value="false_claim" checked"#));
    assert!(html.contains(r#"name="wants_outcome" value="true" checked"#));
    let stored: i64 = app
        .query(|conn| reports::table.count().get_result(conn))
        .await;
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn a_form_in_the_wrong_encoding_is_refused() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/report"))
        .header("Content-Type", "text/plain")
        .body("article_url=x")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 415);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("application/x-www-form-urlencoded")
    );
}

#[tokio::test]
async fn fields_the_form_does_not_know_are_ignored() {
    let app = spawn_app().await;
    let response = app
        .post_form(&[
            ("article_url", "https://www.example.com/world/story"),
            ("category", "outdated"),
            ("explanation", EXPLANATION),
            ("submit", "Send report"),
            ("site_tracking_field", "abc"),
        ])
        .await;
    assert_eq!(
        response.status(),
        303,
        "a named button or a site's hidden field never loses a report"
    );
}

#[tokio::test]
async fn the_error_summary_follows_the_form_and_links_to_controls() {
    let app = spawn_app().await;
    let response = app
        .post_form(&[
            ("article_url", "https://www.example.com/world/story"),
            ("explanation", "short"),
            ("evidence_urls", "https://ok.example.org/source"),
            ("evidence_urls", "javascript:alert(1)"),
        ])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    assert!(html.contains("<title>Error: "));
    let category = html
        .find(r##"href="#category-false_claim""##)
        .expect("category links to its first choice");
    let explanation = html.find(r##"href="#explanation""##).expect("explanation");
    let evidence = html
        .find(r##"href="#evidence_urls-1""##)
        .expect("evidence links to its first box");
    assert!(
        category < explanation && explanation < evidence,
        "form order"
    );
    assert!(html.contains("this one is not: javascript:alert(1)"));
    assert!(
        !html.contains("this one is not: ["),
        "names the bad link, not the whole list"
    );
}
