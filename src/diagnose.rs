//! Diagnostics: the seeds' advice on role assignment and the profile
//! configuration, as a lint over the users of a store.
//!
//! A diagnostic never stops anything: the data is valid, but a user's
//! roles are likely not what the administrator meant. "Holds a role" counts
//! direct roles, team roles and every role those include.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::ControlFlow;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::catalog::{
    APP_PROFILE_READ, BASIC_USER, CUSTOMER_SERVICE_REPRESENTATIVE, OMNICHANNEL_ADMINISTRATOR,
    OMNICHANNEL_AGENT, OMNICHANNEL_API_ACCESS, OMNICHANNEL_SUPERVISOR, ROLE_IDS,
    SYSTEM_ADMINISTRATOR,
};
use crate::directory::{Conflict, conflicts};
use crate::error::{EntityRef, Error};
use crate::held::load_user;
use crate::id::{AsId, ProfileId, RoleId, TeamId, UserId};
use crate::key::Privilege;
use crate::licence::{Licence, unlicensed};
use crate::profile::Profile;
use crate::resolve::{ProfileIndex, Reason};
use crate::snapshot::IdHash;
use crate::store::{Store, in_id_order};
use crate::user::User;

/// The agent- and supervisor-type roles that must not be held together with
/// Omnichannel API access: the persona roles of
/// [`catalog::PERSONA_ROLES`](crate::catalog::PERSONA_ROLES), in the order
/// messages name them.
static AGENT_TYPE_ROLES: [RoleId; 3] = [
    OMNICHANNEL_AGENT,
    OMNICHANNEL_SUPERVISOR,
    CUSTOMER_SERVICE_REPRESENTATIVE,
];

/// How serious a [`Diagnostic`] is.
///
/// ```
/// use rbac_profiles::Severity;
///
/// assert_eq!(Severity::Warning.as_str(), "warning");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Severity {
    /// The user can't do what their roles suggest, or holds a combination
    /// the seeds forbid.
    Error,
    /// Worth a look: a limitation the administrator may not intend.
    Warning,
}

impl Severity {
    /// The lowercase name, as in documents.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Severity::Error.as_str(), "error");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// What a [`Diagnostic`] is about; its stable kebab-case code is
/// [`DiagnosticCode::as_str`].
///
/// Codes compare as their text, so sorted diagnostics follow the codes in
/// byte order.
///
/// ```
/// use rbac_profiles::DiagnosticCode;
///
/// assert_eq!(DiagnosticCode::MissingBasicUser.as_str(), "missing-basic-user");
/// assert!(DiagnosticCode::CaseNeedsCsr < DiagnosticCode::MissingBasicUser);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiagnosticCode {
    /// `missing-basic-user` ([`Severity::Error`]): the user holds roles but
    /// not Basic User, which every user of the suite needs.
    MissingBasicUser,
    /// `admin-without-system-admin` ([`Severity::Warning`]): the user holds
    /// Omnichannel administrator without System Administrator, so they
    /// can't manage user roles and privileges. A warning: the administrator
    /// role still does everything else.
    AdminWithoutSystemAdmin,
    /// `api-access-on-agent` ([`Severity::Error`]): the user holds
    /// Omnichannel API access and an agent- or supervisor-type role
    /// (Omnichannel agent, Omnichannel supervisor, Customer Service
    /// Representative).
    ApiAccessOnAgent,
    /// `case-needs-csr` ([`Severity::Warning`]): custom roles give the user
    /// privileges on cases (`case:*`), but they don't hold Customer Service
    /// Representative, which working with cases needs.
    CaseNeedsCsr,
    /// `profile-unreadable` ([`Severity::Error`]): the user holds roles, but
    /// none grants `app_profile:read` (App profile user's privilege), so
    /// they can't read the experience profile they resolve to. Only in
    /// directories with profiles.
    ProfileUnreadable,
    /// `team-role-for-profile` ([`Severity::Warning`]): a role that maps a
    /// ranked profile reaches the user only through a team, so the mapping
    /// silently does not apply to them (team roles never map profiles).
    TeamRoleForProfile,
    /// `duplicate-rank` ([`Severity::Warning`], about the directory): custom
    /// profiles share a rank, as imports can leave them; the message names
    /// the profiles and the tie-break winner.
    DuplicateRank,
    /// `multiple-defaults` ([`Severity::Warning`], about the directory):
    /// several custom profiles are marked default; the message names them
    /// and the tie-break winner.
    MultipleDefaults,
    /// `unlicensed-channel` ([`Severity::Warning`], about the directory): a
    /// profile offers conversation channels that no licence of the
    /// organisation enables, so they do nothing (seed 001: "Omnichannel for
    /// Customer Service is available only when you have the Chat for
    /// Dynamics 365 license"); the message names the channels and the
    /// licences each needs. Only when the directory lists its licences.
    UnlicensedChannel,
}

