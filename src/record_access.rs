//! Record access: may this user do this to *this* record, why, and which
//! records a list view may show. The rules are Dataverse's, as
//! [`guide::rules`](crate::guide::rules) states them:
//!
//! - a role is held by a *principal* (the user for a direct role, the team
//!   for a team's role) *in* a business unit (the assignment's, the
//!   user's or the team's);
//! - a grant at `user` level reaches the records its principal owns,
//!   `business_unit` also those whose owning unit is the one it is held in,
//!   `parent_child_business_unit` also those of every unit below it, and
//!   `organization` every record; a record of an organisation-owned table is
//!   reached by any level;
//! - a role held through a team with [`Inheritance::DirectUserBasic`]
//!   (the default) also reaches, at any level, the records the member owns;
//! - a share opens a record to a user (or every member of a team) holding
//!   the matching privilege at any level;
//! - System Administrator holds every privilege at `organization`;
//! - access is the union of every route; nothing denies.
//!
//! [`Inheritance::DirectUserBasic`]: crate::Inheritance::DirectUserBasic

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::require_privilege;
use crate::business_unit::BusinessUnit;
use crate::chain::Chain;
use crate::error::{EntityRef, Error};
use crate::held::{Hold, Holding, Reached, load_user};
use crate::id::{AsId, BusinessUnitId, RoleId, TeamId, UserId};
use crate::key::{AsKey, Privilege};
use crate::privilege::AccessLevel;
use crate::record::{AccessRight, Owner, Principal, Record};
use crate::routes::{Source, any_granting, granting};
use crate::store::Store;

/// How a route reaches a record: the relation between the holding's
/// principal and unit and the record's owner and owning unit, or a share.
///
/// ```
/// use rbac_profiles::Reach;
///
/// assert_eq!(Reach::BusinessUnit.to_string(), "the record's business unit is the role's");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reach {
    /// The record's table is organisation-owned: any granted level reaches
    /// it.
    OrganizationOwned,
    /// The holding's principal (the user, or the team) owns the record.
    Owner,
    /// The user owns the record, and the team role lets members reach
    /// their own records ([`Inheritance::DirectUserBasic`](crate::Inheritance::DirectUserBasic)).
    MemberOwned,
    /// The record's owning unit is the unit the role is held in.
    BusinessUnit,
    /// The record's owning unit is below the unit the role is held in.
    ChildBusinessUnit,
    /// An `organization` grant reaches every record.
    Organization,
    /// The record is shared with this user or team, with the matching right.
    Shared {
        /// The user or team the share names.
        with: PrincipalId,
        /// The right it gives.
        right: AccessRight,
    },
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reach::OrganizationOwned => f.write_str("the table is organisation-owned"),
            Reach::Owner => f.write_str("the holder owns the record"),
            Reach::MemberOwned => f.write_str("the user owns the record"),
            Reach::BusinessUnit => f.write_str("the record's business unit is the role's"),
            Reach::ChildBusinessUnit => {
                f.write_str("the record's business unit is below the role's")
            }
            Reach::Organization => f.write_str("organization level reaches every record"),
            Reach::Shared { with, right } => write!(f, "shared with {with} to {right}"),
        }
    }
}

/// A user or a team, by id: who a record is shared with, who may own the
/// records a list view shows.
///
/// ```
/// use rbac_profiles::PrincipalId;
///
/// assert!(PrincipalId::User("kayla".into()) < PrincipalId::Team("a-team".into()));
/// assert_eq!(PrincipalId::Team("tier-2".into()).to_string(), "team tier-2");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PrincipalId {
    /// A user.
    User(UserId),
    /// A team.
    Team(TeamId),
}

impl PrincipalId {
    fn of(principal: Principal<'_>) -> Self {
        match principal {
            Principal::User(user) => PrincipalId::User(user.into()),
            Principal::Team(team) => PrincipalId::Team(team.into()),
        }
    }

    fn is(&self, principal: Principal<'_>) -> bool {
        match (self, principal) {
            (PrincipalId::User(a), Principal::User(b)) => a.as_str() == b,
            (PrincipalId::Team(a), Principal::Team(b)) => a.as_str() == b,
            _ => false,
        }
    }

