//! Questions about the whole organisation, answered from the snapshot: who
//! holds a privilege, who gets a profile, how many get each profile and
//! why.

use serde::{Deserialize, Serialize};

use super::tables::len_u32;
use super::{LEVELS, Resolved, ResolvedReason, Snapshot, UserIx};
use crate::error::Error;
use crate::id::{AsId, ProfileId};
use crate::key::{AsKey, Privilege};
use crate::privilege::AccessLevel;

/// How many users each rule of resolution gave a profile: the parts of a
/// [`ProfileCount`], or of the whole organisation in
/// [`ProfileCounts::by_reason`].
///
/// ```
/// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, Snapshot, User};
///
/// let mut org = DirectoryDoc::default();
/// org.profiles.push(Profile::new("mine", "Mine").with_user("u1"));
/// org.users.push(User::new("u1", "One"));
/// org.users.push(User::new("u2", "Two"));
/// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
/// let all = snapshot.profile_counts()?.by_reason;
/// assert_eq!((all.direct, all.role_rank, all.default, all.out_of_box), (1, 0, 0, 1));
/// assert_eq!(all.total(), 2);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReasonCounts {
    /// Users directly assigned to the profile ([`Reason::Direct`](crate::Reason::Direct)).
    pub direct: usize,
    /// Users who got it through a role they hold directly
    /// ([`Reason::RoleRank`](crate::Reason::RoleRank)).
    pub role_rank: usize,
    /// Users who got the default profile ([`Reason::Default`](crate::Reason::Default)).
    pub default: usize,
    /// Users who got the out-of-box fallback ([`Reason::OutOfBox`](crate::Reason::OutOfBox)).
    pub out_of_box: usize,
}

impl ReasonCounts {
    /// Every user counted, whatever the reason.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// assert_eq!(snapshot.profile_counts()?.by_reason.total(), snapshot.user_count());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn total(&self) -> usize {
        self.direct + self.role_rank + self.default + self.out_of_box
    }

    fn count(&mut self, reason: ResolvedReason) {
        let slot = match reason {
            ResolvedReason::Direct => &mut self.direct,
            ResolvedReason::RoleRank { .. } => &mut self.role_rank,
            ResolvedReason::Default => &mut self.default,
            ResolvedReason::OutOfBox => &mut self.out_of_box,
        };
        *slot += 1;
    }
}

/// How many users resolve to one profile, by reason: an entry of
/// [`ProfileCounts::by_profile`].
///
/// ```
/// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, Snapshot, User};
///
/// let mut org = DirectoryDoc::default();
/// org.profiles.push(Profile::new("agents", "Agents").as_default());
/// org.users.push(User::new("u1", "One"));
/// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
/// let counts = snapshot.profile_counts()?;
/// let agents = counts.by_profile.iter().find(|c| c.profile.as_str() == "agents").unwrap();
/// assert_eq!(agents.reasons.default, 1);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProfileCount {
    /// The profile.
    pub profile: ProfileId,
    /// Its users, by the rule that gave it to them.
    pub reasons: ReasonCounts,
}

/// Every user's profile, counted: what [`Snapshot::profile_counts`]
/// returns.
///
/// ```
/// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, Snapshot, User};
///
/// let mut org = DirectoryDoc::default();
/// org.profiles.push(Profile::new("agents", "Agents").with_rank(1).with_role("omnichannel-agent"));
/// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
/// org.users.push(User::new("u2", "Two"));
/// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
/// let counts = snapshot.profile_counts()?;
/// let lines: Vec<String> = counts
///     .by_profile
///     .iter()
///     .map(|c| format!("{} {}", c.profile, c.reasons.total()))
///     .collect();
/// assert_eq!(lines, ["agents 1", "default-agent-experience-profile 1"]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProfileCounts {
    /// Every profile of the snapshot, in id order, those nobody gets
    /// included (with zeros).
    pub by_profile: Vec<ProfileCount>,
    /// The whole organisation by reason: the sums of `by_profile`.
    pub by_reason: ReasonCounts,
}

