//! Column security through the public API: the secured columns of seed 003,
//! column security profiles (direct and through teams), System
//! Administrator, table privileges for the other columns, and every load
//! error with its message.
// Tests opt out of the library's panic-free lints.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{one_user_per_builtin_role, seed_file, store_with, uid};
use rbac_profiles::{
    AdminOp, Change, ColumnAccess, ColumnGrant, ColumnKey, ColumnPermission, ColumnProfile,
    Directory, DirectoryDoc, EntityKind, EntityRef, Error, Holding, KeyError, MemoryStore,
    Privilege, PrivilegeDef, Requirement, Role, StoreMut, Team, User, administer, catalog,
    column_access, explain_column_access,
};

/// The seed's "Entity / Secret attributes" table, transcribed by hand: an
/// entity followed by every secret attribute the table gives it.
const SEED_SECRETS: [(&str, &[&str]); 13] = [
    (
        "msdyn_authenticationsettings",
        &["msdyn_authenticationclientsecret"],
    ),
    ("msdyn_liveworkstream", &["msdyn_secureapikey"]),
    (
        "msdyn_ocapplepay",
        &[
            "msdyn_ocbase64merchantcertstring",
            "msdyn_ocbase64merchantcertstringcontd",
            "msdyn_ocmerchantcertificatepassword",
        ],
    ),
    (
        "msdyn_ocbotchannelregistrationsecret",
        &["msdyn_securemsappsecret"],
    ),
    (
        "msdyn_occommunicationprovidersetting",
        &["msdyn_securesecret"],
    ),
    (
        "msdyn_oc_geolocationprovider",
        &["msdyn_secureproviderapikey"],
    ),
    (
        "msdyn_ocgooglebusinessmessagesagentaccount",
        &["msdyn_agentaccountclienttoken"],
    ),
    (
        "msdyn_ocgooglebusinessmessagespartneraccount",
        &[
            "msdyn_partneraccountclienttoken",
            "msdyn_base64credentialfilestring",
            "msdyn_base64credentialfilestringcontd",
        ],
    ),
    ("msdyn_ocsmssettingsecret", &["msdyn_secureapikey"]),
    (
        "msdyn_octwitterapplication",
        &[
            "msdyn_securetwitterconsumersecret",
            "msdyn_securetwitterconsumerkey",
        ],
    ),
    (
        "msdyn_octwitterhandlesecret",
        &["msdyn_useraccesstoken", "msdyn_useraccesstokensecret"],
    ),
    (
        "msdyn_ocwechatchannelconfig",
        &[
            "msdyn_secureapplicationsecret",
            "msdyn_securetoken",
            "msdyn_secureencodingaeskey",
        ],
    ),
    (
        "msdyn_ocwhatsappchannelaccount",
        &["msdyn_secureauthenticationtoken"],
    ),
];

fn col(text: &str) -> ColumnKey {
    ColumnKey::new(text).unwrap()
}

fn our_copy() -> Vec<(String, String)> {
    SEED_SECRETS
        .iter()
        .flat_map(|(entity, columns)| {
            columns
                .iter()
                .map(move |c| ((*entity).to_owned(), (*c).to_owned()))
        })
        .collect()
}

