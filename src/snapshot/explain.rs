//! Why a user holds a privilege, from the snapshot: the routes
//! [`explain_privilege`](crate::explain_privilege) gives on the store
//! compiled.
//!
//! The answering tables keep only what a yes or no needs (every role held,
//! inclusions expanded); a route also needs how each role is held and the
//! inclusion graph itself, which `RouteTables` keeps.

use super::Snapshot;
use super::intern::NONE;
use super::tables::Csr;
use crate::error::Error;
use crate::held::{Holding, Route};
use crate::id::{AsId, RoleId, TeamId, UserId};
use crate::key::{AsKey, Privilege};
use crate::privilege::AccessLevel;
use crate::routes::{Includes, Source, granting};

impl Snapshot {
    /// Every route by which `user` holds `privilege`; empty when they
    /// don't: the same routes, in the same order, as
    /// [`explain_privilege`](crate::explain_privilege) on the store
    /// compiled.
    ///
    /// The routes of [`explain_privilege`](crate::explain_privilege): each
    /// granting role once, with one shortest inclusion chain from a role
    /// the user holds (ties to direct holdings, then teams by id, then
    /// smaller role ids) and the number of other paths; in role id order.
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
    /// // Both roles include App profile user, which grants the read: one
    /// // route, through the direct role, and one other path counted.
    /// let routes = snapshot.explain_privilege("u1", "app_profile:read")?;
    /// assert_eq!(routes.len(), 1);
    /// assert_eq!(routes[0].holding, Holding::Direct);
    /// assert_eq!(routes[0].chain.to_string(), "omnichannel-agent > app-profile-user");
    /// assert_eq!(routes[0].other_paths, 1);
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
        let holdings = self.holdings(user.ix);
        let sources: Vec<Source> = (0u32..)
            .zip(&holdings)
            .map(|(order, hold)| Source {
                node: hold.node,
                order,
                threshold: AccessLevel::User,
            })
            .collect();
        let found = granting(
            &*self.routes.includes,
            &sources,
            |role| self.role_level(role, privilege.ix),
            |role| self.role_of(role),
        );
        Ok(found
            .into_iter()
            .map(|f| Route {
                role: self.role_of(f.node),
                level: f.level,
                holding: holdings
                    .get(f.source)
                    .map_or(Holding::Direct, |h| self.holding(h.team)),
                chain: f.chain,
                other_paths: f.other_paths,
            })
            .collect())
    }

    /// Every way user `user` holds a role, in route order: direct ones by
    /// role, then unit; then each team's (teams in id order) by role. The
    /// store path's holdings, in indices.
    pub(super) fn holdings(&self, user: u32) -> Vec<SnapHold> {
        let own = self.places.unit(user);
        let away_from = self.away.partition_point(|(u, _, _)| *u < user);
        let away = self.away.get(away_from..).unwrap_or_default();
        let away = away.iter().take_while(|(u, _, _)| *u == user);
        let mut holdings: Vec<SnapHold> = self
            .direct_roles
            .row(user as usize)
            .iter()
            .filter(|role| self.away_only.binary_search(&(user, **role)).is_err())
            .map(|role| SnapHold {
                node: *role,
                team: NONE,
                unit: own,
                member_owned: false,
            })
            .chain(away.map(|(_, role, unit)| SnapHold {
                node: *role,
                team: NONE,
                unit: *unit,
                member_owned: false,
            }))
            .collect();
        holdings.sort_unstable_by_key(|h| (h.node, h.unit));
        holdings.dedup_by_key(|h| (h.node, h.unit));
        for team in self.places.teams(user) {
            let unit = self.team_units.get(*team as usize).copied().unwrap_or(NONE);
            for role in self.routes.team_roles.row(*team as usize) {
                holdings.push(SnapHold {
                    node: *role,
                    team: *team,
                    unit,
                    member_owned: self
                        .member_owned
                        .get(*role as usize)
                        .copied()
                        .unwrap_or(true),
                });
            }
        }
        holdings
    }

    /// How a holding of [`Snapshot::holdings`] holds its role.
    pub(super) fn holding(&self, team: u32) -> Holding {
        if team == NONE {
            Holding::Direct
        } else {
            Holding::Team(TeamId::from(self.teams.id(team).unwrap_or_default()))
        }
    }

    pub(super) fn role_of(&self, ix: u32) -> RoleId {
        RoleId::from(self.roles.id(ix).unwrap_or_default())
    }
}

/// One way a user holds a role, in the snapshot's indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct SnapHold {
    /// The held role.
    pub(super) node: u32,
    /// The team it is held through; NONE for a direct role.
    pub(super) team: u32,
    /// The unit it is held in.
    pub(super) unit: u32,
    /// A team holding that lets members reach their own records.
    pub(super) member_owned: bool,
}

impl Includes for Csr {
    fn includes(&self, node: u32) -> &[u32] {
        self.row(node as usize)
    }
}
