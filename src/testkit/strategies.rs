//! [`proptest`](mod@proptest) strategies: valid organisations on the built-in catalogue,
//! their lists permuted, and administration operations over their ids.
//!
//! These are the generators of the crate's own laws, published so a host
//! can state laws of its own code (or of its [`Store`](crate::Store)) over
//! the same organisations.
//!
//! - [`directory`]: a checked [`Directory`], the usual input.
//! - [`org`]: the organisation as a document, to extend with the built-in
//!   catalogue ([`Directory::builtin_with`]) — optionally with the two
//!   conflicts imports produce ([`Conflicts::Included`]).
//! - [`shuffled`]: the same document with every list permuted.
//! - [`admin_op`] and [`admin_ops`]: administration operations over the
//!   generated ids, some refused, for [`ADMIN`] to perform.
//! - The ids the strategies give their entities ([`role_id`], [`user_id`],
//!   …), and [`subset`], for building more.
//!
//! ```
//! use proptest::prelude::*;
//! use rbac_profiles::testkit::strategies;
//! use rbac_profiles::{resolve_profile, MemoryStore};
//!
//! proptest!(|(directory in strategies::directory())| {
//!     let store = MemoryStore::new(directory);
//!     for user in store.directory().users() {
//!         // Every generated user resolves to some profile.
//!         prop_assert!(resolve_profile(&store, &user.id).is_ok());
//!     }
//! });
//! ```

use proptest::collection::{SizeRange, vec};
use proptest::prelude::*;
use proptest::sample::select;

use crate::business_unit::BusinessUnit;
use crate::catalog;
use crate::column::{ColumnAccess, ColumnProfile};
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::directory::{Directory, DirectoryDoc};
use crate::environment::Environment;
use crate::id::{
    BusinessUnitId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TeamId, TemplateId,
    ToolSettingsId, UserId,
};
use crate::key::ColumnKey;
use crate::key::Privilege;
use crate::licence::Licence;
use crate::privilege::{AccessLevel, PrivilegeDef};
use crate::profile::{
    Channel, ProductivityPane, ProductivityTool, Profile, ProfileSettings, Template, TemplateKind,
    TemplateOrigin,
};
use crate::role::{Inheritance, Role};
use crate::team::Team;
use crate::user::{RoleAssignment, User};
use crate::{AdminOp, Proposal};

/// The id of the one user of a generated organisation who may administer:
/// they hold App profile manager administrator (profiles and templates) and
/// System Administrator (column security profiles). No other generated user
/// holds a role that grants administration, so every other actor is denied.
///
/// ```
/// use rbac_profiles::testkit::strategies::{org, Conflicts, ADMIN};
/// use proptest::strategy::{Strategy, ValueTree};
///
/// let mut runner = proptest::test_runner::TestRunner::default();
/// let doc = org(Conflicts::Excluded).new_tree(&mut runner).unwrap().current();
/// assert_eq!(doc.users.last().map(|u| u.id.as_str()), Some(ADMIN));
/// ```
pub const ADMIN: &str = "admin";

/// The built-in roles generated users, teams and custom roles refer to:
/// those that grant no administration.
///
/// ```
/// use rbac_profiles::{catalog, testkit::strategies::BUILTIN_ROLES};
///
/// assert!(BUILTIN_ROLES.contains(&catalog::OMNICHANNEL_AGENT));
/// assert!(!BUILTIN_ROLES.contains(&catalog::OMNICHANNEL_ADMINISTRATOR));
/// ```
pub const BUILTIN_ROLES: [RoleId; 8] = [
    catalog::BASIC_USER,
    catalog::OMNICHANNEL_SUPERVISOR,
    catalog::OMNICHANNEL_AGENT,
    catalog::PRODUCTIVITY_TOOLS_USER,
    catalog::PRODUCTIVITY_TOOLS_ADMINISTRATOR,
    catalog::APP_PROFILE_USER,
    catalog::CUSTOMER_SERVICE_REPRESENTATIVE,
    catalog::OMNICHANNEL_API_ACCESS,
];

/// The catalogue keys generated custom roles may grant besides their own
/// custom keys: none of them lets a user administer.
///
/// ```
/// use rbac_profiles::testkit::strategies::CATALOGUE_KEYS;
///
/// assert!(CATALOGUE_KEYS.contains(&"conversation:transfer"));
/// ```
pub const CATALOGUE_KEYS: [&str; 6] = [
    "conversation:transfer",
    "app_profile:read",
    "case:write",
    "bot:create",
    "quick_reply:read",
    "queue:read",
];

/// The secured columns of the catalogue that generated column security
/// profiles grant on.
const COLUMNS: [(&str, &str); 3] = [
    ("msdyn_ocapplepay", "msdyn_ocmerchantcertificatepassword"),
    ("msdyn_ocsmssettingsecret", "msdyn_secureapikey"),
    (
        "msdyn_ocwhatsappchannelaccount",
        "msdyn_secureauthenticationtoken",
    ),
];

