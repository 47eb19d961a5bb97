//! Administration of profiles, templates, productivity tool settings,
//! channel providers and column security profiles: authorised, checked,
//! and all or nothing.
//!
//! Every operation is made *by an actor*, a user who must meet the
//! operation's [`Requirement`] ([`AdminOp::requirement`]): the App profile
//! manager administrator privilege it needs for profiles, templates, tool
//! settings and channel providers, the System Administrator role for
//! column security. The operation is checked
//! against the store's current state (or, in a batch, the state the earlier
//! operations leave), and only then are its writes handed to
//! [`StoreMut::apply`] as one change set. Any refusal, and any failure of the store's reads, leaves
//! the store untouched; a failure of `apply` leaves it untouched by that
//! method's contract.

use std::borrow::Cow;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::access::has_privilege;
use crate::catalog;
use crate::column::ColumnProfile;
use crate::configuration::{ChannelProvider, ToolSettings};
use crate::directory::{check_refs_by, check_settings, check_shape};
use crate::environment::Environment;
use crate::error::{EntityRef, Error, OutOfBoxRule, Requirement};
use crate::held::{holds_role, load_user};
use crate::id::{
    AsId, ChannelProviderId, ColumnProfileId, ProfileId, RoleId, TemplateId, ToolSettingsId, UserId,
};
use crate::profile::{Profile, ProfileSettings, Template, TemplateKind, TemplateOrigin};
use crate::store::{Change, Store, StoreMut};

