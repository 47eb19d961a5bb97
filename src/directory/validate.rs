//! The load-time checks of a directory document.

use std::collections::HashSet;
use std::hash::Hash;

use indexmap::{IndexMap, IndexSet};

use super::profiles::{check_profiles, index_profiles, index_templates};
use super::units;
use super::{Directory, DirectoryDoc};
use crate::business_unit::BusinessUnit;
use crate::catalog;
use crate::column::ColumnProfile;
use crate::error::{EntityKind, EntityRef, Error};
use crate::id::{BusinessUnitId, RoleId, TeamId, UserId};
use crate::key::ColumnKey;
use crate::role::Role;
use crate::team::Team;
use crate::user::User;

pub(super) fn validate(doc: DirectoryDoc) -> Result<Directory, Error> {
    check(doc).map_err(|err| match err {
        // The commonest slip: a document of the host's own organisation,
        // loaded without the built-in catalogue it refers to.
        Error::UnknownReference {
            owner,
            target: EntityRef::Role(role),
        } if catalog::is_builtin_role(role.as_str()) => Error::BuiltinNotLoaded { owner, role },
        err => err,
    })
}

fn check(doc: DirectoryDoc) -> Result<Directory, Error> {
    let privileges = index(doc.privileges, |p| p.key.clone(), EntityRef::Privilege)?;
    let roles = index(doc.roles, |r| r.id.clone(), EntityRef::Role)?;
    let teams = index(doc.teams, |t| t.id.clone(), EntityRef::Team)?;
    let users = index(doc.users, |u| u.id.clone(), EntityRef::User)?;
    let templates = index_templates(doc.templates)?;
    let profiles = index_profiles(doc.profiles)?;
    let mut secured_columns = IndexSet::with_capacity(doc.secured_columns.len());
    for column in doc.secured_columns {
        if secured_columns.contains(&column) {
            return Err(Error::DuplicateId {
                entity: EntityRef::Column(column),
            });
        }
        secured_columns.insert(column);
    }
    let column_profiles = index(
        doc.column_profiles,
        |p| p.id.clone(),
        EntityRef::ColumnProfile,
    )?;
    let business_units = index(
        doc.business_units,
        |b| b.id.clone(),
        EntityRef::BusinessUnit,
    )?;
    let root = units::check_tree(&business_units)?;
    let tool_settings = index(doc.tool_settings, |s| s.id.clone(), EntityRef::ToolSettings)?;
    let channel_providers = index(
        doc.channel_providers,
        |p| p.id.clone(),
        EntityRef::ChannelProvider,
    )?;

    for role in roles.values() {
        let owner = EntityRef::Role(role.id.clone());
        for key in role.grants.keys() {
            if !privileges.contains_key(key) {
                return Err(Error::UnknownReference {
                    owner,
                    target: EntityRef::Privilege(key.clone()),
                });
            }
        }
        check_refs(&owner, &role.includes, &roles, EntityRef::Role)?;
    }
    for team in teams.values() {
        let owner = EntityRef::Team(team.id.clone());
        check_refs(&owner, &team.roles, &roles, EntityRef::Role)?;
        check_refs(&owner, &team.members, &users, EntityRef::User)?;
        check_unit(&owner, team.business_unit.as_ref(), &business_units)?;
    }
    for user in users.values() {
        check_user(user, &roles, &teams, &business_units, root.as_ref())?;
    }

    for profile in column_profiles.values() {
        check_column_profile(profile, &users, &teams, &secured_columns)?;
    }

    check_memberships(&teams, &users)?;

    if let Some(cycle) = find_cycle(&roles) {
        return Err(Error::InclusionCycle { cycle });
    }

    let fallback = check_profiles(
        &roles,
        &users,
        &templates,
        &profiles,
        doc.fallback_profile.as_ref(),
    )?;

    Ok(Directory {
        business_units,
        root,
        privileges,
        roles,
        teams,
        users,
        templates,
        profiles,
        fallback_profile: doc.fallback_profile,
        fallback,
        secured_columns,
        column_profiles,
        licences: doc.licences,
        tool_settings,
        channel_providers,
    })
}

