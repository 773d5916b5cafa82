//! The runtime's top-level modules import one another without a cycle, and in the layers
//! ARCHITECTURE.md shows ("The runtime"): a module may use those below it, never one above.
//!
//! The check reads the sources, as a reviewer would: every `crate::` path outside comments
//! (`use` lines, paths in code, `use crate::{A, b::C}` groups), resolved to a top-level module:
//! `crate::error::Error` is `error`, and a name the crate root re-exports (`crate::Client`) is
//! the module that lib.rs re-exports it from (`client`). The modules are those lib.rs declares,
//! but test-only ones and `generated`: the generated code sits on top of the runtime and uses
//! it, and the few runtime types that hold a generated one (`OperationInfo::permissions`, the
//! `Event` of webhooks and the websocket) are data, not calls back into the runtime.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules left out of the graph: the generated code (see the module docs).
const OUTSIDE: &[&str] = &["generated"];

/// The layers of ARCHITECTURE.md's table, bottom up. A module may import from the layers below
/// its own and from the modules before it in its own layer; those of layer 0 import nothing.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "0. leaves",
        &[
            "excerpt",
            "client_id",
            "fields",
            "key_probe",
            "backoff",
            "api_error",
            "rate_limit",
            "operation",
            "auth",
            "mismatch",
            "filter",
            "unknown_value",
            "timestamp",
        ],
    ),
    (
        "1. wire data",
        &[
            "body",
            "request",
            "object",
            "response",
            "decode",
            "serde_support",
        ],
    ),
    ("2. errors", &["error"]),
    ("3. retry policy", &["retry"]),
    ("4. configuration", &["client"]),
    ("5. sending", &["send", "paginate"]),
    ("6. websocket, webhooks", &["ws", "webhook"]),
];

/// A module's layer and place in it, per [`LAYERS`].
fn rank(module: &str) -> Option<(usize, usize)> {
    LAYERS.iter().enumerate().find_map(|(layer, (_, modules))| {
        let place = modules.iter().position(|&m| m == module)?;
        Some((layer, place))
    })
}

/// An import from one module to another, with where it was seen (for the failure message).
#[derive(Clone, Debug)]
struct Import {
    to: String,
    file: String,
    path: String,
}

/// The runtime's top-level modules as lib.rs declares them (`mod x;`, `pub mod x;`), without
/// `#[cfg(test)]` ones and [`OUTSIDE`].
fn declared_modules(lib: &str) -> BTreeSet<String> {
    let mut modules = BTreeSet::new();
    let mut test_only = false;
    for line in lib.lines().map(str::trim) {
        if line.starts_with("#[cfg(test)]") {
            test_only = true;
            continue;
        }
        let declaration = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
            .and_then(|rest| rest.strip_suffix(';'));
        match declaration {
            Some(name) if !test_only && !OUTSIDE.contains(&name) => {
                modules.insert(name.to_owned());
            }
            Some(_) => {}
            // Attributes and comments between `#[cfg(test)]` and its `mod` keep the mark.
            None if line.starts_with("#[") || line.starts_with("//") => continue,
            None => {}
        }
        test_only = false;
    }
    modules
}

/// The names the crate root re-exports (`pub use client::{Client, ClientBuilder};`), each with
/// the first segment of its path: the module (or external crate) it comes from.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let code = strip_comments(lib);
    let mut names = BTreeMap::new();
    for statement in code.split(';') {
        let statement = statement.split_whitespace().collect::<Vec<_>>().join(" ");
        let Some(start) = statement.find("pub use ") else {
            continue;
        };
        let path = &statement[start + "pub use ".len()..];
        let module = path.split("::").next().unwrap_or(path).trim().to_owned();
        match path.split_once("::{") {
            Some((_, group)) => {
                for item in split_group(group.trim_end_matches('}')) {
                    let name = item.rsplit(" as ").next().unwrap_or(&item);
                    let name = name.rsplit("::").next().unwrap_or(name).trim();
                    names.insert(name.to_owned(), module.clone());
                }
            }
            None => {
                let name = path.rsplit("::").next().unwrap_or(path);
                let name = name.rsplit(" as ").next().unwrap_or(name).trim();
                names.insert(name.to_owned(), module);
            }
        }
    }
    names
}

