//! Versions, the change feed and stale snapshots: every successful apply
//! advances a store's version by one; the feed replays exactly what was
//! applied, in order, or says it no longer can; a snapshot knows the
//! version it was compiled at, refuses what-if questions against a store
//! that moved on, and a shared handle follows the store.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::collection::vec;
use proptest::prelude::*;
use rbac_profiles::testkit::strategies::{ADMIN, admin_op, directory};
use rbac_profiles::{
    AdminOp, Directory, Error, Follow, MemoryStore, Proposal, SharedSnapshot, Snapshot, Staleness,
    Store, StoreMut, administer, changes_since,
};

fn contoso() -> MemoryStore {
    MemoryStore::new(
        Directory::from_json(
            r#"{
        "users": [
            { "id": "avery", "roles": ["omnichannel-administrator", "system-administrator"] },
            { "id": "kayla", "roles": ["omnichannel-agent"] }
        ],
        "profiles": [
            { "id": "agents", "name": "Agents", "rank": 1, "roles": ["omnichannel-agent"] },
            { "id": "supervisors", "name": "Supervisors", "rank": 2, "roles": ["omnichannel-supervisor"] }
        ]
    }"#,
        )
        .unwrap(),
    )
}

proptest! {
    /// Each accepted operation is one apply, one version; replaying the
    /// feed from the start on a copy of the first state gives the last.
    #[test]
    fn the_feed_replays_what_was_applied(directory in directory(), ops in vec(admin_op(), 1..10)) {
        let first = MemoryStore::new(directory);
        let mut store = first.clone();
        let mut accepted = 0;
        for op in &ops {
            if administer(&mut store, ADMIN, op).is_ok() {
                accepted += 1;
            }
        }
        // An accepted operation that changes nothing writes nothing.
        let version = store.version().unwrap().unwrap();
        prop_assert!(version <= accepted);
        let sets = changes_since(&store, 0).unwrap();
        prop_assert_eq!(sets.len() as u64, version);
        let mut replayed = first;
        for (expected, set) in (1..).zip(&sets) {
            prop_assert_eq!(set.version, expected);
            replayed.apply(&set.changes).unwrap();
        }
        prop_assert_eq!(replayed.directory(), store.directory());
        prop_assert_eq!(replayed.version().unwrap(), Some(version));
        // From any version on, the tail of the same feed.
        for from in 0..=version {
            let tail = changes_since(&store, from).unwrap();
            prop_assert_eq!(&tail[..], &sets[from as usize..]);
        }
    }
}

#[test]
fn a_store_keeps_a_bounded_feed_and_says_when_it_is_too_old() {
    let mut store = contoso().with_feed_capacity(2);
    assert_eq!(store.version().unwrap(), Some(0));
    for rank in [3, 4, 5] {
        let op = AdminOp::SetRankAndRoles {
            profile: "agents".into(),
            rank,
            roles: vec!["omnichannel-agent".into()],
        };
        administer(&mut store, "avery", &op).unwrap();
    }
    assert_eq!(store.version().unwrap(), Some(3));
    assert_eq!(changes_since(&store, 1).unwrap().len(), 2);
    assert_eq!(changes_since(&store, 3).unwrap(), []);
    let err = changes_since(&store, 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the store keeps no changes since version 0 (it is at version 3): compile again"
    );
    assert!(matches!(
        err,
        Error::FeedTooOld {
            version: 0,
            store: 3
        }
    ));
    let err = changes_since(&store, 9).unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnknownVersion {
                version: 9,
                store: 3
            }
        ),
        "{err}"
    );
    // A refused operation applies nothing and moves no version.
    let refused = AdminOp::RemoveDefault {
        profile: "agents".into(),
    };
    administer(&mut store, "avery", &refused).unwrap_err();
    assert_eq!(store.version().unwrap(), Some(3));
}

/// The two stale cases of the issue: a user who gained a mapped role after
/// the compile, and a change to a profile the proposal doesn't touch, are
/// both refused by the version check, naming both versions.
#[test]
fn impact_refuses_a_snapshot_older_than_the_store() {
    let mut store = contoso();
    let snapshot = Snapshot::compile(&store).unwrap();
    assert_eq!(snapshot.version(), Some(0));
    let proposal = Proposal::from(AdminOp::SetRankAndRoles {
        profile: "supervisors".into(),
        rank: 3,
        roles: vec!["omnichannel-supervisor".into()],
    });
    assert!(snapshot.impact(&store, &proposal).is_ok());

    // Kayla gains the supervisor role after the compile.
    let gain = AdminOp::AssignRole {
        user: "kayla".into(),
        role: "omnichannel-supervisor".into(),
        business_unit: None,
    };
    administer(&mut store, "avery", &gain).unwrap();
    fn stale<T: std::fmt::Debug>(result: Result<T, Error>) -> (Option<u64>, u64) {
        match result {
            Err(Error::StaleSnapshot {
                stale: Staleness::Version { snapshot, store },
            }) => (snapshot, store),
            other => panic!("expected a stale snapshot, got {other:?}"),
        }
    }
    assert_eq!(stale(snapshot.impact(&store, &proposal)), (Some(0), 1));
    assert_eq!(
        stale(snapshot.impact_access(&store, &proposal)),
        (Some(0), 1)
    );
    assert_eq!(
        snapshot.impact(&store, &proposal).unwrap_err().to_string(),
        "the snapshot was compiled at version 0 and the store is at version 1: compile again"
    );

    // A profile the proposal doesn't touch changes: refused as well.
    let snapshot = Snapshot::compile(&store).unwrap();
    let other = AdminOp::SetRankAndRoles {
        profile: "agents".into(),
        rank: 5,
        roles: vec!["omnichannel-agent".into()],
    };
    administer(&mut store, "avery", &other).unwrap();
    assert_eq!(stale(snapshot.impact(&store, &proposal)), (Some(1), 2));
    // Compiled again, the answer is the store's.
    let fresh = Snapshot::compile(&store).unwrap();
    assert!(fresh.impact(&store, &proposal).is_ok());
}

#[test]
fn a_shared_snapshot_follows_the_store() {
    let mut store = contoso();
    let shared = SharedSnapshot::new(Snapshot::compile(&store).unwrap());
    assert_eq!(shared.follow(&store).unwrap(), Follow::Current);
    let gain = AdminOp::AssignRole {
        user: "kayla".into(),
        role: "omnichannel-supervisor".into(),
        business_unit: None,
    };
    let before = shared.load();
    administer(&mut store, "avery", &gain).unwrap();
    assert_eq!(
        shared.follow(&store).unwrap(),
        Follow::Recompiled {
            from: Some(0),
            to: Some(1)
        }
    );
    let now = shared.load();
    assert_eq!(now.version(), Some(1));
    assert!(now.has_privilege("kayla", "conversation:monitor").unwrap());
    // A reader holding the old snapshot keeps its answers.
    assert!(
        !before
            .has_privilege("kayla", "conversation:monitor")
            .unwrap()
    );
    assert_eq!(shared.follow(&store).unwrap(), Follow::Current);
}
