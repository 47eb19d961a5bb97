//! Dataverse security role definitions, in and out (feature `dataverse`).
//!
//! Reads the role files of a solution (`Roles/<name>.xml`, one `<Role>`
//! each, or a packed `customizations.xml` with the roles under
//! `<ImportExportXml><Roles>`) into [`Role`]s and [`PrivilegeDef`]s a
//! [`DirectoryDoc`] takes, and writes roles back in the same shape.
//!
//! ```
//! use rbac_profiles::dataverse::Importer;
//! use rbac_profiles::{Directory, MemoryStore, has_privilege};
//!
//! let xml = "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?>
//! <Role id=\"{11111111-aaaa-4bbb-8ccc-000000000001}\" name=\"Contoso Agent\" isinherited=\"1\">
//!   <IsCustomizable>1</IsCustomizable>
//!   <RolePrivileges>
//!     <RolePrivilege name=\"prvReadmsdyn_cannedmessage\" level=\"Global\" />
//!     <RolePrivilege name=\"prvFlow\" level=\"Global\" />
//!   </RolePrivileges>
//! </Role>";
//! let mut importer = Importer::new();
//! importer.read_str("Roles/Contoso Agent.xml", xml)?;
//! let import = importer.finish();
//! assert_eq!(import.roles[0].role.id.as_str(), "contoso-agent");
//! assert_eq!(import.report.to_string().lines().next(), Some("1 file, 1 role element, 1 role, 1 table privilege, 1 miscellaneous privilege"));
//!
//! // The roles join the built-in catalogue, as any document would.
//! let mut doc = import.to_doc();
//! doc.users.push(rbac_profiles::User::new("kayla", "Kayla").with_role("contoso-agent"));
//! let store = MemoryStore::new(Directory::builtin_with(doc)?);
//! assert!(has_privilege(&store, "kayla", "msdyn_cannedmessage:read")?);
//! assert!(has_privilege(&store, "kayla", "misc:flow")?);
//! # Ok::<(), rbac_profiles::Error>(())
//! ```
//!
//! # The mapping
//!
//! - **Levels**: `Basic` → `user`, `Local` → `business_unit`, `Deep` →
//!   `parent_child_business_unit`, `Global` → `organization`; `None` grants
//!   nothing (the privilege is left out and the report lists it as
//!   skipped). Any other level is [`ImportProblem::UnknownLevel`].
//! - **Table privileges**: `prv` (any case) + action + the table's schema
//!   name, in any case. The actions are `Create`, `Read`, `Write`,
//!   `Delete`, `Append`, `AppendTo`, `Assign` and `Share`, spelled so
//!   (`AppendTo` is tried before `Append`); the key is the lowercased schema
//!   name and the action in snake case: `prvAppendTomsevtmgt_Event` →
//!   `msevtmgt_event:append_to`. System tables keep Dataverse's privilege
//!   base (`prvReadNote` → `note:read`, not `annotation:read`).
//! - **Miscellaneous privileges** (any other `prv` name: `prvFlow`,
//!   `prvExportToExcel`, and `PrvReadAnalyticalDataflowsData`, which only
//!   looks like a table action) are `misc:<the rest, lowercased>`:
//!   `misc:flow`, `misc:exporttoexcel`.
//! - **Names round-trip**: each [`DataverseRole`] keeps the names as
//!   written (`privilege_names`), and export writes them back. A key with
//!   no recorded name (a grant added here) exports as `prv` + the action's
//!   spelling + the entity (`bot:read` → `prvReadbot`; Dataverse matches
//!   bases case-insensitively), or for `misc:` the spelling of a known
//!   miscellaneous privilege (`misc:flow` → `prvFlow`), else the key's
//!   lowercase name.
//! - **`isinherited`**: `0` → [`Inheritance::TeamPrivilegesOnly`], `1` →
//!   [`Inheritance::DirectUserBasic`]. Absent is *not stated* (exports
//!   since late 2024 leave it out): [`DataverseRole::inheritance`] is
//!   `None`, and the [`Role`] gets the crate's default, `DirectUserBasic`.
//!   Export writes the attribute only when it was stated.
//! - **Role ids** ([`RoleId`]): the role's `name` slugged (ASCII letters
//!   and digits lowercased, every other run of characters one `-`: `Tier
//!   1/2 &amp; Co` → `tier-1-2-co`). When two imported roles slug alike, or
//!   a slug is a built-in role's id, each such role gets `-` and the first
//!   eight hex digits of its GUID (`basic-user-22222222`); an empty slug is
//!   `role-` and those digits. The rule looks at the set of roles only, so
//!   the same files give the same ids in any order, on every run. The GUID
//!   stays on the [`DataverseRole`] (normalised to braced lowercase) and is
//!   the role's identity across files.
//! - **Layering**: the same GUID in several files (or twice in one) is one
//!   role whose grants are the union, the highest level per privilege; the
//!   name, `isinherited` and flags of the last file read that states them
//!   win. The report lists every merged role with its files.
//! - **What is ignored**: unknown attributes (`xmlns:xsi`) and children
//!   (`<LocalizedNames>`, …), comments; files whose root is neither `<Role>`
//!   nor `<ImportExportXml>` (an `AppModule.xml` with its `<Role id=…/>`
//!   references) are skipped and reported.
//!
//! # Bad input
//!
//! Every problem is an [`Error::Import`] naming the file, line and column:
//! malformed XML, an unknown level, a missing `name` or `level`, a name
//! that doesn't start with `prv`, a role id that is not a GUID. A file
//! larger than [`Importer::max_file_bytes`] (16 MiB by default, 150 times
//! the largest public role file) is refused before it is read whole, and
//! elements nested deeper than [`Importer::max_depth`] (32) are refused. A
//! document type declaration is refused, so no entity is ever expanded
//! (billion laughs, external entities); an entity other than XML's five is
//! [`ImportProblem::UnknownEntity`]. A failed file adds nothing to the
//! import.
//!
//! [`Role`]: crate::Role
//! [`RoleId`]: crate::RoleId
//! [`PrivilegeDef`]: crate::PrivilegeDef
//! [`DirectoryDoc`]: crate::DirectoryDoc
//! [`Inheritance::TeamPrivilegesOnly`]: crate::Inheritance::TeamPrivilegesOnly
//! [`Inheritance::DirectUserBasic`]: crate::Inheritance::DirectUserBasic
//! [`Error::Import`]: crate::Error::Import
//! [`ImportProblem::UnknownLevel`]: crate::ImportProblem::UnknownLevel
//! [`ImportProblem::UnknownEntity`]: crate::ImportProblem::UnknownEntity

