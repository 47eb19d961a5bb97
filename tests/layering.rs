//! The modules import one way: model types, then the document and its
//! checks, then storage, then the questions, administration, the snapshot,
//! diagnostics and the testkit. The only cycle allowed is the error type and
//! the key types it names.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// Every top-level module, lowest layer first. A module may use only the
/// modules before it.
const LAYERS: &[&str] = &[
    // Model types.
    "id",
    "chain",
    "business_unit",
    "unique_map",
    "profile",
    "environment",
    "licence",
    "configuration",
    "error",
    "key",
    "privilege",
    "role",
    "team",
    "user",
    "column",
    "record",
    "catalog",
    // The document and its checks.
    "directory",
    // Storage.
    "store",
    // Questions.
    "routes",
    "held",
    "access",
    "record_access",
    "resolve",
    "profile_use",
    "column_access",
    // Administration.
    "admin",
    // The compiled snapshot.
    "snapshot",
    // Diagnostics.
    "diagnose",
    // Import and export of Dataverse role definitions.
    "dataverse",
    // Test support.
    "testkit",
];

/// The pairs of modules that may use each other: the error type names the
/// keys and the access level its variants carry, and those parse into it.
const ALLOWED_CYCLES: [(&str, &str); 2] = [("error", "key"), ("error", "privilege")];

/// The top-level module a file under `src/` belongs to.
fn module_of(path: &Path, src: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap();
    let name = first.as_os_str().to_str().unwrap();
    name.trim_end_matches(".rs").to_owned()
}

/// The modules a file's code (not its docs, not its unit tests) names as
/// `crate::<module>`.
fn uses(text: &str) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = BTreeSet::new();
    for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn modules_import_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    files(&src, &mut paths);
    let rank = |module: &str| LAYERS.iter().position(|m| *m == module);
    let mut upward = Vec::new();
    for path in paths {
        let from = module_of(&path, &src);
        if from == "lib" {
            continue;
        }
        let from_rank =
            rank(&from).unwrap_or_else(|| panic!("module {from} is missing from LAYERS"));
        for to in uses(&fs::read_to_string(&path).unwrap()) {
            if to == from {
                continue;
            }
            let to_rank = rank(&to).unwrap_or_else(|| panic!("module {to} is missing from LAYERS"));
            let allowed = ALLOWED_CYCLES.iter().any(|(a, b)| {
                (from.as_str(), to.as_str()) == (*a, *b) || (to.as_str(), from.as_str()) == (*a, *b)
            });
            if to_rank > from_rank && !allowed {
                upward.push(format!("{} uses {to}", path.display()));
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports against the layering:\n{}",
        upward.join("\n")
    );
}
