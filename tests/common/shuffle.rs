//! Every list of a document, permuted: the input of the order-independence
//! laws.

use proptest::prelude::*;
use rbac_profiles::{AccessLevel, DirectoryDoc, Privilege, Profile, Role, Team, User};

/// `items` in a random order, each first passed through `inner`, which may
/// permute the lists it holds.
fn each<T, S>(items: Vec<T>, inner: impl Fn(T) -> S) -> impl Strategy<Value = Vec<T>>
where
    T: Clone + std::fmt::Debug,
    S: Strategy<Value = T>,
{
    items
        .into_iter()
        .map(inner)
        .collect::<Vec<_>>()
        .prop_shuffle()
}

fn list<T: Clone + std::fmt::Debug>(items: Vec<T>) -> impl Strategy<Value = Vec<T>> {
    Just(items).prop_shuffle()
}

/// `doc` with its entities, and every list inside them (grants, includes,
/// team roles and members, user roles and teams, profile roles and users),
/// permuted.
pub fn shuffled(doc: DirectoryDoc) -> impl Strategy<Value = DirectoryDoc> {
    let roles = each(doc.roles.clone(), |role| {
        let grants: Vec<(Privilege, AccessLevel)> = role.grants.clone().into_iter().collect();
        (list(grants), list(role.includes.clone())).prop_map(move |(grants, includes)| Role {
            grants: grants.into_iter().collect(),
            includes,
            ..role.clone()
        })
    });
    let teams = each(doc.teams.clone(), |team| {
        (list(team.roles.clone()), list(team.members.clone())).prop_map(move |(roles, members)| {
            Team {
                roles,
                members,
                ..team.clone()
            }
        })
    });
    let users = each(doc.users.clone(), |user| {
        (list(user.roles.clone()), list(user.teams.clone())).prop_map(move |(roles, teams)| User {
            roles,
            teams,
            ..user.clone()
        })
    });
    let profiles = each(doc.profiles.clone(), |profile| {
        (list(profile.roles.clone()), list(profile.users.clone())).prop_map(
            move |(roles, users)| Profile {
                roles,
                users,
                ..profile.clone()
            },
        )
    });
    (
        list(doc.privileges.clone()),
        roles,
        teams,
        users,
        profiles,
        Just(doc),
    )
        .prop_map(
            |(privileges, roles, teams, users, profiles, doc)| DirectoryDoc {
                privileges,
                roles,
                teams,
                users,
                profiles,
                ..doc
            },
        )
}