impl DiagnosticCode {
    /// The stable kebab-case code.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::DiagnosticCode::ApiAccessOnAgent.as_str(), "api-access-on-agent");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::MissingBasicUser => "missing-basic-user",
            DiagnosticCode::AdminWithoutSystemAdmin => "admin-without-system-admin",
            DiagnosticCode::ApiAccessOnAgent => "api-access-on-agent",
            DiagnosticCode::CaseNeedsCsr => "case-needs-csr",
            DiagnosticCode::ProfileUnreadable => "profile-unreadable",
            DiagnosticCode::TeamRoleForProfile => "team-role-for-profile",
            DiagnosticCode::DuplicateRank => "duplicate-rank",
            DiagnosticCode::MultipleDefaults => "multiple-defaults",
            DiagnosticCode::UnlicensedChannel => "unlicensed-channel",
        }
    }

    /// How serious a diagnostic with this code is.
    ///
    /// ```
    /// use rbac_profiles::{DiagnosticCode, Severity};
    ///
    /// assert_eq!(DiagnosticCode::CaseNeedsCsr.severity(), Severity::Warning);
    /// ```
    pub fn severity(self) -> Severity {
        match self {
            DiagnosticCode::MissingBasicUser
            | DiagnosticCode::ApiAccessOnAgent
            | DiagnosticCode::ProfileUnreadable => Severity::Error,
            DiagnosticCode::AdminWithoutSystemAdmin
            | DiagnosticCode::CaseNeedsCsr
            | DiagnosticCode::TeamRoleForProfile
            | DiagnosticCode::DuplicateRank
            | DiagnosticCode::MultipleDefaults
            | DiagnosticCode::UnlicensedChannel => Severity::Warning,
        }
    }
}

impl PartialOrd for DiagnosticCode {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DiagnosticCode {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One finding of [`diagnose`]: a code, its severity, the user it is about
/// and a message for people.
///
/// ```
/// use rbac_profiles::{diagnose, DiagnosticCode, Directory, DirectoryDoc, MemoryStore, Severity, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
/// let found = diagnose(&MemoryStore::new(Directory::builtin_with(org)?))?;
/// assert_eq!(found[0].code, DiagnosticCode::MissingBasicUser);
/// assert_eq!(found[0].severity, Severity::Error);
/// assert_eq!(found[0].user, Some("u1".into()));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// What it is about.
    pub code: DiagnosticCode,
    /// How serious it is.
    pub severity: Severity,
    /// The user it is about; `None` for findings about the directory as a
    /// whole.
    pub user: Option<UserId>,
    /// What is wrong, naming the ids; lowercase, no trailing period.
    pub message: String,
}

impl Diagnostic {
    fn about(user: &User, code: DiagnosticCode, message: String) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            user: Some(user.id.clone()),
            message,
        }
    }

    fn directory(code: DiagnosticCode, message: String) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            user: None,
            message,
        }
    }

    /// The order of every list of diagnostics: user (findings about the
    /// directory first), then code, then message.
    fn sort_key(&self) -> (&Option<UserId>, DiagnosticCode, &str) {
        (&self.user, self.code, &self.message)
    }
}

