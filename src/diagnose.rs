//! Diagnostics: the seeds' advice on role assignment, as a lint over the
//! users of a directory.
//!
//! A diagnostic never stops anything: the directory is valid, but a user's
//! roles are likely not what the administrator meant. "Holds a role" counts
//! direct roles, team roles and every role those include.

use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::catalog::{
    BASIC_USER, CUSTOMER_SERVICE_REPRESENTATIVE, OMNICHANNEL_ADMINISTRATOR, OMNICHANNEL_AGENT,
    OMNICHANNEL_API_ACCESS, OMNICHANNEL_SUPERVISOR, ROLE_IDS, SYSTEM_ADMINISTRATOR,
};
use crate::directory::Directory;
use crate::error::Error;
use crate::id::UserId;
use crate::user::User;

/// The agent- and supervisor-type roles that must not be held together with
/// Omnichannel API access.
const AGENT_TYPE_ROLES: [&str; 3] = [
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
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
            DiagnosticCode::MissingBasicUser | DiagnosticCode::ApiAccessOnAgent => Severity::Error,
            DiagnosticCode::AdminWithoutSystemAdmin | DiagnosticCode::CaseNeedsCsr => {
                Severity::Warning
            }
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
        f.write_str(self.as_str())
    }
}

/// One finding of [`diagnose`]: a code, its severity, the user it is about
/// and a message for people.
///
/// ```
/// use rbac_profiles::{diagnose, DiagnosticCode, Directory, DirectoryDoc, Severity, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
/// let found = diagnose(&Directory::builtin_with(org)?);
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
}

impl fmt::Display for Diagnostic {
    /// `error[missing-basic-user]: user "u1" holds …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.code, self.message)
    }
}

/// Every diagnostic of every user of `directory`, sorted by user id, then
/// code: the order of lists in the directory never changes the answer.
///
/// Never fails: the directory is already checked.
///
/// ```
/// use rbac_profiles::{diagnose, Directory, DirectoryDoc, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("ok", "Fine").with_role("basic-user").with_role("omnichannel-agent"));
/// org.users.push(User::new("api", "Mixed").with_role("basic-user")
///     .with_role("omnichannel-agent").with_role("omnichannel-api-access"));
/// let codes: Vec<_> = diagnose(&Directory::builtin_with(org)?)
///     .iter()
///     .map(|d| format!("{} {}", d.user.as_ref().unwrap(), d.code))
///     .collect();
/// assert_eq!(codes, ["api api-access-on-agent"]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn diagnose(directory: &Directory) -> Vec<Diagnostic> {
    let mut found: Vec<Diagnostic> = directory
        .users()
        .flat_map(|user| user_diagnostics(directory, user))
        .collect();
    found.sort_by(|a, b| (&a.user, a.code).cmp(&(&b.user, b.code)));
    found
}

/// The diagnostics of one user, sorted by code.
///
/// # Errors
///
/// [`Error::UnknownUser`] when the directory has no such user.
///
/// ```
/// use rbac_profiles::{diagnose_user, Directory, DirectoryDoc, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("kayla", "Kayla").with_role("basic-user").with_role("omnichannel-administrator"));
/// let directory = Directory::builtin_with(org)?;
/// let found = diagnose_user(&directory, &"kayla".into())?;
/// assert_eq!(found[0].code.as_str(), "admin-without-system-admin");
/// assert!(diagnose_user(&directory, &"nobody".into()).is_err());
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn diagnose_user(directory: &Directory, user: &UserId) -> Result<Vec<Diagnostic>, Error> {
    let found = directory
        .user(user.as_str())
        .ok_or_else(|| Error::UnknownUser { user: user.clone() })?;
    let mut diagnostics = user_diagnostics(directory, found);
    diagnostics.sort_by_key(|d| d.code);
    Ok(diagnostics)
}

fn user_diagnostics(directory: &Directory, user: &User) -> Vec<Diagnostic> {
    let held = held_roles(directory, user);
    let holds = |role: &str| held.contains(role);
    let mut found = Vec::new();

    if !held.is_empty() && !holds(BASIC_USER) {
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::MissingBasicUser,
            format!(
                "user {:?} holds security roles but not {BASIC_USER:?}, which every user of the suite needs",
                user.id.as_str()
            ),
        ));
    }
    if holds(OMNICHANNEL_ADMINISTRATOR) && !holds(SYSTEM_ADMINISTRATOR) {
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::AdminWithoutSystemAdmin,
            format!(
                "user {:?} holds {OMNICHANNEL_ADMINISTRATOR:?} without {SYSTEM_ADMINISTRATOR:?}, so they cannot manage user roles and privileges",
                user.id.as_str()
            ),
        ));
    }
    let agent_roles: Vec<&str> = AGENT_TYPE_ROLES.into_iter().filter(|r| holds(r)).collect();
    if holds(OMNICHANNEL_API_ACCESS) && !agent_roles.is_empty() {
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::ApiAccessOnAgent,
            format!(
                "user {:?} holds {OMNICHANNEL_API_ACCESS:?} and the agent or supervisor {} {}",
                user.id.as_str(),
                plural("role", agent_roles.len()),
                quoted(agent_roles)
            ),
        ));
    }
    let case_roles: Vec<&str> = held
        .iter()
        .copied()
        .filter(|id| !ROLE_IDS.contains(id) && grants_on_cases(directory, id))
        .collect();
    if !case_roles.is_empty() && !holds(CUSTOMER_SERVICE_REPRESENTATIVE) {
        found.push(Diagnostic::about(
            user,
            DiagnosticCode::CaseNeedsCsr,
            format!(
                "user {:?} holds case privileges through custom {} {} but not {CUSTOMER_SERVICE_REPRESENTATIVE:?}, which working with cases needs",
                user.id.as_str(),
                plural("role", case_roles.len()),
                quoted(case_roles)
            ),
        ));
    }
    found
}

/// Every role the user holds: direct, through teams, and included.
fn held_roles<'d>(directory: &'d Directory, user: &'d User) -> BTreeSet<&'d str> {
    let mut pending: Vec<&str> = user.roles.iter().map(|r| r.as_str()).collect();
    for team in user.teams.iter().filter_map(|t| directory.team(t.as_str())) {
        pending.extend(team.roles.iter().map(|r| r.as_str()));
    }
    let mut held = BTreeSet::new();
    while let Some(id) = pending.pop() {
        if held.insert(id) {
            if let Some(role) = directory.role(id) {
                pending.extend(role.includes.iter().map(|r| r.as_str()));
            }
        }
    }
    held
}

/// Whether the role's own grants include a `case:*` privilege.
fn grants_on_cases(directory: &Directory, role: &str) -> bool {
    directory.role(role).is_some_and(|role| {
        role.grants
            .iter()
            .any(|(key, level)| key.entity() == "case" && level.is_granted())
    })
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
