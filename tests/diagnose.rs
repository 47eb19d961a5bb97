//! Diagnostics: each code with a user that triggers it and one that doesn't,
//! and, on generated directories, answers that don't depend on list order
//! and never panic.
// Tests opt out of the library's panic-free lints.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use rbac_profiles::testkit::strategies::shuffled;
use rbac_profiles::{
    AccessLevel, AdminOp, Diagnostic, DiagnosticCode, Directory, DirectoryDoc, Error, MemoryStore,
    Privilege, Profile, Role, RoleId, Severity, Team, TeamId, User, UserId, administer_all,
    catalog,
};

/// `diagnose` over a memory store holding `directory`.
fn diagnose(directory: &Directory) -> Vec<Diagnostic> {
    rbac_profiles::diagnose(&MemoryStore::new(directory.clone())).unwrap()
}

/// `diagnose_user` over a memory store holding `directory`.
fn diagnose_user(
    directory: &Directory,
    user: impl rbac_profiles::AsId<UserId>,
) -> Result<Vec<Diagnostic>, Error> {
    rbac_profiles::diagnose_user(&MemoryStore::new(directory.clone()), user)
}

fn key(text: &str) -> Privilege {
    Privilege::new(text).unwrap()
}

/// The built-in catalogue without its out-of-box profile (so no profile
/// diagnostics), custom roles `auditor` (case read, business
/// unit), `auditor-csr` (same, including Customer Service Representative),
/// `off-auditor` (case read at level none) and `super-agent` (includes
/// Omnichannel agent), a team `api` holding Omnichannel API access and a
/// team `basics` holding Basic User, and `users`.
#[track_caller]
fn directory(users: Vec<User>) -> Directory {
    let mut teams = vec![
        Team::new("api", "API").with_role("omnichannel-api-access"),
        Team::new("basics", "Basics").with_role("basic-user"),
    ];
    for user in &users {
        for team in &user.teams {
            let team = teams.iter_mut().find(|t| &t.id == team).unwrap();
            team.members.push(user.id.clone());
        }
    }
    let org = DirectoryDoc {
        roles: vec![
            Role::new("auditor", "").with_grant(key("case:read"), AccessLevel::BusinessUnit),
            Role::new("auditor-csr", "")
                .with_grant(key("case:read"), AccessLevel::BusinessUnit)
                .with_include("customer-service-representative"),
            Role::new("off-auditor", "").with_grant(key("case:read"), AccessLevel::None),
            Role::new("super-agent", "").with_include("omnichannel-agent"),
        ],
        teams,
        users,
        ..DirectoryDoc::default()
    };
    let mut doc = DirectoryDoc::builtin();
    doc.profiles.clear();
    doc.extend(org);
    Directory::try_from(doc).unwrap()
}

fn user(id: &str, roles: &[&str]) -> User {
    let mut user = User::new(id, "");
    user.roles = roles
        .iter()
        .map(|r| rbac_profiles::RoleAssignment::from(*r))
        .collect();
    user
}

const SEED004: &str = include_str!("../examples/data/seed004.json");
const SEED004_OPS: &str = include_str!("../examples/data/seed004_ops.json");

/// The seed 004 scenario, built by its administrator.
fn seed004() -> Directory {
    let org: DirectoryDoc = serde_json::from_str(SEED004).unwrap();
    let mut store = MemoryStore::new(Directory::builtin_with(org).unwrap());
    let ops: Vec<AdminOp> = serde_json::from_str(SEED004_OPS).unwrap();
    administer_all(&mut store, "avery-admin", &ops).unwrap();
    store.into_directory()
}

/// The diagnostics of one code, as `user: message` lines (`-` for the
/// directory).
fn of_code(directory: &Directory, code: DiagnosticCode) -> Vec<String> {
    diagnose(directory)
        .iter()
        .filter(|d| d.code == code)
        .map(|d| {
            let user = d.user.as_ref().map_or("-", |u| u.as_str());
            format!("{user}: {}", d.message)
        })
        .collect()
}

