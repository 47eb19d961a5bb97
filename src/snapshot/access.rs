//! Record access from the snapshot: [`Snapshot::can_access`],
//! [`Snapshot::explain_access`] and [`Snapshot::access_filter`], the same
//! answers as the store path on the store compiled.
//!
//! A check reads the user's held-role row first: no grant at all, or an
//! `organization` grant, decides at once, and so does a share or an
//! organisation-owned record. Otherwise each holding (the user's direct
//! roles, each team's) is asked from the unit it is held in: the depth
//! rule gives the level the record needs from it, and one bit of the
//! `reach` rows (the roles whose closure grants the privilege at a level)
//! says whether the held role has it. Only then are the user's unit and
//! roles and the record owner's unit read: most checks end before, and
//! each of those reads is a cache miss at a million users.
//!
//! By id, the look-ups of the user, the owner and the users shared with
//! go together (`IdTable::probe_all`), and the user's held row loads at
//! the index their slot names while the ids' texts are compared: the
//! cache misses overlap instead of waiting one after the other.

use super::bits::has_bit;
use super::explain::SnapHold;
use super::intern::{NONE, Probe, touch};
use super::{BusinessUnitIx, LEVELS, PrivilegeIx, Snapshot, TeamIx, UserIx};
use crate::chain::Chain;
use crate::error::{EntityRef, Error};
use crate::id::{AsId, BusinessUnitId, TeamId, UserId};
use crate::key::{AsKey, Privilege};
use crate::privilege::AccessLevel;
use crate::record::{AccessRights, Owner, Principal, Record, Share};
use crate::record_access::{
    AccessFilter, AccessRoute, Context, PrincipalId, Reach, Target, threshold,
};
use crate::routes::{Source, granting};

/// Who owns a record, in a snapshot's handles.
///
/// ```
/// use rbac_profiles::OwnerIx;
///
/// assert_eq!(OwnerIx::Organization, OwnerIx::Organization);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OwnerIx {
    /// A user.
    User(UserIx),
    /// A team.
    Team(TeamIx),
    /// The organisation.
    Organization,
}

/// A user or team a record is shared with, in a snapshot's handles.
///
/// ```
/// use rbac_profiles::{Directory, MemoryStore, PrincipalIx, Snapshot};
///
/// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::from_json(r#"{ "users": [ { "id": "u" } ] }"#)?))?;
/// let principal = PrincipalIx::User(snapshot.user_ix("u").unwrap());
/// assert!(matches!(principal, PrincipalIx::User(_)));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalIx {
    /// A user.
    User(UserIx),
    /// A team.
    Team(TeamIx),
}

/// A share, in a snapshot's handles.
///
/// ```
/// use rbac_profiles::{AccessRights, Directory, MemoryStore, PrincipalIx, ShareIx, Snapshot};
///
/// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::from_json(r#"{ "users": [ { "id": "u" } ] }"#)?))?;
/// let share = ShareIx { principal: PrincipalIx::User(snapshot.user_ix("u").unwrap()), rights: AccessRights::ALL };
/// assert_eq!(share.rights, AccessRights::ALL);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShareIx {
    /// Who the record is shared with.
    pub principal: PrincipalIx,
    /// What the share lets them do.
    pub rights: AccessRights,
}

/// A [`Record`] in a snapshot's handles: for hot paths that look the ids up
/// once ([`Snapshot::record_ix`]) and ask [`Snapshot::can_access_ix`] many
/// times.
///
/// ```
/// use rbac_profiles::{Directory, MemoryStore, OwnerIx, RecordIx, Snapshot};
///
/// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::from_json(r#"{ "users": [ { "id": "u" } ] }"#)?))?;
/// let record = RecordIx::owned_by(OwnerIx::User(snapshot.user_ix("u").unwrap()));
/// assert!(record.business_unit.is_none());
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecordIx<'a> {
    /// Who owns it.
    pub owner: OwnerIx,
    /// The owning unit; `None` for the owner's.
    pub business_unit: Option<BusinessUnitIx>,
    /// Who it is shared with.
    pub shares: &'a [ShareIx],
}

