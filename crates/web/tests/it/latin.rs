//! Issue 20, point 7: a Chinese page shows no English, no codes and no internal ids.
//! Every page of the demo reachable by every role is rendered in Chinese (links followed
//! from the home page and the navigation, a few records of each kind), and every form
//! found is sent back empty or with words no field accepts, so that its refusal is read
//! too. Any run of Latin letters that is not on the short list below fails the test.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use zhenggai_demo::DEMO_USERS;

use crate::util::{Resp, Session, TestApp};

/// The Latin words a Chinese page may show, each with why.
const ALLOWED: &[(&str, &str)] = &[
    (
        "Excel",
        "a product's name: the spreadsheet offices keep their ledgers in",
    ),
    ("WPS", "a product's name: the Chinese office suite"),
    ("CSV", "a file format's name"),
    ("PDF", "a file format's name"),
    ("Word", "a product's name: the word processor"),
    (
        "OFD",
        "a file format's name: China's standard for fixed-layout documents",
    ),
    (
        "OpenAPI",
        "the name of the standard the API is described in",
    ),
    (
        "English",
        "the language switch names the other language in that language",
    ),
    ("KB", "a unit of file size"),
    ("MB", "a unit of file size"),
    ("B", "a unit of file size (bytes)"),
    (
        "SMTP",
        "the name of the mail protocol the administrator configures",
    ),
    ("Webhook", "the name group-chat robots give their address"),
    (
        "SEC",
        "DingTalk's own name for its signing secret, as its settings show it",
    ),
    ("API", "the programming interface, as its users call it"),
    (
        "SHA",
        "the name of the algorithm a file's checksum is verified with (SHA-256)",
    ),
    ("zhenggai", "the product's name"),
    (
        "box",
        "the public opinion box's address (/box/…), shown for the office to post or print",
    ),
    (
        "http",
        "the public opinion box's address as the office copies it",
    ),
    (
        "https",
        "the public opinion box's address as the office copies it",
    ),
    (
        "SM",
        "the national cryptographic hash an archive's manifest lists (SM3), as offices name it",
    ),
    (
        "year",
        "the first word of a year's calendar data, typed as it is",
    ),
];

/// Extensions that make the word before them a file's name.
const FILE_EXTENSIONS: &[&str] = &[
    "xlsx", "xls", "docx", "csv", "pdf", "png", "jpg", "txt", "ofd",
];

/// Links not to follow: leaving the session, files rather than pages.
fn followable(href: &str) -> bool {
    href.starts_with('/')
        && !href.starts_with("//")
        && !href.starts_with("/static")
        && !href.starts_with("/assets")
        && !href.starts_with("/api")
        && !href.starts_with("/logout")
        && !href.starts_with("/files")
        && ![
            ".xlsx", ".docx", ".csv", ".pdf", ".json", ".js", ".css", ".ico", ".png",
        ]
        .iter()
        .any(|ext| href.split('?').next().unwrap_or("").ends_with(ext))
        && !href.contains("download")
        && !href.contains("/export")
}

/// The address with its numbers blanked: pages of one kind share it.
fn kind_of(href: &str) -> String {
    let path = href.split('#').next().unwrap_or("");
    let mut out = String::new();
    let mut in_digits = false;
    for c in path.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Attributes people read (or hear read): their values count as text.
const READ_ATTRIBUTES: &[&str] = &["title", "placeholder", "aria-label", "alt", "data-confirm"];

/// What a person reads on the page: text outside tags (but not inside scripts and
/// styles), and the attributes read out.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut skip_until: Option<&str> = None;
    while let Some(lt) = rest.find('<') {
        if skip_until.is_none() {
            out.push_str(&decode(&rest[..lt]));
            out.push(' ');
        }
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(rest.len(), |e| e + 3);
            rest = &rest[end..];
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        rest = &rest[end..];
        let lower = tag.to_ascii_lowercase();
        if let Some(until) = skip_until {
            if lower.starts_with(until) {
                skip_until = None;
            }
            continue;
        }
        if lower.starts_with("<script") {
            skip_until = Some("</script");
            continue;
        }
        if lower.starts_with("<style") {
            skip_until = Some("</style");
            continue;
        }
        // What a person types as it is (a login name, a command, a file's first line)
        // is shown in <kbd>, in the letters they type.
        if lower.starts_with("<kbd") {
            skip_until = Some("</kbd");
            continue;
        }
        for attr in READ_ATTRIBUTES {
            if let Some(v) = attribute(tag, attr) {
                out.push_str(&decode(&v));
                out.push(' ');
            }
        }
        // A button's label is its value.
        if lower.starts_with("<input")
            && matches!(
                attribute(tag, "type").as_deref(),
                Some("submit" | "button" | "reset")
            )
            && let Some(v) = attribute(tag, "value")
        {
            out.push_str(&decode(&v));
            out.push(' ');
        }
    }
    out.push_str(&decode(rest));
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_string())
}