    fn owns(&self, owner: Owner<'_>) -> bool {
        match (self, owner) {
            (PrincipalId::User(a), Owner::User(b)) => a.as_str() == b,
            (PrincipalId::Team(a), Owner::Team(b)) => a.as_str() == b,
            _ => false,
        }
    }
}

impl fmt::Display for PrincipalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrincipalId::User(user) => write!(f, "user {user}"),
            PrincipalId::Team(team) => write!(f, "team {team}"),
        }
    }
}

/// One way a user may do something to a record: what
/// [`explain_access`] lists.
///
/// ```
/// use rbac_profiles::{explain_access, AccessLevel, Directory, MemoryStore, Reach, Record};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{
///     "privileges": [ { "key": "ticket:read" } ],
///     "roles": [ { "id": "desk", "grants": { "ticket:read": "business_unit" } } ],
///     "business_units": [ { "id": "contoso" } ],
///     "users": [ { "id": "ana", "roles": ["desk"] }, { "id": "bo" } ]
/// }"#)?);
/// let routes = explain_access(&store, "ana", "ticket:read", &Record::owned_by_user("bo"))?;
/// assert_eq!(routes[0].reach, Reach::BusinessUnit);
/// assert_eq!(routes[0].level, AccessLevel::BusinessUnit);
/// assert_eq!(
///     routes[0].to_string(),
///     "desk grants business_unit, held directly in contoso: the record's business unit is the role's"
/// );
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessRoute {
    /// The role whose grant opens the record.
    pub role: RoleId,
    /// The level it grants.
    pub level: AccessLevel,
    /// How the user holds the first role of `chain`.
    pub holding: Holding,
    /// The business unit that role is held in (`None` when the store has
    /// none).
    pub business_unit: Option<BusinessUnitId>,
    /// The roles from the one held down to `role`; the shortest chain.
    pub chain: Chain,
    /// How the grant reaches this record.
    pub reach: Reach,
    /// How many other ways (holdings and chains) lead to `role` and count
    /// for this record (saturating).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub other_paths: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl fmt::Display for AccessRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} grants {}, held {}",
            self.role, self.level, self.holding
        )?;
        if let Some(unit) = &self.business_unit {
            write!(f, " in {unit}")?;
        }
        if self.chain.len() > 1 {
            write!(f, " by {}", self.chain)?;
        }
        write!(f, ": {}", self.reach)
    }
}

/// Whether a holding in `context` reaches a record, and from which level:
/// the one rule of depth, which the store path and the snapshot both call.
/// `U` names a business unit, `P` a principal.
pub(crate) struct Context<U, P> {
    /// Who holds the role: the user or the team.
    pub(crate) principal: P,
    /// Where it is held.
    pub(crate) unit: U,
    /// A team holding that lets members reach their own records.
    pub(crate) member_owned: bool,
}

/// A record as [`threshold`] reads it.
pub(crate) struct Target<U, P> {
    /// The owner; `None` for an organisation-owned record.
    pub(crate) owner: Option<P>,
    /// The owning unit.
    pub(crate) unit: U,
    /// The user asking, as a principal (for records members own).
    pub(crate) user: P,
}

/// The lowest level at which a grant held in `context` reaches `target`,
/// and how: `is_above(a, b)` says whether unit `a` is an ancestor of `b`.
pub(crate) fn threshold<U: PartialEq + Copy, P: PartialEq>(
    context: &Context<U, P>,
    target: &Target<U, P>,
    is_above: impl Fn(U, U) -> bool,
) -> (AccessLevel, Reach) {
    match &target.owner {
        None => return (AccessLevel::User, Reach::OrganizationOwned),
        Some(owner) if *owner == context.principal => return (AccessLevel::User, Reach::Owner),
        Some(owner) if context.member_owned && *owner == target.user => {
            return (AccessLevel::User, Reach::MemberOwned);
        }
        Some(_) => {}
    }
    if context.unit == target.unit {
        (AccessLevel::BusinessUnit, Reach::BusinessUnit)
    } else if is_above(context.unit, target.unit) {
        (
            AccessLevel::ParentChildBusinessUnit,
            Reach::ChildBusinessUnit,
        )
    } else {
        (AccessLevel::Organization, Reach::Organization)
    }
}

