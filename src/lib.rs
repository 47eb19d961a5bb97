#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// Model types: ids, keys, levels, roles, teams, users, profiles, columns and
// the built-in catalogue's data.
pub mod catalog;
mod column;
mod configuration;
mod environment;
mod error;
mod id;
mod key;
mod licence;
mod privilege;
mod profile;
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
mod resolve;
// Administration.
mod admin;
// The compiled snapshot.
mod snapshot;
// Diagnostics.
mod diagnose;
#[cfg(feature = "testkit")]
pub mod testkit;

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
}

pub use access::{explain_privilege, has_privilege, has_privilege_at, privilege_level};
pub use admin::{AdminOp, administer, administer_all};
pub use column::{ColumnAccess, ColumnPermission, ColumnProfile};
pub use column_access::{ColumnGrant, ColumnRoute, column_access, explain_column_access};
pub use configuration::{ChannelProvider, ToolSettings};
pub use diagnose::{Diagnostic, DiagnosticCode, Severity, diagnose, diagnose_user};
pub use directory::{Conflict, Directory, DirectoryDoc};
pub use environment::Environment;
pub use error::{EntityKind, EntityRef, Error, OutOfBoxRule, Requirement, StoreError};
pub use held::{Holding, Route};
pub use id::{
    AsId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TeamId, TemplateId,
    ToolSettingsId, UserId,
};
pub use key::{AsKey, ColumnKey, KeyError, Privilege};
pub use licence::Licence;
pub use privilege::{AccessLevel, PrivilegeDef};
pub use profile::{
    Channel, ProductivityPane, ProductivityTool, Profile, ProfileKind, ProfileSettings, Template,
    TemplateKind, TemplateOrigin,
};
pub use profile_use::{Inert, ProfileUse, Usability, profile_use};
pub use resolve::{Reason, Resolution, resolve_profile};
pub use role::Role;
pub use snapshot::{
    LevelChange, PrivilegeIx, ProfileCount, ProfileCounts, ProfileIx, ProfileMove, Proposal,
    ReasonCounts, Resolved, ResolvedReason, RoleIx, SharedSnapshot, Snapshot, SnapshotGuard,
    UserDiff, UserIx,
};
pub use store::{Change, MemoryStore, Store, StoreMut};
pub use team::Team;
pub use user::User;
