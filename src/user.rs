//! Users: the people whose privileges and profiles the crate answers for.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::id::{BusinessUnitId, RoleId, TeamId, UserId};

/// A user: the roles they hold directly, the teams they belong to and their
/// business unit.
///
/// Direct roles count for privileges and for profile mapping; roles held
/// through a team count for privileges only.
///
/// ```
/// use rbac_profiles::User;
///
/// let user = User::new("john-doe", "John Doe")
///     .with_role("customer-service-representative")
///     .with_team("tier-2")
///     .in_business_unit("contoso-emea");
/// assert_eq!(user.roles, ["customer-service-representative".into()]);
/// assert_eq!(user.teams, ["tier-2".into()]);
/// assert_eq!(user.business_unit, Some("contoso-emea".into()));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// The user's id, unique among users.
    pub id: UserId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// Roles assigned to the user directly, each held in the user's own
    /// business unit unless it names another.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleAssignment>,
    /// Teams the user belongs to (each must list the user as a member).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<TeamId>,
    /// The business unit the user belongs to; `None` for the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit: Option<BusinessUnitId>,
    /// A disabled user (Dataverse's `isdisabled`): they keep their roles,
    /// teams and assignments, as Dataverse keeps them, but hold nothing —
    /// no privilege, no record, no column — and resolve to no profile
    /// ([`Error::DisabledUser`](crate::Error::DisabledUser)) until enabled
    /// again.
    #[serde(default, skip_serializing_if = "is_false")]
    pub disabled: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl User {
    /// A user with no roles and no teams, in the root business unit.
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

    /// Adds a directly held role, held in the user's own business unit.
    ///
    /// ```
    /// let user = rbac_profiles::User::new("u", "U").with_role("basic-user");
    /// assert_eq!(user.roles, ["basic-user".into()]);
    /// ```
    #[must_use]
    pub fn with_role(mut self, role: impl Into<RoleId>) -> Self {
        self.roles.push(RoleAssignment::new(role));
        self
    }

    /// Adds a directly held role, held in another business unit (Dataverse's
    /// "record ownership across business units").
    ///
    /// ```
    /// let user = rbac_profiles::User::new("u", "U").with_role_in("omnichannel-agent", "apac");
    /// assert_eq!(user.roles[0].business_unit, Some("apac".into()));
    /// ```
    #[must_use]
    pub fn with_role_in(
        mut self,
        role: impl Into<RoleId>,
        business_unit: impl Into<BusinessUnitId>,
    ) -> Self {
        self.roles
            .push(RoleAssignment::new(role).in_business_unit(business_unit));
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

    /// Sets the business unit the user belongs to.
    ///
    /// ```
    /// let user = rbac_profiles::User::new("u", "U").in_business_unit("emea");
    /// assert_eq!(user.business_unit, Some("emea".into()));
    /// ```
    #[must_use]
    pub fn in_business_unit(mut self, business_unit: impl Into<BusinessUnitId>) -> Self {
        self.business_unit = Some(business_unit.into());
        self
    }

    /// The same user, disabled.
    ///
    /// ```
    /// let user = rbac_profiles::User::new("u", "U").disabled();
    /// assert!(user.disabled);
    /// ```
    #[must_use]
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    /// The roles held directly, whatever unit each is held in.
    ///
    /// ```
    /// let user = rbac_profiles::User::new("u", "U").with_role("a").with_role_in("b", "emea");
    /// let roles: Vec<&str> = user.role_ids().map(|r| r.as_str()).collect();
    /// assert_eq!(roles, ["a", "b"]);
    /// ```
    pub fn role_ids(&self) -> impl Iterator<Item = &RoleId> + '_ {
        self.roles.iter().map(|assignment| &assignment.role)
    }

    /// Whether the user holds `role` directly, in any unit.
    ///
    /// ```
    /// let user = rbac_profiles::User::new("u", "U").with_role("basic-user");
    /// assert!(user.holds_directly(&"basic-user".into()));
    /// ```
    pub fn holds_directly(&self, role: &RoleId) -> bool {
        self.role_ids().any(|r| r == role)
    }
}