impl fmt::Display for Diagnostic {
    /// `error[missing-basic-user]: user "u1" holds …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// Every diagnostic of the organisation in `store`: first the findings
/// about the directory as a whole (the conflicts imports leave, see
/// [`Directory::conflicts`](crate::Directory::conflicts), and profiles
/// offering channels no licence enables), then every
/// user's, sorted by user id, then code, then message: the order of lists
/// in the store never changes the answer.
///
/// # Errors
///
/// Only what reading the store can give: [`Error::Storage`], and
/// [`Error::UnknownReference`] when a host's store refers to a team or role
/// it does not hold. A [`MemoryStore`](crate::MemoryStore) never fails here.
///
/// ```
/// use rbac_profiles::{diagnose, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("ok", "Fine").with_role("basic-user").with_role("omnichannel-agent"));
/// org.users.push(User::new("api", "Mixed").with_role("basic-user")
///     .with_role("omnichannel-agent").with_role("omnichannel-api-access"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
/// let codes: Vec<_> = diagnose(&store)?
///     .iter()
///     .map(|d| format!("{} {}", d.user.as_ref().unwrap(), d.code))
///     .collect();
/// assert_eq!(codes, ["api api-access-on-agent"]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn diagnose<S: Store + ?Sized>(store: &S) -> Result<Vec<Diagnostic>, Error> {
    let profiles = store.profiles()?;
    let fallback = store.fallback_profile()?;
    let facts = Facts::new(&profiles, fallback.as_ref());
    let mut found: Vec<Diagnostic> = conflicts(profiles.iter().map(|p| &**p))
        .into_iter()
        .map(conflict_diagnostic)
        .collect();
    let licences = store.licences()?;
    found.extend(
        profiles
            .iter()
            .filter_map(|p| unlicensed_diagnostic(p, licences.as_ref())),
    );
    found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // Users in id order, each one's findings sorted: the whole list is
    // then in order without sorting every user's findings together.
    let mut graph = Graph::default();
    let mut failed = None;
    // The last user's id, in a buffer kept between users.
    let mut last: Option<String> = None;
    store.for_each_user(&mut |user| {
        let read = in_id_order(last.as_deref(), &user.id)
            .and_then(|()| user_diagnostics(store, user, &facts, &mut graph));
        let kept = last.get_or_insert_with(String::new);
        kept.clear();
        kept.push_str(user.id.as_str());
        match read {
            Ok(mut mine) => {
                mine.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                found.extend(mine);
                ControlFlow::Continue(())
            }
            Err(err) => {
                failed = Some(err);
                ControlFlow::Break(())
            }
        }
    })?;
    match failed {
        Some(err) => Err(err),
        None => Ok(found),
    }
}

/// What every user's diagnostics read of the directory, computed once: the
/// profiles indexed as resolution reads them, and the fallback.
struct Facts<'p> {
    profiles: ProfileIndex<'p>,
    fallback: Option<&'p ProfileId>,
}

impl<'p> Facts<'p> {
    fn new(profiles: &'p [Cow<'_, Profile>], fallback: Option<&'p ProfileId>) -> Self {
        Facts {
            profiles: ProfileIndex::new(profiles.iter().map(|p| &**p)),
            fallback,
        }
    }
}

/// `unlicensed-channel` for `profile`, when it offers channels no licence
/// of `licences` enables.
fn unlicensed_diagnostic(
    profile: &Profile,
    licences: Option<&BTreeSet<Licence>>,
) -> Option<Diagnostic> {
    let channels = unlicensed(&profile.settings, licences);
    if channels.is_empty() {
        return None;
    }
    let listed: Vec<String> = channels
        .iter()
        .map(|channel| {
            let needs: Vec<&str> = Licence::needed_for(*channel)
                .iter()
                .map(|l| l.as_str())
                .collect();
            format!("{channel} (needs {})", needs.join(" or "))
        })
        .collect();
    Some(Diagnostic::directory(
        DiagnosticCode::UnlicensedChannel,
        format!(
            "profile {:?} offers {} that no licence of the organisation enables: {}",
            profile.id.as_str(),
            plural("channel", channels.len()),
            listed.join(", ")
        ),
    ))
}

