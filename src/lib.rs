#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[macro_use]
mod key;

mod access;
mod admin;
pub mod catalog;
mod column;
mod diagnose;
mod directory;
mod error;
mod id;
mod privilege;
mod profile;
mod resolve;
mod role;
mod snapshot;
#[macro_use]
mod store;
mod team;
#[cfg(feature = "testkit")]
pub mod testkit;
mod unique_map;
mod user;

pub use access::{
    Holding, Route, explain_privilege, has_privilege, has_privilege_at, privilege_level,
};
pub use admin::{AdminOp, Requirement, administer, administer_all};
pub use column::{
    ColumnAccess, ColumnGrant, ColumnKey, ColumnPermission, ColumnProfile, ColumnRoute,
    column_access, explain_column_access,
};
pub use diagnose::{Diagnostic, DiagnosticCode, Severity, diagnose, diagnose_user};
pub use directory::{Conflict, Directory, DirectoryDoc};
pub use error::{EntityKind, EntityRef, Error, OutOfBoxRule};
pub use id::{ColumnProfileId, ProfileId, RoleId, TeamId, TemplateId, UserId};
pub use privilege::{AccessLevel, KeyError, Privilege, PrivilegeDef};
pub use profile::{
    Channel, ProductivityPane, ProductivityTool, Profile, ProfileKind, ProfileSettings, Template,
    TemplateKind,
};
pub use resolve::{Reason, Resolution, resolve_profile};
pub use role::Role;
pub use snapshot::{
    LevelChange, PrivilegeIx, ProfileCount, ProfileCounts, ProfileIx, ProfileMove, Proposal,
    ReasonCounts, Resolved, ResolvedReason, RoleIx, Snapshot, UserDiff, UserIx,
};
pub use store::{Change, MemoryStore, Store, StoreError, StoreMut};
pub use team::Team;
pub use user::User;
