//! What a change would do before it is made: [`Snapshot::impact`].
//!
//! A proposal is turned into the state it would leave for the profiles it
//! touches, and only the users that state can reach are resolved again:
//! the users a touched profile lists (before or after), the users holding
//! directly a role whose ranked profiles change, or one user for a role
//! change. Only a change of the default reaches everyone.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::intern::NONE;
use super::{ResolvedReason, Snapshot};
use crate::admin::{AdminOp, with_staged};
use crate::error::{EntityRef, Error, Staleness};
use crate::held::load_user;
use crate::id::{ProfileId, RoleId, TeamId, UserId};
use crate::profile::Profile;
use crate::resolve::resolve_among;
use crate::resolve::{Resolution, Rule};
use crate::store::{Change, Store};

/// A change an administrator is weighing, for [`Snapshot::impact`]: an
/// administration operation, or a change to a user's roles or teams.
///
/// ```
/// use rbac_profiles::{AdminOp, Proposal};
///
/// let proposal = Proposal::from(AdminOp::RemoveDefault { profile: "contoso-default".into() });
/// assert!(matches!(proposal, Proposal::Admin(_)));
/// let json = r#"{"add_user_role":{"user":"kendall","role":"customer-service-representative"}}"#;
/// assert!(matches!(serde_json::from_str::<Proposal>(json)?, Proposal::AddUserRole { .. }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Proposal {
    /// An administration operation, checked by every rule
    /// [`administer`](crate::administer) checks except who makes it.
    Admin(AdminOp),
    /// Administration operations made as one batch, as
    /// [`administer_all`](crate::administer_all) makes them: to swap two
    /// ranks, for instance.
    AdminBatch(Vec<AdminOp>),
    /// Gives `user` the role `role` directly. Nothing changes when they
    /// already hold it directly.
    AddUserRole {
        /// The user.
        user: UserId,
        /// The role.
        role: RoleId,
    },
    /// Takes the directly held role `role` from `user`. Nothing changes
    /// when they don't hold it directly.
    RemoveUserRole {
        /// The user.
        user: UserId,
        /// The role.
        role: RoleId,
    },
    /// Makes `user` a member of `team`. Team roles never map profiles, so
    /// nobody moves; the proposal is still checked.
    AddTeamMember {
        /// The team.
        team: TeamId,
        /// The user.
        user: UserId,
    },
    /// Takes `user` out of `team`; nobody moves, as for `AddTeamMember`.
    RemoveTeamMember {
        /// The team.
        team: TeamId,
        /// The user.
        user: UserId,
    },
}

impl From<AdminOp> for Proposal {
    fn from(op: AdminOp) -> Self {
        Proposal::Admin(op)
    }
}

/// A user whose profile, or the reason for it, a change would alter.
///
/// ```
/// use rbac_profiles::{ProfileMove, Reason, Resolution};
///
/// let moved = ProfileMove::new(
///     "kendall",
///     Resolution::new("contoso-default", Reason::Default),
///     Resolution::new("default-agent-experience-profile", Reason::OutOfBox),
/// );
/// assert_eq!(
///     moved.to_string(),
///     "kendall: contoso-default (default profile) -> default-agent-experience-profile (out-of-box fallback)",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProfileMove {
    /// The user.
    pub user: UserId,
    /// Their resolution now.
    pub before: Resolution,
    /// Their resolution once the change is made.
    pub after: Resolution,
}

impl ProfileMove {
    /// `user` moving from `before` to `after`.
    ///
    /// ```
    /// use rbac_profiles::{ProfileMove, Reason, Resolution};
    ///
    /// let moved = ProfileMove::new("u1", Resolution::new("a", Reason::Direct), Resolution::new("b", Reason::Default));
    /// assert_eq!(moved.user.as_str(), "u1");
    /// ```
    pub fn new(user: impl Into<UserId>, before: Resolution, after: Resolution) -> Self {
        Self {
            user: user.into(),
            before,
            after,
        }
    }
}

