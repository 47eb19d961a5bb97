//! The seed's profile scenario of `examples/contoso.rs`, stored in an SQLite
//! database: the directory is imported, the administrator's operations are
//! written through the crate's administration API (each one SQLite
//! transaction), the database is closed and opened again, and every user's
//! profile is resolved from it.
//!
//! Run with `cargo run --example sqlite_store [DATABASE]`; the database file
//! defaults to `rbac-profiles-contoso.sqlite` in the temporary directory and
//! is made anew. The `<user> | <profile> | <reason>` lines are those of
//! `cargo run --example contoso`. The store itself is in
//! `examples/sqlite_store/store.rs`.

// Examples print.
#![allow(clippy::print_stdout)]

#[path = "common/seed004.rs"]
mod seed004;
#[path = "sqlite_store/store.rs"]
mod store;

use std::error::Error;
use std::path::PathBuf;

use rbac_profiles::{AdminOp, Directory, DirectoryDoc, UserId, administer};
use seed004::{OPS, ORG, print_resolutions, remove_the_default};
use store::SqliteStore;

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("rbac-profiles-contoso.sqlite"));
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    let admin = UserId::from("avery-admin");

    {
        let org: DirectoryDoc = serde_json::from_str(ORG)?;
        let mut store = SqliteStore::open(&path)?;
        store.import(&Directory::builtin_with(org)?)?;
        let ops: Vec<AdminOp> = serde_json::from_str(OPS)?;
        for op in &ops {
            administer(&mut store, &admin, op)?;
        }
        println!(
            "{} operations by {admin} into {}",
            ops.len(),
            path.display()
        );
        // The connection closes here.
    }

    let mut store = SqliteStore::open(&path)?;
    println!("\nReopened; who gets which profile:");
    print_resolutions(&store)?;
    remove_the_default(&mut store, &admin)
}
