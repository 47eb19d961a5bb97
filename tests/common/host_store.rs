//! A host store over hash maps, for tests that need data no `Directory`
//! would hold.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rbac_profiles::{
    BusinessUnit, BusinessUnitId, Change, ColumnKey, ColumnProfile, DirectoryDoc, Privilege,
    PrivilegeDef, Profile, ProfileId, Role, RoleId, Store, StoreError, StoreMut, Team, TeamId,
    Template, TemplateId, User, UserId,
};

/// A host store over hash maps, which may hold data a `Directory` would
/// refuse (an inclusion cycle, a dangling reference); with `failing`, every
/// role read fails.
#[derive(Clone, Debug, Default)]
pub struct HostStore {
    pub users: HashMap<UserId, User>,
    pub teams: HashMap<TeamId, Team>,
    pub roles: HashMap<RoleId, Role>,
    pub privileges: HashMap<Privilege, PrivilegeDef>,
    pub profiles: HashMap<ProfileId, Profile>,
    pub templates: HashMap<TemplateId, Template>,
    pub fallback: Option<ProfileId>,
    pub secured: HashSet<ColumnKey>,
    pub column_profiles: Vec<ColumnProfile>,
    pub units: HashMap<BusinessUnitId, BusinessUnit>,
    pub failing: bool,
    /// `profiles()` lists every profile twice, as a careless join would.
    pub profiles_twice: bool,
    /// `user_ids()` lists these too, though `user()` finds none of them:
    /// users removed between the two reads.
    pub listed_gone: Vec<UserId>,
}

impl HostStore {
    /// Holds `doc` as it is, checked by no one; the fallback is the
    /// document's, or its first out-of-box profile.
    pub fn unchecked(doc: DirectoryDoc) -> Self {
        let fallback = doc.fallback_profile.clone().or_else(|| {
            let oob = doc.profiles.iter().find(|p| !p.is_custom());
            oob.map(|p| p.id.clone())
        });
        Self {
            users: doc.users.into_iter().map(|u| (u.id.clone(), u)).collect(),
            teams: doc.teams.into_iter().map(|t| (t.id.clone(), t)).collect(),
            roles: doc.roles.into_iter().map(|r| (r.id.clone(), r)).collect(),
            privileges: doc
                .privileges
                .into_iter()
                .map(|p| (p.key.clone(), p))
                .collect(),
            profiles: doc
                .profiles
                .into_iter()
                .map(|p| (p.id.clone(), p))
                .collect(),
            templates: doc
                .templates
                .into_iter()
                .map(|t| (t.id.clone(), t))
                .collect(),
            fallback,
            secured: doc.secured_columns.into_iter().collect(),
            column_profiles: doc.column_profiles,
            units: doc
                .business_units
                .into_iter()
                .map(|b| (b.id.clone(), b))
                .collect(),
            failing: false,
            profiles_twice: false,
            listed_gone: Vec::new(),
        }
    }
}

/// Stores every change in order, checking nothing.
impl StoreMut for HostStore {
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        for change in changes {
            match change {
                Change::PutProfile(p) => {
                    self.profiles.insert(p.id.clone(), p.clone());
                }
                Change::RemoveProfile(id) => {
                    self.profiles.remove(id);
                }
                Change::PutTemplate(t) => {
                    self.templates.insert(t.id.clone(), t.clone());
                }
                Change::RemoveTemplate(id) => {
                    self.templates.remove(id);
                }
                Change::PutColumnProfile(p) => {
                    self.column_profiles.retain(|c| c.id != p.id);
                    self.column_profiles.push(p.clone());
                }
                Change::RemoveColumnProfile(id) => self.column_profiles.retain(|c| &c.id != id),
                other => return Err(StoreError::new(format!("unsupported change {other:?}"))),
            }
        }
        Ok(())
    }
}

impl Store for HostStore {
    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
        Ok(self.users.get(id).map(|u| Cow::Owned(u.clone())))
    }
    fn user_ids(&self) -> Result<Vec<UserId>, StoreError> {
        let listed = self.users.keys().chain(&self.listed_gone);
        Ok(listed.cloned().collect())
    }
    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
        Ok(self.teams.get(id).map(Cow::Borrowed))
    }
    fn team_ids(&self) -> Result<Vec<TeamId>, StoreError> {
        Ok(self.teams.keys().cloned().collect())
    }
    fn business_unit(
        &self,
        id: &BusinessUnitId,
    ) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError> {
        Ok(self.units.get(id).map(Cow::Borrowed))
    }
    fn business_unit_ids(&self) -> Result<Vec<BusinessUnitId>, StoreError> {
        Ok(self.units.keys().cloned().collect())
    }
    fn root_business_unit(&self) -> Result<Option<BusinessUnitId>, StoreError> {
        Ok(self
            .units
            .values()
            .find(|b| b.parent.is_none())
            .map(|b| b.id.clone()))
    }
    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
        if self.failing {
            let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset");
            return Err(StoreError::new(io));
        }
        Ok(self.roles.get(id).map(Cow::Borrowed))
    }
    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
        Ok(self.privileges.get(key).map(Cow::Borrowed))
    }
    fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError> {
        Ok(self.privileges.keys().cloned().collect())
    }
    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
        Ok(self.profiles.get(id).map(Cow::Borrowed))
    }
    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
        let times = if self.profiles_twice { 2 } else { 1 };
        let once = self.profiles.values().map(Cow::Borrowed);
        Ok(once.flat_map(|p| std::iter::repeat_n(p, times)).collect())
    }
    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
        Ok(self.templates.get(id).map(Cow::Borrowed))
    }
    fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError> {
        Ok(self.fallback.clone())
    }
    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError> {
        Ok(self.secured.contains(column))
    }
    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
        Ok(self.column_profiles.iter().map(Cow::Borrowed).collect())
    }
}
