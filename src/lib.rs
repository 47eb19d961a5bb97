#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod access;
pub mod catalog;
mod column;
mod diagnose;
mod directory;
mod error;
mod id;
mod privilege;
mod role;
mod store;
mod team;
mod unique_map;
mod user;

pub use access::{
    explain_privilege, has_privilege, has_privilege_at, privilege_level, Holding, Route,
};
pub use column::{
    column_access, explain_column_access, ColumnAccess, ColumnGrant, ColumnKey, ColumnPermission,
    ColumnProfile, ColumnRoute,
};
pub use diagnose::{diagnose, diagnose_user, Diagnostic, DiagnosticCode, Severity};
pub use directory::{Directory, DirectoryDoc};
pub use error::{EntityKind, EntityRef, Error};
pub use id::{ColumnProfileId, ProfileId, RoleId, TeamId, UserId};
pub use privilege::{AccessLevel, KeyError, Privilege, PrivilegeDef};
pub use role::Role;
pub use store::{MemoryStore, Store, StoreError};
pub use team::Team;
pub use user::User;
