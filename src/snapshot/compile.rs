//! Building a [`Snapshot`] from a store: read everything once, intern,
//! expand inclusions, lay the tables out.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::ops::ControlFlow;

use std::sync::Arc;

use super::bits::{Rows, SharedRows, has_bit, ones};
use super::intern::{IdHash, IdList, IdTable, NONE};
use super::tables::{
    CHUNK_SHIFT, Csr, SegmentedRows, SharedCsr, SparseVec, UserPlaces, checked_len, filled,
};
use super::units::Units;
use super::{LEVELS, Ranked, RouteTables, Snapshot, Stamp, persona_mask};
use crate::catalog::SYSTEM_ADMINISTRATOR;
use crate::error::{EntityRef, Error};
use crate::id::{RoleId, TeamId};
use crate::privilege::AccessLevel;
use crate::record::AccessRight;
use crate::role::Inheritance;
use crate::store::{Store, in_id_order};
use crate::user::User;

pub(super) fn compile<S: Store + ?Sized>(store: &S, stamp: Stamp) -> Result<Snapshot, Error> {
    let mut keys = store.privilege_keys()?;
    keys.sort_unstable();
    keys.dedup();
    let privileges = IdTable::new("privileges", keys.iter().map(|k| k.as_str()))?;

    let units = Units::read(store)?;

    // Roles and teams get provisional indices in the order they are met;
    // both are renumbered in id order once all are known. Every team of
    // the store is met, members or not: a team owns records.
    let mut roles = Met::<RoleId>::default();
    let mut teams = Met::<TeamId>::default();
    let mut listed_teams = store.team_ids()?;
    listed_teams.sort_unstable();
    for team in &listed_teams {
        teams.meet(team, || EntityRef::Team(team.clone()));
    }
    // Users in id order, one pass: each one's roles, teams and unit.
    let mut read = UserRows::default();
    let mut failed = None;
    store.for_each_user(
        &mut |user| match read.push(user, &units, &mut roles, &mut teams) {
            Ok(()) => ControlFlow::Continue(()),
            Err(err) => {
                failed = Some(err);
                ControlFlow::Break(())
            }
        },
    )?;
    if let Some(err) = failed {
        return Err(err);
    }
    let UserRows {
        ids: user_ids,
        units: user_units,
        direct,
        teams: user_teams,
        away,
        disabled,
    } = read;
    let users = IdTable::indexed("users", user_ids)?;

    let mut team_roles = Csr::default();
    let mut team_units_met = Vec::with_capacity(teams.list.len());
    for (id, owner) in teams.list.clone() {
        let team = store.team(&id)?.ok_or_else(|| Error::UnknownReference {
            owner,
            target: EntityRef::Team(id.clone()),
        })?;
        let owner = || EntityRef::Team(id.clone());
        team_roles.push_row(team.roles.iter().map(|r| roles.meet(r, owner)))?;
        team_units_met.push(units.index_of(team.business_unit.as_ref(), owner)?);
    }

    let profile_list = store.profiles()?;
    let fallback_id = store.fallback_profile()?;
    let mut profile_ids: Vec<&str> = profile_list.iter().map(|p| p.id.as_str()).collect();
    profile_ids.extend(fallback_id.as_ref().map(|id| id.as_str()));
    profile_ids.sort_unstable();
    profile_ids.dedup();
    let profiles = IdTable::new("profiles", profile_ids.into_iter())?;
    // Custom profiles in id order: the first to claim a user or a role wins.
    let mut custom: Vec<(u32, _)> = profile_list
        .iter()
        .filter(|p| p.is_custom())
        .filter_map(|p| Some((profiles.get(p.id.as_str())?, p)))
        .collect();
    custom.sort_by_key(|(ix, _)| *ix);
    // Every role met so far, and every role they include, transitively.
    let mut includes = Csr::default();
    let mut granted: Vec<Vec<(u32, AccessLevel)>> = Vec::new();
    let mut member_owned_met: Vec<bool> = Vec::new();
    let mut at = 0;
    while let Some((id, owner)) = roles.list.get(at).cloned() {
        let role = store.role(&id)?.ok_or_else(|| Error::UnknownReference {
            owner,
            target: EntityRef::Role(id.clone()),
        })?;
        let owner = || EntityRef::Role(id.clone());
        includes.push_row(role.includes.iter().map(|r| roles.meet(r, owner)))?;
        member_owned_met.push(role.inheritance == Inheritance::DirectUserBasic);
        // A key outside the catalogue can't be asked about: skip it.
        granted.push(
            role.grants
                .iter()
                .filter_map(|(key, level)| Some((privileges.get(key.as_str())?, *level)))
                .collect(),
        );
        at += 1;
    }

    // Ranked profiles, each with its row of mapped roles in `mapped`. A
    // mapped role nobody holds is kept by id but not read (the store path
    // never reads it either): it can't decide a resolution now, and a
    // what-if question may hand it to a user.
    let mut mapped = Csr::default();
    let mut ranked = Vec::new();
    for (ix, profile) in &custom {
        if let Some((rank, mapped_roles)) = profile.ranking() {
            let owner = || EntityRef::Profile(profile.id.clone());
            let met: Vec<u32> = mapped_roles.iter().map(|r| roles.meet(r, owner)).collect();
            mapped.push_row(met)?;
            ranked.push((Ranked { profile: *ix, rank }, mapped.len() - 1));
        }
    }

    // Renumber roles in id order, so index order is id order.
    let (order, renumber) = roles.id_order("roles")?;
    let new = |old: &u32| renumber.get(*old as usize).copied().unwrap_or(NONE);
    let role_table = IdTable::new(
        "roles",
        order
            .iter()
            .map(|old| roles.id(*old).map_or("", RoleId::as_str)),
    )?;
    let role_count = order.len();
    let includes = includes.permute(&order, new)?;
    let direct = direct.map(new);
    let team_roles = team_roles.map(new);
    let mapped = mapped.map(new);
    let read_roles: Vec<bool> = order
        .iter()
        .map(|old| (*old as usize) < granted.len())
        .collect();
    // Roles a profile maps but nobody holds were not read: no inheritance.
    let member_owned: Vec<bool> = order
        .iter()
        .map(|old| member_owned_met.get(*old as usize).copied().unwrap_or(true))
        .collect();
    let mut away_roles: Vec<(u32, u32, u32)> = Vec::with_capacity(away.len());
    let mut away_only: Vec<(u32, u32)> = Vec::new();
    for (user, role, unit, in_own) in away {
        let role = new(&role);
        away_roles.push((user, role, unit));
        if !in_own {
            away_only.push((user, role));
        }
    }
    away_roles.sort_unstable();
    away_roles.dedup();
    away_only.sort_unstable();
    away_only.dedup();

    let grant_rows = privileges.len().saturating_mul(LEVELS.len());
    let mut grants = Rows::new(grant_rows, role_count, "privilege rows")?;
    for (role, old) in order.iter().enumerate() {
        for (privilege, level) in granted.get(*old as usize).into_iter().flatten() {
            let reached = LEVELS.iter().filter(|l| level >= *l).count();
            for l in 0..reached {
                grants.set(*privilege as usize * LEVELS.len() + l, role);
            }
        }
    }

    // System Administrator holds every privilege of the catalogue at
    // organization level.
    let administrator = role_table.get(SYSTEM_ADMINISTRATOR.as_str());
    if let Some(administrator) = administrator {
        for row in 0..grant_rows {
            grants.set(row, administrator as usize);
        }
    }
    let reach = reach_rows(&grants, &includes, role_count)?;

    // Up to DENSE_ROLES roles, one row a user of every role held, closed
    // under inclusion (at most a cache line). Past that, such rows would
    // grow with users × roles: the snapshot keeps none, and a check reads
    // the user's own roles and their teams' against `reach` instead.
    let (held, closure) = if role_count <= DENSE_ROLES {
        let closure = closures(&includes, role_count)?;
        let mut team_rows = Rows::new(team_roles.len(), role_count, "team rows")?;
        for team in 0..team_roles.len() {
            for role in team_roles.row(team) {
                team_rows.or_into(team, closure.row(*role as usize));
            }
        }
        let mut held = SharedRows::new(users.len(), role_count, "role rows")?;
        for user in 0..users.len() {
            let row = held.row_mut(user)?;
            for role in direct.row(user) {
                or_into(row, closure.row(*role as usize));
            }
            for team in user_teams.row(user) {
                or_into(row, team_rows.row(*team as usize));
            }
        }
        (Some(held), Some(Arc::new(closure)))
    } else {
        (None, None)
    };

    // Teams renumbered in id order.
    let (team_order, team_renumber) = teams.id_order("teams")?;
    let team_new = |old: &u32| team_renumber.get(*old as usize).copied().unwrap_or(NONE);
    let team_table = IdTable::new(
        "teams",
        team_order
            .iter()
            .map(|old| teams.id(*old).map_or("", TeamId::as_str)),
    )?;
    let team_units: Vec<u32> = team_order
        .iter()
        .map(|old| team_units_met.get(*old as usize).copied().unwrap_or(NONE))
        .collect();
    let places = UserPlaces::new(&user_units, &user_teams.map(team_new).sorted_rows())?;
    drop(user_units);
    let routes = RouteTables {
        team_roles: SharedCsr::new(
            &team_roles.permute(&team_order, |role| *role)?.sorted_rows(),
            TEAM_CHUNK_SHIFT,
        )?,
        includes: Arc::new(includes.sorted_rows()),
    };

    // Best first: lower rank, then smaller profile id.
    ranked.sort_by_key(|(r, _)| (r.rank, r.profile));
    let by_position: Vec<u32> = ranked
        .iter()
        .map(|(_, row)| checked_len(*row, "profiles"))
        .collect::<Result<_, _>>()?;
    let role_ranked = mapped
        .permute(&by_position, |role| *role)?
        .transpose(role_count)?;
    let mut role_best = filled(role_count, NONE, "role table")?;
    for (role, best) in role_best.iter_mut().enumerate() {
        *best = role_ranked.row(role).first().copied().unwrap_or(NONE);
    }

    // The first custom profile (in id order) listing a user assigns them;
    // the others, which only a host's store can hold, wait in `also`.
    let mut direct_profile = filled(users.len(), NONE, "profile assignments")?;
    let mut assigned = Csr::default();
    let mut also = Vec::new();
    let mut listed_unknown = Vec::new();
    let mut listing = custom.iter().peekable();
    for ix in 0..checked_len(profiles.len(), "profiles")? {
        // A store may list a profile twice: every listing counts.
        let mut listed = Vec::new();
        while let Some((_, profile)) = listing.next_if(|(p, _)| *p == ix) {
            for user in &profile.users {
                match users.get(user.as_str()) {
                    Some(known) => listed.push(known),
                    None => listed_unknown.push((Box::from(user.as_str()), ix)),
                }
            }
        }
        for user in &listed {
            match direct_profile.get_mut(*user as usize) {
                Some(slot) if *slot == NONE => *slot = ix,
                Some(slot) if *slot != ix => also.push((*user, ix)),
                _ => {}
            }
        }
        assigned.push_row(listed)?;
    }
    also.sort_unstable();
    also.dedup();
    listed_unknown.sort_unstable();
    listed_unknown.dedup();
    let assigned = assigned.sorted_rows();
    let direct_roles = direct.sorted_rows();
    let role_users = direct_roles.transpose(role_count)?;

    let defaults: Vec<u32> = custom
        .iter()
        .filter(|(_, p)| p.default)
        .map(|(ix, _)| *ix)
        .collect();
    let fallback = fallback_id.and_then(|id| profiles.get(id.as_str()));
    let mut out_of_box = filled(profiles.len(), false, "profiles")?;
    for profile in profile_list.iter().filter(|p| !p.is_custom()) {
        if let Some(slot) = profiles
            .get(profile.id.as_str())
            .and_then(|ix| out_of_box.get_mut(ix as usize))
        {
            *slot = true;
        }
    }
    let personas = persona_mask(&role_table);

    let rights = keys
        .iter()
        .map(|key| AccessRight::for_action(key.action()))
        .collect();
    Ok(Snapshot {
        version: None,
        stamp,
        users: Arc::new(users),
        rights: Arc::new(rights),
        places,
        disabled: Arc::new(disabled),
        away: Arc::new(away_roles),
        away_only: Arc::new(away_only),
        units: Arc::new(units),
        teams: Arc::new(team_table),
        team_units: Arc::new(team_units),
        member_owned: Arc::new(member_owned),
        reach: Arc::new(reach),
        held,
        closure,
        direct_roles: SharedCsr::new(&direct_roles, CHUNK_SHIFT)?,
        direct_profile: SparseVec::new(&direct_profile),
        also_assigned: Arc::new(also),
        listed_unknown: Arc::new(listed_unknown),
        out_of_box: Arc::new(out_of_box),
        assigned: SegmentedRows::new(&assigned),
        role_users: SegmentedRows::new(&role_users),
        roles: Arc::new(role_table),
        privileges: Arc::new(privileges),
        grants: Arc::new(grants),
        profiles: Arc::new(profiles),
        ranked: Arc::new(ranked.into_iter().map(|(r, _)| r).collect()),
        role_best: Arc::new(role_best),
        role_ranked: Arc::new(role_ranked),
        read_roles: Arc::new(read_roles),
        personas: Arc::new(personas),
        defaults: Arc::new(defaults),
        fallback,
        routes,
    })
}

