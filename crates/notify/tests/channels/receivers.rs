//! The other ends of what leaves the process: a local SMTP receiver that keeps each
//! mail, a local HTTP receiver that answers as each group-chat robot does (and refuses
//! when told to), and how a test reads what they got.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Request, State};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use zhenggai_domain::clock::{Clock, SystemClock};
use zhenggai_domain::reminder::RobotKind;

/// A mail as the receiver got it: envelope and the whole message.
#[derive(Debug, Clone)]
pub(super) struct Mail {
    pub(super) rcpt: Vec<String>,
    pub(super) data: Vec<u8>,
}

/// A minimal SMTP receiver: answers every command the way a server that takes all
/// mail does, and keeps each message.
pub(super) async fn smtp_receiver() -> (u16, Arc<Mutex<Vec<Mail>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
    let kept = mails.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                write.write_all(b"220 receiver ESMTP\r\n").await.unwrap();
                let mut rcpt = Vec::new();
                let mut line = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let command = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") {
                        b"250-receiver\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                    } else if command.starts_with("RCPT TO:") {
                        rcpt.push(line.trim_end()[8..].trim().to_string());
                        b"250 ok\r\n"
                    } else if command == "DATA" {
                        write.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = Vec::new();
                        loop {
                            let mut l = String::new();
                            lines.read_line(&mut l).await.unwrap();
                            if l == ".\r\n" {
                                break;
                            }
                            // Dot-stuffing undone, as a receiver must.
                            let l = l.strip_prefix('.').unwrap_or(&l);
                            data.extend_from_slice(l.as_bytes());
                        }
                        kept.lock().unwrap().push(Mail {
                            rcpt: std::mem::take(&mut rcpt),
                            data,
                        });
                        b"250 queued\r\n"
                    } else if command == "QUIT" {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, mails)
}

/// A request a robot received.
#[derive(Debug, Clone)]
pub(super) struct Posted {
    pub(super) path: String,
    pub(super) query: BTreeMap<String, String>,
    pub(super) body: Value,
}

#[derive(Clone, Default)]
pub(super) struct Hooks {
    pub(super) posted: Arc<Mutex<Vec<Posted>>>,
    /// Requests to refuse before taking them (a robot that is down for a while).
    pub(super) refuse: Arc<Mutex<usize>>,
    /// Requests to take before refusing (a robot that goes down between two posts).
    pub(super) let_through: Arc<Mutex<usize>>,
}

/// The robots' side: takes a post, answers as the robot of its path does.
async fn hook(State(h): State<Hooks>, request: Request) -> (axum::http::StatusCode, Json<Value>) {
    let path = request.uri().path().to_string();
    let query: BTreeMap<String, String> = request
        .uri()
        .query()
        .map(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), urlencoding::decode(v).unwrap().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap();
    {
        let mut refuse = h.refuse.lock().unwrap();
        let mut let_through = h.let_through.lock().unwrap();
        if *let_through > 0 {
            *let_through -= 1;
        } else if *refuse > 0 {
            *refuse -= 1;
            return (
                axum::http::StatusCode::OK,
                Json(json!({"errcode": 45009, "errmsg": "api freq out of limit"})),
            );
        }
    }
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    h.posted.lock().unwrap().push(Posted {
        path: path.clone(),
        query,
        body,
    });
    let answer = if path.ends_with("feishu") {
        json!({"code": 0, "msg": "success", "data": {}})
    } else {
        json!({"errcode": 0, "errmsg": "ok"})
    };
    (axum::http::StatusCode::OK, Json(answer))
}

pub(super) async fn http_receiver() -> (u16, Hooks) {
    let hooks = Hooks::default();
    let app = axum::Router::new()
        .route("/{*path}", axum::routing::post(hook))
        .with_state(hooks.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (port, hooks)
}

/// A received mail as people read it: who, what, and both bodies.
pub(super) fn readable(mail: &Mail) -> Value {
    let parsed = mail_parser::MessageParser::default()
        .parse(&mail.data)
        .unwrap();
    let addr = |a: Option<&mail_parser::Address>| -> String {
        a.and_then(|a| a.first())
            .map(|a| format!("{} <{}>", a.name().unwrap_or(""), a.address().unwrap_or("")))
            .unwrap_or_default()
    };
    json!({
        "envelope_to": mail.rcpt,
        "from": addr(parsed.from()),
        "to": addr(parsed.to()),
        "subject": parsed.subject(),
        "message_id": parsed.message_id(),
        "text": parsed.body_text(0),
        "html": parsed.body_html(0),
    })
}

/// A robot request without what changes each second (timestamps and signatures).
pub(super) fn steady(p: &Posted) -> Value {
    let mut body = p.body.clone();
    for volatile in ["timestamp", "sign"] {
        if body.get(volatile).is_some() {
            body[volatile] = Value::from(format!("[{volatile}]"));
        }
    }
    let query: BTreeMap<&String, String> = p
        .query
        .iter()
        .map(|(k, v)| {
            let v = if k == "timestamp" || k == "sign" {
                format!("[{k}]")
            } else {
                v.clone()
            };
            (k, v)
        })
        .collect();
    json!({"path": p.path, "query": query, "body": body})
}

fn hmac_base64(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks a robot's signature as the robot's server does.
pub(super) fn signed_right(kind: RobotKind, p: &Posted) {
    let secret = "SEC0123456789abcdef";
    match kind {
        RobotKind::Wecom => assert!(!p.query.contains_key("sign")),
        RobotKind::Dingtalk => {
            let ts = &p.query["timestamp"];
            let age = SystemClock.now().timestamp_millis() - ts.parse::<i64>().unwrap();
            assert!(
                (0..3_600_000).contains(&age),
                "DingTalk takes an hour at most"
            );
            let expected = hmac_base64(secret.as_bytes(), format!("{ts}\n{secret}").as_bytes());
            assert_eq!(p.query["sign"], expected);
        }
        RobotKind::Feishu => {
            let ts = p.body["timestamp"].as_str().unwrap();
            let expected = hmac_base64(format!("{ts}\n{secret}").as_bytes(), b"");
            assert_eq!(p.body["sign"], expected);
        }
    }
}
