//! The built-in catalogue against an independent transcription of the seed
//! privilege table.
// Tests opt out of the library's panic-free lints.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;

use common::{key, one_user_per_builtin_role, seed_file, uid};
use rbac_profiles::{AccessLevel, Directory, RoleId, catalog, has_privilege, privilege_level};

/// The seed table: newer seed's wording and order; the marks, in the columns
/// Omnichannel administrator, supervisor, agent, Productivity tools user,
/// Productivity tools administrator, read off the older seed's table.
const SEED_TABLE: [(&str, &str); 36] = [
    (
        "Can view user list/presence list/workstream list/queue list/PBI config list",
        "XX...",
    ),
    ("Can edit roles of a user", "X...."),
    (
        "Can edit default presence and default capacity of a user",
        "XX...",
    ),
    ("Can edit queue assignment of a user", "XX..."),
    ("Can add/edit/delete presence", "X...."),
    ("Can add/remove users from presence", "XX..."),
    ("Can add/edit/delete presence associations", "X...."),
    ("Can add/edit/delete workstreams", "X...."),
    (
        "Can add/edit/delete channel settings, context settings, routing rules",
        "X....",
    ),
    ("Can add/edit/delete queues", "X...."),
    ("Can add/remove agents from queue", "XX..."),
    ("Can add/edit/delete bots", "X...."),
    ("Can view/add/edit/delete quick replies", "XX..."),
    ("Can add/edit/delete PBI config", "X...."),
    ("Can view/add/edit/delete operating hours", "X...."),
    ("Can view/add/edit/delete auth settings", "X...."),
    ("Can view operating hours", ".X..."),
    ("Can monitor, assign, and transfer conversations", ".X..."),
    (
        "Can view user list/presence list/workstream list/queue list",
        "..X..",
    ),
    ("Can view quick replies", "..X.."),
    ("Can read agent script", "...X."),
    ("Can read agent script step", "...X."),
    ("Can read workflow", "...X."),
    ("Can read msdyn_actioninputparameter", "...XX"),
    ("Can read msdyn_actionoutputparameter", "...XX"),
    ("Can read msdyn_inputparameters", "...XX"),
    ("Can read msdyn_macroconnector", "...XX"),
    ("Can read msdyn_parameterdefinition", "...XX"),
    ("Can read msdyn_designeroptions", "...XX"),
    ("Can read msdyn_macroactiontemplate", "...XX"),
    ("Can read macro action", "...X."),
    ("Can create/read/write/append/delete agent script", "....X"),
    (
        "Can create/read/write/append/delete agent script step",
        "....X",
    ),
    (
        "Can create/read/write/append/delete agent script workflow",
        "....X",
    ),
    ("Can read msdyn_macrosolutionconfiguration", "....X"),
    ("Can create/read/write/append/delete macro action", "....X"),
];

/// The built-in role ids, as a static so their text lives for the test.
static ROLES: [RoleId; 12] = catalog::ROLE_IDS;

const COLUMNS: [&str; 5] = [
    "omnichannel-administrator",
    "omnichannel-supervisor",
    "omnichannel-agent",
    "productivity-tools-user",
    "productivity-tools-administrator",
];

fn marked(marks: &str) -> BTreeSet<&'static str> {
    COLUMNS
        .iter()
        .zip(marks.chars())
        .filter(|(_, m)| *m == 'X')
        .map(|(role, _)| *role)
        .collect()
}

/// The built-in roles whose lone holder has `privilege`, System
/// Administrator aside: it holds every privilege (its own test).
fn holders(store: &rbac_profiles::MemoryStore, privilege: &str) -> BTreeSet<&'static str> {
    ROLES
        .iter()
        .map(RoleId::as_str)
        .filter(|role| *role != "system-administrator")
        .filter(|role| has_privilege(store, uid(&format!("only-{role}")), key(privilege)).unwrap())
        .collect()
}

#[test]
fn the_catalogue_has_every_seed_row_in_order_with_its_marks() {
    let rows = catalog::seed_rows();
    assert_eq!(rows.len(), SEED_TABLE.len());
    for (row, (wording, marks)) in rows.iter().zip(SEED_TABLE) {
        assert_eq!(row.wording, wording);
        let roles: BTreeSet<_> = row.roles.iter().copied().collect();
        assert_eq!(roles, marked(marks), "{wording}");
        assert!(!row.keys.is_empty(), "{wording}");
    }
}

