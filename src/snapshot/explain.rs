//! Why a user holds a privilege, from the snapshot: the routes
//! [`explain_privilege`](crate::explain_privilege) gives on the store
//! compiled.
//!
//! The answering tables keep only what a yes or no needs (every role held,
//! inclusions expanded); a route also needs how each role is held and the
//! inclusion graph itself, which [`RouteTables`] keeps.

use std::collections::VecDeque;

use super::Snapshot;
use super::intern::NONE;
use super::tables::Csr;
use crate::error::Error;
use crate::held::{Holding, Route};
use crate::id::{AsId, RoleId, TeamId, UserId};
use crate::key::{AsKey, Privilege};

impl Snapshot {
    /// Every route by which `user` holds `privilege`; empty when they
    /// don't: the same routes, in the same order, as
    /// [`explain_privilege`](crate::explain_privilege) on the store
    /// compiled.
    ///
    /// One route per held role (directly, or through each team) and
    /// granting role it reaches, with the shortest inclusion chain between
    /// them, ties broken by role id. Sorted by granting role, then holding
    /// (direct first, then teams by id), then chain.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownUser`] and [`Error::UnknownPrivilege`] when either
    /// id is not in the snapshot (the user is checked first).
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, Holding, MemoryStore, Snapshot, Team, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.teams.push(Team::new("sup", "Supervisors").with_role("omnichannel-supervisor").with_member("u1"));
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent").with_team("sup"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    ///
    /// // Both roles include App profile user, which grants the read.
    /// let routes = snapshot.explain_privilege("u1", "app_profile:read")?;
    /// let holdings: Vec<_> = routes.iter().map(|r| r.holding.clone()).collect();
    /// assert_eq!(holdings, [Holding::Direct, Holding::Team("sup".into())]);
    /// let chains: Vec<Vec<&str>> = routes
    ///     .iter()
    ///     .map(|r| r.chain.iter().map(|role| role.as_str()).collect())
    ///     .collect();
    /// assert_eq!(chains, [
    ///     ["omnichannel-agent", "app-profile-user"],
    ///     ["omnichannel-supervisor", "app-profile-user"],
    /// ]);
    /// assert!(snapshot.explain_privilege("u1", "bot:create")?.is_empty());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn explain_privilege(
        &self,
        user: impl AsId<UserId>,
        privilege: impl AsKey<Privilege>,
    ) -> Result<Vec<Route>, Error> {
        let (user, privilege) = self.handles(user, privilege)?;
        if !self.has_privilege_ix(user, privilege) {
            return Ok(Vec::new());
        }
        let level = |role: u32| self.role_level(role, privilege.ix);
        let tables = &self.routes;
        // Held roles as (holding, role): 0 is direct, `t + 1` team `t`.
        // Rows are sorted and repeat nothing, so neither do roots.
        let direct = self.direct_roles.row(user.index()).iter().map(|r| (0, *r));
        let teams = (0..tables.members.len())
            .filter(|t| tables.members.row(*t).binary_search(&user.ix).is_ok())
            .flat_map(|t| {
                let holding = u32::try_from(t + 1).unwrap_or(NONE);
                tables.team_roles.row(t).iter().map(move |r| (holding, *r))
            });
        let mut found: Vec<(u32, u32, Vec<u32>)> = Vec::new();
        let mut walk = Walk::new(self.roles.len());
        for (holding, root) in direct.chain(teams) {
            walk.from(root, &tables.includes, |role, chain| {
                if level(role).is_granted() {
                    found.push((role, holding, chain()));
                }
            });
        }
        // Indices are in id order: sorting them sorts the routes.
        found.sort_unstable();
        found.dedup();
        Ok(found
            .into_iter()
            .map(|(role, holding, chain)| Route {
                role: self.role(role),
                level: level(role),
                holding: match holding.checked_sub(1) {
                    None => Holding::Direct,
                    Some(team) => {
                        Holding::Team(TeamId::from(tables.teams.id(team).unwrap_or_default()))
                    }
                },
                chain: chain.into_iter().map(|r| self.role(r)).collect(),
            })
            .collect())
    }

    fn role(&self, ix: u32) -> RoleId {
        RoleId::from(self.roles.id(ix).unwrap_or_default())
    }
}

/// A breadth-first walk of the inclusion graph, reusing its tables from
/// one root to the next.
struct Walk {
    /// Per role: the role it was reached from, `NONE` for the root, or
    /// `UNSEEN`.
    parent: Vec<u32>,
    queue: VecDeque<u32>,
    seen: Vec<u32>,
}

/// Not reached yet (`NONE` marks the root).
const UNSEEN: u32 = NONE - 1;

impl Walk {
    fn new(roles: usize) -> Self {
        Self {
            parent: vec![UNSEEN; roles],
            queue: VecDeque::new(),
            seen: Vec::new(),
        }
    }

    /// Calls `visit` with every role `root` reaches, itself included, and
    /// a function giving the chain to it. Children are visited in index
    /// (id) order, so the first path to reach a role is the shortest, ties
    /// going to smaller ids: the store path's walk.
    fn from(
        &mut self,
        root: u32,
        includes: &Csr,
        mut visit: impl FnMut(u32, &dyn Fn() -> Vec<u32>),
    ) {
        for role in self.seen.drain(..) {
            if let Some(p) = self.parent.get_mut(role as usize) {
                *p = UNSEEN;
            }
        }
        self.queue.clear();
        self.reach(root, NONE);
        while let Some(role) = self.queue.pop_front() {
            visit(role, &|| self.chain_to(role));
            for child in includes.row(role as usize) {
                if self.parent.get(*child as usize) == Some(&UNSEEN) {
                    self.reach(*child, role);
                }
            }
        }
    }

    fn reach(&mut self, role: u32, from: u32) {
        if let Some(p) = self.parent.get_mut(role as usize) {
            *p = from;
            self.seen.push(role);
            self.queue.push_back(role);
        }
    }

    /// The roles from the root down to `role`.
    fn chain_to(&self, role: u32) -> Vec<u32> {
        let mut chain = vec![role];
        let mut at = role;
        while let Some(up) = self
            .parent
            .get(at as usize)
            .copied()
            .filter(|p| *p < UNSEEN)
        {
            chain.push(up);
            at = up;
        }
        chain.reverse();
        chain
    }
}
