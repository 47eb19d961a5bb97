//! Administration of users, teams, business units and role assignment, and
//! of profiles, templates, productivity tool settings, channel providers
//! and column security profiles: authorised, checked, and all or nothing.
//!
//! Every operation is made *by an actor*, a user who must meet the
//! operation's [`Requirement`] ([`AdminOp::requirement`]): the App profile
//! manager administrator privilege it needs for profiles, templates, tool
//! settings and channel providers, `user_role:write` and the elevation rule
//! for role assignment, the System Administrator role for users, teams,
//! business units and column security. The operation is checked
//! against the store's current state (or, in a batch, the state the earlier
//! operations leave), and only then are its writes handed to
//! [`StoreMut::apply`] as one change set. Any refusal, and any failure of the store's reads, leaves
//! the store untouched; a failure of `apply` leaves it untouched by that
//! method's contract.

use serde::{Deserialize, Serialize};

use crate::catalog;
use crate::column::ColumnProfile;
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::environment::Environment;
use crate::error::{Error, Requirement};
use crate::id::{
    AsId, BusinessUnitId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TeamId,
    TemplateId, ToolSettingsId, UserId,
};
use crate::profile::{ProfileSettings, Template};
use crate::store::{Change, Store, StoreMut};

mod profile_ops;
mod security;
mod staged;

use staged::Staged;

