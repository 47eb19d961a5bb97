//! The conformance suite for [`Store`] and [`StoreMut`] implementations.

use std::collections::BTreeSet;
use std::fmt;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

use super::faulty::{Fault, FaultyStore};
use super::{seed004, strategies};
use crate::access::{explain_privilege, privilege_level};
use crate::catalog;
use crate::column::{ColumnAccess, ColumnProfile};
use crate::column_access::column_access;
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::directory::{Directory, DirectoryDoc};
use crate::error::Error;
use crate::error::StoreError;
use crate::id::{ColumnProfileId, ProfileId, RoleId, TeamId, TemplateId, UserId};
use crate::key::ColumnKey;
use crate::key::Privilege;
use crate::licence::Licence;
use crate::privilege::AccessLevel;
use crate::profile::{Channel, ProductivityTool, Profile, ProfileSettings, Template, TemplateKind};
use crate::resolve::{Reason, Resolution, resolve_profile};
use crate::snapshot::Snapshot;
use crate::store::{MemoryStore, Store, StoreMut, changes_since};
use crate::user::User;
use crate::{AdminOp, Holding, administer, administer_all};

/// How many generated organisations and operation sequences
/// [`check_store`] replays on the host's store and on a [`MemoryStore`].
///
/// ```
/// assert!(rbac_profiles::testkit::conformance::GENERATED_CASES > 0);
/// ```
pub const GENERATED_CASES: usize = 24;

/// One check of [`check_store`] that did not hold.
///
/// ```
/// use rbac_profiles::testkit::conformance::check_store;
/// use rbac_profiles::{Directory, MemoryStore};
///
/// let report = check_store(|directory: Directory| Ok(MemoryStore::new(directory)));
/// assert!(report.failures.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConformanceFailure {
    /// The check, as [`check_store`] names it.
    pub check: &'static str,
    /// What differed, naming the entity, user, operation or generated case.
    pub message: String,
}

impl fmt::Display for ConformanceFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.check, self.message)
    }
}

/// What [`check_store`] found: the checks that held and those that did not.
///
/// Its `Display` lists every failure, one a line, for an assertion message.
///
/// ```
/// use rbac_profiles::testkit::conformance::check_store;
/// use rbac_profiles::{Directory, MemoryStore};
///
/// let report = check_store(|directory: Directory| Ok(MemoryStore::new(directory)));
/// assert!(report.is_ok(), "{report}");
/// assert_eq!(report.passed.len(), 11);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConformanceReport {
    /// The checks that held, in the order they ran.
    pub passed: Vec<&'static str>,
    /// The checks that did not, in the order they ran.
    pub failures: Vec<ConformanceFailure>,
}

impl ConformanceReport {
    /// Whether every check held.
    ///
    /// ```
    /// assert!(rbac_profiles::testkit::conformance::ConformanceReport::default().is_ok());
    /// ```
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }
}

impl fmt::Display for ConformanceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} checks held, {} failed",
            self.passed.len(),
            self.failures.len()
        )?;
        for failure in &self.failures {
            write!(f, "\n- {failure}")?;
        }
        Ok(())
    }
}

/// Runs every check of the suite against stores `factory` builds, and
/// reports which held.
///
/// `factory` gets a checked [`Directory`] and returns a fresh store holding
/// exactly it (for a database, a new, empty database with the directory
/// imported); it is called many times. The checks, by name:
///
/// - `reads`: every read returns what the directory holds (business units,
///   the root and every team listed included) — the seed 004 scenario (with
///   an out-of-box template, licences, tool settings and a channel provider)
///   and [`GENERATED_CASES`] generated organisations — and `Ok(None)` (or
///   `false`) for ids it does not. Lists inside an entity
///   (a user's roles, a profile's templates, …) may come back in any order.
///   [`Store::for_each_user`] hands the users `user_ids` and `user` hold, in
///   id order, and stops when its visitor says so.
/// - `worked examples`: the resolution rules on the design's three worked
///   examples ([`seed004`] built through administration, then with the
///   default removed; two ranked profiles; nothing configured), every user
///   with the expected profile and reason; an unknown user is
///   [`Error::UnknownUser`].
/// - `tie-breaks`: imported conflicts (two profiles sharing a rank, two
///   defaults) resolve to the smaller profile id.
/// - `privileges`: `privilege_level` through direct, team and included
///   roles, `explain_privilege`'s route through a team, and unknown users
///   and privilege keys as errors.
/// - `column security`: a column security profile created through
///   administration opens its secured column to its user and team members
///   who can read the column's table, System Administrator opens it too,
///   others get nothing.
/// - `refusals change nothing`: every kind of refused operation is refused
///   with the error a [`MemoryStore`] gives, and the store reads exactly as
///   before.
/// - `failed batch changes nothing`: a batch whose last operation is
///   refused stores nothing of the earlier ones.
/// - `storage failures change nothing`: through a [`FaultyStore`], failing
///   each read of the seed 004 administration in turn, and its write, is an
///   [`Error::Storage`] and leaves the store as it was; the same batch then
///   succeeds.
/// - `versions and feed` (a store whose [`Store::version`] is `Some`):
///   every change set written moves the version by one, a refused or empty
///   operation by none; a snapshot records the version; [`changes_since`]
///   the first version lists every later one, and replaying it on the
///   first state gives the last. The store must keep the feed of the
///   suite's cases (a dozen change sets).
/// - `snapshot agrees`: a [`Snapshot`] compiled from the host's store
///   (which reads its listings: `for_each_user`, `privilege_keys`,
///   `profiles`)
///   answers every user × privilege and every resolution as the store
///   path on that store, for the seed 004 scenario and the generated
///   organisations.
/// - `agrees with the memory store`: generated sequences of administration
///   operations give the same results on the host's store as on a
///   [`MemoryStore`]; after each, both read back the same state, that state
///   loads as a [`Directory`] without conflicts, and every user resolves
///   the same.
///
/// The generated cases are the same on every run.
///
/// In a host's tests:
///
/// ```
/// use rbac_profiles::testkit::conformance::check_store;
/// use rbac_profiles::{Directory, MemoryStore};
///
/// // Replace with your store: a fresh one holding `directory`.
/// let report = check_store(|directory: Directory| Ok(MemoryStore::new(directory)));
/// assert!(report.is_ok(), "{report}");
/// ```
pub fn check_store<S, F>(mut factory: F) -> ConformanceReport
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    type Check<F> = fn(&mut F) -> Result<(), String>;
    let checks: [(&'static str, Check<F>); 11] = [
        ("reads", reads::<S, F>),
        ("worked examples", worked_examples::<S, F>),
        ("tie-breaks", tie_breaks::<S, F>),
        ("privileges", privileges::<S, F>),
        ("column security", column_security::<S, F>),
        ("refusals change nothing", refusals::<S, F>),
        ("failed batch changes nothing", failed_batch::<S, F>),
        ("storage failures change nothing", storage_failures::<S, F>),
        ("snapshot agrees", snapshot_agrees::<S, F>),
        ("agrees with the memory store", agrees::<S, F>),
        ("versions and feed", versions_and_feed::<S, F>),
    ];
    let mut report = ConformanceReport::default();
    for (check, run) in checks {
        match run(&mut factory) {
            Ok(()) => report.passed.push(check),
            Err(message) => report.failures.push(ConformanceFailure { check, message }),
        }
    }
    report
}