#[test]
fn every_seed_key_is_held_by_exactly_the_roles_its_rows_mark() {
    let store = one_user_per_builtin_role();
    for (row, (wording, marks)) in catalog::seed_rows().iter().zip(SEED_TABLE) {
        for k in row.keys {
            // A key can come from several rows (a view row and a manage row):
            // its holders are the union of what those rows mark.
            let expected: BTreeSet<_> = catalog::seed_rows()
                .iter()
                .zip(SEED_TABLE)
                .filter(|(r, _)| r.keys.contains(k))
                .flat_map(|(_, (_, m))| marked(m))
                .collect();
            assert!(marked(marks).is_subset(&expected));
            assert_eq!(holders(&store, k), expected, "{k} from {wording:?}");
        }
    }
}

#[test]
fn a_marked_role_holds_every_key_of_its_row_at_organization_level() {
    let store = one_user_per_builtin_role();
    for (row, (_, marks)) in catalog::seed_rows().iter().zip(SEED_TABLE) {
        for role in marked(marks) {
            for k in row.keys {
                let level = privilege_level(&store, uid(&format!("only-{role}")), key(k)).unwrap();
                assert_eq!(level, AccessLevel::Organization, "{role} {k}");
            }
        }
    }
}

#[test]
fn the_twelve_builtin_roles_have_their_ids_and_names() {
    let directory = Directory::builtin();
    let ids: Vec<_> = directory.roles().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "basic-user",
            "system-administrator",
            "omnichannel-administrator",
            "omnichannel-supervisor",
            "omnichannel-agent",
            "productivity-tools-user",
            "productivity-tools-administrator",
            "app-profile-manager-administrator",
            "app-profile-user",
            "customer-service-representative",
            "customer-service-manager",
            "omnichannel-api-access",
        ]
    );
    assert_eq!(
        directory
            .role("customer-service-representative")
            .unwrap()
            .name,
        "Customer Service Representative"
    );
}

#[test]
fn app_profile_privileges_follow_the_two_app_profile_roles_and_inclusions() {
    let store = one_user_per_builtin_role();
    let managers = BTreeSet::from([
        "app-profile-manager-administrator",
        "omnichannel-administrator",
        "customer-service-manager",
    ]);
    let readers: BTreeSet<_> = managers
        .iter()
        .copied()
        .chain([
            "app-profile-user",
            "omnichannel-agent",
            "omnichannel-supervisor",
            "customer-service-representative",
        ])
        .collect();
    for entity in catalog::APP_PROFILE_ENTITIES {
        assert_eq!(
            holders(&store, &format!("{entity}:read")),
            readers,
            "{entity}:read"
        );
        for action in ["create", "write", "delete"] {
            let k = format!("{entity}:{action}");
            assert_eq!(holders(&store, &k), managers, "{k}");
        }
    }
}

#[test]
fn inclusions_give_representatives_read_and_administrators_write_but_not_agents_write() {
    let store = one_user_per_builtin_role();
    let csr = uid("only-customer-service-representative");
    let admin = uid("only-omnichannel-administrator");
    let agent = uid("only-omnichannel-agent");
    assert!(has_privilege(&store, &csr, key("app_profile:read")).unwrap());
    assert!(has_privilege(&store, &admin, key("app_profile:write")).unwrap());
    assert!(has_privilege(&store, &agent, key("app_profile:read")).unwrap());
    assert!(!has_privilege(&store, &agent, key("app_profile:write")).unwrap());
    assert!(!has_privilege(&store, &csr, key("template:delete")).unwrap());
}

#[test]
fn cases_belong_to_the_customer_service_representative() {
    let store = one_user_per_builtin_role();
    assert_eq!(
        holders(&store, "case:write"),
        BTreeSet::from(["customer-service-representative"])
    );
}

/// Dataverse: System Administrator "has full access" and can't be edited;
/// the crate holds every privilege of the directory at organization level
/// for it, custom ones included.
#[test]
fn system_administrator_holds_every_privilege_of_the_directory() {
    let mut org = rbac_profiles::DirectoryDoc::default();
    org.privileges.push(rbac_profiles::PrivilegeDef::new(
        key("shift_report:read"),
        "",
    ));
    org.users
        .push(rbac_profiles::User::new("sa", "").with_role("system-administrator"));
    let store = rbac_profiles::MemoryStore::new(Directory::builtin_with(org).unwrap());
    for def in store.directory().privileges() {
        let level = privilege_level(&store, uid("sa"), &def.key).unwrap();
        assert_eq!(level, AccessLevel::Organization, "{}", def.key);
    }
    let routes = rbac_profiles::explain_privilege(&store, "sa", "shift_report:read").unwrap();
    assert_eq!(
        routes[0].to_string(),
        "system-administrator grants organization, held directly"
    );
}

