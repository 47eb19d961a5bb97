//! The embedded store: a checked [`Directory`] held in memory.

use std::borrow::Cow;
use std::collections::{BTreeSet, VecDeque};
use std::ops::ControlFlow;

use crate::business_unit::BusinessUnit;
use crate::column::ColumnProfile;
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::directory::{Directory, Edit};
use crate::error::{EntityKind, Error, StoreError};
use crate::id::{BusinessUnitId, ProfileId, RoleId, TeamId, TemplateId, UserId};
use crate::key::ColumnKey;
use crate::key::Privilege;
use crate::licence::Licence;
use crate::privilege::PrivilegeDef;
use crate::profile::{Profile, Template};
use crate::role::Role;
use crate::store::{Change, ChangeSet, Store, StoreMut};
use crate::team::Team;
use crate::user::User;

/// A [`Store`] over a checked [`Directory`] held in memory.
///
/// Reads never fail and lend the entities without copying them. Writes
/// ([`StoreMut::apply`]) build the new templates and profiles aside, check
/// them with the rules a loaded directory keeps, and swap them in only when
/// they pass; a change set that would break a rule is refused whole, with
/// the [`Error`](crate::Error) as the [`StoreError`]'s inner error.
///
/// ```
/// use rbac_profiles::{has_privilege, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("u1", "One").with_role("omnichannel-supervisor"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
/// assert!(has_privilege(&store, "u1", "conversation:monitor")?);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryStore {
    directory: Directory,
    /// Advanced by one by every successful apply.
    version: u64,
    /// The last `feed_capacity` change sets applied, oldest first.
    feed: VecDeque<ChangeSet>,
    feed_capacity: usize,
}

/// How many change sets a [`MemoryStore`] keeps for
/// [`changes_since`](crate::changes_since) unless told otherwise.
const FEED_CAPACITY: usize = 1024;

impl MemoryStore {
    /// A store holding `directory`.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore};
    ///
    /// let store = MemoryStore::new(Directory::builtin());
    /// assert_eq!(store.directory(), &Directory::builtin());
    /// ```
    pub fn new(directory: Directory) -> Self {
        Self {
            directory,
            version: 0,
            feed: VecDeque::new(),
            feed_capacity: FEED_CAPACITY,
        }
    }

    /// The store, keeping the last `capacity` change sets (1 024 unless
    /// told) for [`changes_since`](crate::changes_since); older ones are
    /// dropped, and a reader behind them compiles again.
    ///
    /// ```
    /// use rbac_profiles::{changes_since, Directory, MemoryStore, Store};
    ///
    /// let store = MemoryStore::new(Directory::builtin()).with_feed_capacity(16);
    /// assert_eq!(store.version()?, Some(0));
    /// assert!(changes_since(&store, 0)?.is_empty());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    #[must_use]
    pub fn with_feed_capacity(mut self, capacity: usize) -> Self {
        self.feed_capacity = capacity;
        while self.feed.len() > capacity {
            self.feed.pop_front();
        }
        self
    }

    /// The directory the store holds.
    ///
    /// ```
    /// let store = rbac_profiles::MemoryStore::new(rbac_profiles::Directory::builtin());
    /// assert_eq!(store.directory().roles().len(), 12);
    /// ```
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// Every user, in id order (byte order), whatever the document order.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore};
    ///
    /// let store = MemoryStore::new(Directory::from_json(
    ///     r#"{ "users": [ { "id": "zoe" }, { "id": "ana" } ] }"#,
    /// )?);
    /// let ids: Vec<&str> = store.users().map(|u| u.id.as_str()).collect();
    /// assert_eq!(ids, ["ana", "zoe"]);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn users(&self) -> impl ExactSizeIterator<Item = &User> + '_ {
        let mut users: Vec<&User> = self.directory.users().collect();
        users.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        users.into_iter()
    }

    /// Gives the directory back.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore};
    ///
    /// let directory = MemoryStore::new(Directory::builtin()).into_directory();
    /// assert_eq!(directory, Directory::builtin());
    /// ```
    pub fn into_directory(self) -> Directory {
        self.directory
    }
}

