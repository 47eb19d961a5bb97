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
//!
//! Whether the user can *use* the profile (an agent or supervisor role held
//! directly) and which of its settings are inert (channels no licence
//! enables) are not part of this rule: they never change which profile
//! applies. [`profile_use`](crate::profile_use) answers them beside it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::held::load_user;
use crate::id::{AsId, ProfileId, RoleId, UserId};
use crate::profile::Profile;
use crate::store::Store;
use crate::user::User;

/// Why a profile applies to a user.
///
/// In documents every reason is an object naming its `rule`, with the
/// role and rank for a ranked profile:
/// `{"rule":"direct"}`, `{"rule":"role_rank","role":"omnichannel-agent","rank":2}`,
/// `{"rule":"default"}`, `{"rule":"out_of_box"}`.
///
/// ```
/// use rbac_profiles::Reason;
///
/// let reason = Reason::RoleRank { role: "omnichannel-agent".into(), rank: 2 };
/// assert_eq!(reason.to_string(), "role omnichannel-agent, rank 2");
/// assert_eq!(Reason::OutOfBox.to_string(), "out-of-box fallback");
/// assert_eq!(
///     serde_json::to_string(&reason).unwrap(),
///     r#"{"rule":"role_rank","role":"omnichannel-agent","rank":2}"#
/// );
/// assert_eq!(serde_json::to_string(&Reason::Default).unwrap(), r#"{"rule":"default"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
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
/// let john = resolve_profile(&store, "john")?;
/// assert_eq!(john.profile.as_str(), "contoso-agent");
/// assert_eq!(john.reason, Reason::RoleRank { role: "customer-service-representative".into(), rank: 1 });
///
/// // The team's role does not count for profiles.
/// let kendall = resolve_profile(&store, "kendall")?;
/// assert_eq!(kendall.profile.as_str(), "datum-agent");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn resolve_profile<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
) -> Result<Resolution, Error> {
    let user = load_user(store, user)?;
    resolve_among(store, &user, &store.profiles()?)
}

/// The resolution rule, as every path applies it: the store path here,
/// the snapshot and the what-if overlay. A path offers each candidate it
/// finds; [`Rule::decide`] applies rules 1 to 4 in order, each tie going to
/// the smallest candidate.
///
/// The paths name things their own way, so the rule is generic: `P` names
/// a profile and orders as profile ids do; `K` orders ranked candidates by
/// rank, then profile id, and tells which profile and rank it is; `R` names
/// a role and orders as role ids do. A tie on `K` goes to the smaller `R`,
/// so the reason names the smallest role of the winning profile that the
/// user holds directly.
pub(crate) struct Rule<P, K, R> {
    direct: Option<P>,
    ranked: Option<(K, R)>,
    default: Option<P>,
}

/// What [`Rule::decide`] chose, in the path's own names.
pub(crate) enum Decision<P, K, R> {
    /// Rule 1: directly assigned.
    Direct(P),
    /// Rule 2: the best ranked candidate and the role that reached it.
    RoleRank(K, R),
    /// Rule 3: the default.
    Default(P),
    /// Rule 4: the fallback.
    OutOfBox(P),
}

impl<P: Ord + Copy, K: Ord + Copy, R: Ord + Copy> Rule<P, K, R> {
    /// No candidate yet.
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Self {
            direct: None,
            ranked: None,
            default: None,
        }
    }

    /// A custom profile that lists the user (rule 1).
    #[inline(always)]
    pub(crate) fn direct(&mut self, profile: P) {
        keep_min(&mut self.direct, profile);
    }

    /// A ranked profile mapping `role`, which the user holds directly
    /// (rule 2).
    #[inline(always)]
    pub(crate) fn ranked(&mut self, key: K, role: R) {
        keep_min(&mut self.ranked, (key, role));
    }

    /// A custom profile marked default (rule 3).
    #[inline(always)]
    pub(crate) fn default(&mut self, profile: P) {
        keep_min(&mut self.default, profile);
    }

    /// The first rule that applies, with the fallback (rule 4) last;
    /// `None` when nothing applies and there is no fallback.
    #[inline(always)]
    pub(crate) fn decide(self, fallback: Option<P>) -> Option<Decision<P, K, R>> {
        if let Some(profile) = self.direct {
            return Some(Decision::Direct(profile));
        }
        if let Some((key, role)) = self.ranked {
            return Some(Decision::RoleRank(key, role));
        }
        if let Some(profile) = self.default {
            return Some(Decision::Default(profile));
        }
        fallback.map(Decision::OutOfBox)
    }
}

