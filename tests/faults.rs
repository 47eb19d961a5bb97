//! Storage failing at any point of administration: for generated
//! organisations and operation sequences, and every read and every write a
//! clean run makes, failing that one call makes its operation return the
//! injected error and leaves the state exactly as before it; the operations
//! after it behave as if it had never been tried.

// Tests opt out of the crate's no-panic lints: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use rbac_profiles::testkit::strategies::{ADMIN, admin_ops, directory};
use rbac_profiles::testkit::{Fault, FaultyStore};
use rbac_profiles::{Error, MemoryStore, UserId, administer};

/// The state as the JSON document it serializes to.
fn serialized(store: &MemoryStore) -> String {
    serde_json::to_string(store.directory()).unwrap()
}

/// Whether `err` is the failure `fault` injected.
fn injected(err: &Error, fault: Fault) -> bool {
    matches!(err, Error::Storage(e) if e.inner().downcast_ref() == Some(&fault))
}

/// What an operation returned, comparable across stores.
fn outcome(result: &Result<(), Error>) -> Result<(), String> {
    result.as_ref().map(|_| ()).map_err(ToString::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_storage_failure_at_any_point_changes_nothing_and_is_then_forgotten(
        directory in directory(),
        ops in admin_ops(1..8),
    ) {
        let admin = UserId::from(ADMIN);
        let clean = MemoryStore::new(directory);
        let mut counting = FaultyStore::new(clean.clone());
        for op in &ops {
            let _ = administer(&mut counting, &admin, op);
        }
        let faults = (1..=counting.reads())
            .map(Fault::Read)
            .chain((1..=counting.writes()).map(Fault::Write));
        for fault in faults {
            let mut store = FaultyStore::failing(clean.clone(), fault);
            // What the store should read as: the operations that did not fail.
            let mut model = clean.clone();
            let mut failed = false;
            for op in &ops {
                let before = serialized(store.inner());
                let result = administer(&mut store, &admin, op);
                if result.as_ref().is_err_and(|err| injected(err, fault)) {
                    prop_assert!(!failed, "{} failed twice", fault);
                    failed = true;
                    prop_assert_eq!(serialized(store.inner()), before, "{} in {:?}", fault, op);
                    continue;
                }
                let expected = administer(&mut model, &admin, op);
                prop_assert_eq!(outcome(&result), outcome(&expected), "{:?} after {}", op, fault);
                prop_assert_eq!(serialized(store.inner()), serialized(&model), "{:?} after {}", op, fault);
            }
            prop_assert!(failed, "{} never happened", fault);
        }
    }
}
