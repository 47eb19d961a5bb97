//! What-if answers on a million users (`testkit::Workload`, one role a
//! ranked profile, 1–3 direct roles a user): `Snapshot::impact` of a rank
//! change that reaches under 1 % of users (the rank 1 profile dropping to
//! last), and of removing the default, which reaches everyone; and
//! `Snapshot::diff` of the snapshots before and after the rank change.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::print_stderr)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rbac_profiles::testkit::Workload;
use rbac_profiles::{AdminOp, Directory, MemoryStore, Proposal, Snapshot, User, administer};

/// The administrator added to the workload (user ids sort before `user-`).
const ADMIN: &str = "admin";

/// Users of the workload; the administrator is one more.
const USERS: usize = 1_000_000;

fn impact(c: &mut Criterion) {
    let mut workload = Workload::new(USERS);
    workload.roles_per_profile = 1;
    workload.roles_per_user = 1..=3;
    let mut doc = workload.doc();
    doc.users
        .push(User::new(ADMIN, "Admin").with_role("omnichannel-administrator"));
    let store = MemoryStore::new(Directory::builtin_with(doc.clone()).unwrap());
    let snapshot = Snapshot::compile(&store).unwrap();

    // The rank 1 profile drops to a free rank, keeping its one role: every
    // user holding that role directly, or assigned to it, is resolved again,
    // and those it was the best for move.
    let profile = &doc.profiles[0];
    let role = profile.roles[0].clone();
    let reached = doc
        .users
        .iter()
        .filter(|u| u.holds_directly(&role) || profile.users.contains(&u.id))
        .count();
    let rank = Proposal::from(AdminOp::SetRankAndRoles {
        profile: profile.id.clone(),
        rank: u32::try_from(doc.profiles.len() + 1).unwrap(),
        roles: vec![role],
    });
    let moved = snapshot.impact(&store, &rank).unwrap().len();
    eprintln!(
        "impact/rank: reaches {reached} of {USERS} users ({:.2} %), {moved} move",
        reached as f64 * 100.0 / USERS as f64
    );
    let remove_default = Proposal::from(AdminOp::RemoveDefault {
        profile: "profile-default".into(),
    });
    let moved = snapshot.impact(&store, &remove_default).unwrap().len();
    eprintln!("impact/remove_default: reaches every user, {moved} move");

    let mut group = c.benchmark_group("impact");
    group.sample_size(20);
    group.bench_function("rank_1M", |b| {
        b.iter(|| black_box(snapshot.impact(&store, &rank).unwrap()))
    });
    group.bench_function("remove_default_1M", |b| {
        b.iter(|| black_box(snapshot.impact(&store, &remove_default).unwrap()))
    });
    group.finish();

    // The other way to the same answer: make the change, compile, diff.
    let mut changed = store.clone();
    let Proposal::Admin(op) = &rank else {
        unreachable!("built from an AdminOp")
    };
    administer(&mut changed, ADMIN, op).unwrap();
    let after = Snapshot::compile(&changed).unwrap();
    let mut group = c.benchmark_group("diff");
    group.sample_size(10);
    group.bench_function("rank_1M", |b| {
        b.iter(|| black_box(snapshot.diff(&after).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, impact);
criterion_main!(benches);