/// The text without `//` comments (line, doc and module docs), so that doc links such as
/// ``[`Client`](crate::Client)`` are not imports.
fn strip_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The elements of a `{a, b::{c, d}, e}` group's inside, split at its top-level commas.
fn split_group(inside: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in inside.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current);
    items
        .into_iter()
        .map(|item| item.trim().to_owned())
        .filter(|item| !item.is_empty())
        .collect()
}

/// The first segment after each `crate::` in `code` (each element's first segment for a
/// `crate::{...}` group), with the path's text.
fn crate_paths(code: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + "crate::".len()..];
        rest = after;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(end, _)| end);
            for item in split_group(&group[..end]) {
                let first = item.split("::").next().unwrap_or(&item).trim().to_owned();
                found.push((first, format!("crate::{{{}}}", &group[..end])));
            }
        } else {
            let first: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let mut text: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            if let Some(group) = after[text.len()..].strip_prefix('{') {
                // `crate::a::{B, C}`: the whole group, for the message.
                text.push('{');
                text.extend(group.chars().take_while(|&c| c != '}'));
                text.push('}');
            }
            found.push((first, format!("crate::{text}")));
        }
    }
    found
}

/// Every `.rs` file of module `name`: `src/name.rs`, or the files under `src/name/`.
fn module_files(src: &Path, name: &str) -> Vec<PathBuf> {
    let file = src.join(format!("{name}.rs"));
    if file.is_file() {
        return vec![file];
    }
    let mut files = Vec::new();
    let mut folders = vec![src.join(name)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a module's folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(!files.is_empty(), "no source of module `{name}`");
    files
}

/// The import graph of the runtime's top-level modules: module → modules it names.
fn runtime_graph(src: &Path) -> BTreeMap<String, Vec<Import>> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let modules = declared_modules(&lib);
    let reexports = root_reexports(&lib);
    let mut graph = BTreeMap::new();
    for module in &modules {
        let mut imports: Vec<Import> = Vec::new();
        for file in module_files(src, module) {
            let text = std::fs::read_to_string(&file).expect("a runtime source");
            let shown = file
                .strip_prefix(src)
                .unwrap_or(&file)
                .display()
                .to_string();
            for (first, path) in crate_paths(&strip_comments(&text)) {
                let to = if modules.contains(&first) {
                    first
                } else if let Some(from) = reexports.get(&first) {
                    from.clone()
                } else if OUTSIDE.contains(&first.as_str()) {
                    continue;
                } else {
                    panic!("{shown}: `{path}` names neither a module nor a root re-export");
                };
                let known = imports.iter().any(|import| import.to == to);
                if &to != module && modules.contains(&to) && !known {
                    imports.push(Import {
                        to,
                        file: shown.clone(),
                        path,
                    });
                }
            }
        }
        graph.insert(module.clone(), imports);
    }
    graph
}

/// A cycle of the graph, as its modules with the first repeated at the end, if there is one.
fn find_cycle(graph: &BTreeMap<String, Vec<Import>>) -> Option<Vec<String>> {
    fn visit<'a>(
        module: &'a str,
        graph: &'a BTreeMap<String, Vec<Import>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|&m| m == module) {
            let mut cycle: Vec<String> = path[at..].iter().map(|&m| m.to_owned()).collect();
            cycle.push(module.to_owned());
            return Some(cycle);
        }
        if !done.insert(module) {
            return None;
        }
        path.push(module);
        for import in graph.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(&import.to, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(module, graph, &mut Vec::new(), &mut done))
}

