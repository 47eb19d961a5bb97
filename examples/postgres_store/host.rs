//! One instance of a service over the shared PostgreSQL database: a replica
//! of the organisation in memory, a shared snapshot compiled from it, and
//! the loop that follows the database's change feed.
//!
//! Shared by `examples/fleet.rs` and `tests/postgres.rs` (each includes this
//! file with `#[path]`, beside `store.rs`). A host:
//!
//! 1. `LISTEN`s on its schema's [`channel`] first, so no commit after its
//!    load goes unheard;
//! 2. loads the organisation and its version in one read transaction
//!    ([`PgStore::load`]), or, when it kept a cache file, reads that and
//!    catches up from the cache's version through the feed;
//! 3. waits for a notification or the poll interval, whichever comes
//!    first, then reads `changes_since(its version)`: each change set is
//!    applied, in order, to the replica (a [`MemoryStore`], which checks it
//!    again), and the snapshot is compiled from the replica and published.
//!    A feed that no longer reaches back to its version (behind the
//!    horizon) makes it load again.
//!
//! So a lost notification costs at most one poll interval, a duplicate one
//! nothing (the version says there is nothing new), and a crash nothing but
//! the catch-up.
//!
//! Each step prints one line, `FLEET <host> at <version> <applied µs>
//! <published µs> <cause> <digest>` (times since the Unix epoch), which the
//! example and the tests read.

// Each includer uses a different part of the host.
#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};
use rbac_profiles::{
    BusinessUnit, BusinessUnitId, ChangeSet, ChannelProvider, ColumnKey, ColumnProfile, Directory,
    Licence, MemoryStore, Privilege, PrivilegeDef, Profile, ProfileId, Role, RoleId,
    SharedSnapshot, Snapshot, Store, StoreError, StoreMut, Team, TeamId, Template, TemplateId,
    ToolSettings, User, UserId,
};
use serde::{Deserialize, Serialize};

use crate::store::{PgStore, channel};

/// The privileges every digest asks about, for every user.
pub const PROBES: [&str; 6] = [
    "conversation:monitor",
    "conversation:transfer",
    "app_profile:read",
    "app_profile:write",
    "template:write",
    "user_role:write",
];

/// The organisation as a host holds it: a [`MemoryStore`] and the
/// database version it is at (the memory store counts its own applies;
/// the replica answers with the database's).
#[derive(Serialize, Deserialize)]
pub struct Replica {
    pub version: u64,
    #[serde(with = "as_directory")]
    pub memory: MemoryStore,
}

mod as_directory {
    use rbac_profiles::{Directory, MemoryStore};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(store: &MemoryStore, s: S) -> Result<S::Ok, S::Error> {
        store.directory().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MemoryStore, D::Error> {
        Directory::deserialize(d).map(MemoryStore::new)
    }
}

impl Replica {
    /// The replica of `directory` at `version`.
    pub fn new(directory: Directory, version: u64) -> Self {
        Self {
            version,
            memory: MemoryStore::new(directory).with_feed_capacity(0),
        }
    }

    /// Applies `set`, which must be the next one.
    pub fn apply(&mut self, set: &ChangeSet) -> Result<(), StoreError> {
        if set.version != self.version + 1 {
            return Err(StoreError::new(format!(
                "change set {} does not follow version {}",
                set.version, self.version
            )));
        }
        self.memory.apply(&set.changes)?;
        self.version = set.version;
        Ok(())
    }
}

impl Store for Replica {
    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
        self.memory.user(id)
    }
    fn user_ids(&self) -> Result<Vec<UserId>, StoreError> {
        self.memory.user_ids()
    }
    fn for_each_user(
        &self,
        visit: &mut dyn FnMut(&User) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.memory.for_each_user(visit)
    }
    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
        self.memory.team(id)
    }
    fn team_ids(&self) -> Result<Vec<TeamId>, StoreError> {
        self.memory.team_ids()
    }
    fn business_unit(
        &self,
        id: &BusinessUnitId,
    ) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError> {
        self.memory.business_unit(id)
    }
    fn business_unit_ids(&self) -> Result<Vec<BusinessUnitId>, StoreError> {
        self.memory.business_unit_ids()
    }
    fn root_business_unit(&self) -> Result<Option<BusinessUnitId>, StoreError> {
        self.memory.root_business_unit()
    }
    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
        self.memory.role(id)
    }
    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
        self.memory.privilege(key)
    }
    fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError> {
        self.memory.privilege_keys()
    }
    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
        self.memory.profile(id)
    }
    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
        self.memory.profiles()
    }
    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
        self.memory.template(id)
    }
    fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError> {
        self.memory.fallback_profile()
    }
    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError> {
        self.memory.is_secured_column(column)
    }
    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
        self.memory.column_profiles()
    }
    fn licences(&self) -> Result<Option<BTreeSet<Licence>>, StoreError> {
        self.memory.licences()
    }
    fn tool_settings(&self) -> Result<Vec<Cow<'_, ToolSettings>>, StoreError> {
        self.memory.tool_settings()
    }
    fn channel_providers(&self) -> Result<Vec<Cow<'_, ChannelProvider>>, StoreError> {
        self.memory.channel_providers()
    }
    fn version(&self) -> Result<Option<u64>, StoreError> {
        Ok(Some(self.version))
    }
}

