//! `PgStore`: the crate's storage traits over PostgreSQL, as a host running
//! several instances over one database would write them.
//!
//! Shared by `examples/fleet.rs` and `tests/postgres.rs` (each includes
//! this file with `#[path]`). The schema is that of the SQLite example (one
//! table per entity and per list, each list row with its position, foreign
//! keys), in a PostgreSQL schema of its own, plus what several instances
//! need:
//!
//! - `meta`: one row holding the store's version, locked (`FOR UPDATE`) by
//!   every change set, so writers are serialized and versions have no gaps;
//! - `changes`: one row per change set, `(version, changes)` with the
//!   changes as JSON, written in the same transaction as the entities; rows
//!   older than the horizon (the last `horizon` sets are kept) are deleted
//!   by the same transaction, and a reader behind them loads again;
//! - `NOTIFY rbac_changes_<schema>, '<version>'`, delivered to listeners
//!   when the transaction commits (never for one rolled back); each schema
//!   has its channel ([`channel`]), so a host hears its own store's change
//!   sets only, however many stores share the database.
//!
//! Conflicts: the store remembers the version at which a read session began
//! (the first read after the last `apply`, or [`PgStore::begin`]). `apply`
//! takes the lock, and when the version has moved since, refuses the change
//! set with a [`Conflict`] (as the [`StoreError`]'s inner error): the
//! crate's checks read a state that is no longer the database's, so the
//! administrator reads again and retries. A change set applied without any
//! read before it is not checked against anything (a blind write).
//!
//! Round trips: each `Store` read is one query (an entity's lists come back
//! as arrays beside its row), and the catalogue (roles, privileges, secured
//! columns), which no change set writes, is read once per store
//! ([`Catalogue`]). `import` sends each table's rows in one binary `COPY`.

// Each includer uses a different part of the store.
#![allow(dead_code)]

