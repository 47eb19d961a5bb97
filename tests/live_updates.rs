//! Versions, the change feed and stale snapshots: every successful apply
//! advances a store's version by one; the feed replays exactly what was
//! applied, in order, or says it no longer can; a snapshot knows the
//! version it was compiled at, refuses what-if questions against a store
//! that moved on, and a shared handle follows the store.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::borrow::Cow;

use proptest::collection::vec;
use proptest::prelude::*;
use rbac_profiles::testkit::Workload;
use rbac_profiles::testkit::strategies::{ADMIN, admin_op, directory, proposal, security_op};
use rbac_profiles::{
    AccessLevel, AccessRight, AccessRights, AdminOp, Change, ChangeSet, Directory, EntityRef,
    Error, Follow, MemoryStore, Owner, Proposal, Record, RoleId, Share, SharedSnapshot, Snapshot,
    Staleness, Store, StoreError, StoreMut, administer, changes_since,
};

fn contoso() -> MemoryStore {
    MemoryStore::new(
        Directory::from_json(
            r#"{
        "users": [
            { "id": "avery", "roles": ["omnichannel-administrator", "system-administrator"] },
            { "id": "kayla", "roles": ["omnichannel-agent"] }
        ],
        "profiles": [
            { "id": "agents", "name": "Agents", "rank": 1, "roles": ["omnichannel-agent"] },
            { "id": "supervisors", "name": "Supervisors", "rank": 2, "roles": ["omnichannel-supervisor"] }
        ]
    }"#,
        )
        .unwrap(),
    )
}

/// Contoso with a supervisor: every role the tests hand out is held by
/// someone, so the snapshot has read it.
fn contoso_staffed() -> MemoryStore {
    let mut store = contoso();
    let hire = AdminOp::CreateUser {
        user: "sol".into(),
        name: "Sol".into(),
        business_unit: None,
    };
    let give = AdminOp::AssignRole {
        user: "sol".into(),
        role: "omnichannel-supervisor".into(),
        business_unit: None,
    };
    for op in [hire, give] {
        administer(&mut store, "avery", &op).unwrap();
    }
    MemoryStore::new(store.directory().clone())
}

proptest! {
    /// Each accepted operation is one apply, one version; replaying the
    /// feed from the start on a copy of the first state gives the last.
    #[test]
    fn the_feed_replays_what_was_applied(directory in directory(), ops in vec(admin_op(), 1..10)) {
        let first = MemoryStore::new(directory);
        let mut store = first.clone();
        let mut accepted = 0;
        for op in &ops {
            if administer(&mut store, ADMIN, op).is_ok() {
                accepted += 1;
            }
        }
        // An accepted operation that changes nothing writes nothing.
        let version = store.version().unwrap().unwrap();
        prop_assert!(version <= accepted);
        let sets = changes_since(&store, 0).unwrap();
        prop_assert_eq!(sets.len() as u64, version);
        let mut replayed = first;
        for (expected, set) in (1..).zip(&sets) {
            prop_assert_eq!(set.version, expected);
            replayed.apply(&set.changes).unwrap();
        }
        prop_assert_eq!(replayed.directory(), store.directory());
        prop_assert_eq!(replayed.version().unwrap(), Some(version));
        // From any version on, the tail of the same feed.
        for from in 0..=version {
            let tail = changes_since(&store, from).unwrap();
            prop_assert_eq!(&tail[..], &sets[from as usize..]);
        }
    }
}

/// Every answer a snapshot gives about the store's users, privileges,
/// profiles, teams and records, in ids: equal lists mean equal snapshots
/// to anyone asking.
fn answers(snapshot: &Snapshot, store: &MemoryStore) -> Vec<String> {
    answers_among(snapshot, store, None)
}

/// [`answers`], asked of the users in `sample` (and the first three teams)
/// with record questions on its privileges when given, of every user and
/// team otherwise; the lists of whole organisation answers are always
/// whole.
fn answers_among(
    snapshot: &Snapshot,
    store: &MemoryStore,
    sample: Option<(&[&str], &[&str])>,
) -> Vec<String> {
    let (sample, sample_keys) = sample.unzip();
    let directory = store.directory();
    let keys: Vec<String> = directory.privileges().map(|p| p.key.to_string()).collect();
    // Record questions on the generated privileges and a few built-in
    // ones: every level and right among them.
    let record_keys: Vec<&String> = keys
        .iter()
        .filter(|k| {
            k.starts_with('e')
                || k.as_str() == "case:assign"
                || sample_keys.is_some_and(|keys| keys.contains(&k.as_str()))
        })
        .collect();
    let users: Vec<String> = directory
        .users()
        .map(|u| u.id.to_string())
        .filter(|u| sample.is_none_or(|sample| sample.contains(&u.as_str())))
        .collect();
    let teams: Vec<String> = directory
        .teams()
        .map(|t| t.id.to_string())
        .take(if sample.is_some() { 3 } else { usize::MAX })
        .collect();
    let units: Vec<Option<String>> = std::iter::once(None)
        .chain(directory.business_units().map(|b| Some(b.id.to_string())))
        .collect();
    let mut owners: Vec<Owner<'_>> = users.iter().map(|u| Owner::User(u)).collect();
    owners.extend(teams.iter().map(|t| Owner::Team(t)));
    owners.push(Owner::Organization);
    let mut out = Vec::new();
    for user in &users {
        out.push(format!(
            "{user} resolves {:?}",
            snapshot.resolve_profile(user.as_str())
        ));
        for key in &keys {
            out.push(format!(
                "{user} {key} {:?}",
                snapshot.privilege_level(user.as_str(), key.as_str())
            ));
        }
        let share_user = [Share::user(
            user.as_str(),
            AccessRights::from([AccessRight::Read, AccessRight::Write]),
        )];
        let share_team: Vec<Share<'_>> = teams
            .first()
            .map(|t| {
                Share::team(
                    t.as_str(),
                    AccessRights::from([AccessRight::Read, AccessRight::Assign]),
                )
            })
            .into_iter()
            .collect();
        for key in &record_keys {
            out.push(format!(
                "{user} {key} {:?}",
                snapshot.explain_privilege(user.as_str(), key.as_str())
            ));
            out.push(format!(
                "{user} {key} filter {:?}",
                snapshot.access_filter(user.as_str(), key.as_str())
            ));
            for (o, owner) in owners.iter().enumerate() {
                for (b, unit) in units.iter().enumerate() {
                    let shares: &[Share<'_>] = match (o + b) % 3 {
                        0 => &[],
                        1 => &share_user,
                        _ => &share_team,
                    };
                    let mut record = Record::owned_by(*owner).with_shares(shares);
                    if let Some(unit) = unit {
                        record = record.in_business_unit(unit.as_str());
                    }
                    out.push(format!(
                        "{user} {key} {record:?} {:?}",
                        snapshot.can_access(user.as_str(), key.as_str(), &record),
                    ));
                    // Explained in the owner's unit, every way it is shared.
                    if b == 0 {
                        for shares in [&[][..], &share_user, &share_team] {
                            let record = Record::owned_by(*owner).with_shares(shares);
                            out.push(format!(
                                "{user} {key} {record:?} {:?}",
                                snapshot.explain_access(user.as_str(), key.as_str(), &record),
                            ));
                        }
                    }
                }
            }
        }
    }
    for key in &record_keys {
        for level in [
            AccessLevel::User,
            AccessLevel::BusinessUnit,
            AccessLevel::Organization,
        ] {
            let with: Vec<&str> = snapshot
                .users_with(key.as_str(), level)
                .unwrap()
                .filter_map(|u| snapshot.user_id(u))
                .collect();
            out.push(format!("{key} {level:?} held by {with:?}"));
        }
    }
    for resolved in snapshot.resolve_all().unwrap() {
        out.push(format!(
            "all: {} {}",
            snapshot.user_id(resolved.user).unwrap_or("?"),
            snapshot.resolution(&resolved).unwrap()
        ));
    }
    out.push(format!("counts {:?}", snapshot.profile_counts()));
    for profile in directory.profiles() {
        let of: Vec<String> = match snapshot.users_of(&profile.id) {
            Ok(of) => of
                .map(|r| {
                    format!(
                        "{} {}",
                        snapshot.user_id(r.user).unwrap_or("?"),
                        snapshot.resolution(&r).unwrap()
                    )
                })
                .collect(),
            Err(e) => vec![e.to_string()],
        };
        out.push(format!("{} has {of:?}", profile.id));
    }
    out
}

