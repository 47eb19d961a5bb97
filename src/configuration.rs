//! What the App profile manager administrator configures besides profiles
//! and templates: productivity tool settings and channel provider
//! configurations.
//!
//! Seed 000: "You need to manually provide the App profile manger
//! administrator role to the user who'll create app profiles, templates,
//! productivity tools, and channel provider configurations." The catalogue
//! has their privileges (`productivity_tool_settings:*`,
//! `channel_provider_settings:*`); [`AdminOp`](crate::AdminOp) creates,
//! updates and deletes them with those privileges as requirements. Each is
//! kept minimal: an id, a name, and what it configures.

use serde::{Deserialize, Serialize};

use crate::id::{ChannelProviderId, ToolSettingsId};
use crate::profile::{Channel, ProductivityTool};

/// The settings of one productivity tool (smart assist, agent scripts,
/// knowledge search, macros), as the Productivity area of the app profile
/// manager keeps them.
///
/// ```
/// use rbac_profiles::{ProductivityTool, ToolSettings};
///
/// let s = ToolSettings::new("smart-assist", "Smart assist", ProductivityTool::SmartAssist);
/// assert_eq!(s.tool, ProductivityTool::SmartAssist);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ToolSettings {
    /// The settings' id, unique among tool settings.
    pub id: ToolSettingsId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// The tool they configure.
    pub tool: ProductivityTool,
}

impl ToolSettings {
    /// Settings named `name` for `tool`.
    ///
    /// ```
    /// use rbac_profiles::{ProductivityTool, ToolSettings};
    ///
    /// let s = ToolSettings::new("macros", "Macros", ProductivityTool::Macros);
    /// assert_eq!(s.id.as_str(), "macros");
    /// ```
    pub fn new(
        id: impl Into<ToolSettingsId>,
        name: impl Into<String>,
        tool: ProductivityTool,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            tool,
        }
    }
}

/// A channel provider configuration: the provider of one conversation
/// channel (a voice or chat provider integrated into the agent's app).
///
/// ```
/// use rbac_profiles::{Channel, ChannelProvider};
///
/// let p = ChannelProvider::new("contoso-voice", "Contoso voice", Channel::Voice);
/// assert_eq!(p.channel, Channel::Voice);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ChannelProvider {
    /// The configuration's id, unique among channel providers.
    pub id: ChannelProviderId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// The channel it provides.
    pub channel: Channel,
}

impl ChannelProvider {
    /// A provider named `name` of `channel`.
    ///
    /// ```
    /// use rbac_profiles::{Channel, ChannelProvider};
    ///
    /// let p = ChannelProvider::new("teams-chat", "Teams", Channel::Teams);
    /// assert_eq!(p.name, "Teams");
    /// ```
    pub fn new(
        id: impl Into<ChannelProviderId>,
        name: impl Into<String>,
        channel: Channel,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            channel,
        }
    }
}