/// Whether `user` may do `privilege` to `record`.
///
/// The record's table is the privilege's entity (`case:read` asks about a
/// case). See the [module rules](crate::guide::rules) for how levels,
/// business units, teams and shares decide.
///
/// # Errors
///
/// [`Error::InvalidPrivilege`], [`Error::UnknownUser`] and
/// [`Error::UnknownPrivilege`] as [`has_privilege`](crate::has_privilege);
/// [`Error::UnknownBusinessUnit`] for a record owned by a unit the store
/// lacks; [`Error::UnknownInRecord`] for an owner or share naming a user
/// or team it lacks: a typo is never a silent "no". [`Error::Storage`].
///
/// ```
/// use rbac_profiles::{can_access, Directory, MemoryStore, Record};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{
///     "business_units": [ { "id": "contoso" }, { "id": "emea", "parent": "contoso" } ],
///     "users": [
///         { "id": "ana", "roles": ["customer-service-representative"], "business_unit": "emea" },
///         { "id": "bo", "business_unit": "emea" },
///         { "id": "cy" }
///     ]
/// }"#)?);
/// // Customer Service Representative works with cases at organization level.
/// assert!(can_access(&store, "ana", "case:write", &Record::owned_by_user("cy"))?);
/// // A typo in a record is an error.
/// assert!(can_access(&store, "ana", "case:write", &Record::owned_by_user("cyy")).is_err());
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn can_access<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    privilege: impl AsKey<Privilege>,
    record: &Record<'_>,
) -> Result<bool, Error> {
    let question = Question::read(store, user, privilege, record)?;
    let sources = question.sources()?;
    let level = |node| question.reached.level(node, &question.privilege);
    if any_granting(question.reached.includes.as_slice(), &sources, level) {
        return Ok(true);
    }
    Ok(question.share().is_some() && question.holds_at_all())
}

/// Every route by which `user` may do `privilege` to `record`; empty when
/// they may not: [`can_access`] is "not empty".
///
/// Each granting role is given once — the shortest inclusion chain from a
/// holding whose principal and unit reach the record at that role's level,
/// ties going to the direct holding, then teams by id, then smaller role
/// ids — with the number of other such ways in `other_paths`. Then one
/// route per share that opens the record, naming the share (and the first
/// granting role, by id). So the answer's size is at most the roles the
/// user reaches plus the record's shares, however many paths lead there.
/// Sorted: role routes by granting role, then share routes as the record
/// lists them.
///
/// # Errors
///
/// As [`can_access`].
///
/// ```
/// use rbac_profiles::{explain_access, Directory, Holding, MemoryStore, Reach, Record};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{
///     "business_units": [ { "id": "contoso" }, { "id": "emea", "parent": "contoso" } ],
///     "privileges": [ { "key": "ticket:read" } ],
///     "roles": [ { "id": "lead", "grants": { "ticket:read": "parent_child_business_unit" } } ],
///     "teams": [ { "id": "leads", "roles": ["lead"], "members": ["ana"] } ],
///     "users": [ { "id": "ana", "teams": ["leads"] }, { "id": "bo", "business_unit": "emea" } ]
/// }"#)?);
/// let routes = explain_access(&store, "ana", "ticket:read", &Record::owned_by_user("bo"))?;
/// assert_eq!(routes.len(), 1);
/// assert_eq!(routes[0].holding, Holding::Team("leads".into()));
/// assert_eq!(routes[0].reach, Reach::ChildBusinessUnit);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn explain_access<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    privilege: impl AsKey<Privilege>,
    record: &Record<'_>,
) -> Result<Vec<AccessRoute>, Error> {
    let question = Question::read(store, user, privilege, record)?;
    let sources = question.sources()?;
    let reached = &question.reached;
    let level = |node| reached.level(node, &question.privilege);
    let mut routes = Vec::new();
    let name = |node| reached.role_id(node);
    for found in granting(reached.includes.as_slice(), &sources, level, name) {
        let Some(hold) = reached.holdings.get(found.source) else {
            continue;
        };
        let (_, reach) = question.reach(hold)?;
        routes.push(AccessRoute {
            role: reached.role_id(found.node),
            level: found.level,
            holding: hold.holding.clone(),
            business_unit: hold.unit.clone(),
            chain: found.chain,
            reach,
            other_paths: found.other_paths,
        });
    }
    if let Some(right) = question.right() {
        let any: Vec<_> = granting(reached.includes.as_slice(), &reached.sources(), level, name);
        if let Some(first) = any.first() {
            let hold = reached.holdings.get(first.source);
            for share in question.record.shares {
                if share.rights.contains(right) && question.is_me_or_my_team(share.principal) {
                    routes.push(AccessRoute {
                        role: reached.role_id(first.node),
                        level: first.level,
                        holding: hold.map_or(Holding::Direct, |h| h.holding.clone()),
                        business_unit: hold.and_then(|h| h.unit.clone()),
                        chain: first.chain.clone(),
                        reach: Reach::Shared {
                            with: PrincipalId::of(share.principal),
                            right,
                        },
                        other_paths: first.other_paths,
                    });
                }
            }
        }
    }
    Ok(routes)
}