#[test]
fn roles_the_seed_table_does_not_mark_grant_none_of_its_keys() {
    let store = one_user_per_builtin_role();
    let seed_keys: BTreeSet<&str> = catalog::seed_rows()
        .iter()
        .flat_map(|r| r.keys.iter().copied())
        .collect();
    for role in [
        "basic-user",
        "omnichannel-api-access",
        "customer-service-manager",
        "customer-service-representative",
        "app-profile-user",
        "app-profile-manager-administrator",
    ] {
        for k in &seed_keys {
            assert!(
                !has_privilege(&store, uid(&format!("only-{role}")), key(k)).unwrap(),
                "{role} holds {k}"
            );
        }
    }
}

#[test]
fn the_catalogue_docs_table_lists_every_row_with_its_keys() {
    // The table is in the `catalog` module's docs.
    let docs = include_str!("../src/catalog.rs");
    for row in catalog::seed_rows() {
        let line = docs
            .lines()
            .map(|l| l.trim_start_matches("//! "))
            .find(|l| l.starts_with(&format!("| {} |", row.wording)))
            .unwrap_or_else(|| panic!("the catalogue docs lack the row {:?}", row.wording));
        for k in row.keys {
            assert!(
                line.contains(&format!("`{k}`")),
                "the catalogue docs' row {:?} lacks {k}",
                row.wording
            );
        }
    }
}

/// The newer seed is plain text: each table line is the wording followed by
/// one "Yes" per marked role, without columns.
#[test]
fn the_catalogue_matches_the_newer_seed_row_for_row() {
    let Some(seed) = seed_file("003_") else {
        return;
    };
    let table: Vec<(String, usize)> = seed
        .lines()
        .skip_while(|l| !l.starts_with("Privileges Omnichannel administrator"))
        .skip(1)
        .take_while(|l| l.starts_with("Can "))
        .map(|l| {
            let mut words: Vec<&str> = l.split(' ').collect();
            let mut yes = 0;
            while words.last() == Some(&"Yes") {
                words.pop();
                yes += 1;
            }
            (words.join(" "), yes)
        })
        .collect();
    let ours: Vec<(String, usize)> = catalog::seed_rows()
        .iter()
        .map(|r| (r.wording.to_owned(), r.roles.len()))
        .collect();
    assert_eq!(ours, table);
}

/// The older seed's markdown table has the columns: which roles each row
/// marks must match, row by row (matched on wording without spaces and
/// backticks; one row was reworded).
#[test]
fn the_catalogue_marks_the_roles_of_the_older_seed_columns() {
    let Some(seed) = seed_file("002_") else {
        return;
    };
    let squash = |w: &str| w.to_lowercase().replace([' ', '`'], "");
    let reworded = |w: &str| match w {
        "Can assign/monitor/transfer conversations" => {
            "Can monitor, assign, and transfer conversations".to_owned()
        }
        other => other.to_owned(),
    };
    let table: std::collections::BTreeMap<String, BTreeSet<&str>> = seed
        .lines()
        .filter(|l| l.starts_with("| Can "))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let roles = COLUMNS
                .iter()
                .zip(cells.iter().skip(2))
                .filter(|(_, cell)| **cell == "Yes")
                .map(|(role, _)| *role)
                .collect();
            (squash(&reworded(cells[1])), roles)
        })
        .collect();
    assert_eq!(table.len(), catalog::seed_rows().len());
    for row in catalog::seed_rows() {
        let marked = table
            .get(&squash(row.wording))
            .unwrap_or_else(|| panic!("{:?} is not in the older seed", row.wording));
        let ours: BTreeSet<&str> = row.roles.iter().copied().collect();
        assert_eq!(&ours, marked, "{}", row.wording);
    }
}

/// The actions of a row's keys are the verbs of its wording, read
/// independently of the catalogue's mapping.
#[test]
fn each_row_becomes_keys_for_exactly_the_verbs_it_names() {
    const VERBS: [(&str, &str); 12] = [
        ("view", "read"),
        ("read", "read"),
        ("add", "create"),
        ("create", "create"),
        ("edit", "write"),
        ("write", "write"),
        ("append", "append"),
        ("delete", "delete"),
        ("remove", "delete"),
        ("monitor", "monitor"),
        ("assign", "assign"),
        ("transfer", "transfer"),
    ];
    for row in catalog::seed_rows() {
        let named: BTreeSet<String> = row
            .wording
            .split([' ', '/', ','])
            .filter_map(|word| VERBS.iter().find(|(verb, _)| *verb == word))
            .map(|(_, action)| (*action).to_owned())
            .collect();
        let actions: BTreeSet<String> = row
            .keys
            .iter()
            .map(|k| key(k).action().to_owned())
            .collect();
        assert_eq!(actions, named, "{}", row.wording);
    }
}
