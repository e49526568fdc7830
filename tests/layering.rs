//! The house picture: catalog, then policy, then decisions, one way, in the
//! core crate (`crates/permgate-core`); the Genesys adapter
//! (`crates/permgate-genesys`, a crate that sees the core's public API
//! only), axum and the CLI (`src/`) around it. Cargo keeps the core from
//! depending on the adapter.
//!
//! Checks on the modules of a crate (every `*.rs` file of its source root
//! but the crate root, and every folder of it, a folder counting as one
//! module):
//!
//! - the core does not name the `genesys` adapter;
//! - the core's modules import one another without a cycle ([`CORE`]);
//! - so do the adapter's ([`ADAPTER`]), each crate's graph on its own.
//!
//! The module graphs, leaves first, each module with the modules it uses,
//! are the command anyone can run:
//!
//! ```text
//! cargo test --test layering -- --nocapture
//! ```

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The core's source root, relative to the manifest.
const CORE: &str = "crates/permgate-core/src";

/// The Genesys adapter's source root, relative to the manifest.
const ADAPTER: &str = "crates/permgate-genesys/src";

/// Files of a source root that are not modules of its crate: the crate root.
const NOT_MODULES: [&str; 1] = ["lib.rs"];

/// The source root `src` (such as [`CORE`]), as a path.
fn root(src: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(src)
}

/// Every core module.
fn core_modules() -> BTreeMap<String, Vec<PathBuf>> {
    modules(CORE)
}

/// Every module of the crate at `src`: its name, and the files that make it
/// (a folder's files, recursively, or the one file).
fn modules(src: &str) -> BTreeMap<String, Vec<PathBuf>> {
    let mut modules = BTreeMap::new();
    for entry in fs::read_dir(root(src)).unwrap() {
        let path = entry.unwrap().path();
        let file_name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if NOT_MODULES.contains(&file_name.as_str()) {
            continue;
        }
        if path.is_dir() {
            let mut files = Vec::new();
            rust_files(&path, &mut files);
            modules.insert(file_name, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let name = file_name.trim_end_matches(".rs").to_owned();
            modules.insert(name, vec![path]);
        }
    }
    modules
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file: comments (doc links included) dropped, and the
/// unit tests (`#[cfg(test)] mod …` to the end of the file) left out.
fn code_lines(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let next = lines.get(n + 1).map_or("", |l| l.trim_start());
        if line.trim() == "#[cfg(test)]" && next.starts_with("mod ") {
            break;
        }
        out.push(line.split("//").next().unwrap_or_default().to_owned());
    }
    out
}

/// Names the crate root of `src` re-exports (`pub use module::{A, B}`),
/// with the module that defines them.
fn root_names(src: &str, modules: &BTreeMap<String, Vec<PathBuf>>) -> BTreeMap<String, String> {
    let text = fs::read_to_string(root(src).join("lib.rs")).unwrap();
    let mut names = BTreeMap::new();
    for statement in text.split(';') {
        let statement = statement.split("//").next().unwrap_or_default();
        let Some(start) = statement.find("pub use ") else {
            continue;
        };
        let path = statement[start + "pub use ".len()..].trim();
        let Some((module, rest)) = path.split_once("::") else {
            continue;
        };
        if !modules.contains_key(module) {
            continue;
        }
        let items = rest.trim().trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let last = item.trim().rsplit("::").next().unwrap_or_default();
            let name = last.split(" as ").last().unwrap_or_default().trim();
            if !name.is_empty() {
                names.insert(name.to_owned(), module.to_owned());
            }
        }
    }
    names
}

/// The first identifier of `text`.
fn ident(text: &str) -> &str {
    let end = text
        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first path segment of each item of a `{…}` group (nested groups
/// skipped past), e.g. `{Catalog, gate::GateInfo}` gives `Catalog`, `gate`.
fn group_heads(group: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (n, ch) in group.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(ident(group[start..].trim_start()));
                start = n + 1;
            }
            _ => {}
        }
    }
    heads.push(ident(group[start..].trim_start()));
    heads.into_iter().filter(|head| !head.is_empty()).collect()
}