/// One administration operation on profiles or templates.
///
/// The rules each operation keeps are the invariants of
/// [`resolve_profile`](crate::resolve_profile); a violation is refused with
/// its own [`Error`] variant, never silently fixed.
///
/// ```
/// use rbac_profiles::AdminOp;
///
/// let op = AdminOp::SetRankAndRoles {
///     profile: "contoso-supervisor".into(),
///     rank: 1,
///     roles: vec!["omnichannel-supervisor".into()],
/// };
/// assert_eq!(op.requirement().to_string(), r#"privilege "app_profile:write""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op", deny_unknown_fields)]
#[non_exhaustive]
pub enum AdminOp {
    /// Creates a custom profile with these settings, mapping nobody.
    ///
    /// Refused: an empty or taken id ([`Error::EmptyId`],
    /// [`Error::DuplicateId`]); an unknown template, one of the wrong kind,
    /// or one listed twice.
    CreateProfile {
        /// The new profile's id.
        profile: ProfileId,
        /// Its name.
        name: String,
        /// Its settings.
        #[serde(default)]
        settings: ProfileSettings,
    },
    /// Replaces a profile's settings (out-of-box profiles included).
    ///
    /// Refused: as for `CreateProfile`, and an unknown profile.
    UpdateSettings {
        /// The profile.
        profile: ProfileId,
        /// The new settings.
        settings: ProfileSettings,
    },
    /// Deletes a custom profile. Its users fall through to the next rule.
    ///
    /// Refused: an unknown profile; an out-of-box one.
    DeleteProfile {
        /// The profile.
        profile: ProfileId,
    },
    /// Makes a custom profile the default, removing its rank and roles.
    /// Setting the default again on the profile that already is the default
    /// changes nothing and succeeds.
    ///
    /// Refused: an out-of-box profile ([`Error::OutOfBox`]); another profile
    /// already the default ([`Error::DefaultExists`]: remove it first, there
    /// is never a silent switch).
    SetDefault {
        /// The profile.
        profile: ProfileId,
    },
    /// Removes the default flag from the default profile.
    ///
    /// Refused: a profile that is not the default ([`Error::NotDefault`]).
    RemoveDefault {
        /// The profile.
        profile: ProfileId,
    },
    /// Gives a custom profile a rank and the roles it maps, replacing any it
    /// had. Rank 1 is the highest.
    ///
    /// Refused: an out-of-box profile; the default profile
    /// ([`Error::DefaultMapped`]); rank 0; a rank another profile holds
    /// ([`Error::RankTaken`]); an unknown role, or one listed twice.
    SetRankAndRoles {
        /// The profile.
        profile: ProfileId,
        /// Its rank.
        rank: u32,
        /// The roles it maps.
        roles: Vec<RoleId>,
    },
    /// Clears a profile's rank and roles, both at once.
    ///
    /// Refused: an out-of-box profile.
    RemoveRankAndRoles {
        /// The profile.
        profile: ProfileId,
    },
    /// Assigns users to a custom profile directly.
    ///
    /// Refused: an out-of-box profile; an unknown user, or one listed twice;
    /// a user already directly assigned to a profile, this one included
    /// ([`Error::AlreadyAssigned`] names it).
    AssignUsers {
        /// The profile.
        profile: ProfileId,
        /// The users.
        users: Vec<UserId>,
    },
    /// Removes direct assignments from a profile.
    ///
    /// Refused: a user the profile does not list ([`Error::NotAssigned`]).
    UnassignUsers {
        /// The profile.
        profile: ProfileId,
        /// The users.
        users: Vec<UserId>,
    },
    /// Adds a custom template to the shared library.
    ///
    /// Refused: an empty or taken id; an out-of-box template
    /// ([`Error::OutOfBoxTemplate`]: the product ships those).
    CreateTemplate {
        /// The template.
        template: Template,
    },
    /// Deletes a custom template from the library.
    ///
    /// Refused: an unknown template; an out-of-box one
    /// ([`Error::OutOfBoxTemplate`]); one that profiles use
    /// ([`Error::TemplateInUse`] lists them).
    DeleteTemplate {
        /// The template.
        template: TemplateId,
    },
    /// Renames a custom template of the library.
    ///
    /// Refused: an unknown template; an out-of-box one
    /// ([`Error::OutOfBoxTemplate`]).
    RenameTemplate {
        /// The template.
        template: TemplateId,
        /// Its new name.
        name: String,
    },
    /// The upgrade of an existing environment: sets the out-of-box
    /// fallback profile's settings from the environment's state — its
    /// templates in use (each to the list of its kind), its channels, its
    /// productivity pane and the tools configured in it (seed 001: "When
    /// you upgrade your existing environments, the settings for templates,
    /// productivity tools, and channels configuration in the out-of-the-box
    /// app profile will reflect the existing state of your environment").
    ///
    /// Refused: no fallback profile ([`Error::NoFallbackProfile`]); a
    /// template the library lacks, or one listed twice.
    ///
    /// The seed's own case: "if productivity pane is enabled and smart
    /// assist is configured, the settings will be retained in the
    /// out-of-the-box app profile".
    ///
    /// ```
    /// use rbac_profiles::{
    ///     administer, AdminOp, Directory, Environment, MemoryStore, ProductivityPane, ProductivityTool,
    /// };
    ///
    /// let mut store = MemoryStore::new(Directory::from_json(r#"{
    ///     "users": [ { "id": "avery", "roles": ["app-profile-manager-administrator"] } ]
    /// }"#)?);
    /// let environment = Environment::default()
    ///     .with_productivity_pane(ProductivityPane::with_tools([ProductivityTool::SmartAssist]));
    /// let upgrade = AdminOp::Upgrade { environment };
    /// assert_eq!(upgrade.requirement().to_string(), r#"privilege "app_profile:write""#);
    /// administer(&mut store, "avery", &upgrade)?;
    ///
    /// let pane = &store.directory().fallback_profile().unwrap().settings.productivity_pane;
    /// assert!(pane.enabled && pane.tools.contains(&ProductivityTool::SmartAssist));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    Upgrade {
        /// The environment's state.
        environment: Environment,
    },
    /// Creates productivity tool settings.
    ///
    /// Refused: an empty or taken id.
    CreateToolSettings {
        /// The new settings.
        settings: ToolSettings,
    },
    /// Replaces productivity tool settings.
    ///
    /// Refused: unknown settings ([`Error::UnknownToolSettings`]).
    UpdateToolSettings {
        /// The settings as they should be.
        settings: ToolSettings,
    },
    /// Deletes productivity tool settings.
    ///
    /// Refused: unknown settings.
    DeleteToolSettings {
        /// The settings.
        settings: ToolSettingsId,
    },
    /// Creates a channel provider configuration.
    ///
    /// Refused: an empty or taken id.
    CreateChannelProvider {
        /// The new configuration.
        provider: ChannelProvider,
    },
    /// Replaces a channel provider configuration.
    ///
    /// Refused: an unknown one ([`Error::UnknownChannelProvider`]).
    UpdateChannelProvider {
        /// The configuration as it should be.
        provider: ChannelProvider,
    },
    /// Deletes a channel provider configuration.
    ///
    /// Refused: an unknown one.
    DeleteChannelProvider {
        /// The configuration.
        provider: ChannelProviderId,
    },
    /// Creates a column security profile, with its members and permissions.
    ///
    /// Refused: an empty or taken id; an unknown user or team, or one listed
    /// twice; a permission on a column that is not secured
    /// ([`Error::ColumnNotSecured`]).
    CreateColumnProfile {
        /// The new column security profile.
        profile: ColumnProfile,
    },
    /// Replaces a column security profile's name, members and permissions.
    ///
    /// Refused: an unknown profile ([`Error::UnknownColumnProfile`]), and as
    /// for `CreateColumnProfile`.
    UpdateColumnProfile {
        /// The column security profile as it should be.
        profile: ColumnProfile,
    },
    /// Deletes a column security profile; its members lose what it granted.
    ///
    /// Refused: an unknown profile.
    DeleteColumnProfile {
        /// The column security profile.
        profile: ColumnProfileId,
    },
}