/// What went wrong, as a message that says where.
type Outcome = Result<(), String>;

/// `result`, or its error as a message after `what`.
fn ok<T, E: fmt::Display>(result: Result<T, E>, what: impl fmt::Display) -> Result<T, String> {
    result.map_err(|e| format!("{what}: {e}"))
}

fn expect_eq<T: PartialEq + fmt::Debug>(found: T, expected: T, what: impl fmt::Display) -> Outcome {
    if found == expected {
        Ok(())
    } else {
        Err(format!("{what}: expected {expected:?}, found {found:?}"))
    }
}

/// A fresh host store holding `doc` on the built-in catalogue.
fn build<S, F>(factory: &mut F, org: DirectoryDoc) -> Result<(S, Directory), String>
where
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let directory = ok(Directory::builtin_with(org), "the suite's directory")?;
    let store = ok(factory(directory.clone()), "the factory failed")?;
    Ok((store, directory))
}

/// A host store holding the seed 004 users, and one with its profiles
/// configured through administration.
fn seed004_store<S, F>(factory: &mut F, configured: bool) -> Result<S, String>
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let (mut store, _) = build(factory, seed004::org())?;
    if configured {
        let admin = UserId::from(seed004::ADMIN);
        ok(
            administer_all(&mut store, &admin, &seed004::operations()),
            "administering seed 004",
        )?;
    }
    Ok(store)
}

