//! The form kit (`templates/forms.html`): two refused forms of different areas, the public
//! contribution form and the administration's new-account form, render the same error
//! summary and the same refused fields: each summary link goes to a field's id, and that
//! field is marked invalid and described by its message, which exists.

use actix_web::http::StatusCode;

use crate::common::{browser, value_of, ADMIN};

const CONTRIBUTION_FORM: &str = "/consultations/ess-pays-de-la-loire-2016/contribuer/2";

/// The error summary's box: from its opening tag to its closing `</div>`.
fn summary(body: &str) -> &str {
    let start = body.find("<div class=\"error-summary\"").unwrap_or_else(|| panic!("an error summary: {body}"));
    let end = start + body[start..].find("</div>").expect("the summary closes");
    &body[start..end]
}

/// The ids the summary links to, in order.
fn linked_ids(summary: &str) -> Vec<String> {
    summary.split("<li><a href=\"#").skip(1).map(|rest| rest.chars().take_while(|c| *c != '"').collect()).collect()
}

/// The opening tag of the element whose id is `id`.
fn tag_of<'a>(body: &'a str, id: &str) -> &'a str {
    let at = body.find(&format!(" id=\"{id}\"")).unwrap_or_else(|| panic!("an element #{id}: {body}"));
    let start = body[..at].rfind('<').unwrap();
    let end = at + body[at..].find('>').unwrap();
    &body[start..=end]
}

/// The value of `attribute` in an opening tag.
fn attribute<'a>(tag: &'a str, attribute: &str) -> Option<&'a str> {
    let marker = format!(" {attribute}=\"");
    let at = tag.find(&marker)? + marker.len();
    Some(&tag[at..at + tag[at..].find('"').unwrap()])
}

/// The summary's shape without its texts: tags and classes, what the kit decides.
fn shape(summary: &str) -> String {
    let mut shape = String::new();
    for piece in summary.split('<').skip(1) {
        let tag: String = piece.chars().take_while(|c| c.is_alphanumeric() || *c == '/').collect();
        shape.push_str(&format!("<{tag}>"));
    }
    // However many messages, one item's shape.
    while shape.contains("<li><a></a></li><li>") {
        shape = shape.replace("<li><a></a></li><li>", "<li>");
    }
    shape
}

/// The names of a tag's attributes, in order, less the HTML `required` flag.
fn attribute_names(tag: &str) -> Vec<&str> {
    tag.split(' ')
        .skip(1)
        .filter_map(|piece| piece.split_once("=\"").map(|(name, _)| name))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect()
}

/// Checks the kit's promises on a refused page; returns the summary's shape.
fn check_refused(body: &str, expected_links: &[&str]) -> String {
    let summary = summary(body);
    assert!(summary.starts_with("<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\""), "{summary}");
    let links = linked_ids(summary);
    for id in expected_links {
        assert!(links.iter().any(|l| l == id), "the summary links to #{id}: {summary}");
    }
    for id in &links {
        let field = tag_of(body, id);
        assert_eq!(attribute(field, "aria-invalid"), Some("true"), "#{id} is marked invalid: {field}");
        let described = attribute(field, "aria-describedby").unwrap_or_else(|| panic!("#{id} is described: {field}"));
        let error_id = format!("{id}-error");
        assert!(described.split(' ').any(|d| d == error_id), "#{id} is described by its message: {field}");
        for described_id in described.split(' ') {
            tag_of(body, described_id);
        }
        let message = tag_of(body, &error_id);
        assert_eq!(attribute(message, "class"), Some("field-error"), "{message}");
        let box_start = body[..body.find(&format!("id=\"{error_id}\"")).unwrap()].rfind("<div class=\"field").unwrap();
        assert!(body[box_start..].starts_with("<div class=\"field field-invalid\">"), "#{id}'s box is marked");
        assert!(
            body.contains(&format!("id=\"{error_id}\"><span class=\"visually-hidden\">Erreur :</span> ")),
            "the message says it is one to a screen reader"
        );
    }
    shape(summary)
}

#[actix_web::test]
async fn two_refused_forms_of_different_areas_render_the_kits_summary_and_fields() {
    let mut b = browser().await;
    let page = b.get(CONTRIBUTION_FORM).await;
    assert_eq!(page.status, StatusCode::OK);
    let refused_contribution = b
        .post(
            CONTRIBUTION_FORM,
            &[
                ("csrf_token", &value_of(&page.body, "csrf_token")),
                ("idempotency_key", &value_of(&page.body, "idempotency_key")),
                ("kind", "constat"),
                ("body", ""),
                ("organisation", ""),
                ("territory", ""),
                ("email", "pas une adresse"),
            ],
        )
        .await;
    assert_eq!(refused_contribution.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused_contribution.body);
    let contribution_shape = check_refused(&refused_contribution.body, &["body", "email"]);
    assert!(refused_contribution.body.contains("aria-describedby=\"email-hint email-error\""), "hint, then message");

    b.login(ADMIN).await;
    let token = b.csrf().await;
    let refused_account = b
        .post(
            "/admin/accounts",
            &[
                ("csrf_token", &token),
                ("email", "claire@region"),
                ("display_name", ""),
                ("role", "staff"),
                ("password", "court"),
            ],
        )
        .await;
    assert_eq!(refused_account.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused_account.body);
    let account_shape = check_refused(&refused_account.body, &["email", "password"]);
    assert!(refused_account.body.contains("aria-describedby=\"password-hint password-error\""));

    // One macro wrote both e-mail inputs: the same attributes in the same order (by hand, the
    // two pages wrote them in different orders).
    let contribution_email = tag_of(&refused_contribution.body, "email");
    let account_email = tag_of(&refused_account.body, "email");
    assert_eq!(
        attribute_names(contribution_email),
        attribute_names(account_email),
        "{contribution_email} / {account_email}"
    );
    assert_eq!(
        attribute_names(account_email),
        ["id", "name", "value", "type", "autocomplete", "aria-invalid", "aria-describedby"]
    );

    // The same box on both pages, but for the paragraph the public form adds under the list.
    assert_eq!(contribution_shape, "<div><h2></h2><ul><li><a></a></li></ul><p></p>");
    assert_eq!(account_shape, "<div><h2></h2><ul><li><a></a></li></ul>");
}
