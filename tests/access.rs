//! `has_privilege`, `privilege_level` and `explain_privilege` through the
//! public API, over the memory store and over host stores.
// Tests opt out of the library's panic-free lints.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::error::Error as _;
use std::sync::Arc;

use common::{HostStore, key, store_with, uid};
use rbac_profiles::{
    AccessLevel, ColumnAccess, ColumnKey, ColumnProfile, Directory, DirectoryDoc, EntityRef, Error,
    Holding, MemoryStore, Privilege, PrivilegeDef, Profile, Role, RoleId, Snapshot, Store,
    StoreError, Team, TeamId, Template, TemplateId, User, UserId, column_access, explain_privilege,
    has_privilege, has_privilege_at, privilege_level,
};

/// Gabriel holds Omnichannel supervisor only through the team; John holds it
/// directly.
fn supervisors(gabriel_in_team: bool) -> MemoryStore {
    let mut team = Team::new("tier-2", "Tier 2").with_role("omnichannel-supervisor");
    let mut gabriel = User::new("gabriel", "Gabriel Diaz").with_role("basic-user");
    if gabriel_in_team {
        team.members.push("gabriel".into());
        gabriel.teams.push("tier-2".into());
    }
    store_with(DirectoryDoc {
        teams: vec![team],
        users: vec![
            gabriel,
            User::new("john", "John Doe").with_role("omnichannel-supervisor"),
        ],
        ..DirectoryDoc::default()
    })
}

#[test]
fn team_roles_grant_privileges_and_leaving_the_team_takes_them_away() {
    let transfer = key("conversation:transfer");
    let in_team = supervisors(true);
    assert!(has_privilege(&in_team, uid("gabriel"), &transfer).unwrap());
    assert!(has_privilege(&in_team, uid("gabriel"), key("app_profile:read")).unwrap());
    let routes = explain_privilege(&in_team, uid("gabriel"), &transfer).unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].holding, Holding::Team("tier-2".into()));

    let left = supervisors(false);
    assert!(!has_privilege(&left, uid("gabriel"), &transfer).unwrap());
    assert!(!has_privilege(&left, uid("gabriel"), key("app_profile:read")).unwrap());
    assert!(
        explain_privilege(&left, uid("gabriel"), &transfer)
            .unwrap()
            .is_empty()
    );
    assert!(has_privilege(&left, uid("john"), &transfer).unwrap());
}