/// The pairs of the seed file's table: a line with two or more words starts
/// an entity (its first word; "(for SMS)" is a remark) and names its first
/// column (the last word); a line of one word is one more column of the
/// entity above.
fn seed_pairs(seed: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut entity = String::new();
    for line in seed
        .lines()
        .skip_while(|l| !l.starts_with("Entity Secret attributes"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() > 1 {
            entity = words[0].to_owned();
        }
        pairs.push((entity.clone(), words[words.len() - 1].to_owned()));
    }
    pairs
}

fn catalogue_pairs() -> Vec<(String, String)> {
    catalog::SECURED_COLUMNS
        .iter()
        .map(|(e, c)| ((*e).to_owned(), (*c).to_owned()))
        .collect()
}

#[test]
fn the_catalogue_secures_exactly_the_21_columns_of_the_seed_in_order() {
    assert_eq!(catalogue_pairs(), our_copy());
    assert_eq!(our_copy().len(), 21);
    if let Some(seed) = seed_file("003_") {
        assert_eq!(seed_pairs(&seed), our_copy());
    }
    let directory = Directory::builtin();
    let keys: Vec<String> = directory
        .secured_columns()
        .map(|c| c.as_str().to_owned())
        .collect();
    let expected: Vec<String> = our_copy().iter().map(|(e, c)| format!("{e}.{c}")).collect();
    assert_eq!(keys, expected);
    assert_eq!(
        catalog::secured_columns()
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect::<Vec<_>>(),
        expected
    );
}

fn secured() -> Vec<ColumnKey> {
    our_copy()
        .iter()
        .map(|(e, c)| ColumnKey::from_parts(e, c).unwrap())
        .collect()
}

#[test]
fn no_builtin_role_alone_opens_a_secured_column_except_system_administrator() {
    let store = one_user_per_builtin_role();
    for column in secured() {
        for role in catalog::ROLE_IDS {
            let access = column_access(&store, uid(&format!("only-{role}")), &column).unwrap();
            let expected = if role == catalog::SYSTEM_ADMINISTRATOR {
                ColumnAccess::ALL
            } else {
                ColumnAccess::NONE
            };
            assert_eq!(access, expected, "{role} on {column}");
        }
    }
}

/// The read, write and create privileges of every secured column's table
/// the catalogue does not define, and a role `tables` granting all of them
/// at `user` level: a secured column narrows what the table opens.
fn tables() -> (Vec<PrivilegeDef>, Role) {
    let builtin = DirectoryDoc::builtin();
    let mut defs = Vec::new();
    let mut role = Role::new("tables", "Secret tables");
    for (entity, _) in SEED_SECRETS {
        for action in ["read", "write", "create"] {
            let key = Privilege::new(format!("{entity}:{action}")).unwrap();
            if !builtin.privileges.iter().any(|p| p.key == key)
                && !defs.iter().any(|p: &PrivilegeDef| p.key == key)
            {
                defs.push(PrivilegeDef::new(key.clone(), ""));
            }
            role = role.with_grant(key, rbac_profiles::AccessLevel::User);
        }
    }
    (defs, role)
}

/// Profile `readers` lists `direct`, `both` and `listed-only` and grants
/// read on every secured column; profile `writers` lists team `t` and
/// grants update and create. `direct` and team `t` hold `tables`, which
/// reads, writes and creates the secured columns' tables; `listed-only`
/// holds nothing. `member` is in `t`; `both` is listed and in `t`; `admin`
/// holds Omnichannel administrator; `sys-team` holds System Administrator
/// through a team, `sys-included` through a custom role that includes it.
fn profiles() -> MemoryStore {
    let (privileges, tables) = tables();
    let update_create = ColumnAccess {
        update: true,
        create: true,
        ..ColumnAccess::NONE
    };
    let mut readers = ColumnProfile::new("readers", "Readers")
        .with_user("direct")
        .with_user("both")
        .with_user("listed-only");
    let mut writers = ColumnProfile::new("writers", "Writers").with_team("t");
    for column in secured() {
        readers = readers.with_permission(column.clone(), ColumnAccess::read_only());
        writers = writers.with_permission(column, update_create);
    }
    store_with(DirectoryDoc {
        privileges,
        roles: vec![
            Role::new("super", "Super").with_include("system-administrator"),
            tables,
        ],
        teams: vec![
            Team::new("t", "T")
                .with_role("tables")
                .with_member("member")
                .with_member("both"),
            Team::new("admins", "Admins")
                .with_role("system-administrator")
                .with_member("sys-team"),
        ],
        users: vec![
            User::new("direct", "")
                .with_role("basic-user")
                .with_role("tables"),
            User::new("listed-only", "").with_role("basic-user"),
            User::new("member", "").with_team("t"),
            User::new("both", "").with_team("t"),
            User::new("admin", "")
                .with_role("omnichannel-administrator")
                .with_role("tables"),
            User::new("sys-team", "").with_team("admins"),
            User::new("sys-included", "").with_role("super"),
        ],
        column_profiles: vec![readers, writers],
        ..DirectoryDoc::default()
    })
}

#[test]
fn profiles_open_secured_columns_directly_and_through_teams() {
    let store = profiles();
    for column in secured() {
        let access = |user: &str| column_access(&store, uid(user), &column).unwrap();
        assert_eq!(access("direct"), ColumnAccess::read_only(), "{column}");
        assert_eq!(
            access("member"),
            ColumnAccess {
                update: true,
                create: true,
                read: false
            },
            "{column}"
        );
        assert_eq!(access("both"), ColumnAccess::ALL, "{column}");
        // Listed, but no record of the table to read: nothing.
        assert_eq!(access("listed-only"), ColumnAccess::NONE, "{column}");
        assert_eq!(access("admin"), ColumnAccess::NONE, "{column}");
        assert_eq!(access("sys-team"), ColumnAccess::ALL, "{column}");
        assert_eq!(access("sys-included"), ColumnAccess::ALL, "{column}");
    }
}

#[test]
fn explanations_name_the_profile_and_the_team_and_match_the_answer() {
    let store = profiles();
    let token = col("msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken");
    let routes = explain_column_access(&store, uid("both"), &token).unwrap();
    let summary: Vec<(ColumnPermission, ColumnGrant)> = routes
        .iter()
        .map(|r| (r.permission, r.grant.clone()))
        .collect();
    let profile = |p: &str, holding: Holding| ColumnGrant::Profile {
        profile: p.into(),
        holding,
    };
    assert_eq!(
        summary,
        [
            (ColumnPermission::Read, profile("readers", Holding::Direct)),
            (
                ColumnPermission::Update,
                profile("writers", Holding::Team("t".into()))
            ),
            (
                ColumnPermission::Create,
                profile("writers", Holding::Team("t".into()))
            ),
        ]
    );

    let routes = explain_column_access(&store, uid("sys-team"), &token).unwrap();
    assert_eq!(routes.len(), 3);
    let ColumnGrant::SystemAdministrator(route) = &routes[0].grant else {
        panic!("{routes:?}")
    };
    assert_eq!(route.holding, Holding::Team("admins".into()));

    // The permissions of the routes are the answer, for every user and
    // column, secured or not.
    for user in [
        "direct",
        "listed-only",
        "member",
        "both",
        "admin",
        "sys-team",
        "sys-included",
    ] {
        for column in secured()
            .into_iter()
            .chain([col("bot.name"), col("case.title")])
        {
            let from_routes = explain_column_access(&store, uid(user), &column)
                .unwrap()
                .iter()
                .fold(ColumnAccess::NONE, |a, r| a.with(r.permission));
            assert_eq!(
                from_routes,
                column_access(&store, uid(user), &column).unwrap(),
                "{user} {column}"
            );
        }
    }
}

#[test]
fn columns_that_are_not_secured_follow_table_privileges() {
    const R: ColumnAccess = ColumnAccess::read_only();
    const NONE: ColumnAccess = ColumnAccess::NONE;
    const ALL: ColumnAccess = ColumnAccess::ALL;
    const UC: ColumnAccess = ColumnAccess {
        read: false,
        update: true,
        create: true,
    };
    let store = one_user_per_builtin_role();
    let cases: [(&str, &str, ColumnAccess); 13] = [
        // The seed grants bots create/write/delete but no read.
        ("omnichannel-administrator", "bot.name", UC),
        ("omnichannel-administrator", "queue.name", ALL),
        // The table of a secret: its other columns follow the table.
        (
            "omnichannel-administrator",
            "msdyn_authenticationsettings.msdyn_name",
            ALL,
        ),
        ("omnichannel-agent", "quick_reply.msdyn_title", R),
        ("omnichannel-agent", "queue.name", R),
        ("omnichannel-supervisor", "quick_reply.msdyn_title", ALL),
        ("customer-service-representative", "case.title", ALL),
        ("app-profile-user", "app_profile.name", R),
        ("productivity-tools-user", "agent_script.name", R),
        // A table the catalogue doesn't know: nothing, and no error.
        ("omnichannel-administrator", "nosuchtable.name", NONE),
        // System Administrator holds every privilege of the catalogue, and
        // only those.
        ("system-administrator", "queue.name", ALL),
        ("system-administrator", "nosuchtable.name", NONE),
        ("basic-user", "case.title", NONE),
    ];
    for (role, column, expected) in cases {
        let access = column_access(&store, uid(&format!("only-{role}")), col(column)).unwrap();
        assert_eq!(access, expected, "{role} on {column}");
    }
}

#[test]
fn an_unknown_user_is_an_error_not_a_denial() {
    let store = profiles();
    let err = column_access(&store, uid("nobody"), col("bot.name")).unwrap_err();
    assert!(matches!(&err, Error::UnknownUser { user } if user.as_str() == "nobody"));
    assert_eq!(err.to_string(), r#"unknown user "nobody""#);
    let err = explain_column_access(&store, uid("nobody"), &secured()[0]).unwrap_err();
    assert!(matches!(err, Error::UnknownUser { .. }));
}

#[test]
fn invalid_column_keys_are_refused_with_the_reason() {
    let cases = [
        ("bot", KeyError::MissingDot, "expected `entity.column`"),
        (".name", KeyError::EmptyEntity, "the entity is empty"),
        ("bot.", KeyError::EmptyColumn, "the column is empty"),
        (
            "bot.na.me",
            KeyError::BadCharacter('.'),
            "character '.' is not allowed (use a-z, 0-9 and _)",
        ),
        (
            "Bot.name",
            KeyError::BadCharacter('B'),
            "character 'B' is not allowed (use a-z, 0-9 and _)",
        ),
    ];
    for (text, reason, why) in cases {
        let err = ColumnKey::new(text).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidColumn { key, reason: r } if key == text && *r == reason),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("invalid column key {text:?}: {why}")
        );
    }
    let err = ColumnKey::from_parts("bot", "").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"invalid column key "bot.": the column is empty"#
    );
    let err = serde_json::from_str::<DirectoryDoc>(r#"{ "secured_columns": ["bot:secret"] }"#)
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(r#"invalid column key "bot:secret": expected `entity.column`"#),
        "{err}"
    );
}