/// What a list view may show `user` for `privilege`, as data a host turns
/// into one query: [`AccessFilter::admits`] a record exactly when
/// [`can_access`] allows it.
///
/// # Errors
///
/// [`Error::InvalidPrivilege`], [`Error::UnknownUser`],
/// [`Error::UnknownPrivilege`] and [`Error::Storage`] as
/// [`has_privilege`](crate::has_privilege).
///
/// ```
/// use rbac_profiles::{access_filter, Directory, MemoryStore, PrincipalId};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{
///     "business_units": [ { "id": "contoso" }, { "id": "emea", "parent": "contoso" } ],
///     "privileges": [ { "key": "ticket:read" } ],
///     "roles": [ { "id": "desk", "grants": { "ticket:read": "business_unit" } } ],
///     "users": [ { "id": "ana", "roles": ["desk"], "business_unit": "emea" } ]
/// }"#)?);
/// let filter = access_filter(&store, "ana", "ticket:read")?;
/// assert!(!filter.everything);
/// assert_eq!(filter.owners, [PrincipalId::User("ana".into())]);
/// assert_eq!(filter.business_units, ["emea".into()]);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn access_filter<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    privilege: impl AsKey<Privilege>,
) -> Result<AccessFilter, Error> {
    let privilege = privilege.to_key()?;
    let user = load_user(store, user)?;
    require_privilege(store, &privilege)?;
    let reached = Reached::load(store, user)?;
    let best = best_levels(&reached, &privilege);
    let mut filter = AccessFilter::default();
    let me = PrincipalId::User(reached.user.id.clone());
    let mut below: Vec<&BusinessUnitId> = Vec::new();
    for (hold, level) in reached.holdings.iter().zip(&best) {
        if !level.is_granted() {
            continue;
        }
        filter.organization_owned = true;
        if *level == AccessLevel::Organization {
            filter.everything = true;
        }
        filter.owners.push(principal_of(&reached, hold));
        if hold.member_owned {
            filter.owners.push(me.clone());
        }
        match &hold.unit {
            Some(unit) => {
                if *level >= AccessLevel::BusinessUnit {
                    filter.business_units.push(unit.clone());
                }
                if *level >= AccessLevel::ParentChildBusinessUnit {
                    below.push(unit);
                }
            }
            // Without units, everybody is in one: a business-unit grant
            // reaches every record.
            None if *level >= AccessLevel::BusinessUnit => filter.everything = true,
            None => {}
        }
    }
    if !below.is_empty() {
        filter.business_units.extend(subtrees(store, &below)?);
    }
    if filter.organization_owned {
        if let Some(right) = AccessRight::for_action(privilege.action()) {
            filter.right = Some(right);
            filter.shared_with.push(me);
            filter.shared_with.extend(
                reached
                    .teams
                    .iter()
                    .map(|t| PrincipalId::Team(t.id.clone())),
            );
        }
    }
    Ok(filter.normalized())
}