#[test]
fn profile_unreadable() {
    // Kayla holds Basic User only: she gets Datum Supervisor but can't read
    // it. Nora holds no role at all (not a suite user yet); the others
    // hold App profile user's or the manager's privileges.
    assert_eq!(
        of_code(&seed004(), DiagnosticCode::ProfileUnreadable),
        [
            r#"kayla-lewis: user "kayla-lewis" gets profile "datum-supervisor" but cannot read it: no role of theirs grants "app_profile:read""#
        ]
    );
    assert_eq!(
        DiagnosticCode::ProfileUnreadable.severity(),
        Severity::Error
    );
    // Without profiles there is nothing to read.
    assert!(only(vec![user("a", &["basic-user"])]).is_empty());
}

#[test]
fn team_role_for_profile() {
    // Tess is a supervisor only through her team, and the supervisor role
    // maps Contoso Supervisor; Sam and John hold it directly.
    assert_eq!(
        of_code(&seed004(), DiagnosticCode::TeamRoleForProfile),
        [
            r#"tess-team: user "tess-team" holds role "omnichannel-supervisor", which maps profile "contoso-supervisor", only through team "night-supervisors"; team roles never map profiles"#
        ]
    );
    assert_eq!(
        DiagnosticCode::TeamRoleForProfile.severity(),
        Severity::Warning
    );
}

#[test]
fn team_role_for_profile_follows_inclusions_and_unreadable_covers_direct_users() {
    let mut doc: DirectoryDoc = serde_json::from_str(SEED004).unwrap();
    // Nora, with no role, is directly assigned; Alex's team role includes
    // the supervisor role that ranks.
    doc.roles
        .push(Role::new("lead", "Lead").with_include("omnichannel-supervisor"));
    doc.teams.push(
        Team::new("leads", "Leads")
            .with_role("lead")
            .with_member("alex-agent"),
    );
    doc.users
        .iter_mut()
        .find(|u| u.id.as_str() == "alex-agent")
        .unwrap()
        .teams
        .push("leads".into());
    doc.profiles = vec![
        Profile::new("sup", "Supervisors")
            .with_rank(1)
            .with_role("omnichannel-supervisor"),
        Profile::new("direct", "Direct").with_user("nora-none"),
    ];
    let directory = Directory::builtin_with(doc).unwrap();
    assert_eq!(
        of_code(&directory, DiagnosticCode::TeamRoleForProfile),
        [
            r#"alex-agent: user "alex-agent" holds role "omnichannel-supervisor", which maps profile "sup", only through team "leads"; team roles never map profiles"#,
            r#"tess-team: user "tess-team" holds role "omnichannel-supervisor", which maps profile "sup", only through team "night-supervisors"; team roles never map profiles"#,
        ]
    );
    let unreadable = of_code(&directory, DiagnosticCode::ProfileUnreadable);
    assert!(
        unreadable.iter().any(|d| d.starts_with("nora-none: ")),
        "{unreadable:?}"
    );
}

/// The false alarm a newcomer met: a team role mapping a profile that could
/// never beat the one the user gets is not worth a warning.
#[test]
fn team_role_for_profile_only_when_the_profile_would_win() {
    let directory = directory_with(
        vec![
            Profile::new("top", "Top")
                .with_rank(1)
                .with_role("omnichannel-agent"),
            Profile::new("low", "Low")
                .with_rank(5)
                .with_role("omnichannel-supervisor"),
            Profile::new("mine", "Mine").with_user("direct"),
        ],
        vec![
            // Gets "top" (rank 1) directly: "low" (rank 5) could never win.
            user("agent", &["basic-user", "omnichannel-agent"]).with_team("sup"),
            // Directly assigned: no ranked profile could win.
            user("direct", &["basic-user"]).with_team("sup"),
            // Gets the fallback: "low" would win if the role were direct.
            user("nobody", &["basic-user"]).with_team("sup"),
        ],
        vec![
            Team::new("sup", "Supervisors")
                .with_role("omnichannel-supervisor")
                .with_member("agent")
                .with_member("direct")
                .with_member("nobody"),
        ],
    );
    assert_eq!(
        of_code(&directory, DiagnosticCode::TeamRoleForProfile),
        [
            r#"nobody: user "nobody" holds role "omnichannel-supervisor", which maps profile "low", only through team "sup"; team roles never map profiles"#
        ]
    );
    // A better-ranked team-mapped profile is still worth the warning.
    let directory = directory_with(
        vec![
            Profile::new("top", "Top")
                .with_rank(1)
                .with_role("omnichannel-supervisor"),
            Profile::new("low", "Low")
                .with_rank(5)
                .with_role("omnichannel-agent"),
        ],
        vec![user("agent", &["basic-user", "omnichannel-agent"]).with_team("sup")],
        vec![
            Team::new("sup", "Supervisors")
                .with_role("omnichannel-supervisor")
                .with_member("agent"),
        ],
    );
    assert_eq!(
        of_code(&directory, DiagnosticCode::TeamRoleForProfile),
        [
            r#"agent: user "agent" holds role "omnichannel-supervisor", which maps profile "top", only through team "sup"; team roles never map profiles"#
        ]
    );
}

