//! What a user holds: the roles assigned to them directly, the roles of
//! their teams, and, transitively, every role those include, with how each
//! is held. Every question about privileges walks these.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::catalog::SYSTEM_ADMINISTRATOR;
use crate::chain::Chain;
use crate::error::{EntityRef, Error};
use crate::id::{AsId, BusinessUnitId, RoleId, TeamId, UserId};
use crate::key::Privilege;
use crate::privilege::AccessLevel;
use crate::role::{Inheritance, Role};
use crate::routes::{Found, Source};
use crate::store::Store;
use crate::team::Team;
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
    pub chain: Chain,
    /// How many other ways (holdings and inclusion chains) lead to `role`;
    /// an explanation names one way per granting role, and counts the
    /// rest here (saturating).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub other_paths: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
            write!(f, " by {}", self.chain)?;
        }
        Ok(())
    }
}

/// A user's holdings and the part of the role graph they reach, read from
/// the store once for a question: roles in id order (so node order is id
/// order), their inclusions, and every holding with the business unit it
/// is held in.
pub(crate) struct Reached<'s> {
    /// The user.
    pub(crate) user: Cow<'s, User>,
    /// The roles reached, in id order: node `i` is `roles[i]`.
    pub(crate) roles: Vec<Cow<'s, Role>>,
    /// Per node: the nodes it includes, in node order, each once.
    pub(crate) includes: Vec<Vec<u32>>,
    /// Every holding, in route order: direct ones by role then unit, then
    /// each team's (teams by id) by role.
    pub(crate) holdings: Vec<Hold>,
    /// The user's teams, in id order, each once.
    pub(crate) teams: Vec<Cow<'s, Team>>,
}

/// One way a user holds a role, and in which context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Hold {
    /// The held role's node.
    pub(crate) node: u32,
    /// Directly, or through which team.
    pub(crate) holding: Holding,
    /// The business unit it is held in (the user's, the assignment's or
    /// the team's; `None` only when the store has no units).
    pub(crate) unit: Option<BusinessUnitId>,
    /// A team holding whose role lets members reach their own records
    /// ([`Inheritance::DirectUserBasic`]).
    pub(crate) member_owned: bool,
}