/// Every user resolves as `expected` says.
fn resolves<S: Store>(store: &S, expected: &[(UserId, Resolution)], when: &str) -> Outcome {
    for (user, resolution) in expected {
        let found = ok(
            resolve_profile(store, user),
            format!("resolving {user} {when}"),
        )?;
        expect_eq(&found, resolution, format!("{user} {when}"))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Reading a store back
// ---------------------------------------------------------------------------

/// The ids to look up in a store that has no list of them: roles, teams,
/// templates, secured columns.
#[derive(Default)]
struct Probe {
    roles: BTreeSet<RoleId>,
    teams: BTreeSet<TeamId>,
    templates: BTreeSet<TemplateId>,
    columns: BTreeSet<ColumnKey>,
}

impl Probe {
    fn of(directory: &Directory) -> Self {
        let mut columns: BTreeSet<ColumnKey> = directory.secured_columns().cloned().collect();
        columns.extend(catalog::secured_columns());
        columns.insert(not_secured());
        Probe {
            roles: directory.roles().map(|r| r.id.clone()).collect(),
            teams: directory.teams().map(|t| t.id.clone()).collect(),
            templates: directory.templates().map(|t| t.id.clone()).collect(),
            columns,
        }
    }

    /// Adds the templates and columns `ops` name.
    fn with_ops(mut self, ops: &[AdminOp]) -> Self {
        for op in ops {
            match op {
                AdminOp::CreateTemplate { template } => {
                    self.templates.insert(template.id.clone());
                }
                AdminOp::DeleteTemplate { template } | AdminOp::RenameTemplate { template, .. } => {
                    self.templates.insert(template.clone());
                }
                AdminOp::CreateProfile { settings, .. }
                | AdminOp::UpdateSettings { settings, .. } => {
                    self.templates
                        .extend(settings.template_refs().map(|(t, _)| t.clone()));
                }
                AdminOp::CreateColumnProfile { profile }
                | AdminOp::UpdateColumnProfile { profile } => {
                    self.columns.extend(profile.permissions.keys().cloned());
                }
                _ => {}
            }
        }
        self
    }
}

/// A column the catalogue does not secure.
fn not_secured() -> ColumnKey {
    ColumnKey::from_owned_unchecked("queue.name".to_owned())
}

/// Everything `store` holds, as a document sorted by id with the lists
/// inside entities sorted, and its fallback named.
fn read_back<S: Store + ?Sized>(store: &S, probe: &Probe) -> Result<DirectoryDoc, String> {
    let mut doc = DirectoryDoc::default();
    let mut units = ok(store.business_unit_ids(), "business_unit_ids")?;
    units.sort();
    for id in units {
        let unit = ok(store.business_unit(&id), format!("business unit {id}"))?;
        let unit = unit
            .ok_or_else(|| format!("business_unit_ids lists {id}, business_unit({id}) is None"))?;
        doc.business_units.push(unit.into_owned());
    }
    let root = ok(store.root_business_unit(), "root_business_unit")?;
    let parentless = doc.business_units.iter().find(|u| u.parent.is_none());
    if root.as_ref() != parentless.map(|u| &u.id) {
        return Err(format!(
            "root_business_unit is {root:?}, the unit without a parent {:?}",
            parentless.map(|u| &u.id)
        ));
    }
    let mut keys = ok(store.privilege_keys(), "privilege_keys")?;
    keys.sort();
    for key in keys {
        let def = ok(store.privilege(&key), format!("privilege {key}"))?;
        let def =
            def.ok_or_else(|| format!("privilege_keys lists {key}, privilege({key}) is None"))?;
        doc.privileges.push(def.into_owned());
    }
    for id in &probe.roles {
        if let Some(role) = ok(store.role(id), format!("role {id}"))? {
            doc.roles.push(role.into_owned());
        }
    }
    for id in &probe.teams {
        if let Some(team) = ok(store.team(id), format!("team {id}"))? {
            doc.teams.push(team.into_owned());
        }
    }
    let mut listed = ok(store.team_ids(), "team_ids")?;
    listed.sort();
    let held: Vec<&TeamId> = doc.teams.iter().map(|t| &t.id).collect();
    if listed.iter().collect::<Vec<_>>() != held {
        return Err(format!("team_ids lists {listed:?}, team() holds {held:?}"));
    }
    let mut users = ok(store.user_ids(), "user_ids")?;
    users.sort();
    for id in users {
        let user = ok(store.user(&id), format!("user {id}"))?;
        let user = user.ok_or_else(|| format!("user_ids lists {id}, user({id}) is None"))?;
        doc.users.push(user.into_owned());
    }
    let mut visited = Vec::new();
    ok(
        store.for_each_user(&mut |user| {
            visited.push(user.clone());
            std::ops::ControlFlow::Continue(())
        }),
        "for_each_user",
    )?;
    // Lists inside a user may come in any order, in either read.
    let sorted = |users: &[User]| {
        let mut users = users.to_vec();
        for user in &mut users {
            user.roles.sort();
            user.teams.sort();
        }
        users
    };
    if sorted(&visited) != sorted(&doc.users) {
        let ids = |users: &[User]| users.iter().map(|u| u.id.clone()).collect::<Vec<_>>();
        return Err(format!(
            "for_each_user hands {:?}, user_ids and user() in id order hold {:?}",
            ids(&visited),
            ids(&doc.users)
        ));
    }
    let mut count = 0;
    ok(
        store.for_each_user(&mut |_| {
            count += 1;
            std::ops::ControlFlow::Break(())
        }),
        "for_each_user",
    )?;
    if count > 1 {
        return Err(format!(
            "for_each_user handed {count} users after its visitor said to stop"
        ));
    }
    for id in &probe.templates {
        if let Some(template) = ok(store.template(id), format!("template {id}"))? {
            doc.templates.push(template.into_owned());
        }
    }
    for profile in ok(store.profiles(), "profiles")? {
        let one = ok(
            store.profile(&profile.id),
            format!("profile {}", profile.id),
        )?;
        if one.as_deref() != Some(&*profile) {
            return Err(format!(
                "profiles() and profile({}) disagree: {:?} and {:?}",
                profile.id, profile, one
            ));
        }
        doc.profiles.push(profile.into_owned());
    }
    doc.fallback_profile = ok(store.fallback_profile(), "fallback_profile")?;
    for column in &probe.columns {
        if ok(
            store.is_secured_column(column),
            format!("is_secured_column {column}"),
        )? {
            doc.secured_columns.push(column.clone());
        }
    }
    doc.column_profiles = ok(store.column_profiles(), "column_profiles")?
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect();
    doc.licences = ok(store.licences(), "licences")?;
    doc.tool_settings = ok(store.tool_settings(), "tool_settings")?
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect();
    doc.channel_providers = ok(store.channel_providers(), "channel_providers")?
        .into_iter()
        .map(std::borrow::Cow::into_owned)
        .collect();
    Ok(normalized(doc))
}

/// `doc` sorted: entities by id, the lists inside them by value.
fn normalized(mut doc: DirectoryDoc) -> DirectoryDoc {
    doc.business_units.sort_by(|a, b| a.id.cmp(&b.id));
    doc.privileges.sort_by(|a, b| a.key.cmp(&b.key));
    doc.roles.sort_by(|a, b| a.id.cmp(&b.id));
    for role in &mut doc.roles {
        role.includes.sort();
        role.grants.sort_keys();
    }
    doc.teams.sort_by(|a, b| a.id.cmp(&b.id));
    for team in &mut doc.teams {
        team.roles.sort();
        team.members.sort();
    }
    doc.users.sort_by(|a, b| a.id.cmp(&b.id));
    for user in &mut doc.users {
        user.roles.sort();
        user.teams.sort();
    }
    doc.templates.sort_by(|a, b| a.id.cmp(&b.id));
    doc.profiles.sort_by(|a, b| a.id.cmp(&b.id));
    for profile in &mut doc.profiles {
        profile.roles.sort();
        profile.users.sort();
        let settings = &mut profile.settings;
        settings.session_templates.sort();
        settings.application_tab_templates.sort();
        settings.notification_templates.sort();
    }
    doc.secured_columns.sort();
    doc.column_profiles.sort_by(|a, b| a.id.cmp(&b.id));
    for profile in &mut doc.column_profiles {
        profile.users.sort();
        profile.teams.sort();
        profile.permissions.sort_keys();
    }
    doc.tool_settings.sort_by(|a, b| a.id.cmp(&b.id));
    doc.channel_providers.sort_by(|a, b| a.id.cmp(&b.id));
    doc
}

/// `directory` as [`read_back`] gives it.
fn expected_doc(directory: &Directory) -> DirectoryDoc {
    let mut doc = DirectoryDoc::from(directory.clone());
    doc.fallback_profile = directory.fallback_profile().map(|p| p.id.clone());
    normalized(doc)
}

/// The first entity in which two normalized documents differ, or `None`.
fn difference(found: &DirectoryDoc, expected: &DirectoryDoc) -> Option<String> {
    fn first<T: PartialEq + fmt::Debug>(kind: &str, found: &[T], expected: &[T]) -> Option<String> {
        if found == expected {
            return None;
        }
        let mut pairs = found.iter().zip(expected);
        Some(match pairs.find(|(f, e)| f != e) {
            Some((f, e)) => format!("{kind}: expected {e:?}, found {f:?}"),
            None => {
                let odd = match (found.get(expected.len()), expected.get(found.len())) {
                    (Some(extra), _) => format!("{extra:?} is one too many"),
                    (_, Some(lost)) => format!("{lost:?} is missing"),
                    (None, None) => String::new(),
                };
                format!(
                    "{kind}: expected {} of them, found {}; {odd}",
                    expected.len(),
                    found.len()
                )
            }
        })
    }
    first(
        "business units",
        &found.business_units,
        &expected.business_units,
    )
    .or_else(|| first("privileges", &found.privileges, &expected.privileges))
    .or_else(|| first("roles", &found.roles, &expected.roles))
    .or_else(|| first("teams", &found.teams, &expected.teams))
    .or_else(|| first("users", &found.users, &expected.users))
    .or_else(|| first("templates", &found.templates, &expected.templates))
    .or_else(|| first("profiles", &found.profiles, &expected.profiles))
    .or_else(|| {
        let (f, e) = (&found.fallback_profile, &expected.fallback_profile);
        (f != e).then(|| format!("fallback profile: expected {e:?}, found {f:?}"))
    })
    .or_else(|| {
        first(
            "secured columns",
            &found.secured_columns,
            &expected.secured_columns,
        )
    })
    .or_else(|| {
        first(
            "column profiles",
            &found.column_profiles,
            &expected.column_profiles,
        )
    })
    .or_else(|| {
        let (f, e) = (&found.licences, &expected.licences);
        (f != e).then(|| format!("licences: expected {e:?}, found {f:?}"))
    })
    .or_else(|| {
        first(
            "tool settings",
            &found.tool_settings,
            &expected.tool_settings,
        )
    })
    .or_else(|| {
        first(
            "channel providers",
            &found.channel_providers,
            &expected.channel_providers,
        )
    })
}

/// The store holds exactly `expected` (normalized).
fn holds<S: Store>(store: &S, probe: &Probe, expected: &DirectoryDoc, when: &str) -> Outcome {
    let found = read_back(store, probe)?;
    match difference(&found, expected) {
        Some(diff) => Err(format!("{when}: {diff}")),
        None => Ok(()),
    }
}

/// The generated cases: an organisation free of conflicts and operations
/// by its administrator, the same on every run.
fn generated() -> Result<Vec<(Directory, Vec<AdminOp>)>, String> {
    let mut runner = TestRunner::deterministic();
    let strategy = (strategies::directory(), strategies::admin_ops(1..10));
    (0..GENERATED_CASES)
        .map(|_| {
            strategy
                .new_tree(&mut runner)
                .map(|tree| tree.current())
                .map_err(|reason| format!("generating a case: {reason}"))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------

fn reads<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let mut org = seed004::org();
    org.templates.push(Template::new(
        "chat-session",
        "Chat session",
        TemplateKind::Session,
    ));
    org.profiles.push(
        Profile::new("datum-agent", "Datum Agent")
            .with_rank(2)
            .with_role(catalog::OMNICHANNEL_AGENT)
            .with_user("kendall-collins")
            .with_settings(ProfileSettings::default().with_session_template("chat-session")),
    );
    org.column_profiles.push(whatsapp_secrets());
    org.templates.push(Template::out_of_box(
        "chat-default",
        "Chat - default session",
        TemplateKind::Session,
    ));
    org.licences = Some([Licence::Chat, Licence::Voice].into());
    org.tool_settings.push(smart_assist());
    org.channel_providers.push(ChannelProvider::new(
        "contoso-voice",
        "Contoso voice",
        Channel::Voice,
    ));
    let (store, directory) = build(factory, org)?;
    holds(
        &store,
        &Probe::of(&directory),
        &expected_doc(&directory),
        "seed 004",
    )?;

    let missing = "no such id";
    let unknown_key = Privilege::from_owned_unchecked("no_such:key".to_owned());
    let found = [
        ok(store.user(&missing.into()), "user")?.is_some(),
        ok(store.team(&missing.into()), "team")?.is_some(),
        ok(store.role(&missing.into()), "role")?.is_some(),
        ok(store.profile(&missing.into()), "profile")?.is_some(),
        ok(store.template(&missing.into()), "template")?.is_some(),
        ok(store.privilege(&unknown_key), "privilege")?.is_some(),
        ok(store.is_secured_column(&not_secured()), "is_secured_column")?,
    ];
    expect_eq(
        found,
        [false; 7],
        "looking up unknown ids (user, team, role, profile, template, privilege, column)",
    )?;

    for (case, (directory, _)) in (1..).zip(generated()?) {
        let probe = Probe::of(&directory);
        let store = ok(factory(directory.clone()), "the factory failed")?;
        holds(
            &store,
            &probe,
            &expected_doc(&directory),
            &format!("generated case {case}"),
        )?;
    }
    Ok(())
}

fn worked_examples<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    // Seed 004, built through administration on the host's store.
    let mut store = seed004_store(factory, true)?;
    let mut expected = seed004::resolutions();
    resolves(&store, &expected, "in seed 004")?;
    let admin = UserId::from(seed004::ADMIN);
    let op = AdminOp::RemoveDefault {
        profile: "contoso-agent".into(),
    };
    ok(administer(&mut store, &admin, &op), "removing the default")?;
    for (_, resolution) in &mut expected {
        if resolution.reason == Reason::Default {
            *resolution = Resolution::new(catalog::OUT_OF_BOX_PROFILE, Reason::OutOfBox);
        }
    }
    resolves(&store, &expected, "once the default is removed")?;
    let err = resolve_profile(&store, "nobody").err();
    expect_eq(
        err.map(|e| e.to_string()),
        Some(r#"unknown user "nobody""#.to_owned()),
        "resolving an unknown user",
    )?;

    // Two ranked profiles: a user holding both roles gets rank 1.
    let (org, expected) = seed004::ranked();
    let (store, _) = build(factory, org)?;
    resolves(&store, &expected, "with two ranked profiles")?;

    // Nothing configured: everyone gets the out-of-box profile.
    let store = seed004_store(factory, false)?;
    let out_of_box: Vec<(UserId, Resolution)> = seed004::org()
        .users
        .into_iter()
        .map(|u| {
            (
                u.id,
                Resolution::new(catalog::OUT_OF_BOX_PROFILE, Reason::OutOfBox),
            )
        })
        .collect();
    resolves(&store, &out_of_box, "with no profile configured")
}

fn tie_breaks<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let mut org = DirectoryDoc::default();
    for id in ["zeta", "alpha"] {
        org.profiles.push(
            Profile::new(id, id)
                .with_rank(2)
                .with_role(catalog::OMNICHANNEL_AGENT),
        );
    }
    for id in ["d2", "d1"] {
        org.profiles.push(Profile::new(id, id).as_default());
    }
    org.users
        .push(User::new("agent", "Agent").with_role(catalog::OMNICHANNEL_AGENT));
    org.users.push(User::new("other", "Other"));
    let (store, _) = build(factory, org)?;
    let expected = [
        (
            UserId::from("agent"),
            Resolution::new(
                "alpha",
                Reason::RoleRank {
                    role: catalog::OMNICHANNEL_AGENT,
                    rank: 2,
                },
            ),
        ),
        (
            UserId::from("other"),
            Resolution::new("d1", Reason::Default),
        ),
    ];
    resolves(
        &store,
        &expected,
        "with two profiles at rank 2 and two defaults",
    )
}

fn privileges<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    use AccessLevel::{None as Nothing, Organization};
    let store = seed004_store(factory, false)?;
    let cases = [
        ("sam-supervisor", "conversation:transfer", Organization),
        ("alex-agent", "conversation:transfer", Nothing),
        // Through the team.
        ("tess-team", "conversation:transfer", Organization),
        // Omnichannel agent includes App profile user.
        ("alex-agent", "app_profile:read", Organization),
        ("alex-agent", "app_profile:write", Nothing),
        // Omnichannel administrator includes App profile manager administrator.
        (seed004::ADMIN, "app_profile:write", Organization),
        ("nora-none", "app_profile:read", Nothing),
    ];
    for (user, key, level) in cases {
        let key: Privilege = ok(key.parse(), "a key of the suite")?;
        let found = ok(
            privilege_level(&store, user, &key),
            format!("privilege_level({user}, {key})"),
        )?;
        expect_eq(found, level, format!("privilege_level({user}, {key})"))?;
    }
    let transfer: Privilege = ok("conversation:transfer".parse(), "a key of the suite")?;
    let routes = ok(
        explain_privilege(&store, "tess-team", &transfer),
        "explain_privilege(tess-team, conversation:transfer)",
    )?;
    let holdings: Vec<(&str, Holding)> = routes
        .iter()
        .map(|r| (r.role.as_str(), r.holding.clone()))
        .collect();
    expect_eq(
        holdings,
        vec![(
            catalog::OMNICHANNEL_SUPERVISOR.as_str(),
            Holding::Team(seed004::TEAM.into()),
        )],
        "explain_privilege(tess-team, conversation:transfer)",
    )?;
    let teleport: Privilege = ok("conversation:teleport".parse(), "a key of the suite")?;
    let errors = [
        privilege_level(&store, "nobody", &transfer).map_err(|e| e.to_string()),
        privilege_level(&store, "alex-agent", &teleport).map_err(|e| e.to_string()),
    ];
    expect_eq(
        errors,
        [
            Err(r#"unknown user "nobody""#.to_owned()),
            Err(r#"unknown privilege "conversation:teleport""#.to_owned()),
        ],
        "asking about an unknown user and an unknown privilege",
    )
}

/// A column security profile granting read on the WhatsApp token to Kayla
/// and the night supervisors.
fn whatsapp_secrets() -> ColumnProfile {
    ColumnProfile::new("whatsapp-secrets", "WhatsApp secrets")
        .with_user("kayla-lewis")
        .with_team(seed004::TEAM)
        .with_permission(whatsapp_token(), ColumnAccess::read_only())
}

fn whatsapp_token() -> ColumnKey {
    ColumnKey::from_owned_unchecked(
        "msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken".to_owned(),
    )
}

fn column_security<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    // The seed's organisation, with a role reading the secured column's
    // table for Kayla and Tess's team: a secured column narrows what the
    // table privilege opens, it never opens a record by itself.
    let mut org = seed004::org();
    let read = Privilege::from_owned_unchecked("msdyn_ocwhatsappchannelaccount:read".to_owned());
    org.privileges.push(crate::PrivilegeDef::new(
        read.clone(),
        "Read WhatsApp accounts",
    ));
    org.roles.push(
        crate::Role::new("channel-reader", "Channel reader").with_grant(read, AccessLevel::User),
    );
    for user in org
        .users
        .iter_mut()
        .filter(|u| u.id.as_str() == "kayla-lewis")
    {
        user.roles
            .push(crate::RoleAssignment::new("channel-reader"));
    }
    for team in &mut org.teams {
        team.roles.push(RoleId::from("channel-reader"));
    }
    let (mut store, _) = build(factory, org)?;
    let op = AdminOp::CreateColumnProfile {
        profile: whatsapp_secrets().with_user("sam-supervisor"),
    };
    ok(
        administer(&mut store, seed004::ADMIN, &op),
        "creating a column security profile",
    )?;
    let token = whatsapp_token();
    let cases = [
        ("kayla-lewis", ColumnAccess::read_only()),
        ("tess-team", ColumnAccess::read_only()),
        // Listed by the profile, but no record of the table to read.
        ("sam-supervisor", ColumnAccess::NONE),
        // System Administrator bypasses column security.
        (seed004::ADMIN, ColumnAccess::ALL),
        ("alex-agent", ColumnAccess::NONE),
    ];
    for (user, access) in cases {
        let found = ok(
            column_access(&store, user, &token),
            format!("column_access({user}, {token})"),
        )?;
        expect_eq(found, access, format!("column_access({user}, {token})"))?;
    }
    Ok(())
}

/// Smart assist's settings, as the suite's organisations hold them.
fn smart_assist() -> ToolSettings {
    ToolSettings::new(
        "smart-assist",
        "Smart assist",
        ProductivityTool::SmartAssist,
    )
}

/// The seed 004 organisation with what the refused operations need
/// besides: an out-of-box template and tool settings.
fn refusals_org() -> DirectoryDoc {
    let mut org = seed004::org();
    org.templates.push(Template::out_of_box(
        "chat-default",
        "Chat - default session",
        TemplateKind::Session,
    ));
    org.tool_settings.push(smart_assist());
    org
}

/// Operations the configured seed 004 refuses, each by another rule.
fn refused_ops() -> Vec<(&'static str, AdminOp)> {
    let admin = seed004::ADMIN;
    let p = ProfileId::from;
    vec![
        (
            "alex-agent",
            AdminOp::DeleteProfile {
                profile: p("datum-agent"),
            },
        ),
        (
            "nobody",
            AdminOp::DeleteProfile {
                profile: p("datum-agent"),
            },
        ),
        (
            admin,
            AdminOp::CreateProfile {
                profile: p("contoso-agent"),
                name: String::new(),
                settings: ProfileSettings::default(),
            },
        ),
        (
            admin,
            AdminOp::CreateProfile {
                profile: p(""),
                name: String::new(),
                settings: ProfileSettings::default(),
            },
        ),
        (
            admin,
            AdminOp::UpdateSettings {
                profile: p("datum-agent"),
                settings: ProfileSettings::default().with_session_template("incoming-chat"),
            },
        ),
        (
            admin,
            AdminOp::UpdateSettings {
                profile: p("datum-agent"),
                settings: ProfileSettings::default().with_session_template("no-such-template"),
            },
        ),
        (
            admin,
            AdminOp::DeleteProfile {
                profile: catalog::OUT_OF_BOX_PROFILE,
            },
        ),
        (
            admin,
            AdminOp::SetDefault {
                profile: p("datum-agent"),
            },
        ),
        (
            admin,
            AdminOp::RemoveDefault {
                profile: p("datum-agent"),
            },
        ),
        (
            admin,
            AdminOp::SetRankAndRoles {
                profile: p("datum-supervisor"),
                rank: 1,
                roles: vec![],
            },
        ),
        (
            admin,
            AdminOp::SetRankAndRoles {
                profile: p("datum-supervisor"),
                rank: 0,
                roles: vec![],
            },
        ),
        (
            admin,
            AdminOp::SetRankAndRoles {
                profile: p("contoso-agent"),
                rank: 5,
                roles: vec![],
            },
        ),
        (
            admin,
            AdminOp::SetRankAndRoles {
                profile: p("datum-supervisor"),
                rank: 5,
                roles: vec!["no-such-role".into()],
            },
        ),
        (
            admin,
            AdminOp::AssignUsers {
                profile: p("contoso-supervisor"),
                users: vec!["kendall-collins".into()],
            },
        ),
        (
            admin,
            AdminOp::AssignUsers {
                profile: p("contoso-supervisor"),
                users: vec!["no-such-user".into()],
            },
        ),
        (
            admin,
            AdminOp::UnassignUsers {
                profile: p("datum-agent"),
                users: vec!["nora-none".into()],
            },
        ),
        (
            admin,
            AdminOp::CreateTemplate {
                template: Template::new("chat-session", "", TemplateKind::Session),
            },
        ),
        (
            admin,
            AdminOp::DeleteTemplate {
                template: "case-session".into(),
            },
        ),
        (
            admin,
            AdminOp::DeleteTemplate {
                template: "no-such-template".into(),
            },
        ),
        (
            admin,
            AdminOp::CreateColumnProfile {
                profile: ColumnProfile::new("names", "Names")
                    .with_permission(not_secured(), ColumnAccess::read_only()),
            },
        ),
        (
            admin,
            AdminOp::UpdateColumnProfile {
                profile: whatsapp_secrets(),
            },
        ),
        (
            admin,
            AdminOp::DeleteColumnProfile {
                profile: ColumnProfileId::from("no-such"),
            },
        ),
        (
            "alex-agent",
            AdminOp::CreateColumnProfile {
                profile: whatsapp_secrets(),
            },
        ),
        (
            admin,
            AdminOp::CreateTemplate {
                template: Template::out_of_box("shipped", "", TemplateKind::Session),
            },
        ),
        (
            admin,
            AdminOp::DeleteTemplate {
                template: "chat-default".into(),
            },
        ),
        (
            admin,
            AdminOp::RenameTemplate {
                template: "chat-default".into(),
                name: "Chat".into(),
            },
        ),
        (
            admin,
            AdminOp::RenameTemplate {
                template: "no-such-template".into(),
                name: "Chat".into(),
            },
        ),
        (
            "alex-agent",
            AdminOp::Upgrade {
                environment: crate::Environment::default(),
            },
        ),
        (
            admin,
            AdminOp::CreateToolSettings {
                settings: smart_assist(),
            },
        ),
        (
            admin,
            AdminOp::UpdateToolSettings {
                settings: ToolSettings::new("no-such", "", ProductivityTool::Macros),
            },
        ),
        (
            admin,
            AdminOp::DeleteToolSettings {
                settings: "no-such".into(),
            },
        ),
        (
            "alex-agent",
            AdminOp::DeleteToolSettings {
                settings: "smart-assist".into(),
            },
        ),
        (
            admin,
            AdminOp::UpdateChannelProvider {
                provider: ChannelProvider::new("no-such", "", Channel::Voice),
            },
        ),
        (
            admin,
            AdminOp::DeleteChannelProvider {
                provider: "no-such".into(),
            },
        ),
        (
            "alex-agent",
            AdminOp::CreateChannelProvider {
                provider: ChannelProvider::new("contoso-voice", "", Channel::Voice),
            },
        ),
    ]
}

fn refusals<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let (mut store, _) = build(factory, refusals_org())?;
    ok(
        administer_all(&mut store, seed004::ADMIN, &seed004::operations()),
        "administering seed 004",
    )?;
    let mut memory = MemoryStore::new(ok(Directory::builtin_with(refusals_org()), "seed 004")?);
    ok(
        administer_all(&mut memory, seed004::ADMIN, &seed004::operations()),
        "administering seed 004 in memory",
    )?;
    let ops = refused_ops();
    let all: Vec<AdminOp> = ops.iter().map(|(_, op)| op.clone()).collect();
    let probe = Probe::of(memory.directory()).with_ops(&all);
    let before = read_back(&store, &probe)?;
    for (actor, op) in &ops {
        let actor = UserId::from(*actor);
        let expected = administer(&mut memory, &actor, op).map_err(|e| e.to_string());
        if expected.is_ok() {
            return Err(format!(
                "the memory store accepted {op:?}, which the suite expects refused"
            ));
        }
        let found = administer(&mut store, &actor, op).map_err(|e| e.to_string());
        expect_eq(&found, &expected, format!("{op:?} by {actor}"))?;
        holds(
            &store,
            &probe,
            &before,
            &format!("after refusing {op:?} by {actor}"),
        )?;
    }
    Ok(())
}

fn failed_batch<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let mut store = seed004_store(factory, false)?;
    let mut ops = seed004::operations();
    ops.push(AdminOp::SetDefault {
        profile: "datum-supervisor".into(),
    });
    let probe = Probe::of(&ok(Directory::builtin_with(seed004::org()), "seed 004")?).with_ops(&ops);
    let before = read_back(&store, &probe)?;
    let result = administer_all(&mut store, seed004::ADMIN, &ops);
    if !matches!(result, Err(Error::DefaultExists { .. })) {
        return Err(format!(
            "a batch setting a second default: expected the error DefaultExists, found {result:?}"
        ));
    }
    holds(&store, &probe, &before, "after the refused batch")
}

fn storage_failures<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let admin = UserId::from(seed004::ADMIN);
    let ops = seed004::operations();
    let probe = Probe::of(&ok(Directory::builtin_with(seed004::org()), "seed 004")?).with_ops(&ops);
    let mut counting = FaultyStore::new(seed004_store(factory, false)?);
    let before = read_back(counting.inner(), &probe)?;
    ok(
        administer_all(&mut counting, &admin, &ops),
        "administering seed 004",
    )?;
    let faults = (1..=counting.reads())
        .map(Fault::Read)
        .chain((1..=counting.writes()).map(Fault::Write));
    for fault in faults {
        let mut store = FaultyStore::failing(seed004_store(factory, false)?, fault);
        let err = administer_all(&mut store, &admin, &ops).err();
        let injected =
            matches!(&err, Some(Error::Storage(e)) if e.inner().downcast_ref() == Some(&fault));
        if !injected {
            return Err(format!(
                "{fault}: expected it as a storage error, found {err:?}"
            ));
        }
        holds(store.inner(), &probe, &before, &format!("after {fault}"))?;
        // The fault is spent: the same batch now goes through.
        ok(
            administer_all(&mut store, &admin, &ops),
            format!("the batch after {fault}"),
        )?;
        resolves(
            store.inner(),
            &seed004::resolutions(),
            &format!("after {fault} and a retry"),
        )?;
    }
    Ok(())
}

