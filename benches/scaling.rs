//! Growth, not speed: each question on small, legal documents at two
//! sizes, N and 2N, so the ratio of the two times shows how its cost grows
//! with the organisation (at most about 2× for 2× the input when linear;
//! 4× would be quadratic). The cases are those of issue 18, "no
//! superlinear corners":
//!
//! - `explain_chain`: a user in N teams, each holding the head of an
//!   N-role inclusion chain where every role grants the privilege (N²
//!   paths): `explain_privilege` on the store and the snapshot;
//! - `compile_distinct_roles`: N users each holding a role of their own;
//!   the snapshot's size is printed beside the time;
//! - `diagnose`: the whole standard workload (`testkit::Workload`, 1 000
//!   profiles) at N users;
//! - `resolve_profile_roles`: the store path for a user holding N roles,
//!   each mapped by a ranked profile of its own;
//! - `diagnose_user_teams`: a user in N teams, each holding a role that
//!   maps a profile;
//! - `explain_snapshot_teams`: the snapshot's `explain_privilege` for a
//!   user in one team of N;
//! - `administer_all`: a batch of N profile creations over N profiles;
//! - `sqlite`: the SQLite store of `examples/sqlite_store` holding the
//!   standard workload at N users: importing it, and compiling a snapshot
//!   from the database (one user's teams once scanned every membership,
//!   and the import looked every member up in the list of users).
//!
//! ```text
//! cargo bench --bench scaling
//! cargo bench --bench scaling -- diagnose/
//! ```

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::print_stderr)]

#[path = "../examples/sqlite_store/store.rs"]
mod sqlite_store;

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use rbac_profiles::testkit::Workload;
use rbac_profiles::{
    AccessLevel, AdminOp, Directory, DirectoryDoc, MemoryStore, PrivilegeDef, Profile, Role,
    Snapshot, Team, User, administer_all, diagnose, diagnose_user, explain_privilege,
    resolve_profile,
};

const READ: &str = "ticket:read";

fn doc_with_read() -> DirectoryDoc {
    let mut doc = DirectoryDoc::default();
    doc.privileges
        .push(PrivilegeDef::new(READ.parse().unwrap(), ""));
    doc
}

fn granting(id: String) -> Role {
    let mut role = Role::new(id, "");
    role.grants
        .insert(READ.parse().unwrap(), AccessLevel::Organization);
    role
}

/// A user in `n` teams, each holding the head of an `n`-role inclusion
/// chain where every role grants `ticket:read`.
fn teams_over_a_chain(n: usize) -> MemoryStore {
    let mut doc = doc_with_read();
    for r in 0..n {
        let mut role = granting(format!("r{r:05}"));
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
        user.teams.push(team.id.clone());
        doc.teams.push(team);
    }
    doc.users.push(user);
    MemoryStore::new(Directory::try_from(doc).unwrap())
}

/// `n` users, each holding a role of their own.
fn distinct_roles(n: usize) -> MemoryStore {
    let mut doc = doc_with_read();
    for u in 0..n {
        doc.roles.push(granting(format!("r{u:06}")));
        doc.users
            .push(User::new(format!("u{u:06}"), "").with_role(format!("r{u:06}")));
    }
    MemoryStore::new(Directory::try_from(doc).unwrap())
}

/// A user holding `n` roles directly, each mapped by a profile of its own.
fn ranked_roles(n: usize) -> MemoryStore {
    let mut doc = doc_with_read();
    let mut user = User::new("ana", "Ana");
    for r in 0..n {
        let id = format!("r{r:05}");
        doc.roles.push(granting(id.clone()));
        doc.profiles.push(
            Profile::new(format!("p{r:05}"), "")
                .with_rank(n as u32 - r as u32)
                .with_role(id.as_str()),
        );
        user = user.with_role(id.as_str());
    }
    doc.users.push(user);
    MemoryStore::new(Directory::builtin_with(doc).unwrap())
}

/// A user in `n` teams, each holding a role that maps a profile.
fn teams_mapping_profiles(n: usize) -> MemoryStore {
    let mut doc = doc_with_read();
    let mut user = User::new("ana", "Ana").with_role("basic-user");
    for t in 0..n {
        let role = format!("r{t:05}");
        doc.roles.push(granting(role.clone()));
        doc.profiles.push(
            Profile::new(format!("p{t:05}"), "")
                .with_rank(t as u32 + 1)
                .with_role(role.as_str()),
        );
        let team = Team::new(format!("t{t:05}"), "")
            .with_role(role.as_str())
            .with_member("ana");
        user.teams.push(team.id.clone());
        doc.teams.push(team);
    }
    doc.users.push(user);
    MemoryStore::new(Directory::builtin_with(doc).unwrap())
}

