//! The crate's one error type and the small enums its variants carry.

use std::fmt;

use std::error::Error as StdError;

use serde::{Deserialize, Serialize};

use crate::id::{
    BusinessUnitId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TeamId, TemplateId,
    ToolSettingsId, UserId,
};
use crate::key::{ColumnKey, KeyError, Privilege};
use crate::privilege::AccessLevel;
use crate::profile::TemplateKind;

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
    /// An entity has an empty id: in a document, or created by an
    /// administration operation or a change set.
    #[error("{kind} number {position} has an empty id")]
    EmptyId {
        /// What kind of entity it is.
        kind: EntityKind,
        /// Its position, counting from 1: in its list of the document, in
        /// the batch of operations, or in the change set.
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
    /// A document refers to a built-in role (such as `omnichannel-agent`)
    /// but does not hold it: it was loaded without the built-in catalogue.
    /// Load it with [`Directory::from_json`](crate::Directory::from_json) or
    /// [`Directory::builtin_with`](crate::Directory::builtin_with), which add
    /// the catalogue.
    #[error(
        "{owner} references built-in role {:?}, but the document was loaded without the built-in catalogue (load it with Directory::from_json or Directory::builtin_with)",
        role.as_str()
    )]
    BuiltinNotLoaded {
        /// The entity that refers to the role.
        owner: EntityRef,
        /// The built-in role.
        role: RoleId,
    },
    /// A document is not valid JSON, or does not have the shape of a
    /// [`DirectoryDoc`](crate::DirectoryDoc): the parser's message, with
    /// where it stopped.
    #[error("invalid document at line {line}, column {column}: {message}")]
    Document {
        /// The line, counting from 1 (0 when the parser gave none).
        line: usize,
        /// The column, counting from 1 (0 when the parser gave none).
        column: usize,
        /// What is wrong, as the parser words it (it quotes the offending
        /// key or id).
        message: String,
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
    /// A document has two business units without a parent: the tree has one
    /// root.
    #[error(
        "business units {:?} and {:?} both have no parent; the tree has one root",
        first.as_str(),
        second.as_str()
    )]
    SecondRoot {
        /// The first root, in document order.
        first: BusinessUnitId,
        /// The second.
        second: BusinessUnitId,
    },
    /// Business units are their own ancestors: following parents loops.
    #[error("business unit cycle: {}", unit_path(cycle))]
    BusinessUnitCycle {
        /// The units of the cycle, each followed by its parent; the first
        /// is repeated at the end (`a -> b -> a`).
        cycle: Vec<BusinessUnitId>,
    },
    /// A question named a business unit the store does not know.
    #[error("unknown business unit {:?}", business_unit.as_str())]
    UnknownBusinessUnit {
        /// The id that was asked for.
        business_unit: BusinessUnitId,
    },
    /// A record handed to a record-access question names an owner, or
    /// shares with a principal, the store does not know: a typo must not
    /// look like a denial.
    #[error("record {} unknown {}", part, entity)]
    UnknownInRecord {
        /// Where the record names it: `"owned by"` or `"shared with"`.
        part: &'static str,
        /// The unknown user or team.
        entity: EntityRef,
    },
    /// A question named a team the store does not know.
    #[error("unknown team {:?}", team.as_str())]
    UnknownTeam {
        /// The id that was asked for.
        team: TeamId,
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
    /// An out-of-box profile was given something only a custom profile can
    /// have, or an administrator tried to delete one.
    #[error("out-of-box profile {:?} {rule}", profile.as_str())]
    OutOfBox {
        /// The out-of-box profile.
        profile: ProfileId,
        /// What it can't have or undergo.
        rule: OutOfBoxRule,
    },
    /// A profile's rank is 0; ranks start at 1, the highest.
    #[error("profile {:?} has rank 0; ranks start at 1", profile.as_str())]
    ZeroRank {
        /// The profile.
        profile: ProfileId,
    },
    /// A profile maps roles but has no rank to order it against others.
    #[error("profile {:?} maps roles but has no rank", profile.as_str())]
    RolesWithoutRank {
        /// The profile.
        profile: ProfileId,
    },
    /// The default profile was given a rank or roles: the default applies
    /// to everyone no other rule reaches, so it maps no roles.
    #[error("profile {:?} is the default and can't have a rank or roles", profile.as_str())]
    DefaultMapped {
        /// The default profile.
        profile: ProfileId,
    },
    /// A profile uses a template in a list of another kind (a notification
    /// template as a session template).
    #[error(
        "profile {:?} uses {found} template {:?} as a {expected} template",
        profile.as_str(),
        template.as_str()
    )]
    TemplateKindMismatch {
        /// The profile.
        profile: ProfileId,
        /// The template.
        template: TemplateId,
        /// The kind the list requires.
        expected: TemplateKind,
        /// The template's own kind.
        found: TemplateKind,
    },
    /// A document assigns one user directly to two profiles.
    #[error(
        "user {:?} is directly assigned to profiles {:?} and {:?}",
        user.as_str(),
        first.as_str(),
        second.as_str()
    )]
    AssignedTwice {
        /// The user.
        user: UserId,
        /// The first profile listing the user, in document order.
        first: ProfileId,
        /// The second.
        second: ProfileId,
    },
    /// An administrator assigned a user who is already directly assigned to
    /// a profile (the one named here); unassign them there first.
    #[error(
        "user {:?} is already directly assigned to profile {:?}",
        user.as_str(),
        profile.as_str()
    )]
    AlreadyAssigned {
        /// The user.
        user: UserId,
        /// The profile the user is assigned to now.
        profile: ProfileId,
    },
    /// An administrator unassigned a user the profile does not list.
    #[error(
        "user {:?} is not directly assigned to profile {:?}",
        user.as_str(),
        profile.as_str()
    )]
    NotAssigned {
        /// The user.
        user: UserId,
        /// The profile.
        profile: ProfileId,
    },
    /// The directory has profiles but no out-of-box profile to fall back
    /// on, or a store answered a resolution without naming one.
    #[error("no out-of-box fallback profile")]
    NoFallbackProfile,
    /// The directory has several out-of-box profiles and does not name
    /// which one is the fallback (`fallback_profile`).
    #[error(
        "several out-of-box profiles ({}) and no fallback_profile naming one",
        id_list(profiles)
    )]
    AmbiguousFallback {
        /// The out-of-box profiles, in document order.
        profiles: Vec<ProfileId>,
    },
    /// The profile named as the fallback is a custom profile.
    #[error("fallback profile {:?} is not an out-of-box profile", profile.as_str())]
    FallbackNotOutOfBox {
        /// The profile.
        profile: ProfileId,
    },
    /// An operation or the fallback names a profile that does not exist.
    #[error("unknown profile {:?}", profile.as_str())]
    UnknownProfile {
        /// The id that was given.
        profile: ProfileId,
    },
    /// An operation names a column security profile that does not exist.
    #[error("unknown column profile {:?}", profile.as_str())]
    UnknownColumnProfile {
        /// The id that was given.
        profile: ColumnProfileId,
    },
    /// An operation names a template that does not exist.
    #[error("unknown template {:?}", template.as_str())]
    UnknownTemplate {
        /// The id that was given.
        template: TemplateId,
    },
    /// An administrator deleted, renamed or created an out-of-box template:
    /// the product ships those, and they stay as shipped.
    #[error("out-of-box template {:?} {rule}", template.as_str())]
    OutOfBoxTemplate {
        /// The template.
        template: TemplateId,
        /// What it can't undergo: [`OutOfBoxRule::Delete`],
        /// [`OutOfBoxRule::Rename`] or [`OutOfBoxRule::Create`].
        rule: OutOfBoxRule,
    },
    /// An operation names productivity tool settings that do not exist.
    #[error("unknown tool settings {:?}", settings.as_str())]
    UnknownToolSettings {
        /// The id that was given.
        settings: ToolSettingsId,
    },
    /// An operation names a channel provider configuration that does not
    /// exist.
    #[error("unknown channel provider {:?}", provider.as_str())]
    UnknownChannelProvider {
        /// The id that was given.
        provider: ChannelProviderId,
    },
    /// A disabled user resolves to no profile.
    #[error("user {:?} is disabled", user.as_str())]
    DisabledUser {
        /// The user.
        user: UserId,
    },
    /// An operation would give one user the Omnichannel API access role
    /// and an agent or supervisor role (seed 003: "Ensure that the
    /// Omnichannel API access role isn't assigned to a supervisor or agent
    /// type of user").
    #[error(
        "user {:?} would hold {:?} with {:?}: the Omnichannel API access role isn't for agents or supervisors",
        user.as_str(),
        role.as_str(),
        conflicting.as_str()
    )]
    ApiAccessConflict {
        /// The user.
        user: UserId,
        /// The role the operation gives (directly, through a team, or
        /// included).
        role: RoleId,
        /// The role they hold that it conflicts with.
        conflicting: RoleId,
    },
    /// A role assigned where it is already held.
    #[error("{holder} already holds role {:?}{}", role.as_str(), in_unit(business_unit.as_ref()))]
    RoleAlreadyHeld {
        /// The user or team.
        holder: EntityRef,
        /// The role.
        role: RoleId,
        /// The unit it is held in (`None` without units).
        business_unit: Option<BusinessUnitId>,
    },
    /// A role removed where it isn't held.
    #[error("{holder} doesn't hold role {:?}{}", role.as_str(), in_unit(business_unit.as_ref()))]
    RoleNotHeld {
        /// The user or team.
        holder: EntityRef,
        /// The role.
        role: RoleId,
        /// The unit asked for (`None` without units).
        business_unit: Option<BusinessUnitId>,
    },
    /// A user added to a team they are in.
    #[error("user {:?} is already in team {:?}", user.as_str(), team.as_str())]
    AlreadyMember {
        /// The team.
        team: TeamId,
        /// The user.
        user: UserId,
    },
    /// A user removed from a team they aren't in.
    #[error("user {:?} is not in team {:?}", user.as_str(), team.as_str())]
    NotMember {
        /// The team.
        team: TeamId,
        /// The user.
        user: UserId,
    },
    /// A business unit deleted while something is in it.
    #[error("business unit {:?} is not empty: {holder} is in it", business_unit.as_str())]
    BusinessUnitInUse {
        /// The unit.
        business_unit: BusinessUnitId,
        /// The first thing found in it: a child unit, a user, a team, or a
        /// user holding a role in it.
        holder: EntityRef,
    },
    /// The actor lacks the privilege or role the operation needs.
    #[error("user {:?} lacks {missing}", actor.as_str())]
    AccessDenied {
        /// The user who asked for the operation.
        actor: UserId,
        /// What they lack.
        missing: Requirement,
    },
    /// An administrator made a profile the default while another one is.
    /// There is never a silent switch: remove the default first.
    #[error(
        "profile {:?} is the default; remove it before making {:?} the default",
        current.as_str(),
        requested.as_str()
    )]
    DefaultExists {
        /// The default profile now.
        current: ProfileId,
        /// The profile asked to become the default.
        requested: ProfileId,
    },
    /// An administrator removed the default from a profile that is not the
    /// default.
    #[error("profile {:?} is not the default", profile.as_str())]
    NotDefault {
        /// The profile.
        profile: ProfileId,
    },
    /// An administrator gave a profile a rank another profile holds.
    #[error("rank {rank} is held by profile {:?}", holder.as_str())]
    RankTaken {
        /// The rank asked for.
        rank: u32,
        /// The profile holding it.
        holder: ProfileId,
    },
    /// An administrator deleted a template that profiles still use.
    #[error("template {:?} is used by profiles {}", template.as_str(), id_list(profiles))]
    TemplateInUse {
        /// The template.
        template: TemplateId,
        /// The profiles using it, by id.
        profiles: Vec<ProfileId>,
    },
    /// A snapshot would hold more entities of one kind (or more id text)
    /// than its 32-bit indices address.
    #[error("snapshot limit: more than {limit} {what}")]
    SnapshotLimit {
        /// What overflowed: `"users"`, `"privileges"`, `"profiles"`,
        /// `"roles"`, `"references"` (role, team and inclusion references in
        /// all), `"bytes of id text"` or `"snapshots compiled in this
        /// process"` (a snapshot's identity is never reused).
        what: &'static str,
        /// The most a snapshot holds.
        limit: u64,
    },
    /// A snapshot table could not be allocated: the organisation is too big
    /// for this machine's memory (the privilege rows take privileges ×
    /// roles bits, and up to 512 roles the role rows users × roles / 8
    /// bytes).
    #[error("snapshot too large: {what} need {bytes} bytes")]
    SnapshotTooLarge {
        /// The table: `"role rows"`, `"id table"`, …
        what: &'static str,
        /// The bytes it needs (`u64::MAX` when the size itself overflows).
        bytes: u64,
    },
    /// A what-if question ([`Snapshot::impact`](crate::Snapshot::impact))
    /// asked of a snapshot the store has moved on from: compile again (or
    /// follow the feed), then ask.
    #[error("{stale}")]
    StaleSnapshot {
        /// How the snapshot is behind: versions that differ, or, for a
        /// store that keeps no version, an entity that differs.
        stale: Staleness,
    },
    /// [`changes_since`](crate::changes_since): the store no longer keeps
    /// every change set after `version`.
    #[error(
        "the store keeps no changes since version {version} (it is at version {store}): compile again"
    )]
    FeedTooOld {
        /// The version asked from.
        version: u64,
        /// The store's version.
        store: u64,
    },
    /// [`changes_since`](crate::changes_since): `version` is past the
    /// store's (a snapshot of another store?).
    #[error("version {version} is ahead of the store, which is at version {store}")]
    UnknownVersion {
        /// The version asked from.
        version: u64,
        /// The store's version.
        store: u64,
    },
    /// [`Snapshot::apply`](crate::Snapshot::apply): the change sets do
    /// not follow on from the snapshot's version (each must be the one
    /// after the last), or the snapshot was compiled from a store without
    /// versions.
    #[error("change set {found} does not follow on from the snapshot's version ({})", version_text(.snapshot))]
    ChangeOutOfOrder {
        /// The version the snapshot was at when the set came.
        snapshot: Option<u64>,
        /// The set's version.
        found: u64,
    },
    /// [`Snapshot::apply`](crate::Snapshot::apply): change set `version`
    /// changes `entity` in a way a snapshot can't apply in place (a role
    /// the snapshot never read, the first business unit of a store that
    /// had none, a root unit made, moved or removed, the out-of-box
    /// profile removed): compile again. [`SharedSnapshot::follow`](crate::SharedSnapshot::follow)
    /// does so by itself.
    #[error(
        "change set {version} changes {entity}, which a snapshot can't apply in place: compile again"
    )]
    NotIncremental {
        /// The change set's version.
        version: u64,
        /// What it changes.
        entity: EntityRef,
    },
    /// A handle (such as a [`UserIx`](crate::UserIx)) that the snapshot
    /// asked did not issue.
    #[error("no {kind} with index {index} in this snapshot")]
    UnknownHandle {
        /// The kind of handle.
        kind: EntityKind,
        /// Its index.
        index: u32,
    },
    /// A Dataverse role file can't be imported (feature `dataverse`): where,
    /// counting lines and columns from 1 (0 when the problem is the whole
    /// file, such as its size), and what is wrong.
    #[cfg(feature = "dataverse")]
    #[error("{file}:{line}:{column}: {problem}")]
    Import {
        /// The file (or the name the host gave a reader).
        file: String,
        /// The line, counting from 1.
        line: usize,
        /// The column in characters, counting from 1.
        column: usize,
        /// What is wrong there.
        problem: ImportProblem,
    },
    /// A role can't be written as Dataverse role XML (feature `dataverse`).
    #[cfg(feature = "dataverse")]
    #[error("role {:?} can't be exported to Dataverse: {problem}", role.as_str())]
    Export {
        /// The role.
        role: RoleId,
        /// Why not.
        problem: ExportProblem,
    },
    /// A text is not a GUID (feature `dataverse`): 32 hexadecimal digits in
    /// the 8-4-4-4-12 groups, braced or not.
    #[cfg(feature = "dataverse")]
    #[error("invalid role guid {text:?}")]
    InvalidGuid {
        /// The text given.
        text: String,
    },
}

