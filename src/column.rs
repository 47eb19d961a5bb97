//! Column security: secured columns, the permissions on a column, and the
//! column security profiles that grant them.
//!
//! Some columns hold secrets (API keys, client secrets, tokens) and are
//! *secured*: table privileges never expose them. A user reads, updates or
//! creates a secured column only through a [`ColumnProfile`] that grants the
//! permission to them or to one of their teams — or by holding System
//! Administrator, which bypasses column security as it does in Dataverse.
//! A column that is not secured follows the table privileges of its entity.
//! [`column_access`] answers, [`explain_column_access`] says why.

use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::id::{ColumnProfileId, TeamId, UserId};
use crate::key::ColumnKey;

/// One of the three permissions column security knows.
///
/// Ordered `Read < Update < Create`, the order Dataverse lists them in.
///
/// ```
/// use rbac_profiles::ColumnPermission;
///
/// assert_eq!(ColumnPermission::Update.as_str(), "update");
/// assert_eq!(ColumnPermission::ALL.len(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnPermission {
    /// See the value.
    Read,
    /// Change the value of an existing record.
    Update,
    /// Set the value when the record is created.
    Create,
}

impl ColumnPermission {
    /// The three permissions, in order.
    pub const ALL: [ColumnPermission; 3] = [
        ColumnPermission::Read,
        ColumnPermission::Update,
        ColumnPermission::Create,
    ];

    /// The name the permission is written with in documents.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::ColumnPermission::Read.as_str(), "read");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnPermission::Read => "read",
            ColumnPermission::Update => "update",
            ColumnPermission::Create => "create",
        }
    }

    /// The table privilege action that grants this permission on a column
    /// that is not secured: `read`, `write` or `create`.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::ColumnPermission::Update.table_action(), "write");
    /// ```
    pub fn table_action(self) -> &'static str {
        match self {
            ColumnPermission::Read => "read",
            ColumnPermission::Update => "write",
            ColumnPermission::Create => "create",
        }
    }
}

impl fmt::Display for ColumnPermission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Which of read, update and create a user (or a profile) has on a column.
///
/// In documents every field is optional and defaults to `false`.
///
/// ```
/// use rbac_profiles::{ColumnAccess, ColumnPermission};
///
/// let read = ColumnAccess { read: true, ..ColumnAccess::NONE };
/// let write = ColumnAccess { update: true, create: true, ..ColumnAccess::NONE };
/// assert_eq!(read.union(write), ColumnAccess::ALL);
/// assert!(read.allows(ColumnPermission::Read));
/// assert!(!read.allows(ColumnPermission::Update));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnAccess {
    /// May see the value.
    #[serde(default)]
    pub read: bool,
    /// May change the value of an existing record.
    #[serde(default)]
    pub update: bool,
    /// May set the value when creating a record.
    #[serde(default)]
    pub create: bool,
}

impl ColumnAccess {
    /// No permission at all.
    pub const NONE: ColumnAccess = ColumnAccess {
        read: false,
        update: false,
        create: false,
    };

    /// Read, update and create.
    pub const ALL: ColumnAccess = ColumnAccess {
        read: true,
        update: true,
        create: true,
    };

    /// Read only.
    ///
    /// ```
    /// let access = rbac_profiles::ColumnAccess::read_only();
    /// assert!(access.read && !access.update && !access.create);
    /// ```
    pub const fn read_only() -> Self {
        ColumnAccess {
            read: true,
            update: false,
            create: false,
        }
    }

    /// Whether `permission` is granted.
    ///
    /// ```
    /// use rbac_profiles::{ColumnAccess, ColumnPermission};
    ///
    /// assert!(ColumnAccess::ALL.allows(ColumnPermission::Create));
    /// ```
    pub fn allows(self, permission: ColumnPermission) -> bool {
        match permission {
            ColumnPermission::Read => self.read,
            ColumnPermission::Update => self.update,
            ColumnPermission::Create => self.create,
        }
    }

    /// This access with `permission` granted too.
    ///
    /// ```
    /// use rbac_profiles::{ColumnAccess, ColumnPermission};
    ///
    /// let access = ColumnAccess::NONE.with(ColumnPermission::Read);
    /// assert_eq!(access, ColumnAccess::read_only());
    /// ```
    #[must_use]
    pub fn with(mut self, permission: ColumnPermission) -> Self {
        match permission {
            ColumnPermission::Read => self.read = true,
            ColumnPermission::Update => self.update = true,
            ColumnPermission::Create => self.create = true,
        }
        self
    }

