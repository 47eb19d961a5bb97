//! `resolve_profile`, the profile rules on load, and administration, through
//! the public API: the worked examples of the design, every refused
//! operation with its own error and the state unchanged, and failing stores.
// Tests opt out of the library's panic-free lints.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::uid;
use rbac_profiles::testkit::{Fault, FaultyStore, seed004};
use rbac_profiles::{
    AdminOp, Change, Conflict, Directory, DirectoryDoc, EntityRef, Error, MemoryStore,
    OutOfBoxRule, Profile, ProfileId, ProfileSettings, Reason, Requirement, Resolution, RoleId,
    Store, StoreMut, Template, TemplateId, TemplateKind, User, administer, administer_all, catalog,
    resolve_profile,
};

const SEED004: &str = include_str!("../examples/data/seed004.json");
const SEED004_OPS: &str = include_str!("../examples/data/seed004_ops.json");

const ADMIN: &str = "avery-admin";
const OOB: &str = "default-agent-experience-profile";

fn rank(role: impl Into<RoleId>, rank: u32) -> Reason {
    Reason::RoleRank {
        role: role.into(),
        rank,
    }
}

#[track_caller]
fn resolved(store: &impl Store, user: &str) -> (String, Reason) {
    let r = resolve_profile(store, uid(user)).expect("resolves");
    (r.profile.into_string(), r.reason)
}

#[track_caller]
fn assert_resolutions(store: &impl Store, expected: &[(&str, &str, Reason)]) {
    for (user, profile, reason) in expected {
        assert_eq!(
            resolved(store, user),
            (profile.to_string(), reason.clone()),
            "{user}"
        );
    }
}

/// The seed 004 users, before any profile is configured.
#[track_caller]
fn seed004_users() -> MemoryStore {
    let org: DirectoryDoc = serde_json::from_str(SEED004).unwrap();
    MemoryStore::new(Directory::builtin_with(org).unwrap())
}

/// The seed 004 second scenario, built by the administrator.
#[track_caller]
fn seed004() -> MemoryStore {
    let mut store = seed004_users();
    let ops: Vec<AdminOp> = serde_json::from_str(SEED004_OPS).unwrap();
    administer_all(&mut store, uid(ADMIN), &ops).unwrap();
    store
}

fn snapshot(store: &MemoryStore) -> String {
    serde_json::to_string(store.directory()).unwrap()
}

/// Runs `op` as the administrator, expects it refused, and checks that the
/// stored state did not move.
#[track_caller]
fn refused(store: &mut MemoryStore, op: AdminOp) -> Error {
    let before = snapshot(store);
    let err = administer(store, uid(ADMIN), &op).expect_err("the operation was accepted");
    assert_eq!(snapshot(store), before, "state changed after {err}");
    err
}

#[test]
fn seed004_second_scenario() {
    let mut store = seed004();
    assert_resolutions(
        &store,
        &[
            (
                "sam-supervisor",
                "contoso-supervisor",
                rank("omnichannel-supervisor", 1),
            ),
            ("alex-agent", "datum-agent", rank("omnichannel-agent", 2)),
            (
                "john-doe",
                "contoso-supervisor",
                rank("omnichannel-supervisor", 1),
            ),
            ("kendall-collins", "datum-agent", Reason::Direct),
            // Gabriel holds the supervisor role, but direct assignment wins.
            ("gabriel-diaz", "datum-supervisor", Reason::Direct),
            ("kayla-lewis", "datum-supervisor", Reason::Direct),
            // A supervisor only through a team: team roles never map.
            ("tess-team", "contoso-agent", Reason::Default),
            ("nora-none", "contoso-agent", Reason::Default),
            ("avery-admin", "contoso-agent", Reason::Default),
        ],
    );

    administer(
        &mut store,
        uid(ADMIN),
        &AdminOp::RemoveDefault {
            profile: "contoso-agent".into(),
        },
    )
    .unwrap();
    assert_resolutions(
        &store,
        &[
            (
                "sam-supervisor",
                "contoso-supervisor",
                rank("omnichannel-supervisor", 1),
            ),
            ("kendall-collins", "datum-agent", Reason::Direct),
            ("tess-team", OOB, Reason::OutOfBox),
            ("nora-none", OOB, Reason::OutOfBox),
        ],
    );
}