impl AdminOp {
    /// What the actor must have. Profiles, templates, tool settings and
    /// channel providers need a privilege of App profile manager
    /// administrator: `app_profile:create`, `app_profile:write` (the
    /// upgrade too: it writes the out-of-box profile) or
    /// `app_profile:delete`; `template:create`, `template:write` (rename)
    /// or `template:delete`; `productivity_tool_settings:create`, `write`
    /// or `delete`; `channel_provider_settings:create`, `write` or
    /// `delete`. Column security profiles need the System Administrator
    /// role: the seeds grant no privilege over them, and in Dataverse only
    /// system administrators manage field security.
    ///
    /// ```
    /// use rbac_profiles::{AdminOp, Requirement};
    ///
    /// let op = AdminOp::DeleteTemplate { template: "chat-session".into() };
    /// assert_eq!(op.requirement(), Requirement::Privilege("template:delete".parse()?));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn requirement(&self) -> Requirement {
        Requirement::Privilege(match self {
            AdminOp::CreateProfile { .. } => catalog::APP_PROFILE_CREATE,
            AdminOp::DeleteProfile { .. } => catalog::APP_PROFILE_DELETE,
            AdminOp::CreateTemplate { .. } => catalog::TEMPLATE_CREATE,
            AdminOp::DeleteTemplate { .. } => catalog::TEMPLATE_DELETE,
            AdminOp::RenameTemplate { .. } => catalog::TEMPLATE_WRITE,
            AdminOp::CreateToolSettings { .. } => catalog::TOOL_SETTINGS_CREATE,
            AdminOp::UpdateToolSettings { .. } => catalog::TOOL_SETTINGS_WRITE,
            AdminOp::DeleteToolSettings { .. } => catalog::TOOL_SETTINGS_DELETE,
            AdminOp::CreateChannelProvider { .. } => catalog::CHANNEL_PROVIDER_CREATE,
            AdminOp::UpdateChannelProvider { .. } => catalog::CHANNEL_PROVIDER_WRITE,
            AdminOp::DeleteChannelProvider { .. } => catalog::CHANNEL_PROVIDER_DELETE,
            AdminOp::Upgrade { .. }
            | AdminOp::UpdateSettings { .. }
            | AdminOp::SetDefault { .. }
            | AdminOp::RemoveDefault { .. }
            | AdminOp::SetRankAndRoles { .. }
            | AdminOp::RemoveRankAndRoles { .. }
            | AdminOp::AssignUsers { .. }
            | AdminOp::UnassignUsers { .. } => catalog::APP_PROFILE_WRITE,
            AdminOp::CreateColumnProfile { .. }
            | AdminOp::UpdateColumnProfile { .. }
            | AdminOp::DeleteColumnProfile { .. } => {
                return Requirement::Role(catalog::SYSTEM_ADMINISTRATOR);
            }
        })
    }
}

