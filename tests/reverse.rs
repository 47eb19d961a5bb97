//! The snapshot's questions about the whole organisation (`users_with`,
//! `users_of`, `profile_counts`) agree with the answers user by user.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;

use common::{key, small_workload, uid};
use proptest::prelude::*;
use rbac_profiles::testkit::seed004;
use rbac_profiles::testkit::strategies::{Conflicts, org};
use rbac_profiles::{
    AccessLevel, Directory, DirectoryDoc, Error, MemoryStore, Profile, ProfileCounts, ProfileId,
    Reason, ReasonCounts, Resolution, Snapshot, Store, User, UserId, administer_all,
    has_privilege_at, resolve_profile,
};

/// `[direct, role_rank, default, out_of_box]`.
fn parts(counts: &ReasonCounts) -> [usize; 4] {
    [
        counts.direct,
        counts.role_rank,
        counts.default,
        counts.out_of_box,
    ]
}

fn slot(reason: &Reason) -> usize {
    match reason {
        Reason::Direct => 0,
        Reason::RoleRank { .. } => 1,
        Reason::Default => 2,
        Reason::OutOfBox => 3,
        other => panic!("unexpected reason {other:?}"),
    }
}

/// The user ids behind `users`' handles.
fn ids(snapshot: &Snapshot, users: impl Iterator<Item = rbac_profiles::UserIx>) -> Vec<UserId> {
    users
        .map(|u| UserId::from(snapshot.user_id(u).unwrap()))
        .collect()
}

