//! Laws of profile resolution and administration, checked on generated
//! organisations: answers match a naive reference resolver and don't depend
//! on list order; a direct assignment always wins; removing the default
//! moves only the users it reached, to the out-of-box profile; team roles
//! never change a resolution; a better free rank never takes a user away;
//! every reason is true of the state; and administration keeps every rule,
//! never creates a conflict, and changes nothing when it fails.

// Tests opt out of the crate's no-panic lints: a failed unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use rbac_profiles::testkit::strategies::{
    ADMIN, Conflicts, admin_op, admin_ops, org, role_id, shuffled,
};
use rbac_profiles::{
    AdminOp, Directory, DirectoryDoc, MemoryStore, Profile, ProfileId, Reason, Resolution, RoleId,
    User, UserId, administer, catalog, resolve_profile,
};

#[track_caller]
fn store(doc: &DirectoryDoc) -> MemoryStore {
    MemoryStore::new(Directory::builtin_with(doc.clone()).expect("generated org is valid"))
}

/// Every user's resolution, by user id.
fn resolutions(store: &MemoryStore) -> BTreeMap<UserId, Resolution> {
    store
        .directory()
        .users()
        .map(|u| (u.id.clone(), resolve_profile(store, &u.id).unwrap()))
        .collect()
}

/// The rules read straight from the design, over the document.
fn reference(doc: &DirectoryDoc, user: &User) -> Resolution {
    let mut profiles: Vec<&Profile> = doc.profiles.iter().filter(|p| p.is_custom()).collect();
    profiles.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(p) = profiles.iter().find(|p| p.users.contains(&user.id)) {
        return Resolution::new(p.id.clone(), Reason::Direct);
    }
    let mut ranked: Vec<(u32, &ProfileId, &RoleId)> = Vec::new();
    for p in &profiles {
        let mut held: Vec<&RoleId> = p.roles.iter().filter(|r| user.holds_directly(r)).collect();
        held.sort();
        if let (Some(rank), Some(role)) = (p.rank, held.first()) {
            ranked.push((rank, &p.id, role));
        }
    }
    ranked.sort();
    if let Some((rank, id, role)) = ranked.first() {
        let reason = Reason::RoleRank {
            role: (*role).clone(),
            rank: *rank,
        };
        return Resolution::new((*id).clone(), reason);
    }
    if let Some(p) = profiles.iter().find(|p| p.default) {
        return Resolution::new(p.id.clone(), Reason::Default);
    }
    Resolution::new(catalog::OUT_OF_BOX_PROFILE, Reason::OutOfBox)
}

/// The reason is true of the state.
fn check_reason(directory: &Directory, user: &User, r: &Resolution) -> Result<(), TestCaseError> {
    let profile = directory.profile(r.profile.as_str()).unwrap();
    match &r.reason {
        Reason::Direct => prop_assert!(profile.users.contains(&user.id)),
        Reason::RoleRank { role, rank } => {
            prop_assert_eq!(profile.rank, Some(*rank));
            let held = profile
                .roles
                .iter()
                .filter(|x| user.holds_directly(x))
                .min();
            prop_assert_eq!(held, Some(role));
        }
        Reason::Default => prop_assert!(profile.default),
        Reason::OutOfBox => prop_assert_eq!(
            Some(&profile.id),
            directory.fallback_profile().map(|p| &p.id)
        ),
        other => prop_assert!(false, "unexpected reason {other:?}"),
    }
    Ok(())
}

/// Every (ranked profile, its roles, a free rank better than its own).
fn free_better_ranks(directory: &Directory) -> Vec<(ProfileId, Vec<RoleId>, u32)> {
    let taken: Vec<u32> = directory.profiles().filter_map(|p| p.rank).collect();
    directory
        .profiles()
        .filter_map(|p| Some((p, p.rank?)))
        .flat_map(|(p, rank)| {
            (1..rank)
                .filter(|to| !taken.contains(to))
                .map(move |to| (p.id.clone(), p.roles.clone(), to))
        })
        .collect()
}

/// An organisation free of conflicts in which some ranked profile could
/// move to a better free rank. (A filter, not `prop_assume!`: many cases
/// have no such profile, and rejecting them one by one now and then
/// exhausted proptest's budget of global rejects.)
fn with_a_free_better_rank() -> impl Strategy<Value = DirectoryDoc> {
    org(Conflicts::Excluded).prop_filter("a ranked profile has a free better rank", |doc| {
        !free_better_ranks(&Directory::builtin_with(doc.clone()).unwrap()).is_empty()
    })
}