/// A user's unit, roles (each in a known unit, each (role, unit) once) and
/// teams exist.
pub(crate) fn check_user(
    user: &User,
    roles: &IndexMap<RoleId, Role>,
    teams: &IndexMap<TeamId, Team>,
    business_units: &IndexMap<BusinessUnitId, BusinessUnit>,
    root: Option<&BusinessUnitId>,
) -> Result<(), Error> {
    let owner = EntityRef::User(user.id.clone());
    check_unit(&owner, user.business_unit.as_ref(), business_units)?;
    let mut seen = HashSet::with_capacity(user.roles.len());
    for assignment in &user.roles {
        if !roles.contains_key(&assignment.role) {
            return Err(Error::UnknownReference {
                owner,
                target: EntityRef::Role(assignment.role.clone()),
            });
        }
        check_unit(&owner, assignment.business_unit.as_ref(), business_units)?;
        // A role in the user's own unit, named or not, is one assignment.
        let unit = assignment
            .business_unit
            .as_ref()
            .or(user.business_unit.as_ref())
            .or(root);
        if !seen.insert((&assignment.role, unit)) {
            return Err(Error::DuplicateReference {
                owner,
                target: EntityRef::Role(assignment.role.clone()),
            });
        }
    }
    check_refs(&owner, &user.teams, teams, EntityRef::Team)
}

/// `unit`, when named, is a business unit of the directory.
pub(super) fn check_unit(
    owner: &EntityRef,
    unit: Option<&BusinessUnitId>,
    business_units: &IndexMap<BusinessUnitId, BusinessUnit>,
) -> Result<(), Error> {
    match unit {
        Some(unit) if !business_units.contains_key(unit) => Err(Error::UnknownReference {
            owner: owner.clone(),
            target: EntityRef::BusinessUnit(unit.clone()),
        }),
        _ => Ok(()),
    }
}

/// A column profile's members exist, once each, and it grants on secured
/// columns only.
pub(super) fn check_column_profile(
    profile: &ColumnProfile,
    users: &IndexMap<UserId, User>,
    teams: &IndexMap<TeamId, Team>,
    secured_columns: &IndexSet<ColumnKey>,
) -> Result<(), Error> {
    let owner = EntityRef::ColumnProfile(profile.id.clone());
    check_refs(&owner, &profile.users, users, EntityRef::User)?;
    check_refs(&owner, &profile.teams, teams, EntityRef::Team)?;
    match profile
        .permissions
        .keys()
        .find(|c| !secured_columns.contains(*c))
    {
        Some(column) => Err(Error::ColumnNotSecured {
            profile: profile.id.clone(),
            column: column.clone(),
        }),
        None => Ok(()),
    }
}

/// Indexes `items` by id, refusing empty and repeated ids.
pub(super) fn index<K, T>(
    items: Vec<T>,
    id_of: impl Fn(&T) -> K,
    wrap: fn(K) -> EntityRef,
) -> Result<IndexMap<K, T>, Error>
where
    K: Hash + Eq + AsRef<str>,
{
    let mut map = IndexMap::with_capacity(items.len());
    for (position, item) in (1..).zip(items) {
        let id = id_of(&item);
        if id.as_ref().is_empty() {
            let kind = wrap(id).kind();
            return Err(Error::EmptyId { kind, position });
        }
        if map.contains_key(&id) {
            return Err(Error::DuplicateId { entity: wrap(id) });
        }
        map.insert(id, item);
    }
    Ok(map)
}

