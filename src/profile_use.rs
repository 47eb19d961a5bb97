//! `profile_use`: the profile a user resolves to, whether they can use it,
//! and which of its settings do nothing.
//!
//! Resolution ([`resolve_profile`](crate::resolve_profile)) says which
//! profile applies; it does not say whether the user sees it. Two rules of
//! the seeds sit beside it, without changing it:
//!
//! - **Who can use it.** Seed 001: "users with the required agent or
//!   supervisor role will be able to see and use the settings that are
//!   available through the assigned app profile." Seed 003: "To be able to
//!   map roles to personas in role persona mapping, you must assign the
//!   roles to users directly and not through team memberships." A user can
//!   use their profile when they hold one of
//!   [`catalog::PERSONA_ROLES`](crate::catalog::PERSONA_ROLES) directly
//!   (Omnichannel agent, Omnichannel supervisor, Customer Service
//!   Representative); through a team it does not count, nor does a custom
//!   role including one (a persona is mapped to the role itself). The
//!   [`Usability`] says which role, or why not.
//! - **Which settings are inert.** Seed 001: "Omnichannel for Customer
//!   Service is available only when you have the Chat for Dynamics 365
//!   license" (and its editorial note adds digital messaging). A channel no
//!   licence of the organisation enables does nothing
//!   ([`Inert::Unlicensed`]; the table is in [`Licence`]); when the
//!   directory lists no licences, every channel is effective. A tool of a
//!   disabled productivity pane does nothing either ([`Inert::PaneDisabled`]).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::catalog::PERSONA_ROLES;
use crate::error::{EntityRef, Error};
use crate::held::load_user;
use crate::id::{AsId, RoleId, TeamId, UserId};
use crate::licence::{Licence, unlicensed};
use crate::profile::{Channel, ProductivityTool, ProfileSettings};
use crate::resolve::{Resolution, resolve_among};
use crate::store::Store;
use crate::user::User;

/// Whether a user can use the profile they resolve to, and why (not).
///
/// In documents an object naming its `state`:
/// `{"state":"usable","role":"omnichannel-agent"}`,
/// `{"state":"no_persona_role"}`,
/// `{"state":"through_team","role":"omnichannel-agent","team":"tier-2"}`.
///
/// ```
/// use rbac_profiles::Usability;
///
/// let u = Usability::Usable { role: "omnichannel-agent".into() };
/// assert!(u.is_usable());
/// assert_eq!(u.to_string(), "usable: role omnichannel-agent held directly");
/// assert_eq!(
///     Usability::ThroughTeam { role: "omnichannel-agent".into(), team: "tier-2".into() }.to_string(),
///     "not usable: role omnichannel-agent is held only through team tier-2, and only roles assigned directly map to personas"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Usability {
    /// The user holds an agent or supervisor role directly.
    Usable {
        /// The smallest id (byte order) of the persona roles the user holds
        /// directly.
        role: RoleId,
    },
    /// The user holds no agent or supervisor role directly, nor through a
    /// team.
    NoPersonaRole,
    /// The user holds an agent or supervisor role only through a team, which
    /// does not map them to a persona.
    ThroughTeam {
        /// The smallest persona role id the team holds.
        role: RoleId,
        /// The smallest id of the user's teams holding a persona role.
        team: TeamId,
    },
}

impl Usability {
    /// Whether the user can use their profile.
    ///
    /// ```
    /// assert!(!rbac_profiles::Usability::NoPersonaRole.is_usable());
    /// ```
    pub fn is_usable(&self) -> bool {
        matches!(self, Usability::Usable { .. })
    }
}

impl fmt::Display for Usability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Usability::Usable { role } => write!(f, "usable: role {role} held directly"),
            Usability::NoPersonaRole => {
                f.write_str("not usable: no agent or supervisor role held directly")
            }
            Usability::ThroughTeam { role, team } => write!(
                f,
                "not usable: role {role} is held only through team {team}, and only roles assigned directly map to personas"
            ),
        }
    }
}