/// An empty store (no roles, not even the built-in ones).
impl Default for MemoryStore {
    fn default() -> Self {
        Self::new(Directory::default())
    }
}

impl From<Directory> for MemoryStore {
    fn from(directory: Directory) -> Self {
        Self::new(directory)
    }
}

impl Store for MemoryStore {
    fn version(&self) -> Result<Option<u64>, StoreError> {
        Ok(Some(self.version))
    }

    /// From the feed it keeps; `None` when `version` is older than that.
    fn changes_since(&self, version: u64) -> Result<Option<Vec<ChangeSet>>, StoreError> {
        let kept = self.feed.len() as u64;
        // The feed holds versions `self.version - kept + 1 ..= self.version`.
        let Some(skip) = version.checked_sub(self.version.saturating_sub(kept)) else {
            return Ok(None);
        };
        let skip = usize::try_from(skip).unwrap_or(usize::MAX);
        Ok(Some(self.feed.iter().skip(skip).cloned().collect()))
    }

    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
        Ok(self.directory.user(id.as_str()).map(Cow::Borrowed))
    }

    /// In id order.
    fn user_ids(&self) -> Result<Vec<UserId>, StoreError> {
        Ok(self.users().map(|u| u.id.clone()).collect())
    }

    /// In one pass over the users held, without a look-up each.
    fn for_each_user(
        &self,
        visit: &mut dyn FnMut(&User) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        for user in self.users() {
            if visit(user).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
        Ok(self.directory.team(id.as_str()).map(Cow::Borrowed))
    }

    /// In id order.
    fn team_ids(&self) -> Result<Vec<TeamId>, StoreError> {
        let mut ids: Vec<TeamId> = self.directory.teams().map(|t| t.id.clone()).collect();
        ids.sort_unstable();
        Ok(ids)
    }

    fn business_unit(
        &self,
        id: &BusinessUnitId,
    ) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError> {
        Ok(self.directory.business_unit(id).map(Cow::Borrowed))
    }

    fn business_unit_ids(&self) -> Result<Vec<BusinessUnitId>, StoreError> {
        Ok(self
            .directory
            .business_units()
            .map(|b| b.id.clone())
            .collect())
    }

    fn root_business_unit(&self) -> Result<Option<BusinessUnitId>, StoreError> {
        Ok(self.directory.root_business_unit().cloned())
    }

    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
        Ok(self.directory.role(id.as_str()).map(Cow::Borrowed))
    }

    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
        Ok(self.directory.privilege(key.as_str()).map(Cow::Borrowed))
    }

    fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError> {
        Ok(self.directory.privileges().map(|p| p.key.clone()).collect())
    }

    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
        Ok(self.directory.profile(id.as_str()).map(Cow::Borrowed))
    }

    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
        Ok(self.directory.profiles().map(Cow::Borrowed).collect())
    }

    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
        Ok(self.directory.template(id.as_str()).map(Cow::Borrowed))
    }

    fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError> {
        Ok(self.directory.fallback_profile().map(|p| p.id.clone()))
    }

    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError> {
        Ok(self.directory.is_secured_column(column.as_str()))
    }

    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
        Ok(self
            .directory
            .column_profiles()
            .map(Cow::Borrowed)
            .collect())
    }

    fn licences(&self) -> Result<Option<BTreeSet<Licence>>, StoreError> {
        Ok(self.directory.licences().cloned())
    }

    fn tool_settings(&self) -> Result<Vec<Cow<'_, ToolSettings>>, StoreError> {
        Ok(self.directory.tool_settings().map(Cow::Borrowed).collect())
    }

    fn channel_providers(&self) -> Result<Vec<Cow<'_, ChannelProvider>>, StoreError> {
        Ok(self
            .directory
            .channel_providers()
            .map(Cow::Borrowed)
            .collect())
    }
}

impl StoreMut for MemoryStore {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        apply(&mut self.directory, changes).map_err(StoreError::new)?;
        self.version += 1;
        if self.feed_capacity > 0 {
            if self.feed.len() == self.feed_capacity {
                self.feed.pop_front();
            }
            self.feed.push_back(ChangeSet {
                version: self.version,
                changes: changes.to_vec(),
            });
        }
        Ok(())
    }
}