/// One administration operation on profiles or templates.
///
/// The rules each operation keeps are the invariants of
/// [`resolve_profile`](crate::resolve_profile); a violation is refused with
/// its own [`Error`] variant, never silently fixed.
///
/// ```
/// use rbac_profiles::AdminOp;
///
/// let op = AdminOp::SetRankAndRoles {
///     profile: "contoso-supervisor".into(),
///     rank: 1,
///     roles: vec!["omnichannel-supervisor".into()],
/// };
/// assert_eq!(op.requirement().to_string(), r#"privilege "app_profile:write""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op", deny_unknown_fields)]
#[non_exhaustive]
pub enum AdminOp {
    /// Creates a custom profile with these settings, mapping nobody.
    ///
    /// Refused: an empty or taken id ([`Error::EmptyId`],
    /// [`Error::DuplicateId`]); an unknown template, one of the wrong kind,
    /// or one listed twice.
    CreateProfile {
        /// The new profile's id.
        profile: ProfileId,
        /// Its name.
        name: String,
        /// Its settings.
        #[serde(default)]
        settings: ProfileSettings,
    },
    /// Replaces a profile's settings (out-of-box profiles included).
    ///
    /// Refused: as for `CreateProfile`, and an unknown profile.
    UpdateSettings {
        /// The profile.
        profile: ProfileId,
        /// The new settings.
        settings: ProfileSettings,
    },
    /// Deletes a custom profile. Its users fall through to the next rule.
    ///
    /// Refused: an unknown profile; an out-of-box one.
    DeleteProfile {
        /// The profile.
        profile: ProfileId,
    },
    /// Makes a custom profile the default, removing its rank and roles.
    /// Setting the default again on the profile that already is the default
    /// changes nothing and succeeds.
    ///
    /// Refused: an out-of-box profile ([`Error::OutOfBox`]); another profile
    /// already the default ([`Error::DefaultExists`]: remove it first, there
    /// is never a silent switch).
    SetDefault {
        /// The profile.
        profile: ProfileId,
    },
    /// Removes the default flag from the default profile.
    ///
    /// Refused: a profile that is not the default ([`Error::NotDefault`]).
    RemoveDefault {
        /// The profile.
        profile: ProfileId,
    },
    /// Gives a custom profile a rank and the roles it maps, replacing any it
    /// had. Rank 1 is the highest.
    ///
    /// Refused: an out-of-box profile; the default profile
    /// ([`Error::DefaultMapped`]); rank 0; a rank another profile holds
    /// ([`Error::RankTaken`]); an unknown role, or one listed twice.
    SetRankAndRoles {
        /// The profile.
        profile: ProfileId,
        /// Its rank.
        rank: u32,
        /// The roles it maps.
        roles: Vec<RoleId>,
    },
    /// Clears a profile's rank and roles, both at once.
    ///
    /// Refused: an out-of-box profile.
    RemoveRankAndRoles {
        /// The profile.
        profile: ProfileId,
    },
    /// Assigns users to a custom profile directly.
    ///
    /// Refused: an out-of-box profile; an unknown user, or one listed twice;
    /// a user already directly assigned to a profile, this one included
    /// ([`Error::AlreadyAssigned`] names it).
    AssignUsers {
        /// The profile.
        profile: ProfileId,
        /// The users.
        users: Vec<UserId>,
    },
    /// Removes direct assignments from a profile.
    ///
    /// Refused: a user the profile does not list ([`Error::NotAssigned`]).
    UnassignUsers {
        /// The profile.
        profile: ProfileId,
        /// The users.
        users: Vec<UserId>,
    },
    /// Adds a custom template to the shared library.
    ///
    /// Refused: an empty or taken id; an out-of-box template
    /// ([`Error::OutOfBoxTemplate`]: the product ships those).
    CreateTemplate {
        /// The template.
        template: Template,
    },
    /// Deletes a custom template from the library.
    ///
    /// Refused: an unknown template; an out-of-box one
    /// ([`Error::OutOfBoxTemplate`]); one that profiles use
    /// ([`Error::TemplateInUse`] lists them).
    DeleteTemplate {
        /// The template.
        template: TemplateId,
    },
    /// Renames a custom template of the library.
    ///
    /// Refused: an unknown template; an out-of-box one
    /// ([`Error::OutOfBoxTemplate`]).
    RenameTemplate {
        /// The template.
        template: TemplateId,
        /// Its new name.
        name: String,
    },
    /// The upgrade of an existing environment: sets the out-of-box
    /// fallback profile's settings from the environment's state — its
    /// templates in use (each to the list of its kind), its channels, its
    /// productivity pane and the tools configured in it (seed 001: "When
    /// you upgrade your existing environments, the settings for templates,
    /// productivity tools, and channels configuration in the out-of-the-box
    /// app profile will reflect the existing state of your environment").
    ///
    /// Refused: no fallback profile ([`Error::NoFallbackProfile`]); a
    /// template the library lacks, or one listed twice.
    ///
    /// The seed's own case: "if productivity pane is enabled and smart
    /// assist is configured, the settings will be retained in the
    /// out-of-the-box app profile".
    ///
    /// ```
    /// use rbac_profiles::{
    ///     administer, AdminOp, Directory, Environment, MemoryStore, ProductivityPane, ProductivityTool,
    /// };
    ///
    /// let mut store = MemoryStore::new(Directory::from_json(r#"{
    ///     "users": [ { "id": "avery", "roles": ["app-profile-manager-administrator"] } ]
    /// }"#)?);
    /// let environment = Environment::default()
    ///     .with_productivity_pane(ProductivityPane::with_tools([ProductivityTool::SmartAssist]));
    /// let upgrade = AdminOp::Upgrade { environment };
    /// assert_eq!(upgrade.requirement().to_string(), r#"privilege "app_profile:write""#);
    /// administer(&mut store, "avery", &upgrade)?;
    ///
    /// let pane = &store.directory().fallback_profile().unwrap().settings.productivity_pane;
    /// assert!(pane.enabled && pane.tools.contains(&ProductivityTool::SmartAssist));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    Upgrade {
        /// The environment's state.
        environment: Environment,
    },
    /// Creates productivity tool settings.
    ///
    /// Refused: an empty or taken id.
    CreateToolSettings {
        /// The new settings.
        settings: ToolSettings,
    },
    /// Replaces productivity tool settings.
    ///
    /// Refused: unknown settings ([`Error::UnknownToolSettings`]).
    UpdateToolSettings {
        /// The settings as they should be.
        settings: ToolSettings,
    },
    /// Deletes productivity tool settings.
    ///
    /// Refused: unknown settings.
    DeleteToolSettings {
        /// The settings.
        settings: ToolSettingsId,
    },
    /// Creates a channel provider configuration.
    ///
    /// Refused: an empty or taken id.
    CreateChannelProvider {
        /// The new configuration.
        provider: ChannelProvider,
    },
    /// Replaces a channel provider configuration.
    ///
    /// Refused: an unknown one ([`Error::UnknownChannelProvider`]).
    UpdateChannelProvider {
        /// The configuration as it should be.
        provider: ChannelProvider,
    },
    /// Deletes a channel provider configuration.
    ///
    /// Refused: an unknown one.
    DeleteChannelProvider {
        /// The configuration.
        provider: ChannelProviderId,
    },
    /// Creates a column security profile, with its members and permissions.
    ///
    /// Refused: an empty or taken id; an unknown user or team, or one listed
    /// twice; a permission on a column that is not secured
    /// ([`Error::ColumnNotSecured`]).
    CreateColumnProfile {
        /// The new column security profile.
        profile: ColumnProfile,
    },
    /// Replaces a column security profile's name, members and permissions.
    ///
    /// Refused: an unknown profile ([`Error::UnknownColumnProfile`]), and as
    /// for `CreateColumnProfile`.
    UpdateColumnProfile {
        /// The column security profile as it should be.
        profile: ColumnProfile,
    },
    /// Deletes a column security profile; its members lose what it granted.
    ///
    /// Refused: an unknown profile.
    DeleteColumnProfile {
        /// The column security profile.
        profile: ColumnProfileId,
    },
    /// Creates a user, holding nothing, in `business_unit` (the root when
    /// `None`).
    ///
    /// Refused: an empty or taken id; an unknown unit.
    CreateUser {
        /// The new user's id.
        user: UserId,
        /// Their name.
        name: String,
        /// Their business unit; the root when `None`.
        #[serde(default)]
        business_unit: Option<BusinessUnitId>,
    },
    /// Renames a user.
    ///
    /// Refused: an unknown user.
    RenameUser {
        /// The user.
        user: UserId,
        /// Their new name.
        name: String,
    },
    /// Moves a user to another business unit. As in Dataverse ("Change the
    /// business unit for a user"), the roles they held in their old unit
    /// are removed — a role's reach is measured from where it is held —
    /// while roles assigned in a named other unit, team memberships and
    /// profile assignments stay.
    ///
    /// Refused: an unknown user or unit.
    MoveUser {
        /// The user.
        user: UserId,
        /// Their new unit; the root when `None`.
        #[serde(default)]
        business_unit: Option<BusinessUnitId>,
    },
    /// Disables a user, as Dataverse does instead of deleting one: they
    /// keep their roles, teams and assignments but hold nothing and
    /// resolve to no profile ([`User::disabled`](crate::User::disabled)).
    /// Disabling a disabled user changes nothing.
    ///
    /// Refused: an unknown user.
    DisableUser {
        /// The user.
        user: UserId,
    },
    /// Enables a disabled user again. Enabling an enabled user changes
    /// nothing.
    ///
    /// Refused: an unknown user.
    EnableUser {
        /// The user.
        user: UserId,
    },
    /// Removes a user, and every mention of them: their memberships (each
    /// team is written too), their direct profile assignment and their
    /// column security profile memberships.
    ///
    /// Refused: an unknown user.
    RemoveUser {
        /// The user.
        user: UserId,
    },
    /// Creates a team, without roles or members, in `business_unit` (the
    /// root when `None`).
    ///
    /// Refused: an empty or taken id; an unknown unit.
    CreateTeam {
        /// The new team's id.
        team: TeamId,
        /// Its name.
        name: String,
        /// Its business unit, where its roles are held; the root when
        /// `None`.
        #[serde(default)]
        business_unit: Option<BusinessUnitId>,
    },
    /// Deletes a team, and every mention of it: each member's membership
    /// (each user is written too) and column security profile memberships.
    ///
    /// Refused: an unknown team.
    DeleteTeam {
        /// The team.
        team: TeamId,
    },
    /// Adds members to a team: the team and each user are written in one
    /// change set, so both sides of every membership agree.
    ///
    /// Refused: an unknown team or user, a user listed twice
    /// ([`Error::DuplicateReference`]), a member already
    /// ([`Error::AlreadyMember`]); a member who would hold the Omnichannel
    /// API access role with an agent or supervisor role through the team
    /// ([`Error::ApiAccessConflict`]).
    AddTeamMembers {
        /// The team.
        team: TeamId,
        /// The users to add.
        users: Vec<UserId>,
    },
    /// Removes members from a team, both sides in one change set.
    ///
    /// Refused: an unknown team, a user listed twice, a user not in it
    /// ([`Error::NotMember`]).
    RemoveTeamMembers {
        /// The team.
        team: TeamId,
        /// The users to remove.
        users: Vec<UserId>,
    },
    /// Moves a team, and so where its roles are held, to another unit.
    ///
    /// Refused: an unknown team or unit.
    MoveTeam {
        /// The team.
        team: TeamId,
        /// Its new unit; the root when `None`.
        #[serde(default)]
        business_unit: Option<BusinessUnitId>,
    },
    /// Assigns a role to a user, held in `business_unit` (their own unit
    /// when `None`). Needs `user_role:write` and passes the elevation rule
    /// (see [`AdminOp::requirement`]).
    ///
    /// Refused: an unknown user, role or unit; a role already held in that
    /// unit ([`Error::RoleAlreadyHeld`]); the Omnichannel API access role
    /// and an agent or supervisor role in one user
    /// ([`Error::ApiAccessConflict`]).
    AssignRole {
        /// The user.
        user: UserId,
        /// The role.
        role: RoleId,
        /// The unit it is held in; the user's own when `None`.
        #[serde(default)]
        business_unit: Option<BusinessUnitId>,
    },
    /// Removes a role a user holds in `business_unit` (their own unit when
    /// `None`).
    ///
    /// Refused: an unknown user; a role they don't hold there
    /// ([`Error::RoleNotHeld`]).
    RemoveRole {
        /// The user.
        user: UserId,
        /// The role.
        role: RoleId,
        /// The unit it is held in; the user's own when `None`.
        #[serde(default)]
        business_unit: Option<BusinessUnitId>,
    },
    /// Gives a team a role, held in the team's unit by every member.
    /// Needs `user_role:write` and passes the elevation rule in the team's
    /// unit.
    ///
    /// Refused: an unknown team or role; a role the team holds; a member
    /// who would hold the Omnichannel API access role with an agent or
    /// supervisor role.
    AssignTeamRole {
        /// The team.
        team: TeamId,
        /// The role.
        role: RoleId,
    },
    /// Takes a role from a team.
    ///
    /// Refused: an unknown team; a role it doesn't hold.
    RemoveTeamRole {
        /// The team.
        team: TeamId,
        /// The role.
        role: RoleId,
    },
    /// Creates a business unit under `parent`; with no parent, the root of
    /// an organisation that has no units yet.
    ///
    /// Refused: an empty or taken id; an unknown parent; no parent while a
    /// root exists ([`Error::SecondRoot`]).
    CreateBusinessUnit {
        /// The new unit's id.
        business_unit: BusinessUnitId,
        /// Its name.
        name: String,
        /// The unit above it.
        #[serde(default)]
        parent: Option<BusinessUnitId>,
    },
    /// Renames a business unit.
    ///
    /// Refused: an unknown unit.
    RenameBusinessUnit {
        /// The unit.
        business_unit: BusinessUnitId,
        /// Its new name.
        name: String,
    },
    /// Moves a business unit, with everything below it, under another
    /// parent.
    ///
    /// Refused: an unknown unit or parent; a parent in the unit's own
    /// subtree, the root's included ([`Error::BusinessUnitCycle`]).
    MoveBusinessUnit {
        /// The unit.
        business_unit: BusinessUnitId,
        /// Its new parent.
        parent: BusinessUnitId,
    },
    /// Deletes an empty business unit.
    ///
    /// Refused: an unknown unit; a unit with a child unit, a user, a team,
    /// or a role assigned in it ([`Error::BusinessUnitInUse`]).
    DeleteBusinessUnit {
        /// The unit.
        business_unit: BusinessUnitId,
    },
}

