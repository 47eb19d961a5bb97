//! The seed rules of issue 20, one named test each, with the seed sentence
//! it implements in its doc comment: the upgrade, licences, the template
//! library, productivity tools and channel providers, who can use a
//! profile, and Customer Service Manager.
// Tests opt out of the library's panic-free lints.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeSet;

use proptest::prelude::*;
use rbac_profiles::testkit::strategies;
use rbac_profiles::{
    AdminOp, Channel, ChannelProvider, Diagnostic, DiagnosticCode, Directory, DirectoryDoc,
    Environment, Error, Inert, Licence, MemoryStore, ProductivityPane, ProductivityTool, Profile,
    ProfileSettings, Requirement, Snapshot, Template, TemplateKind, TemplateOrigin, ToolSettings,
    Usability, User, administer, administer_all, catalog, diagnose, has_privilege, profile_use,
    resolve_profile,
};

const ADMIN: &str = "avery";
const AGENT: &str = "alex";
const OOB: &str = "default-agent-experience-profile";

/// An organisation with an administrator, an agent, two out-of-box and two
/// custom templates, and `extra` on top.
#[track_caller]
fn store_with(extra: DirectoryDoc) -> MemoryStore {
    let mut org = DirectoryDoc::default();
    org.users.push(
        User::new(ADMIN, "Avery")
            .with_role(catalog::BASIC_USER)
            .with_role(catalog::OMNICHANNEL_ADMINISTRATOR),
    );
    org.users.push(
        User::new(AGENT, "Alex")
            .with_role(catalog::BASIC_USER)
            .with_role(catalog::OMNICHANNEL_AGENT),
    );
    org.templates.extend([
        Template::out_of_box(
            "chat-default",
            "Chat - default session",
            TemplateKind::Session,
        ),
        Template::out_of_box("incoming-chat", "Incoming chat", TemplateKind::Notification),
        Template::new("chat-session", "Chat session", TemplateKind::Session),
        Template::new(
            "customer-summary",
            "Customer summary",
            TemplateKind::ApplicationTab,
        ),
    ]);
    org.extend(extra);
    MemoryStore::new(Directory::builtin_with(org).expect("the fixture loads"))
}

#[track_caller]
fn store() -> MemoryStore {
    store_with(DirectoryDoc::default())
}

#[track_caller]
fn settings_of(store: &MemoryStore, profile: &str) -> ProfileSettings {
    store.directory().profile(profile).unwrap().settings.clone()
}

#[track_caller]
fn refused(store: &mut MemoryStore, actor: &str, op: AdminOp) -> String {
    let before = store.clone();
    let err = administer(store, actor, &op).unwrap_err();
    assert_eq!(*store, before, "a refused {op:?} changed the store");
    err.to_string()
}

// ---------------------------------------------------------------------------
// 1. The upgrade (seed 001)
// ---------------------------------------------------------------------------

/// Seed 001: "For example, if productivity pane is enabled and smart assist
/// is configured, the settings will be retained in the out-of-the-box app
/// profile."
#[test]
fn upgrade_retains_an_enabled_pane_with_smart_assist() {
    let mut store = store();
    let environment =
        Environment::default().with_productivity_pane(ProductivityPane::with_tools([
            ProductivityTool::SmartAssist,
        ]));
    administer(&mut store, ADMIN, &AdminOp::Upgrade { environment }).unwrap();
    let pane = settings_of(&store, OOB).productivity_pane;
    assert!(pane.enabled);
    assert_eq!(pane.tools, BTreeSet::from([ProductivityTool::SmartAssist]));
}

