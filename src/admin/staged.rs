//! The store as a batch's staged changes leave it: every operation of a
//! batch is checked against it, who makes it included, and it answers
//! every question a [`Store`] does.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use indexmap::IndexMap;

use crate::access::has_privilege;
use crate::admin::AdminOp;
use crate::business_unit::BusinessUnit;
use crate::column::ColumnProfile;
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::error::{EntityRef, Error, Requirement, StoreError};
use crate::held::{holds_role, load_user};
use crate::id::{
    BusinessUnitId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TeamId, TemplateId,
    ToolSettingsId, UserId,
};
use crate::key::{ColumnKey, Privilege};
use crate::licence::Licence;
use crate::privilege::PrivilegeDef;
use crate::profile::{Profile, Template};
use crate::role::Role;
use crate::store::{Change, Store};
use crate::team::Team;
use crate::user::User;

/// The store as the staged changes leave it: the entities a batch has
/// written so far (`None` for removed), over the store they were read from.
pub(super) struct Staged<'s, S: ?Sized> {
    pub(super) base: &'s S,
    users: IndexMap<UserId, Option<User>>,
    teams: IndexMap<TeamId, Option<Team>>,
    units: IndexMap<BusinessUnitId, Option<BusinessUnit>>,
    profiles: IndexMap<ProfileId, Option<Profile>>,
    templates: IndexMap<TemplateId, Option<Template>>,
    column_profiles: IndexMap<ColumnProfileId, Option<ColumnProfile>>,
    pub(super) tool_settings: IndexMap<ToolSettingsId, bool>,
    pub(super) channel_providers: IndexMap<ChannelProviderId, bool>,
    /// Built on first need; see [`ProfileIndex`].
    index: Option<ProfileIndex>,
    pub(super) changes: Vec<Change>,
}

/// The facts about profiles that operations check — ranks, defaults,
/// direct assignments, templates in use — read from the store once per
/// batch and kept up to date as profiles are staged, so a batch costs its
/// length plus the profiles, not their product.
#[derive(Default)]
pub(super) struct ProfileIndex {
    /// Custom profiles holding each rank.
    ranks: BTreeMap<u32, BTreeSet<ProfileId>>,
    /// Custom profiles marked default.
    defaults: BTreeSet<ProfileId>,
    /// The profiles each user is directly assigned to.
    assigned: HashMap<UserId, BTreeSet<ProfileId>>,
    /// The profiles using each template.
    templates: HashMap<TemplateId, BTreeSet<ProfileId>>,
}

impl ProfileIndex {
    fn add(&mut self, profile: &Profile) {
        self.edit(profile, |set, id| {
            set.insert(id.clone());
        });
    }

    fn remove(&mut self, profile: &Profile) {
        self.edit(profile, |set, id| {
            set.remove(id);
        });
    }

    fn edit(&mut self, profile: &Profile, f: impl Fn(&mut BTreeSet<ProfileId>, &ProfileId)) {
        let id = &profile.id;
        if profile.is_custom() {
            if let Some(rank) = profile.rank {
                f(self.ranks.entry(rank).or_default(), id);
            }
            if profile.default {
                f(&mut self.defaults, id);
            }
        }
        for user in &profile.users {
            f(self.assigned.entry(user.clone()).or_default(), id);
        }
        for (template, _) in profile.settings.template_refs() {
            f(self.templates.entry(template.clone()).or_default(), id);
        }
    }

    /// The smallest custom profile other than `except` holding `rank`.
    pub(super) fn rank_holder(&self, rank: u32, except: &ProfileId) -> Option<&ProfileId> {
        self.ranks.get(&rank)?.iter().find(|p| *p != except)
    }

    /// The smallest custom default profile other than `except`.
    pub(super) fn default_other_than(&self, except: &ProfileId) -> Option<&ProfileId> {
        self.defaults.iter().find(|p| *p != except)
    }

    /// The profiles `user` is directly assigned to, smallest id first.
    pub(super) fn assigned(&self, user: &UserId) -> impl Iterator<Item = &ProfileId> {
        self.assigned.get(user).into_iter().flatten()
    }

    /// The profiles using `template`, in id order.
    pub(super) fn using(&self, template: &TemplateId) -> impl Iterator<Item = &ProfileId> {
        self.templates.get(template).into_iter().flatten()
    }
}

