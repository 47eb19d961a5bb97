//! The PostgreSQL store of `examples/fleet.rs` and the hosts that follow
//! it: the conformance suite, one transaction per change set, the feed and
//! its horizon, a fleet of processes converging on every change, recovery
//! after a crash, behind the horizon and after a lost notification, and
//! racing administrators.
//!
//! The tests need a database: `RBAC_PG_URL` (libpq `key=value` form), as
//! `.ci/postgres.sh` exports it (`.ci/run` starts one). Without it each
//! test says so and passes, unless `RBAC_PG_REQUIRED` is set (as `.ci/run`
//! sets it): then it fails.
//!
//! The hosts are separate processes: this test binary started again to run
//! `fleet_host_process` alone, with `RBAC_FLEET_HOST` set.

// Tests opt out of the crate's no-panic lints: a failed unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

#[path = "../examples/postgres_store/host.rs"]
mod host;
#[path = "../examples/postgres_store/store.rs"]
mod store;

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use host::{ADMIN, HostOptions, admin_ops, digest, organisation, run_host};
use rbac_profiles::testkit::conformance::check_store;
use rbac_profiles::testkit::{Workload, seed004};
use rbac_profiles::{
    AdminOp, Change, Directory, DirectoryDoc, Error, Profile, Snapshot, Store, StoreError,
    StoreMut, Template, TemplateKind, administer, administer_all, changes_since,
};
use store::{Conflict, Connection, PgStore};

/// How long a host may take to answer a change in these tests (debug
/// builds, two cores shared with the rest of the suite).
const BOUND: Duration = Duration::from_secs(15);

/// The database, or `None` (and a message) when there is none, unless
/// `RBAC_PG_REQUIRED` is set: `.ci/run` starts PostgreSQL and sets it, so
/// in CI a missing server fails these tests instead of skipping them.
fn url() -> Option<String> {
    match std::env::var("RBAC_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("RBAC_PG_REQUIRED").is_some() => {
            panic!(
                "RBAC_PG_REQUIRED is set but RBAC_PG_URL is not: `. .ci/postgres.sh && rbac_pg_start` exports it"
            )
        }
        _ => {
            eprintln!(
                "skipped: RBAC_PG_URL is not set (`. .ci/postgres.sh && rbac_pg_start` starts a throwaway server)"
            );
            // Once a run, past the harness's capture: a skipped test
            // passes, and a passing test's output is not shown.
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "tests/postgres.rs: the PostgreSQL tests are skipped: RBAC_PG_URL is not set \
                     (`. .ci/postgres.sh && rbac_pg_start` starts a throwaway server)"
                );
            });
            None
        }
    }
}

/// A schema no other test or run uses.
fn schema(tag: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("t{}_{tag}_{n}", std::process::id())
}

/// A fresh schema holding `directory`.
fn store_with(url: &str, tag: &str, directory: &Directory) -> PgStore {
    let mut store = PgStore::connect(url, &schema(tag)).unwrap();
    store.import(directory).unwrap();
    store
}

/// A small workload organisation (few profiles and teams, so that a
/// compile straight from the database stays quick) and its directory.
fn small_org(users: usize) -> (DirectoryDoc, Directory) {
    let mut workload = Workload::new(users);
    workload.profiles = 20;
    workload.teams = 10;
    workload.roles = 30;
    workload.privileges = 60;
    let doc = organisation(workload);
    let directory = Directory::builtin_with(doc.clone()).unwrap();
    (doc, directory)
}

/// The digest of a snapshot compiled straight from the database, through
/// the `Store` methods (not the hosts' bulk load).
fn fresh_digest(url: &str, schema: &str) -> (u64, String) {
    let store = PgStore::connect(url, schema).unwrap();
    let snapshot = Snapshot::compile(&store).unwrap();
    (
        snapshot.version().unwrap(),
        format!("{:016x}", digest(&snapshot).unwrap()),
    )
}

// ---------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------

/// The conformance suite's stores. When one is dropped, its connection
/// and schema are kept, and a later store is made of them again: the
/// schema emptied ([`PgStore::reset`]), and the connection, with the
/// statements prepared on it, used on. So most of the suite's two hundred
/// stores cost an import, not a schema's DDL and a new server process.
struct Stores {
    url: String,
    free: Arc<Mutex<Vec<Connection>>>,
    made: Vec<String>,
}