/// What is wrong at the place an [`Error::Import`] names (feature
/// `dataverse`).
///
/// ```
/// use rbac_profiles::ImportProblem;
///
/// let problem = ImportProblem::UnknownLevel { level: "Organization".into() };
/// assert_eq!(problem.to_string(), r#"unknown privilege level "Organization" (expected Basic, Local, Deep, Global or None)"#);
/// ```
#[cfg(feature = "dataverse")]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportProblem {
    /// The text is not well-formed XML: the parser's message.
    Xml {
        /// The parser's words.
        message: String,
    },
    /// The file could not be read.
    Io {
        /// The operating system's words.
        message: String,
    },
    /// The file is not UTF-8.
    NotUtf8,
    /// The file is larger than the importer's limit.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Elements are nested deeper than the importer's limit.
    TooDeep {
        /// The limit, in levels.
        limit: usize,
    },
    /// The file has a document type declaration: refused, so no entity is
    /// ever expanded (billion laughs, external entities).
    Dtd,
    /// An entity reference other than the five XML predefines and
    /// character references.
    UnknownEntity {
        /// The entity's name.
        name: String,
    },
    /// An element lacks a required attribute.
    MissingAttribute {
        /// The element.
        element: &'static str,
        /// The attribute.
        attribute: &'static str,
    },
    /// A `level` that is not `Basic`, `Local`, `Deep`, `Global` or `None`.
    UnknownLevel {
        /// The level as written.
        level: String,
    },
    /// A privilege name that doesn't start with `prv`.
    NotPrivilegeName {
        /// The name as written.
        name: String,
    },
    /// A `prv` name with nothing after its action, or a character outside
    /// ASCII letters, digits and `_`.
    InvalidPrivilegeName {
        /// The name as written.
        name: String,
    },
    /// A role `id` that is not a GUID.
    InvalidGuid {
        /// The id as written.
        id: String,
    },
    /// `isinherited`, `IsCustomizable` or `IsAutoAssigned` other than `0`
    /// or `1`.
    InvalidFlag {
        /// The attribute or element.
        name: &'static str,
        /// The value as written.
        value: String,
    },
}