#[track_caller]
fn refused(doc: DirectoryDoc) -> Error {
    match Directory::try_from(doc) {
        Ok(_) => panic!("the document was accepted"),
        Err(err) => err,
    }
}

/// One user, one team, one custom secured column and one profile over it.
fn small() -> DirectoryDoc {
    DirectoryDoc {
        teams: vec![Team::new("t1", "").with_member("u1")],
        users: vec![User::new("u1", "").with_team("t1"), User::new("u2", "")],
        secured_columns: vec![col("bot.secret")],
        column_profiles: vec![
            ColumnProfile::new("p1", "P1")
                .with_user("u2")
                .with_team("t1")
                .with_permission(col("bot.secret"), ColumnAccess::read_only()),
        ],
        ..DirectoryDoc::default()
    }
}

#[test]
fn column_load_errors_name_the_ids() {
    assert!(Directory::try_from(small()).is_ok());
    type Edit = fn(&mut DirectoryDoc);
    let cases: Vec<(Edit, &str)> = vec![
        (
            |d| d.secured_columns.push(col("bot.secret")),
            r#"duplicate column id "bot.secret""#,
        ),
        (
            |d| d.column_profiles.push(ColumnProfile::new("p1", "again")),
            r#"duplicate column profile id "p1""#,
        ),
        (
            |d| d.column_profiles.push(ColumnProfile::new("", "")),
            "column profile number 2 has an empty id",
        ),
        (
            |d| d.column_profiles[0].users.push("ghost".into()),
            r#"column profile "p1" references unknown user "ghost""#,
        ),
        (
            |d| d.column_profiles[0].teams.push("ghost".into()),
            r#"column profile "p1" references unknown team "ghost""#,
        ),
        (
            |d| d.column_profiles[0].users.push("u2".into()),
            r#"column profile "p1" lists user "u2" twice"#,
        ),
        (
            |d| d.column_profiles[0].teams.push("t1".into()),
            r#"column profile "p1" lists team "t1" twice"#,
        ),
        (
            |d| {
                d.column_profiles[0]
                    .permissions
                    .insert(col("bot.name"), ColumnAccess::ALL);
            },
            r#"column profile "p1" grants permissions on column "bot.name", which is not secured"#,
        ),
    ];
    for (edit, message) in cases {
        let mut doc = small();
        edit(&mut doc);
        assert_eq!(refused(doc).to_string(), message);
    }

    let mut doc = small();
    doc.secured_columns.push(col("bot.secret"));
    assert!(matches!(
        refused(doc),
        Error::DuplicateId { entity: EntityRef::Column(c) } if c.as_str() == "bot.secret"
    ));
    let mut doc = small();
    doc.column_profiles.push(ColumnProfile::new("", ""));
    assert!(matches!(
        refused(doc),
        Error::EmptyId {
            kind: EntityKind::ColumnProfile,
            position: 2
        }
    ));
    let mut doc = small();
    doc.column_profiles[0]
        .permissions
        .insert(col("bot.name"), ColumnAccess::ALL);
    let Error::ColumnNotSecured { profile, column } = refused(doc) else {
        panic!()
    };
    assert_eq!((profile.as_str(), column.as_str()), ("p1", "bot.name"));

    // A secured column of the catalogue can't be declared again.
    let org = DirectoryDoc {
        secured_columns: vec![secured()[0].clone()],
        ..DirectoryDoc::default()
    };
    assert_eq!(
        Directory::builtin_with(org).unwrap_err().to_string(),
        r#"duplicate column id "msdyn_authenticationsettings.msdyn_authenticationclientsecret""#
    );
}

