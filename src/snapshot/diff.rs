//! Two snapshots compared by ids: [`Snapshot::diff`].

use serde::{Deserialize, Serialize};

use super::bits::{has_bit, ones};
use super::intern::{IdTable, NONE};
use super::{ProfileMove, Resolved, ResolvedReason, Snapshot};
use crate::error::Error;
use crate::id::UserId;
use crate::key::Privilege;
use crate::privilege::AccessLevel;
use crate::resolve::Resolution;

/// How one user's answers differ between two snapshots: what
/// [`Snapshot::diff`] lists.
///
/// ```
/// use rbac_profiles::{AccessLevel, LevelChange, UserDiff};
///
/// let change = LevelChange::new("bot:create".parse()?, AccessLevel::None, AccessLevel::Organization);
/// let diff = UserDiff::new("u1", None, None, vec![change]);
/// assert_eq!(diff.privileges[0].after, AccessLevel::Organization);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserDiff {
    /// The user.
    pub user: UserId,
    /// Their resolution in the first snapshot; `None` when it lacks them
    /// or they are disabled there.
    pub before: Option<Resolution>,
    /// Their resolution in the second; `None` when it lacks them or they
    /// are disabled there.
    pub after: Option<Resolution>,
    /// Every privilege whose level differs, in key order (a user one
    /// snapshot lacks holds nothing there).
    pub privileges: Vec<LevelChange>,
}

impl UserDiff {
    /// A user's difference.
    ///
    /// ```
    /// use rbac_profiles::{Reason, Resolution, UserDiff};
    ///
    /// let diff = UserDiff::new("u1", Some(Resolution::new("a", Reason::Default)), None, vec![]);
    /// assert!(diff.after.is_none());
    /// ```
    pub fn new(
        user: impl Into<UserId>,
        before: Option<Resolution>,
        after: Option<Resolution>,
        privileges: Vec<LevelChange>,
    ) -> Self {
        Self {
            user: user.into(),
            before,
            after,
            privileges,
        }
    }

    /// The user's [`ProfileMove`] when they are in both snapshots and their
    /// resolution differs: what [`Snapshot::impact`] predicts.
    ///
    /// ```
    /// use rbac_profiles::{Reason, Resolution, UserDiff};
    ///
    /// let default = Resolution::new("a", Reason::Default);
    /// let moved = UserDiff::new("u1", Some(default.clone()), Some(Resolution::new("b", Reason::Direct)), vec![]);
    /// assert_eq!(moved.moved().map(|m| m.after.profile), Some("b".into()));
    /// let stayed = UserDiff::new("u1", Some(default.clone()), Some(default), vec![]);
    /// assert!(stayed.moved().is_none());
    /// ```
    pub fn moved(&self) -> Option<ProfileMove> {
        match (&self.before, &self.after) {
            (Some(before), Some(after)) if before != after => Some(ProfileMove::new(
                self.user.clone(),
                before.clone(),
                after.clone(),
            )),
            _ => None,
        }
    }
}

/// A privilege held at one level before and another after.
///
/// ```
/// use rbac_profiles::{AccessLevel, LevelChange};
///
/// let change = LevelChange::new("bot:create".parse()?, AccessLevel::User, AccessLevel::None);
/// assert_eq!(change.privilege.as_str(), "bot:create");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LevelChange {
    /// The privilege.
    pub privilege: Privilege,
    /// The level in the first snapshot ([`AccessLevel::None`] when not
    /// held, or not in its catalogue).
    pub before: AccessLevel,
    /// The level in the second.
    pub after: AccessLevel,
}

impl LevelChange {
    /// `privilege` going from `before` to `after`.
    ///
    /// ```
    /// use rbac_profiles::{AccessLevel, LevelChange};
    ///
    /// let change = LevelChange::new("bot:create".parse()?, AccessLevel::None, AccessLevel::User);
    /// assert_eq!(change.before, AccessLevel::None);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn new(privilege: Privilege, before: AccessLevel, after: AccessLevel) -> Self {
        Self {
            privilege,
            before,
            after,
        }
    }
}

