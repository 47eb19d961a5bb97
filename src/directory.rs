//! The whole organisation as one document: the privilege catalogue, roles,
//! teams, users, templates, experience profiles, secured columns and column
//! security profiles.

mod edit;
mod profiles;
mod units;
mod validate;

use std::collections::BTreeSet;

pub(crate) use edit::Edit;

use indexmap::{IndexMap, IndexSet};
use serde::{Deserialize, Serialize, Serializer};

pub use profiles::Conflict;
pub(crate) use profiles::{check_settings, check_shape, conflicts};
pub(crate) use validate::check_refs_by;

use crate::business_unit::BusinessUnit;
use crate::catalog;
use crate::column::ColumnProfile;
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::error::Error;
use crate::id::{
    AsId, BusinessUnitId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TeamId,
    TemplateId, ToolSettingsId, UserId,
};
use crate::key::{AsKey, ColumnKey, Privilege};
use crate::licence::Licence;
use crate::privilege::PrivilegeDef;
use crate::profile::{Profile, Template};
use crate::role::Role;
use crate::team::Team;
use crate::user::User;

/// A directory as written: plain lists, not yet checked.
///
/// This is the shape of the JSON (or any serde format) document. Build one in
/// code or deserialize it, then turn it into a [`Directory`] with
/// [`Directory::try_from`], which checks every rule and reports the first
/// violation as a typed [`Error`]. Every list is optional in a document.
///
/// ```
/// use rbac_profiles::{Directory, DirectoryDoc, User};
///
/// let mut doc = DirectoryDoc::builtin();
/// doc.users.push(User::new("john-doe", "John Doe").with_role("omnichannel-agent"));
/// let directory = Directory::try_from(doc)?;
/// assert!(directory.user("john-doe").is_some());
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirectoryDoc {
    /// The business-unit tree, one root; none for an organisation that
    /// doesn't use them (everybody is then in one implicit root).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_units: Vec<BusinessUnit>,
    /// The privilege catalogue: every key a role may grant.
    #[serde(default)]
    pub privileges: Vec<PrivilegeDef>,
    /// Security roles.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// Teams.
    #[serde(default)]
    pub teams: Vec<Team>,
    /// Users.
    #[serde(default)]
    pub users: Vec<User>,
    /// The shared template library.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub templates: Vec<Template>,
    /// Experience profiles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<Profile>,
    /// The out-of-box profile users get when no other rule applies. Needed
    /// only when there are several out-of-box profiles; with one, it is
    /// that one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_profile: Option<ProfileId>,
    /// Secured columns: columns only column security profiles (and System
    /// Administrator) open. The built-in catalogue has the seed's; a
    /// document may add its own.
    #[serde(default)]
    pub secured_columns: Vec<ColumnKey>,
    /// Column security profiles.
    #[serde(default)]
    pub column_profiles: Vec<ColumnProfile>,
    /// The organisation's licences (a set: one listed twice counts once).
    /// Left out, licences are not modelled and every conversation channel
    /// is effective; listed, even empty, a profile's channels are effective
    /// only with a licence enabling them (see [`Licence`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licences: Option<BTreeSet<Licence>>,
    /// Productivity tool settings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_settings: Vec<ToolSettings>,
    /// Channel provider configurations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channel_providers: Vec<ChannelProvider>,
}

impl DirectoryDoc {
    /// The built-in catalogue: the seed privileges, the twelve built-in
    /// roles, the out-of-box profile and the seed's 21 secured columns, with
    /// no teams, no users and no column profiles. See [`crate::catalog`].
    ///
    /// ```
    /// let doc = rbac_profiles::DirectoryDoc::builtin();
    /// assert_eq!(doc.roles.len(), 12);
    /// assert_eq!(doc.profiles.len(), 1);
    /// assert_eq!(doc.secured_columns.len(), 21);
    /// assert!(doc.users.is_empty());
    /// ```
    pub fn builtin() -> Self {
        let builtin = catalog::builtin();
        DirectoryDoc {
            privileges: builtin.privileges,
            roles: builtin.roles,
            profiles: builtin.profiles,
            secured_columns: builtin.secured_columns,
            ..DirectoryDoc::default()
        }
    }

