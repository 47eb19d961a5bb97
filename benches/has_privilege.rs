//! `has_privilege` on random (user, privilege) questions over the benchmark
//! workload (`testkit::Workload`, 1 000 000 users by default; set
//! `RBAC_BENCH_USERS` to change it): the compiled snapshot by handle and by
//! id, one by one and through the batch API (`has_privileges_ix`,
//! `has_privileges`), and the store path.
//!
//! Each iteration answers a batch of questions; criterion's throughput line
//! gives the questions per second, and time per iteration / batch gives the
//! time per question.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rbac_profiles::testkit::Workload;
use rbac_profiles::{Snapshot, has_privilege};

/// Questions per iteration.
const BATCH: usize = 4096;
/// Store-path questions per iteration: each reads the store.
const STORE_BATCH: usize = 256;

fn users() -> usize {
    std::env::var("RBAC_BENCH_USERS")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(1_000_000)
}

fn bench(c: &mut Criterion) {
    let workload = Workload::new(users());
    let store = workload.store().unwrap();
    let snapshot = Snapshot::compile(&store).unwrap();
    // Many batches, so a run does not keep one batch's users in cache.
    let queries = workload.queries(BATCH * 256, 42);
    let handles = Workload::handles(&snapshot, &queries).unwrap();

    let mut group = c.benchmark_group("has_privilege");
    group.throughput(Throughput::Elements(BATCH as u64));
    let mut batches = handles.chunks(BATCH).cycle();
    group.bench_function("snapshot_handle", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                batch
                    .iter()
                    .filter(|(u, p)| snapshot.has_privilege_ix(*u, *p))
                    .count()
            },
            BatchSize::SmallInput,
        )
    });
    // The same questions through the batch API: the rows' loads overlap.
    let mut batches = handles.chunks(BATCH).cycle();
    let mut answers = Vec::with_capacity(BATCH);
    group.bench_function("snapshot_handle_batch", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                snapshot.has_privileges_ix(batch, &mut answers);
                answers.iter().filter(|a| **a).count()
            },
            BatchSize::SmallInput,
        )
    });
    let mut batches = queries.chunks(BATCH).cycle();
    group.bench_function("snapshot_str_batch", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                snapshot.has_privileges(batch, &mut answers).unwrap();
                answers.iter().filter(|a| **a).count()
            },
            BatchSize::SmallInput,
        )
    });
    let mut batches = queries.chunks(BATCH).cycle();
    group.bench_function("snapshot_str", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                batch
                    .iter()
                    .filter(|(u, p)| snapshot.has_privilege(u, p).unwrap())
                    .count()
            },
            BatchSize::SmallInput,
        )
    });
    group.throughput(Throughput::Elements(STORE_BATCH as u64));
    let mut batches = queries.chunks(STORE_BATCH).cycle();
    group.bench_function("store", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                batch
                    .iter()
                    .filter(|(u, p)| black_box(has_privilege(&store, u, p).unwrap()))
                    .count()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