fn conflict_diagnostic(conflict: Conflict) -> Diagnostic {
    let names = |ids: &[ProfileId]| quoted(ids.iter().map(|p| p.as_str()).collect());
    match conflict {
        Conflict::DuplicateRank {
            rank,
            profiles,
            winner,
        } => Diagnostic::directory(
            DiagnosticCode::DuplicateRank,
            format!(
                "profiles {} share rank {rank}; {:?} wins for users holding roles of several",
                names(&profiles),
                winner.as_str()
            ),
        ),
        Conflict::MultipleDefaults { profiles, winner } => Diagnostic::directory(
            DiagnosticCode::MultipleDefaults,
            format!(
                "profiles {} are all marked default; {:?} is the one that applies",
                names(&profiles),
                winner.as_str()
            ),
        ),
    }
}

/// The diagnostics of one user, sorted by code, then message. Findings
/// about the directory as a whole are left to [`diagnose`].
///
/// # Errors
///
/// [`Error::UnknownUser`] when the store has no such user, and as
/// [`diagnose`].
///
/// ```
/// use rbac_profiles::{diagnose_user, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("kayla", "Kayla").with_role("basic-user").with_role("omnichannel-administrator"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
/// let found = diagnose_user(&store, "kayla")?;
/// assert_eq!(found[0].code.as_str(), "admin-without-system-admin");
/// assert!(diagnose_user(&store, "nobody").is_err());
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn diagnose_user<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
) -> Result<Vec<Diagnostic>, Error> {
    let user = load_user(store, user)?;
    let profiles = store.profiles()?;
    let fallback = store.fallback_profile()?;
    let facts = Facts::new(&profiles, fallback.as_ref());
    let mut diagnostics = user_diagnostics(store, &user, &facts, &mut Graph::default())?;
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(diagnostics)
}

/// The roles and teams a diagnose run has read, each read once and
/// numbered: a user's walk then runs over numbers, with no id cloned,
/// hashed or compared per role, and each role's own facts (its case
/// grants, whether it reads profiles) are worked out once a run.
#[derive(Default)]
struct Graph {
    index: HashMap<RoleId, u32, IdHash>,
    roles: Vec<Node>,
    /// Per team met: its roles' numbers, shared so that a walk can hold
    /// them while it reaches roles.
    teams: HashMap<TeamId, Rc<[u32]>, IdHash>,
    /// Per role: the walk that last reached it.
    seen: Vec<u32>,
    /// The current walk.
    walk: u32,
    /// The number of each of [`NAMED_ROLES`], once met.
    named: [Option<u32>; NAMED_ROLES.len()],
    /// The roles a walk has still to reach: kept between walks, so that
    /// a walk allocates nothing.
    pending: Vec<u32>,
}

struct Node {
    id: RoleId,
    includes: Vec<RoleId>,
    /// `includes` as numbers, once resolved.
    children: Option<Vec<u32>>,
    /// A custom role granting a `case:*` privilege.
    case: bool,
    /// Grants `app_profile:read`.
    reads: bool,
}