use std::borrow::Cow;
use std::cell::{Cell, RefCell, RefMut};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, GenericClient, NoTls, Row, Statement, Transaction};
use rbac_profiles::{
    AccessLevel, BusinessUnit, BusinessUnitId, Change, ChangeSet, ChannelProvider, ColumnAccess,
    ColumnKey, ColumnProfile, ColumnProfileId, Directory, DirectoryDoc, Licence, Privilege,
    PrivilegeDef, ProductivityPane, Profile, ProfileId, ProfileSettings, Role, RoleAssignment,
    RoleId, Store, StoreError, StoreMut, Team, TeamId, Template, TemplateId, ToolSettings, User,
    UserId,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The channel the change sets of the store in `schema` are announced on,
/// `rbac_changes_<schema>`, with the version as the payload.
///
/// # Errors
///
/// When `schema` is not a schema name a store accepts.
pub fn channel(schema: &str) -> Result<String, StoreError> {
    check_schema(schema)?;
    Ok(format!("rbac_changes_{schema}"))
}

/// The column types of the `COPY`s of an import.
const T: Type = Type::TEXT;
const I: Type = Type::INT8;
const B: Type = Type::BOOL;

/// From this many users on, [`PgStore::import`] drops the foreign keys
/// and adds them back after the copies.
pub const BULK_USERS: usize = 1000;

/// How many change sets a store keeps unless told otherwise.
pub const HORIZON: u64 = 1024;

/// The schema, created in the store's own PostgreSQL schema. Foreign keys
/// are checked when the transaction commits, so a change set may write its
/// rows in any order.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    one     BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    version BIGINT NOT NULL CHECK (version >= 0)
);
INSERT INTO meta (one, version) VALUES (TRUE, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS changes (
    version BIGINT PRIMARY KEY CHECK (version > 0),
    -- The change set as serde_json writes it (text: jsonb can't hold NUL).
    changes TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS business_units (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    parent   TEXT REFERENCES business_units (id) DEFERRABLE INITIALLY DEFERRED,
    position BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_root ON business_units ((parent IS NULL)) WHERE parent IS NULL;
CREATE TABLE IF NOT EXISTS privileges (
    key         TEXT PRIMARY KEY CHECK (key <> ''),
    description TEXT NOT NULL,
    position    BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS roles (
    id          TEXT PRIMARY KEY CHECK (id <> ''),
    name        TEXT NOT NULL,
    inheritance TEXT NOT NULL CHECK (inheritance IN ('team_privileges_only', 'direct_user_basic')),
    position    BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
    role      TEXT NOT NULL REFERENCES roles (id) DEFERRABLE INITIALLY DEFERRED,
    privilege TEXT NOT NULL REFERENCES privileges (key) DEFERRABLE INITIALLY DEFERRED,
    level     TEXT NOT NULL CHECK (level IN
        ('none', 'user', 'business_unit', 'parent_child_business_unit', 'organization')),
    position  BIGINT NOT NULL,
    PRIMARY KEY (role, privilege)
);
CREATE TABLE IF NOT EXISTS inclusions (
    role     TEXT NOT NULL REFERENCES roles (id) DEFERRABLE INITIALLY DEFERRED,
    included TEXT NOT NULL REFERENCES roles (id) DEFERRABLE INITIALLY DEFERRED,
    position BIGINT NOT NULL,
    PRIMARY KEY (role, included)
);
CREATE TABLE IF NOT EXISTS teams (
    id            TEXT PRIMARY KEY CHECK (id <> ''),
    name          TEXT NOT NULL,
    business_unit TEXT REFERENCES business_units (id) DEFERRABLE INITIALLY DEFERRED,
    position      BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS team_roles (
    team     TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    role     TEXT NOT NULL REFERENCES roles (id) DEFERRABLE INITIALLY DEFERRED,
    position BIGINT NOT NULL,
    PRIMARY KEY (team, role)
);
CREATE TABLE IF NOT EXISTS users (
    id            TEXT PRIMARY KEY CHECK (id <> ''),
    name          TEXT NOT NULL,
    business_unit TEXT REFERENCES business_units (id) DEFERRABLE INITIALLY DEFERRED,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    position      BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_position ON users (position);
-- A role assigned to a user, in the user's own unit (NULL) or another.
CREATE TABLE IF NOT EXISTS user_roles (
    user_id       TEXT NOT NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
    role          TEXT NOT NULL REFERENCES roles (id) DEFERRABLE INITIALLY DEFERRED,
    business_unit TEXT REFERENCES business_units (id) DEFERRABLE INITIALLY DEFERRED,
    position      BIGINT NOT NULL,
    PRIMARY KEY (user_id, position)
);
CREATE UNIQUE INDEX IF NOT EXISTS user_role_once
    ON user_roles (user_id, role, COALESCE(business_unit, ''));
-- One row a membership: the team lists the user and the user the team.
CREATE TABLE IF NOT EXISTS memberships (
    team          TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    user_id       TEXT NOT NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
    team_position BIGINT NOT NULL,
    user_position BIGINT NOT NULL,
    PRIMARY KEY (team, user_id)
);
CREATE INDEX IF NOT EXISTS memberships_user ON memberships (user_id);
CREATE TABLE IF NOT EXISTS templates (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('session', 'application_tab', 'notification')),
    origin   TEXT NOT NULL DEFAULT 'custom' CHECK (origin IN ('out_of_box', 'custom')),
    position BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS profiles (
    id           TEXT PRIMARY KEY CHECK (id <> ''),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('out_of_box', 'custom')),
    rank         BIGINT CHECK (rank > 0),
    is_default   BOOLEAN NOT NULL,
    pane_enabled BOOLEAN NOT NULL,
    position     BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS profile_roles (
    profile  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    role     TEXT NOT NULL REFERENCES roles (id) DEFERRABLE INITIALLY DEFERRED,
    position BIGINT NOT NULL,
    PRIMARY KEY (profile, role)
);
CREATE TABLE IF NOT EXISTS profile_users (
    profile  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    user_id  TEXT NOT NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
    position BIGINT NOT NULL,
    PRIMARY KEY (profile, user_id)
);
-- The templates of a profile's settings; `list` says which list.
CREATE TABLE IF NOT EXISTS profile_templates (
    profile  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    template TEXT NOT NULL REFERENCES templates (id) DEFERRABLE INITIALLY DEFERRED,
    list     TEXT NOT NULL CHECK (list IN ('session', 'application_tab', 'notification')),
    position BIGINT NOT NULL,
    PRIMARY KEY (profile, template)
);
CREATE TABLE IF NOT EXISTS profile_channels (
    profile TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    channel TEXT NOT NULL,
    PRIMARY KEY (profile, channel)
);
CREATE TABLE IF NOT EXISTS profile_tools (
    profile TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    tool    TEXT NOT NULL,
    PRIMARY KEY (profile, tool)
);
CREATE TABLE IF NOT EXISTS secured_columns (
    key      TEXT PRIMARY KEY CHECK (key <> ''),
    position BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS column_profiles (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS column_profile_users (
    profile  TEXT NOT NULL REFERENCES column_profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    user_id  TEXT NOT NULL REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED,
    position BIGINT NOT NULL,
    PRIMARY KEY (profile, user_id)
);
CREATE TABLE IF NOT EXISTS column_profile_teams (
    profile  TEXT NOT NULL REFERENCES column_profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    team     TEXT NOT NULL REFERENCES teams (id) DEFERRABLE INITIALLY DEFERRED,
    position BIGINT NOT NULL,
    PRIMARY KEY (profile, team)
);
CREATE TABLE IF NOT EXISTS column_permissions (
    profile    TEXT NOT NULL REFERENCES column_profiles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    column_key TEXT NOT NULL REFERENCES secured_columns (key) DEFERRABLE INITIALLY DEFERRED,
    can_read   BOOLEAN NOT NULL,
    can_update BOOLEAN NOT NULL,
    can_create BOOLEAN NOT NULL,
    position   BIGINT NOT NULL,
    PRIMARY KEY (profile, column_key)
);
-- The organisation's licences; `licensing` has its one row only when the
-- document lists them (an empty list included): no row, not modelled.
CREATE TABLE IF NOT EXISTS licensing (
    one BOOLEAN PRIMARY KEY CHECK (one)
);
CREATE TABLE IF NOT EXISTS licences (
    licence TEXT PRIMARY KEY CHECK (licence <> '')
);
CREATE TABLE IF NOT EXISTS tool_settings (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    tool     TEXT NOT NULL,
    position BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS channel_providers (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    channel  TEXT NOT NULL,
    position BIGINT NOT NULL
);
-- The document's `fallback_profile`, when it names one.
CREATE TABLE IF NOT EXISTS fallback_profile (
    one     BOOLEAN PRIMARY KEY CHECK (one),
    profile TEXT NOT NULL REFERENCES profiles (id) DEFERRABLE INITIALLY DEFERRED
);
";

/// Another administrator's change set was committed between this store's
/// reads and its `apply`: the change set was checked against a state that
/// is gone, so it was refused whole. Read again and retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The version the reads began at.
    pub expected: u64,
    /// The version the database was at when the change set came.
    pub found: u64,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "conflict: the change set was checked at version {} but the store is at version {}",
            self.expected, self.found
        )
    }
}

impl std::error::Error for Conflict {}

/// A [`Store`] and [`StoreMut`] over one PostgreSQL schema.
pub struct PgStore {
    /// Always `Some`, but while the store is dropped.
    client: RefCell<Option<Client>>,
    statements: RefCell<HashMap<String, Statement>>,
    schema: String,
    /// The version the current read session began at.
    pinned: Cell<Option<u64>>,
    catalogue: RefCell<Catalogue>,
    horizon: u64,
    notify: bool,
    /// Given the connection when the store is dropped ([`PgStore::on_drop`]).
    on_drop: Option<Box<dyn FnOnce(Connection) + Send>>,
}

/// What the store has read of the catalogue: roles (their grants and
/// inclusions), privileges and secured columns, each found or not. No
/// change set writes them (the crate's [`Change`]s put and remove
/// profiles, templates, users, teams, business units and settings): only
/// [`PgStore::import`] does, into an empty schema. So what was read stays
/// true, and the store reads each once; `import` and [`PgStore::reset`]
/// forget them.
#[derive(Default)]
struct Catalogue {
    roles: HashMap<RoleId, Option<Role>>,
    privileges: HashMap<Privilege, Option<PrivilegeDef>>,
    privilege_keys: Option<Vec<Privilege>>,
    secured_columns: HashMap<ColumnKey, bool>,
}

/// A dropped store's connection to its schema, with the statements
/// prepared on it: [`PgStore::reuse`] makes a store of it again.
pub struct Connection {
    client: Client,
    statements: HashMap<String, Statement>,
    schema: String,
}

impl Connection {
    /// The PostgreSQL schema the connection's store lived in.
    pub fn schema(&self) -> &str {
        &self.schema
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        let Some(on_drop) = self.on_drop.take() else {
            return;
        };
        if let Some(client) = self.client.get_mut().take().filter(|c| !c.is_closed()) {
            on_drop(Connection {
                client,
                statements: std::mem::take(self.statements.get_mut()),
                schema: std::mem::take(&mut self.schema),
            });
        }
    }
}

/// A database error, as the crate carries it: PostgreSQL's own message
/// when the server refused (the client's `Display` says only "db error").
fn db(err: postgres::Error) -> StoreError {
    match err.as_db_error() {
        Some(refused) => StoreError::new(format!(
            "{}: {}{}",
            refused.severity(),
            refused.message(),
            refused
                .detail()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default()
        )),
        None => StoreError::new(err),
    }
}

/// The name a value of one of the crate's enums has in documents
/// (`"organization"`, `"out_of_box"`, …).
fn name_of<T: Serialize>(value: &T) -> Result<String, StoreError> {
    match serde_json::to_value(value).map_err(StoreError::new)? {
        serde_json::Value::String(name) => Ok(name),
        other => Err(StoreError::new(format!("{other} is not a name"))),
    }
}

/// The value a name read from the database stands for.
fn parse<T: DeserializeOwned>(name: String) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(name)).map_err(StoreError::new)
}

/// A name as stored: PostgreSQL text can't hold NUL, so backslash and
/// NUL are escaped (as two backslashes, and backslash zero). Ids are not
/// escaped: a NUL in an id is refused by the database.
fn esc(name: &str) -> String {
    if !name.contains(['\\', '\0']) {
        return name.to_owned();
    }
    name.replace('\\', "\\\\").replace('\0', "\\0")
}

/// A name as read back: the inverse of [`esc`].
fn unesc(stored: String) -> String {
    if !stored.contains('\\') {
        return stored;
    }
    let mut name = String::with_capacity(stored.len());
    let mut chars = stored.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            name.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => name.push('\0'),
            Some(other) => name.push(other),
            None => name.push('\\'),
        }
    }
    name
}

/// The query of [`Store::profile`] and [`Store::profiles`] but for the
/// `WHERE` or `ORDER BY`: a profile's row and its lists as arrays (read by
/// [`profile_from`]).
macro_rules! select_profiles {
    () => {
        "SELECT p.id, p.name, p.kind, p.rank, p.is_default, p.pane_enabled,
             ARRAY(SELECT template FROM profile_templates
                 WHERE profile = p.id AND list = 'session' ORDER BY position),
             ARRAY(SELECT template FROM profile_templates
                 WHERE profile = p.id AND list = 'application_tab' ORDER BY position),
             ARRAY(SELECT template FROM profile_templates
                 WHERE profile = p.id AND list = 'notification' ORDER BY position),
             ARRAY(SELECT channel FROM profile_channels WHERE profile = p.id),
             ARRAY(SELECT tool FROM profile_tools WHERE profile = p.id),
             ARRAY(SELECT role FROM profile_roles WHERE profile = p.id ORDER BY position),
             ARRAY(SELECT user_id FROM profile_users WHERE profile = p.id ORDER BY position)
         FROM profiles p"
    };
}

/// A profile from a row of [`select_profiles`].
fn profile_from(row: &Row) -> Result<Profile, StoreError> {
    let rank = get::<Option<i64>>(row, 3)?
        .map(u32::try_from)
        .transpose()
        .map_err(StoreError::new)?;
    let channels: Vec<String> = get(row, 9)?;
    let tools: Vec<String> = get(row, 10)?;
    let settings = ProfileSettings {
        session_templates: ids(get(row, 6)?),
        application_tab_templates: ids(get(row, 7)?),
        notification_templates: ids(get(row, 8)?),
        channels: channels.into_iter().map(parse).collect::<Result<_, _>>()?,
        productivity_pane: ProductivityPane {
            enabled: get(row, 5)?,
            tools: tools.into_iter().map(parse).collect::<Result<_, _>>()?,
        },
    };
    Ok(Profile {
        id: ProfileId::from(get::<String>(row, 0)?),
        name: unesc(get(row, 1)?),
        kind: parse(get(row, 2)?)?,
        settings,
        rank,
        roles: ids(get(row, 11)?),
        users: ids(get(row, 12)?),
        default: get(row, 4)?,
    })
}

/// Ids read back as an array.
fn ids<T: From<String>>(array: Vec<String>) -> Vec<T> {
    array.into_iter().map(T::from).collect()
}

fn position(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

fn to_version(v: i64) -> Result<u64, StoreError> {
    u64::try_from(v).map_err(|_| StoreError::new(format!("negative version {v}")))
}

fn from_version(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::new(format!("version {v} is too large")))
}

/// Column `i` of `row`.
fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T, StoreError> {
    row.try_get(i).map_err(db)
}

/// A schema name that needs no quoting: lowercase ASCII letters, digits,
/// underscores, not starting with a digit; at most 50 of them, so that its
/// [`channel`] is a name PostgreSQL keeps whole (63 bytes).
fn check_schema(schema: &str) -> Result<(), StoreError> {
    let good = !schema.is_empty()
        && schema.len() <= 50
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if good {
        Ok(())
    } else {
        Err(StoreError::new(format!("bad schema name {schema:?}")))
    }
}

/// Prepared statements, by their text, for one connection.
struct Statements<'a>(&'a RefCell<HashMap<String, Statement>>);

impl Statements<'_> {
    fn get<C: GenericClient>(&self, client: &mut C, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.0.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = client.prepare(sql).map_err(db)?;
        self.0
            .borrow_mut()
            .insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn execute<C: GenericClient>(
        &self,
        client: &mut C,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<(), StoreError> {
        let statement = self.get(client, sql)?;
        client.execute(&statement, params).map(|_| ()).map_err(db)
    }

    fn query<C: GenericClient>(
        &self,
        client: &mut C,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let statement = self.get(client, sql)?;
        client.query(&statement, params).map_err(db)
    }
}

/// One transaction of `apply` or `import`, with the store's statements.
struct Tx<'c, 's> {
    tx: Transaction<'c>,
    statements: Statements<'s>,
}

impl<'c, 's> Tx<'c, 's> {
    fn execute(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<(), StoreError> {
        self.statements.execute(&mut self.tx, sql, params)
    }

    fn query(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        self.statements.query(&mut self.tx, sql, params)
    }

    /// A binary `COPY` into `target` (`table (column, …)`), of columns of
    /// `types`: [`CopyIn::row`] each row, then [`CopyIn::finish`].
    fn copy<'a>(&'a mut self, target: &'static str, types: &'static [Type]) -> CopyIn<'a, 'c, 's> {
        CopyIn {
            target,
            types,
            tx: Some(self),
            writer: None,
        }
    }

    /// The text in the first column of the rows `sql` selects for `key`.
    fn existing(&mut self, sql: &str, key: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.query(sql, &[&key])?;
        rows.iter().map(|r| get(r, 0)).collect()
    }

    /// Inserts one row `(owner, item, position)` per item, in order.
    fn insert_list<'a>(
        &mut self,
        sql: &str,
        owner: &str,
        items: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), StoreError> {
        for (i, item) in items.into_iter().enumerate() {
            self.execute(sql, &[&owner, &item, &position(i)])?;
        }
        Ok(())
    }
}

/// The schema's foreign keys, as statements that drop them and add them
/// back as they were (names, deferral, `ON DELETE`).
struct ForeignKeys {
    drop: String,
    add: String,
}

impl ForeignKeys {
    fn of(tx: &mut Transaction<'_>) -> Result<Self, StoreError> {
        let rows = tx
            .query(
                "SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
                     format('ALTER TABLE %s ADD CONSTRAINT %I %s',
                         conrelid::regclass, conname, pg_get_constraintdef(oid))
                 FROM pg_constraint
                 WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
                &[],
            )
            .map_err(db)?;
        let mut keys = Self {
            drop: String::new(),
            add: String::new(),
        };
        for row in &rows {
            keys.drop += &get::<String>(row, 0)?;
            keys.drop += ";\n";
            keys.add += &get::<String>(row, 1)?;
            keys.add += ";\n";
        }
        Ok(keys)
    }
}

/// Rows going into one table by binary `COPY … FROM STDIN` (see
/// [`Tx::copy`]). Dropped unfinished, the copy is aborted, and with it the
/// transaction.
struct CopyIn<'a, 'c, 's> {
    target: &'static str,
    types: &'static [Type],
    /// The transaction, until the first row starts the copy.
    tx: Option<&'a mut Tx<'c, 's>>,
    writer: Option<BinaryCopyInWriter<'a>>,
}