impl Snapshot {
    /// Every user who holds `privilege` at `at_least` or higher, in user id
    /// order (the order of [`Snapshot::users`]): the users for whom
    /// [`Snapshot::has_privilege_at`] answers `true`. Asking for
    /// [`AccessLevel::None`] gives the users who hold it at any level.
    ///
    /// Lazy: each user costs one row intersection as the iterator is
    /// consumed, and none when no role grants the privilege at that level.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPrivilege`] when the snapshot's catalogue lacks the
    /// key.
    ///
    /// ```
    /// use rbac_profiles::{AccessLevel, Directory, DirectoryDoc, MemoryStore, Snapshot, Team, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.teams.push(Team::new("sup", "Supervisors").with_role("omnichannel-supervisor").with_member("u3"));
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// org.users.push(User::new("u2", "Two"));
    /// org.users.push(User::new("u3", "Three").with_team("sup"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    ///
    /// let read = "app_profile:read";
    /// let readers: Vec<_> = snapshot
    ///     .users_with(&read, AccessLevel::Organization)?
    ///     .filter_map(|u| snapshot.user_id(u))
    ///     .collect();
    /// assert_eq!(readers, ["u1", "u3"]);
    /// assert_eq!(snapshot.users_with("bot:create", AccessLevel::None)?.count(), 0);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn users_with(
        &self,
        privilege: impl AsKey<Privilege>,
        at_least: AccessLevel,
    ) -> Result<impl Iterator<Item = UserIx> + '_, Error> {
        let Some(privilege) = self.privilege_ix(&privilege) else {
            return Err(Error::UnknownPrivilege {
                privilege: privilege.to_key()?.into_owned(),
            });
        };
        // The lowest granted level at or above `at_least`: a user holds the
        // privilege at `at_least` or higher exactly when they hold it at
        // that level or higher.
        let row = LEVELS
            .iter()
            .position(|level| *level >= at_least)
            .map(|l| privilege.index() * LEVELS.len() + l);
        let users = match row {
            Some(row) if self.grants.row(row).iter().any(|word| *word != 0) => self.users.len(),
            _ => 0,
        };
        let row = row.unwrap_or_default();
        Ok((0..len_u32(users))
            .filter(move |user| self.holds_row(*user, row))
            .map(|user| self.user_handle(user)))
    }

    /// Every user whose profile is `profile`, with how they got it, in user
    /// id order: the users for whom [`Snapshot::resolve_profile`] answers
    /// that profile. A user no rule gives a profile (the store named no
    /// fallback) gets none, so is never listed.
    ///
    /// Lazy: each user is resolved as the iterator is consumed.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownProfile`] when the snapshot does not hold the
    /// profile.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, ResolvedReason, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.profiles.push(Profile::new("agents", "Agents").with_rank(1).with_role("omnichannel-agent"));
    /// org.profiles.push(Profile::new("vip", "VIP").with_user("u2"));
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// org.users.push(User::new("u2", "Two").with_role("omnichannel-agent"));
    /// org.users.push(User::new("u3", "Three"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    ///
    /// let agents: Vec<_> = snapshot.users_of("agents")?.collect();
    /// assert_eq!(agents.len(), 1);
    /// assert_eq!(snapshot.user_id(agents[0].user), Some("u1"));
    /// assert!(matches!(agents[0].reason, ResolvedReason::RoleRank { rank: 1, .. }));
    /// assert!(snapshot.users_of("nobody's").is_err());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn users_of(
        &self,
        profile: impl AsId<ProfileId>,
    ) -> Result<impl Iterator<Item = Resolved> + '_, Error> {
        let profile = self
            .profile_ix(&profile)
            .ok_or_else(|| Error::UnknownProfile {
                profile: profile.to_id().into_owned(),
            })?;
        Ok((0..len_u32(self.users.len()))
            .filter_map(|user| self.resolve_at(user).ok())
            .filter(move |resolved| resolved.profile == profile))
    }

    /// How many users resolve to each profile, and by which rule, over the
    /// whole organisation: [`Snapshot::resolve_all`], counted. Every
    /// profile of the snapshot is listed, in id order, with zeros when
    /// nobody gets it.
    ///
    /// # Errors
    ///
    /// [`Error::NoFallbackProfile`] when a user needs the fallback and the
    /// store named none, as [`Snapshot::resolve_all`].
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.profiles.push(Profile::new("agents", "Agents").with_rank(1).with_role("omnichannel-agent"));
    /// org.profiles.push(Profile::new("unused", "Unused"));
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// org.users.push(User::new("u2", "Two"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    ///
    /// let counts = snapshot.profile_counts()?;
    /// let lines: Vec<String> = counts
    ///     .by_profile
    ///     .iter()
    ///     .map(|c| format!("{} rank {} fallback {}", c.profile, c.reasons.role_rank, c.reasons.out_of_box))
    ///     .collect();
    /// assert_eq!(lines, [
    ///     "agents rank 1 fallback 0",
    ///     "default-agent-experience-profile rank 0 fallback 1",
    ///     "unused rank 0 fallback 0",
    /// ]);
    /// assert_eq!(counts.by_reason.total(), 2);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn profile_counts(&self) -> Result<ProfileCounts, Error> {
        let mut per_profile = vec![ReasonCounts::default(); self.profiles.len()];
        let mut by_reason = ReasonCounts::default();
        for user in 0..len_u32(self.users.len()) {
            if self.is_disabled(user) {
                continue;
            }
            let resolved = self.resolve_at(user)?;
            if let Some(counts) = per_profile.get_mut(resolved.profile.index()) {
                counts.count(resolved.reason);
            }
            by_reason.count(resolved.reason);
        }
        let by_profile = (0u32..)
            .zip(per_profile)
            .map(|(profile, reasons)| ProfileCount {
                profile: ProfileId::from(self.profiles.id(profile).unwrap_or_default()),
                reasons,
            })
            .collect();
        Ok(ProfileCounts {
            by_profile,
            by_reason,
        })
    }
}
