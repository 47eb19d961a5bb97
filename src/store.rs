//! The storage trait hosts implement, and the in-memory store.

mod memory;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::rc::Rc;
use std::sync::Arc;

pub use memory::MemoryStore;

use serde::{Deserialize, Serialize};

use crate::business_unit::BusinessUnit;
use crate::column::ColumnProfile;
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::error::{Error, StoreError};
use crate::id::{
    BusinessUnitId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TeamId, TemplateId,
    ToolSettingsId, UserId,
};
use crate::key::ColumnKey;
use crate::key::Privilege;
use crate::licence::Licence;
use crate::privilege::PrivilegeDef;
use crate::profile::{Profile, Template};
use crate::role::Role;
use crate::team::Team;
use crate::user::User;

/// Where the crate reads the organisation from.
///
/// The queries ([`has_privilege`](crate::has_privilege),
/// [`privilege_level`](crate::privilege_level),
/// [`explain_privilege`](crate::explain_privilege),
/// [`resolve_profile`](crate::resolve_profile),
/// [`column_access`](crate::column_access), …) take any `Store` as a
/// parameter; the crate keeps no hidden state of its own. Administration
/// writes through [`StoreMut`]. [`MemoryStore`] is
/// the embedded implementation; a host with its own database implements this
/// trait over it. The trait is object safe, so `&dyn Store` works too.
///
/// # For implementors
///
/// - Each look-up by id returns `Ok(None)` when there is no such entity,
///   and otherwise the entity whose id is exactly the one asked for (a
///   case-insensitive database must not answer `"U1"` with user `"u1"`).
///   Return [`Cow::Borrowed`] when the data lives in memory and
///   [`Cow::Owned`] when it was read from elsewhere.
/// - Column security: [`Store::is_secured_column`] says whether a column is
///   secured and [`Store::column_profiles`] lists every column security
///   profile (the crate picks those that cover the user; their order does
///   not change any answer). Get the first one right above all: a secured
///   column reported as not secured is opened by table privileges.
/// - Return `Err` only when the storage itself failed (a lost connection, a
///   corrupt row); the crate reports it as [`Error::Storage`](crate::Error::Storage)
///   with your error as its source, and never turns it into a `false`.
/// - `profiles` returns every profile, in any order: resolution sorts what
///   it needs. Lists inside an entity (a user's roles, a team's members, a
///   profile's roles and templates, …) may come back in any order too: no
///   answer depends on it. `fallback_profile` names the out-of-box profile users get
///   when nothing else applies (`None` when there is none, which
///   [`resolve_profile`](crate::resolve_profile) reports as
///   [`Error::NoFallbackProfile`](crate::Error::NoFallbackProfile)).
/// - The crate never writes through this trait; see [`StoreMut`].
/// - The data should satisfy the rules a [`Directory`](crate::Directory)
///   checks on load. The queries stay safe when it doesn't: an inclusion
///   cycle is walked once, and a dangling reference is reported as
///   [`Error::UnknownReference`](crate::Error::UnknownReference).
/// - Calls are synchronous; an async host wraps the calls it makes.
/// - Three reads have defaults, so a store written before they existed
///   still compiles and answers as it did: [`Store::licences`] (`None`:
///   licences not modelled, every channel effective),
///   [`Store::tool_settings`] and [`Store::channel_providers`] (none). A
///   store that holds them overrides these, and applies the
///   [`Change`]s that write them.
///
/// Forwarding implementations exist for `&T`, `&mut T`, `Box<T>`, `Rc<T>` and
/// `Arc<T>`. With the `testkit` feature,
/// `testkit::conformance::check_store` checks an implementation against
/// all of this.
///
/// ```
/// use std::borrow::Cow;
/// use rbac_profiles::{
///     BusinessUnit, BusinessUnitId, ColumnKey, ColumnProfile, Privilege, PrivilegeDef, Profile,
///     ProfileId, Role, RoleId, Store, StoreError, Team, TeamId, Template, TemplateId, User, UserId,
/// };
///
/// /// A store with one user and no roles, for illustration.
/// struct OneUser(User);
///
/// impl Store for OneUser {
///     fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
///         Ok((id == &self.0.id).then(|| Cow::Borrowed(&self.0)))
///     }
///     fn user_ids(&self) -> Result<Vec<UserId>, StoreError> {
///         Ok(vec![self.0.id.clone()])
///     }
///     fn team(&self, _: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
///         Ok(None)
///     }
///     fn team_ids(&self) -> Result<Vec<TeamId>, StoreError> {
///         Ok(Vec::new())
///     }
///     fn business_unit(&self, _: &BusinessUnitId) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError> {
///         Ok(None)
///     }
///     fn business_unit_ids(&self) -> Result<Vec<BusinessUnitId>, StoreError> {
///         Ok(Vec::new())
///     }
///     fn root_business_unit(&self) -> Result<Option<BusinessUnitId>, StoreError> {
///         Ok(None)
///     }
///     fn role(&self, _: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
///         Ok(None)
///     }
///     fn privilege(&self, _: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
///         Err(StoreError::new("the privilege table is offline"))
///     }
///     fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError> {
///         Err(StoreError::new("the privilege table is offline"))
///     }
///     fn profile(&self, _: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
///         Ok(None)
///     }
///     fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
///         Ok(Vec::new())
///     }
///     fn template(&self, _: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
///         Ok(None)
///     }
///     fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError> {
///         Ok(None)
///     }
///     fn is_secured_column(&self, _: &ColumnKey) -> Result<bool, StoreError> {
///         Ok(false)
///     }
///     fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
///         Ok(Vec::new())
///     }
/// }
///
/// let store = OneUser(User::new("u1", "One"));
/// let err = rbac_profiles::has_privilege(&store, "u1", "bot:read").unwrap_err();
/// assert!(matches!(err, rbac_profiles::Error::Storage(_)));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub trait Store {
    /// The user with this id, with their direct roles and teams.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError>;

    /// The id of every user, in any order: what the default
    /// [`for_each_user`](Store::for_each_user) reads, and so what
    /// [`diagnose`](crate::diagnose) and a compile walk unless the store
    /// overrides it.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn user_ids(&self) -> Result<Vec<UserId>, StoreError>;

    /// Every user, in id order (byte order), each handed to `visit` once:
    /// how [`Snapshot::compile`](crate::Snapshot::compile) and
    /// [`diagnose`](crate::diagnose) read the users. `visit` returns
    /// [`ControlFlow::Break`] to stop early.
    ///
    /// The default reads [`user_ids`](Store::user_ids), sorts them, and
    /// reads each with [`user`](Store::user), skipping an id whose user is
    /// gone by then (removed between the two reads). A store that can hand
    /// its users over in one pass (a map held in memory, one query with
    /// `ORDER BY id`) should override it: at a million users the look-ups
    /// are most of a compile's time. An override must hand over the same
    /// users, in id order; a compile refuses users out of order.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use rbac_profiles::{Directory, MemoryStore, Store};
    ///
    /// let store = MemoryStore::new(Directory::from_json(
    ///     r#"{ "users": [ { "id": "zoe" }, { "id": "ana" }, { "id": "kim" } ] }"#,
    /// )?);
    /// let mut ids = Vec::new();
    /// store.for_each_user(&mut |user| {
    ///     ids.push(user.id.as_str().to_owned());
    ///     if ids.len() == 2 { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    /// })?;
    /// assert_eq!(ids, ["ana", "kim"]);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn for_each_user(
        &self,
        visit: &mut dyn FnMut(&User) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let mut ids = self.user_ids()?;
        ids.sort_unstable();
        ids.dedup();
        for id in &ids {
            if let Some(user) = self.user(id)? {
                if visit(&user).is_break() {
                    break;
                }
            }
        }
        Ok(())
    }

    /// The team with this id, with its roles, members and business unit.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError>;

    /// The id of every team, in any order: what
    /// [`Snapshot::compile`](crate::Snapshot::compile) reads, so a team
    /// without members still owns records.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn team_ids(&self) -> Result<Vec<TeamId>, StoreError>;

    // Business units.

    /// The business unit with this id, with its parent.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn business_unit(
        &self,
        id: &BusinessUnitId,
    ) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError>;

    /// The id of every business unit, in any order.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn business_unit_ids(&self) -> Result<Vec<BusinessUnitId>, StoreError>;

    /// The root business unit: the one users, teams and records without a
    /// unit belong to; `None` when the store keeps no business units.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn root_business_unit(&self) -> Result<Option<BusinessUnitId>, StoreError>;

    /// The role with this id, with its grants and the roles it includes.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError>;

    /// The catalogue entry of this privilege key.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError>;

    /// The key of every privilege in the catalogue, in any order: what
    /// [`Snapshot::compile`](crate::Snapshot::compile) interns, so a key the
    /// catalogue defines but no role grants still answers `false`, not
    /// [`Error::UnknownPrivilege`](crate::Error::UnknownPrivilege).
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError>;

    // Experience profiles.

    /// The experience profile with this id.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError>;

    /// Every experience profile, in any order.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError>;

    /// The template of the shared library with this id.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError>;

    /// The id of the out-of-box profile users get when no other rule
    /// applies; `None` when there is none.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError>;

    // Column security.

    /// Whether `column` is secured: readable, updatable and creatable only
    /// through column security profiles (and by System Administrator).
    /// `false` for a column the store has never heard of.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError>;

    /// Every column security profile, with its members and permissions.
    /// Column profiles are few; the crate picks the ones that list the user
    /// or one of their teams.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError>;

    // Licences and the app profile manager's configurations.

    /// The organisation's licences; `None` when the store does not model
    /// them, and then every conversation channel is effective (the
    /// default, so a store written before licences answers as it did).
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn licences(&self) -> Result<Option<BTreeSet<Licence>>, StoreError> {
        Ok(None)
    }

    /// Every productivity tool settings entity, in any order; none by
    /// default.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn tool_settings(&self) -> Result<Vec<Cow<'_, ToolSettings>>, StoreError> {
        Ok(Vec::new())
    }

    /// Every channel provider configuration, in any order; none by
    /// default.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn channel_providers(&self) -> Result<Vec<Cow<'_, ChannelProvider>>, StoreError> {
        Ok(Vec::new())
    }

    /// The store's version: 0 when created, advanced by one by every
    /// successful [`StoreMut::apply`]. `None` (the default) for a store
    /// that keeps no version: a snapshot of it can't tell whether it is
    /// behind, and what-if questions check only the entities they touch.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn version(&self) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }

    /// The change sets applied after `version`, oldest first, each with the
    /// version it took the store to; `Ok(None)` when the store no longer
    /// keeps them all, or keeps no feed (the default). Use
    /// [`changes_since`](crate::changes_since), which turns `None` into a
    /// typed error.
    ///
    /// # Errors
    ///
    /// Only when the storage itself fails.
    fn changes_since(&self, version: u64) -> Result<Option<Vec<ChangeSet>>, StoreError> {
        let _ = version;
        Ok(None)
    }
}