impl<'s> Reached<'s> {
    /// Reads `user`'s holdings and every role they reach.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownReference`] naming the referrer when the store lacks
    /// a team or role it refers to; [`Error::Storage`].
    pub(crate) fn load<S: Store + ?Sized>(
        store: &'s S,
        user: Cow<'s, User>,
    ) -> Result<Self, Error> {
        let root = store.root_business_unit()?;
        let me = EntityRef::User(user.id.clone());
        let own_unit = user.business_unit.clone().or_else(|| root.clone());
        // A disabled user holds nothing: no role, no team's.
        let mut teams: Vec<&TeamId> = if user.disabled {
            Vec::new()
        } else {
            user.teams.iter().collect()
        };
        teams.sort_unstable();
        teams.dedup();
        let mut loaded_teams = Vec::with_capacity(teams.len());
        for team in teams {
            let found = store
                .team(team)?
                .ok_or_else(|| unknown(&me, EntityRef::Team(team.clone())))?;
            loaded_teams.push(found);
        }

        // Roles met, by id, with the entity that first referred to them.
        let mut met: HashMap<RoleId, usize> = HashMap::new();
        let mut roles: Vec<Cow<'s, Role>> = Vec::new();
        let mut pending: VecDeque<(RoleId, EntityRef)> = VecDeque::new();
        let mut holds: Vec<(RoleId, Holding, Option<BusinessUnitId>, EntityRef)> = Vec::new();
        let assignments = if user.disabled {
            &[][..]
        } else {
            &user.roles[..]
        };
        for assignment in assignments {
            let unit = assignment
                .business_unit
                .clone()
                .or_else(|| own_unit.clone());
            holds.push((assignment.role.clone(), Holding::Direct, unit, me.clone()));
        }
        for team in &loaded_teams {
            let unit = team.business_unit.clone().or_else(|| root.clone());
            let owner = EntityRef::Team(team.id.clone());
            for role in &team.roles {
                holds.push((
                    role.clone(),
                    Holding::Team(team.id.clone()),
                    unit.clone(),
                    owner.clone(),
                ));
            }
        }
        for (role, _, _, owner) in &holds {
            pending.push_back((role.clone(), owner.clone()));
        }
        while let Some((id, owner)) = pending.pop_front() {
            if met.contains_key(&id) {
                continue;
            }
            let role = fetch_role(store, &id, &owner)?;
            let me = EntityRef::Role(id.clone());
            for child in &role.includes {
                if !met.contains_key(child) {
                    pending.push_back((child.clone(), me.clone()));
                }
            }
            met.insert(id, roles.len());
            roles.push(role);
        }

        // Renumber in id order.
        let mut order: Vec<usize> = (0..roles.len()).collect();
        order.sort_unstable_by(|a, b| {
            let id = |i: &usize| roles.get(*i).map(|r| &r.id);
            id(a).cmp(&id(b))
        });
        let mut node_of: HashMap<RoleId, u32> = HashMap::with_capacity(order.len());
        for (node, old) in (0u32..).zip(&order) {
            if let Some(role) = roles.get(*old) {
                node_of.insert(role.id.clone(), node);
            }
        }
        let mut slots: Vec<Option<Cow<'s, Role>>> = roles.into_iter().map(Some).collect();
        let roles: Vec<Cow<'s, Role>> = order
            .iter()
            .filter_map(|old| slots.get_mut(*old).and_then(Option::take))
            .collect();
        let includes = roles
            .iter()
            .map(|role| {
                let mut children: Vec<u32> = role
                    .includes
                    .iter()
                    .filter_map(|c| node_of.get(c).copied())
                    .collect();
                children.sort_unstable();
                children.dedup();
                children
            })
            .collect();
        let mut holdings: Vec<Hold> = holds
            .into_iter()
            .filter_map(|(role, holding, unit, _)| {
                let node = *node_of.get(&role)?;
                let member_owned = matches!(holding, Holding::Team(_))
                    && roles.get(node as usize)?.inheritance == Inheritance::DirectUserBasic;
                Some(Hold {
                    node,
                    holding,
                    unit,
                    member_owned,
                })
            })
            .collect();
        holdings.sort_by(|a, b| (&a.holding, a.node, &a.unit).cmp(&(&b.holding, b.node, &b.unit)));
        // A role or team an untidy host store lists twice is one holding.
        holdings.dedup();
        Ok(Reached {
            user,
            roles,
            includes,
            holdings,
            teams: loaded_teams,
        })
    }

    /// The level role `node`'s own grants give `privilege`: System
    /// Administrator holds every privilege at `organization`.
    pub(crate) fn level(&self, node: u32, privilege: &Privilege) -> AccessLevel {
        self.roles
            .get(node as usize)
            .map_or(AccessLevel::None, |role| grant_level(role, privilege))
    }

    /// The role of `node`.
    pub(crate) fn role_id(&self, node: u32) -> RoleId {
        self.roles
            .get(node as usize)
            .map(|r| r.id.clone())
            .unwrap_or_default()
    }

    /// The routes of `found`, as [`explain_privilege`](crate::explain_privilege)
    /// gives them.
    pub(crate) fn routes(&self, found: Vec<Found>) -> Vec<Route> {
        found
            .into_iter()
            .map(|f| Route {
                role: self.role_id(f.node),
                level: f.level,
                holding: self
                    .holdings
                    .get(f.source)
                    .map_or(Holding::Direct, |h| h.holding.clone()),
                chain: f.chain,
                other_paths: f.other_paths,
            })
            .collect()
    }

    /// Every holding as a route source, every grant counting.
    pub(crate) fn sources(&self) -> Vec<Source> {
        (0u32..)
            .zip(&self.holdings)
            .map(|(order, hold)| Source {
                node: hold.node,
                order,
                threshold: AccessLevel::User,
            })
            .collect()
    }
}

/// The level `role`'s own grants give `privilege`, a key of the catalogue:
/// System Administrator holds every privilege at `organization`.
pub(crate) fn grant_level(role: &Role, privilege: &Privilege) -> AccessLevel {
    if role.id == SYSTEM_ADMINISTRATOR {
        AccessLevel::Organization
    } else {
        role.grants.get(privilege).copied().unwrap_or_default()
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
    if user.disabled {
        // A disabled user holds nothing.
        return Ok(Vec::new());
    }
    let me = EntityRef::User(user.id.clone());
    let mut roots: Vec<_> = user
        .role_ids()
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
