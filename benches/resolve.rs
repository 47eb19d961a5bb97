//! Profile resolution and snapshot compilation over the benchmark workload
//! (`testkit::Workload`): `resolve_profile` for one user (snapshot and
//! store path), `resolve_all` for 100 000 and 1 000 000 users, `compile`
//! for 100 000 users.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rbac_profiles::testkit::Workload;
use rbac_profiles::{Snapshot, resolve_profile};

fn resolve_profile_single(c: &mut Criterion) {
    let workload = Workload::new(100_000);
    let store = workload.store().unwrap();
    let snapshot = Snapshot::compile(&store).unwrap();
    let users: Vec<_> = workload
        .queries(4096, 7)
        .into_iter()
        .map(|(u, _)| u)
        .collect();
    let mut group = c.benchmark_group("resolve_profile");
    let mut next = users.iter().cycle();
    group.bench_function("snapshot_str", |b| {
        b.iter(|| snapshot.resolve_profile(next.next().unwrap()).unwrap())
    });
    let mut next = users.iter().cycle();
    group.bench_function("snapshot_handle", |b| {
        let handles: Vec<_> = users.iter().map(|u| snapshot.user_ix(u).unwrap()).collect();
        let mut next_handle = handles.iter().cycle();
        b.iter(|| snapshot.resolve_ix(*next_handle.next().unwrap()).unwrap())
    });
    group.bench_function("store", |b| {
        b.iter(|| resolve_profile(&store, next.next().unwrap()).unwrap())
    });
    group.finish();
}

fn resolve_all(c: &mut Criterion) {
    let mut group = c.benchmark_group("resolve_all");
    group.sample_size(10);
    for users in [100_000, 1_000_000] {
        let snapshot = Snapshot::compile(&Workload::new(users).store().unwrap()).unwrap();
        group.throughput(Throughput::Elements(users as u64));
        group.bench_function(format!("{users}"), |b| {
            b.iter(|| black_box(snapshot.resolve_all().unwrap()))
        });
    }
    group.finish();
}

fn compile(c: &mut Criterion) {
    let users = 100_000;
    let store = Workload::new(users).store().unwrap();
    let mut group = c.benchmark_group("compile");
    group.sample_size(10);
    group.throughput(Throughput::Elements(users as u64));
    group.bench_function(format!("{users}"), |b| {
        b.iter(|| Snapshot::compile(&store).unwrap())
    });
    group.finish();
}

criterion_group!(benches, resolve_profile_single, resolve_all, compile);
criterion_main!(benches);
