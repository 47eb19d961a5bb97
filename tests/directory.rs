//! Loading and checking directory documents: every rule, with the id it names.
// Tests opt out of the library's panic-free lints.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use rbac_profiles::{
    AccessLevel, Directory, DirectoryDoc, EntityKind, EntityRef, Error, KeyError, Privilege,
    PrivilegeDef, Role, Team, User,
};

const CONTOSO: &str = include_str!("../examples/data/contoso.json");

#[track_caller]
fn refused(doc: DirectoryDoc) -> Error {
    match Directory::try_from(doc) {
        Ok(_) => panic!("the document was accepted"),
        Err(err) => err,
    }
}

fn key(text: &str) -> Privilege {
    Privilege::new(text).unwrap()
}

/// A small valid organisation: one privilege, two roles, a team, two users.
fn small() -> DirectoryDoc {
    DirectoryDoc {
        privileges: vec![PrivilegeDef::new(key("bot:read"), "")],
        roles: vec![
            Role::new("reader", "Reader").with_grant(key("bot:read"), AccessLevel::User),
            Role::new("lead", "Lead").with_include("reader"),
        ],
        teams: vec![
            Team::new("t1", "Team one")
                .with_role("reader")
                .with_member("u1"),
        ],
        users: vec![
            User::new("u1", "One").with_team("t1"),
            User::new("u2", "Two").with_role("lead"),
        ],
        ..DirectoryDoc::default()
    }
}

#[test]
fn the_small_organisation_and_the_example_load() {
    assert!(Directory::try_from(small()).is_ok());
    let contoso = Directory::builtin_with(serde_json::from_str(CONTOSO).unwrap()).unwrap();
    assert_eq!(contoso.users().len(), 6);
    assert_eq!(contoso.roles().len(), 15);
    assert_eq!(contoso.role("night-shift-lead").unwrap().grants.len(), 2);
}

