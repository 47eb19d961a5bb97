//! Importing and exporting Dataverse security role XML (feature
//! `dataverse`): the fixtures in `tests/fixtures/dataverse` (written for
//! these tests in the shape of real solution exports), one test per bad
//! input, the answers imported roles give, and laws over generated roles:
//! import → export → import is the identity, and an import does not depend
//! on attribute order, whitespace or a byte-order mark.

// Tests opt out of the crate's no-panic lints: a failed unwrap is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use rbac_profiles::dataverse::{
    DataverseRole, Import, Importer, RoleGuid, SkipReason, export_customizations, export_role,
};
use rbac_profiles::{
    AccessLevel, Directory, Error, ExportProblem, ImportProblem, Inheritance, MemoryStore, Record,
    Role, User, can_access, has_privilege, has_privilege_at, privilege_level,
};

const FIXTURES: &str = "tests/fixtures/dataverse";
const AGENT: &str = "{11111111-aaaa-4bbb-8ccc-000000000001}";

#[track_caller]
fn import_str(file: &str, text: &str) -> Import {
    let mut importer = Importer::new();
    importer.read_str(file, text).unwrap();
    importer.finish()
}

#[track_caller]
fn import_dir(folder: &str) -> Import {
    let mut importer = Importer::new();
    importer.read_dir(Path::new(folder)).unwrap();
    importer.finish()
}

#[track_caller]
fn import_error(text: &str) -> (Error, String) {
    let err = Importer::new().read_str("bad.xml", text).unwrap_err();
    let message = err.to_string();
    (err, message)
}

#[track_caller]
fn grants(role: &DataverseRole) -> Vec<(&str, AccessLevel)> {
    role.role
        .grants
        .iter()
        .map(|(key, level)| (key.as_str(), *level))
        .collect()
}

#[test]
fn a_classic_export_maps_levels_actions_and_miscellaneous_privileges() {
    let path = format!("{FIXTURES}/contoso_core/src/Roles/Contoso Agent.xml");
    let mut importer = Importer::new();
    importer.read_file(Path::new(&path)).unwrap();
    let import = importer.finish();
    let role = import.role("contoso-agent").unwrap();
    assert_eq!(role.guid.as_str(), AGENT);
    assert_eq!(role.role.name, "Contoso Agent");
    assert_eq!(role.inheritance, Some(Inheritance::DirectUserBasic));
    assert_eq!(role.is_customizable, Some(true));
    assert_eq!(role.is_auto_assigned, None);
    assert_eq!(
        grants(role),
        [
            ("import:share", AccessLevel::ParentChildBusinessUnit),
            ("misc:flow", AccessLevel::Organization),
            ("msdyn_cannedmessage:read", AccessLevel::Organization),
            ("msdyn_ocliveworkitem:append", AccessLevel::BusinessUnit),
            ("msdyn_ocliveworkitem:append_to", AccessLevel::BusinessUnit),
            ("msdyn_ocliveworkitem:read", AccessLevel::User),
            ("note:read", AccessLevel::User),
        ]
    );
    assert_eq!(
        role.privilege_names.get("misc:flow").map(String::as_str),
        Some("prvFlow")
    );
    let report = &import.report;
    assert_eq!(
        (report.files, report.role_elements, report.roles),
        (1, 1, 1)
    );
    assert_eq!((report.table_privileges, report.misc_privileges), (6, 1));
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(
        report.skipped[0].to_string(),
        format!("{path}:12:5: prvWritemsdyn_ocliveworkitem at level None: not granted")
    );
}

#[test]
fn a_modern_export_leaves_inheritance_unstated() {
    let path = format!("{FIXTURES}/contoso_core/src/Roles/Tier 1_2 & Co.xml");
    let mut importer = Importer::new();
    importer.read_file(Path::new(&path)).unwrap();
    let import = importer.finish();
    let role = &import.roles[0];
    assert_eq!(role.role.id.as_str(), "tier-1-2-co");
    assert_eq!(role.role.name, "Tier 1/2 & Co");
    assert_eq!(role.inheritance, None);
    assert_eq!(role.role.inheritance, Inheritance::DirectUserBasic);
    assert_eq!(role.is_auto_assigned, Some(false));
    assert_eq!(
        grants(role),
        [
            ("contoso_widgetorder:create", AccessLevel::User),
            (
                "misc:readanalyticaldataflowsdata",
                AccessLevel::Organization
            ),
            (
                "msdyn_productivityagentscript:read",
                AccessLevel::Organization
            ),
            ("msevtmgt_event:append_to", AccessLevel::Organization),
        ]
    );
    assert_eq!(
        import
            .report
            .miscellaneous
            .get("misc:readanalyticaldataflowsdata")
            .map(String::as_str),
        Some("PrvReadAnalyticalDataflowsData")
    );
}