/// A digest of every answer the snapshot gives: each user's profile and
/// reason, and their level of each of [`PROBES`]. Two snapshots with the
/// same digest answer alike (up to hash collisions).
pub fn digest(snapshot: &Snapshot) -> Result<u64, rbac_profiles::Error> {
    let mut users: Vec<&str> = snapshot
        .users()
        .filter_map(|ix| snapshot.user_id(ix))
        .collect();
    users.sort_unstable();
    // FNV-1a: the same in every process.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |text: &str| {
        for byte in text.bytes().chain([0]) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    for user in users {
        eat(user);
        match snapshot.resolve_profile(user) {
            Ok(resolution) => eat(&format!("{}|{:?}", resolution.profile, resolution.reason)),
            Err(err) => eat(&err.to_string()),
        }
        for probe in PROBES {
            eat(snapshot.privilege_level(user, probe)?.as_str());
        }
    }
    Ok(hash)
}

/// Microseconds since the Unix epoch: comparable between processes of one
/// machine.
pub fn now_micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0)
}

/// How a host runs.
#[derive(Clone, Debug)]
pub struct HostOptions {
    /// The database (libpq `key=value` form or URL).
    pub url: String,
    /// The PostgreSQL schema of the store.
    pub schema: String,
    /// The host's name in its output.
    pub name: String,
    /// How long to wait for a notification before polling the version.
    pub poll: Duration,
    /// Where the host keeps its replica between runs, if anywhere.
    pub cache: Option<PathBuf>,
    /// When to stop on its own (so a host whose parent died goes too).
    pub lifetime: Duration,
}

/// The replica a host starts from, and where it came from.
fn start(store: &PgStore, cache: Option<&Path>) -> Result<(Replica, &'static str), Box<dyn Error>> {
    if let Some(path) = cache {
        if let Ok(text) = std::fs::read_to_string(path) {
            return Ok((serde_json::from_str(&text)?, "cache"));
        }
    }
    let (directory, version) = store.load()?;
    Ok((Replica::new(directory, version), "db"))
}

/// Writes the cache file whole or not at all (write aside, then rename).
fn save(replica: &Replica, path: &Path) -> Result<(), Box<dyn Error>> {
    let aside = path.with_extension("tmp");
    std::fs::write(&aside, serde_json::to_vec(replica)?)?;
    std::fs::rename(&aside, path)?;
    Ok(())
}

/// Brings `replica` up to the database: applies the change sets after its
/// version, in order, and returns them (`Some`), or loads again when the
/// feed no longer reaches back to it (`None`).
fn catch_up(
    store: &PgStore,
    replica: &mut Replica,
) -> Result<Option<Vec<ChangeSet>>, Box<dyn Error>> {
    match store.changes_since(replica.version)? {
        Some(sets) => {
            for set in &sets {
                replica.apply(set)?;
            }
            Ok(Some(sets))
        }
        None => {
            let (directory, version) = store.load()?;
            *replica = Replica::new(directory, version);
            Ok(None)
        }
    }
}

/// Publishes the snapshot of `replica`: the current one brought forward by
/// `sets` when they can be applied in place, a compile of the replica
/// otherwise (`sets` is `None` after a reload).
fn publish(
    shared: &SharedSnapshot,
    replica: &Replica,
    sets: Option<&[ChangeSet]>,
) -> Result<(), Box<dyn Error>> {
    if let Some(sets) = sets {
        match shared.load().apply(sets) {
            Ok(next) => {
                shared.publish(next);
                return Ok(());
            }
            Err(
                rbac_profiles::Error::NotIncremental { .. }
                | rbac_profiles::Error::ChangeOutOfOrder { .. },
            ) => {}
            Err(other) => return Err(other.into()),
        }
    }
    shared.publish(Snapshot::compile(replica)?);
    Ok(())
}

