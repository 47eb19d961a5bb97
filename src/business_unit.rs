//! Business units: the tree an organisation's users, teams and records
//! belong to, which access levels are measured against.

use serde::{Deserialize, Serialize};

use crate::id::BusinessUnitId;

/// A business unit: a node of the organisation's tree of units.
///
/// The tree has one root, the unit without a `parent`. Every user and team
/// belongs to one unit (the root when a document doesn't say), and every
/// record has an owning unit. A grant's access level reaches records by
/// unit: `business_unit` the records of the unit the role is held in,
/// `parent_child_business_unit` those of that unit and every unit below it.
/// A document without business units behaves as one implicit root that
/// everybody belongs to.
///
/// ```
/// use rbac_profiles::BusinessUnit;
///
/// let emea = BusinessUnit::new("contoso-emea", "Contoso EMEA").with_parent("contoso");
/// assert_eq!(emea.parent, Some("contoso".into()));
/// assert!(BusinessUnit::new("contoso", "Contoso").is_root());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessUnit {
    /// The unit's id, unique among units.
    pub id: BusinessUnitId,
    /// The name people see.
    #[serde(default)]
    pub name: String,
    /// The unit above this one; `None` for the root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<BusinessUnitId>,
}

impl BusinessUnit {
    /// A unit with no parent (a root, until [`BusinessUnit::with_parent`]).
    ///
    /// ```
    /// let root = rbac_profiles::BusinessUnit::new("contoso", "Contoso");
    /// assert!(root.parent.is_none());
    /// ```
    pub fn new(id: impl Into<BusinessUnitId>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            parent: None,
        }
    }

    /// Sets the unit above this one.
    ///
    /// ```
    /// let unit = rbac_profiles::BusinessUnit::new("emea", "EMEA").with_parent("contoso");
    /// assert_eq!(unit.parent.unwrap().as_str(), "contoso");
    /// ```
    #[must_use]
    pub fn with_parent(mut self, parent: impl Into<BusinessUnitId>) -> Self {
        self.parent = Some(parent.into());
        self
    }

    /// Whether this is the root: it has no parent.
    ///
    /// ```
    /// assert!(rbac_profiles::BusinessUnit::new("contoso", "Contoso").is_root());
    /// ```
    pub fn is_root(&self) -> bool {
        self.parent.is_none()
    }
}
