//! The rules of profiles and templates, shared by loading, the memory store
//! and administration.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;

use super::validate::{check_refs, index};
use crate::error::{EntityRef, Error, OutOfBoxRule};
use crate::id::{ProfileId, RoleId, TemplateId, UserId};
use crate::profile::{Profile, ProfileSettings, Template, TemplateKind};
use crate::role::Role;
use crate::user::User;

/// Indexes the template library, refusing empty and repeated ids.
pub(super) fn index_templates(
    templates: Vec<Template>,
) -> Result<IndexMap<TemplateId, Template>, Error> {
    index(templates, |t| t.id.clone(), EntityRef::Template)
}

/// Indexes profiles, refusing empty and repeated ids.
pub(super) fn index_profiles(
    profiles: Vec<Profile>,
) -> Result<IndexMap<ProfileId, Profile>, Error> {
    index(profiles, |p| p.id.clone(), EntityRef::Profile)
}

/// Checks every profile against the roles, users and templates it refers to
/// and against each other, and returns the fallback profile: the one
/// `named`, or the only out-of-box profile. `None` only when there are no
/// profiles at all.
pub(super) fn check_profiles(
    roles: &IndexMap<RoleId, Role>,
    users: &IndexMap<UserId, User>,
    templates: &IndexMap<TemplateId, Template>,
    profiles: &IndexMap<ProfileId, Profile>,
    named: Option<&ProfileId>,
) -> Result<Option<ProfileId>, Error> {
    let mut assigned: HashMap<&UserId, &ProfileId> = HashMap::new();
    for profile in profiles.values() {
        check_shape(profile)?;
        let owner = EntityRef::Profile(profile.id.clone());
        check_refs(&owner, &profile.roles, roles, EntityRef::Role)?;
        check_refs(&owner, &profile.users, users, EntityRef::User)?;
        check_settings(&profile.id, &profile.settings, |id| {
            Ok(templates.get(id).map(|t| t.kind))
        })?;
        for user in &profile.users {
            if let Some(first) = assigned.insert(user, &profile.id) {
                return Err(Error::AssignedTwice {
                    user: user.clone(),
                    first: first.clone(),
                    second: profile.id.clone(),
                });
            }
        }
    }
    fallback(profiles, named)
}

/// The rules a profile obeys on its own: what only custom profiles may have,
/// positive ranks, roles only with a rank, no mapping on the default.
pub(crate) fn check_shape(profile: &Profile) -> Result<(), Error> {
    let id = &profile.id;
    if !profile.is_custom() {
        let broken = [
            (profile.rank.is_some(), OutOfBoxRule::Rank),
            (!profile.roles.is_empty(), OutOfBoxRule::Roles),
            (!profile.users.is_empty(), OutOfBoxRule::Users),
            (profile.default, OutOfBoxRule::Default),
        ];
        if let Some((_, rule)) = broken.into_iter().find(|(bad, _)| *bad) {
            return Err(Error::OutOfBox {
                profile: id.clone(),
                rule,
            });
        }
    }
    if profile.rank == Some(0) {
        return Err(Error::ZeroRank {
            profile: id.clone(),
        });
    }
    if !profile.roles.is_empty() && profile.rank.is_none() {
        return Err(Error::RolesWithoutRank {
            profile: id.clone(),
        });
    }
    if profile.default && (profile.rank.is_some() || !profile.roles.is_empty()) {
        return Err(Error::DefaultMapped {
            profile: id.clone(),
        });
    }
    Ok(())
}

/// Every template the settings name exists, is of the kind its list
/// requires, and is listed once. `kind_of` looks a template up.
pub(crate) fn check_settings(
    profile: &ProfileId,
    settings: &ProfileSettings,
    mut kind_of: impl FnMut(&TemplateId) -> Result<Option<TemplateKind>, Error>,
) -> Result<(), Error> {
    let owner = || EntityRef::Profile(profile.clone());
    let mut seen = HashSet::new();
    for (template, expected) in settings.template_refs() {
        let Some(found) = kind_of(template)? else {
            return Err(Error::UnknownReference {
                owner: owner(),
                target: EntityRef::Template(template.clone()),
            });
        };
        if found != expected {
            return Err(Error::TemplateKindMismatch {
                profile: profile.clone(),
                template: template.clone(),
                expected,
                found,
            });
        }
        if !seen.insert(template) {
            return Err(Error::DuplicateReference {
                owner: owner(),
                target: EntityRef::Template(template.clone()),
            });
        }
    }
    Ok(())
}

