//! Access levels and the catalogue entry of a privilege.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::key::Privilege;

/// How far a granted privilege reaches, from nothing to the whole
/// organisation.
///
/// The levels are ordered `None < User < BusinessUnit <
/// ParentChildBusinessUnit < Organization`; when several roles grant the same
/// privilege, the highest level wins. A plain "Yes" in the seed tables is
/// [`AccessLevel::Organization`]. In documents the levels are written in
/// snake case: `"none"`, `"user"`, `"business_unit"`,
/// `"parent_child_business_unit"`, `"organization"`.
///
/// ```
/// use rbac_profiles::AccessLevel;
///
/// assert!(AccessLevel::User < AccessLevel::Organization);
/// assert!(!AccessLevel::None.is_granted());
/// assert_eq!(AccessLevel::default(), AccessLevel::None);
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    /// Not granted.
    #[default]
    None,
    /// Records the user owns.
    User,
    /// Records of the user's business unit.
    BusinessUnit,
    /// Records of the user's business unit and the units below it.
    ParentChildBusinessUnit,
    /// Every record of the organisation.
    Organization,
}

impl AccessLevel {
    /// Every level, lowest first.
    ///
    /// ```
    /// use rbac_profiles::AccessLevel;
    ///
    /// assert_eq!(AccessLevel::ALL.first(), Some(&AccessLevel::None));
    /// assert_eq!(AccessLevel::ALL.last(), Some(&AccessLevel::Organization));
    /// ```
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::None,
        AccessLevel::User,
        AccessLevel::BusinessUnit,
        AccessLevel::ParentChildBusinessUnit,
        AccessLevel::Organization,
    ];

    /// Whether this level grants anything at all (is above `None`).
    ///
    /// ```
    /// assert!(rbac_profiles::AccessLevel::User.is_granted());
    /// ```
    pub fn is_granted(self) -> bool {
        self > AccessLevel::None
    }

    /// The snake-case name the level is written with in documents.
    ///
    /// ```
    /// use rbac_profiles::AccessLevel;
    ///
    /// assert_eq!(AccessLevel::ParentChildBusinessUnit.as_str(), "parent_child_business_unit");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::None => "none",
            AccessLevel::User => "user",
            AccessLevel::BusinessUnit => "business_unit",
            AccessLevel::ParentChildBusinessUnit => "parent_child_business_unit",
            AccessLevel::Organization => "organization",
        }
    }
}

impl FromStr for AccessLevel {
    type Err = Error;

    /// Parses the snake-case name a level is written with in documents.
    ///
    /// ```
    /// use rbac_profiles::AccessLevel;
    ///
    /// assert_eq!("business_unit".parse::<AccessLevel>()?, AccessLevel::BusinessUnit);
    /// assert_eq!(
    ///     "global".parse::<AccessLevel>().unwrap_err().to_string(),
    ///     r#"unknown access level "global""#
    /// );
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    fn from_str(text: &str) -> Result<Self, Error> {
        AccessLevel::ALL
            .into_iter()
            .find(|level| level.as_str() == text)
            .ok_or_else(|| Error::InvalidLevel {
                text: text.to_owned(),
            })
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A privilege of the catalogue: its key and what it allows, in words.
///
/// ```
/// use rbac_profiles::{Privilege, PrivilegeDef};
///
/// let def = PrivilegeDef::new(Privilege::new("bot:create")?, "Can add bots");
/// assert_eq!(def.key.entity(), "bot");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivilegeDef {
    /// The key roles grant it by.
    pub key: Privilege,
    /// What the privilege allows, for people; may be empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl PrivilegeDef {
    /// A catalogue entry with a description.
    ///
    /// ```
    /// use rbac_profiles::PrivilegeDef;
    ///
    /// let def = PrivilegeDef::new("shift_report:read".parse()?, "Read the shift report");
    /// assert_eq!(def.key.as_str(), "shift_report:read");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn new(key: Privilege, description: impl Into<String>) -> Self {
        Self {
            key,
            description: description.into(),
        }
    }
}
