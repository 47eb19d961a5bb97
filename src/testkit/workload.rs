//! A synthetic organisation of any size, deterministic from a seed: what the
//! benchmarks, the bulk example and the scale tests run on.

use std::ops::RangeInclusive;

use crate::business_unit::BusinessUnit;
use crate::catalog;
use crate::directory::{Directory, DirectoryDoc};
use crate::error::Error;
use crate::id::{BusinessUnitId, ProfileId, RoleId, TeamId, UserId};
use crate::key::Privilege;
use crate::privilege::{AccessLevel, PrivilegeDef};
use crate::profile::Profile;
use crate::record::{AccessRight, AccessRights, Owner, Record, Share};
use crate::record_access::PrincipalId;
use crate::role::Role;
use crate::snapshot::{BusinessUnitIx, OwnerIx, PrivilegeIx, RecordIx, ShareIx, Snapshot, UserIx};
use crate::store::MemoryStore;
use crate::team::Team;
use crate::user::{RoleAssignment, User};

/// The shape of a synthetic organisation, on top of the built-in catalogue.
///
/// [`Workload::new`] gives the shape the crate's speed targets are measured
/// on, for any number of users: 200 custom roles, 500 custom privileges with
/// 5 % of role × privilege cells granted (at a random level), 1 000 ranked
/// profiles each mapping 5 roles plus a default, 1–4 direct roles a user,
/// 0–2 teams a user out of 1 000 (1–2 roles a team), 1 % of users directly
/// assigned a profile. Change the public fields to vary it; the same
/// `Workload` always builds the same organisation.
///
/// Ids are `user-000042`, `role-0007`, `team-0003`, `profile-0012` and
/// privilege keys `w0042:read` (`read`, `write`, `create`, `delete` per
/// entity), with at least four digits and as many as the largest number of
/// the kind needs: ids of a kind have one width, so id order is number
/// order. An empty range (`4..=1`) draws its start.
///
/// ```
/// use rbac_profiles::testkit::Workload;
/// use rbac_profiles::Snapshot;
///
/// let workload = Workload::new(1_000).with_seed(7);
/// let store = workload.store()?;
/// let snapshot = Snapshot::compile(&store)?;
/// assert_eq!(snapshot.user_count(), 1_000);
/// assert_eq!(snapshot.resolve_all()?.len(), 1_000);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Workload {
    /// Users.
    pub users: usize,
    /// Custom roles, beside the built-in ones.
    pub roles: usize,
    /// Custom privileges, beside the built-in ones.
    pub privileges: usize,
    /// Share of custom role × custom privilege cells granted, in percent.
    pub grant_percent: u32,
    /// Share of custom roles that include another role, in percent.
    pub include_percent: u32,
    /// Ranked custom profiles (ranks 1, 2, …), plus one default profile.
    pub profiles: usize,
    /// Roles each ranked profile maps.
    pub roles_per_profile: usize,
    /// Direct roles a user holds, drawn from every role.
    pub roles_per_user: RangeInclusive<usize>,
    /// Teams.
    pub teams: usize,
    /// Teams a user belongs to.
    pub teams_per_user: RangeInclusive<usize>,
    /// Roles each team holds.
    pub roles_per_team: RangeInclusive<usize>,
    /// Share of users directly assigned a profile, in percent.
    pub direct_percent: u32,
    /// Business units, in a tree at most six levels deep; users and teams
    /// are spread over them. None (the default) keeps everybody in one
    /// implicit unit.
    pub business_units: usize,
    /// The seed everything random is drawn from.
    pub seed: u64,
}

impl Workload {
    /// The benchmark shape (see [`Workload`]) with `users` users and seed 1.
    ///
    /// ```
    /// let workload = rbac_profiles::testkit::Workload::new(10);
    /// assert_eq!((workload.users, workload.roles, workload.privileges), (10, 200, 500));
    /// ```
    pub fn new(users: usize) -> Self {
        Self {
            users,
            roles: 200,
            privileges: 500,
            grant_percent: 5,
            include_percent: 10,
            profiles: 1_000,
            roles_per_profile: 5,
            roles_per_user: 1..=4,
            teams: 1_000,
            teams_per_user: 0..=2,
            roles_per_team: 1..=2,
            direct_percent: 1,
            business_units: 0,
            seed: 1,
        }
    }

