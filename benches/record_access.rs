//! Record access over the benchmark workload with business units
//! (`testkit::Workload::new(N).with_business_units(1 000)`, 1 000 000 users
//! by default; set `RBAC_BENCH_USERS` to change it):
//!
//! - `can_access`: random (user, privilege, record) questions
//!   ([`Workload::records`]) on the snapshot by handle and by id, one by
//!   one and through the batch API (`can_access_batch_ix`,
//!   `can_access_batch`), and on the store path; `has_privilege_ix` and
//!   `has_privilege` on the same questions, for the ratios;
//! - `access_filter`: users with 4 direct roles and 2 teams, snapshot and
//!   store path;
//! - `explain_access_chain`: a user in N teams, each holding the head of an
//!   N-role inclusion chain where every role grants the privilege, at two
//!   sizes: N routes, never N² paths;
//! - `compile_units`: compiling 100 000 users over 1 000 units.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rbac_profiles::testkit::Workload;
use rbac_profiles::{
    AccessLevel, Directory, DirectoryDoc, MemoryStore, PrivilegeDef, Record, RecordIx, Role, Share,
    Snapshot, Team, User, access_filter, can_access, explain_access,
};

/// Questions per iteration.
const BATCH: usize = 4096;
/// Store-path questions per iteration: each reads the store.
const STORE_BATCH: usize = 256;
/// Business units of the workload.
const UNITS: usize = 1_000;

fn users() -> usize {
    std::env::var("RBAC_BENCH_USERS")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(1_000_000)
}

