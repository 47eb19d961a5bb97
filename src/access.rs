//! `has_privilege` and friends: what a user may do, and why.
//!
//! A user holds every role assigned to them directly, every role of every team
//! they belong to, and, transitively, every role those roles include. Their
//! level for a privilege is the highest level any of those roles grants; they
//! have the privilege when that level is above [`AccessLevel::None`].

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::error::{EntityRef, Error};
use crate::id::{RoleId, TeamId, UserId};
use crate::privilege::{AccessLevel, Privilege};
use crate::role::Role;
use crate::store::Store;
use crate::user::User;

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
/// let john = "john-doe".into();
///
/// // Customer Service Representative includes App profile user.
/// assert!(has_privilege(&store, &john, &"app_profile:read".parse()?)?);
/// assert!(!has_privilege(&store, &john, &"app_profile:write".parse()?)?);
/// assert!(matches!(
///     has_privilege(&store, &john, &"app_profile:teleport".parse()?),
///     Err(Error::UnknownPrivilege { .. })
/// ));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn has_privilege<S: Store + ?Sized>(
    store: &S,
    user: &UserId,
    privilege: &Privilege,
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
/// let bot_create = "bot:create".parse()?;
/// assert!(has_privilege_at(&store, &"u1".into(), &bot_create, AccessLevel::Organization)?);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn has_privilege_at<S: Store + ?Sized>(
    store: &S,
    user: &UserId,
    privilege: &Privilege,
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
/// let level = privilege_level(&store, &"u1".into(), &"conversation:transfer".parse()?)?;
/// assert_eq!(level, AccessLevel::Organization);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn privilege_level<S: Store + ?Sized>(
    store: &S,
    user: &UserId,
    privilege: &Privilege,
) -> Result<AccessLevel, Error> {
    let user = load_user(store, user)?;
    require_privilege(store, privilege)?;
    // Every held role is visited, even once `Organization` is reached, so a
    // dangling reference in a host's store is reported whatever the order.
    let mut best = AccessLevel::None;
    walk_held_roles(store, &user, |role| {
        if let Some(level) = role.grants.get(privilege) {
            best = best.max(*level);
        }
    })?;
    Ok(best)
}

/// How a user holds the role at the start of a [`Route`].
///
/// Ordered `Direct` first, then teams by id.
///
/// ```
/// use rbac_profiles::Holding;
///
/// assert!(Holding::Direct < Holding::Team("a-team".into()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Holding {
    /// Assigned to the user directly.
    Direct,
    /// Held through membership of this team.
    Team(TeamId),
}

/// One way a user comes to hold a privilege: a role they hold (directly or
/// through a team), the inclusion chain from it to the role that grants the
/// privilege, and the level granted.
///
/// ```
/// use rbac_profiles::{explain_privilege, Holding, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// let routes = explain_privilege(&store, &"u1".into(), &"app_profile:read".parse()?)?;
/// let route = &routes[0];
/// assert_eq!(route.holding, Holding::Direct);
/// assert_eq!(route.role.as_str(), "app-profile-user");
/// assert_eq!(route.chain, ["omnichannel-agent".into(), "app-profile-user".into()]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Route {
    /// The role whose own grants hold the privilege.
    pub role: RoleId,
    /// The level that role grants.
    pub level: AccessLevel,
    /// How the user holds the first role of `chain`.
    pub holding: Holding,
    /// The roles from the one the user holds down to `role`, both included;
    /// a single role when the user holds `role` itself. The shortest chain,
    /// ties broken by role id.
    pub chain: Vec<RoleId>,
}