    /// The same shape over `units` business units: a tree at most six
    /// levels deep, each unit's parent drawn among the units above that
    /// depth; every user and team in a random unit.
    ///
    /// ```
    /// let doc = rbac_profiles::testkit::Workload::new(100).with_business_units(10).doc();
    /// assert_eq!(doc.business_units.len(), 10);
    /// assert!(doc.users.iter().all(|u| u.business_unit.is_some()));
    /// ```
    pub fn with_business_units(mut self, units: usize) -> Self {
        self.business_units = units;
        self
    }

    /// The same shape from another seed.
    ///
    /// ```
    /// use rbac_profiles::testkit::Workload;
    ///
    /// assert_ne!(Workload::new(50).with_seed(2).doc(), Workload::new(50).with_seed(3).doc());
    /// ```
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The organisation as a document, to add to the built-in catalogue
    /// ([`Directory::builtin_with`]).
    ///
    /// ```
    /// use rbac_profiles::testkit::Workload;
    ///
    /// let doc = Workload::new(100).doc();
    /// assert_eq!(doc.users.len(), 100);
    /// assert_eq!(doc, Workload::new(100).doc());
    /// ```
    pub fn doc(&self) -> DirectoryDoc {
        let mut rng = Rng::new(self.seed);
        let mut doc = DirectoryDoc::default();

        let keys: Vec<Privilege> = (0..self.privileges)
            .map(|n| custom_key(n, self.privileges))
            .collect();
        doc.privileges = keys
            .iter()
            .map(|k| PrivilegeDef::new(k.clone(), ""))
            .collect();

        // Every role a user, team or profile may draw: built-in, then custom.
        let builtin: Vec<RoleId> = catalog::ROLE_IDS.to_vec();
        let custom: Vec<RoleId> = (0..self.roles)
            .map(|n| RoleId::from(numbered("role-", n, self.roles)))
            .collect();
        let all: Vec<RoleId> = builtin.iter().chain(&custom).cloned().collect();

        for (i, id) in custom.iter().enumerate() {
            let mut role = Role::new(id.clone(), id.as_str());
            for key in &keys {
                if rng.percent(self.grant_percent) {
                    if let Some(level) = pick(&mut rng, &LEVELS) {
                        role.grants.insert(key.clone(), *level);
                    }
                }
            }
            if rng.percent(self.include_percent) {
                // A built-in role, or a custom role after this one: acyclic.
                let later = custom.get(i + 1..).unwrap_or_default();
                let choices: Vec<&RoleId> = builtin.iter().chain(later).collect();
                if let Some(included) = pick(&mut rng, &choices) {
                    role.includes.push((*included).clone());
                }
            }
            doc.roles.push(role);
        }

        // Unit 0 is the root; unit i hangs under an earlier unit less than
        // six levels deep.
        let mut depth: Vec<usize> = Vec::with_capacity(self.business_units);
        for u in 0..self.business_units {
            let id = self.unit_id(u);
            let mut unit = BusinessUnit::new(id, format!("Unit {u}"));
            if u > 0 {
                let shallow: Vec<usize> = (0..u)
                    .filter(|p| depth.get(*p).is_some_and(|d| *d < 5))
                    .collect();
                let parent = pick(&mut rng, &shallow).copied().unwrap_or(0);
                unit.parent = Some(self.unit_id(parent));
                depth.push(depth.get(parent).copied().unwrap_or(0) + 1);
            } else {
                depth.push(0);
            }
            doc.business_units.push(unit);
        }
        let unit = |rng: &mut Rng| {
            (self.business_units > 0).then(|| self.unit_id(rng.below(self.business_units)))
        };

        for t in 0..self.teams {
            let mut team = Team::new(self.team_id(t), format!("Team {t}"));
            team.business_unit = unit(&mut rng);
            let count = draw(&mut rng, &self.roles_per_team);
            team.roles = distinct(&mut rng, &all, count);
            doc.teams.push(team);
        }

        for u in 0..self.users {
            let id = self.user_id(u);
            let mut user = User::new(id.clone(), format!("User {u}"));
            let count = draw(&mut rng, &self.roles_per_user);
            user.roles = distinct(&mut rng, &all, count)
                .into_iter()
                .map(RoleAssignment::new)
                .collect();
            user.business_unit = unit(&mut rng);
            let team_count = draw(&mut rng, &self.teams_per_user).min(self.teams);
            let mut teams: Vec<usize> = Vec::with_capacity(team_count);
            while teams.len() < team_count {
                let t = rng.below(self.teams);
                if !teams.contains(&t) {
                    teams.push(t);
                }
            }
            for t in teams {
                user.teams.push(self.team_id(t));
                if let Some(team) = doc.teams.get_mut(t) {
                    team.members.push(id.clone());
                }
            }
            doc.users.push(user);
        }

        let mut profiles: Vec<Profile> = (0..self.profiles)
            .map(|p| {
                let id = ProfileId::from(numbered("profile-", p, self.profiles));
                let mut profile = Profile::new(id, format!("Profile {p}"))
                    .with_rank(u32::try_from(p + 1).unwrap_or(u32::MAX));
                profile.roles = distinct(&mut rng, &all, self.roles_per_profile);
                profile
            })
            .collect();
        if !profiles.is_empty() {
            for u in 0..self.users {
                if rng.percent(self.direct_percent) {
                    let p = rng.below(profiles.len());
                    if let Some(profile) = profiles.get_mut(p) {
                        profile.users.push(self.user_id(u));
                    }
                }
            }
        }
        doc.profiles = profiles;
        doc.profiles
            .push(Profile::new("profile-default", "Default profile").as_default());
        doc
    }

