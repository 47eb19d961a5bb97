//! The conformance suite of `testkit` against the memory store, and the
//! testkit's seed 004 scenario against the example's data files.

// Tests opt out of the crate's no-panic lints: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rbac_profiles::testkit::conformance::check_store;
use rbac_profiles::testkit::seed004;
use rbac_profiles::{AdminOp, Directory, DirectoryDoc, MemoryStore};

#[test]
fn the_memory_store_passes_the_conformance_suite() {
    let report = check_store(|directory: Directory| Ok(MemoryStore::new(directory)));
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.passed.len(), 11, "{report}");
}

#[test]
fn the_testkit_scenario_is_the_example_s() {
    let org: DirectoryDoc =
        serde_json::from_str(include_str!("../examples/data/seed004.json")).unwrap();
    let ops: Vec<AdminOp> =
        serde_json::from_str(include_str!("../examples/data/seed004_ops.json")).unwrap();
    assert_eq!(seed004::org(), org);
    assert_eq!(seed004::operations(), ops);
}
