//! Record access: each rule of the design with a small organisation of its
//! own, the bad input, and laws over generated organisations (business-unit
//! trees, teams, roles at every level with both inheritance settings,
//! records with every kind of owner and shares) against a naive reference
//! written here from the rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use rbac_profiles::testkit::strategies::{CATALOGUE_KEYS, Conflicts, org};
use rbac_profiles::{
    AccessLevel, AccessRight, AccessRights, BusinessUnit, BusinessUnitId, ColumnAccess, ColumnKey,
    ColumnPermission, Directory, DirectoryDoc, Error, Holding, Inheritance, MemoryStore, Owner,
    Principal, Privilege, PrivilegeDef, Reach, Record, RecordIx, Role, RoleAssignment, Share,
    ShareIx, Snapshot, Team, TeamId, User, UserId, access_filter, can_access, column_access_on,
    explain_access,
};

// ---------------------------------------------------------------------------
// The naive reference
// ---------------------------------------------------------------------------

/// A record with owned ids, for generated cases.
#[derive(Clone, Debug)]
struct Row {
    owner: Option<(bool, String)>,
    unit: Option<String>,
    shares: Vec<(bool, String, AccessRights)>,
}

impl Row {
    /// The record, with `shares` as its share list (`true` kinds are teams).
    fn record<'a>(&'a self, shares: &'a mut Vec<Share<'a>>) -> Record<'a> {
        shares.clear();
        shares.extend(self.shares.iter().map(|(team, id, rights)| Share {
            principal: if *team {
                Principal::Team(id)
            } else {
                Principal::User(id)
            },
            rights: *rights,
        }));
        let owner = match &self.owner {
            None => Owner::Organization,
            Some((true, id)) => Owner::Team(id),
            Some((false, id)) => Owner::User(id),
        };
        Record {
            owner,
            business_unit: self.unit.as_deref(),
            shares,
        }
    }
}

fn user<'d>(doc: &'d Directory, id: &str) -> &'d User {
    doc.user(id).unwrap()
}

/// The unit a user, team or `None` (the root) is in.
fn unit_of(doc: &Directory, unit: Option<&BusinessUnitId>) -> Option<BusinessUnitId> {
    unit.cloned().or_else(|| doc.root_business_unit().cloned())
}

/// `unit` and every unit above it.
fn ancestors(doc: &Directory, unit: Option<&BusinessUnitId>) -> Vec<BusinessUnitId> {
    let mut found = Vec::new();
    let mut at = unit.cloned();
    while let Some(id) = at {
        at = doc.business_unit(&id).unwrap().parent.clone();
        found.push(id);
    }
    found
}

/// Every role `root` includes, itself too, by fixpoint.
fn closure(doc: &Directory, root: &rbac_profiles::RoleId) -> BTreeSet<rbac_profiles::RoleId> {
    let mut held = BTreeSet::from([root.clone()]);
    loop {
        let more: Vec<_> = held
            .iter()
            .flat_map(|r| doc.role(r).unwrap().includes.clone())
            .filter(|r| !held.contains(r))
            .collect();
        if more.is_empty() {
            return held;
        }
        held.extend(more);
    }
}

fn grant(doc: &Directory, role: &rbac_profiles::RoleId, key: &Privilege) -> AccessLevel {
    if role.as_str() == "system-administrator" {
        return AccessLevel::Organization;
    }
    doc.role(role)
        .unwrap()
        .grants
        .get(key)
        .copied()
        .unwrap_or_default()
}

/// A holding: role, principal (`true`: a team), unit, members reach their
/// own records.
type Hold = (
    rbac_profiles::RoleId,
    bool,
    String,
    Option<BusinessUnitId>,
    bool,
);

fn holds(doc: &Directory, who: &User) -> Vec<Hold> {
    let mut holds: Vec<Hold> = who
        .roles
        .iter()
        .map(|a| {
            let unit = a
                .business_unit
                .clone()
                .or_else(|| unit_of(doc, who.business_unit.as_ref()));
            (a.role.clone(), false, who.id.to_string(), unit, false)
        })
        .collect();
    for t in &who.teams {
        let team = doc.team(t).unwrap();
        for r in &team.roles {
            let member = doc.role(r).unwrap().inheritance == Inheritance::DirectUserBasic;
            holds.push((
                r.clone(),
                true,
                t.to_string(),
                unit_of(doc, team.business_unit.as_ref()),
                member,
            ));
        }
    }
    holds
}