#[test]
fn isinherited_zero_is_team_privileges_only_and_guids_are_normalised() {
    let path = format!("{FIXTURES}/contoso_core/src/Roles/Read Only Auditor.xml");
    let mut importer = Importer::new();
    importer.read_file(Path::new(&path)).unwrap();
    let role = importer.finish().roles.remove(0);
    assert_eq!(role.guid.as_str(), "{44444444-aaaa-4bbb-8ccc-000000000004}");
    assert_eq!(role.inheritance, Some(Inheritance::TeamPrivilegesOnly));
    assert_eq!(role.role.inheritance, Inheritance::TeamPrivilegesOnly);
    assert!(role.role.grants.is_empty());
}

#[test]
fn a_folder_of_solutions_layers_roles_by_guid() {
    let import = import_dir(FIXTURES);
    let ids: Vec<&str> = import.roles.iter().map(|r| r.role.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "contoso-agent",
            "read-only-auditor",
            "supervisor",
            "tier-1-2-co"
        ]
    );
    // The layer raises ocliveworkitem:read to Global and adds a privilege;
    // isinherited, stated only in the core, stays stated.
    let agent = import.role("contoso-agent").unwrap();
    assert_eq!(
        agent.role.grants.get("msdyn_ocliveworkitem:read"),
        Some(&AccessLevel::Organization)
    );
    assert_eq!(
        agent.role.grants.get("misc:workflowexecution"),
        Some(&AccessLevel::BusinessUnit)
    );
    assert_eq!(
        agent.role.grants.get("msdyn_cannedmessage:read"),
        Some(&AccessLevel::Organization)
    );
    assert_eq!(agent.inheritance, Some(Inheritance::DirectUserBasic));
    let report = &import.report;
    assert_eq!(report.files, 6);
    assert_eq!(report.role_elements, 5);
    assert_eq!(report.roles, 4);
    assert_eq!(report.merged.len(), 1);
    assert_eq!(
        report.merged[0].to_string(),
        format!(
            "contoso-agent {AGENT}: {FIXTURES}/contoso_core/src/Roles/Contoso Agent.xml, {FIXTURES}/contoso_layer/Other/customizations.xml"
        )
    );
    // The AppModule's role references are not roles.
    let not_roles: Vec<String> = report
        .skipped
        .iter()
        .filter(|s| matches!(s.reason, SkipReason::NotRoleFile { .. }))
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        not_roles,
        [format!(
            "{FIXTURES}/contoso_core/src/AppModules/contoso_agent/AppModule.xml:0:0: not a role file (root <AppModule>)"
        )]
    );
    assert_eq!(
        report.to_string().lines().next(),
        Some("6 files, 5 role elements, 4 roles, 13 table privileges, 3 miscellaneous privileges")
    );
}

#[test]
fn the_same_files_in_any_order_give_the_same_import() {
    let files = [
        "contoso_core/src/Roles/Contoso Agent.xml",
        "contoso_core/src/Roles/Tier 1_2 & Co.xml",
        "contoso_layer/Other/customizations.xml",
    ];
    let read = |order: &[usize]| {
        let mut importer = Importer::new();
        for &i in order {
            importer
                .read_file(Path::new(&format!("{FIXTURES}/{}", files[i])))
                .unwrap();
        }
        importer.finish().roles
    };
    assert_eq!(read(&[0, 1, 2]), read(&[2, 1, 0]));
}