// The most of each kind of entity an organisation gets. Administration
// operations draw ids from a range one wider, so some name nothing.
const MAX_PRIVILEGES: usize = 8;
const MAX_ROLES: usize = 8;
const MAX_TEAMS: usize = 4;
const MAX_USERS: usize = 10;
const MAX_TEMPLATES: usize = 3;
const MAX_PROFILES: usize = 5;
const MAX_COLUMN_PROFILES: usize = 2;
const MAX_UNITS: usize = 5;
const MAX_TOOL_SETTINGS: usize = 2;
const MAX_CHANNEL_PROVIDERS: usize = 2;

macro_rules! numbered_id {
    ($(#[$doc:meta])* $name:ident -> $ty:ty, $prefix:literal) => {
        $(#[$doc])*
        ///
        /// ```
        #[doc = concat!("let id = rbac_profiles::testkit::strategies::", stringify!($name), "(3);")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $prefix, "3\");")]
        /// ```
        pub fn $name(i: usize) -> $ty {
            <$ty>::from(format!(concat!($prefix, "{}"), i))
        }
    };
}

numbered_id!(
    /// The id of the `i`-th generated custom role: `r{i}`.
    role_id -> RoleId, "r"
);
numbered_id!(
    /// The id of the `i`-th generated team: `t{i}`.
    team_id -> TeamId, "t"
);
numbered_id!(
    /// The id of the `i`-th generated user: `u{i}`.
    user_id -> UserId, "u"
);
numbered_id!(
    /// The id of the `i`-th generated custom profile: `p{i}`.
    profile_id -> ProfileId, "p"
);
numbered_id!(
    /// The id of the `i`-th generated template: `tpl{i}`.
    template_id -> TemplateId, "tpl"
);
numbered_id!(
    /// The id of the `i`-th generated column security profile: `cp{i}`.
    column_profile_id -> ColumnProfileId, "cp"
);
numbered_id!(
    /// The id of the `i`-th generated productivity tool settings: `ts{i}`.
    tool_settings_id -> ToolSettingsId, "ts"
);
numbered_id!(
    /// The id of the `i`-th generated channel provider: `chp{i}`.
    channel_provider_id -> ChannelProviderId, "chp"
);

/// The key of the `i`-th generated custom privilege: `e{i}:read`.
///
/// ```
/// let key = rbac_profiles::testkit::strategies::privilege_key(2);
/// assert_eq!(key.as_str(), "e2:read");
/// ```
pub fn privilege_key(i: usize) -> Privilege {
    Privilege::from_owned_unchecked(format!("e{i}:read"))
}

fn columns() -> impl Iterator<Item = ColumnKey> {
    COLUMNS
        .iter()
        .map(|(entity, name)| ColumnKey::from_owned_unchecked(format!("{entity}.{name}")))
}

/// A random subset of `0..n`, in increasing order, each index picked with
/// probability `p`.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let mut runner = TestRunner::default();
/// let picked = rbac_profiles::testkit::strategies::subset(5, 0.5)
///     .new_tree(&mut runner).unwrap().current();
/// assert!(picked.windows(2).all(|w| w[0] < w[1]) && picked.iter().all(|&i| i < 5));
/// ```
pub fn subset(n: usize, p: f64) -> impl Strategy<Value = Vec<usize>> {
    vec(prop::bool::weighted(p), n).prop_map(|bits| {
        bits.into_iter()
            .enumerate()
            .filter_map(|(i, picked)| picked.then_some(i))
            .collect()
    })
}

/// Whether a generated organisation may hold the two states that solution
/// imports produce and administration refuses: custom profiles sharing a
/// rank, and several defaults ([`Directory::conflicts`]).
///
/// ```
/// use rbac_profiles::testkit::strategies::{org, Conflicts};
///
/// let _reachable_by_administration = org(Conflicts::Excluded);
/// let _as_imported = org(Conflicts::Included);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conflicts {
    /// Ranks are unique and there is one default at most: a state
    /// administration can reach.
    Excluded,
    /// Ranks may repeat and several profiles may be the default.
    Included,
}

/// Names and descriptions: often empty, otherwise any characters, so that
/// escapes get exercised.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "(?s).{1,6}"]
}

fn level() -> impl Strategy<Value = AccessLevel> {
    select(AccessLevel::ALL.to_vec())
}

/// Ids of roles: a subset of the custom roles `0..custom` and of the
/// built-in roles of [`BUILTIN_ROLES`].
fn roles(custom: usize, p: f64, p_builtin: f64) -> impl Strategy<Value = Vec<RoleId>> {
    (subset(custom, p), subset(BUILTIN_ROLES.len(), p_builtin)).prop_map(|(custom, builtin)| {
        let builtin = builtin
            .into_iter()
            .filter_map(|i| BUILTIN_ROLES.get(i).cloned());
        custom.into_iter().map(role_id).chain(builtin).collect()
    })
}