/// The rules, as the design states them, checked the slow way.
fn reference(doc: &Directory, who: &str, key: &Privilege, row: &Row) -> bool {
    let who = user(doc, who);
    let record_unit = match (&row.unit, &row.owner) {
        (Some(unit), _) => Some(BusinessUnitId::from(unit.as_str())),
        (None, Some((true, team))) => unit_of(doc, doc.team(team).unwrap().business_unit.as_ref()),
        (None, Some((false, owner))) => unit_of(doc, user(doc, owner).business_unit.as_ref()),
        (None, None) => unit_of(doc, None),
    };
    let above = ancestors(doc, record_unit.as_ref());
    let mut any_grant = false;
    for (root, team, principal, unit, member) in holds(doc, who) {
        for role in closure(doc, &root) {
            let level = grant(doc, &role, key);
            if level == AccessLevel::None {
                continue;
            }
            any_grant = true;
            let owns =
                |is_team: bool, id: &str| row.owner.as_ref() == Some(&(is_team, id.to_owned()));
            let reached = row.owner.is_none()
                || owns(team, &principal)
                || (member && owns(false, who.id.as_str()))
                || (level >= AccessLevel::BusinessUnit && unit == record_unit)
                || (level >= AccessLevel::ParentChildBusinessUnit
                    && unit.as_ref().is_some_and(|u| above.contains(u)))
                || level == AccessLevel::Organization;
            if reached {
                return true;
            }
        }
    }
    let right = AccessRight::for_action(key.action());
    let shared = row.shares.iter().any(|(team, id, rights)| {
        right.is_some_and(|r| rights.contains(r))
            && if *team {
                who.teams.iter().any(|t| t.as_str() == id)
            } else {
                who.id.as_str() == id
            }
    });
    shared && any_grant
}

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/// A generated organisation and records over its ids.
fn case() -> impl Strategy<Value = (Directory, Vec<Row>)> {
    case_of(org(Conflicts::Excluded).prop_map(|doc| Directory::builtin_with(doc).unwrap()))
}

/// [`case`] past 512 roles, where the snapshot keeps no per-user role rows.
fn case_past_dense_roles() -> impl Strategy<Value = (Directory, Vec<Row>)> {
    case_of(
        org(Conflicts::Excluded)
            .prop_map(|doc| Directory::builtin_with(common::past_dense_roles(doc)).unwrap()),
    )
}

fn case_of(org: impl Strategy<Value = Directory>) -> impl Strategy<Value = (Directory, Vec<Row>)> {
    (
        org,
        vec(
            any::<(u8, Index, Option<Index>, Vec<(bool, Index, u8)>)>(),
            1..8,
        ),
    )
        .prop_map(|(directory, picks)| {
            let users: Vec<String> = directory.users().map(|u| u.id.to_string()).collect();
            let teams: Vec<String> = directory.teams().map(|t| t.id.to_string()).collect();
            let units: Vec<String> = directory
                .business_units()
                .map(|b| b.id.to_string())
                .collect();
            let rows = picks
                .into_iter()
                .map(|(kind, who, unit, shares)| {
                    let owner = match kind % 4 {
                        0 => None,
                        1 if !teams.is_empty() => Some((true, who.get(&teams).clone())),
                        _ => Some((false, who.get(&users).clone())),
                    };
                    let unit = unit
                        .filter(|_| !units.is_empty())
                        .map(|u| u.get(&units).clone());
                    let shares = shares
                        .into_iter()
                        .take(3)
                        .map(|(team, who, bits)| {
                            let rights = AccessRight::ALL
                                .into_iter()
                                .enumerate()
                                .filter(|(i, _)| bits & (1 << i) != 0)
                                .map(|(_, r)| r)
                                .collect();
                            match team {
                                true if !teams.is_empty() => {
                                    (true, who.get(&teams).clone(), rights)
                                }
                                _ => (false, who.get(&users).clone(), rights),
                            }
                        })
                        .collect();
                    Row {
                        owner,
                        unit,
                        shares,
                    }
                })
                .collect();
            (directory, rows)
        })
}

/// The privileges the laws ask about: the generated ones and the catalogue
/// keys generated roles grant, plus one the administrator alone holds.
fn keys(directory: &Directory) -> Vec<Privilege> {
    let mut keys: Vec<Privilege> = directory
        .privileges()
        .map(|p| p.key.clone())
        .filter(|k| k.entity().starts_with('e') || CATALOGUE_KEYS.contains(&k.as_str()))
        .collect();
    keys.push("bot:create".parse().unwrap());
    keys
}

/// The record's owning unit, given or its owner's: what a row carries.
fn resolved(directory: &Directory, row: &Row) -> Row {
    let mut row = row.clone();
    if row.unit.is_none() {
        let unit = match &row.owner {
            Some((true, team)) => directory.team(team).unwrap().business_unit.clone(),
            Some((false, owner)) => directory.user(owner).unwrap().business_unit.clone(),
            None => None,
        };
        row.unit = unit
            .or_else(|| directory.root_business_unit().cloned())
            .map(|u| u.to_string());
    }
    row
}

