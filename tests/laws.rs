//! Laws of privilege resolution, checked on generated directories: answers
//! match a naive reference resolver, don't depend on list order, never shrink
//! when a role is added (to a user or a team) or a role includes one more,
//! survive a JSON round trip (unusual ids and names included), and hostile
//! input never panics.

// Tests opt out of the crate's no-panic lints: a failed unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;
use rbac_profiles::testkit::strategies::{CATALOGUE_KEYS, Conflicts, org, shuffled};
use rbac_profiles::{
    AccessLevel, BusinessUnitId, Directory, DirectoryDoc, Holding, MemoryStore, Privilege, Role,
    RoleAssignment, RoleId, Route, Team, TeamId, User, UserId, explain_privilege, has_privilege,
    privilege_level,
};

// ---------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------

/// A valid document: the built-in catalogue and a generated organisation
/// (with conflicts, which load).
fn directory_doc() -> impl Strategy<Value = DirectoryDoc> {
    org(Conflicts::Included).prop_map(|org| {
        let mut doc = DirectoryDoc::builtin();
        doc.extend(org);
        doc
    })
}

/// The privileges the laws ask about: the organisation's own and the
/// catalogue keys its roles may grant. (Asking about every key of the
/// catalogue would multiply the run time and add nothing the built-in
/// roles' grants of these keys don't already exercise.)
fn keys(doc: &DirectoryDoc) -> impl Iterator<Item = &Privilege> {
    static BUILTIN: LazyLock<Directory> = LazyLock::new(Directory::builtin);
    doc.privileges.iter().map(|def| &def.key).filter(|key| {
        BUILTIN.privilege(key.as_str()).is_none() || CATALOGUE_KEYS.contains(&key.as_str())
    })
}

/// Unusual but valid text: an awkward piece (non-ASCII letters, quotes,
/// backslashes, spaces, control characters, emoji, JSON look-alikes), then
/// anything.
fn unusual_text() -> impl Strategy<Value = String> {
    let pieces = vec![
        "rôle-日本",
        "\"quoted\"",
        "'single'",
        "back\\slash\\",
        "\\u0041\\n",
        " spaced  out ",
        "🦀🔐",
        "👩\u{200d}👩\u{200d}👧\u{fe0f}",
        "tab\tnew\nline\r",
        "\u{0}nul",
        "\u{1}\u{1f}\u{7f}\u{80}\u{9f}",
        "\u{2028}\u{2029}",
        "\u{feff}bom",
        "e\u{301}",
        "שלום",
        "\u{ffff}\u{10ffff}",
        "</script>",
        "{\"id\":\"r0\"}",
        "r0",
        "-1",
        "",
    ];
    (select(pieces), "(?s).{0,4}").prop_map(|(piece, rest)| format!("{piece}{rest}"))
}

/// Replaces each id of `ids` by its new id in `to`.
fn rename<K: Ord + Clone>(ids: &mut [K], to: &BTreeMap<K, K>) {
    for id in ids {
        *id = to[id].clone();
    }
}

/// New ids for `ids`, in order: `{word}-{position}`, unique because the
/// position after the last `-` is.
fn new_ids<K: Ord + Clone + From<String>>(ids: &[K], words: &[String]) -> BTreeMap<K, K> {
    ids.iter()
        .zip(words)
        .enumerate()
        .map(|(i, (id, word))| (id.clone(), K::from(format!("{word}-{i}"))))
        .collect()
}

