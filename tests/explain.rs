//! `Snapshot::explain_privilege`: the store path's routes, from memory, and
//! every route a real way of holding the privilege.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{HostStore, key, small_workload, uid};
use proptest::prelude::*;
use rbac_profiles::testkit::seed004;
use rbac_profiles::testkit::strategies::{Conflicts, org};
use rbac_profiles::{
    AccessLevel, Directory, Error, Holding, MemoryStore, Privilege, PrivilegeDef, Role, RoleId,
    Route, Snapshot, Store, Team, User, UserId, explain_privilege,
};

/// Every user × every privilege of `store`, and unknown ids: the snapshot
/// gives the store path's routes and errors.
#[track_caller]
fn assert_same_routes<S: Store>(store: &S) -> Result<(), TestCaseError> {
    let snapshot = Snapshot::compile(store).unwrap();
    let mut users = store.user_ids().unwrap();
    users.sort();
    let keys = store.privilege_keys().unwrap();
    for user in &users {
        for privilege in &keys {
            prop_assert_eq!(
                snapshot.explain_privilege(user, privilege).unwrap(),
                explain_privilege(store, user, privilege).unwrap(),
                "{} {}",
                user,
                privilege
            );
        }
    }
    let ghost_user = uid("ghost user, in no store");
    let ghost_key = key("ghost_entity:ghost_action");
    prop_assume!(!users.contains(&ghost_user) && !keys.contains(&ghost_key));
    let some_user = users.first().cloned().unwrap_or_else(|| ghost_user.clone());
    let some_key = keys.first().cloned().unwrap_or_else(|| ghost_key.clone());
    for (user, privilege) in [
        (&ghost_user, &some_key),
        (&some_user, &ghost_key),
        (&ghost_user, &ghost_key),
    ] {
        let expected = explain_privilege(store, user, privilege).unwrap_err();
        let got = snapshot.explain_privilege(user, privilege).unwrap_err();
        let unknown = matches!(
            got,
            Error::UnknownUser { .. } | Error::UnknownPrivilege { .. }
        );
        prop_assert!(unknown, "{:?}", got);
        prop_assert_eq!(got.to_string(), expected.to_string());
    }
    Ok(())
}

/// The order `explain_privilege` documents: by granting role, each once.
fn order(route: &Route) -> &RoleId {
    &route.role
}

