//! The compiled snapshot answers exactly as the store it was compiled from.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{key, uid};
use proptest::prelude::*;
use rbac_profiles::testkit::Workload;
use rbac_profiles::testkit::strategies::{self, Conflicts};
use rbac_profiles::{
    AccessLevel, Directory, DirectoryDoc, Error, MemoryStore, Profile, Reason, ResolvedReason,
    Snapshot, Store, User, has_privilege, has_privilege_at, privilege_level, resolve_profile,
};

/// Every user × every privilege, and every user's profile: the snapshot and
/// the store agree, errors included.
#[track_caller]
fn assert_same_answers(store: &MemoryStore) -> Result<(), TestCaseError> {
    let snapshot = Snapshot::compile(store).unwrap();
    let mut users = store.user_ids().unwrap();
    users.sort();
    let keys = store.privilege_keys().unwrap();
    prop_assert_eq!(snapshot.user_count(), users.len());
    prop_assert_eq!(snapshot.privilege_count(), keys.len());
    for user in &users {
        for privilege in &keys {
            let expected = privilege_level(store, user, privilege).unwrap();
            prop_assert_eq!(snapshot.privilege_level(user, privilege).unwrap(), expected);
            prop_assert_eq!(
                snapshot.has_privilege(user, privilege).unwrap(),
                has_privilege(store, user, privilege).unwrap()
            );
            let (u, p) = (
                snapshot.user_ix(user).unwrap(),
                snapshot.privilege_ix(privilege).unwrap(),
            );
            prop_assert_eq!(snapshot.privilege_level_ix(u, p), expected);
            prop_assert_eq!(snapshot.has_privilege_ix(u, p), expected.is_granted());
        }
    }
    // In batches: the same answers, in order, by handle and by id.
    let mut questions = Vec::new();
    let mut by_id = Vec::new();
    let mut singles = Vec::new();
    for user in &users {
        for privilege in &keys {
            let u = snapshot.user_ix(user).unwrap();
            let p = snapshot.privilege_ix(privilege).unwrap();
            questions.push((u, p));
            by_id.push((user.as_str(), privilege.as_str()));
            singles.push(snapshot.has_privilege_ix(u, p));
        }
    }
    let mut answers = vec![true; 3];
    snapshot.has_privileges_ix(&questions, &mut answers);
    prop_assert_eq!(&answers, &singles);
    snapshot.has_privileges(&by_id, &mut answers).unwrap();
    prop_assert_eq!(&answers, &singles);
    let expected: Vec<_> = users
        .iter()
        .map(|u| resolve_profile(store, u).map_err(|e| e.to_string()))
        .collect();
    let each: Vec<_> = users
        .iter()
        .map(|u| snapshot.resolve_profile(u).map_err(|e| e.to_string()))
        .collect();
    prop_assert_eq!(&each, &expected);
    match snapshot.resolve_all() {
        Ok(all) => {
            let all: Vec<_> = all
                .iter()
                .map(|r| snapshot.resolution(r).map_err(|e| e.to_string()))
                .collect();
            prop_assert_eq!(&all, &expected);
            let ids: Vec<_> = snapshot
                .users()
                .map(|u| snapshot.user_id(u).unwrap().to_owned())
                .collect();
            let sorted: Vec<_> = users.iter().map(|u| u.as_str().to_owned()).collect();
            prop_assert_eq!(ids, sorted);
        }
        Err(err) => prop_assert!(expected.iter().any(|e| e == &Err(err.to_string()))),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_snapshot_answers_as_its_store(workload in common::small_workload()) {
        assert_same_answers(&workload.store().unwrap())?;
    }

    #[test]
    fn a_snapshot_breaks_imported_ties_as_the_store_does(
        workload in common::small_workload(),
        ranks in proptest::collection::vec(1u32..4, 0..6),
        defaults in proptest::collection::vec(any::<bool>(), 0..6),
    ) {
        // Equal ranks and several defaults: only imported data holds them.
        let mut doc = workload.doc();
        for (profile, rank) in doc.profiles.iter_mut().zip(&ranks) {
            if profile.rank.is_some() {
                profile.rank = Some(*rank);
            }
        }
        let extra = defaults.iter().enumerate().filter(|(_, d)| **d);
        for (i, _) in extra {
            doc.profiles.push(Profile::new(format!("extra-default-{i}"), "").as_default());
        }
        assert_same_answers(&MemoryStore::new(Directory::builtin_with(doc).unwrap()))?;
    }

    #[test]
    fn a_snapshot_answers_as_its_store_on_the_testkit_organisations(
        doc in strategies::org(Conflicts::Included),
    ) {
        // Levels at every grade, inclusions of built-in roles, imported ties.
        assert_same_answers(&MemoryStore::new(Directory::builtin_with(doc).unwrap()))?;
    }
}

fn small() -> MemoryStore {
    let mut org = DirectoryDoc::default();
    org.users
        .push(User::new("u1", "One").with_role("omnichannel-agent"));
    MemoryStore::new(Directory::builtin_with(org).unwrap())
}

#[test]
fn unknown_ids_are_errors_and_foreign_handles_answer_nothing() {
    let snapshot = Snapshot::compile(&small()).unwrap();
    let err = snapshot
        .has_privilege(uid("u2"), key("bot:read"))
        .unwrap_err();
    assert_eq!(err.to_string(), r#"unknown user "u2""#);
    let err = snapshot
        .privilege_level(uid("u1"), key("bot:fly"))
        .unwrap_err();
    assert_eq!(err.to_string(), r#"unknown privilege "bot:fly""#);
    let err = snapshot.resolve_profile(uid("u2")).unwrap_err();
    assert!(matches!(err, Error::UnknownUser { .. }));

    // A handle from a bigger snapshot.
    let big = Snapshot::compile(&Workload::new(10).store().unwrap()).unwrap();
    let foreign = big.users().last().unwrap();
    let read = snapshot.privilege_ix(key("app_profile:read")).unwrap();
    assert!(!snapshot.has_privilege_ix(foreign, read));
    assert_eq!(
        snapshot.privilege_level_ix(foreign, read),
        AccessLevel::None
    );
    assert_eq!(snapshot.user_id(foreign), None);
    let err = snapshot.resolve_ix(foreign).unwrap_err();
    assert_eq!(err.to_string(), "no user with index 9 in this snapshot");
    assert!(snapshot.resolve_users(&[foreign]).is_err());

    // A handle kept across a recompile of the same store: same index, and
    // still refused.
    let again = Snapshot::compile(&small()).unwrap();
    let stale_user = snapshot.user_ix(uid("u1")).unwrap();
    let stale_read = snapshot.privilege_ix(key("app_profile:read")).unwrap();
    assert_eq!(
        again.user_ix(uid("u1")).unwrap().index(),
        stale_user.index()
    );
    assert!(snapshot.has_privilege_ix(stale_user, stale_read));
    assert!(!again.has_privilege_ix(stale_user, stale_read));
    let fresh = (
        again.user_ix(uid("u1")).unwrap(),
        again.privilege_ix(key("app_profile:read")).unwrap(),
    );
    let mut answers = Vec::new();
    again.has_privileges_ix(
        &[(stale_user, stale_read), fresh, (fresh.0, stale_read)],
        &mut answers,
    );
    assert_eq!(answers, [false, true, false]);
    let err = again
        .has_privileges(
            &[("u1", "app_profile:read"), ("u1", "no-colon")],
            &mut answers,
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidPrivilege { .. }), "{err}");
    let err = again
        .has_privileges(&[("nobody", "app_profile:nothing")], &mut answers)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        again
            .has_privilege("nobody", "app_profile:nothing")
            .unwrap_err()
            .to_string()
    );
    assert_eq!(
        again.privilege_level_ix(stale_user, stale_read),
        AccessLevel::None
    );
    assert_eq!(again.user_id(stale_user), None);
    assert_eq!(again.privilege_key(stale_read), None);
    let resolved = snapshot.resolve_ix(stale_user).unwrap();
    assert!(matches!(
        again.resolve_ix(stale_user),
        Err(Error::UnknownHandle { .. })
    ));
    assert_eq!(
        again.resolution(&resolved).unwrap_err().to_string(),
        "no profile with index 0 in this snapshot"
    );
}

#[test]
fn profiles_mapping_roles_nobody_holds_compile_and_resolve_as_the_store() {
    let mut org = DirectoryDoc::default();
    org.profiles.push(
        Profile::new("p", "P")
            .with_rank(1)
            .with_role("omnichannel-supervisor")
            .with_role("omnichannel-agent"),
    );
    org.users
        .push(User::new("u1", "One").with_role("omnichannel-agent"));
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    let snapshot = Snapshot::compile(&store).unwrap();
    // Kept by id, unread, so a what-if question can hand it to a user.
    assert!(snapshot.role_ix("omnichannel-supervisor").is_some());
    assert!(snapshot.role_ix("system-administrator").is_none());
    assert_eq!(
        snapshot.resolve_profile(uid("u1")).unwrap(),
        resolve_profile(&store, uid("u1")).unwrap()
    );
}

#[test]
fn without_a_fallback_profile_resolution_is_an_error_and_privileges_still_answer() {
    let mut doc = DirectoryDoc::builtin();
    doc.profiles.clear();
    doc.fallback_profile = None;
    doc.users
        .push(User::new("u1", "One").with_role("omnichannel-agent"));
    let store = MemoryStore::new(Directory::try_from(doc).unwrap());
    let snapshot = Snapshot::compile(&store).unwrap();
    assert!(matches!(
        snapshot.resolve_all(),
        Err(Error::NoFallbackProfile)
    ));
    assert!(
        snapshot
            .has_privilege(uid("u1"), key("app_profile:read"))
            .unwrap()
    );
}

#[test]
fn resolve_users_keeps_the_order_given_and_reasons_name_roles() {
    let mut org = DirectoryDoc::default();
    org.profiles.push(
        Profile::new("ranked", "Ranked")
            .with_rank(3)
            .with_role("omnichannel-supervisor")
            .with_role("omnichannel-agent"),
    );
    org.profiles
        .push(Profile::new("mine", "Mine").with_user("b"));
    org.users.push(
        User::new("a", "A")
            .with_role("omnichannel-supervisor")
            .with_role("omnichannel-agent"),
    );
    org.users
        .push(User::new("b", "B").with_role("omnichannel-agent"));
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    let snapshot = Snapshot::compile(&store).unwrap();
    let (a, b) = (
        snapshot.user_ix(uid("a")).unwrap(),
        snapshot.user_ix(uid("b")).unwrap(),
    );
    let got = snapshot.resolve_users(&[b, a]).unwrap();
    assert_eq!(got[0].user, b);
    assert_eq!(got[0].reason, ResolvedReason::Direct);
    // The smallest id among the held mapped roles.
    assert_eq!(
        snapshot.resolution(&got[1]).unwrap().reason,
        Reason::RoleRank {
            role: "omnichannel-agent".into(),
            rank: 3
        }
    );
    assert_eq!(
        snapshot.resolution(&got[1]).unwrap().to_string(),
        "ranked (role omnichannel-agent, rank 3)"
    );
}

#[test]
fn the_workload_is_deterministic_and_has_the_benchmark_shape() {
    let w = Workload::new(2_000);
    assert_eq!(w.doc(), Workload::new(2_000).doc());
    let snapshot = Snapshot::compile(&w.store().unwrap()).unwrap();
    // 500 custom privileges beside the 108 built-in ones.
    assert_eq!(snapshot.privilege_count(), 608);
    let all = snapshot.resolve_all().unwrap();
    let ranked = all
        .iter()
        .filter(|r| matches!(r.reason, ResolvedReason::RoleRank { .. }))
        .count();
    assert!(ranked > 1_500, "{ranked}");
    assert!(snapshot.heap_bytes() > 0);
}

proptest! {
    // Each case compiles 520 roles more: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn a_snapshot_past_512_roles_answers_as_its_store(
        doc in strategies::org(Conflicts::Included),
    ) {
        // No per-user role rows past 512 roles: every answer the same,
        // reverse queries and diffs included.
        let padded = Directory::builtin_with(common::past_dense_roles(doc.clone())).unwrap();
        let store = MemoryStore::new(padded);
        assert_same_answers(&store)?;
        let snapshot = Snapshot::compile(&store).unwrap();
        prop_assert!(snapshot.role_ix("zz-pad-519").is_some());
        let mut users = store.user_ids().unwrap();
        users.sort();
        for privilege in store.privilege_keys().unwrap() {
            for level in [AccessLevel::User, AccessLevel::BusinessUnit, AccessLevel::Organization] {
                let found: Vec<&str> = snapshot
                    .users_with(&privilege, level)
                    .unwrap()
                    .map(|u| snapshot.user_id(u).unwrap())
                    .collect();
                let expected: Vec<&str> = users
                    .iter()
                    .filter(|u| has_privilege_at(&store, *u, &privilege, level).unwrap())
                    .map(|u| u.as_str())
                    .collect();
                prop_assert_eq!(found, expected);
            }
        }
        // Dense before, sparse after: roles nobody holds change nothing.
        let dense = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(doc).unwrap())).unwrap();
        prop_assert!(dense.role_ix("zz-pad-519").is_none());
        prop_assert_eq!(dense.diff(&snapshot).unwrap(), Vec::new());
        prop_assert_eq!(snapshot.diff(&dense).unwrap(), Vec::new());
        prop_assert!(snapshot.diff(&Snapshot::compile(&store).unwrap()).unwrap().is_empty());
    }
}