/// `doc` with every role, team and user id replaced, everywhere it occurs
/// (profiles and column profiles included), by
/// one made from `words`, and every name and description replaced by one of
/// `names`.
fn relabelled(mut doc: DirectoryDoc, words: &[String], names: Vec<String>) -> DirectoryDoc {
    let role_ids: Vec<RoleId> = doc.roles.iter().map(|r| r.id.clone()).collect();
    let team_ids: Vec<TeamId> = doc.teams.iter().map(|t| t.id.clone()).collect();
    let user_ids: Vec<UserId> = doc.users.iter().map(|u| u.id.clone()).collect();
    let (role_words, rest) = words.split_at(role_ids.len());
    let (team_words, user_words) = rest.split_at(team_ids.len());
    let roles = new_ids(&role_ids, role_words);
    let teams = new_ids(&team_ids, team_words);
    let users = new_ids(&user_ids, user_words);

    let mut names = names.into_iter();
    for def in &mut doc.privileges {
        def.description = names.next().unwrap();
    }
    for role in &mut doc.roles {
        role.id = roles[&role.id].clone();
        role.name = names.next().unwrap();
        rename(&mut role.includes, &roles);
    }
    for team in &mut doc.teams {
        team.id = teams[&team.id].clone();
        team.name = names.next().unwrap();
        rename(&mut team.roles, &roles);
        rename(&mut team.members, &users);
    }
    for user in &mut doc.users {
        user.id = users[&user.id].clone();
        user.name = names.next().unwrap();
        for assignment in &mut user.roles {
            assignment.role = roles[&assignment.role].clone();
        }
        rename(&mut user.teams, &teams);
    }
    for profile in &mut doc.profiles {
        rename(&mut profile.roles, &roles);
        rename(&mut profile.users, &users);
    }
    for profile in &mut doc.column_profiles {
        rename(&mut profile.users, &users);
        rename(&mut profile.teams, &teams);
    }
    doc
}

/// A valid document whose role, team and user ids, names and descriptions
/// are all unusual text. (Privilege keys have a fixed alphabet.)
fn unusual_doc() -> impl Strategy<Value = DirectoryDoc> {
    directory_doc()
        .prop_flat_map(|doc| {
            let ids = doc.roles.len() + doc.teams.len() + doc.users.len();
            let texts = ids + doc.privileges.len();
            (
                Just(doc),
                vec(unusual_text(), ids),
                vec(unusual_text(), texts),
            )
        })
        .prop_map(|(doc, words, names)| relabelled(doc, &words, names))
}

/// A valid document in which at least one user is in a team.
fn with_membership() -> impl Strategy<Value = DirectoryDoc> {
    directory_doc().prop_filter("some user is in a team", |doc| {
        doc.users.iter().any(|u| !u.teams.is_empty())
    })
}

/// A byte to write into JSON: often one that keeps a string or id valid,
/// often JSON punctuation, sometimes anything.
fn json_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => select(b"abcdefghijklmnopqrstuvwxyz0123456789_:".to_vec()),
        2 => select(b"{}[]\",. -\\".to_vec()),
        1 => any::<u8>(),
    ]
}

/// One edit of a byte string: replace, delete or insert at some position.
#[derive(Clone, Debug)]
enum Edit {
    Replace(Index, u8),
    Delete(Index),
    Insert(Index, u8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), json_byte()).prop_map(|(at, b)| Edit::Replace(at, b)),
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), json_byte()).prop_map(|(at, b)| Edit::Insert(at, b)),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    match edit {
        Edit::Replace(at, b) if !bytes.is_empty() => {
            let i = at.index(bytes.len());
            bytes[i] = *b;
        }
        Edit::Delete(at) if !bytes.is_empty() => {
            bytes.remove(at.index(bytes.len()));
        }
        Edit::Insert(at, b) => bytes.insert(at.index(bytes.len() + 1), *b),
        _ => {}
    }
}

/// Text made of JSON tokens the document format uses, so parsing gets past
/// the first byte more often than with raw bytes.
fn json_ish() -> impl Strategy<Value = Vec<u8>> {
    let tokens = vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "\"privileges\"",
        "\"roles\"",
        "\"teams\"",
        "\"users\"",
        "\"id\"",
        "\"name\"",
        "\"key\"",
        "\"description\"",
        "\"grants\"",
        "\"includes\"",
        "\"members\"",
        "\"e0:read\"",
        "\"r0\"",
        "\"t0\"",
        "\"u0\"",
        "\"\"",
        "\"organization\"",
        "\"none\"",
        "null",
        "0",
        "-1",
        "1e999",
        "true",
    ];
    vec(select(tokens), 0..48).prop_map(|parts| parts.concat().into_bytes())
}

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/// Loads a document the generators promise is valid.
#[track_caller]
fn load(doc: &DirectoryDoc) -> Directory {
    Directory::try_from(doc.clone())
        .unwrap_or_else(|e| panic!("generated document must load: {e}\n{doc:#?}"))
}