impl CopyIn<'_, '_, '_> {
    /// Writes one row, the values in the order of the target's columns.
    fn row(&mut self, values: &[&(dyn ToSql + Sync)]) -> Result<(), StoreError> {
        if values.len() != self.types.len() {
            return Err(StoreError::new(format!(
                "{} values for the {} columns of {}",
                values.len(),
                self.types.len(),
                self.target
            )));
        }
        if self.writer.is_none() {
            let Some(tx) = self.tx.take() else {
                return Err(StoreError::new("the copy was already finished"));
            };
            let Tx { tx, statements } = tx;
            let sql = format!("COPY {} FROM STDIN (FORMAT binary)", self.target);
            let statement = statements.get(tx, &sql)?;
            let writer = tx.copy_in(&statement).map_err(db)?;
            self.writer = Some(BinaryCopyInWriter::new(writer, self.types));
        }
        match &mut self.writer {
            Some(writer) => writer.write(values).map_err(db),
            None => Err(StoreError::new("the copy did not start")),
        }
    }

    /// Ends the copy (nothing to do when no row was written).
    fn finish(self) -> Result<(), StoreError> {
        match self.writer {
            Some(writer) => writer.finish().map(|_| ()).map_err(db),
            None => Ok(()),
        }
    }
}

impl PgStore {
    /// Connects to the database `url` (libpq `key=value` form or a
    /// `postgresql://` URL) and uses the PostgreSQL schema `schema`,
    /// creating it and the tables when they don't exist.
    pub fn connect(url: &str, schema: &str) -> Result<Self, StoreError> {
        check_schema(schema)?;
        let mut client = Client::connect(url, NoTls).map_err(db)?;
        client
            .batch_execute(&format!(
                "SET client_min_messages = warning;
                 CREATE SCHEMA IF NOT EXISTS {schema};
                 SET search_path TO {schema};"
            ))
            .map_err(db)?;
        // Two first connections may race to create the tables.
        let mut tx = client.transaction().map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&schema])
            .map_err(db)?;
        tx.batch_execute(SCHEMA).map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(Self::reuse(Connection {
            client,
            statements: HashMap::new(),
            schema: schema.to_owned(),
        }))
    }

    /// A store over a dropped store's connection (see [`PgStore::on_drop`]),
    /// holding what the schema holds; settings as [`PgStore::connect`]
    /// makes them.
    pub fn reuse(connection: Connection) -> Self {
        Self {
            client: RefCell::new(Some(connection.client)),
            statements: RefCell::new(connection.statements),
            schema: connection.schema,
            pinned: Cell::new(None),
            catalogue: RefCell::default(),
            horizon: HORIZON,
            notify: true,
            on_drop: None,
        }
    }

    /// The connection, borrowed for one call.
    fn client(&self) -> Result<RefMut<'_, Client>, StoreError> {
        RefMut::filter_map(self.client.borrow_mut(), Option::as_mut)
            .map_err(|_| StoreError::new("the store's connection is gone"))
    }

    /// The store, keeping the last `horizon` change sets (at least one).
    #[must_use]
    pub fn with_horizon(mut self, horizon: u64) -> Self {
        self.horizon = horizon.max(1);
        self
    }

    /// Whether `apply` notifies listeners (it does unless told): turning it
    /// off simulates a lost notification.
    pub fn set_notify(&mut self, notify: bool) {
        self.notify = notify;
    }

    /// The PostgreSQL schema the store lives in.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Begins a read session: the next `apply` is refused with a
    /// [`Conflict`] when another change set is committed before it. Reads
    /// begin one on their own when none is open; call this before an
    /// administration operation when the store may have been read long
    /// before. Returns the version the session begins at.
    pub fn begin(&self) -> Result<u64, StoreError> {
        self.pinned.set(None);
        let version = self.current_version()?;
        self.pinned.set(Some(version));
        Ok(version)
    }

    /// The store, giving its connection to `f` when it is dropped (unless
    /// the connection was closed): so the tests use a connection and its
    /// schema again ([`PgStore::reuse`], [`PgStore::reset`]) instead of
    /// making new ones.
    #[must_use]
    pub fn on_drop(mut self, f: impl FnOnce(Connection) + Send + 'static) -> Self {
        self.on_drop = Some(Box::new(f));
        self
    }

    /// Empties the store in one transaction: every row of every table
    /// deleted, the version back to 0 and the feed with it. The tables
    /// stay, so importing into an emptied schema costs no DDL. The read
    /// session ends.
    pub fn reset(&mut self) -> Result<(), StoreError> {
        self.pinned.set(None);
        *self.catalogue.get_mut() = Catalogue::default();
        let mut client = self.client()?;
        let rows = client
            .query(
                "SELECT format('DELETE FROM %I', tablename) FROM pg_tables
                 WHERE schemaname = current_schema() AND tablename <> 'meta'",
                &[],
            )
            .map_err(db)?;
        let mut batch = String::new();
        for row in &rows {
            batch += &get::<String>(row, 0)?;
            batch += ";\n";
        }
        batch += "UPDATE meta SET version = 0;";
        client.batch_execute(&batch).map_err(db)
    }

    /// Drops every table of the store's schema.
    pub fn drop_schema(self) -> Result<(), StoreError> {
        let schema = self.schema.clone();
        self.client()?
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .map_err(db)
    }

    /// The version in the database now (no session begins).
    pub fn current_version(&self) -> Result<u64, StoreError> {
        let statements = Statements(&self.statements);
        let rows = statements.query(&mut *self.client()?, "SELECT version FROM meta", &[])?;
        match rows.first() {
            Some(row) => to_version(get(row, 0)?),
            None => Err(StoreError::new("the meta table has no row")),
        }
    }

    /// Begins a read session unless one is open: the first read of a
    /// session pins its version (whether or not it reads the database).
    fn pin(&self) -> Result<(), StoreError> {
        if self.pinned.get().is_none() {
            self.begin()?;
        }
        Ok(())
    }

    /// The rows `sql` selects; the first read of a session pins its
    /// version.
    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        self.pin()?;
        let statements = Statements(&self.statements);
        statements.query(&mut *self.client()?, sql, params)
    }

    /// A role, its grants and its inclusions, in one query.
    fn read_role(&self, id: &RoleId) -> Result<Option<Role>, StoreError> {
        let Some(row) = self.row(
            "SELECT r.name, r.inheritance,
                 ARRAY(SELECT privilege FROM grants WHERE role = r.id ORDER BY position, privilege),
                 ARRAY(SELECT level FROM grants WHERE role = r.id ORDER BY position, privilege),
                 ARRAY(SELECT included FROM inclusions WHERE role = r.id ORDER BY position)
             FROM roles r WHERE r.id = $1",
            id.as_str(),
        )?
        else {
            return Ok(None);
        };
        let mut role =
            Role::new(id.clone(), unesc(get(&row, 0)?)).with_inheritance(parse(get(&row, 1)?)?);
        let keys: Vec<String> = get(&row, 2)?;
        let levels: Vec<String> = get(&row, 3)?;
        for (key, level) in keys.into_iter().zip(levels) {
            let key = Privilege::new(key).map_err(StoreError::new)?;
            let level: AccessLevel = level.parse().map_err(StoreError::new)?;
            role.grants.insert(key, level);
        }
        role.includes = ids(get(&row, 4)?);
        Ok(Some(role))
    }

    /// The `T`s in the first column of the rows `sql` selects.
    fn list<T: From<String>>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<T>, StoreError> {
        let rows = self.query(sql, params)?;
        rows.iter()
            .map(|r| get::<String>(r, 0).map(T::from))
            .collect()
    }

    /// The first row `sql` selects by `key` (bound to `$1`).
    fn row(&self, sql: &str, key: &str) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, &[&key])?.into_iter().next())
    }

    fn transaction<'c, 's>(
        client: &'c mut Client,
        statements: &'s RefCell<HashMap<String, Statement>>,
    ) -> Result<Tx<'c, 's>, StoreError> {
        Ok(Tx {
            tx: client.transaction().map_err(db)?,
            statements: Statements(statements),
        })
    }

    /// Loads `directory` into the (empty) schema, in one transaction: each
    /// table's rows in one binary `COPY … FROM STDIN` (none for a table
    /// with no rows), in the order of the document's lists.
    ///
    /// With [`BULK_USERS`] users or more, the foreign keys are dropped
    /// first and added back after the copies, in the same transaction:
    /// adding a key checks every row in one join, where a key in place
    /// checks each row on its own at commit (8 of the 11 s of an import of
    /// 100 000 users).
    pub fn import(&mut self, directory: &Directory) -> Result<(), StoreError> {
        let bulk = directory.users().len() >= BULK_USERS;
        self.import_with(directory, bulk)
    }

    /// [`PgStore::import`], with the foreign keys dropped and added back
    /// (`bulk`) or kept in place, whatever the size.
    pub fn import_with(&mut self, directory: &Directory, bulk: bool) -> Result<(), StoreError> {
        *self.catalogue.get_mut() = Catalogue::default();
        let doc = DirectoryDoc::from(directory.clone());
        let mut client = self.client()?;
        let mut tx = Self::transaction(&mut client, &self.statements)?;
        let dropped = if bulk {
            let keys = ForeignKeys::of(&mut tx.tx)?;
            tx.tx.batch_execute(&keys.drop).map_err(db)?;
            Some(keys)
        } else {
            None
        };

        let mut copy = tx.copy("business_units (id, name, parent, position)", &[T, T, T, I]);
        for (i, unit) in doc.business_units.iter().enumerate() {
            let parent = unit.parent.as_ref().map(BusinessUnitId::as_str);
            copy.row(&[&unit.id.as_str(), &esc(&unit.name), &parent, &position(i)])?;
        }
        copy.finish()?;
        let mut copy = tx.copy("privileges (key, description, position)", &[T, T, I]);
        for (i, privilege) in doc.privileges.iter().enumerate() {
            let description = esc(&privilege.description);
            copy.row(&[&privilege.key.as_str(), &description, &position(i)])?;
        }
        copy.finish()?;
        let mut copy = tx.copy("roles (id, name, inheritance, position)", &[T, T, T, I]);
        for (i, role) in doc.roles.iter().enumerate() {
            let inheritance = name_of(&role.inheritance)?;
            copy.row(&[
                &role.id.as_str(),
                &esc(&role.name),
                &inheritance,
                &position(i),
            ])?;
        }
        copy.finish()?;
        let mut copy = tx.copy("grants (role, privilege, level, position)", &[T, T, T, I]);
        for role in &doc.roles {
            for (i, (key, level)) in role.grants.iter().enumerate() {
                let row: [&(dyn ToSql + Sync); 4] = [
                    &role.id.as_str(),
                    &key.as_str(),
                    &level.as_str(),
                    &position(i),
                ];
                copy.row(&row)?;
            }
        }
        copy.finish()?;
        let mut copy = tx.copy("inclusions (role, included, position)", &[T, T, I]);
        for role in &doc.roles {
            for (i, included) in role.includes.iter().enumerate() {
                copy.row(&[&role.id.as_str(), &included.as_str(), &position(i)])?;
            }
        }
        copy.finish()?;
        let mut copy = tx.copy("teams (id, name, business_unit, position)", &[T, T, T, I]);
        for (i, team) in doc.teams.iter().enumerate() {
            let unit = team.business_unit.as_ref().map(BusinessUnitId::as_str);
            copy.row(&[&team.id.as_str(), &esc(&team.name), &unit, &position(i)])?;
        }
        copy.finish()?;
        let mut copy = tx.copy("team_roles (team, role, position)", &[T, T, I]);
        for team in &doc.teams {
            for (i, role) in team.roles.iter().enumerate() {
                copy.row(&[&team.id.as_str(), &role.as_str(), &position(i)])?;
            }
        }
        copy.finish()?;
        let mut copy = tx.copy(
            "users (id, name, business_unit, disabled, position)",
            &[T, T, T, B, I],
        );
        for (i, user) in doc.users.iter().enumerate() {
            let unit = user.business_unit.as_ref().map(BusinessUnitId::as_str);
            let name = esc(&user.name);
            copy.row(&[
                &user.id.as_str(),
                &name,
                &unit,
                &user.disabled,
                &position(i),
            ])?;
        }
        copy.finish()?;
        let mut copy = tx.copy(
            "user_roles (user_id, role, business_unit, position)",
            &[T, T, T, I],
        );
        for user in &doc.users {
            for (i, assignment) in user.roles.iter().enumerate() {
                let unit = assignment
                    .business_unit
                    .as_ref()
                    .map(BusinessUnitId::as_str);
                let row: [&(dyn ToSql + Sync); 4] = [
                    &user.id.as_str(),
                    &assignment.role.as_str(),
                    &unit,
                    &position(i),
                ];
                copy.row(&row)?;
            }
        }
        copy.finish()?;
        // A checked directory states every membership on both sides.
        let users: HashMap<&str, &User> = doc.users.iter().map(|u| (u.id.as_str(), u)).collect();
        let mut copy = tx.copy(
            "memberships (team, user_id, team_position, user_position)",
            &[T, T, I, I],
        );
        for team in &doc.teams {
            for (i, member) in team.members.iter().enumerate() {
                let at = users
                    .get(member.as_str())
                    .and_then(|u| u.teams.iter().position(|t| t == &team.id));
                let row: [&(dyn ToSql + Sync); 4] = [
                    &team.id.as_str(),
                    &member.as_str(),
                    &position(i),
                    &position(at.unwrap_or(0)),
                ];
                copy.row(&row)?;
            }
        }
        copy.finish()?;
        let mut copy = tx.copy(
            "templates (id, name, kind, origin, position)",
            &[T, T, T, T, I],
        );
        for (i, template) in doc.templates.iter().enumerate() {
            let (kind, origin) = (name_of(&template.kind)?, name_of(&template.origin)?);
            let row: [&(dyn ToSql + Sync); 5] = [
                &template.id.as_str(),
                &esc(&template.name),
                &kind,
                &origin,
                &position(i),
            ];
            copy.row(&row)?;
        }
        copy.finish()?;
        import_profiles(&mut tx, &doc.profiles)?;
        let mut copy = tx.copy("fallback_profile (one, profile)", &[B, T]);
        if let Some(fallback) = &doc.fallback_profile {
            copy.row(&[&true, &fallback.as_str()])?;
        }
        copy.finish()?;
        let mut copy = tx.copy("secured_columns (key, position)", &[T, I]);
        for (i, column) in doc.secured_columns.iter().enumerate() {
            copy.row(&[&column.as_str(), &position(i)])?;
        }
        copy.finish()?;
        import_column_profiles(&mut tx, &doc.column_profiles)?;
        if let Some(licences) = &doc.licences {
            let mut copy = tx.copy("licensing (one)", &[B]);
            copy.row(&[&true])?;
            copy.finish()?;
            let mut copy = tx.copy("licences (licence)", &[T]);
            for licence in licences {
                copy.row(&[&name_of(licence)?])?;
            }
            copy.finish()?;
        }
        let mut copy = tx.copy("tool_settings (id, name, tool, position)", &[T, T, T, I]);
        for (i, settings) in doc.tool_settings.iter().enumerate() {
            let tool = name_of(&settings.tool)?;
            copy.row(&[
                &settings.id.as_str(),
                &esc(&settings.name),
                &tool,
                &position(i),
            ])?;
        }
        copy.finish()?;
        let mut copy = tx.copy(
            "channel_providers (id, name, channel, position)",
            &[T, T, T, I],
        );
        for (i, provider) in doc.channel_providers.iter().enumerate() {
            let channel = name_of(&provider.channel)?;
            copy.row(&[
                &provider.id.as_str(),
                &esc(&provider.name),
                &channel,
                &position(i),
            ])?;
        }
        copy.finish()?;
        if let Some(keys) = &dropped {
            tx.tx.batch_execute(&keys.add).map_err(db)?;
        }
        tx.tx.commit().map_err(db)
    }

    /// The whole organisation and the version it is at, read in one
    /// repeatable-read transaction (so the two agree), the big lists in one
    /// query each: how a host loads its replica at start, and again when it
    /// is behind the feed's horizon.
    pub fn load(&self) -> Result<(Directory, u64), StoreError> {
        let (doc, version) = self.read_only(Self::load_in_transaction)?;
        let directory = Directory::try_from(doc).map_err(StoreError::new)?;
        Ok((directory, version))
    }

    /// Every user, in store order: three queries for all of them.
    fn all_users(&self) -> Result<Vec<User>, StoreError> {
        let mut users = Vec::new();
        let mut roles: HashMap<String, Vec<RoleAssignment>> = HashMap::new();
        for row in self.query(
            "SELECT user_id, role, business_unit FROM user_roles ORDER BY user_id, position",
            &[],
        )? {
            roles
                .entry(get(&row, 0)?)
                .or_default()
                .push(RoleAssignment {
                    role: RoleId::from(get::<String>(&row, 1)?),
                    business_unit: get::<Option<String>>(&row, 2)?.map(BusinessUnitId::from),
                });
        }
        let mut teams: HashMap<String, Vec<TeamId>> = HashMap::new();
        for row in self.query(
            "SELECT user_id, team FROM memberships ORDER BY user_id, user_position",
            &[],
        )? {
            teams
                .entry(get(&row, 0)?)
                .or_default()
                .push(TeamId::from(get::<String>(&row, 1)?));
        }
        for row in self.query(
            "SELECT id, name, business_unit, disabled FROM users ORDER BY position",
            &[],
        )? {
            let id: String = get(&row, 0)?;
            users.push(User {
                roles: roles.remove(&id).unwrap_or_default(),
                teams: teams.remove(&id).unwrap_or_default(),
                name: unesc(get(&row, 1)?),
                business_unit: get::<Option<String>>(&row, 2)?.map(BusinessUnitId::from),
                disabled: get(&row, 3)?,
                id: UserId::from(id),
            });
        }
        Ok(users)
    }

    /// What `read` reads, in one repeatable-read transaction: its queries
    /// see one state of the database.
    fn read_only<T>(
        &self,
        read: impl FnOnce(&Self) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.client()?
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .map_err(db)?;
        let read = read(self);
        // Read only: ending it either way changes nothing.
        self.client()?.batch_execute("COMMIT").map_err(db)?;
        read
    }

    fn load_in_transaction(&self) -> Result<(DirectoryDoc, u64), StoreError> {
        let version = self.current_version()?;
        let mut doc = DirectoryDoc::default();
        for id in self.business_unit_ids()? {
            if let Some(unit) = self.business_unit(&id)? {
                doc.business_units.push(unit.into_owned());
            }
        }
        for row in self.query(
            "SELECT key, description FROM privileges ORDER BY position",
            &[],
        )? {
            let key = Privilege::new(get::<String>(&row, 0)?).map_err(StoreError::new)?;
            doc.privileges
                .push(PrivilegeDef::new(key, unesc(get(&row, 1)?)));
        }
        let roles: Vec<RoleId> = self.list("SELECT id FROM roles ORDER BY position", &[])?;
        for id in roles {
            if let Some(role) = self.role(&id)? {
                doc.roles.push(role.into_owned());
            }
        }
        for id in self.team_ids()? {
            if let Some(team) = self.team(&id)? {
                doc.teams.push(team.into_owned());
            }
        }
        doc.users = self.all_users()?;
        let templates: Vec<TemplateId> =
            self.list("SELECT id FROM templates ORDER BY position", &[])?;
        for id in templates {
            if let Some(template) = self.template(&id)? {
                doc.templates.push(template.into_owned());
            }
        }
        doc.profiles = self.profiles()?.into_iter().map(Cow::into_owned).collect();
        doc.fallback_profile = self
            .list("SELECT profile FROM fallback_profile", &[])?
            .pop();
        let columns: Vec<String> =
            self.list("SELECT key FROM secured_columns ORDER BY position", &[])?;
        doc.secured_columns = columns
            .into_iter()
            .map(|c| ColumnKey::new(c).map_err(StoreError::new))
            .collect::<Result<_, _>>()?;
        doc.column_profiles = self
            .column_profiles()?
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        doc.licences = self.licences()?;
        doc.tool_settings = self
            .tool_settings()?
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        doc.channel_providers = self
            .channel_providers()?
            .into_iter()
            .map(Cow::into_owned)
            .collect();
        Ok((doc, version))
    }
}

