//! Fixtures shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rbac_profiles::{catalog, Directory, DirectoryDoc, MemoryStore, Privilege, User, UserId};

/// The built-in catalogue with one user per built-in role, `only-<role>`,
/// holding that role alone.
#[track_caller]
pub fn one_user_per_builtin_role() -> MemoryStore {
    let mut org = DirectoryDoc::default();
    for role in catalog::ROLE_IDS {
        org.users
            .push(User::new(format!("only-{role}"), role).with_role(role));
    }
    MemoryStore::new(Directory::builtin_with(org).expect("fixture is valid"))
}

#[track_caller]
pub fn key(text: &str) -> Privilege {
    Privilege::new(text).expect("valid key in test")
}

pub fn uid(text: &str) -> UserId {
    UserId::from(text)
}

/// The store over the built-in catalogue plus `org`.
#[track_caller]
pub fn store_with(org: DirectoryDoc) -> MemoryStore {
    MemoryStore::new(Directory::builtin_with(org).expect("fixture is valid"))
}
