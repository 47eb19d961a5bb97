//! What-if: `Snapshot::impact` predicts exactly what making the change,
//! compiling again and diffing would show; `Snapshot::diff` compares two
//! snapshots by ids.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{store_with, uid};
use proptest::prelude::*;
use rbac_profiles::testkit::Workload;
use rbac_profiles::testkit::seed004;
use rbac_profiles::testkit::strategies::{self, ADMIN, Conflicts};
use rbac_profiles::{
    AccessLevel, AdminOp, Directory, DirectoryDoc, EntityRef, Error, MemoryStore, Profile,
    ProfileMove, Proposal, Reason, Resolution, Snapshot, Store, Team, User, administer,
    administer_all, resolve_profile,
};

/// `proposal` made on a copy of `store`: through administration by
/// [`ADMIN`], or by editing the user (and team) and loading the directory
/// again.
fn apply(store: &MemoryStore, proposal: &Proposal) -> Result<MemoryStore, Error> {
    let mut copy = store.clone();
    let user_edit = match proposal {
        Proposal::Admin(op) => {
            administer(&mut copy, ADMIN, op)?;
            return Ok(copy);
        }
        Proposal::AdminBatch(ops) => {
            administer_all(&mut copy, ADMIN, ops)?;
            return Ok(copy);
        }
        Proposal::AddUserRole { user, .. }
        | Proposal::RemoveUserRole { user, .. }
        | Proposal::AddTeamMember { user, .. }
        | Proposal::RemoveTeamMember { user, .. } => user,
        _ => unreachable!("every proposal kind is covered"),
    };
    let mut doc = DirectoryDoc::from(copy.into_directory());
    let unknown = || Error::UnknownUser {
        user: user_edit.clone(),
    };
    let at = doc
        .users
        .iter()
        .position(|u| u.id == *user_edit)
        .ok_or_else(unknown)?;
    let member_of = |team: &Team| team.members.contains(user_edit);
    match proposal {
        Proposal::AddUserRole { role, .. } | Proposal::RemoveUserRole { role, .. }
            if doc.roles.iter().all(|r| r.id != *role) =>
        {
            return Err(Error::UnknownReference {
                owner: EntityRef::User(user_edit.clone()),
                target: EntityRef::Role(role.clone()),
            });
        }
        Proposal::AddTeamMember { team, .. } | Proposal::RemoveTeamMember { team, .. }
            if doc.teams.iter().all(|t| t.id != *team) =>
        {
            return Err(Error::UnknownReference {
                owner: EntityRef::User(user_edit.clone()),
                target: EntityRef::Team(team.clone()),
            });
        }
        Proposal::AddUserRole { role, .. } if !doc.users[at].holds_directly(role) => {
            doc.users[at].roles.push(role.clone().into());
        }
        Proposal::RemoveUserRole { role, .. } => doc.users[at].roles.retain(|r| r.role != *role),
        Proposal::AddTeamMember { team, .. } => {
            for t in doc
                .teams
                .iter_mut()
                .filter(|t| t.id == *team && !member_of(t))
            {
                t.members.push(user_edit.clone());
                doc.users[at].teams.push(team.clone());
            }
        }
        Proposal::RemoveTeamMember { team, .. } => {
            for t in doc.teams.iter_mut().filter(|t| t.id == *team) {
                t.members.retain(|m| m != user_edit);
            }
            doc.users[at].teams.retain(|t| t != team);
        }
        _ => {}
    }
    Ok(MemoryStore::new(Directory::try_from(doc)?))
}

/// The resolution changes `diff` shows between `store` and the store after
/// `proposal`: what `impact` must predict.
fn expected_moves(before: &Snapshot, after: &MemoryStore) -> Vec<ProfileMove> {
    let after = Snapshot::compile(after).unwrap();
    let diff = before.diff(&after).unwrap();
    diff.iter().filter_map(|d| d.moved()).collect()
}

#[track_caller]
fn assert_impact_is_apply_compile_diff(
    store: &MemoryStore,
    proposal: &Proposal,
) -> Result<(), TestCaseError> {
    let snapshot = Snapshot::compile(store).unwrap();
    let predicted = snapshot.impact(store, proposal);
    match (apply(store, proposal), predicted) {
        (Ok(after), Ok(predicted)) => {
            prop_assert_eq!(predicted, expected_moves(&snapshot, &after));
        }
        (Err(refused), Err(error)) => {
            if matches!(proposal, Proposal::Admin(_) | Proposal::AdminBatch(_)) {
                prop_assert_eq!(error.to_string(), refused.to_string());
            }
        }
        (applied, predicted) => {
            prop_assert!(
                false,
                "apply: {:?}, impact: {:?}",
                applied.map(|_| ()),
                predicted
            );
        }
    }
    Ok(())
}