    /// The checked directory: the built-in catalogue plus [`Workload::doc`].
    ///
    /// # Errors
    ///
    /// Only if the fields ask for the impossible (more roles a profile maps
    /// than exist are simply capped, so in practice none).
    ///
    /// ```
    /// let directory = rbac_profiles::testkit::Workload::new(20).directory()?;
    /// assert_eq!(directory.users().len(), 20);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn directory(&self) -> Result<Directory, Error> {
        Directory::builtin_with(self.doc())
    }

    /// A [`MemoryStore`] over [`Workload::directory`].
    ///
    /// # Errors
    ///
    /// As [`Workload::directory`].
    ///
    /// ```
    /// use rbac_profiles::Store;
    ///
    /// let store = rbac_profiles::testkit::Workload::new(20).store()?;
    /// assert_eq!(store.user_ids()?.len(), 20);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn store(&self) -> Result<MemoryStore, Error> {
        self.directory().map(MemoryStore::new)
    }

    /// `count` random (user, privilege) questions over every user and every
    /// privilege (custom and built-in), deterministic from `seed`.
    ///
    /// ```
    /// use rbac_profiles::testkit::Workload;
    ///
    /// let workload = Workload::new(100);
    /// let queries = workload.queries(5, 9);
    /// assert_eq!(queries.len(), 5);
    /// assert_eq!(queries, workload.queries(5, 9));
    /// ```
    pub fn queries(&self, count: usize, seed: u64) -> Vec<(UserId, Privilege)> {
        if self.users == 0 {
            return Vec::new();
        }
        let mut rng = Rng::new(seed);
        let builtin = DirectoryDoc::builtin().privileges;
        let total = self.privileges + builtin.len();
        (0..count)
            .map(|_| {
                let user = self.user_id(rng.below(self.users));
                let p = rng.below(total.max(1));
                let key = match p.checked_sub(self.privileges) {
                    None => custom_key(p, self.privileges),
                    Some(b) => builtin
                        .get(b)
                        .map_or_else(|| custom_key(0, 1), |def| def.key.clone()),
                };
                (user, key)
            })
            .collect()
    }

    /// The handles of `queries` (from [`Workload::queries`]) in `snapshot`,
    /// for the by-handle hot path; `None` when the snapshot lacks one of
    /// the ids (it was compiled from another organisation).
    ///
    /// ```
    /// use rbac_profiles::testkit::Workload;
    /// use rbac_profiles::Snapshot;
    ///
    /// let workload = Workload::new(100);
    /// let snapshot = Snapshot::compile(&workload.store()?)?;
    /// let queries = workload.queries(10, 1);
    /// let handles = Workload::handles(&snapshot, &queries).unwrap();
    /// for ((user, privilege), (u, p)) in queries.iter().zip(handles) {
    ///     assert_eq!(snapshot.has_privilege(user, privilege)?, snapshot.has_privilege_ix(u, p));
    /// }
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn handles(
        snapshot: &Snapshot,
        queries: &[(UserId, Privilege)],
    ) -> Option<Vec<(UserIx, PrivilegeIx)>> {
        queries
            .iter()
            .map(|(user, privilege)| {
                Some((snapshot.user_ix(user)?, snapshot.privilege_ix(privilege)?))
            })
            .collect()
    }

    /// `count` random records over the workload's users, teams and
    /// business units, deterministic from `seed`: owned by a user 70 % of
    /// the time, by a team 20 % (a user when there are no teams), by the
    /// organization 10 %; one in ten in a unit other than its owner's (when
    /// there are units); one in five shared, with read and write, with a
    /// user or a team.
    ///
    /// ```
    /// use rbac_profiles::testkit::Workload;
    /// use rbac_profiles::Snapshot;
    ///
    /// let workload = Workload::new(100).with_business_units(5);
    /// let snapshot = Snapshot::compile(&workload.store()?)?;
    /// let records = workload.records(10, 3);
    /// assert_eq!(records, workload.records(10, 3));
    /// for (sample, (user, privilege)) in records.iter().zip(workload.queries(10, 1)) {
    ///     let shares = sample.shares();
    ///     let record = sample.record(&shares);
    ///     let by_id = snapshot.can_access(&user, &privilege, &record)?;
    ///     let handles = sample.handles(&snapshot)?;
    ///     let (u, p) = (snapshot.user_ix(&user).unwrap(), snapshot.privilege_ix(&privilege).unwrap());
    ///     assert_eq!(snapshot.can_access_ix(u, p, &handles.record()), by_id);
    /// }
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn records(&self, count: usize, seed: u64) -> Vec<SampleRecord> {
        if self.users == 0 {
            return Vec::new();
        }
        let mut rng = Rng::new(seed);
        (0..count)
            .map(|_| {
                let owner = match rng.below(10) {
                    0 => None,
                    1 | 2 if self.teams > 0 => {
                        Some(PrincipalId::Team(self.team_id(rng.below(self.teams))))
                    }
                    _ => Some(PrincipalId::User(self.user_id(rng.below(self.users)))),
                };
                let business_unit = (self.business_units > 0 && rng.below(10) == 0)
                    .then(|| self.unit_id(rng.below(self.business_units)));
                let shares = if rng.below(5) == 0 {
                    let with = rng.below(self.users + self.teams);
                    let principal = match with.checked_sub(self.users) {
                        Some(t) => PrincipalId::Team(self.team_id(t)),
                        None => PrincipalId::User(self.user_id(with)),
                    };
                    vec![(
                        principal,
                        AccessRights::from([AccessRight::Read, AccessRight::Write]),
                    )]
                } else {
                    Vec::new()
                };
                SampleRecord {
                    owner,
                    business_unit,
                    shares,
                }
            })
            .collect()
    }

    /// The id of user number `n`.
    ///
    /// ```
    /// let workload = rbac_profiles::testkit::Workload::new(1_000_000);
    /// assert_eq!(workload.user_id(42).as_str(), "user-000042");
    /// ```
    pub fn user_id(&self, n: usize) -> UserId {
        UserId::from(numbered("user-", n, self.users))
    }

    fn team_id(&self, n: usize) -> TeamId {
        TeamId::from(numbered("team-", n, self.teams))
    }

    fn unit_id(&self, n: usize) -> BusinessUnitId {
        BusinessUnitId::from(numbered("unit-", n, self.business_units))
    }
}