/// can_access: store path = snapshot (by ids and by handles) = reference;
/// explain_access is not empty exactly then, and the snapshot's routes are
/// the store's.
fn check_can_access(directory: Directory, rows: Vec<Row>) -> Result<(), TestCaseError> {
    let store = MemoryStore::new(directory.clone());
    let snapshot = Snapshot::compile(&store).unwrap();
    for who in directory.users() {
        for key in keys(&directory) {
            for row in &rows {
                let mut shares = Vec::new();
                let record = row.record(&mut shares);
                let expected = reference(&directory, who.id.as_str(), &key, row);
                let store_says = can_access(&store, &who.id, &key, &record).unwrap();
                prop_assert_eq!(store_says, expected, "{} {} {:?}", who.id, key, row);
                prop_assert_eq!(
                    snapshot.can_access(&who.id, &key, &record).unwrap(),
                    expected
                );
                let mut share_ix = Vec::new();
                let record_ix = snapshot.record_ix(&record, &mut share_ix).unwrap();
                let (u, p) = (
                    snapshot.user_ix(&who.id).unwrap(),
                    snapshot.privilege_ix(&key).unwrap(),
                );
                prop_assert_eq!(snapshot.can_access_ix(u, p, &record_ix), expected);
                let routes = explain_access(&store, &who.id, &key, &record).unwrap();
                prop_assert_eq!(!routes.is_empty(), expected, "{:?}", routes);
                prop_assert_eq!(
                    snapshot.explain_access(&who.id, &key, &record).unwrap(),
                    routes
                );
            }
        }
    }
    Ok(())
}

/// A way to make a question fail, at the question `at` picks: each part
/// of it an id the organisation lacks, or a key that is not one.
#[derive(Clone, Copy, Debug)]
enum Spoil {
    User,
    InvalidKey,
    UnknownKey,
    OwnerUser,
    OwnerTeam,
    ShareUser,
    ShareTeam,
    Unit,
}

fn spoil() -> impl Strategy<Value = (Index, Spoil)> {
    (
        any::<Index>(),
        prop_oneof![
            Just(Spoil::User),
            Just(Spoil::InvalidKey),
            Just(Spoil::UnknownKey),
            Just(Spoil::OwnerUser),
            Just(Spoil::OwnerTeam),
            Just(Spoil::ShareUser),
            Just(Spoil::ShareTeam),
            Just(Spoil::Unit),
        ],
    )
}

