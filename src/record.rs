//! Records, as a record-access question sees them: an owner, an owning
//! business unit and the shares that open it to others. Built by the host
//! for each question, from borrowed ids: building one allocates nothing.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::{AsId, BusinessUnitId, TeamId, UserId};

/// Who owns a record.
///
/// ```
/// use rbac_profiles::Owner;
///
/// assert_eq!(Owner::User("kayla").to_string(), "user kayla");
/// assert_eq!(Owner::Organization.to_string(), "the organization");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Owner<'a> {
    /// A user-owned record.
    User(&'a str),
    /// A team-owned record.
    Team(&'a str),
    /// An organisation-owned table's record: any granted level reaches it.
    Organization,
}

impl fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::User(user) => write!(f, "user {user}"),
            Owner::Team(team) => write!(f, "team {team}"),
            Owner::Organization => f.write_str("the organization"),
        }
    }
}

/// A user or a team a record is shared with.
///
/// ```
/// use rbac_profiles::Principal;
///
/// assert_eq!(Principal::Team("tier-2").to_string(), "team tier-2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Principal<'a> {
    /// A user.
    User(&'a str),
    /// A team: every member.
    Team(&'a str),
}

impl fmt::Display for Principal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::User(user) => write!(f, "user {user}"),
            Principal::Team(team) => write!(f, "team {team}"),
        }
    }
}

/// One of the seven rights a share can give on a record. No right implies
/// another.
///
/// ```
/// use rbac_profiles::AccessRight;
///
/// assert_eq!(AccessRight::for_action("append_to"), Some(AccessRight::AppendTo));
/// assert_eq!(AccessRight::for_action("create"), None);
/// assert_eq!(AccessRight::Write.as_str(), "write");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessRight {
    /// See the record.
    Read,
    /// Change it.
    Write,
    /// Attach other records to it.
    Append,
    /// Attach it to other records.
    AppendTo,
    /// Give it to another owner.
    Assign,
    /// Share it further.
    Share,
    /// Delete it.
    Delete,
}

impl AccessRight {
    /// The seven rights, in order.
    pub const ALL: [AccessRight; 7] = [
        AccessRight::Read,
        AccessRight::Write,
        AccessRight::Append,
        AccessRight::AppendTo,
        AccessRight::Assign,
        AccessRight::Share,
        AccessRight::Delete,
    ];

    /// The right a privilege action matches (`read` → [`AccessRight::Read`],
    /// …); `None` for an action no share gives (`create`, `monitor`, …).
    ///
    /// ```
    /// assert_eq!(rbac_profiles::AccessRight::for_action("read"), Some(rbac_profiles::AccessRight::Read));
    /// ```
    pub fn for_action(action: &str) -> Option<AccessRight> {
        AccessRight::ALL.into_iter().find(|r| r.as_str() == action)
    }

    /// The name it is written with: the privilege action it matches.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::AccessRight::AppendTo.as_str(), "append_to");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            AccessRight::Read => "read",
            AccessRight::Write => "write",
            AccessRight::Append => "append",
            AccessRight::AppendTo => "append_to",
            AccessRight::Assign => "assign",
            AccessRight::Share => "share",
            AccessRight::Delete => "delete",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for AccessRight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A set of [`AccessRight`]s, as a share gives them. In documents, a list
/// of right names.
///
/// ```
/// use rbac_profiles::{AccessRight, AccessRights};
///
/// let rights = AccessRights::from([AccessRight::Read, AccessRight::Write]);
/// assert!(rights.contains(AccessRight::Write) && !rights.contains(AccessRight::Delete));
/// assert_eq!(serde_json::to_string(&rights).unwrap(), r#"["read","write"]"#);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AccessRights(u8);

impl AccessRights {
    /// No right.
    pub const NONE: AccessRights = AccessRights(0);
    /// All seven.
    pub const ALL: AccessRights = AccessRights(0b0111_1111);

    /// This set with `right` added.
    ///
    /// ```
    /// use rbac_profiles::{AccessRight, AccessRights};
    ///
    /// assert!(AccessRights::NONE.with(AccessRight::Read).contains(AccessRight::Read));
    /// ```
    #[must_use]
    pub const fn with(self, right: AccessRight) -> Self {
        AccessRights(self.0 | (1 << (right as u8)))
    }

    /// Whether `right` is in the set.
    ///
    /// ```
    /// use rbac_profiles::{AccessRight, AccessRights};
    ///
    /// assert!(AccessRights::ALL.contains(AccessRight::Delete));
    /// ```
    pub fn contains(self, right: AccessRight) -> bool {
        self.0 & right.bit() != 0
    }

