//! `has_privilege` and friends: what a user may do, and why.
//!
//! A user holds every role assigned to them directly, every role of every team
//! they belong to, and, transitively, every role those roles include. Their
//! level for a privilege is the highest level any of those roles grants; they
//! have the privilege when that level is above [`AccessLevel::None`].

use crate::error::Error;
use crate::held::{Reached, Route, grant_level, load_user, walk_held_roles};
use crate::id::{AsId, UserId};
use crate::key::{AsKey, Privilege};
use crate::privilege::AccessLevel;
use crate::routes::granting;
use crate::store::Store;

/// Whether `user` holds `privilege` at any level above
/// [`AccessLevel::None`].
///
/// # Errors
///
/// [`Error::UnknownUser`] and [`Error::UnknownPrivilege`] when either id is not
/// in the store: a typo must not look like a denial.
/// [`Error::UnknownReference`] when the store refers to a team or role it
/// does not hold, and [`Error::Storage`] when the store fails.
///
/// ```
/// use rbac_profiles::{has_privilege, Directory, DirectoryDoc, Error, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("john-doe", "John Doe").with_role("customer-service-representative"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
/// let john = "john-doe";
///
/// // Customer Service Representative includes App profile user.
/// assert!(has_privilege(&store, &john, "app_profile:read")?);
/// assert!(!has_privilege(&store, &john, "app_profile:write")?);
/// assert!(matches!(
///     has_privilege(&store, &john, "app_profile:teleport"),
///     Err(Error::UnknownPrivilege { .. })
/// ));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn has_privilege<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    privilege: impl AsKey<Privilege>,
) -> Result<bool, Error> {
    Ok(privilege_level(store, user, privilege)?.is_granted())
}

/// Whether `user` holds `privilege` at `level` or higher.
///
/// Holding a privilege means a level above [`AccessLevel::None`], so asking
/// for `AccessLevel::None` is the same as [`has_privilege`]: `false` when no
/// role grants it.
///
/// # Errors
///
/// As [`has_privilege`].
///
/// ```
/// use rbac_profiles::{has_privilege_at, AccessLevel, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("u1", "One").with_role("omnichannel-administrator"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
/// let bot_create = "bot:create";
/// assert!(has_privilege_at(&store, "u1", &bot_create, AccessLevel::Organization)?);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn has_privilege_at<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    privilege: impl AsKey<Privilege>,
    level: AccessLevel,
) -> Result<bool, Error> {
    let held = privilege_level(store, user, privilege)?;
    Ok(held.is_granted() && held >= level)
}

/// The highest level at which `user` holds `privilege`, over every role they
/// hold directly or through a team, with inclusions expanded;
/// [`AccessLevel::None`] when no role grants it.
///
/// # Errors
///
/// As [`has_privilege`].
///
/// ```
/// use rbac_profiles::{privilege_level, AccessLevel, Directory, DirectoryDoc, MemoryStore, Team, User};
///
/// let mut org = DirectoryDoc::default();
/// org.teams.push(Team::new("sup", "Supervisors").with_role("omnichannel-supervisor").with_member("u1"));
/// org.users.push(User::new("u1", "One").with_team("sup"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// // Held through the team.
/// let level = privilege_level(&store, "u1", "conversation:transfer")?;
/// assert_eq!(level, AccessLevel::Organization);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn privilege_level<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    privilege: impl AsKey<Privilege>,
) -> Result<AccessLevel, Error> {
    let privilege = privilege.to_key()?;
    let user = load_user(store, user)?;
    require_privilege(store, &privilege)?;
    // Every held role is visited, even once `Organization` is reached, so a
    // dangling reference in a host's store is reported whatever the order.
    let mut best = AccessLevel::None;
    walk_held_roles(store, &user, |role| {
        best = best.max(grant_level(role, &privilege));
    })?;
    Ok(best)
}

/// Every route by which `user` holds `privilege`; empty when they don't.
///
/// Each granting role is given once ([`Route`]): its level, one shortest
/// inclusion chain from a role the user holds down to it, how that first
/// role is held (ties going to direct holdings, then teams by id, then
/// smaller role ids), and in `other_paths` how many other ways (holdings
/// and chains) lead to it. So the answer holds at most one route per role
/// the user reaches, however many paths there are (a user in N teams over
/// an N-role chain gets N routes, not N²), and costs time linear in the
/// part of the organisation the user reaches; a role or team the store
/// lists twice counts once. Sorted by granting role id, so the answer
/// does not depend on the order of lists in the store.
///
/// # Errors
///
/// As [`has_privilege`].
///
/// ```
/// use rbac_profiles::{explain_privilege, Holding, Directory, DirectoryDoc, MemoryStore, Team, User};
///
/// let mut org = DirectoryDoc::default();
/// org.teams.push(Team::new("sup", "Supervisors").with_role("omnichannel-supervisor").with_member("u1"));
/// org.users.push(User::new("u1", "One").with_role("omnichannel-administrator").with_team("sup"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// let routes = explain_privilege(&store, "u1", "queue_agent:create")?;
/// let holders: Vec<_> = routes.iter().map(|r| (r.role.as_str(), r.holding.clone())).collect();
/// assert_eq!(holders, [
///     ("omnichannel-administrator", Holding::Direct),
///     ("omnichannel-supervisor", Holding::Team("sup".into())),
/// ]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn explain_privilege<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    privilege: impl AsKey<Privilege>,
) -> Result<Vec<Route>, Error> {
    let privilege = privilege.to_key()?;
    let user = load_user(store, user)?;
    require_privilege(store, &privilege)?;
    let reached = Reached::load(store, user)?;
    let found = granting(
        reached.includes.as_slice(),
        &reached.sources(),
        |node| reached.level(node, &privilege),
        |node| reached.role_id(node),
    );
    Ok(reached.routes(found))
}

pub(crate) fn require_privilege<S: Store + ?Sized>(
    store: &S,
    privilege: &Privilege,
) -> Result<(), Error> {
    match store.privilege(privilege)? {
        Some(_) => Ok(()),
        None => Err(Error::UnknownPrivilege {
            privilege: privilege.clone(),
        }),
    }
}