/// Who refers to a role: named only if the store lacks it.
#[derive(Clone, Copy)]
enum Referrer<'a> {
    User(&'a UserId),
    Team(&'a TeamId),
    Role(u32),
}

impl Graph {
    /// The number of role `id`, read from the store the first time.
    fn node<S: Store + ?Sized>(
        &mut self,
        store: &S,
        id: &RoleId,
        by: Referrer<'_>,
    ) -> Result<u32, Error> {
        if let Some(ix) = self.index.get(id) {
            return Ok(*ix);
        }
        let Some(role) = store.role(id)? else {
            let owner = match by {
                Referrer::User(user) => EntityRef::User(user.clone()),
                Referrer::Team(team) => EntityRef::Team(team.clone()),
                Referrer::Role(ix) => EntityRef::Role(self.id(ix).clone()),
            };
            return Err(Error::UnknownReference {
                owner,
                target: EntityRef::Role(id.clone()),
            });
        };
        let grants = |test: &dyn Fn(&Privilege) -> bool| {
            role.grants
                .iter()
                .any(|(key, level)| level.is_granted() && test(key))
        };
        let node = Node {
            id: role.id.clone(),
            includes: role.includes.clone(),
            children: None,
            case: !ROLE_IDS.contains(&role.id) && grants(&|key| key.entity() == "case"),
            reads: grants(&|key| *key == APP_PROFILE_READ),
        };
        let ix = u32::try_from(self.roles.len()).unwrap_or(u32::MAX);
        self.roles.push(node);
        self.seen.push(0);
        if let Some(named) = NAMED_ROLES
            .iter()
            .position(|n| *n == *id)
            .and_then(|at| self.named.get_mut(at))
        {
            *named = Some(ix);
        }
        self.index.insert(id.clone(), ix);
        Ok(ix)
    }

    fn id(&self, ix: u32) -> &RoleId {
        static NONE: RoleId = RoleId::from_static("");
        self.roles.get(ix as usize).map_or(&NONE, |n| &n.id)
    }

    /// The roles of team `id` as numbers, read from the store the first
    /// time.
    fn team_roles<S: Store + ?Sized>(
        &mut self,
        store: &S,
        id: &TeamId,
        user: &UserId,
    ) -> Result<Rc<[u32]>, Error> {
        if let Some(roles) = self.teams.get(id) {
            return Ok(Rc::clone(roles));
        }
        let team = store.team(id)?.ok_or_else(|| Error::UnknownReference {
            owner: EntityRef::User(user.clone()),
            target: EntityRef::Team(id.clone()),
        })?;
        let mut roles = Vec::with_capacity(team.roles.len());
        for role in &team.roles {
            roles.push(self.node(store, role, Referrer::Team(id))?);
        }
        let roles: Rc<[u32]> = roles.into();
        self.teams.insert(id.clone(), Rc::clone(&roles));
        Ok(roles)
    }

    /// Starts a walk: no role reached yet.
    fn start(&mut self) {
        self.walk = self.walk.wrapping_add(1);
        if self.walk == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.walk = 1;
        }
    }

    /// Whether role `ix` was reached in the current walk.
    fn reached(&self, ix: u32) -> bool {
        self.seen.get(ix as usize) == Some(&self.walk)
    }

    /// Reaches `root` and every role it includes, transitively, that the
    /// current walk has not reached yet, calling `visit` once for each.
    fn reach<S: Store + ?Sized>(
        &mut self,
        store: &S,
        root: u32,
        mut visit: impl FnMut(&Node, u32),
    ) -> Result<(), Error> {
        let mut pending = std::mem::take(&mut self.pending);
        pending.clear();
        pending.push(root);
        while let Some(ix) = pending.pop() {
            if self.reached(ix) {
                continue;
            }
            if let Some(seen) = self.seen.get_mut(ix as usize) {
                *seen = self.walk;
            }
            let unresolved = self
                .roles
                .get(ix as usize)
                .filter(|node| node.children.is_none())
                .map(|node| node.includes.clone());
            if let Some(includes) = unresolved {
                let mut children = Vec::with_capacity(includes.len());
                for child in &includes {
                    children.push(self.node(store, child, Referrer::Role(ix))?);
                }
                if let Some(node) = self.roles.get_mut(ix as usize) {
                    node.children = Some(children);
                }
            }
            if let Some(node) = self.roles.get(ix as usize) {
                visit(node, ix);
                let (seen, walk) = (&self.seen, self.walk);
                pending.extend(
                    node.children
                        .iter()
                        .flatten()
                        .rev()
                        .filter(|c| seen.get(**c as usize) != Some(&walk)),
                );
            }
        }
        self.pending = pending;
        Ok(())
    }
}

/// What the diagnostics need to know of the roles a user holds.
#[derive(Default)]
struct Held {
    /// Every role held: direct, through teams, included.
    roles: Vec<u32>,
    /// Custom roles among them that grant a `case:*` privilege.
    case_roles: Vec<RoleId>,
    /// Whether any grants `app_profile:read`.
    reads_profiles: bool,
    /// The built-in roles the rules name, and whether each is held.
    named: [(bool, RoleId); 7],
}

