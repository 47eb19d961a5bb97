//! The built-in catalogue: the seed documentation's roles, privilege matrix
//! and role inclusions, as data.
//!
//! [`DirectoryDoc::builtin`](crate::DirectoryDoc::builtin) and
//! [`Directory::builtin`](crate::Directory::builtin) return it. Its rules:
//!
//! - The twelve roles of [`ROLE_IDS`], with the names the product shows.
//! - Every row of the seed privilege table ([`seed_rows`]; wording of the
//!   newer seed) becomes one or more privilege keys, granted at
//!   [`AccessLevel::Organization`] (a "Yes" in the table) to exactly the roles
//!   the row marks. Rows overlap: a view row and a manage row can name the
//!   same key ("Can view operating hours" and "Can view/add/edit/delete
//!   operating hours" both give `operating_hour:read`), so a key is held by
//!   the union of the roles its rows mark. The README shows the whole table.
//! - App profile manager administrator grants create, read, write and delete
//!   on app profiles, templates, productivity tool settings and channel
//!   provider settings ([`APP_PROFILE_ENTITIES`]); App profile user grants
//!   read on them.
//! - Customer Service Representative grants the eight classic actions on
//!   cases (`case:create`, `read`, `write`, `append`, `append_to`, `delete`,
//!   `assign`, `share`): the seeds name it as the role "required to work with
//!   the Case entity" and list nothing narrower.
//! - Inclusions: Omnichannel administrator and Customer Service Manager
//!   include App profile manager administrator; Omnichannel agent,
//!   Omnichannel supervisor and Customer Service Representative include App
//!   profile user. (On Customer Service Manager the seeds disagree; see
//!   [below](#customer-service-manager-the-seeds-disagree).)
//! - Persona roles ([`PERSONA_ROLES`]): Omnichannel agent, Omnichannel
//!   supervisor and Customer Service Representative, held directly, let a
//!   user use the profile they resolve to.
//! - Keys: a row's verbs become actions (view → `read`, add → `create`,
//!   edit → `write`, delete and remove → `delete`; create, read, write,
//!   append, monitor, assign and transfer keep their names) on the entity the
//!   row names, in singular snake case (`bot`, `quick_reply`). Rows that name
//!   a table by its logical name keep it (`msdyn_macroconnector`), and so does
//!   "auth settings", whose table `msdyn_authenticationsettings` the seed's
//!   secured-column list names, so table privileges and column security speak
//!   of the same entity. A relation between two things is its own entity
//!   (`queue_agent` for adding agents to queues, `user_queue` for a user's
//!   queue assignment).
//! - Basic User, System Administrator, Customer Service Manager (beyond its
//!   inclusion) and Omnichannel API access grant nothing of the seed table:
//!   the seeds name them without listing privileges.
//! - One out-of-box experience profile, [`OUT_OF_BOX_PROFILE`], the fallback
//!   of profile resolution ("if you do not assign an app profile, by
//!   default, the out-of-the-box app profile will be assigned").
//! - The 21 secret attributes of the seed's "Entity / Secret attributes"
//!   table are secured columns ([`SECURED_COLUMNS`]): only column security
//!   profiles, and System Administrator, open them.
//!
//! ```
//! use rbac_profiles::catalog;
//!
//! let row = catalog::seed_rows()
//!     .iter()
//!     .find(|row| row.wording == "Can monitor, assign, and transfer conversations")
//!     .unwrap();
//! assert_eq!(row.keys, ["conversation:monitor", "conversation:assign", "conversation:transfer"]);
//! assert_eq!(row.roles, [catalog::OMNICHANNEL_SUPERVISOR.as_str()]);
//! ```
//!
//! # Customer Service Manager: the seeds disagree
//!
//! Seed 001 ("Overview of app profile manager", 08/28/2020) says, under
//! "Security roles for Customer Service workspace": "For **Customer Service
//! Manager** role, the **App profile manager administrator** previleges are
//! added, and for **Customer Service Representative** role, the **App
//! profile user** previleges are added."
//!
//! Seed 000 ("Roles and privileges associated with app profile manager",
//! 09/07/2020) says, under "Roles for Customer Service workspace": "By
//! default, the privileges pertaining to the App profile user role have been
//! added to the Customer Service Representative role out of the box. You
//! need to manually provide the App profile manger administrator role to the
//! user who'll create app profiles, templates, productivity tools, and
//! channel provider configurations."
//!
//! The crate follows seed 001: Customer Service Manager includes App profile
//! manager administrator, so a manager can administer profiles, templates,
//! productivity tool settings and channel providers without a further role.
//! Seed 001 states it as a fact of the product for that role by name, where
//! seed 000 speaks of "the user who'll create app profiles" without naming
//! Customer Service Manager; and the design's list of inclusions, which the
//! catalogue ships, follows 001. A host that wants seed 000's reading
//! takes [`DirectoryDoc::builtin`](crate::DirectoryDoc::builtin), removes
//! the inclusion from `customer-service-manager`, and checks the result
//! with `Directory::try_from`.
//!
//! # The catalogue in full
//!
//! `Directory::builtin()` (or `DirectoryDoc::builtin()` to extend by hand) holds the
//! twelve roles `basic-user`, `system-administrator`, `omnichannel-administrator`,
//! `omnichannel-supervisor`, `omnichannel-agent`, `productivity-tools-user`,
//! `productivity-tools-administrator`, `app-profile-manager-administrator`,
//! `app-profile-user`, `customer-service-representative`, `customer-service-manager`
//! and `omnichannel-api-access`, and these grants, all at `organization` level:
//!
//! - every row of the seed privilege table, as the table below maps it, to exactly
//!   the roles the row marks (a key named by two rows — a "view" row and a "manage"
//!   row — is held by the roles of both);
//! - App profile manager administrator: `create`, `read`, `write`, `delete` on
//!   `app_profile`, `template`, `productivity_tool_settings` and
//!   `channel_provider_settings`; App profile user: `read` on the same four;
//! - Customer Service Representative ("required to work with the Case entity"):
//!   the eight classic actions on `case` — `create`, `read`, `write`, `append`,
//!   `append_to`, `delete`, `assign`, `share`;
//! - inclusions: Omnichannel administrator and Customer Service Manager include App
//!   profile manager administrator; Omnichannel agent, Omnichannel supervisor and
//!   Customer Service Representative include App profile user.
//!
//! Basic User, System Administrator and Omnichannel API access grant none of these:
//! the seeds name them without a privilege list. The catalogue also ships one
//! out-of-box experience profile, `default-agent-experience-profile` ("Default agent
//! experience profile"), the fallback of profile resolution.
//!
//! The secret attributes of the seed's "Entity / Secret attributes" table are the 21
//! secured columns (`catalog::SECURED_COLUMNS`): `msdyn_authenticationsettings`
//! (`msdyn_authenticationclientsecret`), `msdyn_liveworkstream` (for SMS:
//! `msdyn_secureapikey`), `msdyn_ocapplepay` (`msdyn_ocbase64merchantcertstring`,
//! `msdyn_ocbase64merchantcertstringcontd`, `msdyn_ocmerchantcertificatepassword`),
//! `msdyn_ocbotchannelregistrationsecret` (`msdyn_securemsappsecret`),
//! `msdyn_occommunicationprovidersetting` (`msdyn_securesecret`),
//! `msdyn_oc_geolocationprovider` (`msdyn_secureproviderapikey`),
//! `msdyn_ocgooglebusinessmessagesagentaccount` (`msdyn_agentaccountclienttoken`),
//! `msdyn_ocgooglebusinessmessagespartneraccount` (`msdyn_partneraccountclienttoken`,
//! `msdyn_base64credentialfilestring`, `msdyn_base64credentialfilestringcontd`),
//! `msdyn_ocsmssettingsecret` (`msdyn_secureapikey`), `msdyn_octwitterapplication`
//! (`msdyn_securetwitterconsumersecret`, `msdyn_securetwitterconsumerkey`),
//! `msdyn_octwitterhandlesecret` (`msdyn_useraccesstoken`,
//! `msdyn_useraccesstokensecret`), `msdyn_ocwechatchannelconfig`
//! (`msdyn_secureapplicationsecret`, `msdyn_securetoken`,
//! `msdyn_secureencodingaeskey`) and `msdyn_ocwhatsappchannelaccount`
//! (`msdyn_secureauthenticationtoken`).
//!
//! | Seed row | Privilege keys | Roles |
//! | --- | --- | --- |
//! | Can view user list/presence list/workstream list/queue list/PBI config list | `user:read`, `presence:read`, `workstream:read`, `queue:read`, `pbi_config:read` | Omnichannel administrator, Omnichannel supervisor |
//! | Can edit roles of a user | `user_role:write` | Omnichannel administrator |
//! | Can edit default presence and default capacity of a user | `user_default_presence:write`, `user_capacity:write` | Omnichannel administrator, Omnichannel supervisor |
//! | Can edit queue assignment of a user | `user_queue:write` | Omnichannel administrator, Omnichannel supervisor |
//! | Can add/edit/delete presence | `presence:create`, `presence:write`, `presence:delete` | Omnichannel administrator |
//! | Can add/remove users from presence | `presence_user:create`, `presence_user:delete` | Omnichannel administrator, Omnichannel supervisor |
//! | Can add/edit/delete presence associations | `presence_association:create`, `presence_association:write`, `presence_association:delete` | Omnichannel administrator |
//! | Can add/edit/delete workstreams | `workstream:create`, `workstream:write`, `workstream:delete` | Omnichannel administrator |
//! | Can add/edit/delete channel settings, context settings, routing rules | `channel_settings:create`, `channel_settings:write`, `channel_settings:delete`, `context_settings:create`, `context_settings:write`, `context_settings:delete`, `routing_rule:create`, `routing_rule:write`, `routing_rule:delete` | Omnichannel administrator |
//! | Can add/edit/delete queues | `queue:create`, `queue:write`, `queue:delete` | Omnichannel administrator |
//! | Can add/remove agents from queue | `queue_agent:create`, `queue_agent:delete` | Omnichannel administrator, Omnichannel supervisor |
//! | Can add/edit/delete bots | `bot:create`, `bot:write`, `bot:delete` | Omnichannel administrator |
//! | Can view/add/edit/delete quick replies | `quick_reply:read`, `quick_reply:create`, `quick_reply:write`, `quick_reply:delete` | Omnichannel administrator, Omnichannel supervisor |
//! | Can add/edit/delete PBI config | `pbi_config:create`, `pbi_config:write`, `pbi_config:delete` | Omnichannel administrator |
//! | Can view/add/edit/delete operating hours | `operating_hour:read`, `operating_hour:create`, `operating_hour:write`, `operating_hour:delete` | Omnichannel administrator |
//! | Can view/add/edit/delete auth settings | `msdyn_authenticationsettings:read`, `msdyn_authenticationsettings:create`, `msdyn_authenticationsettings:write`, `msdyn_authenticationsettings:delete` | Omnichannel administrator |
//! | Can view operating hours | `operating_hour:read` | Omnichannel supervisor |
//! | Can monitor, assign, and transfer conversations | `conversation:monitor`, `conversation:assign`, `conversation:transfer` | Omnichannel supervisor |
//! | Can view user list/presence list/workstream list/queue list | `user:read`, `presence:read`, `workstream:read`, `queue:read` | Omnichannel agent |
//! | Can view quick replies | `quick_reply:read` | Omnichannel agent |
//! | Can read agent script | `agent_script:read` | Productivity tools user |
//! | Can read agent script step | `agent_script_step:read` | Productivity tools user |
//! | Can read workflow | `workflow:read` | Productivity tools user |
//! | Can read msdyn_actioninputparameter | `msdyn_actioninputparameter:read` | Productivity tools user, Productivity tools administrator |
//! | Can read msdyn_actionoutputparameter | `msdyn_actionoutputparameter:read` | Productivity tools user, Productivity tools administrator |
//! | Can read msdyn_inputparameters | `msdyn_inputparameters:read` | Productivity tools user, Productivity tools administrator |
//! | Can read msdyn_macroconnector | `msdyn_macroconnector:read` | Productivity tools user, Productivity tools administrator |
//! | Can read msdyn_parameterdefinition | `msdyn_parameterdefinition:read` | Productivity tools user, Productivity tools administrator |
//! | Can read msdyn_designeroptions | `msdyn_designeroptions:read` | Productivity tools user, Productivity tools administrator |
//! | Can read msdyn_macroactiontemplate | `msdyn_macroactiontemplate:read` | Productivity tools user, Productivity tools administrator |
//! | Can read macro action | `macro_action:read` | Productivity tools user |
//! | Can create/read/write/append/delete agent script | `agent_script:create`, `agent_script:read`, `agent_script:write`, `agent_script:append`, `agent_script:delete` | Productivity tools administrator |
//! | Can create/read/write/append/delete agent script step | `agent_script_step:create`, `agent_script_step:read`, `agent_script_step:write`, `agent_script_step:append`, `agent_script_step:delete` | Productivity tools administrator |
//! | Can create/read/write/append/delete agent script workflow | `agent_script_workflow:create`, `agent_script_workflow:read`, `agent_script_workflow:write`, `agent_script_workflow:append`, `agent_script_workflow:delete` | Productivity tools administrator |
//! | Can read msdyn_macrosolutionconfiguration | `msdyn_macrosolutionconfiguration:read` | Productivity tools administrator |
//! | Can create/read/write/append/delete macro action | `macro_action:create`, `macro_action:read`, `macro_action:write`, `macro_action:append`, `macro_action:delete` | Productivity tools administrator |
//!
//! The wording and order are the newer seed's; that seed is plain text without
//! columns, so which role each "Yes" belongs to comes from the older seed's table
//! (every row marks the same number of roles in both). The `catalog` module exposes
//! the rows as data (`catalog::seed_rows()`).