impl AdminOp {
    /// Whether the operation administers users, teams, business units or
    /// role assignment (rather than profiles and their settings).
    ///
    /// ```
    /// use rbac_profiles::AdminOp;
    ///
    /// assert!(AdminOp::DisableUser { user: "alice".into() }.is_security());
    /// assert!(!AdminOp::RemoveDefault { profile: "p".into() }.is_security());
    /// ```
    pub fn is_security(&self) -> bool {
        matches!(
            self,
            AdminOp::CreateUser { .. }
                | AdminOp::RenameUser { .. }
                | AdminOp::MoveUser { .. }
                | AdminOp::DisableUser { .. }
                | AdminOp::EnableUser { .. }
                | AdminOp::RemoveUser { .. }
                | AdminOp::CreateTeam { .. }
                | AdminOp::DeleteTeam { .. }
                | AdminOp::AddTeamMembers { .. }
                | AdminOp::RemoveTeamMembers { .. }
                | AdminOp::MoveTeam { .. }
                | AdminOp::AssignRole { .. }
                | AdminOp::RemoveRole { .. }
                | AdminOp::AssignTeamRole { .. }
                | AdminOp::RemoveTeamRole { .. }
                | AdminOp::CreateBusinessUnit { .. }
                | AdminOp::RenameBusinessUnit { .. }
                | AdminOp::MoveBusinessUnit { .. }
                | AdminOp::DeleteBusinessUnit { .. }
        )
    }

