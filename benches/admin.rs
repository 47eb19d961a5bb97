//! Administration on the store path (`MemoryStore`) of a million users
//! (`testkit::Workload`): one role assignment and its removal, batches of
//! 1 000, 3 000, 10 000 and 20 000 assignments (linear once the batch
//! outgrows the caches: the cost an operation levels off from 3 000 on),
//! and assigning 5 000 and 20 000 users to a profile (linear, over a fixed
//! cost: the batch reads every profile's assignments once). Each iteration makes the change and undoes
//! it, so the store is the same for every sample; the store keeps a feed
//! of 16 change sets.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use criterion::{Criterion, criterion_group, criterion_main};
use rbac_profiles::testkit::Workload;
use rbac_profiles::{
    AccessLevel, AdminOp, Directory, MemoryStore, Privilege, Role, RoleId, User, UserId,
    administer, administer_all,
};

/// The administrator added to the workload.
const ADMIN: &str = "admin";

const USERS: usize = 1_000_000;

fn assign(user: &UserId, role: &RoleId) -> AdminOp {
    AdminOp::AssignRole {
        user: user.clone(),
        role: role.clone(),
        business_unit: None,
    }
}

fn remove(user: &UserId, role: &RoleId) -> AdminOp {
    AdminOp::RemoveRole {
        user: user.clone(),
        role: role.clone(),
        business_unit: None,
    }
}

fn admin(c: &mut Criterion) {
    let workload = Workload::new(USERS);
    let mut doc = workload.doc();
    let role = RoleId::from("bench-reader");
    doc.roles.push(
        Role::new(role.clone(), "Bench reader")
            .with_grant(Privilege::new("case:read").unwrap(), AccessLevel::User),
    );
    doc.users
        .push(User::new(ADMIN, "Admin").with_role("system-administrator"));
    // Users no profile lists directly, so that any of them may be assigned.
    let listed: std::collections::HashSet<&UserId> =
        doc.profiles.iter().flat_map(|p| &p.users).collect();
    let users: Vec<UserId> = doc
        .users
        .iter()
        .map(|u| u.id.clone())
        .filter(|u| !listed.contains(u))
        .take(20_000)
        .collect();
    let profile = doc.profiles[0].id.clone();
    // The feed keeps a few change sets only: every sample writes two, and
    // a thousand kept copies of a 10 000-user batch would measure memory.
    let mut store = MemoryStore::new(Directory::builtin_with(doc).unwrap()).with_feed_capacity(16);

    let mut group = c.benchmark_group("admin");
    group.sample_size(20);
    let one = [assign(&users[0], &role), remove(&users[0], &role)];
    group.bench_function("assign_and_remove_role_1M", |b| {
        b.iter(|| {
            for op in &one {
                administer(&mut store, ADMIN, op).unwrap();
            }
        })
    });
    for n in [1_000, 3_000, 10_000, 20_000] {
        let on: Vec<AdminOp> = users[..n].iter().map(|u| assign(u, &role)).collect();
        let off: Vec<AdminOp> = users[..n].iter().map(|u| remove(u, &role)).collect();
        group.bench_function(format!("batch_{n}_assignments_1M"), |b| {
            b.iter(|| {
                administer_all(&mut store, ADMIN, &on).unwrap();
                administer_all(&mut store, ADMIN, &off).unwrap();
            })
        });
    }
    for n in [5_000, 20_000] {
        let on = AdminOp::AssignUsers {
            profile: profile.clone(),
            users: users[..n].to_vec(),
        };
        let off = AdminOp::UnassignUsers {
            profile: profile.clone(),
            users: users[..n].to_vec(),
        };
        group.bench_function(format!("assign_{n}_users_to_a_profile_1M"), |b| {
            b.iter(|| {
                administer(&mut store, ADMIN, &on).unwrap();
                administer(&mut store, ADMIN, &off).unwrap();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, admin);
criterion_main!(benches);
