//! Email HTML made safe to show: sanitised with ammonia, remote content removed unless the user
//! allowed it for this message, wrapped in a document with its own restrictive CSP. The result is
//! shown in an `<iframe sandbox srcdoc>` with neither `allow-scripts` nor `allow-same-origin`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// A sanitised HTML document ready for `srcdoc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml {
    pub document: String,
    /// Remote images (and tracking pixels) that were removed; the UI offers "Load images" when > 0.
    pub remote_blocked: u32,
    /// Links flagged as suspicious (text names another host than the target, or a bare IP address).
    pub suspicious_links: u32,
}

const EXTRA_TAGS: &[&str] = &["font", "center", "big", "tfoot", "section", "main", "article", "address"];

const GENERIC_ATTRIBUTES: &[&str] =
    &["style", "align", "valign", "width", "height", "bgcolor", "color", "border", "dir", "lang", "title"];

/// CSS properties kept in `style` attributes. Nothing here can take a `url()`: no `background`,
/// `background-image`, `list-style-image`, `cursor`, `content`, `border-image`.
const STYLE_PROPERTIES: &[&str] = &[
    "color",
    "background-color",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "line-height",
    "letter-spacing",
    "word-spacing",
    "text-align",
    "text-decoration",
    "text-transform",
    "text-indent",
    "white-space",
    "word-break",
    "overflow-wrap",
    "vertical-align",
    "direction",
    "display",
    "width",
    "min-width",
    "max-width",
    "height",
    "min-height",
    "max-height",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-radius",
    "border-collapse",
    "border-spacing",
    "list-style-type",
    "table-layout",
    "float",
    "clear",
    "opacity",
    "visibility",
];

fn is_remote(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("http:") || u.starts_with("https:") || u.starts_with("//")
}

/// Sanitise untrusted email HTML. Scripts, event handlers, forms, `<style>`/`<link>`, iframes and
/// objects are dropped; links keep only http(s)/mailto/tel targets; images keep their remote `src`
/// only when `allow_remote` (and never when they look like a tracking pixel).
pub fn sanitize_email_html(html: &str, allow_remote: bool) -> SafeHtml {
    let blocked = Arc::new(AtomicU32::new(0));
    let counter = blocked.clone();
    let mut b = ammonia::Builder::default();
    b.add_tags(EXTRA_TAGS)
        .add_generic_attributes(GENERIC_ATTRIBUTES)
        .add_tag_attributes("td", &["colspan", "rowspan", "nowrap"])
        .add_tag_attributes("th", &["colspan", "rowspan", "nowrap", "scope"])
        .add_tag_attributes("table", &["cellpadding", "cellspacing", "summary"])
        .add_tag_attributes("font", &["face", "size"])
        .add_tag_attributes("ol", &["start", "type"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .filter_style_properties(STYLE_PROPERTIES.iter().copied().collect())
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" {
                if is_remote(value) {
                    if allow_remote {
                        return Some(Cow::Borrowed(value));
                    }
                    counter.fetch_add(1, Ordering::Relaxed);
                }
                // cid: parts are not served yet; data: is not an allowed scheme anyway.
                return None;
            }
            Some(Cow::Borrowed(value))
        });
    let clean = b.clean(html).to_string();
    let (clean, pixels) = drop_tracking_pixels(&clean);
    let (clean, suspicious_links) = annotate_links(&clean);
    let remote_blocked = blocked.load(Ordering::Relaxed) + if allow_remote { 0 } else { pixels };
    SafeHtml { document: wrap_document(&clean, allow_remote), remote_blocked, suspicious_links }
}

