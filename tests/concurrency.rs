//! Readers share a compiled snapshot while an administrator changes the
//! store and swaps a fresh snapshot in: every answer a reader gets is the
//! answer of one whole snapshot, never a mix.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use rbac_profiles::testkit::Workload;
use rbac_profiles::{
    AdminOp, Directory, MemoryStore, Resolution, SharedSnapshot, Snapshot, User, UserId, administer,
};

const READERS: usize = 3;

/// Every user's resolution, in user id order.
fn answers(snapshot: &Snapshot) -> Vec<Resolution> {
    let all = snapshot.resolve_all().unwrap();
    all.iter()
        .map(|r| snapshot.resolution(r).unwrap())
        .collect()
}

/// Which rank-1, rank-2, … profiles stop mapping roles, one by one, then
/// the default goes: each step moves users.
fn changes() -> Vec<AdminOp> {
    let mut ops: Vec<AdminOp> = (0..5)
        .map(|p| AdminOp::RemoveRankAndRoles {
            profile: format!("profile-{p:04}").into(),
        })
        .collect();
    ops.push(AdminOp::RemoveDefault {
        profile: "profile-default".into(),
    });
    ops
}

#[test]
fn readers_see_one_whole_snapshot_while_an_administrator_swaps_them() {
    let mut workload = Workload::new(3_000);
    workload.profiles = 40;
    let mut doc = workload.doc();
    doc.users.push(
        User::new("admin", "Admin")
            .with_role("system-administrator")
            .with_role("omnichannel-administrator"),
    );
    let mut store = MemoryStore::new(Directory::builtin_with(doc).unwrap());
    let admin = UserId::from("admin");

    // Every state the store will go through, answered in advance.
    let mut states = vec![answers(&Snapshot::compile(&store).unwrap())];
    {
        let mut rehearsal = store.clone();
        for op in changes() {
            administer(&mut rehearsal, &admin, &op).unwrap();
            states.push(answers(&Snapshot::compile(&rehearsal).unwrap()));
        }
    }
    for pair in states.windows(2) {
        assert_ne!(pair[0], pair[1], "every change moves someone");
    }

    let shared = Arc::new(SharedSnapshot::new(Snapshot::compile(&store).unwrap()));
    let done = Arc::new(AtomicBool::new(false));
    let states = Arc::new(states);
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (shared, done, states) = (shared.clone(), done.clone(), states.clone());
            thread::spawn(move || {
                let mut seen = Vec::new();
                loop {
                    let finished = done.load(Ordering::Acquire);
                    // One snapshot for every answer of this round.
                    let snapshot = shared.load();
                    let got = answers(&snapshot);
                    let state = states
                        .iter()
                        .position(|s| *s == got)
                        .expect("an answer that is no snapshot's: torn state");
                    if seen.last() != Some(&state) {
                        seen.push(state);
                    }
                    if finished {
                        return seen;
                    }
                }
            })
        })
        .collect();

    for op in changes() {
        administer(&mut store, &admin, &op).unwrap();
        shared.publish(Snapshot::compile(&store).unwrap());
    }
    done.store(true, Ordering::Release);

    for reader in readers {
        let seen = reader.join().unwrap();
        // Snapshots are swapped in order: a reader never goes back.
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&changes().len()), "{seen:?}");
    }
}
