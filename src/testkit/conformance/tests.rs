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
    /// Hands users over in reverse id order from `for_each_user`.
    UsersOutOfOrder,
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
    fn for_each_user(
        &self,
        visit: &mut dyn FnMut(&User) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let users: Vec<&User> = self.inner.users().collect();
        match self.flaw {
            Flaw::UsersOutOfOrder => {
                for user in users.into_iter().rev() {
                    if visit(user).is_break() {
                        break;
                    }
                }
            }
            Flaw::ReversedLists => {
                for user in users {
                    let mut user = user.clone();
                    user.roles.reverse();
                    user.teams.reverse();
                    if visit(&user).is_break() {
                        break;
                    }
                }
            }
            _ => return self.inner.for_each_user(visit),
        }
        Ok(())
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
    let cases: [(Flaw, &[&str]); 8] = [
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
        // Every check that reads the whole store back sees it; a compile
        // refuses the users out of order.
        (
            Flaw::UsersOutOfOrder,
            &[
                "reads",
                refusals,
                "failed batch changes nothing",
                failures,
                "snapshot agrees",
                agrees,
            ],
        ),
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

#[test]
fn a_compile_and_diagnose_refuse_users_out_of_order_naming_them() {
    let mut doc = crate::DirectoryDoc::default();
    doc.users.push(User::new("ana", "Ana"));
    doc.users.push(User::new("zoe", "Zoe"));
    let store = Flawed {
        inner: MemoryStore::new(crate::Directory::builtin_with(doc).unwrap()),
        flaw: Flaw::UsersOutOfOrder,
    };
    let err = crate::Snapshot::compile(&store).err().unwrap();
    assert!(matches!(err, Error::Storage(_)), "{err:?}");
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(
        cause,
        r#"for_each_user handed user "ana" after "zoe", not in id order"#
    );
    let err = crate::diagnose(&store).err().unwrap();
    let cause = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(
        cause,
        r#"for_each_user handed user "ana" after "zoe", not in id order"#
    );
}