/// For each holding of `reached`, the highest level at which a role it
/// reaches grants `privilege`: one walk over the reached graph, from the
/// leaves up (a cycle, which only a host's store can hold, is walked once).
fn best_levels(reached: &Reached<'_>, privilege: &Privilege) -> Vec<AccessLevel> {
    let count = reached.roles.len();
    // Post-order: a role's best level is known once its includes' are.
    let mut best: Vec<Option<AccessLevel>> = vec![None; count];
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for start in 0..u32::try_from(count).unwrap_or(u32::MAX) {
        if best.get(start as usize).is_some_and(Option::is_some) {
            continue;
        }
        if let Some(slot) = best.get_mut(start as usize) {
            *slot = Some(reached.level(start, privilege));
        }
        stack.push((start, 0));
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            let children = reached
                .includes
                .as_slice()
                .get(node as usize)
                .map_or(&[][..], Vec::as_slice);
            if let Some(child) = children.get(*next).copied() {
                *next += 1;
                if best.get(child as usize).is_some_and(Option::is_none) {
                    if let Some(slot) = best.get_mut(child as usize) {
                        *slot = Some(reached.level(child, privilege));
                    }
                    stack.push((child, 0));
                }
                continue;
            }
            stack.pop();
            let from_children = children
                .iter()
                .filter_map(|c| best.get(*c as usize).copied().flatten())
                .max()
                .unwrap_or_default();
            if let Some(Some(level)) = best.get_mut(node as usize) {
                *level = (*level).max(from_children);
            }
        }
    }
    reached
        .holdings
        .iter()
        .map(|h| {
            best.get(h.node as usize)
                .copied()
                .flatten()
                .unwrap_or_default()
        })
        .collect()
}

/// Every unit below `units` (not themselves), by id.
fn subtrees<S: Store + ?Sized>(
    store: &S,
    units: &[&BusinessUnitId],
) -> Result<Vec<BusinessUnitId>, Error> {
    let mut parent_of: Vec<(BusinessUnitId, Option<BusinessUnitId>)> = Vec::new();
    for id in store.business_unit_ids()? {
        let unit: Option<std::borrow::Cow<'_, BusinessUnit>> = store.business_unit(&id)?;
        parent_of.push((id, unit.and_then(|u| u.parent.clone())));
    }
    let mut found: BTreeSet<BusinessUnitId> = BTreeSet::new();
    let mut frontier: Vec<BusinessUnitId> = units.iter().map(|u| (*u).clone()).collect();
    // Each unit enters the frontier once: linear in the units, and a loop
    // in a host's store ends.
    while let Some(unit) = frontier.pop() {
        for (child, parent) in &parent_of {
            if parent.as_ref() == Some(&unit) && found.insert(child.clone()) {
                frontier.push(child.clone());
            }
        }
    }
    Ok(found.into_iter().collect())
}

fn principal_of(reached: &Reached<'_>, hold: &Hold) -> PrincipalId {
    match &hold.holding {
        Holding::Team(team) => PrincipalId::Team(team.clone()),
        Holding::Direct => PrincipalId::User(reached.user.id.clone()),
    }
}

/// Which records a list view may show a user for one privilege: what
/// [`access_filter`] answers, as data a host turns into one `WHERE`
/// clause. A record is admitted when any part admits it:
///
/// - `everything`: an `organization` grant;
/// - `organization_owned`: records of organisation-owned tables, whenever
///   the user holds the privilege at all;
/// - `owners`: records owned by these users and teams;
/// - `business_units`: records whose owning unit is one of these;
/// - `shared_with` and `right`: records shared with one of these
///   principals with that right (shares open records only for privileges
///   whose action is one of the seven rights).
///
/// All lists are sorted and hold each id once. A host with a `records`
/// table (`owner_kind`, `owner_id`, `owning_business_unit`) and a `shares`
/// table (`record_id`, `principal_kind`, `principal_id`, `right`) writes:
///
/// ```sql
/// SELECT * FROM records r WHERE
///      :everything
///   OR (:organization_owned AND r.owner_kind = 'organization')
///   OR (r.owner_kind, r.owner_id) IN (:owners…)
///   OR r.owning_business_unit IN (:business_units…)
///   OR EXISTS (SELECT 1 FROM shares s WHERE s.record_id = r.id
///              AND s.right = :right AND (s.principal_kind, s.principal_id) IN (:shared_with…))
/// ```
///
/// `tests/record_sql.rs` runs exactly that against SQLite and checks it
/// returns the records [`can_access`] allows.
///
/// ```
/// use rbac_profiles::{AccessFilter, PrincipalId, Record};
///
/// let mut filter = AccessFilter::default();
/// filter.owners.push(PrincipalId::User("ana".into()));
/// filter.business_units.push("emea".into());
/// assert!(filter.admits(&Record::owned_by_user("ana").in_business_unit("apac")));
/// assert!(filter.admits(&Record::owned_by_user("bo").in_business_unit("emea")));
/// assert!(!filter.admits(&Record::owned_by_user("bo").in_business_unit("apac")));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessFilter {
    /// Every record.
    pub everything: bool,
    /// Records of organisation-owned tables.
    pub organization_owned: bool,
    /// Records owned by these users and teams.
    pub owners: Vec<PrincipalId>,
    /// Records whose owning business unit is one of these.
    pub business_units: Vec<BusinessUnitId>,
    /// Records shared with one of these principals with `right`.
    pub shared_with: Vec<PrincipalId>,
    /// The right a share must give; `None` when no share opens records for
    /// this privilege.
    pub right: Option<AccessRight>,
}

