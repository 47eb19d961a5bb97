//! The seed documentation's worked example of experience profiles, built
//! through the administration API, then resolved for every user.
//!
//! Run with `cargo run --example contoso`. Each line reads
//! `<user> | <profile> | <reason>`.

// Examples print.
#![allow(clippy::print_stdout)]

use std::error::Error;

use rbac_profiles::{
    administer, resolve_profile, AdminOp, Directory, DirectoryDoc, MemoryStore, UserId,
};

/// The users and the team: a supervisor, an agent, a user with both roles,
/// the seed's named users, a user who is a supervisor only through a team,
/// a user with no roles, and the administrator.
const ORG: &str = include_str!("data/seed004.json");
/// The profiles and templates, as administration operations.
const OPS: &str = include_str!("data/seed004_ops.json");

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

    // Only an app profile manager may change profiles.
    let refused = administer(
        &mut store,
        &"kendall-collins".into(),
        &AdminOp::RemoveDefault {
            profile: "contoso-agent".into(),
        },
    );
    if let Err(err) = refused {
        println!("\nKendall Collins tries to remove the default: {err}");
    }

    administer(
        &mut store,
        &admin,
        &AdminOp::RemoveDefault {
            profile: "contoso-agent".into(),
        },
    )?;
    println!("\nAfter {admin} removes the default:");
    print_resolutions(&store)?;
    Ok(())
}

fn print_resolutions(store: &MemoryStore) -> Result<(), Box<dyn Error>> {
    let directory = store.directory();
    for user in directory.users() {
        let resolution = resolve_profile(store, &user.id)?;
        let profile = directory
            .profile(resolution.profile.as_str())
            .map_or(resolution.profile.as_str(), |p| p.name.as_str());
        println!("{} | {} | {}", user.name, profile, resolution.reason);
    }
    Ok(())
}