impl<'s, S: Store + ?Sized> Staged<'s, S> {
    pub(super) fn new(base: &'s S) -> Self {
        Self {
            base,
            users: IndexMap::new(),
            teams: IndexMap::new(),
            units: IndexMap::new(),
            profiles: IndexMap::new(),
            templates: IndexMap::new(),
            column_profiles: IndexMap::new(),
            tool_settings: IndexMap::new(),
            channel_providers: IndexMap::new(),
            index: None,
            changes: Vec::new(),
        }
    }

    /// Stages operation number `position` (from 1) of the batch, made by
    /// `actor`: the actor's rights are read from the staged state, so an
    /// earlier operation of the batch may have given or taken them.
    pub(super) fn stage(
        &mut self,
        actor: &UserId,
        position: usize,
        op: &AdminOp,
    ) -> Result<(), Error> {
        let missing = op.requirement();
        if !meets(&*self, actor, &missing)? {
            return Err(Error::AccessDenied {
                actor: actor.clone(),
                missing,
            });
        }
        self.check_elevation(actor, op)?;
        self.stage_op(position, op)
    }

    /// Stages operation number `position` (from 1) of the batch, checking
    /// every rule but who makes it.
    pub(super) fn stage_op(&mut self, position: usize, op: &AdminOp) -> Result<(), Error> {
        if op.is_security() {
            self.stage_security_op(position, op)
        } else {
            self.stage_profile_op(position, op)
        }
    }

    /// The profile index, read from the store on first need.
    pub(super) fn index(&mut self) -> Result<&ProfileIndex, Error> {
        if self.index.is_none() {
            let mut index = ProfileIndex::default();
            for profile in Store::profiles(&*self)? {
                index.add(&profile);
            }
            self.index = Some(index);
        }
        Ok(self.index.get_or_insert_with(ProfileIndex::default))
    }

    // --- Reads, as the staged changes leave the store -------------------

    pub(super) fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, Error> {
        Ok(staged_or(&self.profiles, id, || self.base.profile(id))?)
    }

    /// The profile `id`, which must exist.
    pub(super) fn existing(&self, id: &ProfileId) -> Result<Profile, Error> {
        self.profile(id)?
            .map(Cow::into_owned)
            .ok_or_else(|| Error::UnknownProfile {
                profile: id.clone(),
            })
    }

    pub(super) fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, Error> {
        Ok(staged_or(&self.templates, id, || self.base.template(id))?)
    }

    pub(super) fn column_profile(
        &self,
        id: &ColumnProfileId,
    ) -> Result<Option<ColumnProfile>, Error> {
        match self.column_profiles.get(id) {
            Some(staged) => Ok(staged.clone()),
            None => Ok(self
                .base
                .column_profiles()?
                .into_iter()
                .find(|p| p.id == *id)
                .map(Cow::into_owned)),
        }
    }

    pub(super) fn tool_settings_exist(&self, id: &ToolSettingsId) -> Result<bool, Error> {
        match self.tool_settings.get(id) {
            Some(staged) => Ok(*staged),
            None => Ok(self.base.tool_settings()?.iter().any(|s| s.id == *id)),
        }
    }

    pub(super) fn channel_provider_exists(&self, id: &ChannelProviderId) -> Result<bool, Error> {
        match self.channel_providers.get(id) {
            Some(staged) => Ok(*staged),
            None => Ok(self.base.channel_providers()?.iter().any(|p| p.id == *id)),
        }
    }

    /// The user `id`, which must exist.
    pub(super) fn existing_user(&self, id: &UserId) -> Result<User, Error> {
        Store::user(self, id)?
            .map(Cow::into_owned)
            .ok_or_else(|| Error::UnknownUser { user: id.clone() })
    }

    /// The team `id`, which must exist.
    pub(super) fn existing_team(&self, id: &TeamId) -> Result<Team, Error> {
        Store::team(self, id)?
            .map(Cow::into_owned)
            .ok_or_else(|| Error::UnknownTeam { team: id.clone() })
    }

    /// The business unit `id`, which must exist.
    pub(super) fn existing_unit(&self, id: &BusinessUnitId) -> Result<BusinessUnit, Error> {
        Store::business_unit(self, id)?
            .map(Cow::into_owned)
            .ok_or_else(|| Error::UnknownBusinessUnit {
                business_unit: id.clone(),
            })
    }

