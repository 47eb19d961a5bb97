//! Audits a small organisation: the diagnostics of every user, then who can
//! read one secured column, and why.
//!
//! Run with `cargo run --example audit`.

// Examples print.
#![allow(clippy::print_stdout)]

use std::error::Error;

use rbac_profiles::{
    ColumnGrant, ColumnKey, ColumnPermission, Directory, DirectoryDoc, Holding, MemoryStore,
    diagnose, explain_column_access,
};

const ORG: &str = include_str!("data/contoso.json");

/// The secured column to audit: a channel's authentication token.
const COLUMN: &str = "msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken";

fn main() -> Result<(), Box<dyn Error>> {
    let org: DirectoryDoc = serde_json::from_str(ORG)?;
    let directory = Directory::builtin_with(org)?;
    let store = MemoryStore::new(directory.clone());

    println!("Diagnostics\n");
    let found = diagnose(&store)?;
    if found.is_empty() {
        println!("    (none)");
    }
    for diagnostic in &found {
        println!("    {diagnostic}");
    }

    let column = ColumnKey::new(COLUMN)?;
    let secured = if directory.is_secured_column(column.as_str()) {
        "secured"
    } else {
        "not secured"
    };
    println!("\nWho can read {column} ({secured}), and why\n");
    let mut anyone = false;
    for user in directory.users() {
        let reasons: Vec<String> = explain_column_access(&store, &user.id, &column)?
            .iter()
            .filter(|route| route.permission == ColumnPermission::Read)
            .map(|route| describe(&route.grant))
            .collect();
        if reasons.is_empty() {
            continue;
        }
        anyone = true;
        println!("    {:<16} {}", user.name, reasons.join("; "));
    }
    if !anyone {
        println!("    (nobody)");
    }
    Ok(())
}

/// `profile whatsapp-readers (team tier-2-supervisors)`
fn describe(grant: &ColumnGrant) -> String {
    match grant {
        ColumnGrant::Profile { profile, holding } => {
            format!("column profile {profile} ({})", holding_text(holding))
        }
        ColumnGrant::SystemAdministrator(route) => {
            let chain: Vec<&str> = route.chain.iter().map(|r| r.as_str()).collect();
            format!(
                "System Administrator bypasses column security: {} ({})",
                chain.join(" > "),
                holding_text(&route.holding)
            )
        }
        ColumnGrant::TablePrivilege { privilege, route } => {
            format!(
                "{privilege} through {} ({})",
                route.role,
                holding_text(&route.holding)
            )
        }
        other => format!("{other:?}"),
    }
}

fn holding_text(holding: &Holding) -> String {
    match holding {
        Holding::Direct => "direct".to_owned(),
        Holding::Team(team) => format!("team {team}"),
        other => format!("{other:?}"),
    }
}