/// Ids in the order they were met, each with the entity that first referred
/// to it (named if the store turns out not to hold it).
struct Met<K> {
    index: HashMap<K, u32, IdHash>,
    list: Vec<(K, EntityRef)>,
}

impl<K> Default for Met<K> {
    fn default() -> Self {
        Self {
            index: HashMap::default(),
            list: Vec::new(),
        }
    }
}

impl<K: Clone + Eq + Hash + Borrow<str>> Met<K> {
    fn meet(&mut self, id: &K, owner: impl FnOnce() -> EntityRef) -> u32 {
        if let Some(ix) = self.index.get(id.borrow()) {
            return *ix;
        }
        // Fewer than u32::MAX distinct ids: each came from a list in memory.
        let ix = u32::try_from(self.list.len()).unwrap_or(NONE);
        self.index.insert(id.clone(), ix);
        self.list.push((id.clone(), owner()));
        ix
    }

    fn id(&self, ix: u32) -> Option<&K> {
        self.list.get(ix as usize).map(|(id, _)| id)
    }

    /// The indices met in id order (`order[new] = old`) and the way back
    /// (`renumber[old] = new`).
    fn id_order(&self, what: &'static str) -> Result<(Vec<u32>, Vec<u32>), Error>
    where
        K: Ord,
    {
        let mut order: Vec<u32> = (0..checked_len(self.list.len(), what)?).collect();
        order.sort_unstable_by(|a, b| self.id(*a).cmp(&self.id(*b)));
        let mut renumber = vec![NONE; order.len()];
        for (new, old) in (0u32..).zip(&order) {
            if let Some(slot) = renumber.get_mut(*old as usize) {
                *slot = new;
            }
        }
        Ok((order, renumber))
    }
}

/// Teams per chunk of a snapshot's team-role rows, as a power of two.
pub(super) const TEAM_CHUNK_SHIFT: u32 = 6;

/// `row |= other`, word by word.
pub(super) fn or_into(row: &mut [u64], other: &[u64]) {
    for (to, from) in row.iter_mut().zip(other) {
        *to |= from;
    }
}

/// The most roles for which the snapshot keeps a row of held roles per
/// user: 512 bits, one cache line.
pub(super) const DENSE_ROLES: usize = 512;

/// Row `p * LEVELS.len() + l`: the roles whose closure grants privilege
/// `p` at `LEVELS[l]` or higher, from `grants` (the roles granting it
/// themselves): per row, a walk up the inclusions from the granting
/// roles, each role entered once. Linear in the rows' sizes and the roles
/// each row reaches, never roles × roles.
fn reach_rows(grants: &Rows, includes: &Csr, role_count: usize) -> Result<Rows, Error> {
    let included_by = includes.transpose(role_count)?;
    let mut reach = Rows::new(grants.len(), role_count, "reach rows")?;
    let mut pending: Vec<usize> = Vec::new();
    for row in 0..grants.len() {
        pending.extend(ones(grants.row(row)));
        for role in &pending {
            reach.set(row, *role);
        }
        while let Some(role) = pending.pop() {
            for parent in included_by.row(role) {
                let parent = *parent as usize;
                if !has_bit(reach.row(row), parent) {
                    reach.set(row, parent);
                    pending.push(parent);
                }
            }
        }
    }
    Ok(reach)
}

/// Row `r`: role `r` and every role it includes, transitively.
///
/// Tarjan's strongly connected components, iteratively (a 10 000-role
/// chain must not overflow the stack). Components come out after every
/// component they reach, so a component's closure is its members plus the
/// closures of their includes, all known by then; a cycle, which only a
/// host's store can hold, gives every member the same closure.
fn closures(includes: &Csr, count: usize) -> Result<Rows, Error> {
    let mut rows = Rows::new(count, count, "inclusion rows")?;
    let mut visits = vec![
        Visit {
            index: NONE,
            low: NONE,
            on_stack: false,
        };
        count
    ];
    let mut next = 0u32;
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, usize)> = Vec::new();
    let mut component = Vec::new();