/// Seed 001: "When you upgrade your existing environments, the settings for
/// templates, productivity tools, and channels configuration in the
/// out-of-the-box app profile will reflect the existing state of your
/// environment."
#[test]
fn upgrade_reflects_the_templates_channels_and_tools_of_the_environment() {
    let mut store = store();
    // A disabled pane keeps its configured tools: the state, as it is.
    let pane = ProductivityPane {
        enabled: false,
        tools: BTreeSet::from([ProductivityTool::Macros]),
    };
    let environment = Environment::default()
        .with_template("incoming-chat")
        .with_template("chat-session")
        .with_template("customer-summary")
        .with_template("chat-default")
        .with_channel(Channel::Chat)
        .with_channel(Channel::Sms)
        .with_productivity_pane(pane.clone());
    administer(&mut store, ADMIN, &AdminOp::Upgrade { environment }).unwrap();
    let settings = settings_of(&store, OOB);
    let expected = ProfileSettings::default()
        .with_session_template("chat-session")
        .with_session_template("chat-default")
        .with_application_tab_template("customer-summary")
        .with_notification_template("incoming-chat")
        .with_channel(Channel::Chat)
        .with_channel(Channel::Sms)
        .with_productivity_pane(pane);
    assert_eq!(settings, expected);
    // Everybody without another profile gets them.
    let alex = profile_use(&store, AGENT).unwrap();
    assert_eq!(alex.resolution.profile.as_str(), OOB);
    assert_eq!(
        alex.inert,
        [Inert::PaneDisabled {
            tool: ProductivityTool::Macros
        }]
    );
}

/// Seed 001's upgrade is one administration operation: it needs
/// `app_profile:write` and changes all of the out-of-box profile or
/// nothing.
#[test]
fn upgrade_needs_app_profile_write_and_is_all_or_nothing() {
    let mut store = store();
    let upgrade = |environment| AdminOp::Upgrade { environment };
    assert_eq!(
        upgrade(Environment::default()).requirement(),
        Requirement::Privilege(catalog::APP_PROFILE_WRITE)
    );
    assert_eq!(
        refused(&mut store, AGENT, upgrade(Environment::default())),
        r#"user "alex" lacks privilege "app_profile:write""#
    );
    let unknown = Environment::default()
        .with_channel(Channel::Chat)
        .with_template("chat-session")
        .with_template("no-such-template");
    assert_eq!(
        refused(&mut store, ADMIN, upgrade(unknown)),
        r#"profile "default-agent-experience-profile" references unknown template "no-such-template""#
    );
    let twice = Environment::default()
        .with_template("chat-session")
        .with_template("chat-session");
    assert_eq!(
        refused(&mut store, ADMIN, upgrade(twice)),
        r#"profile "default-agent-experience-profile" lists template "chat-session" twice"#
    );
    // A batch: the upgrade, then a refused operation, stores nothing.
    let before = store.clone();
    let batch = [
        upgrade(Environment::default().with_channel(Channel::Voice)),
        AdminOp::DeleteProfile {
            profile: OOB.into(),
        },
    ];
    assert!(administer_all(&mut store, ADMIN, &batch).is_err());
    assert_eq!(store, before);
}

// ---------------------------------------------------------------------------
// 2. Licences (seed 001, 003)
// ---------------------------------------------------------------------------

/// An organisation with `licences` (or none modelled) and a default
/// profile offering chat, SMS, voice and email.
#[track_caller]
fn licensed(licences: Option<&[Licence]>) -> MemoryStore {
    let mut org = DirectoryDoc {
        licences: licences.map(|l| l.iter().copied().collect()),
        ..DirectoryDoc::default()
    };
    let settings = ProfileSettings::default()
        .with_channel(Channel::Chat)
        .with_channel(Channel::Sms)
        .with_channel(Channel::Voice)
        .with_channel(Channel::Email);
    org.profiles.push(
        Profile::new("agents", "Agents")
            .with_settings(settings)
            .as_default(),
    );
    store_with(org)
}

fn inert_channels(store: &MemoryStore) -> Vec<Channel> {
    profile_use(store, AGENT)
        .unwrap()
        .inert
        .into_iter()
        .filter_map(|inert| match inert {
            Inert::Unlicensed { channel, .. } => Some(channel),
            _ => None,
        })
        .collect()
}