/// Role `i`: grants a subset of the `privileges` custom keys and of the
/// [`CATALOGUE_KEYS`], each at any level (`None` included), and includes
/// custom roles of lower index and built-in roles, so inclusion is acyclic.
fn role(i: usize, privileges: usize) -> impl Strategy<Value = Role> {
    let custom = vec(prop::option::weighted(0.4, level()), privileges);
    let catalogue = vec(prop::option::weighted(0.15, level()), CATALOGUE_KEYS.len());
    let inheritance = prop::bool::weighted(0.3).prop_map(|team_only| {
        if team_only {
            Inheritance::TeamPrivilegesOnly
        } else {
            Inheritance::DirectUserBasic
        }
    });
    (text(), custom, catalogue, roles(i, 0.35, 0.1), inheritance).prop_map(
        move |(name, custom, catalogue, includes, inheritance)| {
            let custom = (0..).map(privilege_key).zip(custom);
            let catalogue = CATALOGUE_KEYS
                .iter()
                .map(|k| Privilege::from_owned_unchecked((*k).to_owned()))
                .zip(catalogue);
            Role {
                id: role_id(i),
                name,
                grants: custom
                    .chain(catalogue)
                    .filter_map(|(key, level)| Some((key, level?)))
                    .collect(),
                includes,
                inheritance,
            }
        },
    )
}

/// How one generated profile reaches users.
#[derive(Clone, Debug)]
enum Mapping {
    None,
    Ranked(u32, Vec<RoleId>),
    Default,
}

fn settings(templates: Vec<TemplateKind>) -> impl Strategy<Value = ProfileSettings> {
    let channels = vec(
        select(vec![
            Channel::Chat,
            Channel::Voice,
            Channel::Email,
            Channel::Sms,
        ]),
        0..3,
    );
    let tools = vec(
        select(vec![
            ProductivityTool::SmartAssist,
            ProductivityTool::AgentScripts,
            ProductivityTool::KnowledgeSearch,
            ProductivityTool::Macros,
        ]),
        0..3,
    );
    (subset(templates.len(), 0.4), channels, any::<bool>(), tools).prop_map(
        move |(used, channels, enabled, tools)| {
            let mut settings = ProfileSettings::default();
            for i in used {
                let id = template_id(i);
                match templates.get(i) {
                    Some(TemplateKind::Session) => settings.session_templates.push(id),
                    Some(TemplateKind::ApplicationTab) => {
                        settings.application_tab_templates.push(id);
                    }
                    Some(_) => settings.notification_templates.push(id),
                    None => {}
                }
            }
            settings.channels = channels.into_iter().collect();
            settings.productivity_pane = ProductivityPane {
                enabled,
                tools: tools.into_iter().collect(),
            };
            settings
        },
    )
}

/// Channels, among them some no licence but digital messaging enables.
fn channel() -> impl Strategy<Value = Channel> {
    select(vec![
        Channel::Chat,
        Channel::Voice,
        Channel::Email,
        Channel::Sms,
    ])
}

fn tool() -> impl Strategy<Value = ProductivityTool> {
    select(vec![
        ProductivityTool::SmartAssist,
        ProductivityTool::AgentScripts,
        ProductivityTool::KnowledgeSearch,
        ProductivityTool::Macros,
    ])
}

/// Out-of-box now and then, custom mostly.
fn template_origin() -> impl Strategy<Value = TemplateOrigin> {
    prop_oneof![3 => Just(TemplateOrigin::Custom), 1 => Just(TemplateOrigin::OutOfBox)]
}

/// The organisation's licences: not modelled half of the time, otherwise
/// any set of them.
fn licences() -> impl Strategy<Value = Option<std::collections::BTreeSet<Licence>>> {
    prop::option::of(subset(Licence::ALL.len(), 0.5).prop_map(|picked| {
        picked
            .into_iter()
            .filter_map(|i| Licence::ALL.get(i).copied())
            .collect()
    }))
}

fn template_kind() -> impl Strategy<Value = TemplateKind> {
    select(vec![
        TemplateKind::Session,
        TemplateKind::ApplicationTab,
        TemplateKind::Notification,
    ])
}

fn column_access() -> impl Strategy<Value = ColumnAccess> {
    any::<(bool, bool, bool)>().prop_map(|(read, update, create)| ColumnAccess {
        read,
        update,
        create,
    })
}

/// A column security profile over `users` users and `teams` teams, granting
/// on the catalogue's secured columns.
fn column_profile(
    id: ColumnProfileId,
    users: usize,
    teams: usize,
) -> impl Strategy<Value = ColumnProfile> {
    let permissions = vec(prop::option::weighted(0.5, column_access()), COLUMNS.len());
    (text(), subset(users, 0.3), subset(teams, 0.3), permissions).prop_map(
        move |(name, users, teams, permissions)| ColumnProfile {
            id: id.clone(),
            name,
            users: users.into_iter().map(user_id).collect(),
            teams: teams.into_iter().map(team_id).collect(),
            permissions: columns()
                .zip(permissions)
                .filter_map(|(column, access)| Some((column, access?)))
                .collect(),
        },
    )
}