const LEVELS: [AccessLevel; 4] = [
    AccessLevel::User,
    AccessLevel::BusinessUnit,
    AccessLevel::ParentChildBusinessUnit,
    AccessLevel::Organization,
];

const ACTIONS: [&str; 4] = ["read", "write", "create", "delete"];

/// `prefix` and `n` with as many digits as numbers below `count` need,
/// at least four.
fn numbered(prefix: &str, n: usize, count: usize) -> String {
    let width = count.saturating_sub(1).to_string().len().max(4);
    format!("{prefix}{n:0width$}")
}

/// Privilege `n` of `count`: entity `w<n / 4>`, one of four actions.
fn custom_key(n: usize, count: usize) -> Privilege {
    let action = ACTIONS.get(n % ACTIONS.len()).copied().unwrap_or("read");
    let entity = numbered("w", n / ACTIONS.len(), count.div_ceil(ACTIONS.len()));
    Privilege::from_owned_unchecked(format!("{entity}:{action}"))
}

fn draw(rng: &mut Rng, range: &RangeInclusive<usize>) -> usize {
    let (low, high) = (*range.start(), *range.end());
    if high <= low {
        return low;
    }
    low + rng.below(high - low + 1)
}

/// A random element of `from`; `None` when it is empty.
fn pick<'a, T>(rng: &mut Rng, from: &'a [T]) -> Option<&'a T> {
    from.get(rng.below(from.len()))
}

