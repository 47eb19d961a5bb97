//! Experience profiles and the shared template library they refer to.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::{ProfileId, RoleId, TemplateId, UserId};

/// Whether a profile ships with the product or was made by an administrator.
///
/// Only custom profiles can be directly assigned, ranked, mapped to roles or
/// made the default; an out-of-box profile is what users get when nothing
/// else applies.
///
/// ```
/// use rbac_profiles::ProfileKind;
///
/// assert_eq!(ProfileKind::default(), ProfileKind::Custom);
/// assert_eq!(ProfileKind::OutOfBox.to_string(), "out-of-box");
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// Shipped with the product.
    OutOfBox,
    /// Made by an administrator.
    #[default]
    Custom,
}

impl fmt::Display for ProfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            ProfileKind::OutOfBox => "out-of-box",
            ProfileKind::Custom => "custom",
        })
    }
}

/// The kinds of template in the shared library.
///
/// ```
/// use rbac_profiles::TemplateKind;
///
/// assert_eq!(TemplateKind::ApplicationTab.to_string(), "application tab");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TemplateKind {
    /// A session template: which tabs a conversation or case session opens with.
    Session,
    /// An application tab template: one tab of a session.
    ApplicationTab,
    /// A notification template: how an incoming conversation is announced.
    Notification,
}

impl fmt::Display for TemplateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            TemplateKind::Session => "session",
            TemplateKind::ApplicationTab => "application tab",
            TemplateKind::Notification => "notification",
        })
    }
}

/// Where a template of the shared library comes from: shipped with the
/// product, or made by an administrator.
///
/// Seed 001: the session templates page lists "the out-of-the-box templates
/// and custom templates created by you". Out-of-box templates can't be
/// deleted or renamed; a document that leaves `origin` out means a custom
/// template.
///
/// ```
/// use rbac_profiles::TemplateOrigin;
///
/// assert_eq!(TemplateOrigin::default(), TemplateOrigin::Custom);
/// assert_eq!(TemplateOrigin::OutOfBox.to_string(), "out-of-box");
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TemplateOrigin {
    /// Shipped with the product: it can't be deleted or renamed.
    OutOfBox,
    /// Made by an administrator.
    #[default]
    Custom,
}

impl TemplateOrigin {
    /// Whether this is [`TemplateOrigin::Custom`].
    ///
    /// ```
    /// assert!(rbac_profiles::TemplateOrigin::Custom.is_custom());
    /// ```
    pub fn is_custom(&self) -> bool {
        *self == TemplateOrigin::Custom
    }
}

impl fmt::Display for TemplateOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            TemplateOrigin::OutOfBox => "out-of-box",
            TemplateOrigin::Custom => "custom",
        })
    }
}

/// A template of the shared library. Templates are defined once and
/// referred to by id from any number of profiles.
///
/// ```
/// use rbac_profiles::{Template, TemplateKind, TemplateOrigin};
///
/// let t = Template::new("chat-session", "Chat session", TemplateKind::Session);
/// assert_eq!(t.kind, TemplateKind::Session);
/// assert_eq!(t.origin, TemplateOrigin::Custom);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// The template's id, unique among templates.
    pub id: TemplateId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// What kind of template it is; a profile may only use it where that
    /// kind belongs.
    pub kind: TemplateKind,
    /// Out-of-box or custom (the default when a document leaves it out).
    #[serde(default, skip_serializing_if = "TemplateOrigin::is_custom")]
    pub origin: TemplateOrigin,
}

impl Template {
    /// A template of the given kind.
    ///
    /// ```
    /// use rbac_profiles::{Template, TemplateKind};
    ///
    /// let t = Template::new("ring", "Ring", TemplateKind::Notification);
    /// assert_eq!(t.id.as_str(), "ring");
    /// ```
    pub fn new(id: impl Into<TemplateId>, name: impl Into<String>, kind: TemplateKind) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            kind,
            origin: TemplateOrigin::Custom,
        }
    }

    /// An out-of-box template of the given kind: one the product ships.
    ///
    /// ```
    /// use rbac_profiles::{Template, TemplateKind, TemplateOrigin};
    ///
    /// let t = Template::out_of_box("chat-default", "Chat - default session", TemplateKind::Session);
    /// assert_eq!(t.origin, TemplateOrigin::OutOfBox);
    /// ```
    pub fn out_of_box(
        id: impl Into<TemplateId>,
        name: impl Into<String>,
        kind: TemplateKind,
    ) -> Self {
        Self {
            origin: TemplateOrigin::OutOfBox,
            ..Self::new(id, name, kind)
        }
    }
}