/// A workload shape with profiles and users small enough to compile twice
/// per case.
fn shape() -> impl Strategy<Value = Workload> {
    (0usize..40, 1usize..12, 0usize..8, 0u32..30, any::<u64>()).prop_map(
        |(users, roles, profiles, direct, seed)| {
            let mut w = Workload::new(users).with_seed(seed);
            w.roles = roles;
            w.privileges = 4;
            w.profiles = profiles;
            w.roles_per_profile = 2;
            w.teams = 3;
            w.direct_percent = direct;
            w
        },
    )
}

/// A workload with an administrator, and a proposal over its ids.
fn workload_case() -> impl Strategy<Value = (MemoryStore, Proposal)> {
    (shape(), any::<prop::sample::Index>(), 0usize..8).prop_flat_map(|(w, pick, kind)| {
        let mut doc = w.doc();
        doc.users
            .push(User::new(ADMIN, "Admin").with_role("omnichannel-administrator"));
        let store = MemoryStore::new(Directory::builtin_with(doc.clone()).unwrap());
        let user = doc.users[pick.index(doc.users.len())].id.clone();
        let profiles: Vec<_> = doc.profiles.iter().map(|p| p.id.clone()).collect();
        let roles: Vec<_> = doc.roles.iter().map(|r| r.id.clone()).collect();
        let profile = if profiles.is_empty() {
            "none".into()
        } else {
            profiles[pick.index(profiles.len())].clone()
        };
        let role = if roles.is_empty() {
            "omnichannel-agent".into()
        } else {
            roles[pick.index(roles.len())].clone()
        };
        let ops = match kind {
            0 => AdminOp::SetRankAndRoles {
                profile: profile.clone(),
                rank: 1 + pick.index(12) as u32,
                roles: vec![role.clone()],
            },
            1 => AdminOp::RemoveRankAndRoles {
                profile: profile.clone(),
            },
            2 => AdminOp::DeleteProfile {
                profile: profile.clone(),
            },
            3 => AdminOp::RemoveDefault {
                profile: "profile-default".into(),
            },
            4 => AdminOp::AssignUsers {
                profile: profile.clone(),
                users: vec![user.clone()],
            },
            5 => AdminOp::SetDefault {
                profile: profile.clone(),
            },
            _ => AdminOp::UnassignUsers {
                profile: profile.clone(),
                users: vec![user.clone()],
            },
        };
        let proposals = prop_oneof![
            3 => Just(Proposal::Admin(ops)),
            1 => Just(Proposal::AddUserRole { user: user.clone(), role: role.clone() }),
            1 => Just(Proposal::RemoveUserRole { user: user.clone(), role }),
        ];
        (Just(store), proposals)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn impact_is_apply_compile_diff_on_the_testkit_organisations(
        // With imported ties too: administration refuses some operations
        // on tied states, and those that pass must still be predicted
        // exactly.
        doc in prop_oneof![
            strategies::org(Conflicts::Excluded),
            strategies::org(Conflicts::Included),
        ],
        proposal in strategies::proposal(),
    ) {
        let store = MemoryStore::new(Directory::builtin_with(doc).unwrap());
        assert_impact_is_apply_compile_diff(&store, &proposal)?;
    }

    #[test]
    fn impact_is_apply_compile_diff_on_workloads((store, proposal) in workload_case()) {
        assert_impact_is_apply_compile_diff(&store, &proposal)?;
    }

    #[test]
    fn a_snapshot_differs_from_itself_in_nothing_and_diff_is_antisymmetric(
        a in strategies::directory(),
        b in strategies::directory(),
    ) {
        let (a, b) = (MemoryStore::new(a), MemoryStore::new(b));
        let (sa, sb) = (Snapshot::compile(&a).unwrap(), Snapshot::compile(&b).unwrap());
        prop_assert!(sa.diff(&sa).unwrap().is_empty());
        let forward = sa.diff(&sb).unwrap();
        let backward = sb.diff(&sa).unwrap();
        prop_assert_eq!(forward.len(), backward.len());
        for (f, b) in forward.iter().zip(&backward) {
            prop_assert_eq!(&f.user, &b.user);
            prop_assert_eq!(&f.before, &b.after);
            let flipped: Vec<_> = b.privileges.iter().map(|c| (c.privilege.clone(), c.after, c.before)).collect();
            let straight: Vec<_> = f.privileges.iter().map(|c| (c.privilege.clone(), c.before, c.after)).collect();
            prop_assert_eq!(straight, flipped);
        }
    }

    #[test]
    fn diff_lists_exactly_the_users_whose_answers_differ(
        a in strategies::directory(),
        b in strategies::directory(),
    ) {
        // The naive reference: every user of either store, every privilege
        // of either catalogue, asked of both stores.
        let (a, b) = (MemoryStore::new(a), MemoryStore::new(b));
        let diff = Snapshot::compile(&a).unwrap().diff(&Snapshot::compile(&b).unwrap()).unwrap();
        let mut users = a.user_ids().unwrap();
        users.extend(b.user_ids().unwrap());
        users.sort();
        users.dedup();
        let mut keys = a.privilege_keys().unwrap();
        keys.extend(b.privilege_keys().unwrap());
        keys.sort();
        keys.dedup();
        let level = |store: &MemoryStore, user, key| {
            rbac_profiles::privilege_level(store, user, key).unwrap_or(AccessLevel::None)
        };
        let mut expected = Vec::new();
        for user in &users {
            let before = resolve_profile(&a, user).ok();
            let after = resolve_profile(&b, user).ok();
            let changes: Vec<_> = keys
                .iter()
                .map(|k| (k.clone(), level(&a, user, k), level(&b, user, k)))
                .filter(|(_, x, y)| x != y)
                .collect();
            if before != after || !changes.is_empty() {
                expected.push((user.clone(), before, after, changes));
            }
        }
        let got: Vec<_> = diff
            .into_iter()
            .map(|d| {
                let changes = d.privileges.into_iter().map(|c| (c.privilege, c.before, c.after)).collect();
                (d.user, d.before, d.after, changes)
            })
            .collect();
        prop_assert_eq!(got, expected);
    }
}

/// Two ranked profiles, a default, a direct assignment and a team.
fn office() -> MemoryStore {
    let mut org = DirectoryDoc::default();
    org.profiles.push(
        Profile::new("contoso-agent", "Contoso Agent")
            .with_rank(2)
            .with_role("omnichannel-agent"),
    );
    org.profiles.push(
        Profile::new("contoso-supervisor", "Contoso Supervisor")
            .with_rank(1)
            .with_role("omnichannel-supervisor"),
    );
    org.profiles
        .push(Profile::new("contoso-default", "Contoso Default").as_default());
    org.profiles
        .push(Profile::new("vip", "VIP").with_user("dana"));
    org.teams.push(
        Team::new("sup", "Supervisors")
            .with_role("omnichannel-supervisor")
            .with_member("ben"),
    );
    org.users
        .push(User::new("admin", "Admin").with_role("omnichannel-administrator"));
    org.users
        .push(User::new("ana", "Ana").with_role("omnichannel-agent"));
    org.users.push(
        User::new("ben", "Ben")
            .with_role("omnichannel-agent")
            .with_team("sup"),
    );
    org.users.push(User::new("cy", "Cy"));
    org.users
        .push(User::new("dana", "Dana").with_role("omnichannel-supervisor"));
    store_with(org)
}

fn lines(moves: &[ProfileMove]) -> Vec<String> {
    moves.iter().map(ToString::to_string).collect()
}

#[test]
fn a_rank_change_moves_the_holders_of_the_mapped_roles_only() {
    let store = office();
    let snapshot = Snapshot::compile(&store).unwrap();
    // The agent profile takes a role only Dana holds; Dana is assigned
    // directly, so only the agents move.
    let op = AdminOp::SetRankAndRoles {
        profile: "contoso-agent".into(),
        rank: 3,
        roles: vec!["omnichannel-supervisor".into()],
    };
    let moves = snapshot.impact(&store, &op.into()).unwrap();
    assert_eq!(
        lines(&moves),
        [
            "ana: contoso-agent (role omnichannel-agent, rank 2) -> contoso-default (default profile)",
            "ben: contoso-agent (role omnichannel-agent, rank 2) -> contoso-default (default profile)",
        ]
    );
}

#[test]
fn removing_the_default_moves_every_default_user_to_the_fallback() {
    let store = office();
    let snapshot = Snapshot::compile(&store).unwrap();
    let op = AdminOp::RemoveDefault {
        profile: "contoso-default".into(),
    };
    let moves = snapshot.impact(&store, &op.into()).unwrap();
    assert_eq!(
        lines(&moves),
        [
            "admin: contoso-default (default profile) -> default-agent-experience-profile (out-of-box fallback)",
            "cy: contoso-default (default profile) -> default-agent-experience-profile (out-of-box fallback)",
        ]
    );
}

#[test]
fn deleting_a_profile_moves_its_assigned_users_to_the_next_rule() {
    let store = office();
    let snapshot = Snapshot::compile(&store).unwrap();
    let moves = snapshot
        .impact(
            &store,
            &AdminOp::DeleteProfile {
                profile: "vip".into(),
            }
            .into(),
        )
        .unwrap();
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0].user, uid("dana"));
    assert_eq!(moves[0].before, Resolution::new("vip", Reason::Direct));
    assert_eq!(
        moves[0].after,
        Resolution::new(
            "contoso-supervisor",
            Reason::RoleRank {
                role: "omnichannel-supervisor".into(),
                rank: 1
            }
        )
    );
}