/// The profiles of an import and their lists, by `COPY`.
fn import_profiles(tx: &mut Tx<'_, '_>, profiles: &[Profile]) -> Result<(), StoreError> {
    let mut copy = tx.copy(
        "profiles (id, name, kind, rank, is_default, pane_enabled, position)",
        &[T, T, T, I, B, B, I],
    );
    for (i, profile) in profiles.iter().enumerate() {
        let kind = name_of(&profile.kind)?;
        let row: [&(dyn ToSql + Sync); 7] = [
            &profile.id.as_str(),
            &esc(&profile.name),
            &kind,
            &profile.rank.map(i64::from),
            &profile.default,
            &profile.settings.productivity_pane.enabled,
            &position(i),
        ];
        copy.row(&row)?;
    }
    copy.finish()?;
    let mut copy = tx.copy("profile_roles (profile, role, position)", &[T, T, I]);
    for profile in profiles {
        for (i, role) in profile.roles.iter().enumerate() {
            copy.row(&[&profile.id.as_str(), &role.as_str(), &position(i)])?;
        }
    }
    copy.finish()?;
    let mut copy = tx.copy("profile_users (profile, user_id, position)", &[T, T, I]);
    for profile in profiles {
        for (i, user) in profile.users.iter().enumerate() {
            copy.row(&[&profile.id.as_str(), &user.as_str(), &position(i)])?;
        }
    }
    copy.finish()?;
    let mut copy = tx.copy(
        "profile_templates (profile, template, list, position)",
        &[T, T, T, I],
    );
    for profile in profiles {
        let settings = &profile.settings;
        for (list, templates) in [
            ("session", &settings.session_templates),
            ("application_tab", &settings.application_tab_templates),
            ("notification", &settings.notification_templates),
        ] {
            for (i, template) in templates.iter().enumerate() {
                let row: [&(dyn ToSql + Sync); 4] = [
                    &profile.id.as_str(),
                    &template.as_str(),
                    &list,
                    &position(i),
                ];
                copy.row(&row)?;
            }
        }
    }
    copy.finish()?;
    let mut copy = tx.copy("profile_channels (profile, channel)", &[T, T]);
    for profile in profiles {
        for channel in &profile.settings.channels {
            copy.row(&[&profile.id.as_str(), &name_of(channel)?])?;
        }
    }
    copy.finish()?;
    let mut copy = tx.copy("profile_tools (profile, tool)", &[T, T]);
    for profile in profiles {
        for tool in &profile.settings.productivity_pane.tools {
            copy.row(&[&profile.id.as_str(), &name_of(tool)?])?;
        }
    }
    copy.finish()
}

