//! Whose privileges and record access a change would alter, before it is
//! made: [`Snapshot::impact_access`].
//!
//! The proposal is staged over the store without writing it. The users it
//! can reach are those it writes, the members (before and after) of the
//! teams it writes, and, when it creates, moves or deletes a business
//! unit, everybody: a parent-child grant above the unit reaches a
//! different set of units then. For each of them, every privilege granted
//! before or after is compared: its level, and the records it opens (the
//! [`AccessFilter`] a list view would use).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Snapshot;
use crate::access::privilege_level;
use crate::admin::{AdminOp, with_staged};
use crate::error::{EntityRef, Error, Staleness};
use crate::held::walk_held_roles;
use crate::id::UserId;
use crate::key::Privilege;
use crate::privilege::AccessLevel;
use crate::record_access::{AccessFilter, access_filter};
use crate::store::{Change, Store};

use super::what_if::Proposal;

/// A privilege of one user whose level, or the records it opens, a
/// proposal would change: what [`Snapshot::impact_access`] lists.
///
/// ```
/// use rbac_profiles::{AccessChange, AccessFilter, AccessLevel};
///
/// let change = AccessChange::new(
///     "ann",
///     "case:read".parse()?,
///     (AccessLevel::None, AccessLevel::BusinessUnit),
///     (AccessFilter::default(), AccessFilter::default()),
/// );
/// assert_eq!(change.to_string(), "ann: case:read none -> business_unit");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessChange {
    /// The user.
    pub user: UserId,
    /// The privilege.
    pub privilege: Privilege,
    /// Its level now (none for a user who is deactivated or not yet
    /// created).
    pub before: AccessLevel,
    /// Its level after the change (none for a user it removes or
    /// deactivates).
    pub after: AccessLevel,
    /// The records it opens now.
    pub records_before: AccessFilter,
    /// The records it would open after the change.
    pub records_after: AccessFilter,
}

impl AccessChange {
    /// A change of `user`'s `privilege` from `levels.0` to `levels.1`,
    /// opening `records.0` then `records.1`.
    ///
    /// ```
    /// use rbac_profiles::{AccessChange, AccessFilter, AccessLevel};
    ///
    /// let same = AccessLevel::BusinessUnit;
    /// let change = AccessChange::new("ann", "case:read".parse()?, (same, same), Default::default());
    /// assert!(!change.records_changed());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn new(
        user: impl Into<UserId>,
        privilege: Privilege,
        levels: (AccessLevel, AccessLevel),
        records: (AccessFilter, AccessFilter),
    ) -> Self {
        Self {
            user: user.into(),
            privilege,
            before: levels.0,
            after: levels.1,
            records_before: records.0,
            records_after: records.1,
        }
    }

    /// Whether the records the privilege opens differ (a unit moved, a
    /// team joined, a role held in another unit), whether or not the level
    /// does.
    ///
    /// ```
    /// use rbac_profiles::{AccessChange, AccessFilter, AccessLevel};
    ///
    /// let mut wider = AccessFilter::default();
    /// wider.everything = true;
    /// let level = AccessLevel::Organization;
    /// let change = AccessChange::new("ann", "case:read".parse()?, (level, level), (AccessFilter::default(), wider));
    /// assert!(change.records_changed());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn records_changed(&self) -> bool {
        self.records_before != self.records_after
    }
}

/// `<user>: <privilege> <before> -> <after>`, followed by `, other records`
/// when the records it opens change too.
impl fmt::Display for AccessChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} {} -> {}",
            self.user, self.privilege, self.before, self.after
        )?;
        if self.before == self.after && self.records_changed() {
            f.write_str(", other records")?;
        }
        Ok(())
    }
}

impl Proposal {
    /// The administration operations the proposal is, and whether a
    /// refusal because there is nothing to do means "nothing changes"
    /// (the role and team proposals, which accept what is already so).
    fn ops(&self) -> (Vec<AdminOp>, bool) {
        match self {
            Proposal::Admin(op) => (vec![op.clone()], false),
            Proposal::AdminBatch(ops) => (ops.clone(), false),
            Proposal::AddUserRole { user, role } => (
                vec![AdminOp::AssignRole {
                    user: user.clone(),
                    role: role.clone(),
                    business_unit: None,
                }],
                true,
            ),
            Proposal::RemoveUserRole { user, role } => (
                vec![AdminOp::RemoveRole {
                    user: user.clone(),
                    role: role.clone(),
                    business_unit: None,
                }],
                true,
            ),
            Proposal::AddTeamMember { team, user } => (
                vec![AdminOp::AddTeamMembers {
                    team: team.clone(),
                    users: vec![user.clone()],
                }],
                true,
            ),
            Proposal::RemoveTeamMember { team, user } => (
                vec![AdminOp::RemoveTeamMembers {
                    team: team.clone(),
                    users: vec![user.clone()],
                }],
                true,
            ),
        }
    }
}

