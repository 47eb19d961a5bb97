//! `has_privilege` and `resolve_profile` over the memory store: the path a
//! host takes without a compiled snapshot.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::indexing_slicing, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rbac_profiles::{
    catalog, has_privilege, resolve_profile, Directory, DirectoryDoc, MemoryStore, Privilege,
    Profile, Team, User, UserId,
};

/// 10 000 users holding one to three built-in roles, a quarter of them also in
/// one of four teams; twelve ranked profiles, each mapping one built-in role,
/// a default profile, and one user in a hundred directly assigned.
fn organisation() -> (MemoryStore, Vec<UserId>, Vec<Privilege>) {
    let mut org = DirectoryDoc::default();
    let team_roles = [
        catalog::OMNICHANNEL_SUPERVISOR,
        catalog::PRODUCTIVITY_TOOLS_USER,
        catalog::CUSTOMER_SERVICE_MANAGER,
        catalog::OMNICHANNEL_AGENT,
    ];
    for (i, role) in team_roles.iter().enumerate() {
        org.teams
            .push(Team::new(format!("team-{i}"), "").with_role(*role));
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for u in 0..10_000 {
        let id = format!("user-{u}");
        let mut user = User::new(id.as_str(), "");
        let count = 1 + next() % 3;
        for _ in 0..count {
            let role = catalog::ROLE_IDS
                .get((next() % 12) as usize)
                .copied()
                .unwrap_or(catalog::BASIC_USER);
            if !user.roles.iter().any(|r| r.as_str() == role) {
                user.roles.push(role.into());
            }
        }
        if u % 4 == 0 {
            let t = (next() % 4) as usize;
            user.teams.push(format!("team-{t}").into());
            if let Some(team) = org.teams.get_mut(t) {
                team.members.push(id.as_str().into());
            }
        }
        org.users.push(user);
    }
    for (rank, role) in (1..).zip(catalog::ROLE_IDS) {
        org.profiles.push(
            Profile::new(format!("profile-{rank}"), "")
                .with_rank(rank)
                .with_role(role),
        );
    }
    let mut direct = Profile::new("direct", "").as_default();
    direct.users = (0..10_000)
        .step_by(100)
        .map(|u| format!("user-{u}").into())
        .collect();
    org.profiles.push(direct);
    let directory = Directory::builtin_with(org).unwrap();
    let users = directory.users().map(|u| u.id.clone()).collect();
    let privileges = directory.privileges().map(|p| p.key.clone()).collect();
    (MemoryStore::new(directory), users, privileges)
}

fn bench(c: &mut Criterion) {
    let (store, users, privileges) = organisation();
    let mut i = 0usize;
    c.bench_function("memory_store/has_privilege/10k_users", |b| {
        b.iter(|| {
            i = i.wrapping_add(7919);
            let user = &users[i % users.len()];
            let privilege = &privileges[(i / 3) % privileges.len()];
            black_box(has_privilege(&store, black_box(user), black_box(privilege)).is_ok())
        })
    });
    c.bench_function("memory_store/resolve_profile/10k_users", |b| {
        b.iter(|| {
            i = i.wrapping_add(7919);
            let user = &users[i % users.len()];
            black_box(resolve_profile(&store, black_box(user)).is_ok())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