use crate::id::{ProfileId, RoleId};
use crate::key::{ColumnKey, Privilege};
use crate::privilege::{AccessLevel, PrivilegeDef};
use crate::profile::Profile;
use crate::role::Role;

/// Defines each built-in role id twice: a typed public [`RoleId`] constant,
/// and its text in `text`, for the seed table (a table of `RoleId`s can't be
/// a constant).
macro_rules! role_ids {
    ($($(#[$doc:meta])* $name:ident = $id:literal, $display:literal;)*) => {
        $(
            $(#[$doc])*
            pub const $name: RoleId = RoleId::from_static($id);
        )*

        /// The ids of the twelve built-in roles, in catalogue order.
        ///
        /// ```
        /// use rbac_profiles::catalog;
        ///
        /// assert_eq!(catalog::ROLE_IDS.len(), 12);
        /// assert_eq!(catalog::ROLE_IDS[0], catalog::BASIC_USER);
        /// ```
        pub const ROLE_IDS: [RoleId; 12] = [$($name),*];

        const ROLE_NAMES: [&str; 12] = [$($display),*];

        /// The ids as text, for the seed table (not all of them mark a row).
        #[allow(dead_code)]
        mod text {
            $(pub(super) const $name: &str = $id;)*
        }
    };
}

role_ids! {
    /// Basic User: required by all users of the suite.
    BASIC_USER = "basic-user", "Basic User";
    /// System Administrator: holds every privilege of the directory at
    /// organisation level and every secured column.
    SYSTEM_ADMINISTRATOR = "system-administrator", "System Administrator";
    /// Omnichannel administrator.
    OMNICHANNEL_ADMINISTRATOR = "omnichannel-administrator", "Omnichannel administrator";
    /// Omnichannel supervisor.
    OMNICHANNEL_SUPERVISOR = "omnichannel-supervisor", "Omnichannel supervisor";
    /// Omnichannel agent.
    OMNICHANNEL_AGENT = "omnichannel-agent", "Omnichannel agent";
    /// Productivity tools user.
    PRODUCTIVITY_TOOLS_USER = "productivity-tools-user", "Productivity tools user";
    /// Productivity tools administrator.
    PRODUCTIVITY_TOOLS_ADMINISTRATOR = "productivity-tools-administrator", "Productivity tools administrator";
    /// App profile manager administrator: manages profiles and templates.
    APP_PROFILE_MANAGER_ADMINISTRATOR = "app-profile-manager-administrator", "App profile manager administrator";
    /// App profile user: reads profiles and templates.
    APP_PROFILE_USER = "app-profile-user", "App profile user";
    /// Customer Service Representative: required to work with cases.
    CUSTOMER_SERVICE_REPRESENTATIVE = "customer-service-representative", "Customer Service Representative";
    /// Customer Service Manager.
    CUSTOMER_SERVICE_MANAGER = "customer-service-manager", "Customer Service Manager";
    /// Omnichannel API access: must not be held by agents or supervisors.
    OMNICHANNEL_API_ACCESS = "omnichannel-api-access", "Omnichannel API access";
}

/// The id of the out-of-box experience profile the catalogue ships: the
/// fallback every user gets when no direct assignment, mapped role or custom
/// default applies. Its settings are empty; a host fills them through
/// administration (update settings) or its own document.
///
/// ```
/// use rbac_profiles::{catalog, Directory};
///
/// let oob = Directory::builtin().fallback_profile().unwrap().clone();
/// assert_eq!(oob.id, catalog::OUT_OF_BOX_PROFILE);
/// assert_eq!(oob.name, "Default agent experience profile");
/// ```
pub const OUT_OF_BOX_PROFILE: ProfileId =
    ProfileId::from_static("default-agent-experience-profile");

const OUT_OF_BOX_PROFILE_NAME: &str = "Default agent experience profile";

/// `app_profile:read`: what a user needs to read the experience profile
/// they resolve to (App profile user grants it).
pub const APP_PROFILE_READ: Privilege = Privilege::from_static("app_profile:read");
/// `app_profile:create`: what creating an experience profile requires.
pub const APP_PROFILE_CREATE: Privilege = Privilege::from_static("app_profile:create");
/// `app_profile:write`: what changing an experience profile requires.
pub const APP_PROFILE_WRITE: Privilege = Privilege::from_static("app_profile:write");
/// `app_profile:delete`: what deleting an experience profile requires.
pub const APP_PROFILE_DELETE: Privilege = Privilege::from_static("app_profile:delete");
/// `template:create`: what adding a template to the library requires.
pub const TEMPLATE_CREATE: Privilege = Privilege::from_static("template:create");
/// `template:delete`: what deleting a template from the library requires.
pub const TEMPLATE_DELETE: Privilege = Privilege::from_static("template:delete");
/// `template:write`: what renaming a template of the library requires.
pub const TEMPLATE_WRITE: Privilege = Privilege::from_static("template:write");
/// `productivity_tool_settings:create`: what creating productivity tool
/// settings requires.
pub const TOOL_SETTINGS_CREATE: Privilege =
    Privilege::from_static("productivity_tool_settings:create");
/// `productivity_tool_settings:write`: what changing productivity tool
/// settings requires.
pub const TOOL_SETTINGS_WRITE: Privilege =
    Privilege::from_static("productivity_tool_settings:write");
/// `productivity_tool_settings:delete`: what deleting productivity tool
/// settings requires.
pub const TOOL_SETTINGS_DELETE: Privilege =
    Privilege::from_static("productivity_tool_settings:delete");
/// `channel_provider_settings:create`: what creating a channel provider
/// configuration requires.
pub const CHANNEL_PROVIDER_CREATE: Privilege =
    Privilege::from_static("channel_provider_settings:create");
/// `channel_provider_settings:write`: what changing a channel provider
/// configuration requires.
pub const CHANNEL_PROVIDER_WRITE: Privilege =
    Privilege::from_static("channel_provider_settings:write");
/// `channel_provider_settings:delete`: what deleting a channel provider
/// configuration requires.
pub const CHANNEL_PROVIDER_DELETE: Privilege =
    Privilege::from_static("channel_provider_settings:delete");
/// `user_role:write` ("Can edit roles of a user"): what assigning and
/// removing a user's roles requires.
pub const USER_ROLE_WRITE: Privilege = Privilege::from_static("user_role:write");

/// The privilege constants of this module, for the test that checks each is
/// a valid key the catalogue defines.
#[cfg(test)]
const PRIVILEGE_CONSTANTS: [Privilege; 14] = [
    APP_PROFILE_READ,
    APP_PROFILE_CREATE,
    APP_PROFILE_WRITE,
    APP_PROFILE_DELETE,
    TEMPLATE_CREATE,
    TEMPLATE_DELETE,
    TEMPLATE_WRITE,
    TOOL_SETTINGS_CREATE,
    TOOL_SETTINGS_WRITE,
    TOOL_SETTINGS_DELETE,
    CHANNEL_PROVIDER_CREATE,
    CHANNEL_PROVIDER_WRITE,
    CHANNEL_PROVIDER_DELETE,
    USER_ROLE_WRITE,
];

/// The agent and supervisor roles: held *directly*, one of them lets a user
/// see and use the settings of the profile they resolve to (seed 001:
/// "users with the required agent or supervisor role will be able to see
/// and use the settings that are available through the assigned app
/// profile"; seed 003: "To be able to map roles to personas in role persona
/// mapping, you must assign the roles to users directly and not through
/// team memberships").
///
/// They are the roles the seeds name for agent and supervisor work:
/// Omnichannel agent ("Required for performing agent tasks"), Omnichannel
/// supervisor ("Required for performing supervisor tasks") and Customer
/// Service Representative (seed 001's example of a role to assign, next to
/// Omnichannel agent, and the Customer Service workspace role that gets the
/// App profile user privileges). Customer Service Manager is not one: the
/// seeds give it the App profile manager *administrator* privileges, the
/// role of whoever configures profiles, not of whoever works in them. The
/// same three are the "agent or supervisor type" roles of the seed's rule
/// on Omnichannel API access.
///
/// ```
/// use rbac_profiles::catalog;
///
/// assert!(catalog::PERSONA_ROLES.contains(&catalog::OMNICHANNEL_AGENT));
/// assert!(!catalog::PERSONA_ROLES.contains(&catalog::CUSTOMER_SERVICE_MANAGER));
/// ```
pub const PERSONA_ROLES: [RoleId; 3] = [
    CUSTOMER_SERVICE_REPRESENTATIVE,
    OMNICHANNEL_AGENT,
    OMNICHANNEL_SUPERVISOR,
];

/// Which role includes which, from the seeds.
const INCLUSIONS: [(RoleId, RoleId); 5] = [
    (OMNICHANNEL_ADMINISTRATOR, APP_PROFILE_MANAGER_ADMINISTRATOR),
    (OMNICHANNEL_SUPERVISOR, APP_PROFILE_USER),
    (OMNICHANNEL_AGENT, APP_PROFILE_USER),
    (CUSTOMER_SERVICE_REPRESENTATIVE, APP_PROFILE_USER),
    (CUSTOMER_SERVICE_MANAGER, APP_PROFILE_MANAGER_ADMINISTRATOR),
];

/// The entities of the app profile manager; its administrator role may
/// create, read, write and delete them, its user role may read them.
pub const APP_PROFILE_ENTITIES: [&str; 4] = [
    "app_profile",
    "template",
    "productivity_tool_settings",
    "channel_provider_settings",
];

const CRUD: [&str; 4] = ["create", "read", "write", "delete"];

/// The classic actions of a table, which "work with the Case entity" covers.
const CASE_KEYS: [&str; 8] = [
    "case:create",
    "case:read",
    "case:write",
    "case:append",
    "case:append_to",
    "case:delete",
    "case:assign",
    "case:share",
];

/// One row of the seed privilege table and the privilege keys it becomes.
///
/// ```
/// let first = &rbac_profiles::catalog::seed_rows()[0];
/// assert!(first.wording.starts_with("Can view user list"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeedRow {
    /// The row as the seed words it.
    pub wording: &'static str,
    /// The privilege keys the row becomes.
    pub keys: &'static [&'static str],
    /// The built-in roles the row marks "Yes".
    pub roles: &'static [&'static str],
}