/// Performs one operation by `actor`, all or nothing.
///
/// # Errors
///
/// [`Error::UnknownUser`] for an unknown actor, [`Error::AccessDenied`] when
/// the actor lacks [`AdminOp::requirement`], the error of the rule
/// the operation would break (see each [`AdminOp`] variant), and
/// [`Error::Storage`] when the store fails. After any error the store is as
/// it was.
///
/// ```
/// use rbac_profiles::{administer, resolve_profile, AdminOp, Directory, DirectoryDoc, Error, MemoryStore, Reason, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("admin", "Admin").with_role("app-profile-manager-administrator"));
/// org.users.push(User::new("kendall", "Kendall Collins").with_role("omnichannel-agent"));
/// let mut store = MemoryStore::new(Directory::builtin_with(org)?);
/// let admin = "admin";
///
/// administer(&mut store, &admin, &AdminOp::CreateProfile {
///     profile: "datum-agent".into(), name: "Datum Agent".into(), settings: Default::default(),
/// })?;
/// administer(&mut store, &admin, &AdminOp::SetRankAndRoles {
///     profile: "datum-agent".into(), rank: 2, roles: vec!["omnichannel-agent".into()],
/// })?;
/// let kendall = resolve_profile(&store, "kendall")?;
/// assert_eq!(kendall.profile.as_str(), "datum-agent");
///
/// // Kendall may not administer.
/// let err = administer(&mut store, "kendall", &AdminOp::DeleteProfile {
///     profile: "datum-agent".into(),
/// }).unwrap_err();
/// assert_eq!(err.to_string(), r#"user "kendall" lacks privilege "app_profile:delete""#);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn administer<S: StoreMut + ?Sized>(
    store: &mut S,
    actor: impl AsId<UserId>,
    op: &AdminOp,
) -> Result<(), Error> {
    administer_all(store, actor, std::slice::from_ref(op))
}

/// Performs a batch of operations by `actor` as one change set: each is
/// checked against the state the earlier ones leave, and either all are
/// stored or none is.
///
/// # Errors
///
/// As [`administer`], for the first operation that fails; nothing of the
/// batch is stored then.
///
/// ```
/// use rbac_profiles::{administer_all, AdminOp, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("admin", "Admin").with_role("omnichannel-administrator"));
/// let mut store = MemoryStore::new(Directory::builtin_with(org)?);
/// let before = store.clone();
///
/// let batch = [
///     AdminOp::CreateProfile { profile: "a".into(), name: "A".into(), settings: Default::default() },
///     AdminOp::SetDefault { profile: "a".into() },
///     AdminOp::SetRankAndRoles { profile: "a".into(), rank: 1, roles: vec![] },
/// ];
/// // The third operation breaks a rule: the default can't be ranked.
/// assert!(administer_all(&mut store, "admin", &batch).is_err());
/// assert_eq!(store, before);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn administer_all<S: StoreMut + ?Sized>(
    store: &mut S,
    actor: impl AsId<UserId>,
    ops: &[AdminOp],
) -> Result<(), Error> {
    let actor = actor.to_id();
    let changes = {
        let mut staged = Staged::new(&*store);
        for (position, op) in (1..).zip(ops) {
            staged.stage(&actor, position, op)?;
        }
        staged.changes
    };
    if changes.is_empty() {
        return Ok(());
    }
    store.apply(&changes)?;
    Ok(())
}

/// The change set `ops` would write to `store` as one batch, checked against
/// every rule of each operation except who makes it: what a what-if
/// question needs.
pub(crate) fn changes_of<S: Store + ?Sized>(
    store: &S,
    ops: &[AdminOp],
) -> Result<Vec<Change>, Error> {
    let mut staged = Staged::new(store);
    for (position, op) in (1..).zip(ops) {
        staged.stage_op(position, op)?;
    }
    Ok(staged.changes)
}

/// The store as the staged changes leave it.
struct Staged<'s, S: ?Sized> {
    base: &'s S,
    profiles: IndexMap<ProfileId, Option<Profile>>,
    templates: IndexMap<TemplateId, Option<Template>>,
    column_profiles: IndexMap<ColumnProfileId, Option<ColumnProfile>>,
    tool_settings: IndexMap<ToolSettingsId, bool>,
    channel_providers: IndexMap<ChannelProviderId, bool>,
    changes: Vec<Change>,
}