/// The column security profiles of an import and their lists, by `COPY`.
fn import_column_profiles(
    tx: &mut Tx<'_, '_>,
    profiles: &[ColumnProfile],
) -> Result<(), StoreError> {
    let mut copy = tx.copy("column_profiles (id, name, position)", &[T, T, I]);
    for (i, profile) in profiles.iter().enumerate() {
        copy.row(&[&profile.id.as_str(), &esc(&profile.name), &position(i)])?;
    }
    copy.finish()?;
    let mut copy = tx.copy(
        "column_profile_users (profile, user_id, position)",
        &[T, T, I],
    );
    for profile in profiles {
        for (i, user) in profile.users.iter().enumerate() {
            copy.row(&[&profile.id.as_str(), &user.as_str(), &position(i)])?;
        }
    }
    copy.finish()?;
    let mut copy = tx.copy("column_profile_teams (profile, team, position)", &[T, T, I]);
    for profile in profiles {
        for (i, team) in profile.teams.iter().enumerate() {
            copy.row(&[&profile.id.as_str(), &team.as_str(), &position(i)])?;
        }
    }
    copy.finish()?;
    let mut copy = tx.copy(
        "column_permissions (profile, column_key, can_read, can_update, can_create, position)",
        &[T, T, B, B, B, I],
    );
    for profile in profiles {
        for (i, (column, access)) in profile.permissions.iter().enumerate() {
            let row: [&(dyn ToSql + Sync); 6] = [
                &profile.id.as_str(),
                &column.as_str(),
                &access.read,
                &access.update,
                &access.create,
                &position(i),
            ];
            copy.row(&row)?;
        }
    }
    copy.finish()
}

