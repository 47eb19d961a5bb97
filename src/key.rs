//! The validated text keys: [`Privilege`] (`entity:action`) and
//! [`ColumnKey`] (`entity.column`), what is wrong with a text that is not
//! one ([`KeyError`]), and [`AsKey`], the argument form the questions take.

use std::borrow::Cow;
use std::fmt;

use crate::error::Error;

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
    /// There is no `.` between entity and column (a [`ColumnKey`]).
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

/// Checks `entity<separator>part`, both non-empty, made of `a-z`, `0-9` and
/// `_`; `errors` are the missing-separator and empty-second-part errors.
fn check_two_part(
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

fn check_privilege(key: &str) -> Result<(), KeyError> {
    check_two_part(key, ':', [KeyError::MissingColon, KeyError::EmptyAction])
}

fn check_column(key: &str) -> Result<(), KeyError> {
    check_two_part(key, '.', [KeyError::MissingDot, KeyError::EmptyColumn])
}

/// An argument that names a validated key `K`: the key itself, a reference
/// to one, or its text (`&str`, `String`), checked when it is used.
///
/// The questions take `impl AsKey<Privilege>`, so
/// `has_privilege(&store, "kayla", "conversation:transfer")` works; a text
/// that is not a key is still [`Error::InvalidPrivilege`], and a key the
/// catalogue lacks [`Error::UnknownPrivilege`].
///
/// ```
/// use rbac_profiles::{AsKey, Error, Privilege};
///
/// assert_eq!(AsKey::<Privilege>::to_key("bot:read")?.as_str(), "bot:read");
/// assert!(matches!(AsKey::<Privilege>::to_key("Bot:read"), Err(Error::InvalidPrivilege { .. })));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub trait AsKey<K> {
    /// The key's text, unchecked.
    fn key_str(&self) -> &str;

    /// The key, checked; borrowed when this is one already.
    ///
    /// # Errors
    ///
    /// The key type's parse error ([`Error::InvalidPrivilege`],
    /// [`Error::InvalidColumn`]) when the text is not a valid key.
    fn to_key(&self) -> Result<Cow<'_, K>, Error>
    where
        K: Clone;
}

impl<K, X: AsKey<K> + ?Sized> AsKey<K> for &X {
    fn key_str(&self) -> &str {
        (**self).key_str()
    }

    fn to_key(&self) -> Result<Cow<'_, K>, Error>
    where
        K: Clone,
    {
        (**self).to_key()
    }
}