/// A setting of a profile that does nothing, and why.
///
/// In documents an object naming `why`:
/// `{"why":"unlicensed","channel":"sms","licences":["digital_messaging"]}`,
/// `{"why":"pane_disabled","tool":"smart_assist"}`.
///
/// ```
/// use std::collections::BTreeSet;
/// use rbac_profiles::{Channel, Inert, Licence, ProfileSettings};
///
/// let settings = ProfileSettings::default().with_channel(Channel::Chat).with_channel(Channel::Sms);
/// let chat_only = BTreeSet::from([Licence::Chat]);
/// let inert = Inert::in_settings(&settings, Some(&chat_only));
/// assert_eq!(inert, [Inert::Unlicensed { channel: Channel::Sms, licences: vec![Licence::DigitalMessaging] }]);
/// assert_eq!(inert[0].to_string(), "channel sms needs licence digital_messaging");
/// // Licences not modelled: every channel is effective.
/// assert!(Inert::in_settings(&settings, None).is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Inert {
    /// A conversation channel no licence of the organisation enables.
    Unlicensed {
        /// The channel.
        channel: Channel,
        /// The licences that would enable it, any one enough.
        licences: Vec<Licence>,
    },
    /// A tool of a productivity pane that is not enabled.
    PaneDisabled {
        /// The tool.
        tool: ProductivityTool,
    },
}

impl Inert {
    /// The inert settings of `settings` under the organisation's
    /// `licences` (`None`: not modelled): unlicensed channels in channel
    /// order, then the tools of a disabled pane in tool order. At most one
    /// entry a channel and a tool, so at most 17.
    ///
    /// ```
    /// use rbac_profiles::{Inert, ProductivityPane, ProductivityTool, ProfileSettings};
    ///
    /// let mut pane = ProductivityPane::with_tools([ProductivityTool::Macros]);
    /// pane.enabled = false;
    /// let settings = ProfileSettings::default().with_productivity_pane(pane);
    /// assert_eq!(Inert::in_settings(&settings, None), [Inert::PaneDisabled { tool: ProductivityTool::Macros }]);
    /// ```
    pub fn in_settings(
        settings: &ProfileSettings,
        licences: Option<&BTreeSet<Licence>>,
    ) -> Vec<Inert> {
        let channels =
            unlicensed(settings, licences)
                .into_iter()
                .map(|channel| Inert::Unlicensed {
                    channel,
                    licences: Licence::needed_for(channel).to_vec(),
                });
        let pane = &settings.productivity_pane;
        let tools = pane
            .tools
            .iter()
            .filter(|_| !pane.enabled)
            .map(|tool| Inert::PaneDisabled { tool: *tool });
        channels.chain(tools).collect()
    }
}

impl fmt::Display for Inert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Inert::Unlicensed { channel, licences } => {
                write!(f, "channel {channel} needs licence ")?;
                for (at, licence) in licences.iter().enumerate() {
                    if at > 0 {
                        f.write_str(" or ")?;
                    }
                    write!(f, "{licence}")?;
                }
                Ok(())
            }
            Inert::PaneDisabled { tool } => {
                write!(f, "tool {tool} is in a disabled productivity pane")
            }
        }
    }
}

/// The profile a user resolves to, whether they can use it, and which of
/// its settings are inert: what [`profile_use`] answers.
///
/// ```
/// use rbac_profiles::{profile_use, Directory, MemoryStore};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{
///     "users": [ { "id": "john", "roles": ["customer-service-representative"] } ]
/// }"#)?);
/// let answer = profile_use(&store, "john")?;
/// assert!(answer.usability.is_usable());
/// assert!(answer.inert.is_empty());
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProfileUse {
    /// The profile and the rule that chose it, as
    /// [`resolve_profile`](crate::resolve_profile) answers.
    pub resolution: Resolution,
    /// Whether the user can use it.
    pub usability: Usability,
    /// Its settings that do nothing, as [`Inert::in_settings`] lists them.
    pub inert: Vec<Inert>,
}

/// `<resolution>; <usability>`, then `; inert: <setting>, …` when some are.
///
/// ```
/// use rbac_profiles::{profile_use, Directory, MemoryStore};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{ "users": [ { "id": "nora" } ] }"#)?);
/// assert_eq!(
///     profile_use(&store, "nora")?.to_string(),
///     "default-agent-experience-profile (out-of-box fallback); not usable: no agent or supervisor role held directly"
/// );
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
impl fmt::Display for ProfileUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.resolution, self.usability)?;
        for (at, inert) in self.inert.iter().enumerate() {
            f.write_str(if at == 0 { "; inert: " } else { ", " })?;
            write!(f, "{inert}")?;
        }
        Ok(())
    }
}

