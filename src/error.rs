//! The crate's one error type and the small enums its variants carry.

use std::fmt;

use crate::column::ColumnKey;
use crate::id::{ColumnProfileId, RoleId, TeamId, UserId};
use crate::privilege::{KeyError, Privilege};
use crate::store::StoreError;

/// Everything that can go wrong in this crate.
///
/// Every variant names the offending id, so a message can be shown to an
/// administrator as it is. Messages are lowercase and carry no trailing period.
///
/// ```
/// use rbac_profiles::{Directory, DirectoryDoc, Error, Role};
///
/// let doc = DirectoryDoc {
///     roles: vec![Role::new("agent", "Agent"), Role::new("agent", "Agent again")],
///     ..DirectoryDoc::default()
/// };
/// let err = Directory::try_from(doc).unwrap_err();
/// assert!(matches!(err, Error::DuplicateId { .. }));
/// assert_eq!(err.to_string(), r#"duplicate role id "agent""#);
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A privilege key is not of the form `entity:action` with lowercase ASCII
    /// letters, digits and `_`.
    #[error("invalid privilege key {key:?}: {reason}")]
    InvalidPrivilege {
        /// The text that was given as a key.
        key: String,
        /// What is wrong with it.
        reason: KeyError,
    },
    /// A column key is not of the form `entity.column` with lowercase ASCII
    /// letters, digits and `_`.
    #[error("invalid column key {key:?}: {reason}")]
    InvalidColumn {
        /// The text that was given as a key.
        key: String,
        /// What is wrong with it.
        reason: KeyError,
    },
    /// A text is not one of the access level names (`none`, `user`,
    /// `business_unit`, `parent_child_business_unit`, `organization`).
    #[error("unknown access level {text:?}")]
    InvalidLevel {
        /// The text that was given as a level.
        text: String,
    },
    /// An entity of the document has an empty id.
    #[error("{kind} number {position} has an empty id")]
    EmptyId {
        /// What kind of entity it is.
        kind: EntityKind,
        /// Its position in its list, counting from 1.
        position: usize,
    },
    /// Two entities of the same kind share an id.
    #[error("duplicate {} id {:?}", entity.kind(), entity.id())]
    DuplicateId {
        /// The entity whose id occurs twice.
        entity: EntityRef,
    },
    /// An entity lists the same reference twice (a role included twice, a
    /// user holding a role twice).
    #[error("{owner} lists {target} twice")]
    DuplicateReference {
        /// The entity whose list holds the duplicate.
        owner: EntityRef,
        /// The entity listed twice.
        target: EntityRef,
    },
    /// An entity refers to an id that does not exist.
    #[error("{owner} references unknown {target}")]
    UnknownReference {
        /// The entity that holds the reference.
        owner: EntityRef,
        /// The missing entity.
        target: EntityRef,
    },
    /// A team membership is stated on one side only: a team lists a member
    /// that does not list the team, or a user lists a team that does not list
    /// the user.
    #[error("{}", membership_message(team, user, *listed_by))]
    MembershipMismatch {
        /// The team.
        team: TeamId,
        /// The user.
        user: UserId,
        /// Which side states the membership: [`EntityKind::Team`] or
        /// [`EntityKind::User`].
        listed_by: EntityKind,
    },
    /// Role inclusion loops back on itself.
    #[error("role inclusion cycle: {}", cycle_path(cycle))]
    InclusionCycle {
        /// The roles of the cycle in inclusion order; the first role is
        /// repeated at the end (`a → b → a`).
        cycle: Vec<RoleId>,
    },
    /// A column security profile grants permissions on a column that is not
    /// secured. Column profiles only ever open secured columns; the others
    /// follow table privileges.
    #[error(
        "column profile {:?} grants permissions on column {:?}, which is not secured",
        profile.as_str(),
        column.as_str()
    )]
    ColumnNotSecured {
        /// The profile.
        profile: ColumnProfileId,
        /// The column that is not secured.
        column: ColumnKey,
    },
    /// A query named a user the store does not know.
    #[error("unknown user {:?}", user.as_str())]
    UnknownUser {
        /// The id that was asked for.
        user: UserId,
    },
    /// A query named a privilege key the catalogue does not define. A typo in a
    /// key is an error, never a silent denial.
    #[error("unknown privilege {:?}", privilege.as_str())]
    UnknownPrivilege {
        /// The key that was asked for.
        privilege: Privilege,
    },
    /// The host's storage failed; the cause is kept as the source.
    #[error("storage failed")]
    Storage(#[from] StoreError),
}

