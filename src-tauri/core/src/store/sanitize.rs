//! Posting descriptions are HTML written by whoever edits the job in Ashby. They are sanitized
//! here, once, before they are stored, so everything downstream (UI, CLI JSON) gets safe HTML.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Formatting and links only. No images (a remote image would load and leak that the posting was
/// viewed), no iframes/scripts/styles/forms, no event handlers, no `javascript:` URLs.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "ins",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "s",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
    .into_iter()
    .collect();
    let mut b = ammonia::Builder::default();
    b.tags(tags)
        .generic_attributes(HashSet::new())
        .tag_attributes(
            [
                ("a", ["href", "title"].into_iter().collect()),
                ("abbr", ["title"].into_iter().collect()),
                ("td", ["colspan", "rowspan"].into_iter().collect()),
                ("th", ["colspan", "rowspan"].into_iter().collect()),
                ("ol", ["start"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // Relative links have no meaning outside Ashby's site.
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .strip_comments(true);
    b
});

/// Sanitizes a posting description for storage and display. Deterministic: tests compare the
/// cache against this function applied to the fake server's HTML.
pub fn sanitize_description_html(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::sanitize_description_html as s;

    #[test]
    fn keeps_formatting_and_safe_links() {
        let out = s(
            r#"<h2>Role</h2><p>We <strong>build</strong> <em>things</em>.</p><ul><li>One</li></ul><a href="https://example.com/x">apply</a>"#,
        );
        assert!(out.contains("<h2>Role</h2>"));
        assert!(out.contains("<strong>build</strong>"));
        assert!(out.contains("<li>One</li>"));
        assert!(out.contains(r#"href="https://example.com/x""#));
        assert!(out.contains(r#"rel="noopener noreferrer nofollow""#));
    }

    #[test]
    fn strips_scripts_handlers_js_urls_iframes_images() {
        let out = s(concat!(
            r#"<p onclick="steal()">x</p><script>alert(1)</script>"#,
            r#"<a href="javascript:alert(1)">bad</a><iframe src="https://evil"></iframe>"#,
            r#"<img src="https://tracker.example/pixel.gif"><style>p{}</style><form><input></form>"#
        ));
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("alert"), "{out}");
        assert!(!out.contains("javascript"), "{out}");
        assert!(!out.contains("iframe"), "{out}");
        assert!(!out.contains("img"), "{out}");
        assert!(!out.contains("tracker"), "{out}");
        assert!(!out.contains("style"), "{out}");
        assert!(!out.contains("input"), "{out}");
        assert!(out.contains("<p>x</p>"), "{out}");
    }

    #[test]
    fn idempotent() {
        let once = s(r#"<p>a &amp; b <a href="https://x.example">l</a><img src=x></p>"#);
        assert_eq!(s(&once), once);
    }
}
