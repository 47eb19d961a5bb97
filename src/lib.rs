#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Model types: ids, keys, levels, roles, teams, users, profiles, columns and
// the built-in catalogue's data.
mod business_unit;
pub mod catalog;
mod chain;
mod column;
mod configuration;
mod environment;
mod error;
mod id;
mod key;
mod licence;
mod privilege;
mod profile;
mod record;
mod role;
mod team;
mod unique_map;
mod user;
// The document and its checks.
mod directory;
// Storage.
#[macro_use]
mod store;
// Questions.
mod access;
mod column_access;
mod held;
mod profile_use;
mod record_access;
mod resolve;
mod routes;
// Administration.
mod admin;
// The compiled snapshot.
mod snapshot;
// Diagnostics.
mod diagnose;
#[cfg(feature = "testkit")]
pub mod testkit;
// Dataverse solution XML, in and out.
#[cfg(feature = "dataverse")]
pub mod dataverse;

/// Longer reading, one page a topic: the rules, storage, the compiled
/// snapshot and its figures. The README is the door; these are the rooms.
pub mod guide {
    #[doc = include_str!("../docs/rules.md")]
    pub mod rules {}
    #[doc = include_str!("../docs/storage.md")]
    pub mod storage {}
    #[doc = include_str!("../docs/snapshot.md")]
    pub mod snapshot {}
    #[doc = include_str!("../docs/performance.md")]
    pub mod performance {}
    #[cfg(feature = "dataverse")]
    #[doc = include_str!("../docs/dataverse.md")]
    pub mod dataverse {}
}

pub use access::{explain_privilege, has_privilege, has_privilege_at, privilege_level};
pub use admin::{AdminOp, administer, administer_all};
pub use business_unit::BusinessUnit;
pub use chain::Chain;
pub use column::{ColumnAccess, ColumnPermission, ColumnProfile};
pub use column_access::{
    ColumnGrant, ColumnRoute, column_access, column_access_on, explain_column_access,
};
pub use configuration::{ChannelProvider, ToolSettings};
pub use diagnose::{Diagnostic, DiagnosticCode, Severity, diagnose, diagnose_user};
pub use directory::{Conflict, Directory, DirectoryDoc};
pub use environment::Environment;
pub use error::{EntityKind, EntityRef, Error, OutOfBoxRule, Requirement, Staleness, StoreError};
#[cfg(feature = "dataverse")]
pub use error::{ExportProblem, ImportProblem};
pub use held::{Holding, Route};
pub use id::{
    AsId, BusinessUnitId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TeamId,
    TemplateId, ToolSettingsId, UserId,
};
pub use key::{AsKey, ColumnKey, KeyError, Privilege};
pub use licence::Licence;
pub use privilege::{AccessLevel, PrivilegeDef};
pub use profile::{
    Channel, ProductivityPane, ProductivityTool, Profile, ProfileKind, ProfileSettings, Template,
    TemplateKind, TemplateOrigin,
};
pub use profile_use::{Inert, ProfileUse, Usability, profile_use};
pub use record::{AccessRight, AccessRights, Owner, Principal, Record, Share};
pub use record_access::{
    AccessFilter, AccessRoute, PrincipalId, Reach, access_filter, can_access, explain_access,
};
pub use resolve::{Reason, Resolution, resolve_profile};
pub use role::{Inheritance, Role};
pub use snapshot::{
    AccessChange, BusinessUnitIx, Follow, LevelChange, OwnerIx, PrincipalIx, PrivilegeIx,
    ProfileCount, ProfileCounts, ProfileIx, ProfileMove, Proposal, ReasonCounts, RecordIx,
    Resolved, ResolvedReason, RoleIx, ShareIx, SharedSnapshot, Snapshot, SnapshotGuard,
    SnapshotReader, TeamIx, UserDiff, UserIx,
};
pub use store::{Change, ChangeSet, MemoryStore, Store, StoreMut, changes_since};
pub use team::Team;
pub use user::{RoleAssignment, User};