/// Every route by which `user` holds `privilege`; empty when they don't.
///
/// One route per (held role, granting role) pair and way of holding the
/// role (directly, or through each team), with the shortest inclusion chain
/// between them; a role or team the store lists twice counts once. Sorted by granting role, then holding
/// (direct first, then teams by id), then chain, so the answer does not
/// depend on the order of lists in the store.
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
/// let routes = explain_privilege(&store, &"u1".into(), &"queue_agent:create".parse()?)?;
/// let holders: Vec<_> = routes.iter().map(|r| (r.role.as_str(), r.holding.clone())).collect();
/// assert_eq!(holders, [
///     ("omnichannel-administrator", Holding::Direct),
///     ("omnichannel-supervisor", Holding::Team("sup".into())),
/// ]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn explain_privilege<S: Store + ?Sized>(
    store: &S,
    user: &UserId,
    privilege: &Privilege,
) -> Result<Vec<Route>, Error> {
    let user = load_user(store, user)?;
    require_privilege(store, privilege)?;
    routes_where(store, &user, |role| {
        role.grants
            .get(privilege)
            .copied()
            .filter(|l| l.is_granted())
    })
}

/// Every route from a role `user` holds to a role for which `grants` gives
/// a level, sorted as [`explain_privilege`] documents.
pub(crate) fn routes_where<S: Store + ?Sized>(
    store: &S,
    user: &User,
    grants: impl Fn(&Role) -> Option<AccessLevel>,
) -> Result<Vec<Route>, Error> {
    let mut roles = RoleCache::new(store);
    let mut routes = Vec::new();
    for (holding, root, owner) in held_roots(store, user)? {
        // Breadth first, children in id order: the first path to reach a
        // role is the shortest, and ties go to the smaller ids.
        let mut parent: HashMap<RoleId, Option<RoleId>> = HashMap::new();
        let mut queue = VecDeque::new();
        roles.get(&root, &owner)?;
        parent.insert(root.clone(), None);
        queue.push_back(root);
        while let Some(id) = queue.pop_front() {
            let (granted, children) = {
                let role = roles.get(&id, &owner)?;
                let children: BTreeSet<RoleId> = role.includes.iter().cloned().collect();
                (grants(role), children)
            };
            if let Some(level) = granted {
                routes.push(Route {
                    role: id.clone(),
                    level,
                    holding: holding.clone(),
                    chain: chain_to(&parent, &id),
                });
            }
            let owner = EntityRef::Role(id.clone());
            for child in children {
                if !parent.contains_key(&child) {
                    roles.get(&child, &owner)?;
                    parent.insert(child.clone(), Some(id.clone()));
                    queue.push_back(child);
                }
            }
        }
    }
    routes.sort_by(cmp_routes);
    // A role or team listed twice (an untidy host store) walks the same
    // root twice: keep one route per (holding, held role, granting role).
    routes.dedup();
    Ok(routes)
}

/// The order of [`explain_privilege`]: granting role, holding, chain.
pub(crate) fn cmp_routes(a: &Route, b: &Route) -> std::cmp::Ordering {
    (&a.role, &a.holding, &a.chain).cmp(&(&b.role, &b.holding, &b.chain))
}

fn chain_to(parent: &HashMap<RoleId, Option<RoleId>>, end: &RoleId) -> Vec<RoleId> {
    let mut chain = vec![end.clone()];
    let mut at = end;
    while let Some(Some(up)) = parent.get(at) {
        chain.push(up.clone());
        at = up;
    }
    chain.reverse();
    chain
}

/// Roles read from the store once per query.
struct RoleCache<'s, S: ?Sized> {
    store: &'s S,
    roles: HashMap<RoleId, Cow<'s, Role>>,
}

impl<'s, S: Store + ?Sized> RoleCache<'s, S> {
    fn new(store: &'s S) -> Self {
        Self {
            store,
            roles: HashMap::new(),
        }
    }

    /// The role `id`, which `owner` refers to (named in the error if the
    /// store lacks it).
    fn get(&mut self, id: &RoleId, owner: &EntityRef) -> Result<&Role, Error> {
        if !self.roles.contains_key(id) {
            let role = fetch_role(self.store, id, owner)?;
            self.roles.insert(id.clone(), role);
        }
        self.roles
            .get(id)
            .map(|r| &**r)
            .ok_or_else(|| unknown(owner, EntityRef::Role(id.clone())))
    }
}