impl<'a> RecordIx<'a> {
    /// A record owned by `owner`, in the owner's unit, shared with nobody.
    ///
    /// ```
    /// use rbac_profiles::{OwnerIx, RecordIx};
    ///
    /// assert!(RecordIx::owned_by(OwnerIx::Organization).shares.is_empty());
    /// ```
    pub fn owned_by(owner: OwnerIx) -> Self {
        Self {
            owner,
            business_unit: None,
            shares: &[],
        }
    }

    /// The same record, owned by `business_unit`.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, OwnerIx, RecordIx, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::from_json(r#"{ "business_units": [ { "id": "c" } ] }"#)?))?;
    /// let unit = snapshot.business_unit_ix("c").unwrap();
    /// assert_eq!(RecordIx::owned_by(OwnerIx::Organization).in_business_unit(unit).business_unit, Some(unit));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    #[must_use]
    pub fn in_business_unit(mut self, business_unit: BusinessUnitIx) -> Self {
        self.business_unit = Some(business_unit);
        self
    }

    /// The same record, with these shares.
    ///
    /// ```
    /// use rbac_profiles::{OwnerIx, RecordIx};
    ///
    /// assert!(RecordIx::owned_by(OwnerIx::Organization).with_shares(&[]).shares.is_empty());
    /// ```
    #[must_use]
    pub fn with_shares(mut self, shares: &'a [ShareIx]) -> Self {
        self.shares = shares;
        self
    }
}

/// A principal as the depth rule compares it, in indices.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    User(u32),
    Team(u32),
}

/// A record resolved to indices: its owner, and its owning unit when it
/// names one. Without one the owner's unit applies, read only when the
/// depth rule needs it (most checks are decided before).
#[derive(Clone, Copy)]
pub(super) struct At {
    pub(super) owner: Option<Who>,
    pub(super) unit: Option<u32>,
}

/// What the depth rule reads besides the held roles: the user's unit,
/// direct roles and teams, and the record's owning unit. Reading them is
/// where a check past the first tests waits on memory, so a batch reads
/// every question's before using any.
#[derive(Clone, Copy)]
pub(super) struct Near<'s> {
    own: u32,
    unit: u32,
    pub(super) direct: &'s [u32],
    teams: &'s [u32],
}

/// User ids a by-id check looks up ahead, together: its user, its owner
/// and a couple of users it is shared with (more are looked up one by
/// one).
pub(super) const AHEAD: usize = 4;

/// User ids a by-id check looks up ahead, together: the user's, then
/// the record's in the order [`Snapshot::resolve_record`] asks them (a
/// user owner, then users shared with), as many as `ids` holds. Returns
/// how many were written.
pub(super) fn ids_ahead<'r>(user: &'r str, record: &Record<'r>, ids: &mut [&'r str]) -> usize {
    let owner = match record.owner {
        Owner::User(id) => Some(id),
        _ => None,
    };
    let shared_with = record.shares.iter().filter_map(|s| match s.principal {
        Principal::User(id) => Some(id),
        Principal::Team(_) => None,
    });
    let wanted = std::iter::once(user).chain(owner).chain(shared_with);
    ids.iter_mut()
        .zip(wanted)
        .map(|(slot, id)| *slot = id)
        .count()
}