#[test]
fn role_ids_clash_with_each_other_or_the_built_ins_get_the_guid() {
    let import = import_str(
        "customizations.xml",
        r#"<ImportExportXml><Roles>
             <Role id="{aaaaaaaa-0000-4000-8000-000000000001}" name="Agent"/>
             <Role id="{bbbbbbbb-0000-4000-8000-000000000002}" name="agent!"/>
             <Role id="{cccccccc-0000-4000-8000-000000000003}" name="System Administrator"/>
             <Role id="{dddddddd-0000-4000-8000-000000000004}" name="Ééé"/>
           </Roles></ImportExportXml>"#,
    );
    let ids: Vec<&str> = import.roles.iter().map(|r| r.role.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "agent-aaaaaaaa",
            "agent-bbbbbbbb",
            "role-dddddddd",
            "system-administrator-cccccccc",
        ]
    );
    // The roles load beside the built-in catalogue.
    Directory::builtin_with(import.to_doc()).unwrap();
}

#[test]
fn imported_roles_answer_as_their_levels_say() {
    let import = import_dir(FIXTURES);
    let mut doc = import.to_doc();
    doc.business_units = serde_json::from_str(
        r#"[{"id": "contoso"}, {"id": "emea", "parent": "contoso"},
            {"id": "paris", "parent": "emea"}, {"id": "apac", "parent": "contoso"}]"#,
    )
    .unwrap();
    doc.users.extend([
        User::new("ana", "Ana")
            .in_business_unit("emea")
            .with_role("contoso-agent")
            .with_role("tier-1-2-co"),
        User::new("bo", "Bo").in_business_unit("paris"),
        User::new("cy", "Cy").in_business_unit("apac"),
        User::new("dee", "Dee")
            .in_business_unit("emea")
            .with_role("read-only-auditor"),
    ]);
    let store = MemoryStore::new(Directory::builtin_with(doc).unwrap());

    assert!(has_privilege(&store, "ana", "misc:flow").unwrap());
    assert!(has_privilege(&store, "ana", "msevtmgt_event:append_to").unwrap());
    assert!(!has_privilege(&store, "bo", "note:read").unwrap());
    // Granted at `None` only: not in the catalogue, so asking is an error.
    let err = has_privilege(&store, "ana", "msdyn_ocliveworkitem:write").unwrap_err();
    assert!(matches!(err, Error::UnknownPrivilege { .. }));
    assert!(!has_privilege(&store, "dee", "note:read").unwrap());
    assert_eq!(
        privilege_level(&store, "ana", "import:share").unwrap(),
        AccessLevel::ParentChildBusinessUnit
    );
    assert!(
        !has_privilege_at(
            &store,
            "ana",
            "contoso_widgetorder:create",
            AccessLevel::BusinessUnit
        )
        .unwrap()
    );

    // Local (business unit): emea's records, not paris's below it.
    let append = "msdyn_ocliveworkitem:append";
    assert!(can_access(&store, "ana", append, &Record::owned_by_user("ana")).unwrap());
    assert!(can_access(&store, "ana", append, &Record::owned_by_user("dee")).unwrap());
    assert!(!can_access(&store, "ana", append, &Record::owned_by_user("bo")).unwrap());
    // Deep: emea and paris, not apac.
    let share = "import:share";
    assert!(can_access(&store, "ana", share, &Record::owned_by_user("bo")).unwrap());
    assert!(!can_access(&store, "ana", share, &Record::owned_by_user("cy")).unwrap());
    // Basic: own records only.
    let note = "note:read";
    assert!(can_access(&store, "ana", note, &Record::owned_by_user("ana")).unwrap());
    assert!(!can_access(&store, "ana", note, &Record::owned_by_user("dee")).unwrap());
    // Global, raised by the layer: every record.
    let read = "msdyn_ocliveworkitem:read";
    assert!(can_access(&store, "ana", read, &Record::owned_by_user("cy")).unwrap());
}

#[test]
fn the_import_of_the_export_is_the_import() {
    let import = import_dir(FIXTURES);
    let mut again = Importer::new();
    for role in &import.roles {
        again
            .read_str(role.role.name.as_str(), &export_role(role).unwrap())
            .unwrap();
    }
    assert_eq!(again.finish().roles, import.roles);
    let packed = export_customizations(&import.roles).unwrap();
    assert_eq!(
        import_str("customizations.xml", &packed).roles,
        import.roles
    );
}