/// Every privilege × every level, every profile, and the counts: the
/// reverse answers are the forward ones, collected.
#[track_caller]
fn assert_reverse_agrees<S: Store>(store: &S) -> Result<(), TestCaseError> {
    let snapshot = Snapshot::compile(store).unwrap();
    let mut users = store.user_ids().unwrap();
    users.sort();

    for privilege in store.privilege_keys().unwrap() {
        for level in AccessLevel::ALL {
            let expected: Vec<UserId> = users
                .iter()
                .filter(|u| snapshot.has_privilege_at(u, &privilege, level).unwrap())
                .cloned()
                .collect();
            let got = ids(&snapshot, snapshot.users_with(&privilege, level).unwrap());
            prop_assert_eq!(got, expected, "{} {}", privilege, level);
        }
    }

    // The store path's resolutions; a user it can't resolve has none.
    let resolutions: Vec<(UserId, Option<Resolution>)> = users
        .iter()
        .map(|u| (u.clone(), resolve_profile(store, u).ok()))
        .collect();
    let mut profiles: Vec<ProfileId> = store
        .profiles()
        .unwrap()
        .iter()
        .map(|p| p.id.clone())
        .chain(store.fallback_profile().unwrap())
        .collect();
    profiles.sort();
    profiles.dedup();
    for profile in &profiles {
        let expected: Vec<(UserId, Resolution)> = resolutions
            .iter()
            .filter_map(|(u, r)| Some((u.clone(), r.clone()?)))
            .filter(|(_, r)| &r.profile == profile)
            .collect();
        let got: Vec<(UserId, Resolution)> = snapshot
            .users_of(profile)
            .unwrap()
            .map(|r| {
                let user = UserId::from(snapshot.user_id(r.user).unwrap());
                (user, snapshot.resolution(&r).unwrap())
            })
            .collect();
        prop_assert_eq!(got, expected, "{}", profile);
    }
    let ghost = ProfileId::from("ghost profile, in no store");
    prop_assume!(!profiles.contains(&ghost));
    let err = snapshot.users_of(&ghost).err().unwrap();
    prop_assert!(matches!(err, Error::UnknownProfile { .. }), "{:?}", err);

    match snapshot.profile_counts() {
        Ok(counts) => {
            prop_assert!(resolutions.iter().all(|(_, r)| r.is_some()));
            let mut expected: BTreeMap<ProfileId, [usize; 4]> =
                profiles.iter().map(|p| (p.clone(), [0; 4])).collect();
            let mut total = [0; 4];
            for (_, r) in &resolutions {
                let r = r.as_ref().unwrap();
                expected.get_mut(&r.profile).unwrap()[slot(&r.reason)] += 1;
                total[slot(&r.reason)] += 1;
            }
            let got: BTreeMap<ProfileId, [usize; 4]> = counts
                .by_profile
                .iter()
                .map(|c| (c.profile.clone(), parts(&c.reasons)))
                .collect();
            let order: Vec<&ProfileId> = counts.by_profile.iter().map(|c| &c.profile).collect();
            prop_assert_eq!(order, profiles.iter().collect::<Vec<_>>());
            prop_assert_eq!(got, expected);
            prop_assert_eq!(parts(&counts.by_reason), total);
            prop_assert_eq!(counts.by_reason.total(), users.len());
        }
        Err(err) => {
            prop_assert!(matches!(err, Error::NoFallbackProfile), "{:?}", err);
            prop_assert!(resolutions.iter().any(|(_, r)| r.is_none()));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn reverse_queries_agree_with_forward_answers(workload in small_workload()) {
        assert_reverse_agrees(&workload.store().unwrap())?;
    }

    #[test]
    fn reverse_queries_agree_with_forward_answers_on_the_testkit_organisations(
        doc in org(Conflicts::Included),
    ) {
        // Levels at every grade, teams, imported ties.
        assert_reverse_agrees(&MemoryStore::new(Directory::builtin_with(doc).unwrap()))?;
    }
}

/// Seed 004 once its profiles are configured.
fn seed() -> MemoryStore {
    let mut store = MemoryStore::new(Directory::builtin_with(seed004::org()).unwrap());
    administer_all(&mut store, seed004::ADMIN, &seed004::operations()).unwrap();
    store
}

#[test]
fn the_seed_organisation_counted() {
    let store = seed();
    let snapshot = Snapshot::compile(&store).unwrap();
    let counts = snapshot.profile_counts().unwrap();
    let table: Vec<(&str, [usize; 4])> = counts
        .by_profile
        .iter()
        .map(|c| (c.profile.as_str(), parts(&c.reasons)))
        .collect();
    // [direct, role rank, default, out of box]
    assert_eq!(
        table,
        [
            ("contoso-agent", [0, 0, 3, 0]),
            ("contoso-supervisor", [0, 2, 0, 0]),
            ("datum-agent", [1, 1, 0, 0]),
            ("datum-supervisor", [2, 0, 0, 0]),
            ("default-agent-experience-profile", [0, 0, 0, 0]),
        ]
    );
    assert_eq!(parts(&counts.by_reason), [3, 3, 3, 0]);
    assert_eq!(counts.by_reason.total(), 9);

    let of = |profile: &str| -> Vec<String> {
        snapshot
            .users_of(profile)
            .unwrap()
            .map(|r| {
                let user = snapshot.user_id(r.user).unwrap();
                format!("{user}: {}", snapshot.resolution(&r).unwrap().reason)
            })
            .collect()
    };
    assert_eq!(
        of("contoso-agent"),
        [
            "avery-admin: default profile",
            "nora-none: default profile",
            "tess-team: default profile",
        ]
    );
    assert_eq!(
        of("datum-agent"),
        [
            "alex-agent: role omnichannel-agent, rank 2",
            "kendall-collins: assigned directly",
        ]
    );
    assert!(of("default-agent-experience-profile").is_empty());
    let err = snapshot.users_of("datum-manager").err().unwrap();
    assert_eq!(err.to_string(), r#"unknown profile "datum-manager""#);
}

#[test]
fn who_holds_a_privilege_in_the_seed_organisation() {
    let store = seed();
    let snapshot = Snapshot::compile(&store).unwrap();
    let with = |k: &str, level| -> Vec<UserId> {
        let found = ids(&snapshot, snapshot.users_with(&key(k), level).unwrap());
        let mut users = store.user_ids().unwrap();
        users.sort();
        users.retain(|u| has_privilege_at(&store, u, key(k), level).unwrap());
        assert_eq!(found, users, "{k} {level}");
        found
    };
    // Everyone holding an agent or supervisor role, directly or through
    // the team, and the administrator through App profile manager
    // administrator.
    assert_eq!(
        with("app_profile:read", AccessLevel::None),
        [
            uid("alex-agent"),
            uid("avery-admin"),
            uid("gabriel-diaz"),
            uid("john-doe"),
            uid("kendall-collins"),
            uid("sam-supervisor"),
            uid("tess-team"),
        ]
    );
    assert_eq!(
        with("app_profile:write", AccessLevel::Organization),
        [uid("avery-admin")]
    );
    let err = snapshot
        .users_with(&key("app_profile:fly"), AccessLevel::User)
        .err()
        .unwrap();
    assert_eq!(err.to_string(), r#"unknown privilege "app_profile:fly""#);
}

/// A privilege granted at one level only: asking above it finds nobody,
/// asking at or below it (or for `None`) finds its holder.
#[test]
fn levels_are_at_least() {
    use rbac_profiles::{PrivilegeDef, Role};
    let report = key("shift_report:read");
    let store = common::store_with(DirectoryDoc {
        privileges: vec![PrivilegeDef::new(report.clone(), "")],
        roles: vec![
            Role::new("unit", "").with_grant(report.clone(), AccessLevel::BusinessUnit),
            Role::new("off", "").with_grant(report.clone(), AccessLevel::None),
        ],
        users: vec![
            User::new("a", "").with_role("unit"),
            User::new("b", "").with_role("off"),
        ],
        ..DirectoryDoc::default()
    });
    let snapshot = Snapshot::compile(&store).unwrap();
    let with = |level| ids(&snapshot, snapshot.users_with(&report, level).unwrap());
    for level in [
        AccessLevel::None,
        AccessLevel::User,
        AccessLevel::BusinessUnit,
    ] {
        assert_eq!(with(level), [uid("a")], "{level}");
    }
    for level in [
        AccessLevel::ParentChildBusinessUnit,
        AccessLevel::Organization,
    ] {
        assert!(with(level).is_empty(), "{level}");
    }
}

#[test]
fn without_a_fallback_unresolved_users_hold_no_profile_and_counting_fails() {
    let mut doc = DirectoryDoc::builtin();
    doc.profiles.clear();
    doc.fallback_profile = None;
    doc.profiles
        .push(Profile::new("mine", "Mine").with_user("u1"));
    doc.users.push(User::new("u1", "One"));
    doc.users.push(User::new("u2", "Two"));
    // A directory refuses custom profiles without a fallback; a host's
    // store may hold them.
    let store = common::HostStore::unchecked(doc);
    assert_eq!(store.fallback, None);
    let snapshot = Snapshot::compile(&store).unwrap();
    assert!(resolve_profile(&store, uid("u2")).is_err());
    let mine = ids(
        &snapshot,
        snapshot.users_of("mine").unwrap().map(|r| r.user),
    );
    assert_eq!(mine, [uid("u1")]);
    assert!(matches!(
        snapshot.profile_counts(),
        Err(Error::NoFallbackProfile)
    ));
}

#[test]
fn counts_serialise() {
    let snapshot = Snapshot::compile(&seed()).unwrap();
    let counts = snapshot.profile_counts().unwrap();
    let json = serde_json::to_value(&counts).unwrap();
    assert_eq!(json["by_reason"]["role_rank"], 3);
    assert_eq!(json["by_profile"][2]["profile"], "datum-agent");
    assert_eq!(json["by_profile"][2]["reasons"]["direct"], 1);
    let back: ProfileCounts = serde_json::from_value(json).unwrap();
    assert_eq!(back, counts);
}