/// Whether `entity`, which `sets` change, is one a snapshot can't change
/// in place: a role it never read, an out-of-box profile (or one made so),
/// a unit in a store that had none, or a root made, moved or removed.
fn needs_compile(
    snapshot: &Snapshot,
    compiled_from: &MemoryStore,
    sets: &[ChangeSet],
    entity: &EntityRef,
) -> bool {
    let mut changes = sets.iter().flat_map(|s| &s.changes);
    let directory = compiled_from.directory();
    match entity {
        // Users and teams come and go in place.
        EntityRef::User(_) | EntityRef::Team(_) => false,
        // An out-of-box profile added, removed or made custom, or a custom
        // one made out-of-box: the store's fallback may follow it.
        EntityRef::Profile(id) => {
            compiled_from.fallback_profile().unwrap().as_ref() == Some(id)
                || directory.profile(id).is_some_and(|p| !p.is_custom())
                || changes
                    .any(|c| matches!(c, Change::PutProfile(p) if p.id == *id && !p.is_custom()))
        }
        EntityRef::Role(id) => {
            snapshot.role_ix(id).is_none() || !read_when_compiled(compiled_from, id)
        }
        EntityRef::BusinessUnit(id) => directory.business_units().next().is_none()
            || directory
                .business_units()
                .any(|b| &b.id == id && b.parent.is_none())
            || changes.any(
                |c| matches!(c, Change::PutBusinessUnit(b) if b.id == *id && b.parent.is_none()),
            ),
        _ => false,
    }
}

/// Whether compiling `store` reads role `role`: an active user or a team
/// holds it, or a role they hold includes it.
fn read_when_compiled(store: &MemoryStore, role: &RoleId) -> bool {
    let directory = store.directory();
    let mut pending: Vec<RoleId> = Vec::new();
    for user in directory.users().filter(|u| !u.disabled) {
        pending.extend(user.roles.iter().map(|a| a.role.clone()));
    }
    // Every team's roles, members or not.
    for team in directory.teams() {
        pending.extend(team.roles.iter().cloned());
    }
    let mut seen = std::collections::BTreeSet::new();
    while let Some(next) = pending.pop() {
        if seen.insert(next.clone()) {
            pending.extend(
                directory
                    .role(&next)
                    .into_iter()
                    .flat_map(|r| r.includes.clone()),
            );
        }
    }
    seen.contains(role)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// After every accepted operation (profile, role assignment, team,
    /// user and business-unit operations alike), the snapshot the feed is
    /// applied to answers every question as a fresh compile of the store;
    /// the only refusals are the changes a snapshot can't make in place,
    /// and the snapshot applied to is left as it was.
    #[test]
    fn applying_the_feed_answers_as_a_fresh_compile(
        directory in directory(),
        ops in vec(prop_oneof![admin_op(), security_op()], 1..12),
        proposals in vec(proposal(), 1..3),
    ) {
        let mut store = MemoryStore::new(directory);
        let mut snapshot = Snapshot::compile(&store).unwrap();
        let mut compiled_from = store.clone();
        for (n, op) in ops.iter().enumerate() {
            let last = n + 1 == ops.len();
            // Applied after every second operation (and the last), so one
            // call often carries two change sets.
            if administer(&mut store, ADMIN, op).is_err() && !last {
                continue;
            }
            if n % 2 == 0 && !last {
                continue;
            }
            let sets = changes_since(&store, snapshot.version().unwrap()).unwrap();
            let fresh = Snapshot::compile(&store).unwrap();
            match snapshot.apply(&sets) {
                Ok(next) => {
                    prop_assert_eq!(next.version(), fresh.version());
                    prop_assert_eq!(answers(&next, &store), answers(&fresh, &store), "after {:?}", op);
                    for proposal in &proposals {
                        let impact = |s: &Snapshot| format!("{:?}", s.impact(&store, proposal));
                        prop_assert_eq!(impact(&next), impact(&fresh), "{:?}", proposal);
                    }
                    snapshot = next;
                }
                Err(Error::NotIncremental { version, entity }) => {
                    prop_assert!(sets.iter().any(|s| s.version == version));
                    prop_assert!(
                        needs_compile(&snapshot, &compiled_from, &sets, &entity),
                        "{:?} refused for {}", op, entity
                    );
                    snapshot = fresh;
                    compiled_from = store.clone();
                }
                Err(other) => prop_assert!(false, "{:?}: {}", op, other),
            }
        }
    }
}