#[test]
fn column_documents_refuse_repeated_columns_and_unknown_fields() {
    for (json, needle) in [
        (
            r#"{ "column_profiles": [ { "id": "p", "permissions": { "a.b": {}, "a.b": {} } } ] }"#,
            r#"key "a.b" occurs twice"#,
        ),
        (
            r#"{ "column_profiles": [ { "id": "p", "permissions": { "a.b": { "delete": true } } } ] }"#,
            "unknown field `delete`",
        ),
        (
            r#"{ "column_profiles": [ { "id": "p", "members": [] } ] }"#,
            "unknown field `members`",
        ),
    ] {
        let err = serde_json::from_str::<DirectoryDoc>(json).unwrap_err();
        assert!(err.to_string().contains(needle), "{json}: {err}");
    }
}

#[test]
fn custom_secured_columns_and_profiles_load_answer_and_round_trip() {
    let json = r#"{
        "privileges": [ { "key": "shift_report:read" } ],
        "roles": [ { "id": "reports", "grants": { "shift_report:read": "user" } } ],
        "users": [ { "id": "u1", "roles": ["reports"] } ],
        "secured_columns": ["shift_report.salary"],
        "column_profiles": [ { "id": "hr", "name": "HR", "users": ["u1"],
                               "permissions": { "shift_report.salary": { "read": true } } } ]
    }"#;
    let directory = Directory::builtin_with(serde_json::from_str(json).unwrap()).unwrap();
    assert_eq!(directory.secured_columns().len(), 22);
    assert!(directory.is_secured_column("shift_report.salary"));
    assert_eq!(directory.column_profile("hr").unwrap().name, "HR");
    let store = MemoryStore::new(directory.clone());
    assert_eq!(
        column_access(&store, uid("u1"), col("shift_report.salary")).unwrap(),
        ColumnAccess::read_only()
    );
    let text = serde_json::to_string_pretty(&directory).unwrap();
    let again: Directory = serde_json::from_str(&text).unwrap();
    assert_eq!(again, directory);
    assert_eq!(serde_json::to_string_pretty(&again).unwrap(), text);
}

