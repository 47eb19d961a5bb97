//! Onboarding an agent through the administration API: a System
//! Administrator creates the user in a region, assigns roles, adds them to
//! a team and gives them a profile, in one all-or-nothing batch, after
//! asking what it would change; a supervisor who may edit roles tries to
//! make someone an Omnichannel administrator and is refused by the
//! elevation rule; then the agent's privileges, profile and why.
//!
//! Run with `cargo run --example onboarding`.

// Examples print.
#![allow(clippy::print_stdout)]

use std::error::Error;

use rbac_profiles::{
    AccessLevel, AdminOp, Directory, MemoryStore, Proposal, Snapshot, administer, administer_all,
    explain_privilege, privilege_level, resolve_profile,
};

const ORG: &str = r#"{
    "business_units": [
        { "id": "contoso", "name": "Contoso" },
        { "id": "emea", "name": "EMEA", "parent": "contoso" }
    ],
    "roles": [
        { "id": "team-lead", "name": "Team lead",
          "grants": { "user_role:write": "business_unit", "case:read": "business_unit" } }
    ],
    "teams": [
        { "id": "emea-chat", "name": "EMEA chat", "business_unit": "emea",
          "roles": ["customer-service-representative"] }
    ],
    "users": [
        { "id": "sam", "name": "Sam", "roles": ["system-administrator"] },
        { "id": "sue", "name": "Sue", "business_unit": "emea",
          "roles": ["omnichannel-supervisor", "team-lead"] }
    ],
    "profiles": [
        { "id": "emea-agent", "name": "EMEA agent", "rank": 1, "roles": ["omnichannel-supervisor"] },
        { "id": "chat-first", "name": "Chat first" }
    ]
}"#;

fn main() -> Result<(), Box<dyn Error>> {
    let mut store = MemoryStore::new(Directory::from_json(ORG)?);

    let onboard = vec![
        AdminOp::CreateUser {
            user: "ana".into(),
            name: "Ana".into(),
            business_unit: Some("emea".into()),
        },
        AdminOp::AssignRole {
            user: "ana".into(),
            role: "omnichannel-agent".into(),
            business_unit: None,
        },
        AdminOp::AddTeamMembers {
            team: "emea-chat".into(),
            users: vec!["ana".into()],
        },
        AdminOp::AssignUsers {
            profile: "chat-first".into(),
            users: vec!["ana".into()],
        },
    ];

    // What the batch would change, before it is made.
    let snapshot = Snapshot::compile(&store)?;
    let proposal = Proposal::AdminBatch(onboard.clone());
    let changes = snapshot.impact_access(&store, &proposal)?;
    println!(
        "Onboarding Ana would give her {} privileges, among them:",
        changes.len()
    );
    for change in changes.iter().filter(|c| c.privilege.entity() == "case") {
        println!("  {change}");
    }

    administer_all(&mut store, "sam", &onboard)?;
    println!("\nSam onboarded Ana in {} operations.", onboard.len());

    // Sue may edit roles in her unit, but only give what she holds herself.
    let elevate = AdminOp::AssignRole {
        user: "ana".into(),
        role: "omnichannel-administrator".into(),
        business_unit: None,
    };
    println!("\nSue needs: {}", elevate.requirement());
    match administer(&mut store, "sue", &elevate) {
        Ok(()) => println!("Sue made Ana an administrator (unexpected)"),
        Err(err) => println!("Sue was refused: {err}"),
    }

    println!("\nAna's privileges:");
    for privilege in store.directory().privileges() {
        let level = privilege_level(&store, "ana", &privilege.key)?;
        if level > AccessLevel::None {
            println!("  {:<40} {level}", privilege.key.as_str());
        }
    }
    println!("\nAna's profile: {}", resolve_profile(&store, "ana")?);
    println!("Why Ana may read cases:");
    for route in explain_privilege(&store, "ana", "case:read")? {
        println!("  {route}");
    }
    Ok(())
}