/// Refuses `next`, handed by a store's [`Store::for_each_user`] after
/// `last`, unless it comes after it in id order: the users' order is
/// what compiles and diagnostics rely on.
pub(crate) fn in_id_order(last: Option<&str>, next: &UserId) -> Result<(), Error> {
    match last {
        Some(last) if last >= next.as_str() => Err(Error::Storage(StoreError::new(format!(
            "for_each_user handed user {:?} after {last:?}, not in id order",
            next.as_str()
        )))),
        _ => Ok(()),
    }
}

/// One change set as a store applied it, and the version it took the store
/// to: an entry of the feed [`Store::changes_since`] reads.
///
/// ```
/// use rbac_profiles::{ChangeSet, Change};
///
/// let set = ChangeSet { version: 1, changes: vec![Change::RemoveUser("ana".into())] };
/// assert_eq!(serde_json::to_string(&set)?, r#"{"version":1,"changes":[{"remove_user":"ana"}]}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The store's version once the set was applied.
    pub version: u64,
    /// The changes, in the order they were applied.
    pub changes: Vec<Change>,
}

/// The change sets `store` applied after `version`, oldest first: what a
/// service that compiled its snapshot at `version` has missed.
///
/// # Errors
///
/// [`Error::FeedTooOld`] when the store no longer keeps them all (compile
/// again), [`Error::UnknownVersion`] for a version the store hasn't
/// reached, and [`Error::Storage`] when the store fails or keeps no version.
///
/// ```
/// use rbac_profiles::{administer, changes_since, AdminOp, Directory, MemoryStore, Store};
///
/// let mut store = MemoryStore::new(Directory::from_json(
///     r#"{ "users": [ { "id": "sam", "roles": ["system-administrator"] } ] }"#,
/// )?);
/// administer(&mut store, "sam", &AdminOp::CreateUser { user: "ana".into(), name: "Ana".into(), business_unit: None })?;
/// assert_eq!(store.version()?, Some(1));
/// let missed = changes_since(&store, 0)?;
/// assert_eq!((missed.len(), missed[0].version), (1, 1));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn changes_since<S: Store + ?Sized>(store: &S, version: u64) -> Result<Vec<ChangeSet>, Error> {
    let Some(now) = store.version()? else {
        return Err(Error::Storage(StoreError::new(
            "the store keeps no version, so no change feed",
        )));
    };
    if version > now {
        return Err(Error::UnknownVersion {
            version,
            store: now,
        });
    }
    match store.changes_since(version)? {
        Some(sets) => Ok(sets),
        None => Err(Error::FeedTooOld {
            version,
            store: now,
        }),
    }
}

