//! Importing Dataverse role XML (feature `dataverse`): 100 role files with
//! 100 privileges each, 10 000 `<RolePrivilege>` elements in all, read
//! from memory and merged into roles (`Importer::read_str`, `finish`); and
//! the same roles exported back (`export_role`). Target: the import under
//! 50 ms.

// Benches opt out of the library's panic-free lints.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rbac_profiles::dataverse::{Importer, export_role};

const FILES: usize = 100;
const PRIVILEGES_PER_FILE: usize = 100;

/// One role file in the export shape: BOM, declaration, flags, privileges
/// over 13 tables × 8 actions and a few miscellaneous ones.
fn role_file(n: usize) -> String {
    const ACTIONS: [&str; 8] = [
        "Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share",
    ];
    const LEVELS: [&str; 4] = ["Basic", "Local", "Deep", "Global"];
    let mut xml = String::from("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = write!(
        xml,
        "<Role id=\"{{{n:08x}-aaaa-4bbb-8ccc-000000000000}}\" name=\"Bench Role {n}\" isinherited=\"1\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n  <IsCustomizable>1</IsCustomizable>\n  <RolePrivileges>\n"
    );
    for p in 0..PRIVILEGES_PER_FILE {
        let name = if p % 25 == 24 {
            format!("prvMisc{}Feature", p / 25)
        } else {
            format!("prv{}contoso_Table{}", ACTIONS[p % 8], (p / 8 + n) % 40)
        };
        let level = LEVELS[(p + n) % 4];
        let _ = writeln!(
            xml,
            "    <RolePrivilege name=\"{name}\" level=\"{level}\" />"
        );
    }
    xml.push_str("  </RolePrivileges>\n</Role>");
    xml
}

fn import(c: &mut Criterion) {
    let files: Vec<(String, String)> = (0..FILES)
        .map(|n| (format!("Roles/Bench Role {n}.xml"), role_file(n)))
        .collect();
    let mut group = c.benchmark_group("dataverse");
    group.bench_function("import_100_files_10000_privileges", |b| {
        b.iter(|| {
            let mut importer = Importer::new();
            for (name, text) in &files {
                importer.read_str(name, black_box(text)).unwrap();
            }
            black_box(importer.finish())
        });
    });
    let mut importer = Importer::new();
    for (name, text) in &files {
        importer.read_str(name, text).unwrap();
    }
    let roles = importer.finish().roles;
    group.bench_function("export_100_roles", |b| {
        b.iter(|| {
            for role in &roles {
                black_box(export_role(black_box(role)).unwrap());
            }
        });
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