#[test]
fn unknown_users_and_privileges_are_errors_not_denials() {
    let store = supervisors(true);
    let err = has_privilege(&store, uid("gabriel-typo"), key("conversation:transfer")).unwrap_err();
    assert!(matches!(&err, Error::UnknownUser { user } if user.as_str() == "gabriel-typo"));
    assert_eq!(err.to_string(), r#"unknown user "gabriel-typo""#);

    let err = privilege_level(&store, uid("gabriel"), key("conversation:teleport")).unwrap_err();
    assert!(
        matches!(&err, Error::UnknownPrivilege { privilege } if privilege.as_str() == "conversation:teleport")
    );
    assert_eq!(
        err.to_string(),
        r#"unknown privilege "conversation:teleport""#
    );
    let err = explain_privilege(&store, uid("gabriel"), key("conversation:teleport")).unwrap_err();
    assert!(matches!(err, Error::UnknownPrivilege { .. }));
    let err = explain_privilege(&store, uid("nobody"), key("conversation:transfer")).unwrap_err();
    assert!(matches!(err, Error::UnknownUser { .. }));
}

/// What a host has — text — answers exactly as the typed forms, on the
/// store path and on the snapshot, with the same typed errors in the same
/// order: an invalid key, then an unknown user, then an unknown privilege.
#[test]
fn text_arguments_answer_as_typed_ones_with_the_same_errors() {
    let store = supervisors(true);
    let snapshot = Snapshot::compile(&store).unwrap();
    let typed = (UserId::from("gabriel"), key("conversation:transfer"));
    assert!(has_privilege(&store, "gabriel", "conversation:transfer").unwrap());
    assert!(has_privilege(&store, &typed.0, &typed.1).unwrap());
    assert!(has_privilege(&store, String::from("gabriel"), typed.1.as_str().to_owned()).unwrap());
    assert!(
        snapshot
            .has_privilege("gabriel", "conversation:transfer")
            .unwrap()
    );
    assert_eq!(
        explain_privilege(&store, "gabriel", "conversation:transfer").unwrap(),
        snapshot.explain_privilege(&typed.0, &typed.1).unwrap()
    );

    let cases: [(&str, &str, &str); 4] = [
        ("gabriel", "Conversation:transfer", "InvalidPrivilege"),
        ("nobody", "conversation transfer", "InvalidPrivilege"),
        ("nobody", "conversation:teleport", "UnknownUser"),
        ("gabriel", "conversation:teleport", "UnknownPrivilege"),
    ];
    for (user, privilege, variant) in cases {
        let answers = [
            has_privilege(&store, user, privilege).unwrap_err(),
            privilege_level(&store, user, privilege).unwrap_err(),
            explain_privilege(&store, user, privilege).unwrap_err(),
            snapshot.has_privilege(user, privilege).unwrap_err(),
            snapshot.privilege_level(user, privilege).unwrap_err(),
            snapshot.explain_privilege(user, privilege).unwrap_err(),
        ];
        let first = answers[0].to_string();
        for err in &answers {
            assert!(
                format!("{err:?}").starts_with(variant),
                "{user} {privilege}: {err:?}"
            );
            assert_eq!(err.to_string(), first);
        }
    }
    let err = has_privilege(&store, "gabriel", "Conversation:transfer").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid privilege key "Conversation:transfer": character 'C' is not allowed (use a-z, 0-9 and _)"#
    );
}

/// One custom privilege granted at different levels by different roles.
fn levels() -> MemoryStore {
    let report = key("shift_report:read");
    store_with(DirectoryDoc {
        privileges: vec![PrivilegeDef::new(report.clone(), "")],
        roles: vec![
            Role::new("own", "").with_grant(report.clone(), AccessLevel::User),
            Role::new("unit", "").with_grant(report.clone(), AccessLevel::BusinessUnit),
            Role::new("off", "").with_grant(report, AccessLevel::None),
            Role::new("lead", "").with_include("unit"),
        ],
        users: vec![
            User::new("a", "").with_role("own"),
            User::new("b", "").with_role("own").with_role("lead"),
            User::new("c", "").with_role("off"),
        ],
        ..DirectoryDoc::default()
    })
}

#[test]
fn the_highest_level_wins_and_none_is_not_a_grant() {
    let store = levels();
    let report = key("shift_report:read");
    assert_eq!(
        privilege_level(&store, uid("a"), &report).unwrap(),
        AccessLevel::User
    );
    assert_eq!(
        privilege_level(&store, uid("b"), &report).unwrap(),
        AccessLevel::BusinessUnit
    );
    assert_eq!(
        privilege_level(&store, uid("c"), &report).unwrap(),
        AccessLevel::None
    );
    assert!(!has_privilege(&store, uid("c"), &report).unwrap());
    assert!(
        explain_privilege(&store, uid("c"), &report)
            .unwrap()
            .is_empty()
    );

    assert!(has_privilege_at(&store, uid("b"), &report, AccessLevel::BusinessUnit).unwrap());
    assert!(!has_privilege_at(&store, uid("b"), &report, AccessLevel::Organization).unwrap());
    assert!(!has_privilege_at(&store, uid("c"), &report, AccessLevel::None).unwrap());

    let routes = explain_privilege(&store, uid("b"), &report).unwrap();
    let summary: Vec<_> = routes
        .iter()
        .map(|r| (r.role.as_str(), r.level, r.chain.len()))
        .collect();
    assert_eq!(
        summary,
        [
            ("own", AccessLevel::User, 1),
            ("unit", AccessLevel::BusinessUnit, 2)
        ]
    );
}

