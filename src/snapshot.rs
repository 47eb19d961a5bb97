//! The compiled snapshot: every answer from memory, for hot paths and whole
//! organisations.
//!
//! [`Snapshot::compile`] reads a store once and lays it out for answering:
//!
//! - ids are interned to dense indices (users, roles, privileges and profiles
//!   each in id order), with one open-addressing table per kind for the
//!   string-keyed methods;
//! - every user has one bitset row of the roles they hold, direct and through
//!   teams, with inclusions expanded; up to 512 roles a row is one cache
//!   line. Past 512 roles the snapshot keeps no such rows (they would grow
//!   with users × roles): a check reads the user's own roles and their
//!   teams' against one row per privilege and level of the roles whose
//!   inclusions grant it, so memory stays linear in users plus roles ×
//!   privileges / 2 bits whatever the number of roles;
//! - every privilege has one bitset row per access level of the roles that
//!   grant it at that level or higher, so a check is "do the two rows share a
//!   bit": one cache miss for the user's row, the privilege rows stay cached;
//! - profile resolution keeps each user's direct roles and direct
//!   assignment, the ranked profiles sorted once, and per role the best
//!   ranked profile mapping it and whether it is an agent or supervisor
//!   persona role, so every resolution also says whether the user can use
//!   the profile ([`Resolved::usable`]).
//!
//! A snapshot answers from memory and never reads the store to do so:
//! compile a new one after a change, and share it behind an
//! [`Arc`](std::sync::Arc).
//!
//! It also answers administrators' questions: why a user holds a privilege
//! ([`Snapshot::explain_privilege`]), who holds it or gets a profile
//! ([`Snapshot::users_with`], [`Snapshot::users_of`],
//! [`Snapshot::profile_counts`]), what a proposed change would do
//! ([`Snapshot::impact`], which reads the store to check the proposal and
//! the profiles it touches, and writes nothing), and what differs between
//! two snapshots ([`Snapshot::diff`]).

mod access;
mod apply;
mod batch;
mod bits;
mod compile;
mod diff;
mod explain;
mod impact_access;
mod intern;
mod reverse;
mod shared;
mod tables;
mod units;
mod what_if;

pub use reverse::{ProfileCount, ProfileCounts, ReasonCounts};
pub use shared::{Follow, SharedSnapshot, SnapshotGuard, SnapshotReader};

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use access::{OwnerIx, PrincipalIx, RecordIx, ShareIx};
use bits::{Rows, SharedRows, has_bit, intersects};
pub use diff::{LevelChange, UserDiff};
pub use impact_access::AccessChange;
pub(crate) use intern::IdHash;
use intern::{IdTable, NONE};
use tables::{Csr, SegmentedRows, SharedCsr, SparseVec, UserPlaces, len_u32};
use units::Units;
pub use what_if::{ProfileMove, Proposal};

use crate::error::{EntityKind, Error};
use crate::id::{AsId, ProfileId, RoleId, UserId};
use crate::key::{AsKey, Privilege};
use crate::privilege::AccessLevel;
use crate::profile_use::is_persona;
use crate::record::AccessRight;
use crate::resolve::{Decision, Reason, Resolution, Rule};
use crate::store::Store;

/// The granted levels, lowest first: row `l` of a privilege holds the roles
/// granting it at `LEVELS[l]` or higher.
const LEVELS: [AccessLevel; 4] = [
    AccessLevel::User,
    AccessLevel::BusinessUnit,
    AccessLevel::ParentChildBusinessUnit,
    AccessLevel::Organization,
];

