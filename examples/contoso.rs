//! The seed documentation's worked example of experience profiles, built
//! through the administration API, then resolved for every user.
//!
//! Run with `cargo run --example contoso`. Each line reads
//! `<user> | <profile> | <reason>`.

// Examples print.
#![allow(clippy::print_stdout)]

#[path = "common/seed004.rs"]
mod seed004;

use std::error::Error;

use rbac_profiles::{AdminOp, Directory, DirectoryDoc, MemoryStore, UserId, administer};
use seed004::{OPS, ORG, print_resolutions, remove_the_default};

fn main() -> Result<(), Box<dyn Error>> {
    let org: DirectoryDoc = serde_json::from_str(ORG)?;
    let mut store = MemoryStore::new(Directory::builtin_with(org)?);
    let admin = UserId::from("avery-admin");

    let ops: Vec<AdminOp> = serde_json::from_str(OPS)?;
    for op in &ops {
        administer(&mut store, &admin, op)?;
    }
    println!("{} operations by {admin}; the profiles now:", ops.len());
    for profile in store.directory().profiles() {
        let mut facts = vec![profile.kind.to_string()];
        if let Some(rank) = profile.rank {
            let roles: Vec<&str> = profile.roles.iter().map(|r| r.as_str()).collect();
            facts.push(format!("rank {rank} for {}", roles.join(", ")));
        }
        if !profile.users.is_empty() {
            let users: Vec<&str> = profile.users.iter().map(|u| u.as_str()).collect();
            facts.push(format!("users {}", users.join(", ")));
        }
        if profile.default {
            facts.push("default".to_owned());
        }
        println!("  {}: {}", profile.name, facts.join("; "));
    }

    println!("\nWho gets which profile:");
    print_resolutions(&store)?;
    remove_the_default(&mut store, &admin)
}