/// Seed 001: "Omnichannel for Customer Service is available only when you
/// have the Chat for Dynamics 365 license."
#[test]
fn channels_are_effective_only_with_the_licence_enabling_them() {
    let store = licensed(Some(&[Licence::Chat]));
    let alex = profile_use(&store, AGENT).unwrap();
    assert_eq!(alex.resolution.profile.as_str(), "agents");
    assert_eq!(
        alex.inert,
        [
            Inert::Unlicensed {
                channel: Channel::Voice,
                licences: vec![Licence::Voice]
            },
            Inert::Unlicensed {
                channel: Channel::Sms,
                licences: vec![Licence::DigitalMessaging]
            },
        ]
    );
    assert_eq!(
        alex.to_string(),
        "agents (default profile); usable: role omnichannel-agent held directly; inert: channel voice needs licence voice, channel sms needs licence digital_messaging"
    );
    // No licence at all: every Omnichannel channel is inert, email is not.
    assert_eq!(
        inert_channels(&licensed(Some(&[]))),
        [Channel::Chat, Channel::Voice, Channel::Sms]
    );
    assert_eq!(
        Inert::Unlicensed {
            channel: Channel::Chat,
            licences: Licence::needed_for(Channel::Chat).to_vec()
        }
        .to_string(),
        "channel chat needs licence chat or digital_messaging"
    );
}

/// Seed 001's editorial note on that sentence: "Not just chat for D365 but
/// even digital messaging sku".
#[test]
fn digital_messaging_enables_chat_and_the_messaging_channels() {
    let store = licensed(Some(&[Licence::DigitalMessaging]));
    assert_eq!(inert_channels(&store), [Channel::Voice]);
    for channel in Channel::ALL {
        let expected = !matches!(channel, Channel::Voice | Channel::Email);
        assert_eq!(
            Licence::DigitalMessaging.enables(channel),
            expected,
            "{channel}"
        );
    }
    let all = licensed(Some(&Licence::ALL));
    assert!(inert_channels(&all).is_empty());
}

/// Seed 003: "An additional license is required to access Omnichannel for
/// Customer Service." A directory that lists no licences does not model
/// them: every channel is effective, as before licences were modelled.
#[test]
fn without_a_licence_list_every_channel_is_effective() {
    let store = licensed(None);
    assert_eq!(store.directory().licences(), None);
    assert!(inert_channels(&store).is_empty());
    assert!(
        !diagnose(&store)
            .unwrap()
            .iter()
            .any(|d| d.code == DiagnosticCode::UnlicensedChannel)
    );
    // The document round-trips without a `licences` field, and with one.
    let json = serde_json::to_value(DirectoryDoc::from(store.into_directory())).unwrap();
    assert!(json.get("licences").is_none());
    let with: Directory =
        serde_json::from_value(serde_json::json!({ "licences": ["digital_messaging", "chat"] }))
            .unwrap();
    assert_eq!(
        serde_json::to_value(&with).unwrap()["licences"],
        serde_json::json!(["chat", "digital_messaging"])
    );
    let empty = Directory::from_json(r#"{ "licences": [] }"#).unwrap();
    assert_eq!(empty.licences(), Some(&BTreeSet::new()));
}

/// Seed 001: "Omnichannel for Customer Service is available only when you
/// have the Chat for Dynamics 365 license." `diagnose` flags every profile
/// offering channels no licence of the organisation enables.
#[test]
fn diagnose_flags_profiles_whose_channels_no_licence_enables() {
    let store = licensed(Some(&[Licence::Chat]));
    let found: Vec<Diagnostic> = diagnose(&store)
        .unwrap()
        .into_iter()
        .filter(|d| d.code == DiagnosticCode::UnlicensedChannel)
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].user, None);
    assert_eq!(
        found[0].to_string(),
        r#"warning[unlicensed-channel]: profile "agents" offers channels that no licence of the organisation enables: voice (needs voice), sms (needs digital_messaging)"#
    );
    let none = licensed(Some(&[]));
    let chat = diagnose(&none)
        .unwrap()
        .into_iter()
        .find(|d| d.code == DiagnosticCode::UnlicensedChannel)
        .unwrap();
    assert!(
        chat.message
            .contains("chat (needs chat or digital_messaging)"),
        "{chat}"
    );
}