fn host_store() -> HostStore {
    let p = key("bot:read");
    let mut store = HostStore::default();
    store
        .privileges
        .insert(p.clone(), PrivilegeDef::new(p.clone(), ""));
    for role in [
        Role::new("a", "").with_include("b"),
        Role::new("b", "")
            .with_include("a")
            .with_grant(p, AccessLevel::User),
        Role::new("dangling", "").with_include("nowhere"),
    ] {
        store.roles.insert(role.id.clone(), role);
    }
    store
        .users
        .insert("cyclic".into(), User::new("cyclic", "").with_role("a"));
    store.users.insert(
        "dangling".into(),
        User::new("dangling", "").with_role("dangling"),
    );
    store
        .users
        .insert("lost".into(), User::new("lost", "").with_team("gone"));
    store
}

#[test]
fn a_host_store_with_a_cycle_is_walked_once() {
    let store = host_store();
    assert_eq!(
        privilege_level(&store, uid("cyclic"), key("bot:read")).unwrap(),
        AccessLevel::User
    );
    let routes = explain_privilege(&store, uid("cyclic"), key("bot:read")).unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].chain, [RoleId::from("a"), RoleId::from("b")]);
}

#[test]
fn a_snapshot_of_a_host_store_expands_a_cycle_once_and_refuses_dangling_references() {
    let mut store = host_store();
    // Teams are read before roles: the missing team is what fails first.
    let err = Snapshot::compile(&store).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"user "lost" references unknown team "gone""#
    );
    store.users.remove(&uid("lost"));
    let err = Snapshot::compile(&store).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"role "dangling" references unknown role "nowhere""#
    );
    store.users.remove(&uid("dangling"));
    let snapshot = Snapshot::compile(&store).unwrap();
    assert_eq!(
        snapshot
            .privilege_level(uid("cyclic"), key("bot:read"))
            .unwrap(),
        AccessLevel::User
    );
}

