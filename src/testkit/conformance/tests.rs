//! The suite catches broken stores: each flaw fails the checks that
//! should see it, and a store that only reorders lists passes.

// Tests opt out of the crate's no-panic lints.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::borrow::Cow;

use super::*;
use crate::privilege::PrivilegeDef;
use crate::role::Role;
use crate::team::Team;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Flaw {
    /// Stores only the first change of a change set.
    PartialApply,
    /// Stores the change set, then reports a failure.
    ApplyThenFail,
    /// Ignores removals.
    KeepsRemoved,
    /// Loses the roles of teams.
    TeamsWithoutRoles,
    /// Knows no secured column.
    NothingSecured,
    /// Names no fallback profile.
    NoFallback,
    /// Lists no privilege key.
    NoPrivilegeList,
    /// Returns every list of a user and a profile reversed: not a flaw.
    ReversedLists,
}

struct Flawed {
    inner: MemoryStore,
    flaw: Flaw,
}

impl Store for Flawed {
    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
        let user = self.inner.user(id)?;
        if self.flaw != Flaw::ReversedLists {
            return Ok(user);
        }
        Ok(user.map(|u| {
            let mut u = u.into_owned();
            u.roles.reverse();
            u.teams.reverse();
            Cow::Owned(u)
        }))
    }
    fn user_ids(&self) -> Result<Vec<UserId>, StoreError> {
        self.inner.user_ids()
    }
    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
        let team = self.inner.team(id)?;
        if self.flaw != Flaw::TeamsWithoutRoles {
            return Ok(team);
        }
        Ok(team.map(|t| {
            Cow::Owned(Team {
                roles: Vec::new(),
                ..t.into_owned()
            })
        }))
    }
    fn team_ids(&self) -> Result<Vec<TeamId>, StoreError> {
        self.inner.team_ids()
    }
    fn business_unit(
        &self,
        id: &crate::id::BusinessUnitId,
    ) -> Result<Option<Cow<'_, crate::business_unit::BusinessUnit>>, StoreError> {
        self.inner.business_unit(id)
    }
    fn business_unit_ids(&self) -> Result<Vec<crate::id::BusinessUnitId>, StoreError> {
        self.inner.business_unit_ids()
    }
    fn root_business_unit(&self) -> Result<Option<crate::id::BusinessUnitId>, StoreError> {
        self.inner.root_business_unit()
    }
    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
        self.inner.role(id)
    }
    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
        self.inner.privilege(key)
    }
    fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError> {
        if self.flaw == Flaw::NoPrivilegeList {
            return Ok(Vec::new());
        }
        self.inner.privilege_keys()
    }
    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
        Ok(self.inner.profile(id)?.map(|p| self.shown(p)))
    }
    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
        Ok(self
            .inner
            .profiles()?
            .into_iter()
            .map(|p| self.shown(p))
            .collect())
    }
    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
        self.inner.template(id)
    }
    fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError> {
        match self.flaw {
            Flaw::NoFallback => Ok(None),
            _ => self.inner.fallback_profile(),
        }
    }
    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError> {
        Ok(self.flaw != Flaw::NothingSecured && self.inner.is_secured_column(column)?)
    }
    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
        self.inner.column_profiles()
    }
    fn licences(&self) -> Result<Option<std::collections::BTreeSet<Licence>>, StoreError> {
        self.inner.licences()
    }
    fn tool_settings(&self) -> Result<Vec<Cow<'_, ToolSettings>>, StoreError> {
        self.inner.tool_settings()
    }
    fn channel_providers(&self) -> Result<Vec<Cow<'_, ChannelProvider>>, StoreError> {
        self.inner.channel_providers()
    }
}

impl Flawed {
    fn shown<'a>(&self, profile: Cow<'a, Profile>) -> Cow<'a, Profile> {
        if self.flaw != Flaw::ReversedLists {
            return profile;
        }
        let mut p = profile.into_owned();
        p.roles.reverse();
        p.users.reverse();
        p.settings.session_templates.reverse();
        Cow::Owned(p)
    }
}

impl StoreMut for Flawed {
    fn apply(&mut self, changes: &[crate::Change]) -> Result<(), StoreError> {
        match self.flaw {
            Flaw::PartialApply => self.inner.apply(changes.get(..1).unwrap_or_default()),
            Flaw::ApplyThenFail => {
                self.inner.apply(changes)?;
                Err(StoreError::new("disk full"))
            }
            Flaw::KeepsRemoved => {
                let kept: Vec<crate::Change> = changes
                    .iter()
                    .filter(|c| {
                        !matches!(
                            c,
                            crate::Change::RemoveProfile(_)
                                | crate::Change::RemoveTemplate(_)
                                | crate::Change::RemoveColumnProfile(_)
                        )
                    })
                    .cloned()
                    .collect();
                self.inner.apply(&kept)
            }
            _ => self.inner.apply(changes),
        }
    }
}

/// The names of the checks that failed for a store with `flaw`.
fn failing(flaw: Flaw) -> Vec<&'static str> {
    let report = check_store(|directory| {
        Ok(Flawed {
            inner: MemoryStore::new(directory),
            flaw,
        })
    });
    report.failures.iter().map(|f| f.check).collect()
}

#[test]
fn each_flaw_fails_the_checks_that_should_see_it() {
    let agrees = "agrees with the memory store";
    let refusals = "refusals change nothing";
    let failures = "storage failures change nothing";
    let cases: [(Flaw, &[&str]); 7] = [
        // Profile administration writes one change at a time, except in
        // batches; a team membership writes the team and its users.
        (
            Flaw::PartialApply,
            &["worked examples", refusals, failures, agrees],
        ),
        (
            Flaw::ApplyThenFail,
            &[
                "worked examples",
                "column security",
                refusals,
                failures,
                agrees,
            ],
        ),
        (Flaw::KeepsRemoved, &[agrees]),
        (
            Flaw::TeamsWithoutRoles,
            &["reads", "privileges", "column security", agrees],
        ),
        (Flaw::NothingSecured, &["reads", "column security", agrees]),
        (Flaw::NoFallback, &["reads", "worked examples", agrees]),
        // A compiled snapshot then knows no privilege.
        (Flaw::NoPrivilegeList, &["reads", "snapshot agrees", agrees]),
    ];
    for (flaw, expected) in cases {
        assert_eq!(failing(flaw), expected, "{flaw:?}");
    }
}

#[test]
fn lists_in_another_order_are_no_flaw() {
    assert_eq!(failing(Flaw::ReversedLists), Vec::<&str>::new());
}

#[test]
fn a_failure_names_its_check_and_what_differed() {
    let report = check_store(|directory| {
        Ok(Flawed {
            inner: MemoryStore::new(directory),
            flaw: Flaw::NoFallback,
        })
    });
    let text = report.to_string();
    assert!(
        text.starts_with("7 checks held, 2 failed") || text.contains("failed"),
        "{text}"
    );
    let reads = report.failures.iter().find(|f| f.check == "reads").unwrap();
    assert_eq!(
        reads.message,
        r#"seed 004: fallback profile: expected Some(ProfileId("default-agent-experience-profile")), found None"#
    );
}