/// The kinds of entity [`entities_come_and_go_in_place`] adds and removes.
#[derive(Clone, Copy, Debug)]
enum Kind {
    User,
    Team,
    Profile,
    Unit,
}

/// One step of [`entities_come_and_go_in_place`]: an entity added next to
/// the one of its kind at `at` (before every other, just after it, or
/// after every other) and given roles, members or users; the entity at
/// `at` removed; a user disabled; a unit moved under another; or any
/// security operation.
#[derive(Clone, Debug)]
enum Step {
    Add(Kind, prop::sample::Index, u8),
    Remove(Kind, prop::sample::Index),
    Disable(prop::sample::Index),
    MoveUnit(prop::sample::Index, prop::sample::Index),
    Other(AdminOp),
}

fn step() -> impl Strategy<Value = Step> {
    let kind = || {
        prop_oneof![
            Just(Kind::User),
            Just(Kind::Team),
            Just(Kind::Profile),
            Just(Kind::Unit)
        ]
    };
    let at = any::<prop::sample::Index>;
    prop_oneof![
        3 => (kind(), at(), 0..3u8).prop_map(|(kind, at, side)| Step::Add(kind, at, side)),
        3 => (kind(), at()).prop_map(|(kind, at)| Step::Remove(kind, at)),
        1 => at().prop_map(Step::Disable),
        2 => (at(), at()).prop_map(|(unit, parent)| Step::MoveUnit(unit, parent)),
        1 => security_op().prop_map(Step::Other),
    ]
}

/// The ids of `kind` in `store` (the administrator and out-of-box
/// profiles left out: they stay).
fn ids_of(store: &MemoryStore, kind: Kind) -> Vec<String> {
    let directory = store.directory();
    match kind {
        Kind::User => directory
            .users()
            .map(|u| u.id.to_string())
            .filter(|id| id != ADMIN)
            .collect(),
        Kind::Team => directory.teams().map(|t| t.id.to_string()).collect(),
        Kind::Profile => directory
            .profiles()
            .filter(|p| p.is_custom())
            .map(|p| p.id.to_string())
            .collect(),
        Kind::Unit => directory
            .business_units()
            .map(|b| b.id.to_string())
            .collect(),
    }
}