#[cfg(feature = "dataverse")]
impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportProblem::Xml { message } => write!(f, "malformed xml: {message}"),
            ImportProblem::Io { message } => write!(f, "can't read: {message}"),
            ImportProblem::NotUtf8 => f.write_str("not utf-8"),
            ImportProblem::TooLarge { limit } => write!(f, "larger than {limit} bytes"),
            ImportProblem::TooDeep { limit } => {
                write!(f, "elements nested deeper than {limit} levels")
            }
            ImportProblem::Dtd => {
                f.write_str("document type declarations are refused (no entity is expanded)")
            }
            ImportProblem::UnknownEntity { name } => write!(f, "unknown entity {name:?}"),
            ImportProblem::MissingAttribute { element, attribute } => {
                write!(f, "<{element}> has no {attribute:?} attribute")
            }
            ImportProblem::UnknownLevel { level } => write!(
                f,
                "unknown privilege level {level:?} (expected Basic, Local, Deep, Global or None)"
            ),
            ImportProblem::NotPrivilegeName { name } => {
                write!(f, "privilege name {name:?} doesn't start with \"prv\"")
            }
            ImportProblem::InvalidPrivilegeName { name } => write!(
                f,
                "privilege name {name:?} is not prv + letters, digits and _"
            ),
            ImportProblem::InvalidGuid { id } => write!(f, "role id {id:?} is not a guid"),
            ImportProblem::InvalidFlag { name, value } => {
                write!(f, "{name} is {value:?}; expected \"0\" or \"1\"")
            }
        }
    }
}