fn snapshot(store: &MemoryStore) -> String {
    serde_json::to_string(store.directory()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn resolution_matches_the_reference_and_its_reason_is_true(doc in org(Conflicts::Included)) {
        let store = store(&doc);
        let directory = store.directory();
        for user in directory.users() {
            let r = resolve_profile(&store, &user.id).unwrap();
            prop_assert_eq!(&r, &reference(&doc, user));
            check_reason(directory, user, &r)?;
        }
    }

    #[test]
    fn resolution_ignores_list_order(
        (doc, shuffled) in org(Conflicts::Included).prop_flat_map(|doc| (Just(doc.clone()), shuffled(doc)))
    ) {
        prop_assert_eq!(resolutions(&store(&doc)), resolutions(&store(&shuffled)));
    }

    #[test]
    fn a_direct_assignment_always_wins(doc in org(Conflicts::Included), pick_user in any::<Index>(), pick_profile in any::<Index>()) {
        let mut store = store(&doc);
        let free: Vec<UserId> = store
            .directory()
            .users()
            .filter(|u| !store.directory().profiles().any(|p| p.users.contains(&u.id)))
            .map(|u| u.id.clone())
            .collect();
        let custom: Vec<ProfileId> = store.directory().profiles().filter(|p| p.is_custom()).map(|p| p.id.clone()).collect();
        prop_assume!(!free.is_empty() && !custom.is_empty());
        let user = pick_user.get(&free).clone();
        let profile = pick_profile.get(&custom).clone();
        let op = AdminOp::AssignUsers { profile: profile.clone(), users: vec![user.clone()] };
        administer(&mut store, ADMIN, &op).unwrap();
        prop_assert_eq!(resolve_profile(&store, &user).unwrap(), Resolution::new(profile, Reason::Direct));
    }

    #[test]
    fn removing_the_default_moves_only_its_users_to_the_out_of_box_profile(doc in org(Conflicts::Included)) {
        let before = resolutions(&store(&doc));
        let mut without = doc.clone();
        for profile in &mut without.profiles {
            profile.default = false;
        }
        let after = resolutions(&store(&without));
        for (user, was) in &before {
            let now = &after[user];
            if was.reason == Reason::Default {
                prop_assert_eq!(now, &Resolution::new(catalog::OUT_OF_BOX_PROFILE, Reason::OutOfBox));
            } else {
                prop_assert_eq!(now, was);
            }
        }
    }

    #[test]
    fn team_roles_and_memberships_never_change_a_resolution(doc in org(Conflicts::Included), roles in vec(vec(0usize..6, 0..4), 0..4)) {
        let before = resolutions(&store(&doc));
        // Give every team other roles, and drop every membership.
        let mut changed = doc.clone();
        let nr = changed.roles.len();
        for (team, roles) in changed.teams.iter_mut().zip(&roles) {
            let mut ids: Vec<RoleId> = roles.iter().map(|r| role_id(r % nr)).collect();
            ids.sort();
            ids.dedup();
            team.roles = ids;
        }
        let regrouped = resolutions(&store(&changed));
        for team in &mut changed.teams {
            team.members.clear();
        }
        for user in &mut changed.users {
            user.teams.clear();
        }
        prop_assert_eq!(&before, &regrouped);
        prop_assert_eq!(&before, &resolutions(&store(&changed)));
    }

    #[test]
    fn a_better_free_rank_never_takes_a_user_away(doc in with_a_free_better_rank(), pick in any::<Index>()) {
        let mut store = store(&doc);
        let moves = free_better_ranks(store.directory());
        let (profile, roles, to) = pick.get(&moves).clone();
        let before = resolutions(&store);
        let op = AdminOp::SetRankAndRoles { profile: profile.clone(), rank: to, roles };
        administer(&mut store, ADMIN, &op).unwrap();
        let after = resolutions(&store);
        for (user, was) in &before {
            if was.profile == profile {
                prop_assert_eq!(&after[user].profile, &profile);
            }
        }
    }

    #[test]
    fn administration_keeps_the_rules_and_fails_cleanly(doc in org(Conflicts::Excluded), ops in admin_ops(1..12)) {
        let mut store = store(&doc);
        prop_assert!(store.directory().conflicts().is_empty());
        let admin = UserId::from(ADMIN);
        for op in &ops {
            let before = snapshot(&store);
            match administer(&mut store, &admin, op) {
                Ok(()) => {
                    // The state is one a directory loads, and has no conflict.
                    let reloaded: Directory = serde_json::from_str(&snapshot(&store)).unwrap();
                    prop_assert_eq!(&reloaded, store.directory());
                    prop_assert!(store.directory().conflicts().is_empty());
                }
                Err(err) => {
                    // Refused by the operation's own checks, never by the
                    // store re-checking the change set.
                    let storage = matches!(err, rbac_profiles::Error::Storage(_));
                    prop_assert!(!storage, "{}", err);
                    prop_assert_eq!(snapshot(&store), before);
                }
            }
            for user in store.directory().users() {
                match resolve_profile(&store, &user.id) {
                    Ok(r) => check_reason(store.directory(), user, &r)?,
                    // A deactivated user resolves to no profile, and only they.
                    Err(err) => {
                        let disabled = matches!(&err, rbac_profiles::Error::DisabledUser { user: u } if *u == user.id);
                        prop_assert!(user.disabled && disabled, "{}", err);
                    }
                }
            }
        }
    }

    #[test]
    fn an_actor_without_the_privilege_changes_nothing(doc in org(Conflicts::Excluded), op in admin_op(), pick in any::<Index>()) {
        let mut store = store(&doc);
        let users: Vec<UserId> = store.directory().users().map(|u| u.id.clone()).filter(|u| u.as_str() != ADMIN).collect();
        prop_assume!(!users.is_empty());
        let actor = pick.get(&users).clone();
        let before = snapshot(&store);
        let err = administer(&mut store, &actor, &op).unwrap_err();
        let denied = matches!(err, rbac_profiles::Error::AccessDenied { .. });
        prop_assert!(denied);
        prop_assert_eq!(snapshot(&store), before);
    }
}
