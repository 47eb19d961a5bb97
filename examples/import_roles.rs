//! Imports every Dataverse security role file under a folder (recursively:
//! an unpacked solution's `Roles/*.xml`, a packed `customizations.xml`),
//! prints the roles × tables × actions matrix with the level letters
//! (B basic, L local, D deep, G global), each role's miscellaneous
//! privileges and the import report, then writes the roles as a JSON
//! document `Directory::from_json` loads, and loads it to check.
//!
//! `cargo run --example import_roles -- tests/fixtures/dataverse [--out roles.json]`
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use rbac_profiles::dataverse::{Import, Importer, is_miscellaneous, table_actions};
use rbac_profiles::{AccessLevel, Directory};

const USAGE: &str = "usage: import_roles <folder> [--out <file.json>]
  imports every *.xml role file under <folder>, prints the matrix and the
  report, and writes the roles as a document (default: imported-roles.json)";

fn args() -> Result<Option<(PathBuf, PathBuf)>, String> {
    let mut folder = None;
    let mut out = PathBuf::from("imported-roles.json");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--out" => out = args.next().ok_or("--out needs a file")?.into(),
            _ if folder.is_none() && !arg.starts_with('-') => folder = Some(arg.into()),
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
    }
    let folder = folder.ok_or("a folder is needed")?;
    Ok(Some((folder, out)))
}

fn letter(level: AccessLevel) -> &'static str {
    match level {
        AccessLevel::None => ".",
        AccessLevel::User => "B",
        AccessLevel::BusinessUnit => "L",
        AccessLevel::ParentChildBusinessUnit => "D",
        AccessLevel::Organization => "G",
    }
}

fn print_matrix(import: &Import) {
    let actions: Vec<&str> = table_actions().collect();
    let role_width = import
        .roles
        .iter()
        .map(|r| r.role.id.as_str().len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut tables: BTreeMap<&str, ()> = BTreeMap::new();
    for role in &import.roles {
        for key in role.role.grants.keys().filter(|k| !is_miscellaneous(k)) {
            tables.insert(key.entity(), ());
        }
    }
    let table_width = tables.keys().map(|t| t.len()).max().unwrap_or(5).max(5);
    print!("{:role_width$}  {:table_width$}", "role", "table");
    for action in &actions {
        print!("  {action}");
    }
    println!();
    for role in &import.roles {
        let mut by_table: BTreeMap<&str, BTreeMap<&str, AccessLevel>> = BTreeMap::new();
        let mut misc = Vec::new();
        for (key, level) in &role.role.grants {
            if is_miscellaneous(key) {
                misc.push(format!("{} {}", key.action(), letter(*level)));
            } else {
                by_table
                    .entry(key.entity())
                    .or_default()
                    .insert(key.action(), *level);
            }
        }
        for (table, levels) in &by_table {
            let mut row = format!(
                "{:role_width$}  {table:table_width$}",
                role.role.id.as_str()
            );
            for action in &actions {
                let level = levels.get(action).copied().unwrap_or_default();
                row.push_str(&format!(
                    "  {:^width$}",
                    letter(level),
                    width = action.len()
                ));
            }
            println!("{}", row.trim_end());
        }
        if by_table.is_empty() {
            println!(
                "{:role_width$}  (no table privileges)",
                role.role.id.as_str()
            );
        }
        if !misc.is_empty() {
            println!(
                "{:role_width$}  miscellaneous: {}",
                role.role.id.as_str(),
                misc.join(", ")
            );
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (folder, out) = match args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return Ok(());
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let mut importer = Importer::new();
    if let Err(err) = importer.read_dir(&folder) {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
    let import = importer.finish();
    print_matrix(&import);
    println!();
    print!("{}", import.report);

    let json = serde_json::to_string_pretty(&import.to_doc())?;
    std::fs::write(&out, &json)?;
    let directory = Directory::from_json(&json)?;
    println!(
        "wrote {} ({} roles; with the built-in catalogue {} roles and {} privileges load)",
        out.display(),
        import.roles.len(),
        directory.roles().len(),
        directory.privileges().len()
    );
    Ok(())
}