/// Data a `Directory` refuses but a host store may hold: repeated roles and
/// teams, grants of keys outside the catalogue, an out-of-box profile with a
/// rank, roles and users, profiles listing unknown users and mapping roles
/// nobody holds, equal ranks. The snapshot answers as the store path.
#[test]
fn a_snapshot_of_an_untidy_host_store_answers_as_the_store() {
    let mut store = HostStore::default();
    for k in ["bot:read", "bot:write"] {
        store
            .privileges
            .insert(key(k), PrivilegeDef::new(key(k), ""));
    }
    let mut a = Role::new("a", "").with_grant(key("bot:read"), AccessLevel::User);
    a.grants
        .insert(key("ghost:read"), AccessLevel::Organization);
    let b = Role::new("b", "")
        .with_include("a")
        .with_include("a")
        .with_grant(key("bot:write"), AccessLevel::BusinessUnit);
    for role in [a, b, Role::new("c", "")] {
        store.roles.insert(role.id.clone(), role);
    }
    let mut team = Team::new("t", "").with_role("b").with_role("b");
    team.members.push(uid("u1"));
    store.teams.insert(team.id.clone(), team);
    let mut u1 = User::new("u1", "").with_role("a").with_role("a");
    u1.teams = vec!["t".into(), "t".into()];
    store.users.insert(u1.id.clone(), u1);
    store
        .users
        .insert(uid("u2"), User::new("u2", "").with_role("c"));
    store.users.insert(uid("u3"), User::new("u3", ""));
    let mut oob = Profile::out_of_box("oob", "")
        .with_rank(1)
        .with_role("a")
        .with_user("u3");
    oob.default = true;
    for profile in [
        oob,
        Profile::new("c1", "")
            .with_rank(2)
            .with_role("a")
            .with_role("ghost-role"),
        Profile::new("c0", "")
            .with_rank(2)
            .with_role("c")
            .with_role("a"),
        Profile::new("c2", "").with_user("nobody").with_user("u2"),
    ] {
        store.profiles.insert(profile.id.clone(), profile);
    }
    store.fallback = Some("oob".into());

    let snapshot = Snapshot::compile(&store).unwrap();
    for user in ["u1", "u2", "u3"] {
        for k in ["bot:read", "bot:write"] {
            assert_eq!(
                snapshot.privilege_level(uid(user), key(k)).unwrap(),
                privilege_level(&store, uid(user), key(k)).unwrap(),
                "{user} {k}"
            );
        }
        assert_eq!(
            snapshot.resolve_profile(uid(user)).unwrap(),
            rbac_profiles::resolve_profile(&store, uid(user)).unwrap(),
            "{user}"
        );
    }
    let u1 = snapshot.resolve_profile(uid("u1")).unwrap();
    assert_eq!(u1.to_string(), "c0 (role a, rank 2)");
    let err = snapshot
        .has_privilege(uid("u1"), key("ghost:read"))
        .unwrap_err();
    assert_eq!(err.to_string(), r#"unknown privilege "ghost:read""#);
}

/// A user a host store lists but no longer holds when read (removed
/// between the two reads) is gone: a compile and `diagnose` read the
/// others, and a question about the gone user is about an unknown user.
#[test]
fn a_user_listed_but_gone_when_read_is_skipped() {
    let mut store = HostStore::default();
    store
        .privileges
        .insert(key("bot:read"), PrivilegeDef::new(key("bot:read"), ""));
    let reader = Role::new("reader", "").with_grant(key("bot:read"), AccessLevel::User);
    store.roles.insert(reader.id.clone(), reader);
    for id in ["u1", "u3"] {
        store
            .users
            .insert(uid(id), User::new(id, "").with_role("reader"));
    }
    store.listed_gone = vec![uid("u2"), uid("u0")];

    let snapshot = Snapshot::compile(&store).unwrap();
    assert!(snapshot.has_privilege(uid("u1"), key("bot:read")).unwrap());
    assert!(snapshot.has_privilege(uid("u3"), key("bot:read")).unwrap());
    let err = snapshot
        .has_privilege(uid("u2"), key("bot:read"))
        .unwrap_err();
    assert_eq!(err.to_string(), r#"unknown user "u2""#);
    let about: Vec<_> = rbac_profiles::diagnose(&store)
        .unwrap()
        .into_iter()
        .filter_map(|d| d.user)
        .collect();
    assert!(!about.is_empty());
    assert!(about.iter().all(|u| ["u1", "u3"].contains(&u.as_str())));
}

/// A host store may list a role, a team, or a team's role twice: each
/// granting role is still one route, and each way of reaching it is counted
/// once.
#[test]
fn routes_are_not_repeated_when_a_host_store_lists_a_role_or_team_twice() {
    let mut store = HostStore::default();
    let read = key("bot:read");
    store
        .privileges
        .insert(read.clone(), PrivilegeDef::new(read.clone(), ""));
    let a = Role::new("a", "").with_grant(read.clone(), AccessLevel::User);
    let b = Role::new("b", "").with_include("a").with_include("a");
    for role in [a, b] {
        store.roles.insert(role.id.clone(), role);
    }
    let mut team = Team::new("t", "").with_role("b").with_role("b");
    team.members.push(uid("u1"));
    store.teams.insert(team.id.clone(), team);
    let mut u1 = User::new("u1", "").with_role("a").with_role("a");
    u1.teams = vec!["t".into(), "t".into()];
    store.users.insert(u1.id.clone(), u1);

    let routes = explain_privilege(&store, uid("u1"), &read).unwrap();
    let summary: Vec<_> = routes
        .iter()
        .map(|r| {
            let chain: Vec<_> = r.chain.iter().map(RoleId::as_str).collect();
            (
                r.role.as_str(),
                r.holding.clone(),
                chain,
                r.level,
                r.other_paths,
            )
        })
        .collect();
    // Held directly, and through the team by way of b: one other path.
    assert_eq!(
        summary,
        [("a", Holding::Direct, vec!["a"], AccessLevel::User, 1)]
    );
    let snapshot = Snapshot::compile(&store).unwrap();
    assert_eq!(
        snapshot.explain_privilege(uid("u1"), &read).unwrap(),
        routes
    );
}

#[test]
fn a_dangling_reference_in_a_host_store_is_reported() {
    let store = host_store();
    let err = privilege_level(&store, uid("dangling"), key("bot:read")).unwrap_err();
    let Error::UnknownReference { owner, target } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(owner, &EntityRef::Role("dangling".into()));
    assert_eq!(target, &EntityRef::Role("nowhere".into()));

    // Reported whatever the order of the user's roles, even when another
    // role already grants the highest level.
    let mut store = store;
    let full = Role::new("full", "").with_grant(key("bot:read"), AccessLevel::Organization);
    store.roles.insert(full.id.clone(), full);
    for roles in [["full", "dangling"], ["dangling", "full"]] {
        let mut user = User::new("both", "");
        user.roles = roles
            .into_iter()
            .map(rbac_profiles::RoleAssignment::new)
            .collect();
        store.users.insert("both".into(), user);
        let err = privilege_level(&store, uid("both"), key("bot:read")).unwrap_err();
        assert!(matches!(err, Error::UnknownReference { .. }), "{roles:?}");
    }

    let err = has_privilege(&store, uid("lost"), key("bot:read")).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"user "lost" references unknown team "gone""#
    );
}

#[test]
fn a_failing_store_is_an_error_with_the_host_error_as_source() {
    let store = HostStore {
        failing: true,
        ..host_store()
    };
    let err = has_privilege(&store, uid("cyclic"), key("bot:read")).unwrap_err();
    assert!(matches!(err, Error::Storage(_)));
    assert_eq!(err.to_string(), "storage failed");
    let source = err.source().unwrap();
    assert_eq!(source.to_string(), "connection reset");
    let Error::Storage(inner) = err else {
        unreachable!()
    };
    let io = inner.inner().downcast_ref::<std::io::Error>().unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionReset);
}