#[test]
fn a_direct_role_moves_its_user_and_a_team_never_does() {
    let store = office();
    let snapshot = Snapshot::compile(&store).unwrap();
    let gain = Proposal::AddUserRole {
        user: uid("ana"),
        role: "omnichannel-supervisor".into(),
    };
    assert_eq!(
        lines(&snapshot.impact(&store, &gain).unwrap()),
        [
            "ana: contoso-agent (role omnichannel-agent, rank 2) -> contoso-supervisor (role omnichannel-supervisor, rank 1)"
        ]
    );
    // Ben already holds the supervisor role through his team: it does not
    // count, and joining or leaving teams moves nobody.
    for proposal in [
        Proposal::AddTeamMember {
            team: "sup".into(),
            user: uid("ana"),
        },
        Proposal::RemoveTeamMember {
            team: "sup".into(),
            user: uid("ben"),
        },
    ] {
        assert!(snapshot.impact(&store, &proposal).unwrap().is_empty());
    }
    // Giving a role already held, or taking one not held, changes nothing.
    let again = Proposal::AddUserRole {
        user: uid("ana"),
        role: "omnichannel-agent".into(),
    };
    assert!(snapshot.impact(&store, &again).unwrap().is_empty());
}

#[test]
fn unknown_ids_and_refused_operations_are_errors_naming_them() {
    let store = office();
    let snapshot = Snapshot::compile(&store).unwrap();
    let cases = [
        (
            Proposal::AddUserRole {
                user: uid("nobody"),
                role: "omnichannel-agent".into(),
            },
            r#"unknown user "nobody""#,
        ),
        (
            Proposal::AddUserRole {
                user: uid("ana"),
                role: "pilot".into(),
            },
            r#"user "ana" references unknown role "pilot""#,
        ),
        (
            Proposal::AddTeamMember {
                team: "night".into(),
                user: uid("ana"),
            },
            r#"user "ana" references unknown team "night""#,
        ),
        (
            AdminOp::SetRankAndRoles {
                profile: "vip".into(),
                rank: 1,
                roles: vec![],
            }
            .into(),
            r#"rank 1 is held by profile "contoso-supervisor""#,
        ),
        (
            AdminOp::DeleteProfile {
                profile: "ghost".into(),
            }
            .into(),
            r#"unknown profile "ghost""#,
        ),
    ];
    for (proposal, message) in cases {
        let err = snapshot.impact(&store, &proposal).unwrap_err();
        assert_eq!(err.to_string(), message, "{proposal:?}");
    }
    // Nothing was written.
    assert_eq!(
        Snapshot::compile(&store).unwrap().diff(&snapshot).unwrap(),
        []
    );
}