/// The experience profile that applies to `user` (as
/// [`resolve_profile`](crate::resolve_profile) answers), whether they can
/// use it, and which of its settings are inert. See the
/// [module rules](crate::guide::rules).
///
/// # Errors
///
/// As [`resolve_profile`](crate::resolve_profile); and
/// [`Error::UnknownProfile`] when the store does not hold the profile it
/// named as the fallback, [`Error::UnknownReference`] when the user lists a
/// team the store does not hold.
///
/// ```
/// use rbac_profiles::{profile_use, Channel, Directory, Inert, Licence, MemoryStore, Usability};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{
///     "licences": ["chat"],
///     "teams": [ { "id": "tier-2", "roles": ["omnichannel-agent"], "members": ["kayla"] } ],
///     "users": [
///         { "id": "john", "roles": ["omnichannel-agent"] },
///         { "id": "kayla", "teams": ["tier-2"] }
///     ],
///     "profiles": [ { "id": "agents", "name": "Agents", "default": true,
///                     "settings": { "channels": ["chat", "sms"] } } ]
/// }"#)?);
///
/// let john = profile_use(&store, "john")?;
/// assert_eq!(john.usability, Usability::Usable { role: "omnichannel-agent".into() });
/// // SMS needs the digital messaging licence, which the organisation lacks.
/// assert_eq!(john.inert, [Inert::Unlicensed { channel: Channel::Sms, licences: vec![Licence::DigitalMessaging] }]);
///
/// // Kayla gets the same profile, but her agent role comes through a team.
/// let kayla = profile_use(&store, "kayla")?;
/// assert_eq!(kayla.resolution.profile.as_str(), "agents");
/// assert_eq!(kayla.usability, Usability::ThroughTeam { role: "omnichannel-agent".into(), team: "tier-2".into() });
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn profile_use<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
) -> Result<ProfileUse, Error> {
    let user = load_user(store, user)?;
    let profiles = store.profiles()?;
    let resolution = resolve_among(store, &user, &profiles)?;
    let usability = usability(store, &user)?;
    let settings = match profiles.iter().find(|p| p.id == resolution.profile) {
        Some(profile) => profile.settings.clone(),
        None => store
            .profile(&resolution.profile)?
            .ok_or_else(|| Error::UnknownProfile {
                profile: resolution.profile.clone(),
            })?
            .settings
            .clone(),
    };
    let inert = Inert::in_settings(&settings, store.licences()?.as_ref());
    Ok(ProfileUse {
        resolution,
        usability,
        inert,
    })
}

/// Whether `role` is an agent or supervisor persona role.
pub(crate) fn is_persona(role: &str) -> bool {
    PERSONA_ROLES.iter().any(|r| r.as_str() == role)
}

/// The smallest persona role among `roles`.
fn smallest_persona<'a>(roles: impl IntoIterator<Item = &'a RoleId>) -> Option<&'a RoleId> {
    roles.into_iter().filter(|r| is_persona(r.as_str())).min()
}

/// Whether `user` can use their profile: a persona role held directly,
/// else one held through a team (the smallest team id), else none.
pub(crate) fn usability<S: Store + ?Sized>(store: &S, user: &User) -> Result<Usability, Error> {
    if let Some(role) = smallest_persona(user.role_ids()) {
        return Ok(Usability::Usable { role: role.clone() });
    }
    let mut teams: Vec<&TeamId> = user.teams.iter().collect();
    teams.sort_unstable();
    teams.dedup();
    for id in teams {
        let team = store.team(id)?.ok_or_else(|| Error::UnknownReference {
            owner: EntityRef::User(user.id.clone()),
            target: EntityRef::Team(id.clone()),
        })?;
        if let Some(role) = smallest_persona(&team.roles) {
            return Ok(Usability::ThroughTeam {
                role: role.clone(),
                team: id.clone(),
            });
        }
    }
    Ok(Usability::NoPersonaRole)
}