const fn row(
    wording: &'static str,
    keys: &'static [&'static str],
    roles: &'static [&'static str],
) -> SeedRow {
    SeedRow {
        wording,
        keys,
        roles,
    }
}

const OA: &str = text::OMNICHANNEL_ADMINISTRATOR;
const OS: &str = text::OMNICHANNEL_SUPERVISOR;
const AG: &str = text::OMNICHANNEL_AGENT;
const PTU: &str = text::PRODUCTIVITY_TOOLS_USER;
const PTA: &str = text::PRODUCTIVITY_TOOLS_ADMINISTRATOR;

/// The seed table, in the newer seed's order and wording. That seed is
/// plain text without columns; which role each "Yes" belongs to comes from
/// the older seed's table, whose rows mark the same number of roles.
const SEED_ROWS: [SeedRow; 36] = [
    row(
        "Can view user list/presence list/workstream list/queue list/PBI config list",
        &[
            "user:read",
            "presence:read",
            "workstream:read",
            "queue:read",
            "pbi_config:read",
        ],
        &[OA, OS],
    ),
    row("Can edit roles of a user", &["user_role:write"], &[OA]),
    row(
        "Can edit default presence and default capacity of a user",
        &["user_default_presence:write", "user_capacity:write"],
        &[OA, OS],
    ),
    row(
        "Can edit queue assignment of a user",
        &["user_queue:write"],
        &[OA, OS],
    ),
    row(
        "Can add/edit/delete presence",
        &["presence:create", "presence:write", "presence:delete"],
        &[OA],
    ),
    row(
        "Can add/remove users from presence",
        &["presence_user:create", "presence_user:delete"],
        &[OA, OS],
    ),
    row(
        "Can add/edit/delete presence associations",
        &[
            "presence_association:create",
            "presence_association:write",
            "presence_association:delete",
        ],
        &[OA],
    ),
    row(
        "Can add/edit/delete workstreams",
        &["workstream:create", "workstream:write", "workstream:delete"],
        &[OA],
    ),
    row(
        "Can add/edit/delete channel settings, context settings, routing rules",
        &[
            "channel_settings:create",
            "channel_settings:write",
            "channel_settings:delete",
            "context_settings:create",
            "context_settings:write",
            "context_settings:delete",
            "routing_rule:create",
            "routing_rule:write",
            "routing_rule:delete",
        ],
        &[OA],
    ),
    row(
        "Can add/edit/delete queues",
        &["queue:create", "queue:write", "queue:delete"],
        &[OA],
    ),
    row(
        "Can add/remove agents from queue",
        &["queue_agent:create", "queue_agent:delete"],
        &[OA, OS],
    ),
    row(
        "Can add/edit/delete bots",
        &["bot:create", "bot:write", "bot:delete"],
        &[OA],
    ),
    row(
        "Can view/add/edit/delete quick replies",
        &[
            "quick_reply:read",
            "quick_reply:create",
            "quick_reply:write",
            "quick_reply:delete",
        ],
        &[OA, OS],
    ),
    row(
        "Can add/edit/delete PBI config",
        &["pbi_config:create", "pbi_config:write", "pbi_config:delete"],
        &[OA],
    ),
    row(
        "Can view/add/edit/delete operating hours",
        &[
            "operating_hour:read",
            "operating_hour:create",
            "operating_hour:write",
            "operating_hour:delete",
        ],
        &[OA],
    ),
    row(
        "Can view/add/edit/delete auth settings",
        &[
            "msdyn_authenticationsettings:read",
            "msdyn_authenticationsettings:create",
            "msdyn_authenticationsettings:write",
            "msdyn_authenticationsettings:delete",
        ],
        &[OA],
    ),
    row("Can view operating hours", &["operating_hour:read"], &[OS]),
    row(
        "Can monitor, assign, and transfer conversations",
        &[
            "conversation:monitor",
            "conversation:assign",
            "conversation:transfer",
        ],
        &[OS],
    ),
    row(
        "Can view user list/presence list/workstream list/queue list",
        &[
            "user:read",
            "presence:read",
            "workstream:read",
            "queue:read",
        ],
        &[AG],
    ),
    row("Can view quick replies", &["quick_reply:read"], &[AG]),
    row("Can read agent script", &["agent_script:read"], &[PTU]),
    row(
        "Can read agent script step",
        &["agent_script_step:read"],
        &[PTU],
    ),
    row("Can read workflow", &["workflow:read"], &[PTU]),
    row(
        "Can read msdyn_actioninputparameter",
        &["msdyn_actioninputparameter:read"],
        &[PTU, PTA],
    ),
    row(
        "Can read msdyn_actionoutputparameter",
        &["msdyn_actionoutputparameter:read"],
        &[PTU, PTA],
    ),
    row(
        "Can read msdyn_inputparameters",
        &["msdyn_inputparameters:read"],
        &[PTU, PTA],
    ),
    row(
        "Can read msdyn_macroconnector",
        &["msdyn_macroconnector:read"],
        &[PTU, PTA],
    ),
    row(
        "Can read msdyn_parameterdefinition",
        &["msdyn_parameterdefinition:read"],
        &[PTU, PTA],
    ),
    row(
        "Can read msdyn_designeroptions",
        &["msdyn_designeroptions:read"],
        &[PTU, PTA],
    ),
    row(
        "Can read msdyn_macroactiontemplate",
        &["msdyn_macroactiontemplate:read"],
        &[PTU, PTA],
    ),
    row("Can read macro action", &["macro_action:read"], &[PTU]),
    row(
        "Can create/read/write/append/delete agent script",
        &[
            "agent_script:create",
            "agent_script:read",
            "agent_script:write",
            "agent_script:append",
            "agent_script:delete",
        ],
        &[PTA],
    ),
    row(
        "Can create/read/write/append/delete agent script step",
        &[
            "agent_script_step:create",
            "agent_script_step:read",
            "agent_script_step:write",
            "agent_script_step:append",
            "agent_script_step:delete",
        ],
        &[PTA],
    ),
    row(
        "Can create/read/write/append/delete agent script workflow",
        &[
            "agent_script_workflow:create",
            "agent_script_workflow:read",
            "agent_script_workflow:write",
            "agent_script_workflow:append",
            "agent_script_workflow:delete",
        ],
        &[PTA],
    ),
    row(
        "Can read msdyn_macrosolutionconfiguration",
        &["msdyn_macrosolutionconfiguration:read"],
        &[PTA],
    ),
    row(
        "Can create/read/write/append/delete macro action",
        &[
            "macro_action:create",
            "macro_action:read",
            "macro_action:write",
            "macro_action:append",
            "macro_action:delete",
        ],
        &[PTA],
    ),
];

