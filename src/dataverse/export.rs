//! Writing roles back as Dataverse role XML, in the shape exports have.

use std::fmt::Write as _;

use crate::error::{Error, ExportProblem};
use crate::privilege::AccessLevel;

use super::DataverseRole;
use super::name::canonical_name;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The role as a `Roles/<name>.xml` file, in the shape solution exports
/// have: a UTF-8 byte-order mark, the XML declaration, `<Role id name
/// [isinherited] xmlns:xsi>`, `<IsCustomizable>` and `<IsAutoAssigned>`
/// when known, then `<RolePrivileges>` sorted by name without regard to
/// case, LF line ends and no newline at the end. Grants at level `none`
/// are left out.
///
/// Importing the text gives the role back: the same id (when its name
/// slugs to it), GUID, inheritance, flags, grants and names.
///
/// # Errors
///
/// [`Error::Export`] naming the role: [`ExportProblem::Includes`] when it
/// includes other roles, [`ExportProblem::NoDataverseName`] for a granted
/// key Dataverse has no privilege name for (such as
/// `conversation:transfer`).
///
/// ```
/// use rbac_profiles::dataverse::{Importer, export_role};
///
/// let xml = "<Role id=\"{22222222-aaaa-4bbb-8ccc-000000000002}\" name=\"Tier 1/2 &amp; Co\">
///   <RolePrivileges><RolePrivilege name=\"PrvReadAnalyticalDataflowsData\" level=\"Global\"/></RolePrivileges></Role>";
/// let mut importer = Importer::new();
/// importer.read_str("Tier 1_2 & Co.xml", xml)?;
/// let role = &importer.finish().roles[0];
/// assert_eq!(export_role(role)?, "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>
/// <Role id=\"{22222222-aaaa-4bbb-8ccc-000000000002}\" name=\"Tier 1/2 &amp; Co\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">
///   <RolePrivileges>
///     <RolePrivilege name=\"PrvReadAnalyticalDataflowsData\" level=\"Global\" />
///   </RolePrivileges>
/// </Role>");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn export_role(role: &DataverseRole) -> Result<String, Error> {
    let mut out = String::from("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    write_role(&mut out, role, "", true)?;
    Ok(out)
}

/// The roles inline in a packed solution's `customizations.xml`:
/// `<ImportExportXml><Roles>` with each role as [`export_role`] writes it.
///
/// # Errors
///
/// As [`export_role`], for the first role that can't be written.
///
/// ```
/// use rbac_profiles::dataverse::{DataverseRole, Importer, RoleGuid, export_customizations};
/// use rbac_profiles::Role;
///
/// let role = DataverseRole::new(Role::new("supervisor", "Supervisor"), RoleGuid::new("33333333-aaaa-4bbb-8ccc-000000000003")?);
/// let xml = export_customizations(&[role])?;
/// let mut importer = Importer::new();
/// importer.read_str("customizations.xml", &xml)?;
/// assert_eq!(importer.finish().roles[0].role.id.as_str(), "supervisor");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn export_customizations(roles: &[DataverseRole]) -> Result<String, Error> {
    let mut out = String::from("\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = write!(out, "<ImportExportXml xmlns:xsi=\"{XSI}\">\n  <Roles>\n");
    for role in roles {
        write_role(&mut out, role, "    ", false)?;
        out.push('\n');
    }
    out.push_str("  </Roles>\n</ImportExportXml>");
    Ok(out)
}

fn level_name(level: AccessLevel) -> Option<&'static str> {
    match level {
        AccessLevel::None => None,
        AccessLevel::User => Some("Basic"),
        AccessLevel::BusinessUnit => Some("Local"),
        AccessLevel::ParentChildBusinessUnit => Some("Deep"),
        AccessLevel::Organization => Some("Global"),
    }
}

fn write_role(
    out: &mut String,
    dataverse: &DataverseRole,
    indent: &str,
    xsi: bool,
) -> Result<(), Error> {
    let role = &dataverse.role;
    let refuse = |problem| Error::Export {
        role: role.id.clone(),
        problem,
    };
    if let Some(included) = role.includes.first() {
        return Err(refuse(ExportProblem::Includes {
            included: included.clone(),
        }));
    }
    let mut privileges = Vec::with_capacity(role.grants.len());
    for (key, level) in &role.grants {
        let Some(level) = level_name(*level) else {
            continue;
        };
        let name = match dataverse.privilege_names.get(key) {
            Some(name) => name.clone(),
            None => canonical_name(key).ok_or_else(|| {
                refuse(ExportProblem::NoDataverseName {
                    privilege: key.clone(),
                })
            })?,
        };
        privileges.push((name.to_ascii_lowercase(), name, level));
    }
    privileges.sort();

    let _ = write!(
        out,
        "{indent}<Role id=\"{}\" name=\"{}\"",
        dataverse.guid,
        escape(&role.name)
    );
    if let Some(inheritance) = dataverse.inheritance {
        let value = match inheritance {
            crate::role::Inheritance::TeamPrivilegesOnly => "0",
            crate::role::Inheritance::DirectUserBasic => "1",
        };
        let _ = write!(out, " isinherited=\"{value}\"");
    }
    if xsi {
        let _ = write!(out, " xmlns:xsi=\"{XSI}\"");
    }
    out.push_str(">\n");
    let flags = [
        ("IsCustomizable", dataverse.is_customizable),
        ("IsAutoAssigned", dataverse.is_auto_assigned),
    ];
    for (element, value) in flags {
        if let Some(value) = value {
            let _ = writeln!(out, "{indent}  <{element}>{}</{element}>", u8::from(value));
        }
    }
    if privileges.is_empty() {
        let _ = writeln!(out, "{indent}  <RolePrivileges />");
    } else {
        let _ = writeln!(out, "{indent}  <RolePrivileges>");
        for (_, name, level) in &privileges {
            let _ = writeln!(
                out,
                "{indent}    <RolePrivilege name=\"{}\" level=\"{level}\" />",
                escape(name)
            );
        }
        let _ = writeln!(out, "{indent}  </RolePrivileges>");
    }
    let _ = write!(out, "{indent}</Role>");
    Ok(())
}

/// Escapes an attribute value so a parser reads back exactly this text:
/// the markup characters as entities, tabs and line ends as character
/// references (a parser turns literal ones into spaces).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    out
}
