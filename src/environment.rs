//! The state of an existing environment before profiles: what the upgrade
//! carries into the out-of-box profile.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::id::TemplateId;
use crate::profile::{Channel, ProductivityPane};

/// The settings an existing environment works with before it has app
/// profiles: the templates in use, the productivity pane and the tools
/// configured in it, and the channels configured.
///
/// [`AdminOp::Upgrade`](crate::AdminOp::Upgrade) copies it into the
/// out-of-box profile. Seed 001: "When you upgrade your existing
/// environments, the settings for templates, productivity tools, and
/// channels configuration in the out-of-the-box app profile will reflect
/// the existing state of your environment."
///
/// ```
/// use rbac_profiles::{Channel, Environment, ProductivityPane, ProductivityTool};
///
/// let env = Environment::default()
///     .with_template("chat-session")
///     .with_channel(Channel::Chat)
///     .with_productivity_pane(ProductivityPane::with_tools([ProductivityTool::SmartAssist]));
/// assert!(env.productivity_pane.enabled);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Environment {
    /// The templates in use, of any kind, in the order profiles list them;
    /// each goes to the list of its kind in the library.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<TemplateId>,
    /// The conversation channels configured.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub channels: BTreeSet<Channel>,
    /// Whether the productivity pane is enabled, and the tools configured.
    #[serde(default)]
    pub productivity_pane: ProductivityPane,
}

impl Environment {
    /// Adds a template in use.
    ///
    /// ```
    /// let env = rbac_profiles::Environment::default().with_template("ring");
    /// assert_eq!(env.templates, ["ring".into()]);
    /// ```
    #[must_use]
    pub fn with_template(mut self, template: impl Into<TemplateId>) -> Self {
        self.templates.push(template.into());
        self
    }

    /// Adds a configured channel.
    ///
    /// ```
    /// use rbac_profiles::{Channel, Environment};
    ///
    /// let env = Environment::default().with_channel(Channel::Sms);
    /// assert!(env.channels.contains(&Channel::Sms));
    /// ```
    #[must_use]
    pub fn with_channel(mut self, channel: Channel) -> Self {
        self.channels.insert(channel);
        self
    }

    /// Sets the productivity pane.
    ///
    /// ```
    /// use rbac_profiles::{Environment, ProductivityPane};
    ///
    /// let env = Environment::default().with_productivity_pane(ProductivityPane::with_tools([]));
    /// assert!(env.productivity_pane.enabled);
    /// ```
    #[must_use]
    pub fn with_productivity_pane(mut self, pane: ProductivityPane) -> Self {
        self.productivity_pane = pane;
        self
    }
}