/// The rows of the seed privilege table, in the seed's order, each with the
/// keys it becomes and the roles it marks.
///
/// ```
/// assert_eq!(rbac_profiles::catalog::seed_rows().len(), 36);
/// ```
pub fn seed_rows() -> &'static [SeedRow] {
    &SEED_ROWS
}

/// The secured columns of the seed, as (entity, column) pairs in the seed's
/// order: every secret attribute of its "Entity / Secret attributes" table.
/// The table writes an entity once and its further columns on the lines
/// below; "msdyn_liveworkstream (for SMS)" is the entity
/// `msdyn_liveworkstream`.
///
/// ```
/// use rbac_profiles::catalog::SECURED_COLUMNS;
///
/// assert_eq!(SECURED_COLUMNS.len(), 21);
/// assert!(SECURED_COLUMNS.contains(&("msdyn_ocapplepay", "msdyn_ocmerchantcertificatepassword")));
/// ```
pub const SECURED_COLUMNS: [(&str, &str); 21] = [
    (
        "msdyn_authenticationsettings",
        "msdyn_authenticationclientsecret",
    ),
    ("msdyn_liveworkstream", "msdyn_secureapikey"),
    ("msdyn_ocapplepay", "msdyn_ocbase64merchantcertstring"),
    ("msdyn_ocapplepay", "msdyn_ocbase64merchantcertstringcontd"),
    ("msdyn_ocapplepay", "msdyn_ocmerchantcertificatepassword"),
    (
        "msdyn_ocbotchannelregistrationsecret",
        "msdyn_securemsappsecret",
    ),
    ("msdyn_occommunicationprovidersetting", "msdyn_securesecret"),
    ("msdyn_oc_geolocationprovider", "msdyn_secureproviderapikey"),
    (
        "msdyn_ocgooglebusinessmessagesagentaccount",
        "msdyn_agentaccountclienttoken",
    ),
    (
        "msdyn_ocgooglebusinessmessagespartneraccount",
        "msdyn_partneraccountclienttoken",
    ),
    (
        "msdyn_ocgooglebusinessmessagespartneraccount",
        "msdyn_base64credentialfilestring",
    ),
    (
        "msdyn_ocgooglebusinessmessagespartneraccount",
        "msdyn_base64credentialfilestringcontd",
    ),
    ("msdyn_ocsmssettingsecret", "msdyn_secureapikey"),
    (
        "msdyn_octwitterapplication",
        "msdyn_securetwitterconsumersecret",
    ),
    (
        "msdyn_octwitterapplication",
        "msdyn_securetwitterconsumerkey",
    ),
    ("msdyn_octwitterhandlesecret", "msdyn_useraccesstoken"),
    ("msdyn_octwitterhandlesecret", "msdyn_useraccesstokensecret"),
    (
        "msdyn_ocwechatchannelconfig",
        "msdyn_secureapplicationsecret",
    ),
    ("msdyn_ocwechatchannelconfig", "msdyn_securetoken"),
    ("msdyn_ocwechatchannelconfig", "msdyn_secureencodingaeskey"),
    (
        "msdyn_ocwhatsappchannelaccount",
        "msdyn_secureauthenticationtoken",
    ),
];