fn hrefs(html: &str) -> Vec<String> {
    html.split(" href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|h| decode(h).split('#').next().unwrap_or("").to_string())
        .filter(|h| !h.is_empty())
        .collect()
}

/// Runs of Latin letters in a page's text that are not allowed, with a little context.
fn leaks(text: &str) -> Vec<String> {
    // Addresses (a web page, an e-mail) are written as they are.
    let text: String = text
        .split_whitespace()
        .filter(|w| !w.contains("://") && !w.contains('@'))
        .collect::<Vec<_>>()
        .join(" ");
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // A file's name: what stands before its extension is the person's own.
            let rest: String = chars[i..(i + 6).min(chars.len())].iter().collect();
            let extension =
                start > 0 && chars[start - 1] == '.' && FILE_EXTENSIONS.contains(&word.as_str());
            if extension
                || FILE_EXTENSIONS
                    .iter()
                    .any(|ext| rest.strip_prefix('.').is_some_and(|r| r.starts_with(ext)))
            {
                continue;
            }
            // A checksum or an audit code (a file's SHA-256, the trail's 审计校验码) is
            // written in hexadecimal digits, to be compared as it is.
            let mut from_digit = start;
            while from_digit > 0 && chars[from_digit - 1].is_ascii_hexdigit() {
                from_digit -= 1;
            }
            let run = &chars[from_digit..i];
            if run.len() >= 12 && run.iter().all(char::is_ascii_hexdigit) {
                continue;
            }
            // A login name is what the person types to sign in, shown as it is.
            if DEMO_USERS.iter().any(|u| u.0 == word) {
                continue;
            }
            let letters: String = word.chars().filter(|c| c.is_ascii_alphabetic()).collect();
            if !ALLOWED.iter().any(|(w, _)| *w == word || *w == letters) {
                let from = start.saturating_sub(20);
                let to = (i + 20).min(chars.len());
                let context: String = chars[from..to].iter().collect();
                found.push(format!(
                    "{word}  …{}…",
                    context.split_whitespace().collect::<Vec<_>>().join(" ")
                ));
            }
        } else {
            i += 1;
        }
    }
    found
}

/// A form on a page: where it goes and the fields it sends.
struct Form {
    action: String,
    fields: Vec<(String, String, String)>,
}

/// The POST forms of a page: their hidden fields kept, every field a person fills left
/// empty or filled with words no field accepts.
fn forms(html: &str) -> Vec<Form> {
    let mut out = Vec::new();
    for chunk in html.split("<form").skip(1) {
        let head = &chunk[..chunk.find('>').unwrap_or(chunk.len())];
        if !head.to_ascii_lowercase().contains("method=\"post\"") {
            continue;
        }
        let Some(action) = attribute(head, "action") else {
            continue;
        };
        let body = &chunk[..chunk.find("</form>").unwrap_or(chunk.len())];
        let mut fields = Vec::new();
        for part in body.split('<').skip(1) {
            let tag = &part[..part.find('>').unwrap_or(part.len())];
            let is_input = tag.starts_with("input");
            if !(is_input || tag.starts_with("textarea") || tag.starts_with("select")) {
                continue;
            }
            let Some(name) = attribute(&format!(" {tag}"), "name") else {
                continue;
            };
            let kind = if is_input {
                attribute(&format!(" {tag}"), "type").unwrap_or_else(|| "text".into())
            } else {
                tag.split_whitespace().next().unwrap_or("").to_string()
            };
            let value = attribute(&format!(" {tag}"), "value").unwrap_or_default();
            fields.push((name, kind, decode(&value)));
        }
        out.push(Form {
            action: decode(&action),
            fields,
        });
    }
    out
}

/// Forms that would end the session or act on what the crawl still reads.
fn sendable(action: &str) -> bool {
    !action.starts_with("/logout") && !action.starts_with("/lang") && action.starts_with('/')
}

struct Finding {
    user: &'static str,
    page: String,
    leaks: Vec<String>,
}

async fn read(app: &TestApp, s: &Session, path: &str) -> Resp {
    app.get(Some(s), path).await
}

