//! Writing users, teams and business units into a checked directory in
//! place: only what an edit touches is checked again, so one role
//! assignment costs the user and their teams, not the organisation.

use indexmap::IndexMap;

use super::validate::{check_refs, check_unit, check_user};
use super::{Directory, ProfileParts, units};
use crate::business_unit::BusinessUnit;
use crate::error::{EntityKind, EntityRef, Error};
use crate::id::{BusinessUnitId, TeamId, UserId};
use crate::team::Team;
use crate::user::User;

/// One write of a user, team or business unit: the new value, or `None` to
/// remove it.
#[derive(Clone, Debug)]
pub(crate) enum Edit {
    User(UserId, Option<User>),
    Team(TeamId, Option<Team>),
    Unit(BusinessUnitId, Option<BusinessUnit>),
}

/// What an edit replaced, to put it back: the old value and where it was.
enum Undo {
    User(UserId, Option<(usize, User)>),
    Team(TeamId, Option<(usize, Team)>),
    Unit(BusinessUnitId, Option<(usize, BusinessUnit)>),
}

impl Directory {
    /// Applies `edits` in order, then `parts` (the profiles side, when the
    /// change set has one), keeping every rule a loaded directory keeps;
    /// on any violation the directory is left exactly as it was.
    ///
    /// Checked again: every user and team written (their references, both
    /// sides of their memberships), every membership and mention of a
    /// removed user or team, the unit tree when a unit is written, and the
    /// users and teams still in a removed unit (which reads them all: units
    /// are rarely removed).
    pub(crate) fn edit(
        &mut self,
        edits: Vec<Edit>,
        parts: Option<ProfileParts>,
    ) -> Result<(), Error> {
        let mut undo = Vec::with_capacity(edits.len());
        for edit in &edits {
            undo.push(self.write(edit));
        }
        let checked = self.check_edits(&undo, parts);
        if checked.is_err() {
            for step in undo.into_iter().rev() {
                self.put_back(step);
            }
        }
        checked
    }

    fn check_edits(&mut self, undo: &[Undo], parts: Option<ProfileParts>) -> Result<(), Error> {
        if undo.iter().any(|u| matches!(u, Undo::Unit(..))) {
            self.root = units::check_tree(&self.business_units)?;
        }
        let removed: Vec<Removed<'_>> = undo.iter().filter_map(|s| self.removed(s)).collect();
        self.check_touched(undo, &removed)?;
        let removed_ids: Vec<RemovedId> = removed.iter().map(Removed::id).collect();
        match parts {
            Some(parts) => self.replace_profiles(parts),
            None => self.check_mentions(&removed_ids),
        }
    }