/// Several teams reaching the same role name the smallest team id, and
/// the findings come in role id order, whatever the order of the teams
/// and of their roles; a role a team role includes counts too.
#[test]
fn team_role_for_profile_names_the_smallest_team_and_goes_in_role_order() {
    let directory = Directory::builtin_with(DirectoryDoc {
        profiles: vec![
            Profile::new("px", "X").with_rank(1).with_role("x-role"),
            Profile::new("py", "Y").with_rank(2).with_role("y-role"),
            Profile::new("pz", "Z").with_rank(3).with_role("z-role"),
        ],
        users: vec![
            user("u", &["basic-user"])
                .with_team("b-team")
                .with_team("a-team"),
        ],
        teams: vec![
            Team::new("b-team", "B")
                .with_role("z-lead")
                .with_role("x-role")
                .with_member("u"),
            Team::new("a-team", "A")
                .with_role("x-role")
                .with_member("u"),
        ],
        roles: vec![
            Role::new("x-role", "X"),
            Role::new("y-role", "Y"),
            Role::new("z-role", "Z"),
            Role::new("z-lead", "Z lead")
                .with_include("y-role")
                .with_include("z-role"),
        ],
        ..DirectoryDoc::default()
    })
    .unwrap();
    let message = |role: &str, profile: &str, team: &str| {
        format!(
            r#"u: user "u" holds role "{role}", which maps profile "{profile}", only through team "{team}"; team roles never map profiles"#
        )
    };
    assert_eq!(
        of_code(&directory, DiagnosticCode::TeamRoleForProfile),
        [
            message("x-role", "px", "a-team"),
            message("y-role", "py", "b-team"),
            message("z-role", "pz", "b-team"),
        ]
    );
}

fn directory_with(profiles: Vec<Profile>, users: Vec<User>, teams: Vec<Team>) -> Directory {
    Directory::builtin_with(DirectoryDoc {
        profiles,
        users,
        teams,
        ..DirectoryDoc::default()
    })
    .unwrap()
}