/// `<user>: <before> -> <after>`.
impl fmt::Display for ProfileMove {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} -> {}", self.user, self.before, self.after)
    }
}

/// A profile of a what-if answer: one the snapshot holds, by index, or
/// one the proposal creates, by its place in [`Overlay::created`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pick {
    Held(u32),
    Created(usize),
}

impl From<u32> for Pick {
    fn from(ix: u32) -> Self {
        Pick::Held(ix)
    }
}

/// A profile the proposal touches, and what it would decide afterwards.
struct Touched {
    profile: Pick,
    after: Decides,
}

/// What a profile decides for resolution, in the snapshot's indices.
#[derive(Default, PartialEq)]
struct Decides {
    /// `(rank, mapped roles in index order)` when it is ranked.
    ranked: Option<(u32, Vec<u32>)>,
    /// The users it lists, in index order.
    users: Vec<u32>,
    default: bool,
}

impl Decides {
    fn maps(&self, role: u32) -> Option<u32> {
        let (rank, roles) = self.ranked.as_ref()?;
        roles.binary_search(&role).ok().map(|_| *rank)
    }
}

/// The profiles a proposal touches, as it would leave them.
#[derive(Default)]
struct Overlay {
    touched: Vec<Touched>,
    /// Profiles the proposal creates, which the snapshot can't hold.
    created: Vec<ProfileId>,
    /// The default profile afterwards.
    default: Option<Pick>,
}

impl Overlay {
    fn touches(&self, profile: u32) -> bool {
        self.touched
            .iter()
            .any(|t| t.profile == Pick::Held(profile))
    }
}