/// Why a role can't be written as Dataverse role XML, as [`Error::Export`]
/// reports it (feature `dataverse`).
///
/// ```
/// use rbac_profiles::ExportProblem;
///
/// let problem = ExportProblem::NoDataverseName { privilege: "conversation:transfer".parse()? };
/// assert_eq!(
///     problem.to_string(),
///     r#"privilege "conversation:transfer" has no Dataverse name (a table action or misc:<name>)"#
/// );
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[cfg(feature = "dataverse")]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportProblem {
    /// A granted key whose action is not one of Dataverse's eight table
    /// actions and whose entity is not `misc`.
    NoDataverseName {
        /// The key.
        privilege: Privilege,
    },
    /// The role includes other roles; Dataverse roles don't.
    Includes {
        /// The first included role.
        included: RoleId,
    },
}

#[cfg(feature = "dataverse")]
impl fmt::Display for ExportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportProblem::NoDataverseName { privilege } => write!(
                f,
                "privilege {:?} has no Dataverse name (a table action or misc:<name>)",
                privilege.as_str()
            ),
            ExportProblem::Includes { included } => write!(
                f,
                "it includes role {:?}, and Dataverse roles include none",
                included.as_str()
            ),
        }
    }
}

fn id_list(ids: &[ProfileId]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("{:?}", id.as_str())).collect();
    quoted.join(", ")
}