    let mut enter = |v: u32, visits: &mut [Visit], stack: &mut Vec<u32>| {
        if let Some(visit) = visits.get_mut(v as usize) {
            *visit = Visit {
                index: next,
                low: next,
                on_stack: true,
            };
        }
        next += 1;
        stack.push(v);
    };
    let get = |visits: &[Visit], v: u32| visits.get(v as usize).copied();

    for root in (0u32..).take(count) {
        if get(&visits, root).is_some_and(|v| v.index != NONE) {
            continue;
        }
        enter(root, &mut visits, &mut stack);
        calls.push((root, 0));
        while let Some((v, edge)) = calls.last_mut() {
            let v = *v;
            if let Some(w) = includes.row(v as usize).get(*edge).copied() {
                *edge += 1;
                match get(&visits, w) {
                    Some(seen) if seen.index == NONE => {
                        enter(w, &mut visits, &mut stack);
                        calls.push((w, 0));
                    }
                    Some(seen) if seen.on_stack => lower(&mut visits, v, seen.index),
                    _ => {}
                }
                continue;
            }
            calls.pop();
            let Some(me) = get(&visits, v) else { continue };
            if let Some((parent, _)) = calls.last() {
                lower(&mut visits, *parent, me.low);
            }
            if me.low != me.index {
                continue;
            }
            component.clear();
            while let Some(w) = stack.pop() {
                if let Some(visit) = visits.get_mut(w as usize) {
                    visit.on_stack = false;
                }
                component.push(w);
                if w == v {
                    break;
                }
            }
            let mut closure = vec![0u64; rows.row(0).len()];
            for member in &component {
                if let Some(word) = closure.get_mut(*member as usize / 64) {
                    *word |= 1 << (member % 64);
                }
                for child in includes.row(*member as usize) {
                    for (to, from) in closure.iter_mut().zip(rows.row(*child as usize)) {
                        *to |= from;
                    }
                }
            }
            for member in &component {
                rows.or_into(*member as usize, &closure);
            }
        }
    }
    Ok(rows)
}

