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
    /// What members of a team holding this role get from it (Dataverse's
    /// "member's privilege inheritance"); [`Inheritance::DirectUserBasic`]
    /// unless a document says otherwise.
    #[serde(default, skip_serializing_if = "Inheritance::is_default")]
    pub inheritance: Inheritance,
}

/// What the members of a team holding a role get from it: Dataverse's
/// "member's privilege inheritance" setting of a security role
/// (`isinherited` in solution files).
///
/// A role held through a team always acts with the team as principal: its
/// grants reach the team's records and, by their level, the team's business
/// unit. With [`Inheritance::DirectUserBasic`], the default for new roles,
/// the members also act as themselves: every privilege the role grants
/// (above `none`) reaches the records each member owns, as a `user`-level
/// grant held directly would. With [`Inheritance::TeamPrivilegesOnly`] they
/// don't. The setting of the role a team holds decides for every role that
/// role includes.
///
/// ```
/// use rbac_profiles::{Inheritance, Role};
///
/// assert_eq!(Role::new("r", "R").inheritance, Inheritance::DirectUserBasic);
/// let json = serde_json::to_string(&Inheritance::TeamPrivilegesOnly).unwrap();
/// assert_eq!(json, r#""team_privileges_only""#);
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Inheritance {
    /// Members act only with the team as principal.
    TeamPrivilegesOnly,
    /// Members also get `user`-level access, as themselves, to what the
    /// role grants: the records they own.
    #[default]
    DirectUserBasic,
}

impl Inheritance {
    fn is_default(&self) -> bool {
        *self == Inheritance::default()
    }
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

    /// Sets what members of a team holding this role get from it.
    ///
    /// ```
    /// use rbac_profiles::{Inheritance, Role};
    ///
    /// let role = Role::new("r", "R").with_inheritance(Inheritance::TeamPrivilegesOnly);
    /// assert_eq!(role.inheritance, Inheritance::TeamPrivilegesOnly);
    /// ```
    #[must_use]
    pub fn with_inheritance(mut self, inheritance: Inheritance) -> Self {
        self.inheritance = inheritance;
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