#[test]
fn seed004_ranked_roles_john_doe_gets_the_higher_rank() {
    let (org, expected) = seed004::ranked();
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    let john = expected
        .iter()
        .find(|(u, _)| u.as_str() == "john-doe")
        .unwrap();
    assert_eq!(
        john.1,
        Resolution::new(
            "contoso-agent",
            rank(catalog::CUSTOMER_SERVICE_REPRESENTATIVE, 1)
        )
    );
    for (user, resolution) in expected {
        assert_eq!(
            resolve_profile(&store, &user).unwrap(),
            resolution,
            "{user}"
        );
    }
}

#[test]
fn seed004_default_does_not_apply_to_directly_assigned_angel_chiu() {
    let mut org = DirectoryDoc::default();
    org.profiles
        .push(Profile::new("contoso-agent", "Contoso Agent profile").as_default());
    org.profiles
        .push(Profile::new("datum-agent", "Datum Agent profile").with_user("angel-chiu"));
    org.users.push(User::new("angel-chiu", "Angel Chiu"));
    org.users.push(User::new("someone", "Someone"));
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    assert_resolutions(
        &store,
        &[
            ("angel-chiu", "datum-agent", Reason::Direct),
            ("someone", "contoso-agent", Reason::Default),
        ],
    );
}

#[test]
fn with_no_default_and_no_mapping_everyone_gets_the_out_of_box_profile() {
    let store = seed004_users();
    let directory = store.directory();
    for user in directory.users() {
        assert_eq!(
            resolve_profile(&store, &user.id).unwrap(),
            Resolution::new(OOB, Reason::OutOfBox)
        );
    }
}

#[test]
fn role_rank_names_the_smallest_held_role_of_the_winning_profile() {
    let mut org = DirectoryDoc::default();
    org.profiles.push(
        Profile::new("p", "P")
            .with_rank(3)
            .with_role(catalog::OMNICHANNEL_SUPERVISOR)
            .with_role(catalog::OMNICHANNEL_AGENT)
            .with_role(catalog::BASIC_USER),
    );
    org.users.push(
        User::new("u", "U")
            .with_role(catalog::OMNICHANNEL_SUPERVISOR)
            .with_role(catalog::OMNICHANNEL_AGENT),
    );
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    assert_eq!(
        resolved(&store, "u"),
        ("p".to_owned(), rank(catalog::OMNICHANNEL_AGENT, 3))
    );
}