// ---------------------------------------------------------------------------
// 3. The template library (seed 001)
// ---------------------------------------------------------------------------

/// Seed 001: "Session templates: Opens the Session templates page where the
/// out-of-the-box templates and custom templates created by you are
/// listed." Out-of-box templates stay as shipped.
#[test]
fn out_of_box_templates_cant_be_deleted_renamed_or_created() {
    let mut store = store();
    assert_eq!(
        store.directory().template("chat-default").unwrap().origin,
        TemplateOrigin::OutOfBox
    );
    assert_eq!(
        refused(
            &mut store,
            ADMIN,
            AdminOp::DeleteTemplate {
                template: "chat-default".into()
            }
        ),
        r#"out-of-box template "chat-default" can't be deleted"#
    );
    assert_eq!(
        refused(
            &mut store,
            ADMIN,
            AdminOp::RenameTemplate {
                template: "incoming-chat".into(),
                name: "Ring".into()
            }
        ),
        r#"out-of-box template "incoming-chat" can't be renamed"#
    );
    assert_eq!(
        refused(
            &mut store,
            ADMIN,
            AdminOp::CreateTemplate {
                template: Template::out_of_box("shipped", "Shipped", TemplateKind::Session)
            }
        ),
        r#"out-of-box template "shipped" can't be created by an administrator"#
    );
    assert!(matches!(
        administer(
            &mut store,
            ADMIN,
            &AdminOp::DeleteTemplate {
                template: "chat-default".into()
            }
        ),
        Err(Error::OutOfBoxTemplate { .. })
    ));
}

/// Seed 001: "you will see templates that you have defined for both
/// Customer Service workspace and Omnichannel for Customer Service. This is
/// because the templates are stored in a common library." A custom template
/// is renamed for every profile using it, and can't be deleted while one
/// does.
#[test]
fn custom_templates_are_renamed_and_deleted_unless_in_use() {
    let mut org = DirectoryDoc::default();
    for id in ["workspace", "omnichannel"] {
        org.profiles.push(
            Profile::new(id, id)
                .with_settings(ProfileSettings::default().with_session_template("chat-session")),
        );
    }
    let mut store = store_with(org);
    let rename = AdminOp::RenameTemplate {
        template: "chat-session".into(),
        name: "Chat".into(),
    };
    assert_eq!(
        rename.requirement(),
        Requirement::Privilege(catalog::TEMPLATE_WRITE)
    );
    assert_eq!(
        refused(&mut store, AGENT, rename.clone()),
        r#"user "alex" lacks privilege "template:write""#
    );
    administer(&mut store, ADMIN, &rename).unwrap();
    assert_eq!(
        store.directory().template("chat-session").unwrap().name,
        "Chat"
    );
    assert_eq!(
        refused(
            &mut store,
            ADMIN,
            AdminOp::RenameTemplate {
                template: "no-such".into(),
                name: String::new()
            }
        ),
        r#"unknown template "no-such""#
    );
    assert_eq!(
        refused(
            &mut store,
            ADMIN,
            AdminOp::DeleteTemplate {
                template: "chat-session".into()
            }
        ),
        r#"template "chat-session" is used by profiles "omnichannel", "workspace""#
    );
    administer(
        &mut store,
        ADMIN,
        &AdminOp::DeleteTemplate {
            template: "customer-summary".into(),
        },
    )
    .unwrap();
    assert!(store.directory().template("customer-summary").is_none());
}