    // --- Writes ---------------------------------------------------------

    /// Stages `profile`, unless it is what the store already holds.
    pub(super) fn put_profile(&mut self, profile: Profile) -> Result<(), Error> {
        let before = self.profile(&profile.id)?.map(Cow::into_owned);
        if before.as_ref() == Some(&profile) {
            return Ok(());
        }
        if let Some(index) = &mut self.index {
            if let Some(before) = &before {
                index.remove(before);
            }
            index.add(&profile);
        }
        self.profiles
            .insert(profile.id.clone(), Some(profile.clone()));
        self.changes.push(Change::PutProfile(profile));
        Ok(())
    }

    pub(super) fn remove_profile(&mut self, id: &ProfileId) -> Result<(), Error> {
        let before = self.profile(id)?.map(Cow::into_owned);
        if let (Some(index), Some(before)) = (&mut self.index, &before) {
            index.remove(before);
        }
        self.profiles.insert(id.clone(), None);
        self.changes.push(Change::RemoveProfile(id.clone()));
        Ok(())
    }

    pub(super) fn put_template(&mut self, template: &Template) {
        self.templates
            .insert(template.id.clone(), Some(template.clone()));
        self.changes.push(Change::PutTemplate(template.clone()));
    }

    pub(super) fn remove_template(&mut self, id: &TemplateId) {
        self.templates.insert(id.clone(), None);
        self.changes.push(Change::RemoveTemplate(id.clone()));
    }

    pub(super) fn put_column_profile(&mut self, profile: &ColumnProfile) {
        self.column_profiles
            .insert(profile.id.clone(), Some(profile.clone()));
        self.changes.push(Change::PutColumnProfile(profile.clone()));
    }

    pub(super) fn remove_column_profile(&mut self, id: &ColumnProfileId) {
        self.column_profiles.insert(id.clone(), None);
        self.changes.push(Change::RemoveColumnProfile(id.clone()));
    }

    pub(super) fn put_user(&mut self, user: User) {
        self.users.insert(user.id.clone(), Some(user.clone()));
        self.changes.push(Change::PutUser(user));
    }

    pub(super) fn remove_user(&mut self, id: &UserId) {
        self.users.insert(id.clone(), None);
        self.changes.push(Change::RemoveUser(id.clone()));
    }

    pub(super) fn put_team(&mut self, team: Team) {
        self.teams.insert(team.id.clone(), Some(team.clone()));
        self.changes.push(Change::PutTeam(team));
    }

    pub(super) fn remove_team(&mut self, id: &TeamId) {
        self.teams.insert(id.clone(), None);
        self.changes.push(Change::RemoveTeam(id.clone()));
    }

    pub(super) fn put_unit(&mut self, unit: BusinessUnit) {
        self.units.insert(unit.id.clone(), Some(unit.clone()));
        self.changes.push(Change::PutBusinessUnit(unit));
    }

    pub(super) fn remove_unit(&mut self, id: &BusinessUnitId) {
        self.units.insert(id.clone(), None);
        self.changes.push(Change::RemoveBusinessUnit(id.clone()));
    }
}