#[track_caller]
fn find_role<'d>(doc: &'d DirectoryDoc, id: &RoleId) -> &'d Role {
    doc.roles
        .iter()
        .find(|r| &r.id == id)
        .unwrap_or_else(|| panic!("role {id} is in the document"))
}

#[track_caller]
fn find_team<'d>(doc: &'d DirectoryDoc, id: &TeamId) -> &'d Team {
    doc.teams
        .iter()
        .find(|t| &t.id == id)
        .unwrap_or_else(|| panic!("team {id} is in the document"))
}

#[track_caller]
fn find_role_mut<'d>(doc: &'d mut DirectoryDoc, id: &RoleId) -> &'d mut Role {
    doc.roles
        .iter_mut()
        .find(|r| &r.id == id)
        .unwrap_or_else(|| panic!("role {id} is in the document"))
}

#[track_caller]
fn find_team_mut<'d>(doc: &'d mut DirectoryDoc, id: &TeamId) -> &'d mut Team {
    doc.teams
        .iter_mut()
        .find(|t| &t.id == id)
        .unwrap_or_else(|| panic!("team {id} is in the document"))
}

#[track_caller]
fn find_user_mut<'d>(doc: &'d mut DirectoryDoc, id: &UserId) -> &'d mut User {
    doc.users
        .iter_mut()
        .find(|u| &u.id == id)
        .unwrap_or_else(|| panic!("user {id} is in the document"))
}

/// `root` and every role it includes, directly or further down.
#[track_caller]
fn reachable(doc: &DirectoryDoc, root: &RoleId) -> BTreeSet<RoleId> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![root.clone()];
    while let Some(id) = stack.pop() {
        if seen.insert(id.clone()) {
            stack.extend(find_role(doc, &id).includes.iter().cloned());
        }
    }
    seen
}

/// Every user × privilege level the store answers, keyed by ids.
fn all_levels(
    doc: &DirectoryDoc,
    store: &MemoryStore,
) -> Result<BTreeMap<(UserId, Privilege), AccessLevel>, TestCaseError> {
    let mut levels = BTreeMap::new();
    for user in &doc.users {
        for key in keys(doc) {
            let level = privilege_level(store, &user.id, key)?;
            levels.insert((user.id.clone(), key.clone()), level);
        }
    }
    Ok(levels)
}

/// Every user × privilege explanation the store answers, keyed by ids.
fn all_routes(
    doc: &DirectoryDoc,
    store: &MemoryStore,
) -> Result<BTreeMap<(UserId, Privilege), Vec<Route>>, TestCaseError> {
    let mut all = BTreeMap::new();
    for user in &doc.users {
        for key in keys(doc) {
            let routes = explain_privilege(store, &user.id, key)?;
            all.insert((user.id.clone(), key.clone()), routes);
        }
    }
    Ok(all)
}

// ---------------------------------------------------------------------------
// The naive reference resolver
// ---------------------------------------------------------------------------

/// A route as plain data, in the order explanations are sorted: granting
/// role, holding, chain, level and the number of other paths.
type RouteRow = (RoleId, Holding, Vec<RoleId>, AccessLevel, u64);

/// What a role's own grants give `key`: System Administrator holds every
/// privilege at organization level.
fn grant(doc: &DirectoryDoc, role: &RoleId, key: &Privilege) -> Option<AccessLevel> {
    if role.as_str() == "system-administrator" {
        return Some(AccessLevel::Organization);
    }
    find_role(doc, role).grants.get(key).copied()
}

/// What the reference resolver works out for one user, from the document
/// alone.
struct Reference {
    /// Roles held before inclusion, with how and in which unit: direct
    /// roles, then team roles; each once.
    roots: Vec<(Holding, RoleId, Option<BusinessUnitId>)>,
    /// Every role held, closed over inclusion by fixpoint.
    held: BTreeSet<RoleId>,
    /// Per root: every inclusion path from it, enumerated.
    paths: Vec<Vec<Vec<RoleId>>>,
}

