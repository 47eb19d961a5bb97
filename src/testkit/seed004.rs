//! The worked example of the seed documentation on experience profiles
//! (seed 004), as data: its users and team, the administration operations
//! that configure its profiles, and who gets which profile, and why.
//!
//! With Contoso Supervisor (rank 1, Omnichannel supervisor), Datum Agent
//! (rank 2, Omnichannel agent, plus Kendall Collins directly), Contoso Agent
//! as the default, and Datum Supervisor with Gabriel Diaz and Kayla Lewis
//! directly: supervisors get Contoso Supervisor, agents Datum Agent, a user
//! with both roles Contoso Supervisor, Kendall Datum Agent, Gabriel and Kayla
//! Datum Supervisor, everyone else Contoso Agent. The crate's example
//! `contoso` runs the same scenario from `examples/data/seed004*.json`.
//! [`ranked`] is the seed's first, smaller example.
//!
//! ```
//! use rbac_profiles::testkit::seed004;
//! use rbac_profiles::{administer_all, resolve_profile, Directory, MemoryStore};
//!
//! let mut store = MemoryStore::new(Directory::builtin_with(seed004::org())?);
//! administer_all(&mut store, seed004::ADMIN, &seed004::operations())?;
//! for (user, expected) in seed004::resolutions() {
//!     assert_eq!(resolve_profile(&store, &user)?, expected);
//! }
//! # Ok::<(), rbac_profiles::Error>(())
//! ```

use crate::AdminOp;
use crate::catalog::{
    BASIC_USER, CUSTOMER_SERVICE_REPRESENTATIVE, OMNICHANNEL_ADMINISTRATOR, OMNICHANNEL_AGENT,
    OMNICHANNEL_SUPERVISOR, SYSTEM_ADMINISTRATOR,
};
use crate::directory::DirectoryDoc;
use crate::id::{RoleId, UserId};
use crate::profile::{
    Channel, ProductivityPane, ProductivityTool, Profile, ProfileSettings, Template, TemplateKind,
};
use crate::resolve::{Reason, Resolution};
use crate::team::Team;
use crate::user::User;

/// The administrator who configures the profiles: Basic User, System
/// Administrator and Omnichannel administrator (which includes App profile
/// manager administrator).
///
/// ```
/// let org = rbac_profiles::testkit::seed004::org();
/// assert!(org.users.iter().any(|u| u.id.as_str() == rbac_profiles::testkit::seed004::ADMIN));
/// ```
pub const ADMIN: &str = "avery-admin";

/// The team whose members hold Omnichannel supervisor through it.
///
/// ```
/// let org = rbac_profiles::testkit::seed004::org();
/// assert_eq!(org.teams[0].id.as_str(), rbac_profiles::testkit::seed004::TEAM);
/// ```
pub const TEAM: &str = "night-supervisors";

/// The users and the team, before any profile is configured: a supervisor,
/// an agent, a user with both roles, the seed's named users (Kendall
/// Collins, Gabriel Diaz, Kayla Lewis), a user who is a supervisor only
/// through [`TEAM`], a user with no roles, and [`ADMIN`].
///
/// ```
/// let org = rbac_profiles::testkit::seed004::org();
/// assert_eq!(org.users.len(), 9);
/// ```
pub fn org() -> DirectoryDoc {
    let user = |id: &str, name: &str, roles: &[RoleId]| {
        roles.iter().fold(User::new(id, name), |user, role| {
            user.with_role(role.clone())
        })
    };
    DirectoryDoc {
        teams: vec![
            Team::new(TEAM, "Night supervisors")
                .with_role(OMNICHANNEL_SUPERVISOR)
                .with_member("tess-team"),
        ],
        users: vec![
            user(
                ADMIN,
                "Avery Admin",
                &[BASIC_USER, SYSTEM_ADMINISTRATOR, OMNICHANNEL_ADMINISTRATOR],
            ),
            user(
                "sam-supervisor",
                "Sam Supervisor",
                &[BASIC_USER, OMNICHANNEL_SUPERVISOR],
            ),
            user("alex-agent", "Alex Agent", &[BASIC_USER, OMNICHANNEL_AGENT]),
            user(
                "john-doe",
                "John Doe",
                &[BASIC_USER, OMNICHANNEL_AGENT, OMNICHANNEL_SUPERVISOR],
            ),
            user(
                "kendall-collins",
                "Kendall Collins",
                &[BASIC_USER, OMNICHANNEL_AGENT],
            ),
            user(
                "gabriel-diaz",
                "Gabriel Diaz",
                &[BASIC_USER, OMNICHANNEL_SUPERVISOR],
            ),
            user("kayla-lewis", "Kayla Lewis", &[BASIC_USER]),
            user("tess-team", "Tess Team", &[BASIC_USER]).with_team(TEAM),
            user("nora-none", "Nora None", &[]),
        ],
        ..DirectoryDoc::default()
    }
}