/// A conversation channel a profile makes available.
///
/// Which licence enables which channel: [`Licence`](crate::Licence).
///
/// ```
/// use rbac_profiles::Channel;
///
/// let json = serde_json::to_string(&Channel::WhatsApp).unwrap();
/// assert_eq!(json, r#""whats_app""#);
/// assert_eq!(Channel::WhatsApp.to_string(), "whats_app");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// Live chat.
    Chat,
    /// Voice calls.
    Voice,
    /// SMS.
    Sms,
    /// Email.
    Email,
    /// Facebook.
    Facebook,
    /// WhatsApp.
    WhatsApp,
    /// Twitter.
    Twitter,
    /// WeChat.
    WeChat,
    /// LINE.
    Line,
    /// Microsoft Teams.
    Teams,
    /// Apple Messages for Business.
    AppleMessages,
    /// Google's Business Messages.
    GoogleBusinessMessages,
    /// A custom messaging channel.
    Custom,
}

impl Channel {
    /// Every channel, in order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Channel::ALL.len(), 13);
    /// ```
    pub const ALL: [Channel; 13] = [
        Channel::Chat,
        Channel::Voice,
        Channel::Sms,
        Channel::Email,
        Channel::Facebook,
        Channel::WhatsApp,
        Channel::Twitter,
        Channel::WeChat,
        Channel::Line,
        Channel::Teams,
        Channel::AppleMessages,
        Channel::GoogleBusinessMessages,
        Channel::Custom,
    ];

    /// The channel's name in documents (`"sms"`, `"whats_app"`).
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Channel::GoogleBusinessMessages.as_str(), "google_business_messages");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Chat => "chat",
            Channel::Voice => "voice",
            Channel::Sms => "sms",
            Channel::Email => "email",
            Channel::Facebook => "facebook",
            Channel::WhatsApp => "whats_app",
            Channel::Twitter => "twitter",
            Channel::WeChat => "we_chat",
            Channel::Line => "line",
            Channel::Teams => "teams",
            Channel::AppleMessages => "apple_messages",
            Channel::GoogleBusinessMessages => "google_business_messages",
            Channel::Custom => "custom",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A tool of the productivity pane.
///
/// ```
/// use rbac_profiles::ProductivityTool;
///
/// assert!(ProductivityTool::SmartAssist < ProductivityTool::Macros);
/// assert_eq!(ProductivityTool::SmartAssist.to_string(), "smart_assist");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProductivityTool {
    /// AI suggestions of similar cases, knowledge articles and conversations.
    SmartAssist,
    /// Scripts that guide the agent through a conversation.
    AgentScripts,
    /// Knowledge base search.
    KnowledgeSearch,
    /// Macros that automate repeated steps.
    Macros,
}

impl ProductivityTool {
    /// The tool's name in documents (`"smart_assist"`).
    ///
    /// ```
    /// assert_eq!(rbac_profiles::ProductivityTool::AgentScripts.as_str(), "agent_scripts");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ProductivityTool::SmartAssist => "smart_assist",
            ProductivityTool::AgentScripts => "agent_scripts",
            ProductivityTool::KnowledgeSearch => "knowledge_search",
            ProductivityTool::Macros => "macros",
        }
    }
}

impl fmt::Display for ProductivityTool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The productivity pane: whether it shows, and which tools it offers.
///
/// ```
/// use rbac_profiles::{ProductivityPane, ProductivityTool};
///
/// let pane = ProductivityPane::with_tools([ProductivityTool::KnowledgeSearch]);
/// assert!(pane.enabled);
/// assert!(pane.tools.contains(&ProductivityTool::KnowledgeSearch));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductivityPane {
    /// Whether the pane shows at all.
    #[serde(default)]
    pub enabled: bool,
    /// The tools it offers, in a fixed order. A set: a tool listed twice in a
    /// document counts once.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub tools: BTreeSet<ProductivityTool>,
}

impl ProductivityPane {
    /// An enabled pane offering `tools`.
    ///
    /// ```
    /// use rbac_profiles::{ProductivityPane, ProductivityTool};
    ///
    /// let pane = ProductivityPane::with_tools([ProductivityTool::Macros, ProductivityTool::SmartAssist]);
    /// assert_eq!(pane.tools.len(), 2);
    /// ```
    pub fn with_tools(tools: impl IntoIterator<Item = ProductivityTool>) -> Self {
        Self {
            enabled: true,
            tools: tools.into_iter().collect(),
        }
    }
}