fn agrees<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let admin = UserId::from(strategies::ADMIN);
    for (case, (directory, ops)) in (1..).zip(generated()?) {
        let probe = Probe::of(&directory).with_ops(&ops);
        let mut store = ok(factory(directory.clone()), "the factory failed")?;
        let mut memory = MemoryStore::new(directory);
        for (position, op) in (1..).zip(&ops) {
            let when = format!("generated case {case}, operation {position} ({op:?})");
            let expected = administer(&mut memory, &admin, op).map_err(|e| e.to_string());
            let found = administer(&mut store, &admin, op).map_err(|e| e.to_string());
            expect_eq(&found, &expected, &when)?;
            let state = read_back(&store, &probe)?;
            if let Some(diff) = difference(&state, &read_back(&memory, &probe)?) {
                return Err(format!("{when}: {diff}"));
            }
            let loaded = ok(
                Directory::try_from(state),
                format!("{when}: the state read back"),
            )?;
            let conflicts = loaded.conflicts();
            if !conflicts.is_empty() {
                return Err(format!("{when}: the state has conflicts {conflicts:?}"));
            }
            for user in loaded.users() {
                let found = resolve_profile(&store, &user.id).map_err(|e| e.to_string());
                let expected = resolve_profile(&memory, &user.id).map_err(|e| e.to_string());
                expect_eq(found, expected, format!("{when}: resolving {}", user.id))?;
            }
        }
    }
    Ok(())
}