/// Applies a change set to the directory, all or nothing: users, teams and
/// business units are written in place and what they touch is checked
/// again (see [`Directory::edit`]); templates, profiles, column profiles,
/// tool settings and channel providers, when the set has any, are built
/// aside and checked whole. The result keeps every rule a loaded directory
/// keeps, or the directory is left as it was.
fn apply(directory: &mut Directory, changes: &[Change]) -> Result<(), Error> {
    let mut parts = None;
    let mut edits = Vec::new();
    for (position, change) in (1..).zip(changes) {
        let empty = match change {
            Change::PutProfile(p) if p.id.as_str().is_empty() => Some(EntityKind::Profile),
            Change::PutTemplate(t) if t.id.as_str().is_empty() => Some(EntityKind::Template),
            Change::PutColumnProfile(p) if p.id.as_str().is_empty() => {
                Some(EntityKind::ColumnProfile)
            }
            Change::PutToolSettings(s) if s.id.as_str().is_empty() => {
                Some(EntityKind::ToolSettings)
            }
            Change::PutChannelProvider(p) if p.id.as_str().is_empty() => {
                Some(EntityKind::ChannelProvider)
            }
            Change::PutUser(u) if u.id.as_str().is_empty() => Some(EntityKind::User),
            Change::PutTeam(t) if t.id.as_str().is_empty() => Some(EntityKind::Team),
            Change::PutBusinessUnit(b) if b.id.as_str().is_empty() => {
                Some(EntityKind::BusinessUnit)
            }
            _ => None,
        };
        if let Some(kind) = empty {
            return Err(Error::EmptyId { kind, position });
        }
        let edit = match change {
            Change::PutUser(user) => Some(Edit::User(user.id.clone(), Some(user.clone()))),
            Change::RemoveUser(id) => Some(Edit::User(id.clone(), None)),
            Change::PutTeam(team) => Some(Edit::Team(team.id.clone(), Some(team.clone()))),
            Change::RemoveTeam(id) => Some(Edit::Team(id.clone(), None)),
            Change::PutBusinessUnit(unit) => Some(Edit::Unit(unit.id.clone(), Some(unit.clone()))),
            Change::RemoveBusinessUnit(id) => Some(Edit::Unit(id.clone(), None)),
            _ => None,
        };
        if let Some(edit) = edit {
            edits.push(edit);
            continue;
        }
        let parts = parts.get_or_insert_with(|| directory.profile_parts());
        match change {
            Change::PutProfile(profile) => {
                parts.profiles.insert(profile.id.clone(), profile.clone());
            }
            Change::RemoveProfile(id) => {
                parts.profiles.shift_remove(id);
            }
            Change::PutTemplate(template) => {
                parts
                    .templates
                    .insert(template.id.clone(), template.clone());
            }
            Change::RemoveTemplate(id) => {
                parts.templates.shift_remove(id);
            }
            Change::PutColumnProfile(profile) => {
                parts
                    .column_profiles
                    .insert(profile.id.clone(), profile.clone());
            }
            Change::RemoveColumnProfile(id) => {
                parts.column_profiles.shift_remove(id);
            }
            Change::PutToolSettings(settings) => {
                parts
                    .tool_settings
                    .insert(settings.id.clone(), settings.clone());
            }
            Change::RemoveToolSettings(id) => {
                parts.tool_settings.shift_remove(id);
            }
            Change::PutChannelProvider(provider) => {
                parts
                    .channel_providers
                    .insert(provider.id.clone(), provider.clone());
            }
            Change::RemoveChannelProvider(id) => {
                parts.channel_providers.shift_remove(id);
            }
            Change::PutUser(_)
            | Change::RemoveUser(_)
            | Change::PutTeam(_)
            | Change::RemoveTeam(_)
            | Change::PutBusinessUnit(_)
            | Change::RemoveBusinessUnit(_) => {}
        }
    }
    directory.edit(edits, parts)
}
