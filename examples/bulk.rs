//! Bulk figures on a synthetic organisation: compile a snapshot, resolve
//! every user's profile, answer random privilege checks.
//!
//! ```text
//! cargo run --release --example bulk -- --users 1000000
//! cargo run --release --example bulk -- --users 1000000 --business-units 1000
//! ```
//!
//! Prints one line per measure, `measure=<name> users=<N> ns_per_op=<x>
//! total_ms=<y>` (the median of several rounds; `diagnose` is one run), and
//! the snapshot's size. Privilege checks are measured one by one and in
//! batches (`has_privileges_ix`, `has_privileges`) on the same questions.
//! The organisation is `testkit::Workload::new(N)`: 200 custom roles, 500
//! custom privileges (5 % of cells granted), 1 000 ranked profiles of 5
//! roles, 1–4 direct roles and 0–2 teams a user; with `--business-units`,
//! that many units in a tree at most six deep, users and teams spread over
//! them, and record-access measures: `can_access` by handle and by id on
//! random records, one by one and in batches (`can_access_batch_ix`,
//! `can_access_batch`), and `access_filter`.
//!
//! The first line, `measure=memory_latency`, is the machine's, not the
//! crate's: one load after another over 256 MB, each at an address the
//! previous load gave (what a cache and TLB miss costs here). The checks
//! wait on such misses, so compare figures from two machines or two days
//! by their ratio to it. The second, `measure=memory_parallel`, is loads
//! that wait on nothing, at random rows of a table as large as the
//! snapshot's held-role rows: as many overlap as the processor lets, so
//! it is the floor of a batch check by handle here.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use rbac_profiles::testkit::Workload;
use rbac_profiles::{Record, RecordIx, Share, Snapshot, has_privilege};

/// Rounds per measure; the median is printed.
const ROUNDS: usize = 5;
/// Random privilege checks per round.
const QUERIES: usize = 1_000_000;
/// Store-path checks per round (each reads the store).
const STORE_QUERIES: usize = 20_000;

const USAGE: &str = "\
usage: cargo run --release --example bulk -- [--users N] [--business-units B]

Compiles a snapshot of testkit::Workload::new(N) (default 100000 users, no
business units) and prints one line per measure: compile, resolve_all,
privilege checks by handle and by id (one by one and in batches) and on
the store path, single resolutions, diagnose, and the size. With B > 0 business units, also record access:
can_access by handle and by id (one by one and in batches), and access_filter.";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (users, units) = match args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return Ok(());
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    report("memory_latency", users, memory_latency(), CHASE_STEPS);
    report(
        "memory_parallel",
        users,
        memory_parallel(users),
        CHASE_STEPS,
    );

    let started = Instant::now();
    let workload = Workload::new(users).with_business_units(units);
    let store = workload.store()?;
    eprintln!(
        "generated {users} users in {} ms",
        started.elapsed().as_millis()
    );

    let (compile, snapshot) = median_of(3, || Snapshot::compile(&store).unwrap());
    report("compile", users, compile, users);

    let (resolve_all, all) = median_of(ROUNDS, || snapshot.resolve_all().unwrap());
    assert_eq!(all.len(), users);
    report("resolve_all", users, resolve_all, users);

    let queries = workload.queries(QUERIES, 42);
    let handles = Workload::handles(&snapshot, &queries).unwrap();
    let (by_handle, granted) = median_of(ROUNDS, || {
        handles
            .iter()
            .filter(|(u, p)| snapshot.has_privilege_ix(*u, *p))
            .count()
    });
    report("has_privilege_handle", users, by_handle, QUERIES);

    // The same questions in one batch: the rows' loads overlap.
    let mut answers = Vec::with_capacity(QUERIES);
    let (batch, granted_batch) = median_of(ROUNDS, || {
        snapshot.has_privileges_ix(&handles, &mut answers);
        answers.iter().filter(|a| **a).count()
    });
    assert_eq!(granted, granted_batch);
    report("has_privilege_handle_batch", users, batch, QUERIES);

    let (by_str, granted_str) = median_of(ROUNDS, || {
        queries
            .iter()
            .filter(|(u, p)| snapshot.has_privilege(u, p).unwrap())
            .count()
    });
    assert_eq!(granted, granted_str);
    report("has_privilege_str", users, by_str, QUERIES);

    let (batch_str, granted_batch_str) = median_of(ROUNDS, || {
        snapshot.has_privileges(&queries, &mut answers).unwrap();
        answers.iter().filter(|a| **a).count()
    });
    assert_eq!(granted, granted_batch_str);
    report("has_privilege_str_batch", users, batch_str, QUERIES);

    let some = queries.get(..STORE_QUERIES).unwrap_or(&queries);
    let (by_store, _) = median_of(ROUNDS, || {
        some.iter()
            .filter(|(u, p)| has_privilege(&store, u, p).unwrap())
            .count()
    });
    report("has_privilege_store", users, by_store, some.len());

    let (single, _) = median_of(ROUNDS, || {
        for (u, _) in some {
            black_box(snapshot.resolve_profile(u).unwrap());
        }
    });
    report("resolve_profile_str", users, single, some.len());

    if units > 0 {
        record_access(&workload, &snapshot, &queries)?;
    }

    // Every user's diagnostics, once: the directory-wide facts are
    // computed once a run, so this grows with the users.
    let (diagnose, found) = median_of(1, || rbac_profiles::diagnose(&store).unwrap());
    report("diagnose", users, diagnose, users);
    eprintln!("{} diagnostics", found.len());

    let bytes = snapshot.heap_bytes();
    println!(
        "snapshot_bytes={bytes} bytes_per_user={:.1}",
        bytes as f64 / users.max(1) as f64
    );
    eprintln!(
        "{granted} of {QUERIES} checks granted; {:.1} % of users resolved by role rank",
        100.0
            * all
                .iter()
                .filter(|r| matches!(r.reason, rbac_profiles::ResolvedReason::RoleRank { .. }))
                .count() as f64
            / users.max(1) as f64
    );
    Ok(())
}