/// An organisation to extend the built-in catalogue with, valid together
/// with it ([`Directory::builtin_with`] accepts it):
///
/// - 1–8 custom privileges ([`privilege_key`]) with any description;
/// - 1–8 custom roles ([`role_id`]) granting custom keys and
///   [`CATALOGUE_KEYS`] at every [`AccessLevel`] (`None` included), each
///   including custom roles of lower index and built-in roles, so inclusion
///   is acyclic but may be deep and diamond-shaped;
/// - 0–4 teams holding custom and built-in roles;
/// - 1–10 users holding custom and built-in roles directly and belonging to
///   teams, every membership written on both sides (`Team::members` and
///   `User::teams`);
/// - 0–3 templates of every kind;
/// - 0–5 custom profiles, each ranked with mapped roles, the default, or
///   neither, with settings using the templates and users assigned directly
///   (each user to one profile at most);
/// - 0–2 column security profiles listing users and teams, granting on
///   secured columns of the catalogue;
/// - and the administrator [`ADMIN`].
///
/// Generated users, teams and custom roles use only [`BUILTIN_ROLES`], so
/// nobody but [`ADMIN`] may administer. With [`Conflicts::Included`] ranks
/// may repeat and several profiles may be the default.
///
/// ```
/// use proptest::prelude::*;
/// use rbac_profiles::testkit::strategies::{org, Conflicts};
/// use rbac_profiles::Directory;
///
/// proptest!(|(doc in org(Conflicts::Included))| {
///     prop_assert!(Directory::builtin_with(doc).is_ok());
/// });
/// ```
pub fn org(conflicts: Conflicts) -> impl Strategy<Value = DirectoryDoc> {
    let sizes = (
        1..=MAX_PRIVILEGES,
        1..=MAX_ROLES,
        0..=MAX_TEAMS,
        1..=MAX_USERS,
        0..=MAX_TEMPLATES,
        0..=MAX_PROFILES,
        0..=MAX_COLUMN_PROFILES,
        0..=MAX_UNITS,
    );
    sizes
        .prop_flat_map(|(np, nr, nt, nu, ntpl, nprof, ncp, nb)| {
            let privileges = vec(text(), np);
            let roles_ = (0..nr).map(|i| role(i, np)).collect::<Vec<_>>();
            // Unit 0 is the root; unit i's parent is an earlier unit.
            let units = (1..nb).map(|i| 0..i).collect::<Vec<_>>();
            let unit = move || unit_choice(nb);
            let teams = vec((text(), roles(nr, 0.35, 0.1), unit()), nt);
            let away = move |n: usize| vec(prop::option::weighted(0.15, 0..nb.max(1)), n);
            let users = vec(
                (
                    text(),
                    roles(nr, 0.35, 0.15),
                    subset(nt, 0.35),
                    unit(),
                    away(nr + 12),
                ),
                nu,
            );
            let templates = vec((text(), template_kind(), template_origin()), ntpl);
            let mapping = prop_oneof![
                2 => Just(Mapping::None),
                4 => (1..=(nprof as u32 + 2), roles(nr, 0.4, 0.1))
                    .prop_map(|(rank, roles)| Mapping::Ranked(rank, roles)),
                1 => Just(Mapping::Default),
            ];
            let profiles = (templates, vec((text(), mapping), nprof)).prop_flat_map(
                |(templates, mappings)| {
                    let kinds: Vec<TemplateKind> = templates.iter().map(|(_, k, _)| *k).collect();
                    let settings = vec(settings(kinds), mappings.len());
                    (Just(templates), Just(mappings), settings)
                },
            );
            // Each user is directly assigned to one profile at most.
            let direct = vec(prop::option::weighted(0.3, 0..nprof.max(1)), nu);
            let column_profiles = (0..ncp)
                .map(|i| column_profile(column_profile_id(i), nu, nt))
                .collect::<Vec<_>>();
            let configurations = (
                licences(),
                vec((text(), tool()), 0..=MAX_TOOL_SETTINGS),
                vec((text(), channel()), 0..=MAX_CHANNEL_PROVIDERS),
            );
            (
                privileges,
                roles_,
                (teams, units, Just(nb)),
                users,
                profiles,
                direct,
                column_profiles,
                configurations,
            )
        })
        .prop_map(
            move |(
                privileges,
                roles,
                (teams, units, unit_count),
                users,
                (templates, mappings, settings),
                direct,
                column_profiles,
                (licences, tool_settings, channel_providers),
            )| {
                let mut doc = DirectoryDoc {
                    privileges: (0..)
                        .map(privilege_key)
                        .zip(privileges)
                        .map(|(key, description)| PrivilegeDef::new(key, description))
                        .collect(),
                    roles,
                    business_units: business_units(unit_count, &units),
                    teams: (0..)
                        .zip(teams)
                        .map(|(i, (name, roles, unit))| Team {
                            id: team_id(i),
                            name,
                            roles,
                            members: Vec::new(),
                            business_unit: unit.map(unit_id),
                        })
                        .collect(),
                    templates: (0..)
                        .zip(templates)
                        .map(|(i, (name, kind, origin))| Template {
                            origin,
                            ..Template::new(template_id(i), name, kind)
                        })
                        .collect(),
                    column_profiles,
                    licences,
                    tool_settings: (0..)
                        .zip(tool_settings)
                        .map(|(i, (name, tool))| ToolSettings::new(tool_settings_id(i), name, tool))
                        .collect(),
                    channel_providers: (0..)
                        .zip(channel_providers)
                        .map(|(i, (name, channel))| {
                            ChannelProvider::new(channel_provider_id(i), name, channel)
                        })
                        .collect(),
                    ..DirectoryDoc::default()
                };
                for (i, (name, roles, teams, unit, away)) in (0..).zip(users) {
                    let user = User {
                        id: user_id(i),
                        name,
                        roles: roles
                            .into_iter()
                            .zip(away)
                            .map(|(role, away)| RoleAssignment {
                                role,
                                business_unit: away.filter(|u| *u < unit_count).map(unit_id),
                            })
                            .collect(),
                        teams: teams.into_iter().map(team_id).collect(),
                        business_unit: unit.map(unit_id),
                        disabled: false,
                    };
                    for team in &mut doc.teams {
                        if user.teams.contains(&team.id) {
                            team.members.push(user.id.clone());
                        }
                    }
                    doc.users.push(user);
                }
                doc.profiles = profiles(mappings, settings, conflicts);
                for (u, p) in direct.into_iter().enumerate() {
                    if let Some(profile) = p.and_then(|p| doc.profiles.get_mut(p)) {
                        profile.users.push(user_id(u));
                    }
                }
                doc.users.push(
                    User::new(ADMIN, "Administrator")
                        .with_role(catalog::APP_PROFILE_MANAGER_ADMINISTRATOR)
                        .with_role(catalog::SYSTEM_ADMINISTRATOR),
                );
                doc
            },
        )
}