    /// Appends every entity of `other` after this document's own, kind by
    /// kind; `other`'s `fallback_profile` and `licences`, when it has them,
    /// replace this document's. Nothing is checked here; ids that clash are
    /// reported when the result becomes a [`Directory`].
    ///
    /// ```
    /// use rbac_profiles::{DirectoryDoc, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One"));
    /// let mut doc = DirectoryDoc::builtin();
    /// doc.extend(org);
    /// assert_eq!(doc.users.len(), 1);
    /// ```
    pub fn extend(&mut self, other: DirectoryDoc) {
        self.business_units.extend(other.business_units);
        self.privileges.extend(other.privileges);
        self.roles.extend(other.roles);
        self.teams.extend(other.teams);
        self.users.extend(other.users);
        self.templates.extend(other.templates);
        self.profiles.extend(other.profiles);
        if other.fallback_profile.is_some() {
            self.fallback_profile = other.fallback_profile;
        }
        self.secured_columns.extend(other.secured_columns);
        self.column_profiles.extend(other.column_profiles);
        if other.licences.is_some() {
            self.licences = other.licences;
        }
        self.tool_settings.extend(other.tool_settings);
        self.channel_providers.extend(other.channel_providers);
    }
}

/// A checked organisation: ids unique and non-empty, every reference known,
/// team memberships stated on both sides, role inclusion free of cycles, and
/// the profile rules of [`resolve_profile`](crate::resolve_profile) kept.
///
/// The profile rules checked on load: only custom profiles have a rank,
/// roles, directly assigned users or the default flag; ranks are positive;
/// a profile with roles has a rank; the default has no rank or roles; every
/// template a profile uses exists and is of its list's kind; a user is
/// directly assigned to one profile at most; and when there are profiles,
/// one out-of-box profile is the fallback (the only one, or the one
/// `fallback_profile` names). A directory without profiles is valid: it
/// answers privilege questions, and [`resolve_profile`](crate::resolve_profile)
/// reports [`Error::NoFallbackProfile`]. Two profiles with the same rank
/// and several defaults load: see [`Directory::conflicts`]. Column profiles
/// grant on secured columns only.
///
/// Entities keep their document order, so everything built from a directory
/// comes out in a stable order. Serializing gives the [`DirectoryDoc`] shape
/// back, and deserializing checks the rules, so a round trip returns an equal
/// directory. A format's deserializer reports a violation as its own error
/// with the same message; go through [`DirectoryDoc`] and
/// [`Directory::try_from`] to get the typed [`Error`]. Equality compares the
/// entities, not their order.
///
/// ```
/// use rbac_profiles::{Directory, DirectoryDoc, Error};
///
/// let json = r#"{ "users": [ { "id": "u1", "roles": ["no-such-role"] } ] }"#;
/// let doc: DirectoryDoc = serde_json::from_str(json).unwrap();
/// let err = Directory::try_from(doc).unwrap_err();
/// assert_eq!(err.to_string(), r#"user "u1" references unknown role "no-such-role""#);
///
/// // The same check, through serde alone:
/// let err = serde_json::from_str::<Directory>(json).unwrap_err();
/// assert!(err.to_string().contains(r#"unknown role "no-such-role""#));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DirectoryDoc")]
pub struct Directory {
    #[serde(serialize_with = "values", skip_serializing_if = "IndexMap::is_empty")]
    business_units: IndexMap<BusinessUnitId, BusinessUnit>,
    /// The root of `business_units`.
    #[serde(skip)]
    root: Option<BusinessUnitId>,
    #[serde(serialize_with = "values")]
    privileges: IndexMap<Privilege, PrivilegeDef>,
    #[serde(serialize_with = "values")]
    roles: IndexMap<RoleId, Role>,
    #[serde(serialize_with = "values")]
    teams: IndexMap<TeamId, Team>,
    #[serde(serialize_with = "values")]
    users: IndexMap<UserId, User>,
    #[serde(serialize_with = "values", skip_serializing_if = "IndexMap::is_empty")]
    templates: IndexMap<TemplateId, Template>,
    #[serde(serialize_with = "values", skip_serializing_if = "IndexMap::is_empty")]
    profiles: IndexMap<ProfileId, Profile>,
    /// As written in the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback_profile: Option<ProfileId>,
    /// The fallback in effect: the named one, or the only out-of-box one.
    #[serde(skip)]
    fallback: Option<ProfileId>,
    secured_columns: IndexSet<ColumnKey>,
    #[serde(serialize_with = "values")]
    column_profiles: IndexMap<ColumnProfileId, ColumnProfile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    licences: Option<BTreeSet<Licence>>,
    #[serde(serialize_with = "values", skip_serializing_if = "IndexMap::is_empty")]
    tool_settings: IndexMap<ToolSettingsId, ToolSettings>,
    #[serde(serialize_with = "values", skip_serializing_if = "IndexMap::is_empty")]
    channel_providers: IndexMap<ChannelProviderId, ChannelProvider>,
}

