//! Before you change a rank: who would move, asked of a compiled snapshot
//! before the change is made, then checked against the change itself.
//!
//! Run with `cargo run --example what_if`. On the seed's profile scenario
//! (seed 004) it asks who would move if Datum Agent took rank 1 and if the
//! default were removed, then removes the default through administration,
//! compiles again, and shows that the difference is the prediction.

// Examples print.
#![allow(clippy::print_stdout)]

use std::error::Error;

use rbac_profiles::{
    AdminOp, Directory, DirectoryDoc, MemoryStore, ProfileMove, Proposal, Snapshot, UserId,
    administer_all,
};

const ORG: &str = include_str!("data/seed004.json");
const OPS: &str = include_str!("data/seed004_ops.json");

fn main() -> Result<(), Box<dyn Error>> {
    let org: DirectoryDoc = serde_json::from_str(ORG)?;
    let mut store = MemoryStore::new(Directory::builtin_with(org)?);
    let admin = UserId::from("avery-admin");
    let ops: Vec<AdminOp> = serde_json::from_str(OPS)?;
    administer_all(&mut store, &admin, &ops)?;
    let before = Snapshot::compile(&store)?;

    // Rank 1 belongs to Contoso Supervisor: the operation alone is refused.
    let rank = |profile: &str, rank, role: &str| AdminOp::SetRankAndRoles {
        profile: profile.into(),
        rank,
        roles: vec![role.into()],
    };
    let alone = rank("datum-agent", 1, "omnichannel-agent");
    match before.impact(&store, &alone.clone().into()) {
        Err(refused) => println!("Datum Agent takes rank 1, alone: refused ({refused})"),
        Ok(_) => return Err("rank 1 was expected to be taken".into()),
    }
    // As one batch that swaps the two ranks, it can be made.
    let swap = Proposal::AdminBatch(vec![
        rank("contoso-supervisor", 3, "omnichannel-supervisor"),
        alone,
        rank("contoso-supervisor", 2, "omnichannel-supervisor"),
    ]);
    print_moves(
        "If Datum Agent took rank 1 (Contoso Supervisor rank 2)",
        &before.impact(&store, &swap)?,
    );

    let remove_default = AdminOp::RemoveDefault {
        profile: "contoso-agent".into(),
    };
    let predicted = before.impact(&store, &remove_default.clone().into())?;
    print_moves("If the default were removed", &predicted);

    // Now make the second change, compile again, and compare.
    administer_all(&mut store, &admin, &[remove_default])?;
    let after = Snapshot::compile(&store)?;
    let diff = before.diff(&after)?;
    let seen: Vec<ProfileMove> = diff.iter().filter_map(|d| d.moved()).collect();
    print_moves("After removing it, compiled again, the diff", &seen);
    if seen != predicted {
        return Err("the diff differs from the prediction".into());
    }
    println!(
        "\nThe diff equals the prediction: {} users moved.",
        seen.len()
    );
    Ok(())
}

/// Every move; a new rank alone is a new reason for the same profile.
fn print_moves(title: &str, moves: &[ProfileMove]) {
    let new_profile = moves
        .iter()
        .filter(|m| m.before.profile != m.after.profile)
        .count();
    println!(
        "\n{title}: {} resolutions change, {new_profile} to another profile",
        moves.len()
    );
    for moved in moves {
        println!("  {moved}");
    }
}