/// An immutable, compiled view of a store that answers
/// [`has_privilege`](Snapshot::has_privilege),
/// [`privilege_level`](Snapshot::privilege_level) and
/// [`resolve_profile`](Snapshot::resolve_profile) from memory, as the store
/// path answers them for every user of the store compiled.
///
/// Compile once, then share: `Snapshot` is `Send + Sync` and never touches
/// storage again. Hot paths look ids up once ([`Snapshot::user_ix`],
/// [`Snapshot::privilege_ix`]) and then ask by handle
/// ([`Snapshot::has_privilege_ix`]), which skips hashing.
///
/// ```
/// use std::sync::Arc;
/// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, Reason, Snapshot, User};
///
/// let mut org = DirectoryDoc::default();
/// org.profiles.push(Profile::new("contoso-agent", "Contoso Agent").with_rank(1).with_role("omnichannel-agent"));
/// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
/// org.users.push(User::new("u2", "Two"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// let snapshot = Arc::new(Snapshot::compile(&store)?);
/// assert!(snapshot.has_privilege("u1", "app_profile:read")?);
///
/// // Every user's profile, in user id order.
/// let all = snapshot.resolve_all()?;
/// let lines: Vec<String> = all
///     .iter()
///     .map(|r| Ok(format!("{} {}", snapshot.user_id(r.user).unwrap_or("?"), snapshot.resolution(r)?)))
///     .collect::<Result<_, rbac_profiles::Error>>()?;
/// assert_eq!(lines, [
///     "u1 contoso-agent (role omnichannel-agent, rank 1)",
///     "u2 default-agent-experience-profile (out-of-box fallback)",
/// ]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
///
/// Cloning is cheap (the tables are shared, not copied) and the clone
/// accepts the original's handles.
#[derive(Clone)]
pub struct Snapshot {
    /// Distinguishes this snapshot's handles from every other's: issued
    /// once in the process, never reused.
    stamp: Stamp,
    /// The store's version when compiled (`None`: a store without
    /// versions).
    version: Option<u64>,
    users: Arc<IdTable>,
    /// Per privilege: the share right its action matches, if any.
    rights: Arc<Vec<Option<AccessRight>>>,
    /// Per user: the index of their business unit (the root's when they
    /// name none; NONE when the store has no units) and their teams, in id
    /// order.
    places: UserPlaces,
    /// Disabled users, in index order: compiled holding nothing, and
    /// resolving to no profile.
    disabled: Arc<Vec<u32>>,
    /// `(user, role, unit)`, sorted: direct roles held in another unit than
    /// the user's.
    away: Arc<Vec<(u32, u32, u32)>>,
    /// `(user, role)`, sorted: direct roles held only in another unit.
    away_only: Arc<Vec<(u32, u32)>>,
    /// The business units.
    units: Arc<Units>,
    /// Every team of the store, in id order.
    teams: Arc<IdTable>,
    /// Per team: its unit's index.
    team_units: Arc<Vec<u32>>,
    /// Per role: whether a team holding it lets members reach their own
    /// records (`Inheritance::DirectUserBasic`).
    member_owned: Arc<Vec<bool>>,
    /// Row `p * LEVELS.len() + l`: the roles whose closure (the role and
    /// every role it includes) grants privilege `p` at `LEVELS[l]` or
    /// higher: one bit test per held role answers record access.
    reach: Arc<Rows>,
    /// Per user: every role held, direct or through a team, inclusions
    /// expanded; `None` past [`compile::DENSE_ROLES`] roles, where a check
    /// reads the user's roles and their teams' against `reach` instead, so
    /// memory stays linear in users whatever the number of roles.
    held: Option<SharedRows>,
    /// Up to [`compile::DENSE_ROLES`] roles, per role: the role and every
    /// role it includes (what [`Snapshot::apply`] ORs into a user's row).
    closure: Option<Arc<Rows>>,
    /// Per user: the roles held directly, in id order (profiles map only
    /// these).
    direct_roles: SharedCsr,
    /// Per user: the custom profile they are directly assigned to, or NONE
    /// (kept as pairs for the few users who have one).
    direct_profile: SparseVec,
    /// `(user, profile)`, sorted: further custom profiles listing a user
    /// (only a host's store can hold these; the first is `direct_profile`).
    also_assigned: Arc<Vec<(u32, u32)>>,
    /// `(user id, profile)`, sorted: custom profiles listing a user the
    /// store lacks (only a host's store can hold these). No answer reads
    /// them; [`Snapshot::apply`] assigns the profile when the user comes.
    listed_unknown: Arc<Vec<(Box<str>, u32)>>,
    /// Per profile: whether it is out-of-box (the store's fallback may be
    /// the only one).
    out_of_box: Arc<Vec<bool>>,
    /// Per profile: the users it lists, in id order.
    assigned: SegmentedRows,
    /// Per role: the users holding it directly, in id order.
    role_users: SegmentedRows,
    roles: Arc<IdTable>,
    privileges: Arc<IdTable>,
    /// Row `p * LEVELS.len() + l`: the roles granting privilege `p` at
    /// `LEVELS[l]` or higher.
    grants: Arc<Rows>,
    profiles: Arc<IdTable>,
    /// Custom profiles with a rank and mapped roles, best first.
    ranked: Arc<Vec<Ranked>>,
    /// Per role: the position in `ranked` of the best profile mapping it,
    /// or NONE.
    role_best: Arc<Vec<u32>>,
    /// Per role: the positions in `ranked` of every profile mapping it,
    /// best first.
    role_ranked: Arc<Csr>,
    /// Per role: whether the store's definition was read (a role only a
    /// profile maps, which nobody holds, is known by id alone).
    read_roles: Arc<Vec<bool>>,
    /// Per role: whether it is an agent or supervisor persona role, which
    /// held directly makes a user's profile usable.
    personas: Arc<Vec<bool>>,
    /// The custom profiles marked default, in id order: the first applies.
    defaults: Arc<Vec<u32>>,
    fallback: Option<u32>,
    /// Teams, memberships and inclusions, for routes (issue 7).
    routes: RouteTables,
}

/// The tables a resolution reads besides the user's own entries.
struct ResolveTables<'a> {
    role_best: &'a [u32],
    personas: &'a [bool],
    ranked: &'a [Ranked],
    default: Option<u32>,
}

/// A ranked profile of the snapshot.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Ranked {
    profile: u32,
    rank: u32,
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// A handle is an index into the [`Snapshot`] that issued it, in id
        /// order, stamped with that snapshot's identity: every other
        /// snapshot refuses it. Identities are 64-bit and issued once per
        /// process, never reused (compiling fails rather than wrap), so a
        /// stale handle kept across a recompile can't answer for somebody
        /// else, however many snapshots were compiled since.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name {
            // `stamp` first: handles of one snapshot order by index.
            stamp: Stamp,
            ix: u32,
        }

        impl $name {
            /// The dense index in the issuing snapshot, in id order from 0.
            ///
            /// ```
            /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
            ///
            /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
            /// assert_eq!(snapshot.privileges().next().map(|p| p.index()), Some(0));
            /// # Ok::<(), rbac_profiles::Error>(())
            /// ```
            pub fn index(self) -> usize {
                self.ix as usize
            }
        }
    };
}