/// The secured columns of the seed as keys, in [`SECURED_COLUMNS`] order.
///
/// ```
/// let columns = rbac_profiles::catalog::secured_columns();
/// assert_eq!(columns[0].as_str(), "msdyn_authenticationsettings.msdyn_authenticationclientsecret");
/// ```
pub fn secured_columns() -> Vec<ColumnKey> {
    SECURED_COLUMNS
        .iter()
        .map(|(entity, column)| ColumnKey::from_owned_unchecked(format!("{entity}.{column}")))
        .collect()
}

/// Every (role, key, description) grant of the catalogue, in catalogue order:
/// the seed table, then the app profile manager, then cases.
fn grants() -> Vec<(RoleId, String, String)> {
    let mut grants = Vec::new();
    for row in &SEED_ROWS {
        for role in row.roles {
            for key in row.keys {
                grants.push((
                    RoleId::from_static(role),
                    (*key).to_owned(),
                    row.wording.to_owned(),
                ));
            }
        }
    }
    for entity in APP_PROFILE_ENTITIES {
        for action in CRUD {
            let key = format!("{entity}:{action}");
            let description = format!("App profile manager: {action} {}", entity.replace('_', " "));
            if action == "read" {
                grants.push((APP_PROFILE_USER, key.clone(), description.clone()));
            }
            grants.push((APP_PROFILE_MANAGER_ADMINISTRATOR, key, description));
        }
    }
    for key in CASE_KEYS {
        grants.push((
            CUSTOMER_SERVICE_REPRESENTATIVE,
            key.to_owned(),
            "Work with the Case entity".to_owned(),
        ));
    }
    grants
}