/// The staged state answers as a store: what the authorisation of a
/// batch's later operations, and a what-if question, read. Licences, tool
/// settings and channel providers, which no such question reads, come from
/// the store underneath.
impl<S: Store + ?Sized> Store for Staged<'_, S> {
    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
        staged_or(&self.users, id, || self.base.user(id))
    }

    fn user_ids(&self) -> Result<Vec<UserId>, StoreError> {
        merged_ids(self.base.user_ids()?, &self.users, |id| {
            Ok(self.base.user(id)?.is_some())
        })
    }

    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
        staged_or(&self.teams, id, || self.base.team(id))
    }

    fn team_ids(&self) -> Result<Vec<TeamId>, StoreError> {
        merged_ids(self.base.team_ids()?, &self.teams, |id| {
            Ok(self.base.team(id)?.is_some())
        })
    }

    fn business_unit(
        &self,
        id: &BusinessUnitId,
    ) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError> {
        staged_or(&self.units, id, || self.base.business_unit(id))
    }

    fn business_unit_ids(&self) -> Result<Vec<BusinessUnitId>, StoreError> {
        merged_ids(self.base.business_unit_ids()?, &self.units, |id| {
            Ok(self.base.business_unit(id)?.is_some())
        })
    }

    /// The unit without a parent: a staged one, else the store's root
    /// unless it was removed. Staging keeps one root.
    fn root_business_unit(&self) -> Result<Option<BusinessUnitId>, StoreError> {
        if let Some(root) = self
            .units
            .values()
            .flatten()
            .find(|unit| unit.parent.is_none())
        {
            return Ok(Some(root.id.clone()));
        }
        Ok(self
            .base
            .root_business_unit()?
            .filter(|root| !matches!(self.units.get(root), Some(None))))
    }

    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
        self.base.role(id)
    }

    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
        self.base.privilege(key)
    }

    fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError> {
        self.base.privilege_keys()
    }

    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
        staged_or(&self.profiles, id, || self.base.profile(id))
    }

    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
        let mut all: Vec<Cow<'_, Profile>> = self
            .base
            .profiles()?
            .into_iter()
            .filter(|p| !self.profiles.contains_key(&p.id))
            .collect();
        all.extend(self.profiles.values().flatten().map(Cow::Borrowed));
        Ok(all)
    }

    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
        staged_or(&self.templates, id, || self.base.template(id))
    }

    fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError> {
        self.base.fallback_profile()
    }

    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError> {
        self.base.is_secured_column(column)
    }

    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
        let mut all: Vec<Cow<'_, ColumnProfile>> = self
            .base
            .column_profiles()?
            .into_iter()
            .filter(|p| !self.column_profiles.contains_key(&p.id))
            .collect();
        all.extend(self.column_profiles.values().flatten().map(Cow::Borrowed));
        Ok(all)
    }

    fn licences(&self) -> Result<Option<BTreeSet<Licence>>, StoreError> {
        self.base.licences()
    }

    fn tool_settings(&self) -> Result<Vec<Cow<'_, ToolSettings>>, StoreError> {
        self.base.tool_settings()
    }

    fn channel_providers(&self) -> Result<Vec<Cow<'_, ChannelProvider>>, StoreError> {
        self.base.channel_providers()
    }
}

/// The staged value of `id` when a change wrote it, else the store's.
fn staged_or<'a, K: std::hash::Hash + Eq, V: Clone>(
    staged: &'a IndexMap<K, Option<V>>,
    id: &K,
    base: impl FnOnce() -> Result<Option<Cow<'a, V>>, StoreError>,
) -> Result<Option<Cow<'a, V>>, StoreError> {
    match staged.get(id) {
        Some(value) => Ok(value.as_ref().map(Cow::Borrowed)),
        None => base(),
    }
}

/// The store's ids without those removed, then those created, in the
/// order they were.
fn merged_ids<K: std::hash::Hash + Eq + Clone, V>(
    base: Vec<K>,
    staged: &IndexMap<K, Option<V>>,
    in_base: impl Fn(&K) -> Result<bool, StoreError>,
) -> Result<Vec<K>, StoreError> {
    let mut ids: Vec<K> = base
        .into_iter()
        .filter(|id| !matches!(staged.get(id), Some(None)))
        .collect();
    for (id, value) in staged {
        if value.is_some() && !in_base(id)? {
            ids.push(id.clone());
        }
    }
    Ok(ids)
}

/// An id a create operation introduces, for operation number `position`:
/// not empty, not taken.
pub(super) fn new_id(position: usize, entity: EntityRef, taken: bool) -> Result<(), Error> {
    if entity.id().is_empty() {
        let kind = entity.kind();
        Err(Error::EmptyId { kind, position })
    } else if taken {
        Err(Error::DuplicateId { entity })
    } else {
        Ok(())
    }
}

/// Whether `actor` meets `requirement` in `store`.
pub(super) fn meets<S: Store + ?Sized>(
    store: &S,
    actor: &UserId,
    requirement: &Requirement,
) -> Result<bool, Error> {
    match requirement {
        // A catalogue without the privilege: nobody holds it.
        Requirement::Privilege(privilege) => match has_privilege(store, actor, privilege) {
            Err(Error::UnknownPrivilege { .. }) => Ok(false),
            held => held,
        },
        Requirement::Role(role) => holds_role(store, &*load_user(store, actor)?, role),
        // Stated per operation by the elevation check, not up front.
        Requirement::PrivilegeAt { .. } => Ok(true),
    }
}