fn values<K, V: Serialize, S: Serializer>(
    map: &IndexMap<K, V>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(map.values())
}

impl TryFrom<DirectoryDoc> for Directory {
    type Error = Error;

    /// Checks every rule of the document.
    ///
    /// # Errors
    ///
    /// The first violation found, in this order: empty or duplicate ids
    /// (privileges, roles, teams, users, templates, profiles, secured
    /// columns, column profiles, tool settings, channel providers), then
    /// per role, team, user and column
    /// profile an unknown or repeated reference, then a column profile
    /// granting on a column that is not secured
    /// ([`Error::ColumnNotSecured`]), then a membership stated on one side
    /// only, then a role inclusion cycle, then per profile its own rules and
    /// references, a user assigned twice, and last the fallback profile.
    fn try_from(doc: DirectoryDoc) -> Result<Self, Error> {
        validate::validate(doc)
    }
}

impl From<Directory> for DirectoryDoc {
    fn from(directory: Directory) -> Self {
        DirectoryDoc {
            business_units: directory.business_units.into_values().collect(),
            privileges: directory.privileges.into_values().collect(),
            roles: directory.roles.into_values().collect(),
            teams: directory.teams.into_values().collect(),
            users: directory.users.into_values().collect(),
            templates: directory.templates.into_values().collect(),
            profiles: directory.profiles.into_values().collect(),
            fallback_profile: directory.fallback_profile,
            secured_columns: directory.secured_columns.into_iter().collect(),
            column_profiles: directory.column_profiles.into_values().collect(),
            licences: directory.licences,
            tool_settings: directory.tool_settings.into_values().collect(),
            channel_providers: directory.channel_providers.into_values().collect(),
        }
    }
}

impl Directory {
    /// The built-in catalogue as a directory: seed privileges, the twelve
    /// built-in roles, the out-of-box profile and the seed's secured
    /// columns; no teams, no users, no column profiles.
    ///
    /// ```
    /// let directory = rbac_profiles::Directory::builtin();
    /// assert!(directory.role("omnichannel-agent").is_some());
    /// ```
    pub fn builtin() -> Self {
        // The catalogue is the crate's own data: a unit test checks that it
        // passes validation, so it is indexed here without checking again.
        let doc = DirectoryDoc::builtin();
        Directory {
            business_units: IndexMap::new(),
            root: None,
            privileges: doc
                .privileges
                .into_iter()
                .map(|p| (p.key.clone(), p))
                .collect(),
            roles: doc.roles.into_iter().map(|r| (r.id.clone(), r)).collect(),
            teams: IndexMap::new(),
            users: IndexMap::new(),
            templates: IndexMap::new(),
            profiles: doc
                .profiles
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect(),
            fallback_profile: None,
            fallback: Some(catalog::OUT_OF_BOX_PROFILE),
            secured_columns: doc.secured_columns.into_iter().collect(),
            column_profiles: IndexMap::new(),
            licences: None,
            tool_settings: IndexMap::new(),
            channel_providers: IndexMap::new(),
        }
    }