mod export;
mod name;
mod parse;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read;
use std::path::Path;

use indexmap::IndexMap;

use crate::catalog;
use crate::directory::DirectoryDoc;
use crate::error::{Error, ImportProblem};
use crate::id::RoleId;
use crate::key::Privilege;
use crate::privilege::{AccessLevel, PrivilegeDef};
use crate::role::{Inheritance, Role};

pub use export::{export_customizations, export_role};

use parse::{Parsed, ParsedRole};

/// A Dataverse role's GUID, normalised: braced, lowercase, 8-4-4-4-12.
///
/// ```
/// use rbac_profiles::dataverse::RoleGuid;
///
/// let guid = RoleGuid::new("33333333-AAAA-4BBB-8CCC-000000000003")?;
/// assert_eq!(guid.as_str(), "{33333333-aaaa-4bbb-8ccc-000000000003}");
/// assert_eq!(RoleGuid::new("{33333333-aaaa-4bbb-8ccc-000000000003}")?, guid);
/// assert!(RoleGuid::new("not-a-guid").is_err());
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleGuid(String);

impl RoleGuid {
    /// Parses a GUID, braced or not, in any case.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidGuid`] naming the text when it is not 32 hexadecimal
    /// digits in 8-4-4-4-12 groups (optionally in braces).
    ///
    /// ```
    /// let guid = rbac_profiles::dataverse::RoleGuid::new("{0173E729-2B89-E911-A856-000D3A372932}")?;
    /// assert_eq!(guid.to_string(), "{0173e729-2b89-e911-a856-000d3a372932}");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn new(text: &str) -> Result<Self, Error> {
        Self::parse(text).ok_or_else(|| Error::InvalidGuid {
            text: text.to_owned(),
        })
    }

    fn parse(text: &str) -> Option<Self> {
        let bare = match text.strip_prefix('{') {
            Some(inner) => inner.strip_suffix('}')?,
            None => text,
        };
        let groups: Vec<&str> = bare.split('-').collect();
        let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        let hex = groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
        (lengths == [8, 4, 4, 4, 12] && hex)
            .then(|| Self(format!("{{{}}}", bare.to_ascii_lowercase())))
    }

    /// The GUID as Dataverse writes it: braced, lowercase.
    ///
    /// ```
    /// let guid = rbac_profiles::dataverse::RoleGuid::new("11111111-aaaa-4bbb-8ccc-000000000001")?;
    /// assert_eq!(guid.as_str(), "{11111111-aaaa-4bbb-8ccc-000000000001}");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first eight hex digits, the suffix of a clashing role id.
    fn short(&self) -> &str {
        self.0.get(1..9).unwrap_or("")
    }
}

