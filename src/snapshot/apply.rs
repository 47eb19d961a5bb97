//! Bringing a snapshot forward by the change feed instead of compiling
//! again: [`Snapshot::apply`].
//!
//! The per-user tables are held in chunks behind `Arc`s (see
//! [`tables`](super::tables)): a change to one user rebuilds the chunks
//! holding them and shares every other chunk with the snapshot it came
//! from, which stays valid for the readers that hold it.
//!
//! Users, teams, profiles and units are numbered in id order. One added
//! or removed takes or gives up its place: every index of its kind after
//! it moves by one, in every table that holds that kind (the id table, the
//! per-user chunks from its place on, and the tables that name it), and
//! the chunks before its place stay shared. What can't be applied in
//! place is [`Error::NotIncremental`] (compile again): a role the snapshot
//! never read, the first unit of a store that had none (every user's unit
//! changes), a root made, moved or removed, a team or unit removed while
//! still in use, and an out-of-box profile added, removed, or made custom
//! (or a custom one made out-of-box): the store's fallback may follow it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::compile::or_into;
use super::intern::NONE;
use super::{Ranked, Snapshot, Stamp};
use crate::error::{EntityRef, Error};
use crate::profile::Profile;
use crate::store::{Change, ChangeSet};
use crate::team::Team;
use crate::user::User;

/// What the changes of one call left to do once they are all read.
#[derive(Default)]
struct Pending {
    /// Users whose row of held roles must be rebuilt.
    users: BTreeSet<u32>,
}