impl<'s, S: Store + ?Sized> Staged<'s, S> {
    fn new(base: &'s S) -> Self {
        Self {
            base,
            profiles: IndexMap::new(),
            templates: IndexMap::new(),
            column_profiles: IndexMap::new(),
            tool_settings: IndexMap::new(),
            channel_providers: IndexMap::new(),
            changes: Vec::new(),
        }
    }

    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, Error> {
        match self.profiles.get(id) {
            Some(staged) => Ok(staged.as_ref().map(Cow::Borrowed)),
            None => Ok(self.base.profile(id)?),
        }
    }

    /// The profile `id`, which must exist.
    fn existing(&self, id: &ProfileId) -> Result<Profile, Error> {
        self.profile(id)?
            .map(Cow::into_owned)
            .ok_or_else(|| Error::UnknownProfile {
                profile: id.clone(),
            })
    }

    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, Error> {
        let mut all: Vec<Cow<'_, Profile>> = self
            .base
            .profiles()?
            .into_iter()
            .filter(|p| !self.profiles.contains_key(&p.id))
            .collect();
        all.extend(self.profiles.values().flatten().map(Cow::Borrowed));
        Ok(all)
    }

    /// The smallest id among the profiles other than `except` that pass
    /// `test`.
    fn find_profile(
        &self,
        except: &ProfileId,
        test: impl Fn(&Profile) -> bool,
    ) -> Result<Option<ProfileId>, Error> {
        Ok(self
            .profiles()?
            .iter()
            .filter(|p| p.id != *except && test(p))
            .map(|p| p.id.clone())
            .min())
    }

    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, Error> {
        match self.templates.get(id) {
            Some(staged) => Ok(staged.as_ref().map(Cow::Borrowed)),
            None => Ok(self.base.template(id)?),
        }
    }

    fn column_profile_exists(&self, id: &ColumnProfileId) -> Result<bool, Error> {
        match self.column_profiles.get(id) {
            Some(staged) => Ok(staged.is_some()),
            None => Ok(self.base.column_profiles()?.iter().any(|p| p.id == *id)),
        }
    }

    fn tool_settings_exist(&self, id: &ToolSettingsId) -> Result<bool, Error> {
        match self.tool_settings.get(id) {
            Some(staged) => Ok(*staged),
            None => Ok(self.base.tool_settings()?.iter().any(|s| s.id == *id)),
        }
    }

    fn channel_provider_exists(&self, id: &ChannelProviderId) -> Result<bool, Error> {
        match self.channel_providers.get(id) {
            Some(staged) => Ok(*staged),
            None => Ok(self.base.channel_providers()?.iter().any(|p| p.id == *id)),
        }
    }

    /// The template `id`, which must exist and be custom: out-of-box
    /// templates can't undergo `rule`.
    fn custom_template(&self, id: &TemplateId, rule: OutOfBoxRule) -> Result<Template, Error> {
        let template =
            self.template(id)?
                .map(Cow::into_owned)
                .ok_or_else(|| Error::UnknownTemplate {
                    template: id.clone(),
                })?;
        if template.origin.is_custom() {
            Ok(template)
        } else {
            Err(Error::OutOfBoxTemplate {
                template: id.clone(),
                rule,
            })
        }
    }

    fn put_template(&mut self, template: &Template) {
        self.templates
            .insert(template.id.clone(), Some(template.clone()));
        self.changes.push(Change::PutTemplate(template.clone()));
    }

    /// The settings an environment's state gives the out-of-box profile
    /// `profile`: each template in use to the list of its kind.
    fn upgraded(
        &self,
        profile: &ProfileId,
        environment: &Environment,
    ) -> Result<ProfileSettings, Error> {
        let mut settings = ProfileSettings {
            channels: environment.channels.clone(),
            productivity_pane: environment.productivity_pane.clone(),
            ..ProfileSettings::default()
        };
        for id in &environment.templates {
            let Some(template) = self.template(id)? else {
                return Err(Error::UnknownReference {
                    owner: EntityRef::Profile(profile.clone()),
                    target: EntityRef::Template(id.clone()),
                });
            };
            let list = match template.kind {
                TemplateKind::Session => &mut settings.session_templates,
                TemplateKind::ApplicationTab => &mut settings.application_tab_templates,
                TemplateKind::Notification => &mut settings.notification_templates,
            };
            list.push(id.clone());
        }
        // Kinds match by construction; this refuses a template listed twice.
        self.check_settings(profile, &settings)?;
        Ok(settings)
    }