fn put_template(tx: &mut Tx<'_, '_>, template: &Template) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO templates (id, name, kind, origin, position)
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position) + 1, 0) FROM templates))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             origin = excluded.origin",
        &[
            &template.id.as_str(),
            &esc(&template.name),
            &name_of(&template.kind)?,
            &name_of(&template.origin)?,
        ],
    )
}

/// Inserts or replaces productivity tool settings; replaced ones keep their
/// position.
fn put_tool_settings(tx: &mut Tx<'_, '_>, settings: &ToolSettings) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO tool_settings (id, name, tool, position)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position) + 1, 0) FROM tool_settings))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, tool = excluded.tool",
        &[
            &settings.id.as_str(),
            &esc(&settings.name),
            &name_of(&settings.tool)?,
        ],
    )
}

/// Inserts or replaces a channel provider; a replaced one keeps its
/// position.
fn put_channel_provider(tx: &mut Tx<'_, '_>, provider: &ChannelProvider) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO channel_providers (id, name, channel, position)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position) + 1, 0) FROM channel_providers))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, channel = excluded.channel",
        &[
            &provider.id.as_str(),
            &esc(&provider.name),
            &name_of(&provider.channel)?,
        ],
    )
}

/// Inserts or replaces a business unit; a replaced one keeps its position.
fn put_business_unit(tx: &mut Tx<'_, '_>, unit: &BusinessUnit) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO business_units (id, name, parent, position)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position) + 1, 0) FROM business_units))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent = excluded.parent",
        &[
            &unit.id.as_str(),
            &esc(&unit.name),
            &unit.parent.as_ref().map(|p| p.as_str()),
        ],
    )
}

/// The user's row and role assignments, and their side of each membership:
/// a new membership gets the last place on the team's side until the
/// team's own put, in the same change set, orders it.
fn put_user(tx: &mut Tx<'_, '_>, user: &User) -> Result<(), StoreError> {
    let id = user.id.as_str();
    tx.execute(
        "INSERT INTO users (id, name, business_unit, disabled, position)
         VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(position) + 1, 0) FROM users))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name,
             business_unit = excluded.business_unit, disabled = excluded.disabled",
        &[
            &id,
            &esc(&user.name),
            &user.business_unit.as_ref().map(|b| b.as_str()),
            &user.disabled,
        ],
    )?;
    tx.execute("DELETE FROM user_roles WHERE user_id = $1", &[&id])?;
    for (i, assignment) in user.roles.iter().enumerate() {
        tx.execute(
            "INSERT INTO user_roles (user_id, role, business_unit, position) VALUES ($1, $2, $3, $4)",
            &[
                &id,
                &assignment.role.as_str(),
                &assignment.business_unit.as_ref().map(|b| b.as_str()),
                &position(i),
            ],
        )?;
    }
    let listed: Vec<&str> = user.teams.iter().map(TeamId::as_str).collect();
    for team in tx.existing("SELECT team FROM memberships WHERE user_id = $1", id)? {
        if !listed.contains(&team.as_str()) {
            tx.execute(
                "DELETE FROM memberships WHERE team = $1 AND user_id = $2",
                &[&team.as_str(), &id],
            )?;
        }
    }
    for (i, team) in listed.iter().enumerate() {
        tx.execute(
            "INSERT INTO memberships (team, user_id, team_position, user_position)
             VALUES ($1, $2,
                 (SELECT COALESCE(MAX(team_position) + 1, 0) FROM memberships WHERE team = $1), $3)
             ON CONFLICT (team, user_id) DO UPDATE SET user_position = excluded.user_position",
            &[team, &id, &position(i)],
        )?;
    }
    Ok(())
}

/// The team's row and roles, and its side of each membership (see
/// [`put_user`]).
fn put_team(tx: &mut Tx<'_, '_>, team: &Team) -> Result<(), StoreError> {
    let id = team.id.as_str();
    tx.execute(
        "INSERT INTO teams (id, name, business_unit, position)
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(position) + 1, 0) FROM teams))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name,
             business_unit = excluded.business_unit",
        &[
            &id,
            &esc(&team.name),
            &team.business_unit.as_ref().map(|b| b.as_str()),
        ],
    )?;
    tx.execute("DELETE FROM team_roles WHERE team = $1", &[&id])?;
    tx.insert_list(
        "INSERT INTO team_roles (team, role, position) VALUES ($1, $2, $3)",
        id,
        team.roles.iter().map(RoleId::as_str),
    )?;
    let listed: Vec<&str> = team.members.iter().map(UserId::as_str).collect();
    for user in tx.existing("SELECT user_id FROM memberships WHERE team = $1", id)? {
        if !listed.contains(&user.as_str()) {
            tx.execute(
                "DELETE FROM memberships WHERE team = $1 AND user_id = $2",
                &[&id, &user.as_str()],
            )?;
        }
    }
    for (i, user) in listed.iter().enumerate() {
        tx.execute(
            "INSERT INTO memberships (team, user_id, team_position, user_position)
             VALUES ($1, $2, $3,
                 (SELECT COALESCE(MAX(user_position) + 1, 0) FROM memberships WHERE user_id = $2))
             ON CONFLICT (team, user_id) DO UPDATE SET team_position = excluded.team_position",
            &[&id, user, &position(i)],
        )?;
    }
    Ok(())
}

fn put_profile(tx: &mut Tx<'_, '_>, profile: &Profile) -> Result<(), StoreError> {
    let id = profile.id.as_str();
    tx.execute(
        "INSERT INTO profiles (id, name, kind, rank, is_default, pane_enabled, position)
         VALUES ($1, $2, $3, $4, $5, $6, (SELECT COALESCE(MAX(position) + 1, 0) FROM profiles))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             rank = excluded.rank, is_default = excluded.is_default,
             pane_enabled = excluded.pane_enabled",
        &[
            &id,
            &esc(&profile.name),
            &name_of(&profile.kind)?,
            &profile.rank.map(i64::from),
            &profile.default,
            &profile.settings.productivity_pane.enabled,
        ],
    )?;
    for sql in [
        "DELETE FROM profile_roles WHERE profile = $1",
        "DELETE FROM profile_users WHERE profile = $1",
        "DELETE FROM profile_templates WHERE profile = $1",
        "DELETE FROM profile_channels WHERE profile = $1",
        "DELETE FROM profile_tools WHERE profile = $1",
    ] {
        tx.execute(sql, &[&id])?;
    }
    tx.insert_list(
        "INSERT INTO profile_roles (profile, role, position) VALUES ($1, $2, $3)",
        id,
        profile.roles.iter().map(RoleId::as_str),
    )?;
    tx.insert_list(
        "INSERT INTO profile_users (profile, user_id, position) VALUES ($1, $2, $3)",
        id,
        profile.users.iter().map(UserId::as_str),
    )?;
    let settings = &profile.settings;
    for (list, templates) in [
        ("session", &settings.session_templates),
        ("application_tab", &settings.application_tab_templates),
        ("notification", &settings.notification_templates),
    ] {
        for (i, template) in templates.iter().enumerate() {
            tx.execute(
                "INSERT INTO profile_templates (profile, template, list, position)
                 VALUES ($1, $2, $3, $4)",
                &[&id, &template.as_str(), &list, &position(i)],
            )?;
        }
    }
    for channel in &settings.channels {
        tx.execute(
            "INSERT INTO profile_channels (profile, channel) VALUES ($1, $2)",
            &[&id, &name_of(channel)?],
        )?;
    }
    for tool in &settings.productivity_pane.tools {
        tx.execute(
            "INSERT INTO profile_tools (profile, tool) VALUES ($1, $2)",
            &[&id, &name_of(tool)?],
        )?;
    }
    Ok(())
}