/// The built-in catalogue's parts, as a document lists them.
pub(crate) struct Builtin {
    pub(crate) privileges: Vec<PrivilegeDef>,
    pub(crate) roles: Vec<Role>,
    pub(crate) profiles: Vec<Profile>,
    pub(crate) secured_columns: Vec<ColumnKey>,
}

/// The built-in catalogue: privileges, roles, the out-of-box profile and the
/// secured columns.
pub(crate) fn builtin() -> Builtin {
    let mut roles: Vec<Role> = ROLE_IDS
        .iter()
        .zip(ROLE_NAMES)
        .map(|(id, name)| Role::new(id.clone(), name))
        .collect();
    let mut privileges: indexmap::IndexMap<String, String> = indexmap::IndexMap::new();
    for (role_id, key, description) in grants() {
        privileges.entry(key.clone()).or_insert(description);
        if let Some(role) = roles.iter_mut().find(|r| r.id == role_id) {
            role.grants.insert(
                Privilege::from_owned_unchecked(key),
                AccessLevel::Organization,
            );
        }
    }
    for (from, to) in INCLUSIONS {
        if let Some(role) = roles.iter_mut().find(|r| r.id == from) {
            role.includes.push(to);
        }
    }
    Builtin {
        privileges: privileges
            .into_iter()
            .map(|(key, description)| {
                PrivilegeDef::new(Privilege::from_owned_unchecked(key), description)
            })
            .collect(),
        roles,
        profiles: vec![Profile::out_of_box(
            OUT_OF_BOX_PROFILE,
            OUT_OF_BOX_PROFILE_NAME,
        )],
        secured_columns: secured_columns(),
    }
}

