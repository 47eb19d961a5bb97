//! The organisation's licences, and which conversation channels each one
//! enables.
//!
//! Seed 001: "Omnichannel for Customer Service is available only when you
//! have the Chat for Dynamics 365 license", and its editorial note: "Not just
//! chat for D365 but even digital messaging sku". Seed 003: "An additional
//! license is required to access Omnichannel for Customer Service." The
//! seeds name no licence for voice and none for any channel one by one;
//! there the crate follows Dynamics 365's licensing:
//!
//! | Channel | Enabled by |
//! | --- | --- |
//! | `chat` | [`Licence::Chat`] or [`Licence::DigitalMessaging`] |
//! | `sms`, `facebook`, `whats_app`, `twitter`, `we_chat`, `line`, `teams`, `apple_messages`, `google_business_messages`, `custom` | [`Licence::DigitalMessaging`] |
//! | `voice` | [`Licence::Voice`] |
//! | `email` | no licence: email is Customer Service's own channel, not one of Omnichannel's |
//!
//! A directory that lists no licences (no `licences` field) does not model
//! them: every channel is effective, exactly as before licences were
//! modelled. A directory listing them, even an empty list, makes a
//! profile's channels effective only with a licence enabling them.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::profile::{Channel, ProfileSettings};

/// A licence of the organisation that enables conversation channels.
///
/// In documents: `"chat"`, `"digital_messaging"`, `"voice"`.
///
/// ```
/// use rbac_profiles::{Channel, Licence};
///
/// assert!(Licence::Chat.enables(Channel::Chat));
/// assert!(!Licence::Chat.enables(Channel::Sms));
/// assert!(Licence::DigitalMessaging.enables(Channel::Sms));
/// assert_eq!(Licence::DigitalMessaging.to_string(), "digital_messaging");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Licence {
    /// Chat for Dynamics 365 Customer Service (seed 001): live chat.
    Chat,
    /// Digital Messaging (seed 001's editorial note): chat, SMS, the social
    /// and messaging channels, Microsoft Teams and custom channels.
    DigitalMessaging,
    /// The voice channel add-in (the seeds are silent; Dynamics 365 sells
    /// voice separately): voice calls.
    Voice,
}

impl Licence {
    /// Every licence, in order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Licence::ALL.len(), 3);
    /// ```
    pub const ALL: [Licence; 3] = [Licence::Chat, Licence::DigitalMessaging, Licence::Voice];

    /// The licence's name in documents.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Licence::Voice.as_str(), "voice");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Licence::Chat => "chat",
            Licence::DigitalMessaging => "digital_messaging",
            Licence::Voice => "voice",
        }
    }

    /// Whether this licence enables `channel`.
    ///
    /// ```
    /// use rbac_profiles::{Channel, Licence};
    ///
    /// assert!(Licence::Voice.enables(Channel::Voice));
    /// assert!(!Licence::DigitalMessaging.enables(Channel::Voice));
    /// ```
    pub fn enables(self, channel: Channel) -> bool {
        Licence::needed_for(channel).contains(&self)
    }

    /// The licences that enable `channel`, any one of them enough; empty
    /// when the channel needs none (email).
    ///
    /// ```
    /// use rbac_profiles::{Channel, Licence};
    ///
    /// assert_eq!(Licence::needed_for(Channel::Chat), [Licence::Chat, Licence::DigitalMessaging]);
    /// assert!(Licence::needed_for(Channel::Email).is_empty());
    /// ```
    pub fn needed_for(channel: Channel) -> &'static [Licence] {
        match channel {
            Channel::Chat => &[Licence::Chat, Licence::DigitalMessaging],
            Channel::Voice => &[Licence::Voice],
            Channel::Email => &[],
            Channel::Sms
            | Channel::Facebook
            | Channel::WhatsApp
            | Channel::Twitter
            | Channel::WeChat
            | Channel::Line
            | Channel::Teams
            | Channel::AppleMessages
            | Channel::GoogleBusinessMessages
            | Channel::Custom => &[Licence::DigitalMessaging],
        }
    }

    /// Whether `channel` is effective under `licences`: always when the
    /// licences are not modelled (`None`), otherwise when it needs none or
    /// one of `licences` enables it.
    ///
    /// ```
    /// use std::collections::BTreeSet;
    /// use rbac_profiles::{Channel, Licence};
    ///
    /// let chat_only = BTreeSet::from([Licence::Chat]);
    /// assert!(Licence::effective(Channel::Chat, Some(&chat_only)));
    /// assert!(!Licence::effective(Channel::Sms, Some(&chat_only)));
    /// assert!(Licence::effective(Channel::Sms, None));
    /// ```
    pub fn effective(channel: Channel, licences: Option<&BTreeSet<Licence>>) -> bool {
        let needed = Licence::needed_for(channel);
        licences.is_none_or(|held| needed.is_empty() || needed.iter().any(|l| held.contains(l)))
    }
}

impl fmt::Display for Licence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The channels of `settings` that no licence of `licences` enables, in
/// channel order; none when the licences are not modelled.
pub(crate) fn unlicensed(
    settings: &ProfileSettings,
    licences: Option<&BTreeSet<Licence>>,
) -> Vec<Channel> {
    settings
        .channels
        .iter()
        .copied()
        .filter(|c| !Licence::effective(*c, licences))
        .collect()
}
