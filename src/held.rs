//! What a user holds: the roles assigned to them directly, the roles of
//! their teams, and, transitively, every role those include, with how each
//! is held. Every question about privileges walks these.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{EntityRef, Error};
use crate::id::{AsId, RoleId, TeamId, UserId};
use crate::privilege::AccessLevel;
use crate::role::Role;
use crate::store::Store;
use crate::user::User;

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

/// `directly`, or `through team <id>`.
///
/// ```
/// use rbac_profiles::Holding;
///
/// assert_eq!(Holding::Direct.to_string(), "directly");
/// assert_eq!(Holding::Team("tier-2".into()).to_string(), "through team tier-2");
/// ```
impl fmt::Display for Holding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Holding::Direct => f.write_str("directly"),
            Holding::Team(team) => write!(f, "through team {team}"),
        }
    }
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
/// let routes = explain_privilege(&store, "u1", "app_profile:read")?;
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

/// One line a person reads: the granting role and its level, how the user
/// holds it, and the inclusion chain when there is one.
///
/// ```
/// use rbac_profiles::{explain_privilege, Directory, DirectoryDoc, MemoryStore, Team, User};
///
/// let mut org = DirectoryDoc::default();
/// org.teams.push(Team::new("sup", "Supervisors").with_role("omnichannel-supervisor").with_member("u1"));
/// org.users.push(User::new("u1", "One").with_team("sup"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// let lines: Vec<String> = explain_privilege(&store, "u1", "app_profile:read")?
///     .iter()
///     .map(|route| route.to_string())
///     .collect();
/// assert_eq!(lines, [
///     "app-profile-user grants organization, held through team sup by omnichannel-supervisor > app-profile-user",
/// ]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} grants {}, held {}",
            self.role, self.level, self.holding
        )?;
        if self.chain.len() > 1 {
            f.write_str(" by ")?;
            for (at, role) in self.chain.iter().enumerate() {
                if at > 0 {
                    f.write_str(" > ")?;
                }
                write!(f, "{role}")?;
            }
        }
        Ok(())
    }
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

/// The user `user` names, which the store must hold.
pub(crate) fn load_user<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
) -> Result<Cow<'_, User>, Error> {
    let id = user.to_id();
    store.user(&id)?.ok_or_else(|| Error::UnknownUser {
        user: id.into_owned(),
    })
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
    let roots = roots.into_iter().map(|(id, owner)| (id, owner, ()));
    walk_roles_from(store, roots.collect(), |role, ()| visit(role))
}

/// [`walk_roles`] with each root tagged: `visit` gets the tag of the root
/// that first reached the role. Roots are walked in order, each to the end
/// before the next, so a role goes to the first root reaching it.
pub(crate) fn walk_roles_from<S: Store + ?Sized, T: Clone>(
    store: &S,
    roots: Vec<(RoleId, EntityRef, T)>,
    mut visit: impl FnMut(&Role, &T),
) -> Result<(), Error> {
    let mut pending = roots;
    pending.reverse();
    let mut seen = HashSet::new();
    while let Some((id, owner, tag)) = pending.pop() {
        if seen.contains(&id) {
            continue;
        }
        let role = fetch_role(store, &id, &owner)?;
        visit(&role, &tag);
        let me = EntityRef::Role(id.clone());
        pending.extend(
            role.includes
                .iter()
                .filter(|r| !seen.contains(*r))
                .map(|r| (r.clone(), me.clone(), tag.clone())),
        );
        seen.insert(id);
    }
    Ok(())
}

/// Whether the user holds `role`: directly, through a team, or included.
pub(crate) fn holds_role<S: Store + ?Sized>(
    store: &S,
    user: &User,
    role: &RoleId,
) -> Result<bool, Error> {
    let mut held = false;
    walk_held_roles(store, user, |r| held |= r.id == *role)?;
    Ok(held)
}