#[test]
fn duplicate_rank_and_multiple_defaults() {
    assert!(of_code(&seed004(), DiagnosticCode::DuplicateRank).is_empty());
    assert!(of_code(&seed004(), DiagnosticCode::MultipleDefaults).is_empty());
    let mut doc: DirectoryDoc = serde_json::from_str(SEED004).unwrap();
    doc.profiles = vec![
        Profile::new("b", "B")
            .with_rank(1)
            .with_role("omnichannel-agent"),
        Profile::new("a", "A")
            .with_rank(1)
            .with_role("omnichannel-supervisor"),
        Profile::new("y", "Y").as_default(),
        Profile::new("x", "X").as_default(),
    ];
    let directory = Directory::builtin_with(doc).unwrap();
    assert_eq!(
        of_code(&directory, DiagnosticCode::DuplicateRank),
        [r#"-: profiles "a", "b" share rank 1; "a" wins for users holding roles of several"#]
    );
    assert_eq!(
        of_code(&directory, DiagnosticCode::MultipleDefaults),
        [r#"-: profiles "x", "y" are all marked default; "x" is the one that applies"#]
    );
    // Findings about the directory come first.
    let all = diagnose(&directory);
    assert_eq!(all[0].code, DiagnosticCode::DuplicateRank);
    assert_eq!(all[1].code, DiagnosticCode::MultipleDefaults);
    assert!(all[2..].iter().all(|d| d.user.is_some()));
}

/// The codes found for each user, as `user code` lines.
fn codes(directory: &Directory) -> Vec<String> {
    diagnose(directory)
        .iter()
        .map(|d| format!("{} {}", d.user.as_ref().unwrap(), d.code))
        .collect()
}

#[track_caller]
fn only(users: Vec<User>) -> Vec<String> {
    codes(&directory(users))
}

#[test]
fn missing_basic_user() {
    assert_eq!(
        only(vec![user("a", &["omnichannel-agent"])]),
        ["a missing-basic-user"]
    );
    // No roles at all: not a user of the suite yet.
    assert!(only(vec![user("none", &[])]).is_empty());
    assert!(only(vec![user("b", &["basic-user", "omnichannel-agent"])]).is_empty());
    // Basic User through a team counts.
    assert!(only(vec![user("c", &["omnichannel-agent"]).with_team("basics")]).is_empty());

    let found = diagnose(&directory(vec![user("a", &["omnichannel-agent"])]));
    assert_eq!(found[0].severity, Severity::Error);
    assert_eq!(
        found[0].message,
        r#"user "a" holds security roles but not "basic-user", which every user of the suite needs"#
    );
}

#[test]
fn admin_without_system_admin() {
    let found = diagnose(&directory(vec![user(
        "a",
        &["basic-user", "omnichannel-administrator"],
    )]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, DiagnosticCode::AdminWithoutSystemAdmin);
    assert_eq!(found[0].code.as_str(), "admin-without-system-admin");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(
        found[0].message,
        r#"user "a" holds "omnichannel-administrator" without "system-administrator", so they cannot manage user roles and privileges"#
    );
    assert!(
        only(vec![user(
            "b",
            &[
                "basic-user",
                "omnichannel-administrator",
                "system-administrator"
            ]
        )])
        .is_empty()
    );
}

#[test]
fn api_access_on_agent() {
    for agent_role in [
        "omnichannel-agent",
        "omnichannel-supervisor",
        "customer-service-representative",
        "super-agent",
    ] {
        assert_eq!(
            only(vec![
                user("a", &["basic-user", agent_role]).with_team("api")
            ]),
            ["a api-access-on-agent"],
            "{agent_role}"
        );
    }
    let found = diagnose(&directory(vec![user(
        "a",
        &[
            "basic-user",
            "omnichannel-api-access",
            "omnichannel-supervisor",
            "omnichannel-agent",
        ],
    )]));
    assert_eq!(found[0].severity, Severity::Error);
    assert_eq!(
        found[0].message,
        r#"user "a" holds "omnichannel-api-access" and the agent or supervisor roles "omnichannel-agent", "omnichannel-supervisor""#
    );
    assert!(only(vec![user("b", &["basic-user", "omnichannel-api-access"])]).is_empty());
    assert!(
        only(vec![user(
            "c",
            &[
                "basic-user",
                "omnichannel-api-access",
                "omnichannel-administrator",
                "system-administrator"
            ]
        )])
        .is_empty()
    );
}

#[test]
fn case_needs_csr() {
    let found = diagnose(&directory(vec![user("a", &["basic-user", "auditor"])]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].code, DiagnosticCode::CaseNeedsCsr);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(
        found[0].message,
        r#"user "a" holds case privileges through custom role "auditor" but not "customer-service-representative", which working with cases needs"#
    );
    // With the representative role, directly or through an included role.
    assert!(
        only(vec![user(
            "b",
            &["basic-user", "auditor", "customer-service-representative"]
        )])
        .is_empty()
    );
    assert!(only(vec![user("c", &["basic-user", "auditor-csr"])]).is_empty());
    // A grant at level none is no privilege; built-in roles don't count.
    assert!(only(vec![user("d", &["basic-user", "off-auditor"])]).is_empty());
    assert!(only(vec![user("e", &["basic-user", "customer-service-manager"])]).is_empty());
}

#[test]
fn diagnostics_are_sorted_by_user_then_code_and_serialize_with_their_codes() {
    let directory = directory(vec![
        user("z", &["omnichannel-administrator", "auditor"]),
        user("m", &["omnichannel-agent"]).with_team("api"),
    ]);
    assert_eq!(
        codes(&directory),
        [
            "m api-access-on-agent",
            "m missing-basic-user",
            "z admin-without-system-admin",
            "z case-needs-csr",
            "z missing-basic-user",
        ]
    );
    let found = diagnose_user(&directory, "z").unwrap();
    assert_eq!(found.len(), 3);
    assert_eq!(
        found[0].to_string(),
        r#"warning[admin-without-system-admin]: user "z" holds "omnichannel-administrator" without "system-administrator", so they cannot manage user roles and privileges"#
    );
    let json = serde_json::to_value(&found[2]).unwrap();
    assert_eq!(json["code"], "missing-basic-user");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["user"], "z");
    let back: Diagnostic = serde_json::from_value(json).unwrap();
    assert_eq!(back, found[2]);

    let err = diagnose_user(&directory, "nobody").unwrap_err();
    assert!(matches!(err, Error::UnknownUser { .. }));
    assert!(diagnose(&Directory::builtin()).is_empty());
}

// ---------------------------------------------------------------------------
// Laws
// ---------------------------------------------------------------------------

fn subset<T: Clone + std::fmt::Debug + 'static>(items: Vec<T>) -> impl Strategy<Value = Vec<T>> {
    let n = items.len();
    vec(prop::bool::weighted(0.25), n).prop_map(move |bits| {
        items
            .iter()
            .zip(bits)
            .filter(|(_, picked)| *picked)
            .map(|(item, _)| item.clone())
            .collect()
    })
}

/// The built-in catalogue plus up to 3 custom roles (granting case and bot
/// privileges at any level, including built-in roles and lower custom
/// ones), up to 3 teams and up to 8 users over all of them.
fn org_doc() -> impl Strategy<Value = DirectoryDoc> {
    let builtin: Vec<String> = catalog::ROLE_IDS.iter().map(|r| r.to_string()).collect();
    (0..=3usize, 0..=3usize, 1..=8usize).prop_flat_map(move |(nc, nt, nu)| {
        let custom: Vec<String> = (0..nc).map(|i| format!("c{i}")).collect();
        let all: Vec<String> = builtin.iter().chain(&custom).cloned().collect();
        let teams: Vec<String> = (0..nt).map(|i| format!("t{i}")).collect();
        let roles = (0..nc)
            .map(|i| {
                let includes: Vec<String> = builtin
                    .iter()
                    .chain(custom.iter().take(i))
                    .cloned()
                    .collect();
                (
                    subset(vec!["case:read", "case:write", "bot:create"]),
                    select(AccessLevel::ALL.to_vec()),
                    subset(includes),
                )
                    .prop_map(move |(keys, level, includes)| {
                        let mut role = Role::new(format!("c{i}"), "");
                        for k in keys {
                            role = role.with_grant(key(k), level);
                        }
                        role.includes = includes.into_iter().map(RoleId::from).collect();
                        role
                    })
            })
            .collect::<Vec<_>>();
        let team_roles = vec(subset(all.clone()), nt);
        let users = vec((subset(all.clone()), subset(teams.clone())), nu);
        // Two ranked profiles (sometimes sharing a rank), up to two defaults,
        // and a direct assignment.
        let profiles = (
            subset(all.clone()),
            subset(all.clone()),
            1..=2u32,
            any::<(bool, bool)>(),
            prop::option::of(0..nu),
        );
        (roles, team_roles, users, profiles).prop_map(|(roles, team_roles, users, profiles)| {
            let mut teams: Vec<Team> = team_roles
                .into_iter()
                .enumerate()
                .map(|(i, roles)| {
                    let mut team = Team::new(format!("t{i}"), "");
                    team.roles = roles.into_iter().map(RoleId::from).collect();
                    team
                })
                .collect();
            let users: Vec<User> = users
                .into_iter()
                .enumerate()
                .map(|(i, (roles, user_teams))| {
                    let mut user = User::new(format!("u{i}"), "");
                    user.roles = roles
                        .into_iter()
                        .map(rbac_profiles::RoleAssignment::from)
                        .collect();
                    user.teams = user_teams.into_iter().map(TeamId::from).collect();
                    for t in &user.teams {
                        teams
                            .iter_mut()
                            .find(|team| &team.id == t)
                            .unwrap()
                            .members
                            .push(user.id.clone());
                    }
                    user
                })
                .collect();
            let (first, second, second_rank, (d1, d2), direct) = profiles;
            let ranked = |id: &str, rank, roles: Vec<String>| {
                let mut profile = Profile::new(id, "").with_rank(rank);
                profile.roles = roles.into_iter().map(RoleId::from).collect();
                profile
            };
            let mut profiles = vec![ranked("p1", 1, first), ranked("p2", second_rank, second)];
            for (id, default) in [("d1", d1), ("d2", d2)] {
                let mut profile = Profile::new(id, "");
                profile.default = default;
                profiles.push(profile);
            }
            if let Some(user) = direct {
                profiles[2].users.push(UserId::from(format!("u{user}")));
            }
            let mut doc = DirectoryDoc::builtin();
            doc.extend(DirectoryDoc {
                roles,
                teams,
                users,
                profiles,
                ..DirectoryDoc::default()
            });
            doc
        })
    })
}

fn doc_and_shuffle() -> impl Strategy<Value = (DirectoryDoc, DirectoryDoc)> {
    org_doc().prop_flat_map(|doc| (Just(doc.clone()), shuffled(doc)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn diagnostics_do_not_depend_on_list_order((doc, shuffled) in doc_and_shuffle()) {
        let a = Directory::try_from(doc).unwrap();
        let b = Directory::try_from(shuffled).unwrap();
        prop_assert_eq!(diagnose(&a), diagnose(&b));
    }

    #[test]
    fn diagnose_is_the_conflicts_then_every_user_diagnosed_in_order(doc in org_doc()) {
        let directory = Directory::try_from(doc).unwrap();
        let all = diagnose(&directory);
        let key = |d: &Diagnostic| (d.user.clone(), d.code, d.message.clone());
        // Findings about the directory: one per conflict, first.
        let about_directory: Vec<&Diagnostic> = all.iter().filter(|d| d.user.is_none()).collect();
        prop_assert_eq!(about_directory.len(), directory.conflicts().len());
        let mut by_user: Vec<Diagnostic> = about_directory.into_iter().cloned().collect();
        for user in directory.users() {
            let found = diagnose_user(&directory, &user.id).unwrap();
            let keys: Vec<_> = found.iter().map(key).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            sorted.dedup();
            prop_assert_eq!(&keys, &sorted);
            prop_assert!(found.iter().all(|d| d.user.as_ref() == Some(&user.id)));
            prop_assert!(found.iter().all(|d| d.severity == d.code.severity()));
            by_user.extend(found);
        }
        by_user.sort_by_key(key);
        prop_assert_eq!(all, by_user);
    }

    #[test]
    fn diagnostics_never_panic_on_unusual_ids(doc in org_doc(), suffix in "(?s).{0,6}") {
        // Rename every user, wherever an id names them: any text is a valid
        // id, so every generated case loads, and renaming changes no
        // finding, only the ids in it.
        let before = diagnose(&Directory::try_from(doc.clone()).unwrap());
        let mut doc = doc;
        let rename = |id: &UserId| UserId::from(format!("{id}{suffix}"));
        for user in &mut doc.users {
            user.id = rename(&user.id);
        }
        for team in &mut doc.teams {
            team.members = team.members.iter().map(rename).collect();
        }
        for profile in &mut doc.profiles {
            profile.users = profile.users.iter().map(rename).collect();
        }
        let directory = Directory::try_from(doc).unwrap();
        let after = diagnose(&directory);
        let findings = |found: &[Diagnostic], suffix: &str| {
            let mut found: Vec<(Option<String>, DiagnosticCode)> = found
                .iter()
                .map(|d| {
                    let user = d.user.as_ref().map(|u| {
                        u.as_str().strip_suffix(suffix).unwrap_or(u.as_str()).to_owned()
                    });
                    (user, d.code)
                })
                .collect();
            found.sort();
            found
        };
        prop_assert_eq!(findings(&before, ""), findings(&after, &suffix));
    }
}