/// `count` distinct roles of `from` (all of them when it has fewer), in the
/// order drawn.
fn distinct(rng: &mut Rng, from: &[RoleId], count: usize) -> Vec<RoleId> {
    let count = count.min(from.len());
    let mut chosen: Vec<usize> = Vec::with_capacity(count);
    while chosen.len() < count {
        let at = rng.below(from.len());
        if !chosen.contains(&at) {
            chosen.push(at);
        }
    }
    chosen
        .into_iter()
        .filter_map(|at| from.get(at).cloned())
        .collect()
}

/// SplitMix64: small, fast and the same on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`; 0 when `n` is 0.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }
}

/// A record of [`Workload::records`], with owned ids; borrow it as a
/// [`Record`] with [`SampleRecord::record`], or as handles with
/// [`SampleRecord::handles`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SampleRecord {
    /// The owner; `None` for the organization.
    pub owner: Option<PrincipalId>,
    /// The owning unit, when not the owner's.
    pub business_unit: Option<BusinessUnitId>,
    /// Who it is shared with, and how.
    pub shares: Vec<(PrincipalId, AccessRights)>,
}

impl SampleRecord {
    /// The shares, borrowed: what [`SampleRecord::record`] takes.
    ///
    /// ```
    /// let sample = &rbac_profiles::testkit::Workload::new(10).records(1, 0)[0];
    /// assert_eq!(sample.shares().len(), sample.shares.len());
    /// ```
    pub fn shares(&self) -> Vec<Share<'_>> {
        self.shares
            .iter()
            .map(|(principal, rights)| match principal {
                PrincipalId::User(user) => Share::user(user, *rights),
                PrincipalId::Team(team) => Share::team(team, *rights),
            })
            .collect()
    }

    /// The record, with `shares` (from [`SampleRecord::shares`]).
    ///
    /// ```
    /// let sample = &rbac_profiles::testkit::Workload::new(10).records(1, 0)[0];
    /// let shares = sample.shares();
    /// assert_eq!(sample.record(&shares).shares.len(), sample.shares.len());
    /// ```
    pub fn record<'a>(&'a self, shares: &'a [Share<'a>]) -> Record<'a> {
        let owner = match &self.owner {
            Some(PrincipalId::User(user)) => Owner::User(user.as_str()),
            Some(PrincipalId::Team(team)) => Owner::Team(team.as_str()),
            None => Owner::Organization,
        };
        let record = Record::owned_by(owner).with_shares(shares);
        match &self.business_unit {
            Some(unit) => record.in_business_unit(unit),
            None => record,
        }
    }

    /// The record in `snapshot`'s handles.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::record_ix`]: an id the snapshot lacks.
    ///
    /// ```
    /// use rbac_profiles::testkit::Workload;
    ///
    /// let workload = Workload::new(10);
    /// let snapshot = rbac_profiles::Snapshot::compile(&workload.store()?)?;
    /// let handles = workload.records(1, 0)[0].handles(&snapshot)?;
    /// let _ = handles.record();
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn handles(&self, snapshot: &Snapshot) -> Result<SampleRecordIx, Error> {
        let shares = self.shares();
        let mut share_ix = Vec::with_capacity(shares.len());
        let record = snapshot.record_ix(&self.record(&shares), &mut share_ix)?;
        Ok(SampleRecordIx {
            owner: record.owner,
            business_unit: record.business_unit,
            shares: share_ix,
        })
    }
}

/// A [`SampleRecord`] in a snapshot's handles; [`SampleRecordIx::record`]
/// borrows it as a [`RecordIx`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleRecordIx {
    owner: OwnerIx,
    business_unit: Option<BusinessUnitIx>,
    shares: Vec<ShareIx>,
}

impl SampleRecordIx {
    /// The record, by handles: what [`Snapshot::can_access_ix`] takes.
    ///
    /// ```
    /// use rbac_profiles::testkit::Workload;
    ///
    /// let workload = Workload::new(10);
    /// let snapshot = rbac_profiles::Snapshot::compile(&workload.store()?)?;
    /// let handles = workload.records(1, 0)[0].handles(&snapshot)?;
    /// assert!(handles.record().shares.len() <= 1);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn record(&self) -> RecordIx<'_> {
        let record = RecordIx::owned_by(self.owner).with_shares(&self.shares);
        match self.business_unit {
            Some(unit) => record.in_business_unit(unit),
            None => record,
        }
    }
}