    /// What the actor must have. Profiles, templates, tool settings and
    /// channel providers need a privilege of App profile manager
    /// administrator: `app_profile:create`, `app_profile:write` (the
    /// upgrade too: it writes the out-of-box profile) or
    /// `app_profile:delete`; `template:create`, `template:write` (rename)
    /// or `template:delete`; `productivity_tool_settings:create`, `write`
    /// or `delete`; `channel_provider_settings:create`, `write` or
    /// `delete`. Column security profiles need the System Administrator
    /// role: the seeds grant no privilege over them, and in Dataverse only
    /// system administrators manage field security.
    ///
    /// Role assignment (to users and teams, and its removal) needs
    /// `user_role:write` ("Can edit roles of a user"), and assigning a role
    /// also the **elevation rule** (Dataverse: a user can't grant more than
    /// they hold): the actor must hold every privilege the role grants,
    /// inclusions expanded, at the same or a higher level, by a holding
    /// that reaches the unit the role is assigned in — `organization`
    /// everywhere, `parent_child_business_unit` in its unit's subtree,
    /// `business_unit` and `user` in its unit. A refusal is
    /// [`Error::AccessDenied`] naming the first such privilege, by key,
    /// as [`Requirement::PrivilegeAt`]. System Administrator passes;
    /// assigning System Administrator (or a role including it) needs
    /// System Administrator. So an Omnichannel administrator without System
    /// Administrator may assign only roles within their own privileges
    /// (seed 002/003: the role "also requires the System Administrator role
    /// to manage user roles").
    ///
    /// Users, teams and business units need System Administrator: the
    /// seeds grant no privilege over them, and in Dataverse managing users,
    /// teams and business units is the system administrator's.
    ///
    /// ```
    /// use rbac_profiles::{AdminOp, Requirement};
    ///
    /// let op = AdminOp::DeleteTemplate { template: "chat-session".into() };
    /// assert_eq!(op.requirement(), Requirement::Privilege("template:delete".parse()?));
    /// let op = AdminOp::AssignRole { user: "kayla".into(), role: "omnichannel-agent".into(), business_unit: None };
    /// assert_eq!(op.requirement().to_string(), r#"privilege "user_role:write""#);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn requirement(&self) -> Requirement {
        Requirement::Privilege(match self {
            AdminOp::AssignRole { .. }
            | AdminOp::RemoveRole { .. }
            | AdminOp::AssignTeamRole { .. }
            | AdminOp::RemoveTeamRole { .. } => catalog::USER_ROLE_WRITE,
            AdminOp::CreateUser { .. }
            | AdminOp::RenameUser { .. }
            | AdminOp::MoveUser { .. }
            | AdminOp::DisableUser { .. }
            | AdminOp::EnableUser { .. }
            | AdminOp::RemoveUser { .. }
            | AdminOp::CreateTeam { .. }
            | AdminOp::DeleteTeam { .. }
            | AdminOp::AddTeamMembers { .. }
            | AdminOp::RemoveTeamMembers { .. }
            | AdminOp::MoveTeam { .. }
            | AdminOp::CreateBusinessUnit { .. }
            | AdminOp::RenameBusinessUnit { .. }
            | AdminOp::MoveBusinessUnit { .. }
            | AdminOp::DeleteBusinessUnit { .. } => {
                return Requirement::Role(catalog::SYSTEM_ADMINISTRATOR);
            }
            AdminOp::CreateProfile { .. } => catalog::APP_PROFILE_CREATE,
            AdminOp::DeleteProfile { .. } => catalog::APP_PROFILE_DELETE,
            AdminOp::CreateTemplate { .. } => catalog::TEMPLATE_CREATE,
            AdminOp::DeleteTemplate { .. } => catalog::TEMPLATE_DELETE,
            AdminOp::RenameTemplate { .. } => catalog::TEMPLATE_WRITE,
            AdminOp::CreateToolSettings { .. } => catalog::TOOL_SETTINGS_CREATE,
            AdminOp::UpdateToolSettings { .. } => catalog::TOOL_SETTINGS_WRITE,
            AdminOp::DeleteToolSettings { .. } => catalog::TOOL_SETTINGS_DELETE,
            AdminOp::CreateChannelProvider { .. } => catalog::CHANNEL_PROVIDER_CREATE,
            AdminOp::UpdateChannelProvider { .. } => catalog::CHANNEL_PROVIDER_WRITE,
            AdminOp::DeleteChannelProvider { .. } => catalog::CHANNEL_PROVIDER_DELETE,
            AdminOp::Upgrade { .. }
            | AdminOp::UpdateSettings { .. }
            | AdminOp::SetDefault { .. }
            | AdminOp::RemoveDefault { .. }
            | AdminOp::SetRankAndRoles { .. }
            | AdminOp::RemoveRankAndRoles { .. }
            | AdminOp::AssignUsers { .. }
            | AdminOp::UnassignUsers { .. } => catalog::APP_PROFILE_WRITE,
            AdminOp::CreateColumnProfile { .. }
            | AdminOp::UpdateColumnProfile { .. }
            | AdminOp::DeleteColumnProfile { .. } => {
                return Requirement::Role(catalog::SYSTEM_ADMINISTRATOR);
            }
        })
    }
}