pub(crate) fn load_user<'s, S: Store + ?Sized>(
    store: &'s S,
    user: &UserId,
) -> Result<Cow<'s, User>, Error> {
    store
        .user(user)?
        .ok_or_else(|| Error::UnknownUser { user: user.clone() })
}

fn require_privilege<S: Store + ?Sized>(store: &S, privilege: &Privilege) -> Result<(), Error> {
    match store.privilege(privilege)? {
        Some(_) => Ok(()),
        None => Err(Error::UnknownPrivilege {
            privilege: privilege.clone(),
        }),
    }
}

fn unknown(owner: &EntityRef, target: EntityRef) -> Error {
    Error::UnknownReference {
        owner: owner.clone(),
        target,
    }
}

fn fetch_role<'s, S: Store + ?Sized>(
    store: &'s S,
    id: &RoleId,
    owner: &EntityRef,
) -> Result<Cow<'s, Role>, Error> {
    store
        .role(id)?
        .ok_or_else(|| unknown(owner, EntityRef::Role(id.clone())))
}

/// The roles a user holds before inclusion: their own, then each team's, with
/// how they hold it and who refers to it.
fn held_roots<S: Store + ?Sized>(
    store: &S,
    user: &User,
) -> Result<Vec<(Holding, RoleId, EntityRef)>, Error> {
    let me = EntityRef::User(user.id.clone());
    let mut roots: Vec<_> = user
        .roles
        .iter()
        .map(|r| (Holding::Direct, r.clone(), me.clone()))
        .collect();
    for team_id in &user.teams {
        let team = store
            .team(team_id)?
            .ok_or_else(|| unknown(&me, EntityRef::Team(team_id.clone())))?;
        let owner = EntityRef::Team(team_id.clone());
        roots.extend(
            team.roles
                .iter()
                .map(|r| (Holding::Team(team_id.clone()), r.clone(), owner.clone())),
        );
    }
    Ok(roots)
}

/// Calls `visit` once for every role the user holds, inclusions expanded.
/// Iterative with a visited set: a long chain can't overflow the stack, and a
/// cycle in a host's data is walked once.
pub(crate) fn walk_held_roles<S: Store + ?Sized>(
    store: &S,
    user: &User,
    visit: impl FnMut(&Role),
) -> Result<(), Error> {
    let roots = held_roots(store, user)?
        .into_iter()
        .map(|(_, role, owner)| (role, owner))
        .collect();
    walk_roles(store, roots, visit)
}

/// Calls `visit` once for every role of `roots` (each with the entity that
/// refers to it) and every role they include, transitively.
pub(crate) fn walk_roles<S: Store + ?Sized>(
    store: &S,
    roots: Vec<(RoleId, EntityRef)>,
    mut visit: impl FnMut(&Role),
) -> Result<(), Error> {
    let mut pending = roots;
    pending.reverse();
    let mut seen = HashSet::new();
    while let Some((id, owner)) = pending.pop() {
        if seen.contains(&id) {
            continue;
        }
        let role = fetch_role(store, &id, &owner)?;
        visit(&role);
        let me = EntityRef::Role(id.clone());
        pending.extend(
            role.includes
                .iter()
                .filter(|r| !seen.contains(*r))
                .map(|r| (r.clone(), me.clone())),
        );
        seen.insert(id);
    }
    Ok(())
}

/// Whether the user holds `role`: directly, through a team, or included.
pub(crate) fn holds_role<S: Store + ?Sized>(
    store: &S,
    user: &User,
    role: &str,
) -> Result<bool, Error> {
    let mut held = false;
    walk_held_roles(store, user, |r| held |= r.id.as_str() == role)?;
    Ok(held)
}
