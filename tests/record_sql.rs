//! The `WHERE` clause a host writes from an `AccessFilter` (the query of the
//! filter's docs), run against SQLite: it selects exactly the records
//! `can_access` allows, for every user and privilege of generated
//! organisations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use rbac_profiles::testkit::strategies::{Conflicts, org};
use rbac_profiles::{
    AccessFilter, AccessRight, AccessRights, Directory, MemoryStore, Owner, Principal, PrincipalId,
    Record, Share, access_filter, can_access,
};
use rusqlite::{Connection, params_from_iter};

const SCHEMA: &str = "
CREATE TABLE records (
    id                   INTEGER PRIMARY KEY,
    owner_kind           TEXT NOT NULL CHECK (owner_kind IN ('user', 'team', 'organization')),
    owner_id             TEXT NOT NULL,
    owning_business_unit TEXT
);
CREATE TABLE shares (
    record_id      INTEGER NOT NULL REFERENCES records (id),
    principal_kind TEXT NOT NULL CHECK (principal_kind IN ('user', 'team')),
    principal_id   TEXT NOT NULL,
    right          TEXT NOT NULL
);
";

/// `(kind, id)` pairs as SQL row values, `(?, ?), …`; `(NULL, NULL)` for
/// none, which matches nothing.
fn pairs(principals: &[PrincipalId], binds: &mut Vec<String>) -> String {
    if principals.is_empty() {
        return "(NULL, NULL)".to_owned();
    }
    let rows: Vec<&str> = principals
        .iter()
        .map(|p| {
            let (kind, id) = match p {
                PrincipalId::User(u) => ("user", u.to_string()),
                PrincipalId::Team(t) => ("team", t.to_string()),
                other => panic!("{other:?}"),
            };
            binds.push(kind.to_owned());
            binds.push(id);
            "(?, ?)"
        })
        .collect();
    rows.join(", ")
}

/// The query of `AccessFilter`'s docs, with its parameters.
fn query(filter: &AccessFilter) -> (String, Vec<String>) {
    let mut binds = Vec::new();
    let flag = |on: bool| if on { "1" } else { "0" };
    let owners = pairs(&filter.owners, &mut binds);
    let units = if filter.business_units.is_empty() {
        "NULL".to_owned()
    } else {
        binds.extend(filter.business_units.iter().map(|u| u.to_string()));
        vec!["?"; filter.business_units.len()].join(", ")
    };
    let right = filter.right.map_or("", |r| r.as_str()).to_owned();
    binds.push(right);
    let shared = pairs(&filter.shared_with, &mut binds);
    let sql = format!(
        "SELECT id FROM records r WHERE
              {everything}
           OR ({organization_owned} AND r.owner_kind = 'organization')
           OR (r.owner_kind, r.owner_id) IN (VALUES {owners})
           OR r.owning_business_unit IN ({units})
           OR EXISTS (SELECT 1 FROM shares s WHERE s.record_id = r.id
                      AND s.right = ? AND (s.principal_kind, s.principal_id) IN (VALUES {shared}))
         ORDER BY id",
        everything = flag(filter.everything),
        organization_owned = flag(filter.organization_owned),
    );
    (sql, binds)
}

/// A generated record: owner (kind, id), unit, shares (kind, id, rights).
type Row = (
    (&'static str, String),
    String,
    Vec<(&'static str, String, AccessRights)>,
);

fn case() -> impl Strategy<Value = (Directory, Vec<Row>)> {
    let org = org(Conflicts::Excluded).prop_map(|doc| Directory::builtin_with(doc).unwrap());
    (
        org,
        vec(any::<(u8, Index, Index, Vec<(bool, Index, u8)>)>(), 1..12),
    )
        .prop_map(|(directory, picks)| {
            let users: Vec<String> = directory.users().map(|u| u.id.to_string()).collect();
            let teams: Vec<String> = directory.teams().map(|t| t.id.to_string()).collect();
            let mut units: Vec<String> = directory
                .business_units()
                .map(|b| b.id.to_string())
                .collect();
            if units.is_empty() {
                units.push(String::new());
            }
            let rows = picks
                .into_iter()
                .map(|(kind, who, unit, shares)| {
                    let owner = match kind % 3 {
                        0 => ("organization", String::new()),
                        1 if !teams.is_empty() => ("team", who.get(&teams).clone()),
                        _ => ("user", who.get(&users).clone()),
                    };
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
                            if team && !teams.is_empty() {
                                ("team", who.get(&teams).clone(), rights)
                            } else {
                                ("user", who.get(&users).clone(), rights)
                            }
                        })
                        .collect();
                    (owner, unit.get(&units).clone(), shares)
                })
                .collect();
            (directory, rows)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn the_filters_query_selects_what_can_access_allows((directory, rows) in case()) {
        let store = MemoryStore::new(directory.clone());
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        for (id, ((kind, owner), unit, shares)) in rows.iter().enumerate() {
            let unit = (!unit.is_empty()).then_some(unit.as_str());
            conn.execute(
                "INSERT INTO records (id, owner_kind, owner_id, owning_business_unit) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![id, kind, owner, unit],
            )
            .unwrap();
            for (kind, who, rights) in shares {
                for right in rights.iter() {
                    conn.execute(
                        "INSERT INTO shares (record_id, principal_kind, principal_id, right) VALUES (?1, ?2, ?3, ?4)",
                        rusqlite::params![id, kind, who, right.as_str()],
                    )
                    .unwrap();
                }
            }
        }
        let keys: Vec<_> = directory.privileges().map(|p| p.key.clone()).filter(|k| k.entity().starts_with('e')).collect();
        for who in directory.users() {
            for key in &keys {
                let filter = access_filter(&store, &who.id, key).unwrap();
                let (sql, binds) = query(&filter);
                let mut statement = conn.prepare(&sql).unwrap();
                let selected: BTreeSet<usize> = statement
                    .query_map(params_from_iter(binds.iter()), |row| row.get::<_, usize>(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let mut allowed = BTreeSet::new();
                for (id, ((kind, owner), unit, shares)) in rows.iter().enumerate() {
                    let shares: Vec<Share<'_>> = shares
                        .iter()
                        .map(|(kind, who, rights)| Share {
                            principal: if *kind == "team" { Principal::Team(who) } else { Principal::User(who) },
                            rights: *rights,
                        })
                        .collect();
                    let owner = match *kind {
                        "organization" => Owner::Organization,
                        "team" => Owner::Team(owner),
                        _ => Owner::User(owner),
                    };
                    let record = Record {
                        owner,
                        business_unit: (!unit.is_empty()).then_some(unit.as_str()),
                        shares: &shares,
                    };
                    if can_access(&store, &who.id, key, &record).unwrap() {
                        allowed.insert(id);
                    }
                }
                prop_assert_eq!(selected, allowed, "{} {} {:?}", who.id, key, filter);
            }
        }
    }
}