#[test]
fn a_role_built_here_exports_with_derived_names() {
    let role = Role::new("night-shift", "Night shift")
        .with_grant("bot:read".parse().unwrap(), AccessLevel::Organization)
        .with_grant("misc:exporttoexcel".parse().unwrap(), AccessLevel::User)
        .with_grant("queue:append_to".parse().unwrap(), AccessLevel::None);
    let guid = RoleGuid::new("55555555-aaaa-4bbb-8ccc-000000000005").unwrap();
    let xml = export_role(&DataverseRole::new(role, guid)).unwrap();
    assert_eq!(
        xml,
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>
<Role id=\"{55555555-aaaa-4bbb-8ccc-000000000005}\" name=\"Night shift\" isinherited=\"1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">
  <IsCustomizable>1</IsCustomizable>
  <RolePrivileges>
    <RolePrivilege name=\"prvExportToExcel\" level=\"Basic\" />
    <RolePrivilege name=\"prvReadbot\" level=\"Global\" />
  </RolePrivileges>
</Role>"
    );

    let seed = Role::new("x", "X").with_grant(
        "conversation:transfer".parse().unwrap(),
        AccessLevel::Organization,
    );
    let guid = RoleGuid::new("55555555-aaaa-4bbb-8ccc-000000000005").unwrap();
    let err = export_role(&DataverseRole::new(seed, guid.clone())).unwrap_err();
    assert!(matches!(
        err,
        Error::Export {
            problem: ExportProblem::NoDataverseName { .. },
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        r#"role "x" can't be exported to Dataverse: privilege "conversation:transfer" has no Dataverse name (a table action or misc:<name>)"#
    );
    let including = Role::new("y", "Y").with_include("x");
    let err = export_role(&DataverseRole::new(including, guid)).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"role "y" can't be exported to Dataverse: it includes role "x", and Dataverse roles include none"#
    );
}

// Bad input: each a typed error with file, line and column.

const HEAD: &str = r#"<Role id="{11111111-aaaa-4bbb-8ccc-000000000001}" name="R">"#;

#[test]
fn malformed_xml_is_an_error_with_its_place() {
    let (err, message) = import_error(&format!(
        "{HEAD}\n  <RolePrivileges>\n    <RolePrivilege name=\"prvReadNote\" level=\"Basic\" />\n  </RolePrivilege>\n</Role>"
    ));
    assert!(matches!(
        err,
        Error::Import {
            line: 4,
            problem: ImportProblem::Xml { .. },
            ..
        }
    ));
    assert!(message.starts_with("bad.xml:4:"), "{message}");
    let (_, message) = import_error(&format!("{HEAD}\n  <RolePrivileges>"));
    assert!(message.starts_with("bad.xml:"), "{message}");
    assert!(message.contains("malformed xml"), "{message}");
    let (_, message) = import_error("");
    assert_eq!(message, "bad.xml:1:1: malformed xml: no root element");
}

#[test]
fn an_unknown_level_is_an_error() {
    let (err, message) = import_error(&format!(
        "{HEAD}\n<RolePrivileges>\n  <RolePrivilege name=\"prvReadNote\" level=\"Organization\" />\n</RolePrivileges></Role>"
    ));
    assert!(matches!(
        err,
        Error::Import {
            problem: ImportProblem::UnknownLevel { .. },
            ..
        }
    ));
    assert_eq!(
        message,
        r#"bad.xml:3:3: unknown privilege level "Organization" (expected Basic, Local, Deep, Global or None)"#
    );
}

#[test]
fn a_privilege_without_a_name_or_level_is_an_error() {
    let (_, message) = import_error(&format!(
        "{HEAD}<RolePrivileges><RolePrivilege level=\"Basic\"/></RolePrivileges></Role>"
    ));
    assert_eq!(
        message,
        r#"bad.xml:1:76: <RolePrivilege> has no "name" attribute"#
    );
    let (_, message) = import_error(&format!(
        "{HEAD}<RolePrivileges><RolePrivilege name=\"prvReadNote\"/></RolePrivileges></Role>"
    ));
    assert_eq!(
        message,
        r#"bad.xml:1:76: <RolePrivilege> has no "level" attribute"#
    );
    let (_, message) = import_error(r#"<Role name="R"/>"#);
    assert_eq!(message, r#"bad.xml:1:1: <Role> has no "id" attribute"#);
}

#[test]
fn a_name_that_is_not_prv_is_an_error() {
    let (err, message) = import_error(&format!(
        "{HEAD}<RolePrivileges>\n<RolePrivilege name=\"ReadNote\" level=\"Basic\"/></RolePrivileges></Role>"
    ));
    assert!(matches!(
        err,
        Error::Import {
            problem: ImportProblem::NotPrivilegeName { .. },
            ..
        }
    ));
    assert_eq!(
        message,
        r#"bad.xml:2:1: privilege name "ReadNote" doesn't start with "prv""#
    );
    let (_, message) = import_error(&format!(
        "{HEAD}<RolePrivileges>\n<RolePrivilege name=\"prvRead Note\" level=\"Basic\"/></RolePrivileges></Role>"
    ));
    assert_eq!(
        message,
        r#"bad.xml:2:1: privilege name "prvRead Note" is not prv + letters, digits and _"#
    );
}

#[test]
fn bad_flags_and_guids_are_errors() {
    let (_, message) = import_error(
        r#"<Role id="{11111111-aaaa-4bbb-8ccc-000000000001}" name="R" isinherited="yes"/>"#,
    );
    assert_eq!(
        message,
        r#"bad.xml:1:1: isinherited is "yes"; expected "0" or "1""#
    );
    let (_, message) = import_error(&format!(
        "{HEAD}\n  <IsCustomizable>true</IsCustomizable></Role>"
    ));
    assert_eq!(
        message,
        r#"bad.xml:2:3: IsCustomizable is "true"; expected "0" or "1""#
    );
    let (_, message) = import_error(r#"<Role id="{1111-aaaa}" name="R"/>"#);
    assert_eq!(
        message,
        r#"bad.xml:1:1: role id "{1111-aaaa}" is not a guid"#
    );
}

#[test]
fn a_50_mb_file_is_refused_without_reading_it_whole() {
    // An endless stream: the importer must stop at its limit.
    let fifty_mb = std::io::Read::take(std::io::repeat(b' '), 50 * 1024 * 1024);
    let mut importer = Importer::new();
    let err = importer.read("huge.xml", fifty_mb).unwrap_err();
    assert!(matches!(
        err,
        Error::Import {
            problem: ImportProblem::TooLarge {
                limit: Importer::DEFAULT_MAX_FILE_BYTES
            },
            ..
        }
    ));
    assert_eq!(err.to_string(), "huge.xml:0:0: larger than 16777216 bytes");
    assert_eq!(importer.finish().report.files, 0);
}

#[test]
fn deeply_nested_elements_are_refused() {
    let depth = 100_000;
    let text = format!(
        "{HEAD}{}{}</Role>",
        "<a>".repeat(depth),
        "</a>".repeat(depth)
    );
    let (err, message) = import_error(&text);
    assert!(matches!(
        err,
        Error::Import {
            problem: ImportProblem::TooDeep { limit: 32 },
            ..
        }
    ));
    assert_eq!(
        message,
        "bad.xml:1:153: elements nested deeper than 32 levels"
    );
}

#[test]
fn billion_laughs_is_refused_before_any_expansion() {
    let mut text =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let previous = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        let _ = writeln!(
            text,
            " <!ENTITY lol{i} \"{}\">",
            format!("&{previous};").repeat(10)
        );
    }
    text.push_str("]>\n<Role id=\"{11111111-aaaa-4bbb-8ccc-000000000001}\" name=\"&lol9;\"/>");
    let (err, message) = import_error(&text);
    assert!(matches!(
        err,
        Error::Import {
            line: 2,
            column: 1,
            problem: ImportProblem::Dtd,
            ..
        }
    ));
    assert_eq!(
        message,
        "bad.xml:2:1: document type declarations are refused (no entity is expanded)"
    );
    // Without the declaration, the entity is unknown.
    let (err, message) =
        import_error("<Role id=\"{11111111-aaaa-4bbb-8ccc-000000000001}\" name=\"&lol9;\"/>");
    assert!(matches!(
        err,
        Error::Import {
            problem: ImportProblem::UnknownEntity { .. },
            ..
        }
    ));
    assert_eq!(message, r#"bad.xml:1:1: unknown entity "lol9""#);
}

#[test]
fn a_failed_file_adds_nothing() {
    let mut importer = Importer::new();
    let text = format!(
        "{HEAD}<RolePrivileges><RolePrivilege name=\"prvReadNote\" level=\"Basic\"/>\n<RolePrivilege name=\"x\" level=\"Basic\"/></RolePrivileges></Role>"
    );
    assert!(importer.read_str("bad.xml", &text).is_err());
    let import = importer.finish();
    assert!(import.roles.is_empty());
    assert_eq!(import.report, Importer::new().finish().report);
}

#[test]
fn non_utf8_is_an_error_with_its_place() {
    let mut importer = Importer::new();
    let err = importer
        .read_bytes("bad.xml", b"<Role\n name='\xff'/>")
        .unwrap_err();
    assert_eq!(err.to_string(), "bad.xml:2:8: not utf-8");
}

// Laws over generated roles.

/// Table bases as Dataverse writes them; lowercased, all distinct.
const BASES: [&str; 7] = [
    "msdyn_ocliveworkitem",
    "contoso_WidgetOrder",
    "Note",
    "bot",
    "msevtmgt_Event",
    "cat_Thing2",
    "Queue",
];
const ACTIONS: [(&str, &str); 8] = [
    ("Create", "create"),
    ("Read", "read"),
    ("Write", "write"),
    ("Delete", "delete"),
    ("Append", "append"),
    ("AppendTo", "append_to"),
    ("Assign", "assign"),
    ("Share", "share"),
];
const MISC: [(&str, &str); 4] = [
    ("prvFlow", "misc:flow"),
    ("prvExportToExcel", "misc:exporttoexcel"),
    (
        "PrvReadAnalyticalDataflowsData",
        "misc:readanalyticaldataflowsdata",
    ),
    (
        "prvactivatesynchronousworkflow",
        "misc:activatesynchronousworkflow",
    ),
];
const LEVELS: [(&str, AccessLevel); 5] = [
    ("None", AccessLevel::None),
    ("Basic", AccessLevel::User),
    ("Local", AccessLevel::BusinessUnit),
    ("Deep", AccessLevel::ParentChildBusinessUnit),
    ("Global", AccessLevel::Organization),
];

/// A generated role: what a file says.
#[derive(Clone, Debug)]
struct Spec {
    guid: u32,
    name: String,
    isinherited: Option<bool>,
    customizable: Option<bool>,
    auto_assigned: Option<bool>,
    /// Privilege name → (expected key, level index).
    privileges: BTreeMap<String, (String, usize)>,
}

fn privilege() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        3 => (select(&BASES[..]), select(&ACTIONS[..]), any::<bool>()).prop_map(
            |(base, (verb, action), upper_prv)| {
                let prv = if upper_prv { "Prv" } else { "prv" };
                (format!("{prv}{verb}{base}"), format!("{}:{action}", base.to_ascii_lowercase()))
            }
        ),
        1 => select(&MISC[..]).prop_map(|(name, key)| (name.to_owned(), key.to_owned())),
    ]
}

fn spec(guid: u32) -> impl Strategy<Value = Spec> {
    (
        "[A-Za-z0-9 /&<>\"'é\t\n-]{0,16}",
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        btree_map(privilege(), 0..LEVELS.len(), 0..12),
    )
        .prop_map(
            move |(name, isinherited, customizable, auto_assigned, privileges)| {
                // One name per key: two spellings of a key would merge.
                let mut by_key = BTreeMap::new();
                for ((name, key), level) in privileges {
                    by_key.entry(key).or_insert((name, level));
                }
                Spec {
                    guid,
                    name,
                    isinherited,
                    customizable,
                    auto_assigned,
                    privileges: by_key
                        .into_iter()
                        .map(|(key, (name, level))| (name, (key, level)))
                        .collect(),
                }
            },
        )
}

fn specs() -> impl Strategy<Value = Vec<Spec>> {
    (1usize..4).prop_flat_map(|n| {
        (0..n)
            .map(|i| spec(u32::try_from(i).unwrap() + 1))
            .collect::<Vec<_>>()
    })
}

/// How a file is laid out: attribute order, whitespace, BOM, quotes.
#[derive(Clone, Debug)]
struct Layout {
    bom: bool,
    declaration: bool,
    reverse_attributes: bool,
    single_quotes: bool,
    indent: String,
    uppercase_guid: bool,
    braces: bool,
    self_closing_space: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        "[ \t\n]{0,4}",
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                bom,
                declaration,
                reverse_attributes,
                single_quotes,
                indent,
                uppercase_guid,
                braces,
                self_closing_space,
            )| {
                Layout {
                    bom,
                    declaration,
                    reverse_attributes,
                    single_quotes,
                    indent,
                    uppercase_guid,
                    braces,
                    self_closing_space,
                }
            },
        )
}

