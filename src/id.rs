//! Typed ids: a user id can't be passed where a role id is expected.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $example:literal) => {
        $(#[$doc])*
        ///
        /// Any text is accepted here; a [`Directory`](crate::Directory) refuses
        /// empty ids when it is loaded. Ids compare, hash and sort exactly as
        /// their text, so sorted output follows byte order.
        ///
        /// ```
        #[doc = concat!("use rbac_profiles::", stringify!($name), ";")]
        ///
        #[doc = concat!("let id = ", stringify!($name), "::from(\"", $example, "\");")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert_eq!(id.to_string(), \"", $example, "\");")]
        /// ```
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps the given text as an id.
            ///
            /// ```
            #[doc = concat!("let id = rbac_profiles::", stringify!($name), "::new(\"", $example, "\");")]
            #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
            /// ```
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as text.
            ///
            /// ```
            #[doc = concat!("let id = rbac_profiles::", stringify!($name), "::from(\"", $example, "\");")]
            #[doc = concat!("assert_eq!(id.as_str().len(), ", stringify!($example), ".len());")]
            /// ```
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Unwraps the id into its text.
            ///
            /// ```
            #[doc = concat!("let id = rbac_profiles::", stringify!($name), "::from(\"", $example, "\");")]
            #[doc = concat!("assert_eq!(id.into_string(), \"", $example, "\");")]
            /// ```
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// The id of a [`User`](crate::User).
    UserId,
    "kendall-collins"
);
id_type!(
    /// The id of a security [`Role`](crate::Role), such as `omnichannel-agent`.
    RoleId,
    "omnichannel-agent"
);
id_type!(
    /// The id of a [`Team`](crate::Team).
    TeamId,
    "tier-2-support"
);
id_type!(
    /// The id of an experience [`Profile`](crate::Profile).
    ProfileId,
    "contoso-agent"
);
id_type!(
    /// The id of a [`Template`](crate::Template) of the shared template library.
    TemplateId,
    "chat-session"
);
id_type!(
    /// The id of a [`ColumnProfile`](crate::ColumnProfile), a column security
    /// profile.
    ColumnProfileId,
    "channel-secrets"
);