impl Snapshot {
    /// Every user whose resolution or effective privileges differ between
    /// this snapshot and `after`, in user id order, compared by ids (each
    /// snapshot numbers its own). A user in only one of them is listed with
    /// `None` on the other side and every privilege they hold.
    ///
    /// Users whose held roles (inclusions expanded) are the same in both,
    /// none of them granting differently, are compared by their roles
    /// alone; the others privilege by privilege.
    ///
    /// # Errors
    ///
    /// [`Error::NoFallbackProfile`] as [`Snapshot::resolve_all`], for either
    /// snapshot.
    ///
    /// ```
    /// use rbac_profiles::{AccessLevel, Directory, DirectoryDoc, MemoryStore, Reason, Snapshot, User};
    ///
    /// let org = |role: &str| -> Result<MemoryStore, rbac_profiles::Error> {
    ///     let mut org = DirectoryDoc::default();
    ///     org.users.push(User::new("u1", "One").with_role(role));
    ///     Ok(MemoryStore::new(Directory::builtin_with(org)?))
    /// };
    /// let before = Snapshot::compile(&org("omnichannel-agent")?)?;
    /// let after = Snapshot::compile(&org("omnichannel-supervisor")?)?;
    ///
    /// let diff = before.diff(&after)?;
    /// assert_eq!(diff.len(), 1);
    /// assert_eq!(diff[0].before, diff[0].after); // both out-of-box
    /// let transfer = diff[0].privileges.iter().find(|c| c.privilege.as_str() == "conversation:transfer");
    /// assert_eq!(transfer.map(|c| (c.before, c.after)), Some((AccessLevel::None, AccessLevel::Organization)));
    /// assert!(before.diff(&before)?.is_empty());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn diff(&self, after: &Snapshot) -> Result<Vec<UserDiff>, Error> {
        let keys = aligned(&self.privileges, &after.privileges);
        let roles = aligned(&self.roles, &after.roles);
        let mut role_after = vec![NONE; self.roles.len()];
        let mut regranted = vec![false; self.roles.len()];
        for (a, b) in &roles {
            let (Some(a), Some(b)) = (*a, *b) else {
                continue;
            };
            if let Some(slot) = role_after.get_mut(a as usize) {
                *slot = b;
            }
            let grants_differ = keys.iter().any(|(ka, kb)| {
                let before = ka.map_or(AccessLevel::None, |p| self.role_level(a, p));
                let now = kb.map_or(AccessLevel::None, |p| after.role_level(b, p));
                before != now
            });
            if let Some(slot) = regranted.get_mut(a as usize) {
                *slot = grants_differ;
            }
        }
        let compare = Compare {
            before: self,
            after,
            keys: &keys,
            role_after: &role_after,
            regranted: &regranted,
        };
        let mut diffs = Vec::new();
        for (a, b) in aligned(&self.users, &after.users) {
            if let Some(diff) = compare.user(a, b)? {
                diffs.push(diff);
            }
        }
        Ok(diffs)
    }
}

/// What [`Snapshot::diff`] compares with.
struct Compare<'a> {
    before: &'a Snapshot,
    after: &'a Snapshot,
    /// Privileges by key: index in each snapshot.
    keys: &'a [(Option<u32>, Option<u32>)],
    /// Per role of `before`: its index in `after`, or NONE.
    role_after: &'a [u32],
    /// Per role of `before`: whether its own grants differ in `after`.
    regranted: &'a [bool],
}