/// What a profile gives its users: templates from the shared library,
/// conversation channels and the productivity pane.
///
/// Each template list may only name templates of its own kind.
///
/// ```
/// use rbac_profiles::{Channel, ProductivityPane, ProductivityTool, ProfileSettings};
///
/// let settings = ProfileSettings::default()
///     .with_session_template("chat-session")
///     .with_channel(Channel::Chat)
///     .with_productivity_pane(ProductivityPane::with_tools([ProductivityTool::SmartAssist]));
/// assert_eq!(settings.session_templates, ["chat-session".into()]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSettings {
    /// Session templates ([`TemplateKind::Session`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub session_templates: Vec<TemplateId>,
    /// Application tab templates ([`TemplateKind::ApplicationTab`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub application_tab_templates: Vec<TemplateId>,
    /// Notification templates ([`TemplateKind::Notification`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notification_templates: Vec<TemplateId>,
    /// Conversation channels, in a fixed order. A set: a channel listed twice
    /// in a document counts once.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub channels: BTreeSet<Channel>,
    /// The productivity pane.
    #[serde(default)]
    pub productivity_pane: ProductivityPane,
}

impl ProfileSettings {
    /// Adds a session template.
    ///
    /// ```
    /// let s = rbac_profiles::ProfileSettings::default().with_session_template("chat-session");
    /// assert_eq!(s.session_templates, ["chat-session".into()]);
    /// ```
    #[must_use]
    pub fn with_session_template(mut self, template: impl Into<TemplateId>) -> Self {
        self.session_templates.push(template.into());
        self
    }

    /// Adds an application tab template.
    ///
    /// ```
    /// let s = rbac_profiles::ProfileSettings::default().with_application_tab_template("customer-summary");
    /// assert_eq!(s.application_tab_templates, ["customer-summary".into()]);
    /// ```
    #[must_use]
    pub fn with_application_tab_template(mut self, template: impl Into<TemplateId>) -> Self {
        self.application_tab_templates.push(template.into());
        self
    }

    /// Adds a notification template.
    ///
    /// ```
    /// let s = rbac_profiles::ProfileSettings::default().with_notification_template("incoming-chat");
    /// assert_eq!(s.notification_templates, ["incoming-chat".into()]);
    /// ```
    #[must_use]
    pub fn with_notification_template(mut self, template: impl Into<TemplateId>) -> Self {
        self.notification_templates.push(template.into());
        self
    }

    /// Adds a conversation channel.
    ///
    /// ```
    /// use rbac_profiles::{Channel, ProfileSettings};
    ///
    /// let s = ProfileSettings::default().with_channel(Channel::Voice).with_channel(Channel::Voice);
    /// assert_eq!(s.channels.len(), 1);
    /// ```
    #[must_use]
    pub fn with_channel(mut self, channel: Channel) -> Self {
        self.channels.insert(channel);
        self
    }

    /// Sets the productivity pane.
    ///
    /// ```
    /// use rbac_profiles::{ProductivityPane, ProfileSettings};
    ///
    /// let s = ProfileSettings::default().with_productivity_pane(ProductivityPane::default());
    /// assert!(!s.productivity_pane.enabled);
    /// ```
    #[must_use]
    pub fn with_productivity_pane(mut self, pane: ProductivityPane) -> Self {
        self.productivity_pane = pane;
        self
    }

    /// Every template reference with the kind its list requires, in list
    /// order: session, then application tab, then notification templates.
    ///
    /// ```
    /// use rbac_profiles::{ProfileSettings, TemplateKind};
    ///
    /// let settings = ProfileSettings::default()
    ///     .with_notification_template("ring")
    ///     .with_session_template("chat-session");
    /// let refs: Vec<_> = settings.template_refs().map(|(id, kind)| (id.as_str(), kind)).collect();
    /// assert_eq!(refs, [("chat-session", TemplateKind::Session), ("ring", TemplateKind::Notification)]);
    /// ```
    pub fn template_refs(&self) -> impl Iterator<Item = (&TemplateId, TemplateKind)> + '_ {
        let lists = [
            (&self.session_templates, TemplateKind::Session),
            (
                &self.application_tab_templates,
                TemplateKind::ApplicationTab,
            ),
            (&self.notification_templates, TemplateKind::Notification),
        ];
        lists
            .into_iter()
            .flat_map(|(list, kind)| list.iter().map(move |id| (id, kind)))
    }
}

