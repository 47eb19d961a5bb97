//! Privilege keys, access levels and the catalogue entry of a privilege.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A validated privilege key: `<entity>:<action>`, such as `bot:delete` or
/// `conversation:transfer`.
///
/// Both parts are non-empty and made of lowercase ASCII letters, digits and
/// `_`. A key is checked once, when it is parsed, and is known good after that.
///
/// ```
/// use rbac_profiles::Privilege;
///
/// let key: Privilege = "agent_script:read".parse()?;
/// assert_eq!(key.entity(), "agent_script");
/// assert_eq!(key.action(), "read");
///
/// let err = Privilege::new("Agent Script:read").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid privilege key "Agent Script:read": character 'A' is not allowed (use a-z, 0-9 and _)"#
/// );
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Privilege(String);

/// Why a text is not a valid privilege key or column key.
///
/// ```
/// use rbac_profiles::{Error, KeyError, Privilege};
///
/// let err = Privilege::new("bot").unwrap_err();
/// assert!(matches!(err, Error::InvalidPrivilege { reason: KeyError::MissingColon, .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// There is no `:` between entity and action.
    MissingColon,
    /// The part before `:` is empty.
    EmptyEntity,
    /// The part after `:` is empty.
    EmptyAction,
    /// A character outside `a-z`, `0-9` and `_` (a second `:` included).
    BadCharacter(char),
    /// There is no `.` between entity and column (a [`ColumnKey`](crate::ColumnKey)).
    MissingDot,
    /// The part after `.` of a column key is empty.
    EmptyColumn,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::MissingColon => f.write_str("expected `entity:action`"),
            KeyError::EmptyEntity => f.write_str("the entity is empty"),
            KeyError::EmptyAction => f.write_str("the action is empty"),
            KeyError::BadCharacter(c) => {
                write!(f, "character {c:?} is not allowed (use a-z, 0-9 and _)")
            }
            KeyError::MissingDot => f.write_str("expected `entity.column`"),
            KeyError::EmptyColumn => f.write_str("the column is empty"),
        }
    }
}

fn check_key(key: &str) -> Result<(), KeyError> {
    check_two_part(key, ':', [KeyError::MissingColon, KeyError::EmptyAction])
}

/// Checks `entity<separator>part`, both non-empty, made of `a-z`, `0-9` and
/// `_`; `errors` are the missing-separator and empty-second-part errors.
/// Shared by privilege keys and column keys.
pub(crate) fn check_two_part(
    key: &str,
    separator: char,
    [missing, empty_second]: [KeyError; 2],
) -> Result<(), KeyError> {
    let (entity, second) = key.split_once(separator).ok_or(missing)?;
    if entity.is_empty() {
        return Err(KeyError::EmptyEntity);
    }
    if second.is_empty() {
        return Err(empty_second);
    }
    let allowed = |c: &char| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_';
    match entity.chars().chain(second.chars()).find(|c| !allowed(c)) {
        Some(c) => Err(KeyError::BadCharacter(c)),
        None => Ok(()),
    }
}

impl Privilege {
    /// Parses and validates a key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPrivilege`] naming the text, when it is not
    /// `entity:action` made of lowercase ASCII letters, digits and `_`.
    ///
    /// ```
    /// use rbac_profiles::Privilege;
    ///
    /// assert!(Privilege::new("msdyn_macroconnector:read").is_ok());
    /// assert!(Privilege::new("bot:").is_err());
    /// assert!(Privilege::new("a:b:c").is_err());
    /// ```
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        let key = key.into();
        match check_key(&key) {
            Ok(()) => Ok(Self(key)),
            Err(reason) => Err(Error::InvalidPrivilege { key, reason }),
        }
    }

    /// For keys the crate itself writes (the built-in catalogue); a unit test
    /// checks every one of them with [`Privilege::new`].
    pub(crate) fn from_owned_unchecked(key: String) -> Self {
        Self(key)
    }

    /// The whole key.
    ///
    /// ```
    /// let key = rbac_profiles::Privilege::new("bot:delete")?;
    /// assert_eq!(key.as_str(), "bot:delete");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `:`, the entity the privilege is on.
    ///
    /// ```
    /// let key = rbac_profiles::Privilege::new("conversation:transfer")?;
    /// assert_eq!(key.entity(), "conversation");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn entity(&self) -> &str {
        self.0.split_once(':').map_or("", |(entity, _)| entity)
    }

    /// The part after `:`, the action the privilege allows.
    ///
    /// ```
    /// let key = rbac_profiles::Privilege::new("conversation:transfer")?;
    /// assert_eq!(key.action(), "transfer");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn action(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, action)| action)
    }
}

validated_key_impls!(Privilege);

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
        f.write_str(self.as_str())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_error_is_reported() {
        let cases = [
            ("", KeyError::MissingColon),
            ("bot", KeyError::MissingColon),
            (":read", KeyError::EmptyEntity),
            ("bot:", KeyError::EmptyAction),
            ("bot:read:all", KeyError::BadCharacter(':')),
            ("bot:Read", KeyError::BadCharacter('R')),
            ("b-t:read", KeyError::BadCharacter('-')),
            ("bot:réad", KeyError::BadCharacter('é')),
            ("bot: read", KeyError::BadCharacter(' ')),
        ];
        for (input, expected) in cases {
            assert_eq!(check_key(input), Err(expected), "{input:?}");
        }
        assert_eq!(check_key("a_1:b_2"), Ok(()));
    }
}