impl Snapshot {
    /// The snapshot `changes` lead to, sharing with this one every table
    /// they don't touch: what a fresh [`Snapshot::compile`] of the store
    /// at the last set's version answers, for a fraction of the cost when
    /// the changes are few. This snapshot is unchanged and stays valid for
    /// the readers that hold it; the new one has a new identity (its
    /// handles are its own) and the last set's version.
    ///
    /// The sets come from [`changes_since`](crate::changes_since) with
    /// this snapshot's version: each must be the one after the last. A
    /// change to a user's roles, teams, unit or state, to a team's roles
    /// or unit, or to a profile's rank, roles, users or default is applied
    /// in place, copying the chunks of the tables it touches (a few
    /// hundred kilobytes for one user, see
    /// [`guide::performance`](crate::guide::performance)). A user, team,
    /// profile or business unit added or removed, or a unit moved, is
    /// applied in place too: an addition or removal moves every index of
    /// its kind after it by one, so it copies that kind's id table and
    /// every chunk that holds a moved index (for a user, the chunks from
    /// theirs on; for a team, profile or unit, the users' chunks that name
    /// one moved): time and memory linear in the organisation, with no
    /// store read, and ids hashed again only when the id table grows. A
    /// snapshot so
    /// applied may still know a role nobody holds any more, as a compile
    /// knows a mapped role nobody holds; no answer about a user, privilege,
    /// profile, team or record differs from a fresh compile's.
    ///
    /// # Errors
    ///
    /// All or nothing, and this snapshot is unchanged:
    /// - [`Error::ChangeOutOfOrder`] when a set does not follow on from
    ///   the version before it, or this snapshot has no version;
    /// - [`Error::NotIncremental`] naming the entity of the first change
    ///   that can't be applied in place: a role the snapshot never read
    ///   (a profile maps it, nobody held it), the first business unit of a
    ///   store that had none, a root unit made, moved or removed, a team or
    ///   unit removed while still in use, a unit, team or parent the
    ///   snapshot lacks, an out-of-box profile added, removed or made
    ///   custom (or a custom one made out-of-box).
    ///   Compile again
    ///   ([`SharedSnapshot::follow`](crate::SharedSnapshot::follow) does);
    /// - [`Error::SnapshotTooLarge`] when a table can't be copied.
    ///
    /// ```
    /// use rbac_profiles::{administer, changes_since, AdminOp, Directory, MemoryStore, Snapshot};
    ///
    /// let mut store = MemoryStore::new(Directory::from_json(r#"{
    ///     "users": [ { "id": "sam", "roles": ["system-administrator"] }, { "id": "ana" } ]
    /// }"#)?);
    /// let before = Snapshot::compile(&store)?;
    /// administer(&mut store, "sam", &AdminOp::AssignRole {
    ///     user: "ana".into(),
    ///     role: "system-administrator".into(),
    ///     business_unit: None,
    /// })?;
    ///
    /// let after = before.apply(&changes_since(&store, before.version().unwrap_or(0))?)?;
    /// assert_eq!(after.version(), Some(1));
    /// assert!(after.has_privilege("ana", "app_profile:write")?);
    /// assert!(!before.has_privilege("ana", "app_profile:write")?);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn apply(&self, changes: &[ChangeSet]) -> Result<Snapshot, Error> {
        let mut next = self.clone();
        next.stamp = Stamp::next()?;
        let mut pending = Pending::default();
        for set in changes {
            if next.version.and_then(|v| v.checked_add(1)) != Some(set.version) {
                return Err(Error::ChangeOutOfOrder {
                    snapshot: next.version,
                    found: set.version,
                });
            }
            for change in &set.changes {
                next.apply_change(set.version, change, &mut pending)?;
            }
            next.version = Some(set.version);
        }
        next.rebuild_held(&pending)?;
        Ok(next)
    }

    /// The bytes of this snapshot's heap ([`Snapshot::heap_bytes`]) that
    /// `other` shares with it: after [`Snapshot::apply`], everything the
    /// changes did not touch, apart from the lists of chunk pointers each
    /// keeps (8 bytes for 4 096 users a table).
    /// `heap_bytes() - shared_heap_bytes(&before)` is what keeping both
    /// costs beyond the one.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// let clone = snapshot.clone();
    /// assert!(clone.shared_heap_bytes(&snapshot) > snapshot.heap_bytes() * 9 / 10);
    /// let other = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// assert_eq!(snapshot.shared_heap_bytes(&other), 0);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn shared_heap_bytes(&self, other: &Snapshot) -> usize {
        fn same<T>(a: &Arc<T>, b: &Arc<T>, bytes: impl Fn(&T) -> usize) -> usize {
            if Arc::ptr_eq(a, b) { bytes(a) } else { 0 }
        }
        let vec = |bytes_of: usize| move |len: usize| len * bytes_of;
        let (a, b) = (self, other);
        same(&a.users, &b.users, |t| t.heap_bytes())
            + a.places.shared_bytes(&b.places)
            + same(&a.disabled, &b.disabled, |v| vec(4)(v.capacity()))
            + same(&a.away, &b.away, |v| vec(12)(v.capacity()))
            + same(&a.away_only, &b.away_only, |v| vec(8)(v.capacity()))
            + same(&a.units, &b.units, |u| u.heap_bytes())
            + same(&a.teams, &b.teams, |t| t.heap_bytes())
            + same(&a.team_units, &b.team_units, |v| vec(4)(v.capacity()))
            + same(&a.member_owned, &b.member_owned, Vec::capacity)
            + same(&a.reach, &b.reach, |r| r.heap_bytes())
            + match (&a.held, &b.held) {
                (Some(x), Some(y)) => x.shared_bytes(y),
                _ => 0,
            }
            + match (&a.closure, &b.closure) {
                (Some(x), Some(y)) => same(x, y, |r| r.heap_bytes()),
                _ => 0,
            }
            + a.direct_roles.shared_bytes(&b.direct_roles)
            + a.direct_profile.shared_bytes(&b.direct_profile)
            + same(&a.roles, &b.roles, |t| t.heap_bytes())
            + same(&a.privileges, &b.privileges, |t| t.heap_bytes())
            + same(&a.grants, &b.grants, |r| r.heap_bytes())
            + same(&a.profiles, &b.profiles, |t| t.heap_bytes())
            + same(&a.ranked, &b.ranked, |v| {
                vec(size_of::<Ranked>())(v.capacity())
            })
            + same(&a.role_best, &b.role_best, |v| vec(4)(v.capacity()))
            + same(&a.also_assigned, &b.also_assigned, |v| vec(8)(v.capacity()))
            + same(&a.out_of_box, &b.out_of_box, Vec::capacity)
            + same(&a.listed_unknown, &b.listed_unknown, |v| {
                v.iter().map(|(id, _)| id.len() + 24).sum()
            })
            + a.assigned.shared_bytes(&b.assigned)
            + a.role_users.shared_bytes(&b.role_users)
            + same(&a.role_ranked, &b.role_ranked, |c| c.heap_bytes())
            + same(&a.personas, &b.personas, Vec::capacity)
            + same(&a.read_roles, &b.read_roles, Vec::capacity)
            + same(&a.defaults, &b.defaults, |v| vec(4)(v.capacity()))
            + a.routes.team_roles.shared_bytes(&b.routes.team_roles)
            + same(&a.routes.includes, &b.routes.includes, |c| c.heap_bytes())
    }

    fn apply_change(
        &mut self,
        version: u64,
        change: &Change,
        pending: &mut Pending,
    ) -> Result<(), Error> {
        let refuse = |entity: EntityRef| Error::NotIncremental { version, entity };
        match change {
            Change::PutUser(user) => {
                if self.users.get(user.id.as_str()).is_none() {
                    self.add_user(user.id.as_str(), pending)?;
                }
                self.put_user(user, pending, refuse)
            }
            Change::PutTeam(team) => {
                if self.teams.get(team.id.as_str()).is_none() {
                    self.add_team(team.id.as_str())?;
                }
                self.put_team(team, pending, refuse)
            }
            Change::PutProfile(profile) => {
                if self.profiles.get(profile.id.as_str()).is_none() {
                    self.add_profile(profile.id.as_str())?;
                }
                self.put_profile(profile, refuse)
            }
            Change::PutBusinessUnit(unit) => self.put_unit(unit, refuse),
            Change::RemoveUser(id) => self.remove_user(id.as_str(), pending),
            Change::RemoveTeam(id) => self.remove_team(id, refuse),
            Change::RemoveProfile(id) => self.remove_profile(id, refuse),
            Change::RemoveBusinessUnit(id) => self.remove_unit(id, refuse),
            // Nothing the snapshot answers reads these.
            Change::PutTemplate(_)
            | Change::RemoveTemplate(_)
            | Change::PutColumnProfile(_)
            | Change::RemoveColumnProfile(_)
            | Change::PutToolSettings(_)
            | Change::RemoveToolSettings(_)
            | Change::PutChannelProvider(_)
            | Change::RemoveChannelProvider(_) => Ok(()),
        }
    }

    /// A user's unit, roles, teams and state, as compiling reads them.
    fn put_user(
        &mut self,
        user: &User,
        pending: &mut Pending,
        refuse: impl Fn(EntityRef) -> Error,
    ) -> Result<(), Error> {
        let entity = || EntityRef::User(user.id.clone());
        let ix = self
            .users
            .get(user.id.as_str())
            .ok_or_else(|| refuse(entity()))?;
        let own = self.unit_named(user.business_unit.as_ref(), entity, &refuse)?;
        let mut roles = Vec::new();
        let mut teams = Vec::new();
        let mut away = Vec::new();
        let mut away_only = Vec::new();
        if !user.disabled {
            for assignment in &user.roles {
                let role = self
                    .read_role(assignment.role.as_str())
                    .ok_or_else(|| refuse(EntityRef::Role(assignment.role.clone())))?;
                let unit = match &assignment.business_unit {
                    Some(_) => {
                        self.unit_named(assignment.business_unit.as_ref(), entity, &refuse)?
                    }
                    None => own,
                };
                let in_own = user.roles.iter().any(|a| {
                    a.role == assignment.role
                        && a.business_unit
                            .as_ref()
                            .is_none_or(|u| self.units.table.get(u.as_str()) == Some(own))
                });
                if unit != own {
                    away.push((ix, role, unit));
                    if !in_own {
                        away_only.push((ix, role));
                    }
                }
                roles.push(role);
            }
            for team in &user.teams {
                teams.push(
                    self.teams
                        .get(team.as_str())
                        .ok_or_else(|| refuse(EntityRef::Team(team.clone())))?,
                );
            }
        }
        roles.sort_unstable();
        roles.dedup();
        teams.sort_unstable();
        teams.dedup();

        // Who holds each role directly: out of the roles left, into the
        // roles gained.
        let before = self.direct_roles.row(ix as usize).to_vec();
        for role in before.iter().filter(|r| roles.binary_search(r).is_err()) {
            self.role_users.remove(*role as usize, ix);
        }
        for role in roles.iter().filter(|r| before.binary_search(r).is_err()) {
            self.role_users.insert(*role as usize, ix);
        }
        if before != roles {
            self.direct_roles.set_row(ix as usize, &roles)?;
        }

        replace_user_entries(&mut self.away, ix, |(u, _, _)| *u, away);
        replace_user_entries(&mut self.away_only, ix, |(u, _)| *u, away_only);
        let disabled_at = self.disabled.binary_search(&ix);
        match (user.disabled, disabled_at) {
            (true, Err(at)) => Arc::make_mut(&mut self.disabled).insert(at, ix),
            (false, Ok(at)) => {
                Arc::make_mut(&mut self.disabled).remove(at);
            }
            _ => {}
        }
        if self.places.unit(ix) != own || self.places.teams(ix) != teams.as_slice() {
            self.places.set(ix, own, &teams)?;
        }
        pending.users.insert(ix);
        Ok(())
    }

    /// A team's unit and roles. Its members are the users that name it,
    /// each written by their own change.
    fn put_team(
        &mut self,
        team: &Team,
        pending: &mut Pending,
        refuse: impl Fn(EntityRef) -> Error,
    ) -> Result<(), Error> {
        let entity = || EntityRef::Team(team.id.clone());
        let ix = self
            .teams
            .get(team.id.as_str())
            .ok_or_else(|| refuse(entity()))?;
        let unit = self.unit_named(team.business_unit.as_ref(), entity, &refuse)?;
        let mut roles = Vec::with_capacity(team.roles.len());
        for role in &team.roles {
            roles.push(
                self.read_role(role.as_str())
                    .ok_or_else(|| refuse(EntityRef::Role(role.clone())))?,
            );
        }
        roles.sort_unstable();
        roles.dedup();
        if self.team_units.get(ix as usize) != Some(&unit) {
            if let Some(slot) = Arc::make_mut(&mut self.team_units).get_mut(ix as usize) {
                *slot = unit;
            }
        }
        if self.routes.team_roles.row(ix as usize) != roles.as_slice() {
            self.routes.team_roles.set_row(ix as usize, &roles)?;
            // Its members hold other roles now. Both sides of a membership
            // agree (a change set writes both), and one who left has their
            // own change in the set.
            pending.users.extend(
                team.members
                    .iter()
                    .filter_map(|u| self.users.get(u.as_str())),
            );
        }
        Ok(())
    }

    /// A profile's users, rank, mapped roles and default flag.
    fn put_profile(
        &mut self,
        profile: &Profile,
        refuse: impl Fn(EntityRef) -> Error,
    ) -> Result<(), Error> {
        let entity = || EntityRef::Profile(profile.id.clone());
        let ix = self
            .profiles
            .get(profile.id.as_str())
            .ok_or_else(|| refuse(entity()))?;
        let custom = profile.is_custom();
        // The store's fallback may follow its out-of-box profiles (the
        // only one, when none is named): a profile made or unmade
        // out-of-box is compiled again.
        if self.out_of_box.get(ix as usize) != Some(&!custom) {
            return Err(refuse(entity()));
        }

        // Users: compiling lists a custom profile's known users, and gives
        // each user the first custom profile (in id order) listing them.
        let mut listed: Vec<u32> = Vec::new();
        let mut unknown: Vec<(Box<str>, u32)> = Vec::new();
        for user in profile.users.iter().filter(|_| custom) {
            match self.users.get(user.as_str()) {
                Some(known) => listed.push(known),
                None => unknown.push((Box::from(user.as_str()), ix)),
            }
        }
        let kept = self.listed_unknown.iter().filter(|(_, p)| *p != ix);
        let mut listed_unknown: Vec<(Box<str>, u32)> = kept.cloned().chain(unknown).collect();
        listed_unknown.sort_unstable();
        listed_unknown.dedup();
        if *self.listed_unknown != listed_unknown {
            self.listed_unknown = Arc::new(listed_unknown);
        }
        listed.sort_unstable();
        listed.dedup();
        let before: Vec<u32> = self.assigned.row(ix as usize).collect();
        if before != listed {
            let mut lists: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
            let gone = before.iter().filter(|u| listed.binary_search(u).is_err());
            let came = listed.iter().filter(|u| before.binary_search(u).is_err());
            for user in gone.clone().chain(came.clone()) {
                let mut profiles: Vec<u32> = self.profiles_listing(*user).collect();
                match profiles.binary_search(&ix) {
                    Ok(at) => {
                        profiles.remove(at);
                    }
                    Err(at) => profiles.insert(at, ix),
                }
                lists.insert(*user, profiles);
            }
            let also = Arc::make_mut(&mut self.also_assigned);
            also.retain(|(user, _)| !lists.contains_key(user));
            for (user, profiles) in &lists {
                self.direct_profile
                    .set(*user as usize, profiles.first().copied().unwrap_or(NONE));
                also.extend(profiles.iter().skip(1).map(|p| (*user, *p)));
            }
            also.sort_unstable();
            for user in gone {
                self.assigned.remove(ix as usize, *user);
            }
            for user in came {
                self.assigned.insert(ix as usize, *user);
            }
        }

        // Rank and mapped roles.
        let ranking = match profile.ranking().filter(|_| custom) {
            Some((rank, roles)) => {
                let mut mapped = Vec::with_capacity(roles.len());
                for role in roles {
                    mapped.push(
                        self.roles
                            .get(role.as_str())
                            .ok_or_else(|| refuse(EntityRef::Role(role.clone())))?,
                    );
                }
                Some((rank, mapped))
            }
            None => None,
        };
        self.rerank(ix, ranking)?;

        // Default.
        let is_default = custom && profile.default;
        match (is_default, self.defaults.binary_search(&ix)) {
            (true, Err(at)) => Arc::make_mut(&mut self.defaults).insert(at, ix),
            (false, Ok(at)) => {
                Arc::make_mut(&mut self.defaults).remove(at);
            }
            _ => {}
        }
        Ok(())
    }

    /// Makes room for user `id`, new, at its place in id order: every
    /// index from there on moves up by one, in every table that holds
    /// users, and the new user holds nothing yet (their own change fills
    /// them in). The profiles the store lists them in, read while they
    /// were unknown, assign them now. Linear in the users after them; the
    /// chunks before stay shared.
    fn add_user(&mut self, id: &str, pending: &mut Pending) -> Result<(), Error> {
        let Err(at) = self.users.search(id) else {
            return Ok(());
        };
        self.users = Arc::new(self.users.inserted("users", at, id)?);
        self.places.splice(at, true, self.units.root)?;
        self.direct_roles.splice(at as usize, true)?;
        self.direct_profile.splice(at as usize, Some(NONE))?;
        if let Some(held) = self.held.as_mut() {
            held.splice(at as usize, true)?;
        }
        self.shift_users(at, true, pending);

        let from = self.listed_unknown.partition_point(|(u, _)| &**u < id);
        let listing: Vec<u32> = self
            .listed_unknown
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|(u, _)| &**u == id)
            .map(|(_, p)| *p)
            .collect();
        if let Some((first, rest)) = listing.split_first() {
            Arc::make_mut(&mut self.listed_unknown).retain(|(u, _)| &**u != id);
            self.direct_profile.set(at as usize, *first);
            let also = Arc::make_mut(&mut self.also_assigned);
            also.extend(rest.iter().map(|p| (at, *p)));
            also.sort_unstable();
            for profile in &listing {
                self.assigned.insert(*profile as usize, at);
            }
        }
        Ok(())
    }

    /// Forgets user `id` (nothing when the snapshot lacks them): out of
    /// every role and profile, and every index after theirs moves down by
    /// one. A profile that listed them still does in the store, as far as
    /// the snapshot knows, until that profile's own change says otherwise.
    fn remove_user(&mut self, id: &str, pending: &mut Pending) -> Result<(), Error> {
        let Some(ix) = self.users.get(id) else {
            return Ok(());
        };
        for role in self.direct_roles.row(ix as usize).to_vec() {
            self.role_users.remove(role as usize, ix);
        }
        let listing: Vec<u32> = self.profiles_listing(ix).collect();
        if !listing.is_empty() {
            for profile in &listing {
                self.assigned.remove(*profile as usize, ix);
            }
            let unknown = Arc::make_mut(&mut self.listed_unknown);
            unknown.extend(listing.iter().map(|p| (Box::from(id), *p)));
            unknown.sort_unstable();
        }
        replace_user_entries(&mut self.away, ix, |(u, _, _)| *u, Vec::new());
        replace_user_entries(&mut self.away_only, ix, |(u, _)| *u, Vec::new());
        replace_user_entries(&mut self.also_assigned, ix, |(u, _)| *u, Vec::new());
        replace_user_entries(&mut self.disabled, ix, |u| *u, Vec::new());
        pending.users.remove(&ix);

        self.places.splice(ix, false, NONE)?;
        self.direct_roles.splice(ix as usize, false)?;
        self.direct_profile.splice(ix as usize, None)?;
        if let Some(held) = self.held.as_mut() {
            held.splice(ix as usize, false)?;
        }
        self.users = Arc::new(self.users.removed(ix));
        self.shift_users(ix + 1, false, pending);
        Ok(())
    }

    /// Every user index from `from` on, in the tables that name users,
    /// moved up by one (`up`, a user inserted at `from`) or down by one
    /// (the user at `from - 1` removed, and already out of them).
    fn shift_users(&mut self, from: u32, up: bool, pending: &mut Pending) {
        let moved = move |u: u32| match (u >= from, up) {
            (false, _) => u,
            (true, true) => u + 1,
            (true, false) => u - 1,
        };
        shift_entries(&mut self.disabled, from, |u| *u, |_, u| u, moved);
        shift_entries(&mut self.away, from, |e| e.0, |e, u| (u, e.1, e.2), moved);
        shift_entries(&mut self.away_only, from, |e| e.0, |e, u| (u, e.1), moved);
        shift_entries(
            &mut self.also_assigned,
            from,
            |e| e.0,
            |e, u| (u, e.1),
            moved,
        );
        self.role_users.shift_from(from, up);
        self.assigned.shift_from(from, up);
        pending.users = std::mem::take(&mut pending.users)
            .into_iter()
            .map(moved)
            .collect();
    }

    /// Makes room for team `id`, new, at its place in id order: every team
    /// index from there on moves up by one (in each user's teams too), and
    /// the team holds nothing yet (its own change fills it in).
    fn add_team(&mut self, id: &str) -> Result<(), Error> {
        let Err(at) = self.teams.search(id) else {
            return Ok(());
        };
        self.teams = Arc::new(self.teams.inserted("teams", at, id)?);
        splice_entry(&mut self.team_units, at, Some(self.units.root));
        self.routes.team_roles.splice(at as usize, true)?;
        self.places
            .remap(|u| u, |t| Some(if t >= at { t + 1 } else { t }))?;
        Ok(())
    }

    /// Forgets team `id` (nothing when the snapshot lacks it): every team
    /// index after its moves down by one. A team some user still names is
    /// refused: a store writes its members' changes first, and a set that
    /// removes a team and puts it back can't be told apart from one that
    /// never touched the members.
    fn remove_team(
        &mut self,
        id: &crate::id::TeamId,
        refuse: impl Fn(EntityRef) -> Error,
    ) -> Result<(), Error> {
        let Some(ix) = self.teams.get(id.as_str()) else {
            return Ok(());
        };
        if self.places.names(NONE, ix) {
            return Err(refuse(EntityRef::Team(id.clone())));
        }
        self.places
            .remap(|u| u, |t| Some(if t > ix { t - 1 } else { t }))?;
        splice_entry(&mut self.team_units, ix, None);
        self.routes.team_roles.splice(ix as usize, false)?;
        self.teams = Arc::new(self.teams.removed(ix));
        Ok(())
    }

    /// Makes room for profile `id`, new, at its place in id order: every
    /// profile index from there on moves up by one, and the profile lists
    /// and ranks nothing yet (its own change fills it in).
    fn add_profile(&mut self, id: &str) -> Result<(), Error> {
        let Err(at) = self.profiles.search(id) else {
            return Ok(());
        };
        self.profiles = Arc::new(self.profiles.inserted("profiles", at, id)?);
        self.assigned.splice_row(at as usize, true);
        splice_entry(&mut self.out_of_box, at, Some(false));
        self.shift_profiles(at, true);
        Ok(())
    }

    /// Forgets profile `id` (nothing when the snapshot lacks it): its
    /// users, rank and default go as a change emptying it would take
    /// them, and every profile index after its moves down by one. An
    /// out-of-box profile, and the one the store falls back to, are
    /// refused: the store names its fallback (or takes the only
    /// out-of-box profile), and the snapshot can't tell what it names
    /// next.
    fn remove_profile(
        &mut self,
        id: &crate::id::ProfileId,
        refuse: impl Fn(EntityRef) -> Error,
    ) -> Result<(), Error> {
        let Some(ix) = self.profiles.get(id.as_str()) else {
            return Ok(());
        };
        if self.fallback == Some(ix) || self.out_of_box.get(ix as usize) == Some(&true) {
            return Err(refuse(EntityRef::Profile(id.clone())));
        }
        self.put_profile(&Profile::new(id.clone(), ""), &refuse)?;
        self.assigned.splice_row(ix as usize, false);
        splice_entry(&mut self.out_of_box, ix, None);
        self.profiles = Arc::new(self.profiles.removed(ix));
        self.shift_profiles(ix + 1, false);
        Ok(())
    }

    /// Every profile index from `from` on moved up by one (`up`, a profile
    /// inserted at `from`) or down by one (the profile at `from - 1`
    /// removed, and already out of every table).
    fn shift_profiles(&mut self, from: u32, up: bool) {
        let moved = move |p: u32| match (p != NONE && p >= from, up) {
            (false, _) => p,
            (true, true) => p + 1,
            (true, false) => p - 1,
        };
        self.direct_profile.map(|p| moved(*p));
        remap_entries(&mut self.also_assigned, |e| e.1, |e, p| (e.0, p), moved);
        remap_entries(
            &mut self.listed_unknown,
            |e| e.1,
            |e, p| (e.0.clone(), p),
            moved,
        );
        remap_entries(
            &mut self.ranked,
            |r| r.profile,
            |r, p| Ranked { profile: p, ..*r },
            moved,
        );
        remap_entries(&mut self.defaults, |p| *p, |_, p| p, moved);
        self.fallback = self.fallback.map(moved);
    }

    /// A unit renamed, moved under another parent or added (as a leaf
    /// under its parent): every unit index from a new one's place on moves
    /// up by one, in every table that holds units. A unit in a store that
    /// had none (every user's unit changes), a second root or an unknown
    /// parent are refused.
    fn put_unit(
        &mut self,
        unit: &crate::business_unit::BusinessUnit,
        refuse: impl Fn(EntityRef) -> Error,
    ) -> Result<(), Error> {
        let entity = || EntityRef::BusinessUnit(unit.id.clone());
        let parent = match &unit.parent {
            Some(parent) => self
                .units
                .table
                .get(parent.as_str())
                .ok_or_else(|| refuse(EntityRef::BusinessUnit(parent.clone())))?,
            None => NONE,
        };
        let mut table = self.units.table.clone();
        let mut parents: Vec<u32> = (0..super::tables::len_u32(table.len()))
            .map(|u| self.units.parent(u))
            .collect();
        let mut root = self.units.root;
        match table.search(unit.id.as_str()) {
            Ok(ix) => {
                if self.units.parent(ix) == parent {
                    // A rename: the snapshot keeps no names.
                    return Ok(());
                }
                if parent == NONE || ix == root {
                    return Err(refuse(entity()));
                }
                if let Some(slot) = parents.get_mut(ix as usize) {
                    *slot = parent;
                }
            }
            Err(at) => {
                if parent == NONE || root == NONE {
                    return Err(refuse(entity()));
                }
                table = table.inserted("business units", at, unit.id.as_str())?;
                let moved = |u: u32| if u != NONE && u >= at { u + 1 } else { u };
                for p in &mut parents {
                    *p = moved(*p);
                }
                parents.insert((at as usize).min(parents.len()), moved(parent));
                root = moved(root);
                self.shift_units(&moved)?;
            }
        }
        self.units = Arc::new(
            super::units::Units::build(table, parents, root).map_err(|_| refuse(entity()))?,
        );
        Ok(())
    }

    /// Forgets unit `id` (nothing when the snapshot lacks it): every unit
    /// index after its moves down by one. The root, and a unit still in
    /// use (a parent, or the unit of a user, a team or a role held there),
    /// are refused, as a store refuses them.
    fn remove_unit(
        &mut self,
        id: &crate::id::BusinessUnitId,
        refuse: impl Fn(EntityRef) -> Error,
    ) -> Result<(), Error> {
        let Some(ix) = self.units.table.get(id.as_str()) else {
            return Ok(());
        };
        let count = super::tables::len_u32(self.units.table.len());
        let in_use = ix == self.units.root
            || (0..count).any(|u| self.units.parent(u) == ix)
            || self.team_units.contains(&ix)
            || self.away.iter().any(|e| e.2 == ix)
            || self.places.names(ix, NONE);
        if in_use {
            return Err(refuse(EntityRef::BusinessUnit(id.clone())));
        }
        let table = self.units.table.removed(ix);
        let moved = |u: u32| if u != NONE && u > ix { u - 1 } else { u };
        let parents: Vec<u32> = (0..count)
            .filter(|u| *u != ix)
            .map(|u| moved(self.units.parent(u)))
            .collect();
        let root = moved(self.units.root);
        self.shift_units(&moved)?;
        self.units = Arc::new(
            super::units::Units::build(table, parents, root)
                .map_err(|_| refuse(EntityRef::BusinessUnit(id.clone())))?,
        );
        Ok(())
    }

    /// Every unit index in the tables that hold units (users', teams',
    /// roles held away) passed through `moved`.
    fn shift_units(&mut self, moved: &impl Fn(u32) -> u32) -> Result<(), Error> {
        self.places.remap(moved, Some)?;
        remap_entries(&mut self.team_units, |u| *u, |_, u| u, moved);
        remap_entries(&mut self.away, |e| e.2, |e, u| (e.0, e.1, u), moved);
        Ok(())
    }

    /// The index of the unit `named` (the root's for `None`), or a refusal
    /// naming it (`owner` in a store without units).
    fn unit_named(
        &self,
        named: Option<&crate::id::BusinessUnitId>,
        owner: impl Fn() -> EntityRef,
        refuse: &impl Fn(EntityRef) -> Error,
    ) -> Result<u32, Error> {
        self.units
            .index_of(named, &owner)
            .map_err(|_| refuse(named.map_or_else(&owner, |u| EntityRef::BusinessUnit(u.clone()))))
    }

    /// The index of role `id` when its definition was read: a role only a
    /// profile maps is known by id alone, and can't be handed to anyone
    /// without compiling again.
    fn read_role(&self, id: &str) -> Option<u32> {
        self.roles
            .get(id)
            .filter(|role| self.read_roles.get(*role as usize) == Some(&true))
    }

    /// Every custom profile listing user `user`, in index order.
    fn profiles_listing(&self, user: u32) -> impl Iterator<Item = u32> + '_ {
        let first = Some(self.direct_profile.get(user as usize)).filter(|p| *p != NONE);
        let from = self.also_assigned.partition_point(|(u, _)| *u < user);
        let also = self.also_assigned.get(from..).unwrap_or_default();
        first.into_iter().chain(
            also.iter()
                .take_while(move |(u, _)| *u == user)
                .map(|(_, p)| *p),
        )
    }

    /// Profile `ix` ranked at `ranking` (rank and mapped roles, as
    /// listed), or not at all: the ranked list and every role's best
    /// profile laid out again, as compiling does (linear in profiles,
    /// mappings and roles; no user is read).
    fn rerank(&mut self, ix: u32, ranking: Option<(u32, Vec<u32>)>) -> Result<(), Error> {
        let mut mapped: Vec<Vec<u32>> = vec![Vec::new(); self.ranked.len()];
        for role in 0..self.role_ranked.len() {
            for position in self.role_ranked.row(role) {
                if let Some(roles) = mapped.get_mut(*position as usize) {
                    roles.push(super::tables::len_u32(role));
                }
            }
        }
        let was = self.ranked.iter().position(|r| r.profile == ix);
        let now = ranking.as_ref().map(|(rank, roles)| (*rank, roles));
        let unchanged = match (was, now) {
            (None, None) => true,
            (Some(at), Some((rank, roles))) => {
                let mut a = mapped.get(at).cloned().unwrap_or_default();
                let mut b = roles.clone();
                a.sort_unstable();
                b.sort_unstable();
                self.ranked.get(at).map(|r| r.rank) == Some(rank) && a == b
            }
            _ => false,
        };
        if unchanged {
            return Ok(());
        }
        let mut entries: Vec<(Ranked, Vec<u32>)> = self
            .ranked
            .iter()
            .copied()
            .zip(mapped)
            .filter(|(r, _)| r.profile != ix)
            .collect();
        if let Some((rank, roles)) = ranking {
            entries.push((Ranked { profile: ix, rank }, roles));
        }
        entries.sort_by_key(|(r, _)| (r.rank, r.profile));
        let mut rows = super::tables::Csr::default();
        for (_, roles) in &entries {
            rows.push_row(roles.iter().copied())?;
        }
        let role_ranked = rows.transpose(self.roles.len())?;
        let role_best = (0..self.roles.len())
            .map(|role| role_ranked.row(role).first().copied().unwrap_or(NONE))
            .collect();
        self.ranked = Arc::new(entries.into_iter().map(|(r, _)| r).collect());
        self.role_ranked = Arc::new(role_ranked);
        self.role_best = Arc::new(role_best);
        Ok(())
    }

    /// Rebuilds the held-role rows of the users `pending` names: those
    /// changed, and the members of a team whose roles changed (past the
    /// dense-row limit there are no such rows: checks read the changed
    /// tables).
    fn rebuild_held(&mut self, pending: &Pending) -> Result<(), Error> {
        let (Some(held), Some(closure)) = (self.held.as_mut(), self.closure.as_ref()) else {
            return Ok(());
        };
        let mut row = vec![0u64; held.row(0).len()];
        for user in pending.users.iter().copied() {
            row.fill(0);
            for role in self.direct_roles.row(user as usize) {
                or_into(&mut row, closure.row(*role as usize));
            }
            for team in self.places.teams(user) {
                for role in self.routes.team_roles.row(*team as usize) {
                    or_into(&mut row, closure.row(*role as usize));
                }
            }
            // An unchanged row leaves its chunk shared.
            if held.row(user as usize) != row.as_slice() {
                for (to, from) in held.row_mut(user as usize)?.iter_mut().zip(&row) {
                    *to = *from;
                }
            }
        }
        Ok(())
    }
}