handle!(
    /// A user of a [`Snapshot`], from [`Snapshot::user_ix`] or
    /// [`Snapshot::users`].
    UserIx
);
handle!(
    /// A privilege of a [`Snapshot`], from [`Snapshot::privilege_ix`] or
    /// [`Snapshot::privileges`].
    PrivilegeIx
);
handle!(
    /// A role of a [`Snapshot`], as named by [`ResolvedReason::RoleRank`].
    RoleIx
);
handle!(
    /// A profile of a [`Snapshot`], as chosen by a [`Resolved`].
    ProfileIx
);
handle!(
    /// A team of a [`Snapshot`], from [`Snapshot::team_ix`].
    TeamIx
);
handle!(
    /// A business unit of a [`Snapshot`], from
    /// [`Snapshot::business_unit_ix`].
    BusinessUnitIx
);

/// A user's profile and the rule that chose it, in handles: what
/// [`Snapshot::resolve_all`] returns per user, with no id to copy.
/// [`Snapshot::resolution`] turns it into a [`Resolution`] with ids.
///
/// ```
/// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, ResolvedReason, Snapshot, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("u1", "One"));
/// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
/// let resolved = snapshot.resolve_ix(snapshot.user_ix("u1").unwrap())?;
/// assert_eq!(resolved.reason, ResolvedReason::OutOfBox);
/// assert_eq!(snapshot.profile_id(resolved.profile), Some("default-agent-experience-profile"));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Resolved {
    /// The user.
    pub user: UserIx,
    /// The profile that applies.
    pub profile: ProfileIx,
    /// Which rule chose it.
    pub reason: ResolvedReason,
    /// Whether the user can use it: they hold an agent or supervisor
    /// persona role directly, as [`Usability::is_usable`](crate::Usability::is_usable)
    /// answers on the store path ([`profile_use`](crate::profile_use) says
    /// why not).
    pub usable: bool,
}

/// [`Reason`] in handles.
///
/// ```
/// use rbac_profiles::ResolvedReason;
///
/// assert_ne!(ResolvedReason::Direct, ResolvedReason::Default);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResolvedReason {
    /// [`Reason::Direct`].
    Direct,
    /// [`Reason::RoleRank`]: the smallest role id the user holds directly
    /// among the profile's mapped roles, and the profile's rank.
    RoleRank {
        /// The role.
        role: RoleIx,
        /// The profile's rank.
        rank: u32,
    },
    /// [`Reason::Default`].
    Default,
    /// [`Reason::OutOfBox`].
    OutOfBox,
}

/// A snapshot's identity, which its handles carry: unique in the process.
///
/// 64 bits held as two halves, so a handle stays 4-byte aligned (12
/// bytes, and [`Resolved`] 48). Issued by [`Stamp::next`] from a counter
/// that refuses to wrap: two snapshots never share one, so a handle is
/// accepted only by the snapshot that issued it (and its clones). At one
/// compile a nanosecond the counter would last 584 years; were it ever
/// spent, compiling fails with [`Error::SnapshotLimit`] instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Stamp {
    high: u32,
    low: u32,
}

/// The last stamp issued.
static STAMPS: AtomicU64 = AtomicU64::new(0);

impl Stamp {
    /// A stamp no snapshot of the process has had.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotLimit`] once 2^64 − 1 stamps were issued.
    fn next() -> Result<Self, Error> {
        Stamp::next_from(&STAMPS)
    }

    fn next_from(counter: &AtomicU64) -> Result<Self, Error> {
        let last = counter
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_add(1))
            .map_err(|_| Error::SnapshotLimit {
                what: "snapshots compiled in this process",
                limit: u64::MAX,
            })?;
        Ok(Stamp::from_bits(last.saturating_add(1)))
    }

    fn from_bits(bits: u64) -> Self {
        Stamp {
            high: (bits >> 32) as u32,
            low: bits as u32,
        }
    }

    /// Whether `self` and `other` differ, without a branch: zero when
    /// equal.
    #[inline]
    fn differs(self, other: Stamp) -> u32 {
        (self.high ^ other.high) | (self.low ^ other.low)
    }
}