impl Compare<'_> {
    /// The difference for the user at index `a` of `before` and `b` of
    /// `after` (at least one is `Some`); `None` when there is none.
    fn user(&self, a: Option<u32>, b: Option<u32>) -> Result<Option<UserDiff>, Error> {
        let (Some(id), resolved_a, resolved_b) = (
            a.and_then(|a| self.before.users.id(a))
                .or_else(|| b.and_then(|b| self.after.users.id(b))),
            // A disabled user resolves to nothing on that side.
            a.filter(|a| !self.before.is_disabled(*a))
                .map(|a| self.before.resolve_at(a))
                .transpose()?,
            b.filter(|b| !self.after.is_disabled(*b))
                .map(|b| self.after.resolve_at(b))
                .transpose()?,
        ) else {
            return Ok(None);
        };
        let empty: &[u64] = &[];
        let held_a = a.map(|a| self.before.held_row(a));
        let held_b = b.map(|b| self.after.held_row(b));
        let row_a = held_a.as_deref().unwrap_or(empty);
        let row_b = held_b.as_deref().unwrap_or(empty);
        let same_resolution = match (&resolved_a, &resolved_b) {
            (Some(x), Some(y)) => same(self.before, x, self.after, y),
            // Disabled on both sides: no profile either time.
            (None, None) => a.is_some() && b.is_some(),
            _ => false,
        };
        let privileges = if a.is_some() && b.is_some() && self.same_roles(row_a, row_b) {
            Vec::new()
        } else {
            self.levels(row_a, row_b)
        };
        if same_resolution && privileges.is_empty() {
            return Ok(None);
        }
        let before = resolved_a.map(|r| self.before.resolution(&r)).transpose()?;
        let after = resolved_b.map(|r| self.after.resolution(&r)).transpose()?;
        Ok(Some(UserDiff::new(id, before, after, privileges)))
    }

    /// Whether two held rows are the same roles by id, none granting
    /// differently.
    fn same_roles(&self, row_a: &[u64], row_b: &[u64]) -> bool {
        let mut count = 0;
        for role in ones(row_a) {
            let mapped = self.role_after.get(role).copied().unwrap_or(NONE);
            let regranted = self.regranted.get(role).copied().unwrap_or(true);
            if mapped == NONE || regranted || !has_bit(row_b, mapped as usize) {
                return false;
            }
            count += 1;
        }
        count == row_b.iter().map(|w| w.count_ones()).sum::<u32>()
    }

    /// Every privilege whose level differs between the two held rows.
    fn levels(&self, row_a: &[u64], row_b: &[u64]) -> Vec<LevelChange> {
        let mut changes = Vec::new();
        for (ka, kb) in self.keys {
            let before = ka.map_or(AccessLevel::None, |p| self.before.level_of(row_a, p));
            let after = kb.map_or(AccessLevel::None, |p| self.after.level_of(row_b, p));
            if before != after {
                let key = ka
                    .and_then(|p| self.before.privileges.id(p))
                    .or_else(|| kb.and_then(|p| self.after.privileges.id(p)))
                    .unwrap_or_default();
                let privilege = Privilege::from_owned_unchecked(key.to_owned());
                changes.push(LevelChange::new(privilege, before, after));
            }
        }
        changes
    }
}

/// Whether two resolutions, each of its own snapshot, name the same ids.
fn same(a_in: &Snapshot, a: &Resolved, b_in: &Snapshot, b: &Resolved) -> bool {
    let reasons = match (a.reason, b.reason) {
        (
            ResolvedReason::RoleRank { role: x, rank: i },
            ResolvedReason::RoleRank { role: y, rank: j },
        ) => i == j && a_in.role_id(x) == b_in.role_id(y),
        (x, y) => x == y,
    };
    reasons && a_in.profile_id(a.profile) == b_in.profile_id(b.profile)
}

/// The union of two id tables in id order: each id's index in either.
fn aligned(a: &IdTable, b: &IdTable) -> Vec<(Option<u32>, Option<u32>)> {
    let (mut i, mut j) = (0u32, 0u32);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    loop {
        let pair = match (a.id(i), b.id(j)) {
            (None, None) => return out,
            (Some(x), Some(y)) if x == y => (Some(i), Some(j)),
            (Some(x), Some(y)) if x < y => (Some(i), None),
            (Some(_), None) => (Some(i), None),
            _ => (None, Some(j)),
        };
        i += u32::from(pair.0.is_some());
        j += u32::from(pair.1.is_some());
        out.push(pair);
    }
}