/// The operations [`ADMIN`] performs, in order: four templates, four
/// profiles, two ranks, a direct assignment, the default, two more direct
/// assignments.
///
/// ```
/// let ops = rbac_profiles::testkit::seed004::operations();
/// assert_eq!(ops.len(), 13);
/// ```
pub fn operations() -> Vec<AdminOp> {
    let template = |id: &str, name: &str, kind| AdminOp::CreateTemplate {
        template: Template::new(id, name, kind),
    };
    let profile = |id: &str, name: &str, settings| AdminOp::CreateProfile {
        profile: id.into(),
        name: name.into(),
        settings,
    };
    let pane = |tools: &[ProductivityTool]| ProductivityPane::with_tools(tools.iter().copied());
    vec![
        template("chat-session", "Chat session", TemplateKind::Session),
        template("case-session", "Case session", TemplateKind::Session),
        template(
            "customer-summary",
            "Customer summary",
            TemplateKind::ApplicationTab,
        ),
        template("incoming-chat", "Incoming chat", TemplateKind::Notification),
        profile(
            "contoso-supervisor",
            "Contoso Supervisor profile",
            ProfileSettings::default()
                .with_session_template("chat-session")
                .with_session_template("case-session")
                .with_application_tab_template("customer-summary")
                .with_notification_template("incoming-chat")
                .with_channel(Channel::Chat)
                .with_channel(Channel::Voice)
                .with_productivity_pane(pane(&[
                    ProductivityTool::SmartAssist,
                    ProductivityTool::KnowledgeSearch,
                ])),
        ),
        profile(
            "datum-agent",
            "Datum Agent profile",
            ProfileSettings::default()
                .with_session_template("chat-session")
                .with_notification_template("incoming-chat")
                .with_channel(Channel::Chat)
                .with_productivity_pane(pane(&[ProductivityTool::SmartAssist])),
        ),
        profile(
            "contoso-agent",
            "Contoso Agent profile",
            ProfileSettings::default()
                .with_session_template("case-session")
                .with_channel(Channel::Chat)
                .with_channel(Channel::Email)
                .with_productivity_pane(pane(&[
                    ProductivityTool::AgentScripts,
                    ProductivityTool::KnowledgeSearch,
                ])),
        ),
        profile(
            "datum-supervisor",
            "Datum Supervisor profile",
            ProfileSettings::default()
                .with_session_template("chat-session")
                .with_channel(Channel::Chat)
                .with_channel(Channel::Voice)
                .with_productivity_pane(ProductivityPane::default()),
        ),
        AdminOp::SetRankAndRoles {
            profile: "contoso-supervisor".into(),
            rank: 1,
            roles: vec![OMNICHANNEL_SUPERVISOR],
        },
        AdminOp::SetRankAndRoles {
            profile: "datum-agent".into(),
            rank: 2,
            roles: vec![OMNICHANNEL_AGENT],
        },
        AdminOp::AssignUsers {
            profile: "datum-agent".into(),
            users: vec!["kendall-collins".into()],
        },
        AdminOp::SetDefault {
            profile: "contoso-agent".into(),
        },
        AdminOp::AssignUsers {
            profile: "datum-supervisor".into(),
            users: vec!["gabriel-diaz".into(), "kayla-lewis".into()],
        },
    ]
}

