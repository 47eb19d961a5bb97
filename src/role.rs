//! Security roles: named sets of privilege grants that may include other roles.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::id::RoleId;
use crate::key::Privilege;
use crate::privilege::AccessLevel;

/// A security role: a named set of (privilege, level) grants, plus the roles
/// it includes.
///
/// Inclusion is transitive: a user holding a role holds every grant of every
/// role it includes, directly or further down. Cycles are refused when a
/// [`Directory`](crate::Directory) is loaded. Built-in and custom roles behave
/// the same.
///
/// A grant key may not occur twice in a document's `grants` object; loading
/// refuses it rather than keeping whichever came last.
///
/// ```
/// use rbac_profiles::{AccessLevel, Privilege, Role};
///
/// let role = Role::new("night-shift", "Night shift")
///     .with_grant(Privilege::new("queue:read")?, AccessLevel::BusinessUnit)
///     .with_include("omnichannel-agent");
/// assert_eq!(role.grants.get("queue:read"), Some(&AccessLevel::BusinessUnit));
/// assert_eq!(role.includes, ["omnichannel-agent".into()]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The role's id, unique among roles.
    pub id: RoleId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// The privileges this role grants itself, each with its level.
    #[serde(
        default,
        skip_serializing_if = "IndexMap::is_empty",
        deserialize_with = "crate::unique_map::deserialize"
    )]
    pub grants: IndexMap<Privilege, AccessLevel>,
    /// Roles whose grants this role includes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<RoleId>,
}

impl Role {
    /// A role with no grants and no inclusions.
    ///
    /// ```
    /// let role = rbac_profiles::Role::new("night-shift", "Night shift");
    /// assert!(role.grants.is_empty() && role.includes.is_empty());
    /// ```
    pub fn new(id: impl Into<RoleId>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            ..Self::default()
        }
    }

    /// Adds (or replaces) the grant of `privilege` at `level`.
    ///
    /// ```
    /// use rbac_profiles::{AccessLevel, Role};
    ///
    /// let role = Role::new("r", "R").with_grant("bot:read".parse()?, AccessLevel::User);
    /// assert_eq!(role.grants.get("bot:read"), Some(&AccessLevel::User));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    #[must_use]
    pub fn with_grant(mut self, privilege: Privilege, level: AccessLevel) -> Self {
        self.grants.insert(privilege, level);
        self
    }

    /// Adds `role` to the roles this role includes.
    ///
    /// ```
    /// let role = rbac_profiles::Role::new("r", "R").with_include("omnichannel-agent");
    /// assert_eq!(role.includes, ["omnichannel-agent".into()]);
    /// ```
    #[must_use]
    pub fn with_include(mut self, role: impl Into<RoleId>) -> Self {
        self.includes.push(role.into());
        self
    }
}