/// For a store that keeps a version: each change set written moves it by
/// one (a refused operation, or one that changes nothing, by none), a
/// snapshot records it, and the feed from the first version replays onto
/// the first state to give the last. A store without versions passes.
fn versions_and_feed<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let admin = UserId::from(strategies::ADMIN);
    for (case, (directory, ops)) in (1..).zip(generated()?) {
        let mut store = ok(factory(directory.clone()), "the factory failed")?;
        let Some(first) = ok(store.version(), "reading the version")? else {
            return Ok(());
        };
        let mut memory = MemoryStore::new(directory.clone());
        for (position, op) in (1..).zip(&ops) {
            let when = format!("generated case {case}, operation {position} ({op:?})");
            let _ = administer(&mut memory, &admin, op);
            let _ = administer(&mut store, &admin, op);
            let written = ok(memory.version(), "the memory store")?.unwrap_or_default();
            let version = ok(store.version(), format!("{when}: reading the version"))?;
            expect_eq(
                version,
                Some(first + written),
                format!("{when}: the version"),
            )?;
        }
        let last = first + ok(memory.version(), "the memory store")?.unwrap_or_default();
        let snapshot = ok(Snapshot::compile(&store), format!("case {case}: compiling"))?;
        expect_eq(
            snapshot.version(),
            Some(last),
            format!("case {case}: the snapshot's version"),
        )?;
        let sets = ok(
            changes_since(&store, first),
            format!("case {case}: the feed since version {first}"),
        )?;
        let versions: Vec<u64> = sets.iter().map(|set| set.version).collect();
        let expected: Vec<u64> = (first + 1..=last).collect();
        expect_eq(
            versions,
            expected,
            format!("case {case}: the feed's versions"),
        )?;
        let mut replayed = MemoryStore::new(directory);
        for set in &sets {
            ok(
                replayed.apply(&set.changes),
                format!("case {case}: replaying version {}", set.version),
            )?;
        }
        if replayed.directory() != memory.directory() {
            return Err(format!(
                "case {case}: the feed replayed gives another state than the operations"
            ));
        }
    }
    Ok(())
}

