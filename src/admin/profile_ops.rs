//! Profiles, templates, productivity tools, channel providers and column
//! security profiles: each operation's rules, against the staged state.

use std::borrow::Cow;
use std::collections::HashSet;

use super::staged::{Staged, new_id};
use crate::admin::AdminOp;
use crate::column::ColumnProfile;
use crate::directory::{check_refs_by, check_settings, check_shape};
use crate::environment::Environment;
use crate::error::{EntityRef, Error, OutOfBoxRule};
use crate::id::{ProfileId, TemplateId, UserId};
use crate::profile::{Profile, ProfileSettings, Template, TemplateKind, TemplateOrigin};
use crate::store::{Change, Store};

impl<S: Store + ?Sized> Staged<'_, S> {
    /// Stages profile, template, productivity and column security
    /// operation number `position` (from 1) of the batch, checking every
    /// rule but who makes it; other operations are not this module's.
    pub(super) fn stage_profile_op(&mut self, position: usize, op: &AdminOp) -> Result<(), Error> {
        let new_id = |entity, taken| new_id(position, entity, taken);
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
                self.remove_profile(profile)?;
            }
            AdminOp::SetDefault { profile } => {
                let mut target = self.existing(profile)?;
                require_custom(&target, OutOfBoxRule::Default)?;
                // Setting the default again changes nothing; another
                // default is never silently replaced.
                if let Some(current) = self.index()?.default_other_than(profile) {
                    return Err(Error::DefaultExists {
                        current: current.clone(),
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
                if let Some(holder) = self.index()?.rank_holder(*rank, profile) {
                    return Err(Error::RankTaken {
                        rank: *rank,
                        holder: holder.clone(),
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
                let owner = EntityRef::Profile(profile.clone());
                check_refs_by(
                    &owner,
                    users,
                    |u| Ok(Store::user(&*self, u)?.is_some()),
                    EntityRef::User,
                )?;
                let index = self.index()?;
                for user in users {
                    if let Some(assigned) = index.assigned(user).next() {
                        return Err(Error::AlreadyAssigned {
                            user: user.clone(),
                            profile: assigned.clone(),
                        });
                    }
                }
                target.users.extend(users.iter().cloned());
                self.put_profile(target)?;
            }
            AdminOp::UnassignUsers { profile, users } => {
                let mut target = self.existing(profile)?;
                // Linear in the users listed: a set of those to remove.
                let mut listed: HashSet<&UserId> = target.users.iter().collect();
                for user in users {
                    if !listed.remove(user) {
                        return Err(Error::NotAssigned {
                            user: user.clone(),
                            profile: profile.clone(),
                        });
                    }
                }
                let removed: HashSet<&UserId> = users.iter().collect();
                target.users.retain(|u| !removed.contains(u));
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
                let users: Vec<ProfileId> = self.index()?.using(template).cloned().collect();
                if !users.is_empty() {
                    return Err(Error::TemplateInUse {
                        template: template.clone(),
                        profiles: users,
                    });
                }
                self.remove_template(template);
            }
            AdminOp::CreateColumnProfile { profile } => {
                let taken = self.column_profile(&profile.id)?.is_some();
                new_id(EntityRef::ColumnProfile(profile.id.clone()), taken)?;
                self.check_column_profile(profile)?;
                self.put_column_profile(profile);
            }
            AdminOp::UpdateColumnProfile { profile } => {
                if self.column_profile(&profile.id)?.is_none() {
                    return Err(Error::UnknownColumnProfile {
                        profile: profile.id.clone(),
                    });
                }
                self.check_column_profile(profile)?;
                self.put_column_profile(profile);
            }
            AdminOp::DeleteColumnProfile { profile } => {
                if self.column_profile(profile)?.is_none() {
                    return Err(Error::UnknownColumnProfile {
                        profile: profile.clone(),
                    });
                }
                self.remove_column_profile(profile);
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
            _ => {}
        }
        Ok(())
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

    fn check_settings(&self, profile: &ProfileId, settings: &ProfileSettings) -> Result<(), Error> {
        check_settings(profile, settings, |id| {
            Ok(self.template(id)?.map(|t| t.kind))
        })
    }

    /// A column profile's members exist, once each, and it grants on
    /// secured columns only.
    fn check_column_profile(&self, profile: &ColumnProfile) -> Result<(), Error> {
        let owner = EntityRef::ColumnProfile(profile.id.clone());
        check_refs_by(
            &owner,
            &profile.users,
            |u| Ok(Store::user(self, u)?.is_some()),
            EntityRef::User,
        )?;
        check_refs_by(
            &owner,
            &profile.teams,
            |t| Ok(Store::team(self, t)?.is_some()),
            EntityRef::Team,
        )?;
        for column in profile.permissions.keys() {
            if !self.base.is_secured_column(column)? {
                return Err(Error::ColumnNotSecured {
                    profile: profile.id.clone(),
                    column: column.clone(),
                });
            }
        }
        Ok(())
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
