//! The embedded store: a checked [`Directory`] held in memory.

use std::borrow::Cow;

use crate::column::{ColumnKey, ColumnProfile};
use crate::directory::Directory;
use crate::id::{RoleId, TeamId, UserId};
use crate::privilege::{Privilege, PrivilegeDef};
use crate::role::Role;
use crate::store::{Store, StoreError};
use crate::team::Team;
use crate::user::User;

/// A [`Store`] over a checked [`Directory`] held in memory.
///
/// It never fails and lends its entities without copying them.
///
/// ```
/// use rbac_profiles::{has_privilege, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("u1", "One").with_role("omnichannel-supervisor"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
/// assert!(has_privilege(&store, &"u1".into(), &"conversation:monitor".parse()?)?);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryStore {
    directory: Directory,
}

impl MemoryStore {
    /// A store holding `directory`.
    pub fn new(directory: Directory) -> Self {
        Self { directory }
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

    /// Gives the directory back.
    pub fn into_directory(self) -> Directory {
        self.directory
    }
}

impl From<Directory> for MemoryStore {
    fn from(directory: Directory) -> Self {
        Self::new(directory)
    }
}

impl Store for MemoryStore {
    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
        Ok(self.directory.user(id.as_str()).map(Cow::Borrowed))
    }

    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
        Ok(self.directory.team(id.as_str()).map(Cow::Borrowed))
    }

    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
        Ok(self.directory.role(id.as_str()).map(Cow::Borrowed))
    }

    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
        Ok(self.directory.privilege(key.as_str()).map(Cow::Borrowed))
    }

    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError> {
        Ok(self.directory.is_secured(column.as_str()))
    }

    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
        Ok(self
            .directory
            .column_profiles()
            .map(Cow::Borrowed)
            .collect())
    }
}