/// Keeps the smaller of `slot` and `candidate`; written without a branch
/// on the comparison, which is as likely one way as the other.
#[inline(always)]
fn keep_min<T: Ord + Copy>(slot: &mut Option<T>, candidate: T) {
    *slot = Some(match *slot {
        Some(current) => current.min(candidate),
        None => candidate,
    });
}

/// The resolution of a loaded user among the store's `profiles`.
pub(crate) fn resolve_among<S: Store + ?Sized>(
    store: &S,
    user: &User,
    profiles: &[Cow<'_, Profile>],
) -> Result<Resolution, Error> {
    if user.disabled {
        return Err(Error::DisabledUser {
            user: user.id.clone(),
        });
    }
    // Sorted once, so each mapped role is a binary search: linear in the
    // profiles' roles, whatever the number of the user's.
    let mut held: Vec<&RoleId> = user.role_ids().collect();
    held.sort_unstable();
    let mut rule = Rule::new();
    for profile in profiles.iter().filter(|p| p.is_custom()) {
        let id = &profile.id;
        if profile.users.contains(&user.id) {
            rule.direct(id);
        }
        if let Some((rank, roles)) = profile.ranking() {
            for role in roles.iter().filter(|r| held.binary_search(r).is_ok()) {
                rule.ranked((rank, id), role);
            }
        }
        if profile.default {
            rule.default(id);
        }
    }
    let fallback = store.fallback_profile()?;
    resolution(rule, fallback.as_ref())
}

/// The rule's decision among profiles named by id.
fn resolution<'a>(
    rule: Rule<&'a ProfileId, (u32, &'a ProfileId), &'a RoleId>,
    fallback: Option<&'a ProfileId>,
) -> Result<Resolution, Error> {
    let (profile, reason) = match rule.decide(fallback) {
        None => return Err(Error::NoFallbackProfile),
        Some(Decision::Direct(id)) => (id, Reason::Direct),
        Some(Decision::RoleRank((rank, id), role)) => (
            id,
            Reason::RoleRank {
                role: role.clone(),
                rank,
            },
        ),
        Some(Decision::Default(id)) => (id, Reason::Default),
        Some(Decision::OutOfBox(id)) => (id, Reason::OutOfBox),
    };
    Ok(Resolution {
        profile: profile.clone(),
        reason,
    })
}

/// The profiles as resolution reads them, indexed once for questions about
/// every user (diagnostics): each user's direct profile, each role's best
/// ranked profile, and the default.
pub(crate) struct ProfileIndex<'p> {
    direct: HashMap<&'p UserId, &'p ProfileId>,
    ranked: HashMap<&'p RoleId, (u32, &'p ProfileId)>,
    default: Option<&'p ProfileId>,
}

impl<'p> ProfileIndex<'p> {
    /// Indexes `profiles`, keeping for each user and role the candidate the
    /// rule would keep.
    pub(crate) fn new(profiles: impl IntoIterator<Item = &'p Profile>) -> Self {
        let mut index = ProfileIndex {
            direct: HashMap::new(),
            ranked: HashMap::new(),
            default: None,
        };
        for profile in profiles.into_iter().filter(|p| p.is_custom()) {
            let id = &profile.id;
            for user in &profile.users {
                let slot = index.direct.entry(user).or_insert(id);
                *slot = (*slot).min(id);
            }
            if let Some((rank, roles)) = profile.ranking() {
                for role in roles {
                    let slot = index.ranked.entry(role).or_insert((rank, id));
                    *slot = (*slot).min((rank, id));
                }
            }
            if profile.default {
                index.default = Some(index.default.map_or(id, |d| d.min(id)));
            }
        }
        index
    }

    /// The best ranked profile mapping `role`, with its rank.
    pub(crate) fn best_for(&self, role: &RoleId) -> Option<(u32, &'p ProfileId)> {
        self.ranked.get(role).copied()
    }

    /// `user`'s resolution: what [`resolve_profile`] answers.
    pub(crate) fn resolve(
        &self,
        user: &'p User,
        fallback: Option<&'p ProfileId>,
    ) -> Result<Resolution, Error> {
        let mut rule = Rule::new();
        if let Some(profile) = self.direct.get(&user.id) {
            rule.direct(*profile);
        }
        for role in user.role_ids() {
            if let Some(key) = self.ranked.get(role) {
                rule.ranked(*key, role);
            }
        }
        if let Some(profile) = self.default {
            rule.default(profile);
        }
        resolution(rule, fallback)
    }
}