fn escape(text: &str, quote: char) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#10;"),
            c if c == quote => out.push_str(if quote == '"' { "&quot;" } else { "&apos;" }),
            c => out.push(c),
        }
    }
    out
}

/// A naive writer of the role file a spec describes, laid out as `layout` says.
fn write_file(spec: &Spec, layout: &Layout) -> String {
    let q = if layout.single_quotes { '\'' } else { '"' };
    let attrs = |pairs: Vec<(&str, String)>| {
        let mut pairs: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={q}{}{q}", escape(&v, q)))
            .collect();
        if layout.reverse_attributes {
            pairs.reverse();
        }
        pairs.join(&format!(" {}", layout.indent))
    };
    let mut guid = format!("{:08x}-aaaa-4bbb-8ccc-{:012x}", spec.guid, spec.guid);
    if layout.uppercase_guid {
        guid = guid.to_ascii_uppercase();
    }
    if layout.braces {
        guid = format!("{{{guid}}}");
    }
    let mut role_attrs = vec![("id", guid), ("name", spec.name.clone())];
    if let Some(inherited) = spec.isinherited {
        role_attrs.push(("isinherited", u8::from(inherited).to_string()));
    }
    role_attrs.push((
        "xmlns:xsi",
        "http://www.w3.org/2001/XMLSchema-instance".to_owned(),
    ));
    let ws = &layout.indent;
    let mut out = String::new();
    if layout.bom {
        out.push('\u{feff}');
    }
    if layout.declaration {
        out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    }
    let _ = write!(out, "<Role {}>{ws}", attrs(role_attrs));
    if let Some(flag) = spec.customizable {
        let _ = write!(
            out,
            "<IsCustomizable>{ws}{}{ws}</IsCustomizable>{ws}",
            u8::from(flag)
        );
    }
    if let Some(flag) = spec.auto_assigned {
        let _ = write!(
            out,
            "<IsAutoAssigned>{}</IsAutoAssigned>{ws}",
            u8::from(flag)
        );
    }
    out.push_str("<RolePrivileges>");
    let close = if layout.self_closing_space {
        " />"
    } else {
        "/>"
    };
    for (name, (_, level)) in &spec.privileges {
        let _ = write!(
            out,
            "{ws}<RolePrivilege {}{close}",
            attrs(vec![
                ("name", name.clone()),
                ("level", LEVELS[*level].0.to_owned())
            ])
        );
    }
    let _ = write!(out, "{ws}</RolePrivileges>{ws}</Role>{ws}");
    out
}

