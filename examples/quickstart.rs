//! Loads the built-in catalogue plus a small organisation and prints who holds
//! which privileges, and why.
//!
//! Run with `cargo run --example quickstart`.

// Examples print.
#![allow(clippy::print_stdout)]

use std::collections::BTreeSet;
use std::error::Error;

use rbac_profiles::{
    AccessLevel, Directory, DirectoryDoc, Holding, MemoryStore, Privilege, Route, User, catalog,
    explain_privilege,
};

const ORG: &str = include_str!("data/contoso.json");

/// Beyond the seed table: the app profile manager, cases, and the
/// organisation's own custom privileges.
const MORE: [&str; 6] = [
    "app_profile:read",
    "app_profile:write",
    "case:write",
    "case:read",
    "shift_report:read",
    "case_audit:read",
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

    println!("The seed privilege table: who holds every key of each row, and why\n");
    for row in catalog::seed_rows() {
        println!("{}  [{}]", row.wording, row.keys.join(", "));
        let keys = row
            .keys
            .iter()
            .map(|k| Privilege::new(*k))
            .collect::<Result<Vec<_>, _>>()?;
        print_holders(&store, directory.users(), &keys)?;
    }

    println!("\nApp profiles, cases and the organisation's own privileges\n");
    for key in MORE {
        println!("{key}");
        print_holders(&store, directory.users(), &[Privilege::new(key)?])?;
    }
    Ok(())
}

/// One line per user holding every one of `keys`: the lowest level among
/// them, and the distinct routes that grant them.
fn print_holders<'a>(
    store: &MemoryStore,
    users: impl Iterator<Item = &'a User>,
    keys: &[Privilege],
) -> Result<(), rbac_profiles::Error> {
    let mut anyone = false;
    'users: for user in users {
        let mut lowest = AccessLevel::Organization;
        let mut why = BTreeSet::new();
        for key in keys {
            let routes = explain_privilege(store, &user.id, key)?;
            let Some(level) = routes.iter().map(|r| r.level).max() else {
                continue 'users;
            };
            lowest = lowest.min(level);
            why.extend(routes.iter().map(describe));
        }
        anyone = true;
        let why: Vec<String> = why.into_iter().collect();
        println!(
            "    {:<16} {:<14} {}",
            user.name,
            lowest.to_string(),
            why.join("; ")
        );
    }
    if !anyone {
        println!("    (nobody)");
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
