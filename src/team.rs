//! Teams: groups of users that hold roles together.

use serde::{Deserialize, Serialize};

use crate::id::{BusinessUnitId, RoleId, TeamId, UserId};

/// A team: a group of users holding roles.
///
/// Every member holds the team's roles for privileges. Team roles never count
/// for profile mapping. A membership is stated on both sides: the team lists
/// the user in `members` and the user lists the team in
/// [`User::teams`](crate::User::teams); loading refuses a membership stated on
/// one side only.
///
/// ```
/// use rbac_profiles::Team;
///
/// let team = Team::new("tier-2", "Tier 2 support")
///     .with_role("omnichannel-supervisor")
///     .with_member("kayla-lewis");
/// assert_eq!(team.members, ["kayla-lewis".into()]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The team's id, unique among teams.
    pub id: TeamId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// Roles every member holds through the team.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleId>,
    /// The users in the team.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<UserId>,
    /// The business unit the team belongs to, where its roles are held;
    /// `None` for the root. Membership ignores business units: a team may
    /// have members of any unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit: Option<BusinessUnitId>,
}

impl Team {
    /// A team with no roles and no members.
    ///
    /// ```
    /// let team = rbac_profiles::Team::new("tier-2", "Tier 2");
    /// assert!(team.roles.is_empty() && team.members.is_empty());
    /// ```
    pub fn new(id: impl Into<TeamId>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            ..Self::default()
        }
    }

    /// Adds a role the team's members hold.
    ///
    /// ```
    /// let team = rbac_profiles::Team::new("t", "T").with_role("omnichannel-supervisor");
    /// assert_eq!(team.roles, ["omnichannel-supervisor".into()]);
    /// ```
    #[must_use]
    pub fn with_role(mut self, role: impl Into<RoleId>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Sets the business unit the team belongs to.
    ///
    /// ```
    /// let team = rbac_profiles::Team::new("t", "T").in_business_unit("emea");
    /// assert_eq!(team.business_unit, Some("emea".into()));
    /// ```
    #[must_use]
    pub fn in_business_unit(mut self, business_unit: impl Into<BusinessUnitId>) -> Self {
        self.business_unit = Some(business_unit.into());
        self
    }

    /// Adds a member (who must list this team too).
    ///
    /// ```
    /// let team = rbac_profiles::Team::new("t", "T").with_member("gabriel-diaz");
    /// assert_eq!(team.members, ["gabriel-diaz".into()]);
    /// ```
    #[must_use]
    pub fn with_member(mut self, user: impl Into<UserId>) -> Self {
        self.members.push(user.into());
        self
    }
}