fn checks(c: &mut Criterion) {
    let workload = Workload::new(users()).with_business_units(UNITS);
    let store = workload.store().unwrap();
    let snapshot = Snapshot::compile(&store).unwrap();
    let count = BATCH * 64;
    let queries = workload.queries(count, 42);
    let handles = Workload::handles(&snapshot, &queries).unwrap();
    let samples = workload.records(count, 7);
    let shares: Vec<Vec<Share<'_>>> = samples.iter().map(|s| s.shares()).collect();
    let records: Vec<Record<'_>> = samples
        .iter()
        .zip(&shares)
        .map(|(s, sh)| s.record(sh))
        .collect();
    let record_handles: Vec<_> = samples
        .iter()
        .map(|s| s.handles(&snapshot).unwrap())
        .collect();
    let record_ix: Vec<RecordIx<'_>> = record_handles.iter().map(|r| r.record()).collect();
    let by_handle: Vec<_> = handles.iter().zip(&record_ix).collect();
    let by_id: Vec<_> = queries.iter().zip(&records).collect();

    let mut group = c.benchmark_group("can_access");
    group.throughput(Throughput::Elements(BATCH as u64));
    let mut batches = by_handle.chunks(BATCH).cycle();
    group.bench_function("snapshot_handle", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                batch
                    .iter()
                    .filter(|((u, p), r)| snapshot.can_access_ix(*u, *p, r))
                    .count()
            },
            BatchSize::SmallInput,
        )
    });
    let mut batches = handles.chunks(BATCH).cycle();
    group.bench_function("has_privilege_handle", |b| {
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
    // The same questions through the batch API: each stage's loads overlap.
    let batch_handle: Vec<_> = by_handle.iter().map(|((u, p), r)| (*u, *p, **r)).collect();
    let mut batches = batch_handle.chunks(BATCH).cycle();
    let mut answers = Vec::with_capacity(BATCH);
    group.bench_function("snapshot_handle_batch", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                snapshot.can_access_batch_ix(batch, &mut answers);
                answers.iter().filter(|a| **a).count()
            },
            BatchSize::SmallInput,
        )
    });
    let mut batches = by_id.chunks(BATCH).cycle();
    group.bench_function("snapshot_str", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                batch
                    .iter()
                    .filter(|((u, p), r)| snapshot.can_access(u, p, r).unwrap())
                    .count()
            },
            BatchSize::SmallInput,
        )
    });
    let batch_id: Vec<_> = by_id.iter().map(|((u, p), r)| (u, p, *r)).collect();
    let mut batches = batch_id.chunks(BATCH).cycle();
    group.bench_function("snapshot_str_batch", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                snapshot.can_access_batch(batch, &mut answers).unwrap();
                answers.iter().filter(|a| **a).count()
            },
            BatchSize::SmallInput,
        )
    });
    let mut batches = queries.chunks(BATCH).cycle();
    group.bench_function("has_privilege_str", |b| {
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
    let mut batches = by_id.chunks(STORE_BATCH).cycle();
    group.bench_function("store", |b| {
        b.iter_batched(
            || batches.next().unwrap(),
            |batch| {
                batch
                    .iter()
                    .filter(|((u, p), r)| black_box(can_access(&store, u, p, r).unwrap()))
                    .count()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();

    // Users with 4 direct roles and 2 teams, each with a random privilege.
    let doc = workload.doc();
    let typical: Vec<_> = doc
        .users
        .iter()
        .filter(|u| u.roles.len() == 4 && u.teams.len() == 2)
        .map(|u| &u.id)
        .collect();
    let asked: Vec<_> = queries
        .iter()
        .zip(typical.iter().cycle())
        .map(|((_, p), u)| (*u, p))
        .take(BATCH)
        .collect();
    let mut group = c.benchmark_group("access_filter");
    let mut next = asked.iter().cycle();
    group.bench_function("snapshot", |b| {
        b.iter(|| {
            let (u, p) = next.next().unwrap();
            snapshot.access_filter(*u, *p).unwrap()
        })
    });
    group.bench_function("store", |b| {
        b.iter(|| {
            let (u, p) = next.next().unwrap();
            access_filter(&store, *u, *p).unwrap()
        })
    });
    group.finish();
}

/// A user in `n` teams, each holding the head of an `n`-role inclusion
/// chain where every role grants `ticket:read` at `organization`.
fn chain(n: usize) -> MemoryStore {
    let mut doc = DirectoryDoc::default();
    doc.privileges
        .push(PrivilegeDef::new("ticket:read".parse().unwrap(), ""));
    for r in 0..n {
        let mut role = Role::new(format!("r{r:05}"), "");
        role.grants
            .insert("ticket:read".parse().unwrap(), AccessLevel::Organization);
        if r + 1 < n {
            role.includes.push(format!("r{:05}", r + 1).into());
        }
        doc.roles.push(role);
    }
    let mut user = User::new("ana", "Ana");
    for t in 0..n {
        let mut team = Team::new(format!("t{t:05}"), "");
        team.roles.push("r00000".into());
        team.members.push("ana".into());
        user.teams.push(team.id.clone());
        doc.teams.push(team);
    }
    doc.users.push(user);
    MemoryStore::new(Directory::try_from(doc).unwrap())
}

fn explain_chain(c: &mut Criterion) {
    let mut group = c.benchmark_group("explain_access_chain");
    group.sample_size(10);
    for n in [100, 400] {
        let store = chain(n);
        let snapshot = Snapshot::compile(&store).unwrap();
        let record = Record::owned_by_user("ana");
        assert_eq!(
            snapshot
                .explain_access("ana", "ticket:read", &record)
                .unwrap()
                .len(),
            n
        );
        group.bench_function(format!("snapshot/{n}"), |b| {
            b.iter(|| {
                snapshot
                    .explain_access("ana", "ticket:read", &record)
                    .unwrap()
            })
        });
        group.bench_function(format!("store/{n}"), |b| {
            b.iter(|| explain_access(&store, "ana", "ticket:read", &record).unwrap())
        });
    }
    group.finish();
}

fn compile_units(c: &mut Criterion) {
    let users = 100_000;
    let store = Workload::new(users)
        .with_business_units(UNITS)
        .store()
        .unwrap();
    let mut group = c.benchmark_group("compile_units");
    group.sample_size(10);
    group.throughput(Throughput::Elements(users as u64));
    group.bench_function(format!("{users}"), |b| {
        b.iter(|| Snapshot::compile(&store).unwrap())
    });
    group.finish();
}

criterion_group!(benches, checks, explain_chain, compile_units);
criterion_main!(benches);