impl Snapshot {
    /// Every privilege of every user whose level, or the records it opens,
    /// `proposal` would change, in user then key order, without writing
    /// the store: what assigning a role, moving a user or a unit, or
    /// changing a team would do to who may read what. [`Snapshot::impact`]
    /// answers the same question for profiles.
    ///
    /// The "before" side is the snapshot's; the "after" side is the store
    /// as the proposal would leave it. Only the users the proposal can
    /// reach are compared: those it writes, the members of the teams it
    /// writes (before and after), and everybody when it creates, moves or
    /// deletes a business unit. Each of them is checked to be in the store
    /// as the snapshot compiled them.
    ///
    /// # Errors
    ///
    /// As [`Snapshot::impact`]: the error
    /// [`administer_all`](crate::administer_all) would return for the
    /// operations but never [`Error::AccessDenied`] (a role or team
    /// proposal that is already so changes nothing, and is no error);
    /// [`Error::StaleSnapshot`] when the store's version is not the
    /// snapshot's, or (a store without versions) naming a user the store
    /// holds other than the snapshot does; [`Error::Storage`] when the
    /// store fails.
    ///
    /// ```
    /// use rbac_profiles::{AdminOp, Directory, MemoryStore, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::from_json(r#"{
    ///     "business_units": [ { "id": "contoso" }, { "id": "emea", "parent": "contoso" } ],
    ///     "privileges": [ { "key": "ticket:read" } ],
    ///     "roles": [ { "id": "desk", "grants": { "ticket:read": "business_unit" } } ],
    ///     "users": [ { "id": "ana", "roles": ["desk"], "business_unit": "emea" } ]
    /// }"#)?);
    /// let snapshot = Snapshot::compile(&store)?;
    ///
    /// // Moving Ana to the root takes the role she holds in emea away.
    /// let op = AdminOp::MoveUser { user: "ana".into(), business_unit: Some("contoso".into()) };
    /// let changes = snapshot.impact_access(&store, &op.into())?;
    /// let lines: Vec<String> = changes.iter().map(|c| c.to_string()).collect();
    /// assert_eq!(lines, ["ana: ticket:read business_unit -> none"]);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn impact_access<S: Store + ?Sized>(
        &self,
        store: &S,
        proposal: &Proposal,
    ) -> Result<Vec<AccessChange>, Error> {
        self.check_version(store)?;
        let (ops, lenient) = proposal.ops();
        let result = with_staged(store, &ops, |after, changes| {
            let users = reached_users(store, after, changes)?;
            let mut found = Vec::new();
            for user in users {
                self.access_changes(store, after, &user, &mut found)?;
            }
            Ok(found)
        });
        match result {
            Err(
                Error::RoleAlreadyHeld { .. }
                | Error::RoleNotHeld { .. }
                | Error::AlreadyMember { .. }
                | Error::NotMember { .. },
            ) if lenient => Ok(Vec::new()),
            other => other,
        }
    }

    /// Pushes onto `found` every privilege of `user` whose level or records
    /// differ between the snapshot and `after`.
    fn access_changes<S: Store + ?Sized>(
        &self,
        store: &S,
        after: &dyn Store,
        user: &UserId,
        found: &mut Vec<AccessChange>,
    ) -> Result<(), Error> {
        let now = after.user(user)?;
        // The privileges granted on either side: a privilege granted on
        // neither opens nothing on either.
        let mut keys: BTreeSet<Privilege> = BTreeSet::new();
        let before_user = self.user_ix(user);
        match before_user {
            Some(_) => {
                self.checked_user(store, user)?;
            }
            None if store.user(user)?.is_some() => {
                return Err(Error::StaleSnapshot {
                    stale: Staleness::Entity(EntityRef::User(user.clone())),
                });
            }
            None => {}
        }
        if let Some(handle) = before_user {
            for privilege in self.privileges() {
                if self.privilege_level_ix(handle, privilege).is_granted() {
                    if let Some(key) = self.privilege_key(privilege) {
                        keys.insert(Privilege::from_owned_unchecked(key.to_owned()));
                    }
                }
            }
        }
        if let Some(now) = now.as_deref().filter(|u| !u.disabled) {
            walk_held_roles(after, now, |role| {
                keys.extend(
                    role.grants
                        .iter()
                        .filter(|(_, level)| level.is_granted())
                        .map(|(key, _)| key.clone()),
                );
            })?;
        }
        for privilege in keys {
            let (before, records_before) = match before_user {
                Some(handle) => match self.privilege_ix(&privilege) {
                    Some(p) => (
                        self.privilege_level_ix(handle, p),
                        self.access_filter(user, &privilege)?,
                    ),
                    None => (AccessLevel::None, AccessFilter::default()),
                },
                None => (AccessLevel::None, AccessFilter::default()),
            };
            let (level, records) = match now.as_deref() {
                Some(_) => (
                    privilege_level(after, user, &privilege)?,
                    access_filter(after, user, &privilege)?,
                ),
                None => (AccessLevel::None, AccessFilter::default()),
            };
            if before != level || records_before != records {
                found.push(AccessChange::new(
                    user.clone(),
                    privilege,
                    (before, level),
                    (records_before, records),
                ));
            }
        }
        Ok(())
    }
}

/// The users a change set can change the access of, sorted: see
/// [`Snapshot::impact_access`].
fn reached_users<S: Store + ?Sized>(
    store: &S,
    after: &dyn Store,
    changes: &[Change],
) -> Result<BTreeSet<UserId>, Error> {
    let mut users = BTreeSet::new();
    for change in changes {
        match change {
            Change::PutUser(user) => {
                users.insert(user.id.clone());
            }
            Change::RemoveUser(id) => {
                users.insert(id.clone());
            }
            Change::PutTeam(team) => {
                users.extend(team.members.iter().cloned());
                if let Some(was) = store.team(&team.id)? {
                    users.extend(was.members.iter().cloned());
                }
            }
            Change::RemoveTeam(id) => {
                if let Some(was) = store.team(id)? {
                    users.extend(was.members.iter().cloned());
                }
            }
            Change::PutBusinessUnit(unit) => {
                let was = store.business_unit(&unit.id)?;
                if was.is_none_or(|was| was.parent != unit.parent) {
                    users.extend(store.user_ids()?);
                    users.extend(after.user_ids()?);
                }
            }
            Change::RemoveBusinessUnit(_) => {
                users.extend(store.user_ids()?);
            }
            _ => {}
        }
    }
    Ok(users)
}
