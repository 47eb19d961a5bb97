//! Typed ids: a user id can't be passed where a role id is expected.

use std::borrow::{Borrow, Cow};
use std::fmt;

use serde::{Deserialize, Serialize};

/// An argument that names a `T`: the id itself, a reference to one, or its
/// text (`&str`, `String`).
///
/// The questions take `impl AsId<UserId>` (and so on), so a host passes what
/// it has: `has_privilege(&store, "kayla", …)` and
/// `has_privilege(&store, &user_id, …)` both work, while a [`RoleId`] is
/// still refused where a user is asked for.
///
/// ```
/// use rbac_profiles::{AsId, UserId};
///
/// fn show(user: impl AsId<UserId>) -> String {
///     user.id_str().to_owned()
/// }
/// assert_eq!(show("kayla"), "kayla");
/// assert_eq!(show(&UserId::from("kayla")), "kayla");
/// assert_eq!(show(String::from("kayla")), "kayla");
/// ```
pub trait AsId<T> {
    /// The id's text.
    fn id_str(&self) -> &str;

    /// The id, borrowed when this is one already.
    fn to_id(&self) -> Cow<'_, T>
    where
        T: Clone;
}

impl<T, X: AsId<T> + ?Sized> AsId<T> for &X {
    fn id_str(&self) -> &str {
        (**self).id_str()
    }

    fn to_id(&self) -> Cow<'_, T>
    where
        T: Clone,
    {
        (**self).to_id()
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $example:literal) => {
        $(#[$doc])*
        ///
        /// Any text is accepted here; a [`Directory`](crate::Directory) refuses
        /// empty ids when it is loaded. Ids compare, hash and sort exactly as
        /// their text, so sorted output follows byte order, and they honour
        /// width and alignment when formatted (`{:<12}`).
        ///
        /// ```
        #[doc = concat!("use rbac_profiles::", stringify!($name), ";")]
        ///
        #[doc = concat!("let id = ", stringify!($name), "::from(\"", $example, "\");")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert_eq!(id.to_string(), \"", $example, "\");")]
        #[doc = concat!("assert_eq!(format!(\"[{:>3}]\", ", stringify!($name), "::from(\"a\")), \"[  a]\");")]
        /// ```
        #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Cow<'static, str>);

        impl $name {
            /// Wraps the given text as an id.
            ///
            /// ```
            #[doc = concat!("let id = rbac_profiles::", stringify!($name), "::new(\"", $example, "\");")]
            #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
            /// ```
            pub fn new(id: impl Into<String>) -> Self {
                Self(Cow::Owned(id.into()))
            }

            /// An id from text known when compiling, without allocating:
            /// what the built-in catalogue's constants are made of.
            ///
            /// ```
            #[doc = concat!("const ID: rbac_profiles::", stringify!($name), " = rbac_profiles::", stringify!($name), "::from_static(\"", $example, "\");")]
            #[doc = concat!("assert_eq!(ID.as_str(), \"", $example, "\");")]
            /// ```
            pub const fn from_static(id: &'static str) -> Self {
                Self(Cow::Borrowed(id))
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
                self.0.into_owned()
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(Cow::Owned(id.to_owned()))
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(Cow::Owned(id))
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
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
                f.pad(&self.0)
            }
        }

        impl AsId<$name> for $name {
            fn id_str(&self) -> &str {
                self.as_str()
            }

            fn to_id(&self) -> Cow<'_, $name> {
                Cow::Borrowed(self)
            }
        }

        impl AsId<$name> for str {
            fn id_str(&self) -> &str {
                self
            }

            fn to_id(&self) -> Cow<'_, $name> {
                Cow::Owned($name::from(self))
            }
        }

        impl AsId<$name> for String {
            fn id_str(&self) -> &str {
                self
            }

            fn to_id(&self) -> Cow<'_, $name> {
                Cow::Owned($name::from(self.as_str()))
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
id_type!(
    /// The id of a [`BusinessUnit`](crate::BusinessUnit).
    BusinessUnitId,
    "contoso-emea"
);
id_type!(
    /// The id of a [`ToolSettings`](crate::ToolSettings): the settings of one
    /// productivity tool.
    ToolSettingsId,
    "smart-assist-settings"
);
id_type!(
    /// The id of a [`ChannelProvider`](crate::ChannelProvider): one channel
    /// provider configuration.
    ChannelProviderId,
    "contoso-voice"
);