#[test]
fn the_example_organisation_opens_the_whatsapp_token_to_exactly_its_profiles_and_admin() {
    let org = serde_json::from_str(include_str!("../examples/data/contoso.json")).unwrap();
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    assert_eq!(store.directory().column_profiles().len(), 2);
    let token = col("msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken");
    let readers: Vec<&str> = store
        .directory()
        .users()
        .filter(|u| column_access(&store, &u.id, &token).unwrap().read)
        .map(|u| u.id.as_str())
        .collect();
    assert_eq!(readers, ["gabriel-diaz", "kayla-lewis", "angel-chiu"]);
    assert_eq!(
        column_access(&store, uid("angel-chiu"), &token).unwrap(),
        ColumnAccess::ALL
    );
    let sms = col("msdyn_ocsmssettingsecret.msdyn_secureapikey");
    assert_eq!(
        column_access(&store, uid("angel-chiu"), &sms).unwrap(),
        ColumnAccess {
            read: true,
            update: true,
            create: false
        }
    );
}

#[test]
fn the_catalogue_docs_name_every_secured_column() {
    let readme = include_str!("../src/catalog.rs");
    for (entity, columns) in SEED_SECRETS {
        assert!(readme.contains(&format!("`{entity}`")), "{entity}");
        for column in columns {
            assert!(readme.contains(&format!("`{column}`")), "{column}");
        }
    }
}

// ---------------------------------------------------------------------------
// Administration of column security profiles
// ---------------------------------------------------------------------------

const TOKEN: &str = "msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken";

fn snapshot(store: &MemoryStore) -> String {
    serde_json::to_string(store.directory()).unwrap()
}