/// Runs one host until its lifetime is over, printing a line to `out` at
/// start and after every step that changed its version.
pub fn run_host(options: &HostOptions, out: &mut impl Write) -> Result<(), Box<dyn Error>> {
    let began = Instant::now();
    let mut listener = Client::connect(&options.url, NoTls)?;
    listener.batch_execute(&format!("LISTEN {}", channel(&options.schema)?))?;
    let store = PgStore::connect(&options.url, &options.schema)?;
    let (mut replica, source) = start(&store, options.cache.as_deref())?;
    writeln!(
        out,
        "FLEET {} start {source} {}",
        options.name, replica.version
    )?;
    // A replica from the cache catches up at once.
    let mut cause = match source {
        "cache" => match catch_up(&store, &mut replica)? {
            Some(_) => "feed",
            None => "reload",
        },
        _ => "start",
    };
    let mut applied = now_micros();
    let shared = SharedSnapshot::new(Snapshot::compile(&replica)?);
    loop {
        // The cache first: a host killed once it has answered restarts
        // from what it answered.
        if let Some(path) = &options.cache {
            save(&replica, path)?;
        }
        let published = now_micros();
        writeln!(
            out,
            "FLEET {} at {} {applied} {published} {cause} {:016x}",
            options.name,
            replica.version,
            digest(&shared.load())?
        )?;
        out.flush()?;
        // Wait for news: a notification, or the poll interval.
        let before = replica.version;
        let mut missed: Option<Vec<ChangeSet>> = Some(Vec::new());
        loop {
            if began.elapsed() > options.lifetime {
                return Ok(());
            }
            let mut notifications = listener.notifications();
            let heard = notifications.timeout_iter(options.poll).next()?;
            cause = match heard {
                Some(_) => {
                    // Several commits may have been announced: one read
                    // of the feed covers them all.
                    while notifications.iter().next()?.is_some() {}
                    "notify"
                }
                None => "poll",
            };
            match (catch_up(&store, &mut replica)?, missed.as_mut()) {
                (Some(sets), Some(missed)) => missed.extend(sets),
                (Some(_), None) => {}
                (None, _) => {
                    cause = "reload";
                    missed = None;
                }
            }
            if replica.version != before || cause == "reload" {
                break;
            }
        }
        applied = now_micros();
        publish(&shared, &replica, missed.as_deref())?;
    }
}

/// The administrator the fleet's organisation adds to a workload.
pub const ADMIN: &str = "fleet-admin";

/// `count` administration operations over `doc` (a workload with business
/// units, and [`ADMIN`]): rounds of six that create a business unit and a
/// user in it, give the user a role, rank a profile on that role, move a
/// workload user into the unit and take the role back; ranks, roles, users
/// and business units change, each operation one change set.
pub fn admin_ops(doc: &rbac_profiles::DirectoryDoc, count: usize) -> Vec<rbac_profiles::AdminOp> {
    use rbac_profiles::{AdminOp, catalog};
    let root = doc
        .business_units
        .iter()
        .find(|u| u.parent.is_none())
        .map(|u| u.id.clone());
    let ranked: Vec<&Profile> = doc.profiles.iter().filter(|p| p.rank.is_some()).collect();
    let mut ops = Vec::with_capacity(count);
    for round in 0.. {
        let unit = BusinessUnitId::from(format!("fleet-bu-{round}"));
        let user = UserId::from(format!("fleet-user-{round}"));
        let role = RoleId::from(catalog::OMNICHANNEL_SUPERVISOR.as_str());
        let moved = doc
            .users
            .get(round * 7 % doc.users.len().max(1))
            .map(|u| u.id.clone());
        let mut round_ops = vec![
            AdminOp::CreateBusinessUnit {
                business_unit: unit.clone(),
                name: format!("Fleet unit {round}"),
                parent: root.clone(),
            },
            AdminOp::CreateUser {
                user: user.clone(),
                name: format!("Fleet user {round}"),
                business_unit: Some(unit.clone()),
            },
            AdminOp::AssignRole {
                user: user.clone(),
                role: role.clone(),
                business_unit: None,
            },
        ];
        if let Some(profile) = ranked.get(round % ranked.len().max(1)) {
            round_ops.push(AdminOp::SetRankAndRoles {
                profile: profile.id.clone(),
                rank: u32::try_from(100_000 + round).unwrap_or(u32::MAX),
                roles: vec![role.clone()],
            });
        }
        if let Some(moved) = moved {
            round_ops.push(AdminOp::MoveUser {
                user: moved,
                business_unit: Some(unit.clone()),
            });
        }
        round_ops.push(AdminOp::RemoveRole {
            user,
            role,
            business_unit: None,
        });
        for op in round_ops {
            if ops.len() == count {
                return ops;
            }
            ops.push(op);
        }
    }
    ops
}

/// The `workload` over 20 business units, plus [`ADMIN`] (System
/// Administrator).
pub fn organisation(workload: rbac_profiles::testkit::Workload) -> rbac_profiles::DirectoryDoc {
    let mut doc = workload.with_business_units(20).doc();
    doc.users
        .push(User::new(ADMIN, "Fleet admin").with_role("system-administrator"));
    doc
}