impl Reference {
    #[track_caller]
    fn new(doc: &DirectoryDoc, user: &User) -> Self {
        let mut roots: Vec<(Holding, RoleId, Option<BusinessUnitId>)> = user
            .roles
            .iter()
            .map(|a| {
                let unit = a
                    .business_unit
                    .clone()
                    .or_else(|| user.business_unit.clone());
                (Holding::Direct, a.role.clone(), unit)
            })
            .collect();
        for t in &user.teams {
            let team = find_team(doc, t);
            roots.extend(team.roles.iter().map(|r| {
                (
                    Holding::Team(t.clone()),
                    r.clone(),
                    team.business_unit.clone(),
                )
            }));
        }
        roots.sort();
        roots.dedup();
        let mut held: BTreeSet<RoleId> = roots.iter().map(|(_, r, _)| r.clone()).collect();
        loop {
            let more: Vec<RoleId> = held
                .iter()
                .flat_map(|r| find_role(doc, r).includes.iter())
                .filter(|r| !held.contains(*r))
                .cloned()
                .collect();
            if more.is_empty() {
                break;
            }
            held.extend(more);
        }
        let paths = roots
            .iter()
            .map(|(_, root, _)| every_path(doc, root))
            .collect();
        Self { roots, held, paths }
    }

    /// The highest level any held role grants `key`.
    fn level(&self, doc: &DirectoryDoc, key: &Privilege) -> AccessLevel {
        self.held
            .iter()
            .filter_map(|r| grant(doc, r, key))
            .max()
            .unwrap_or(AccessLevel::None)
    }

    /// One row per granting role: of every (holding, path) reaching it,
    /// the shortest path, ties going to the first holding, then the
    /// smaller ids along the path; with the number of the others.
    fn routes(&self, doc: &DirectoryDoc, key: &Privilege) -> Vec<RouteRow> {
        // Per granting role: (length, holding, path) of every way to it.
        type Way<'a> = (usize, &'a Holding, &'a Vec<RoleId>);
        let mut candidates: BTreeMap<RoleId, Vec<Way<'_>>> = BTreeMap::new();
        for ((holding, _, _), paths) in self.roots.iter().zip(&self.paths) {
            for path in paths {
                let end = path.last().unwrap();
                if grant(doc, end, key).is_some_and(|l| l > AccessLevel::None) {
                    candidates
                        .entry(end.clone())
                        .or_default()
                        .push((path.len(), holding, path));
                }
            }
        }
        candidates
            .into_iter()
            .map(|(role, mut found)| {
                found.sort();
                let (_, holding, path) = found[0];
                let level = grant(doc, &role, key).unwrap();
                let others = found.len() as u64 - 1;
                (role, holding.clone(), path.clone(), level, others)
            })
            .collect()
    }
}