#[test]
fn stores_work_through_references_boxes_arcs_and_trait_objects() {
    let store = supervisors(true);
    let transfer = key("conversation:transfer");
    let gabriel = uid("gabriel");
    let boxed: Box<dyn Store> = Box::new(store.clone());
    let shared: Arc<MemoryStore> = Arc::new(store.clone());
    let object: &dyn Store = &store;
    assert!(has_privilege(&&store, &gabriel, &transfer).unwrap());
    assert!(has_privilege(&boxed, &gabriel, &transfer).unwrap());
    assert!(has_privilege(&shared, &gabriel, &transfer).unwrap());
    assert!(has_privilege(object, &gabriel, &transfer).unwrap());
}

#[test]
fn explanations_do_not_depend_on_list_order() {
    let make = |flip: bool| {
        let mut roles = vec![
            "omnichannel-administrator",
            "omnichannel-supervisor",
            "customer-service-manager",
        ];
        if flip {
            roles.reverse();
        }
        let mut user = User::new("u", "");
        user.roles = roles
            .into_iter()
            .map(rbac_profiles::RoleAssignment::new)
            .collect();
        store_with(DirectoryDoc {
            users: vec![user],
            ..DirectoryDoc::default()
        })
    };
    for k in [
        "app_profile:read",
        "app_profile:write",
        "quick_reply:create",
    ] {
        let a = explain_privilege(&make(false), uid("u"), key(k)).unwrap();
        let b = explain_privilege(&make(true), uid("u"), key(k)).unwrap();
        assert_eq!(a, b, "{k}");
        assert!(!a.is_empty());
    }
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Directory>();
    check::<DirectoryDoc>();
    check::<MemoryStore>();
    check::<Error>();
    check::<StoreError>();
    check::<Privilege>();
    check::<rbac_profiles::Route>();
    check::<Holding>();
    check::<AccessLevel>();
    check::<EntityRef>();
    check::<rbac_profiles::EntityKind>();
    check::<rbac_profiles::KeyError>();
    check::<PrivilegeDef>();
    check::<UserId>();
    check::<RoleId>();
    check::<TeamId>();
    check::<rbac_profiles::ProfileId>();
    check::<Role>();
    check::<Team>();
    check::<User>();
    check::<ColumnKey>();
    check::<ColumnAccess>();
    check::<ColumnProfile>();
    check::<rbac_profiles::ColumnProfileId>();
    check::<rbac_profiles::ColumnPermission>();
    check::<rbac_profiles::ColumnRoute>();
    check::<rbac_profiles::ColumnGrant>();
    check::<rbac_profiles::Diagnostic>();
    check::<rbac_profiles::DiagnosticCode>();
    check::<rbac_profiles::Severity>();
    check::<Profile>();
    check::<Template>();
    check::<rbac_profiles::ProfileSettings>();
    check::<rbac_profiles::ProductivityPane>();
    check::<rbac_profiles::Resolution>();
    check::<rbac_profiles::Reason>();
    check::<rbac_profiles::AdminOp>();
    check::<rbac_profiles::Change>();
    check::<rbac_profiles::Conflict>();
    check::<rbac_profiles::Requirement>();
    check::<rbac_profiles::OutOfBoxRule>();
    check::<rbac_profiles::SharedSnapshot>();
    check::<rbac_profiles::SnapshotGuard>();
    check::<rbac_profiles::testkit::FaultyStore<MemoryStore>>();
    check::<rbac_profiles::testkit::Fault>();
    check::<rbac_profiles::testkit::conformance::ConformanceReport>();
    check::<rbac_profiles::testkit::conformance::ConformanceFailure>();
    check::<rbac_profiles::testkit::strategies::Conflicts>();
    check::<TemplateId>();
    check::<rbac_profiles::Snapshot>();
    check::<rbac_profiles::UserIx>();
    check::<rbac_profiles::PrivilegeIx>();
    check::<rbac_profiles::RoleIx>();
    check::<rbac_profiles::ProfileIx>();
    check::<rbac_profiles::Resolved>();
    check::<rbac_profiles::ResolvedReason>();
    check::<std::sync::Arc<rbac_profiles::Snapshot>>();
    check::<rbac_profiles::ProfileCounts>();
    check::<rbac_profiles::ProfileCount>();
    check::<rbac_profiles::ReasonCounts>();
    check::<rbac_profiles::Proposal>();
    check::<rbac_profiles::ProfileMove>();
    check::<rbac_profiles::UserDiff>();
    check::<rbac_profiles::LevelChange>();
}

#[test]
fn a_host_store_answers_column_access_through_its_own_profiles() {
    let secret = ColumnKey::new("bot.secret").unwrap();
    let mut store = host_store();
    store.secured.insert(secret.clone());
    store.column_profiles.push(
        ColumnProfile::new("p", "")
            .with_user("cyclic")
            .with_permission(secret.clone(), ColumnAccess::read_only()),
    );
    assert_eq!(
        column_access(&store, uid("cyclic"), &secret).unwrap(),
        ColumnAccess::read_only()
    );
    // Not secured: `bot:read`, held through the cycle, reads `bot.name`.
    let name = ColumnKey::new("bot.name").unwrap();
    assert_eq!(
        column_access(&store, uid("cyclic"), &name).unwrap(),
        ColumnAccess::read_only()
    );
    let err = column_access(&store, uid("dangling"), &secret).unwrap_err();
    assert!(matches!(err, Error::UnknownReference { .. }), "{err:?}");
    let failing = HostStore {
        failing: true,
        ..host_store()
    };
    let err = column_access(&failing, uid("cyclic"), &name).unwrap_err();
    assert!(matches!(err, Error::Storage(_)));
}