impl Snapshot {
    /// Reads the whole store once and compiles it.
    ///
    /// Users come from [`Store::for_each_user`], privileges from
    /// [`Store::privilege_keys`], profiles from [`Store::profiles`]; teams
    /// and roles are those users, teams, inclusions and ranked profiles refer
    /// to. Grants of keys outside the catalogue are ignored (no query can
    /// name them). A role a profile maps that no user holds is kept by id
    /// but not read: it can't decide a resolution, and the store need not
    /// hold it (the store path never reads it either).
    ///
    /// # Errors
    ///
    /// All or nothing: [`Error::Storage`] when the store fails;
    /// [`Error::UnknownReference`] when a user, team or role refers to a
    /// team or role the store does not hold (the first referrer met is
    /// named: users in id order, then teams, then inclusions), where the
    /// store path would fail only the questions about that user;
    /// [`Error::Storage`] too when the store's `for_each_user` hands users
    /// out of id order or one twice (a user the default lists but then
    /// doesn't find is skipped: it is gone); [`Error::SnapshotLimit`] past 4 294 967 294 entities of a kind
    /// or 4 GiB of id text (or, never in practice, once the process has
    /// compiled 2^64 − 1 snapshots: identities are not reused);
    /// [`Error::SnapshotTooLarge`] when a table can't
    /// be allocated. Up to 512 roles, the role rows take users × roles / 8
    /// bytes (rounded up to 8, 16, 32 or 64 bytes a user); past that there
    /// are none. The privilege rows take privileges × roles bits (× 8:
    /// four levels, own grants and through inclusions). Compiling is
    /// linear in the store's size plus those rows.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// assert_eq!(snapshot.user_count(), 0);
    /// assert_eq!(snapshot.privilege_count(), 108);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn compile<S: Store + ?Sized>(store: &S) -> Result<Self, Error> {
        // Read first: a store that moves on during the compile leaves a
        // snapshot that says it is behind, never one that says it is ahead.
        let version = store.version()?;
        let mut snapshot = compile::compile(store, Stamp::next()?)?;
        snapshot.version = version;
        Ok(snapshot)
    }

    /// The version of the store the snapshot was compiled from
    /// ([`Store::version`]); `None` for a store without versions.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// assert_eq!(snapshot.version(), Some(0));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn version(&self) -> Option<u64> {
        self.version
    }

    /// Refuses a store whose version is not the one this snapshot was
    /// compiled at; a store without versions passes (the questions then
    /// check the entities they touch).
    pub(crate) fn check_version<S: Store + ?Sized>(&self, store: &S) -> Result<(), Error> {
        match store.version()? {
            Some(now) if self.version != Some(now) => Err(Error::StaleSnapshot {
                stale: crate::error::Staleness::Version {
                    snapshot: self.version,
                    store: now,
                },
            }),
            _ => Ok(()),
        }
    }

    /// How many users the snapshot holds.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// assert_eq!(snapshot.user_count(), 0);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn user_count(&self) -> usize {
        self.users.len()
    }

    /// How many privileges the snapshot's catalogue holds.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// assert_eq!(snapshot.privilege_count(), 108);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn privilege_count(&self) -> usize {
        self.privileges.len()
    }

    /// Every user, in id order (byte order).
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("b", "B"));
    /// org.users.push(User::new("a", "A"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let ids: Vec<_> = snapshot.users().filter_map(|u| snapshot.user_id(u)).collect();
    /// assert_eq!(ids, ["a", "b"]);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn users(&self) -> impl ExactSizeIterator<Item = UserIx> + '_ {
        (0..len_u32(self.users.len())).map(|ix| self.user_handle(ix))
    }

    /// Every privilege of the catalogue, in key order.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// let first = snapshot.privileges().next().and_then(|p| snapshot.privilege_key(p));
    /// assert_eq!(first, Some("agent_script:append"));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn privileges(&self) -> impl ExactSizeIterator<Item = PrivilegeIx> + '_ {
        (0..len_u32(self.privileges.len())).map(|ix| PrivilegeIx {
            stamp: self.stamp,
            ix,
        })
    }

    /// The handle of `user`; `None` when the snapshot does not hold them.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// assert!(snapshot.user_ix("u1").is_some());
    /// assert!(snapshot.user_ix("u2").is_none());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn user_ix(&self, user: impl AsId<UserId>) -> Option<UserIx> {
        self.users.get(user.id_str()).map(|ix| self.user_handle(ix))
    }

    /// The handle of `privilege`; `None` when the catalogue does not define
    /// it.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// assert!(snapshot.privilege_ix("bot:create").is_some());
    /// assert!(snapshot.privilege_ix("bot:fly").is_none());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn privilege_ix(&self, privilege: impl AsKey<Privilege>) -> Option<PrivilegeIx> {
        self.privileges
            .get(privilege.key_str())
            .map(|ix| PrivilegeIx {
                stamp: self.stamp,
                ix,
            })
    }

    /// The handle of `role`; `None` when no user holds it (directly, through
    /// a team or by inclusion) and no ranked profile maps it: the snapshot
    /// keeps only those roles.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let agent = snapshot.role_ix("omnichannel-agent").unwrap();
    /// assert_eq!(snapshot.role_id(agent), Some("omnichannel-agent"));
    /// assert!(snapshot.role_ix("omnichannel-supervisor").is_none());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn role_ix(&self, role: impl AsId<RoleId>) -> Option<RoleIx> {
        self.roles.get(role.id_str()).map(|ix| RoleIx {
            stamp: self.stamp,
            ix,
        })
    }

    /// The handle of `profile`; `None` when the store did not list it.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// let oob = snapshot.profile_ix("default-agent-experience-profile").unwrap();
    /// assert_eq!(snapshot.profile_id(oob), Some("default-agent-experience-profile"));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn profile_ix(&self, profile: impl AsId<ProfileId>) -> Option<ProfileIx> {
        self.profiles.get(profile.id_str()).map(|ix| ProfileIx {
            stamp: self.stamp,
            ix,
        })
    }

    /// The id of the user behind a handle; `None` for a handle this
    /// snapshot did not issue.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let u1 = snapshot.user_ix("u1").unwrap();
    /// assert_eq!(snapshot.user_id(u1), Some("u1"));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn user_id(&self, user: UserIx) -> Option<&str> {
        self.users.id(self.own(user.stamp, user.ix)?)
    }

    /// The key of the privilege behind a handle.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// let bot_create = snapshot.privilege_ix("bot:create").unwrap();
    /// assert_eq!(snapshot.privilege_key(bot_create), Some("bot:create"));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn privilege_key(&self, privilege: PrivilegeIx) -> Option<&str> {
        self.privileges.id(self.own(privilege.stamp, privilege.ix)?)
    }

    /// The id of the role behind a handle.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, ResolvedReason, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.profiles.push(Profile::new("p", "P").with_rank(1).with_role("omnichannel-agent"));
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let resolved = snapshot.resolve_all()?;
    /// let ResolvedReason::RoleRank { role, .. } = resolved[0].reason else { unreachable!() };
    /// assert_eq!(snapshot.role_id(role), Some("omnichannel-agent"));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn role_id(&self, role: RoleIx) -> Option<&str> {
        self.roles.id(self.own(role.stamp, role.ix)?)
    }

    /// The id of the profile behind a handle.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let resolved = snapshot.resolve_all()?;
    /// assert_eq!(snapshot.profile_id(resolved[0].profile), Some("default-agent-experience-profile"));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn profile_id(&self, profile: ProfileIx) -> Option<&str> {
        self.profiles.id(self.own(profile.stamp, profile.ix)?)
    }

    /// Whether `user` holds `privilege` at any level above
    /// [`AccessLevel::None`]: the same answer as
    /// [`has_privilege`](crate::has_privilege) on the store compiled.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownUser`] and [`Error::UnknownPrivilege`] when either id
    /// is not in the snapshot.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, Team, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.teams.push(Team::new("sup", "Supervisors").with_role("omnichannel-supervisor").with_member("u1"));
    /// org.users.push(User::new("u1", "One").with_team("sup"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// assert!(snapshot.has_privilege("u1", "conversation:transfer")?);
    /// assert!(snapshot.has_privilege("nobody", "bot:create").is_err());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn has_privilege(
        &self,
        user: impl AsId<UserId>,
        privilege: impl AsKey<Privilege>,
    ) -> Result<bool, Error> {
        let (user, privilege) = self.handles(user, privilege)?;
        Ok(self.has_privilege_ix(user, privilege))
    }

    /// Whether `user` holds `privilege` at `level` or higher; asking for
    /// [`AccessLevel::None`] is the same as [`Snapshot::has_privilege`].
    ///
    /// # Errors
    ///
    /// As [`Snapshot::has_privilege`].
    ///
    /// ```
    /// use rbac_profiles::{AccessLevel, Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-administrator"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let bot_create = "bot:create";
    /// assert!(snapshot.has_privilege_at("u1", &bot_create, AccessLevel::Organization)?);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn has_privilege_at(
        &self,
        user: impl AsId<UserId>,
        privilege: impl AsKey<Privilege>,
        level: AccessLevel,
    ) -> Result<bool, Error> {
        let held = self.privilege_level(user, privilege)?;
        Ok(held.is_granted() && held >= level)
    }

    /// The highest level at which `user` holds `privilege`;
    /// [`AccessLevel::None`] when no role grants it.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::has_privilege`].
    ///
    /// ```
    /// use rbac_profiles::{AccessLevel, Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let level = snapshot.privilege_level("u1", "app_profile:read")?;
    /// assert_eq!(level, AccessLevel::Organization);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn privilege_level(
        &self,
        user: impl AsId<UserId>,
        privilege: impl AsKey<Privilege>,
    ) -> Result<AccessLevel, Error> {
        let (user, privilege) = self.handles(user, privilege)?;
        Ok(self.privilege_level_ix(user, privilege))
    }

    /// [`Snapshot::has_privilege`] by handle: no hashing, no error. A
    /// handle this snapshot did not issue answers `false`.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let u1 = snapshot.user_ix("u1").unwrap();
    /// let read = snapshot.privilege_ix("app_profile:read").unwrap();
    /// assert!(snapshot.has_privilege_ix(u1, read));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    #[inline]
    pub fn has_privilege_ix(&self, user: UserIx, privilege: PrivilegeIx) -> bool {
        self.issued(user, privilege) && self.holds_row(user.ix, privilege.index() * LEVELS.len())
    }

    /// [`Snapshot::privilege_level`] by handle. A handle this snapshot did
    /// not issue answers [`AccessLevel::None`].
    ///
    /// ```
    /// use rbac_profiles::{AccessLevel, Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let u1 = snapshot.user_ix("u1").unwrap();
    /// let create = snapshot.privilege_ix("bot:create").unwrap();
    /// assert_eq!(snapshot.privilege_level_ix(u1, create), AccessLevel::None);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn privilege_level_ix(&self, user: UserIx, privilege: PrivilegeIx) -> AccessLevel {
        if !self.issued(user, privilege) {
            return AccessLevel::None;
        }
        let first = privilege.index() * LEVELS.len();
        // Each level's roles are a subset of the level below's.
        LEVELS
            .iter()
            .enumerate()
            .take_while(|(l, _)| self.holds_row(user.ix, first + l))
            .last()
            .map_or(AccessLevel::None, |(_, level)| *level)
    }

    /// Whether user `user` holds a role of grant row `row` (privilege `p`,
    /// level `l` at row `p * LEVELS.len() + l`), inclusions expanded.
    #[inline]
    fn holds_row(&self, user: u32, row: usize) -> bool {
        match &self.held {
            Some(held) => intersects(held.row(user as usize), self.grants.row(row)),
            None => {
                // A role held reaches the row when its closure grants.
                let reach = self.reach.row(row);
                let reaches = |roles: &[u32]| roles.iter().any(|r| has_bit(reach, *r as usize));
                reaches(self.direct_roles.row(user as usize))
                    || self
                        .places
                        .teams(user)
                        .iter()
                        .any(|team| reaches(self.routes.team_roles.row(*team as usize)))
            }
        }
    }

    /// Every role user `user` holds, inclusions expanded, as a row of role
    /// bits: the compiled row, or past [`compile::DENSE_ROLES`] roles one
    /// walked for the asking (linear in the roles the user reaches).
    fn held_row(&self, user: u32) -> Cow<'_, [u64]> {
        if let Some(held) = &self.held {
            return Cow::Borrowed(held.row(user as usize));
        }
        let mut row = vec![0u64; self.roles.len().div_ceil(64)];
        let mut pending: Vec<u32> = self.direct_roles.row(user as usize).to_vec();
        for team in self.places.teams(user) {
            pending.extend(self.routes.team_roles.row(*team as usize));
        }
        while let Some(role) = pending.pop() {
            if let Some(word) = row.get_mut(role as usize / 64) {
                let bit = 1u64 << (role % 64);
                if *word & bit == 0 {
                    *word |= bit;
                    pending.extend(self.routes.includes.row(role as usize));
                }
            }
        }
        Cow::Owned(row)
    }

    /// The highest level at which the roles of `held` (a row of
    /// [`Snapshot::held_row`]) grant privilege `p`.
    fn level_of(&self, held: &[u64], p: u32) -> AccessLevel {
        let first = p as usize * LEVELS.len();
        // Each level's roles are a subset of the level below's.
        LEVELS
            .iter()
            .enumerate()
            .take_while(|(l, _)| intersects(held, self.grants.row(first + l)))
            .last()
            .map_or(AccessLevel::None, |(_, level)| *level)
    }

    /// The level role `role`'s own grants give privilege `p`.
    fn role_level(&self, role: u32, p: u32) -> AccessLevel {
        let first = p as usize * LEVELS.len();
        LEVELS
            .iter()
            .enumerate()
            .take_while(|(l, _)| has_bit(self.grants.row(first + l), role as usize))
            .last()
            .map_or(AccessLevel::None, |(_, level)| *level)
    }

    /// The experience profile that applies to `user` and why: the same
    /// answer as [`resolve_profile`](crate::resolve_profile) on the store
    /// compiled.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownUser`] when the snapshot does not hold the user;
    /// [`Error::NoFallbackProfile`] when no rule applies and the store named
    /// no fallback profile.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, Reason, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.profiles.push(Profile::new("contoso-agent", "Contoso Agent").with_user("u1"));
    /// org.users.push(User::new("u1", "One"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let r = snapshot.resolve_profile("u1")?;
    /// assert_eq!((r.profile.as_str(), r.reason), ("contoso-agent", Reason::Direct));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn resolve_profile(&self, user: impl AsId<UserId>) -> Result<Resolution, Error> {
        let ix = self.user_ix(&user).ok_or_else(|| Error::UnknownUser {
            user: user.to_id().into_owned(),
        })?;
        self.resolution(&self.resolve_ix(ix)?)
    }

    /// [`Snapshot::resolve_profile`] by handle, without allocating: the
    /// profile and reason as handles.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownHandle`] for a handle this snapshot did not issue;
    /// [`Error::NoFallbackProfile`] as [`Snapshot::resolve_profile`].
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, ResolvedReason, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let u1 = snapshot.user_ix("u1").unwrap();
    /// assert_eq!(snapshot.resolve_ix(u1)?.reason, ResolvedReason::OutOfBox);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn resolve_ix(&self, user: UserIx) -> Result<Resolved, Error> {
        match self.own(user.stamp, user.ix) {
            Some(ix) if (ix as usize) < self.users.len() => self.resolve_at(ix),
            _ => Err(Error::UnknownHandle {
                kind: EntityKind::User,
                index: user.ix,
            }),
        }
    }

    /// The resolution of user `ix`, an index of this snapshot: the
    /// candidates from the compiled tables, offered to the one [`Rule`].
    /// Profiles and roles are indices in id order; a ranked candidate is
    /// its position in `ranked`, which is (rank, profile id) order.
    #[inline(always)]
    fn resolve_at(&self, ix: u32) -> Result<Resolved, Error> {
        if self.is_disabled(ix) {
            return Err(Error::DisabledUser {
                user: UserId::from(self.users.id(ix).unwrap_or_default()),
            });
        }
        let direct = self.direct_profile.get(ix as usize);
        let roles = self.direct_roles.row(ix as usize);
        self.resolve_from(ix, direct, roles, &self.resolve_tables())
    }

    /// The tables every resolution reads, as slices.
    #[inline(always)]
    fn resolve_tables(&self) -> ResolveTables<'_> {
        ResolveTables {
            role_best: &self.role_best,
            personas: &self.personas,
            ranked: &self.ranked,
            default: self.defaults.first().copied(),
        }
    }

    /// The resolution of user `ix`, enabled, directly assigned `direct`
    /// (or NONE) and holding `roles` directly.
    #[inline(always)]
    fn resolve_from(
        &self,
        ix: u32,
        direct: u32,
        roles: &[u32],
        tables: &ResolveTables<'_>,
    ) -> Result<Resolved, Error> {
        let mut rule = Rule::new();
        if direct != NONE {
            rule.direct(direct);
        }
        // Each direct role's best ranked profile as one key, (position,
        // role) in a u64, so the smallest is found without a branch; a role
        // no profile maps has position NONE and never wins (nor does the
        // start, u64::MAX, when the user holds no role directly). The same
        // pass sees whether a direct role is a persona role.
        let (best, usable) = roles
            .iter()
            .fold((u64::MAX, false), |(best, usable), role| {
                let at = *role as usize;
                let position = tables.role_best.get(at).copied().unwrap_or(NONE);
                let key = (u64::from(position) << 32) | u64::from(*role);
                let persona = tables.personas.get(at).copied().unwrap_or(false);
                (best.min(key), usable | persona)
            });
        if best >> 32 != u64::from(NONE) {
            rule.ranked(best, ());
        }
        if let Some(default) = tables.default {
            rule.default(default);
        }
        let (profile, reason) = self.decided(rule.decide(self.fallback), |key| {
            let (position, role) = ((key >> 32) as u32, key as u32);
            let ranked = tables.ranked.get(position as usize)?;
            Some((ranked.profile, ranked.rank, role))
        })?;
        Ok(self.resolved(ix, profile, reason, usable))
    }

    /// The rule's decision as a profile and a reason in handles; `ranked`
    /// turns a ranked candidate into its profile and rank. `P` names a
    /// profile: an index here, or one a what-if proposal creates.
    #[inline(always)]
    fn decided<P, K, R>(
        &self,
        decision: Option<Decision<P, K, R>>,
        ranked: impl FnOnce(K) -> Option<(P, u32, u32)>,
    ) -> Result<(P, ResolvedReason), Error> {
        Ok(match decision {
            Some(Decision::Direct(profile)) => (profile, ResolvedReason::Direct),
            Some(Decision::RoleRank(key, _)) => {
                let (profile, rank, role) = ranked(key).ok_or_else(|| Error::NoFallbackProfile)?;
                let role = RoleIx {
                    stamp: self.stamp,
                    ix: role,
                };
                (profile, ResolvedReason::RoleRank { role, rank })
            }
            Some(Decision::Default(profile)) => (profile, ResolvedReason::Default),
            Some(Decision::OutOfBox(profile)) => (profile, ResolvedReason::OutOfBox),
            None => return Err(Error::NoFallbackProfile),
        })
    }

    fn resolved(&self, ix: u32, profile: u32, reason: ResolvedReason, usable: bool) -> Resolved {
        Resolved {
            user: self.user_handle(ix),
            profile: ProfileIx {
                stamp: self.stamp,
                ix: profile,
            },
            reason,
            usable,
        }
    }

    /// Every user's resolution, in user id order (the order of
    /// [`Snapshot::users`]).
    ///
    /// # Errors
    ///
    /// [`Error::NoFallbackProfile`] when a user needs the fallback and the
    /// store named none.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Profile, ResolvedReason, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.profiles.push(Profile::new("contoso-agent", "Contoso Agent").as_default());
    /// org.users.push(User::new("u1", "One"));
    /// org.users.push(User::new("u2", "Two"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let all = snapshot.resolve_all()?;
    /// assert_eq!(all.len(), 2);
    /// assert!(all.iter().all(|r| r.reason == ResolvedReason::Default));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn resolve_all(&self) -> Result<Vec<Resolved>, Error> {
        let mut all = Vec::with_capacity(self.users.len());
        let tables = self.resolve_tables();
        let mut disabled = self.disabled.iter().peekable();
        let mut assigned = self.direct_profile.entries().iter().peekable();
        // Chunk by chunk: each user's roles are then plain slice reads.
        for (first, roles) in (0u32..)
            .step_by(tables::CHUNK)
            .zip(self.direct_roles.chunks())
        {
            for (ix, at) in (first..).zip(0..roles.len()) {
                let direct = assigned
                    .next_if(|(u, _)| *u == ix)
                    .map_or(NONE, |(_, p)| *p);
                if disabled.next_if(|d| **d == ix).is_some() {
                    continue;
                }
                all.push(self.resolve_from(ix, direct, roles.row(at), &tables)?);
            }
        }
        Ok(all)
    }

    /// The resolutions of `users`, in the order given.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::resolve_ix`], for the first user that fails.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// org.users.push(User::new("u2", "Two"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let u2 = snapshot.user_ix("u2").unwrap();
    /// let some = snapshot.resolve_users(&[u2])?;
    /// assert_eq!(some[0].user, u2);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn resolve_users(&self, users: &[UserIx]) -> Result<Vec<Resolved>, Error> {
        users.iter().map(|user| self.resolve_ix(*user)).collect()
    }

    /// A [`Resolved`] with ids: the profile id and the [`Reason`] as the
    /// store path gives them.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownHandle`] when `resolved` came from another snapshot.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Reason, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let all = snapshot.resolve_all()?;
    /// assert_eq!(snapshot.resolution(&all[0])?.reason, Reason::OutOfBox);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn resolution(&self, resolved: &Resolved) -> Result<Resolution, Error> {
        let profile = self
            .profile_id(resolved.profile)
            .ok_or(Error::UnknownHandle {
                kind: EntityKind::Profile,
                index: resolved.profile.ix,
            })?;
        self.resolution_of(profile, resolved.reason)
    }

    /// `profile` chosen for `reason`, with ids.
    fn resolution_of(&self, profile: &str, reason: ResolvedReason) -> Result<Resolution, Error> {
        let reason = match reason {
            ResolvedReason::Direct => Reason::Direct,
            ResolvedReason::RoleRank { role, rank } => Reason::RoleRank {
                role: RoleId::from(self.role_id(role).ok_or(Error::UnknownHandle {
                    kind: EntityKind::Role,
                    index: role.ix,
                })?),
                rank,
            },
            ResolvedReason::Default => Reason::Default,
            ResolvedReason::OutOfBox => Reason::OutOfBox,
        };
        Ok(Resolution {
            profile: ProfileId::from(profile),
            reason,
        })
    }

    /// The bytes the snapshot holds on the heap, counted from the
    /// capacities of its tables.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, Snapshot};
    ///
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin()))?;
    /// assert!(snapshot.heap_bytes() > 0);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.users.heap_bytes()
            + self.places.heap_bytes()
            + self.disabled.capacity() * size_of::<u32>()
            + self.away.capacity() * size_of::<(u32, u32, u32)>()
            + self.away_only.capacity() * size_of::<(u32, u32)>()
            + self.units.heap_bytes()
            + self.teams.heap_bytes()
            + self.team_units.capacity() * size_of::<u32>()
            + self.member_owned.capacity()
            + self.reach.heap_bytes()
            + self.held.as_ref().map_or(0, SharedRows::heap_bytes)
            + self.closure.as_ref().map_or(0, |c| c.heap_bytes())
            + self.direct_roles.heap_bytes()
            + self.direct_profile.heap_bytes()
            + self.roles.heap_bytes()
            + self.privileges.heap_bytes()
            + self.grants.heap_bytes()
            + self.profiles.heap_bytes()
            + self.ranked.capacity() * size_of::<Ranked>()
            + self.role_best.capacity() * size_of::<u32>()
            + self.also_assigned.capacity() * size_of::<(u32, u32)>()
            + self.out_of_box.capacity()
            + self
                .listed_unknown
                .iter()
                .map(|(id, _)| id.len() + size_of::<(Box<str>, u32)>())
                .sum::<usize>()
            + self.assigned.heap_bytes()
            + self.role_users.heap_bytes()
            + self.role_ranked.heap_bytes()
            + self.personas.capacity()
            + self.read_roles.capacity()
            + self.defaults.capacity() * size_of::<u32>()
            + self.routes.heap_bytes()
    }

    /// Whether user `ix` is disabled: they hold nothing (compiled so) and
    /// resolve to no profile.
    #[inline]
    pub(crate) fn is_disabled(&self, ix: u32) -> bool {
        !self.disabled.is_empty() && self.disabled.binary_search(&ix).is_ok()
    }

    fn user_handle(&self, ix: u32) -> UserIx {
        UserIx {
            stamp: self.stamp,
            ix,
        }
    }

    /// Whether both handles carry this snapshot's stamp.
    #[inline]
    fn issued(&self, user: UserIx, privilege: PrivilegeIx) -> bool {
        user.stamp.differs(self.stamp) | privilege.stamp.differs(self.stamp) == 0
    }

    /// `ix` when `stamp` is this snapshot's.
    #[inline]
    fn own(&self, stamp: Stamp, ix: u32) -> Option<u32> {
        (stamp == self.stamp).then_some(ix)
    }

    /// The handles of `user` and `privilege`; the errors of the store
    /// path, in its order: an invalid key, an unknown user, an unknown
    /// privilege.
    fn handles(
        &self,
        user: impl AsId<UserId>,
        privilege: impl AsKey<Privilege>,
    ) -> Result<(UserIx, PrivilegeIx), Error> {
        let found = self.privilege_ix(&privilege);
        if found.is_none() {
            privilege.to_key()?;
        }
        let user = self.user_ix(&user).ok_or_else(|| Error::UnknownUser {
            user: user.to_id().into_owned(),
        })?;
        let privilege = found.ok_or_else(|| Error::UnknownPrivilege {
            privilege: privilege.to_key().map(Cow::into_owned).unwrap_or_else(|_| {
                // Unreachable: an invalid key was refused above.
                Privilege::from_owned_unchecked(privilege.key_str().to_owned())
            }),
        })?;
        Ok((user, privilege))
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("users", &self.users.len())
            .field("roles", &self.roles.len())
            .field("privileges", &self.privileges.len())
            .field("profiles", &self.profiles.len())
            .field("ranked", &self.ranked.len())
            .finish_non_exhaustive()
    }
}