/// The methods of [`Store`], each reading through `$inner`, an expression
/// of `$self` that reaches the store to read (and may fail first with `?`).
macro_rules! delegate_store {
    ($self:ident => $inner:expr) => {
        fn user(&$self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
            $inner.user(id)
        }
        fn user_ids(&$self) -> Result<Vec<UserId>, StoreError> {
            $inner.user_ids()
        }
        fn team(&$self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
            $inner.team(id)
        }
        fn team_ids(&$self) -> Result<Vec<TeamId>, StoreError> {
            $inner.team_ids()
        }
        fn business_unit(
            &$self,
            id: &BusinessUnitId,
        ) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError> {
            $inner.business_unit(id)
        }
        fn business_unit_ids(&$self) -> Result<Vec<BusinessUnitId>, StoreError> {
            $inner.business_unit_ids()
        }
        fn root_business_unit(&$self) -> Result<Option<BusinessUnitId>, StoreError> {
            $inner.root_business_unit()
        }
        fn role(&$self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
            $inner.role(id)
        }
        fn privilege(&$self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
            $inner.privilege(key)
        }
        fn privilege_keys(&$self) -> Result<Vec<Privilege>, StoreError> {
            $inner.privilege_keys()
        }
        fn profile(&$self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
            $inner.profile(id)
        }
        fn profiles(&$self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
            $inner.profiles()
        }
        fn template(&$self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
            $inner.template(id)
        }
        fn fallback_profile(&$self) -> Result<Option<ProfileId>, StoreError> {
            $inner.fallback_profile()
        }
        fn is_secured_column(&$self, column: &ColumnKey) -> Result<bool, StoreError> {
            $inner.is_secured_column(column)
        }
        fn column_profiles(&$self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
            $inner.column_profiles()
        }
        fn licences(&$self) -> Result<Option<BTreeSet<Licence>>, StoreError> {
            $inner.licences()
        }
        fn tool_settings(&$self) -> Result<Vec<Cow<'_, ToolSettings>>, StoreError> {
            $inner.tool_settings()
        }
        fn channel_providers(&$self) -> Result<Vec<Cow<'_, ChannelProvider>>, StoreError> {
            $inner.channel_providers()
        }
        fn version(&$self) -> Result<Option<u64>, StoreError> {
            $inner.version()
        }
        fn changes_since(&$self, version: u64) -> Result<Option<Vec<$crate::store::ChangeSet>>, StoreError> {
            $inner.changes_since(version)
        }
    };
}