/// Templates written before they had an origin load as custom, and a custom
/// template is written without one: existing documents are unchanged.
#[test]
fn templates_without_an_origin_are_custom() {
    let directory =
        Directory::from_json(r#"{ "templates": [ { "id": "t", "kind": "session" } ] }"#).unwrap();
    assert_eq!(
        directory.template("t").unwrap().origin,
        TemplateOrigin::Custom
    );
    let json = serde_json::to_value(directory.template("t").unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({ "id": "t", "name": "", "kind": "session" })
    );
    let oob = Template::out_of_box("o", "O", TemplateKind::Notification);
    assert_eq!(serde_json::to_value(&oob).unwrap()["origin"], "out_of_box");
}

// ---------------------------------------------------------------------------
// 4. Productivity tools and channel providers (seed 000)
// ---------------------------------------------------------------------------

/// Seed 000: "You need to manually provide the App profile manger
/// administrator role to the user who'll create app profiles, templates,
/// productivity tools, and channel provider configurations."
#[test]
fn productivity_tools_and_channel_providers_need_the_app_profile_manager_privileges() {
    let mut store = store();
    let smart = ToolSettings::new(
        "smart-assist",
        "Smart assist",
        ProductivityTool::SmartAssist,
    );
    let voice = ChannelProvider::new("contoso-voice", "Contoso voice", Channel::Voice);
    let create_tool = AdminOp::CreateToolSettings {
        settings: smart.clone(),
    };
    let create_provider = AdminOp::CreateChannelProvider {
        provider: voice.clone(),
    };
    let requirements: Vec<String> = [
        create_tool.clone(),
        AdminOp::UpdateToolSettings {
            settings: smart.clone(),
        },
        AdminOp::DeleteToolSettings {
            settings: smart.id.clone(),
        },
        create_provider.clone(),
        AdminOp::UpdateChannelProvider {
            provider: voice.clone(),
        },
        AdminOp::DeleteChannelProvider {
            provider: voice.id.clone(),
        },
    ]
    .iter()
    .map(|op| op.requirement().to_string())
    .collect();
    assert_eq!(
        requirements,
        [
            r#"privilege "productivity_tool_settings:create""#,
            r#"privilege "productivity_tool_settings:write""#,
            r#"privilege "productivity_tool_settings:delete""#,
            r#"privilege "channel_provider_settings:create""#,
            r#"privilege "channel_provider_settings:write""#,
            r#"privilege "channel_provider_settings:delete""#,
        ]
    );
    // An agent holds App profile user: read, not create.
    assert!(has_privilege(&store, AGENT, "productivity_tool_settings:read").unwrap());
    assert_eq!(
        refused(&mut store, AGENT, create_tool.clone()),
        r#"user "alex" lacks privilege "productivity_tool_settings:create""#
    );
    assert_eq!(
        refused(&mut store, AGENT, create_provider.clone()),
        r#"user "alex" lacks privilege "channel_provider_settings:create""#
    );

    administer_all(
        &mut store,
        ADMIN,
        &[create_tool.clone(), create_provider.clone()],
    )
    .unwrap();
    let directory = store.directory();
    assert_eq!(directory.tool_settings().collect::<Vec<_>>(), [&smart]);
    assert_eq!(directory.channel_providers().collect::<Vec<_>>(), [&voice]);

    assert_eq!(
        refused(&mut store, ADMIN, create_tool),
        r#"duplicate tool settings id "smart-assist""#
    );
    assert_eq!(
        refused(&mut store, ADMIN, create_provider),
        r#"duplicate channel provider id "contoso-voice""#
    );
    let renamed = ChannelProvider::new("contoso-voice", "Voice", Channel::Voice);
    administer(
        &mut store,
        ADMIN,
        &AdminOp::UpdateChannelProvider {
            provider: renamed.clone(),
        },
    )
    .unwrap();
    assert_eq!(store.directory().channel_providers().next(), Some(&renamed));
    administer(
        &mut store,
        ADMIN,
        &AdminOp::DeleteToolSettings {
            settings: "smart-assist".into(),
        },
    )
    .unwrap();
    assert_eq!(store.directory().tool_settings().len(), 0);
    assert_eq!(
        refused(
            &mut store,
            ADMIN,
            AdminOp::UpdateToolSettings { settings: smart }
        ),
        r#"unknown tool settings "smart-assist""#
    );
    assert_eq!(
        refused(
            &mut store,
            ADMIN,
            AdminOp::DeleteChannelProvider {
                provider: "no-such".into()
            }
        ),
        r#"unknown channel provider "no-such""#
    );
    assert_eq!(
        refused(
            &mut store,
            ADMIN,
            AdminOp::CreateToolSettings {
                settings: ToolSettings::new("", "", ProductivityTool::Macros)
            }
        ),
        "tool settings number 1 has an empty id"
    );
}

/// Tool settings and channel providers load from the document, checked
/// like every other entity.
#[test]
fn tool_settings_and_channel_providers_load_from_the_document() {
    let directory = Directory::from_json(
        r#"{ "tool_settings": [ { "id": "kb", "name": "Knowledge", "tool": "knowledge_search" } ],
             "channel_providers": [ { "id": "teams", "channel": "teams" } ] }"#,
    )
    .unwrap();
    assert_eq!(
        directory.tool_settings().next().map(|s| s.tool),
        Some(ProductivityTool::KnowledgeSearch)
    );
    assert_eq!(
        directory.channel_providers().next().map(|p| p.channel),
        Some(Channel::Teams)
    );
    let err = Directory::from_json(
        r#"{ "channel_providers": [ { "id": "a", "channel": "sms" }, { "id": "a", "channel": "sms" } ] }"#,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), r#"duplicate channel provider id "a""#);
}

// ---------------------------------------------------------------------------
// 5. Who can use a profile (seed 001, 003)
// ---------------------------------------------------------------------------

/// Seed 001: "Thereafter, users with the required agent or supervisor role
/// will be able to see and use the settings that are available through the
/// assigned app profile."
#[test]
fn an_agent_or_supervisor_role_held_directly_makes_the_profile_usable() {
    let mut org = DirectoryDoc::default();
    org.profiles.push(
        Profile::new("vip", "VIP")
            .with_user("nora")
            .with_user("sam"),
    );
    org.users
        .push(User::new("nora", "Nora").with_role(catalog::BASIC_USER));
    org.users.push(
        User::new("sam", "Sam")
            .with_role(catalog::OMNICHANNEL_SUPERVISOR)
            .with_role(catalog::CUSTOMER_SERVICE_REPRESENTATIVE),
    );
    org.users
        .push(User::new("manager", "Manager").with_role(catalog::CUSTOMER_SERVICE_MANAGER));
    let store = store_with(org);
    let usability = |user: &str| profile_use(&store, user).unwrap().usability;
    assert_eq!(
        usability(AGENT),
        Usability::Usable {
            role: catalog::OMNICHANNEL_AGENT
        }
    );
    // The smallest of the persona roles held, in byte order.
    assert_eq!(
        usability("sam"),
        Usability::Usable {
            role: catalog::CUSTOMER_SERVICE_REPRESENTATIVE
        }
    );
    // Assigned the profile directly, but without an agent or supervisor role.
    let nora = profile_use(&store, "nora").unwrap();
    assert_eq!(nora.resolution, resolve_profile(&store, "nora").unwrap());
    assert_eq!(nora.usability, Usability::NoPersonaRole);
    assert_eq!(
        nora.usability.to_string(),
        "not usable: no agent or supervisor role held directly"
    );
    // Customer Service Manager administers profiles; it is not a persona.
    assert_eq!(usability("manager"), Usability::NoPersonaRole);
    assert_eq!(
        profile_use(&store, "nobody").unwrap_err().to_string(),
        r#"unknown user "nobody""#
    );
}

/// Seed 003: "To be able to map roles to personas in role persona mapping,
/// you must assign the roles to users directly and not through team
/// memberships."
#[test]
fn an_agent_role_held_through_a_team_does_not() {
    let store = MemoryStore::new(
        Directory::from_json(
            r#"{
            "roles": [ { "id": "night-agent", "includes": ["omnichannel-agent"] } ],
            "teams": [ { "id": "tier-2", "roles": ["omnichannel-supervisor"], "members": ["kayla"] },
                       { "id": "tier-1", "roles": ["omnichannel-agent", "customer-service-representative"],
                         "members": ["kayla"] } ],
            "users": [ { "id": "kayla", "teams": ["tier-2", "tier-1"] },
                       { "id": "nico", "roles": ["night-agent"] } ]
        }"#,
        )
        .unwrap(),
    );
    let kayla = profile_use(&store, "kayla").unwrap();
    // The smallest team, and its smallest persona role.
    assert_eq!(
        kayla.usability,
        Usability::ThroughTeam {
            role: catalog::CUSTOMER_SERVICE_REPRESENTATIVE,
            team: "tier-1".into()
        }
    );
    assert_eq!(
        kayla.usability.to_string(),
        "not usable: role customer-service-representative is held only through team tier-1, and only roles assigned directly map to personas"
    );
    assert!(has_privilege(&store, "kayla", "app_profile:read").unwrap());
    // A custom role including Omnichannel agent is not mapped to a persona.
    assert_eq!(
        profile_use(&store, "nico").unwrap().usability,
        Usability::NoPersonaRole
    );
    // The snapshot says the same.
    let snapshot = Snapshot::compile(&store).unwrap();
    let usable: Vec<bool> = snapshot
        .resolve_all()
        .unwrap()
        .iter()
        .map(|r| r.usable)
        .collect();
    assert_eq!(usable, [false, false]);
}

