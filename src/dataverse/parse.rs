//! Reading one role file: a pull parser over the text, a stack of the open
//! elements (bounded), and the roles it finds.

use quick_xml::Reader;
use quick_xml::escape::{EscapeError, resolve_predefined_entity};
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, ImportProblem};
use crate::key::Privilege;
use crate::privilege::AccessLevel;
use crate::role::Inheritance;

use super::RoleGuid;
use super::name::key_of;

/// One `<Role>` element as read, before roles from several files merge.
#[derive(Debug, Default)]
pub(crate) struct ParsedRole {
    pub(crate) guid: RoleGuid,
    pub(crate) name: String,
    pub(crate) inheritance: Option<Inheritance>,
    pub(crate) is_customizable: Option<bool>,
    pub(crate) is_auto_assigned: Option<bool>,
    /// Each `<RolePrivilege>` granted (level above `None`): name as written,
    /// key, level, whether miscellaneous.
    pub(crate) privileges: Vec<(String, Privilege, AccessLevel, bool)>,
    /// Each `<RolePrivilege level="None">`: name, line, column.
    pub(crate) not_granted: Vec<(String, usize, usize)>,
}

/// What a file holds.
#[derive(Debug)]
pub(crate) enum Parsed {
    /// The roles of a `<Role>` file or of `<ImportExportXml><Roles>`.
    Roles(Vec<ParsedRole>),
    /// Another kind of XML (an `AppModule.xml`, a form): its root element.
    NotRoleFile { root: String },
}

/// Where the parser is: the open elements that matter, and the rest.
enum Open {
    ImportExportXml,
    Roles,
    Role,
    RolePrivileges,
    /// A flag element, where it opened, its text so far.
    Flag(Flag, u64, String),
    Other,
}

#[derive(Clone, Copy)]
enum Flag {
    IsCustomizable,
    IsAutoAssigned,
}

/// Line and column (in characters), counting from 1, of a byte offset.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn error(&self, offset: u64, problem: ImportProblem) -> Error {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let (line, column) = position(self.text, offset);
        Error::Import {
            file: self.file.to_owned(),
            line,
            column,
            problem,
        }
    }
}

fn xml_problem(err: &quick_xml::Error) -> ImportProblem {
    match err {
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
            ImportProblem::UnknownEntity { name: name.clone() }
        }
        other => ImportProblem::Xml {
            message: other.to_string(),
        },
    }
}

