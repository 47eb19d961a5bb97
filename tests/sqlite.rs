//! The SQLite store of `examples/sqlite_store.rs`: the conformance suite,
//! one transaction per change set, and a database file that outlives its
//! connection.

// Tests opt out of the crate's no-panic lints: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../examples/sqlite_store/store.rs"]
mod store;

use rbac_profiles::testkit::conformance::check_store;
use rbac_profiles::testkit::seed004;
use rbac_profiles::{
    Change, Directory, DirectoryDoc, MemoryStore, Profile, Role, Store, StoreMut, Template,
    TemplateKind, User, administer_all, catalog, resolve_profile,
};
use store::SqliteStore;

/// A fresh in-memory database holding the seed 004 users, configured by
/// the administrator.
fn seed004_store() -> SqliteStore {
    let directory = Directory::builtin_with(seed004::org()).unwrap();
    let mut store = SqliteStore::in_memory_with(&directory).unwrap();
    administer_all(&mut store, seed004::ADMIN, &seed004::operations()).unwrap();
    store
}

fn profiles(store: &SqliteStore) -> Vec<Profile> {
    let profiles = store.profiles().unwrap();
    profiles.into_iter().map(|p| p.into_owned()).collect()
}

#[test]
fn the_sqlite_store_passes_the_conformance_suite() {
    let report = check_store(|directory: Directory| SqliteStore::in_memory_with(&directory));
    assert!(report.is_ok(), "{report}");
}

#[test]
fn a_change_set_is_one_transaction() {
    let mut store = seed004_store();
    let profiles_before = profiles(&store);
    // The template goes in, then the profile breaks a foreign key: the
    // transaction rolls back, the template with it.
    let err = store
        .apply(&[
            Change::PutTemplate(Template::new("spare", "Spare", TemplateKind::Session)),
            Change::RemoveProfile("datum-agent".into()),
            Change::PutProfile(Profile::new("broken", "Broken").with_user("no-such-user")),
        ])
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    assert!(store.template(&"spare".into()).unwrap().is_none());
    assert_eq!(profiles(&store), profiles_before);

    // A template in use can't go either (the crate refuses it earlier; the
    // schema holds it too).
    let err = store
        .apply(&[Change::RemoveTemplate("chat-session".into())])
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    assert!(store.template(&"chat-session".into()).unwrap().is_some());
}

#[test]
fn a_database_file_outlives_its_connection() {
    let dir = std::env::temp_dir().join(format!("rbac-profiles-sqlite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("seed004.sqlite");
    let _ = std::fs::remove_file(&path);
    {
        let mut store = SqliteStore::open(&path).unwrap();
        store
            .import(&Directory::builtin_with(seed004::org()).unwrap())
            .unwrap();
        administer_all(&mut store, seed004::ADMIN, &seed004::operations()).unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    for (user, expected) in seed004::resolutions() {
        assert_eq!(resolve_profile(&store, &user).unwrap(), expected, "{user}");
    }
    let users = store.user_ids().unwrap();
    let expected: Vec<_> = seed004::org().users.into_iter().map(|u| u.id).collect();
    assert_eq!(users, expected);
    drop(store);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unusual_and_huge_ids_survive_the_database() {
    let huge = "ü".repeat(1 << 19);
    let ids = [
        "rôle-ß-日本",
        "\u{0}",
        "'; DROP TABLE users; --",
        "👩\u{200d}👩\u{200d}👧",
        "\"quoted\\",
        huge.as_str(),
    ];
    // Each id names a role, a user holding it, and a profile: the first
    // maps its role, the others are assigned their user directly.
    let mut org = DirectoryDoc::default();
    for (i, id) in ids.into_iter().enumerate() {
        org.roles
            .push(Role::new(id, id).with_include(catalog::OMNICHANNEL_AGENT));
        org.users.push(User::new(id, id).with_role(id));
        let profile = Profile::new(id, id);
        org.profiles.push(if i == 0 {
            profile.with_rank(1).with_role(id)
        } else {
            profile.with_user(id)
        });
    }
    let directory = Directory::builtin_with(org).unwrap();
    let store = SqliteStore::in_memory_with(&directory).unwrap();
    let memory = MemoryStore::new(directory.clone());
    for id in ids {
        let user = store.user(&id.into()).unwrap();
        assert_eq!(user.as_deref(), directory.user(id), "{id:.20}");
        let role = store.role(&id.into()).unwrap();
        assert_eq!(role.as_deref(), directory.role(id), "{id:.20}");
        let profile = store.profile(&id.into()).unwrap();
        assert_eq!(profile.as_deref(), directory.profile(id), "{id:.20}");
        assert_eq!(
            resolve_profile(&store, id).unwrap(),
            resolve_profile(&memory, id).unwrap(),
            "{id:.20}"
        );
    }
}