/// Inserts or replaces a column security profile; a replaced one keeps its
/// position.
fn put_column_profile(tx: &mut Tx<'_, '_>, profile: &ColumnProfile) -> Result<(), StoreError> {
    let id = profile.id.as_str();
    tx.execute(
        "INSERT INTO column_profiles (id, name, position)
         VALUES ($1, $2, (SELECT COALESCE(MAX(position) + 1, 0) FROM column_profiles))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        &[&id, &esc(&profile.name)],
    )?;
    for sql in [
        "DELETE FROM column_profile_users WHERE profile = $1",
        "DELETE FROM column_profile_teams WHERE profile = $1",
        "DELETE FROM column_permissions WHERE profile = $1",
    ] {
        tx.execute(sql, &[&id])?;
    }
    tx.insert_list(
        "INSERT INTO column_profile_users (profile, user_id, position) VALUES ($1, $2, $3)",
        id,
        profile.users.iter().map(UserId::as_str),
    )?;
    tx.insert_list(
        "INSERT INTO column_profile_teams (profile, team, position) VALUES ($1, $2, $3)",
        id,
        profile.teams.iter().map(TeamId::as_str),
    )?;
    for (i, (column, access)) in profile.permissions.iter().enumerate() {
        tx.execute(
            "INSERT INTO column_permissions
                 (profile, column_key, can_read, can_update, can_create, position)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id,
                &column.as_str(),
                &access.read,
                &access.update,
                &access.create,
                &position(i),
            ],
        )?;
    }
    Ok(())
}

/// Writes one change.
fn write(tx: &mut Tx<'_, '_>, change: &Change) -> Result<(), StoreError> {
    let delete = |tx: &mut Tx<'_, '_>, sqls: &[&str], id: &str| {
        sqls.iter().try_for_each(|sql| tx.execute(sql, &[&id]))
    };
    match change {
        Change::PutProfile(profile) => put_profile(tx, profile),
        Change::RemoveProfile(id) => {
            delete(tx, &["DELETE FROM profiles WHERE id = $1"], id.as_str())
        }
        Change::PutTemplate(template) => put_template(tx, template),
        Change::RemoveTemplate(id) => {
            delete(tx, &["DELETE FROM templates WHERE id = $1"], id.as_str())
        }
        Change::PutColumnProfile(profile) => put_column_profile(tx, profile),
        Change::RemoveColumnProfile(id) => delete(
            tx,
            &["DELETE FROM column_profiles WHERE id = $1"],
            id.as_str(),
        ),
        Change::PutToolSettings(settings) => put_tool_settings(tx, settings),
        Change::RemoveToolSettings(id) => delete(
            tx,
            &["DELETE FROM tool_settings WHERE id = $1"],
            id.as_str(),
        ),
        Change::PutChannelProvider(provider) => put_channel_provider(tx, provider),
        Change::RemoveChannelProvider(id) => delete(
            tx,
            &["DELETE FROM channel_providers WHERE id = $1"],
            id.as_str(),
        ),
        Change::PutUser(user) => put_user(tx, user),
        Change::RemoveUser(id) => delete(
            tx,
            &[
                "DELETE FROM user_roles WHERE user_id = $1",
                "DELETE FROM memberships WHERE user_id = $1",
                "DELETE FROM users WHERE id = $1",
            ],
            id.as_str(),
        ),
        Change::PutTeam(team) => put_team(tx, team),
        Change::RemoveTeam(id) => delete(
            tx,
            &[
                "DELETE FROM team_roles WHERE team = $1",
                "DELETE FROM memberships WHERE team = $1",
                "DELETE FROM teams WHERE id = $1",
            ],
            id.as_str(),
        ),
        Change::PutBusinessUnit(unit) => put_business_unit(tx, unit),
        Change::RemoveBusinessUnit(id) => delete(
            tx,
            &["DELETE FROM business_units WHERE id = $1"],
            id.as_str(),
        ),
        other => Err(StoreError::new(format!("unsupported change {other:?}"))),
    }
}

impl Store for PgStore {
    /// The version in the `meta` row.
    fn version(&self) -> Result<Option<u64>, StoreError> {
        if self.pinned.get().is_none() {
            return self.begin().map(Some);
        }
        self.current_version().map(Some)
    }

    /// From the `changes` table; `None` when `version` is behind the sets
    /// it keeps.
    fn changes_since(&self, version: u64) -> Result<Option<Vec<ChangeSet>>, StoreError> {
        let rows = self.query(
            "SELECT version, changes FROM changes WHERE version > $1 ORDER BY version",
            &[&from_version(version)?],
        )?;
        let mut sets = Vec::with_capacity(rows.len());
        for row in &rows {
            let at = to_version(get(row, 0)?)?;
            let changes: String = get(row, 1)?;
            sets.push(ChangeSet {
                version: at,
                changes: serde_json::from_str(&changes).map_err(StoreError::new)?,
            });
        }
        match sets.first() {
            // The first one kept is the next one: the feed is whole.
            Some(first) if first.version == version + 1 => Ok(Some(sets)),
            Some(_) => Ok(None),
            // Nothing after `version`: current, unless sets were dropped.
            None => Ok((self.current_version()? <= version).then(Vec::new)),
        }
    }

