//! A service's first hour: load an organisation, answer privilege and profile
//! questions, explain one, administer, and serve a compiled snapshot to reader
//! threads while a fresh one is published. `cargo run --example service`
#![allow(clippy::print_stdout)]

use std::thread;

use rbac_profiles::*;

fn main() -> Result<(), Error> {
    // The organisation, on top of the built-in roles and privileges.
    let mut store = MemoryStore::new(Directory::from_json(include_str!("data/service.json"))?);
    // May each user transfer conversations, and which profile do they get?
    for User { id, .. } in store.users() {
        let transfer = has_privilege(&store, id, "conversation:transfer")?;
        let profile = resolve_profile(&store, id)?;
        println!("{id:<16} transfer: {transfer:<5}  profile: {profile}");
    }
    // Why may Tess transfer conversations?
    for route in explain_privilege(&store, "tess-team", "conversation:transfer")? {
        println!("tess-team may transfer: {route}");
    }
    // A supervisor may not change profiles; the administrator may.
    let op = AdminOp::SetDefault {
        profile: "contoso-agent".into(),
    };
    if let Err(refused) = administer(&mut store, "sam-supervisor", &op) {
        println!("refused: {refused}");
    }
    administer(&mut store, "avery-admin", &op)?;
    // Serve a compiled snapshot to readers; publish a fresh one meanwhile.
    let shared = SharedSnapshot::new(Snapshot::compile(&store)?);
    thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                shared
                    .load()
                    .resolve_profile("nora-none")
                    .map(|r| println!("nora-none: {r}"))
            });
        }
        shared.publish(Snapshot::compile(&store)?);
        Ok(())
    })
}