/// Every route of the snapshot is a way `user` holds `privilege` in
/// `directory`: a role they hold directly or through a team of theirs, a
/// chain of inclusions, a role granting the privilege at the route's
/// level. Routes exist exactly when the user has the privilege, the best
/// of their levels is the user's level, and they come sorted, each once.
#[track_caller]
fn assert_routes_are_real(
    snapshot: &Snapshot,
    directory: &Directory,
    user: &User,
    privilege: &Privilege,
) -> Result<(), TestCaseError> {
    let routes = snapshot.explain_privilege(&user.id, privilege).unwrap();
    let level = snapshot.privilege_level(&user.id, privilege).unwrap();
    prop_assert_eq!(
        !routes.is_empty(),
        snapshot.has_privilege(&user.id, privilege).unwrap()
    );
    let best = routes.iter().map(|r| r.level).max();
    prop_assert_eq!(best.unwrap_or(AccessLevel::None), level);
    for pair in routes.windows(2) {
        prop_assert!(order(&pair[0]) < order(&pair[1]), "{:?}", pair);
    }
    for route in &routes {
        let (first, last) = (route.chain.first(), route.chain.last());
        prop_assert!(first.is_some(), "{:?}", route);
        let first = first.unwrap();
        match &route.holding {
            Holding::Direct => prop_assert!(user.holds_directly(first), "{:?}", route),
            Holding::Team(team) => {
                let t = directory.team(team.as_str()).unwrap();
                prop_assert!(user.teams.contains(team), "{:?}", route);
                prop_assert!(t.members.contains(&user.id), "{:?}", route);
                prop_assert!(t.roles.contains(first), "{:?}", route);
            }
            other => prop_assert!(false, "unexpected holding {:?}", other),
        }
        for step in route.chain.to_vec().windows(2) {
            let role = directory.role(step[0].as_str()).unwrap();
            prop_assert!(role.includes.contains(&step[1]), "{:?}", route);
        }
        prop_assert_eq!(last, Some(&route.role));
        let granting = directory.role(route.role.as_str()).unwrap();
        prop_assert!(route.level.is_granted());
        // System Administrator holds every privilege at organization level.
        let own = if route.role.as_str() == "system-administrator" {
            Some(&AccessLevel::Organization)
        } else {
            granting.grants.get(privilege)
        };
        prop_assert_eq!(own, Some(&route.level));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_snapshot_explains_as_its_store(workload in small_workload()) {
        assert_same_routes(&workload.store().unwrap())?;
    }

    #[test]
    fn a_snapshot_explains_as_its_store_on_the_testkit_organisations(
        doc in org(Conflicts::Included),
    ) {
        assert_same_routes(&MemoryStore::new(Directory::builtin_with(doc).unwrap()))?;
    }

    #[test]
    fn routes_are_real_ways_of_holding_the_privilege(doc in org(Conflicts::Included)) {
        let store = MemoryStore::new(Directory::builtin_with(doc).unwrap());
        let snapshot = Snapshot::compile(&store).unwrap();
        let directory = store.directory();
        for user in directory.users() {
            for def in directory.privileges() {
                assert_routes_are_real(&snapshot, directory, user, &def.key)?;
            }
        }
    }
}

/// The routes as `<holding> <chain> (<level>)` lines.
fn lines(routes: &[Route]) -> Vec<String> {
    routes
        .iter()
        .map(|r| {
            let holding = match &r.holding {
                Holding::Direct => "direct".to_owned(),
                Holding::Team(team) => format!("team {team}"),
                other => format!("{other:?}"),
            };
            let chain: Vec<&str> = r.chain.iter().map(RoleId::as_str).collect();
            let others = match r.other_paths {
                0 => String::new(),
                n => format!(" +{n}"),
            };
            format!("{holding} {} ({}){others}", chain.join(" > "), r.level)
        })
        .collect()
}

#[test]
fn the_seed_organisation_explained() {
    let store = MemoryStore::new(Directory::builtin_with(seed004::org()).unwrap());
    let snapshot = Snapshot::compile(&store).unwrap();
    let explain = |user: &str, k: &str| {
        let routes = snapshot.explain_privilege(uid(user), key(k)).unwrap();
        assert_eq!(
            routes,
            explain_privilege(&store, uid(user), key(k)).unwrap()
        );
        lines(&routes)
    };
    // A supervisor only through the team.
    assert_eq!(
        explain("tess-team", "app_profile:read"),
        ["team night-supervisors omnichannel-supervisor > app-profile-user (organization)"]
    );
    // Two held roles include the granting role: its route is through the
    // smaller id, and the other way is counted.
    assert_eq!(
        explain("john-doe", "app_profile:read"),
        ["direct omnichannel-agent > app-profile-user (organization) +1"]
    );
    // System Administrator holds every privilege.
    assert_eq!(
        explain("avery-admin", "app_profile:write"),
        [
            "direct omnichannel-administrator > app-profile-manager-administrator (organization)",
            "direct system-administrator (organization)",
        ]
    );
    assert_eq!(
        explain("avery-admin", "queue_agent:create"),
        [
            "direct omnichannel-administrator (organization)",
            "direct system-administrator (organization)",
        ]
    );
    assert!(explain("nora-none", "app_profile:read").is_empty());

    let err = snapshot
        .explain_privilege(uid("nobody"), key("app_profile:read"))
        .unwrap_err();
    assert_eq!(err.to_string(), r#"unknown user "nobody""#);
    let err = snapshot
        .explain_privilege(uid("tess-team"), key("app_profile:fly"))
        .unwrap_err();
    assert_eq!(err.to_string(), r#"unknown privilege "app_profile:fly""#);
}

/// A host store listing a user's role, a user's team and a team's role
/// twice, with an inclusion cycle and a role reached several ways: the
/// snapshot gives the store path's routes, each granting role once.
#[test]
fn an_untidy_host_store_is_explained_as_the_store_does() {
    let mut store = HostStore::default();
    let read = key("bot:read");
    store
        .privileges
        .insert(read.clone(), PrivilegeDef::new(read.clone(), ""));
    for role in [
        Role::new("a", "").with_grant(read.clone(), AccessLevel::User),
        Role::new("b", "")
            .with_include("a")
            .with_include("a")
            .with_include("c"),
        Role::new("c", "")
            .with_include("b")
            .with_include("a")
            .with_grant(read.clone(), AccessLevel::Organization),
        Role::new("d", "").with_include("c").with_include("b"),
    ] {
        store.roles.insert(role.id.clone(), role);
    }
    let mut team = Team::new("t", "").with_role("d").with_role("d");
    team.members.push(uid("u1"));
    store.teams.insert(team.id.clone(), team);
    let mut u1 = User::new("u1", "").with_role("a").with_role("a");
    u1.teams = vec!["t".into(), "t".into()];
    store.users.insert(u1.id.clone(), u1);

    let snapshot = Snapshot::compile(&store).unwrap();
    let routes = snapshot.explain_privilege(uid("u1"), &read).unwrap();
    assert_eq!(routes, explain_privilege(&store, uid("u1"), &read).unwrap());
    // a is held directly (the route shown) and reached from d through b
    // and through c (d > b > a, d > c > a; the cycle b > c > b counts
    // each path into it once): a route each for a and c.
    assert_eq!(
        lines(&routes),
        ["direct a (user) +3", "team t d > c (organization) +1"]
    );
}

#[test]
fn a_user_with_no_roles_has_no_routes() {
    let mut store = HostStore::default();
    let read = key("bot:read");
    store
        .privileges
        .insert(read.clone(), PrivilegeDef::new(read.clone(), ""));
    store.users.insert(uid("u"), User::new("u", ""));
    let snapshot = Snapshot::compile(&store).unwrap();
    assert_eq!(
        snapshot
            .explain_privilege(UserId::from("u"), &read)
            .unwrap(),
        []
    );
}

/// A user in `n` teams, each holding the head of an `n`-role inclusion
/// chain where every role grants `ticket:read`: n² paths.
fn teams_over_a_chain(n: usize) -> MemoryStore {
    let read: Privilege = "ticket:read".parse().unwrap();
    let mut doc = rbac_profiles::DirectoryDoc::default();
    doc.privileges.push(PrivilegeDef::new(read.clone(), ""));
    for r in 0..n {
        let mut role =
            Role::new(format!("r{r:05}"), "").with_grant(read.clone(), AccessLevel::Organization);
        if r + 1 < n {
            role.includes.push(format!("r{:05}", r + 1).into());
        }
        doc.roles.push(role);
    }
    let mut user = User::new("ana", "Ana");
    for t in 0..n {
        let team = Team::new(format!("t{t:05}"), "")
            .with_role("r00000")
            .with_member("ana");
        user = user.with_team(team.id.clone());
        doc.teams.push(team);
    }
    doc.users.push(user);
    MemoryStore::new(Directory::try_from(doc).unwrap())
}

/// Issue 18: an explanation names each granting role once, with one
/// shortest chain and how it is held, and counts the other paths; its size
/// is the granting roles (here n), never the paths (n²), on every path and
/// for every explanation.
#[test]
fn n_teams_over_an_n_chain_give_one_route_per_granting_role() {
    for n in [32, 64] {
        let store = teams_over_a_chain(n);
        let routes = explain_privilege(&store, "ana", "ticket:read").unwrap();
        assert_eq!(routes.len(), n);
        for (i, route) in routes.iter().enumerate() {
            assert_eq!(route.role.as_str(), format!("r{i:05}"));
            assert_eq!(route.chain.len(), i + 1);
            assert_eq!(route.holding, Holding::Team("t00000".into()));
            assert_eq!(route.other_paths, n as u64 - 1);
        }
        let snapshot = Snapshot::compile(&store).unwrap();
        assert_eq!(
            snapshot.explain_privilege("ana", "ticket:read").unwrap(),
            routes
        );
        let record = rbac_profiles::Record::owned_by_user("ana");
        let access = rbac_profiles::explain_access(&store, "ana", "ticket:read", &record).unwrap();
        assert_eq!(access.len(), n);
        assert_eq!(
            snapshot
                .explain_access("ana", "ticket:read", &record)
                .unwrap(),
            access
        );
        let column = rbac_profiles::explain_column_access(&store, "ana", "ticket.subject").unwrap();
        assert_eq!(column.len(), n);
    }
}