    /// Loads your organisation from a JSON document, on top of the built-in
    /// catalogue: the way to start. The document is a [`DirectoryDoc`]
    /// (every list optional) holding your privileges, roles, teams, users,
    /// templates, profiles and column security; it may refer to the
    /// built-in roles (`omnichannel-agent`, …) and privileges by id. Needs
    /// the `json` feature (on by default).
    ///
    /// # Errors
    ///
    /// [`Error::Document`] with the line and column when the text is not
    /// JSON or not the shape of a document (an unknown field, an invalid
    /// privilege key, a grant key written twice, …); then as
    /// [`Directory::builtin_with`].
    ///
    /// ```
    /// use rbac_profiles::{has_privilege, Directory, MemoryStore};
    ///
    /// let directory = Directory::from_json(r#"{
    ///     "users": [ { "id": "kayla", "roles": ["omnichannel-supervisor"] } ]
    /// }"#)?;
    /// let store = MemoryStore::new(directory);
    /// assert!(has_privilege(&store, "kayla", "conversation:transfer")?);
    ///
    /// let err = Directory::from_json(r#"{ "users": [ { "id": "kayla", "role": [] } ] }"#).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid document at line 1, column 36: unknown field `role`, expected one of `id`, `name`, `roles`, `teams`, `business_unit`, `disabled`"
    /// );
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    #[cfg(feature = "json")]
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let org: DirectoryDoc = serde_json::from_str(json).map_err(|err| {
            let (line, column) = (err.line(), err.column());
            let text = err.to_string();
            let message = text
                .strip_suffix(&format!(" at line {line} column {column}"))
                .unwrap_or(&text)
                .to_owned();
            Error::Document {
                line,
                column,
                message,
            }
        })?;
        Self::builtin_with(org)
    }

    /// The built-in catalogue extended with an organisation of the host's own
    /// (custom privileges and roles, teams, users), checked as one document.
    ///
    /// # Errors
    ///
    /// As [`Directory::try_from`]; an id of `org` that clashes with a built-in
    /// one is a [`Error::DuplicateId`].
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("john-doe", "John Doe").with_role("omnichannel-agent"));
    /// let directory = Directory::builtin_with(org)?;
    /// assert_eq!(directory.users().count(), 1);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn builtin_with(org: DirectoryDoc) -> Result<Self, Error> {
        let mut doc = DirectoryDoc::builtin();
        doc.extend(org);
        Directory::try_from(doc)
    }

    /// The business units, in document order.
    ///
    /// ```
    /// let directory = rbac_profiles::Directory::from_json(r#"{ "business_units": [
    ///     { "id": "contoso" }, { "id": "emea", "parent": "contoso" } ] }"#)?;
    /// assert_eq!(directory.business_units().len(), 2);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn business_units(&self) -> impl ExactSizeIterator<Item = &BusinessUnit> + '_ {
        self.business_units.values()
    }

    /// The business unit with this id.
    ///
    /// ```
    /// let directory = rbac_profiles::Directory::from_json(r#"{ "business_units": [ { "id": "contoso" } ] }"#)?;
    /// assert!(directory.business_unit("contoso").is_some());
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn business_unit(&self, id: impl AsId<BusinessUnitId>) -> Option<&BusinessUnit> {
        self.business_units.get(id.id_str())
    }

    /// The root business unit; `None` when the directory has none (and
    /// everybody is in one implicit root).
    ///
    /// ```
    /// let directory = rbac_profiles::Directory::from_json(r#"{ "business_units": [
    ///     { "id": "emea", "parent": "contoso" }, { "id": "contoso" } ] }"#)?;
    /// assert_eq!(directory.root_business_unit().unwrap().as_str(), "contoso");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn root_business_unit(&self) -> Option<&BusinessUnitId> {
        self.root.as_ref()
    }

    /// The privilege catalogue, in document order.
    ///
    /// ```
    /// let directory = rbac_profiles::Directory::builtin();
    /// assert!(directory.privileges().any(|p| p.key.as_str() == "bot:create"));
    /// ```
    pub fn privileges(&self) -> impl ExactSizeIterator<Item = &PrivilegeDef> + '_ {
        self.privileges.values()
    }

    /// The catalogue entry of `key`, if the catalogue defines it.
    ///
    /// ```
    /// let directory = rbac_profiles::Directory::builtin();
    /// assert!(directory.privilege("conversation:transfer").is_some());
    /// assert!(directory.privilege("conversation:teleport").is_none());
    /// ```
    pub fn privilege(&self, key: impl AsKey<Privilege>) -> Option<&PrivilegeDef> {
        self.privileges.get(key.key_str())
    }

    /// The roles, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().roles().len(), 12);
    /// ```
    pub fn roles(&self) -> impl ExactSizeIterator<Item = &Role> + '_ {
        self.roles.values()
    }

    /// The role with this id.
    ///
    /// ```
    /// let directory = rbac_profiles::Directory::builtin();
    /// let csr = directory.role("customer-service-representative").unwrap();
    /// assert_eq!(csr.includes, ["app-profile-user".into()]);
    /// ```
    pub fn role(&self, id: impl AsId<RoleId>) -> Option<&Role> {
        self.roles.get(id.id_str())
    }

    /// The teams, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().teams().len(), 0);
    /// ```
    pub fn teams(&self) -> impl ExactSizeIterator<Item = &Team> + '_ {
        self.teams.values()
    }

    /// The team with this id.
    ///
    /// ```
    /// assert!(rbac_profiles::Directory::builtin().team("tier-2").is_none());
    /// ```
    pub fn team(&self, id: impl AsId<TeamId>) -> Option<&Team> {
        self.teams.get(id.id_str())
    }

    /// The users, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().users().len(), 0);
    /// ```
    pub fn users(&self) -> impl ExactSizeIterator<Item = &User> + '_ {
        self.users.values()
    }

    /// The user with this id.
    ///
    /// ```
    /// assert!(rbac_profiles::Directory::builtin().user("john-doe").is_none());
    /// ```
    pub fn user(&self, id: impl AsId<UserId>) -> Option<&User> {
        self.users.get(id.id_str())
    }

    /// The template library, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().templates().len(), 0);
    /// ```
    pub fn templates(&self) -> impl ExactSizeIterator<Item = &Template> + '_ {
        self.templates.values()
    }

    /// The template with this id.
    ///
    /// ```
    /// assert!(rbac_profiles::Directory::builtin().template("chat-session").is_none());
    /// ```
    pub fn template(&self, id: impl AsId<TemplateId>) -> Option<&Template> {
        self.templates.get(id.id_str())
    }

    /// The experience profiles, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().profiles().len(), 1);
    /// ```
    pub fn profiles(&self) -> impl ExactSizeIterator<Item = &Profile> + '_ {
        self.profiles.values()
    }

    /// The profile with this id.
    ///
    /// ```
    /// use rbac_profiles::{catalog, Directory};
    ///
    /// assert!(Directory::builtin().profile(&catalog::OUT_OF_BOX_PROFILE).is_some());
    /// ```
    pub fn profile(&self, id: impl AsId<ProfileId>) -> Option<&Profile> {
        self.profiles.get(id.id_str())
    }

    /// The out-of-box profile users get when no other rule applies: the one
    /// the document names as `fallback_profile`, or its only out-of-box
    /// profile; `None` when the directory has no profiles.
    ///
    /// ```
    /// use rbac_profiles::{catalog, Directory};
    ///
    /// let directory = Directory::builtin();
    /// assert_eq!(directory.fallback_profile().unwrap().id, catalog::OUT_OF_BOX_PROFILE);
    /// ```
    pub fn fallback_profile(&self) -> Option<&Profile> {
        self.fallback.as_ref().and_then(|id| self.profiles.get(id))
    }

    /// The states the administration API refuses but imports produce —
    /// custom profiles mapping roles at a shared rank, several defaults —
    /// with the profile
    /// the tie-break picks. Never fails; empty when there are none. Ranks
    /// come first, ascending, then the defaults.
    ///
    /// ```
    /// use rbac_profiles::{Conflict, Directory, DirectoryDoc, Profile};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.profiles.push(Profile::new("datum-agent", "Datum Agent").as_default());
    /// org.profiles.push(Profile::new("contoso-agent", "Contoso Agent").as_default());
    /// let directory = Directory::builtin_with(org)?;
    /// assert_eq!(directory.conflicts(), [Conflict::MultipleDefaults {
    ///     profiles: vec!["contoso-agent".into(), "datum-agent".into()],
    ///     winner: "contoso-agent".into(),
    /// }]);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn conflicts(&self) -> Vec<Conflict> {
        profiles::conflicts(self.profiles.values())
    }

    /// The templates, profiles, column profiles, tool settings and channel
    /// providers, to edit aside and give back to
    /// [`Directory::replace_profiles`]: the write path of the memory store.
    pub(crate) fn profile_parts(&self) -> ProfileParts {
        ProfileParts {
            templates: self.templates.clone(),
            profiles: self.profiles.clone(),
            column_profiles: self.column_profiles.clone(),
            tool_settings: self.tool_settings.clone(),
            channel_providers: self.channel_providers.clone(),
        }
    }

    /// Replaces the parts administration edits with `parts`, when they
    /// keep every rule a loaded directory keeps; otherwise changes nothing.
    pub(crate) fn replace_profiles(&mut self, parts: ProfileParts) -> Result<(), Error> {
        for profile in parts.column_profiles.values() {
            validate::check_column_profile(
                profile,
                &self.users,
                &self.teams,
                &self.secured_columns,
            )?;
        }
        let fallback = profiles::check_profiles(
            &self.roles,
            &self.users,
            &parts.templates,
            &parts.profiles,
            self.fallback_profile.as_ref(),
        )?;
        self.templates = parts.templates;
        self.profiles = parts.profiles;
        self.column_profiles = parts.column_profiles;
        self.tool_settings = parts.tool_settings;
        self.channel_providers = parts.channel_providers;
        self.fallback = fallback;
        Ok(())
    }

    /// The secured columns, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().secured_columns().len(), 21);
    /// ```
    pub fn secured_columns(&self) -> impl ExactSizeIterator<Item = &ColumnKey> + '_ {
        self.secured_columns.iter()
    }

    /// Whether `column` (`entity.column`) is secured.
    ///
    /// ```
    /// let directory = rbac_profiles::Directory::builtin();
    /// assert!(directory.is_secured_column("msdyn_ocapplepay.msdyn_ocmerchantcertificatepassword"));
    /// assert!(!directory.is_secured_column("msdyn_ocapplepay.msdyn_name"));
    /// ```
    pub fn is_secured_column(&self, column: impl AsKey<ColumnKey>) -> bool {
        self.secured_columns.contains(column.key_str())
    }

    /// The column security profiles, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().column_profiles().len(), 0);
    /// ```
    pub fn column_profiles(&self) -> impl ExactSizeIterator<Item = &ColumnProfile> + '_ {
        self.column_profiles.values()
    }

    /// The column security profile with this id.
    ///
    /// ```
    /// assert!(rbac_profiles::Directory::builtin().column_profile("secrets").is_none());
    /// ```
    pub fn column_profile(&self, id: impl AsId<ColumnProfileId>) -> Option<&ColumnProfile> {
        self.column_profiles.get(id.id_str())
    }

    /// The organisation's licences; `None` when the document lists none, so
    /// licences are not modelled and every channel is effective.
    ///
    /// ```
    /// use rbac_profiles::{Directory, Licence};
    ///
    /// assert_eq!(Directory::builtin().licences(), None);
    /// let directory = Directory::from_json(r#"{ "licences": ["chat"] }"#)?;
    /// assert!(directory.licences().is_some_and(|l| l.contains(&Licence::Chat)));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn licences(&self) -> Option<&BTreeSet<Licence>> {
        self.licences.as_ref()
    }

    /// The productivity tool settings, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().tool_settings().len(), 0);
    /// ```
    pub fn tool_settings(&self) -> impl ExactSizeIterator<Item = &ToolSettings> + '_ {
        self.tool_settings.values()
    }

    /// The channel provider configurations, in document order.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Directory::builtin().channel_providers().len(), 0);
    /// ```
    pub fn channel_providers(&self) -> impl ExactSizeIterator<Item = &ChannelProvider> + '_ {
        self.channel_providers.values()
    }
}

/// The parts of a [`Directory`] that administration edits.
pub(crate) struct ProfileParts {
    pub(crate) templates: IndexMap<TemplateId, Template>,
    pub(crate) profiles: IndexMap<ProfileId, Profile>,
    pub(crate) column_profiles: IndexMap<ColumnProfileId, ColumnProfile>,
    pub(crate) tool_settings: IndexMap<ToolSettingsId, ToolSettings>,
    pub(crate) channel_providers: IndexMap<ChannelProviderId, ChannelProvider>,
}
