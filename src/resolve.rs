//! `resolve_profile`: which experience profile applies to a user, and why.
//!
//! The rules, in order; the first that applies decides:
//!
//! 1. **Direct**: the custom profile the user is directly assigned to.
//! 2. **Role rank**: among custom profiles with a rank that map a role the
//!    user holds *directly*, the one with the highest rank (the lowest
//!    number). Roles held through a team never count.
//! 3. **Default**: the custom profile marked default.
//! 4. **Out of box**: the store's fallback profile.
//!
//! Ties, which only imported data can hold (two profiles with one rank, two
//! defaults, or a host store listing a user in two profiles), go to the
//! smallest profile id in byte order, so the answer never depends on the
//! order of any list.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::load_user;
use crate::error::Error;
use crate::id::{ProfileId, RoleId, UserId};
use crate::profile::Profile;
use crate::store::Store;
use crate::user::User;

/// Why a profile applies to a user.
///
/// ```
/// use rbac_profiles::Reason;
///
/// let reason = Reason::RoleRank { role: "omnichannel-agent".into(), rank: 2 };
/// assert_eq!(reason.to_string(), "role omnichannel-agent, rank 2");
/// assert_eq!(Reason::OutOfBox.to_string(), "out-of-box fallback");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// The user is directly assigned to the profile.
    Direct,
    /// The profile maps a role the user holds directly, and has the highest
    /// rank among such profiles.
    RoleRank {
        /// The smallest id (byte order) among the profile's mapped roles that
        /// the user holds directly.
        role: RoleId,
        /// The profile's rank.
        rank: u32,
    },
    /// The profile is the organisation's default.
    Default,
    /// No other rule applies: the out-of-box fallback.
    OutOfBox,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Direct => f.write_str("assigned directly"),
            Reason::RoleRank { role, rank } => write!(f, "role {role}, rank {rank}"),
            Reason::Default => f.write_str("default profile"),
            Reason::OutOfBox => f.write_str("out-of-box fallback"),
        }
    }
}

/// The profile that applies to a user, and why.
///
/// ```
/// use rbac_profiles::{Reason, Resolution};
///
/// let r = Resolution::new("contoso-agent", Reason::Default);
/// assert_eq!(r.profile.as_str(), "contoso-agent");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Resolution {
    /// The profile.
    pub profile: ProfileId,
    /// Which rule chose it.
    pub reason: Reason,
}

/// `<profile> (<reason>)`.
///
/// ```
/// use rbac_profiles::{Reason, Resolution};
///
/// let r = Resolution::new("contoso-agent", Reason::Default);
/// assert_eq!(r.to_string(), "contoso-agent (default profile)");
/// ```
impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.profile, self.reason)
    }
}

impl Resolution {
    /// A resolution of `profile` for `reason`.
    ///
    /// ```
    /// use rbac_profiles::{Reason, Resolution};
    ///
    /// let r = Resolution::new("oob", Reason::OutOfBox);
    /// assert_eq!(r.reason, Reason::OutOfBox);
    /// ```
    pub fn new(profile: impl Into<ProfileId>, reason: Reason) -> Self {
        Self {
            profile: profile.into(),
            reason,
        }
    }
}

/// The experience profile that applies to `user`, with the rule that chose
/// it. See the [module rules](crate#the-rules) and [`Reason`].
///
/// # Errors
///
/// [`Error::UnknownUser`] when the store does not know the user,
/// [`Error::NoFallbackProfile`] when no rule applies and the store names no
/// fallback profile, [`Error::Storage`] when the store fails.
///
/// ```
/// use rbac_profiles::{resolve_profile, Directory, DirectoryDoc, MemoryStore, Profile, Reason, Team, User};
///
/// let mut org = DirectoryDoc::default();
/// org.profiles.push(Profile::new("contoso-agent", "Contoso Agent").with_rank(1).with_role("customer-service-representative"));
/// org.profiles.push(Profile::new("datum-agent", "Datum Agent").with_rank(2).with_role("omnichannel-agent"));
/// org.teams.push(Team::new("csr", "CSRs").with_role("customer-service-representative").with_member("kendall"));
/// org.users.push(User::new("john", "John Doe")
///     .with_role("customer-service-representative")
///     .with_role("omnichannel-agent"));
/// org.users.push(User::new("kendall", "Kendall Collins").with_role("omnichannel-agent").with_team("csr"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// // Both roles held directly: the higher-ranked profile wins.
/// let john = resolve_profile(&store, &"john".into())?;
/// assert_eq!(john.profile.as_str(), "contoso-agent");
/// assert_eq!(john.reason, Reason::RoleRank { role: "customer-service-representative".into(), rank: 1 });
///
/// // The team's role does not count for profiles.
/// let kendall = resolve_profile(&store, &"kendall".into())?;
/// assert_eq!(kendall.profile.as_str(), "datum-agent");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn resolve_profile<S: Store + ?Sized>(store: &S, user: &UserId) -> Result<Resolution, Error> {
    let user = load_user(store, user)?;
    resolve_among(store, &user, &store.profiles()?)
}

/// The resolution of a loaded user among the store's `profiles`.
pub(crate) fn resolve_among<S: Store + ?Sized>(
    store: &S,
    user: &User,
    profiles: &[Cow<'_, Profile>],
) -> Result<Resolution, Error> {
    if let Some(found) = choose(user, profiles.iter().map(|p| &**p)) {
        return Ok(found);
    }
    match store.fallback_profile()? {
        Some(profile) => Ok(Resolution {
            profile,
            reason: Reason::OutOfBox,
        }),
        None => Err(Error::NoFallbackProfile),
    }
}

/// Rules 1 to 3 in one pass over the profiles; `None` when only the
/// fallback is left.
pub(crate) fn choose<'a>(
    user: &User,
    profiles: impl IntoIterator<Item = &'a Profile>,
) -> Option<Resolution> {
    let mut direct: Option<&ProfileId> = None;
    let mut ranked: Option<(u32, &ProfileId, &RoleId)> = None;
    let mut default: Option<&ProfileId> = None;
    for profile in profiles.into_iter().filter(|p| p.is_custom()) {
        let id = &profile.id;
        if profile.users.contains(&user.id) {
            direct = smaller(direct, id);
        }
        if let Some(rank) = profile.rank {
            let held = profile
                .roles
                .iter()
                .filter(|r| user.roles.contains(r))
                .min();
            if let Some(role) = held {
                if ranked.is_none_or(|(r, p, _)| (rank, id) < (r, p)) {
                    ranked = Some((rank, id, role));
                }
            }
        }
        if profile.default {
            default = smaller(default, id);
        }
    }
    let (profile, reason) = if let Some(id) = direct {
        (id, Reason::Direct)
    } else if let Some((rank, id, role)) = ranked {
        let role = role.clone();
        (id, Reason::RoleRank { role, rank })
    } else {
        (default?, Reason::Default)
    };
    Some(Resolution {
        profile: profile.clone(),
        reason,
    })
}

fn smaller<'a>(current: Option<&'a ProfileId>, candidate: &'a ProfileId) -> Option<&'a ProfileId> {
    Some(current.map_or(candidate, |c| c.min(candidate)))
}
