//! Why a user holds a privilege, from the snapshot: the routes
//! [`explain_privilege`](crate::explain_privilege) gives on the store
//! compiled.
//!
//! The answering tables keep only what a yes or no needs (every role held,
//! inclusions expanded); a route also needs how each role is held and the
//! inclusion graph itself, which [`RouteTables`] keeps.

use super::compile::Csr;
use super::intern::IdTable;

/// What routes need beyond the answering tables. Indices are in id order
/// (teams, users and roles alike), and every row is sorted, so index order
/// is the order routes sort in.
pub(super) struct RouteTables {
    /// The teams some user belongs to.
    pub(super) teams: IdTable,
    /// Per team: its own roles, inclusions not expanded.
    pub(super) team_roles: Csr,
    /// Per team: the users that list it (4 bytes a membership, fewer than
    /// a row of teams per user would take).
    pub(super) members: Csr,
    /// Per role: the roles it includes directly.
    pub(super) includes: Csr,
}

impl RouteTables {
    pub(super) fn heap_bytes(&self) -> usize {
        self.teams.heap_bytes()
            + self.team_roles.heap_bytes()
            + self.members.heap_bytes()
            + self.includes.heap_bytes()
    }
}
