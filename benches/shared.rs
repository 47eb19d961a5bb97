//! Taking the current snapshot from a `SharedSnapshot` while a writer
//! publishes a new one every millisecond, on 2 reader threads:
//! `SnapshotReader::load` (one atomic load when nothing changed) against
//! `SharedSnapshot::load` (a read lock and a reference count each time).
//! Each read is followed by one privilege check by handle, so the snapshot
//! is really used; `check_only` is that check alone, for the difference.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use rbac_profiles::{Directory, MemoryStore, SharedSnapshot, Snapshot};

const READERS: usize = 2;

fn store() -> MemoryStore {
    MemoryStore::new(
        Directory::from_json(
            r#"{ "users": [ { "id": "kayla", "roles": ["omnichannel-supervisor"] } ] }"#,
        )
        .unwrap(),
    )
}

/// Runs `read` `iters` times on each of [`READERS`] threads while a writer
/// publishes every millisecond; the wall time of the slowest reader.
fn contended(
    shared: &SharedSnapshot,
    store: &MemoryStore,
    iters: u64,
    read: impl Fn(&SharedSnapshot, u64) + Sync,
) -> Duration {
    let done = AtomicBool::new(false);
    thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                shared.publish(Snapshot::compile(store).unwrap());
                thread::sleep(Duration::from_millis(1));
            }
        });
        let readers: Vec<_> = (0..READERS)
            .map(|_| {
                scope.spawn(|| {
                    let start = Instant::now();
                    read(shared, iters);
                    start.elapsed()
                })
            })
            .collect();
        let slowest = readers
            .into_iter()
            .map(|r| r.join().unwrap())
            .max()
            .unwrap_or_default();
        done.store(true, Ordering::Relaxed);
        slowest
    })
}

fn shared(c: &mut Criterion) {
    let store = store();
    let snapshot = Snapshot::compile(&store).unwrap();
    let shared = SharedSnapshot::new(snapshot);
    let mut group = c.benchmark_group("shared_2_readers_writer_every_ms");
    group.bench_function("reader_load_and_check", |b| {
        b.iter_custom(|iters| {
            contended(&shared, &store, iters, |shared, iters| {
                let mut reader = shared.reader();
                for _ in 0..iters {
                    let snapshot = reader.load();
                    let user = snapshot.users().next().unwrap();
                    let privilege = snapshot.privileges().next().unwrap();
                    black_box(snapshot.has_privilege_ix(user, privilege));
                }
            })
        })
    });
    group.bench_function("shared_load_and_check", |b| {
        b.iter_custom(|iters| {
            contended(&shared, &store, iters, |shared, iters| {
                for _ in 0..iters {
                    let snapshot = shared.load();
                    let user = snapshot.users().next().unwrap();
                    let privilege = snapshot.privileges().next().unwrap();
                    black_box(snapshot.has_privilege_ix(user, privilege));
                }
            })
        })
    });
    group.bench_function("check_only", |b| {
        b.iter_custom(|iters| {
            contended(&shared, &store, iters, |shared, iters| {
                let snapshot = shared.load();
                for _ in 0..iters {
                    let user = snapshot.users().next().unwrap();
                    let privilege = snapshot.privileges().next().unwrap();
                    black_box(snapshot.has_privilege_ix(black_box(user), privilege));
                }
            })
        })
    });
    group.finish();
}

criterion_group!(benches, shared);
criterion_main!(benches);