/// Whether `role` is the id of a built-in role.
pub(crate) fn is_builtin_role(role: &str) -> bool {
    ROLE_IDS.iter().any(|id| id.as_str() == role)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Directory;

    #[test]
    fn every_catalogue_key_is_valid() {
        let builtin = builtin();
        for def in &builtin.privileges {
            assert!(Privilege::new(def.key.as_str()).is_ok(), "{}", def.key);
        }
        for key in PRIVILEGE_CONSTANTS {
            assert!(Privilege::new(key.as_str()).is_ok(), "{key}");
            assert!(builtin.privileges.iter().any(|p| p.key == key), "{key}");
        }
        for column in secured_columns() {
            assert!(ColumnKey::new(column.as_str()).is_ok(), "{column}");
        }
    }

    #[test]
    fn the_catalogue_passes_validation_and_equals_the_unchecked_build() {
        let checked = Directory::try_from(crate::DirectoryDoc::builtin());
        assert_eq!(checked.ok(), Some(Directory::builtin()));
    }

    #[test]
    fn no_row_repeats_a_key_or_a_role() {
        for row in &SEED_ROWS {
            let keys: std::collections::BTreeSet<_> = row.keys.iter().collect();
            let roles: std::collections::BTreeSet<_> = row.roles.iter().collect();
            assert_eq!(keys.len(), row.keys.len(), "{}", row.wording);
            assert_eq!(roles.len(), row.roles.len(), "{}", row.wording);
        }
    }
}
