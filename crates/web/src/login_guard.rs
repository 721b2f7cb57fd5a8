//! What keeps another site from logging a browser in to an account of its choosing
//! (login CSRF): the login form's token, which this server issued and signed (a value an
//! attacker makes up is refused), kept both in the form and in a cookie; and the headers
//! a browser adds to a post (`Origin`, `Sec-Fetch-Site`), which a page elsewhere cannot
//! set, even a page on another port of this host or on a sibling subdomain, which can
//! plant our cookie.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The login form's fields. Sent before there is a session, it carries no session token
/// (`form::PageForm` checks those): the login handler checks the form's own signed
/// token and where it comes from, and answers the login page again when they fail.
#[derive(Debug, Clone)]
pub struct LoginForm(pub crate::form::FormData);

impl<S: Send + Sync> FromRequest<S> for LoginForm {
    type Rejection = crate::error::PageError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        Ok(LoginForm(crate::form::FormData::read(req).await?))
    }
}

/// How long a login page's token stays good.
const TOKEN_HOURS: i64 = 12;

/// Issues and checks login form tokens.
#[derive(Clone)]
pub struct LoginTokens {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for LoginTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginTokens(***)")
    }
}

impl LoginTokens {
    /// Tokens signed with `key`. Instances sharing a database derive it from their
    /// shared audit key, so that a page from one is accepted by another.
    pub fn new(key: &[u8]) -> LoginTokens {
        // HMAC takes a key of any length.
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of every length"));
        LoginTokens { mac }
    }

    fn sign(&self, body: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(body.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A new token: when it was issued, a random part, and the signature of both.
    pub fn issue(&self, now: DateTime<Utc>) -> String {
        let body = format!(
            "{}.{}",
            now.timestamp(),
            zhenggai_storage::accounts::auth::new_secret()
        );
        format!("{body}.{}", self.sign(&body))
    }

    /// Whether a token is one this server issued less than a day's half ago.
    pub fn valid(&self, token: &str, now: DateTime<Utc>) -> bool {
        let Some((body, signature)) = token.rsplit_once('.') else {
            return false;
        };
        let Some(issued) = body
            .split_once('.')
            .and_then(|(at, _)| at.parse::<i64>().ok())
            .and_then(|at| DateTime::from_timestamp(at, 0))
        else {
            return false;
        };
        let fresh = issued <= now + chrono::Duration::minutes(5)
            && now - issued <= chrono::Duration::hours(TOKEN_HOURS);
        let Ok(signature) = hex::decode(signature) else {
            return false;
        };
        let mut mac = self.mac.clone();
        mac.update(body.as_bytes());
        fresh && mac.verify_slice(&signature).is_ok()
    }
}

/// Whether a post comes from a page of this site, as far as the browser says: a
/// `Sec-Fetch-Site` of same-origin (or none, typed by the person) passes and any other
/// is refused; a browser too old to send it is judged by an `Origin` whose host must be
/// the one asked. A client that sends neither (a script) relies on the token alone.
pub fn from_this_site(headers: &HeaderMap) -> bool {
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or("cross-site"));
    match fetch_site {
        // The browser compared the origins itself, as the person sees the site: behind
        // a reverse proxy that rewrites `Host`, the `Origin` would not match it.
        Some("same-origin") | Some("none") => return true,
        Some(_) => return false,
        None => {}
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .is_some_and(|(_, h)| !host.is_empty() && h.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn only_tokens_this_key_issued_and_recently_pass() {
        let tokens = LoginTokens::new(b"one key");
        let t = tokens.issue(at(0));
        assert!(tokens.valid(&t, at(60)));
        assert!(!tokens.valid(&t, at(13 * 3600)), "stale");
        assert!(!LoginTokens::new(b"another key").valid(&t, at(60)));
        for forged in ["x", "", "1.2.3", &t.replace('.', "-"), &format!("{t}0")] {
            assert!(!tokens.valid(forged, at(60)), "{forged}");
        }
        let (body, _) = t.rsplit_once('.').unwrap();
        assert!(!tokens.valid(&format!("{body}.{}", "0".repeat(64)), at(60)));
    }

    #[test]
    fn a_post_from_another_origin_is_not_from_this_site() {
        let headers = |pairs: &[(&'static str, &'static str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, HeaderValue::from_static(v));
            }
            h
        };
        let host = ("host", "zhenggai.intranet:8080");
        assert!(from_this_site(&headers(&[host])));
        assert!(from_this_site(&headers(&[
            host,
            ("origin", "http://zhenggai.intranet:8080"),
            ("sec-fetch-site", "same-origin"),
        ])));
        // Behind a reverse proxy that rewrites Host: the browser's own word counts.
        assert!(from_this_site(&headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://zhenggai.example.gov.cn"),
            ("sec-fetch-site", "same-origin"),
        ])));
        for evil in [
            vec![host, ("origin", "http://zhenggai.intranet:8099")],
            vec![host, ("origin", "http://evil.intranet")],
            vec![host, ("origin", "null")],
            vec![host, ("sec-fetch-site", "same-site")],
            vec![host, ("sec-fetch-site", "cross-site")],
            vec![
                host,
                ("origin", "http://zhenggai.intranet:8080"),
                ("sec-fetch-site", "same-site"),
            ],
        ] {
            assert!(!from_this_site(&headers(&evil)), "{evil:?}");
        }
    }
}