/// The operations of one step, and whether each must be accepted.
fn ops_of(store: &MemoryStore, step: &Step, n: usize) -> Vec<(AdminOp, bool)> {
    let directory = store.directory();
    let users = ids_of(store, Kind::User);
    let units = ids_of(store, Kind::Unit);
    let some_user = |at: &prop::sample::Index| (!users.is_empty()).then(|| at.get(&users).clone());
    let role = directory
        .users()
        .flat_map(|u| u.roles.iter().map(|a| a.role.clone()))
        .next();
    match step {
        Step::Add(kind, at, side) => {
            let ids = ids_of(store, *kind);
            let id = match (side, ids.is_empty()) {
                (0, _) | (_, true) => format!("!{n}"),
                (1, false) => format!("{}-{n}", at.get(&ids)),
                _ => format!("~{n}"),
            };
            let member = some_user(at);
            let mut ops = Vec::new();
            match kind {
                Kind::User => {
                    ops.push((
                        AdminOp::CreateUser {
                            user: id.as_str().into(),
                            name: "Hired".into(),
                            business_unit: None,
                        },
                        true,
                    ));
                    ops.extend(
                        role.map(|role| AdminOp::AssignRole {
                            user: id.as_str().into(),
                            role,
                            business_unit: None,
                        })
                        .map(|op| (op, false)),
                    );
                    ops.extend(ids_of(store, Kind::Profile).first().map(|profile| {
                        (
                            AdminOp::AssignUsers {
                                profile: profile.as_str().into(),
                                users: vec![id.as_str().into()],
                            },
                            false,
                        )
                    }));
                }
                Kind::Team => {
                    ops.push((
                        AdminOp::CreateTeam {
                            team: id.as_str().into(),
                            name: "Team".into(),
                            business_unit: units.last().map(|u| u.as_str().into()),
                        },
                        true,
                    ));
                    ops.extend(member.map(|user| {
                        (
                            AdminOp::AddTeamMembers {
                                team: id.as_str().into(),
                                users: vec![user.as_str().into()],
                            },
                            false,
                        )
                    }));
                    ops.extend(role.map(|role| {
                        (
                            AdminOp::AssignTeamRole {
                                team: id.as_str().into(),
                                role,
                            },
                            false,
                        )
                    }));
                }
                Kind::Profile => {
                    ops.push((
                        AdminOp::CreateProfile {
                            profile: id.as_str().into(),
                            name: "Profile".into(),
                            settings: Default::default(),
                        },
                        true,
                    ));
                    ops.extend(role.map(|role| {
                        (
                            AdminOp::SetRankAndRoles {
                                profile: id.as_str().into(),
                                rank: 1 + n as u32,
                                roles: vec![role],
                            },
                            false,
                        )
                    }));
                    ops.extend(member.map(|user| {
                        (
                            AdminOp::AssignUsers {
                                profile: id.as_str().into(),
                                users: vec![user.as_str().into()],
                            },
                            false,
                        )
                    }));
                }
                // Under an existing unit (a store without units gets its
                // root, which only a compile takes).
                Kind::Unit => {
                    ops.push((
                        AdminOp::CreateBusinessUnit {
                            business_unit: id.as_str().into(),
                            name: "Unit".into(),
                            parent: (!units.is_empty()).then(|| at.get(&units).as_str().into()),
                        },
                        true,
                    ));
                    ops.extend(member.map(|user| {
                        (
                            AdminOp::MoveUser {
                                user: user.as_str().into(),
                                business_unit: Some(id.as_str().into()),
                            },
                            false,
                        )
                    }));
                }
            }
            ops
        }
        Step::Remove(kind, at) => {
            let ids = ids_of(store, *kind);
            if ids.is_empty() {
                return Vec::new();
            }
            let id = at.get(&ids).as_str();
            match kind {
                Kind::User => vec![(AdminOp::RemoveUser { user: id.into() }, true)],
                Kind::Team => vec![(AdminOp::DeleteTeam { team: id.into() }, true)],
                Kind::Profile => vec![(AdminOp::DeleteProfile { profile: id.into() }, true)],
                // Refused while in use.
                Kind::Unit => vec![(
                    AdminOp::DeleteBusinessUnit {
                        business_unit: id.into(),
                    },
                    false,
                )],
            }
        }
        Step::Disable(at) => some_user(at)
            .map(|user| {
                (
                    AdminOp::DisableUser {
                        user: user.as_str().into(),
                    },
                    true,
                )
            })
            .into_iter()
            .collect(),
        // Refused for a loop or the root.
        Step::MoveUnit(unit, parent) if !units.is_empty() => vec![(
            AdminOp::MoveBusinessUnit {
                business_unit: unit.get(&units).as_str().into(),
                parent: parent.get(&units).as_str().into(),
            },
            false,
        )],
        Step::MoveUnit(..) => Vec::new(),
        Step::Other(op) => vec![(op.clone(), false)],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Users, teams, profiles and units added and removed anywhere in id
    /// order (every index after theirs moves), given roles, members and
    /// users, units moved, amid other operations: applied one set at a
    /// time, every answer (and the impact of proposals) is a fresh
    /// compile's, and only what can't be applied in place is refused.
    #[test]
    fn entities_come_and_go_in_place(
        directory in directory(),
        steps in vec(step(), 1..9),
        proposals in vec(proposal(), 1..3),
    ) {
        let mut store = MemoryStore::new(directory);
        let mut snapshot = Snapshot::compile(&store).unwrap();
        let mut compiled_from = store.clone();
        for (n, step) in steps.iter().enumerate() {
            for (op, must) in ops_of(&store, step, n) {
                let done = administer(&mut store, ADMIN, &op);
                // Additions and removals of what the store lacks and has
                // are accepted, every one; a role, member, user or move
                // may be refused by a rule of its own.
                prop_assert!(done.is_ok() || !must, "{:?}: {:?}", op, done);
            }
            let sets = changes_since(&store, snapshot.version().unwrap()).unwrap();
            let fresh = Snapshot::compile(&store).unwrap();
            match snapshot.apply(&sets) {
                Ok(next) => {
                    prop_assert_eq!(answers(&next, &store), answers(&fresh, &store), "after {:?}", step);
                    for proposal in &proposals {
                        let impact = |s: &Snapshot| format!("{:?}", s.impact(&store, proposal));
                        prop_assert_eq!(impact(&next), impact(&fresh), "{:?}", proposal);
                    }
                    snapshot = next;
                }
                Err(Error::NotIncremental { entity, .. }) => {
                    prop_assert!(
                        needs_compile(&snapshot, &compiled_from, &sets, &entity),
                        "{:?} refused for {}", step, entity
                    );
                    snapshot = fresh;
                    compiled_from = store.clone();
                }
                Err(other) => prop_assert!(false, "{:?}: {}", step, other),
            }
        }
    }
}

#[test]
fn apply_leaves_the_old_snapshot_as_it_was_and_refuses_sets_out_of_order() {
    let mut store = contoso_staffed();
    let before = Snapshot::compile(&store).unwrap();
    let give = AdminOp::AssignRole {
        user: "kayla".into(),
        role: "omnichannel-supervisor".into(),
        business_unit: None,
    };
    let take = AdminOp::RemoveRole {
        user: "kayla".into(),
        role: "omnichannel-agent".into(),
        business_unit: None,
    };
    administer(&mut store, "avery", &give).unwrap();
    administer(&mut store, "avery", &take).unwrap();
    let sets = changes_since(&store, 0).unwrap();
    let after = before.apply(&sets).unwrap();
    assert_eq!(after.version(), Some(2));
    let profile = |s: &Snapshot| s.resolve_profile("kayla").unwrap().profile.to_string();
    assert_eq!(profile(&before), "agents");
    assert_eq!(profile(&after), "supervisors");
    assert_eq!(before.version(), Some(0));
    // A handle of one snapshot is refused by the other.
    let kayla = before.user_ix("kayla").unwrap();
    assert!(after.resolve_ix(kayla).is_err());
    // Sets that don't follow on are refused, whole.
    assert!(matches!(
        after.apply(&sets),
        Err(Error::ChangeOutOfOrder {
            snapshot: Some(2),
            found: 1
        })
    ));
    assert!(matches!(
        before.apply(&sets[1..]),
        Err(Error::ChangeOutOfOrder {
            snapshot: Some(0),
            found: 2
        })
    ));
    // A new user is applied in place (every user after them moves up
    // one); a new team is not, and the snapshot asked is unchanged.
    let hire = AdminOp::CreateUser {
        user: "zoe".into(),
        name: "Zoe".into(),
        business_unit: None,
    };
    administer(&mut store, "avery", &hire).unwrap();
    let hired = before.apply(&changes_since(&store, 0).unwrap()).unwrap();
    assert_eq!(hired.user_id(hired.user_ix("zoe").unwrap()), Some("zoe"));
    assert_eq!(
        hired.resolve_profile("zoe").unwrap().profile.as_str(),
        "default-agent-experience-profile"
    );
    // The first business unit of a store that had none is not: every
    // user's unit changes with it.
    let unit = AdminOp::CreateBusinessUnit {
        business_unit: "contoso".into(),
        name: "Contoso".into(),
        parent: None,
    };
    administer(&mut store, "avery", &unit).unwrap();
    let all = changes_since(&store, 0).unwrap();
    assert!(matches!(
        before.apply(&all),
        Err(Error::NotIncremental { version: 4, entity: EntityRef::BusinessUnit(ref b) }) if b.as_str() == "contoso"
    ));
    assert_eq!(
        (before.version(), profile(&before).as_str()),
        (Some(0), "agents")
    );
    // So is a role the snapshot never read (a profile maps it, nobody
    // holds it).
    let mut store = contoso();
    let before = Snapshot::compile(&store).unwrap();
    administer(&mut store, "avery", &give).unwrap();
    assert!(matches!(
        before.apply(&changes_since(&store, 0).unwrap()),
        Err(Error::NotIncremental { version: 1, entity: EntityRef::Role(ref r) }) if r.as_str() == "omnichannel-supervisor"
    ));
}

/// Past one chunk of users (4 096) and past the 512 roles up to which
/// the snapshot keeps a row of held roles per user: a run of operations
/// on users in different chunks, applied, answers as a fresh compile.
#[test]
fn apply_across_chunks_and_without_role_rows_answers_as_a_fresh_compile() {
    for roles in [60, 700] {
        let mut workload = Workload::new(9_000).with_business_units(12);
        workload.roles = roles;
        let mut doc = workload.doc();
        doc.users
            .push(rbac_profiles::User::new("admin", "Admin").with_role("system-administrator"));
        let mut store = MemoryStore::new(Directory::builtin_with(doc.clone()).unwrap());
        let before = Snapshot::compile(&store).unwrap();
        let user = |i: usize| doc.users[i].id.clone();
        let held_elsewhere = doc.users[4_500].roles[0].role.clone();
        let team = doc.teams[0].id.clone();
        let unit = doc.business_units[3].id.clone();
        let hired: rbac_profiles::UserId = format!("{}-hired", user(8_500)).into();
        let ops = [
            AdminOp::AssignRole {
                user: user(10),
                role: held_elsewhere.clone(),
                business_unit: None,
            },
            AdminOp::AssignRole {
                user: user(8_999),
                role: held_elsewhere.clone(),
                business_unit: Some(unit.clone()),
            },
            AdminOp::RemoveRole {
                user: user(4_500),
                role: held_elsewhere.clone(),
                business_unit: None,
            },
            AdminOp::DisableUser { user: user(4_200) },
            AdminOp::MoveUser {
                user: user(6_000),
                business_unit: Some(unit),
            },
            AdminOp::AddTeamMembers {
                team: team.clone(),
                users: vec![user(5), user(8_000)],
            },
            AdminOp::AssignTeamRole {
                team: team.clone(),
                role: held_elsewhere.clone(),
            },
            AdminOp::AssignUsers {
                profile: doc.profiles[2].id.clone(),
                users: vec![user(7), user(7_777)],
            },
            AdminOp::SetRankAndRoles {
                profile: doc.profiles[0].id.clone(),
                rank: 100_000,
                roles: doc.profiles[0].roles.clone(),
            },
        ];
        // A user hired between two others, given a role, a profile and a
        // team; two users removed, one listed by a profile; one hired
        // after every other.
        let comings_and_goings = [
            AdminOp::CreateUser {
                user: hired.clone(),
                name: "Hired".into(),
                business_unit: None,
            },
            AdminOp::AssignRole {
                user: hired.clone(),
                role: held_elsewhere.clone(),
                business_unit: None,
            },
            AdminOp::AddTeamMembers {
                team: team.clone(),
                users: vec![hired.clone()],
            },
            AdminOp::AssignUsers {
                profile: doc.profiles[2].id.clone(),
                users: vec![hired.clone(), user(8_700)],
            },
            AdminOp::RemoveUser { user: user(8_700) },
            AdminOp::RemoveUser { user: user(8_600) },
            AdminOp::CreateUser {
                user: "zz-last".into(),
                name: "Last".into(),
                business_unit: None,
            },
        ];
        for op in &ops {
            administer(&mut store, "admin", op).unwrap();
        }
        let in_place = before.apply(&changes_since(&store, 0).unwrap()).unwrap();
        // The users' own changes share most of the snapshot.
        assert!(
            in_place.shared_heap_bytes(&before) > in_place.heap_bytes() / 2,
            "{roles} roles"
        );
        let version = in_place.version().unwrap();
        for op in &comings_and_goings {
            administer(&mut store, "admin", op).unwrap();
        }
        let after = in_place
            .apply(&changes_since(&store, version).unwrap())
            .unwrap();
        let fresh = Snapshot::compile(&store).unwrap();
        let all = |s: &Snapshot| -> Vec<String> {
            s.resolve_all()
                .unwrap()
                .iter()
                .map(|r| {
                    format!(
                        "{} {}",
                        s.user_id(r.user).unwrap(),
                        s.resolution(r).unwrap()
                    )
                })
                .collect()
        };
        assert_eq!(all(&after), all(&fresh), "{roles} roles");
        // What-if questions read who holds each role: a rank change
        // reaches the same users, moved or not.
        for profile in &doc.profiles[..3] {
            let proposal = Proposal::from(AdminOp::SetRankAndRoles {
                profile: profile.id.clone(),
                rank: 1,
                roles: profile.roles.clone(),
            });
            let impact = after.impact(&store, &proposal).unwrap();
            assert_eq!(
                format!("{impact:?}"),
                format!("{:?}", fresh.impact(&store, &proposal).unwrap()),
                "{roles} roles: {}",
                profile.id
            );
        }
        let keys: Vec<String> = store
            .directory()
            .privileges()
            .map(|p| p.key.to_string())
            .collect();
        let ids = [5, 7, 10, 4_200, 4_500, 6_000, 7_777, 8_000, 8_999]
            .map(user)
            .into_iter()
            .chain([hired.clone(), "zz-last".into()]);
        for id in ids {
            for key in &keys {
                assert_eq!(
                    after.privilege_level(&id, key.as_str()).unwrap(),
                    fresh.privilege_level(&id, key.as_str()).unwrap(),
                    "{roles} roles: {id} {key}"
                );
            }
        }
        // The old snapshot still answers as it did.
        assert_eq!(
            all(&before),
            all(&Snapshot::compile(&MemoryStore::new(
                Directory::builtin_with(doc.clone()).unwrap()
            ))
            .unwrap())
        );
    }
}

/// A user, team, profile and unit each added before every other of its
/// kind (so every index of the kind moves, in every table that holds it),
/// one of each removed, and a unit moved, in an organisation past one
/// chunk of users with away roles, teams and profiles: the applied
/// snapshot answers as a fresh compile.
#[test]
fn every_kind_added_first_or_removed_answers_as_a_fresh_compile() {
    let mut doc = Workload::new(5_000).with_business_units(12).doc();
    doc.users
        .push(rbac_profiles::User::new("admin", "Admin").with_role("system-administrator"));
    let mut store = MemoryStore::new(Directory::builtin_with(doc.clone()).unwrap());
    let before = Snapshot::compile(&store).unwrap();
    let user = |i: usize| doc.users[i].id.clone();
    // A custom role some user holds, granting custom privileges.
    let role = doc
        .users
        .iter()
        .flat_map(|u| &u.roles)
        .map(|a| a.role.clone())
        .find(|r| doc.roles.iter().any(|d| d.id == *r && !d.grants.is_empty()))
        .unwrap();
    let unit = |i: usize| doc.business_units[i].id.clone();
    let member_of_first = |u: &&rbac_profiles::User| u.teams.contains(&doc.teams[0].id);
    let free_rank = doc
        .profiles
        .iter()
        .filter_map(|p| p.rank)
        .max()
        .unwrap_or(0)
        + 1;
    let members: Vec<_> = doc
        .users
        .iter()
        .filter(member_of_first)
        .map(|u| u.id.clone())
        .take(3)
        .collect();
    let mut ops = vec![
        // Before anything moves: users directly assigned a late profile, a
        // role held in another unit, a team in a late unit.
        AdminOp::AssignUsers {
            profile: doc.profiles[5].id.clone(),
            users: vec![user(9)],
        },
        AdminOp::AssignUsers {
            profile: doc.profiles[9].id.clone(),
            users: vec![user(4_998)],
        },
        AdminOp::AssignRole {
            user: user(9),
            role: role.clone(),
            business_unit: Some(unit(5)),
        },
        AdminOp::MoveTeam {
            team: doc.teams[0].id.clone(),
            business_unit: Some(unit(6)),
        },
        AdminOp::CreateProfile {
            profile: "!profile".into(),
            name: "First".into(),
            settings: Default::default(),
        },
        AdminOp::SetRankAndRoles {
            profile: "!profile".into(),
            rank: free_rank,
            roles: vec![role.clone()],
        },
        AdminOp::AssignUsers {
            profile: "!profile".into(),
            users: vec![user(11), user(4_500)],
        },
        AdminOp::DeleteProfile {
            profile: doc.profiles[7].id.clone(),
        },
        AdminOp::CreateTeam {
            team: "!team".into(),
            name: "First".into(),
            business_unit: Some(unit(2)),
        },
        AdminOp::AddTeamMembers {
            team: "!team".into(),
            users: vec![user(3), user(4_999)],
        },
        AdminOp::AssignTeamRole {
            team: "!team".into(),
            role: role.clone(),
        },
        AdminOp::DeleteTeam {
            team: doc.teams[1].id.clone(),
        },
        AdminOp::CreateBusinessUnit {
            business_unit: "!unit".into(),
            name: "First".into(),
            parent: Some(unit(1)),
        },
        AdminOp::MoveUser {
            user: user(7),
            business_unit: Some("!unit".into()),
        },
        AdminOp::AssignRole {
            user: user(8),
            role: role.clone(),
            business_unit: Some("!unit".into()),
        },
        AdminOp::MoveBusinessUnit {
            business_unit: unit(4),
            parent: "!unit".into(),
        },
        AdminOp::CreateUser {
            user: "!user".into(),
            name: "First".into(),
            business_unit: Some("!unit".into()),
        },
        AdminOp::AssignRole {
            user: "!user".into(),
            role: role.clone(),
            business_unit: None,
        },
    ];
    // The out-of-box profile answers once no custom one is the default.
    ops.extend(
        doc.profiles
            .iter()
            .filter(|p| p.default)
            .map(|p| AdminOp::RemoveDefault {
                profile: p.id.clone(),
            }),
    );
    for op in &ops {
        administer(&mut store, "admin", op).unwrap();
    }
    let after = before.apply(&changes_since(&store, 0).unwrap()).unwrap();
    let fresh = Snapshot::compile(&store).unwrap();
    let ids = [
        user(9),
        user(4_998),
        user(3),
        user(7),
        user(8),
        user(11),
        user(4_500),
        user(4_999),
        "!user".into(),
        "admin".into(),
    ];
    let sample: Vec<&str> = ids.iter().chain(&members).map(|u| u.as_str()).collect();
    // Record questions on the privileges the role handed out grants.
    let grants = &doc.roles.iter().find(|r| r.id == role).unwrap().grants;
    let keys: Vec<&str> = grants.keys().map(|k| k.as_str()).take(4).collect();
    assert!(!keys.is_empty());
    assert_eq!(
        answers_among(&after, &store, Some((&sample, &keys))),
        answers_among(&fresh, &store, Some((&sample, &keys)))
    );
    for profile in &doc.profiles[2..5] {
        let proposal = Proposal::from(AdminOp::SetRankAndRoles {
            profile: profile.id.clone(),
            rank: free_rank + 1,
            roles: profile.roles.clone(),
        });
        assert_eq!(
            format!("{:?}", after.impact(&store, &proposal).unwrap()),
            format!("{:?}", fresh.impact(&store, &proposal).unwrap()),
        );
    }
}

/// Sets a snapshot can't follow in place, each refused naming what it
/// changes, the snapshot unchanged: a team or unit removed while still
/// named (and put back in the same set), an out-of-box profile added.
#[test]
fn what_apply_cannot_take_in_place_is_refused_naming_it() {
    let store = MemoryStore::new(
        Directory::from_json(
            r#"{
        "business_units": [ { "id": "root" }, { "id": "east", "parent": "root" }, { "id": "west", "parent": "root" } ],
        "teams": [ { "id": "night", "business_unit": "east", "members": ["kim"] } ],
        "users": [
            { "id": "kim", "business_unit": "east", "teams": ["night"], "roles": ["omnichannel-agent"] },
            { "id": "lee", "business_unit": "west" }
        ]
    }"#,
        )
        .unwrap(),
    );
    let snapshot = Snapshot::compile(&store).unwrap();
    let team = rbac_profiles::Team::new("night", "Night")
        .in_business_unit("east")
        .with_member("kim");
    let east = rbac_profiles::BusinessUnit::new("east", "East").with_parent("root");
    let cases = [
        (
            vec![Change::RemoveTeam("night".into()), Change::PutTeam(team)],
            EntityRef::Team("night".into()),
        ),
        (
            vec![
                Change::RemoveBusinessUnit("east".into()),
                Change::PutBusinessUnit(east),
            ],
            EntityRef::BusinessUnit("east".into()),
        ),
        (
            vec![Change::PutProfile(rbac_profiles::Profile::out_of_box(
                "second-out-of-box",
                "Second",
            ))],
            EntityRef::Profile("second-out-of-box".into()),
        ),
    ];
    for (changes, named) in cases {
        let sets = [ChangeSet {
            version: 1,
            changes,
        }];
        match snapshot.apply(&sets) {
            Err(Error::NotIncremental { version: 1, entity }) => assert_eq!(entity, named),
            other => panic!(
                "{named}: expected a refusal, got {:?}",
                other.map(|s| s.version())
            ),
        }
    }
    assert_eq!(snapshot.version(), Some(0));
    assert_eq!(
        snapshot.team_ix("night").map(|t| t.index()),
        Some(0),
        "the snapshot asked is unchanged"
    );
}