/// The `profiles()` organisation, as `actor` administers it: the answer, and
/// whether the stored state moved.
#[track_caller]
fn administer_columns(
    store: &mut MemoryStore,
    actor: &str,
    op: AdminOp,
) -> Result<(), (Error, bool)> {
    let before = snapshot(store);
    administer(store, uid(actor), &op).map_err(|err| (err, snapshot(store) != before))
}

#[test]
fn a_system_administrator_creates_updates_and_deletes_column_profiles() {
    let mut store = profiles();
    let token = col(TOKEN);
    let access = |store: &MemoryStore| column_access(store, uid("admin"), &token).unwrap();
    assert_eq!(access(&store), ColumnAccess::NONE);

    // Through a team holding System Administrator, and through inclusion.
    let grant = ColumnProfile::new("tokens", "Tokens")
        .with_user("admin")
        .with_permission(token.clone(), ColumnAccess::read_only());
    administer_columns(
        &mut store,
        "sys-team",
        AdminOp::CreateColumnProfile {
            profile: grant.clone(),
        },
    )
    .unwrap();
    assert_eq!(access(&store), ColumnAccess::read_only());

    let all = grant
        .clone()
        .with_permission(token.clone(), ColumnAccess::ALL);
    administer_columns(
        &mut store,
        "sys-included",
        AdminOp::UpdateColumnProfile { profile: all },
    )
    .unwrap();
    assert_eq!(access(&store), ColumnAccess::ALL);

    administer_columns(
        &mut store,
        "sys-team",
        AdminOp::DeleteColumnProfile {
            profile: "tokens".into(),
        },
    )
    .unwrap();
    assert_eq!(access(&store), ColumnAccess::NONE);
    assert!(store.directory().column_profile("tokens").is_none());
}

#[test]
fn every_refused_column_profile_operation_has_its_error_and_changes_nothing() {
    let mut store = profiles();
    let token = col(TOKEN);
    let grant = |id: &str| {
        ColumnProfile::new(id, "").with_permission(token.clone(), ColumnAccess::read_only())
    };
    let create = |profile| AdminOp::CreateColumnProfile { profile };
    let cases: Vec<(&str, AdminOp, &str)> = vec![
        (
            // Omnichannel administrator is not System Administrator.
            "admin",
            create(grant("new")),
            r#"user "admin" lacks role "system-administrator""#,
        ),
        ("ghost", create(grant("new")), r#"unknown user "ghost""#),
        (
            "sys-team",
            create(grant("readers")),
            r#"duplicate column profile id "readers""#,
        ),
        (
            "sys-team",
            create(grant("")),
            "column profile number 1 has an empty id",
        ),
        (
            "sys-team",
            create(grant("new").with_user("nobody")),
            r#"column profile "new" references unknown user "nobody""#,
        ),
        (
            "sys-team",
            create(grant("new").with_team("t").with_team("t")),
            r#"column profile "new" lists team "t" twice"#,
        ),
        (
            "sys-team",
            create(grant("new").with_permission(col("queue.name"), ColumnAccess::ALL)),
            r#"column profile "new" grants permissions on column "queue.name", which is not secured"#,
        ),
        (
            "sys-team",
            AdminOp::UpdateColumnProfile {
                profile: grant("nowhere"),
            },
            r#"unknown column profile "nowhere""#,
        ),
        (
            "sys-team",
            AdminOp::DeleteColumnProfile {
                profile: "nowhere".into(),
            },
            r#"unknown column profile "nowhere""#,
        ),
    ];
    for (actor, op, message) in cases {
        let (err, moved) = administer_columns(&mut store, actor, op).unwrap_err();
        assert_eq!(err.to_string(), message);
        assert!(!moved, "{message}");
    }
    let (err, _) = administer_columns(&mut store, "direct", create(grant("new"))).unwrap_err();
    assert!(matches!(
        err,
        Error::AccessDenied {
            missing: Requirement::Role(_),
            ..
        }
    ));
}

#[test]
fn the_memory_store_refuses_a_column_profile_that_breaks_a_rule() {
    let mut store = profiles();
    let before = snapshot(&store);
    let bad = ColumnProfile::new("bad", "").with_permission(col("queue.name"), ColumnAccess::ALL);
    let err = store
        .apply(&[
            Change::RemoveColumnProfile("readers".into()),
            Change::PutColumnProfile(bad),
        ])
        .unwrap_err();
    assert!(err.to_string().contains("which is not secured"));
    assert_eq!(snapshot(&store), before);
}