/// A unit for a user or team: none (the root) or one of `units`.
fn unit_choice(units: usize) -> impl Strategy<Value = Option<usize>> {
    if units == 0 {
        Just(None).boxed()
    } else {
        prop::option::weighted(0.7, 0..units).boxed()
    }
}

/// Generated business unit `i`: `unit-0` is the root.
fn unit_id(i: usize) -> BusinessUnitId {
    BusinessUnitId::from(format!("unit-{i}"))
}

/// The `count` units of a generated tree: `parents[i - 1]` is unit `i`'s
/// parent.
fn business_units(count: usize, parents: &[usize]) -> Vec<BusinessUnit> {
    if count == 0 {
        return Vec::new();
    }
    let mut units = vec![BusinessUnit::new(unit_id(0), "root")];
    units.extend((1..).zip(parents).map(|(i, parent)| {
        BusinessUnit::new(unit_id(i), format!("unit {i}")).with_parent(unit_id(*parent))
    }));
    units
}

/// The custom profiles: ranked, default or neither as `mappings` say,
/// keeping ranks unique and one default unless `conflicts` allows them.
fn profiles(
    mappings: Vec<(String, Mapping)>,
    settings: Vec<ProfileSettings>,
    conflicts: Conflicts,
) -> Vec<Profile> {
    let allowed = conflicts == Conflicts::Included;
    let mut used_ranks = Vec::new();
    let mut has_default = false;
    (0..)
        .zip(mappings.into_iter().zip(settings))
        .map(|(i, ((name, mapping), settings))| {
            let mut profile = Profile::new(profile_id(i), name).with_settings(settings);
            match mapping {
                Mapping::None => {}
                Mapping::Ranked(rank, roles) => {
                    if allowed || !used_ranks.contains(&rank) {
                        used_ranks.push(rank);
                        profile.rank = Some(rank);
                        profile.roles = roles;
                    }
                }
                Mapping::Default => {
                    profile.default = allowed || !has_default;
                    has_default = true;
                }
            }
            profile
        })
        .collect()
}

/// A checked directory: the built-in catalogue with an [`org`] free of
/// conflicts. The main strategy of this module.
///
/// ```
/// use proptest::prelude::*;
/// use rbac_profiles::testkit::strategies::{self, ADMIN};
///
/// proptest!(|(directory in strategies::directory())| {
///     prop_assert!(directory.user(ADMIN).is_some());
///     prop_assert!(directory.conflicts().is_empty());
/// });
/// ```
pub fn directory() -> impl Strategy<Value = Directory> {
    // `org` is valid by construction: the filter never rejects.
    org(Conflicts::Excluded).prop_filter_map("the generated organisation loads", |org| {
        Directory::builtin_with(org).ok()
    })
}

/// `items` in a random order, each first passed through `inner`, which may
/// permute the lists it holds.
fn each<T, S>(items: Vec<T>, inner: impl Fn(T) -> S) -> impl Strategy<Value = Vec<T>>
where
    T: Clone + std::fmt::Debug,
    S: Strategy<Value = T>,
{
    items
        .into_iter()
        .map(inner)
        .collect::<Vec<_>>()
        .prop_shuffle()
}

fn list<T: Clone + std::fmt::Debug>(items: Vec<T>) -> impl Strategy<Value = Vec<T>> {
    Just(items).prop_shuffle()
}