impl AccessFilter {
    /// Whether a record passes the filter: what the `WHERE` clause of a
    /// host's query decides for a row. The record's owning unit must be
    /// given, as every row has one; without it only the owner, the
    /// organisation and the shares decide.
    ///
    /// ```
    /// use rbac_profiles::{AccessFilter, Record};
    ///
    /// let mut everything = AccessFilter::default();
    /// everything.everything = true;
    /// assert!(everything.admits(&Record::owned_by_team("t")));
    /// assert!(!AccessFilter::default().admits(&Record::owned_by_organization()));
    /// ```
    pub fn admits(&self, record: &Record<'_>) -> bool {
        if self.everything {
            return true;
        }
        if record.owner == Owner::Organization {
            return self.organization_owned;
        }
        if self.owners.iter().any(|o| o.owns(record.owner)) {
            return true;
        }
        if let Some(unit) = record.business_unit {
            if self
                .business_units
                .binary_search_by(|u| u.as_str().cmp(unit))
                .is_ok()
            {
                return true;
            }
        }
        match self.right {
            Some(right) => record.shares.iter().any(|share| {
                share.rights.contains(right)
                    && self.shared_with.iter().any(|p| p.is(share.principal))
            }),
            None => false,
        }
    }

    pub(crate) fn normalized(mut self) -> Self {
        if self.everything {
            return AccessFilter {
                everything: true,
                organization_owned: true,
                ..AccessFilter::default()
            };
        }
        self.owners.sort();
        self.owners.dedup();
        self.business_units.sort();
        self.business_units.dedup();
        self.shared_with.sort();
        self.shared_with.dedup();
        self
    }
}

/// A record-access question, read from the store: the privilege, the
/// user's holdings and the record's owner and unit resolved.
struct Question<'s, 'r> {
    privilege: std::borrow::Cow<'s, Privilege>,
    reached: Reached<'s>,
    record: &'r Record<'r>,
    /// The record's owning unit: given, or its owner's.
    unit: Option<BusinessUnitId>,
    /// The units above `unit`, nearest first.
    above: Vec<BusinessUnitId>,
}