/// A host's store that lists users in profiles beyond what its
/// `MemoryStore` holds: `extra` (profile, user) pairs, the user known or
/// not. Only such a store lists a user twice or a user it lacks.
struct Listing {
    inner: MemoryStore,
    extra: Vec<(&'static str, &'static str)>,
}

impl Listing {
    fn with_extra(&self, mut profile: rbac_profiles::Profile) -> rbac_profiles::Profile {
        for (p, user) in &self.extra {
            if profile.id.as_str() == *p {
                profile.users.push((*user).into());
            }
        }
        profile
    }
}

impl Store for Listing {
    fn user(
        &self,
        id: &rbac_profiles::UserId,
    ) -> Result<Option<Cow<'_, rbac_profiles::User>>, StoreError> {
        self.inner.user(id)
    }
    fn user_ids(&self) -> Result<Vec<rbac_profiles::UserId>, StoreError> {
        self.inner.user_ids()
    }
    fn team(
        &self,
        id: &rbac_profiles::TeamId,
    ) -> Result<Option<Cow<'_, rbac_profiles::Team>>, StoreError> {
        self.inner.team(id)
    }
    fn team_ids(&self) -> Result<Vec<rbac_profiles::TeamId>, StoreError> {
        self.inner.team_ids()
    }
    fn business_unit(
        &self,
        id: &rbac_profiles::BusinessUnitId,
    ) -> Result<Option<Cow<'_, rbac_profiles::BusinessUnit>>, StoreError> {
        self.inner.business_unit(id)
    }
    fn business_unit_ids(&self) -> Result<Vec<rbac_profiles::BusinessUnitId>, StoreError> {
        self.inner.business_unit_ids()
    }
    fn root_business_unit(&self) -> Result<Option<rbac_profiles::BusinessUnitId>, StoreError> {
        self.inner.root_business_unit()
    }
    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, rbac_profiles::Role>>, StoreError> {
        self.inner.role(id)
    }
    fn privilege(
        &self,
        key: &rbac_profiles::Privilege,
    ) -> Result<Option<Cow<'_, rbac_profiles::PrivilegeDef>>, StoreError> {
        self.inner.privilege(key)
    }
    fn privilege_keys(&self) -> Result<Vec<rbac_profiles::Privilege>, StoreError> {
        self.inner.privilege_keys()
    }
    fn profile(
        &self,
        id: &rbac_profiles::ProfileId,
    ) -> Result<Option<Cow<'_, rbac_profiles::Profile>>, StoreError> {
        Ok(self
            .inner
            .profile(id)?
            .map(|p| Cow::Owned(self.with_extra(p.into_owned()))))
    }
    fn profiles(&self) -> Result<Vec<Cow<'_, rbac_profiles::Profile>>, StoreError> {
        Ok(self
            .inner
            .profiles()?
            .into_iter()
            .map(|p| Cow::Owned(self.with_extra(p.into_owned())))
            .collect())
    }
    fn template(
        &self,
        id: &rbac_profiles::TemplateId,
    ) -> Result<Option<Cow<'_, rbac_profiles::Template>>, StoreError> {
        self.inner.template(id)
    }
    fn fallback_profile(&self) -> Result<Option<rbac_profiles::ProfileId>, StoreError> {
        self.inner.fallback_profile()
    }
    fn is_secured_column(&self, column: &rbac_profiles::ColumnKey) -> Result<bool, StoreError> {
        self.inner.is_secured_column(column)
    }
    fn column_profiles(&self) -> Result<Vec<Cow<'_, rbac_profiles::ColumnProfile>>, StoreError> {
        self.inner.column_profiles()
    }
    fn version(&self) -> Result<Option<u64>, StoreError> {
        self.inner.version()
    }
    fn changes_since(&self, version: u64) -> Result<Option<Vec<ChangeSet>>, StoreError> {
        self.inner.changes_since(version)
    }
}

