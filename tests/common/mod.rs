//! Fixtures shared by the integration tests.
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod host_store;

pub use host_store::HostStore;

use rbac_profiles::{
    Directory, DirectoryDoc, MemoryStore, Privilege, Profile, Role, User, UserId, catalog,
};

/// The built-in catalogue with one user per built-in role, `only-<role>`,
/// holding that role alone.
#[track_caller]
pub fn one_user_per_builtin_role() -> MemoryStore {
    let mut org = DirectoryDoc::default();
    for role in catalog::ROLE_IDS {
        org.users
            .push(User::new(format!("only-{role}"), role.as_str()).with_role(role));
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

/// The seed file whose name starts with `prefix`, read from `../shared/seeds`
/// beside the crate (where the project's CI has it). Elsewhere there is none,
/// and the seed-file tests have nothing to compare with; CI sets
/// `RBAC_PROFILES_REQUIRE_SEEDS=1` so that a missing folder fails there.
pub fn seed_file(prefix: &str) -> Option<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        assert!(
            std::env::var_os("RBAC_PROFILES_REQUIRE_SEEDS").is_none(),
            "no seeds folder at {}",
            dir.display()
        );
        return None;
    };
    let file = entries
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}* in {}", dir.display()));
    // The seeds separate some words with no-break spaces.
    Some(
        std::fs::read_to_string(file.path())
            .unwrap()
            .replace('\u{a0}', " "),
    )
}

/// Small synthetic organisations of every shape `testkit::Workload` can
/// take: no users to a few dozen, inclusions, teams, ranked profiles and
/// direct assignments in any proportion.
pub fn small_workload()
-> impl proptest::strategy::Strategy<Value = rbac_profiles::testkit::Workload> {
    use proptest::prelude::*;
    (
        (0usize..30, 0usize..10, 0usize..12, 0u32..60, 0u32..80),
        (0usize..6, 1usize..4, 0usize..4, 0u32..40, any::<u64>()),
    )
        .prop_map(
            |(
                (users, roles, privileges, grant, include),
                (profiles, per_profile, teams, direct, seed),
            )| {
                let mut w = rbac_profiles::testkit::Workload::new(users).with_seed(seed);
                w.roles = roles;
                w.privileges = privileges;
                w.grant_percent = grant;
                w.include_percent = include;
                w.profiles = profiles;
                w.roles_per_profile = per_profile;
                w.teams = teams;
                w.direct_percent = direct;
                w
            },
        )
}

/// `doc` with 520 more roles, granting nothing, mapped by one more
/// ranked profile (`zz-padding`) and held by nobody: past 512 roles a
/// snapshot keeps no per-user role rows and answers from each user's own
/// and team roles, which the laws then check against the store path as
/// well. Nobody holding them keeps the store path's walks short.
pub fn past_dense_roles(mut doc: DirectoryDoc) -> DirectoryDoc {
    let mut padding = Profile::new("zz-padding", "Padding").with_rank(1_000_000);
    for r in 0..520 {
        let id = format!("zz-pad-{r:03}");
        doc.roles.push(Role::new(id.as_str(), ""));
        padding = padding.with_role(id.as_str());
    }
    doc.profiles.push(padding);
    doc
}
