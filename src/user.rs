//! Users: the people whose privileges and profiles the crate answers for.

use serde::{Deserialize, Serialize};

use crate::id::{RoleId, TeamId, UserId};

/// A user: the roles they hold directly and the teams they belong to.
///
/// Direct roles count for privileges and for profile mapping; roles held
/// through a team count for privileges only.
///
/// ```
/// use rbac_profiles::User;
///
/// let user = User::new("john-doe", "John Doe")
///     .with_role("customer-service-representative")
///     .with_team("tier-2");
/// assert_eq!(user.roles, ["customer-service-representative".into()]);
/// assert_eq!(user.teams, ["tier-2".into()]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The user's id, unique among users.
    pub id: UserId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// Roles assigned to the user directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleId>,
    /// Teams the user belongs to (each must list the user as a member).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<TeamId>,
}

impl User {
    /// A user with no roles and no teams.
    ///
    /// ```
    /// let user = rbac_profiles::User::new("nora-none", "Nora None");
    /// assert!(user.roles.is_empty() && user.teams.is_empty());
    /// ```
    pub fn new(id: impl Into<UserId>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            ..Self::default()
        }
    }

    /// Adds a directly held role.
    ///
    /// ```
    /// let user = rbac_profiles::User::new("u", "U").with_role("basic-user");
    /// assert_eq!(user.roles, ["basic-user".into()]);
    /// ```
    #[must_use]
    pub fn with_role(mut self, role: impl Into<RoleId>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Adds a team membership (the team must list this user too).
    ///
    /// ```
    /// let user = rbac_profiles::User::new("u", "U").with_team("tier-2");
    /// assert_eq!(user.teams, ["tier-2".into()]);
    /// ```
    #[must_use]
    pub fn with_team(mut self, team: impl Into<TeamId>) -> Self {
        self.teams.push(team.into());
        self
    }
}
