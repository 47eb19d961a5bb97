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

use proptest::collection::vec;
use proptest::prelude::*;
use rbac_profiles::testkit::Workload;
use rbac_profiles::testkit::strategies::{ADMIN, admin_op, directory, proposal, security_op};
use rbac_profiles::{
    AccessLevel, AccessRight, AccessRights, AdminOp, Change, ChangeSet, Directory, EntityRef,
    Error, Follow, MemoryStore, Owner, Proposal, Record, RoleId, Share, SharedSnapshot, Snapshot,
    Staleness, Store, StoreMut, administer, changes_since,
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
    let directory = store.directory();
    let keys: Vec<String> = directory.privileges().map(|p| p.key.to_string()).collect();
    // Record questions on the generated privileges and a few built-in
    // ones: every level and right among them.
    let record_keys: Vec<&String> = keys
        .iter()
        .filter(|k| k.starts_with('e') || k.as_str() == "case:assign")
        .collect();
    let users: Vec<String> = directory.users().map(|u| u.id.to_string()).collect();
    let teams: Vec<String> = directory.teams().map(|t| t.id.to_string()).collect();
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
/// in place: not in the snapshot, removed, or a business unit moved.
fn needs_compile(
    snapshot: &Snapshot,
    compiled_from: &MemoryStore,
    sets: &[ChangeSet],
    entity: &EntityRef,
) -> bool {
    let removed = sets
        .iter()
        .flat_map(|s| &s.changes)
        .any(|c| match (c, entity) {
            (Change::RemoveTeam(a), EntityRef::Team(b)) => a == b,
            (Change::RemoveProfile(a), EntityRef::Profile(b)) => a == b,
            (Change::RemoveBusinessUnit(a), EntityRef::BusinessUnit(b)) => a == b,
            _ => false,
        });
    removed
        || match entity {
            // Users come and go in place.
            EntityRef::User(_) => false,
            EntityRef::Team(id) => snapshot.team_ix(id).is_none(),
            EntityRef::Profile(id) => snapshot.profile_ix(id).is_none(),
            EntityRef::Role(id) => {
                snapshot.role_ix(id).is_none() || !read_when_compiled(compiled_from, id)
            }
            // A unit moved, or one the snapshot lacks.
            EntityRef::BusinessUnit(id) => {
                let before = compiled_from
                    .directory()
                    .business_units()
                    .find(|b| &b.id == id)
                    .cloned();
                before.is_none_or(|before| {
                    sets.iter().flat_map(|s| &s.changes).any(|c| {
                        matches!(c, Change::PutBusinessUnit(b) if b.id == *id && b.parent != before.parent)
                    })
                })
            }
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

/// One step of [`users_come_and_go_in_place`]: a user hired next to the
/// one at `at` (before every other, between two, or after every other)
/// with a role and a profile, or the user at `at` removed or disabled, or
/// any security operation.
#[derive(Clone, Debug)]
enum Step {
    Hire(prop::sample::Index, u8),
    Remove(prop::sample::Index),
    Disable(prop::sample::Index),
    Other(AdminOp),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (any::<prop::sample::Index>(), 0..3u8).prop_map(|(at, side)| Step::Hire(at, side)),
        1 => any::<prop::sample::Index>().prop_map(Step::Remove),
        1 => any::<prop::sample::Index>().prop_map(Step::Disable),
        1 => security_op().prop_map(Step::Other),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Users hired and removed anywhere in id order (every index after
    /// theirs moves), with roles and profiles, amid other operations:
    /// applied one set at a time, every answer (and the impact of
    /// proposals) is a fresh compile's, and no hire or removal is refused.
    #[test]
    fn users_come_and_go_in_place(
        directory in directory(),
        steps in vec(step(), 1..7),
        proposals in vec(proposal(), 1..3),
    ) {
        let mut store = MemoryStore::new(directory);
        let mut snapshot = Snapshot::compile(&store).unwrap();
        let mut compiled_from = store.clone();
        for (n, step) in steps.iter().enumerate() {
            let ids: Vec<String> = store
                .directory()
                .users()
                .map(|u| u.id.to_string())
                .filter(|id| id != ADMIN)
                .collect();
            let ops = match step {
                Step::Hire(at, side) => {
                    let id = match (side, ids.is_empty()) {
                        (0, _) | (_, true) => format!("!{n}"),
                        (1, false) => format!("{}-{n}", at.get(&ids)),
                        _ => format!("~{n}"),
                    };
                    let directory = store.directory();
                    let role = directory
                        .users()
                        .flat_map(|u| u.roles.iter().map(|a| a.role.clone()))
                        .next();
                    let profile = directory.profiles().find(|p| p.is_custom()).map(|p| p.id.clone());
                    let mut ops = vec![AdminOp::CreateUser {
                        user: id.clone().into(),
                        name: "Hired".into(),
                        business_unit: None,
                    }];
                    ops.extend(role.map(|role| AdminOp::AssignRole {
                        user: id.clone().into(),
                        role,
                        business_unit: None,
                    }));
                    ops.extend(profile.map(|profile| AdminOp::AssignUsers {
                        profile,
                        users: vec![id.clone().into()],
                    }));
                    ops
                }
                Step::Remove(_) | Step::Disable(_) if ids.is_empty() => continue,
                Step::Disable(at) => vec![AdminOp::DisableUser {
                    user: at.get(&ids).as_str().into(),
                }],
                Step::Remove(at) => vec![AdminOp::RemoveUser {
                    user: at.get(&ids).as_str().into(),
                }],
                Step::Other(op) => vec![op.clone()],
            };
            for op in &ops {
                let done = administer(&mut store, ADMIN, op);
                // Hires and removals are of users the store lacks and
                // has: accepted, every one. (A role or profile may be
                // refused by a rule of its own.)
                if matches!(op, AdminOp::CreateUser { .. } | AdminOp::RemoveUser { .. })
                    && !matches!(step, Step::Other(_))
                {
                    prop_assert!(done.is_ok(), "{:?}: {:?}", op, done);
                }
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
                    prop_assert!(matches!(step, Step::Other(_)), "{:?} refused for {}", step, entity);
                    prop_assert!(needs_compile(&snapshot, &compiled_from, &sets, &entity));
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
    let team = AdminOp::CreateTeam {
        team: "night-shift".into(),
        name: "Night shift".into(),
        business_unit: None,
    };
    administer(&mut store, "avery", &team).unwrap();
    let all = changes_since(&store, 0).unwrap();
    assert!(matches!(
        before.apply(&all),
        Err(Error::NotIncremental { version: 4, entity: EntityRef::Team(ref t) }) if t.as_str() == "night-shift"
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
    // A new user is applied in place; a new team can't be: compiled
    // again.
    let hire = AdminOp::CreateUser {
        user: "zoe".into(),
        name: "Zoe".into(),
        business_unit: None,
    };
    administer(&mut store, "avery", &hire).unwrap();
    assert_eq!(
        shared.follow(&store).unwrap(),
        Follow::Applied { from: 1, to: 2 }
    );
    assert!(shared.load().user_ix("zoe").is_some());
    let team = AdminOp::CreateTeam {
        team: "night-shift".into(),
        name: "Night shift".into(),
        business_unit: None,
    };
    administer(&mut store, "avery", &team).unwrap();
    assert_eq!(
        shared.follow(&store).unwrap(),
        Follow::Recompiled {
            from: Some(2),
            to: Some(3)
        }
    );
    assert!(shared.load().team_ix("night-shift").is_some());
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