fn snapshot_agrees<S, F>(factory: &mut F) -> Outcome
where
    S: StoreMut,
    F: FnMut(Directory) -> Result<S, StoreError>,
{
    let seed = ok(
        Directory::builtin_with(seed004::org()),
        "the seed 004 organisation",
    )?;
    let directories = std::iter::once(seed).chain(generated()?.into_iter().map(|(d, _)| d));
    for (case, directory) in (0..).zip(directories) {
        let when = if case == 0 {
            "seed 004".to_owned()
        } else {
            format!("generated case {case}")
        };
        let store = ok(factory(directory.clone()), "the factory failed")?;
        let snapshot = ok(Snapshot::compile(&store), format!("{when}: compiling"))?;
        expect_eq(
            snapshot.user_count(),
            directory.users().len(),
            format!("{when}: users compiled"),
        )?;
        for user in directory.users() {
            let found = snapshot
                .resolve_profile(&user.id)
                .map_err(|e| e.to_string());
            let expected = resolve_profile(&store, &user.id).map_err(|e| e.to_string());
            expect_eq(found, expected, format!("{when}: resolving {}", user.id))?;
            for key in directory.privileges().map(|p| &p.key) {
                let found = snapshot
                    .privilege_level(&user.id, key)
                    .map_err(|e| e.to_string());
                let expected = privilege_level(&store, &user.id, key).map_err(|e| e.to_string());
                expect_eq(found, expected, format!("{when}: {} {key}", user.id))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