/// Every id in `refs` must name an entry of `known`, once.
pub(super) fn check_refs<K, V>(
    owner: &EntityRef,
    refs: &[K],
    known: &IndexMap<K, V>,
    wrap: fn(K) -> EntityRef,
) -> Result<(), Error>
where
    K: Hash + Eq + Clone,
{
    check_refs_by(owner, refs, |id| Ok(known.contains_key(id)), wrap)
}

/// Every id in `refs` must pass `exists`, and occur once.
pub(crate) fn check_refs_by<K>(
    owner: &EntityRef,
    refs: &[K],
    mut exists: impl FnMut(&K) -> Result<bool, Error>,
    wrap: fn(K) -> EntityRef,
) -> Result<(), Error>
where
    K: Hash + Eq + Clone,
{
    let mut seen = HashSet::with_capacity(refs.len());
    for id in refs {
        if !exists(id)? {
            return Err(Error::UnknownReference {
                owner: owner.clone(),
                target: wrap(id.clone()),
            });
        }
        if !seen.insert(id) {
            return Err(Error::DuplicateReference {
                owner: owner.clone(),
                target: wrap(id.clone()),
            });
        }
    }
    Ok(())
}

/// A membership must be stated by the team and by the user.
fn check_memberships(
    teams: &IndexMap<crate::TeamId, crate::Team>,
    users: &IndexMap<crate::UserId, crate::User>,
) -> Result<(), Error> {
    let by_teams: HashSet<(&str, &str)> = teams
        .values()
        .flat_map(|t| t.members.iter().map(move |u| (t.id.as_str(), u.as_str())))
        .collect();
    let by_users: HashSet<(&str, &str)> = users
        .values()
        .flat_map(|u| u.teams.iter().map(move |t| (t.as_str(), u.id.as_str())))
        .collect();
    let mismatch = |team: &str, user: &str, listed_by| Error::MembershipMismatch {
        team: team.into(),
        user: user.into(),
        listed_by,
    };
    for team in teams.values() {
        for user in &team.members {
            if !by_users.contains(&(team.id.as_str(), user.as_str())) {
                return Err(mismatch(team.id.as_str(), user.as_str(), EntityKind::Team));
            }
        }
    }
    for user in users.values() {
        for team in &user.teams {
            if !by_teams.contains(&(team.as_str(), user.id.as_str())) {
                return Err(mismatch(team.as_str(), user.id.as_str(), EntityKind::User));
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    New,
    Open,
    Done,
}

/// The first inclusion cycle met walking the roles in document order, as
/// `[a, b, …, a]`. Iterative, so a chain of any length can't overflow the
/// stack. Every include is known to exist when this runs.
fn find_cycle(roles: &IndexMap<RoleId, Role>) -> Option<Vec<RoleId>> {
    let mut marks = vec![Mark::New; roles.len()];
    // (role index, position of the next include to follow)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for start in 0..roles.len() {
        if marks.get(start) != Some(&Mark::New) {
            continue;
        }
        set(&mut marks, start, Mark::Open);
        stack.push((start, 0));
        while let Some((node, next)) = stack.last_mut() {
            let child = roles
                .get_index(*node)
                .and_then(|(_, role)| role.includes.get(*next))
                .and_then(|id| roles.get_index_of(id));
            let Some(child) = child else {
                set(&mut marks, *node, Mark::Done);
                stack.pop();
                continue;
            };
            *next += 1;
            match marks.get(child) {
                Some(Mark::New) => {
                    set(&mut marks, child, Mark::Open);
                    stack.push((child, 0));
                }
                Some(Mark::Open) => {
                    let from = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                    let cycle = stack
                        .iter()
                        .skip(from)
                        .map(|(n, _)| *n)
                        .chain([child])
                        .filter_map(|n| roles.get_index(n).map(|(id, _)| id.clone()))
                        .collect();
                    return Some(cycle);
                }
                _ => {}
            }
        }
    }
    None
}

fn set(marks: &mut [Mark], at: usize, mark: Mark) {
    if let Some(slot) = marks.get_mut(at) {
        *slot = mark;
    }
}
