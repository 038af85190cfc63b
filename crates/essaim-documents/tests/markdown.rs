//! The Markdown export rendered by a real CommonMark/GFM renderer (comrak, with the GFM
//! extensions and autolinks on, raw HTML let through): no text of a contribution becomes a
//! link, a heading, a list item, a quote, a code block, a table, a picture or any other markup.

use essaim_documents::{render, Block, Document, Format};

/// Texts a contributor could type, each trying to become markup.
const HOSTILE: &[&str] = &[
    "# titre",
    "###### titre",
    "- item",
    "* item",
    "+ item",
    "1. un",
    "2) deux",
    "> citation",
    "    bloc de code",
    "```js",
    "~~~",
    "---",
    "***",
    "___",
    "===",
    "<script>alert(1)</script>",
    "<a href=\"https://x.fr\">lien</a>",
    "<img src=x onerror=alert(1)>",
    "[lien](https://x.fr)",
    "![image](https://x.fr/i.png)",
    "[ref]: https://x.fr",
    "<https://x.fr>",
    "http://exemple.fr",
    "https://exemple.fr/a_b_c?d=1&e=2",
    "ftp://fichiers.exemple.fr/x",
    "www.exemple.fr",
    "WWW.EXEMPLE.FR/page",
    "(www.exemple.fr)",
    "voir:https://exemple.fr",
    "contact@ess.fr",
    "mailto:contact@ess.fr",
    "xmpp:contact@ess.fr",
    "https://x.fr/`a``b`",
    "`https://x.fr`",
    "https://x.fr/a|b\\|c",
    "[^1] note",
    "[ ] tâche",
    "[x] faite",
    "| a | b |",
    "|---|---|",
    "&amp; &#60; &copy;",
    "*gras* _italique_ **fort** __fort__",
    "~barré~ ~~barré~~",
    "`code` ``code``",
    "fin de ligne\\",
    "deux espaces  ",
    "<!-- commentaire -->",
    "<div>bloc</div>",
];

/// Line breaks and separators a renderer may honour, each put before a block opener.
const SEPARATORS: &[&str] = &["\n", "\r", "\r\n", "\u{2028}", "\u{2029}", "\u{85}", "\u{b}", "\u{c}", "\n\n"];

/// Every hostile text, alone and after each separator, in one string per case.
fn cases() -> Vec<String> {
    let mut cases: Vec<String> = HOSTILE.iter().map(|h| (*h).to_owned()).collect();
    for separator in SEPARATORS {
        for opener in ["# titre", "- item", "1. un", "> citation", "    code", "| a | b |\n|---|---|", "www.x.fr"] {
            cases.push(format!("avant{separator}{opener}"));
        }
    }
    cases
}

fn to_html(markdown: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    // Raw HTML through, so an escape that failed would show.
    options.render.r#unsafe = true;
    comrak::markdown_to_html(markdown, &options)
}

fn count(html: &str, tag: &str) -> usize {
    html.matches(tag).count()
}

/// Every tag the hostile texts must not produce (besides those of our own blocks).
const FORBIDDEN: &[&str] = &[
    "<a", "<img", "<script", "<pre", "<hr", "<ol", "<em", "<del", "<input", "<sup", "<section", "<br", "<div", "<!--",
    "<h4", "<h5", "<h6", "&copy", "©",
];

#[test]
fn contribution_text_never_becomes_markup_in_any_block() {
    let cases = cases();
    let mut document = Document::new("Essai");
    document.blocks.push(Block::Title("Essai".into()));
    for case in &cases {
        document.blocks.push(Block::Heading { level: 2, text: case.clone() });
        document.blocks.push(Block::Paragraph(case.clone()));
        document.blocks.push(Block::Quote(case.clone()));
        document.blocks.push(Block::List(vec![case.clone(), case.clone()]));
        document.blocks.push(Block::Table {
            name: case.clone(),
            header: vec![case.clone(), "Contributions".into()],
            rows: vec![vec![case.clone(), "3".into()]],
        });
    }
    let markdown = String::from_utf8(render(&document, Format::Markdown).unwrap()).unwrap();
    let html = to_html(&markdown);
    let n = cases.len();
    // Exactly our own structure: one h1, one h3 per heading block, two items per list...
    assert_eq!(count(&html, "<h1"), 1);
    assert_eq!(count(&html, "<h2"), 0);
    assert_eq!(count(&html, "<h3"), n);
    assert_eq!(count(&html, "<h"), 1 + n, "no heading comes from contribution text");
    assert_eq!(count(&html, "<li"), 2 * n, "no list item comes from contribution text");
    assert_eq!(count(&html, "<ul"), n);
    assert_eq!(count(&html, "<blockquote"), n);
    assert_eq!(count(&html, "<table"), n);
    assert_eq!(count(&html, "<tr"), 2 * n, "one header row and one body row per table");
    assert_eq!(count(&html, "<td"), 2 * n, "no cell comes from a pipe in the text");
    assert_eq!(count(&html, "<strong"), n, "the captions, only");
    for tag in FORBIDDEN {
        assert_eq!(count(&html, tag), 0, "{tag} in:\n{html}");
    }
    // Every paragraph is one of ours: the captions and the paragraphs (quotes hold one each).
    assert_eq!(count(&html, "<p>"), 3 * n);
}

#[test]
fn addresses_are_shown_whole_as_code_not_links() {
    let mut document = Document::new("Essai");
    for case in ["http://exemple.fr", "www.exemple.fr", "contact@ess.fr", "https://x.fr/`a``b`"] {
        document.blocks.push(Block::Paragraph(format!("voir {case} merci")));
    }
    let html = to_html(&String::from_utf8(render(&document, Format::Markdown).unwrap()).unwrap());
    assert_eq!(count(&html, "<a"), 0, "{html}");
    assert!(html.contains("<p>voir <code>http://exemple.fr</code> merci</p>"), "{html}");
    assert!(html.contains("<code>www.exemple.fr</code>"));
    assert!(html.contains("<code>contact@ess.fr</code>"));
    assert!(html.contains("<code>https://x.fr/`a``b`</code>"), "{html}");
}

#[test]
fn words_keep_their_letters_through_the_escapes() {
    let mut document = Document::new("Essai");
    document.blocks.push(Block::Paragraph("<script> *gras* [lien](x) 2016. & 10\u{202f}517 « oui » !".into()));
    let html = to_html(&String::from_utf8(render(&document, Format::Markdown).unwrap()).unwrap());
    assert_eq!(html, "<p>&lt;script&gt; *gras* [lien](x) 2016. &amp; 10\u{202f}517 « oui » !</p>\n");
}

#[test]
fn tables_keep_pipes_in_addresses_inside_their_cell() {
    let mut document = Document::new("Essai");
    document.blocks.push(Block::Table {
        name: "Liens".into(),
        header: vec!["Lien".into(), "Note".into()],
        rows: vec![vec!["https://x.fr/a|b\\|c".into(), "a|b".into()]],
    });
    let html = to_html(&String::from_utf8(render(&document, Format::Markdown).unwrap()).unwrap());
    assert_eq!(count(&html, "<td"), 2, "{html}");
    assert!(html.contains("<td><code>https://x.fr/a</code>|<code>b\\</code>|<code>c</code></td>"), "{html}");
    assert!(html.contains(">a|b</td>"), "{html}");
}