#[test]
fn a_role_nobody_holds_but_a_profile_maps_still_moves_the_user_who_gets_it() {
    let mut org = DirectoryDoc::default();
    org.profiles.push(
        Profile::new("night", "Night shift")
            .with_rank(1)
            .with_role("omnichannel-supervisor"),
    );
    org.users.push(User::new("u1", "One"));
    let store = store_with(org);
    let snapshot = Snapshot::compile(&store).unwrap();
    let proposal = Proposal::AddUserRole {
        user: uid("u1"),
        role: "omnichannel-supervisor".into(),
    };
    assert_eq!(
        lines(&snapshot.impact(&store, &proposal).unwrap()),
        [
            "u1: default-agent-experience-profile (out-of-box fallback) -> night (role omnichannel-supervisor, rank 1)"
        ]
    );
}

#[test]
fn a_profile_the_batch_creates_can_take_users() {
    let store = office();
    let snapshot = Snapshot::compile(&store).unwrap();
    let night = Proposal::AdminBatch(vec![
        AdminOp::CreateProfile {
            profile: "night".into(),
            name: "Night shift".into(),
            settings: Default::default(),
        },
        AdminOp::RemoveRankAndRoles {
            profile: "contoso-supervisor".into(),
        },
        AdminOp::SetRankAndRoles {
            profile: "night".into(),
            rank: 1,
            roles: vec!["omnichannel-agent".into()],
        },
        AdminOp::AssignUsers {
            profile: "night".into(),
            users: vec![uid("cy")],
        },
    ]);
    assert_eq!(
        lines(&snapshot.impact(&store, &night).unwrap()),
        [
            "ana: contoso-agent (role omnichannel-agent, rank 2) -> night (role omnichannel-agent, rank 1)",
            "ben: contoso-agent (role omnichannel-agent, rank 2) -> night (role omnichannel-agent, rank 1)",
            "cy: contoso-default (default profile) -> night (assigned directly)",
        ]
    );
    // Created and deleted in one batch: nothing.
    let fleeting = Proposal::AdminBatch(vec![
        AdminOp::CreateProfile {
            profile: "night".into(),
            name: "Night shift".into(),
            settings: Default::default(),
        },
        AdminOp::DeleteProfile {
            profile: "night".into(),
        },
    ]);
    assert!(snapshot.impact(&store, &fleeting).unwrap().is_empty());
}