/// The crate-level names a module's code reaches: `crate::x`,
/// `use crate::{x, y::z}`, and, at the top level of a file (not indented),
/// `super::x` of a top-level file or `super::super::x` of a folder's file.
fn crate_names(lines: &[String], in_folder: bool) -> Vec<String> {
    let code = lines.join("\n");
    let mut names = Vec::new();
    let mut push_after = |code: &str, marker: &str| {
        let mut rest = code;
        while let Some(at) = rest.find(marker) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + marker.len()..];
            if before.is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == ':') {
                continue;
            }
            if let Some(group) = rest.strip_prefix('{') {
                names.extend(group_heads(group).into_iter().map(str::to_owned));
            } else {
                names.push(ident(rest).to_owned());
            }
        }
    };
    push_after(&code, "crate::");
    let parent = if in_folder { "super::super::" } else { "super::" };
    for line in lines
        .iter()
        .filter(|line| line.starts_with("use ") || line.starts_with("pub"))
    {
        if let Some(at) = line.find(parent) {
            let after_super = &line[at + parent.len()..];
            if in_folder || !after_super.starts_with("super::") {
                push_after(&line[at..], parent);
            }
        }
    }
    names
}

/// The module graph of the crate at `src`: each module with the modules of
/// that crate it uses.
fn module_graph(src: &str) -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules(src);
    let exported = root_names(src, &modules);
    let mut graph = BTreeMap::new();
    for (module, files) in &modules {
        let mut uses = BTreeSet::new();
        for file in files {
            let in_folder = files.len() > 1 || file.parent() != Some(root(src).as_path());
            for name in crate_names(&code_lines(file), in_folder) {
                let target = if modules.contains_key(&name) {
                    Some(name)
                } else {
                    exported.get(&name).cloned()
                };
                if let Some(target) = target.filter(|target| target != module) {
                    uses.insert(target);
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'g>(state: &mut State<'g>, node: &'g str) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        for next in &state.graph[node] {
            let next = next.as_str();
            if !state.index.contains_key(next) {
                visit(state, next);
                let low = state.low[node].min(state.low[next]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next) {
                let low = state.low[node].min(state.index[next]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// The modules leaves first: each after every module it uses.
fn topological(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<&str> {
    let mut order: Vec<&str> = Vec::new();
    while order.len() < graph.len() {
        let ready: Vec<&str> = graph
            .iter()
            .filter(|(module, uses)| {
                !order.contains(&module.as_str()) && uses.iter().all(|used| order.contains(&used.as_str()))
            })
            .map(|(module, _)| module.as_str())
            .collect();
        if ready.is_empty() {
            break;
        }
        order.extend(ready);
    }
    order
}

#[test]
fn the_core_does_not_import_the_genesys_adapter() {
    let modules = core_modules();
    let mut offenders = Vec::new();
    for files in modules.values() {
        for file in files {
            for (n, line) in code_lines(file).iter().enumerate() {
                if line.contains("genesys::") || line.contains("crate::genesys") {
                    offenders.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        modules.len() >= 15,
        "found only {} core modules under {CORE}",
        modules.len()
    );
    assert!(
        offenders.is_empty(),
        "the core names the genesys adapter:\n{}",
        offenders.join("\n")
    );
}

/// Prints the module graph of the crate at `src` (its `name`), leaves
/// first, and fails on an import cycle among its modules.
fn check_graph(name: &str, src: &str) {
    let graph = module_graph(src);
    println!("the {name}'s modules under {src}, leaves first, each with the modules it uses:");
    for module in topological(&graph) {
        let uses: Vec<&str> = graph[module].iter().map(String::as_str).collect();
        println!("  {module:<12} <- {}", uses.join(", "));
    }
    let ordered = topological(&graph);
    for (module, uses) in graph.iter().filter(|(module, _)| !ordered.contains(&module.as_str())) {
        let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
        println!("  {module:<12} <- {} (in or above a cycle)", uses.join(", "));
    }
    let cycles = cycles(&graph);
    for cycle in &cycles {
        println!("  cycle: {}", cycle.join(", "));
    }
    assert!(
        graph.values().flatten().count() > 10,
        "found too few imports under {src}: the scan is broken"
    );
    assert!(
        cycles.is_empty(),
        "the {name}'s modules import one another in a cycle:\n{}",
        cycles
            .iter()
            .map(|cycle| format!("  {}", cycle.join(" <-> ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_core_modules_import_one_another_without_a_cycle() {
    check_graph("core", CORE);
}

#[test]
fn the_adapter_modules_import_one_another_without_a_cycle() {
    assert!(
        modules(ADAPTER).len() >= 10,
        "found only {} adapter modules under {ADAPTER}",
        modules(ADAPTER).len()
    );
    check_graph("Genesys adapter", ADAPTER);
}
