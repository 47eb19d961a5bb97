//! What-if answers on a million users (`testkit::Workload`, one role a
//! ranked profile, 1–3 direct roles a user): `Snapshot::impact` of a rank
//! change that reaches under 1 % of users (the rank 1 profile dropping to
//! last), and of removing the default, which reaches everyone.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::print_stderr)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rbac_profiles::testkit::Workload;
use rbac_profiles::{AdminOp, Proposal, Snapshot};

const USERS: usize = 1_000_000;

fn impact(c: &mut Criterion) {
    let mut workload = Workload::new(USERS);
    workload.roles_per_profile = 1;
    workload.roles_per_user = 1..=3;
    let doc = workload.doc();
    let store = workload.store().unwrap();
    let snapshot = Snapshot::compile(&store).unwrap();

    // The rank 1 profile drops to a free rank, keeping its one role: every
    // user holding that role directly, or assigned to it, is resolved again,
    // and those it was the best for move.
    let profile = &doc.profiles[0];
    let role = profile.roles[0].clone();
    let reached = doc
        .users
        .iter()
        .filter(|u| u.roles.contains(&role) || profile.users.contains(&u.id))
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
}

criterion_group!(benches, impact);
criterion_main!(benches);