impl fmt::Display for RoleGuid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// A role as Dataverse holds it: the crate's [`Role`], plus what only the
/// XML says — the GUID, whether `isinherited` was stated, the flags, and
/// every privilege's name as written.
///
/// [`export_role`] writes it back; importing that text gives an equal
/// value.
///
/// ```
/// use rbac_profiles::dataverse::{DataverseRole, RoleGuid, export_role};
/// use rbac_profiles::{AccessLevel, Role};
///
/// let role = Role::new("night-shift", "Night shift")
///     .with_grant("msdyn_ocliveworkitem:read".parse()?, AccessLevel::BusinessUnit);
/// let role = DataverseRole::new(role, RoleGuid::new("44444444-aaaa-4bbb-8ccc-000000000004")?);
/// let xml = export_role(&role)?;
/// assert!(xml.contains(r#"<RolePrivilege name="prvReadmsdyn_ocliveworkitem" level="Local" />"#));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DataverseRole {
    /// The role: id by the slug rule, the name, the grants sorted by key,
    /// the inheritance (`DirectUserBasic` when not stated).
    pub role: Role,
    /// The role's identity in Dataverse.
    pub guid: RoleGuid,
    /// `isinherited` as stated; `None` when the file leaves it out.
    pub inheritance: Option<Inheritance>,
    /// `<IsCustomizable>`, when present.
    pub is_customizable: Option<bool>,
    /// `<IsAutoAssigned>`, when present.
    pub is_auto_assigned: Option<bool>,
    /// The name each granted key was written with (`note:read` →
    /// `prvReadNote`); export uses it, and derives a name for keys
    /// missing here.
    pub privilege_names: BTreeMap<Privilege, String>,
}

impl DataverseRole {
    /// A role built here, to export under `guid`: the inheritance stated as
    /// the role's, the role customizable, no recorded names.
    ///
    /// ```
    /// use rbac_profiles::dataverse::{DataverseRole, RoleGuid};
    /// use rbac_profiles::{Inheritance, Role};
    ///
    /// let role = DataverseRole::new(Role::new("r", "R"), RoleGuid::new("44444444-aaaa-4bbb-8ccc-000000000004")?);
    /// assert_eq!(role.inheritance, Some(Inheritance::DirectUserBasic));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn new(role: Role, guid: RoleGuid) -> Self {
        Self {
            inheritance: Some(role.inheritance),
            role,
            guid,
            is_customizable: Some(true),
            is_auto_assigned: None,
            privilege_names: BTreeMap::new(),
        }
    }
}