macro_rules! forward_store {
    ($($ptr:ty),*) => {$(
        impl<T: Store + ?Sized> Store for $ptr {
            delegate_store!(self => (**self));

            fn for_each_user(
                &self,
                visit: &mut dyn FnMut(&User) -> ControlFlow<()>,
            ) -> Result<(), StoreError> {
                (**self).for_each_user(visit)
            }
        }
    )*};
}

forward_store!(&T, &mut T, Box<T>, Rc<T>, Arc<T>);

/// One write of a change set: put (insert or replace) or remove one entity.
///
/// [`administer`](crate::administer) checks an operation against the store,
/// then hands the writes it needs to [`StoreMut::apply`] as one change set.
/// A put of an existing id replaces the entity in place.
///
/// ```
/// use rbac_profiles::{Change, Profile};
///
/// let change = Change::PutProfile(Profile::new("contoso-agent", "Contoso Agent"));
/// assert!(matches!(change, Change::PutProfile(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// Insert or replace this profile.
    PutProfile(Profile),
    /// Remove the profile with this id.
    RemoveProfile(ProfileId),
    /// Insert or replace this template.
    PutTemplate(Template),
    /// Remove the template with this id.
    RemoveTemplate(TemplateId),
    /// Insert or replace this column security profile.
    PutColumnProfile(ColumnProfile),
    /// Remove the column security profile with this id.
    RemoveColumnProfile(ColumnProfileId),
    /// Insert or replace these productivity tool settings.
    PutToolSettings(ToolSettings),
    /// Remove the productivity tool settings with this id.
    RemoveToolSettings(ToolSettingsId),
    /// Insert or replace this channel provider configuration.
    PutChannelProvider(ChannelProvider),
    /// Remove the channel provider configuration with this id.
    RemoveChannelProvider(ChannelProviderId),
    /// Insert or replace this user: name, unit, role assignments, teams,
    /// disabled flag. A membership change writes the team too, in the same
    /// change set, so both sides agree when it is applied.
    PutUser(User),
    /// Remove the user with this id (the change set also writes every team
    /// and profile that listed them).
    RemoveUser(UserId),
    /// Insert or replace this team: name, unit, roles and members.
    PutTeam(Team),
    /// Remove the team with this id (the change set also writes every user
    /// and column profile that listed it).
    RemoveTeam(TeamId),
    /// Insert or replace this business unit.
    PutBusinessUnit(BusinessUnit),
    /// Remove the business unit with this id (only an empty one is ever
    /// removed).
    RemoveBusinessUnit(BusinessUnitId),
}