/// Every user's resolution once [`operations`] have run, in [`org`] order.
///
/// ```
/// use rbac_profiles::testkit::seed004;
/// use rbac_profiles::Reason;
///
/// let (user, kendall) = &seed004::resolutions()[4];
/// assert_eq!(user.as_str(), "kendall-collins");
/// assert_eq!(kendall.reason, Reason::Direct);
/// ```
pub fn resolutions() -> Vec<(UserId, Resolution)> {
    let rank = |role: RoleId, rank| Reason::RoleRank { role, rank };
    [
        (ADMIN, "contoso-agent", Reason::Default),
        (
            "sam-supervisor",
            "contoso-supervisor",
            rank(OMNICHANNEL_SUPERVISOR, 1),
        ),
        ("alex-agent", "datum-agent", rank(OMNICHANNEL_AGENT, 2)),
        (
            "john-doe",
            "contoso-supervisor",
            rank(OMNICHANNEL_SUPERVISOR, 1),
        ),
        ("kendall-collins", "datum-agent", Reason::Direct),
        // Gabriel holds the supervisor role, but direct assignment wins.
        ("gabriel-diaz", "datum-supervisor", Reason::Direct),
        ("kayla-lewis", "datum-supervisor", Reason::Direct),
        // A supervisor only through a team: team roles never map.
        ("tess-team", "contoso-agent", Reason::Default),
        ("nora-none", "contoso-agent", Reason::Default),
    ]
    .into_iter()
    .map(|(user, profile, reason)| (UserId::from(user), Resolution::new(profile, reason)))
    .collect()
}

/// The seed's first worked example, to extend the built-in catalogue with:
/// Contoso Agent (rank 1, Customer Service Representative) and Datum Agent
/// (rank 2, Omnichannel agent); John Doe holds both roles, `csr` and
/// `agent` one each. With the resolutions: John Doe gets Contoso Agent.
///
/// ```
/// use rbac_profiles::testkit::seed004;
/// use rbac_profiles::{resolve_profile, Directory, MemoryStore};
///
/// let (org, resolutions) = seed004::ranked();
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
/// for (user, expected) in resolutions {
///     assert_eq!(resolve_profile(&store, &user)?, expected);
/// }
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn ranked() -> (DirectoryDoc, Vec<(UserId, Resolution)>) {
    let org = DirectoryDoc {
        profiles: vec![
            Profile::new("contoso-agent", "Contoso Agent profile")
                .with_rank(1)
                .with_role(CUSTOMER_SERVICE_REPRESENTATIVE),
            Profile::new("datum-agent", "Datum Agent profile")
                .with_rank(2)
                .with_role(OMNICHANNEL_AGENT),
        ],
        users: vec![
            User::new("john-doe", "John Doe")
                .with_role(OMNICHANNEL_AGENT)
                .with_role(CUSTOMER_SERVICE_REPRESENTATIVE),
            User::new("csr", "CSR").with_role(CUSTOMER_SERVICE_REPRESENTATIVE),
            User::new("agent", "Agent").with_role(OMNICHANNEL_AGENT),
        ],
        ..DirectoryDoc::default()
    };
    let rank = |role: RoleId, rank| Reason::RoleRank { role, rank };
    let csr = || rank(CUSTOMER_SERVICE_REPRESENTATIVE, 1);
    let resolutions = [
        ("john-doe", "contoso-agent", csr()),
        ("csr", "contoso-agent", csr()),
        ("agent", "datum-agent", rank(OMNICHANNEL_AGENT, 2)),
    ];
    let resolutions = resolutions
        .into_iter()
        .map(|(user, profile, reason)| (UserId::from(user), Resolution::new(profile, reason)))
        .collect();
    (org, resolutions)
}
