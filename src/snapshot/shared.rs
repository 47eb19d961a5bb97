//! One current snapshot for a whole service: [`SharedSnapshot`].

use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use super::Snapshot;
use crate::error::Error;
use crate::store::Store;

/// The current [`Snapshot`] of a service, shared by every thread that
/// answers questions, replaced whole by the one that keeps it up to date.
///
/// Readers [`load`](SharedSnapshot::load) the current snapshot and ask it as
/// many questions as they like: every answer comes from that one snapshot,
/// even if a new one is [`publish`](SharedSnapshot::publish)ed meanwhile.
/// A snapshot lives until the last reader holding it lets go.
///
/// ```
/// use std::thread;
/// use rbac_profiles::{Directory, MemoryStore, SharedSnapshot, Snapshot};
///
/// let store = MemoryStore::new(Directory::from_json(
///     r#"{ "users": [ { "id": "kayla", "roles": ["omnichannel-supervisor"] } ] }"#,
/// )?);
/// let shared = SharedSnapshot::new(Snapshot::compile(&store)?);
///
/// thread::scope(|scope| {
///     scope.spawn(|| {
///         let snapshot = shared.load();
///         assert!(snapshot.has_privilege("kayla", "conversation:transfer").unwrap());
///     });
///     // Meanwhile, a fresh compile takes over for the next readers.
///     shared.publish(Snapshot::compile(&store).unwrap());
/// });
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub struct SharedSnapshot {
    current: RwLock<Arc<Snapshot>>,
    /// How many snapshots were published; written under the write lock,
    /// so read under the read lock it names the current one.
    generation: AtomicU64,
}

/// One reader thread's view of a [`SharedSnapshot`], from
/// [`SharedSnapshot::reader`]: it keeps the snapshot it last took and, on
/// each [`load`](SnapshotReader::load), takes the current one only when a
/// new one was published since. The common case is one atomic load of a
/// counter no reader writes, so readers on many cores don't slow each
/// other down; [`SharedSnapshot::load`] takes the lock and counts a
/// reference every time.
///
/// ```
/// use rbac_profiles::{Directory, MemoryStore, SharedSnapshot, Snapshot};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{ "users": [ { "id": "kayla" } ] }"#)?);
/// let shared = SharedSnapshot::new(Snapshot::compile(&store)?);
/// let mut reader = shared.reader();
/// assert_eq!(reader.load().user_count(), 1);
/// shared.publish(Snapshot::compile(&MemoryStore::new(Directory::builtin()))?);
/// assert_eq!(reader.load().user_count(), 0);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub struct SnapshotReader<'s> {
    shared: &'s SharedSnapshot,
    cached: Arc<Snapshot>,
    generation: u64,
}

impl SnapshotReader<'_> {
    /// The current snapshot: the one this reader holds when nothing was
    /// published since, else the newly published one (which it then holds).
    /// The snapshot stays valid while borrowed, whatever is published.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, SharedSnapshot, Snapshot};
    ///
    /// let shared = SharedSnapshot::new(Snapshot::compile(&MemoryStore::new(Directory::builtin()))?);
    /// let mut reader = shared.reader();
    /// assert_eq!(reader.load().user_count(), 0);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn load(&mut self) -> &Snapshot {
        if self.shared.generation.load(Ordering::Acquire) != self.generation {
            let (current, generation) = self.shared.current();
            self.cached = current;
            self.generation = generation;
        }
        &self.cached
    }
}

impl fmt::Debug for SnapshotReader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotReader")
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// A snapshot a reader holds: what [`SharedSnapshot::load`] gives. It
/// dereferences to the [`Snapshot`], which stays alive while it is held.
#[derive(Clone)]
pub struct SnapshotGuard(Arc<Snapshot>);

impl Deref for SnapshotGuard {
    type Target = Snapshot;

    fn deref(&self) -> &Snapshot {
        &self.0
    }
}

impl fmt::Debug for SnapshotGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl SharedSnapshot {
    /// Shares `snapshot` as the current one.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, SharedSnapshot, Snapshot};
    ///
    /// let shared = SharedSnapshot::new(Snapshot::compile(&MemoryStore::new(Directory::builtin()))?);
    /// assert_eq!(shared.load().user_count(), 0);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn new(snapshot: Snapshot) -> Self {
        Self {
            current: RwLock::new(Arc::new(snapshot)),
            generation: AtomicU64::new(0),
        }
    }

    /// The current snapshot and its generation, read together.
    fn current(&self) -> (Arc<Snapshot>, u64) {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        (
            Arc::clone(&current),
            self.generation.load(Ordering::Acquire),
        )
    }

    /// A reader for one thread: see [`SnapshotReader`].
    ///
    /// ```
    /// use std::thread;
    /// use rbac_profiles::{Directory, MemoryStore, SharedSnapshot, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::from_json(
    ///     r#"{ "users": [ { "id": "kayla", "roles": ["omnichannel-supervisor"] } ] }"#,
    /// )?);
    /// let shared = SharedSnapshot::new(Snapshot::compile(&store)?);
    /// thread::scope(|scope| {
    ///     for _ in 0..2 {
    ///         scope.spawn(|| {
    ///             let mut reader = shared.reader();
    ///             for _ in 0..1000 {
    ///                 assert!(reader.load().has_privilege("kayla", "conversation:transfer").unwrap());
    ///             }
    ///         });
    ///     }
    /// });
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn reader(&self) -> SnapshotReader<'_> {
        let (cached, generation) = self.current();
        SnapshotReader {
            shared: self,
            cached,
            generation,
        }
    }

    /// The current snapshot, to ask questions of.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, SharedSnapshot, Snapshot};
    ///
    /// let shared = SharedSnapshot::new(Snapshot::compile(&MemoryStore::new(Directory::builtin()))?);
    /// let snapshot = shared.load();
    /// assert!(snapshot.privilege_count() > 100);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn load(&self) -> SnapshotGuard {
        // A panic while the lock was held can't leave a half-written Arc:
        // the value is whole either way.
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        SnapshotGuard(Arc::clone(&current))
    }

    /// Makes `snapshot` the current one for every later
    /// [`load`](SharedSnapshot::load); readers holding the old one keep it.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, SharedSnapshot, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::builtin());
    /// let shared = SharedSnapshot::new(Snapshot::compile(&store)?);
    /// let before = shared.load();
    /// shared.publish(Snapshot::compile(&MemoryStore::new(Directory::from_json(
    ///     r#"{ "users": [ { "id": "kayla" } ] }"#,
    /// )?))?);
    /// assert_eq!((before.user_count(), shared.load().user_count()), (0, 1));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn publish(&self, snapshot: Snapshot) {
        let next = Arc::new(snapshot);
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        // The old snapshot is dropped after the lock is released.
        let _old = std::mem::replace(&mut *current, next);
        self.generation.fetch_add(1, Ordering::Release);
        drop(current);
    }
}