/// What an out-of-box profile or template can't have or undergo, as
/// [`Error::OutOfBox`] and [`Error::OutOfBoxTemplate`] report it.
///
/// ```
/// assert_eq!(rbac_profiles::OutOfBoxRule::Rank.to_string(), "can't have a rank");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum OutOfBoxRule {
    /// A rank (or removing one).
    Rank,
    /// Mapped roles.
    Roles,
    /// Directly assigned users.
    Users,
    /// Being the default.
    Default,
    /// Being deleted.
    Delete,
    /// Being renamed (templates).
    Rename,
    /// Being created by an administrator (templates: the product ships the
    /// out-of-box ones).
    Create,
}

impl fmt::Display for OutOfBoxRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            OutOfBoxRule::Rank => "can't have a rank",
            OutOfBoxRule::Roles => "can't have roles",
            OutOfBoxRule::Users => "can't have directly assigned users",
            OutOfBoxRule::Default => "can't be the default",
            OutOfBoxRule::Delete => "can't be deleted",
            OutOfBoxRule::Rename => "can't be renamed",
            OutOfBoxRule::Create => "can't be created by an administrator",
        })
    }
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

fn unit_path(cycle: &[BusinessUnitId]) -> String {
    let names: Vec<String> = cycle.iter().map(|b| format!("{:?}", b.as_str())).collect();
    names.join(" -> ")
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
    /// An experience profile.
    Profile,
    /// A template of the shared library.
    Template,
    /// A secured column.
    Column,
    /// A column security profile.
    ColumnProfile,
    /// A business unit.
    BusinessUnit,
    /// The settings of a productivity tool.
    ToolSettings,
    /// A channel provider configuration.
    ChannelProvider,
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            EntityKind::Privilege => "privilege",
            EntityKind::Role => "role",
            EntityKind::Team => "team",
            EntityKind::User => "user",
            EntityKind::Profile => "profile",
            EntityKind::Template => "template",
            EntityKind::Column => "column",
            EntityKind::ColumnProfile => "column profile",
            EntityKind::BusinessUnit => "business unit",
            EntityKind::ToolSettings => "tool settings",
            EntityKind::ChannelProvider => "channel provider",
        })
    }
}