/// Why the importer left something out, as [`ImportReport::skipped`]
/// lists it.
///
/// ```
/// use rbac_profiles::dataverse::SkipReason;
///
/// let reason = SkipReason::NotRoleFile { root: "AppModule".into() };
/// assert_eq!(reason.to_string(), "not a role file (root <AppModule>)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// The file's root is neither `<Role>` nor `<ImportExportXml>`.
    NotRoleFile {
        /// The root element's name.
        root: String,
    },
    /// A `<RolePrivilege level="None">`: not granted.
    NotGranted {
        /// The privilege's name.
        privilege: String,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::NotRoleFile { root } => write!(f, "not a role file (root <{root}>)"),
            SkipReason::NotGranted { privilege } => {
                write!(f, "{privilege} at level None: not granted")
            }
        }
    }
}

/// One thing the importer left out, and where.
///
/// ```
/// use rbac_profiles::dataverse::{Skipped, SkipReason};
///
/// let skipped = Skipped { file: "AppModule.xml".into(), line: 2, column: 1,
///                         reason: SkipReason::NotRoleFile { root: "AppModule".into() } };
/// assert_eq!(skipped.to_string(), "AppModule.xml:2:1: not a role file (root <AppModule>)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub file: String,
    /// The line, counting from 1 (0 for a whole file).
    pub line: usize,
    /// The column, counting from 1 (0 for a whole file).
    pub column: usize,
    /// Why.
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.reason
        )
    }
}

/// A role found in more than one place (solution layering), merged.
///
/// ```
/// use rbac_profiles::dataverse::{MergedRole, RoleGuid};
///
/// let merged = MergedRole { id: "agent".into(), guid: RoleGuid::new("11111111-aaaa-4bbb-8ccc-000000000001")?,
///                           files: vec!["a.xml".into(), "b.xml".into()] };
/// assert_eq!(merged.to_string(), "agent {11111111-aaaa-4bbb-8ccc-000000000001}: a.xml, b.xml");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedRole {
    /// The role's id.
    pub id: RoleId,
    /// Its GUID.
    pub guid: RoleGuid,
    /// Every file it was read from, in reading order (a file twice when it
    /// holds the role twice).
    pub files: Vec<String>,
}

impl fmt::Display for MergedRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.id, self.guid, self.files.join(", "))
    }
}

/// What an import read, mapped, merged and left out.
///
/// Its lists grow with the input: one `skipped` entry per skipped file or
/// `None`-level privilege, one `merged` entry per role read more than once,
/// one `miscellaneous` entry per distinct miscellaneous privilege.
///
/// ```
/// let import = rbac_profiles::dataverse::Importer::new().finish();
/// assert_eq!(import.report.files, 0);
/// assert_eq!(import.report.to_string(), "0 files, 0 role elements, 0 roles, 0 table privileges, 0 miscellaneous privileges\n");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportReport {
    /// Files (and readers) read, skipped ones included.
    pub files: usize,
    /// `<Role>` elements read.
    pub role_elements: usize,
    /// Roles after merging by GUID.
    pub roles: usize,
    /// `<RolePrivilege>` elements granted a table privilege.
    pub table_privileges: usize,
    /// `<RolePrivilege>` elements granted a miscellaneous privilege.
    pub misc_privileges: usize,
    /// Every distinct miscellaneous privilege: key → name as first read.
    pub miscellaneous: BTreeMap<Privilege, String>,
    /// Roles read more than once, by id.
    pub merged: Vec<MergedRole>,
    /// What was left out, in reading order.
    pub skipped: Vec<Skipped>,
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}, {}, {}, {}, {}",
            plural(self.files, "file", "files"),
            plural(self.role_elements, "role element", "role elements"),
            plural(self.roles, "role", "roles"),
            plural(self.table_privileges, "table privilege", "table privileges"),
            plural(
                self.misc_privileges,
                "miscellaneous privilege",
                "miscellaneous privileges"
            ),
        )?;
        for (key, name) in &self.miscellaneous {
            writeln!(f, "miscellaneous: {name} as {key}")?;
        }
        for merged in &self.merged {
            writeln!(f, "merged: {merged}")?;
        }
        for skipped in &self.skipped {
            writeln!(f, "skipped: {skipped}")?;
        }
        Ok(())
    }
}

/// The result of an import: the roles, sorted by id, and the report.
///
/// ```
/// let import = rbac_profiles::dataverse::Importer::new().finish();
/// assert!(import.roles.is_empty());
/// assert!(import.privileges().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Import {
    /// The roles, sorted by id.
    pub roles: Vec<DataverseRole>,
    /// What was read and left out.
    pub report: ImportReport,
}