/// An experience profile: the settings a group of users works with, and the
/// rules that decide who gets it.
///
/// A custom profile reaches users in three ways (see
/// [`resolve_profile`](crate::resolve_profile)): users assigned to it
/// directly, users holding one of its mapped `roles` directly (ranked
/// against other profiles by `rank`, 1 the highest), and everyone else when
/// it is the `default`. An out-of-box profile has none of these: it is the
/// fallback.
///
/// ```
/// use rbac_profiles::{Profile, ProfileKind};
///
/// let p = Profile::new("contoso-supervisor", "Contoso Supervisor profile")
///     .with_rank(1)
///     .with_role("omnichannel-supervisor");
/// assert_eq!(p.kind, ProfileKind::Custom);
/// assert_eq!(p.rank, Some(1));
///
/// let oob = Profile::out_of_box("default-agent-experience-profile", "Default agent experience profile");
/// assert_eq!(oob.kind, ProfileKind::OutOfBox);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The profile's id, unique among profiles.
    pub id: ProfileId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// Out-of-box or custom (the default when a document leaves it out).
    #[serde(default)]
    pub kind: ProfileKind,
    /// What the profile gives its users.
    #[serde(default)]
    pub settings: ProfileSettings,
    /// The rank among role-mapped profiles: 1 is the highest. Set together
    /// with `roles`; a rank alone maps nobody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// The roles whose direct holders get this profile (subject to rank).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleId>,
    /// Users assigned to this profile directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<UserId>,
    /// Whether this is the organisation's default custom profile.
    #[serde(default, skip_serializing_if = "is_false")]
    pub default: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Profile {
    /// A custom profile with no settings, mapping nobody.
    ///
    /// ```
    /// let p = rbac_profiles::Profile::new("contoso-agent", "Contoso Agent profile");
    /// assert!(p.is_custom() && p.rank.is_none() && !p.default);
    /// ```
    pub fn new(id: impl Into<ProfileId>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            ..Self::default()
        }
    }

    /// An out-of-box profile with no settings.
    ///
    /// ```
    /// let p = rbac_profiles::Profile::out_of_box("oob", "Out of box");
    /// assert!(!p.is_custom());
    /// ```
    pub fn out_of_box(id: impl Into<ProfileId>, name: impl Into<String>) -> Self {
        Self {
            kind: ProfileKind::OutOfBox,
            ..Self::new(id, name)
        }
    }

    /// Sets the settings.
    ///
    /// ```
    /// use rbac_profiles::{Channel, Profile, ProfileSettings};
    ///
    /// let p = Profile::new("p", "P").with_settings(ProfileSettings::default().with_channel(Channel::Chat));
    /// assert!(p.settings.channels.contains(&Channel::Chat));
    /// ```
    #[must_use]
    pub fn with_settings(mut self, settings: ProfileSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets the rank (1 is the highest).
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Profile::new("p", "P").with_rank(2).rank, Some(2));
    /// ```
    #[must_use]
    pub fn with_rank(mut self, rank: u32) -> Self {
        self.rank = Some(rank);
        self
    }

    /// Adds a mapped role.
    ///
    /// ```
    /// let p = rbac_profiles::Profile::new("p", "P").with_rank(1).with_role("omnichannel-agent");
    /// assert_eq!(p.roles, ["omnichannel-agent".into()]);
    /// ```
    #[must_use]
    pub fn with_role(mut self, role: impl Into<RoleId>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Adds a directly assigned user.
    ///
    /// ```
    /// let p = rbac_profiles::Profile::new("p", "P").with_user("kendall-collins");
    /// assert_eq!(p.users, ["kendall-collins".into()]);
    /// ```
    #[must_use]
    pub fn with_user(mut self, user: impl Into<UserId>) -> Self {
        self.users.push(user.into());
        self
    }

    /// Marks the profile as the default.
    ///
    /// ```
    /// assert!(rbac_profiles::Profile::new("p", "P").as_default().default);
    /// ```
    #[must_use]
    pub fn as_default(mut self) -> Self {
        self.default = true;
        self
    }

    /// Whether this is a custom profile.
    ///
    /// ```
    /// assert!(rbac_profiles::Profile::new("p", "P").is_custom());
    /// ```
    pub fn is_custom(&self) -> bool {
        self.kind == ProfileKind::Custom
    }

    /// The rank and mapped roles by which the profile can win rule 2: a
    /// rank and at least one role.
    pub(crate) fn ranking(&self) -> Option<(u32, &[RoleId])> {
        let rank = self.rank?;
        (!self.roles.is_empty()).then_some((rank, self.roles.as_slice()))
    }
}