#[test]
fn duplicate_ids_are_refused_per_kind() {
    let mut doc = small();
    doc.privileges
        .push(PrivilegeDef::new(key("bot:read"), "again"));
    let err = refused(doc);
    assert!(
        matches!(&err, Error::DuplicateId { entity: EntityRef::Privilege(p) } if p.as_str() == "bot:read")
    );
    assert_eq!(err.to_string(), r#"duplicate privilege id "bot:read""#);

    let mut doc = small();
    doc.teams.push(Team::new("t1", "Again"));
    assert_eq!(refused(doc).to_string(), r#"duplicate team id "t1""#);

    let mut doc = small();
    doc.users.push(User::new("u2", "Again"));
    assert_eq!(refused(doc).to_string(), r#"duplicate user id "u2""#);

    // A role and a team may share an id: kinds are separate namespaces.
    let mut doc = small();
    doc.teams.push(Team::new("reader", "Readers"));
    assert!(Directory::try_from(doc).is_ok());
}

#[test]
fn an_empty_id_is_refused_with_its_position() {
    let mut doc = small();
    doc.users.push(User::new("", "Nobody"));
    let err = refused(doc);
    assert!(matches!(
        err,
        Error::EmptyId {
            kind: EntityKind::User,
            position: 3
        }
    ));
    assert_eq!(err.to_string(), "user number 3 has an empty id");
}

#[test]
fn unknown_references_name_owner_and_target() {
    type Edit = fn(&mut DirectoryDoc);
    let cases: Vec<(Edit, &str)> = vec![
        (
            |d| {
                d.roles[0]
                    .grants
                    .insert(key("bot:write"), AccessLevel::User)
                    .map_or((), drop)
            },
            r#"role "reader" references unknown privilege "bot:write""#,
        ),
        (
            |d| d.roles[1].includes.push("ghost".into()),
            r#"role "lead" references unknown role "ghost""#,
        ),
        (
            |d| d.teams[0].roles.push("ghost".into()),
            r#"team "t1" references unknown role "ghost""#,
        ),
        (
            |d| d.teams[0].members.push("ghost".into()),
            r#"team "t1" references unknown user "ghost""#,
        ),
        (
            |d| d.users[1].roles.push("ghost".into()),
            r#"user "u2" references unknown role "ghost""#,
        ),
        (
            |d| d.users[1].teams.push("ghost".into()),
            r#"user "u2" references unknown team "ghost""#,
        ),
    ];
    for (edit, message) in cases {
        let mut doc = small();
        edit(&mut doc);
        let err = refused(doc);
        assert!(matches!(err, Error::UnknownReference { .. }), "{err:?}");
        assert_eq!(err.to_string(), message);
    }
    let mut doc = small();
    doc.users[1].roles.push("ghost".into());
    let Error::UnknownReference { owner, target } = refused(doc) else {
        unreachable!()
    };
    assert_eq!(owner, EntityRef::User("u2".into()));
    assert_eq!(target, EntityRef::Role("ghost".into()));
}

#[test]
fn a_reference_listed_twice_is_refused() {
    let mut doc = small();
    doc.users[1].roles.push("lead".into());
    let err = refused(doc);
    assert!(matches!(err, Error::DuplicateReference { .. }));
    assert_eq!(err.to_string(), r#"user "u2" lists role "lead" twice"#);

    let mut doc = small();
    doc.roles[1].includes.push("reader".into());
    assert_eq!(
        refused(doc).to_string(),
        r#"role "lead" lists role "reader" twice"#
    );
}

#[test]
fn a_membership_stated_on_one_side_is_refused() {
    let mut doc = small();
    doc.users[0].teams.clear();
    let err = refused(doc);
    assert!(matches!(
        err,
        Error::MembershipMismatch {
            listed_by: EntityKind::Team,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        r#"team "t1" lists member "u1" but the user does not list the team"#
    );

    let mut doc = small();
    doc.users[1].teams.push("t1".into());
    let err = refused(doc);
    assert!(matches!(
        err,
        Error::MembershipMismatch {
            listed_by: EntityKind::User,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        r#"user "u2" lists team "t1" but the team does not list the user as a member"#
    );
}

#[test]
fn an_inclusion_cycle_is_refused_and_listed() {
    let mut doc = small();
    doc.roles.push(Role::new("a", "A").with_include("b"));
    doc.roles.push(Role::new("b", "B").with_include("c"));
    doc.roles
        .push(Role::new("c", "C").with_include("a").with_include("reader"));
    let err = refused(doc);
    let Error::InclusionCycle { cycle } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(cycle, &["a".into(), "b".into(), "c".into(), "a".into()]);
    assert_eq!(
        err.to_string(),
        r#"role inclusion cycle: "a" -> "b" -> "c" -> "a""#
    );

    let mut doc = small();
    doc.roles[0].includes.push("reader".into());
    assert_eq!(
        refused(doc).to_string(),
        r#"role inclusion cycle: "reader" -> "reader""#
    );
}

#[test]
fn a_diamond_is_not_a_cycle() {
    let mut doc = small();
    doc.roles.push(Role::new("left", "").with_include("reader"));
    doc.roles
        .push(Role::new("right", "").with_include("reader"));
    doc.roles.push(
        Role::new("top", "")
            .with_include("left")
            .with_include("right"),
    );
    assert!(Directory::try_from(doc).is_ok());
}

#[test]
fn an_invalid_privilege_key_in_a_document_is_a_parse_error_naming_it() {
    let err =
        serde_json::from_str::<DirectoryDoc>(r#"{ "privileges": [ { "key": "Bot:Read" } ] }"#)
            .unwrap_err();
    assert!(
        err.to_string()
            .contains(r#"invalid privilege key "Bot:Read""#),
        "{err}"
    );
    let err = Privilege::new("Bot:Read").unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidPrivilege {
            reason: KeyError::BadCharacter('B'),
            ..
        }
    ));
}

#[test]
fn a_grant_key_written_twice_is_refused() {
    let json = r#"{ "privileges": [ { "key": "bot:read" } ],
                    "roles": [ { "id": "r", "grants": { "bot:read": "user", "bot:read": "organization" } } ] }"#;
    let err = serde_json::from_str::<DirectoryDoc>(json).unwrap_err();
    assert!(
        err.to_string().contains(r#"key "bot:read" occurs twice"#),
        "{err}"
    );
}

#[test]
fn access_levels_parse_from_and_print_as_their_document_names() {
    for level in AccessLevel::ALL {
        assert_eq!(level.to_string().parse::<AccessLevel>().unwrap(), level);
        assert_eq!(
            serde_json::to_string(&level).unwrap(),
            format!("\"{}\"", level.as_str())
        );
    }
    let err = "Organization".parse::<AccessLevel>().unwrap_err();
    assert!(matches!(&err, Error::InvalidLevel { text } if text == "Organization"));
}

#[test]
fn unknown_fields_levels_and_malformed_json_are_refused() {
    for (json, needle) in [
        (r#"{ "rolez": [] }"#, "unknown field `rolez`"),
        (
            r#"{ "roles": [ { "id": "r", "inclues": [] } ] }"#,
            "unknown field `inclues`",
        ),
        (
            r#"{ "privileges": [ { "key": "bot:read" } ], "roles": [ { "id": "r", "grants": { "bot:read": "global" } } ] }"#,
            "unknown variant `global`",
        ),
        (r#"{ "roles": [ { "id": 7 } ] }"#, "invalid type"),
        (r#"{ "roles": [ "#, "EOF"),
        (r#"{ "roles": [], "roles": [] }"#, "duplicate field `roles`"),
    ] {
        let err = serde_json::from_str::<DirectoryDoc>(json).unwrap_err();
        assert!(err.to_string().contains(needle), "{json}: {err}");
    }
}

#[test]
fn deserializing_a_directory_checks_the_rules() {
    let err =
        serde_json::from_str::<Directory>(r#"{ "users": [ { "id": "u", "teams": ["t"] } ] }"#)
            .unwrap_err();
    assert!(
        err.to_string()
            .contains(r#"user "u" references unknown team "t""#),
        "{err}"
    );
}

#[test]
fn the_builtin_catalogue_with_the_example_round_trips_byte_for_byte() {
    let directory = Directory::builtin_with(serde_json::from_str(CONTOSO).unwrap()).unwrap();
    let json = serde_json::to_string_pretty(&directory).unwrap();
    let again: Directory = serde_json::from_str(&json).unwrap();
    assert_eq!(again, directory);
    assert_eq!(serde_json::to_string_pretty(&again).unwrap(), json);
    // Document order is kept.
    let ids: Vec<_> = again.users().map(|u| u.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "john-doe",
            "kendall-collins",
            "gabriel-diaz",
            "kayla-lewis",
            "angel-chiu",
            "alex-wu"
        ]
    );
}

#[test]
fn an_organisation_id_that_clashes_with_a_builtin_one_is_refused() {
    let org = DirectoryDoc {
        roles: vec![Role::new("basic-user", "Mine")],
        ..DirectoryDoc::default()
    };
    assert_eq!(
        Directory::builtin_with(org).unwrap_err().to_string(),
        r#"duplicate role id "basic-user""#
    );
}

/// The newcomer's slip: an organisation document loaded without the
/// built-in catalogue it refers to gets an error that says what to do.
#[test]
fn a_document_without_the_catalogue_is_told_how_to_load_it() {
    let json = r#"{ "users": [ { "id": "u1", "roles": ["omnichannel-agent"] } ] }"#;
    let doc: DirectoryDoc = serde_json::from_str(json).unwrap();
    let err = Directory::try_from(doc).unwrap_err();
    assert!(
        matches!(&err, Error::BuiltinNotLoaded { role, .. } if role.as_str() == "omnichannel-agent")
    );
    assert_eq!(
        err.to_string(),
        r#"user "u1" references built-in role "omnichannel-agent", but the document was loaded without the built-in catalogue (load it with Directory::from_json or Directory::builtin_with)"#
    );
    // The same document, loaded the way the error says.
    let directory = Directory::from_json(json).unwrap();
    assert!(directory.user("u1").is_some());
    // A role nobody ships stays an unknown reference.
    let err =
        Directory::from_json(r#"{ "users": [ { "id": "u1", "roles": ["pilot"] } ] }"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"user "u1" references unknown role "pilot""#
    );
}

#[test]
fn from_json_reports_where_a_document_is_broken() {
    let cases = [
        (
            "{",
            "invalid document at line 1, column 1: EOF while parsing an object",
        ),
        (
            r#"{ "roles": [ { "id": "r", "grants": { "Bot:read": "user" } } ] }"#,
            r#"invalid document at line 1, column 48: invalid privilege key "Bot:read": character 'B' is not allowed (use a-z, 0-9 and _)"#,
        ),
        (
            r#"{ "roles": [ { "id": "r", "grants": { "bot:read": "global" } } ] }"#,
            "invalid document at line 1, column 58: unknown variant `global`, expected one of `none`, `user`, `business_unit`, `parent_child_business_unit`, `organization`",
        ),
    ];
    for (json, message) in cases {
        let err = Directory::from_json(json).unwrap_err();
        assert!(matches!(err, Error::Document { .. }), "{err:?}");
        assert_eq!(err.to_string(), message, "{json}");
    }
}