/// A [`Store`] that can be written: the storage side of administration.
///
/// The crate checks every rule of an operation by reading the store, then
/// calls [`apply`](StoreMut::apply) once with the whole change set. That one
/// call is where atomicity lives.
///
/// # For implementors
///
/// - `apply` is all or nothing: on `Ok` every change is stored; on `Err`
///   none is, and the store reads exactly as before the call. Over a
///   database, run the changes in one transaction and roll it back on any
///   failure; in memory, build the new state aside and swap it in.
/// - Apply the changes in order; a later change to the same id wins.
/// - The crate has already checked the change set against what the store
///   returned; re-checking is allowed (the [`MemoryStore`] does, and
///   refuses a change set that would break a rule). Hosts that let several
///   writers administer at once should serialize administration, or reject
///   a change set whose reads went stale, so the checks stay true.
///
/// Forwarding implementations exist for `&mut T` and `Box<T>`.
///
/// ```
/// use rbac_profiles::{Change, Directory, MemoryStore, Profile, Store, StoreMut};
///
/// let mut store = MemoryStore::new(Directory::builtin());
/// store.apply(&[Change::PutProfile(Profile::new("contoso-agent", "Contoso Agent"))])?;
/// assert!(store.profile(&"contoso-agent".into())?.is_some());
/// # Ok::<(), rbac_profiles::StoreError>(())
/// ```
pub trait StoreMut: Store {
    /// Stores every change, or none.
    ///
    /// # Errors
    ///
    /// When the storage fails or refuses the change set; the store is then
    /// unchanged.
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError>;
}

impl<T: StoreMut + ?Sized> StoreMut for &mut T {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        (**self).apply(changes)
    }
}

impl<T: StoreMut + ?Sized> StoreMut for Box<T> {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        (**self).apply(changes)
    }
}