/// `can_access` by handle and by id on random records
/// ([`Workload::records`]), one by one and in batches, and
/// `access_filter` for users with 4 roles and 2 teams.
fn record_access(
    workload: &Workload,
    snapshot: &Snapshot,
    queries: &[(rbac_profiles::UserId, rbac_profiles::Privilege)],
) -> Result<(), Box<dyn std::error::Error>> {
    let users = workload.users;
    let samples = workload.records(queries.len(), 7);
    let shares: Vec<Vec<Share<'_>>> = samples.iter().map(|s| s.shares()).collect();
    let records: Vec<Record<'_>> = samples
        .iter()
        .zip(&shares)
        .map(|(s, sh)| s.record(sh))
        .collect();
    let handles = Workload::handles(snapshot, queries).ok_or("queries outside the snapshot")?;
    let record_handles = samples
        .iter()
        .map(|s| s.handles(snapshot))
        .collect::<Result<Vec<_>, _>>()?;
    let record_ix: Vec<RecordIx<'_>> = record_handles.iter().map(|r| r.record()).collect();

    let (by_handle, granted) = median_of(ROUNDS, || {
        handles
            .iter()
            .zip(&record_ix)
            .filter(|((u, p), r)| snapshot.can_access_ix(*u, *p, r))
            .count()
    });
    report("can_access_handle", users, by_handle, handles.len());

    // The same questions in one batch: each stage's loads overlap.
    let batch: Vec<_> = handles
        .iter()
        .zip(&record_ix)
        .map(|((u, p), r)| (*u, *p, *r))
        .collect();
    let mut answers = Vec::with_capacity(batch.len());
    let (by_handle_batch, granted_batch) = median_of(ROUNDS, || {
        snapshot.can_access_batch_ix(&batch, &mut answers);
        answers.iter().filter(|a| **a).count()
    });
    assert_eq!(granted, granted_batch);
    report(
        "can_access_handle_batch",
        users,
        by_handle_batch,
        batch.len(),
    );

    let (by_str, granted_str) = median_of(ROUNDS, || {
        queries
            .iter()
            .zip(&records)
            .filter(|((u, p), r)| snapshot.can_access(u, p, r).unwrap())
            .count()
    });
    assert_eq!(granted, granted_str);
    report("can_access_str", users, by_str, queries.len());

    let batch: Vec<_> = queries
        .iter()
        .zip(&records)
        .map(|((u, p), r)| (u, p, r))
        .collect();
    let (by_str_batch, granted_str_batch) = median_of(ROUNDS, || {
        snapshot.can_access_batch(&batch, &mut answers).unwrap();
        answers.iter().filter(|a| **a).count()
    });
    assert_eq!(granted, granted_str_batch);
    report("can_access_str_batch", users, by_str_batch, batch.len());

    // A user with 4 direct roles and 2 teams, as the issue's target states.
    let filters = STORE_QUERIES.min(queries.len());
    let doc = workload.doc();
    let typical: Vec<&rbac_profiles::UserId> = doc
        .users
        .iter()
        .filter(|u| u.roles.len() == 4 && u.teams.len() == 2)
        .map(|u| &u.id)
        .collect();
    // Owned copies, as the other checks by id are asked: read from the
    // document, each id would be two cold loads before the call.
    let asked: Vec<(rbac_profiles::UserId, rbac_profiles::Privilege)> = queries
        .iter()
        .take(filters)
        .enumerate()
        .map(|(n, (_, p))| (typical[n % typical.len().max(1)].clone(), p.clone()))
        .collect();
    let (filter, _) = median_of(ROUNDS, || {
        for (u, p) in &asked {
            black_box(snapshot.access_filter(u, p).unwrap());
        }
    });
    report("access_filter", users, filter, asked.len());
    eprintln!("{granted} of {} record checks granted", handles.len());
    Ok(())
}