/// Every inclusion path from `root` (the generated graphs are acyclic).
fn every_path(doc: &DirectoryDoc, root: &RoleId) -> Vec<Vec<RoleId>> {
    let mut found = Vec::new();
    let mut stack = vec![vec![root.clone()]];
    while let Some(path) = stack.pop() {
        let end = path.last().unwrap().clone();
        for next in &find_role(doc, &end).includes {
            if !path.contains(next) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
        found.push(path);
    }
    found
}

/// A route the crate gave is well formed against the document itself.
fn check_route(
    doc: &DirectoryDoc,
    user: &User,
    key: &Privilege,
    route: &Route,
) -> Result<(), TestCaseError> {
    let Some(first) = route.chain.first() else {
        return Err(TestCaseError::fail(format!("empty chain in {route:?}")));
    };
    match &route.holding {
        Holding::Direct => prop_assert!(
            user.holds_directly(first),
            "{} does not hold {} directly: {:?}",
            user.id,
            first,
            route
        ),
        Holding::Team(t) => {
            prop_assert!(user.teams.contains(t), "{} is not in {}", user.id, t);
            let team = find_team(doc, t);
            prop_assert!(team.members.contains(&user.id));
            prop_assert!(
                team.roles.contains(first),
                "team {} does not hold {}: {:?}",
                t,
                first,
                route
            );
        }
        other => {
            return Err(TestCaseError::fail(format!("unexpected holding {other:?}")));
        }
    }
    for pair in route.chain.to_vec().windows(2) {
        prop_assert!(
            find_role(doc, &pair[0]).includes.contains(&pair[1]),
            "{} does not include {}: {:?}",
            pair[0],
            pair[1],
            route
        );
    }
    prop_assert_eq!(route.chain.last(), Some(&route.role));
    prop_assert!(route.level > AccessLevel::None, "{:?}", route);
    prop_assert_eq!(grant(doc, &route.role, key), Some(route.level));
    Ok(())
}

/// Law 2: for every user × privilege the store agrees with the reference.
fn check_resolution(doc: &DirectoryDoc, store: &MemoryStore) -> Result<(), TestCaseError> {
    for user in &doc.users {
        let reference = Reference::new(doc, user);
        for key in keys(doc) {
            let level = privilege_level(store, &user.id, key)?;
            prop_assert_eq!(
                level,
                reference.level(doc, key),
                "level of {} for {}",
                key,
                user.id
            );
            prop_assert_eq!(
                has_privilege(store, &user.id, key)?,
                level > AccessLevel::None
            );

            let routes = explain_privilege(store, &user.id, key)?;
            prop_assert_eq!(!routes.is_empty(), level > AccessLevel::None);
            let top = routes.iter().map(|r| r.level).max();
            prop_assert_eq!(top.unwrap_or(AccessLevel::None), level);
            for route in &routes {
                check_route(doc, user, key, route)?;
            }
            let rows: Vec<RouteRow> = routes
                .iter()
                .map(|r| {
                    (
                        r.role.clone(),
                        r.holding.clone(),
                        r.chain.to_vec(),
                        r.level,
                        r.other_paths,
                    )
                })
                .collect();
            prop_assert_eq!(
                rows,
                reference.routes(doc, key),
                "routes of {} for {}",
                key,
                user.id
            );
        }
    }
    Ok(())
}

/// Law 5 for a directory that loaded: JSON round trips exactly.
fn check_round_trip(directory: &Directory) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(directory)?;
    let again: Directory = serde_json::from_str(&json)?;
    prop_assert_eq!(&again, directory);
    prop_assert_eq!(serde_json::to_string(&again)?, json);
    Ok(())
}

/// Law 4 for `grown`, which is `doc` with one more role held or included:
/// the users in `grew` lose no level, every other user keeps every level, and
/// the grown store still agrees with the reference.
#[track_caller]
fn check_growth(
    doc: &DirectoryDoc,
    grown: &DirectoryDoc,
    grew: &BTreeSet<UserId>,
    change: &str,
) -> Result<(), TestCaseError> {
    let before = all_levels(doc, &MemoryStore::new(load(doc)))?;
    let grown_store = MemoryStore::new(load(grown));
    let after = all_levels(grown, &grown_store)?;
    prop_assert_eq!(before.len(), after.len());
    for ((u, key), level) in &before {
        let now = after[&(u.clone(), key.clone())];
        if grew.contains(u) {
            prop_assert!(
                now >= *level,
                "{} lost {} ({:?} -> {:?}) on {}",
                u,
                key,
                level,
                now,
                change
            );
        } else {
            prop_assert_eq!(now, *level, "{} changed {} on {}", u, key, change);
        }
    }
    check_resolution(grown, &grown_store)
}

/// Law 5 for a valid document: the directory and the document round-trip
/// through JSON exactly, both serialise to the same bytes, and the reloaded
/// directory answers every user × privilege as before, like the reference.
#[track_caller]
fn check_json_laws(doc: &DirectoryDoc) -> Result<(), TestCaseError> {
    let directory = load(doc);
    check_round_trip(&directory)?;

    let json = serde_json::to_string(&directory)?;
    prop_assert_eq!(&json, &serde_json::to_string(doc)?);
    let doc_again: DirectoryDoc = serde_json::from_str(&json)?;
    prop_assert_eq!(&doc_again, doc);
    prop_assert_eq!(&DirectoryDoc::from(directory.clone()), doc);

    let again: Directory = serde_json::from_str(&json)?;
    let store = MemoryStore::new(directory);
    let again_store = MemoryStore::new(again);
    prop_assert_eq!(all_levels(doc, &store)?, all_levels(doc, &again_store)?);
    check_resolution(doc, &again_store)
}

