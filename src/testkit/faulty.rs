//! A store wrapper that fails the k-th read or the k-th write.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::business_unit::BusinessUnit;
use crate::column::ColumnProfile;
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::error::StoreError;
use crate::id::{BusinessUnitId, ProfileId, RoleId, TeamId, TemplateId, UserId};
use crate::key::ColumnKey;
use crate::key::Privilege;
use crate::licence::Licence;
use crate::privilege::PrivilegeDef;
use crate::profile::{Profile, Template};
use crate::role::Role;
use crate::store::{Change, Store, StoreMut};
use crate::team::Team;
use crate::user::User;

/// Which call a [`FaultyStore`] fails; also the error it fails it with (the
/// inner error of the [`StoreError`], to downcast).
///
/// Reads and writes are counted from 1, separately, since the store was made
/// or since [`FaultyStore::set_fault`]. A read is any call of a [`Store`]
/// method; a write is a call of [`StoreMut::apply`].
///
/// ```
/// use rbac_profiles::testkit::Fault;
///
/// assert_eq!(Fault::Read(3).to_string(), "injected failure of read 3");
/// assert_eq!(Fault::Write(1).to_string(), "injected failure of write 1");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// Fail nothing: only count.
    #[default]
    Never,
    /// Fail the k-th read, once.
    Read(usize),
    /// Fail the k-th write, once, without passing it on: the inner store
    /// never sees that change set.
    Write(usize),
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Never => f.write_str("no injected failure"),
            Fault::Read(k) => write!(f, "injected failure of read {k}"),
            Fault::Write(k) => write!(f, "injected failure of write {k}"),
        }
    }
}

impl std::error::Error for Fault {}

/// A [`Store`] (and [`StoreMut`]) over another that counts every call and
/// fails the one its [`Fault`] names, once, with a [`StoreError`] whose
/// inner error is that `Fault`.
///
/// Use it to check that your code, like the crate's, turns a storage failure
/// at any point into an error and leaves nothing half done: count the calls
/// of a clean run, then fail each one in turn. A failed write is not passed
/// on, so the inner store is as it was, as [`StoreMut::apply`]'s contract
/// requires of a failed write.
///
/// ```
/// use rbac_profiles::testkit::{Fault, FaultyStore};
/// use rbac_profiles::{administer, AdminOp, Directory, DirectoryDoc, Error, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("admin", "Admin").with_role("app-profile-manager-administrator"));
/// let op = AdminOp::CreateProfile {
///     profile: "contoso-agent".into(), name: "Contoso Agent".into(), settings: Default::default(),
/// };
/// let clean = MemoryStore::new(Directory::builtin_with(org)?);
///
/// // Count the calls of a clean run...
/// let mut counting = FaultyStore::new(clean.clone());
/// administer(&mut counting, "admin", &op)?;
/// assert_eq!(counting.writes(), 1);
///
/// // ... then fail each read in turn: always an error, never a change.
/// for k in 1..=counting.reads() {
///     let mut store = FaultyStore::failing(clean.clone(), Fault::Read(k));
///     let err = administer(&mut store, "admin", &op).unwrap_err();
///     assert!(matches!(&err, Error::Storage(e) if e.inner().downcast_ref() == Some(&Fault::Read(k))));
///     assert_eq!(store.inner(), &clean);
/// }
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct FaultyStore<S> {
    inner: S,
    fault: Fault,
    reads: AtomicUsize,
    writes: usize,
}

impl<S> FaultyStore<S> {
    /// A wrapper over `inner` that fails nothing and counts every call.
    ///
    /// ```
    /// use rbac_profiles::testkit::FaultyStore;
    /// use rbac_profiles::{Directory, MemoryStore, Store};
    ///
    /// let store = FaultyStore::new(MemoryStore::new(Directory::builtin()));
    /// store.user_ids()?;
    /// assert_eq!(store.reads(), 1);
    /// # Ok::<(), rbac_profiles::StoreError>(())
    /// ```
    pub fn new(inner: S) -> Self {
        Self::failing(inner, Fault::Never)
    }

    /// A wrapper over `inner` that fails the call `fault` names.
    ///
    /// ```
    /// use rbac_profiles::testkit::{Fault, FaultyStore};
    /// use rbac_profiles::{Directory, MemoryStore, Store};
    ///
    /// let store = FaultyStore::failing(MemoryStore::new(Directory::builtin()), Fault::Read(2));
    /// assert!(store.user_ids().is_ok());
    /// assert_eq!(store.user_ids().unwrap_err().to_string(), "injected failure of read 2");
    /// assert!(store.user_ids().is_ok());
    /// ```
    pub fn failing(inner: S, fault: Fault) -> Self {
        Self {
            inner,
            fault,
            reads: AtomicUsize::new(0),
            writes: 0,
        }
    }

    /// Fails the call `fault` names, counting from 1 again.
    ///
    /// ```
    /// use rbac_profiles::testkit::{Fault, FaultyStore};
    /// use rbac_profiles::{Directory, MemoryStore, Store};
    ///
    /// let mut store = FaultyStore::new(MemoryStore::new(Directory::builtin()));
    /// store.user_ids()?;
    /// store.set_fault(Fault::Read(1));
    /// assert_eq!(store.reads(), 0);
    /// assert!(store.user_ids().is_err());
    /// # Ok::<(), rbac_profiles::StoreError>(())
    /// ```
    pub fn set_fault(&mut self, fault: Fault) {
        self.fault = fault;
        self.reads = AtomicUsize::new(0);
        self.writes = 0;
    }

    /// The reads counted so far, the failed one included.
    ///
    /// ```
    /// let store = rbac_profiles::testkit::FaultyStore::new(rbac_profiles::MemoryStore::default());
    /// assert_eq!(store.reads(), 0);
    /// ```
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::Relaxed)
    }

    /// The writes counted so far, the failed one included.
    ///
    /// ```
    /// let store = rbac_profiles::testkit::FaultyStore::new(rbac_profiles::MemoryStore::default());
    /// assert_eq!(store.writes(), 0);
    /// ```
    pub fn writes(&self) -> usize {
        self.writes
    }

    /// The wrapped store.
    ///
    /// ```
    /// use rbac_profiles::{testkit::FaultyStore, MemoryStore};
    ///
    /// let store = FaultyStore::new(MemoryStore::default());
    /// assert_eq!(store.inner(), &MemoryStore::default());
    /// ```
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Gives the wrapped store back.
    ///
    /// ```
    /// use rbac_profiles::{testkit::FaultyStore, MemoryStore};
    ///
    /// let store = FaultyStore::new(MemoryStore::default()).into_inner();
    /// assert_eq!(store, MemoryStore::default());
    /// ```
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// Counts a read, and fails it when it is the one to fail.
    fn read(&self) -> Result<&S, StoreError> {
        let k = self.reads.fetch_add(1, Ordering::Relaxed) + 1;
        if self.fault == Fault::Read(k) {
            return Err(StoreError::new(self.fault));
        }
        Ok(&self.inner)
    }
}

/// `for_each_user` is the default: `user_ids`, then `user` for each, every
/// one a read that can fail, so a failure can land in the middle of a pass.
impl<S: Store> Store for FaultyStore<S> {
    delegate_store!(self => self.read()?);
}

impl<S: StoreMut> StoreMut for FaultyStore<S> {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        self.writes += 1;
        if self.fault == Fault::Write(self.writes) {
            return Err(StoreError::new(self.fault));
        }
        self.inner.apply(changes)
    }
}