fn import_specs(specs: &[Spec], layout: &Layout) -> Import {
    let mut importer = Importer::new();
    for spec in specs {
        importer
            .read_str(&format!("{}.xml", spec.guid), &write_file(spec, layout))
            .unwrap();
    }
    importer.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every generated file imports to what it says: the GUID, the name,
    /// the stated inheritance and flags, each key at its level (`None`
    /// left out), each name as written.
    #[test]
    fn an_import_holds_what_the_files_say(specs in specs(), layout in layout()) {
        let import = import_specs(&specs, &layout);
        prop_assert_eq!(import.roles.len(), specs.len());
        for spec in &specs {
            let guid = RoleGuid::new(&format!("{:08x}-aaaa-4bbb-8ccc-{:012x}", spec.guid, spec.guid)).unwrap();
            let role = import.roles.iter().find(|r| r.guid == guid).unwrap();
            prop_assert_eq!(&role.role.name, &spec.name);
            let inheritance = spec.isinherited.map(|i| if i { Inheritance::DirectUserBasic } else { Inheritance::TeamPrivilegesOnly });
            prop_assert_eq!(role.inheritance, inheritance);
            prop_assert_eq!(role.role.inheritance, inheritance.unwrap_or_default());
            prop_assert_eq!(role.is_customizable, spec.customizable);
            prop_assert_eq!(role.is_auto_assigned, spec.auto_assigned);
            let expected: BTreeMap<String, AccessLevel> = spec
                .privileges
                .values()
                .filter(|(_, level)| LEVELS[*level].1.is_granted())
                .map(|(key, level)| (key.clone(), LEVELS[*level].1))
                .collect();
            let got: BTreeMap<String, AccessLevel> = role
                .role
                .grants
                .iter()
                .map(|(key, level)| (key.as_str().to_owned(), *level))
                .collect();
            prop_assert_eq!(got, expected);
            for (name, (key, level)) in &spec.privileges {
                if LEVELS[*level].1.is_granted() {
                    prop_assert_eq!(role.privilege_names.get(key.as_str()), Some(name));
                }
            }
        }
        let mut ids: Vec<_> = import.roles.iter().map(|r| r.role.id.clone()).collect();
        ids.dedup();
        prop_assert_eq!(ids.len(), specs.len());
        Directory::builtin_with(import.to_doc()).unwrap();
    }

    /// Import → export → import is the identity on the roles, one file a
    /// role and all in one `customizations.xml`.
    #[test]
    fn export_then_import_is_the_identity(specs in specs(), layout in layout()) {
        let import = import_specs(&specs, &layout);
        let mut again = Importer::new();
        for role in &import.roles {
            again.read_str("exported.xml", &export_role(role).unwrap()).unwrap();
        }
        prop_assert_eq!(&again.finish().roles, &import.roles);
        let mut packed = Importer::new();
        packed.read_str("customizations.xml", &export_customizations(&import.roles).unwrap()).unwrap();
        prop_assert_eq!(&packed.finish().roles, &import.roles);
    }

    /// An import does not depend on attribute order, whitespace, quotes,
    /// the GUID's case and braces, the declaration or the byte-order mark.
    #[test]
    fn an_import_is_independent_of_the_layout(specs in specs(), a in layout(), b in layout()) {
        let (a, b) = (import_specs(&specs, &a), import_specs(&specs, &b));
        prop_assert_eq!(&a.roles, &b.roles);
        // The report too, but for where skipped privileges sit.
        let without_places = |import: &Import| {
            let mut report = import.report.clone();
            for skipped in &mut report.skipped {
                (skipped.line, skipped.column) = (0, 0);
            }
            report
        };
        prop_assert_eq!(without_places(&a), without_places(&b));
    }

    /// The same roles split over files (layers) in any order merge to the
    /// union: the highest level per key.
    #[test]
    fn layers_merge_to_the_highest_level(spec in spec(7), split in vec(any::<bool>(), 12), layout in layout()) {
        let (mut lower, mut upper) = (spec.clone(), spec.clone());
        for (i, name) in spec.privileges.keys().enumerate() {
            let into_lower = split.get(i).copied().unwrap_or(true);
            if into_lower { upper.privileges.remove(name); } else { lower.privileges.remove(name); }
        }
        let one = import_specs(std::slice::from_ref(&spec), &layout);
        let forward = import_specs(&[lower.clone(), upper.clone()], &layout);
        let backward = import_specs(&[upper, lower], &layout);
        prop_assert_eq!(&forward.roles[0].role.grants, &one.roles[0].role.grants);
        prop_assert_eq!(&backward.roles[0].role.grants, &one.roles[0].role.grants);
        prop_assert_eq!(forward.report.merged.len(), 1);
    }
}

#[test]
fn the_public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Importer>();
    check::<Import>();
    check::<DataverseRole>();
    check::<RoleGuid>();
    check::<rbac_profiles::dataverse::ImportReport>();
    check::<ImportProblem>();
    check::<ExportProblem>();
}