fn membership_message(team: &TeamId, user: &UserId, listed_by: EntityKind) -> String {
    match listed_by {
        EntityKind::User => format!(
            "user {:?} lists team {:?} but the team does not list the user as a member",
            user.as_str(),
            team.as_str()
        ),
        _ => format!(
            "team {:?} lists member {:?} but the user does not list the team",
            team.as_str(),
            user.as_str()
        ),
    }
}

fn cycle_path(cycle: &[RoleId]) -> String {
    let names: Vec<String> = cycle.iter().map(|r| format!("{:?}", r.as_str())).collect();
    names.join(" -> ")
}

/// The kinds of entity a [`Directory`](crate::Directory) holds.
///
/// ```
/// assert_eq!(rbac_profiles::EntityKind::Role.to_string(), "role");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EntityKind {
    /// A privilege of the catalogue.
    Privilege,
    /// A security role.
    Role,
    /// A team.
    Team,
    /// A user.
    User,
    /// A secured column.
    Column,
    /// A column security profile.
    ColumnProfile,
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntityKind::Privilege => "privilege",
            EntityKind::Role => "role",
            EntityKind::Team => "team",
            EntityKind::User => "user",
            EntityKind::Column => "column",
            EntityKind::ColumnProfile => "column profile",
        })
    }
}

/// One entity, named by kind and id, as errors report it.
///
/// ```
/// use rbac_profiles::{EntityRef, RoleId};
///
/// let r = EntityRef::Role(RoleId::from("omnichannel-agent"));
/// assert_eq!(r.to_string(), r#"role "omnichannel-agent""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EntityRef {
    /// A privilege key.
    Privilege(Privilege),
    /// A role id.
    Role(RoleId),
    /// A team id.
    Team(TeamId),
    /// A user id.
    User(UserId),
    /// A column key.
    Column(ColumnKey),
    /// A column security profile id.
    ColumnProfile(ColumnProfileId),
}

impl EntityRef {
    /// The kind of the entity.
    ///
    /// ```
    /// use rbac_profiles::{EntityKind, EntityRef, UserId};
    ///
    /// assert_eq!(EntityRef::User(UserId::from("u1")).kind(), EntityKind::User);
    /// ```
    pub fn kind(&self) -> EntityKind {
        match self {
            EntityRef::Privilege(_) => EntityKind::Privilege,
            EntityRef::Role(_) => EntityKind::Role,
            EntityRef::Team(_) => EntityKind::Team,
            EntityRef::User(_) => EntityKind::User,
            EntityRef::Column(_) => EntityKind::Column,
            EntityRef::ColumnProfile(_) => EntityKind::ColumnProfile,
        }
    }

    /// The id of the entity, as text.
    ///
    /// ```
    /// use rbac_profiles::{EntityRef, TeamId};
    ///
    /// assert_eq!(EntityRef::Team(TeamId::from("tier-2")).id(), "tier-2");
    /// ```
    pub fn id(&self) -> &str {
        match self {
            EntityRef::Privilege(p) => p.as_str(),
            EntityRef::Role(r) => r.as_str(),
            EntityRef::Team(t) => t.as_str(),
            EntityRef::User(u) => u.as_str(),
            EntityRef::Column(c) => c.as_str(),
            EntityRef::ColumnProfile(p) => p.as_str(),
        }
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.kind(), self.id())
    }
}