/// What [`SharedSnapshot::follow`] did.
///
/// ```
/// use rbac_profiles::Follow;
///
/// let step = Follow::Recompiled { from: Some(3), to: Some(5) };
/// assert_ne!(step, Follow::Current);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Follow {
    /// The current snapshot is at the store's version: nothing to do.
    Current,
    /// The change sets the snapshot missed were applied to it
    /// ([`Snapshot::apply`]) and the result published.
    Applied {
        /// The version of the snapshot it replaced.
        from: u64,
        /// The version of the one published.
        to: u64,
    },
    /// A snapshot compiled from the store was published.
    Recompiled {
        /// The version of the snapshot it replaced.
        from: Option<u64>,
        /// The version of the one published.
        to: Option<u64>,
    },
}

impl SharedSnapshot {
    /// Brings the shared snapshot up to `store`: when the store's version
    /// ([`Store::version`]) is ahead of the current snapshot's, reads the
    /// change sets it missed ([`changes_since`](crate::changes_since)) and
    /// publishes the snapshot they lead to ([`Snapshot::apply`]); when the
    /// feed no longer reaches back that far, a change can't be applied in
    /// place ([`Error::NotIncremental`]), or the store keeps no version,
    /// compiles the store instead. Readers go on with the old snapshot
    /// until the new one is published. Call it from the one thread that
    /// keeps the service up to date, after a change notification or on a
    /// timer.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::compile`] and [`changes_since`](crate::changes_since)
    /// ([`Error::Storage`]); the current snapshot stays.
    ///
    /// ```
    /// use rbac_profiles::{administer, AdminOp, Directory, Follow, MemoryStore, SharedSnapshot, Snapshot};
    ///
    /// let mut store = MemoryStore::new(Directory::from_json(
    ///     r#"{ "users": [ { "id": "sam", "roles": ["system-administrator"] }, { "id": "ana" } ] }"#,
    /// )?);
    /// let shared = SharedSnapshot::new(Snapshot::compile(&store)?);
    /// let give = AdminOp::AssignRole { user: "ana".into(), role: "system-administrator".into(), business_unit: None };
    /// administer(&mut store, "sam", &give)?;
    /// assert_eq!(shared.follow(&store)?, Follow::Applied { from: 0, to: 1 });
    /// assert!(shared.load().has_privilege("ana", "app_profile:write")?);
    ///
    /// // A new user is applied too; the first business unit of a store
    /// // that had none puts every user in it: compiled again.
    /// administer(&mut store, "sam", &AdminOp::CreateUser { user: "bo".into(), name: "Bo".into(), business_unit: None })?;
    /// assert_eq!(shared.follow(&store)?, Follow::Applied { from: 1, to: 2 });
    /// assert_eq!(shared.load().user_count(), 3);
    /// administer(&mut store, "sam", &AdminOp::CreateBusinessUnit { business_unit: "hq".into(), name: "HQ".into(), parent: None })?;
    /// assert_eq!(shared.follow(&store)?, Follow::Recompiled { from: Some(2), to: Some(3) });
    /// assert_eq!(shared.follow(&store)?, Follow::Current);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn follow<S: Store + ?Sized>(&self, store: &S) -> Result<Follow, Error> {
        let current = self.load();
        let from = current.version();
        if let (Some(now), Some(at)) = (store.version()?, from) {
            if at == now {
                return Ok(Follow::Current);
            }
            match crate::store::changes_since(store, at) {
                Ok(sets) => match current.apply(&sets) {
                    Ok(next) => {
                        let to = next.version().unwrap_or(at);
                        self.publish(next);
                        return Ok(Follow::Applied { from: at, to });
                    }
                    Err(Error::NotIncremental { .. } | Error::ChangeOutOfOrder { .. }) => {}
                    Err(other) => return Err(other),
                },
                Err(Error::FeedTooOld { .. } | Error::UnknownVersion { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        drop(current);
        let next = Snapshot::compile(store)?;
        let to = next.version();
        self.publish(next);
        Ok(Follow::Recompiled { from, to })
    }
}

impl fmt::Debug for SharedSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedSnapshot")
            .field("current", &*self.load())
            .finish()
    }
}
