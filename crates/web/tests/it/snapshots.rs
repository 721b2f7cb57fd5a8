//! Snapshots of the main pages as a person reads them (STYLE 8): the visible text,
//! tags and scripts stripped, in Chinese and in English, for the office and for a unit
//! and a leader. A change to what a page says shows as a diff to review
//! (`cargo insta review`, or `INSTA_UPDATE=always` and read the `.snap` diff), never
//! silently. The clock is fixed and the database fresh, so dates and ids are the same
//! on every run; times of day and form tokens are redacted anyway.

use crate::util::{Session, TestApp};

/// The visible text of a page: one line per block of text, in document order.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push('\n');
        rest = &rest[open..];
        // Scripts and styles say nothing to the reader.
        let skip_to = ["script", "style"].iter().find_map(|tag| {
            rest.starts_with(&format!("<{tag}"))
                .then(|| format!("</{tag}>"))
        });
        let end = match skip_to {
            Some(close) => rest.find(&close).map(|i| i + close.len()),
            None => rest.find('>').map(|i| i + 1),
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    text.push_str(rest);
    let text = text
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ");
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .map(redact)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Times of day (`10:00`, `10:00:07`) become `[time]`.
fn redact(line: String) -> String {
    let b = line.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let two =
            |at: usize| at + 1 < b.len() && b[at].is_ascii_digit() && b[at + 1].is_ascii_digit();
        if two(i)
            && b.get(i + 2) == Some(&b':')
            && two(i + 3)
            && (i == 0 || !b[i - 1].is_ascii_digit())
        {
            let mut end = i + 5;
            if b.get(end) == Some(&b':') && two(end + 1) {
                end += 3;
            }
            out.push_str("[time]");
            i = end;
        } else {
            let ch = line[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn in_english(s: &Session) -> Session {
    Session {
        cookie: format!("{}; zg_lang=en", s.cookie),
        csrf: s.csrf.clone(),
    }
}

async fn snapshot_pages(t: &TestApp, who: &str, s: &Session, pages: &[(&str, String)]) {
    for (lang, session) in [("zh", s.clone()), ("en", in_english(s))] {
        for (name, path) in pages {
            let r = t.get(Some(&session), path).await;
            assert_eq!(r.status, 200, "{who} {path}: {}", r.body);
            insta::assert_snapshot!(
                format!("{who}_{name}_{lang}"),
                visible_text(&r.body),
                &format!("{who} reads {path} ({lang})")
            );
        }
    }
}

#[tokio::test]
async fn the_office_reads_its_main_pages() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let inspection = t.inspections().await[0].id.0;
    let problem = t.problems().await[0].id.0;
    let measure = t.measures().await[0].id.0;
    let pages = [
        ("home", "/".to_string()),
        ("inspections", "/inspections".to_string()),
        ("ledger", format!("/inspections/{inspection}")),
        ("battle_map", format!("/inspections/{inspection}/map")),
        ("problem", format!("/problems/{problem}")),
        ("measure", format!("/measures/{measure}")),
        ("overdue", "/measures?status=overdue".to_string()),
        ("warnings", "/warnings".to_string()),
        ("weekly", "/weekly".to_string()),
    ];
    snapshot_pages(&t, "office", &s, &pages).await;
}

#[tokio::test]
async fn a_unit_and_a_leader_read_their_home_and_measures() {
    let t = TestApp::new().await;
    for who in ["finance", "leader_zhao"] {
        let s = t.login(who).await;
        let pages = [
            ("home", "/".to_string()),
            ("measures", "/measures".to_string()),
        ];
        snapshot_pages(&t, who, &s, &pages).await;
    }
}

#[test]
fn the_text_is_what_a_reader_sees() {
    let html = "<html><head><style>p{}</style><script>let a = '<b>';</script></head>\
                <body><p>截至 10:00:07，<b>3</b> 项&amp;逾期</p><input value=\"tok\"></body></html>";
    assert_eq!(visible_text(html), "截至 [time]，\n3\n项&逾期");
}
