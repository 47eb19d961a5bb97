//! Several instances of a service over one PostgreSQL database: N host
//! processes each keep a replica and a shared snapshot and follow the
//! database's change feed (`LISTEN`, then `changes_since`), while an
//! administrator changes ranks, roles, users and business units. For each
//! change it prints every host's version and how long the host took, from
//! the commit, to answer the new state, then the median and the worst.
//!
//! Run with `cargo run --release --example fleet -- [--hosts 3] [--users
//! 100000] [--ops 24]` with `RBAC_PG_URL` naming the database (libpq
//! `key=value` form, e.g. what `.ci/postgres.sh` exports); `--hosts 0`
//! prints the import, a host's first load and its first compile, and
//! stops. The hosts are
//! this same binary started again with `--host NAME`; the store is in
//! `examples/postgres_store/store.rs` and the host loop in
//! `examples/postgres_store/host.rs`.

// Examples print, and give up on the first error.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

#[path = "postgres_store/host.rs"]
mod host;
#[path = "postgres_store/store.rs"]
mod store;

use std::error::Error;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use host::{HostOptions, admin_ops, digest, now_micros, organisation, run_host};
use rbac_profiles::{Directory, Snapshot, administer};
use store::PgStore;

/// The value after `--name` on the command line.
fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn number(name: &str, default: usize) -> usize {
    arg(name).map_or(default, |v| v.parse().expect("a number"))
}

/// Kills the hosts when the example ends, however it ends.
struct Hosts(Vec<Child>);

impl Drop for Hosts {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One `at` line of a host.
struct At {
    host: usize,
    version: u64,
    applied: u128,
    published: u128,
    cause: String,
    digest: String,
}

fn parse_at(host: usize, line: &str) -> Option<At> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["FLEET", _, "at", version, applied, published, cause, digest] => Some(At {
            host,
            version: version.parse().ok()?,
            applied: applied.parse().ok()?,
            published: published.parse().ok()?,
            cause: (*cause).to_owned(),
            digest: (*digest).to_owned(),
        }),
        _ => None,
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn main() -> Result<(), Box<dyn Error>> {
    let Ok(url) = std::env::var("RBAC_PG_URL") else {
        eprintln!("fleet: set RBAC_PG_URL to a PostgreSQL database (see .ci/postgres.sh)");
        std::process::exit(2);
    };
    if let Some(name) = arg("--host") {
        let options = HostOptions {
            url,
            schema: arg("--schema").expect("--schema"),
            name,
            poll: Duration::from_millis(200),
            cache: None,
            lifetime: Duration::from_secs(900),
        };
        return run_host(&options, &mut std::io::stdout().lock());
    }
    let hosts = number("--hosts", 3);
    let users = number("--users", 100_000);
    let count = number("--ops", 24);
    let schema = format!("fleet_{}", std::process::id());

    let doc = organisation(rbac_profiles::testkit::Workload::new(users));
    let directory = Directory::builtin_with(doc.clone())?;
    let mut store = PgStore::connect(&url, &schema)?;
    let started = Instant::now();
    store.import(&directory)?;
    let import = started.elapsed();
    let started = Instant::now();
    let (loaded, _) = store.load()?;
    let load = started.elapsed();
    let started = Instant::now();
    let snapshot = Snapshot::compile(&host::Replica::new(loaded, 0))?;
    let compile = started.elapsed();
    println!(
        "{} users ({} business units) into schema {schema}: import {:.2} s; a host's first load {:.2} s and compile {:.0} ms",
        doc.users.len(),
        doc.business_units.len(),
        import.as_secs_f64(),
        load.as_secs_f64(),
        compile.as_secs_f64() * 1e3
    );
    drop(snapshot);
    if hosts == 0 {
        // `--hosts 0`: the import, first load and first compile only.
        store.drop_schema()?;
        return Ok(());
    }

    let exe = std::env::current_exe()?;
    let (tx, rx) = mpsc::channel();
    let mut children = Hosts(Vec::new());
    for i in 0..hosts {
        let mut child = Command::new(&exe)
            .args(["--host", &format!("h{i}"), "--schema", &schema])
            .stdout(Stdio::piped())
            .spawn()?;
        let out = child.stdout.take().expect("piped");
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(at) = parse_at(i, &line) {
                    let _ = tx.send(at);
                }
            }
        });
        children.0.push(child);
    }
    // Wait until every host is up at version 0.
    let mut up = vec![false; hosts];
    while up.iter().any(|u| !u) {
        let at = rx.recv_timeout(Duration::from_secs(600))?;
        up[at.host] = at.version == 0;
    }
    println!("{hosts} hosts up\n");

    let ops = admin_ops(&doc, count);
    let mut published_ms = Vec::new();
    let mut applied_ms = Vec::new();
    let mut last_digest = String::new();
    println!(
        "version  change                      per host: published ms (replica applied ms) via"
    );
    for op in &ops {
        administer(&mut store, host::ADMIN, op)?;
        let committed = now_micros();
        let version = store.current_version()?;
        let mut seen: Vec<Option<At>> = (0..hosts).map(|_| None).collect();
        while seen.iter().any(Option::is_none) {
            let at = rx.recv_timeout(Duration::from_secs(60))?;
            if at.version >= version {
                let host = at.host;
                seen[host] = Some(at);
            }
        }
        let name = format!("{op:?}");
        let name: String = name.split([' ', '{']).next().unwrap_or("").to_owned();
        let mut line = format!("{version:>7}  {name:<26}");
        let digests: Vec<&str> = seen.iter().flatten().map(|a| a.digest.as_str()).collect();
        for at in seen.iter().flatten() {
            let published = (at.published.saturating_sub(committed)) as f64 / 1e3;
            let applied = (at.applied.saturating_sub(committed)) as f64 / 1e3;
            published_ms.push(published);
            applied_ms.push(applied);
            line += &format!(
                "  h{}@{} {published:.1} ({applied:.1}) {}",
                at.host, at.version, at.cause
            );
        }
        last_digest = digests.first().copied().unwrap_or("").to_owned();
        if digests.windows(2).any(|w| w[0] != w[1]) {
            line += "  DIGESTS DIFFER";
        }
        println!("{line}");
    }
    published_ms.sort_by(f64::total_cmp);
    applied_ms.sort_by(f64::total_cmp);
    println!(
        "\ncommit to every host answering from its new snapshot: median {:.1} ms, worst {:.1} ms ({} samples)",
        percentile(&published_ms, 0.5),
        published_ms.last().copied().unwrap_or(f64::NAN),
        published_ms.len()
    );
    println!(
        "commit to every host's replica answering on the store path: median {:.1} ms, worst {:.1} ms",
        percentile(&applied_ms, 0.5),
        applied_ms.last().copied().unwrap_or(f64::NAN)
    );
    // Every host against a fresh compile of the database.
    let (fresh, _) = store.load()?;
    let fresh = digest(&Snapshot::compile(&host::Replica::new(fresh, 0))?)?;
    let fresh = format!("{fresh:016x}");
    println!(
        "fresh compile of the database: digest {fresh}; the hosts' last: {last_digest} ({})",
        if fresh == last_digest {
            "equal"
        } else {
            "DIFFERENT"
        }
    );
    drop(children);
    store.drop_schema()?;
    Ok(())
}