/// `doc` with its entities, and every list inside them, permuted: grants and
/// includes of roles, roles and members of teams, roles and teams of users,
/// templates, roles and users of profiles, users and teams of column
/// profiles. The result loads whenever `doc` does, and every answer about it
/// must be the same: the input of order-independence laws.
///
/// ```
/// use proptest::prelude::*;
/// use rbac_profiles::testkit::strategies::{org, shuffled, Conflicts};
/// use rbac_profiles::{resolve_profile, Directory, MemoryStore};
///
/// let pair = org(Conflicts::Included).prop_flat_map(|doc| (Just(doc.clone()), shuffled(doc)));
/// proptest!(|((doc, mixed) in pair)| {
///     let store = MemoryStore::new(Directory::builtin_with(doc)?);
///     let mixed_store = MemoryStore::new(Directory::builtin_with(mixed)?);
///     for user in store.directory().users() {
///         prop_assert_eq!(
///             resolve_profile(&store, &user.id)?,
///             resolve_profile(&mixed_store, &user.id)?
///         );
///     }
/// });
/// ```
pub fn shuffled(doc: DirectoryDoc) -> impl Strategy<Value = DirectoryDoc> {
    let roles = each(doc.roles.clone(), |role| {
        let grants: Vec<(Privilege, AccessLevel)> = role.grants.clone().into_iter().collect();
        (list(grants), list(role.includes.clone())).prop_map(move |(grants, includes)| Role {
            grants: grants.into_iter().collect(),
            includes,
            ..role.clone()
        })
    });
    let teams = each(doc.teams.clone(), |team| {
        (list(team.roles.clone()), list(team.members.clone())).prop_map(move |(roles, members)| {
            Team {
                roles,
                members,
                ..team.clone()
            }
        })
    });
    let users = each(doc.users.clone(), |user| {
        (list(user.roles.clone()), list(user.teams.clone())).prop_map(move |(roles, teams)| User {
            roles,
            teams,
            ..user.clone()
        })
    });
    let profiles = each(doc.profiles.clone(), |profile| {
        (list(profile.roles.clone()), list(profile.users.clone())).prop_map(
            move |(roles, users)| Profile {
                roles,
                users,
                ..profile.clone()
            },
        )
    });
    let column_profiles = each(doc.column_profiles.clone(), |profile| {
        (list(profile.users.clone()), list(profile.teams.clone())).prop_map(
            move |(users, teams)| ColumnProfile {
                users,
                teams,
                ..profile.clone()
            },
        )
    });
    let entities = (
        list(doc.privileges.clone()),
        roles,
        teams,
        users,
        list(doc.templates.clone()),
        profiles,
        column_profiles,
        list(doc.tool_settings.clone()),
        list(doc.channel_providers.clone()),
    );
    (entities, Just(doc)).prop_map(
        |(
            (
                privileges,
                roles,
                teams,
                users,
                templates,
                profiles,
                column_profiles,
                tool_settings,
                channel_providers,
            ),
            doc,
        )| {
            DirectoryDoc {
                privileges,
                roles,
                teams,
                users,
                templates,
                profiles,
                column_profiles,
                tool_settings,
                channel_providers,
                ..doc
            }
        },
    )
}