/// The users and business units asked for; `None` when help was asked for.
fn args() -> Result<Option<(usize, usize)>, String> {
    let mut args = std::env::args().skip(1);
    let (mut users, mut units) = (100_000, 0);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--help" | "-h" => return Ok(None),
            "--users" | "--business-units" => {
                let value = args.next().ok_or(format!("{arg} needs a number"))?;
                let n = value
                    .replace('_', "")
                    .parse()
                    .map_err(|e| format!("{arg} {value}: {e}"))?;
                if arg == "--users" {
                    users = n;
                } else {
                    units = n;
                }
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some((users, units)))
}

/// Loads in each round of the memory-latency probe.
const CHASE_STEPS: usize = 2_000_000;

/// The median time, over three rounds, of `CHASE_STEPS` loads following a
/// random cycle through 64 Mi `u32`s (256 MB), each load's address given
/// by the one before.
fn memory_latency() -> Duration {
    const SLOTS: usize = 1 << 26;
    // Sattolo's shuffle of 0..SLOTS: one cycle through every slot.
    let mut next: Vec<u32> = (0..SLOTS as u32).collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..SLOTS).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state % i as u64) as usize;
        next.swap(i, j);
    }
    let mut at = 0u32;
    let (time, _) = median_of(3, || {
        for _ in 0..CHASE_STEPS {
            at = next[at as usize];
        }
        at
    });
    time
}

/// The median time, over three rounds, of `CHASE_STEPS` loads of one word
/// at random 32-byte rows of a `users` × 32 B table (the size of the
/// snapshot's held-role rows at 200 roles), no load waiting on another:
/// the floor of a batch check by handle on this machine, with nothing
/// done but the loads.
fn memory_parallel(users: usize) -> Duration {
    let rows = users.max(1);
    let table: Vec<u64> = (0..rows as u64 * 4).collect();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let at: Vec<u32> = (0..CHASE_STEPS)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % rows as u64) as u32 * 4
        })
        .collect();
    let (time, _) = median_of(3, || {
        at.iter()
            .fold(0u64, |sum, i| sum.wrapping_add(table[*i as usize]))
    });
    time
}

/// Runs `f` `rounds` times; the median time and the last result.
fn median_of<T>(rounds: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(rounds);
    let mut last = None;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        let out = black_box(f());
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    (times[times.len() / 2], last.unwrap())
}

fn report(name: &str, users: usize, total: Duration, ops: usize) {
    println!(
        "measure={name} users={users} ns_per_op={:.1} total_ms={:.1}",
        total.as_nanos() as f64 / ops.max(1) as f64,
        total.as_secs_f64() * 1e3
    );
}