/// A cycle as text: each step with the file and path that make it.
fn describe(cycle: &[String], graph: &BTreeMap<String, Vec<Import>>) -> String {
    let steps: Vec<String> = cycle
        .windows(2)
        .map(|pair| {
            let import = graph[&pair[0]]
                .iter()
                .find(|import| import.to == pair[1])
                .expect("an edge of the cycle");
            format!(
                "  {} → {} ({} names `{}`)",
                pair[0], pair[1], import.file, import.path
            )
        })
        .collect();
    format!(
        "import cycle among the runtime's modules: {}\n{}",
        cycle.join(" → "),
        steps.join("\n")
    )
}

#[test]
fn no_import_cycle_among_runtime_modules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = runtime_graph(&src);
    // The graph is the real one: the layers' known imports are in it.
    let imports = |from: &str| -> Vec<&str> {
        graph[from]
            .iter()
            .map(|import| import.to.as_str())
            .collect()
    };
    assert!(imports("send").contains(&"client"), "{graph:#?}");
    assert!(imports("send").contains(&"retry"), "{graph:#?}");
    assert!(imports("retry").contains(&"error"), "{graph:#?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("{}", describe(&cycle, &graph));
    }
}

#[test]
fn imports_follow_the_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = runtime_graph(&src);
    let mut wrong = Vec::new();
    for (module, imports) in &graph {
        let Some(from) = rank(module) else {
            wrong.push(format!(
                "`{module}` is in no layer: add it to LAYERS and ARCHITECTURE.md"
            ));
            continue;
        };
        for import in imports {
            let to = rank(&import.to).unwrap_or((usize::MAX, 0));
            if from.0 == 0 || to >= from {
                wrong.push(format!(
                    "{} ({}) imports {} ({}): {} names `{}`",
                    module,
                    LAYERS[from.0].0,
                    import.to,
                    LAYERS.get(to.0).map_or("no layer", |layer| layer.0),
                    import.file,
                    import.path
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_finds_and_names_a_cycle() {
    let edge = |to: &str| Import {
        to: to.to_owned(),
        file: "x.rs".to_owned(),
        path: format!("crate::{to}"),
    };
    let mut graph = BTreeMap::new();
    graph.insert("client".to_owned(), vec![edge("error")]);
    graph.insert("error".to_owned(), vec![edge("ws")]);
    graph.insert("leaf".to_owned(), vec![]);
    graph.insert("ws".to_owned(), vec![edge("leaf"), edge("client")]);
    let cycle = find_cycle(&graph).expect("a cycle");
    assert_eq!(cycle, ["client", "error", "ws", "client"]);
    let text = describe(&cycle, &graph);
    assert!(text.contains("client → error → ws → client"), "{text}");
    assert!(
        text.contains("ws → client (x.rs names `crate::client`)"),
        "{text}"
    );
    graph.insert("ws".to_owned(), vec![edge("leaf")]);
    assert_eq!(find_cycle(&graph), None);
}

#[test]
fn paths_resolve_through_groups_and_root_reexports() {
    let lib = "mod a;\npub mod b;\n#[cfg(test)]\nmod a_tests;\n#[rustfmt::skip]\nmod generated;\n\
               pub use a::{Alpha, inner::Beta as B};\npub use b::Gamma;\npub use reqwest;\n";
    assert_eq!(
        declared_modules(lib),
        BTreeSet::from(["a".to_owned(), "b".to_owned()])
    );
    let reexports = root_reexports(lib);
    assert_eq!(reexports["Alpha"], "a");
    assert_eq!(reexports["B"], "a");
    assert_eq!(reexports["Gamma"], "b");
    assert_eq!(reexports["reqwest"], "reqwest");
    let code = strip_comments(
        "use crate::{Alpha, b::{x, y}};\n/// [`A`](crate::ws::A)\nlet v = crate::c::f(); // crate::d\nmy_crate::e();",
    );
    let firsts: Vec<String> = crate_paths(&code).into_iter().map(|(f, _)| f).collect();
    assert_eq!(firsts, ["Alpha", "b", "c"]);
}
