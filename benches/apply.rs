//! Bringing a snapshot of a million users (`testkit::Workload`, one role a
//! ranked profile, 1–3 direct roles a user) forward by the change feed:
//! `Snapshot::apply` of one role assignment, of one direct profile
//! assignment, of a rank change that reaches under 1 % of users, and of
//! users, a team and a profile added or removed (every index after theirs
//! moves), against `Snapshot::impact` of that rank change and a fresh
//! `Snapshot::compile`, all in one run. Before the timings it prints the
//! heap each applied snapshot holds beyond the one it came from.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::print_stderr)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rbac_profiles::testkit::Workload;
use rbac_profiles::{
    AdminOp, ChangeSet, Directory, MemoryStore, Proposal, Snapshot, Store, User, administer,
    changes_since,
};

/// The administrator added to the workload (user ids sort before `user-`).
const ADMIN: &str = "admin";

/// Users of the workload; the administrator is one more.
const USERS: usize = 1_000_000;

/// The change sets `op` writes to `store` (left unchanged).
fn feed(store: &MemoryStore, op: &AdminOp) -> Vec<ChangeSet> {
    let mut changed = store.clone();
    let at = changed.version().unwrap().unwrap_or(0);
    administer(&mut changed, ADMIN, op).unwrap();
    changes_since(&changed, at).unwrap()
}

fn apply(c: &mut Criterion) {
    let mut workload = Workload::new(USERS);
    workload.roles_per_profile = 1;
    workload.roles_per_user = 1..=3;
    let mut doc = workload.doc();
    doc.users
        .push(User::new(ADMIN, "Admin").with_role("system-administrator"));
    let store = MemoryStore::new(Directory::builtin_with(doc.clone()).unwrap());
    let snapshot = Snapshot::compile(&store).unwrap();

    // A user gains a role others hold; a user is assigned a profile
    // directly; the rank 1 profile drops to last (as benches/impact.rs).
    let user = doc.users[USERS / 2].id.clone();
    let role = doc.users[USERS / 3]
        .roles
        .iter()
        .map(|a| a.role.clone())
        .find(|r| !doc.users[USERS / 2].holds_directly(r))
        .unwrap();
    let assign_role = AdminOp::AssignRole {
        user: user.clone(),
        role,
        business_unit: None,
    };
    let assign_profile = AdminOp::AssignUsers {
        profile: doc.profiles[1].id.clone(),
        users: vec![user],
    };
    let profile = &doc.profiles[0];
    let rank = AdminOp::SetRankAndRoles {
        profile: profile.id.clone(),
        rank: u32::try_from(doc.profiles.len() + 1).unwrap(),
        roles: vec![profile.roles[0].clone()],
    };
    // Users, a team and a profile that come and go: every index after
    // theirs moves by one.
    let middle = |ids: &[String]| format!("{}-new", ids[ids.len() / 2]);
    let user_ids: Vec<String> = doc.users.iter().map(|u| u.id.to_string()).collect();
    let team_ids: Vec<String> = doc.teams.iter().map(|t| t.id.to_string()).collect();
    let profile_ids: Vec<String> = doc.profiles.iter().map(|p| p.id.to_string()).collect();
    let hire_last = AdminOp::CreateUser {
        user: "zz-hired".into(),
        name: "Hired".into(),
        business_unit: None,
    };
    let hire_middle = AdminOp::CreateUser {
        user: middle(&user_ids).into(),
        name: "Hired".into(),
        business_unit: None,
    };
    let remove_middle = AdminOp::RemoveUser {
        user: doc.users[USERS / 2 + 1].id.clone(),
    };
    let create_team = AdminOp::CreateTeam {
        team: middle(&team_ids).into(),
        name: "New".into(),
        business_unit: None,
    };
    let create_profile = AdminOp::CreateProfile {
        profile: middle(&profile_ids).into(),
        name: "New".into(),
        settings: Default::default(),
    };
    let cases = [
        ("assign_role_1M", feed(&store, &assign_role)),
        ("assign_profile_1M", feed(&store, &assign_profile)),
        ("rank_1M", feed(&store, &rank)),
        ("hire_last_1M", feed(&store, &hire_last)),
        ("hire_middle_1M", feed(&store, &hire_middle)),
        ("remove_middle_1M", feed(&store, &remove_middle)),
        ("create_team_1M", feed(&store, &create_team)),
        ("create_profile_1M", feed(&store, &create_profile)),
    ];
    for (name, sets) in &cases {
        let next = snapshot.apply(sets).unwrap();
        let extra = next.heap_bytes() - next.shared_heap_bytes(&snapshot);
        eprintln!(
            "apply/{name}: {} change sets, {:.2} MB held beyond the snapshot it came from ({:.1} MB in all)",
            sets.len(),
            extra as f64 / 1e6,
            next.heap_bytes() as f64 / 1e6
        );
    }

    let mut group = c.benchmark_group("apply");
    group.sample_size(20);
    for (name, sets) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| black_box(snapshot.apply(sets).unwrap()))
        });
    }
    let proposal = Proposal::from(rank);
    group.bench_function("impact_rank_1M", |b| {
        b.iter(|| black_box(snapshot.impact(&store, &proposal).unwrap()))
    });
    group.sample_size(10);
    group.bench_function("compile_1M", |b| {
        b.iter(|| black_box(Snapshot::compile(&store).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, apply);
criterion_main!(benches);