impl Stores {
    fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            free: Arc::default(),
            made: Vec::new(),
        }
    }

    /// A store holding exactly `directory`.
    fn store(&mut self, directory: &Directory) -> Result<PgStore, StoreError> {
        let free = self.free.lock().unwrap().pop();
        let mut store = match free {
            Some(connection) => {
                let mut store = PgStore::reuse(connection);
                store.reset()?;
                store
            }
            None => {
                let store = PgStore::connect(&self.url, &schema("conf"))?;
                self.made.push(store.schema().to_owned());
                store
            }
        };
        store.import(directory)?;
        let free = Arc::clone(&self.free);
        Ok(store.on_drop(move |connection| {
            if let Ok(mut free) = free.lock() {
                free.push(connection);
            }
        }))
    }

    /// Drops every schema made (their stores are gone).
    fn drop_all(self) {
        self.free.lock().unwrap().clear();
        for schema in self.made {
            PgStore::connect(&self.url, &schema)
                .unwrap()
                .drop_schema()
                .unwrap();
        }
    }
}

#[test]
fn the_postgres_store_passes_the_conformance_suite() {
    let Some(url) = url() else { return };
    let mut stores = Stores::new(&url);
    let report = check_store(|directory: Directory| stores.store(&directory));
    assert!(report.is_ok(), "{report}");
    stores.drop_all();
}

/// The foreign keys of `schema`, as PostgreSQL prints them (less the
/// schema's name).
fn foreign_keys(url: &str, schema: &str) -> Vec<String> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client
        .query(
            "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid)
             FROM pg_constraint
             WHERE contype = 'f' AND connamespace = $1::text::regnamespace
             ORDER BY 1",
            &[&schema],
        )
        .unwrap()
        .iter()
        .map(|row| row.get::<_, String>(0).replace(&format!("{schema}."), ""))
        .collect()
}

#[test]
fn a_bulk_import_reads_back_the_same_and_keeps_its_foreign_keys() {
    let Some(url) = url() else { return };
    let (_, directory) = small_org(store::BULK_USERS);
    let mut keys = Vec::new();
    for bulk in [false, true] {
        let mut store = PgStore::connect(&url, &schema("bulk")).unwrap();
        store.import_with(&directory, bulk).unwrap();
        let (loaded, version) = store.load().unwrap();
        assert_eq!(version, 0);
        assert!(
            loaded == directory,
            "bulk {bulk}: the store reads back another directory"
        );
        keys.push(foreign_keys(&url, store.schema()));
        // The keys are back, and still checked at commit.
        let err = store
            .apply(&[Change::PutProfile(
                Profile::new("broken", "Broken").with_user("no-such-user"),
            )])
            .unwrap_err();
        assert!(err.to_string().contains("foreign key"), "{err}");
        store.drop_schema().unwrap();
    }
    assert!(keys[0].len() > 20, "{:?}", keys[0]);
    assert_eq!(keys[0], keys[1]);
}

#[test]
fn a_change_set_is_one_transaction_and_one_version() {
    let Some(url) = url() else { return };
    let directory = Directory::builtin_with(seed004::org()).unwrap();
    let mut store = store_with(&url, "tx", &directory);
    administer_all(&mut store, seed004::ADMIN, &seed004::operations()).unwrap();
    // The batch is one change set.
    let version = store.current_version().unwrap();
    assert_eq!(version, 1);
    let before: Vec<Profile> = store
        .profiles()
        .unwrap()
        .into_iter()
        .map(|p| p.into_owned())
        .collect();
    // The template goes in, then the profile breaks a foreign key: the
    // transaction rolls back, the template, the version and the feed with it.
    let err = store
        .apply(&[
            Change::PutTemplate(Template::new("spare", "Spare", TemplateKind::Session)),
            Change::RemoveProfile("datum-agent".into()),
            Change::PutProfile(Profile::new("broken", "Broken").with_user("no-such-user")),
        ])
        .unwrap_err();
    assert!(err.to_string().contains("foreign key"), "{err}");
    assert!(store.template(&"spare".into()).unwrap().is_none());
    let after: Vec<Profile> = store
        .profiles()
        .unwrap()
        .into_iter()
        .map(|p| p.into_owned())
        .collect();
    assert_eq!(after, before);
    assert_eq!(store.current_version().unwrap(), version);
    assert_eq!(changes_since(&store, version).unwrap(), vec![]);
    // The feed gives back exactly what was applied, in order.
    let sets = changes_since(&store, 0).unwrap();
    assert_eq!(
        sets.iter().map(|s| s.version).collect::<Vec<_>>(),
        (1..=version).collect::<Vec<_>>()
    );
    let mut replay = rbac_profiles::MemoryStore::new(directory);
    for set in &sets {
        replay.apply(&set.changes).unwrap();
    }
    for (user, expected) in seed004::resolutions() {
        assert_eq!(
            rbac_profiles::resolve_profile(&replay, &user).unwrap(),
            expected
        );
    }
    store.drop_schema().unwrap();
}

