//! Users, teams, business units and role assignment: each operation's
//! rules against the staged state, the elevation rule, and the seed's rule
//! keeping Omnichannel API access apart from agents and supervisors.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::staged::{Staged, new_id};
use crate::admin::AdminOp;
use crate::business_unit::BusinessUnit;
use crate::catalog::{OMNICHANNEL_API_ACCESS, PERSONA_ROLES, SYSTEM_ADMINISTRATOR};
use crate::directory::check_refs_by;
use crate::error::{EntityRef, Error, Requirement};
use crate::held::{Reached, holds_role, load_user, walk_held_roles, walk_roles};
use crate::id::{BusinessUnitId, ProfileId, RoleId, TeamId, UserId};
use crate::key::Privilege;
use crate::privilege::AccessLevel;
use crate::record_access::ancestors;
use crate::store::Store;
use crate::team::Team;
use crate::user::{RoleAssignment, User};

impl<S: Store + ?Sized> Staged<'_, S> {
    /// Stages user, team, business unit and role assignment operation
    /// number `position` (from 1) of the batch, checking every rule but
    /// who makes it; other operations are not this module's.
    pub(super) fn stage_security_op(&mut self, position: usize, op: &AdminOp) -> Result<(), Error> {
        let new_id = |entity, taken| new_id(position, entity, taken);
        match op {
            AdminOp::CreateUser {
                user,
                name,
                business_unit,
            } => {
                let taken = Store::user(&*self, user)?.is_some();
                new_id(EntityRef::User(user.clone()), taken)?;
                self.known_unit(business_unit.as_ref(), || EntityRef::User(user.clone()))?;
                let mut created = User::new(user.clone(), name.clone());
                created.business_unit.clone_from(business_unit);
                self.put_user(created);
            }
            AdminOp::RenameUser { user, name } => {
                let mut target = self.existing_user(user)?;
                if target.name != *name {
                    target.name.clone_from(name);
                    self.put_user(target);
                }
            }
            AdminOp::MoveUser {
                user,
                business_unit,
            } => {
                let mut target = self.existing_user(user)?;
                self.known_unit(business_unit.as_ref(), || EntityRef::User(user.clone()))?;
                if target.business_unit == *business_unit {
                    return Ok(());
                }
                let root = Store::root_business_unit(&*self)?;
                let old = target.business_unit.clone().or_else(|| root.clone());
                let new = business_unit.clone().or(root);
                if old != new {
                    // Roles held in the old unit go, as in Dataverse; roles
                    // assigned in a named other unit stay.
                    target.roles.retain(|a| {
                        a.business_unit
                            .as_ref()
                            .is_some_and(|unit| Some(unit) != old.as_ref())
                    });
                }
                target.business_unit.clone_from(business_unit);
                self.put_user(target);
            }
            AdminOp::DisableUser { user } | AdminOp::EnableUser { user } => {
                let disable = matches!(op, AdminOp::DisableUser { .. });
                let mut target = self.existing_user(user)?;
                if target.disabled != disable {
                    target.disabled = disable;
                    self.put_user(target);
                }
            }
            AdminOp::RemoveUser { user } => self.stage_remove_user(user)?,
            AdminOp::CreateTeam {
                team,
                name,
                business_unit,
            } => {
                let taken = Store::team(&*self, team)?.is_some();
                new_id(EntityRef::Team(team.clone()), taken)?;
                self.known_unit(business_unit.as_ref(), || EntityRef::Team(team.clone()))?;
                let mut created = Team::new(team.clone(), name.clone());
                created.business_unit.clone_from(business_unit);
                self.put_team(created);
            }
            AdminOp::DeleteTeam { team } => self.stage_delete_team(team)?,
            AdminOp::AddTeamMembers { team, users } => {
                let mut target = self.existing_team(team)?;
                self.check_users(EntityRef::Team(team.clone()), users)?;
                let mut members: HashSet<UserId> = target.members.iter().cloned().collect();
                for user in users {
                    if !members.insert(user.clone()) {
                        return Err(Error::AlreadyMember {
                            team: team.clone(),
                            user: user.clone(),
                        });
                    }
                }
                for user in users {
                    let mut member = self.existing_user(user)?;
                    self.check_api_access(&member, &target.roles)?;
                    member.teams.push(team.clone());
                    target.members.push(user.clone());
                    self.put_user(member);
                }
                self.put_team(target);
            }
            AdminOp::RemoveTeamMembers { team, users } => {
                let mut target = self.existing_team(team)?;
                self.check_users(EntityRef::Team(team.clone()), users)?;
                let members: HashSet<&UserId> = target.members.iter().collect();
                if let Some(user) = users.iter().find(|u| !members.contains(u)) {
                    return Err(Error::NotMember {
                        team: team.clone(),
                        user: user.clone(),
                    });
                }
                for user in users {
                    let mut member = self.existing_user(user)?;
                    member.teams.retain(|t| t != team);
                    self.put_user(member);
                }
                let removed: HashSet<&UserId> = users.iter().collect();
                target.members.retain(|m| !removed.contains(m));
                self.put_team(target);
            }
            AdminOp::MoveTeam {
                team,
                business_unit,
            } => {
                let mut target = self.existing_team(team)?;
                self.known_unit(business_unit.as_ref(), || EntityRef::Team(team.clone()))?;
                if target.business_unit != *business_unit {
                    target.business_unit.clone_from(business_unit);
                    self.put_team(target);
                }
            }
            AdminOp::AssignRole {
                user,
                role,
                business_unit,
            } => {
                let mut target = self.existing_user(user)?;
                let holder = || EntityRef::User(user.clone());
                self.known_role(role, holder)?;
                self.known_unit(business_unit.as_ref(), holder)?;
                let unit = self.held_in(&target, business_unit.as_ref())?;
                if self.assignment_of(&target, role, unit.as_ref())?.is_some() {
                    return Err(Error::RoleAlreadyHeld {
                        holder: holder(),
                        role: role.clone(),
                        business_unit: unit,
                    });
                }
                self.check_api_access(&target, std::slice::from_ref(role))?;
                target.roles.push(RoleAssignment {
                    role: role.clone(),
                    business_unit: business_unit.clone(),
                });
                self.put_user(target);
            }
            AdminOp::RemoveRole {
                user,
                role,
                business_unit,
            } => {
                let mut target = self.existing_user(user)?;
                let unit = self.held_in(&target, business_unit.as_ref())?;
                let Some(at) = self.assignment_of(&target, role, unit.as_ref())? else {
                    return Err(Error::RoleNotHeld {
                        holder: EntityRef::User(user.clone()),
                        role: role.clone(),
                        business_unit: unit,
                    });
                };
                target.roles.remove(at);
                self.put_user(target);
            }
            AdminOp::AssignTeamRole { team, role } => {
                let mut target = self.existing_team(team)?;
                let holder = || EntityRef::Team(team.clone());
                self.known_role(role, holder)?;
                if target.roles.contains(role) {
                    return Err(Error::RoleAlreadyHeld {
                        holder: holder(),
                        role: role.clone(),
                        business_unit: self.team_unit(&target)?,
                    });
                }
                for member in &target.members {
                    let member = self.existing_user(member)?;
                    self.check_api_access(&member, std::slice::from_ref(role))?;
                }
                target.roles.push(role.clone());
                self.put_team(target);
            }
            AdminOp::RemoveTeamRole { team, role } => {
                let mut target = self.existing_team(team)?;
                if !target.roles.contains(role) {
                    return Err(Error::RoleNotHeld {
                        holder: EntityRef::Team(team.clone()),
                        role: role.clone(),
                        business_unit: self.team_unit(&target)?,
                    });
                }
                target.roles.retain(|r| r != role);
                self.put_team(target);
            }
            AdminOp::CreateBusinessUnit {
                business_unit,
                name,
                parent,
            } => {
                let taken = Store::business_unit(&*self, business_unit)?.is_some();
                new_id(EntityRef::BusinessUnit(business_unit.clone()), taken)?;
                match parent {
                    Some(parent) => {
                        self.existing_unit(parent)?;
                    }
                    None => {
                        if let Some(first) = Store::root_business_unit(&*self)? {
                            return Err(Error::SecondRoot {
                                first,
                                second: business_unit.clone(),
                            });
                        }
                    }
                }
                let mut created = BusinessUnit::new(business_unit.clone(), name.clone());
                created.parent.clone_from(parent);
                self.put_unit(created);
            }
            AdminOp::RenameBusinessUnit {
                business_unit,
                name,
            } => {
                let mut target = self.existing_unit(business_unit)?;
                if target.name != *name {
                    target.name.clone_from(name);
                    self.put_unit(target);
                }
            }
            AdminOp::MoveBusinessUnit {
                business_unit,
                parent,
            } => {
                let mut target = self.existing_unit(business_unit)?;
                self.existing_unit(parent)?;
                // The new parent and its ancestors, up to the root: the unit
                // must not be among them.
                let mut path = vec![business_unit.clone(), parent.clone()];
                let mut at = Some(parent.clone());
                while let Some(id) = at {
                    if id == *business_unit {
                        return Err(Error::BusinessUnitCycle { cycle: path });
                    }
                    at = Store::business_unit(&*self, &id)?.and_then(|u| u.parent.clone());
                    if let Some(next) = &at {
                        // A loop in a host's store ends here too.
                        if path.contains(next) && *next != *business_unit {
                            break;
                        }
                        path.push(next.clone());
                    }
                }
                if target.parent.as_ref() != Some(parent) {
                    target.parent = Some(parent.clone());
                    self.put_unit(target);
                }
            }
            AdminOp::DeleteBusinessUnit { business_unit } => {
                self.existing_unit(business_unit)?;
                if let Some(holder) = self.in_unit(business_unit)? {
                    return Err(Error::BusinessUnitInUse {
                        business_unit: business_unit.clone(),
                        holder,
                    });
                }
                self.remove_unit(business_unit);
            }
            _ => {}
        }
        Ok(())
    }

    /// The elevation rule, for the operations that assign a role: `actor`
    /// holds every privilege the role grants, inclusions expanded, at the
    /// same or a higher level, by a holding reaching the unit it is
    /// assigned in (see [`AdminOp::requirement`]). Unknown ids are left to
    /// the operation's own checks.
    pub(super) fn check_elevation(&self, actor: &UserId, op: &AdminOp) -> Result<(), Error> {
        let (role, unit) = match op {
            AdminOp::AssignRole {
                user,
                role,
                business_unit,
            } => match Store::user(self, user)? {
                Some(target) => (role, self.held_in(&target, business_unit.as_ref())?),
                None => return Ok(()),
            },
            AdminOp::AssignTeamRole { team, role } => match Store::team(self, team)? {
                Some(target) => (role, self.team_unit(&target)?),
                None => return Ok(()),
            },
            _ => return Ok(()),
        };
        if Store::role(self, role)?.is_none() {
            return Ok(());
        }
        let denied = |missing| Error::AccessDenied {
            actor: actor.clone(),
            missing,
        };
        let actor_user = load_user(self, actor)?;
        let mut needed: BTreeMap<Privilege, AccessLevel> = BTreeMap::new();
        let mut grants_everything = false;
        walk_roles(
            self,
            vec![(role.clone(), EntityRef::Role(role.clone()))],
            |r| {
                grants_everything |= r.id == SYSTEM_ADMINISTRATOR;
                for (privilege, level) in &r.grants {
                    let slot = needed.entry(privilege.clone()).or_default();
                    *slot = (*slot).max(*level);
                }
            },
        )?;
        let is_admin = holds_role(self, &actor_user, &SYSTEM_ADMINISTRATOR)?;
        if grants_everything && !is_admin {
            return Err(denied(Requirement::Role(SYSTEM_ADMINISTRATOR)));
        }
        if is_admin {
            return Ok(());
        }
        let above = ancestors(self, unit.as_ref())?;
        let reached = Reached::load(self, actor_user)?;
        // Each holding's unit and every role it reaches.
        let reach: Vec<(Option<&BusinessUnitId>, Vec<u32>)> = reached
            .holdings
            .iter()
            .map(|hold| (hold.unit.as_ref(), reachable(&reached.includes, hold.node)))
            .collect();
        for (privilege, level) in needed {
            let mut held = AccessLevel::None;
            for (at, nodes) in &reach {
                for node in nodes {
                    let granted = reached.level(*node, &privilege);
                    if covers(*at, granted, unit.as_ref(), &above) {
                        held = held.max(granted);
                    }
                }
            }
            if held < level {
                return Err(denied(Requirement::PrivilegeAt {
                    privilege,
                    level,
                    business_unit: unit,
                }));
            }
        }
        Ok(())
    }

    /// Seed 003: no user holds Omnichannel API access together with an
    /// agent- or supervisor-type role. Refuses `user` gaining `roles`
    /// (inclusions expanded) when that would bring the two together.
    fn check_api_access(&self, user: &User, roles: &[RoleId]) -> Result<(), Error> {
        let mut gained: BTreeSet<RoleId> = BTreeSet::new();
        let roots = roles
            .iter()
            .map(|r| (r.clone(), EntityRef::User(user.id.clone())))
            .collect();
        walk_roles(self, roots, |r| {
            gained.insert(r.id.clone());
        })?;
        let personas: [RoleId; 3] = PERSONA_ROLES;
        let agent_type = |set: &BTreeSet<RoleId>| personas.iter().find(|r| set.contains(*r));
        let gains_api = gained.contains(&OMNICHANNEL_API_ACCESS);
        let gains_agent = agent_type(&gained).cloned();
        if !gains_api && gains_agent.is_none() {
            return Ok(());
        }
        let mut held: BTreeSet<RoleId> = BTreeSet::new();
        walk_held_roles(self, user, |r| {
            held.insert(r.id.clone());
        })?;
        let conflict = |role: &RoleId, conflicting: &RoleId| Error::ApiAccessConflict {
            user: user.id.clone(),
            role: role.clone(),
            conflicting: conflicting.clone(),
        };
        if gains_api {
            if let Some(agent) = agent_type(&held).or(gains_agent.as_ref()) {
                return Err(conflict(&OMNICHANNEL_API_ACCESS, agent));
            }
        }
        if let Some(agent) = gains_agent {
            if held.contains(&OMNICHANNEL_API_ACCESS) {
                return Err(conflict(&agent, &OMNICHANNEL_API_ACCESS));
            }
        }
        Ok(())
    }

    /// Removes a user and every mention of them.
    fn stage_remove_user(&mut self, user: &UserId) -> Result<(), Error> {
        let target = self.existing_user(user)?;
        let teams: BTreeSet<&TeamId> = target.teams.iter().collect();
        for team in teams {
            if let Some(team) = Store::team(&*self, team)?.map(Cow::into_owned) {
                let mut team = team;
                team.members.retain(|m| m != user);
                self.put_team(team);
            }
        }
        let assigned: Vec<ProfileId> = self.index()?.assigned(user).cloned().collect();
        for profile in assigned {
            let mut profile = self.existing(&profile)?;
            profile.users.retain(|u| u != user);
            self.put_profile(profile)?;
        }
        let listing: Vec<_> = Store::column_profiles(&*self)?
            .into_iter()
            .filter(|p| p.users.contains(user))
            .map(Cow::into_owned)
            .collect();
        for mut profile in listing {
            profile.users.retain(|u| u != user);
            self.put_column_profile(&profile);
        }
        self.remove_user(user);
        Ok(())
    }

    /// Deletes a team and every mention of it.
    fn stage_delete_team(&mut self, team: &TeamId) -> Result<(), Error> {
        let target = self.existing_team(team)?;
        let members: BTreeSet<&UserId> = target.members.iter().collect();
        for member in members {
            if let Some(user) = Store::user(&*self, member)?.map(Cow::into_owned) {
                let mut user = user;
                user.teams.retain(|t| t != team);
                self.put_user(user);
            }
        }
        let listing: Vec<_> = Store::column_profiles(&*self)?
            .into_iter()
            .filter(|p| p.teams.contains(team))
            .map(Cow::into_owned)
            .collect();
        for mut profile in listing {
            profile.teams.retain(|t| t != team);
            self.put_column_profile(&profile);
        }
        self.remove_team(team);
        Ok(())
    }

    /// `users` exist, each listed once.
    fn check_users(&self, owner: EntityRef, users: &[UserId]) -> Result<(), Error> {
        check_refs_by(
            &owner,
            users,
            |u| Ok(Store::user(self, u)?.is_some()),
            EntityRef::User,
        )
    }

    /// `role` exists.
    fn known_role(&self, role: &RoleId, owner: impl Fn() -> EntityRef) -> Result<(), Error> {
        match Store::role(self, role)? {
            Some(_) => Ok(()),
            None => Err(Error::UnknownReference {
                owner: owner(),
                target: EntityRef::Role(role.clone()),
            }),
        }
    }

    /// `unit`, when named, exists.
    fn known_unit(
        &self,
        unit: Option<&BusinessUnitId>,
        owner: impl Fn() -> EntityRef,
    ) -> Result<(), Error> {
        match unit {
            Some(unit) if Store::business_unit(self, unit)?.is_none() => {
                Err(Error::UnknownReference {
                    owner: owner(),
                    target: EntityRef::BusinessUnit(unit.clone()),
                })
            }
            _ => Ok(()),
        }
    }

    /// The unit a role assigned to `user` in `named` (their own when
    /// `None`) is held in; `None` without units.
    fn held_in(
        &self,
        user: &User,
        named: Option<&BusinessUnitId>,
    ) -> Result<Option<BusinessUnitId>, Error> {
        match named.or(user.business_unit.as_ref()) {
            Some(unit) => Ok(Some(unit.clone())),
            None => Ok(Store::root_business_unit(self)?),
        }
    }

    /// The unit a team's roles are held in; `None` without units.
    fn team_unit(&self, team: &Team) -> Result<Option<BusinessUnitId>, Error> {
        match &team.business_unit {
            Some(unit) => Ok(Some(unit.clone())),
            None => Ok(Store::root_business_unit(self)?),
        }
    }

    /// Where in `user.roles` the assignment of `role` held in `unit` is.
    fn assignment_of(
        &self,
        user: &User,
        role: &RoleId,
        unit: Option<&BusinessUnitId>,
    ) -> Result<Option<usize>, Error> {
        for (at, assignment) in user.roles.iter().enumerate() {
            if assignment.role == *role
                && self
                    .held_in(user, assignment.business_unit.as_ref())?
                    .as_ref()
                    == unit
            {
                return Ok(Some(at));
            }
        }
        Ok(None)
    }

    /// Something in `unit`: a child unit, a team, a user, or a user holding
    /// a role there (the root also holds whoever names no unit). Reads
    /// every unit, team and user: deleting a unit is rare, checking it
    /// empty is not free.
    fn in_unit(&self, unit: &BusinessUnitId) -> Result<Option<EntityRef>, Error> {
        let root = Store::root_business_unit(self)?;
        let is_root = root.as_ref() == Some(unit);
        let here = |named: Option<&BusinessUnitId>| match named {
            Some(named) => named == unit,
            None => is_root,
        };
        let mut children = Store::business_unit_ids(self)?;
        children.sort_unstable();
        for child in children {
            if let Some(child) = Store::business_unit(self, &child)? {
                if child.parent.as_ref() == Some(unit) {
                    return Ok(Some(EntityRef::BusinessUnit(child.id.clone())));
                }
            }
        }
        let mut teams = Store::team_ids(self)?;
        teams.sort_unstable();
        for team in teams {
            if let Some(team) = Store::team(self, &team)? {
                if here(team.business_unit.as_ref()) {
                    return Ok(Some(EntityRef::Team(team.id.clone())));
                }
            }
        }
        let mut users = Store::user_ids(self)?;
        users.sort_unstable();
        for user in users {
            if let Some(user) = Store::user(self, &user)? {
                let assigned = user
                    .roles
                    .iter()
                    .any(|a| a.business_unit.as_ref() == Some(unit));
                if here(user.business_unit.as_ref()) || assigned {
                    return Ok(Some(EntityRef::User(user.id.clone())));
                }
            }
        }
        Ok(None)
    }
}

/// `node` and every node it includes, transitively.
fn reachable(includes: &[Vec<u32>], node: u32) -> Vec<u32> {
    let mut seen: HashSet<u32> = HashSet::from([node]);
    let mut order = vec![node];
    let mut at = 0;
    while let Some(next) = order.get(at).copied() {
        for child in includes.get(next as usize).into_iter().flatten() {
            if seen.insert(*child) {
                order.push(*child);
            }
        }
        at += 1;
    }
    order
}

/// Whether a grant at `level`, held in unit `held`, reaches unit `target`
/// (whose ancestors are `above`) for the elevation rule.
fn covers(
    held: Option<&BusinessUnitId>,
    level: AccessLevel,
    target: Option<&BusinessUnitId>,
    above: &[BusinessUnitId],
) -> bool {
    match level {
        AccessLevel::None => false,
        AccessLevel::Organization => true,
        AccessLevel::ParentChildBusinessUnit => {
            held == target || held.is_some_and(|h| above.contains(h))
        }
        AccessLevel::User | AccessLevel::BusinessUnit => held == target,
    }
}