    /// Stages `profile`, unless it is what the store already holds.
    fn put_profile(&mut self, profile: Profile) -> Result<(), Error> {
        if self.profile(&profile.id)?.as_deref() == Some(&profile) {
            return Ok(());
        }
        self.profiles
            .insert(profile.id.clone(), Some(profile.clone()));
        self.changes.push(Change::PutProfile(profile));
        Ok(())
    }

    fn put_column_profile(&mut self, profile: &ColumnProfile) {
        self.column_profiles
            .insert(profile.id.clone(), Some(profile.clone()));
        self.changes.push(Change::PutColumnProfile(profile.clone()));
    }

    fn check_settings(&self, profile: &ProfileId, settings: &ProfileSettings) -> Result<(), Error> {
        check_settings(profile, settings, |id| {
            Ok(self.template(id)?.map(|t| t.kind))
        })
    }

    /// A column profile's members exist, once each, and it grants on
    /// secured columns only.
    fn check_column_profile(&self, profile: &ColumnProfile) -> Result<(), Error> {
        let owner = EntityRef::ColumnProfile(profile.id.clone());
        let base = self.base;
        check_refs_by(
            &owner,
            &profile.users,
            |u| Ok(base.user(u)?.is_some()),
            EntityRef::User,
        )?;
        check_refs_by(
            &owner,
            &profile.teams,
            |t| Ok(base.team(t)?.is_some()),
            EntityRef::Team,
        )?;
        for column in profile.permissions.keys() {
            if !base.is_secured_column(column)? {
                return Err(Error::ColumnNotSecured {
                    profile: profile.id.clone(),
                    column: column.clone(),
                });
            }
        }
        Ok(())
    }

    /// Stages operation number `position` (from 1) of the batch, made by
    /// `actor`.
    fn stage(&mut self, actor: &UserId, position: usize, op: &AdminOp) -> Result<(), Error> {
        let missing = op.requirement();
        if !meets(self.base, actor, &missing)? {
            return Err(Error::AccessDenied {
                actor: actor.clone(),
                missing,
            });
        }
        self.stage_op(position, op)
    }

