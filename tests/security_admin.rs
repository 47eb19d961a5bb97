//! Security administration: users, teams, business units and role
//! assignment through `administer` / `administer_all`. Laws over generated
//! organisations (a refused batch changes nothing and a batch is its ops one
//! after another; no elevation, against a naive reference written here from
//! the rule; independent operations commute; a snapshot compiled after any
//! batch answers as the store), then one named test per requirement and
//! refusal.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::key;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use rbac_profiles::testkit::strategies::{ADMIN, Conflicts, org, security_op};
use rbac_profiles::{
    AccessChange, AccessFilter, AccessLevel, AdminOp, BusinessUnit, BusinessUnitId, Directory,
    DirectoryDoc, EntityRef, Error, MemoryStore, Privilege, Proposal, Requirement, Role, RoleId,
    Snapshot, Team, User, UserId, administer, administer_all, catalog, has_privilege,
    privilege_level, resolve_profile,
};

/// The user the laws let assign roles without System Administrator: they
/// hold Omnichannel administrator (for `user_role:write`) and a random set
/// of the organisation's roles, each in a random unit.
const DELEGATE: &str = "delegate";

fn json(store: &MemoryStore) -> String {
    serde_json::to_string(store.directory()).unwrap()
}

/// `doc` with the delegate added: Omnichannel administrator in their own
/// unit, and `picks` of the document's roles (custom and the built-in ones
/// it names), each held in their unit or in one of the document's units.
fn with_delegate(
    mut doc: DirectoryDoc,
    picks: &[(Index, Option<Index>)],
    home: Index,
) -> MemoryStore {
    let units: Vec<BusinessUnitId> = doc.business_units.iter().map(|u| u.id.clone()).collect();
    let mut roles: Vec<RoleId> = doc.roles.iter().map(|r| r.id.clone()).collect();
    roles.extend(rbac_profiles::testkit::strategies::BUILTIN_ROLES);
    let mut delegate =
        User::new(DELEGATE, "Delegate").with_role(catalog::OMNICHANNEL_ADMINISTRATOR);
    if !units.is_empty() {
        delegate = delegate.in_business_unit(home.get(&units).clone());
    }
    for (role, unit) in picks {
        let role = role.get(&roles).clone();
        let unit = unit
            .filter(|_| !units.is_empty())
            .map(|u| u.get(&units).clone());
        let taken = delegate.roles.iter().any(|a| a.role == role);
        if taken {
            continue;
        }
        delegate = match unit {
            Some(unit) => delegate.with_role_in(role, unit),
            None => delegate.with_role(role),
        };
    }
    doc.users.push(delegate);
    MemoryStore::new(Directory::builtin_with(doc).unwrap())
}

// ---------------------------------------------------------------------------
// The naive reference of the elevation rule
// ---------------------------------------------------------------------------

/// The unit a holding names, or the root.
fn unit_or_root(doc: &Directory, named: Option<&BusinessUnitId>) -> Option<BusinessUnitId> {
    named.cloned().or_else(|| doc.root_business_unit().cloned())
}

/// `role` and every role it includes.
fn closure(doc: &Directory, role: &RoleId) -> BTreeSet<RoleId> {
    let mut seen = BTreeSet::from([role.clone()]);
    let mut todo = vec![role.clone()];
    while let Some(next) = todo.pop() {
        for included in &doc.role(&next).unwrap().includes {
            if seen.insert(included.clone()) {
                todo.push(included.clone());
            }
        }
    }
    seen
}

/// Every privilege the roles grant, at the highest level any grants it.
fn grants(doc: &Directory, roles: &BTreeSet<RoleId>) -> BTreeMap<Privilege, AccessLevel> {
    let mut needed = BTreeMap::new();
    for role in roles {
        for (privilege, level) in &doc.role(role).unwrap().grants {
            let slot: &mut AccessLevel = needed.entry(privilege.clone()).or_default();
            *slot = (*slot).max(*level);
        }
    }
    needed
}

/// The units above `unit`.
fn above(doc: &Directory, unit: Option<&BusinessUnitId>) -> Vec<BusinessUnitId> {
    let mut found = Vec::new();
    let mut at = unit.and_then(|u| doc.business_unit(u).unwrap().parent.clone());
    while let Some(id) = at {
        at = doc.business_unit(&id).unwrap().parent.clone();
        found.push(id);
    }
    found
}

