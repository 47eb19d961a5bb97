//! What `examples/contoso.rs` and `examples/sqlite_store.rs` share: the
//! seed's profile scenario and how its resolutions are printed.

use std::error::Error;

use rbac_profiles::{AdminOp, Store, StoreMut, UserId, administer, resolve_profile};

/// The users and the team: a supervisor, an agent, a user with both roles,
/// the seed's named users, a user who is a supervisor only through a team,
/// a user with no roles, and the administrator.
pub const ORG: &str = include_str!("../data/seed004.json");
/// The profiles and templates, as administration operations.
pub const OPS: &str = include_str!("../data/seed004_ops.json");

/// `<user> | <profile> | <reason>` for every user, in the store's order.
pub fn print_resolutions(store: &impl Store) -> Result<(), Box<dyn Error>> {
    for id in store.user_ids()? {
        let name = store.user(&id)?.map_or(id.to_string(), |u| u.name.clone());
        let resolution = resolve_profile(store, &id)?;
        let profile = store
            .profile(&resolution.profile)?
            .map_or(resolution.profile.to_string(), |p| p.name.clone());
        println!("{name} | {profile} | {}", resolution.reason);
    }
    Ok(())
}

/// Kendall Collins, an agent, tries to remove the default and is refused;
/// `admin` removes it; everyone's resolution again.
pub fn remove_the_default(store: &mut impl StoreMut, admin: &UserId) -> Result<(), Box<dyn Error>> {
    let op = AdminOp::RemoveDefault {
        profile: "contoso-agent".into(),
    };
    // Only an app profile manager may change profiles.
    if let Err(err) = administer(store, "kendall-collins", &op) {
        println!("\nKendall Collins tries to remove the default: {err}");
    }
    administer(store, admin, &op)?;
    println!("\nAfter {admin} removes the default:");
    print_resolutions(store)
}