/// A user listed by a profile before they exist gets it when they come, as
/// a compile gives it, and again after leaving and coming back; a user
/// listed by two profiles keeps both listings while profiles before them
/// come and go.
#[test]
fn listings_only_a_host_store_holds_follow_the_users() {
    let inner = MemoryStore::new(
        Directory::from_json(
            r#"{
        "users": [
            { "id": "avery", "roles": ["system-administrator"] },
            { "id": "kim", "roles": ["omnichannel-agent"] }
        ],
        "profiles": [
            { "id": "agents", "name": "Agents", "rank": 1, "roles": ["omnichannel-agent"], "users": ["kim"] },
            { "id": "night", "name": "Night" }
        ]
    }"#,
        )
        .unwrap(),
    );
    let mut store = Listing {
        inner,
        // Zoe is listed before she exists; Kim by a second profile.
        extra: vec![("agents", "zoe"), ("night", "kim")],
    };
    let mut snapshot = Snapshot::compile(&store).unwrap();
    let ops = [
        AdminOp::CreateUser {
            user: "zoe".into(),
            name: "Zoe".into(),
            business_unit: None,
        },
        AdminOp::CreateProfile {
            profile: "!first".into(),
            name: "First".into(),
            settings: Default::default(),
        },
        AdminOp::RemoveUser { user: "zoe".into() },
        AdminOp::DeleteProfile {
            profile: "agents".into(),
        },
        AdminOp::CreateUser {
            user: "zoe".into(),
            name: "Zoe".into(),
            business_unit: None,
        },
    ];
    for op in &ops {
        administer(&mut store.inner, "avery", op).unwrap();
        let sets = changes_since(&store, snapshot.version().unwrap()).unwrap();
        snapshot = snapshot.apply(&sets).unwrap();
        let fresh = Snapshot::compile(&store).unwrap();
        let seen = |s: &Snapshot| -> Vec<String> {
            let mut out: Vec<String> = ["kim", "zoe", "avery"]
                .iter()
                .map(|u| format!("{u} {:?}", s.resolve_profile(u)))
                .collect();
            for profile in ["!first", "agents", "night"] {
                let of: Option<Vec<&str>> = s
                    .users_of(profile)
                    .ok()
                    .map(|of| of.filter_map(|r| s.user_id(r.user)).collect());
                out.push(format!("{profile} {of:?}"));
            }
            out
        };
        assert_eq!(seen(&snapshot), seen(&fresh), "after {op:?}");
    }
    // Agents, which listed Zoe, is gone: back, she falls through to the
    // out-of-box profile, as the compile says.
    assert_eq!(
        snapshot.resolve_profile("zoe").unwrap().profile.as_str(),
        "default-agent-experience-profile"
    );
}