/// The conversions, serde impls and [`AsKey`] forms of a validated text key:
/// `$key::new` checks the text, and every way in goes through it.
macro_rules! validated_key {
    ($key:ident) => {
        impl std::str::FromStr for $key {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Error> {
                $key::new(s)
            }
        }

        impl TryFrom<&str> for $key {
            type Error = Error;

            fn try_from(s: &str) -> Result<Self, Error> {
                $key::new(s)
            }
        }

        impl TryFrom<String> for $key {
            type Error = Error;

            fn try_from(s: String) -> Result<Self, Error> {
                $key::new(s)
            }
        }

        impl AsRef<str> for $key {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $key {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $key {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl serde::Serialize for $key {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $key {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $key::new(text).map_err(serde::de::Error::custom)
            }
        }

        impl AsKey<$key> for $key {
            fn key_str(&self) -> &str {
                self.as_str()
            }

            fn to_key(&self) -> Result<Cow<'_, $key>, Error> {
                Ok(Cow::Borrowed(self))
            }
        }

        impl AsKey<$key> for str {
            fn key_str(&self) -> &str {
                self
            }

            fn to_key(&self) -> Result<Cow<'_, $key>, Error> {
                $key::new(self).map(Cow::Owned)
            }
        }

        impl AsKey<$key> for String {
            fn key_str(&self) -> &str {
                self
            }

            fn to_key(&self) -> Result<Cow<'_, $key>, Error> {
                $key::new(self.as_str()).map(Cow::Owned)
            }
        }
    };
}

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
pub struct Privilege(Cow<'static, str>);

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
        match check_privilege(&key) {
            Ok(()) => Ok(Self(Cow::Owned(key))),
            Err(reason) => Err(Error::InvalidPrivilege { key, reason }),
        }
    }

    /// For keys the crate itself writes (the built-in catalogue, the
    /// testkit); unit tests check every one of them with [`Privilege::new`].
    pub(crate) const fn from_static(key: &'static str) -> Self {
        Self(Cow::Borrowed(key))
    }

    /// For keys the crate itself builds from checked parts.
    pub(crate) fn from_owned_unchecked(key: String) -> Self {
        Self(Cow::Owned(key))
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

validated_key!(Privilege);

/// A validated column key: `<entity>.<column>`, such as
/// `msdyn_ocapplepay.msdyn_ocmerchantcertificatepassword`.
///
/// Both parts are non-empty and made of lowercase ASCII letters, digits and
/// `_`, the logical names of tables and columns. The entity part is the same
/// entity a [`Privilege`] key names, so `bot.name` follows `bot:read`,
/// `bot:write` and `bot:create` when it is not secured.
///
/// ```
/// use rbac_profiles::ColumnKey;
///
/// let key: ColumnKey = "msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken".parse()?;
/// assert_eq!(key.entity(), "msdyn_ocwhatsappchannelaccount");
/// assert_eq!(key.column(), "msdyn_secureauthenticationtoken");
/// assert_eq!(ColumnKey::from_parts("bot", "name")?.as_str(), "bot.name");
///
/// let err = ColumnKey::new("bot:name").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid column key "bot:name": expected `entity.column`"#
/// );
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColumnKey(Cow<'static, str>);

impl ColumnKey {
    /// Parses and validates a key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidColumn`] naming the text, when it is not
    /// `entity.column` made of lowercase ASCII letters, digits and `_`.
    ///
    /// ```
    /// use rbac_profiles::ColumnKey;
    ///
    /// assert!(ColumnKey::new("msdyn_ocapplepay.msdyn_ocbase64merchantcertstring").is_ok());
    /// assert!(ColumnKey::new("bot.").is_err());
    /// assert!(ColumnKey::new("a.b.c").is_err());
    /// ```
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        let key = key.into();
        match check_column(&key) {
            Ok(()) => Ok(Self(Cow::Owned(key))),
            Err(reason) => Err(Error::InvalidColumn { key, reason }),
        }
    }

    /// The key of `column` on `entity`, validated as [`ColumnKey::new`] does.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidColumn`] naming `entity.column`, when either part is
    /// empty or has a character outside `a-z`, `0-9` and `_`.
    ///
    /// ```
    /// use rbac_profiles::ColumnKey;
    ///
    /// let err = ColumnKey::from_parts("Bot", "name").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"invalid column key "Bot.name": character 'B' is not allowed (use a-z, 0-9 and _)"#
    /// );
    /// ```
    pub fn from_parts(entity: &str, column: &str) -> Result<Self, Error> {
        Self::new(format!("{entity}.{column}"))
    }

    /// For keys the crate itself builds from checked parts.
    pub(crate) fn from_owned_unchecked(key: String) -> Self {
        Self(Cow::Owned(key))
    }

    /// The whole key.
    ///
    /// ```
    /// let key = rbac_profiles::ColumnKey::new("bot.name")?;
    /// assert_eq!(key.as_str(), "bot.name");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `.`, the entity (table) the column belongs to.
    ///
    /// ```
    /// let key = rbac_profiles::ColumnKey::new("bot.name")?;
    /// assert_eq!(key.entity(), "bot");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn entity(&self) -> &str {
        self.0.split_once('.').map_or("", |(entity, _)| entity)
    }

    /// The part after `.`, the column's logical name.
    ///
    /// ```
    /// let key = rbac_profiles::ColumnKey::new("bot.name")?;
    /// assert_eq!(key.column(), "name");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn column(&self) -> &str {
        self.0.split_once('.').map_or("", |(_, column)| column)
    }
}

validated_key!(ColumnKey);

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
            assert_eq!(check_privilege(input), Err(expected), "{input:?}");
        }
        assert_eq!(check_privilege("a_1:b_2"), Ok(()));
        assert_eq!(check_column("bot"), Err(KeyError::MissingDot));
        assert_eq!(check_column("bot."), Err(KeyError::EmptyColumn));
        assert_eq!(check_column("bot.name"), Ok(()));
    }
}