impl<'s, 'r> Question<'s, 'r> {
    fn read<S: Store + ?Sized, K: AsKey<Privilege> + 's>(
        store: &'s S,
        user: impl AsId<UserId>,
        privilege: K,
        record: &'r Record<'r>,
    ) -> Result<Self, Error> {
        let key = privilege.to_key()?.into_owned();
        let user = load_user(store, user)?;
        require_privilege(store, &key)?;
        let root = store.root_business_unit()?;
        let owner_unit = match record.owner {
            Owner::User(id) => store
                .user(&UserId::from(id))?
                .ok_or_else(|| unknown_in_record("owned by", EntityRef::User(id.into())))?
                .business_unit
                .clone(),
            Owner::Team(id) => store
                .team(&TeamId::from(id))?
                .ok_or_else(|| unknown_in_record("owned by", EntityRef::Team(id.into())))?
                .business_unit
                .clone(),
            Owner::Organization => None,
        };
        for share in record.shares {
            let known = match share.principal {
                Principal::User(id) => store.user(&UserId::from(id))?.is_some(),
                Principal::Team(id) => store.team(&TeamId::from(id))?.is_some(),
            };
            if !known {
                let entity = match share.principal {
                    Principal::User(id) => EntityRef::User(id.into()),
                    Principal::Team(id) => EntityRef::Team(id.into()),
                };
                return Err(unknown_in_record("shared with", entity));
            }
        }
        let unit = match record.business_unit {
            Some(id) => {
                let id = BusinessUnitId::from(id);
                if store.business_unit(&id)?.is_none() {
                    return Err(Error::UnknownBusinessUnit { business_unit: id });
                }
                Some(id)
            }
            None => owner_unit.or_else(|| root.clone()),
        };
        let above = ancestors(store, unit.as_ref())?;
        let reached = Reached::load(store, user)?;
        Ok(Question {
            privilege: std::borrow::Cow::Owned(key),
            reached,
            record,
            unit,
            above,
        })
    }

    /// The lowest level at which `hold` reaches the record, and how.
    fn reach(&self, hold: &Hold) -> Result<(AccessLevel, Reach), Error> {
        let me = PrincipalId::User(self.reached.user.id.clone());
        let principal = principal_of(&self.reached, hold);
        let owner = match self.record.owner {
            Owner::User(id) => Some(PrincipalId::User(id.into())),
            Owner::Team(id) => Some(PrincipalId::Team(id.into())),
            Owner::Organization => None,
        };
        let context = Context {
            principal,
            unit: hold.unit.as_ref(),
            member_owned: hold.member_owned,
        };
        let target = Target {
            owner,
            unit: self.unit.as_ref(),
            user: me,
        };
        Ok(threshold(&context, &target, |a, b| {
            b.is_some() && a.is_some_and(|a| self.above.iter().any(|u| u == a))
        }))
    }

    /// Every holding as a source, its threshold this record's.
    fn sources(&self) -> Result<Vec<Source>, Error> {
        let mut sources = Vec::with_capacity(self.reached.holdings.len());
        for (order, hold) in (0u32..).zip(&self.reached.holdings) {
            let (threshold, _) = self.reach(hold)?;
            sources.push(Source {
                node: hold.node,
                order,
                threshold,
            });
        }
        Ok(sources)
    }

    /// The right the privilege's action matches, if a share can give it.
    fn right(&self) -> Option<AccessRight> {
        AccessRight::for_action(self.privilege.action())
    }

    /// Whether `principal` is the user or one of their teams.
    fn is_me_or_my_team(&self, principal: Principal<'_>) -> bool {
        match principal {
            Principal::User(id) => self.reached.user.id.as_str() == id,
            Principal::Team(id) => self.reached.teams.iter().any(|t| t.id.as_str() == id),
        }
    }

    /// A share that opens the record to the user, if any.
    fn share(&self) -> Option<AccessRight> {
        let right = self.right()?;
        self.record
            .shares
            .iter()
            .any(|s| s.rights.contains(right) && self.is_me_or_my_team(s.principal))
            .then_some(right)
    }

    /// Whether the user holds the privilege at any level.
    fn holds_at_all(&self) -> bool {
        let reached = &self.reached;
        any_granting(reached.includes.as_slice(), &reached.sources(), |node| {
            reached.level(node, &self.privilege)
        })
    }
}

fn unknown_in_record(part: &'static str, entity: EntityRef) -> Error {
    Error::UnknownInRecord { part, entity }
}

/// The units above `unit` in `store`, nearest first; a loop in a host's
/// store ends at the first repeat.
pub(crate) fn ancestors<S: Store + ?Sized>(
    store: &S,
    unit: Option<&BusinessUnitId>,
) -> Result<Vec<BusinessUnitId>, Error> {
    let mut above: Vec<BusinessUnitId> = Vec::new();
    let mut at = unit.cloned();
    while let Some(id) = at {
        let parent = store.business_unit(&id)?.and_then(|u| u.parent.clone());
        if let Some(parent) = &parent {
            if above.contains(parent) || *parent == id {
                break;
            }
            above.push(parent.clone());
        }
        at = parent;
    }
    Ok(above)
}