/// How a snapshot is behind its store: [`Error::StaleSnapshot`].
///
/// ```
/// use rbac_profiles::{EntityRef, Staleness};
///
/// let behind = Staleness::Version { snapshot: Some(3), store: 5 };
/// assert_eq!(behind.to_string(), "the snapshot was compiled at version 3 and the store is at version 5: compile again");
/// let changed = Staleness::Entity(EntityRef::User("ana".into()));
/// assert_eq!(changed.to_string(), r#"user "ana" changed since the snapshot was compiled"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Staleness {
    /// The store's version is not the one the snapshot was compiled at
    /// (`None`: compiled from a store that keeps no version).
    Version {
        /// The snapshot's version.
        snapshot: Option<u64>,
        /// The store's.
        store: u64,
    },
    /// For a store that keeps no version: this user or profile is not as
    /// the snapshot compiled it.
    Entity(EntityRef),
}

impl fmt::Display for Staleness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Staleness::Version {
                snapshot: Some(snapshot),
                store,
            } => write!(
                f,
                "the snapshot was compiled at version {snapshot} and the store is at version {store}: compile again"
            ),
            Staleness::Version {
                snapshot: None,
                store,
            } => write!(
                f,
                "the snapshot was compiled from a store without versions and the store is at version {store}: compile again"
            ),
            Staleness::Entity(entity) => {
                write!(f, "{entity} changed since the snapshot was compiled")
            }
        }
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
    /// A profile id.
    Profile(ProfileId),
    /// A template id.
    Template(TemplateId),
    /// A column key.
    Column(ColumnKey),
    /// A column security profile id.
    ColumnProfile(ColumnProfileId),
    /// A business unit id.
    BusinessUnit(BusinessUnitId),
    /// A productivity tool settings id.
    ToolSettings(ToolSettingsId),
    /// A channel provider configuration id.
    ChannelProvider(ChannelProviderId),
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
            EntityRef::Profile(_) => EntityKind::Profile,
            EntityRef::Template(_) => EntityKind::Template,
            EntityRef::Column(_) => EntityKind::Column,
            EntityRef::ColumnProfile(_) => EntityKind::ColumnProfile,
            EntityRef::BusinessUnit(_) => EntityKind::BusinessUnit,
            EntityRef::ToolSettings(_) => EntityKind::ToolSettings,
            EntityRef::ChannelProvider(_) => EntityKind::ChannelProvider,
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
            EntityRef::Profile(p) => p.as_str(),
            EntityRef::Template(t) => t.as_str(),
            EntityRef::Column(c) => c.as_str(),
            EntityRef::ColumnProfile(p) => p.as_str(),
            EntityRef::BusinessUnit(b) => b.as_str(),
            EntityRef::ToolSettings(s) => s.as_str(),
            EntityRef::ChannelProvider(p) => p.as_str(),
        }
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:?}", self.kind(), self.id())
    }
}