/// The level at which the directly assigned roles of `actor` (who is in no
/// team) grant `privilege` reaching `target`: organisation anywhere,
/// parent-child in the unit held and below, user and business unit in the
/// unit held only.
fn level_reaching(
    doc: &Directory,
    actor: &User,
    privilege: &Privilege,
    target: Option<&BusinessUnitId>,
) -> AccessLevel {
    let target_above = above(doc, target);
    let mut best = AccessLevel::None;
    for assignment in &actor.roles {
        let held = unit_or_root(
            doc,
            assignment
                .business_unit
                .as_ref()
                .or(actor.business_unit.as_ref()),
        );
        for role in closure(doc, &assignment.role) {
            let level = doc
                .role(&role)
                .unwrap()
                .grants
                .get(privilege)
                .copied()
                .unwrap_or_default();
            let reaches = match level {
                AccessLevel::None => false,
                AccessLevel::Organization => true,
                AccessLevel::ParentChildBusinessUnit => {
                    held.as_ref() == target
                        || held.as_ref().is_some_and(|h| target_above.contains(h))
                }
                _ => held.as_ref() == target,
            };
            if reaches {
                best = best.max(level);
            }
        }
    }
    best
}

/// The first privilege (in key order) `role` grants above what `actor`
/// holds reaching `target`, with the level the role grants it at.
fn first_lacking(
    doc: &Directory,
    actor: &User,
    role: &RoleId,
    target: Option<&BusinessUnitId>,
) -> Option<(Privilege, AccessLevel)> {
    grants(doc, &closure(doc, role))
        .into_iter()
        .find(|(privilege, level)| level_reaching(doc, actor, privilege, target) < *level)
}

/// A role assignment by the delegate: to a user (in their unit or a named
/// one) or to a team, over ids the organisation holds.
#[derive(Clone, Debug)]
enum Assign {
    User(Index, Index, Option<Index>),
    Team(Index, Index),
}

fn assign() -> impl Strategy<Value = Assign> {
    prop_oneof![
        3 => (any::<Index>(), any::<Index>(), prop::option::of(any::<Index>()))
            .prop_map(|(u, r, b)| Assign::User(u, r, b)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(t, r)| Assign::Team(t, r)),
    ]
}

impl Assign {
    /// The operation, and the unit the role would be held in; `None` when
    /// the organisation has no team to assign to.
    fn op(&self, doc: &Directory) -> Option<(AdminOp, Option<BusinessUnitId>)> {
        let roles: Vec<RoleId> = doc.roles().map(|r| r.id.clone()).collect();
        let units: Vec<BusinessUnitId> = doc.business_units().map(|u| u.id.clone()).collect();
        match self {
            Assign::User(user, role, unit) => {
                let users: Vec<&User> = doc.users().collect();
                let user = *user.get(&users);
                let role = role.get(&roles).clone();
                let unit = unit
                    .filter(|_| !units.is_empty())
                    .map(|u| u.get(&units).clone());
                let held = unit_or_root(doc, unit.as_ref().or(user.business_unit.as_ref()));
                let op = AdminOp::AssignRole {
                    user: user.id.clone(),
                    role,
                    business_unit: unit,
                };
                Some((op, held))
            }
            Assign::Team(team, role) => {
                let teams: Vec<&Team> = doc.teams().collect();
                if teams.is_empty() {
                    return None;
                }
                let team = *team.get(&teams);
                let held = unit_or_root(doc, team.business_unit.as_ref());
                let op = AdminOp::AssignTeamRole {
                    team: team.id.clone(),
                    role: role.get(&roles).clone(),
                };
                Some((op, held))
            }
        }
    }
}