/// The batches answer as one by one: every user × key × row (and, by
/// handle, questions with another snapshot's handles) in one batch; by
/// id, with `spoils` applied, the first failing question's error, or the
/// same answers when none fails.
fn check_batches(
    directory: Directory,
    rows: Vec<Row>,
    spoils: Vec<(Index, Spoil)>,
) -> Result<(), TestCaseError> {
    let store = MemoryStore::new(directory.clone());
    let snapshot = Snapshot::compile(&store).unwrap();
    let other = Snapshot::compile(&store).unwrap();
    let keys = keys(&directory);

    // By handle.
    let mut share_ix: Vec<Vec<ShareIx>> = vec![Vec::new(); rows.len()];
    let mut records_ix = Vec::new();
    for (row, share_ix) in rows.iter().zip(&mut share_ix) {
        let mut shares = Vec::new();
        let record = row.record(&mut shares);
        let record = snapshot.record_ix(&record, share_ix).unwrap();
        records_ix.push((record.owner, record.business_unit));
    }
    let mut by_handle = Vec::new();
    for who in directory.users() {
        for key in &keys {
            for ((owner, unit), shares) in records_ix.iter().zip(&share_ix) {
                let record = RecordIx {
                    owner: *owner,
                    business_unit: *unit,
                    shares,
                };
                let (u, p) = (
                    snapshot.user_ix(&who.id).unwrap(),
                    snapshot.privilege_ix(key).unwrap(),
                );
                by_handle.push((u, p, record));
                // Another snapshot's handle answers false, in a batch too.
                by_handle.push((other.user_ix(&who.id).unwrap(), p, record));
            }
        }
    }
    let singles: Vec<bool> = by_handle
        .iter()
        .map(|(u, p, r)| snapshot.can_access_ix(*u, *p, r))
        .collect();
    let mut answers = vec![true; 3];
    snapshot.can_access_batch_ix(&by_handle, &mut answers);
    prop_assert_eq!(&answers, &singles);

    // By id, spoiled.
    let mut by_id: Vec<(String, String, Row)> = Vec::new();
    for who in directory.users() {
        for key in &keys {
            for row in &rows {
                by_id.push((who.id.to_string(), key.to_string(), row.clone()));
            }
        }
    }
    for (at, spoil) in &spoils {
        let (user, key, row) = at.get_mut(&mut by_id);
        match spoil {
            Spoil::User => *user = "nobody".into(),
            Spoil::InvalidKey => *key = "Not:a key".into(),
            Spoil::UnknownKey => *key = "nothing:read".into(),
            Spoil::OwnerUser => row.owner = Some((false, "nobody".into())),
            Spoil::OwnerTeam => row.owner = Some((true, "no-team".into())),
            Spoil::ShareUser => row.shares.push((false, "nobody".into(), AccessRights::ALL)),
            Spoil::ShareTeam => row.shares.push((true, "no-team".into(), AccessRights::ALL)),
            Spoil::Unit => row.unit = Some("no-unit".into()),
        }
    }
    let mut shares: Vec<Vec<Share<'_>>> = vec![Vec::new(); by_id.len()];
    let records: Vec<Record<'_>> = by_id
        .iter()
        .zip(&mut shares)
        .map(|((_, _, row), shares)| row.record(shares))
        .collect();
    let questions: Vec<(&str, &str, &Record<'_>)> = by_id
        .iter()
        .zip(&records)
        .map(|((user, key, _), record)| (user.as_str(), key.as_str(), record))
        .collect();
    let mut expected = Ok(Vec::new());
    for (user, key, record) in &questions {
        match snapshot.can_access(*user, *key, record) {
            Ok(answer) => expected.as_mut().unwrap().push(answer),
            Err(e) => {
                expected = Err(format!("{e:?}"));
                break;
            }
        }
    }
    let mut answers = vec![true; 3];
    let batch = snapshot.can_access_batch(&questions, &mut answers);
    let batch = batch.map_err(|e| format!("{e:?}"));
    match expected {
        Ok(expected) => {
            prop_assert_eq!(batch, Ok(()));
            prop_assert_eq!(&answers, &expected);
        }
        Err(expected) => prop_assert_eq!(batch, Err(expected)),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// can_access_batch_ix and can_access_batch answer as one by one, in
    /// order; by id, a batch fails with the first failing question's error.
    #[test]
    fn batches_answer_as_one_by_one(
        (directory, rows) in case(),
        spoils in vec(spoil(), 0..3),
    ) {
        check_batches(directory, rows, spoils)?;
    }

    /// can_access: store path = snapshot (by ids and by handles) =
    /// reference; explain_access is not empty exactly then, and the
    /// snapshot's routes are the store's.
    #[test]
    fn can_access_is_the_reference((directory, rows) in case()) {
        check_can_access(directory, rows)?;
    }

    /// access_filter admits exactly the records can_access allows (rows
    /// carry their owning unit), and the snapshot's filter is the store's.
    #[test]
    fn the_filter_admits_exactly_what_can_access_allows((directory, rows) in case()) {
        let store = MemoryStore::new(directory.clone());
        let snapshot = Snapshot::compile(&store).unwrap();
        for who in directory.users() {
            for key in keys(&directory) {
                let filter = access_filter(&store, &who.id, &key).unwrap();
                prop_assert_eq!(&snapshot.access_filter(&who.id, &key).unwrap(), &filter);
                for row in &rows {
                    let row = resolved(&directory, row);
                    let mut shares = Vec::new();
                    let record = row.record(&mut shares);
                    prop_assert_eq!(
                        filter.admits(&record),
                        can_access(&store, &who.id, &key, &record).unwrap(),
                        "{} {} {:?} {:?}", who.id, key, row, filter
                    );
                }
            }
        }
    }

    /// The record-aware column access is the record access of the
    /// column's table, narrowed on a secured column by the profiles (System
    /// Administrator aside).
    #[test]
    fn column_access_on_a_record_is_record_access_narrowed((directory, rows) in case()) {
        let store = MemoryStore::new(directory.clone());
        let mut columns: Vec<ColumnKey> = directory.secured_columns().cloned().collect();
        columns.truncate(3);
        columns.push("e0.name".parse().unwrap());
        for who in directory.users() {
            for column in &columns {
                for row in &rows {
                    let mut shares = Vec::new();
                    let record = row.record(&mut shares);
                    let mut open = ColumnAccess::NONE;
                    for (permission, action) in [
                        (ColumnPermission::Read, "read"),
                        (ColumnPermission::Update, "write"),
                        (ColumnPermission::Create, "create"),
                    ] {
                        let key = Privilege::new(format!("{}:{action}", column.entity())).unwrap();
                        if directory.privilege(&key).is_some()
                            && can_access(&store, &who.id, &key, &record).unwrap()
                        {
                            open = open.with(permission);
                        }
                    }
                    let expected = if !directory.is_secured_column(column) {
                        open
                    } else if reference_is_admin(&directory, who) {
                        ColumnAccess::ALL
                    } else {
                        let profiles = directory
                            .column_profiles()
                            .filter(|p| p.users.contains(&who.id) || p.teams.iter().any(|t| who.teams.contains(t)))
                            .filter_map(|p| p.permissions.get(column).copied())
                            .fold(ColumnAccess::NONE, ColumnAccess::union);
                        profiles.intersection(open)
                    };
                    prop_assert_eq!(column_access_on(&store, &who.id, column, &record).unwrap(), expected);
                }
            }
        }
    }

    /// Adding a direct role, a share or a team membership never takes
    /// access away.
    #[test]
    fn more_roles_shares_and_memberships_never_remove_access(
        (directory, rows) in case(),
        pick in any::<(Index, Index, Index, u8)>(),
    ) {
        let doc = DirectoryDoc::from(directory.clone());
        let who = pick.0.get(&doc.users).id.clone();
        let role = pick.1.get(&doc.roles).id.clone();
        let mut more = doc.clone();
        let at = more.users.iter().position(|u| u.id == who).unwrap();
        let grown_role = !more.users[at].holds_directly(&role);
        if grown_role {
            more.users[at].roles.push(RoleAssignment::new(role));
        }
        if !more.teams.is_empty() {
            let team = pick.2.get(&more.teams).id.clone();
            if !more.users[at].teams.contains(&team) {
                more.users[at].teams.push(team.clone());
                let t = more.teams.iter_mut().find(|t| t.id == team).unwrap();
                t.members.push(who.clone());
            }
        }
        let more = Directory::try_from(more).unwrap();
        let (before, after) = (MemoryStore::new(directory.clone()), MemoryStore::new(more));
        for key in keys(&directory) {
            for row in &rows {
                let mut shares = Vec::new();
                let record = row.record(&mut shares);
                let was = can_access(&before, &who, &key, &record).unwrap();
                prop_assert!(!was || can_access(&after, &who, &key, &record).unwrap());
                // One more share, with every right.
                let mut shared = row.clone();
                shared.shares.push((false, who.to_string(), AccessRights::ALL));
                let mut shares = Vec::new();
                let wider = shared.record(&mut shares);
                prop_assert!(!was || can_access(&before, &who, &key, &wider).unwrap());
            }
        }
    }

    /// A `parent_child_business_unit` grant held in unit B reaches a
    /// record owned in any unit below B, and moving the record within
    /// B's subtree keeps it reached.
    #[test]
    fn a_deep_grant_reaches_the_whole_subtree(
        (directory, _) in case(),
        pick in any::<(Index, Index)>(),
    ) {
        let units: Vec<BusinessUnitId> = directory.business_units().map(|b| b.id.clone()).collect();
        prop_assume!(!units.is_empty());
        let top = pick.0.get(&units).clone();
        let key = Privilege::new("deep_probe:read").unwrap();
        let mut doc = DirectoryDoc::from(directory.clone());
        doc.privileges.push(PrivilegeDef::new(key.clone(), ""));
        doc.roles.push(Role::new("deep", "").with_grant(key.clone(), AccessLevel::ParentChildBusinessUnit));
        doc.users.push(User::new("prober", "").with_role_in("deep", top.clone()));
        let directory = Directory::try_from(doc).unwrap();
        let store = MemoryStore::new(directory.clone());
        let owner = pick.1.get(&doc_users(&directory)).clone();
        for unit in &units {
            let below = ancestors(&directory, Some(unit)).contains(&top);
            let record = Record::owned_by_user(owner.as_str()).in_business_unit(unit.as_str());
            prop_assert_eq!(can_access(&store, "prober", &key, &record).unwrap(), below, "{} under {}", unit, top);
        }
    }
}

/// Whether `who` holds System Administrator in any way.
fn reference_is_admin(doc: &Directory, who: &User) -> bool {
    holds(doc, who).iter().any(|(root, ..)| {
        closure(doc, root)
            .iter()
            .any(|r| r.as_str() == "system-administrator")
    })
}

fn doc_users(directory: &Directory) -> Vec<String> {
    directory
        .users()
        .map(|u| u.id.to_string())
        .filter(|u| u != "prober")
        .collect()
}

// ---------------------------------------------------------------------------
// One small organisation per rule
// ---------------------------------------------------------------------------

const TICKET: &str = "ticket:read";

/// Contoso with two regions, EMEA (with a child, Paris) and APAC; a role
/// per level on `ticket:read`; users spread over the units.
fn regions(users: Vec<User>, teams: Vec<Team>, roles: Vec<Role>) -> MemoryStore {
    let level_role =
        |id: &str, level| Role::new(id, "").with_grant(Privilege::new(TICKET).unwrap(), level);
    let mut all_roles = vec![
        level_role("mine", AccessLevel::User),
        level_role("unit", AccessLevel::BusinessUnit),
        level_role("deep", AccessLevel::ParentChildBusinessUnit),
        level_role("org", AccessLevel::Organization),
    ];
    all_roles.extend(roles);
    let doc = DirectoryDoc {
        business_units: vec![
            BusinessUnit::new("contoso", "Contoso"),
            BusinessUnit::new("emea", "EMEA").with_parent("contoso"),
            BusinessUnit::new("paris", "Paris").with_parent("emea"),
            BusinessUnit::new("apac", "APAC").with_parent("contoso"),
        ],
        privileges: vec![
            PrivilegeDef::new(Privilege::new(TICKET).unwrap(), ""),
            PrivilegeDef::new(Privilege::new("ticket:create").unwrap(), ""),
        ],
        roles: all_roles,
        teams,
        users,
        ..DirectoryDoc::default()
    };
    MemoryStore::new(Directory::builtin_with(doc).unwrap())
}

fn in_unit(id: &str, unit: &str) -> User {
    User::new(id, "").in_business_unit(unit)
}

/// `who` reads a ticket owned by `owner` (in `unit`, when given).
fn reads(store: &MemoryStore, who: &str, owner: &str, unit: Option<&str>) -> bool {
    let mut record = Record::owned_by_user(owner);
    if let Some(unit) = unit {
        record = record.in_business_unit(unit);
    }
    let answer = can_access(store, who, TICKET, &record).unwrap();
    let snapshot = Snapshot::compile(store).unwrap();
    assert_eq!(snapshot.can_access(who, TICKET, &record).unwrap(), answer);
    answer
}

#[test]
fn user_level_reaches_only_the_records_the_principal_owns() {
    let store = regions(
        vec![
            in_unit("ana", "emea").with_role("mine"),
            in_unit("bo", "emea"),
        ],
        vec![],
        vec![],
    );
    assert!(reads(&store, "ana", "ana", None));
    assert!(!reads(&store, "ana", "bo", None));
}

#[test]
fn business_unit_level_reaches_the_units_records_and_the_principals_own() {
    let store = regions(
        vec![
            in_unit("ana", "emea").with_role("unit"),
            in_unit("bo", "emea"),
            in_unit("cy", "paris"),
        ],
        vec![],
        vec![],
    );
    assert!(reads(&store, "ana", "bo", None));
    assert!(
        reads(&store, "ana", "ana", Some("apac")),
        "levels are cumulative"
    );
    assert!(!reads(&store, "ana", "cy", None), "not the units below");
}

#[test]
fn parent_child_level_reaches_the_unit_and_every_unit_below() {
    let store = regions(
        vec![
            in_unit("ana", "emea").with_role("deep"),
            in_unit("bo", "emea"),
            in_unit("cy", "paris"),
            in_unit("di", "apac"),
            User::new("ed", ""),
        ],
        vec![],
        vec![],
    );
    assert!(reads(&store, "ana", "bo", None));
    assert!(reads(&store, "ana", "cy", None));
    assert!(!reads(&store, "ana", "di", None));
    assert!(!reads(&store, "ana", "ed", None), "not the units above");
}

#[test]
fn organization_level_reaches_every_record() {
    let store = regions(
        vec![
            in_unit("ana", "paris").with_role("org"),
            in_unit("di", "apac"),
        ],
        vec![],
        vec![],
    );
    assert!(reads(&store, "ana", "di", None));
}

#[test]
fn any_level_reaches_an_organisation_owned_record() {
    let store = regions(
        vec![in_unit("ana", "paris").with_role("mine")],
        vec![],
        vec![],
    );
    let record = Record::owned_by_organization();
    assert!(can_access(&store, "ana", TICKET, &record).unwrap());
    let routes = explain_access(&store, "ana", TICKET, &record).unwrap();
    assert_eq!(routes[0].reach, Reach::OrganizationOwned);
}

#[test]
fn an_explicit_owning_unit_decides_depth_not_the_owners() {
    let store = regions(
        vec![
            in_unit("ana", "emea").with_role("unit"),
            in_unit("di", "apac"),
        ],
        vec![],
        vec![],
    );
    assert!(!reads(&store, "ana", "di", None));
    assert!(reads(&store, "ana", "di", Some("emea")));
}

#[test]
fn a_role_assigned_in_another_unit_reaches_that_units_records() {
    let store = regions(
        vec![
            in_unit("ana", "emea").with_role_in("unit", "apac"),
            in_unit("bo", "emea"),
            in_unit("di", "apac"),
        ],
        vec![],
        vec![],
    );
    assert!(reads(&store, "ana", "di", None));
    assert!(!reads(&store, "ana", "bo", None));
    let routes = explain_access(&store, "ana", TICKET, &Record::owned_by_user("di")).unwrap();
    assert_eq!(routes[0].business_unit, Some("apac".into()));
}

/// Team roles act with the team as principal, in the team's unit.
fn teams_org(inheritance: Inheritance) -> MemoryStore {
    regions(
        vec![
            in_unit("ana", "apac").with_team("desk"),
            in_unit("bo", "emea"),
            in_unit("cy", "apac"),
        ],
        vec![
            Team::new("desk", "Desk")
                .in_business_unit("emea")
                .with_role("team-mine")
                .with_member("ana"),
        ],
        vec![
            Role::new("team-mine", "")
                .with_grant(Privilege::new(TICKET).unwrap(), AccessLevel::User)
                .with_inheritance(inheritance),
        ],
    )
}

#[test]
fn team_privileges_only_acts_as_the_team() {
    let store = teams_org(Inheritance::TeamPrivilegesOnly);
    assert!(can_access(&store, "ana", TICKET, &Record::owned_by_team("desk")).unwrap());
    assert!(
        !reads(&store, "ana", "ana", None),
        "not the member's own records"
    );
}

#[test]
fn direct_user_basic_also_reaches_the_members_own_records() {
    let store = teams_org(Inheritance::DirectUserBasic);
    assert!(can_access(&store, "ana", TICKET, &Record::owned_by_team("desk")).unwrap());
    assert!(reads(&store, "ana", "ana", None));
    assert!(!reads(&store, "ana", "cy", None));
    let routes = explain_access(&store, "ana", TICKET, &Record::owned_by_user("ana")).unwrap();
    assert_eq!(routes[0].reach, Reach::MemberOwned);
    assert_eq!(routes[0].holding, Holding::Team("desk".into()));
}

#[test]
fn a_direct_user_grant_does_not_reach_the_records_of_the_users_teams() {
    let store = regions(
        vec![in_unit("ana", "emea").with_role("mine").with_team("desk")],
        vec![Team::new("desk", "").with_member("ana")],
        vec![],
    );
    assert!(!can_access(&store, "ana", TICKET, &Record::owned_by_team("desk")).unwrap());
}

#[test]
fn team_membership_ignores_units() {
    // Ana is in APAC, the team in EMEA: the team's BU-level role reaches
    // EMEA's records for her.
    let store = regions(
        vec![
            in_unit("ana", "apac").with_team("desk"),
            in_unit("bo", "emea"),
        ],
        vec![
            Team::new("desk", "")
                .in_business_unit("emea")
                .with_role("unit")
                .with_member("ana"),
        ],
        vec![],
    );
    assert!(reads(&store, "ana", "bo", None));
}

#[test]
fn an_included_role_is_held_in_the_same_unit_under_the_top_roles_inheritance() {
    // `lead` includes `unit` (business_unit level); held in EMEA through a
    // team whose top role shares nothing with its members.
    let store = regions(
        vec![
            in_unit("ana", "apac").with_team("desk"),
            in_unit("bo", "emea"),
            in_unit("cy", "apac"),
        ],
        vec![
            Team::new("desk", "")
                .in_business_unit("emea")
                .with_role("lead")
                .with_member("ana"),
        ],
        vec![
            Role::new("lead", "")
                .with_include("unit")
                .with_inheritance(Inheritance::TeamPrivilegesOnly),
        ],
    );
    assert!(reads(&store, "ana", "bo", None));
    assert!(!reads(&store, "ana", "cy", None));
    assert!(!reads(&store, "ana", "ana", Some("apac")));
}

#[test]
fn a_share_opens_a_record_only_with_the_matching_privilege_and_right() {
    let store = regions(
        vec![
            in_unit("ana", "emea").with_role("mine"),
            in_unit("bo", "apac"),
            in_unit("cy", "apac"),
        ],
        vec![],
        vec![],
    );
    let read = [Share::user("ana", AccessRights::from([AccessRight::Read]))];
    let write = [Share::user("ana", AccessRights::from([AccessRight::Write]))];
    let record = Record::owned_by_user("bo");
    assert!(!can_access(&store, "ana", TICKET, &record).unwrap());
    assert!(can_access(&store, "ana", TICKET, &record.with_shares(&read)).unwrap());
    // No right implies another.
    assert!(!can_access(&store, "ana", TICKET, &record.with_shares(&write)).unwrap());
    // Cy holds no ticket privilege at all: a share opens nothing.
    let to_cy = [Share::user("cy", AccessRights::ALL)];
    assert!(!can_access(&store, "cy", TICKET, &record.with_shares(&to_cy)).unwrap());
    // Create is no share right.
    assert!(!can_access(&store, "ana", "ticket:create", &record.with_shares(&read)).unwrap());
    let routes = explain_access(&store, "ana", TICKET, &record.with_shares(&read)).unwrap();
    assert_eq!(
        routes[0].reach,
        Reach::Shared {
            with: rbac_profiles::PrincipalId::User("ana".into()),
            right: AccessRight::Read
        }
    );
}

#[test]
fn a_share_with_a_team_opens_the_record_to_its_members() {
    let store = regions(
        vec![
            in_unit("ana", "emea").with_role("mine").with_team("desk"),
            in_unit("bo", "apac"),
        ],
        vec![Team::new("desk", "").with_member("ana")],
        vec![],
    );
    let shares = [Share::team("desk", AccessRights::from([AccessRight::Read]))];
    let record = Record::owned_by_user("bo").with_shares(&shares);
    assert!(can_access(&store, "ana", TICKET, &record).unwrap());
}

#[test]
fn system_administrator_held_any_way_reaches_every_record() {
    let store = regions(
        vec![
            in_unit("sa", "paris").with_team("admins"),
            in_unit("di", "apac"),
        ],
        vec![Team::new("admins", "").with_role("boss").with_member("sa")],
        vec![Role::new("boss", "").with_include("system-administrator")],
    );
    assert!(reads(&store, "sa", "di", None));
    assert!(
        can_access(
            &store,
            "sa",
            "ticket:create",
            &Record::owned_by_team("admins")
        )
        .unwrap()
    );
}

#[test]
fn a_document_without_units_answers_as_one_unit() {
    let doc = DirectoryDoc {
        privileges: vec![PrivilegeDef::new(Privilege::new(TICKET).unwrap(), "")],
        roles: vec![
            Role::new("unit", "")
                .with_grant(Privilege::new(TICKET).unwrap(), AccessLevel::BusinessUnit),
        ],
        users: vec![User::new("ana", "").with_role("unit"), User::new("bo", "")],
        ..DirectoryDoc::default()
    };
    let store = MemoryStore::new(Directory::builtin_with(doc).unwrap());
    assert!(reads(&store, "ana", "bo", None));
}

// ---------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------

#[test]
fn unknown_ids_in_a_question_are_errors_naming_them() {
    let store = regions(
        vec![
            in_unit("ana", "emea").with_role("mine"),
            User::new("bo", ""),
        ],
        vec![],
        vec![],
    );
    let snapshot = Snapshot::compile(&store).unwrap();
    let mine = Record::owned_by_user("ana");
    let shares = [Share::team("ghosts", AccessRights::ALL)];
    let cases: [(&str, &str, Record<'_>, &str); 7] = [
        ("nobody", TICKET, mine, r#"unknown user "nobody""#),
        (
            "ana",
            "ticket:fly",
            mine,
            r#"unknown privilege "ticket:fly""#,
        ),
        (
            "ana",
            "Ticket:read",
            mine,
            r#"invalid privilege key "Ticket:read": character 'T' is not allowed (use a-z, 0-9 and _)"#,
        ),
        (
            "ana",
            TICKET,
            Record::owned_by_user("bob"),
            r#"record owned by unknown user "bob""#,
        ),
        (
            "ana",
            TICKET,
            Record::owned_by_team("desk"),
            r#"record owned by unknown team "desk""#,
        ),
        (
            "ana",
            TICKET,
            mine.with_shares(&shares),
            r#"record shared with unknown team "ghosts""#,
        ),
        (
            "ana",
            TICKET,
            mine.in_business_unit("mars"),
            r#"unknown business unit "mars""#,
        ),
    ];
    for (who, key, record, message) in cases {
        let err = can_access(&store, who, key, &record).unwrap_err();
        assert_eq!(err.to_string(), message);
        assert_eq!(
            snapshot
                .can_access(who, key, &record)
                .unwrap_err()
                .to_string(),
            message
        );
        assert_eq!(
            explain_access(&store, who, key, &record)
                .unwrap_err()
                .to_string(),
            message
        );
        assert_eq!(
            snapshot
                .explain_access(who, key, &record)
                .unwrap_err()
                .to_string(),
            message
        );
        let mut answers = Vec::new();
        let batch = [("ana", TICKET, &mine), (who, key, &record)];
        assert_eq!(
            snapshot
                .can_access_batch(&batch, &mut answers)
                .unwrap_err()
                .to_string(),
            message
        );
    }
    assert!(matches!(
        access_filter(&store, "ana", "ticket:fly").unwrap_err(),
        Error::UnknownPrivilege { .. }
    ));
}

#[test]
fn a_broken_unit_tree_is_refused_naming_the_units() {
    let load = |units: &str, users: &str| {
        Directory::from_json(&format!(
            r#"{{ "business_units": [{units}], "users": [{users}] }}"#
        ))
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        load(r#"{"id":"a"},{"id":"b"}"#, ""),
        r#"business units "a" and "b" both have no parent; the tree has one root"#
    );
    assert_eq!(
        load(r#"{"id":"a"},{"id":"b","parent":"c"}"#, ""),
        r#"business unit "b" references unknown business unit "c""#
    );
    assert_eq!(
        load(
            r#"{"id":"a"},{"id":"b","parent":"c"},{"id":"c","parent":"b"}"#,
            ""
        ),
        r#"business unit cycle: "b" -> "c" -> "b""#
    );
    assert_eq!(
        load(r#"{"id":"a"}"#, r#"{"id":"u","business_unit":"z"}"#),
        r#"user "u" references unknown business unit "z""#
    );
    assert_eq!(
        load(
            r#"{"id":"a"}"#,
            r#"{"id":"u","roles":[{"role":"basic-user","business_unit":"z"}]}"#
        ),
        r#"user "u" references unknown business unit "z""#
    );
    assert_eq!(
        load(
            r#"{"id":"a"}"#,
            r#"{"id":"u","roles":["basic-user",{"role":"basic-user","business_unit":"a"}]}"#
        ),
        r#"user "u" lists role "basic-user" twice"#
    );
    let err = Directory::from_json(r#"{ "teams": [ { "id": "t", "business_unit": "z" } ] }"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"team "t" references unknown business unit "z""#
    );
    let err = Directory::from_json(
        r#"{ "users": [ { "id": "u", "roles": [ { "business_unit": "a" } ] } ] }"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("missing field `role`"), "{err}");
}

#[test]
fn a_role_held_in_two_units_is_two_assignments() {
    let json = r#"{ "business_units": [ { "id": "a" }, { "id": "b", "parent": "a" } ],
        "users": [ { "id": "u", "business_unit": "a",
                     "roles": ["basic-user", { "role": "basic-user", "business_unit": "b" }] } ] }"#;
    let directory = Directory::from_json(json).unwrap();
    let user = directory.user("u").unwrap();
    assert_eq!(user.roles.len(), 2);
    let again = serde_json::to_string(user).unwrap();
    assert!(
        again.contains(r#""roles":["basic-user",{"role":"basic-user","business_unit":"b"}]"#),
        "{again}"
    );
    let _ = TeamId::from("unused");
    let _ = UserId::from("unused");
}

proptest! {
    // Each case compiles 520 roles more: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// `can_access_is_the_reference` past 512 roles, where the snapshot
    /// keeps no per-user role rows.
    #[test]
    fn can_access_is_the_reference_past_512_roles((directory, rows) in case_past_dense_roles()) {
        check_can_access(directory, rows)?;
    }

    /// `batches_answer_as_one_by_one` past 512 roles.
    #[test]
    fn batches_answer_as_one_by_one_past_512_roles(
        (directory, rows) in case_past_dense_roles(),
        spoils in vec(spoil(), 0..3),
    ) {
        check_batches(directory, rows, spoils)?;
    }
}