    /// Every permission granted by either side.
    ///
    /// ```
    /// use rbac_profiles::ColumnAccess;
    ///
    /// assert_eq!(ColumnAccess::NONE.union(ColumnAccess::read_only()), ColumnAccess::read_only());
    /// ```
    #[must_use]
    pub fn union(self, other: ColumnAccess) -> Self {
        ColumnAccess {
            read: self.read || other.read,
            update: self.update || other.update,
            create: self.create || other.create,
        }
    }

    /// The permissions granted by both sides.
    ///
    /// ```
    /// use rbac_profiles::ColumnAccess;
    ///
    /// assert_eq!(ColumnAccess::ALL.intersection(ColumnAccess::read_only()), ColumnAccess::read_only());
    /// ```
    #[must_use]
    pub fn intersection(self, other: ColumnAccess) -> Self {
        ColumnAccess {
            read: self.read && other.read,
            update: self.update && other.update,
            create: self.create && other.create,
        }
    }

    /// Whether nothing is granted.
    ///
    /// ```
    /// assert!(rbac_profiles::ColumnAccess::NONE.is_none());
    /// ```
    pub fn is_none(self) -> bool {
        self == ColumnAccess::NONE
    }
}

/// A column security profile: the users and teams it lists, and what it
/// grants them on each secured column.
///
/// A member is listed by the profile only (users and teams don't list their
/// column profiles). A user is a member when the profile lists them or one of
/// their teams. Loading refuses a permission on a column that is not
/// secured, an unknown or repeated member, and a column written twice in a
/// document's `permissions` object.
///
/// ```
/// use rbac_profiles::{ColumnAccess, ColumnKey, ColumnProfile};
///
/// let token = ColumnKey::new("msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken")?;
/// let profile = ColumnProfile::new("whatsapp-secrets", "WhatsApp secrets")
///     .with_user("kayla-lewis")
///     .with_team("tier-2")
///     .with_permission(token.clone(), ColumnAccess::read_only());
/// assert_eq!(profile.permissions.get(&token), Some(&ColumnAccess::read_only()));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnProfile {
    /// The profile's id, unique among column security profiles.
    pub id: ColumnProfileId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// Users the profile lists directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserId>,
    /// Teams whose members the profile covers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<TeamId>,
    /// What the profile grants on each secured column.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "crate::unique_map::deserialize"
    )]
    pub permissions: IndexMap<ColumnKey, ColumnAccess>,
}

impl ColumnProfile {
    /// A profile with no members and no permissions.
    ///
    /// ```
    /// use rbac_profiles::ColumnProfile;
    ///
    /// let p = ColumnProfile::new("channel-secrets", "Channel secrets");
    /// assert!(p.users.is_empty() && p.permissions.is_empty());
    /// ```
    pub fn new(id: impl Into<ColumnProfileId>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            ..Self::default()
        }
    }

    /// Adds a user the profile lists directly.
    ///
    /// ```
    /// let p = rbac_profiles::ColumnProfile::new("p", "P").with_user("kayla-lewis");
    /// assert_eq!(p.users, ["kayla-lewis".into()]);
    /// ```
    #[must_use]
    pub fn with_user(mut self, user: impl Into<UserId>) -> Self {
        self.users.push(user.into());
        self
    }

    /// Adds a team whose members the profile covers.
    ///
    /// ```
    /// let p = rbac_profiles::ColumnProfile::new("p", "P").with_team("tier-2");
    /// assert_eq!(p.teams, ["tier-2".into()]);
    /// ```
    #[must_use]
    pub fn with_team(mut self, team: impl Into<TeamId>) -> Self {
        self.teams.push(team.into());
        self
    }

    /// Sets (or replaces) what the profile grants on `column`.
    ///
    /// ```
    /// use rbac_profiles::{ColumnAccess, ColumnProfile};
    ///
    /// let token = "msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken".parse()?;
    /// let p = ColumnProfile::new("p", "P").with_permission(token, ColumnAccess::read_only());
    /// assert_eq!(p.permissions.len(), 1);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    #[must_use]
    pub fn with_permission(mut self, column: ColumnKey, access: ColumnAccess) -> Self {
        self.permissions.insert(column, access);
        self
    }
}