/// A role assigned to a user directly, and the business unit it is held
/// in: the user's own unless it names another.
///
/// In documents an assignment in the user's own unit is the role's id, and
/// one in another unit an object: `"roles": ["omnichannel-agent",
/// {"role": "omnichannel-supervisor", "business_unit": "apac"}]`.
///
/// ```
/// use rbac_profiles::{RoleAssignment, User};
///
/// let json = r#"{ "id": "u", "roles": ["a", { "role": "b", "business_unit": "apac" }] }"#;
/// let user: User = serde_json::from_str(json).unwrap();
/// assert_eq!(user.roles[0], RoleAssignment::new("a"));
/// assert_eq!(user.roles[1], RoleAssignment::new("b").in_business_unit("apac"));
/// assert_eq!(serde_json::to_string(&user.roles).unwrap(), r#"["a",{"role":"b","business_unit":"apac"}]"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleAssignment {
    /// The role.
    pub role: RoleId,
    /// The unit it is held in; `None` for the user's own.
    pub business_unit: Option<BusinessUnitId>,
}

impl RoleAssignment {
    /// `role`, held in the user's own business unit.
    ///
    /// ```
    /// let assignment = rbac_profiles::RoleAssignment::new("omnichannel-agent");
    /// assert!(assignment.business_unit.is_none());
    /// ```
    pub fn new(role: impl Into<RoleId>) -> Self {
        Self {
            role: role.into(),
            business_unit: None,
        }
    }

    /// The same role, held in `business_unit`.
    ///
    /// ```
    /// let assignment = rbac_profiles::RoleAssignment::new("r").in_business_unit("apac");
    /// assert_eq!(assignment.business_unit, Some("apac".into()));
    /// ```
    #[must_use]
    pub fn in_business_unit(mut self, business_unit: impl Into<BusinessUnitId>) -> Self {
        self.business_unit = Some(business_unit.into());
        self
    }
}

impl From<RoleId> for RoleAssignment {
    fn from(role: RoleId) -> Self {
        Self::new(role)
    }
}

impl From<&str> for RoleAssignment {
    fn from(role: &str) -> Self {
        Self::new(role)
    }
}

impl From<String> for RoleAssignment {
    fn from(role: String) -> Self {
        Self::new(role)
    }
}

/// `<role>`, or `<role> in <business unit>`.
///
/// ```
/// use rbac_profiles::RoleAssignment;
///
/// assert_eq!(RoleAssignment::new("r").in_business_unit("apac").to_string(), "r in apac");
/// ```
impl fmt::Display for RoleAssignment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.business_unit {
            None => write!(f, "{}", self.role),
            Some(unit) => write!(f, "{} in {unit}", self.role),
        }
    }
}

impl Serialize for RoleAssignment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match &self.business_unit {
            None => self.role.serialize(serializer),
            Some(unit) => {
                let mut object = serializer.serialize_struct("RoleAssignment", 2)?;
                object.serialize_field("role", &self.role)?;
                object.serialize_field("business_unit", unit)?;
                object.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for RoleAssignment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Assignment;

        impl<'de> Visitor<'de> for Assignment {
            type Value = RoleAssignment;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a role id, or {"role": …, "business_unit": …}"#)
            }

            fn visit_str<E: de::Error>(self, role: &str) -> Result<RoleAssignment, E> {
                Ok(RoleAssignment::new(role))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RoleAssignment, A::Error> {
                let mut role: Option<RoleId> = None;
                let mut unit: Option<BusinessUnitId> = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "role" if role.is_none() => role = Some(map.next_value()?),
                        "business_unit" if unit.is_none() => unit = Some(map.next_value()?),
                        "role" | "business_unit" => {
                            return Err(de::Error::custom(format_args!(
                                "key {key:?} occurs twice"
                            )));
                        }
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["role", "business_unit"],
                            ));
                        }
                    }
                }
                let role = role.ok_or_else(|| de::Error::missing_field("role"))?;
                Ok(RoleAssignment {
                    role,
                    business_unit: unit,
                })
            }
        }

        deserializer.deserialize_any(Assignment)
    }
}