/// The generated organisations the security laws run on.
fn orgs() -> impl Strategy<Value = DirectoryDoc> {
    org(Conflicts::Excluded)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A batch is its operations one after another, each checked against
    /// the state the earlier ones leave (the actor's own rights included);
    /// a refused batch changes nothing and is refused with the error of its
    /// first refused operation.
    #[test]
    fn a_batch_is_its_ops_in_order_and_a_refused_one_changes_nothing(
        doc in orgs(),
        picks in vec((any::<Index>(), prop::option::of(any::<Index>())), 0..4),
        home in any::<Index>(),
        ops in vec(security_op(), 1..8),
        delegated in any::<bool>(),
    ) {
        let actor = UserId::from(if delegated { DELEGATE } else { ADMIN });
        let mut batch = with_delegate(doc, &picks, home);
        let mut one_by_one = batch.clone();
        let before = json(&batch);
        let mut first_error = None;
        for op in &ops {
            if let Err(err) = administer(&mut one_by_one, &actor, op) {
                first_error = Some(err);
                break;
            }
        }
        match (administer_all(&mut batch, &actor, &ops), first_error) {
            (Ok(()), None) => prop_assert_eq!(json(&batch), json(&one_by_one)),
            (Err(err), Some(expected)) => {
                prop_assert_eq!(err.to_string(), expected.to_string());
                prop_assert_eq!(json(&batch), before);
            }
            (got, expected) => prop_assert!(false, "batch {:?}, one by one {:?}", got, expected),
        }
    }

    /// No elevation: the delegate's assignment is accepted exactly when they
    /// hold every privilege the role grants (inclusions expanded) at the
    /// same or a higher level reaching the unit it is held in; a refusal
    /// names the first privilege lacking and the level needed. By
    /// induction over the batch, nobody ends up holding through the
    /// delegate more than the delegate held.
    #[test]
    fn nobody_assigns_more_than_they_hold(
        doc in orgs(),
        picks in vec((any::<Index>(), prop::option::of(any::<Index>())), 0..5),
        home in any::<Index>(),
        assigns in vec(assign(), 1..8),
    ) {
        let mut store = with_delegate(doc, &picks, home);
        let actor = UserId::from(DELEGATE);
        for assign in &assigns {
            let directory = store.directory().clone();
            let Some((op, held)) = assign.op(&directory) else {
                // No team: the same draw assigns to the delegate instead.
                let op = AdminOp::AssignRole { user: actor.clone(), role: catalog::BASIC_USER, business_unit: None };
                let _ = administer(&mut store, &actor, &op);
                continue;
            };
            let role = match &op {
                AdminOp::AssignRole { role, .. } | AdminOp::AssignTeamRole { role, .. } => role.clone(),
                _ => unreachable!(),
            };
            let delegate = directory.user(DELEGATE).unwrap();
            let lacking = first_lacking(&directory, delegate, &role, held.as_ref());
            let before = json(&store);
            // The delegate never holds System Administrator, so a role
            // including it is refused, naming the role.
            if closure(&directory, &role).contains(&catalog::SYSTEM_ADMINISTRATOR) {
                let missing = denied(administer(&mut store, &actor, &op));
                prop_assert_eq!(missing, Requirement::Role(catalog::SYSTEM_ADMINISTRATOR));
                prop_assert_eq!(json(&store), before);
                continue;
            }
            match (administer(&mut store, &actor, &op), lacking) {
                (Ok(()), None) => {}
                (Err(Error::AccessDenied { missing, .. }), Some((privilege, level))) => {
                    prop_assert_eq!(missing, Requirement::PrivilegeAt { privilege, level, business_unit: held });
                    prop_assert_eq!(json(&store), before);
                }
                // The rule passed; the assignment is refused for itself.
                (Err(Error::RoleAlreadyHeld { .. } | Error::ApiAccessConflict { .. }), None) => {
                    prop_assert_eq!(json(&store), before);
                }
                (got, lacking) => prop_assert!(false, "{op:?}: got {got:?}, reference lacks {lacking:?}"),
            }
        }
    }

    /// Operations on two different users commute: in either order each is
    /// accepted or refused alike, and the organisation ends the same.
    #[test]
    fn operations_on_different_users_commute(
        doc in orgs(),
        first in any::<Index>(),
        gap in any::<Index>(),
        a in user_op(),
        b in user_op(),
    ) {
        let store = with_delegate(doc, &[], first);
        let users: Vec<UserId> = store.directory().users().map(|u| u.id.clone()).filter(|u| u.as_str() != ADMIN).collect();
        // Two distinct users: the second is one to n - 1 places after the first.
        let i = first.index(users.len());
        let j = (i + 1 + gap.index(users.len() - 1)) % users.len();
        let (a, b) = (a.op(&store, &users[i]), b.op(&store, &users[j]));
        let mut ab = store.clone();
        let mut ba = store;
        let ab_results = (administer(&mut ab, ADMIN, &a).map_err(|e| e.to_string()), administer(&mut ab, ADMIN, &b).map_err(|e| e.to_string()));
        let ba_b = administer(&mut ba, ADMIN, &b).map_err(|e| e.to_string());
        let ba_a = administer(&mut ba, ADMIN, &a).map_err(|e| e.to_string());
        prop_assert_eq!(ab_results, (ba_a, ba_b));
        prop_assert_eq!(json(&ab), json(&ba));
    }

    /// After any accepted batch, a snapshot compiled from the store answers
    /// every user's every privilege level and profile as the store does.
    #[test]
    fn a_snapshot_after_administration_answers_as_the_store(
        doc in orgs(),
        ops in vec(security_op(), 1..10),
    ) {
        let mut store = MemoryStore::new(Directory::builtin_with(doc).unwrap());
        // Each operation alone, so that a refused one doesn't void the rest.
        let accepted = ops.iter().filter(|op| administer(&mut store, ADMIN, op).is_ok()).count();
        let snapshot = Snapshot::compile(&store).unwrap();
        let keys: Vec<Privilege> = store.directory().privileges().map(|p| p.key.clone()).collect();
        for user in store.directory().users() {
            for privilege in &keys {
                prop_assert_eq!(
                    snapshot.privilege_level(&user.id, privilege).unwrap(),
                    privilege_level(&store, &user.id, privilege).unwrap(),
                    "{} {} after {} accepted", user.id, privilege, accepted
                );
            }
            match (snapshot.resolve_profile(&user.id), resolve_profile(&store, &user.id)) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(a), Err(b)) => {
                    prop_assert!(user.disabled);
                    prop_assert_eq!(a.to_string(), b.to_string());
                }
                (a, b) => prop_assert!(false, "{}: snapshot {:?}, store {:?}", user.id, a, b),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// `impact_access` lists exactly what making the change does: every
    /// user's every privilege whose level or access filter differs between
    /// the snapshot and a snapshot compiled after the change, in user then
    /// key order; a refused change is refused alike.
    #[test]
    fn access_impact_is_what_making_the_change_does(doc in orgs(), ops in vec(security_op(), 1..4)) {
        let store = MemoryStore::new(Directory::builtin_with(doc).unwrap());
        let snapshot = Snapshot::compile(&store).unwrap();
        let predicted = snapshot.impact_access(&store, &Proposal::AdminBatch(ops.clone()));
        let mut applied = store.clone();
        match administer_all(&mut applied, ADMIN, &ops) {
            Err(err) => prop_assert_eq!(predicted.unwrap_err().to_string(), err.to_string()),
            Ok(()) => {
                let after = Snapshot::compile(&applied).unwrap();
                let mut users: BTreeSet<UserId> = store.directory().users().map(|u| u.id.clone()).collect();
                users.extend(applied.directory().users().map(|u| u.id.clone()));
                let keys: BTreeSet<Privilege> = store.directory().privileges().map(|p| p.key.clone()).collect();
                let side = |s: &Snapshot, user: &UserId, key: &Privilege| match s.user_ix(user) {
                    Some(_) => (s.privilege_level(user, key).unwrap(), s.access_filter(user, key).unwrap()),
                    None => (AccessLevel::None, AccessFilter::default()),
                };
                let mut expected = Vec::new();
                for user in &users {
                    for key in &keys {
                        let (a, b) = (side(&snapshot, user, key), side(&after, user, key));
                        if a != b {
                            expected.push(AccessChange::new(user.clone(), key.clone(), (a.0, b.0), (a.1, b.1)));
                        }
                    }
                }
                prop_assert_eq!(predicted.unwrap(), expected);
            }
        }
    }
}

/// An operation on one user, built once the user is chosen.
#[derive(Clone, Debug)]
enum UserOp {
    Assign(Index, bool),
    Remove(Index),
    Rename(String),
    Disable(bool),
    Move(Index),
}

impl UserOp {
    fn op(&self, store: &MemoryStore, user: &UserId) -> AdminOp {
        let user = user.clone();
        match self {
            UserOp::Assign(role, away) => AdminOp::AssignRole {
                user,
                role: pick_role(store, *role),
                business_unit: away.then(|| pick_unit(store, *role)).flatten(),
            },
            UserOp::Remove(role) => AdminOp::RemoveRole {
                user,
                role: pick_role(store, *role),
                business_unit: None,
            },
            UserOp::Rename(name) => AdminOp::RenameUser {
                user,
                name: name.clone(),
            },
            UserOp::Disable(true) => AdminOp::DisableUser { user },
            UserOp::Disable(false) => AdminOp::EnableUser { user },
            UserOp::Move(unit) => AdminOp::MoveUser {
                user,
                business_unit: pick_unit(store, *unit),
            },
        }
    }
}

fn user_op() -> impl Strategy<Value = UserOp> {
    prop_oneof![
        (any::<Index>(), any::<bool>()).prop_map(|(r, away)| UserOp::Assign(r, away)),
        any::<Index>().prop_map(UserOp::Remove),
        "[a-z]{1,6}".prop_map(UserOp::Rename),
        any::<bool>().prop_map(UserOp::Disable),
        any::<Index>().prop_map(UserOp::Move),
    ]
}

fn pick_role(store: &MemoryStore, pick: Index) -> RoleId {
    let roles: Vec<RoleId> = store
        .directory()
        .roles()
        .map(|r| r.id.clone())
        .filter(|r| *r != catalog::SYSTEM_ADMINISTRATOR)
        .collect();
    pick.get(&roles).clone()
}

fn pick_unit(store: &MemoryStore, pick: Index) -> Option<BusinessUnitId> {
    let units: Vec<BusinessUnitId> = store
        .directory()
        .business_units()
        .map(|u| u.id.clone())
        .collect();
    (!units.is_empty()).then(|| pick.get(&units).clone())
}

// ---------------------------------------------------------------------------
// Named cases
// ---------------------------------------------------------------------------

/// Contoso with two regions under the root, a System Administrator, an
/// Omnichannel administrator without it, a supervisor and an agent.
fn contoso() -> MemoryStore {
    let mut org = DirectoryDoc::default();
    org.business_units.extend([
        BusinessUnit::new("contoso", "Contoso"),
        BusinessUnit::new("emea", "EMEA").with_parent("contoso"),
        BusinessUnit::new("emea-north", "EMEA North").with_parent("emea"),
        BusinessUnit::new("amer", "Americas").with_parent("contoso"),
    ]);
    org.roles.extend([
        Role::new("case-reader-bu", "Case reader (unit)")
            .with_grant(key("case:read"), AccessLevel::BusinessUnit),
        Role::new("case-reader-deep", "Case reader (unit and below)")
            .with_grant(key("case:read"), AccessLevel::ParentChildBusinessUnit),
        Role::new("case-reader-org", "Case reader (organisation)")
            .with_grant(key("case:read"), AccessLevel::Organization),
        Role::new("case-desk", "Case desk")
            .with_grant(key("case:read"), AccessLevel::BusinessUnit)
            .with_include("case-reader-org"),
    ]);
    org.teams
        .extend([Team::new("emea-desk", "EMEA desk").in_business_unit("emea")]);
    org.users.extend([
        User::new("sam", "Sam (System Administrator)").with_role(catalog::SYSTEM_ADMINISTRATOR),
        User::new("olga", "Olga (Omnichannel administrator)")
            .with_role(catalog::OMNICHANNEL_ADMINISTRATOR)
            .in_business_unit("emea"),
        User::new("sue", "Sue (supervisor)")
            .with_role(catalog::OMNICHANNEL_SUPERVISOR)
            .in_business_unit("emea"),
        User::new("ann", "Ann (agent)")
            .with_role(catalog::OMNICHANNEL_AGENT)
            .in_business_unit("emea"),
        User::new("api", "API client").with_role(catalog::OMNICHANNEL_API_ACCESS),
    ]);
    MemoryStore::new(Directory::builtin_with(org).unwrap())
}

fn give(user: &str, role: &str) -> AdminOp {
    AdminOp::AssignRole {
        user: user.into(),
        role: role.into(),
        business_unit: None,
    }
}

/// Runs `op` as `actor` and checks that a refusal left the store as it was.
fn run(store: &mut MemoryStore, actor: &str, op: &AdminOp) -> Result<(), Error> {
    let before = json(store);
    let result = administer(store, actor, op);
    if result.is_err() {
        assert_eq!(json(store), before, "{op:?} refused but wrote");
    }
    result
}

fn denied(result: Result<(), Error>) -> Requirement {
    match result {
        Err(Error::AccessDenied { missing, .. }) => missing,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn each_operation_states_its_requirement() {
    let roles = [
        give("ann", "case-reader-bu"),
        AdminOp::RemoveRole {
            user: "ann".into(),
            role: "omnichannel-agent".into(),
            business_unit: None,
        },
        AdminOp::AssignTeamRole {
            team: "emea-desk".into(),
            role: "case-reader-bu".into(),
        },
        AdminOp::RemoveTeamRole {
            team: "emea-desk".into(),
            role: "case-reader-bu".into(),
        },
    ];
    for op in &roles {
        assert_eq!(
            op.requirement(),
            Requirement::Privilege(catalog::USER_ROLE_WRITE),
            "{op:?}"
        );
    }
    let administration = [
        AdminOp::CreateUser {
            user: "new".into(),
            name: "New".into(),
            business_unit: None,
        },
        AdminOp::RenameUser {
            user: "ann".into(),
            name: "Ann".into(),
        },
        AdminOp::MoveUser {
            user: "ann".into(),
            business_unit: None,
        },
        AdminOp::DisableUser { user: "ann".into() },
        AdminOp::EnableUser { user: "ann".into() },
        AdminOp::RemoveUser { user: "ann".into() },
        AdminOp::CreateTeam {
            team: "t".into(),
            name: "T".into(),
            business_unit: None,
        },
        AdminOp::DeleteTeam {
            team: "emea-desk".into(),
        },
        AdminOp::AddTeamMembers {
            team: "emea-desk".into(),
            users: vec!["ann".into()],
        },
        AdminOp::RemoveTeamMembers {
            team: "emea-desk".into(),
            users: vec!["ann".into()],
        },
        AdminOp::MoveTeam {
            team: "emea-desk".into(),
            business_unit: None,
        },
        AdminOp::CreateBusinessUnit {
            business_unit: "apac".into(),
            name: "APAC".into(),
            parent: Some("contoso".into()),
        },
        AdminOp::RenameBusinessUnit {
            business_unit: "amer".into(),
            name: "Americas".into(),
        },
        AdminOp::MoveBusinessUnit {
            business_unit: "amer".into(),
            parent: "emea".into(),
        },
        AdminOp::DeleteBusinessUnit {
            business_unit: "amer".into(),
        },
    ];
    let mut store = contoso();
    for op in &administration {
        assert!(op.is_security());
        assert_eq!(
            op.requirement(),
            Requirement::Role(catalog::SYSTEM_ADMINISTRATOR),
            "{op:?}"
        );
        // The Omnichannel administrator holds user_role:write, not this.
        let err = run(&mut store, "olga", op).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"user "olga" lacks role "system-administrator""#,
            "{op:?}"
        );
    }
    for op in &roles {
        assert_eq!(
            denied(run(&mut store, "ann", op)),
            Requirement::Privilege(catalog::USER_ROLE_WRITE)
        );
    }
}

/// Seed 002/003: the Omnichannel administrator "also requires the System
/// Administrator role to manage user roles and privileges": without it,
/// they may assign only roles within their own privileges.
#[test]
fn an_omnichannel_administrator_without_system_administrator_assigns_only_what_they_hold() {
    let mut store = contoso();
    assert!(has_privilege(&store, "olga", "user_role:write").unwrap());
    let missing = denied(run(
        &mut store,
        "olga",
        &give("ann", "omnichannel-supervisor"),
    ));
    let Requirement::PrivilegeAt {
        privilege,
        level,
        business_unit,
    } = &missing
    else {
        panic!("{missing:?}");
    };
    assert_eq!(business_unit.as_ref().map(|u| u.as_str()), Some("emea"));
    assert!(
        !has_privilege_at_least(&store, "olga", privilege, *level),
        "{missing}"
    );
    // Within their own privileges: App profile manager administrator is
    // what Omnichannel administrator includes.
    run(
        &mut store,
        "olga",
        &give("ann", "app-profile-manager-administrator"),
    )
    .unwrap();
    // With System Administrator, anything goes.
    run(
        &mut store,
        "sam",
        &give("olga", catalog::SYSTEM_ADMINISTRATOR.as_str()),
    )
    .unwrap();
    run(&mut store, "olga", &give("ann", "omnichannel-supervisor")).unwrap();
}

fn has_privilege_at_least(
    store: &MemoryStore,
    user: &str,
    privilege: &Privilege,
    level: AccessLevel,
) -> bool {
    privilege_level(store, user, privilege).unwrap() >= level
}

#[test]
fn assigning_system_administrator_needs_system_administrator() {
    let mut store = contoso();
    // Olga holds every privilege of the catalogue at organisation level
    // through a custom role, but not the role itself.
    let keys: Vec<Privilege> = store
        .directory()
        .privileges()
        .map(|p| p.key.clone())
        .collect();
    let mut everything = Role::new("everything", "Everything");
    for privilege in keys {
        everything = everything.with_grant(privilege, AccessLevel::Organization);
    }
    run(
        &mut store,
        "sam",
        &AdminOp::CreateUser {
            user: "eve".into(),
            name: "Eve".into(),
            business_unit: None,
        },
    )
    .unwrap();
    let mut doc = DirectoryDoc::from(store.directory().clone());
    doc.roles.push(everything);
    let mut store = MemoryStore::new(Directory::try_from(doc).unwrap());
    run(&mut store, "sam", &give("olga", "everything")).unwrap();
    let missing = denied(run(
        &mut store,
        "olga",
        &give("eve", "system-administrator"),
    ));
    assert_eq!(missing, Requirement::Role(catalog::SYSTEM_ADMINISTRATOR));
    // Anything short of it, olga may now assign.
    run(&mut store, "olga", &give("eve", "omnichannel-supervisor")).unwrap();
}

#[test]
fn the_elevation_rule_reads_the_unit_the_role_is_held_in() {
    let mut store = contoso();
    // Olga reads cases in her unit (emea) only.
    run(&mut store, "sam", &give("olga", "case-reader-bu")).unwrap();
    // Sue is in emea too: a unit-level reader there is within Olga's reach.
    run(&mut store, "olga", &give("sue", "case-reader-bu")).unwrap();
    // In amer, it is not, and the refusal says where.
    let in_amer = AdminOp::AssignRole {
        user: "sue".into(),
        role: "case-reader-bu".into(),
        business_unit: Some("amer".into()),
    };
    assert_eq!(
        denied(run(&mut store, "olga", &in_amer)).to_string(),
        r#"privilege "case:read" at business_unit in "amer""#
    );
    // Nor deeper than she holds it, even at home.
    assert_eq!(
        denied(run(&mut store, "olga", &give("ann", "case-reader-deep"))).to_string(),
        r#"privilege "case:read" at parent_child_business_unit in "emea""#
    );
    // Parent-child in emea reaches emea-north below it, not amer beside it.
    run(&mut store, "sam", &give("olga", "case-reader-deep")).unwrap();
    let north = AdminOp::AssignRole {
        user: "sue".into(),
        role: "case-reader-bu".into(),
        business_unit: Some("emea-north".into()),
    };
    run(&mut store, "olga", &north).unwrap();
    denied(run(&mut store, "olga", &in_amer));
    // A team's roles are held in the team's unit (emea).
    run(
        &mut store,
        "olga",
        &AdminOp::AssignTeamRole {
            team: "emea-desk".into(),
            role: "case-reader-bu".into(),
        },
    )
    .unwrap();
    // Inclusions count: case-desk includes an organisation-wide reader.
    assert_eq!(
        denied(run(&mut store, "olga", &give("ann", "case-desk"))).to_string(),
        r#"privilege "case:read" at organization in "emea""#
    );
}

#[test]
fn an_actor_who_gives_up_user_role_write_cannot_go_on_in_the_same_batch() {
    let mut store = contoso();
    let batch = [
        give("ann", "app-profile-user"),
        AdminOp::RemoveRole {
            user: "olga".into(),
            role: "omnichannel-administrator".into(),
            business_unit: None,
        },
        give("sue", "app-profile-user"),
    ];
    let before = json(&store);
    let err = administer_all(&mut store, "olga", &batch).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"user "olga" lacks privilege "user_role:write""#
    );
    assert_eq!(json(&store), before);
}

#[test]
fn api_access_and_agent_roles_exclude_each_other_both_ways() {
    let mut store = contoso();
    let conflict = |result: Result<(), Error>| match result {
        Err(Error::ApiAccessConflict {
            user,
            role,
            conflicting,
        }) => (user.to_string(), role.to_string(), conflicting.to_string()),
        other => panic!("expected the API-access conflict, got {other:?}"),
    };
    assert_eq!(
        conflict(run(
            &mut store,
            "sam",
            &give("ann", "omnichannel-api-access")
        )),
        (
            "ann".into(),
            "omnichannel-api-access".into(),
            "omnichannel-agent".into()
        )
    );
    assert_eq!(
        conflict(run(
            &mut store,
            "sam",
            &give("api", "omnichannel-supervisor")
        )),
        (
            "api".into(),
            "omnichannel-supervisor".into(),
            "omnichannel-api-access".into()
        )
    );
    // Through a team too: the team's role reaches every member.
    run(
        &mut store,
        "sam",
        &AdminOp::AddTeamMembers {
            team: "emea-desk".into(),
            users: vec!["api".into()],
        },
    )
    .unwrap();
    conflict(run(
        &mut store,
        "sam",
        &AdminOp::AssignTeamRole {
            team: "emea-desk".into(),
            role: "omnichannel-agent".into(),
        },
    ));
    // And joining a team whose role brings them together.
    run(
        &mut store,
        "sam",
        &AdminOp::CreateTeam {
            team: "chat".into(),
            name: "Chat".into(),
            business_unit: None,
        },
    )
    .unwrap();
    run(
        &mut store,
        "sam",
        &AdminOp::AssignTeamRole {
            team: "chat".into(),
            role: "omnichannel-agent".into(),
        },
    )
    .unwrap();
    assert_eq!(
        conflict(run(
            &mut store,
            "sam",
            &AdminOp::AddTeamMembers {
                team: "chat".into(),
                users: vec!["api".into()]
            }
        )),
        (
            "api".into(),
            "omnichannel-agent".into(),
            "omnichannel-api-access".into()
        )
    );
    // Other roles are no concern of the rule.
    run(&mut store, "sam", &give("api", "basic-user")).unwrap();
}

#[test]
fn each_refusal_is_typed_and_names_the_ids() {
    let mut store = contoso();
    let cases: Vec<(AdminOp, &str)> = vec![
        (
            give("ann", "omnichannel-agent"),
            r#"user "ann" already holds role "omnichannel-agent" in "emea""#,
        ),
        (
            AdminOp::RemoveRole {
                user: "ann".into(),
                role: "basic-user".into(),
                business_unit: None,
            },
            r#"user "ann" doesn't hold role "basic-user" in "emea""#,
        ),
        (give("nobody", "basic-user"), r#"unknown user "nobody""#),
        (
            give("ann", "no-such-role"),
            r#"user "ann" references unknown role "no-such-role""#,
        ),
        (
            AdminOp::AddTeamMembers {
                team: "emea-desk".into(),
                users: vec!["ann".into(), "ann".into()],
            },
            r#"team "emea-desk" lists user "ann" twice"#,
        ),
        (
            AdminOp::RemoveTeamMembers {
                team: "emea-desk".into(),
                users: vec!["ann".into()],
            },
            r#"user "ann" is not in team "emea-desk""#,
        ),
        (
            AdminOp::CreateUser {
                user: "ann".into(),
                name: "Ann".into(),
                business_unit: None,
            },
            r#"duplicate user id "ann""#,
        ),
        (
            AdminOp::CreateUser {
                user: "zed".into(),
                name: "Zed".into(),
                business_unit: Some("mars".into()),
            },
            r#"user "zed" references unknown business unit "mars""#,
        ),
        (
            AdminOp::CreateBusinessUnit {
                business_unit: "second".into(),
                name: "Second".into(),
                parent: None,
            },
            r#"business units "contoso" and "second" both have no parent; the tree has one root"#,
        ),
        (
            AdminOp::MoveBusinessUnit {
                business_unit: "emea".into(),
                parent: "emea-north".into(),
            },
            r#"business unit cycle: "emea" -> "emea-north" -> "emea""#,
        ),
        (
            AdminOp::DeleteBusinessUnit {
                business_unit: "emea".into(),
            },
            r#"business unit "emea" is not empty: business unit "emea-north" is in it"#,
        ),
        (
            AdminOp::DeleteBusinessUnit {
                business_unit: "emea-north".into(),
            },
            "",
        ),
        (
            AdminOp::DeleteBusinessUnit {
                business_unit: "amer".into(),
            },
            "",
        ),
        (
            AdminOp::DeleteBusinessUnit {
                business_unit: "emea".into(),
            },
            r#"business unit "emea" is not empty: team "emea-desk" is in it"#,
        ),
    ];
    let mut got = Vec::new();
    let mut wanted = Vec::new();
    for (op, expected) in cases {
        got.push(
            run(&mut store, "sam", &op)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default(),
        );
        wanted.push(expected);
    }
    assert_eq!(got, wanted);
}

#[test]
fn a_moved_user_loses_the_roles_held_in_their_old_unit() {
    let mut store = contoso();
    let in_amer = AdminOp::AssignRole {
        user: "ann".into(),
        role: "case-reader-bu".into(),
        business_unit: Some("amer".into()),
    };
    run(&mut store, "sam", &in_amer).unwrap();
    run(
        &mut store,
        "sam",
        &AdminOp::MoveUser {
            user: "ann".into(),
            business_unit: Some("amer".into()),
        },
    )
    .unwrap();
    let ann = store.directory().user("ann").unwrap();
    // Dataverse removes the roles held in the old unit; the one assigned
    // in amer by name stays.
    let held: Vec<(&str, Option<&str>)> = ann
        .roles
        .iter()
        .map(|a| {
            (
                a.role.as_str(),
                a.business_unit.as_ref().map(|u| u.as_str()),
            )
        })
        .collect();
    assert_eq!(held, [("case-reader-bu", Some("amer"))]);
    assert!(!has_privilege(&store, "ann", "conversation:transfer").unwrap_or(true));
}

#[test]
fn a_deactivated_user_holds_nothing_and_resolves_to_no_profile() {
    let mut store = contoso();
    assert!(has_privilege(&store, "sue", "conversation:transfer").unwrap());
    run(
        &mut store,
        "sam",
        &AdminOp::DisableUser { user: "sue".into() },
    )
    .unwrap();
    assert!(!has_privilege(&store, "sue", "conversation:transfer").unwrap());
    assert_eq!(
        resolve_profile(&store, "sue").unwrap_err().to_string(),
        Error::DisabledUser { user: "sue".into() }.to_string()
    );
    let snapshot = Snapshot::compile(&store).unwrap();
    assert!(
        !snapshot
            .has_privilege("sue", "conversation:transfer")
            .unwrap()
    );
    // Their roles are kept: enabling them again gives everything back.
    run(
        &mut store,
        "sam",
        &AdminOp::EnableUser { user: "sue".into() },
    )
    .unwrap();
    assert!(has_privilege(&store, "sue", "conversation:transfer").unwrap());
    // A deactivated actor administers nothing.
    run(
        &mut store,
        "sam",
        &AdminOp::DisableUser { user: "sam".into() },
    )
    .unwrap();
    let err = run(
        &mut store,
        "sam",
        &AdminOp::EnableUser { user: "sam".into() },
    )
    .unwrap_err();
    assert!(matches!(err, Error::AccessDenied { .. }), "{err}");
}

#[test]
fn removing_a_user_or_team_removes_every_mention() {
    let mut store = contoso();
    run(
        &mut store,
        "sam",
        &AdminOp::AddTeamMembers {
            team: "emea-desk".into(),
            users: vec!["ann".into(), "sue".into()],
        },
    )
    .unwrap();
    run(
        &mut store,
        "sam",
        &AdminOp::RemoveUser { user: "ann".into() },
    )
    .unwrap();
    assert!(store.directory().user("ann").is_none());
    let team = store.directory().team("emea-desk").unwrap();
    assert_eq!(team.members, [UserId::from("sue")]);
    run(
        &mut store,
        "sam",
        &AdminOp::DeleteTeam {
            team: "emea-desk".into(),
        },
    )
    .unwrap();
    assert!(store.directory().user("sue").unwrap().teams.is_empty());
    // Both sides of a membership are written in one change set, and the
    // organisation still loads.
    let reloaded: Directory = serde_json::from_str(&json(&store)).unwrap();
    assert_eq!(&reloaded, store.directory());
    let _ = EntityRef::User("sue".into());
}