fn fallback(
    profiles: &IndexMap<ProfileId, Profile>,
    named: Option<&ProfileId>,
) -> Result<Option<ProfileId>, Error> {
    if let Some(id) = named {
        return match profiles.get(id) {
            None => Err(Error::UnknownProfile {
                profile: id.clone(),
            }),
            Some(p) if p.is_custom() => Err(Error::FallbackNotOutOfBox {
                profile: id.clone(),
            }),
            Some(_) => Ok(Some(id.clone())),
        };
    }
    if profiles.is_empty() {
        return Ok(None);
    }
    let mut out_of_box: Vec<ProfileId> = profiles
        .values()
        .filter(|p| !p.is_custom())
        .map(|p| p.id.clone())
        .collect();
    match out_of_box.len() {
        0 => Err(Error::NoFallbackProfile),
        1 => Ok(out_of_box.pop()),
        _ => Err(Error::AmbiguousFallback {
            profiles: out_of_box,
        }),
    }
}

/// The two states imports reach that administration refuses: custom
/// profiles mapping roles at the same rank, and several defaults. Ranks
/// ascending, then the defaults.
pub(crate) fn conflicts<'a>(profiles: impl Iterator<Item = &'a Profile>) -> Vec<Conflict> {
    let mut by_rank: BTreeMap<u32, Vec<ProfileId>> = BTreeMap::new();
    let mut defaults = Vec::new();
    for profile in profiles.filter(|p| p.is_custom()) {
        // A rank alone maps nobody, so it competes with no one.
        if let Some(rank) = profile.rank.filter(|_| !profile.roles.is_empty()) {
            by_rank.entry(rank).or_default().push(profile.id.clone());
        }
        if profile.default {
            defaults.push(profile.id.clone());
        }
    }
    let mut found: Vec<Conflict> = by_rank
        .into_iter()
        .filter_map(|(rank, profiles)| {
            tie(profiles).map(|(profiles, winner)| Conflict::DuplicateRank {
                rank,
                profiles,
                winner,
            })
        })
        .collect();
    if let Some((profiles, winner)) = tie(defaults) {
        found.push(Conflict::MultipleDefaults { profiles, winner });
    }
    found
}

/// A state of the profile configuration that loads and resolves, but that
/// the administration API would have refused. Real environments reach these
/// through solution imports; [`Directory::conflicts`](crate::Directory::conflicts)
/// lists them, with the profile the tie-break picks.
///
/// ```
/// use rbac_profiles::{Conflict, Directory, DirectoryDoc, Profile};
///
/// let mut org = DirectoryDoc::default();
/// org.profiles.push(Profile::new("b-agent", "B").with_rank(1).with_role("omnichannel-agent"));
/// org.profiles.push(Profile::new("a-agent", "A").with_rank(1).with_role("customer-service-representative"));
/// let directory = Directory::builtin_with(org)?;
/// assert_eq!(directory.conflicts(), [Conflict::DuplicateRank {
///     rank: 1,
///     profiles: vec!["a-agent".into(), "b-agent".into()],
///     winner: "a-agent".into(),
/// }]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Conflict {
    /// Several custom profiles map roles at the same rank. Among them, the
    /// smallest profile id wins for a user holding roles of several. (A
    /// rank without roles maps nobody and is not counted.)
    DuplicateRank {
        /// The shared rank.
        rank: u32,
        /// The profiles holding it, by id.
        profiles: Vec<ProfileId>,
        /// The one the tie-break picks: the smallest id.
        winner: ProfileId,
    },
    /// Several custom profiles are marked default. The smallest profile id
    /// is the default that applies.
    MultipleDefaults {
        /// The default profiles, by id.
        profiles: Vec<ProfileId>,
        /// The one the tie-break picks: the smallest id.
        winner: ProfileId,
    },
}

/// Sorts `profiles` and picks the winner, when there are two or more.
fn tie(mut profiles: Vec<ProfileId>) -> Option<(Vec<ProfileId>, ProfileId)> {
    if profiles.len() < 2 {
        return None;
    }
    profiles.sort();
    let winner = profiles.first()?.clone();
    Some((profiles, winner))
}