/// Crawls what one person reaches; answers every page read and every form seen.
async fn crawl(
    app: &TestApp,
    user: &'static str,
    s: &Session,
    findings: &mut Vec<Finding>,
    forms_seen: &mut BTreeMap<String, (String, Form)>,
) -> usize {
    let mut queue: VecDeque<String> = VecDeque::from(["/".to_string()]);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut pages = 0;
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let kind = kind_of(&path);
        let n = per_kind.entry(kind.clone()).or_default();
        *n += 1;
        // A few records of each kind: enough to meet every shape the page takes.
        if *n > 3 || pages > 400 {
            continue;
        }
        let resp = read(app, s, &path).await;
        if resp.status.is_redirection() {
            let to = resp.location().to_string();
            if followable(&to) {
                queue.push_back(to);
            }
            continue;
        }
        let is_html = resp
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if !is_html {
            continue;
        }
        pages += 1;
        let found = leaks(&visible_text(&resp.body));
        if !found.is_empty() {
            findings.push(Finding {
                user,
                page: format!("{path} ({})", resp.status.as_u16()),
                leaks: found,
            });
        }
        for href in hrefs(&resp.body) {
            if followable(&href) && !seen.contains(&href) {
                queue.push_back(href);
            }
        }
        for form in forms(&resp.body) {
            if sendable(&form.action) {
                forms_seen
                    .entry(format!("{user} {}", kind_of(&form.action)))
                    .or_insert((path.clone(), form));
            }
        }
    }
    pages
}

/// What a wrong entry in a field of this kind looks like.
fn wrong_value(name: &str, kind: &str, value: &str) -> String {
    match kind {
        "hidden" | "checkbox" | "radio" | "submit" | "button" | "select" => value.to_string(),
        "date" => "2024-02-30".into(),
        "number" => "-1".into(),
        "file" => String::new(),
        _ if name.contains("deadline") => "下辈子再说".into(),
        _ => String::new(),
    }
}

#[tokio::test]
async fn chinese_pages_show_no_latin_words_for_any_role() {
    let app = TestApp::new().await;
    let mut findings = Vec::new();
    let mut forms_seen = BTreeMap::new();
    let mut total = 0;
    for (user, ..) in DEMO_USERS {
        let s = app.login(user).await;
        total += crawl(&app, user, &s, &mut findings, &mut forms_seen).await;
    }
    assert!(total > 150, "only {total} pages were read");

    // Forms sent back wrong, after every page was read (a refused form changes nothing;
    // one that takes empty fields may, and no page is read after it).
    let mut sent = 0;
    for (key, (page, form)) in &forms_seen {
        let user: &'static str = DEMO_USERS
            .iter()
            .map(|u| u.0)
            .find(|u| key.starts_with(&format!("{u} ")))
            .unwrap();
        let s = app.login(user).await;
        let fields: Vec<(String, String)> = form
            .fields
            .iter()
            .filter(|(name, _, _)| name != "csrf")
            .map(|(name, kind, value)| (name.clone(), wrong_value(name, kind, value)))
            .collect();
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let resp = app.post(Some(&s), &form.action, &pairs).await;
        sent += 1;
        if resp.status.is_redirection() {
            continue;
        }
        let found = leaks(&visible_text(&resp.body));
        if !found.is_empty() {
            findings.push(Finding {
                user,
                page: format!(
                    "POST {} from {page} ({})",
                    form.action,
                    resp.status.as_u16()
                ),
                leaks: found,
            });
        }
    }
    assert!(sent > 20, "only {sent} forms were sent");

    let mut report = String::new();
    let mut words: BTreeMap<String, usize> = BTreeMap::new();
    for f in &findings {
        report.push_str(&format!("\n{} {}:", f.user, f.page));
        let mut shown = BTreeSet::new();
        for l in &f.leaks {
            let word = l.split_whitespace().next().unwrap_or("").to_string();
            *words.entry(word.clone()).or_default() += 1;
            if shown.insert(word) {
                report.push_str(&format!("\n    {l}"));
            }
        }
    }
    assert!(
        findings.is_empty(),
        "{} pages show Latin words in Chinese ({total} pages, {sent} forms read); words: {words:?}{report}",
        findings.len()
    );
}

#[test]
fn the_reader_sees_text_and_read_attributes_only() {
    let html = r#"<html><head><style>body{}</style><script src="/static/app.js"></script></head><body class="x"><a href="/a" title="标题">链接</a><input type="submit" value="提交"><input name="q" placeholder="unit 4"><!-- note --></body></html>"#;
    let text = visible_text(html);
    let found = leaks(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("unit "), "{found:?}");
    assert_eq!(kind_of("/problems/12/measures/3"), "/problems/#/measures/#");
    assert!(leaks("导入 Excel 文件 ledger.xlsx 共 3 KB").is_empty());
    assert_eq!(leaks("inspection_office：郑华").len(), 1);
    assert!(
        leaks("文件校验值（SHA-256） 08787f3fd3aad4d43d4dfebe 审计校验码：453-0857a2b3a1107644")
            .is_empty()
    );
    assert_eq!(
        leaks("状态 abcdef").len(),
        1,
        "a short run of letters is a word"
    );
}