/// Replaces the entries of `user` in `table` (sorted by user first) by
/// `entries`, copying the table only when it changes.
fn replace_user_entries<T: Copy + Ord>(
    table: &mut Arc<Vec<T>>,
    user: u32,
    of: impl Fn(&T) -> u32,
    mut entries: Vec<T>,
) {
    entries.sort_unstable();
    entries.dedup();
    let from = table.partition_point(|e| of(e) < user);
    let to = from
        + table
            .get(from..)
            .map_or(0, |t| t.partition_point(|e| of(e) == user));
    if table.get(from..to) == Some(entries.as_slice()) {
        return;
    }
    Arc::make_mut(table).splice(from..to, entries);
}

/// Moves the user of every entry of `table` (sorted by user first) from
/// user `from` on to `moved(user)`, copying the table only when one does.
fn shift_entries<T: Copy>(
    table: &mut Arc<Vec<T>>,
    from: u32,
    of: impl Fn(&T) -> u32,
    with: impl Fn(T, u32) -> T,
    moved: impl Fn(u32) -> u32,
) {
    let start = table.partition_point(|e| of(e) < from);
    if start == table.len() {
        return;
    }
    for entry in Arc::make_mut(table).get_mut(start..).unwrap_or_default() {
        *entry = with(*entry, moved(of(entry)));
    }
}

/// Every index `of` reads in `table` passed through `moved` (`with` writes
/// it back), copying the table only when one moves.
fn remap_entries<T: Clone>(
    table: &mut Arc<Vec<T>>,
    of: impl Fn(&T) -> u32,
    with: impl Fn(&T, u32) -> T,
    moved: impl Fn(u32) -> u32,
) {
    if table.iter().any(|e| moved(of(e)) != of(e)) {
        for entry in Arc::make_mut(table).iter_mut() {
            *entry = with(entry, moved(of(entry)));
        }
    }
}

/// `value` inserted at index `at` of a table with one entry an index
/// (`Some`), or the entry at `at` removed (`None`).
fn splice_entry<T: Clone>(table: &mut Arc<Vec<T>>, at: u32, value: Option<T>) {
    let table = Arc::make_mut(table);
    let at = (at as usize).min(table.len());
    match value {
        Some(value) => table.insert(at, value),
        None if at < table.len() => {
            table.remove(at);
        }
        None => {}
    }
}
