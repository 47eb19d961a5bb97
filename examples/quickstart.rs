//! Loads the built-in catalogue plus a small organisation and prints who holds
//! which privileges, and why.
//!
//! Run with `cargo run --example quickstart`.

// Examples print, and stop on a bad fixture with `?`.
#![allow(clippy::print_stdout)]

use std::error::Error;

use rbac_profiles::{
    explain_privilege, Directory, DirectoryDoc, Holding, MemoryStore, Privilege, Route,
};

const ORG: &str = include_str!("data/contoso.json");

/// Privileges worth a look: a few seed rows, the app profile manager, cases,
/// and the organisation's own custom privilege.
const SHOWN: [&str; 9] = [
    "conversation:transfer",
    "bot:create",
    "quick_reply:read",
    "agent_script:read",
    "app_profile:read",
    "app_profile:write",
    "case:write",
    "user_role:write",
    "shift_report:read",
];

fn main() -> Result<(), Box<dyn Error>> {
    let org: DirectoryDoc = serde_json::from_str(ORG)?;
    let directory = Directory::builtin_with(org)?;
    let store = MemoryStore::new(directory.clone());

    println!(
        "{} privileges, {} roles, {} teams, {} users\n",
        directory.privileges().len(),
        directory.roles().len(),
        directory.teams().len(),
        directory.users().len()
    );
    println!("{:<23} {:<16} {:<15} why", "privilege", "user", "level");
    println!("{}", "-".repeat(100));
    for key in SHOWN {
        let privilege = Privilege::new(key)?;
        let mut first = true;
        for user in directory.users() {
            let routes = explain_privilege(&store, &user.id, &privilege)?;
            let Some(level) = routes.iter().map(|r| r.level).max() else {
                continue;
            };
            let why: Vec<String> = routes.iter().map(describe).collect();
            let shown_key = if first { key } else { "" };
            first = false;
            println!(
                "{shown_key:<23} {:<16} {:<15} {}",
                user.name,
                level.to_string(),
                why.join("; ")
            );
        }
        if first {
            println!("{key:<23} (nobody)");
        }
    }
    Ok(())
}

/// `customer-service-representative > app-profile-user (direct)`
fn describe(route: &Route) -> String {
    let chain: Vec<&str> = route.chain.iter().map(|r| r.as_str()).collect();
    let holding = match &route.holding {
        Holding::Direct => "direct".to_owned(),
        Holding::Team(team) => format!("team {team}"),
        other => format!("{other:?}"),
    };
    format!("{} ({holding})", chain.join(" > "))
}