/// `n` teams holding a granting role, one member each.
fn many_teams(n: usize) -> MemoryStore {
    let mut doc = doc_with_read();
    doc.roles.push(granting("reader".to_owned()));
    for t in 0..n {
        let user = format!("u{t:06}");
        let team = Team::new(format!("t{t:06}"), "")
            .with_role("reader")
            .with_member(user.as_str());
        doc.users
            .push(User::new(user, "").with_team(team.id.clone()));
        doc.teams.push(team);
    }
    MemoryStore::new(Directory::try_from(doc).unwrap())
}

fn quick<'c>(c: &'c mut Criterion, name: &str) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group
}

fn explain_chain(c: &mut Criterion) {
    let mut group = quick(c, "explain_chain");
    for n in [250, 500] {
        let store = teams_over_a_chain(n);
        let snapshot = Snapshot::compile(&store).unwrap();
        assert_eq!(explain_privilege(&store, "ana", READ).unwrap().len(), n);
        group.bench_function(format!("store/{n}"), |b| {
            b.iter(|| explain_privilege(&store, "ana", READ).unwrap())
        });
        group.bench_function(format!("snapshot/{n}"), |b| {
            b.iter(|| snapshot.explain_privilege("ana", READ).unwrap())
        });
    }
    group.finish();
}

fn compile_distinct_roles(c: &mut Criterion) {
    let mut group = quick(c, "compile_distinct_roles");
    for n in [10_000, 20_000] {
        let store = distinct_roles(n);
        let bytes = Snapshot::compile(&store).unwrap().heap_bytes();
        eprintln!(
            "compile_distinct_roles/{n}: {bytes} bytes, {:.1} a user",
            bytes as f64 / n as f64
        );
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| Snapshot::compile(&store).unwrap())
        });
    }
    group.finish();
}

fn diagnose_workload(c: &mut Criterion) {
    let mut group = quick(c, "diagnose");
    for n in [20_000, 40_000] {
        let store = Workload::new(n).store().unwrap();
        group.bench_function(format!("{n}"), |b| b.iter(|| diagnose(&store).unwrap()));
    }
    group.finish();
}

fn resolve_profile_roles(c: &mut Criterion) {
    let mut group = quick(c, "resolve_profile_roles");
    for n in [1_000, 2_000] {
        let store = ranked_roles(n);
        group.bench_function(format!("store/{n}"), |b| {
            b.iter(|| resolve_profile(&store, "ana").unwrap())
        });
    }
    group.finish();
}

fn diagnose_user_teams(c: &mut Criterion) {
    let mut group = quick(c, "diagnose_user_teams");
    for n in [1_000, 2_000] {
        let store = teams_mapping_profiles(n);
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| diagnose_user(&store, "ana").unwrap())
        });
    }
    group.finish();
}

fn explain_snapshot_teams(c: &mut Criterion) {
    let mut group = quick(c, "explain_snapshot_teams");
    for n in [40_000, 80_000] {
        let snapshot = Snapshot::compile(&many_teams(n)).unwrap();
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| snapshot.explain_privilege("u000007", READ).unwrap())
        });
    }
    group.finish();
}

fn administer_batch(c: &mut Criterion) {
    let mut group = quick(c, "administer_all");
    for n in [1_000, 2_000] {
        let mut doc = DirectoryDoc::default();
        doc.users
            .push(User::new("admin", "Admin").with_role("omnichannel-administrator"));
        for p in 0..n {
            doc.profiles.push(
                Profile::new(format!("p{p:05}"), "")
                    .with_rank(p as u32 + 1)
                    .with_role("omnichannel-agent"),
            );
        }
        let store = MemoryStore::new(Directory::builtin_with(doc).unwrap());
        let batch: Vec<AdminOp> = (0..n)
            .map(|b| AdminOp::CreateProfile {
                profile: format!("new{b:05}").into(),
                name: String::new(),
                settings: Default::default(),
            })
            .collect();
        group.bench_function(format!("{n}"), |b| {
            b.iter_batched(
                || store.clone(),
                |mut store| administer_all(&mut store, "admin", &batch).unwrap(),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn sqlite(c: &mut Criterion) {
    let mut group = quick(c, "sqlite");
    for n in [10_000, 20_000] {
        let directory = Workload::new(n).store().unwrap().into_directory();
        group.bench_function(format!("import/{n}"), |b| {
            b.iter(|| sqlite_store::SqliteStore::in_memory_with(&directory).unwrap())
        });
        let store = sqlite_store::SqliteStore::in_memory_with(&directory).unwrap();
        group.bench_function(format!("compile/{n}"), |b| {
            b.iter(|| Snapshot::compile(&store).unwrap())
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    explain_chain,
    compile_distinct_roles,
    diagnose_workload,
    resolve_profile_roles,
    diagnose_user_teams,
    explain_snapshot_teams,
    administer_batch,
    sqlite
);
criterion_main!(benches);
