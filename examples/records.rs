//! Record access in a small company: a root business unit, two regions, a
//! Paris office under EMEA with its desk team. For a handful of cases it
//! prints who may read, write and assign each, and why; then the filter
//! each agent's case list would use.
//!
//! `cargo run --example records`
#![allow(clippy::print_stdout)]

use std::error::Error;

use rbac_profiles::{
    AccessFilter, AccessRight, AccessRights, Directory, MemoryStore, Record, Share, access_filter,
    explain_access,
};

fn main() -> Result<(), Box<dyn Error>> {
    let store = MemoryStore::new(Directory::from_json(include_str!("data/records.json"))?);
    let shared_with_cy = [Share::user("cy", AccessRights::from([AccessRight::Read]))];
    let cases = [
        ("case 1, Ana's, in Paris", Record::owned_by_user("ana")),
        (
            "case 2, the Paris desk's",
            Record::owned_by_team("paris-desk"),
        ),
        ("case 3, Cy's, in APAC", Record::owned_by_user("cy")),
        (
            "case 4, Lea's, shared with Cy to read",
            Record::owned_by_user("lea").with_shares(&shared_with_cy),
        ),
        (
            "case 5, Bo's, filed under APAC",
            Record::owned_by_user("bo").in_business_unit("apac"),
        ),
    ];
    for (name, case) in &cases {
        println!("{name}");
        for action in ["read", "write", "assign"] {
            let key = format!("case:{action}");
            println!("  {action}:");
            for user in store.users() {
                let routes = explain_access(&store, &user.id, key.as_str(), case)?;
                // The first route is enough to say why; the others are counted.
                if let Some(route) = routes.first() {
                    let more = match routes.len() - 1 {
                        0 => String::new(),
                        n => format!(" (+{n} more)"),
                    };
                    println!("    {:<5} {route}{more}", user.id);
                }
            }
        }
        println!();
    }

    println!("The case list of each agent, as a filter (case:read):");
    for agent in ["ana", "bo", "cy", "lea"] {
        let filter = access_filter(&store, agent, "case:read")?;
        println!("  {agent:<4} {}", describe(&filter));
    }
    Ok(())
}

/// The filter in words: the parts of the `WHERE` clause it gives.
fn describe(filter: &AccessFilter) -> String {
    if filter.everything {
        return "every case".to_owned();
    }
    let mut parts = Vec::new();
    if !filter.owners.is_empty() {
        let owners: Vec<String> = filter.owners.iter().map(|o| o.to_string()).collect();
        parts.push(format!("owned by {}", owners.join(" or ")));
    }
    if !filter.business_units.is_empty() {
        let units: Vec<&str> = filter.business_units.iter().map(|u| u.as_str()).collect();
        parts.push(format!("owned in {}", units.join(", ")));
    }
    if let Some(right) = filter.right {
        let with: Vec<String> = filter.shared_with.iter().map(|p| p.to_string()).collect();
        parts.push(format!("shared with {} to {right}", with.join(" or ")));
    }
    if parts.is_empty() {
        return "no case".to_owned();
    }
    parts.join("; or ")
}