#[test]
fn diff_names_privilege_changes_and_users_on_one_side() {
    let store = office();
    let before = Snapshot::compile(&store).unwrap();
    let mut doc = DirectoryDoc::from(store.into_directory());
    doc.users.retain(|u| u.id.as_str() != "cy");
    doc.users.push(User::new("eve", "Eve"));
    let ana = doc
        .users
        .iter_mut()
        .find(|u| u.id.as_str() == "ana")
        .unwrap();
    ana.roles.push("omnichannel-supervisor".into());
    let after = Snapshot::compile(&MemoryStore::new(Directory::try_from(doc).unwrap())).unwrap();

    let diff = before.diff(&after).unwrap();
    let users: Vec<_> = diff.iter().map(|d| d.user.as_str()).collect();
    assert_eq!(users, ["ana", "cy", "eve"]);
    let ana = &diff[0];
    assert_eq!(
        ana.after.as_ref().map(|r| r.profile.as_str()),
        Some("contoso-supervisor")
    );
    assert!(ana.privileges.iter().all(|c| c.after > c.before));
    assert!(
        ana.privileges
            .iter()
            .any(|c| c.privilege.as_str() == "conversation:transfer")
    );
    assert!(diff[1].after.is_none() && diff[1].before.is_some());
    assert!(diff[2].before.is_none());
    assert_eq!(
        diff[2].after,
        Some(Resolution::new("contoso-default", Reason::Default))
    );
}

#[test]
fn the_seed_scenario_moves_as_compiling_shows() {
    let mut store = store_with(seed004::org());
    administer_all(&mut store, seed004::ADMIN, &seed004::operations()).unwrap();
    let snapshot = Snapshot::compile(&store).unwrap();
    let admin = rbac_profiles::UserId::from(seed004::ADMIN);

    // Datum Agent can't take rank 1 while Contoso Supervisor holds it; as
    // one batch that moves Contoso Supervisor to rank 3 first, John Doe
    // (agent and supervisor) moves.
    let datum_first = Proposal::AdminBatch(vec![
        AdminOp::SetRankAndRoles {
            profile: "contoso-supervisor".into(),
            rank: 3,
            roles: vec!["omnichannel-supervisor".into()],
        },
        AdminOp::SetRankAndRoles {
            profile: "datum-agent".into(),
            rank: 1,
            roles: vec!["omnichannel-agent".into()],
        },
    ]);
    assert_eq!(
        lines(&snapshot.impact(&store, &datum_first).unwrap()),
        [
            // A new rank is a new reason: the same profile, for another rank.
            "alex-agent: datum-agent (role omnichannel-agent, rank 2) -> datum-agent (role omnichannel-agent, rank 1)",
            "john-doe: contoso-supervisor (role omnichannel-supervisor, rank 1) -> datum-agent (role omnichannel-agent, rank 1)",
            "sam-supervisor: contoso-supervisor (role omnichannel-supervisor, rank 1) -> contoso-supervisor (role omnichannel-supervisor, rank 3)",
        ]
    );

    let remove_default = AdminOp::RemoveDefault {
        profile: "contoso-agent".into(),
    };
    let moves = snapshot
        .impact(&store, &remove_default.clone().into())
        .unwrap();
    let users: Vec<_> = moves.iter().map(|m| m.user.as_str()).collect();
    assert_eq!(users, [seed004::ADMIN, "nora-none", "tess-team"]);
    assert!(
        moves
            .iter()
            .all(|m| m.before.reason == Reason::Default && m.after.reason == Reason::OutOfBox)
    );
    administer(&mut store, &admin, &remove_default).unwrap();
    assert_eq!(moves, expected_moves(&snapshot, &store));
}