impl Import {
    /// The imported role with this id.
    ///
    /// ```
    /// let import = rbac_profiles::dataverse::Importer::new().finish();
    /// assert!(import.role("contoso-agent").is_none());
    /// ```
    pub fn role(&self, id: &str) -> Option<&DataverseRole> {
        self.roles.iter().find(|r| r.role.id.as_str() == id)
    }

    /// Every key a role grants, sorted, described by its Dataverse name:
    /// the catalogue the roles need on their own.
    ///
    /// ```
    /// use rbac_profiles::dataverse::Importer;
    ///
    /// let mut importer = Importer::new();
    /// importer.read_str("r.xml", r#"<Role id="{11111111-aaaa-4bbb-8ccc-000000000001}" name="R">
    ///   <RolePrivileges><RolePrivilege name="prvReadNote" level="Basic"/></RolePrivileges></Role>"#)?;
    /// let defs = importer.finish().privileges();
    /// assert_eq!(defs[0].key.as_str(), "note:read");
    /// assert_eq!(defs[0].description, "prvReadNote");
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn privileges(&self) -> Vec<PrivilegeDef> {
        let mut names: BTreeMap<&Privilege, String> = BTreeMap::new();
        for role in &self.roles {
            for key in role.role.grants.keys() {
                if !names.contains_key(key) {
                    let name = role
                        .privilege_names
                        .get(key)
                        .cloned()
                        .or_else(|| name::canonical_name(key))
                        .unwrap_or_default();
                    names.insert(key, name);
                }
            }
        }
        names
            .into_iter()
            .map(|(key, name)| PrivilegeDef::new(key.clone(), name))
            .collect()
    }

    /// The roles and the privileges the built-in catalogue lacks: a
    /// document for [`Directory::builtin_with`](crate::Directory::builtin_with)
    /// (and, as JSON, [`Directory::from_json`](crate::Directory::from_json)).
    /// For a directory without the catalogue, add every key with
    /// [`Import::privileges`].
    ///
    /// ```
    /// let doc = rbac_profiles::dataverse::Importer::new().finish().to_doc();
    /// assert!(doc.roles.is_empty());
    /// ```
    pub fn to_doc(&self) -> DirectoryDoc {
        let builtin: BTreeSet<Privilege> = DirectoryDoc::builtin()
            .privileges
            .into_iter()
            .map(|def| def.key)
            .collect();
        DirectoryDoc {
            privileges: self
                .privileges()
                .into_iter()
                .filter(|def| !builtin.contains(&def.key))
                .collect(),
            roles: self.roles.iter().map(|r| r.role.clone()).collect(),
            ..DirectoryDoc::default()
        }
    }
}

/// Reads role files one by one and merges them; [`Importer::finish`] gives
/// the [`Import`].
///
/// Each `read_*` call reads one file whole or not at all: on an error
/// nothing of that file is kept, and the importer can go on with the next.
///
/// ```
/// use rbac_profiles::dataverse::Importer;
/// use rbac_profiles::{Error, ImportProblem};
///
/// let mut importer = Importer::new().max_file_bytes(1024);
/// let err = importer.read_str("bad.xml", "<Role id=\"x\" name=\"R\"/>").unwrap_err();
/// assert_eq!(err.to_string(), r#"bad.xml:1:1: role id "x" is not a guid"#);
/// assert!(matches!(err, Error::Import { problem: ImportProblem::InvalidGuid { .. }, .. }));
/// ```
#[derive(Clone, Debug)]
pub struct Importer {
    max_file_bytes: u64,
    max_depth: usize,
    roles: IndexMap<RoleGuid, Merging>,
    report: ImportReport,
}

/// A role being merged from its files.
#[derive(Clone, Debug, Default)]
struct Merging {
    name: String,
    inheritance: Option<Inheritance>,
    is_customizable: Option<bool>,
    is_auto_assigned: Option<bool>,
    grants: BTreeMap<Privilege, AccessLevel>,
    names: BTreeMap<Privilege, String>,
    files: Vec<String>,
}