/// One administration operation over the ids [`org`] generates, one past
/// each range included so that some name nothing, and the out-of-box
/// profile: every [`AdminOp`] kind, with arguments that are sometimes
/// refused (rank 0, an unknown or repeated id, a taken rank, a template of
/// the wrong kind, a column that is not secured, …). Performed by
/// [`ADMIN`], an operation either succeeds or is refused with the error of
/// the rule it breaks; by anyone else, it is denied.
///
/// ```
/// use proptest::prelude::*;
/// use rbac_profiles::testkit::strategies::{admin_op, directory, ADMIN};
/// use rbac_profiles::{administer, MemoryStore};
///
/// proptest!(|(directory in directory(), op in admin_op())| {
///     let mut store = MemoryStore::new(directory);
///     let before = store.clone();
///     if administer(&mut store, ADMIN, &op).is_err() {
///         prop_assert_eq!(store, before);
///     }
/// });
/// ```
pub fn admin_op() -> impl Strategy<Value = AdminOp> {
    let p = || (0..=MAX_PROFILES).prop_map(profile_id);
    let oob = || Just(catalog::OUT_OF_BOX_PROFILE);
    let any_p = || prop_oneof![6 => p(), 1 => oob()];
    let u = || (0..=MAX_USERS).prop_map(user_id);
    let builtin = || select(BUILTIN_ROLES.to_vec());
    let r = || prop_oneof![3 => (0..=MAX_ROLES).prop_map(role_id), 1 => builtin()];
    let t = || (0..=MAX_TEMPLATES).prop_map(template_id);
    let cp = || (0..=MAX_COLUMN_PROFILES).prop_map(column_profile_id);
    let ts = || (0..=MAX_TOOL_SETTINGS).prop_map(tool_settings_id);
    let chp = || (0..=MAX_CHANNEL_PROVIDERS).prop_map(channel_provider_id);
    let template_settings = || {
        (vec(t(), 0..2), vec(t(), 0..2)).prop_map(|(session, notification)| ProfileSettings {
            session_templates: session,
            notification_templates: notification,
            ..ProfileSettings::default()
        })
    };
    // A column profile, now and then granting on a column that is not
    // secured.
    let column_profile = || {
        (
            cp(),
            column_profile(ColumnProfileId::default(), MAX_USERS + 1, MAX_TEAMS + 1),
            prop::bool::weighted(0.1),
        )
            .prop_map(|(id, mut profile, unsecured)| {
                profile.id = id;
                if unsecured {
                    let key = ColumnKey::from_owned_unchecked("queue.name".to_owned());
                    profile.permissions.insert(key, ColumnAccess::read_only());
                }
                profile
            })
    };
    prop_oneof![
        (p(), template_settings()).prop_map(|(profile, settings)| AdminOp::CreateProfile {
            profile,
            name: String::new(),
            settings
        }),
        (any_p(), template_settings())
            .prop_map(|(profile, settings)| AdminOp::UpdateSettings { profile, settings }),
        any_p().prop_map(|profile| AdminOp::DeleteProfile { profile }),
        any_p().prop_map(|profile| AdminOp::SetDefault { profile }),
        any_p().prop_map(|profile| AdminOp::RemoveDefault { profile }),
        (any_p(), 0u32..7, vec(r(), 0..3)).prop_map(|(profile, rank, roles)| {
            AdminOp::SetRankAndRoles {
                profile,
                rank,
                roles,
            }
        }),
        any_p().prop_map(|profile| AdminOp::RemoveRankAndRoles { profile }),
        (any_p(), vec(u(), 1..3))
            .prop_map(|(profile, users)| AdminOp::AssignUsers { profile, users }),
        (any_p(), vec(u(), 1..3))
            .prop_map(|(profile, users)| AdminOp::UnassignUsers { profile, users }),
        (t(), template_kind(), prop::bool::weighted(0.1)).prop_map(|(id, kind, oob)| {
            AdminOp::CreateTemplate {
                template: if oob {
                    Template::out_of_box(id, "", kind)
                } else {
                    Template::new(id, "", kind)
                },
            }
        }),
        t().prop_map(|template| AdminOp::DeleteTemplate { template }),
        (t(), text()).prop_map(|(template, name)| AdminOp::RenameTemplate { template, name }),
        (
            vec(t(), 0..3),
            vec(channel(), 0..3),
            any::<bool>(),
            vec(tool(), 0..3)
        )
            .prop_map(|(templates, channels, enabled, tools)| {
                let mut environment =
                    Environment::default().with_productivity_pane(ProductivityPane {
                        enabled,
                        tools: tools.into_iter().collect(),
                    });
                environment.templates = templates;
                environment.channels = channels.into_iter().collect();
                AdminOp::Upgrade { environment }
            }),
        (ts(), text(), tool()).prop_map(|(id, name, tool)| AdminOp::CreateToolSettings {
            settings: ToolSettings::new(id, name, tool)
        }),
        (ts(), text(), tool()).prop_map(|(id, name, tool)| AdminOp::UpdateToolSettings {
            settings: ToolSettings::new(id, name, tool)
        }),
        ts().prop_map(|settings| AdminOp::DeleteToolSettings { settings }),
        (chp(), text(), channel()).prop_map(|(id, name, channel)| {
            AdminOp::CreateChannelProvider {
                provider: ChannelProvider::new(id, name, channel),
            }
        }),
        (chp(), text(), channel()).prop_map(|(id, name, channel)| {
            AdminOp::UpdateChannelProvider {
                provider: ChannelProvider::new(id, name, channel),
            }
        }),
        chp().prop_map(|provider| AdminOp::DeleteChannelProvider { provider }),
        column_profile().prop_map(|profile| AdminOp::CreateColumnProfile { profile }),
        column_profile().prop_map(|profile| AdminOp::UpdateColumnProfile { profile }),
        cp().prop_map(|profile| AdminOp::DeleteColumnProfile { profile }),
        security_op(),
    ]
}