    /// One query: the row, and its lists as arrays.
    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
        let Some(row) = self.row(
            "SELECT u.name, u.business_unit, u.disabled,
                 ARRAY(SELECT role FROM user_roles WHERE user_id = u.id ORDER BY position),
                 ARRAY(SELECT business_unit FROM user_roles WHERE user_id = u.id ORDER BY position),
                 ARRAY(SELECT team FROM memberships WHERE user_id = u.id ORDER BY user_position)
             FROM users u WHERE u.id = $1",
            id.as_str(),
        )?
        else {
            return Ok(None);
        };
        let roles: Vec<String> = get(&row, 3)?;
        let units: Vec<Option<String>> = get(&row, 4)?;
        Ok(Some(Cow::Owned(User {
            id: id.clone(),
            name: unesc(get(&row, 0)?),
            roles: roles
                .into_iter()
                .zip(units)
                .map(|(role, unit)| RoleAssignment {
                    role: RoleId::from(role),
                    business_unit: unit.map(BusinessUnitId::from),
                })
                .collect(),
            teams: ids(get(&row, 5)?),
            business_unit: get::<Option<String>>(&row, 1)?.map(BusinessUnitId::from),
            disabled: get(&row, 2)?,
        })))
    }

    fn user_ids(&self) -> Result<Vec<UserId>, StoreError> {
        self.list("SELECT id FROM users ORDER BY position", &[])
    }

    /// Three queries for all the users rather than three a user, in one
    /// transaction, sorted here: the database's collation need not be byte
    /// order.
    fn for_each_user(
        &self,
        visit: &mut dyn FnMut(&User) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        let mut users = self.read_only(Self::all_users)?;
        users.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        for user in &users {
            if visit(user).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn team_ids(&self) -> Result<Vec<TeamId>, StoreError> {
        self.list("SELECT id FROM teams ORDER BY position", &[])
    }

    fn business_unit(
        &self,
        id: &BusinessUnitId,
    ) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError> {
        let Some(row) = self.row(
            "SELECT name, parent FROM business_units WHERE id = $1",
            id.as_str(),
        )?
        else {
            return Ok(None);
        };
        Ok(Some(Cow::Owned(BusinessUnit {
            id: id.clone(),
            name: unesc(get(&row, 0)?),
            parent: get::<Option<String>>(&row, 1)?.map(BusinessUnitId::from),
        })))
    }

    fn business_unit_ids(&self) -> Result<Vec<BusinessUnitId>, StoreError> {
        self.list("SELECT id FROM business_units ORDER BY position", &[])
    }

    fn root_business_unit(&self) -> Result<Option<BusinessUnitId>, StoreError> {
        let root: Vec<BusinessUnitId> =
            self.list("SELECT id FROM business_units WHERE parent IS NULL", &[])?;
        Ok(root.into_iter().next())
    }

    /// One query, as [`Store::user`].
    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
        let Some(row) = self.row(
            "SELECT t.name, t.business_unit,
                 ARRAY(SELECT role FROM team_roles WHERE team = t.id ORDER BY position),
                 ARRAY(SELECT user_id FROM memberships WHERE team = t.id ORDER BY team_position)
             FROM teams t WHERE t.id = $1",
            id.as_str(),
        )?
        else {
            return Ok(None);
        };
        Ok(Some(Cow::Owned(Team {
            id: id.clone(),
            name: unesc(get(&row, 0)?),
            business_unit: get::<Option<String>>(&row, 1)?.map(BusinessUnitId::from),
            roles: ids(get(&row, 2)?),
            members: ids(get(&row, 3)?),
        })))
    }

    /// One query, as [`Store::user`], the first time (see [`Catalogue`]).
    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
        self.pin()?;
        if let Some(known) = self.catalogue.borrow().roles.get(id) {
            return Ok(known.clone().map(Cow::Owned));
        }
        let role = self.read_role(id)?;
        self.catalogue
            .borrow_mut()
            .roles
            .insert(id.clone(), role.clone());
        Ok(role.map(Cow::Owned))
    }

    /// One query the first time (see [`Catalogue`]).
    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
        self.pin()?;
        if let Some(known) = self.catalogue.borrow().privileges.get(key) {
            return Ok(known.clone().map(Cow::Owned));
        }
        let row = self.row(
            "SELECT description FROM privileges WHERE key = $1",
            key.as_str(),
        )?;
        let privilege = row
            .map(|r| Ok::<_, StoreError>(PrivilegeDef::new(key.clone(), unesc(get(&r, 0)?))))
            .transpose()?;
        self.catalogue
            .borrow_mut()
            .privileges
            .insert(key.clone(), privilege.clone());
        Ok(privilege.map(Cow::Owned))
    }

    /// One query the first time (see [`Catalogue`]).
    fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError> {
        self.pin()?;
        if let Some(keys) = &self.catalogue.borrow().privilege_keys {
            return Ok(keys.clone());
        }
        let keys: Vec<String> = self.list("SELECT key FROM privileges ORDER BY position", &[])?;
        let keys = keys
            .into_iter()
            .map(|k| Privilege::new(k).map_err(StoreError::new))
            .collect::<Result<Vec<_>, _>>()?;
        self.catalogue.borrow_mut().privilege_keys = Some(keys.clone());
        Ok(keys)
    }

    /// One query, as [`Store::user`].
    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
        let row = self.row(concat!(select_profiles!(), " WHERE p.id = $1"), id.as_str())?;
        row.map(|row| profile_from(&row).map(Cow::Owned))
            .transpose()
    }

    /// One query for all of them.
    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
        let rows = self.query(concat!(select_profiles!(), " ORDER BY p.position"), &[])?;
        rows.iter()
            .map(|row| profile_from(row).map(Cow::Owned))
            .collect()
    }

    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
        let Some(row) = self.row(
            "SELECT name, kind, origin FROM templates WHERE id = $1",
            id.as_str(),
        )?
        else {
            return Ok(None);
        };
        Ok(Some(Cow::Owned(Template {
            origin: parse(get(&row, 2)?)?,
            ..Template::new(id.clone(), unesc(get(&row, 0)?), parse(get(&row, 1)?)?)
        })))
    }

    fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError> {
        let rows = self.query(
            "SELECT (SELECT profile FROM fallback_profile),
                 ARRAY(SELECT id FROM profiles WHERE kind = 'out_of_box' ORDER BY position LIMIT 2)",
            &[],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        if let Some(named) = get::<Option<String>>(row, 0)? {
            return Ok(Some(ProfileId::from(named)));
        }
        // As a directory: the only out-of-box profile.
        let out_of_box: Vec<ProfileId> = ids(get(row, 1)?);
        Ok(match <[ProfileId; 1]>::try_from(out_of_box) {
            Ok([only]) => Some(only),
            Err(_) => None,
        })
    }

    /// One query the first time (see [`Catalogue`]).
    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError> {
        self.pin()?;
        if let Some(&known) = self.catalogue.borrow().secured_columns.get(column) {
            return Ok(known);
        }
        let secured = self
            .row(
                "SELECT 1 FROM secured_columns WHERE key = $1",
                column.as_str(),
            )?
            .is_some();
        self.catalogue
            .borrow_mut()
            .secured_columns
            .insert(column.clone(), secured);
        Ok(secured)
    }

    /// One query for all of them, as [`Store::profiles`].
    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
        let rows = self.query(
            "SELECT c.id, c.name,
                 ARRAY(SELECT user_id FROM column_profile_users
                     WHERE profile = c.id ORDER BY position),
                 ARRAY(SELECT team FROM column_profile_teams
                     WHERE profile = c.id ORDER BY position),
                 ARRAY(SELECT column_key FROM column_permissions
                     WHERE profile = c.id ORDER BY position, column_key),
                 ARRAY(SELECT can_read FROM column_permissions
                     WHERE profile = c.id ORDER BY position, column_key),
                 ARRAY(SELECT can_update FROM column_permissions
                     WHERE profile = c.id ORDER BY position, column_key),
                 ARRAY(SELECT can_create FROM column_permissions
                     WHERE profile = c.id ORDER BY position, column_key)
             FROM column_profiles c ORDER BY c.position",
            &[],
        )?;
        let mut profiles = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = get(&row, 0)?;
            let mut profile = ColumnProfile::new(ColumnProfileId::from(id), unesc(get(&row, 1)?));
            profile.users = ids(get(&row, 2)?);
            profile.teams = ids(get(&row, 3)?);
            let columns: Vec<String> = get(&row, 4)?;
            let read: Vec<bool> = get(&row, 5)?;
            let update: Vec<bool> = get(&row, 6)?;
            let create: Vec<bool> = get(&row, 7)?;
            for (((column, read), update), create) in
                columns.into_iter().zip(read).zip(update).zip(create)
            {
                let column = ColumnKey::new(column).map_err(StoreError::new)?;
                profile.permissions.insert(
                    column,
                    ColumnAccess {
                        read,
                        update,
                        create,
                    },
                );
            }
            profiles.push(Cow::Owned(profile));
        }
        Ok(profiles)
    }

    fn licences(&self) -> Result<Option<BTreeSet<Licence>>, StoreError> {
        let rows = self.query(
            "SELECT EXISTS (SELECT 1 FROM licensing), ARRAY(SELECT licence FROM licences)",
            &[],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        if !get::<bool>(row, 0)? {
            return Ok(None);
        }
        let names: Vec<String> = get(row, 1)?;
        names
            .into_iter()
            .map(parse)
            .collect::<Result<_, _>>()
            .map(Some)
    }

    fn tool_settings(&self) -> Result<Vec<Cow<'_, ToolSettings>>, StoreError> {
        let rows = self.query(
            "SELECT id, name, tool FROM tool_settings ORDER BY position",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Cow::Owned(ToolSettings::new(
                    get::<String>(r, 0)?,
                    unesc(get(r, 1)?),
                    parse(get(r, 2)?)?,
                )))
            })
            .collect()
    }

    fn channel_providers(&self) -> Result<Vec<Cow<'_, ChannelProvider>>, StoreError> {
        let rows = self.query(
            "SELECT id, name, channel FROM channel_providers ORDER BY position",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Cow::Owned(ChannelProvider::new(
                    get::<String>(r, 0)?,
                    unesc(get(r, 1)?),
                    parse(get(r, 2)?)?,
                )))
            })
            .collect()
    }
}

impl StoreMut for PgStore {
    /// One transaction: lock the version, refuse a stale session with a
    /// [`Conflict`], write every change, record the set in `changes` as the
    /// next version, drop sets behind the horizon, notify, commit. On any
    /// error the transaction is dropped unfinished: PostgreSQL rolls it
    /// back, and listeners hear nothing.
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        // The session ends here, whatever happens: the next read begins
        // another.
        let pinned = self.pinned.take();
        let json = serde_json::to_string(changes).map_err(StoreError::new)?;
        let mut client = self.client()?;
        let mut tx = Self::transaction(&mut client, &self.statements)?;
        let rows = tx.query("SELECT version FROM meta FOR UPDATE", &[])?;
        let found = match rows.first() {
            Some(row) => to_version(get(row, 0)?)?,
            None => return Err(StoreError::new("the meta table has no row")),
        };
        if let Some(expected) = pinned {
            if expected != found {
                return Err(StoreError::new(Conflict { expected, found }));
            }
        }
        for change in changes {
            write(&mut tx, change)?;
        }
        let next = from_version(found + 1)?;
        tx.execute(
            "INSERT INTO changes (version, changes) VALUES ($1, $2)",
            &[&next, &json],
        )?;
        tx.execute("UPDATE meta SET version = $1", &[&next])?;
        let keep_from = next - from_version(self.horizon)?;
        tx.execute("DELETE FROM changes WHERE version <= $1", &[&keep_from])?;
        if self.notify {
            tx.execute(
                "SELECT pg_notify($1, $2)",
                &[&channel(&self.schema)?, &next.to_string()],
            )?;
        }
        tx.tx.commit().map_err(db)
    }
}