/// Reads the roles of `text` (BOM already removed), refusing DTDs, unknown
/// entities and elements nested deeper than `max_depth`.
pub(crate) fn parse(file: &str, text: &str, max_depth: usize) -> Result<Parsed, Error> {
    let ctx = Ctx { file, text };
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Open> = Vec::new();
    let mut roles = Vec::new();
    let mut current: Option<ParsedRole> = None;
    let mut seen_root = false;
    loop {
        let at = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|err| ctx.error(reader.error_position(), xml_problem(&err)))?;
        match event {
            Event::Start(ref element) | Event::Empty(ref element) => {
                let empty = matches!(event, Event::Empty(_));
                if !seen_root {
                    seen_root = true;
                    let root = element.local_name();
                    let root = root.as_ref();
                    if root != b"Role" && root != b"ImportExportXml" {
                        return Ok(Parsed::NotRoleFile {
                            root: String::from_utf8_lossy(root).into_owned(),
                        });
                    }
                }
                if stack.len() >= max_depth {
                    return Err(ctx.error(at, ImportProblem::TooDeep { limit: max_depth }));
                }
                let open = open(&ctx, at, element, stack.last(), &mut current)?;
                if empty {
                    close(&ctx, open, &mut current, &mut roles)?;
                } else {
                    stack.push(open);
                }
            }
            Event::End(_) => {
                if let Some(open) = stack.pop() {
                    close(&ctx, open, &mut current, &mut roles)?;
                }
            }
            Event::Text(text) => {
                if let Some(Open::Flag(_, _, value)) = stack.last_mut() {
                    let decoded = text.decode().map_err(|err| {
                        ctx.error(
                            at,
                            ImportProblem::Xml {
                                message: err.to_string(),
                            },
                        )
                    })?;
                    value.push_str(&decoded);
                }
            }
            Event::GeneralRef(reference) => {
                let resolved =
                    resolve_reference(&reference).map_err(|problem| ctx.error(at, problem))?;
                if let Some(Open::Flag(_, _, value)) = stack.last_mut() {
                    value.push_str(&resolved);
                }
            }
            Event::DocType(_) => return Err(ctx.error(at, ImportProblem::Dtd)),
            Event::Eof => break,
            Event::CData(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        let message = "unexpected end of file: an element is not closed".to_owned();
        return Err(ctx.error(reader.buffer_position(), ImportProblem::Xml { message }));
    }
    if !seen_root {
        let message = "no root element".to_owned();
        return Err(ctx.error(reader.buffer_position(), ImportProblem::Xml { message }));
    }
    Ok(Parsed::Roles(roles))
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<String, ImportProblem> {
    let xml = |err: quick_xml::Error| ImportProblem::Xml {
        message: err.to_string(),
    };
    if let Some(c) = reference.resolve_char_ref().map_err(xml)? {
        return Ok(c.to_string());
    }
    let name = reference
        .decode()
        .map_err(|err| xml(quick_xml::Error::Encoding(err)))?;
    match resolve_predefined_entity(&name) {
        Some(text) => Ok(text.to_owned()),
        None => Err(ImportProblem::UnknownEntity {
            name: name.into_owned(),
        }),
    }
}

/// What an opening element is, given its parent; a `<Role>` starts a role,
/// a `<RolePrivilege>` adds to it.
fn open(
    ctx: &Ctx<'_>,
    at: u64,
    element: &BytesStart<'_>,
    parent: Option<&Open>,
    current: &mut Option<ParsedRole>,
) -> Result<Open, Error> {
    let name = element.local_name();
    let open = match (parent, name.as_ref()) {
        (None, b"ImportExportXml") => Open::ImportExportXml,
        (Some(Open::ImportExportXml), b"Roles") => Open::Roles,
        (None | Some(Open::Roles), b"Role") => {
            *current = Some(read_role(ctx, at, element)?);
            Open::Role
        }
        (Some(Open::Role), b"RolePrivileges") => Open::RolePrivileges,
        (Some(Open::Role), b"IsCustomizable") => {
            Open::Flag(Flag::IsCustomizable, at, String::new())
        }
        (Some(Open::Role), b"IsAutoAssigned") => {
            Open::Flag(Flag::IsAutoAssigned, at, String::new())
        }
        (Some(Open::RolePrivileges), b"RolePrivilege") => {
            if let Some(role) = current.as_mut() {
                read_privilege(ctx, at, element, role)?;
            }
            Open::Other
        }
        _ => Open::Other,
    };
    Ok(open)
}

fn close(
    ctx: &Ctx<'_>,
    open: Open,
    current: &mut Option<ParsedRole>,
    roles: &mut Vec<ParsedRole>,
) -> Result<(), Error> {
    match open {
        Open::Role => roles.extend(current.take()),
        Open::Flag(flag, opened, value) => {
            let name = match flag {
                Flag::IsCustomizable => "IsCustomizable",
                Flag::IsAutoAssigned => "IsAutoAssigned",
            };
            let value = parse_flag(name, value.trim()).map_err(|p| ctx.error(opened, p))?;
            if let Some(role) = current.as_mut() {
                match flag {
                    Flag::IsCustomizable => role.is_customizable = Some(value),
                    Flag::IsAutoAssigned => role.is_auto_assigned = Some(value),
                }
            }
        }
        Open::ImportExportXml | Open::Roles | Open::RolePrivileges | Open::Other => {}
    }
    Ok(())
}

fn parse_flag(name: &'static str, value: &str) -> Result<bool, ImportProblem> {
    match value {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(ImportProblem::InvalidFlag {
            name,
            value: value.to_owned(),
        }),
    }
}

/// The attributes of an element the importer reads, by local name,
/// unescaped; unknown attributes (`xmlns:xsi`) are ignored.
fn attributes<const N: usize>(
    ctx: &Ctx<'_>,
    at: u64,
    element: &BytesStart<'_>,
    names: [&str; N],
) -> Result<[Option<String>; N], Error> {
    let mut values: [Option<String>; N] = std::array::from_fn(|_| None);
    for attribute in element.attributes() {
        let attribute = attribute.map_err(|err| {
            ctx.error(
                at,
                ImportProblem::Xml {
                    message: err.to_string(),
                },
            )
        })?;
        let key = attribute.key.local_name();
        let Some(slot) = names
            .iter()
            .zip(values.iter_mut())
            .find_map(|(name, slot)| (name.as_bytes() == key.as_ref()).then_some(slot))
        else {
            continue;
        };
        let value = attribute
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| ctx.error(at, xml_problem(&err)))?;
        *slot = Some(value.into_owned());
    }
    Ok(values)
}

fn read_role(ctx: &Ctx<'_>, at: u64, element: &BytesStart<'_>) -> Result<ParsedRole, Error> {
    let [id, name, inherited] = attributes(ctx, at, element, ["id", "name", "isinherited"])?;
    let missing = |attribute| {
        ctx.error(
            at,
            ImportProblem::MissingAttribute {
                element: "Role",
                attribute,
            },
        )
    };
    let id = id.ok_or_else(|| missing("id"))?;
    let name = name.ok_or_else(|| missing("name"))?;
    let guid =
        RoleGuid::parse(&id).ok_or_else(|| ctx.error(at, ImportProblem::InvalidGuid { id }))?;
    let inheritance = match inherited {
        None => None,
        Some(value) => Some(
            match parse_flag("isinherited", &value).map_err(|p| ctx.error(at, p))? {
                false => Inheritance::TeamPrivilegesOnly,
                true => Inheritance::DirectUserBasic,
            },
        ),
    };
    Ok(ParsedRole {
        guid,
        name,
        inheritance,
        ..ParsedRole::default()
    })
}

fn read_privilege(
    ctx: &Ctx<'_>,
    at: u64,
    element: &BytesStart<'_>,
    role: &mut ParsedRole,
) -> Result<(), Error> {
    let [name, level] = attributes(ctx, at, element, ["name", "level"])?;
    let missing = |attribute| {
        ctx.error(
            at,
            ImportProblem::MissingAttribute {
                element: "RolePrivilege",
                attribute,
            },
        )
    };
    let name = name.ok_or_else(|| missing("name"))?;
    let level = level.ok_or_else(|| missing("level"))?;
    let (key, misc) = key_of(&name).map_err(|p| ctx.error(at, p))?;
    let level = match level.as_str() {
        "None" => AccessLevel::None,
        "Basic" => AccessLevel::User,
        "Local" => AccessLevel::BusinessUnit,
        "Deep" => AccessLevel::ParentChildBusinessUnit,
        "Global" => AccessLevel::Organization,
        _ => return Err(ctx.error(at, ImportProblem::UnknownLevel { level })),
    };
    if level.is_granted() {
        role.privileges.push((name, key, level, misc));
    } else {
        let offset = usize::try_from(at).unwrap_or(usize::MAX);
        let (line, column) = position(ctx.text, offset);
        role.not_granted.push((name, line, column));
    }
    Ok(())
}