#[test]
fn a_store_keeps_a_bounded_feed_and_says_when_it_is_too_old() {
    let mut store = contoso().with_feed_capacity(2);
    assert_eq!(store.version().unwrap(), Some(0));
    for rank in [3, 4, 5] {
        let op = AdminOp::SetRankAndRoles {
            profile: "agents".into(),
            rank,
            roles: vec!["omnichannel-agent".into()],
        };
        administer(&mut store, "avery", &op).unwrap();
    }
    assert_eq!(store.version().unwrap(), Some(3));
    assert_eq!(changes_since(&store, 1).unwrap().len(), 2);
    assert_eq!(changes_since(&store, 3).unwrap(), []);
    let err = changes_since(&store, 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the store keeps no changes since version 0 (it is at version 3): compile again"
    );
    assert!(matches!(
        err,
        Error::FeedTooOld {
            version: 0,
            store: 3
        }
    ));
    let err = changes_since(&store, 9).unwrap_err();
    assert!(
        matches!(
            err,
            Error::UnknownVersion {
                version: 9,
                store: 3
            }
        ),
        "{err}"
    );
    // A refused operation applies nothing and moves no version.
    let refused = AdminOp::RemoveDefault {
        profile: "agents".into(),
    };
    administer(&mut store, "avery", &refused).unwrap_err();
    assert_eq!(store.version().unwrap(), Some(3));
}