/// Per role of `roles`: whether it is an agent or supervisor persona role.
fn persona_mask(roles: &IdTable) -> Vec<bool> {
    (0..len_u32(roles.len()))
        .map(|ix| roles.id(ix).is_some_and(is_persona))
        .collect()
}

/// What routes need beyond the answering tables. Indices are in id order
/// (teams and roles alike), and every row is sorted, so index order is the
/// order routes sort in.
#[derive(Clone)]
pub(crate) struct RouteTables {
    /// Per team: its own roles, inclusions not expanded.
    pub(super) team_roles: SharedCsr,
    /// Per role: the roles it includes directly.
    pub(super) includes: Arc<Csr>,
}

impl RouteTables {
    pub(super) fn heap_bytes(&self) -> usize {
        self.team_roles.heap_bytes() + self.includes.heap_bytes()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_never_reused_and_refuse_to_wrap() {
        let counter = AtomicU64::new(u64::MAX - 2);
        let a = Stamp::next_from(&counter).unwrap();
        let b = Stamp::next_from(&counter).unwrap();
        assert_ne!(a, b);
        assert_eq!(b, Stamp::from_bits(u64::MAX));
        // Spent: an error, and the counter stays spent, never back to 0.
        assert!(matches!(
            Stamp::next_from(&counter),
            Err(Error::SnapshotLimit {
                limit: u64::MAX,
                ..
            })
        ));
        assert_eq!(counter.load(Ordering::Relaxed), u64::MAX);
    }

    #[test]
    fn stamps_differing_in_either_half_differ() {
        let one = Stamp::from_bits(1);
        assert_eq!(one.differs(Stamp::from_bits(1)), 0);
        assert_ne!(one.differs(Stamp::from_bits(1 | 1 << 32)), 0);
        assert_ne!(one.differs(Stamp::from_bits(2)), 0);
        assert!(Stamp::from_bits(1 << 32) > Stamp::from_bits(u64::from(u32::MAX)));
    }

    #[test]
    fn handles_stay_small() {
        assert_eq!(size_of::<UserIx>(), 12);
        assert_eq!(size_of::<Resolved>(), 48);
    }
}