#[test]
fn the_feed_keeps_its_horizon() {
    let Some(url) = url() else { return };
    let (doc, directory) = small_org(50);
    let mut store = store_with(&url, "horizon", &directory).with_horizon(3);
    for op in admin_ops(&doc, 5) {
        administer(&mut store, ADMIN, &op).unwrap();
    }
    assert_eq!(store.version().unwrap(), Some(5));
    assert!(matches!(
        changes_since(&store, 1),
        Err(Error::FeedTooOld {
            version: 1,
            store: 5
        })
    ));
    let kept = changes_since(&store, 2).unwrap();
    assert_eq!(
        kept.iter().map(|s| s.version).collect::<Vec<_>>(),
        [3, 4, 5]
    );
    assert!(matches!(
        changes_since(&store, 6),
        Err(Error::UnknownVersion { .. })
    ));
    store.drop_schema().unwrap();
}

#[test]
fn racing_administrators_one_wins_the_other_gets_a_conflict() {
    let Some(url) = url() else { return };
    let directory = Directory::builtin_with(seed004::org()).unwrap();
    let mut first = store_with(&url, "race", &directory);
    administer_all(&mut first, seed004::ADMIN, &seed004::operations()).unwrap();
    let mut second = PgStore::connect(&url, first.schema()).unwrap();
    let at = first.begin().unwrap();
    assert_eq!(second.begin().unwrap(), at);
    // Both read the profile as it is; the first one's change lands.
    let rank = |rank| AdminOp::SetRankAndRoles {
        profile: "datum-agent".into(),
        rank,
        roles: vec!["omnichannel-agent".into()],
    };
    administer(&mut first, seed004::ADMIN, &rank(7)).unwrap();
    let err = administer(&mut second, seed004::ADMIN, &rank(8)).unwrap_err();
    let Error::Storage(storage) = &err else {
        panic!("expected a storage error, found {err:?}")
    };
    assert_eq!(
        storage.inner().downcast_ref::<Conflict>(),
        Some(&Conflict {
            expected: at,
            found: at + 1
        }),
        "{err}"
    );
    // Nothing of the loser is stored: one more version, the winner's rank.
    assert_eq!(second.current_version().unwrap(), at + 1);
    let profile = second.profile(&"datum-agent".into()).unwrap().unwrap();
    assert_eq!(profile.rank, Some(7));
    // Read again and retry: it lands on top.
    administer(&mut second, seed004::ADMIN, &rank(8)).unwrap();
    assert_eq!(first.current_version().unwrap(), at + 2);
    assert_eq!(
        first.profile(&"datum-agent".into()).unwrap().unwrap().rank,
        Some(8)
    );

    // Two threads, each its own connection, racing on the same profile:
    // every attempt lands or is a conflict, and the versions count the
    // winners exactly.
    let schema = first.schema().to_owned();
    let start = first.current_version().unwrap();
    let outcomes: Vec<(u32, u32)> = std::thread::scope(|scope| {
        let racers: Vec<_> = [10_u32, 20]
            .into_iter()
            .map(|base| {
                let (url, schema) = (url.clone(), schema.clone());
                scope.spawn(move || {
                    let mut store = PgStore::connect(&url, &schema).unwrap();
                    let (mut won, mut lost) = (0, 0);
                    for i in 0..8 {
                        store.begin().unwrap();
                        match administer(&mut store, seed004::ADMIN, &rank(base + i)) {
                            Ok(()) => won += 1,
                            Err(Error::Storage(e)) if e.inner().is::<Conflict>() => lost += 1,
                            Err(other) => panic!("{other}"),
                        }
                    }
                    (won, lost)
                })
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let won: u32 = outcomes.iter().map(|o| o.0).sum();
    let lost: u32 = outcomes.iter().map(|o| o.1).sum();
    assert_eq!(won + lost, 16);
    assert_eq!(first.current_version().unwrap(), start + u64::from(won));
    let (loaded, version) = first.load().unwrap();
    assert_eq!(version, start + u64::from(won));
    assert!(loaded.conflicts().is_empty(), "{:?}", loaded.conflicts());
    first.drop_schema().unwrap();
}

// ---------------------------------------------------------------------------
// The fleet
// ---------------------------------------------------------------------------

/// Not a test of its own: the body of a host process. Passes at once unless
/// `RBAC_FLEET_HOST` names the host to run.
#[test]
fn fleet_host_process() {
    let Ok(name) = std::env::var("RBAC_FLEET_HOST") else {
        return;
    };
    let options = HostOptions {
        url: std::env::var("RBAC_PG_URL").unwrap(),
        schema: std::env::var("RBAC_FLEET_SCHEMA").unwrap(),
        name,
        poll: Duration::from_millis(
            std::env::var("RBAC_FLEET_POLL_MS").map_or(300, |ms| ms.parse().unwrap()),
        ),
        cache: std::env::var_os("RBAC_FLEET_CACHE").map(PathBuf::from),
        lifetime: Duration::from_secs(120),
    };
    run_host(&options, &mut std::io::stdout().lock()).unwrap();
}

/// One line a host printed.
#[derive(Debug, Clone)]
enum Line {
    Start {
        source: String,
        version: u64,
    },
    At {
        version: u64,
        cause: String,
        digest: String,
    },
}

/// Host processes, killed when dropped.
struct Fleet {
    url: String,
    schema: String,
    children: Vec<Option<Child>>,
    lines: Vec<Option<Receiver<Line>>>,
}

impl Fleet {
    fn new(url: &str, schema: &str) -> Self {
        Self {
            url: url.to_owned(),
            schema: schema.to_owned(),
            children: Vec::new(),
            lines: Vec::new(),
        }
    }

    /// Starts host `i` (a new one when `i` is the next index).
    fn start(&mut self, i: usize, cache: Option<&PathBuf>) {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "fleet_host_process",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("RBAC_PG_URL", &self.url)
            .env("RBAC_FLEET_HOST", format!("h{i}"))
            .env("RBAC_FLEET_SCHEMA", &self.schema)
            .stdout(Stdio::piped());
        if let Some(cache) = cache {
            command.env("RBAC_FLEET_CACHE", cache);
        }
        let mut child = command.spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                // The test harness may have printed "test … " first on
                // the same line.
                let Some(at) = line.find("FLEET ") else {
                    continue;
                };
                let words: Vec<&str> = line[at..].split_whitespace().collect();
                let parsed = match words.as_slice() {
                    ["FLEET", _, "start", source, version] => Line::Start {
                        source: (*source).to_owned(),
                        version: version.parse().unwrap(),
                    },
                    ["FLEET", _, "at", version, _, _, cause, digest] => Line::At {
                        version: version.parse().unwrap(),
                        cause: (*cause).to_owned(),
                        digest: (*digest).to_owned(),
                    },
                    _ => continue,
                };
                if tx.send(parsed).is_err() {
                    return;
                }
            }
        });
        if i == self.children.len() {
            self.children.push(Some(child));
            self.lines.push(Some(rx));
        } else {
            self.children[i] = Some(child);
            self.lines[i] = Some(rx);
        }
    }

    fn kill(&mut self, i: usize) {
        if let Some(mut child) = self.children[i].take() {
            child.kill().unwrap();
            child.wait().unwrap();
        }
        self.lines[i] = None;
    }

    /// The next line of host `i`, within the bound.
    fn next(&self, i: usize, deadline: Instant) -> Line {
        let rx = self.lines[i].as_ref().unwrap();
        let left = deadline.saturating_duration_since(Instant::now());
        rx.recv_timeout(left)
            .unwrap_or_else(|e| panic!("host h{i}: nothing within {BOUND:?} ({e})"))
    }

    /// Host `i`'s first `at` line at `version` or later: (version, cause,
    /// digest).
    fn at(&self, i: usize, version: u64) -> (u64, String, String) {
        let deadline = Instant::now() + BOUND;
        loop {
            if let Line::At {
                version: v,
                cause,
                digest,
            } = self.next(i, deadline)
            {
                if v >= version {
                    return (v, cause, digest);
                }
            }
        }
    }

    /// Every running host converges on the database as it is now: each
    /// reaches its version and answers as a fresh compile.
    fn converges(&self) -> Vec<String> {
        let (version, expected) = fresh_digest(&self.url, &self.schema);
        let mut causes = Vec::new();
        for i in 0..self.children.len() {
            if self.children[i].is_none() {
                continue;
            }
            let (at, cause, digest) = self.at(i, version);
            assert_eq!(at, version, "host h{i} went past the database");
            assert_eq!(digest, expected, "host h{i} at version {version}");
            causes.push(cause);
        }
        causes
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for child in self.children.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[test]
fn a_fleet_of_three_processes_converges_after_every_change() {
    let Some(url) = url() else { return };
    let (doc, directory) = small_org(300);
    let mut store = store_with(&url, "fleet", &directory);
    let mut fleet = Fleet::new(&url, store.schema());
    for i in 0..3 {
        fleet.start(i, None);
    }
    fleet.converges();
    for op in admin_ops(&doc, 12) {
        administer(&mut store, ADMIN, &op).unwrap();
        let causes = fleet.converges();
        assert_eq!(causes.len(), 3);
    }
    drop(fleet);
    store.drop_schema().unwrap();
}

#[test]
fn followers_recover_from_a_crash_the_horizon_and_a_lost_notification() {
    let Some(url) = url() else { return };
    let (doc, directory) = small_org(100);
    let mut store = store_with(&url, "recover", &directory).with_horizon(4);
    let mut ops = admin_ops(&doc, 13).into_iter();
    let dir = std::env::temp_dir().join(format!("rbac-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cache = dir.join("h0.json");
    let _ = std::fs::remove_file(&cache);
    let mut fleet = Fleet::new(&url, store.schema());
    fleet.start(0, Some(&cache));
    fleet.converges();
    for op in ops.by_ref().take(2) {
        administer(&mut store, ADMIN, &op).unwrap();
        fleet.converges();
    }

    // Killed mid-stream: changes go on while it is down, within the horizon.
    fleet.kill(0);
    for op in ops.by_ref().take(2) {
        administer(&mut store, ADMIN, &op).unwrap();
    }
    fleet.start(0, Some(&cache));
    let deadline = Instant::now() + BOUND;
    let line = fleet.next(0, deadline);
    let Line::Start { source, version } = line else {
        panic!("expected the start line, found {line:?}")
    };
    assert_eq!((source.as_str(), version), ("cache", 2));
    assert_eq!(fleet.converges(), ["feed"], "caught up through the feed");

    // Down while more sets go by than the feed keeps: it loads again.
    fleet.kill(0);
    for op in ops.by_ref().take(6) {
        administer(&mut store, ADMIN, &op).unwrap();
    }
    fleet.start(0, Some(&cache));
    let line = fleet.next(0, Instant::now() + BOUND);
    let Line::Start { source, version } = line else {
        panic!("expected the start line, found {line:?}")
    };
    assert_eq!((source.as_str(), version), ("cache", 4));
    assert_eq!(fleet.converges(), ["reload"], "behind the horizon");

    // A notification lost: the next poll finds the new version.
    store.set_notify(false);
    for op in ops.by_ref().take(1) {
        administer(&mut store, ADMIN, &op).unwrap();
    }
    assert_eq!(fleet.converges(), ["poll"]);
    store.set_notify(true);
    for op in ops {
        administer(&mut store, ADMIN, &op).unwrap();
        assert_eq!(fleet.converges(), ["notify"]);
    }
    drop(fleet);
    std::fs::remove_dir_all(&dir).unwrap();
    store.drop_schema().unwrap();
}
