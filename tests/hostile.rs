//! Hostile input to the loader and the queries: arbitrary JSON values and
//! deeply nested JSON, a 10 000-deep inclusion chain and a 10 000-role
//! cycle (no stack overflow: the algorithms are iterative), ids with
//! unicode, empty ids and 1 MiB ids and names, a directory of a million
//! users, and JSON objects with a key written twice. Arbitrary bytes, JSON
//! token soup and byte edits of valid documents are laws in `tests/laws.rs`,
//! where whatever loads is also checked against the reference resolver.
//!
//! "A typed error" here: the format's own error (`serde_json::Error`) for
//! what a single field can tell, and the crate's [`Error`] from
//! `Directory::try_from` for the rules of the whole; the two loading paths
//! agree, and the first carries the second's message.

// Tests opt out of the crate's no-panic lints: a failed unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    // The million-user test reports its timings.
    clippy::print_stderr
)]

mod common;

use std::time::Instant;

use common::HostStore;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;
use rbac_profiles::testkit::strategies::{Conflicts, org};
use rbac_profiles::{
    AccessLevel, AdminOp, Change, ColumnKey, ColumnProfile, Directory, DirectoryDoc, EntityKind,
    Error, MemoryStore, Privilege, PrivilegeDef, Profile, Reason, Record, Resolution, Role, RoleId,
    Snapshot, StoreMut, Team, Template, TemplateKind, User, UserId, administer, catalog, diagnose,
    diagnose_user, explain_access, explain_privilege, has_privilege, resolve_profile,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// Arbitrary JSON values
// ---------------------------------------------------------------------------

/// Object keys: the document's own field names most of the time.
fn json_key() -> impl Strategy<Value = String> {
    let fields = vec![
        "privileges",
        "roles",
        "teams",
        "users",
        "templates",
        "profiles",
        "fallback_profile",
        "secured_columns",
        "column_profiles",
        "id",
        "key",
        "name",
        "description",
        "grants",
        "includes",
        "members",
        "kind",
        "settings",
        "rank",
        "default",
        "session_templates",
        "notification_templates",
        "channels",
        "productivity_pane",
        "enabled",
        "tools",
        "permissions",
        "read",
        "update",
        "create",
        "e0:read",
        "bot:read",
        "msdyn_ocapplepay.msdyn_ocmerchantcertificatepassword",
    ];
    prop_oneof![4 => select(fields).prop_map(str::to_owned), 1 => "(?s).{0,6}"]
}

/// Strings: ids and names the documents use, level and kind names, or
/// anything.
fn json_string() -> impl Strategy<Value = String> {
    let words = vec![
        "",
        "r0",
        "u0",
        "t0",
        "p0",
        "tpl0",
        "basic-user",
        "omnichannel-agent",
        "e0:read",
        "bot:read",
        "organization",
        "none",
        "custom",
        "out_of_box",
        "session",
        "notification",
        "chat",
        "smart_assist",
        "default-agent-experience-profile",
    ];
    prop_oneof![3 => select(words).prop_map(str::to_owned), 1 => "(?s).{0,8}"]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u32>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        json_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((json_key(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// `value` with the node `path` leads to replaced by `new`: at each level,
/// stop here or step into one child.
fn replace_node(value: &mut Value, path: &[Index], new: Value) {
    let Some((step, rest)) = path.split_first() else {
        *value = new;
        return;
    };
    let children = match value {
        Value::Array(items) => items.len(),
        Value::Object(fields) => fields.len(),
        _ => 0,
    };
    // One chance in (children + 1) to stop at this node.
    let pick = step.index(children + 1);
    match value {
        Value::Array(items) if pick < children => replace_node(&mut items[pick], rest, new),
        Value::Object(fields) if pick < children => {
            let child = fields.values_mut().nth(pick).unwrap();
            replace_node(child, rest, new);
        }
        _ => *value = new,
    }
}

/// A valid document (the built-in catalogue and a generated organisation)
/// as a JSON value, with one node replaced by an arbitrary value.
fn edited_document() -> impl Strategy<Value = Value> {
    (
        org(Conflicts::Included),
        vec(any::<Index>(), 1..8),
        json_value(),
    )
        .prop_map(|(org, path, new)| {
            let mut doc = DirectoryDoc::builtin();
            doc.extend(org);
            let mut value = serde_json::to_value(&doc).unwrap();
            replace_node(&mut value, &path, new);
            value
        })
}

/// Loads `value` both ways: they agree, a refusal is a typed error, and
/// whatever loads answers every query without panicking.
fn check_loader(value: &Value) -> Result<(), TestCaseError> {
    let direct = serde_json::from_value::<Directory>(value.clone());
    let Ok(doc) = serde_json::from_value::<DirectoryDoc>(value.clone()) else {
        prop_assert!(
            direct.is_err(),
            "a Directory loaded where its document did not"
        );
        return Ok(());
    };
    match (Directory::try_from(doc), direct) {
        (Ok(checked), Ok(direct)) => {
            prop_assert_eq!(&checked, &direct);
            let store = MemoryStore::new(checked);
            diagnose(&store)?;
            for user in store.directory().users() {
                match resolve_profile(&store, &user.id) {
                    Ok(_) | Err(Error::NoFallbackProfile) => {}
                    Err(err) => return Err(TestCaseError::fail(format!("{}: {err}", user.id))),
                }
            }
        }
        (Err(typed), Err(serde)) => {
            let message = typed.to_string();
            prop_assert!(
                serde.to_string().contains(&message),
                "{} vs {}",
                serde,
                message
            );
        }
        (checked, direct) => {
            return Err(TestCaseError::fail(format!(
                "the two loading paths disagree: {checked:?} vs {direct:?}"
            )));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any JSON value: loads, or is refused with a typed error.
    #[test]
    fn arbitrary_json_values_never_panic(value in json_value()) {
        check_loader(&value)?;
    }

    /// A valid document with any one node replaced by any value.
    #[test]
    fn a_document_with_one_node_replaced_never_panics(value in edited_document()) {
        check_loader(&value)?;
    }
}

#[test]
fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let in_a_field = format!(r#"{{ "roles": {arrays} }}"#);
    let objects = format!("{}{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    for json in [arrays, in_a_field, objects] {
        assert!(serde_json::from_str::<DirectoryDoc>(&json).is_err());
        assert!(serde_json::from_str::<Directory>(&json).is_err());
    }
}

// ---------------------------------------------------------------------------
// Deep inclusion and cycles
// ---------------------------------------------------------------------------

const DEPTH: usize = 10_000;

fn key(text: &str) -> Privilege {
    Privilege::new(text).unwrap()
}

fn chain_role(i: usize) -> RoleId {
    RoleId::from(format!("c{i}"))
}

/// `c0` includes `c1`, …, `c{n-1}`; the last grants `shift_report:read` and
/// includes App profile manager administrator.
fn chain(n: usize) -> Vec<Role> {
    (0..n)
        .map(|i| {
            let role = Role::new(chain_role(i), "");
            if i + 1 < n {
                role.with_include(chain_role(i + 1))
            } else {
                role.with_grant(key("shift_report:read"), AccessLevel::BusinessUnit)
                    .with_include(catalog::APP_PROFILE_MANAGER_ADMINISTRATOR)
            }
        })
        .collect()
}

#[test]
fn a_10000_deep_inclusion_chain_loads_and_answers() {
    let mut org = DirectoryDoc {
        privileges: vec![PrivilegeDef::new(key("shift_report:read"), "")],
        roles: chain(DEPTH),
        ..DirectoryDoc::default()
    };
    org.users
        .push(User::new("top", "Top").with_role(chain_role(0)));
    org.profiles.push(
        Profile::new("deep", "Deep")
            .with_rank(1)
            .with_role(chain_role(0)),
    );
    // Through JSON, the loader's path.
    let json = serde_json::to_string(&org).unwrap();
    let org: DirectoryDoc = serde_json::from_str(&json).unwrap();
    let mut store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    let top = UserId::from("top");

    assert!(has_privilege(&store, &top, key("shift_report:read")).unwrap());
    let routes = explain_privilege(&store, &top, key("shift_report:read")).unwrap();
    assert_eq!(routes.len(), 1);
    assert_eq!(routes[0].chain.len(), DEPTH);
    assert_eq!(routes[0].chain.last(), Some(&chain_role(DEPTH - 1)));
    assert_eq!(
        resolve_profile(&store, &top).unwrap().profile.as_str(),
        "deep"
    );
    diagnose_user(&store, &top).unwrap();
    // The administration privilege sits 10 000 inclusions down.
    let op = AdminOp::DeleteProfile {
        profile: "deep".into(),
    };
    administer(&mut store, &top, &op).unwrap();
    assert!(store.directory().profile("deep").is_none());
}

/// Every role of a 10 000-deep chain grants: 10 000 routes whose chains add
/// up to 50 million roles, but share their links, so the answer stays the
/// size of the chain (a copy per route would take gigabytes).
#[test]
fn a_10000_deep_granting_chain_explains_in_linear_size() {
    let roles: Vec<Role> = chain(DEPTH)
        .into_iter()
        .map(|role| role.with_grant(key("shift_report:read"), AccessLevel::User))
        .collect();
    let mut org = DirectoryDoc {
        privileges: vec![PrivilegeDef::new(key("shift_report:read"), "")],
        roles,
        ..DirectoryDoc::default()
    };
    org.users
        .push(User::new("top", "Top").with_role(chain_role(0)));
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    let snapshot = Snapshot::compile(&store).unwrap();
    let record = Record::owned_by_user("top");
    let by_store = explain_privilege(&store, "top", key("shift_report:read")).unwrap();
    let by_snapshot = snapshot
        .explain_privilege("top", key("shift_report:read"))
        .unwrap();
    let access = explain_access(&store, "top", key("shift_report:read"), &record).unwrap();
    assert_eq!(by_store.len(), DEPTH);
    assert_eq!(access.len(), DEPTH);
    assert_eq!(by_store, by_snapshot);
    // Routes come in role id order (c0, c1, c10, …): each chain ends at its
    // role and is as long as the role is deep.
    for route in &by_store {
        let depth: usize = route.role.as_str()[1..].parse().unwrap();
        assert_eq!(route.chain.len(), depth + 1);
        assert_eq!(route.chain.last(), Some(&route.role));
    }
}

#[test]
fn a_10000_role_cycle_is_refused_on_load() {
    let mut roles = chain(DEPTH);
    roles.last_mut().unwrap().includes.push(chain_role(0));
    let doc = DirectoryDoc {
        privileges: vec![PrivilegeDef::new(key("shift_report:read"), "")],
        roles,
        ..DirectoryDoc::default()
    };
    // The catalogue role the chain includes is missing here: drop that
    // include so the cycle is the first thing refused.
    let mut doc = doc;
    for role in &mut doc.roles {
        role.includes
            .retain(|r| *r != catalog::APP_PROFILE_MANAGER_ADMINISTRATOR);
    }
    let err = Directory::try_from(doc).unwrap_err();
    let Error::InclusionCycle { cycle } = &err else {
        panic!("{err}");
    };
    assert_eq!(cycle.len(), DEPTH + 1);
    assert_eq!(cycle.first(), cycle.last());
    assert!(
        err.to_string()
            .starts_with(r#"role inclusion cycle: "c0" -> "c1" -> "#)
    );
}

#[test]
fn a_10000_role_cycle_in_a_host_store_is_walked_once() {
    let mut doc = DirectoryDoc::builtin();
    let mut roles = chain(DEPTH);
    roles.last_mut().unwrap().includes.push(chain_role(0));
    doc.roles.extend(roles);
    doc.privileges
        .push(PrivilegeDef::new(key("shift_report:read"), ""));
    // Held at the top and at the bottom of the cycle.
    doc.users
        .push(User::new("top", "").with_role(chain_role(0)));
    doc.users
        .push(User::new("bottom", "").with_role(chain_role(DEPTH - 1)));
    let mut store = HostStore::unchecked(doc);
    let shift = key("shift_report:read");
    for (user, chain_len) in [("top", DEPTH), ("bottom", 1)] {
        let user = UserId::from(user);
        assert!(has_privilege(&store, &user, &shift).unwrap());
        let routes = explain_privilege(&store, &user, &shift).unwrap();
        assert_eq!(routes.len(), 1);
        assert_eq!(routes[0].chain.len(), chain_len);
        assert_eq!(
            resolve_profile(&store, &user).unwrap().reason,
            Reason::OutOfBox
        );
        diagnose_user(&store, &user).unwrap();
    }
    // App profile manager administrator is in the cycle too: both may
    // administer.
    for (user, profile) in [("top", "p1"), ("bottom", "p2")] {
        let op = AdminOp::CreateProfile {
            profile: profile.into(),
            name: String::new(),
            settings: Default::default(),
        };
        administer(&mut store, user, &op).unwrap();
    }
    assert_eq!(store.profiles.len(), 3);
}

// ---------------------------------------------------------------------------
// Unusual, empty and huge ids
// ---------------------------------------------------------------------------

/// Ids no one should have to support, and everyone does: scripts, combining
/// marks, emoji sequences, bidirectional overrides, control characters,
/// quotes and backslashes, look-alikes of other ids, SQL and markup.
const UNUSUAL: [&str; 14] = [
    "rôle-ß-日本",
    "שלום",
    "👩\u{200d}👩\u{200d}👧",
    "e\u{301}",
    "\u{202e}nimda",
    "\u{0}",
    "tab\tnew\nline",
    "\"quoted\\",
    " ",
    "\u{feff}",
    "\u{10ffff}",
    "basic-user ",
    "'; DROP TABLE users; --",
    "</script>",
];

/// An organisation whose every id is `id` (with a kind prefix only where
/// ids of one kind would clash): a role, a team, a user in it, a template,
/// a profile mapping the role with the template, and a column profile.
fn org_named(id: &str, name: &str) -> DirectoryDoc {
    let key = key("shift_report:read");
    let column = ColumnKey::new("shift_report.salary_notes").unwrap();
    DirectoryDoc {
        privileges: vec![PrivilegeDef::new(key.clone(), name)],
        roles: vec![
            Role::new(id, name)
                .with_grant(key, AccessLevel::User)
                .with_include(catalog::OMNICHANNEL_AGENT),
        ],
        teams: vec![Team::new(id, name).with_role(id).with_member(id)],
        users: vec![User::new(id, name).with_role(id).with_team(id)],
        templates: vec![Template::new(id, name, TemplateKind::Session)],
        profiles: vec![
            Profile::new(id, name)
                .with_rank(1)
                .with_role(id)
                .with_settings(rbac_profiles::ProfileSettings::default().with_session_template(id)),
        ],
        secured_columns: vec![column.clone()],
        column_profiles: vec![
            ColumnProfile::new(id, name)
                .with_user(id)
                .with_team(id)
                .with_permission(column, rbac_profiles::ColumnAccess::ALL),
        ],
        ..DirectoryDoc::default()
    }
}

/// `org` loads through JSON, round-trips, and answers for its user `id`.
#[track_caller]
fn loads_and_answers(org: DirectoryDoc, id: &str) {
    let json = serde_json::to_string(&org).unwrap();
    let again: DirectoryDoc = serde_json::from_str(&json).unwrap();
    assert_eq!(again, org);
    let directory = Directory::builtin_with(again).unwrap();
    let json = serde_json::to_string(&directory).unwrap();
    assert_eq!(serde_json::from_str::<Directory>(&json).unwrap(), directory);

    let store = MemoryStore::new(directory);
    let user = UserId::from(id);
    assert!(has_privilege(&store, &user, key("shift_report:read")).unwrap());
    assert!(has_privilege(&store, &user, key("app_profile:read")).unwrap());
    let resolution = resolve_profile(&store, &user).unwrap();
    assert_eq!(resolution.profile.as_str(), id);
    assert_eq!(
        resolution.reason,
        Reason::RoleRank {
            role: id.into(),
            rank: 1
        }
    );
    // The profile grants everything on the secured column; the role only
    // reads the table, and a secured column narrows what the table opens.
    let column = ColumnKey::new("shift_report.salary_notes").unwrap();
    let access = rbac_profiles::column_access(&store, &user, &column).unwrap();
    assert_eq!(access, rbac_profiles::ColumnAccess::read_only());
    diagnose_user(&store, &user).unwrap();
}

#[test]
fn ids_with_unicode_load_answer_and_round_trip() {
    for id in UNUSUAL {
        loads_and_answers(org_named(id, id), id);
    }
}

#[test]
fn one_mebibyte_ids_and_names_load_answer_and_round_trip() {
    let huge = "ü".repeat(1 << 19);
    assert_eq!(huge.len(), 1 << 20);
    loads_and_answers(org_named(&huge, &huge), &huge);
    // A 1 MiB privilege key, and a refusal naming a 1 MiB id.
    let long_key = key(&format!("{}:read", "k".repeat(1 << 20)));
    let mut org = org_named("u", "");
    org.privileges.push(PrivilegeDef::new(long_key.clone(), ""));
    org.roles[0]
        .grants
        .insert(long_key.clone(), AccessLevel::Organization);
    let store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    assert!(has_privilege(&store, "u", &long_key).unwrap());
    let mut org = org_named("u", "");
    org.users[0].roles.push(huge.as_str().into());
    let err = Directory::builtin_with(org).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(r#"user "u" references unknown role "{huge}""#)
    );
}

#[test]
fn empty_ids_are_typed_errors_naming_kind_and_position() {
    let cases: [(Value, EntityKind); 6] = [
        (
            json!({ "roles": [{ "id": "a" }, { "id": "" }] }),
            EntityKind::Role,
        ),
        (json!({ "teams": [{ "id": "" }] }), EntityKind::Team),
        (
            json!({ "users": [{ "id": "a" }, { "id": "b" }, { "id": "" }] }),
            EntityKind::User,
        ),
        (
            json!({ "templates": [{ "id": "", "kind": "session" }] }),
            EntityKind::Template,
        ),
        (json!({ "profiles": [{ "id": "" }] }), EntityKind::Profile),
        (
            json!({ "column_profiles": [{ "id": "" }] }),
            EntityKind::ColumnProfile,
        ),
    ];
    for (value, kind) in cases {
        let doc: DirectoryDoc = serde_json::from_value(value.clone()).unwrap();
        let err = Directory::try_from(doc).unwrap_err();
        let Error::EmptyId {
            kind: found,
            position,
        } = err
        else {
            panic!("{value}: {err}");
        };
        assert_eq!(found, kind, "{value}");
        let expected = value.as_object().unwrap().values().next().unwrap();
        assert_eq!(position, expected.as_array().unwrap().len(), "{value}");
        check_loader(&value).unwrap();
    }
    // An empty privilege key, or an empty reference, names what is wrong.
    let err = serde_json::from_value::<DirectoryDoc>(json!({ "privileges": [{ "key": "" }] }))
        .unwrap_err();
    assert!(
        err.to_string().contains(r#"invalid privilege key """#),
        "{err}"
    );
    let doc: DirectoryDoc =
        serde_json::from_value(json!({ "users": [{ "id": "u", "roles": [""] }] })).unwrap();
    let err = Directory::builtin_with(doc).unwrap_err();
    assert_eq!(err.to_string(), r#"user "u" references unknown role """#);
    // Administration and change sets refuse them too.
    let mut store = MemoryStore::new(Directory::builtin_with(org_named("u", "")).unwrap());
    let mut admin = org_named("u", "");
    admin.users[0]
        .roles
        .push(catalog::SYSTEM_ADMINISTRATOR.into());
    admin.users[0]
        .roles
        .push(catalog::APP_PROFILE_MANAGER_ADMINISTRATOR.into());
    let mut store_admin = MemoryStore::new(Directory::builtin_with(admin).unwrap());
    for op in [
        AdminOp::CreateTemplate {
            template: Template::new("", "", TemplateKind::Session),
        },
        AdminOp::CreateColumnProfile {
            profile: ColumnProfile::new("", ""),
        },
    ] {
        let err = administer(&mut store_admin, "u", &op).unwrap_err();
        assert!(matches!(err, Error::EmptyId { position: 1, .. }), "{err}");
    }
    let err = store
        .apply(&[Change::PutProfile(Profile::new("", ""))])
        .unwrap_err();
    assert_eq!(err.to_string(), "profile number 1 has an empty id");
}

// ---------------------------------------------------------------------------
// A million users
// ---------------------------------------------------------------------------

const USERS: usize = 1_000_000;

/// What user `i` of the big directory gets: one in 1000 is directly
/// assigned; the others by their roles (`i % 4`: agent, supervisor, both,
/// none), one in 7 also in a supervisors' team, which never counts.
fn expected(i: usize) -> Resolution {
    let rank = |role: RoleId, rank| Reason::RoleRank { role, rank };
    match i % 4 {
        _ if i % 1000 == 0 => Resolution::new("direct", Reason::Direct),
        0 => Resolution::new("agents", rank(catalog::OMNICHANNEL_AGENT, 2)),
        1 | 2 => Resolution::new("supervisors", rank(catalog::OMNICHANNEL_SUPERVISOR, 1)),
        _ => Resolution::new("everyone", Reason::Default),
    }
}

#[test]
fn a_million_user_directory_loads_and_resolves() {
    let start = Instant::now();
    let mut org = DirectoryDoc::default();
    for t in 0..10 {
        org.teams
            .push(Team::new(format!("t{t}"), "").with_role(catalog::OMNICHANNEL_SUPERVISOR));
    }
    let mut direct = Profile::new("direct", "Direct");
    for i in 0..USERS {
        let mut user = User::new(format!("u{i}"), format!("User {i}"));
        user.roles = match i % 4 {
            0 => vec![catalog::OMNICHANNEL_AGENT.into()],
            1 => vec![catalog::OMNICHANNEL_SUPERVISOR.into()],
            2 => vec![
                catalog::OMNICHANNEL_AGENT.into(),
                catalog::OMNICHANNEL_SUPERVISOR.into(),
            ],
            _ => Vec::new(),
        };
        if i % 7 == 0 {
            let team = &mut org.teams[i % 10];
            team.members.push(user.id.clone());
            user.teams.push(team.id.clone());
        }
        if i % 1000 == 0 {
            direct.users.push(user.id.clone());
        }
        org.users.push(user);
    }
    org.profiles = vec![
        Profile::new("supervisors", "Supervisors")
            .with_rank(1)
            .with_role(catalog::OMNICHANNEL_SUPERVISOR),
        Profile::new("agents", "Agents")
            .with_rank(2)
            .with_role(catalog::OMNICHANNEL_AGENT),
        Profile::new("everyone", "Everyone").as_default(),
        direct,
    ];
    let mut doc = DirectoryDoc::builtin();
    doc.extend(org);
    let json = serde_json::to_vec(&doc).unwrap();
    drop(doc);
    let built = start.elapsed();

    // The loader: parse and check the whole document.
    let directory: Directory = serde_json::from_slice(&json).unwrap();
    drop(json);
    assert_eq!(directory.users().len(), USERS);
    let loaded = start.elapsed();

    let store = MemoryStore::new(directory);
    for i in 0..USERS {
        let user = UserId::from(format!("u{i}"));
        assert_eq!(resolve_profile(&store, &user).unwrap(), expected(i), "u{i}");
    }
    let resolved = start.elapsed();
    // Team roles grant privileges, though they never map a profile.
    let transfer = key("conversation:transfer");
    assert!(has_privilege(&store, "u7", &transfer).unwrap());
    assert!(!has_privilege(&store, "u4", &transfer).unwrap());
    eprintln!(
        "{USERS} users: built and serialized in {built:?}, loaded by {loaded:?}, all resolved by {resolved:?}"
    );
}

// ---------------------------------------------------------------------------
// Keys written twice
// ---------------------------------------------------------------------------

#[test]
fn a_json_key_written_twice_is_refused_naming_it() {
    let cases = [
        (r#"{ "users": [], "users": [] }"#, "duplicate field `users`"),
        (
            r#"{ "users": [ { "id": "a", "id": "b" } ] }"#,
            "duplicate field `id`",
        ),
        (
            r#"{ "privileges": [ { "key": "bot:read" } ],
                 "roles": [ { "id": "r", "grants": { "bot:read": "user", "bot:read": "none" } } ] }"#,
            r#"key "bot:read" occurs twice"#,
        ),
        (
            r#"{ "column_profiles": [ { "id": "c", "permissions": {
                 "msdyn_ocapplepay.msdyn_ocmerchantcertificatepassword": { "read": true },
                 "msdyn_ocapplepay.msdyn_ocmerchantcertificatepassword": { "update": true } } } ] }"#,
            r#"key "msdyn_ocapplepay.msdyn_ocmerchantcertificatepassword" occurs twice"#,
        ),
        (
            r#"{ "column_profiles": [ { "id": "c", "permissions": {
                 "msdyn_ocapplepay.msdyn_ocmerchantcertificatepassword": { "read": true, "read": false } } } ] }"#,
            "duplicate field `read`",
        ),
        (
            r#"{ "profiles": [ { "id": "p", "settings": { "channels": [], "channels": [] } } ] }"#,
            "duplicate field `channels`",
        ),
        (
            r#"{ "profiles": [ { "id": "p", "rank": 1, "rank": 2 } ] }"#,
            "duplicate field `rank`",
        ),
    ];
    for (json, needle) in cases {
        let err = serde_json::from_str::<DirectoryDoc>(json).unwrap_err();
        assert!(err.to_string().contains(needle), "{json}: {err}");
        let err = serde_json::from_str::<Directory>(json).unwrap_err();
        assert!(err.to_string().contains(needle), "{json}: {err}");
    }
    let err = serde_json::from_str::<AdminOp>(
        r#"{ "op": "delete_profile", "profile": "a", "profile": "b" }"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("duplicate field `profile`"),
        "{err}"
    );
    // An id written twice in a list is the crate's typed error.
    let doc: DirectoryDoc =
        serde_json::from_str(r#"{ "users": [ { "id": "a" }, { "id": "a" } ] }"#).unwrap();
    let err = Directory::try_from(doc).unwrap_err();
    assert_eq!(err.to_string(), r#"duplicate user id "a""#);
    // Channels and tools are sets: written twice, they count once.
    let doc: DirectoryDoc = serde_json::from_str(
        r#"{ "profiles": [ { "id": "p", "settings": { "channels": ["chat", "chat"],
             "productivity_pane": { "tools": ["macros", "macros"] } } } ] }"#,
    )
    .unwrap();
    assert_eq!(doc.profiles[0].settings.channels.len(), 1);
    assert_eq!(doc.profiles[0].settings.productivity_pane.tools.len(), 1);
}