    /// The rights in the set, in order.
    ///
    /// ```
    /// use rbac_profiles::{AccessRight, AccessRights};
    ///
    /// assert_eq!(AccessRights::ALL.iter().count(), 7);
    /// ```
    pub fn iter(self) -> impl Iterator<Item = AccessRight> {
        AccessRight::ALL
            .into_iter()
            .filter(move |r| self.contains(*r))
    }
}

impl<const N: usize> From<[AccessRight; N]> for AccessRights {
    fn from(rights: [AccessRight; N]) -> Self {
        rights
            .into_iter()
            .fold(AccessRights::NONE, AccessRights::with)
    }
}

impl FromIterator<AccessRight> for AccessRights {
    fn from_iter<I: IntoIterator<Item = AccessRight>>(rights: I) -> Self {
        rights
            .into_iter()
            .fold(AccessRights::NONE, AccessRights::with)
    }
}

impl Serialize for AccessRights {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for AccessRights {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let rights = Vec::<AccessRight>::deserialize(deserializer)?;
        Ok(rights.into_iter().collect())
    }
}

/// A record shared with a user or a team, with the rights the share gives.
///
/// ```
/// use rbac_profiles::{AccessRight, AccessRights, Principal, Share};
///
/// let share = Share::team("tier-2", AccessRights::from([AccessRight::Read]));
/// assert_eq!(share.principal, Principal::Team("tier-2"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Share<'a> {
    /// Who the record is shared with.
    #[serde(borrow)]
    pub principal: Principal<'a>,
    /// What the share lets them do.
    pub rights: AccessRights,
}

impl<'a> Share<'a> {
    /// A share with the user `user`.
    ///
    /// ```
    /// use rbac_profiles::{AccessRights, Share};
    ///
    /// let share = Share::user("kayla", AccessRights::ALL);
    /// assert!(share.rights.contains(rbac_profiles::AccessRight::Share));
    /// ```
    pub fn user(user: &'a (impl AsId<UserId> + ?Sized), rights: AccessRights) -> Self {
        Share {
            principal: Principal::User(user.id_str()),
            rights,
        }
    }

    /// A share with every member of the team `team`.
    ///
    /// ```
    /// use rbac_profiles::{AccessRights, Share};
    ///
    /// assert!(matches!(Share::team("tier-2", AccessRights::NONE).principal, rbac_profiles::Principal::Team(_)));
    /// ```
    pub fn team(team: &'a (impl AsId<TeamId> + ?Sized), rights: AccessRights) -> Self {
        Share {
            principal: Principal::Team(team.id_str()),
            rights,
        }
    }
}

/// A record, as a record-access question sees it: who owns it, the business
/// unit that owns it (the owner's unless given) and the shares that open it
/// to others. The ids are borrowed: build one per question, for nothing.
///
/// The record's table is the entity of the privilege asked about.
///
/// ```
/// use rbac_profiles::{AccessRight, AccessRights, Owner, Record, Share};
///
/// let shares = [Share::user("ana", AccessRights::from([AccessRight::Read]))];
/// let case = Record::owned_by_user("kayla").in_business_unit("emea").with_shares(&shares);
/// assert_eq!(case.owner, Owner::User("kayla"));
/// assert_eq!(case.business_unit, Some("emea"));
/// assert_eq!(case.shares.len(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Record<'a> {
    /// Who owns it.
    pub owner: Owner<'a>,
    /// The owning business unit; `None` for the owner's (the root for an
    /// organisation-owned record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit: Option<&'a str>,
    /// Who it is shared with, and how.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub shares: &'a [Share<'a>],
}

impl<'a> Record<'a> {
    /// A record owned by `user`.
    ///
    /// ```
    /// let record = rbac_profiles::Record::owned_by_user("kayla");
    /// assert!(record.business_unit.is_none() && record.shares.is_empty());
    /// ```
    pub fn owned_by_user(user: &'a (impl AsId<UserId> + ?Sized)) -> Self {
        Self::owned_by(Owner::User(user.id_str()))
    }

    /// A record owned by `team`.
    ///
    /// ```
    /// let record = rbac_profiles::Record::owned_by_team("tier-2");
    /// assert_eq!(record.owner, rbac_profiles::Owner::Team("tier-2"));
    /// ```
    pub fn owned_by_team(team: &'a (impl AsId<TeamId> + ?Sized)) -> Self {
        Self::owned_by(Owner::Team(team.id_str()))
    }

    /// A record of an organisation-owned table.
    ///
    /// ```
    /// let record = rbac_profiles::Record::owned_by_organization();
    /// assert_eq!(record.owner, rbac_profiles::Owner::Organization);
    /// ```
    pub fn owned_by_organization() -> Self {
        Self::owned_by(Owner::Organization)
    }

    /// A record owned by `owner`.
    ///
    /// ```
    /// use rbac_profiles::{Owner, Record};
    ///
    /// assert_eq!(Record::owned_by(Owner::Team("t")), Record::owned_by_team("t"));
    /// ```
    pub fn owned_by(owner: Owner<'a>) -> Self {
        Self {
            owner,
            business_unit: None,
            shares: &[],
        }
    }

    /// The same record, owned by `business_unit` (which decides how far
    /// business-unit levels reach, whatever the owner's unit).
    ///
    /// ```
    /// let record = rbac_profiles::Record::owned_by_user("kayla").in_business_unit("emea");
    /// assert_eq!(record.business_unit, Some("emea"));
    /// ```
    #[must_use]
    pub fn in_business_unit(
        mut self,
        business_unit: &'a (impl AsId<BusinessUnitId> + ?Sized),
    ) -> Self {
        self.business_unit = Some(business_unit.id_str());
        self
    }

    /// The same record, with these shares.
    ///
    /// ```
    /// use rbac_profiles::{AccessRights, Record, Share};
    ///
    /// let shares = [Share::team("tier-2", AccessRights::ALL)];
    /// assert_eq!(Record::owned_by_user("kayla").with_shares(&shares).shares.len(), 1);
    /// ```
    #[must_use]
    pub fn with_shares(mut self, shares: &'a [Share<'a>]) -> Self {
        self.shares = shares;
        self
    }
}