/// The document around the sanitised body. Its CSP is a second wall: even if something slipped
/// through the sanitiser, no script runs and nothing remote loads unless allowed.
fn wrap_document(body: &str, allow_remote: bool) -> String {
    let img = if allow_remote { "data: https: http:" } else { "data:" };
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'; \
         style-src 'unsafe-inline'; img-src {img}; font-src data:; form-action 'none'; base-uri 'none'\">\
         <style>html{{color-scheme:light}}body{{margin:0;padding:16px 20px;font:14px/1.5 system-ui,-apple-system,\
         'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1d2330;background:#fff;overflow-wrap:anywhere}}\
         img{{max-width:100%;height:auto}}table{{max-width:100%}}pre{{white-space:pre-wrap}}\
         blockquote{{margin:0 0 0 .6em;padding-left:.8em;border-left:3px solid #c8cfdc;color:#4a5366}}\
         a{{color:#2547b8}}a[data-suspicious]{{background:#fff3cd;outline:2px solid #e0a100;border-radius:2px}}</style></head><body>{body}</body></html>"
    )
}

/// Remove `<img>` tags sized 0 or 1 pixel (tracking pixels), which should never load even when the
/// user allows images. Works on ammonia's serialised output: attributes double-quoted, `"` escaped.
fn drop_tracking_pixels(html: &str) -> (String, u32) {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut dropped = 0;
    while let Some(start) = rest.find("<img") {
        out.push_str(&rest[..start]);
        let tag_and_after = &rest[start..];
        let end = tag_end(tag_and_after).unwrap_or(tag_and_after.len());
        let tag = &tag_and_after[..end];
        if is_tracking_pixel(tag) {
            dropped += 1;
        } else {
            out.push_str(tag);
        }
        rest = &tag_and_after[end..];
    }
    out.push_str(rest);
    (out, dropped)
}

/// Give every link a tooltip with its real target, and mark suspicious ones: a link whose text names
/// another host than the one it goes to, or a link to a bare IP address.
fn annotate_links(html: &str) -> (String, u32) {
    let mut flagged = 0;
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(start) = rest.find("<a ") {
        out.push_str(&rest[..start]);
        let from_tag = &rest[start..];
        let end = tag_end(from_tag).unwrap_or(from_tag.len());
        let tag = &from_tag[..end];
        let after = &from_tag[end..];
        match (attr(tag, "href"), tag.ends_with('>')) {
            (Some(href), true) => {
                let text = after.find("</a>").map(|i| &after[..i]).unwrap_or("");
                let warning = link_warning(href, text);
                out.push_str(&tag[..tag.len() - 1]);
                let title = match &warning {
                    Some(w) => format!("{w} — {href}"),
                    None => href.to_string(),
                };
                if attr(tag, "title").is_none() {
                    out.push_str(&format!(" title=\"{title}\""));
                }
                // Clicks become new-window requests, which the shell hands to the system browser (a
                // sandboxed frame cannot navigate itself to the web).
                out.push_str(" target=\"_blank\"");
                if warning.is_some() {
                    flagged += 1;
                    out.push_str(" data-suspicious=\"true\"");
                }
                out.push('>');
            }
            _ => out.push_str(tag),
        }
        rest = after;
    }
    out.push_str(rest);
    (out, flagged)
}

fn host_of(url: &str) -> Option<String> {
    let u = url.trim().to_ascii_lowercase();
    let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_start_matches("www.");
    // Only plain host names: whatever else is in the text must never reach an attribute.
    let plain = host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    (plain && !host.is_empty()).then(|| host.to_string())
}

fn link_warning(href: &str, text: &str) -> Option<String> {
    let target = host_of(href)?;
    if target.parse::<std::net::Ipv4Addr>().is_ok() || target.starts_with('[') {
        return Some("Link to a bare IP address".into());
    }
    let shown = text.trim();
    if shown.contains('<') || shown.contains(char::is_whitespace) || !shown.contains('.') {
        return None;
    }
    let shown_host = host_of(shown).or_else(|| host_of(&format!("http://{shown}")))?;
    let looks_like_host =
        shown_host.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    let same = shown_host == target
        || target.ends_with(&format!(".{shown_host}"))
        || shown_host.ends_with(&format!(".{target}"));
    (looks_like_host && !same).then(|| format!("Link text shows {shown_host} but it goes to {target}"))
}

/// Index just past the `>` closing the tag that starts `s`, honouring quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut in_quote = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            '>' if !in_quote => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let len = tag[i..].find('"')?;
    Some(&tag[i..i + len])
}

fn is_tracking_pixel(tag: &str) -> bool {
    let tiny = |v: Option<&str>| {
        v.map(|v| v.trim().trim_end_matches("px").trim().parse::<f32>().map(|n| n <= 1.0).unwrap_or(false))
            .unwrap_or(false)
    };
    let style = attr(tag, "style").unwrap_or("").replace(' ', "").to_ascii_lowercase();
    let style_tiny = ["width:0", "width:1px", "height:0", "height:1px"].iter().any(|p| style.contains(p))
        || ["display:none", "visibility:hidden", "opacity:0;", "max-height:0", "max-width:0"]
            .iter()
            .any(|p| format!("{style};").contains(p));
    match attr(tag, "src") {
        Some(src) => tiny(attr(tag, "width")) || tiny(attr(tag, "height")) || style_tiny || is_tracker_url(src),
        None => false,
    }
}

/// URL shapes of the common open-tracking services (Mailchimp, SendGrid, Mailgun, HubSpot, Salesforce,
/// Campaign Monitor…) and of hand-rolled ones ("/pixel.gif", "/track/open"). These never load.
const TRACKER_PATTERNS: &[&str] = &[
    "/track/open",
    "/trk/",
    "trackurl",
    "/track?",
    "/track/",
    "/elog/",
    "/wf/open",
    "/open.php",
    "/open.aspx",
    "/open?",
    "/o.gif",
    "/e/o/",
    "/t/o/",
    "pixel.gif",
    "pixel.png",
    "/pixel?",
    "/pixel/",
    "beacon",
    "list-manage.com/track",
    "mailtrack",
    "/email/open",
    "/tracking/",
    "open-tracking",
    "/imp?",
    "/mo/",
    "emltrk",
];

fn is_tracker_url(src: &str) -> bool {
    let u = src.to_ascii_lowercase();
    TRACKER_PATTERNS.iter().any(|p| u.contains(p))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn body(s: &SafeHtml) -> &str {
        let start = s.document.find("<body>").unwrap() + 6;
        let end = s.document.rfind("</body>").unwrap();
        &s.document[start..end]
    }

    #[test]
    fn scripts_and_event_handlers_are_removed() {
        let s = sanitize_email_html(
            r#"<p onclick="alert(1)">Hi<script>window.__TAURI_INTERNALS__.invoke('x')</script></p>
               <img src=x onerror="alert(2)"><a href="javascript:alert(3)">j</a><svg onload=alert(4)></svg>
               <iframe src="https://evil.test"></iframe><form action="https://evil.test"><input></form>"#,
            false,
        );
        let b = body(&s).to_ascii_lowercase();
        for bad in ["script", "onclick", "onerror", "onload", "javascript:", "iframe", "<form", "<input", "__tauri"] {
            assert!(!b.contains(bad), "{bad} survived in {b}");
        }
        assert!(b.contains("<p>hi</p>"), "{b}");
    }

    #[test]
    fn remote_images_are_blocked_until_allowed() {
        let html = r#"<p>Sale!</p><img src="https://cdn.shop.test/banner.png" alt="Banner" width="600">"#;
        let blocked = sanitize_email_html(html, false);
        assert_eq!(blocked.remote_blocked, 1);
        assert!(!blocked.document.contains("cdn.shop.test"), "{}", blocked.document);
        assert!(blocked.document.contains("img-src data:;"), "the frame's CSP must block remote images too");

        let allowed = sanitize_email_html(html, true);
        assert_eq!(allowed.remote_blocked, 0);
        assert!(allowed.document.contains(r#"src="https://cdn.shop.test/banner.png""#), "{}", allowed.document);
    }

    #[test]
    fn tracking_pixels_never_load_even_when_images_are_allowed() {
        let html = r#"<img src="https://t.tracker.test/open?id=42" width="1" height="1"><img src="https://t.test/p" style="width:1px;height:1px"><img src="https://cdn.test/logo.png" width="120">"#;
        let s = sanitize_email_html(html, true);
        assert!(!s.document.contains("tracker.test"), "{}", s.document);
        assert!(!s.document.contains("t.test/p"), "{}", s.document);
        assert!(s.document.contains("cdn.test/logo.png"));
        let blocked = sanitize_email_html(html, false);
        assert_eq!(blocked.remote_blocked, 3);
    }

    #[test]
    fn stylesheets_and_remote_css_are_dropped() {
        let s = sanitize_email_html(
            r#"<style>body{background:url(https://evil.test/a.png)}</style><link rel="stylesheet" href="https://evil.test/s.css">
               <div style="color: red; background-image: url(https://evil.test/b.png)">x</div>"#,
            false,
        );
        let b = body(&s);
        assert!(!b.contains("evil.test"), "{b}");
        assert!(b.contains("color:red"), "{b}");
    }

    #[test]
    fn links_keep_web_targets_and_lose_dangerous_ones() {
        let s = sanitize_email_html(
            r#"<a href="https://acme.test/renewal">renewal</a> <a href="data:text/html,x">d</a> <a href="/relative">r</a>"#,
            false,
        );
        let b = body(&s);
        assert!(b.contains(r#"href="https://acme.test/renewal""#), "{b}");
        assert!(b.contains(r#"rel="noopener noreferrer""#), "{b}");
        assert!(!b.contains("data:text"), "{b}");
        assert!(!b.contains("/relative"), "{b}");
    }

    #[test]
    fn links_show_their_target_and_mismatches_are_flagged() {
        let s = sanitize_email_html(
            r#"<a href="https://acme.test/x">Read more</a> <a href="https://evil.test/login">www.mybank.test</a> <a href="http://192.0.2.7/pay">pay</a> <a href="https://mail.acme.test/">acme.test</a>"#,
            false,
        );
        let b = body(&s);
        assert!(
            b.contains(
                r#"<a href="https://acme.test/x" rel="noopener noreferrer" title="https://acme.test/x" target="_blank">Read more</a>"#
            ),
            "{b}"
        );
        assert!(b.contains("Link text shows mybank.test but it goes to evil.test"), "{b}");
        assert!(b.contains("bare IP address"), "{b}");
        assert_eq!(b.matches("data-suspicious").count(), 2, "{b}");
        assert_eq!(s.suspicious_links, 2);
    }

    #[test]
    fn hidden_images_and_known_tracker_urls_never_load() {
        let html = r#"<img src="https://cdn.test/hero.jpg" width="600">
            <img src="https://click.shop.test/track/open?u=9" width="40" height="40">
            <img src="https://u1.sendgrid.test/wf/open?upn=x" alt="">
            <img src="https://cdn.test/hidden.png" style="visibility: hidden">
            <img src="https://cdn.test/zero.png" style="opacity:0">
            <img src="https://cdn.test/opaque.png" style="opacity:0.5">
            <img src="http://www.oracle.test/elog/trackurl?di=1400444&amp;si1=137209217" border="0">"#;
        let s = sanitize_email_html(html, true);
        for gone in ["track/open", "wf/open", "hidden.png", "zero.png", "trackurl"] {
            assert!(!s.document.contains(gone), "{gone} kept: {}", s.document);
        }
        assert!(s.document.contains("hero.jpg") && s.document.contains("opaque.png"), "{}", s.document);
    }

    #[test]
    fn a_real_newsletter_loses_its_open_tracker_even_with_images_allowed() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/reader/oracle_net_techblast.eml");
        // Its HTML part (the file's MIME structure is broken: no closing boundary).
        let raw = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        let html = raw.split_once("Content-Type: text/html").unwrap().1;
        let blocked = sanitize_email_html(html, false);
        assert!(blocked.remote_blocked >= 10, "{}", blocked.remote_blocked);
        assert!(!blocked.document.contains("otn.oracle.com/otn300x65.gif\""), "an image kept its src");
        let allowed = sanitize_email_html(html, true);
        assert!(allowed.document.contains("src=\"http://otn.oracle.com/otn300x65.gif\""));
        assert!(!allowed.document.contains("trackurl"), "the open tracker survived");
    }

    #[test]
    fn remote_fonts_and_css_stay_blocked_even_with_images_allowed() {
        let s = sanitize_email_html(
            r#"<style>@font-face{font-family:x;src:url(https://fonts.test/x.woff2)}</style>
               <link rel="stylesheet" href="https://css.test/a.css"><p style="font-family:x">hi</p>"#,
            true,
        );
        assert!(!s.document.contains("fonts.test") && !s.document.contains("css.test"), "{}", s.document);
        assert!(s.document.contains("font-src data:;"), "the CSP keeps fonts local");
        assert!(s.document.contains("default-src 'none'"), "no stylesheet can load either");
    }

    #[test]
    fn link_text_cannot_inject_attributes() {
        let s = sanitize_email_html(r#"<a href="https://a.test/">evil.test"onclick="alert(1)</a>"#, false);
        let b = body(&s);
        let tag = &b[..b.find('>').unwrap()];
        assert!(!tag.contains("onclick"), "{b}");
    }

    #[test]
    fn quoted_gt_in_attributes_does_not_confuse_the_pixel_scanner() {
        let s = sanitize_email_html(r#"<img alt="a > b" src="https://cdn.test/x.png" width="300"><p>after</p>"#, true);
        assert!(s.document.contains("cdn.test/x.png") && s.document.contains("<p>after</p>"), "{}", s.document);
    }
}