impl Snapshot {
    /// The handle of `team`; `None` when the store had no such team.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::from_json(r#"{ "teams": [ { "id": "t" } ] }"#)?))?;
    /// assert!(snapshot.team_ix("t").is_some());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn team_ix(&self, team: impl AsId<TeamId>) -> Option<TeamIx> {
        self.teams.get(team.id_str()).map(|ix| TeamIx {
            stamp: self.stamp,
            ix,
        })
    }

    /// The handle of `business_unit`; `None` when the store had no such
    /// unit.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::from_json(r#"{ "business_units": [ { "id": "c" } ] }"#)?))?;
    /// assert!(snapshot.business_unit_ix("c").is_some());
    /// assert!(snapshot.business_unit_ix("d").is_none());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn business_unit_ix(
        &self,
        business_unit: impl AsId<BusinessUnitId>,
    ) -> Option<BusinessUnitIx> {
        self.units
            .table
            .get(business_unit.id_str())
            .map(|ix| BusinessUnitIx {
                stamp: self.stamp,
                ix,
            })
    }

    /// `record` in handles, with its shares written to `shares` (cleared
    /// first): what [`Snapshot::can_access_ix`] takes.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::can_access`] for the record: an unknown owner, unit
    /// or share principal.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Record, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::from_json(r#"{ "users": [ { "id": "u" } ] }"#)?))?;
    /// let mut shares = Vec::new();
    /// let record = snapshot.record_ix(&Record::owned_by_user("u"), &mut shares)?;
    /// assert!(record.shares.is_empty());
    /// assert!(snapshot.record_ix(&Record::owned_by_user("v"), &mut shares).is_err());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn record_ix<'s>(
        &self,
        record: &Record<'_>,
        shares: &'s mut Vec<ShareIx>,
    ) -> Result<RecordIx<'s>, Error> {
        let owner = match record.owner {
            Owner::User(id) => OwnerIx::User(
                self.user_ix(id)
                    .ok_or_else(|| in_record("owned by", EntityRef::User(id.into())))?,
            ),
            Owner::Team(id) => OwnerIx::Team(
                self.team_ix(id)
                    .ok_or_else(|| in_record("owned by", EntityRef::Team(id.into())))?,
            ),
            Owner::Organization => OwnerIx::Organization,
        };
        shares.clear();
        for share in record.shares {
            let principal = match share.principal {
                Principal::User(id) => PrincipalIx::User(
                    self.user_ix(id)
                        .ok_or_else(|| in_record("shared with", EntityRef::User(id.into())))?,
                ),
                Principal::Team(id) => PrincipalIx::Team(
                    self.team_ix(id)
                        .ok_or_else(|| in_record("shared with", EntityRef::Team(id.into())))?,
                ),
            };
            shares.push(ShareIx {
                principal,
                rights: share.rights,
            });
        }
        let business_unit = match record.business_unit {
            None => None,
            Some(id) => {
                Some(
                    self.business_unit_ix(id)
                        .ok_or_else(|| Error::UnknownBusinessUnit {
                            business_unit: id.into(),
                        })?,
                )
            }
        };
        Ok(RecordIx {
            owner,
            business_unit,
            shares,
        })
    }

    /// Whether `user` may do `privilege` to `record`: the same answer as
    /// [`can_access`](crate::can_access) on the store compiled.
    ///
    /// # Errors
    ///
    /// As [`can_access`](crate::can_access), in its order: an invalid key,
    /// an unknown user, an unknown privilege, an unknown owner, share
    /// principal or business unit.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Record, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::from_json(r#"{
    ///     "privileges": [ { "key": "ticket:read" } ],
    ///     "roles": [ { "id": "mine", "grants": { "ticket:read": "user" } } ],
    ///     "users": [ { "id": "ana", "roles": ["mine"] }, { "id": "bo" } ]
    /// }"#)?);
    /// let snapshot = Snapshot::compile(&store)?;
    /// assert!(snapshot.can_access("ana", "ticket:read", &Record::owned_by_user("ana"))?);
    /// assert!(!snapshot.can_access("ana", "ticket:read", &Record::owned_by_user("bo"))?);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn can_access(
        &self,
        user: impl AsId<UserId>,
        privilege: impl AsKey<Privilege>,
        record: &Record<'_>,
    ) -> Result<bool, Error> {
        // The user's slot, the owner's and those of users shared with load
        // together, then their texts beside the user's held row (at the
        // index the user's slot names): the cache misses overlap instead
        // of queueing.
        let user_id = user.id_str();
        let key = self.privileges.get(privilege.key_str());
        let mut ids = [""; AHEAD];
        let n = ids_ahead(user_id, record, &mut ids);
        let ids = ids.get(..n).unwrap_or_default();
        let mut probes = [Probe::EMPTY; AHEAD];
        self.users.probe_all(ids, &mut probes);
        if let Some(me) = probes.first() {
            self.touch_held(me.guess());
        }
        let mut found = [None; AHEAD];
        for ((id, probe), found) in ids.iter().zip(&probes).zip(&mut found) {
            *found = self.users.finish(probe, id);
        }
        let (user, privilege) = match (found.first().copied().flatten(), key) {
            (Some(user), Some(privilege)) => (user, privilege),
            // The single look-ups name the error, in the store path's order.
            _ => {
                let (user, privilege) = self.handles(user_id, &privilege)?;
                (user.ix, privilege.ix)
            }
        };
        let mut ahead = found.get(1..n).unwrap_or_default().iter();
        let at = self.resolve_record(record, |id| {
            ahead.next().copied().unwrap_or_else(|| self.users.get(id))
        })?;
        Ok(self.access_at(user, privilege, &at, || {
            self.shared_by_id(user, user_id, privilege, record.shares)
        }))
    }

    /// [`Snapshot::can_access`] by handles: no hashing, no allocation. A
    /// handle this snapshot did not issue answers `false`.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, OwnerIx, RecordIx, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::from_json(r#"{
    ///     "users": [ { "id": "ana", "roles": ["customer-service-representative"] } ]
    /// }"#)?);
    /// let snapshot = Snapshot::compile(&store)?;
    /// let ana = snapshot.user_ix("ana").unwrap();
    /// let write = snapshot.privilege_ix("case:write").unwrap();
    /// assert!(snapshot.can_access_ix(ana, write, &RecordIx::owned_by(OwnerIx::User(ana))));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    #[inline]
    pub fn can_access_ix(
        &self,
        user: UserIx,
        privilege: PrivilegeIx,
        record: &RecordIx<'_>,
    ) -> bool {
        if !self.issued(user, privilege) {
            return false;
        }
        let Some(at) = self.record_at(record) else {
            return false;
        };
        self.access_at(user.ix, privilege.ix, &at, || {
            self.shared_by_ix(user.ix, privilege.ix, record.shares)
        })
    }

    /// Every route by which `user` may do `privilege` to `record`: the
    /// same routes, in the same order, as
    /// [`explain_access`](crate::explain_access) on the store compiled.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::can_access`].
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Reach, Record, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::from_json(r#"{
    ///     "users": [ { "id": "ana", "roles": ["customer-service-representative"] } ]
    /// }"#)?);
    /// let snapshot = Snapshot::compile(&store)?;
    /// let routes = snapshot.explain_access("ana", "case:read", &Record::owned_by_organization())?;
    /// assert_eq!(routes[0].reach, Reach::OrganizationOwned);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn explain_access(
        &self,
        user: impl AsId<UserId>,
        privilege: impl AsKey<Privilege>,
        record: &Record<'_>,
    ) -> Result<Vec<AccessRoute>, Error> {
        let user_id = user.id_str();
        let (user, privilege) = self.handles(user_id, privilege)?;
        let at = self.resolve_record(record, |id| self.users.get(id))?;
        let unit = self.unit_of(&at);
        let holdings = self.holdings(user.ix);
        let level = |role| self.role_level(role, privilege.ix);
        let mut sources = Vec::with_capacity(holdings.len());
        let mut reaches = Vec::with_capacity(holdings.len());
        for (order, hold) in (0u32..).zip(&holdings) {
            let (threshold, reach) = self.threshold_of(user.ix, hold, at.owner, unit);
            sources.push(Source {
                node: hold.node,
                order,
                threshold,
            });
            reaches.push(reach);
        }
        let mut routes = Vec::new();
        for found in granting(&*self.routes.includes, &sources, level, |role| {
            self.role_of(role)
        }) {
            let (Some(hold), Some(reach)) = (holdings.get(found.source), reaches.get(found.source))
            else {
                continue;
            };
            routes.push(self.access_route(
                hold,
                found.node,
                found.level,
                &found.chain,
                reach.clone(),
                found.other_paths,
            ));
        }
        let right = self.rights.get(privilege.index()).copied().flatten();
        if let Some(right) = right {
            let any: Vec<Source> = sources
                .iter()
                .map(|s| Source {
                    threshold: AccessLevel::User,
                    ..*s
                })
                .collect();
            let found = granting(&*self.routes.includes, &any, level, |role| {
                self.role_of(role)
            });
            let shared = self.shared_by_id(user.ix, user_id, privilege.ix, record.shares);
            if let (Some(first), true) = (found.first(), shared) {
                let hold = holdings.get(first.source);
                for share in record.shares {
                    if share.rights.contains(right)
                        && self.is_me_or_my_team(user.ix, user_id, share.principal)
                    {
                        if let Some(hold) = hold {
                            let with = match share.principal {
                                Principal::User(id) => PrincipalId::User(id.into()),
                                Principal::Team(id) => PrincipalId::Team(id.into()),
                            };
                            routes.push(self.access_route(
                                hold,
                                first.node,
                                first.level,
                                &first.chain,
                                Reach::Shared { with, right },
                                first.other_paths,
                            ));
                        }
                    }
                }
            }
        }
        Ok(routes)
    }

    /// What a list view may show `user` for `privilege`: the same filter as
    /// [`access_filter`](crate::access_filter) on the store compiled.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::has_privilege`].
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::from_json(r#"{
    ///     "users": [ { "id": "ana", "roles": ["customer-service-representative"] } ]
    /// }"#)?);
    /// let snapshot = Snapshot::compile(&store)?;
    /// assert!(snapshot.access_filter("ana", "case:read")?.everything);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn access_filter(
        &self,
        user: impl AsId<UserId>,
        privilege: impl AsKey<Privilege>,
    ) -> Result<AccessFilter, Error> {
        let (user, privilege) = self.handles(user, privilege)?;
        // Indices first, each id built once at the end: holdings repeat
        // owners and units, and a subtree can hold many units.
        let mut granted = false;
        let mut owned_by_me = false;
        let mut owner_teams: Vec<u32> = Vec::new();
        let mut units: Vec<u32> = Vec::new();
        for hold in self.holdings(user.ix) {
            let level = self.closure_level(hold.node, privilege.ix);
            if !level.is_granted() {
                continue;
            }
            // Without units, everybody is in one: a business-unit grant
            // reaches every record.
            let everywhere = hold.unit == NONE && level >= AccessLevel::BusinessUnit;
            if level == AccessLevel::Organization || everywhere {
                let everything = AccessFilter {
                    everything: true,
                    ..AccessFilter::default()
                };
                return Ok(everything.normalized());
            }
            granted = true;
            if hold.team == NONE || hold.member_owned {
                owned_by_me = true;
            }
            if hold.team != NONE {
                owner_teams.push(hold.team);
            }
            if hold.unit != NONE {
                if level >= AccessLevel::BusinessUnit {
                    units.push(hold.unit);
                }
                if level >= AccessLevel::ParentChildBusinessUnit {
                    units.extend(self.units.below(hold.unit));
                }
            }
        }
        let mut filter = AccessFilter {
            organization_owned: granted,
            ..AccessFilter::default()
        };
        if !granted {
            return Ok(filter);
        }
        let me = || PrincipalId::User(UserId::from(self.users.id(user.ix).unwrap_or_default()));
        let team = |t: &u32| PrincipalId::Team(TeamId::from(self.teams.id(*t).unwrap_or_default()));
        owner_teams.sort_unstable();
        owner_teams.dedup();
        units.sort_unstable();
        units.dedup();
        filter.owners.extend(owned_by_me.then(me));
        filter.owners.extend(owner_teams.iter().map(team));
        filter.business_units = units.iter().map(|u| self.unit_id(*u)).collect();
        if let Some(right) = self.rights.get(privilege.index()).copied().flatten() {
            filter.right = Some(right);
            filter.shared_with.push(me());
            filter
                .shared_with
                .extend(self.places.teams(user.ix).iter().map(team));
        }
        Ok(filter.normalized())
    }

    /// The record's owner and named unit in indices, checked as the store
    /// path checks them (owner, shares, then unit). `find_user` looks up
    /// user ids, in the order of [`ids_ahead`].
    pub(super) fn resolve_record(
        &self,
        record: &Record<'_>,
        mut find_user: impl FnMut(&str) -> Option<u32>,
    ) -> Result<At, Error> {
        let owner = match record.owner {
            Owner::User(id) => {
                Some(Who::User(find_user(id).ok_or_else(|| {
                    in_record("owned by", EntityRef::User(id.into()))
                })?))
            }
            Owner::Team(id) => {
                Some(Who::Team(self.teams.get(id).ok_or_else(|| {
                    in_record("owned by", EntityRef::Team(id.into()))
                })?))
            }
            Owner::Organization => None,
        };
        for share in record.shares {
            // The error's ids are built only on the error path: a check
            // does not allocate.
            match share.principal {
                Principal::User(id) if find_user(id).is_none() => {
                    return Err(in_record("shared with", EntityRef::User(id.into())));
                }
                Principal::Team(id) if self.teams.get(id).is_none() => {
                    return Err(in_record("shared with", EntityRef::Team(id.into())));
                }
                _ => {}
            }
        }
        let unit = match record.business_unit {
            Some(id) => {
                Some(
                    self.units
                        .table
                        .get(id)
                        .ok_or_else(|| Error::UnknownBusinessUnit {
                            business_unit: id.into(),
                        })?,
                )
            }
            None => None,
        };
        Ok(At { owner, unit })
    }

    /// The record's owner and named unit in indices; `None` when a handle
    /// is another snapshot's.
    #[inline]
    pub(super) fn record_at(&self, record: &RecordIx<'_>) -> Option<At> {
        let owner = match record.owner {
            OwnerIx::User(u) if u.stamp == self.stamp => Some(Who::User(u.ix)),
            OwnerIx::Team(t) if t.stamp == self.stamp => Some(Who::Team(t.ix)),
            OwnerIx::Organization => None,
            _ => return None,
        };
        let unit = match record.business_unit {
            Some(b) if b.stamp == self.stamp => Some(b.ix),
            Some(_) => return None,
            None => None,
        };
        Some(At { owner, unit })
    }

    /// Whether one of `shares` (by handle) opens the record to user
    /// `user` for privilege `privilege`.
    #[inline]
    pub(super) fn shared_by_ix(&self, user: u32, privilege: u32, shares: &[ShareIx]) -> bool {
        let Some(right) = self.rights.get(privilege as usize).copied().flatten() else {
            return false;
        };
        shares.iter().any(|share| {
            share.rights.contains(right)
                && match share.principal {
                    PrincipalIx::User(u) => u.stamp == self.stamp && u.ix == user,
                    PrincipalIx::Team(t) => t.stamp == self.stamp && self.in_team(user, t.ix),
                }
        })
    }

    /// Whether one of `shares` (by id) opens the record to user `user`,
    /// whose id is `user_id`, for privilege `privilege`.
    #[inline]
    pub(super) fn shared_by_id(
        &self,
        user: u32,
        user_id: &str,
        privilege: u32,
        shares: &[Share<'_>],
    ) -> bool {
        let Some(right) = self.rights.get(privilege as usize).copied().flatten() else {
            return false;
        };
        shares
            .iter()
            .any(|s| s.rights.contains(right) && self.is_me_or_my_team(user, user_id, s.principal))
    }

    /// The record's owning unit: the one it names, or its owner's.
    fn unit_of(&self, at: &At) -> u32 {
        match at.unit {
            Some(unit) => unit,
            None => match at.owner {
                Some(Who::User(u)) => self.places.unit(u),
                Some(Who::Team(t)) => self.team_units.get(t as usize).copied().unwrap_or(NONE),
                None => self.units.root,
            },
        }
    }

    /// Whether user `user` is in team `team`.
    fn in_team(&self, user: u32, team: u32) -> bool {
        self.places.teams(user).binary_search(&team).is_ok()
    }

    /// Whether `principal` is user `user` (whose id is `user_id`: ids are
    /// distinct, so comparing them needs no look-up) or one of their teams.
    fn is_me_or_my_team(&self, user: u32, user_id: &str, principal: Principal<'_>) -> bool {
        match principal {
            Principal::User(id) => id == user_id,
            Principal::Team(id) => self.teams.get(id).is_some_and(|t| self.in_team(user, t)),
        }
    }

    /// Loads the first word of user `user`'s held-role row (none for an
    /// index out of range, or past 512 roles), for a check to find it in
    /// cache.
    #[inline]
    pub(super) fn touch_held(&self, user: u32) {
        if let Some(held) = &self.held {
            touch(held.row(user as usize).first().copied());
        }
    }

    /// The record-access check on indices: a grant at some level, then
    /// the answers that need no depth, then the depth rule.
    #[inline]
    fn access_at(&self, user: u32, privilege: u32, at: &At, shared: impl FnOnce() -> bool) -> bool {
        let first = privilege as usize * LEVELS.len();
        self.holds_row(user, first)
            && (self.reached_at_once(user, first, at, shared)
                || self.reached_by_depth(user, first, at, &self.near(user, at)))
    }

    /// For a user granted the privilege at some level (grant rows from
    /// `first`): whether the record is open without the depth rule.
    #[inline]
    pub(super) fn reached_at_once(
        &self,
        user: u32,
        first: usize,
        at: &At,
        shared: impl FnOnce() -> bool,
    ) -> bool {
        // Any grant reaches an organisation-owned record, an organization
        // grant (System Administrator's included) every record, and a
        // share opens one to a user holding the privilege at all.
        at.owner.is_none() || self.holds_row(user, first + 3) || shared()
    }

    /// What [`Snapshot::reached_by_depth`] reads besides the held roles.
    #[inline]
    pub(super) fn near(&self, user: u32, at: &At) -> Near<'_> {
        Near {
            own: self.places.unit(user),
            unit: self.unit_of(at),
            direct: self.direct_roles.row(user as usize),
            teams: self.places.teams(user),
        }
    }

    /// The depth rule: whether a role the user holds, directly or through
    /// a team, reaches the record from the unit it is held in.
    pub(super) fn reached_by_depth(
        &self,
        user: u32,
        first: usize,
        at: &At,
        near: &Near<'_>,
    ) -> bool {
        let reach = |level: AccessLevel, role: u32| match level_row(level) {
            Some(l) => has_bit(self.reach.row(first + l), role as usize),
            None => false,
        };
        let target = Target {
            owner: at.owner,
            unit: near.unit,
            user: Who::User(user),
        };
        let depth = |principal: Who, unit: u32, member_owned: bool| {
            threshold(
                &Context {
                    principal,
                    unit,
                    member_owned,
                },
                &target,
                |a, b| self.units.is_above(a, b),
            )
            .0
        };
        let direct = depth(Who::User(user), near.own, false);
        for role in near.direct {
            if reach(direct, *role) && self.away_only.binary_search(&(user, *role)).is_err() {
                return true;
            }
        }
        let away_from = self.away.partition_point(|(u, _, _)| *u < user);
        for (_, role, unit) in self
            .away
            .get(away_from..)
            .unwrap_or_default()
            .iter()
            .take_while(|(u, _, _)| *u == user)
        {
            if reach(depth(Who::User(user), *unit, false), *role) {
                return true;
            }
        }
        for team in near.teams {
            let unit = self.team_units.get(*team as usize).copied().unwrap_or(NONE);
            let plain = depth(Who::Team(*team), unit, false);
            let members = depth(Who::Team(*team), unit, true);
            for role in self.routes.team_roles.row(*team as usize) {
                let member_owned = self
                    .member_owned
                    .get(*role as usize)
                    .copied()
                    .unwrap_or(true);
                if reach(if member_owned { members } else { plain }, *role) {
                    return true;
                }
            }
        }
        false
    }

    /// The level a holding needs to reach the record, and how it does.
    fn threshold_of(
        &self,
        user: u32,
        hold: &SnapHold,
        owner: Option<Who>,
        unit: u32,
    ) -> (AccessLevel, Reach) {
        let principal = if hold.team == NONE {
            Who::User(user)
        } else {
            Who::Team(hold.team)
        };
        threshold(
            &Context {
                principal,
                unit: hold.unit,
                member_owned: hold.team != NONE && hold.member_owned,
            },
            &Target {
                owner,
                unit,
                user: Who::User(user),
            },
            |a, b| self.units.is_above(a, b),
        )
    }

    /// The highest level at which role `role` or a role it includes grants
    /// privilege `privilege`.
    fn closure_level(&self, role: u32, privilege: u32) -> AccessLevel {
        let first = privilege as usize * LEVELS.len();
        LEVELS
            .iter()
            .enumerate()
            .take_while(|(l, _)| has_bit(self.reach.row(first + l), role as usize))
            .last()
            .map_or(AccessLevel::None, |(_, level)| *level)
    }

    fn unit_id(&self, unit: u32) -> BusinessUnitId {
        BusinessUnitId::from(self.units.table.id(unit).unwrap_or_default())
    }

    fn access_route(
        &self,
        hold: &SnapHold,
        node: u32,
        level: AccessLevel,
        chain: &Chain,
        reach: Reach,
        other_paths: u64,
    ) -> AccessRoute {
        AccessRoute {
            role: self.role_of(node),
            level,
            holding: self.holding(hold.team),
            business_unit: (hold.unit != NONE).then(|| self.unit_id(hold.unit)),
            chain: chain.clone(),
            reach,
            other_paths,
        }
    }
}

/// The row of a level among `LEVELS`; `None` for `AccessLevel::None`.
fn level_row(level: AccessLevel) -> Option<usize> {
    LEVELS.iter().position(|l| *l == level)
}

fn in_record(part: &'static str, entity: EntityRef) -> Error {
    Error::UnknownInRecord { part, entity }
}
