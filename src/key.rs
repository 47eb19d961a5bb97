//! What the validated text keys ([`Privilege`](crate::Privilege),
//! [`ColumnKey`](crate::ColumnKey)) share.

/// The conversions and serde impls of a validated text key: `$key::new`
/// checks the text, and every way in goes through it.
macro_rules! validated_key_impls {
    ($key:ident) => {
        impl std::str::FromStr for $key {
            type Err = crate::error::Error;

            fn from_str(s: &str) -> Result<Self, crate::error::Error> {
                $key::new(s)
            }
        }

        impl TryFrom<&str> for $key {
            type Error = crate::error::Error;

            fn try_from(s: &str) -> Result<Self, crate::error::Error> {
                $key::new(s)
            }
        }

        impl TryFrom<String> for $key {
            type Error = crate::error::Error;

            fn try_from(s: String) -> Result<Self, crate::error::Error> {
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

        impl std::fmt::Display for $key {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
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
    };
}