impl Held {
    fn of<S: Store + ?Sized>(store: &S, user: &User, graph: &mut Graph) -> Result<Self, Error> {
        let mut held = Held::default();
        if user.disabled {
            return Ok(held);
        }
        let mut roots: Vec<u32> = Vec::with_capacity(user.roles.len() + user.teams.len());
        for role in user.role_ids() {
            roots.push(graph.node(store, role, Referrer::User(&user.id))?);
        }
        for team in &user.teams {
            roots.extend(graph.team_roles(store, team, &user.id)?.iter());
        }
        graph.start();
        for root in roots {
            graph.reach(store, root, |node, ix| {
                if node.case {
                    held.case_roles.push(node.id.clone());
                }
                held.reads_profiles |= node.reads;
                held.roles.push(ix);
            })?;
        }
        held.case_roles.sort_unstable();
        for ((slot, id), ix) in held
            .named
            .iter_mut()
            .zip(NAMED_ROLES.iter())
            .zip(graph.named)
        {
            *slot = (ix.is_some_and(|ix| graph.reached(ix)), id.clone());
        }
        Ok(held)
    }

    fn holds(&self, role: &RoleId) -> bool {
        self.named.iter().any(|(held, id)| *held && id == role)
    }
}

/// The roles [`Held::holds`] answers for.
static NAMED_ROLES: [RoleId; 7] = [
    BASIC_USER,
    OMNICHANNEL_ADMINISTRATOR,
    SYSTEM_ADMINISTRATOR,
    OMNICHANNEL_API_ACCESS,
    OMNICHANNEL_AGENT,
    OMNICHANNEL_SUPERVISOR,
    CUSTOMER_SERVICE_REPRESENTATIVE,
];

fn user_diagnostics<S: Store + ?Sized>(
    store: &S,
    user: &User,
    facts: &Facts<'_>,
    graph: &mut Graph,
) -> Result<Vec<Diagnostic>, Error> {
    // A disabled user holds nothing and uses nothing: nothing to advise.
    if user.disabled {
        return Ok(Vec::new());
    }
    let held = Held::of(store, user, graph)?;
    let mut found = Vec::new();

    if !held.roles.is_empty() && !held.holds(&BASIC_USER) {
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::MissingBasicUser,
            format!(
                "user {:?} holds security roles but not {:?}, which every user of the suite needs",
                user.id.as_str(),
                BASIC_USER.as_str()
            ),
        ));
    }
    if held.holds(&OMNICHANNEL_ADMINISTRATOR) && !held.holds(&SYSTEM_ADMINISTRATOR) {
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::AdminWithoutSystemAdmin,
            format!(
                "user {:?} holds {:?} without {:?}, so they cannot manage user roles and privileges",
                user.id.as_str(),
                OMNICHANNEL_ADMINISTRATOR.as_str(),
                SYSTEM_ADMINISTRATOR.as_str()
            ),
        ));
    }
    let agent_roles: Vec<&str> = AGENT_TYPE_ROLES
        .iter()
        .filter(|r| held.holds(r))
        .map(RoleId::as_str)
        .collect();
    if held.holds(&OMNICHANNEL_API_ACCESS) && !agent_roles.is_empty() {
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::ApiAccessOnAgent,
            format!(
                "user {:?} holds {:?} and the agent or supervisor {} {}",
                user.id.as_str(),
                OMNICHANNEL_API_ACCESS.as_str(),
                plural("role", agent_roles.len()),
                quoted(agent_roles)
            ),
        ));
    }
    if !held.case_roles.is_empty() && !held.holds(&CUSTOMER_SERVICE_REPRESENTATIVE) {
        let case_roles: Vec<&str> = held.case_roles.iter().map(|r| r.as_str()).collect();
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::CaseNeedsCsr,
            format!(
                "user {:?} holds case privileges through custom {} {} but not {:?}, which working with cases needs",
                user.id.as_str(),
                plural("role", case_roles.len()),
                quoted(case_roles),
                CUSTOMER_SERVICE_REPRESENTATIVE.as_str()
            ),
        ));
    }
    found.extend(profile_diagnostics(store, user, &held, facts, graph)?);
    Ok(found)
}

