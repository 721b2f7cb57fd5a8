//! Storage's files and folders import each other without loops: a part reads the parts
//! below it, never the ones above. This test reads `src/`, lists every reference from
//! one file to another (`crate::…`, `super::…`, `self::…`, in `use` lines and in code,
//! outside comments and unit tests), and fails on a loop between files, or between the
//! top-level folders (`db`, `audit`, `ledger` …), unless [`ALLOWED`] names it with a
//! reason. `cargo test -p zhenggai-storage --test layers -- --nocapture` prints the
//! folders' edges.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Loops between top-level folders that are meant, each with why.
const ALLOWED: &[(&[&str], &str)] = &[(
    &["audit", "db"],
    "a commit appends its transaction's audit entries (db::tx → audit::chain), and the \
     trail's writes run inside a transaction (audit::write → db::tx); inside the two \
     folders the files form no loop",
)];

/// A module path, `ledger/lifecycle/facts`; the crate root is "".
type Module = String;

#[test]
fn no_file_or_folder_imports_another_in_a_loop() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).expect("a source file");
        let targets = edges.entry(module.clone()).or_default();
        for path in references(&code_of(&text)) {
            if let Some(target) = resolve(module, &path, &modules)
                && target != *module
            {
                targets.insert(target);
            }
        }
    }

    let mut loops = Vec::new();
    for cycle in cycles(&edges) {
        loops.push(format!("files: {}", cycle.join(" ↔ ")));
    }
    let mut folders: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (from, targets) in &edges {
        let entry = folders.entry(top(from)).or_default();
        entry.extend(targets.iter().map(|t| top(t)).filter(|t| *t != top(from)));
    }
    for (from, to) in &folders {
        println!(
            "{from} → {}",
            to.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    for cycle in cycles(&folders) {
        let allowed = ALLOWED.iter().any(|(parts, _)| {
            parts.len() == cycle.len() && parts.iter().all(|p| cycle.iter().any(|c| c == p))
        });
        if !allowed {
            loops.push(format!("folders: {}", cycle.join(" ↔ ")));
        }
    }
    assert!(
        loops.is_empty(),
        "imports in a loop (move the piece both need below both, or name the loop in \
         ALLOWED with its reason):\n{}",
        loops.join("\n")
    );
}

/// Every `.rs` file under `src`, by its module path.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(src).expect("under src");
                let mut parts: Vec<String> = relative
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                    parts.pop();
                }
                out.insert(parts.join("/"), path);
            }
        }
    }
    out
}

/// The file's code without its comments and its unit tests (`#[cfg(test)] mod tests`,
/// last in a file by the house's habit).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| match l.find(" // ") {
            Some(at) => &l[..at],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each path that starts with `crate`, `super` or `self`, as its segments; a group
/// (`a::{b, c::d}`) gives one path per member.
fn references(code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !code.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let starts_word = i == 0 || !is_ident(bytes[i - 1]);
        let rest = &code[i..];
        if starts_word
            && ["crate::", "super::", "self::"]
                .iter()
                .any(|p| rest.starts_with(p))
        {
            let (paths, used) = path_at(rest);
            out.extend(paths);
            i += used.max(1);
        } else {
            i += 1;
        }
    }
    out
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The paths written at the start of `text`, and how many bytes they took.
fn path_at(text: &str) -> (Vec<Vec<String>>, usize) {
    let bytes = text.as_bytes();
    let mut segments = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        if i > start {
            segments.push(text[start..i].to_string());
        }
        if text[i..].starts_with("::{") {
            let open = i + 2;
            let close = matching_brace(text, open);
            let mut paths = Vec::new();
            for member in split_top(&text[open + 1..close]) {
                let member = member.trim();
                let (inner, _) = path_at(member);
                for tail in inner {
                    let tail: Vec<String> = tail.into_iter().filter(|s| s != "self").collect();
                    paths.push(segments.iter().cloned().chain(tail).collect());
                }
            }
            return (paths, close + 1);
        }
        if text[i..].starts_with("::") && text[i + 2..].starts_with(|c: char| is_ident(c as u8)) {
            i += 2;
            continue;
        }
        return (vec![segments], i);
    }
}

fn matching_brace(text: &str, open: usize) -> usize {
    let mut depth = 0;
    for (k, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + k;
                }
            }
            _ => {}
        }
    }
    text.len() - 1
}

/// The members of a group, split at its own commas (not those of nested groups).
fn split_top(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut from) = (0, 0);
    for (k, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[from..k]);
                from = k + 1;
            }
            _ => {}
        }
    }
    out.push(&text[from..]);
    out
}

/// The file a path leads into: its longest prefix that is a module.
fn resolve(module: &str, path: &[String], modules: &BTreeMap<Module, PathBuf>) -> Option<Module> {
    let mut here: Vec<String> = module
        .split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    // `super` in `a/b.rs` and in `a/b/mod.rs` both mean `a`: the module's parent.
    let mut absolute = Vec::new();
    let mut segments = path.iter().peekable();
    match segments.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segments.next();
        }
        Some("self") => {
            segments.next();
            absolute = here.clone();
        }
        _ => {
            while segments.peek().is_some_and(|s| s.as_str() == "super") {
                segments.next();
                here.pop();
            }
            absolute = here;
        }
    }
    absolute.extend(segments.cloned());
    (0..=absolute.len())
        .rev()
        .map(|n| absolute[..n].join("/"))
        .find(|m| modules.contains_key(m))
}

/// The top-level folder (or file) a module is in.
fn top(module: &str) -> Module {
    match module.split('/').next() {
        Some("") | None => "lib".to_string(),
        Some(first) => first.to_string(),
    }
}

/// The loops of a graph (its strongly connected parts of more than one node).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct Tarjan<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<Module>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.edges.get(v).into_iter().flatten() {
                if !self.index.contains_key(w.as_str()) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w.as_str()]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w.as_str()) {
                    let low = self.low[v].min(self.index[w.as_str()]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut part = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    part.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if part.len() > 1 {
                    part.sort();
                    self.found.push(part);
                }
            }
        }
    }
    let mut t = Tarjan {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.found
}

#[test]
fn paths_are_read_as_written() {
    let paths = references(
        "use crate::db::{Db, tx::Tx};\nuse super::{self, lead};\nlet x = crate::audit::write::created(tx);",
    );
    let joined: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        joined,
        [
            "crate::db::Db",
            "crate::db::tx::Tx",
            "super",
            "super::lead",
            "crate::audit::write::created"
        ]
    );
    let mut modules = BTreeMap::new();
    for m in [
        "",
        "db",
        "db/tx",
        "ledger",
        "ledger/lead",
        "ledger/lifecycle",
    ] {
        modules.insert(m.to_string(), PathBuf::new());
    }
    let at = |module: &str, path: &str| {
        let path: Vec<String> = path.split("::").map(str::to_string).collect();
        resolve(module, &path, &modules)
    };
    assert_eq!(
        at("ledger/lifecycle", "super::lead::carry_lead").as_deref(),
        Some("ledger/lead")
    );
    assert_eq!(
        at("ledger/lifecycle", "crate::db::tx::Tx").as_deref(),
        Some("db/tx")
    );
    assert_eq!(
        at("ledger/lifecycle", "self::facts").as_deref(),
        Some("ledger/lifecycle")
    );
    assert_eq!(at("ledger/lead", "crate::db::Db").as_deref(), Some("db"));
}