    /// Stages operation number `position` (from 1) of the batch, checking
    /// every rule but who makes it.
    fn stage_op(&mut self, position: usize, op: &AdminOp) -> Result<(), Error> {
        // An id a create operation introduces: not empty, not taken.
        let new_id = |entity: EntityRef, taken: bool| {
            if entity.id().is_empty() {
                let kind = entity.kind();
                Err(Error::EmptyId { kind, position })
            } else if taken {
                Err(Error::DuplicateId { entity })
            } else {
                Ok(())
            }
        };
        match op {
            AdminOp::CreateProfile {
                profile,
                name,
                settings,
            } => {
                let taken = self.profile(profile)?.is_some();
                new_id(EntityRef::Profile(profile.clone()), taken)?;
                self.check_settings(profile, settings)?;
                let created =
                    Profile::new(profile.clone(), name.clone()).with_settings(settings.clone());
                self.put_profile(created)?;
            }
            AdminOp::UpdateSettings { profile, settings } => {
                let mut target = self.existing(profile)?;
                self.check_settings(profile, settings)?;
                target.settings = settings.clone();
                self.put_profile(target)?;
            }
            AdminOp::DeleteProfile { profile } => {
                let target = self.existing(profile)?;
                require_custom(&target, OutOfBoxRule::Delete)?;
                self.profiles.insert(profile.clone(), None);
                self.changes.push(Change::RemoveProfile(profile.clone()));
            }
            AdminOp::SetDefault { profile } => {
                let mut target = self.existing(profile)?;
                require_custom(&target, OutOfBoxRule::Default)?;
                // Setting the default again changes nothing; another
                // default is never silently replaced.
                if let Some(current) = self.find_profile(profile, |p| p.is_custom() && p.default)? {
                    return Err(Error::DefaultExists {
                        current,
                        requested: profile.clone(),
                    });
                }
                target.default = true;
                target.rank = None;
                target.roles.clear();
                self.put_profile(target)?;
            }
            AdminOp::RemoveDefault { profile } => {
                let mut target = self.existing(profile)?;
                if !target.default {
                    return Err(Error::NotDefault {
                        profile: profile.clone(),
                    });
                }
                target.default = false;
                self.put_profile(target)?;
            }
            AdminOp::SetRankAndRoles {
                profile,
                rank,
                roles,
            } => {
                let mut target = self.existing(profile)?;
                require_custom(&target, OutOfBoxRule::Rank)?;
                if target.default {
                    return Err(Error::DefaultMapped {
                        profile: profile.clone(),
                    });
                }
                target.rank = Some(*rank);
                target.roles = roles.clone();
                check_shape(&target)?;
                let holder =
                    self.find_profile(profile, |p| p.is_custom() && p.rank == Some(*rank))?;
                if let Some(holder) = holder {
                    return Err(Error::RankTaken {
                        rank: *rank,
                        holder,
                    });
                }
                let base = self.base;
                let owner = EntityRef::Profile(profile.clone());
                check_refs_by(
                    &owner,
                    roles,
                    |r| Ok(base.role(r)?.is_some()),
                    EntityRef::Role,
                )?;
                self.put_profile(target)?;
            }
            AdminOp::RemoveRankAndRoles { profile } => {
                let mut target = self.existing(profile)?;
                require_custom(&target, OutOfBoxRule::Rank)?;
                target.rank = None;
                target.roles.clear();
                self.put_profile(target)?;
            }
            AdminOp::AssignUsers { profile, users } => {
                let mut target = self.existing(profile)?;
                require_custom(&target, OutOfBoxRule::Users)?;
                let base = self.base;
                let owner = EntityRef::Profile(profile.clone());
                check_refs_by(
                    &owner,
                    users,
                    |u| Ok(base.user(u)?.is_some()),
                    EntityRef::User,
                )?;
                let profiles = self.profiles()?;
                for user in users {
                    let assigned = profiles
                        .iter()
                        .filter(|p| p.users.contains(user))
                        .map(|p| &p.id)
                        .min();
                    if let Some(assigned) = assigned {
                        return Err(Error::AlreadyAssigned {
                            user: user.clone(),
                            profile: assigned.clone(),
                        });
                    }
                }
                drop(profiles);
                target.users.extend(users.iter().cloned());
                self.put_profile(target)?;
            }
            AdminOp::UnassignUsers { profile, users } => {
                let mut target = self.existing(profile)?;
                for user in users {
                    if !target.users.contains(user) {
                        return Err(Error::NotAssigned {
                            user: user.clone(),
                            profile: profile.clone(),
                        });
                    }
                    target.users.retain(|u| u != user);
                }
                self.put_profile(target)?;
            }
            AdminOp::CreateTemplate { template } => {
                let taken = self.template(&template.id)?.is_some();
                new_id(EntityRef::Template(template.id.clone()), taken)?;
                if template.origin != TemplateOrigin::Custom {
                    return Err(Error::OutOfBoxTemplate {
                        template: template.id.clone(),
                        rule: OutOfBoxRule::Create,
                    });
                }
                self.put_template(template);
            }
            AdminOp::RenameTemplate { template, name } => {
                let mut renamed = self.custom_template(template, OutOfBoxRule::Rename)?;
                if renamed.name != *name {
                    renamed.name.clone_from(name);
                    self.put_template(&renamed);
                }
            }
            AdminOp::DeleteTemplate { template } => {
                self.custom_template(template, OutOfBoxRule::Delete)?;
                let mut users: Vec<ProfileId> = self
                    .profiles()?
                    .iter()
                    .filter(|p| p.settings.template_refs().any(|(t, _)| t == template))
                    .map(|p| p.id.clone())
                    .collect();
                if !users.is_empty() {
                    users.sort();
                    return Err(Error::TemplateInUse {
                        template: template.clone(),
                        profiles: users,
                    });
                }
                self.templates.insert(template.clone(), None);
                self.changes.push(Change::RemoveTemplate(template.clone()));
            }
            AdminOp::CreateColumnProfile { profile } => {
                let taken = self.column_profile_exists(&profile.id)?;
                new_id(EntityRef::ColumnProfile(profile.id.clone()), taken)?;
                self.check_column_profile(profile)?;
                self.put_column_profile(profile);
            }
            AdminOp::UpdateColumnProfile { profile } => {
                if !self.column_profile_exists(&profile.id)? {
                    return Err(Error::UnknownColumnProfile {
                        profile: profile.id.clone(),
                    });
                }
                self.check_column_profile(profile)?;
                self.put_column_profile(profile);
            }
            AdminOp::DeleteColumnProfile { profile } => {
                if !self.column_profile_exists(profile)? {
                    return Err(Error::UnknownColumnProfile {
                        profile: profile.clone(),
                    });
                }
                self.column_profiles.insert(profile.clone(), None);
                self.changes
                    .push(Change::RemoveColumnProfile(profile.clone()));
            }
            AdminOp::Upgrade { environment } => {
                let fallback = self
                    .base
                    .fallback_profile()?
                    .ok_or(Error::NoFallbackProfile)?;
                let mut target = self.existing(&fallback)?;
                target.settings = self.upgraded(&fallback, environment)?;
                self.put_profile(target)?;
            }
            AdminOp::CreateToolSettings { settings } => {
                let taken = self.tool_settings_exist(&settings.id)?;
                new_id(EntityRef::ToolSettings(settings.id.clone()), taken)?;
                self.tool_settings.insert(settings.id.clone(), true);
                self.changes.push(Change::PutToolSettings(settings.clone()));
            }
            AdminOp::UpdateToolSettings { settings } => {
                if !self.tool_settings_exist(&settings.id)? {
                    return Err(Error::UnknownToolSettings {
                        settings: settings.id.clone(),
                    });
                }
                self.changes.push(Change::PutToolSettings(settings.clone()));
            }
            AdminOp::DeleteToolSettings { settings } => {
                if !self.tool_settings_exist(settings)? {
                    return Err(Error::UnknownToolSettings {
                        settings: settings.clone(),
                    });
                }
                self.tool_settings.insert(settings.clone(), false);
                self.changes
                    .push(Change::RemoveToolSettings(settings.clone()));
            }
            AdminOp::CreateChannelProvider { provider } => {
                let taken = self.channel_provider_exists(&provider.id)?;
                new_id(EntityRef::ChannelProvider(provider.id.clone()), taken)?;
                self.channel_providers.insert(provider.id.clone(), true);
                self.changes
                    .push(Change::PutChannelProvider(provider.clone()));
            }
            AdminOp::UpdateChannelProvider { provider } => {
                if !self.channel_provider_exists(&provider.id)? {
                    return Err(Error::UnknownChannelProvider {
                        provider: provider.id.clone(),
                    });
                }
                self.changes
                    .push(Change::PutChannelProvider(provider.clone()));
            }
            AdminOp::DeleteChannelProvider { provider } => {
                if !self.channel_provider_exists(provider)? {
                    return Err(Error::UnknownChannelProvider {
                        provider: provider.clone(),
                    });
                }
                self.channel_providers.insert(provider.clone(), false);
                self.changes
                    .push(Change::RemoveChannelProvider(provider.clone()));
            }
        }
        Ok(())
    }
}

/// Whether `actor` meets `requirement` in `store`.
fn meets<S: Store + ?Sized>(
    store: &S,
    actor: &UserId,
    requirement: &Requirement,
) -> Result<bool, Error> {
    match requirement {
        // A catalogue without the privilege: nobody holds it.
        Requirement::Privilege(privilege) => match has_privilege(store, actor, privilege) {
            Err(Error::UnknownPrivilege { .. }) => Ok(false),
            held => held,
        },
        Requirement::Role(role) => holds_role(store, &*load_user(store, actor)?, role),
    }
}

fn require_custom(profile: &Profile, rule: OutOfBoxRule) -> Result<(), Error> {
    if profile.is_custom() {
        Ok(())
    } else {
        Err(Error::OutOfBox {
            profile: profile.id.clone(),
            rule,
        })
    }
}