impl Default for Importer {
    fn default() -> Self {
        Self::new()
    }
}

impl Importer {
    /// The default file size limit: 16 MiB.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
    /// The default nesting limit: 32 levels (role files use 3).
    pub const DEFAULT_MAX_DEPTH: usize = 32;

    /// An importer with the default limits and nothing read.
    ///
    /// ```
    /// let import = rbac_profiles::dataverse::Importer::new().finish();
    /// assert_eq!(import.report.roles, 0);
    /// ```
    pub fn new() -> Self {
        Self {
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            roles: IndexMap::new(),
            report: ImportReport::default(),
        }
    }

    /// Refuses files larger than `bytes` ([`ImportProblem::TooLarge`]),
    /// before reading more than that.
    ///
    /// ```
    /// let mut importer = rbac_profiles::dataverse::Importer::new().max_file_bytes(10);
    /// assert!(importer.read_str("r.xml", "<Role id='' name=''/>").is_err());
    /// ```
    #[must_use]
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = bytes;
        self
    }

    /// Refuses elements nested deeper than `depth` ([`ImportProblem::TooDeep`]).
    ///
    /// ```
    /// let mut importer = rbac_profiles::dataverse::Importer::new().max_depth(2);
    /// let err = importer.read_str("c.xml", "<ImportExportXml><a><b/></a></ImportExportXml>").unwrap_err();
    /// assert_eq!(err.to_string(), "c.xml:1:21: elements nested deeper than 2 levels");
    /// ```
    #[must_use]
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Reads the role file text `text`, naming it `file` in errors and in
    /// the report. A leading byte-order mark is skipped.
    ///
    /// # Errors
    ///
    /// [`Error::Import`] with the file, line and column (see the module's
    /// "Bad input").
    ///
    /// ```
    /// let mut importer = rbac_profiles::dataverse::Importer::new();
    /// let err = importer.read_str("r.xml", "<Role id=\"{11111111-aaaa-4bbb-8ccc-000000000001}\" name=\"R\">
    ///   <RolePrivileges><RolePrivilege name=\"prvReadNote\" level=\"Organization\"/></RolePrivileges></Role>").unwrap_err();
    /// assert_eq!(err.to_string(), r#"r.xml:2:19: unknown privilege level "Organization" (expected Basic, Local, Deep, Global or None)"#);
    /// ```
    pub fn read_str(&mut self, file: &str, text: &str) -> Result<(), Error> {
        self.read_bytes(file, text.as_bytes())
    }

    /// Reads role file bytes (UTF-8, a byte-order mark allowed).
    ///
    /// # Errors
    ///
    /// As [`Importer::read_str`]; [`ImportProblem::NotUtf8`] for bytes that
    /// are not UTF-8.
    ///
    /// ```
    /// let mut importer = rbac_profiles::dataverse::Importer::new();
    /// assert!(importer.read_bytes("r.xml", b"\xef\xbb\xbf<Role id='{11111111-aaaa-4bbb-8ccc-000000000001}' name='R'/>").is_ok());
    /// assert!(importer.read_bytes("r.xml", b"<Role name='\xff'/>").is_err());
    /// ```
    pub fn read_bytes(&mut self, file: &str, bytes: &[u8]) -> Result<(), Error> {
        let whole = |problem| Error::Import {
            file: file.to_owned(),
            line: 0,
            column: 0,
            problem,
        };
        if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > self.max_file_bytes {
            return Err(whole(ImportProblem::TooLarge {
                limit: self.max_file_bytes,
            }));
        }
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|err| {
            let valid = bytes.get(..err.valid_up_to()).unwrap_or_default();
            let (line, column) =
                parse::position(std::str::from_utf8(valid).unwrap_or(""), valid.len());
            Error::Import {
                file: file.to_owned(),
                line,
                column,
                problem: ImportProblem::NotUtf8,
            }
        })?;
        let parsed = parse::parse(file, text, self.max_depth)?;
        self.report.files += 1;
        match parsed {
            Parsed::NotRoleFile { root } => self.report.skipped.push(Skipped {
                file: file.to_owned(),
                line: 0,
                column: 0,
                reason: SkipReason::NotRoleFile { root },
            }),
            Parsed::Roles(roles) => {
                for role in roles {
                    self.merge(file, role);
                }
            }
        }
        Ok(())
    }

    /// Reads a role file from `reader`, at most
    /// [`max_file_bytes`](Importer::max_file_bytes) and one byte more.
    ///
    /// # Errors
    ///
    /// As [`Importer::read_bytes`]; [`ImportProblem::Io`] when reading fails.
    ///
    /// ```
    /// let mut importer = rbac_profiles::dataverse::Importer::new().max_file_bytes(1 << 20);
    /// let endless = std::io::repeat(b' ');
    /// let err = importer.read("endless.xml", endless).unwrap_err();
    /// assert_eq!(err.to_string(), "endless.xml:0:0: larger than 1048576 bytes");
    /// ```
    pub fn read(&mut self, file: &str, reader: impl Read) -> Result<(), Error> {
        let mut bytes = Vec::new();
        reader
            .take(self.max_file_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|err| io_error(file, &err))?;
        self.read_bytes(file, &bytes)
    }

    /// Reads the role file at `path`, named by its path.
    ///
    /// # Errors
    ///
    /// As [`Importer::read`].
    ///
    /// ```
    /// let mut importer = rbac_profiles::dataverse::Importer::new();
    /// assert!(importer.read_file("no/such/file.xml".as_ref()).is_err());
    /// ```
    pub fn read_file(&mut self, path: &Path) -> Result<(), Error> {
        let file = path.display().to_string();
        let opened = std::fs::File::open(path).map_err(|err| io_error(&file, &err))?;
        self.read(&file, opened)
    }

    /// Reads every `*.xml` file under `folder`, recursively, in path order
    /// (symbolic links are not followed), and returns how many it read.
    /// Files that are not role files are reported as skipped.
    ///
    /// # Errors
    ///
    /// The first file's error, as [`Importer::read_file`]; files read
    /// before it are kept.
    ///
    /// ```
    /// let mut importer = rbac_profiles::dataverse::Importer::new();
    /// assert!(importer.read_dir("no/such/folder".as_ref()).is_err());
    /// ```
    pub fn read_dir(&mut self, folder: &Path) -> Result<usize, Error> {
        let mut files = Vec::new();
        let mut folders = vec![folder.to_path_buf()];
        while let Some(folder) = folders.pop() {
            let name = folder.display().to_string();
            let entries = std::fs::read_dir(&folder).map_err(|err| io_error(&name, &err))?;
            for entry in entries {
                let entry = entry.map_err(|err| io_error(&name, &err))?;
                let kind = entry.file_type().map_err(|err| io_error(&name, &err))?;
                let path = entry.path();
                if kind.is_dir() {
                    folders.push(path);
                } else if kind.is_file()
                    && path
                        .extension()
                        .is_some_and(|ext| ext.eq_ignore_ascii_case("xml"))
                {
                    files.push(path);
                }
            }
        }
        files.sort();
        for path in &files {
            self.read_file(path)?;
        }
        Ok(files.len())
    }

    fn merge(&mut self, file: &str, role: ParsedRole) {
        let report = &mut self.report;
        report.role_elements += 1;
        for (name, line, column) in role.not_granted {
            report.skipped.push(Skipped {
                file: file.to_owned(),
                line,
                column,
                reason: SkipReason::NotGranted { privilege: name },
            });
        }
        let merging = self.roles.entry(role.guid).or_default();
        merging.files.push(file.to_owned());
        merging.name = role.name;
        merging.inheritance = role.inheritance.or(merging.inheritance);
        merging.is_customizable = role.is_customizable.or(merging.is_customizable);
        merging.is_auto_assigned = role.is_auto_assigned.or(merging.is_auto_assigned);
        for (name, key, level, misc) in role.privileges {
            if misc {
                report.misc_privileges += 1;
                report
                    .miscellaneous
                    .entry(key.clone())
                    .or_insert_with(|| name.clone());
            } else {
                report.table_privileges += 1;
            }
            let held = merging.grants.entry(key.clone()).or_insert(level);
            *held = (*held).max(level);
            merging.names.entry(key).or_insert(name);
        }
    }

    /// The roles read so far, merged, with their ids (see the module's
    /// "Role ids"), and the report.
    ///
    /// ```
    /// let mut importer = rbac_profiles::dataverse::Importer::new();
    /// importer.read_str("a.xml", "<Role id='{11111111-aaaa-4bbb-8ccc-000000000001}' name='Basic User'/>")?;
    /// importer.read_str("b.xml", "<Role id='{22222222-aaaa-4bbb-8ccc-000000000002}' name='Agent'/>")?;
    /// let import = importer.finish();
    /// let ids: Vec<&str> = import.roles.iter().map(|r| r.role.id.as_str()).collect();
    /// assert_eq!(ids, ["agent", "basic-user-11111111"]);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn finish(self) -> Import {
        let Importer {
            roles, mut report, ..
        } = self;
        let mut slug_count: BTreeMap<String, usize> = BTreeMap::new();
        for merging in roles.values() {
            *slug_count.entry(slug(&merging.name)).or_default() += 1;
        }
        let mut imported: Vec<DataverseRole> = roles
            .into_iter()
            .map(|(guid, merging)| {
                let slug = slug(&merging.name);
                let clashes = slug.is_empty()
                    || slug_count.get(&slug).is_some_and(|count| *count > 1)
                    || catalog::ROLE_IDS.iter().any(|id| id.as_str() == slug);
                let id = match (clashes, slug.is_empty()) {
                    (false, _) => slug,
                    (true, true) => format!("role-{}", guid.short()),
                    (true, false) => format!("{slug}-{}", guid.short()),
                };
                if merging.files.len() > 1 {
                    report.merged.push(MergedRole {
                        id: RoleId::new(id.clone()),
                        guid: guid.clone(),
                        files: merging.files.clone(),
                    });
                }
                DataverseRole {
                    role: Role {
                        id: RoleId::new(id),
                        name: merging.name,
                        grants: merging.grants.into_iter().collect(),
                        includes: Vec::new(),
                        inheritance: merging.inheritance.unwrap_or_default(),
                    },
                    guid,
                    inheritance: merging.inheritance,
                    is_customizable: merging.is_customizable,
                    is_auto_assigned: merging.is_auto_assigned,
                    privilege_names: merging.names,
                }
            })
            .collect();
        imported.sort_by(|a, b| (&a.role.id, &a.guid).cmp(&(&b.role.id, &b.guid)));
        report
            .merged
            .sort_by(|a, b| (&a.id, &a.guid).cmp(&(&b.id, &b.guid)));
        report.roles = imported.len();
        Import {
            roles: imported,
            report,
        }
    }
}

fn io_error(file: &str, err: &std::io::Error) -> Error {
    Error::Import {
        file: file.to_owned(),
        line: 0,
        column: 0,
        problem: ImportProblem::Io {
            message: err.to_string(),
        },
    }
}

/// A role name as an id: ASCII letters and digits lowercased, every other
/// run of characters one `-`, none at either end.
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The actions of a table key in the import example's matrix order:
/// `append_to`, `append`, `create`, `read`, `write`, `delete`, `assign`,
/// `share`.
///
/// ```
/// let actions: Vec<&str> = rbac_profiles::dataverse::table_actions().collect();
/// assert_eq!(actions.len(), 8);
/// assert_eq!(actions[0], "append_to");
/// ```
pub fn table_actions() -> impl Iterator<Item = &'static str> {
    name::table_actions()
}

/// Whether a key is a miscellaneous privilege (`misc:<name>`).
///
/// ```
/// use rbac_profiles::dataverse::is_miscellaneous;
///
/// assert!(is_miscellaneous(&"misc:flow".parse()?));
/// assert!(!is_miscellaneous(&"note:read".parse()?));
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn is_miscellaneous(key: &Privilege) -> bool {
    key.entity() == name::MISC
}