/// Hostile input: parsing never panics, both paths agree, and anything that
/// loads round-trips and answers like the reference.
fn check_hostile(bytes: &[u8]) -> Result<(), TestCaseError> {
    let direct = serde_json::from_slice::<Directory>(bytes);
    let via_doc = serde_json::from_slice::<DirectoryDoc>(bytes)
        .ok()
        .map(Directory::try_from);
    match (direct, via_doc) {
        (Ok(directory), Some(Ok(checked))) => {
            prop_assert_eq!(&directory, &checked);
            check_round_trip(&directory)?;
            let doc = DirectoryDoc::from(directory.clone());
            check_resolution(&doc, &MemoryStore::new(directory))?;
        }
        (Err(_), None | Some(Err(_))) => {}
        (direct, via_doc) => {
            return Err(TestCaseError::fail(format!(
                "Directory and DirectoryDoc + try_from disagree: {direct:?} vs {via_doc:?}"
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Laws
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Law 2: the crate agrees with the naive reference resolver on every
    /// user × privilege, and every explanation route is well formed.
    #[test]
    fn resolution_matches_reference(doc in directory_doc()) {
        let store = MemoryStore::new(load(&doc));
        check_resolution(&doc, &store)?;
    }

    /// Law 3: permuting every list in the document changes no answer.
    #[test]
    fn answers_ignore_list_order(
        (doc, mixed) in directory_doc().prop_flat_map(|doc| (Just(doc.clone()), shuffled(doc)))
    ) {
        let store = MemoryStore::new(load(&doc));
        let mixed_store = MemoryStore::new(load(&mixed));
        prop_assert_eq!(all_levels(&doc, &store)?, all_levels(&doc, &mixed_store)?);
        prop_assert_eq!(all_routes(&doc, &store)?, all_routes(&doc, &mixed_store)?);
        check_resolution(&mixed, &mixed_store)?;
    }

    /// Law 4: giving a user one more role never lowers any of their levels,
    /// and leaves every other user's levels alone.
    #[test]
    fn adding_a_role_never_lowers_a_level(doc in directory_doc(), pick in any::<Index>()) {
        let missing: Vec<(UserId, RoleId)> = doc
            .users
            .iter()
            .flat_map(|u| {
                doc.roles
                    .iter()
                    .filter(|r| !u.holds_directly(&r.id))
                    .map(|r| (u.id.clone(), r.id.clone()))
            })
            .collect();
        // Only when every user already holds every role, which is rare.
        prop_assume!(!missing.is_empty());
        let (user_id, added) = missing[pick.index(missing.len())].clone();

        let mut grown = doc.clone();
        find_user_mut(&mut grown, &user_id)
            .roles
            .push(RoleAssignment::new(added.clone()));
        let change = format!("{user_id} gaining {added}");
        check_growth(&doc, &grown, &BTreeSet::from([user_id]), &change)?;
    }

    /// Law 4: giving a team one more role never lowers any member's levels,
    /// and leaves every non-member's levels alone.
    #[test]
    fn adding_a_team_role_never_lowers_a_level(doc in with_membership(), pick in any::<Index>()) {
        let missing: Vec<(TeamId, RoleId)> = doc
            .teams
            .iter()
            .flat_map(|t| {
                doc.roles
                    .iter()
                    .filter(|r| !t.roles.contains(&r.id))
                    .map(|r| (t.id.clone(), r.id.clone()))
            })
            .collect();
        // Only when every team already holds every role.
        prop_assume!(!missing.is_empty());
        let (team_id, added) = missing[pick.index(missing.len())].clone();

        let mut grown = doc.clone();
        let team = find_team_mut(&mut grown, &team_id);
        team.roles.push(added.clone());
        let members: BTreeSet<UserId> = team.members.iter().cloned().collect();
        let change = format!("team {team_id} gaining {added}");
        check_growth(&doc, &grown, &members, &change)?;
    }

    /// Law 4: making a role include one more role (keeping inclusion acyclic)
    /// never lowers any user's levels, and leaves the levels of users who
    /// don't hold the including role alone.
    #[test]
    fn adding_an_inclusion_never_lowers_a_level(doc in directory_doc(), pick in any::<Index>()) {
        // (a, b) such that a doesn't include b yet and b doesn't reach a, so
        // a -> b closes no cycle. The generator only draws edges to lower
        // indices; these may also go up.
        let candidates: Vec<(RoleId, RoleId)> = doc
            .roles
            .iter()
            .flat_map(|b| {
                let below_b = reachable(&doc, &b.id);
                doc.roles
                    .iter()
                    .filter(move |a| !below_b.contains(&a.id) && !a.includes.contains(&b.id))
                    .map(|a| (a.id.clone(), b.id.clone()))
            })
            .collect();
        // Only when there is one role, or every role already includes every
        // role it may.
        prop_assume!(!candidates.is_empty());
        let (including, included) = candidates[pick.index(candidates.len())].clone();

        let holders: BTreeSet<UserId> = doc
            .users
            .iter()
            .filter(|u| Reference::new(&doc, u).held.contains(&including))
            .map(|u| u.id.clone())
            .collect();
        let mut grown = doc.clone();
        find_role_mut(&mut grown, &including).includes.push(included.clone());
        let change = format!("{including} including {included}");
        check_growth(&doc, &grown, &holders, &change)?;
    }

    /// Law 7: leaving a team (both sides) removes exactly the routes held
    /// through that team, so what came only from it goes away.
    #[test]
    fn leaving_a_team_drops_its_routes(doc in with_membership(), pick in any::<Index>()) {
        let memberships: Vec<(UserId, TeamId)> = doc
            .users
            .iter()
            .flat_map(|u| u.teams.iter().map(move |t| (u.id.clone(), t.clone())))
            .collect();
        let (user_id, team_id) = memberships[pick.index(memberships.len())].clone();

        let mut left = doc.clone();
        find_user_mut(&mut left, &user_id).teams.retain(|t| t != &team_id);
        for team in left.teams.iter_mut().filter(|t| t.id == team_id) {
            team.members.retain(|u| u != &user_id);
        }
        let store = MemoryStore::new(load(&doc));
        let left_store = MemoryStore::new(load(&left));
        let user = left.users.iter().find(|u| u.id == user_id).unwrap();
        let reference = Reference::new(&left, user);
        let via_team = Holding::Team(team_id.clone());

        for key in keys(&doc) {
            let before = explain_privilege(&store, &user_id, key)?;
            let after = explain_privilege(&left_store, &user_id, key)?;
            let level = privilege_level(&left_store, &user_id, key)?;
            prop_assert_eq!(
                level,
                reference.level(&left, key),
                "{} after {} left {}",
                key, user_id, team_id
            );
            // Nothing comes through the team any more, nothing new comes,
            // and no role is reached in more ways than before.
            prop_assert!(after.iter().all(|r| r.holding != via_team));
            for route in &after {
                let was = before.iter().find(|b| b.role == route.role);
                prop_assert!(was.is_some(), "{} is new after leaving: {:?}", route.role, route);
                prop_assert!(was.is_some_and(|b| b.other_paths >= route.other_paths));
            }
            // A role reached only through the team is gone.
            for route in before.iter().filter(|r| r.holding == via_team && r.other_paths == 0) {
                prop_assert!(after.iter().all(|a| a.role != route.role));
            }
        }
        check_resolution(&left, &left_store)?;
    }

    /// Law 5: JSON round trips of Directory and DirectoryDoc are exact.
    #[test]
    fn json_round_trip(doc in directory_doc()) {
        check_json_laws(&doc)?;
    }

    /// Law 5 with unusual ids and names: unicode, quotes, backslashes,
    /// spaces, control characters and emoji all round-trip exactly.
    #[test]
    fn json_round_trip_with_unusual_text(doc in unusual_doc()) {
        check_json_laws(&doc)?;
    }

    /// Law 6: valid JSON with a few byte edits never makes loading panic.
    #[test]
    fn mutated_json_never_panics(
        doc in directory_doc(),
        edits in vec(edit(), 1..=4),
    ) {
        let mut bytes = serde_json::to_vec(&doc)?;
        for e in &edits {
            apply(&mut bytes, e);
        }
        check_hostile(&bytes)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Law 6: arbitrary bytes never make loading panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..256)) {
        check_hostile(&bytes)?;
    }

    /// Law 6: strings of document tokens never make loading panic.
    #[test]
    fn json_token_soup_never_panics(bytes in json_ish()) {
        check_hostile(&bytes)?;
    }
}