/// `profile-unreadable` and `team-role-for-profile`; nothing of the first
/// when the store has no fallback profile and no rule reaches the user.
fn profile_diagnostics<S: Store + ?Sized>(
    store: &S,
    user: &User,
    held: &Held,
    facts: &Facts<'_>,
    graph: &mut Graph,
) -> Result<Vec<Diagnostic>, Error> {
    let mut found = Vec::new();
    let resolved = match facts.profiles.resolve(user, facts.fallback) {
        Ok(resolution) => Some(resolution),
        Err(Error::NoFallbackProfile) => None,
        Err(err) => return Err(err),
    };
    // A user with no roles is not a user of the suite yet, unless an
    // administrator assigned them a profile.
    if let Some(resolution) = resolved
        .as_ref()
        .filter(|r| !held.reads_profiles && (!held.roles.is_empty() || r.reason == Reason::Direct))
    {
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::ProfileUnreadable,
            format!(
                "user {:?} gets profile {:?} but cannot read it: no role of theirs grants {:?}",
                user.id.as_str(),
                resolution.profile.as_str(),
                APP_PROFILE_READ.as_str()
            ),
        ));
    }
    // A ranked profile beats what the user gets when they are not assigned
    // directly and it comes first in (rank, profile id) order.
    let beats = |rank: u32, profile: &ProfileId| match resolved.as_ref().map(|r| &r.reason) {
        Some(Reason::Direct) => false,
        Some(Reason::RoleRank { rank: now, .. }) => resolved
            .as_ref()
            .is_some_and(|r| (rank, profile) < (*now, &r.profile)),
        _ => true,
    };
    for (role, team) in through_teams_only(store, user, graph)? {
        let role = graph.id(role);
        let Some((rank, profile)) = facts.profiles.best_for(role) else {
            continue;
        };
        if !beats(rank, profile) {
            continue;
        }
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::TeamRoleForProfile,
            format!(
                "user {:?} holds role {:?}, which maps profile {:?}, only through team {:?}; team roles never map profiles",
                user.id.as_str(),
                role.as_str(),
                profile.as_str(),
                team.as_str()
            ),
        ));
    }
    Ok(found)
}

/// The roles `user` holds through a team (its own or included) but not
/// directly, each with the smallest team id that reaches it, in role id
/// order. One walk over the teams in id order: each role is visited once.
/// Roles come as the graph's numbers (see [`Graph::id`]).
fn through_teams_only<'u, S: Store + ?Sized>(
    store: &S,
    user: &'u User,
    graph: &mut Graph,
) -> Result<Vec<(u32, &'u TeamId)>, Error> {
    let mut teams: Vec<&TeamId> = user.teams.iter().collect();
    teams.sort_unstable();
    teams.dedup();
    let mut direct: Vec<&RoleId> = user.role_ids().collect();
    direct.sort_unstable();
    let mut found = Vec::new();
    graph.start();
    // Teams in id order, each walked to the end before the next: the
    // first team to reach a role, the smallest, is the one named.
    for team in teams {
        for root in graph.team_roles(store, team, &user.id)?.iter() {
            graph.reach(store, *root, |node, ix| {
                if direct.binary_search(&&node.id).is_err() {
                    found.push((ix, team));
                }
            })?;
        }
    }
    // Each role is reached once a walk: sorting by id is enough.
    found.sort_unstable_by(|a, b| graph.id(a.0).cmp(graph.id(b.0)));
    Ok(found)
}

fn plural(word: &str, n: usize) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

fn quoted(ids: Vec<&str>) -> String {
    let quoted: Vec<String> = ids.into_iter().map(|id| format!("{id:?}")).collect();
    quoted.join(", ")
}