/// An operation on users, teams, business units or role assignment, over
/// the ids [`org`] generates, one past each range included (never
/// [`ADMIN`]); [`admin_op`] draws from it too.
///
/// ```
/// use proptest::prelude::*;
/// use rbac_profiles::testkit::strategies::{directory, security_op, ADMIN};
/// use rbac_profiles::{administer, MemoryStore};
///
/// proptest!(|(directory in directory(), op in security_op())| {
///     prop_assert!(op.is_security());
///     let mut store = MemoryStore::new(directory);
///     let _ = administer(&mut store, ADMIN, &op);
/// });
/// ```
pub fn security_op() -> impl Strategy<Value = AdminOp> {
    let u = || (0..=MAX_USERS).prop_map(user_id);
    let users = || vec(u(), 1..3);
    let t = || (0..=MAX_TEAMS).prop_map(team_id);
    let b = || (0..=MAX_UNITS).prop_map(unit_id);
    let some_b = || prop::option::weighted(0.5, b());
    let builtin = || select(BUILTIN_ROLES.to_vec());
    let r = || prop_oneof![3 => (0..=MAX_ROLES).prop_map(role_id), 1 => builtin()];
    prop_oneof![
        1 => (u(), text(), some_b()).prop_map(|(user, name, business_unit)| AdminOp::CreateUser {
            user,
            name,
            business_unit
        }),
        1 => (u(), text()).prop_map(|(user, name)| AdminOp::RenameUser { user, name }),
        1 => (u(), some_b()).prop_map(|(user, business_unit)| AdminOp::MoveUser {
            user,
            business_unit
        }),
        1 => u().prop_map(|user| AdminOp::DisableUser { user }),
        1 => u().prop_map(|user| AdminOp::EnableUser { user }),
        1 => u().prop_map(|user| AdminOp::RemoveUser { user }),
        1 => (t(), text(), some_b()).prop_map(|(team, name, business_unit)| AdminOp::CreateTeam {
            team,
            name,
            business_unit
        }),
        1 => t().prop_map(|team| AdminOp::DeleteTeam { team }),
        1 => (t(), users()).prop_map(|(team, users)| AdminOp::AddTeamMembers { team, users }),
        1 => (t(), users()).prop_map(|(team, users)| AdminOp::RemoveTeamMembers { team, users }),
        1 => (t(), some_b()).prop_map(|(team, business_unit)| AdminOp::MoveTeam {
            team,
            business_unit
        }),
        3 => (u(), r(), some_b()).prop_map(|(user, role, business_unit)| AdminOp::AssignRole {
            user,
            role,
            business_unit
        }),
        2 => (u(), r(), some_b()).prop_map(|(user, role, business_unit)| AdminOp::RemoveRole {
            user,
            role,
            business_unit
        }),
        1 => (t(), r()).prop_map(|(team, role)| AdminOp::AssignTeamRole { team, role }),
        1 => (t(), r()).prop_map(|(team, role)| AdminOp::RemoveTeamRole { team, role }),
        1 => (b(), text(), prop::option::weighted(0.9, b())).prop_map(
            |(business_unit, name, parent)| AdminOp::CreateBusinessUnit {
                business_unit,
                name,
                parent
            }
        ),
        1 => (b(), text()).prop_map(|(business_unit, name)| AdminOp::RenameBusinessUnit {
            business_unit,
            name
        }),
        1 => (b(), b()).prop_map(|(business_unit, parent)| AdminOp::MoveBusinessUnit {
            business_unit,
            parent
        }),
        1 => b().prop_map(|business_unit| AdminOp::DeleteBusinessUnit { business_unit }),
    ]
}

/// A sequence of [`admin_op`]s, of a length in `size` (`1..12`, `5`, …).
///
/// ```
/// use proptest::prelude::*;
/// use rbac_profiles::testkit::strategies::{admin_ops, directory, ADMIN};
/// use rbac_profiles::{administer, MemoryStore};
///
/// proptest!(|(directory in directory(), ops in admin_ops(1..8))| {
///     let mut store = MemoryStore::new(directory);
///     for op in &ops {
///         let _ = administer(&mut store, ADMIN, op);
///     }
///     // Administration never produces a conflict.
///     prop_assert!(store.directory().conflicts().is_empty());
/// });
/// ```
pub fn admin_ops(size: impl Into<SizeRange>) -> impl Strategy<Value = Vec<AdminOp>> {
    vec(admin_op(), size)
}

/// One what-if [`Proposal`] over the ids [`org`] generates, one past each
/// range included: an [`admin_op`], or a user gaining or losing a direct
/// role or a team membership (now and then one they already have, or
/// don't).
///
/// ```
/// use proptest::prelude::*;
/// use rbac_profiles::testkit::strategies::{directory, proposal};
/// use rbac_profiles::{MemoryStore, Snapshot};
///
/// proptest!(|(directory in directory(), proposal in proposal())| {
///     let store = MemoryStore::new(directory);
///     let snapshot = Snapshot::compile(&store)?;
///     // Checked against the store, answered from the snapshot, or refused.
///     let _ = snapshot.impact(&store, &proposal);
/// });
/// ```
pub fn proposal() -> impl Strategy<Value = Proposal> {
    let u = || (0..=MAX_USERS).prop_map(user_id);
    let builtin = || select(BUILTIN_ROLES.to_vec());
    let r = || prop_oneof![3 => (0..=MAX_ROLES).prop_map(role_id), 1 => builtin()];
    let t = || (0..=MAX_TEAMS).prop_map(team_id);
    prop_oneof![
        4 => admin_op().prop_map(Proposal::Admin),
        1 => admin_ops(2..4).prop_map(Proposal::AdminBatch),
        1 => (u(), r()).prop_map(|(user, role)| Proposal::AddUserRole { user, role }),
        1 => (u(), r()).prop_map(|(user, role)| Proposal::RemoveUserRole { user, role }),
        1 => (t(), u()).prop_map(|(team, user)| Proposal::AddTeamMember { team, user }),
        1 => (t(), u()).prop_map(|(team, user)| Proposal::RemoveTeamMember { team, user }),
    ]
}