/// Performs one operation by `actor`, all or nothing.
///
/// # Errors
///
/// [`Error::UnknownUser`] for an unknown actor, [`Error::AccessDenied`] when
/// the actor lacks [`AdminOp::requirement`], the error of the rule
/// the operation would break (see each [`AdminOp`] variant), and
/// [`Error::Storage`] when the store fails. After any error the store is as
/// it was.
///
/// ```
/// use rbac_profiles::{administer, resolve_profile, AdminOp, Directory, DirectoryDoc, Error, MemoryStore, Reason, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("admin", "Admin").with_role("app-profile-manager-administrator"));
/// org.users.push(User::new("kendall", "Kendall Collins").with_role("omnichannel-agent"));
/// let mut store = MemoryStore::new(Directory::builtin_with(org)?);
/// let admin = "admin";
///
/// administer(&mut store, &admin, &AdminOp::CreateProfile {
///     profile: "datum-agent".into(), name: "Datum Agent".into(), settings: Default::default(),
/// })?;
/// administer(&mut store, &admin, &AdminOp::SetRankAndRoles {
///     profile: "datum-agent".into(), rank: 2, roles: vec!["omnichannel-agent".into()],
/// })?;
/// let kendall = resolve_profile(&store, "kendall")?;
/// assert_eq!(kendall.profile.as_str(), "datum-agent");
///
/// // Kendall may not administer.
/// let err = administer(&mut store, "kendall", &AdminOp::DeleteProfile {
///     profile: "datum-agent".into(),
/// }).unwrap_err();
/// assert_eq!(err.to_string(), r#"user "kendall" lacks privilege "app_profile:delete""#);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn administer<S: StoreMut + ?Sized>(
    store: &mut S,
    actor: impl AsId<UserId>,
    op: &AdminOp,
) -> Result<(), Error> {
    administer_all(store, actor, std::slice::from_ref(op))
}