/// The two stale cases of the issue: a user who gained a mapped role after
/// the compile, and a change to a profile the proposal doesn't touch, are
/// both refused by the version check, naming both versions.
#[test]
fn impact_refuses_a_snapshot_older_than_the_store() {
    let mut store = contoso();
    let snapshot = Snapshot::compile(&store).unwrap();
    assert_eq!(snapshot.version(), Some(0));
    let proposal = Proposal::from(AdminOp::SetRankAndRoles {
        profile: "supervisors".into(),
        rank: 3,
        roles: vec!["omnichannel-supervisor".into()],
    });
    assert!(snapshot.impact(&store, &proposal).is_ok());

    // Kayla gains the supervisor role after the compile.
    let gain = AdminOp::AssignRole {
        user: "kayla".into(),
        role: "omnichannel-supervisor".into(),
        business_unit: None,
    };
    administer(&mut store, "avery", &gain).unwrap();
    fn stale<T: std::fmt::Debug>(result: Result<T, Error>) -> (Option<u64>, u64) {
        match result {
            Err(Error::StaleSnapshot {
                stale: Staleness::Version { snapshot, store },
            }) => (snapshot, store),
            other => panic!("expected a stale snapshot, got {other:?}"),
        }
    }
    assert_eq!(stale(snapshot.impact(&store, &proposal)), (Some(0), 1));
    assert_eq!(
        stale(snapshot.impact_access(&store, &proposal)),
        (Some(0), 1)
    );
    assert_eq!(
        snapshot.impact(&store, &proposal).unwrap_err().to_string(),
        "the snapshot was compiled at version 0 and the store is at version 1: compile again"
    );

    // A profile the proposal doesn't touch changes: refused as well.
    let snapshot = Snapshot::compile(&store).unwrap();
    let other = AdminOp::SetRankAndRoles {
        profile: "agents".into(),
        rank: 5,
        roles: vec!["omnichannel-agent".into()],
    };
    administer(&mut store, "avery", &other).unwrap();
    assert_eq!(stale(snapshot.impact(&store, &proposal)), (Some(1), 2));
    // Compiled again, the answer is the store's.
    let fresh = Snapshot::compile(&store).unwrap();
    assert!(fresh.impact(&store, &proposal).is_ok());
}

#[test]
fn a_shared_snapshot_follows_the_store() {
    let mut store = contoso_staffed();
    let shared = SharedSnapshot::new(Snapshot::compile(&store).unwrap());
    assert_eq!(shared.follow(&store).unwrap(), Follow::Current);
    let gain = AdminOp::AssignRole {
        user: "kayla".into(),
        role: "omnichannel-supervisor".into(),
        business_unit: None,
    };
    let before = shared.load();
    administer(&mut store, "avery", &gain).unwrap();
    assert_eq!(
        shared.follow(&store).unwrap(),
        Follow::Applied { from: 0, to: 1 }
    );
    let now = shared.load();
    assert_eq!(now.version(), Some(1));
    assert!(now.has_privilege("kayla", "conversation:monitor").unwrap());
    // A reader holding the old snapshot keeps its answers.
    assert!(
        !before
            .has_privilege("kayla", "conversation:monitor")
            .unwrap()
    );
    assert_eq!(shared.follow(&store).unwrap(), Follow::Current);
    // A new user and a new team are applied in place; the first unit of
    // a store that had none can't be: compiled again.
    let hire = AdminOp::CreateUser {
        user: "zoe".into(),
        name: "Zoe".into(),
        business_unit: None,
    };
    let team = AdminOp::CreateTeam {
        team: "night-shift".into(),
        name: "Night shift".into(),
        business_unit: None,
    };
    for op in [hire, team] {
        administer(&mut store, "avery", &op).unwrap();
    }
    assert_eq!(
        shared.follow(&store).unwrap(),
        Follow::Applied { from: 1, to: 3 }
    );
    assert!(shared.load().user_ix("zoe").is_some());
    assert!(shared.load().team_ix("night-shift").is_some());
    let unit = AdminOp::CreateBusinessUnit {
        business_unit: "contoso".into(),
        name: "Contoso".into(),
        parent: None,
    };
    administer(&mut store, "avery", &unit).unwrap();
    assert_eq!(
        shared.follow(&store).unwrap(),
        Follow::Recompiled {
            from: Some(3),
            to: Some(4)
        }
    );
    assert_eq!(
        shared.load().business_unit_ix("contoso").map(|b| b.index()),
        Some(0)
    );
}

#[test]
fn a_follower_behind_the_feed_compiles_again() {
    let mut store = contoso().with_feed_capacity(1);
    let shared = SharedSnapshot::new(Snapshot::compile(&store).unwrap());
    for role in ["omnichannel-supervisor", "omnichannel-administrator"] {
        let gain = AdminOp::AssignRole {
            user: "kayla".into(),
            role: role.into(),
            business_unit: None,
        };
        administer(&mut store, "avery", &gain).unwrap();
    }
    assert!(matches!(
        changes_since(&store, 0),
        Err(Error::FeedTooOld { .. })
    ));
    assert_eq!(
        shared.follow(&store).unwrap(),
        Follow::Recompiled {
            from: Some(0),
            to: Some(2)
        }
    );
}