/// Tarjan's bookkeeping for one role.
#[derive(Clone, Copy)]
struct Visit {
    index: u32,
    low: u32,
    on_stack: bool,
}

fn lower(visits: &mut [Visit], v: u32, to: u32) {
    if let Some(visit) = visits.get_mut(v as usize) {
        visit.low = visit.low.min(to);
    }
}

/// The users of a store as [`compile`] reads them, one at a time in id
/// order: their ids, units, direct roles and teams, with roles and teams
/// met as they come.
#[derive(Default)]
struct UserRows {
    ids: IdList,
    units: Vec<u32>,
    direct: Csr,
    teams: Csr,
    /// (user, role, unit) held in another unit than the user's, and
    /// whether the role is also held in the user's own.
    away: Vec<(u32, u32, u32, bool)>,
    disabled: Vec<u32>,
}

impl UserRows {
    /// Reads `user`, the next in id order.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`] when `user` doesn't come after the last in id
    /// order (a store's `for_each_user` out of order, or handing a user
    /// twice); [`Error::UnknownBusinessUnit`] for a unit not in `units`.
    fn push(
        &mut self,
        user: &User,
        units: &Units,
        roles: &mut Met<RoleId>,
        teams: &mut Met<TeamId>,
    ) -> Result<(), Error> {
        let id = &user.id;
        in_id_order(self.ids.last(), id)?;
        let ix = checked_len(self.ids.len(), "users")?;
        self.ids.push(id.as_str())?;
        let owner = || EntityRef::User(id.clone());
        let own = units.index_of(user.business_unit.as_ref(), owner)?;
        self.units.push(own);
        if user.disabled {
            // Holds nothing: no role, no team's.
            self.disabled.push(ix);
            self.direct.push_row([])?;
            self.teams.push_row([])?;
            return Ok(());
        }
        let mut row = Vec::with_capacity(user.roles.len());
        for assignment in &user.roles {
            let role = roles.meet(&assignment.role, owner);
            let unit = match &assignment.business_unit {
                Some(_) => units.index_of(assignment.business_unit.as_ref(), owner)?,
                None => own,
            };
            let in_own = user.roles.iter().any(|a| {
                a.role == assignment.role
                    && a.business_unit
                        .as_ref()
                        .is_none_or(|u| units.table.get(u.as_str()) == Some(own))
            });
            if unit != own {
                self.away.push((ix, role, unit, in_own));
            }
            row.push(role);
        }
        self.direct.push_row(row)?;
        self.teams
            .push_row(user.teams.iter().map(|t| teams.meet(t, owner)))?;
        Ok(())
    }
}