/// Performs a batch of operations by `actor` as one change set: each is
/// checked against the state the earlier ones leave, and either all are
/// stored or none is.
///
/// # Errors
///
/// As [`administer`], for the first operation that fails; nothing of the
/// batch is stored then.
///
/// ```
/// use rbac_profiles::{administer_all, AdminOp, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("admin", "Admin").with_role("omnichannel-administrator"));
/// let mut store = MemoryStore::new(Directory::builtin_with(org)?);
/// let before = store.clone();
///
/// let batch = [
///     AdminOp::CreateProfile { profile: "a".into(), name: "A".into(), settings: Default::default() },
///     AdminOp::SetDefault { profile: "a".into() },
///     AdminOp::SetRankAndRoles { profile: "a".into(), rank: 1, roles: vec![] },
/// ];
/// // The third operation breaks a rule: the default can't be ranked.
/// assert!(administer_all(&mut store, "admin", &batch).is_err());
/// assert_eq!(store, before);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn administer_all<S: StoreMut + ?Sized>(
    store: &mut S,
    actor: impl AsId<UserId>,
    ops: &[AdminOp],
) -> Result<(), Error> {
    let actor = actor.to_id();
    let changes = {
        let mut staged = Staged::new(&*store);
        for (position, op) in (1..).zip(ops) {
            staged.stage(&actor, position, op)?;
        }
        staged.changes
    };
    if changes.is_empty() {
        return Ok(());
    }
    store.apply(&changes)?;
    Ok(())
}

/// Calls `f` with the store as `ops` would leave it, and the change set
/// they would write, checked against every rule of each operation except
/// who makes it: what a what-if question needs. The store is not written.
pub(crate) fn with_staged<S: Store + ?Sized, R>(
    store: &S,
    ops: &[AdminOp],
    f: impl FnOnce(&dyn Store, &[Change]) -> Result<R, Error>,
) -> Result<R, Error> {
    let mut staged = Staged::new(store);
    for (position, op) in (1..).zip(ops) {
        staged.stage_op(position, op)?;
    }
    let changes = std::mem::take(&mut staged.changes);
    f(&staged, &changes)
}