impl Snapshot {
    /// Every user whose resolution `proposal` would change, with their
    /// resolution before and after, in user id order. The store is read,
    /// to check the proposal and the profiles it touches, and never
    /// written.
    ///
    /// Only users the change can reach are resolved again: the users a
    /// touched profile lists (before or after), the users holding directly
    /// a role whose ranked profiles change, or the one user whose roles
    /// change. So a change to a few ranks or roles in a million-user
    /// organisation answers in milliseconds; only a change of the default
    /// resolves everyone again. The answer is exactly what compiling the
    /// changed store and [`Snapshot::diff`]ing would show as resolution
    /// changes ([`UserDiff::moved`](crate::UserDiff::moved)).
    ///
    /// `store` is the store this snapshot was compiled from: the proposal is
    /// checked against it and applied to the profiles it holds, while the
    /// "before" side is the snapshot's. A store that keeps a version
    /// ([`Store::version`]) must be at the snapshot's; otherwise every
    /// profile and user the proposal touches is checked to be in the store
    /// as the snapshot compiled it. Either way, a store that moved on gets
    /// [`Error::StaleSnapshot`], never a move the earlier change made.
    ///
    /// # Errors
    ///
    /// For [`Proposal::Admin`] and [`Proposal::AdminBatch`], the error
    /// [`administer_all`](crate::administer_all) would return for the
    /// operations, but never [`Error::AccessDenied`]. For the other proposals,
    /// [`Error::UnknownUser`] and [`Error::UnknownReference`] naming an
    /// unknown role or team. [`Error::StaleSnapshot`] naming a profile or
    /// user the store holds other than the snapshot does.
    /// [`Error::NoFallbackProfile`] when a user the change reaches
    /// resolves to nothing before or after (only a store without a fallback
    /// profile has such users);
    /// [`Error::Storage`] when the store fails.
    ///
    /// ```
    /// use rbac_profiles::{AdminOp, Directory, DirectoryDoc, MemoryStore, Profile, Reason, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.profiles.push(Profile::new("contoso-agent", "Contoso Agent").with_rank(1).with_role("omnichannel-agent"));
    /// org.profiles.push(Profile::new("contoso-default", "Contoso Default").as_default());
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// org.users.push(User::new("u2", "Two"));
    /// let store = MemoryStore::new(Directory::builtin_with(org)?);
    /// let snapshot = Snapshot::compile(&store)?;
    ///
    /// let moves = snapshot.impact(&store, &AdminOp::RemoveDefault { profile: "contoso-default".into() }.into())?;
    /// let lines: Vec<String> = moves.iter().map(|m| m.to_string()).collect();
    /// assert_eq!(lines, ["u2: contoso-default (default profile) -> default-agent-experience-profile (out-of-box fallback)"]);
    ///
    /// // A refused operation is refused here too.
    /// let err = snapshot.impact(&store, &AdminOp::RemoveDefault { profile: "contoso-agent".into() }.into());
    /// assert_eq!(err.unwrap_err().to_string(), r#"profile "contoso-agent" is not the default"#);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn impact<S: Store + ?Sized>(
        &self,
        store: &S,
        proposal: &Proposal,
    ) -> Result<Vec<ProfileMove>, Error> {
        self.check_version(store)?;
        match proposal {
            Proposal::Admin(op) => self.admin_moves(store, std::slice::from_ref(op)),
            Proposal::AdminBatch(ops) => self.admin_moves(store, ops),
            Proposal::AddUserRole { user, role } => {
                self.role_moves(store, user, role, |roles, role| match role {
                    Some(role) => match roles.binary_search(&role) {
                        Ok(_) => false,
                        Err(at) => {
                            roles.insert(at, role);
                            true
                        }
                    },
                    // Nobody holds it and no ranked profile maps it.
                    None => false,
                })
            }
            Proposal::RemoveUserRole { user, role } => {
                self.role_moves(store, user, role, |roles, role| {
                    let before = roles.len();
                    roles.retain(|r| Some(*r) != role);
                    roles.len() != before
                })
            }
            Proposal::AddTeamMember { team, user } | Proposal::RemoveTeamMember { team, user } => {
                self.checked_user(store, user)?;
                if store.team(team)?.is_none() {
                    return Err(unknown_ref(user, EntityRef::Team(team.clone())));
                }
                Ok(Vec::new())
            }
        }
    }

    /// The moves administration `ops` would make. Users the batch writes
    /// (roles, unit, disabled) are resolved again as the store path would,
    /// on the store as the batch leaves it; everyone else the profiles it
    /// writes reach, against the snapshot with the profiles overlaid.
    fn admin_moves<S: Store + ?Sized>(
        &self,
        store: &S,
        ops: &[AdminOp],
    ) -> Result<Vec<ProfileMove>, Error> {
        with_staged(store, ops, |after, changes| {
            let mut written: Vec<&UserId> = changes
                .iter()
                .filter_map(|change| match change {
                    Change::PutUser(user) => Some(&user.id),
                    Change::RemoveUser(id) => Some(id),
                    _ => None,
                })
                .collect();
            written.sort_unstable();
            written.dedup();
            let created: Vec<&UserId> = written
                .iter()
                .copied()
                .filter(|u| self.users.get(u.as_str()).is_none())
                .collect();
            let overlay = self.overlay(store, changes, &created)?;
            let mut skip: Vec<u32> = written
                .iter()
                .filter_map(|u| self.users.get(u.as_str()))
                .collect();
            skip.sort_unstable();
            let mut moves = self.profile_moves(&overlay, &skip)?;
            if skip.is_empty() {
                return Ok(moves);
            }
            let profiles = after.profiles()?;
            for user in written {
                let Some(ix) = self.users.get(user.as_str()) else {
                    continue;
                };
                self.checked_user(store, user)?;
                let Some(now) = after.user(user)? else {
                    continue;
                };
                if self.is_disabled(ix) || now.disabled {
                    continue;
                }
                let before = self.resolution(&self.resolve_at(ix)?)?;
                let resolved = resolve_among(after, &now, &profiles)?;
                if before != resolved {
                    moves.push(ProfileMove::new(user.as_str(), before, resolved));
                }
            }
            moves.sort_by(|a, b| a.user.cmp(&b.user));
            Ok(moves)
        })
    }

    /// The moves of one user whose direct roles `edit` changes (returning
    /// whether it did), given the role's index if the snapshot holds it.
    fn role_moves<S: Store + ?Sized>(
        &self,
        store: &S,
        user: &UserId,
        role: &RoleId,
        edit: impl FnOnce(&mut Vec<u32>, Option<u32>) -> bool,
    ) -> Result<Vec<ProfileMove>, Error> {
        let ix = self.checked_user(store, user)?;
        if store.role(role)?.is_none() {
            return Err(unknown_ref(user, EntityRef::Role(role.clone())));
        }
        let mut roles = self.direct_roles.row(ix as usize).to_vec();
        if !edit(&mut roles, self.roles.get(role.as_str())) {
            return Ok(Vec::new());
        }
        let mut moves = Vec::new();
        let unchanged = Overlay {
            default: self.defaults.first().copied().map(Pick::Held),
            ..Overlay::default()
        };
        self.push_move(&mut moves, ix, &unchanged, &roles)?;
        Ok(moves)
    }

    /// The index of `user`, who must be in the store with the direct roles
    /// the snapshot compiled.
    pub(super) fn checked_user<S: Store + ?Sized>(
        &self,
        store: &S,
        user: &UserId,
    ) -> Result<u32, Error> {
        let stored = load_user(store, user)?;
        let stale = || Error::StaleSnapshot {
            stale: Staleness::Entity(EntityRef::User(user.clone())),
        };
        let ix = self.users.get(user.as_str()).ok_or_else(stale)?;
        let mut roles = stored
            .role_ids()
            .map(|r| self.roles.get(r.as_str()))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(stale)?;
        roles.sort_unstable();
        roles.dedup();
        if roles != self.direct_roles.row(ix as usize) {
            return Err(stale());
        }
        Ok(ix)
    }

    /// Checks that the store holds profile `id` as the snapshot compiled it
    /// (or, for a profile the snapshot lacks, as one that decides nothing).
    fn check_fresh<S: Store + ?Sized>(&self, store: &S, id: &ProfileId) -> Result<(), Error> {
        let stored = store.profile(id)?;
        if let Some(profile) = stored.as_deref().filter(|p| p.is_custom()) {
            self.check_users(profile, &[])?;
        }
        let was = stored.map_or_else(Decides::default, |p| self.decides(&p));
        let now = match self.profiles.get(id.as_str()) {
            Some(ix) => self.decides_now(Pick::Held(ix)),
            None => Decides::default(),
        };
        if was == now {
            Ok(())
        } else {
            Err(Error::StaleSnapshot {
                stale: Staleness::Entity(EntityRef::Profile(id.clone())),
            })
        }
    }

    /// Checks that the snapshot holds every user a custom profile lists,
    /// but those `created` since.
    fn check_users(&self, profile: &Profile, created: &[&UserId]) -> Result<(), Error> {
        match profile
            .users
            .iter()
            .find(|u| self.users.get(u.as_str()).is_none() && !created.contains(u))
        {
            Some(user) => Err(Error::StaleSnapshot {
                stale: Staleness::Entity(EntityRef::User(user.clone())),
            }),
            None => Ok(()),
        }
    }

    /// The profiles a change set to `store` touches, as it leaves them,
    /// each checked first to be as the snapshot compiled it.
    /// Users `created` by the batch may be listed by the profiles it
    /// writes (they are in no snapshot yet, and move nowhere).
    fn overlay<S: Store + ?Sized>(
        &self,
        store: &S,
        changes: &[Change],
        created: &[&UserId],
    ) -> Result<Overlay, Error> {
        let mut overlay = Overlay::default();
        let mut checked: Vec<&ProfileId> = Vec::new();
        for change in changes {
            let (id, after) = match change {
                Change::PutProfile(profile) if profile.is_custom() => {
                    self.check_users(profile, created)?;
                    (&profile.id, self.decides(profile))
                }
                Change::PutProfile(profile) => (&profile.id, Decides::default()),
                Change::RemoveProfile(id) => (id, Decides::default()),
                _ => continue,
            };
            if !checked.contains(&id) {
                self.check_fresh(store, id)?;
                checked.push(id);
            }
            let profile = match self.profiles.get(id.as_str()) {
                Some(ix) => Pick::Held(ix),
                None => match overlay.created.iter().position(|c| c == id) {
                    Some(at) => Pick::Created(at),
                    None => {
                        overlay.created.push(id.clone());
                        Pick::Created(overlay.created.len() - 1)
                    }
                },
            };
            overlay.touched.retain(|t| t.profile != profile);
            overlay.touched.push(Touched { profile, after });
        }
        overlay.default = self.default_with(&overlay);
        Ok(overlay)
    }

    /// The id of a profile of a what-if answer.
    fn pick_id<'a>(&'a self, overlay: &'a Overlay, pick: Pick) -> &'a str {
        match pick {
            Pick::Held(ix) => self.profiles.id(ix).unwrap_or_default(),
            Pick::Created(at) => overlay.created.get(at).map_or("", ProfileId::as_str),
        }
    }

    /// The first of `picks` in profile id order, as ties are broken.
    fn first_pick(&self, overlay: &Overlay, picks: impl Iterator<Item = Pick>) -> Option<Pick> {
        picks.min_by(|a, b| self.pick_id(overlay, *a).cmp(self.pick_id(overlay, *b)))
    }

    /// What `profile` decides, in this snapshot's indices. Roles the
    /// snapshot lacks are dropped: nobody holds them. (Users it lacks are
    /// refused first, by `check_users`.)
    fn decides(&self, profile: &Profile) -> Decides {
        if !profile.is_custom() {
            return Decides::default();
        }
        let sorted = |mut ixs: Vec<u32>| {
            ixs.sort_unstable();
            ixs.dedup();
            ixs
        };
        let ranked = profile.ranking().map(|(rank, roles)| {
            let roles = roles.iter().filter_map(|r| self.roles.get(r.as_str()));
            (rank, sorted(roles.collect()))
        });
        let users = profile.users.iter();
        Decides {
            ranked,
            users: sorted(users.filter_map(|u| self.users.get(u.as_str())).collect()),
            default: profile.default,
        }
    }

    /// What `profile` decides in this snapshot: nothing for one it lacks.
    fn decides_now(&self, profile: Pick) -> Decides {
        let Pick::Held(ix) = profile else {
            return Decides::default();
        };
        let position = self.ranked.iter().position(|r| r.profile == ix);
        let ranked = position.and_then(|at| {
            let at = u32::try_from(at).ok()?;
            let rank = self.ranked.get(at as usize)?.rank;
            let roles = (0..self.role_ranked.len())
                .filter(|role| self.role_ranked.row(*role).contains(&at))
                .filter_map(|role| u32::try_from(role).ok());
            Some((rank, roles.collect()))
        });
        Decides {
            ranked,
            users: self.assigned.row(ix as usize).collect(),
            default: self.defaults.contains(&ix),
        }
    }

    /// The default once `overlay` is applied.
    fn default_with(&self, overlay: &Overlay) -> Option<Pick> {
        let kept = self.defaults.iter().copied();
        let kept = kept.filter(|p| !overlay.touches(*p)).map(Pick::Held);
        let added = overlay.touched.iter().filter(|t| t.after.default);
        self.first_pick(overlay, kept.chain(added.map(|t| t.profile)))
    }

    /// The users whose resolution a profile overlay may change, resolved
    /// again, but for the users in `skip` (sorted).
    fn profile_moves(&self, overlay: &Overlay, skip: &[u32]) -> Result<Vec<ProfileMove>, Error> {
        let mut moves = Vec::new();
        let skipped = |ix: &u32| skip.binary_search(ix).is_ok();
        if overlay.default != self.defaults.first().copied().map(Pick::Held) {
            for ix in 0..super::len_u32(self.users.len()) {
                if !skipped(&ix) {
                    self.push_move(&mut moves, ix, overlay, self.direct_roles.row(ix as usize))?;
                }
            }
            return Ok(moves);
        }
        let mut reached = Vec::new();
        for touched in &overlay.touched {
            let before = self.decides_now(touched.profile);
            reached.extend_from_slice(&before.users);
            reached.extend_from_slice(&touched.after.users);
            if before.ranked != touched.after.ranked {
                let roles = [&before.ranked, &touched.after.ranked];
                for (_, roles) in roles.into_iter().flatten() {
                    for role in roles {
                        reached.extend(self.role_users.row(*role as usize));
                    }
                }
            }
        }
        reached.sort_unstable();
        reached.dedup();
        reached.retain(|ix| !skipped(ix));
        for ix in reached {
            self.push_move(&mut moves, ix, overlay, self.direct_roles.row(ix as usize))?;
        }
        Ok(moves)
    }

    /// Pushes user `ix`'s move, if resolving them with `overlay` and the
    /// direct `roles` (in index order) changes their resolution.
    fn push_move(
        &self,
        moves: &mut Vec<ProfileMove>,
        ix: u32,
        overlay: &Overlay,
        roles: &[u32],
    ) -> Result<(), Error> {
        // A disabled user resolves to no profile, before or after.
        if self.is_disabled(ix) {
            return Ok(());
        }
        let before = self.resolve_at(ix)?;
        let (profile, reason) = self.resolve_with(ix, overlay, roles)?;
        if (Pick::Held(before.profile.ix), before.reason) != (profile, reason) {
            let user = self.users.id(ix).unwrap_or_default();
            let after = self.resolution_of(self.pick_id(overlay, profile), reason)?;
            moves.push(ProfileMove::new(user, self.resolution(&before)?, after));
        }
        Ok(())
    }

    /// The resolution of user `ix` with `overlay` applied and `roles` as
    /// their direct roles: the candidates the snapshot and the overlay
    /// give, offered to the one [`Rule`], ties broken by profile id as the
    /// store path breaks them.
    fn resolve_with(
        &self,
        ix: u32,
        overlay: &Overlay,
        roles: &[u32],
    ) -> Result<(Pick, ResolvedReason), Error> {
        let named = |pick: Pick| Named(self.pick_id(overlay, pick), pick);
        let mut rule = Rule::new();

        let listed = self.direct_profile.get(ix as usize);
        let also_from = self.also_assigned.partition_point(|(u, _)| *u < ix);
        let also = self.also_assigned.get(also_from..).unwrap_or_default();
        let also = also.iter().take_while(|(u, _)| *u == ix).map(|(_, p)| *p);
        let kept = std::iter::once(listed).chain(also);
        for profile in kept.filter(|p| *p != NONE && !overlay.touches(*p)) {
            rule.direct(named(Pick::Held(profile)));
        }
        for touched in &overlay.touched {
            if touched.after.users.binary_search(&ix).is_ok() {
                rule.direct(named(touched.profile));
            }
        }

        for role in roles {
            let positions = self.role_ranked.row(*role as usize).iter();
            let kept = positions
                .filter_map(|at| self.ranked.get(*at as usize))
                .find(|r| !overlay.touches(r.profile))
                .map(|r| (r.rank, Pick::Held(r.profile)));
            let added = overlay.touched.iter();
            let added = added.filter_map(|t| Some((t.after.maps(*role)?, t.profile)));
            for (rank, profile) in kept.into_iter().chain(added) {
                rule.ranked(((rank, named(profile)), *role), ());
            }
        }

        if let Some(default) = overlay.default {
            rule.default(named(default));
        }
        let fallback = self.fallback.map(|p| named(Pick::Held(p)));
        let (profile, reason) = self
            .decided(rule.decide(fallback), |((rank, profile), role)| {
                Some((profile, rank, role))
            })?;
        Ok((profile.1, reason))
    }
}

/// A profile of a what-if answer with its id, ordered by the id (ids are
/// unique, so the pick only settles a tie that can't happen).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Named<'a>(&'a str, Pick);

fn unknown_ref(user: &UserId, target: EntityRef) -> Error {
    Error::UnknownReference {
        owner: EntityRef::User(user.clone()),
        target,
    }
}