    /// `step`'s entity when the edits removed it: it was there, and is no
    /// longer.
    fn removed<'u>(&self, step: &'u Undo) -> Option<Removed<'u>> {
        match step {
            Undo::User(id, Some((_, old))) if !self.users.contains_key(id) => {
                Some(Removed::User(id, old))
            }
            Undo::Team(id, Some((_, old))) if !self.teams.contains_key(id) => {
                Some(Removed::Team(id, old))
            }
            Undo::Unit(id, Some(_)) if !self.business_units.contains_key(id) => {
                Some(Removed::Unit(id))
            }
            _ => None,
        }
    }

    fn write(&mut self, edit: &Edit) -> Undo {
        match edit {
            Edit::User(id, value) => Undo::User(id.clone(), write(&mut self.users, id, value)),
            Edit::Team(id, value) => Undo::Team(id.clone(), write(&mut self.teams, id, value)),
            Edit::Unit(id, value) => {
                Undo::Unit(id.clone(), write(&mut self.business_units, id, value))
            }
        }
    }

    fn put_back(&mut self, step: Undo) {
        match step {
            Undo::User(id, old) => restore(&mut self.users, id, old),
            Undo::Team(id, old) => restore(&mut self.teams, id, old),
            Undo::Unit(id, old) => restore(&mut self.business_units, id, old),
        }
    }

    /// The rules of every user and team written, and the memberships of
    /// those removed.
    fn check_touched(&self, undo: &[Undo], removed: &[Removed<'_>]) -> Result<(), Error> {
        for step in undo {
            match step {
                Undo::User(id, _) => {
                    if let Some(user) = self.users.get(id) {
                        check_user(
                            user,
                            &self.roles,
                            &self.teams,
                            &self.business_units,
                            self.root.as_ref(),
                        )?;
                        for team in &user.teams {
                            self.check_membership(team, id, EntityKind::User)?;
                        }
                    }
                }
                Undo::Team(id, _) => {
                    if let Some(team) = self.teams.get(id) {
                        let owner = EntityRef::Team(id.clone());
                        check_refs(&owner, &team.roles, &self.roles, EntityRef::Role)?;
                        check_refs(&owner, &team.members, &self.users, EntityRef::User)?;
                        check_unit(&owner, team.business_unit.as_ref(), &self.business_units)?;
                        for member in &team.members {
                            self.check_membership(id, member, EntityKind::Team)?;
                        }
                    }
                }
                Undo::Unit(..) => {}
            }
        }
        for gone in removed {
            match gone {
                Removed::User(id, old) => {
                    for team in &old.teams {
                        if self.teams.get(team).is_some_and(|t| t.members.contains(id)) {
                            return Err(mismatch(team, id, EntityKind::Team));
                        }
                    }
                }
                Removed::Team(id, old) => {
                    for member in &old.members {
                        if self.users.get(member).is_some_and(|u| u.teams.contains(id)) {
                            return Err(mismatch(id, member, EntityKind::User));
                        }
                    }
                }
                Removed::Unit(id) => {
                    if let Some(holder) = self.in_unit(id) {
                        return Err(Error::BusinessUnitInUse {
                            business_unit: (*id).clone(),
                            holder,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Profiles and column profiles that still name a removed user or team.
    fn check_mentions(&self, removed: &[RemovedId]) -> Result<(), Error> {
        for gone in removed {
            let (user, team) = match gone {
                RemovedId::User(id) => (Some(id), None),
                RemovedId::Team(id) => (None, Some(id)),
                RemovedId::Unit => continue,
            };
            if let Some(user) = user {
                if let Some(profile) = self.profiles.values().find(|p| p.users.contains(user)) {
                    return Err(Error::UnknownReference {
                        owner: EntityRef::Profile(profile.id.clone()),
                        target: EntityRef::User(user.clone()),
                    });
                }
            }
            for profile in self.column_profiles.values() {
                let owner = || EntityRef::ColumnProfile(profile.id.clone());
                if let Some(user) = user.filter(|u| profile.users.contains(u)) {
                    return Err(Error::UnknownReference {
                        owner: owner(),
                        target: EntityRef::User(user.clone()),
                    });
                }
                if let Some(team) = team.filter(|t| profile.teams.contains(t)) {
                    return Err(Error::UnknownReference {
                        owner: owner(),
                        target: EntityRef::Team(team.clone()),
                    });
                }
            }
        }
        Ok(())
    }

    /// Both sides state the membership of `user` in `team`; `listed_by` is
    /// the side being checked.
    fn check_membership(
        &self,
        team: &TeamId,
        user: &UserId,
        listed_by: EntityKind,
    ) -> Result<(), Error> {
        let stated = match listed_by {
            EntityKind::User => self
                .teams
                .get(team)
                .is_some_and(|t| t.members.contains(user)),
            _ => self.users.get(user).is_some_and(|u| u.teams.contains(team)),
        };
        if stated {
            Ok(())
        } else {
            Err(mismatch(team, user, listed_by))
        }
    }

    /// The first thing still in or under a removed unit: a child unit, a
    /// team, a user, or a user holding a role there.
    fn in_unit(&self, unit: &BusinessUnitId) -> Option<EntityRef> {
        let names = |named: Option<&BusinessUnitId>| named == Some(unit);
        if let Some(child) = self
            .business_units
            .values()
            .find(|u| names(u.parent.as_ref()))
        {
            return Some(EntityRef::BusinessUnit(child.id.clone()));
        }
        if let Some(team) = self
            .teams
            .values()
            .find(|t| names(t.business_unit.as_ref()))
        {
            return Some(EntityRef::Team(team.id.clone()));
        }
        self.users
            .values()
            .find(|u| {
                names(u.business_unit.as_ref())
                    || u.roles.iter().any(|a| names(a.business_unit.as_ref()))
            })
            .map(|u| EntityRef::User(u.id.clone()))
    }
}

/// A removed entity, with its old value where its memberships matter.
enum Removed<'u> {
    User(&'u UserId, &'u User),
    Team(&'u TeamId, &'u Team),
    Unit(&'u BusinessUnitId),
}

/// A removed user or team, by id: what profiles may still mention.
enum RemovedId {
    User(UserId),
    Team(TeamId),
    Unit,
}

impl Removed<'_> {
    fn id(&self) -> RemovedId {
        match self {
            Removed::User(id, _) => RemovedId::User((*id).clone()),
            Removed::Team(id, _) => RemovedId::Team((*id).clone()),
            Removed::Unit(_) => RemovedId::Unit,
        }
    }
}

/// Writes `value` at `id` (in place when it exists, else at the end), or
/// removes `id`: the old value and its position.
fn write<K: std::hash::Hash + Eq + Clone, V: Clone>(
    map: &mut IndexMap<K, V>,
    id: &K,
    value: &Option<V>,
) -> Option<(usize, V)> {
    let at = map.get_index_of(id);
    let old = match value {
        Some(value) => map.insert(id.clone(), value.clone()),
        None => map.shift_remove(id),
    };
    at.zip(old)
}

/// Puts back what [`write`] replaced.
fn restore<K: std::hash::Hash + Eq, V>(map: &mut IndexMap<K, V>, id: K, old: Option<(usize, V)>) {
    match old {
        Some((at, value)) => {
            map.shift_remove(&id);
            map.shift_insert(at.min(map.len()), id, value);
        }
        None => {
            map.shift_remove(&id);
        }
    }
}

fn mismatch(team: &TeamId, user: &UserId, listed_by: EntityKind) -> Error {
    Error::MembershipMismatch {
        team: team.clone(),
        user: user.clone(),
        listed_by,
    }
}