/// The persona roles are the three the seeds name for agent and supervisor
/// work, and the same three as the seed's "agent or supervisor type" of the
/// Omnichannel API access rule.
#[test]
fn the_persona_roles_are_the_agent_and_supervisor_roles_of_the_seeds() {
    assert_eq!(
        catalog::PERSONA_ROLES,
        [
            catalog::CUSTOMER_SERVICE_REPRESENTATIVE,
            catalog::OMNICHANNEL_AGENT,
            catalog::OMNICHANNEL_SUPERVISOR,
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Seed 001's "users with the required agent or supervisor role will be
    /// able to see and use the settings": `resolve_all` carries it, equal
    /// to the store path's answer for every user.
    #[test]
    fn resolve_all_carries_usability_as_the_store_path_answers(directory in strategies::directory()) {
        let store = MemoryStore::new(directory);
        let snapshot = Snapshot::compile(&store)?;
        for resolved in snapshot.resolve_all()? {
            let user = snapshot.user_id(resolved.user).unwrap();
            let answer = profile_use(&store, user)?;
            prop_assert_eq!(snapshot.resolution(&resolved)?, answer.resolution.clone());
            prop_assert_eq!(resolved.usable, answer.usability.is_usable(), "{}", user);
            let profile = store.directory().profile(&answer.resolution.profile).unwrap();
            prop_assert_eq!(
                answer.inert,
                Inert::in_settings(&profile.settings, store.directory().licences())
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 6. Customer Service Manager: the seeds disagree (001 wins)
// ---------------------------------------------------------------------------

/// Seed 001: "For **Customer Service Manager** role, the **App profile
/// manager administrator** previleges are added". Seed 000, which the crate
/// does not follow here: "You need to manually provide the App profile
/// manger administrator role to the user who'll create app profiles,
/// templates, productivity tools, and channel provider configurations."
#[test]
fn customer_service_manager_has_the_app_profile_manager_privileges() {
    let mut org = DirectoryDoc::default();
    org.users
        .push(User::new("morgan", "Morgan").with_role(catalog::CUSTOMER_SERVICE_MANAGER));
    let mut store = store_with(org);
    for key in [
        "app_profile:create",
        "template:delete",
        "productivity_tool_settings:create",
        "channel_provider_settings:create",
    ] {
        assert!(has_privilege(&store, "morgan", key).unwrap(), "{key}");
    }
    administer(
        &mut store,
        "morgan",
        &AdminOp::CreateToolSettings {
            settings: ToolSettings::new("macros", "Macros", ProductivityTool::Macros),
        },
    )
    .unwrap();
}