#[test]
fn a_store_listing_every_profile_twice_resolves_and_predicts_as_listed_once() {
    let mut doc = DirectoryDoc::builtin();
    let listed_once = {
        let mut org = DirectoryDoc::default();
        org.profiles.push(
            Profile::new("a", "A")
                .with_user("u1")
                .with_rank(1)
                .with_role("omnichannel-agent"),
        );
        org.profiles.push(Profile::new("b", "B").with_user("u2"));
        org.profiles.push(Profile::new("c", "C").as_default());
        org.users
            .push(User::new("admin", "Admin").with_role("omnichannel-administrator"));
        org.users.push(User::new("u1", "One"));
        org.users.push(User::new("u2", "Two"));
        org.users
            .push(User::new("u3", "Three").with_role("omnichannel-agent"));
        org
    };
    doc.extend(listed_once.clone());
    let mut twice = common::HostStore::unchecked(doc);
    twice.profiles_twice = true;
    let once = store_with(listed_once);

    let snapshot = Snapshot::compile(&twice).unwrap();
    for user in ["admin", "u1", "u2", "u3"] {
        assert_eq!(
            snapshot.resolve_profile(uid(user)).unwrap(),
            resolve_profile(&twice, uid(user)).unwrap(),
            "{user}"
        );
    }
    let reference = Snapshot::compile(&once).unwrap();
    for op in [
        AdminOp::DeleteProfile {
            profile: "b".into(),
        },
        AdminOp::RemoveDefault {
            profile: "c".into(),
        },
        AdminOp::RemoveRankAndRoles {
            profile: "a".into(),
        },
    ] {
        let proposal = Proposal::from(op);
        assert_eq!(
            snapshot.impact(&twice, &proposal).unwrap(),
            reference.impact(&once, &proposal).unwrap(),
            "{proposal:?}"
        );
    }
}

#[test]
fn a_store_changed_since_compiling_is_a_stale_snapshot_not_a_wrong_answer() {
    let mut store = office();
    let snapshot = Snapshot::compile(&store).unwrap();
    administer(
        &mut store,
        uid("admin"),
        &AdminOp::RemoveRankAndRoles {
            profile: "contoso-agent".into(),
        },
    )
    .unwrap();
    // Assigning Cy must not be blamed for moving Ana and Ben, which the
    // earlier change did.
    let assign = AdminOp::AssignUsers {
        profile: "contoso-agent".into(),
        users: vec![uid("cy")],
    };
    let err = snapshot.impact(&store, &assign.into()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the snapshot was compiled at version 0 and the store is at version 1: compile again"
    );

    // Another store at the same version (built, not administered): the
    // entities the proposal touches are checked. A user added, or given a
    // role, since compiling.
    let mut doc = DirectoryDoc::from(office().into_directory());
    doc.users.push(User::new("late", "Late"));
    let ana = doc
        .users
        .iter_mut()
        .find(|u| u.id.as_str() == "ana")
        .unwrap();
    ana.roles.push("omnichannel-supervisor".into());
    let store = MemoryStore::new(Directory::try_from(doc).unwrap());
    let assign = AdminOp::AssignUsers {
        profile: "vip".into(),
        users: vec![uid("late")],
    };
    let stale_user =
        |user: &str| format!(r#"user "{user}" changed since the snapshot was compiled"#);
    assert_eq!(
        snapshot
            .impact(&store, &assign.into())
            .unwrap_err()
            .to_string(),
        stale_user("late")
    );
    let gain = Proposal::AddUserRole {
        user: uid("ana"),
        role: "omnichannel-administrator".into(),
    };
    assert_eq!(
        snapshot.impact(&store, &gain).unwrap_err().to_string(),
        stale_user("ana")
    );
}