/// ` in "<unit>"`, or nothing.
fn in_unit(unit: Option<&BusinessUnitId>) -> String {
    unit.map(|u| format!(" in {:?}", u.as_str()))
        .unwrap_or_default()
}

/// What an actor must have for an [`AdminOp`](crate::AdminOp).
///
/// ```
/// use rbac_profiles::{AdminOp, Requirement};
///
/// let op = AdminOp::DeleteColumnProfile { profile: "channel-secrets".into() };
/// assert_eq!(op.requirement(), Requirement::Role("system-administrator".into()));
/// assert_eq!(op.requirement().to_string(), r#"role "system-administrator""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Requirement {
    /// A privilege, at any level above none.
    Privilege(Privilege),
    /// A role, held directly, through a team, or through inclusion.
    Role(RoleId),
    /// A privilege at this level or higher, reaching this business unit:
    /// what the elevation rule asks of whoever assigns a role granting it
    /// there (`None` for an organisation without units).
    PrivilegeAt {
        /// The privilege.
        privilege: Privilege,
        /// The level the role grants it at.
        level: AccessLevel,
        /// The unit the role is assigned in.
        business_unit: Option<BusinessUnitId>,
    },
}

/// ```
/// use rbac_profiles::{AccessLevel, Requirement};
///
/// let needed = Requirement::PrivilegeAt {
///     privilege: "case:write".parse()?,
///     level: AccessLevel::BusinessUnit,
///     business_unit: Some("emea".into()),
/// };
/// assert_eq!(needed.to_string(), r#"privilege "case:write" at business_unit in "emea""#);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Requirement::Privilege(p) => write!(f, "privilege {:?}", p.as_str()),
            Requirement::Role(r) => write!(f, "role {:?}", r.as_str()),
            Requirement::PrivilegeAt {
                privilege,
                level,
                business_unit,
            } => {
                write!(f, "privilege {:?} at {level}", privilege.as_str())?;
                match business_unit {
                    Some(unit) => write!(f, " in {:?}", unit.as_str()),
                    None => Ok(()),
                }
            }
        }
    }
}

/// A failure of the host's storage, carrying the host's own error.
///
/// ```
/// use std::error::Error as _;
/// use rbac_profiles::StoreError;
///
/// let io = std::io::Error::new(std::io::ErrorKind::TimedOut, "database timed out");
/// let err = StoreError::new(io);
/// assert_eq!(err.to_string(), "database timed out");
/// assert!(err.inner().downcast_ref::<std::io::Error>().is_some());
/// ```
#[derive(Debug)]
pub struct StoreError(Box<dyn StdError + Send + Sync + 'static>);

impl StoreError {
    /// Wraps the host's error (or a message: `&str` and `String` convert too).
    ///
    /// ```
    /// let err = rbac_profiles::StoreError::new("connection lost");
    /// assert_eq!(err.to_string(), "connection lost");
    /// ```
    pub fn new(error: impl Into<Box<dyn StdError + Send + Sync + 'static>>) -> Self {
        Self(error.into())
    }

    /// The host's error, to inspect or downcast.
    ///
    /// ```
    /// let err = rbac_profiles::StoreError::new("connection lost");
    /// assert_eq!(err.inner().to_string(), "connection lost");
    /// ```
    pub fn inner(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.0
    }

    /// Unwraps the host's error.
    ///
    /// ```
    /// let err = rbac_profiles::StoreError::new("connection lost");
    /// assert_eq!(err.into_inner().to_string(), "connection lost");
    /// ```
    pub fn into_inner(self) -> Box<dyn StdError + Send + Sync + 'static> {
        self.0
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// `Some(v)` as `v`, `None` as "none".
fn version_text(version: &Option<u64>) -> String {
    version.map_or_else(|| "none".to_owned(), |v| v.to_string())
}