#[test]
fn unknown_user_and_missing_fallback_are_errors() {
    let store = seed004();
    let err = resolve_profile(&store, uid("nobody")).unwrap_err();
    assert_eq!(err.to_string(), r#"unknown user "nobody""#);

    // A directory without profiles answers privileges, but has no fallback.
    let mut bare = DirectoryDoc::default();
    bare.users.push(User::new("u", "U"));
    let store = MemoryStore::new(Directory::try_from(bare).unwrap());
    let err = resolve_profile(&store, uid("u")).unwrap_err();
    assert!(matches!(err, Error::NoFallbackProfile));
    assert_eq!(err.to_string(), "no out-of-box fallback profile");
}

/// Imported states: equal ranks and two defaults load, resolve by the
/// tie-break, and are listed.
#[test]
fn conflicts_load_resolve_by_tie_break_and_are_listed() {
    let mut org = DirectoryDoc::default();
    org.profiles.push(
        Profile::new("zeta", "Zeta")
            .with_rank(2)
            .with_role(catalog::OMNICHANNEL_AGENT),
    );
    org.profiles.push(
        Profile::new("alpha", "Alpha")
            .with_rank(2)
            .with_role(catalog::OMNICHANNEL_AGENT),
    );
    org.profiles.push(Profile::new("d2", "D2").as_default());
    org.profiles.push(Profile::new("d1", "D1").as_default());
    // A rank alone maps nobody, and competes with no one.
    org.profiles
        .push(Profile::new("aaa", "Rank only").with_rank(2));
    org.users
        .push(User::new("agent", "Agent").with_role(catalog::OMNICHANNEL_AGENT));
    org.users.push(User::new("other", "Other"));
    let directory = Directory::builtin_with(org).unwrap();
    assert_eq!(
        directory.conflicts(),
        [
            Conflict::DuplicateRank {
                rank: 2,
                profiles: vec!["alpha".into(), "zeta".into()],
                winner: "alpha".into(),
            },
            Conflict::MultipleDefaults {
                profiles: vec!["d1".into(), "d2".into()],
                winner: "d1".into(),
            },
        ]
    );
    let store = MemoryStore::new(directory);
    assert_resolutions(
        &store,
        &[
            ("agent", "alpha", rank(catalog::OMNICHANNEL_AGENT, 2)),
            ("other", "d1", Reason::Default),
        ],
    );
    assert!(seed004().directory().conflicts().is_empty());
}

/// Loads `profiles` (and `templates`) beside the seed 004 users.
fn load(profiles: Vec<Profile>, templates: Vec<Template>) -> Result<Directory, Error> {
    let mut org: DirectoryDoc = serde_json::from_str(SEED004).unwrap();
    org.profiles = profiles;
    org.templates = templates;
    Directory::builtin_with(org)
}

#[track_caller]
fn load_error(profiles: Vec<Profile>, templates: Vec<Template>) -> String {
    load(profiles, templates).unwrap_err().to_string()
}

#[test]
fn every_profile_load_rule_has_its_own_error() {
    let oob = || Profile::out_of_box("oob-2", "Second out-of-box");
    let chat = || Template::new("chat", "Chat", TemplateKind::Session);
    let cases: Vec<(Vec<Profile>, Vec<Template>, &str)> = vec![
        (
            vec![oob().with_rank(1)],
            vec![],
            r#"out-of-box profile "oob-2" can't have a rank"#,
        ),
        (
            vec![oob().with_role("basic-user")],
            vec![],
            r#"out-of-box profile "oob-2" can't have roles"#,
        ),
        (
            vec![oob().with_user("nora-none")],
            vec![],
            r#"out-of-box profile "oob-2" can't have directly assigned users"#,
        ),
        (
            vec![oob().as_default()],
            vec![],
            r#"out-of-box profile "oob-2" can't be the default"#,
        ),
        (
            vec![Profile::new("p", "P").with_rank(0)],
            vec![],
            r#"profile "p" has rank 0; ranks start at 1"#,
        ),
        (
            vec![Profile::new("p", "P").with_role("basic-user")],
            vec![],
            r#"profile "p" maps roles but has no rank"#,
        ),
        (
            vec![
                Profile::new("p", "P")
                    .as_default()
                    .with_rank(1)
                    .with_role("basic-user"),
            ],
            vec![],
            r#"profile "p" is the default and can't have a rank or roles"#,
        ),
        (
            vec![
                Profile::new("p", "P").with_user("kayla-lewis"),
                Profile::new("q", "Q").with_user("kayla-lewis"),
            ],
            vec![],
            r#"user "kayla-lewis" is directly assigned to profiles "p" and "q""#,
        ),
        (
            vec![Profile::new("p", "P").with_rank(1).with_role("no-role")],
            vec![],
            r#"profile "p" references unknown role "no-role""#,
        ),
        (
            vec![Profile::new("p", "P").with_user("no-user")],
            vec![],
            r#"profile "p" references unknown user "no-user""#,
        ),
        (
            vec![
                Profile::new("p", "P")
                    .with_settings(ProfileSettings::default().with_session_template("no-template")),
            ],
            vec![],
            r#"profile "p" references unknown template "no-template""#,
        ),
        (
            vec![
                Profile::new("p", "P")
                    .with_settings(ProfileSettings::default().with_notification_template("chat")),
            ],
            vec![chat()],
            r#"profile "p" uses session template "chat" as a notification template"#,
        ),
        (
            vec![
                Profile::new("p", "P").with_settings(
                    ProfileSettings::default()
                        .with_session_template("chat")
                        .with_session_template("chat"),
                ),
            ],
            vec![chat()],
            r#"profile "p" lists template "chat" twice"#,
        ),
        (
            vec![Profile::new("p", "P"), Profile::new("p", "P again")],
            vec![],
            r#"duplicate profile id "p""#,
        ),
        (
            vec![],
            vec![chat(), chat()],
            r#"duplicate template id "chat""#,
        ),
        (
            vec![oob()],
            vec![],
            r#"several out-of-box profiles ("default-agent-experience-profile", "oob-2") and no fallback_profile naming one"#,
        ),
    ];
    for (profiles, templates, message) in cases {
        assert_eq!(load_error(profiles, templates), message);
    }
}

#[test]
fn the_fallback_is_the_only_out_of_box_profile_or_the_named_one() {
    let mut doc = DirectoryDoc::builtin();
    doc.profiles.push(Profile::out_of_box("oob-2", "Second"));
    doc.fallback_profile = Some("oob-2".into());
    let directory = Directory::try_from(doc.clone()).unwrap();
    assert_eq!(directory.fallback_profile().unwrap().id.as_str(), "oob-2");

    doc.fallback_profile = Some("nowhere".into());
    let err = Directory::try_from(doc.clone()).unwrap_err();
    assert_eq!(err.to_string(), r#"unknown profile "nowhere""#);

    doc.profiles.push(Profile::new("custom", "Custom"));
    doc.fallback_profile = Some("custom".into());
    let err = Directory::try_from(doc.clone()).unwrap_err();
    assert!(matches!(err, Error::FallbackNotOutOfBox { .. }));
    assert_eq!(
        err.to_string(),
        r#"fallback profile "custom" is not an out-of-box profile"#
    );

    let mut custom_only = DirectoryDoc::default();
    custom_only.profiles.push(Profile::new("custom", "Custom"));
    let err = Directory::try_from(custom_only).unwrap_err();
    assert!(matches!(err, Error::NoFallbackProfile));
}

#[test]
fn profiles_round_trip_through_json() {
    let directory = seed004().into_directory();
    let json = serde_json::to_string_pretty(&directory).unwrap();
    let back: Directory = serde_json::from_str(&json).unwrap();
    assert_eq!(back, directory);
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
}

#[test]
fn every_refused_operation_has_its_own_error_and_changes_nothing() {
    let mut store = seed004();
    let p = |id: &str| ProfileId::from(id);
    let t = |id: &str| TemplateId::from(id);
    let cases: Vec<(AdminOp, &str)> = vec![
        (
            AdminOp::CreateProfile {
                profile: p("datum-agent"),
                name: "Again".into(),
                settings: ProfileSettings::default(),
            },
            r#"duplicate profile id "datum-agent""#,
        ),
        (
            AdminOp::CreateProfile {
                profile: p(""),
                name: "Nameless".into(),
                settings: ProfileSettings::default(),
            },
            "profile number 1 has an empty id",
        ),
        (
            AdminOp::CreateProfile {
                profile: p("new"),
                name: "New".into(),
                settings: ProfileSettings::default().with_session_template("incoming-chat"),
            },
            r#"profile "new" uses notification template "incoming-chat" as a session template"#,
        ),
        (
            AdminOp::UpdateSettings {
                profile: p("nowhere"),
                settings: ProfileSettings::default(),
            },
            r#"unknown profile "nowhere""#,
        ),
        (
            AdminOp::UpdateSettings {
                profile: p("datum-agent"),
                settings: ProfileSettings::default().with_session_template("gone"),
            },
            r#"profile "datum-agent" references unknown template "gone""#,
        ),
        (
            AdminOp::DeleteProfile { profile: p(OOB) },
            r#"out-of-box profile "default-agent-experience-profile" can't be deleted"#,
        ),
        (
            AdminOp::SetDefault { profile: p(OOB) },
            r#"out-of-box profile "default-agent-experience-profile" can't be the default"#,
        ),
        (
            AdminOp::SetDefault {
                profile: p("datum-supervisor"),
            },
            r#"profile "contoso-agent" is the default; remove it before making "datum-supervisor" the default"#,
        ),
        (
            AdminOp::RemoveDefault {
                profile: p("datum-agent"),
            },
            r#"profile "datum-agent" is not the default"#,
        ),
        (
            AdminOp::SetRankAndRoles {
                profile: p(OOB),
                rank: 7,
                roles: vec![],
            },
            r#"out-of-box profile "default-agent-experience-profile" can't have a rank"#,
        ),
        (
            AdminOp::SetRankAndRoles {
                profile: p("contoso-agent"),
                rank: 7,
                roles: vec![],
            },
            r#"profile "contoso-agent" is the default and can't have a rank or roles"#,
        ),
        (
            AdminOp::SetRankAndRoles {
                profile: p("datum-supervisor"),
                rank: 0,
                roles: vec![],
            },
            r#"profile "datum-supervisor" has rank 0; ranks start at 1"#,
        ),
        (
            AdminOp::SetRankAndRoles {
                profile: p("datum-supervisor"),
                rank: 2,
                roles: vec![catalog::OMNICHANNEL_SUPERVISOR],
            },
            r#"rank 2 is held by profile "datum-agent""#,
        ),
        (
            AdminOp::SetRankAndRoles {
                profile: p("datum-supervisor"),
                rank: 3,
                roles: vec![RoleId::from("no-role")],
            },
            r#"profile "datum-supervisor" references unknown role "no-role""#,
        ),
        (
            AdminOp::SetRankAndRoles {
                profile: p("datum-supervisor"),
                rank: 3,
                roles: vec!["basic-user".into(), "basic-user".into()],
            },
            r#"profile "datum-supervisor" lists role "basic-user" twice"#,
        ),
        (
            AdminOp::RemoveRankAndRoles { profile: p(OOB) },
            r#"out-of-box profile "default-agent-experience-profile" can't have a rank"#,
        ),
        (
            AdminOp::AssignUsers {
                profile: p(OOB),
                users: vec![uid("nora-none")],
            },
            r#"out-of-box profile "default-agent-experience-profile" can't have directly assigned users"#,
        ),
        (
            AdminOp::AssignUsers {
                profile: p("contoso-supervisor"),
                users: vec![uid("nora-none"), uid("kendall-collins")],
            },
            r#"user "kendall-collins" is already directly assigned to profile "datum-agent""#,
        ),
        (
            AdminOp::AssignUsers {
                profile: p("datum-agent"),
                users: vec![uid("kendall-collins")],
            },
            r#"user "kendall-collins" is already directly assigned to profile "datum-agent""#,
        ),
        (
            AdminOp::AssignUsers {
                profile: p("contoso-supervisor"),
                users: vec![uid("nobody")],
            },
            r#"profile "contoso-supervisor" references unknown user "nobody""#,
        ),
        (
            AdminOp::AssignUsers {
                profile: p("contoso-supervisor"),
                users: vec![uid("nora-none"), uid("nora-none")],
            },
            r#"profile "contoso-supervisor" lists user "nora-none" twice"#,
        ),
        (
            AdminOp::UnassignUsers {
                profile: p("datum-supervisor"),
                users: vec![uid("gabriel-diaz"), uid("kendall-collins")],
            },
            r#"user "kendall-collins" is not directly assigned to profile "datum-supervisor""#,
        ),
        (
            AdminOp::CreateTemplate {
                template: Template::new("chat-session", "Again", TemplateKind::Session),
            },
            r#"duplicate template id "chat-session""#,
        ),
        (
            AdminOp::DeleteTemplate {
                template: t("chat-session"),
            },
            r#"template "chat-session" is used by profiles "contoso-supervisor", "datum-agent", "datum-supervisor""#,
        ),
        (
            AdminOp::DeleteTemplate {
                template: t("nowhere"),
            },
            r#"unknown template "nowhere""#,
        ),
    ];
    // Each refusal's own variant, in the order of the cases.
    let variants = [
        "DuplicateId",
        "EmptyId",
        "TemplateKindMismatch",
        "UnknownProfile",
        "UnknownReference",
        "OutOfBox",
        "OutOfBox",
        "DefaultExists",
        "NotDefault",
        "OutOfBox",
        "DefaultMapped",
        "ZeroRank",
        "RankTaken",
        "UnknownReference",
        "DuplicateReference",
        "OutOfBox",
        "OutOfBox",
        "AlreadyAssigned",
        "AlreadyAssigned",
        "UnknownReference",
        "DuplicateReference",
        "NotAssigned",
        "DuplicateId",
        "TemplateInUse",
        "UnknownTemplate",
    ];
    assert_eq!(cases.len(), variants.len());
    for ((op, message), variant) in cases.into_iter().zip(variants) {
        let err = refused(&mut store, op.clone());
        let debug = format!("{err:?}");
        assert!(debug.starts_with(&format!("{variant} ")), "{debug}");
        assert_eq!(err.to_string(), message, "{op:?}");
    }
}

#[test]
fn the_variants_of_refusals_are_distinct() {
    let mut store = seed004();
    let err = refused(
        &mut store,
        AdminOp::SetDefault {
            profile: "datum-agent".into(),
        },
    );
    assert!(
        matches!(err, Error::DefaultExists { current, .. } if current.as_str() == "contoso-agent")
    );
    let err = refused(
        &mut store,
        AdminOp::DeleteTemplate {
            template: "case-session".into(),
        },
    );
    assert!(matches!(err, Error::TemplateInUse { profiles, .. } if profiles.len() == 2));
    let err = refused(
        &mut store,
        AdminOp::DeleteProfile {
            profile: OOB.into(),
        },
    );
    assert!(matches!(
        err,
        Error::OutOfBox {
            rule: OutOfBoxRule::Delete,
            ..
        }
    ));
    let err = refused(
        &mut store,
        AdminOp::SetRankAndRoles {
            profile: "datum-supervisor".into(),
            rank: 1,
            roles: vec![],
        },
    );
    assert!(
        matches!(err, Error::RankTaken { rank: 1, holder } if holder.as_str() == "contoso-supervisor")
    );
}

#[test]
fn the_actor_needs_the_operation_s_privilege() {
    let mut store = seed004();
    let before = snapshot(&store);
    let op = AdminOp::SetRankAndRoles {
        profile: "datum-supervisor".into(),
        rank: 5,
        roles: vec![],
    };
    // An agent, a supervisor, and a user whose supervisor role is a team's.
    for actor in ["alex-agent", "sam-supervisor", "tess-team"] {
        let err = administer(&mut store, uid(actor), &op).unwrap_err();
        assert!(
            matches!(&err, Error::AccessDenied { actor: a, missing: Requirement::Privilege(p) } if a.as_str() == actor && p.as_str() == "app_profile:write"),
            "{err}"
        );
    }
    let err = administer(&mut store, uid("ghost"), &op).unwrap_err();
    assert_eq!(err.to_string(), r#"unknown user "ghost""#);
    assert_eq!(snapshot(&store), before);

    // App profile manager administrator alone is enough, and Customer
    // Service Manager includes it.
    let mut org: DirectoryDoc = serde_json::from_str(SEED004).unwrap();
    org.users
        .push(User::new("apm", "APM").with_role(catalog::APP_PROFILE_MANAGER_ADMINISTRATOR));
    org.users
        .push(User::new("csm", "CSM").with_role(catalog::CUSTOMER_SERVICE_MANAGER));
    let mut store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    for (actor, id) in [("apm", "a"), ("csm", "c")] {
        let op = AdminOp::CreateProfile {
            profile: id.into(),
            name: id.into(),
            settings: ProfileSettings::default(),
        };
        administer(&mut store, uid(actor), &op).unwrap();
    }
    assert_eq!(store.directory().profiles().len(), 3);
}

#[test]
fn setting_the_default_clears_rank_and_roles_and_removing_clears_both() {
    let mut store = seed004();
    let admin = uid(ADMIN);
    let ops = [
        AdminOp::RemoveDefault {
            profile: "contoso-agent".into(),
        },
        AdminOp::SetDefault {
            profile: "datum-agent".into(),
        },
    ];
    administer_all(&mut store, &admin, &ops).unwrap();
    let datum = store.directory().profile("datum-agent").unwrap();
    assert!(datum.default);
    assert_eq!((datum.rank, datum.roles.len()), (None, 0));
    // Kendall stays directly assigned; Alex now falls to the default.
    assert_eq!(
        resolved(&store, "alex-agent"),
        ("datum-agent".into(), Reason::Default)
    );

    administer(
        &mut store,
        &admin,
        &AdminOp::RemoveRankAndRoles {
            profile: "contoso-supervisor".into(),
        },
    )
    .unwrap();
    let sup = store.directory().profile("contoso-supervisor").unwrap();
    assert_eq!((sup.rank, sup.roles.len()), (None, 0));
    assert_eq!(
        resolved(&store, "sam-supervisor"),
        ("datum-agent".into(), Reason::Default)
    );
}

#[test]
fn unassign_delete_and_template_lifecycle() {
    let mut store = seed004();
    let admin = uid(ADMIN);
    administer_all(
        &mut store,
        &admin,
        &[
            AdminOp::UnassignUsers {
                profile: "datum-supervisor".into(),
                users: vec![uid("kayla-lewis")],
            },
            AdminOp::AssignUsers {
                profile: "contoso-supervisor".into(),
                users: vec![uid("kayla-lewis")],
            },
            AdminOp::DeleteProfile {
                profile: "datum-agent".into(),
            },
            AdminOp::CreateTemplate {
                template: Template::new("spare", "Spare", TemplateKind::ApplicationTab),
            },
            AdminOp::DeleteTemplate {
                template: "spare".into(),
            },
        ],
    )
    .unwrap();
    assert_resolutions(
        &store,
        &[
            ("kayla-lewis", "contoso-supervisor", Reason::Direct),
            ("gabriel-diaz", "datum-supervisor", Reason::Direct),
            // Datum Agent is gone: Kendall and Alex fall to the default.
            ("kendall-collins", "contoso-agent", Reason::Default),
            ("alex-agent", "contoso-agent", Reason::Default),
        ],
    );
    assert!(store.directory().template("spare").is_none());
}

#[test]
fn a_batch_is_all_or_nothing() {
    let mut store = seed004_users();
    let before = snapshot(&store);
    let mut ops: Vec<AdminOp> = serde_json::from_str(SEED004_OPS).unwrap();
    ops.push(AdminOp::SetDefault {
        profile: "datum-supervisor".into(),
    });
    let err = administer_all(&mut store, uid(ADMIN), &ops).unwrap_err();
    assert!(matches!(err, Error::DefaultExists { .. }));
    assert_eq!(snapshot(&store), before);
}

#[test]
fn the_memory_store_refuses_a_change_set_that_breaks_a_rule() {
    let mut store = seed004();
    let before = snapshot(&store);
    let err = store
        .apply(&[
            Change::RemoveTemplate("chat-session".into()),
            Change::PutProfile(Profile::new("x", "X")),
        ])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"profile "contoso-supervisor" references unknown template "chat-session""#
    );
    assert!(err.inner().downcast_ref::<Error>().is_some());
    let err = store
        .apply(&[Change::RemoveProfile(OOB.into())])
        .unwrap_err();
    assert_eq!(err.to_string(), "no out-of-box fallback profile");
    assert_eq!(snapshot(&store), before);
}

/// A storage error that is the fault `fault` injected.
fn injected(err: &Error, fault: Fault) -> bool {
    matches!(err, Error::Storage(e) if e.inner().downcast_ref() == Some(&fault))
}

#[test]
fn a_failing_store_leaves_the_state_as_it_was() {
    let ops: Vec<AdminOp> = serde_json::from_str(SEED004_OPS).unwrap();
    let before = snapshot(&seed004_users());

    let mut store = FaultyStore::failing(seed004_users(), Fault::Write(1));
    let err = administer_all(&mut store, uid(ADMIN), &ops).unwrap_err();
    assert!(injected(&err, Fault::Write(1)), "{err}");
    assert_eq!(snapshot(store.inner()), before);

    // Count the reads of a successful run, then fail each one in turn.
    let mut clean = FaultyStore::new(seed004_users());
    administer_all(&mut clean, uid(ADMIN), &ops).unwrap();
    let reads = clean.reads();
    assert!(reads > ops.len());
    for k in 1..=reads {
        let mut store = FaultyStore::failing(seed004_users(), Fault::Read(k));
        let err = administer_all(&mut store, uid(ADMIN), &ops).unwrap_err();
        assert!(injected(&err, Fault::Read(k)), "read {k}: {err}");
        assert_eq!(snapshot(store.inner()), before, "read {k}");
    }
}

#[test]
fn resolve_profile_over_a_failing_store_is_a_storage_error() {
    // Nora gets the out-of-box profile, which reads the most.
    let clean = FaultyStore::new(seed004_users());
    resolve_profile(&clean, uid("nora-none")).unwrap();
    let reads = clean.reads();
    assert_eq!(reads, 3);
    for k in 1..=reads {
        let store = FaultyStore::failing(seed004_users(), Fault::Read(k));
        let err = resolve_profile(&store, uid("nora-none")).unwrap_err();
        assert!(injected(&err, Fault::Read(k)), "read {k}: {err}");
    }
}

#[test]
fn operations_and_resolutions_serialize() {
    let op = AdminOp::AssignUsers {
        profile: "datum-agent".into(),
        users: vec![uid("kendall-collins")],
    };
    let json = serde_json::to_string(&op).unwrap();
    assert_eq!(
        json,
        r#"{"op":"assign_users","profile":"datum-agent","users":["kendall-collins"]}"#
    );
    assert_eq!(serde_json::from_str::<AdminOp>(&json).unwrap(), op);
    let r = Resolution::new("datum-agent", rank("omnichannel-agent", 2));
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(
        json,
        r#"{"profile":"datum-agent","reason":{"rule":"role_rank","role":"omnichannel-agent","rank":2}}"#
    );
    assert_eq!(serde_json::from_str::<Resolution>(&json).unwrap(), r);
    // Every reason has the same shape: an object naming its rule.
    for (reason, text) in [
        (Reason::Direct, r#"{"rule":"direct"}"#),
        (Reason::Default, r#"{"rule":"default"}"#),
        (Reason::OutOfBox, r#"{"rule":"out_of_box"}"#),
    ] {
        assert_eq!(serde_json::to_string(&reason).unwrap(), text);
        assert_eq!(serde_json::from_str::<Reason>(text).unwrap(), reason);
    }
    let _: EntityRef = EntityRef::Profile("p".into());
}

#[test]
fn the_guide_document_loads_and_resolves() {
    let guide = include_str!("../docs/rules.md");
    let start = guide.find("```json\n").unwrap() + "```json\n".len();
    let end = start + guide[start..].find("```").unwrap();
    let org: DirectoryDoc = serde_json::from_str(&guide[start..end]).unwrap();
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    assert_eq!(
        resolved(&store, "kayla"),
        ("night-shift".to_owned(), rank("night-shift-lead", 1))
    );
}

#[test]
fn repeating_the_default_or_an_empty_assignment_changes_nothing() {
    let mut store = seed004();
    let before = snapshot(&store);
    for op in [
        AdminOp::SetDefault {
            profile: "contoso-agent".into(),
        },
        AdminOp::AssignUsers {
            profile: "datum-agent".into(),
            users: vec![],
        },
        AdminOp::RemoveRankAndRoles {
            profile: "datum-supervisor".into(),
        },
    ] {
        administer(&mut store, uid(ADMIN), &op).unwrap();
        assert_eq!(snapshot(&store), before, "{op:?}");
    }
    // Nothing to write: a store that fails every write is never asked.
    let mut failing = FaultyStore::failing(seed004(), Fault::Write(1));
    let op = AdminOp::SetDefault {
        profile: "contoso-agent".into(),
    };
    administer(&mut failing, uid(ADMIN), &op).unwrap();
    assert_eq!(failing.writes(), 0);
}

#[test]
fn an_empty_id_in_a_batch_names_its_position() {
    let mut store = seed004_users();
    let before = snapshot(&store);
    let create = |id: &str| AdminOp::CreateProfile {
        profile: id.into(),
        name: String::new(),
        settings: ProfileSettings::default(),
    };
    let err = administer_all(&mut store, uid(ADMIN), &[create("a"), create("")]).unwrap_err();
    assert_eq!(err.to_string(), "profile number 2 has an empty id");
    assert_eq!(snapshot(&store), before);
}

#[test]
fn a_catalogue_without_the_privilege_denies_access() {
    // No built-in catalogue: nobody holds `app_profile:create`.
    let mut doc = DirectoryDoc::default();
    doc.users.push(User::new("u", "U"));
    doc.profiles.push(Profile::out_of_box("oob", "Out of box"));
    let mut store = MemoryStore::new(Directory::try_from(doc).unwrap());
    let op = AdminOp::CreateProfile {
        profile: "p".into(),
        name: String::new(),
        settings: ProfileSettings::default(),
    };
    let err = administer(&mut store, uid("u"), &op).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"user "u" lacks privilege "app_profile:create""#
    );
}
