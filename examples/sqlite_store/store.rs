//! `SqliteStore`: the crate's storage traits over an SQLite database, as a
//! host would write them.
//!
//! Shared by `examples/sqlite_store.rs` and `tests/sqlite.rs` (each includes
//! this file with `#[path]`). One table per entity and one per list an
//! entity holds, each list row with its position so entities read back in
//! the order they were written; foreign keys and checks hold what a
//! database can check on its own. Reads are plain queries; `apply` runs a
//! change set in one transaction, rolled back on any failure.

// Each includer uses a different part of the store.
#![allow(dead_code)]

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::ControlFlow;
use std::path::Path;

use rbac_profiles::{
    AccessLevel, BusinessUnit, BusinessUnitId, Change, ChangeSet, ChannelProvider, ColumnAccess,
    ColumnKey, ColumnProfile, ColumnProfileId, Directory, DirectoryDoc, Licence, Privilege,
    PrivilegeDef, ProductivityPane, Profile, ProfileId, ProfileSettings, Role, RoleAssignment,
    RoleId, Store, StoreError, StoreMut, Team, TeamId, Template, TemplateId, ToolSettings, User,
    UserId,
};
use rusqlite::{Connection, OptionalExtension, Params, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The schema. Every id is non-empty text; every list row has a position.
const SCHEMA: &str = "
-- The business-unit tree: one root (a unique index on the constant 1 of
-- every row without a parent).
CREATE TABLE IF NOT EXISTS business_units (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    parent   TEXT REFERENCES business_units (id),
    position INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_root ON business_units ((1)) WHERE parent IS NULL;
CREATE TABLE IF NOT EXISTS privileges (
    key         TEXT PRIMARY KEY CHECK (key <> ''),
    description TEXT NOT NULL,
    position    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS roles (
    id          TEXT PRIMARY KEY CHECK (id <> ''),
    name        TEXT NOT NULL,
    inheritance TEXT NOT NULL CHECK (inheritance IN ('team_privileges_only', 'direct_user_basic')),
    position    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS grants (
    role      TEXT NOT NULL REFERENCES roles (id),
    privilege TEXT NOT NULL REFERENCES privileges (key),
    level     TEXT NOT NULL CHECK (level IN
        ('none', 'user', 'business_unit', 'parent_child_business_unit', 'organization')),
    position  INTEGER NOT NULL,
    PRIMARY KEY (role, privilege)
);
CREATE TABLE IF NOT EXISTS inclusions (
    role     TEXT NOT NULL REFERENCES roles (id),
    included TEXT NOT NULL REFERENCES roles (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (role, included)
);
CREATE TABLE IF NOT EXISTS teams (
    id            TEXT PRIMARY KEY CHECK (id <> ''),
    name          TEXT NOT NULL,
    business_unit TEXT REFERENCES business_units (id),
    position      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS team_roles (
    team     TEXT NOT NULL REFERENCES teams (id),
    role     TEXT NOT NULL REFERENCES roles (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (team, role)
);
CREATE TABLE IF NOT EXISTS users (
    id            TEXT PRIMARY KEY CHECK (id <> ''),
    name          TEXT NOT NULL,
    business_unit TEXT REFERENCES business_units (id),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    position      INTEGER NOT NULL
);
-- A role assigned to a user, in the user's own unit (NULL) or another.
CREATE TABLE IF NOT EXISTS user_roles (
    user          TEXT NOT NULL REFERENCES users (id),
    role          TEXT NOT NULL REFERENCES roles (id),
    business_unit TEXT REFERENCES business_units (id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (user, position)
);
CREATE UNIQUE INDEX IF NOT EXISTS user_role_once
    ON user_roles (user, role, IFNULL(business_unit, ''));
-- One row a membership: the team lists the user and the user the team.
CREATE TABLE IF NOT EXISTS memberships (
    team          TEXT NOT NULL REFERENCES teams (id),
    user          TEXT NOT NULL REFERENCES users (id),
    team_position INTEGER NOT NULL,
    user_position INTEGER NOT NULL,
    PRIMARY KEY (team, user)
);
-- A user's teams, in the user's order: without it, reading one user scans
-- every membership.
CREATE INDEX IF NOT EXISTS memberships_user ON memberships (user, user_position);
CREATE TABLE IF NOT EXISTS templates (
    id     TEXT PRIMARY KEY CHECK (id <> ''),
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('session', 'application_tab', 'notification')),
    origin TEXT NOT NULL DEFAULT 'custom' CHECK (origin IN ('out_of_box', 'custom'))
);
CREATE TABLE IF NOT EXISTS profiles (
    id           TEXT PRIMARY KEY CHECK (id <> ''),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('out_of_box', 'custom')),
    rank         INTEGER CHECK (rank > 0),
    is_default   INTEGER NOT NULL,
    pane_enabled INTEGER NOT NULL,
    position     INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS profile_roles (
    profile  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    role     TEXT NOT NULL REFERENCES roles (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (profile, role)
);
CREATE TABLE IF NOT EXISTS profile_users (
    profile  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    user     TEXT NOT NULL REFERENCES users (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (profile, user)
);
-- The templates of a profile's settings; `list` says which list.
CREATE TABLE IF NOT EXISTS profile_templates (
    profile  TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    template TEXT NOT NULL REFERENCES templates (id),
    list     TEXT NOT NULL CHECK (list IN ('session', 'application_tab', 'notification')),
    position INTEGER NOT NULL,
    PRIMARY KEY (profile, template)
);
CREATE TABLE IF NOT EXISTS profile_channels (
    profile TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    PRIMARY KEY (profile, channel)
);
CREATE TABLE IF NOT EXISTS profile_tools (
    profile TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    tool    TEXT NOT NULL,
    PRIMARY KEY (profile, tool)
);
CREATE TABLE IF NOT EXISTS secured_columns (
    key      TEXT PRIMARY KEY CHECK (key <> ''),
    position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS column_profiles (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS column_profile_users (
    profile  TEXT NOT NULL REFERENCES column_profiles (id) ON DELETE CASCADE,
    user     TEXT NOT NULL REFERENCES users (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (profile, user)
);
CREATE TABLE IF NOT EXISTS column_profile_teams (
    profile  TEXT NOT NULL REFERENCES column_profiles (id) ON DELETE CASCADE,
    team     TEXT NOT NULL REFERENCES teams (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (profile, team)
);
CREATE TABLE IF NOT EXISTS column_permissions (
    profile    TEXT NOT NULL REFERENCES column_profiles (id) ON DELETE CASCADE,
    column_key TEXT NOT NULL REFERENCES secured_columns (key),
    can_read   INTEGER NOT NULL,
    can_update INTEGER NOT NULL,
    can_create INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (profile, column_key)
);
-- The organisation's licences; `licensing` has its one row only when the
-- document lists them (an empty list included): no row, not modelled.
CREATE TABLE IF NOT EXISTS licensing (
    only INTEGER PRIMARY KEY CHECK (only = 1)
);
CREATE TABLE IF NOT EXISTS licences (
    licence TEXT PRIMARY KEY CHECK (licence <> '')
);
CREATE TABLE IF NOT EXISTS tool_settings (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    tool     TEXT NOT NULL,
    position INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS channel_providers (
    id       TEXT PRIMARY KEY CHECK (id <> ''),
    name     TEXT NOT NULL,
    channel  TEXT NOT NULL,
    position INTEGER NOT NULL
);
-- The document's `fallback_profile`, when it names one.
CREATE TABLE IF NOT EXISTS fallback_profile (
    only    INTEGER PRIMARY KEY CHECK (only = 1),
    profile TEXT NOT NULL REFERENCES profiles (id)
);
-- The change feed: every change set applied, as JSON, numbered from 1 in
-- the transaction that applied it. The store's version is the highest.
CREATE TABLE IF NOT EXISTS changes (
    version INTEGER PRIMARY KEY CHECK (version > 0),
    changes TEXT NOT NULL
);
";

/// A [`Store`] and [`StoreMut`] over an SQLite database.
pub struct SqliteStore {
    conn: Connection,
}

/// A database error, as the crate carries it.
fn db(err: rusqlite::Error) -> StoreError {
    StoreError::new(err)
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

fn position(i: usize) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

fn execute(tx: &Transaction<'_>, sql: &str, params: impl Params) -> Result<(), StoreError> {
    tx.prepare_cached(sql)
        .and_then(|mut statement| statement.execute(params))
        .map(|_| ())
        .map_err(db)
}

/// Inserts one row `(owner, item, position)` per item, in order.
fn insert_list<'a>(
    tx: &Transaction<'_>,
    sql: &str,
    owner: &str,
    items: impl IntoIterator<Item = &'a str>,
) -> Result<(), StoreError> {
    for (i, item) in items.into_iter().enumerate() {
        execute(tx, sql, params![owner, item, position(i)])?;
    }
    Ok(())
}

impl SqliteStore {
    /// Opens the database at `path`, creating the file and the schema when
    /// they don't exist.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::with(Connection::open(path).map_err(db)?)
    }

    /// A new database in memory.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::with(Connection::open_in_memory().map_err(db)?)
    }

    fn with(conn: Connection) -> Result<Self, StoreError> {
        conn.pragma_update(None, "foreign_keys", true).map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        Ok(Self { conn })
    }

    /// A new database in memory holding `directory`.
    pub fn in_memory_with(directory: &Directory) -> Result<Self, StoreError> {
        let mut store = Self::open_in_memory()?;
        store.import(directory)?;
        Ok(store)
    }

    /// Loads `directory` into the (empty) database, in one transaction.
    pub fn import(&mut self, directory: &Directory) -> Result<(), StoreError> {
        let doc = DirectoryDoc::from(directory.clone());
        let tx = self.conn.transaction().map_err(db)?;
        // Parents first: a unit refers to its parent. A checked directory's
        // units form one tree, so each round adds at least one.
        let mut added: HashSet<&BusinessUnitId> = HashSet::new();
        while added.len() < doc.business_units.len() {
            let before = added.len();
            for (i, unit) in doc.business_units.iter().enumerate() {
                let ready = unit.parent.as_ref().is_none_or(|p| added.contains(&p));
                if ready && !added.contains(&&unit.id) {
                    execute(
                        &tx,
                        "INSERT INTO business_units (id, name, parent, position) VALUES (?1, ?2, ?3, ?4)",
                        params![
                            unit.id.as_str(),
                            unit.name,
                            unit.parent.as_ref().map(|p| p.as_str()),
                            position(i)
                        ],
                    )?;
                    added.insert(&unit.id);
                }
            }
            if added.len() == before {
                return Err(StoreError::new("business units are not one tree"));
            }
        }
        for (i, def) in doc.privileges.iter().enumerate() {
            execute(
                &tx,
                "INSERT INTO privileges (key, description, position) VALUES (?1, ?2, ?3)",
                params![def.key.as_str(), def.description, position(i)],
            )?;
        }
        // Every role first: grants and inclusions refer to them.
        for (i, role) in doc.roles.iter().enumerate() {
            execute(
                &tx,
                "INSERT INTO roles (id, name, inheritance, position) VALUES (?1, ?2, ?3, ?4)",
                params![
                    role.id.as_str(),
                    role.name,
                    name_of(&role.inheritance)?,
                    position(i)
                ],
            )?;
        }
        for role in &doc.roles {
            for (i, (key, level)) in role.grants.iter().enumerate() {
                execute(
                    &tx,
                    "INSERT INTO grants (role, privilege, level, position) VALUES (?1, ?2, ?3, ?4)",
                    params![role.id.as_str(), key.as_str(), level.as_str(), position(i)],
                )?;
            }
            insert_list(
                &tx,
                "INSERT INTO inclusions (role, included, position) VALUES (?1, ?2, ?3)",
                role.id.as_str(),
                role.includes.iter().map(RoleId::as_str),
            )?;
        }
        for (i, team) in doc.teams.iter().enumerate() {
            execute(
                &tx,
                "INSERT INTO teams (id, name, business_unit, position) VALUES (?1, ?2, ?3, ?4)",
                params![
                    team.id.as_str(),
                    team.name,
                    team.business_unit.as_ref().map(|b| b.as_str()),
                    position(i)
                ],
            )?;
            insert_list(
                &tx,
                "INSERT INTO team_roles (team, role, position) VALUES (?1, ?2, ?3)",
                team.id.as_str(),
                team.roles.iter().map(RoleId::as_str),
            )?;
        }
        for (i, user) in doc.users.iter().enumerate() {
            execute(
                &tx,
                "INSERT INTO users (id, name, business_unit, disabled, position)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    user.id.as_str(),
                    user.name,
                    user.business_unit.as_ref().map(|b| b.as_str()),
                    user.disabled,
                    position(i)
                ],
            )?;
            for (i, assignment) in user.roles.iter().enumerate() {
                execute(
                    &tx,
                    "INSERT INTO user_roles (user, role, business_unit, position) VALUES (?1, ?2, ?3, ?4)",
                    params![
                        user.id.as_str(),
                        assignment.role.as_str(),
                        assignment.business_unit.as_ref().map(|b| b.as_str()),
                        position(i)
                    ],
                )?;
            }
        }
        // A checked directory states every membership on both sides.
        let users: HashMap<&UserId, &User> = doc.users.iter().map(|u| (&u.id, u)).collect();
        for team in &doc.teams {
            for (i, member) in team.members.iter().enumerate() {
                let user = users.get(member);
                let at = user.and_then(|u| u.teams.iter().position(|t| t == &team.id));
                execute(
                    &tx,
                    "INSERT INTO memberships (team, user, team_position, user_position)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![
                        team.id.as_str(),
                        member.as_str(),
                        position(i),
                        position(at.unwrap_or(0))
                    ],
                )?;
            }
        }
        for template in &doc.templates {
            put_template(&tx, template)?;
        }
        for profile in &doc.profiles {
            put_profile(&tx, profile)?;
        }
        if let Some(fallback) = &doc.fallback_profile {
            execute(
                &tx,
                "INSERT INTO fallback_profile (only, profile) VALUES (1, ?1)",
                [fallback.as_str()],
            )?;
        }
        for (i, column) in doc.secured_columns.iter().enumerate() {
            execute(
                &tx,
                "INSERT INTO secured_columns (key, position) VALUES (?1, ?2)",
                params![column.as_str(), position(i)],
            )?;
        }
        for profile in &doc.column_profiles {
            put_column_profile(&tx, profile)?;
        }
        if let Some(licences) = &doc.licences {
            execute(&tx, "INSERT INTO licensing (only) VALUES (1)", [])?;
            for licence in licences {
                execute(
                    &tx,
                    "INSERT INTO licences (licence) VALUES (?1)",
                    [name_of(licence)?],
                )?;
            }
        }
        for settings in &doc.tool_settings {
            put_tool_settings(&tx, settings)?;
        }
        for provider in &doc.channel_providers {
            put_channel_provider(&tx, provider)?;
        }
        tx.commit().map_err(db)
    }

    /// The `T`s in the first column of the rows `sql` selects.
    fn list<T: From<String>>(&self, sql: &str, params: impl Params) -> Result<Vec<T>, StoreError> {
        let mut statement = self.conn.prepare_cached(sql).map_err(db)?;
        let rows = statement
            .query_map(params, |row| row.get::<_, String>(0))
            .map_err(db)?;
        rows.map(|row| row.map(T::from).map_err(db)).collect()
    }

    /// The row `sql` selects by `key` (bound to `?1`), read by `read`.
    fn row<T>(
        &self,
        sql: &str,
        key: &str,
        read: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, StoreError> {
        let mut statement = self.conn.prepare_cached(sql).map_err(db)?;
        statement.query_row([key], read).optional().map_err(db)
    }
}

fn put_template(tx: &Transaction<'_>, template: &Template) -> Result<(), StoreError> {
    execute(
        tx,
        "INSERT INTO templates (id, name, kind, origin) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             origin = excluded.origin",
        params![
            template.id.as_str(),
            template.name,
            name_of(&template.kind)?,
            name_of(&template.origin)?
        ],
    )
}

/// Inserts or replaces productivity tool settings; replaced ones keep their
/// position.
fn put_tool_settings(tx: &Transaction<'_>, settings: &ToolSettings) -> Result<(), StoreError> {
    execute(
        tx,
        "INSERT INTO tool_settings (id, name, tool, position)
         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position) + 1, 0) FROM tool_settings))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, tool = excluded.tool",
        params![
            settings.id.as_str(),
            settings.name,
            name_of(&settings.tool)?
        ],
    )
}

/// Inserts or replaces a channel provider; a replaced one keeps its
/// position.
fn put_channel_provider(
    tx: &Transaction<'_>,
    provider: &ChannelProvider,
) -> Result<(), StoreError> {
    execute(
        tx,
        "INSERT INTO channel_providers (id, name, channel, position)
         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position) + 1, 0) FROM channel_providers))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, channel = excluded.channel",
        params![
            provider.id.as_str(),
            provider.name,
            name_of(&provider.channel)?
        ],
    )
}

/// Inserts or replaces a profile; a replaced one keeps its position.
fn put_business_unit(tx: &Transaction<'_>, unit: &BusinessUnit) -> Result<(), StoreError> {
    execute(
        tx,
        "INSERT INTO business_units (id, name, parent, position)
         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position) + 1, 0) FROM business_units))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, parent = excluded.parent",
        params![
            unit.id.as_str(),
            unit.name,
            unit.parent.as_ref().map(|p| p.as_str())
        ],
    )
}

/// The user's row and role assignments, and their side of each membership:
/// a new membership gets the last place on the team's side until the
/// team's own put, in the same change set, orders it.
fn put_user(tx: &Transaction<'_>, user: &User) -> Result<(), StoreError> {
    let id = user.id.as_str();
    execute(
        tx,
        "INSERT INTO users (id, name, business_unit, disabled, position)
         VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(position) + 1, 0) FROM users))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name,
             business_unit = excluded.business_unit, disabled = excluded.disabled",
        params![
            id,
            user.name,
            user.business_unit.as_ref().map(|b| b.as_str()),
            user.disabled
        ],
    )?;
    execute(tx, "DELETE FROM user_roles WHERE user = ?1", [id])?;
    for (i, assignment) in user.roles.iter().enumerate() {
        execute(
            tx,
            "INSERT INTO user_roles (user, role, business_unit, position) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                assignment.role.as_str(),
                assignment.business_unit.as_ref().map(|b| b.as_str()),
                position(i)
            ],
        )?;
    }
    let listed: Vec<&str> = user.teams.iter().map(TeamId::as_str).collect();
    for team in existing(tx, "SELECT team FROM memberships WHERE user = ?1", id)? {
        if !listed.contains(&team.as_str()) {
            execute(
                tx,
                "DELETE FROM memberships WHERE team = ?1 AND user = ?2",
                [team.as_str(), id],
            )?;
        }
    }
    for (i, team) in listed.iter().enumerate() {
        execute(
            tx,
            "INSERT INTO memberships (team, user, team_position, user_position)
             VALUES (?1, ?2,
                 (SELECT COALESCE(MAX(team_position) + 1, 0) FROM memberships WHERE team = ?1), ?3)
             ON CONFLICT (team, user) DO UPDATE SET user_position = excluded.user_position",
            params![team, id, position(i)],
        )?;
    }
    Ok(())
}

/// The team's row and roles, and its side of each membership (see
/// [`put_user`]).
fn put_team(tx: &Transaction<'_>, team: &Team) -> Result<(), StoreError> {
    let id = team.id.as_str();
    execute(
        tx,
        "INSERT INTO teams (id, name, business_unit, position)
         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(position) + 1, 0) FROM teams))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name,
             business_unit = excluded.business_unit",
        params![
            id,
            team.name,
            team.business_unit.as_ref().map(|b| b.as_str())
        ],
    )?;
    execute(tx, "DELETE FROM team_roles WHERE team = ?1", [id])?;
    insert_list(
        tx,
        "INSERT INTO team_roles (team, role, position) VALUES (?1, ?2, ?3)",
        id,
        team.roles.iter().map(RoleId::as_str),
    )?;
    let listed: Vec<&str> = team.members.iter().map(UserId::as_str).collect();
    for user in existing(tx, "SELECT user FROM memberships WHERE team = ?1", id)? {
        if !listed.contains(&user.as_str()) {
            execute(
                tx,
                "DELETE FROM memberships WHERE team = ?1 AND user = ?2",
                [id, user.as_str()],
            )?;
        }
    }
    for (i, user) in listed.iter().enumerate() {
        execute(
            tx,
            "INSERT INTO memberships (team, user, team_position, user_position)
             VALUES (?1, ?2, ?3,
                 (SELECT COALESCE(MAX(user_position) + 1, 0) FROM memberships WHERE user = ?2))
             ON CONFLICT (team, user) DO UPDATE SET team_position = excluded.team_position",
            params![id, user, position(i)],
        )?;
    }
    Ok(())
}

/// The text in the first column of the rows `sql` selects for `key`.
fn existing(tx: &Transaction<'_>, sql: &str, key: &str) -> Result<Vec<String>, StoreError> {
    let mut statement = tx.prepare_cached(sql).map_err(db)?;
    let rows = statement
        .query_map([key], |row| row.get::<_, String>(0))
        .map_err(db)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(db)
}

fn put_profile(tx: &Transaction<'_>, profile: &Profile) -> Result<(), StoreError> {
    let id = profile.id.as_str();
    execute(
        tx,
        "INSERT INTO profiles (id, name, kind, rank, is_default, pane_enabled, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT COALESCE(MAX(position) + 1, 0) FROM profiles))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             rank = excluded.rank, is_default = excluded.is_default,
             pane_enabled = excluded.pane_enabled",
        params![
            id,
            profile.name,
            name_of(&profile.kind)?,
            profile.rank,
            profile.default,
            profile.settings.productivity_pane.enabled
        ],
    )?;
    for table in [
        "profile_roles",
        "profile_users",
        "profile_templates",
        "profile_channels",
        "profile_tools",
    ] {
        execute(tx, &format!("DELETE FROM {table} WHERE profile = ?1"), [id])?;
    }
    insert_list(
        tx,
        "INSERT INTO profile_roles (profile, role, position) VALUES (?1, ?2, ?3)",
        id,
        profile.roles.iter().map(RoleId::as_str),
    )?;
    insert_list(
        tx,
        "INSERT INTO profile_users (profile, user, position) VALUES (?1, ?2, ?3)",
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
            execute(
                tx,
                "INSERT INTO profile_templates (profile, template, list, position)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, template.as_str(), list, position(i)],
            )?;
        }
    }
    for channel in &settings.channels {
        execute(
            tx,
            "INSERT INTO profile_channels (profile, channel) VALUES (?1, ?2)",
            params![id, name_of(channel)?],
        )?;
    }
    for tool in &settings.productivity_pane.tools {
        execute(
            tx,
            "INSERT INTO profile_tools (profile, tool) VALUES (?1, ?2)",
            params![id, name_of(tool)?],
        )?;
    }
    Ok(())
}

/// Inserts or replaces a column security profile; a replaced one keeps its
/// position.
fn put_column_profile(tx: &Transaction<'_>, profile: &ColumnProfile) -> Result<(), StoreError> {
    let id = profile.id.as_str();
    execute(
        tx,
        "INSERT INTO column_profiles (id, name, position)
         VALUES (?1, ?2, (SELECT COALESCE(MAX(position) + 1, 0) FROM column_profiles))
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        params![id, profile.name],
    )?;
    for table in [
        "column_profile_users",
        "column_profile_teams",
        "column_permissions",
    ] {
        execute(tx, &format!("DELETE FROM {table} WHERE profile = ?1"), [id])?;
    }
    insert_list(
        tx,
        "INSERT INTO column_profile_users (profile, user, position) VALUES (?1, ?2, ?3)",
        id,
        profile.users.iter().map(UserId::as_str),
    )?;
    insert_list(
        tx,
        "INSERT INTO column_profile_teams (profile, team, position) VALUES (?1, ?2, ?3)",
        id,
        profile.teams.iter().map(TeamId::as_str),
    )?;
    for (i, (column, access)) in profile.permissions.iter().enumerate() {
        execute(
            tx,
            "INSERT INTO column_permissions
                 (profile, column_key, can_read, can_update, can_create, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                column.as_str(),
                access.read,
                access.update,
                access.create,
                position(i)
            ],
        )?;
    }
    Ok(())
}

impl Store for SqliteStore {
    fn version(&self) -> Result<Option<u64>, StoreError> {
        let version: i64 = self
            .conn
            .query_row("SELECT COALESCE(MAX(version), 0) FROM changes", [], |r| {
                r.get(0)
            })
            .map_err(db)?;
        Ok(Some(u64::try_from(version).map_err(StoreError::new)?))
    }

    /// This example keeps every change set, so it never answers `None`.
    fn changes_since(&self, version: u64) -> Result<Option<Vec<ChangeSet>>, StoreError> {
        let from = i64::try_from(version).map_err(StoreError::new)?;
        let mut statement = self
            .conn
            .prepare("SELECT version, changes FROM changes WHERE version > ?1 ORDER BY version")
            .map_err(db)?;
        let rows = statement
            .query_map([from], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .map_err(db)?;
        let mut sets = Vec::new();
        for row in rows {
            let (version, json) = row.map_err(db)?;
            sets.push(ChangeSet {
                version: u64::try_from(version).map_err(StoreError::new)?,
                changes: serde_json::from_str(&json).map_err(StoreError::new)?,
            });
        }
        Ok(Some(sets))
    }

    fn user(&self, id: &UserId) -> Result<Option<Cow<'_, User>>, StoreError> {
        let key = id.as_str();
        let Some((name, unit, disabled)) = self.row(
            "SELECT name, business_unit, disabled FROM users WHERE id = ?1",
            key,
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            },
        )?
        else {
            return Ok(None);
        };
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT role, business_unit FROM user_roles WHERE user = ?1 ORDER BY position",
            )
            .map_err(db)?;
        let roles = statement
            .query_map([key], |row| {
                Ok(RoleAssignment {
                    role: RoleId::from(row.get::<_, String>(0)?),
                    business_unit: row.get::<_, Option<String>>(1)?.map(BusinessUnitId::from),
                })
            })
            .map_err(db)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db)?;
        Ok(Some(Cow::Owned(User {
            id: id.clone(),
            name,
            roles,
            teams: self.list(
                "SELECT team FROM memberships WHERE user = ?1 ORDER BY user_position",
                [key],
            )?,
            business_unit: unit.map(BusinessUnitId::from),
            disabled,
        })))
    }

    fn user_ids(&self) -> Result<Vec<UserId>, StoreError> {
        self.list("SELECT id FROM users ORDER BY position", [])
    }

    /// Three reads in id order (SQLite compares text byte by byte, as
    /// Rust does), merged, instead of three queries a user: what a
    /// compile reads.
    fn for_each_user(
        &self,
        visit: &mut dyn FnMut(&User) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        // One read transaction for the three reads, so they see one state
        // of the database even when a list is empty (an open statement
        // would otherwise be what holds the implicit one). Dropped after
        // the statements, it ends (a rollback, with nothing written).
        let _read = self.conn.unchecked_transaction().map_err(db)?;
        let mut users = self
            .conn
            .prepare("SELECT id, name, business_unit, disabled FROM users ORDER BY id")
            .map_err(db)?;
        let mut roles = self
            .conn
            .prepare("SELECT user, role, business_unit FROM user_roles ORDER BY user, position")
            .map_err(db)?;
        let mut teams = self
            .conn
            .prepare("SELECT user, team FROM memberships ORDER BY user, user_position")
            .map_err(db)?;
        let mut roles = roles.query([]).map_err(db)?;
        let mut teams = teams.query([]).map_err(db)?;
        let mut rows = users.query([]).map_err(db)?;
        // Each list's next row, read ahead: (user, entry).
        let next_role = |rows: &mut rusqlite::Rows<'_>| -> Result<_, StoreError> {
            let Some(row) = rows.next().map_err(db)? else {
                return Ok(None);
            };
            let assignment = RoleAssignment {
                role: RoleId::from(row.get::<_, String>(1).map_err(db)?),
                business_unit: row
                    .get::<_, Option<String>>(2)
                    .map_err(db)?
                    .map(BusinessUnitId::from),
            };
            Ok(Some((row.get::<_, String>(0).map_err(db)?, assignment)))
        };
        let next_team = |rows: &mut rusqlite::Rows<'_>| -> Result<_, StoreError> {
            let Some(row) = rows.next().map_err(db)? else {
                return Ok(None);
            };
            let team = TeamId::from(row.get::<_, String>(1).map_err(db)?);
            Ok(Some((row.get::<_, String>(0).map_err(db)?, team)))
        };
        let mut role = next_role(&mut roles)?;
        let mut team = next_team(&mut teams)?;
        while let Some(row) = rows.next().map_err(db)? {
            let id: String = row.get(0).map_err(db)?;
            let mut user = User {
                name: row.get(1).map_err(db)?,
                business_unit: row
                    .get::<_, Option<String>>(2)
                    .map_err(db)?
                    .map(BusinessUnitId::from),
                disabled: row.get(3).map_err(db)?,
                ..User::new(id.clone(), "")
            };
            // Rows of a user not listed (none while the foreign keys
            // hold) are passed over.
            while role.as_ref().is_some_and(|(user, _)| *user < id) {
                role = next_role(&mut roles)?;
            }
            while team.as_ref().is_some_and(|(user, _)| *user < id) {
                team = next_team(&mut teams)?;
            }
            while let Some((_, assignment)) = role.take_if(|(user, _)| *user == id) {
                user.roles.push(assignment);
                role = next_role(&mut roles)?;
            }
            while let Some((_, member_of)) = team.take_if(|(user, _)| *user == id) {
                user.teams.push(member_of);
                team = next_team(&mut teams)?;
            }
            if visit(&user).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn team_ids(&self) -> Result<Vec<TeamId>, StoreError> {
        self.list("SELECT id FROM teams ORDER BY position", [])
    }

    fn business_unit(
        &self,
        id: &BusinessUnitId,
    ) -> Result<Option<Cow<'_, BusinessUnit>>, StoreError> {
        let row = self.row(
            "SELECT name, parent FROM business_units WHERE id = ?1",
            id.as_str(),
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
        )?;
        Ok(row.map(|(name, parent)| {
            Cow::Owned(BusinessUnit {
                id: id.clone(),
                name,
                parent: parent.map(BusinessUnitId::from),
            })
        }))
    }

    fn business_unit_ids(&self) -> Result<Vec<BusinessUnitId>, StoreError> {
        self.list("SELECT id FROM business_units ORDER BY position", [])
    }

    fn root_business_unit(&self) -> Result<Option<BusinessUnitId>, StoreError> {
        let root: Vec<BusinessUnitId> =
            self.list("SELECT id FROM business_units WHERE parent IS NULL", [])?;
        Ok(root.into_iter().next())
    }

    fn team(&self, id: &TeamId) -> Result<Option<Cow<'_, Team>>, StoreError> {
        let key = id.as_str();
        let Some((name, unit)) = self.row(
            "SELECT name, business_unit FROM teams WHERE id = ?1",
            key,
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
        )?
        else {
            return Ok(None);
        };
        Ok(Some(Cow::Owned(Team {
            id: id.clone(),
            name,
            business_unit: unit.map(BusinessUnitId::from),
            roles: self.list(
                "SELECT role FROM team_roles WHERE team = ?1 ORDER BY position",
                [key],
            )?,
            members: self.list(
                "SELECT user FROM memberships WHERE team = ?1 ORDER BY team_position",
                [key],
            )?,
        })))
    }

    fn role(&self, id: &RoleId) -> Result<Option<Cow<'_, Role>>, StoreError> {
        let key = id.as_str();
        let Some((name, inheritance)) = self.row(
            "SELECT name, inheritance FROM roles WHERE id = ?1",
            key,
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?
        else {
            return Ok(None);
        };
        let mut statement = self
            .conn
            .prepare_cached("SELECT privilege, level FROM grants WHERE role = ?1 ORDER BY position")
            .map_err(db)?;
        let rows = statement
            .query_map([key], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(db)?;
        let mut role = Role::new(id.clone(), name).with_inheritance(parse(inheritance)?);
        for row in rows {
            let (key, level) = row.map_err(db)?;
            let key = Privilege::new(key).map_err(StoreError::new)?;
            let level: AccessLevel = level.parse().map_err(StoreError::new)?;
            role.grants.insert(key, level);
        }
        role.includes = self.list(
            "SELECT included FROM inclusions WHERE role = ?1 ORDER BY position",
            [key],
        )?;
        Ok(Some(Cow::Owned(role)))
    }

    fn privilege(&self, key: &Privilege) -> Result<Option<Cow<'_, PrivilegeDef>>, StoreError> {
        let description = self.row(
            "SELECT description FROM privileges WHERE key = ?1",
            key.as_str(),
            |r| r.get::<_, String>(0),
        )?;
        Ok(description.map(|d| Cow::Owned(PrivilegeDef::new(key.clone(), d))))
    }

    fn privilege_keys(&self) -> Result<Vec<Privilege>, StoreError> {
        let keys: Vec<String> = self.list("SELECT key FROM privileges ORDER BY position", [])?;
        keys.into_iter()
            .map(|k| Privilege::new(k).map_err(StoreError::new))
            .collect()
    }

    fn profile(&self, id: &ProfileId) -> Result<Option<Cow<'_, Profile>>, StoreError> {
        let key = id.as_str();
        let row = self.row(
            "SELECT name, kind, rank, is_default, pane_enabled FROM profiles WHERE id = ?1",
            key,
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<u32>>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            },
        )?;
        let Some((name, kind, rank, default, enabled)) = row else {
            return Ok(None);
        };
        let mut settings = ProfileSettings::default();
        let templates = |list: &str| {
            self.list(
                "SELECT template FROM profile_templates
                 WHERE profile = ?1 AND list = ?2 ORDER BY position",
                [key, list],
            )
        };
        settings.session_templates = templates("session")?;
        settings.application_tab_templates = templates("application_tab")?;
        settings.notification_templates = templates("notification")?;
        let channels: Vec<String> = self.list(
            "SELECT channel FROM profile_channels WHERE profile = ?1",
            [key],
        )?;
        settings.channels = channels.into_iter().map(parse).collect::<Result<_, _>>()?;
        let tools: Vec<String> =
            self.list("SELECT tool FROM profile_tools WHERE profile = ?1", [key])?;
        settings.productivity_pane = ProductivityPane {
            enabled,
            tools: tools.into_iter().map(parse).collect::<Result<_, _>>()?,
        };
        Ok(Some(Cow::Owned(Profile {
            id: id.clone(),
            name,
            kind: parse(kind)?,
            settings,
            rank,
            roles: self.list(
                "SELECT role FROM profile_roles WHERE profile = ?1 ORDER BY position",
                [key],
            )?,
            users: self.list(
                "SELECT user FROM profile_users WHERE profile = ?1 ORDER BY position",
                [key],
            )?,
            default,
        })))
    }

    fn profiles(&self) -> Result<Vec<Cow<'_, Profile>>, StoreError> {
        let ids: Vec<ProfileId> = self.list("SELECT id FROM profiles ORDER BY position", [])?;
        let mut profiles = Vec::with_capacity(ids.len());
        for id in ids {
            let profile = self.profile(&id)?;
            profiles
                .push(profile.ok_or_else(|| StoreError::new(format!("profile {id} vanished")))?);
        }
        Ok(profiles)
    }

    fn template(&self, id: &TemplateId) -> Result<Option<Cow<'_, Template>>, StoreError> {
        let row = self.row(
            "SELECT name, kind, origin FROM templates WHERE id = ?1",
            id.as_str(),
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )?;
        match row {
            Some((name, kind, origin)) => Ok(Some(Cow::Owned(Template {
                origin: parse(origin)?,
                ..Template::new(id.clone(), name, parse(kind)?)
            }))),
            None => Ok(None),
        }
    }

    fn fallback_profile(&self) -> Result<Option<ProfileId>, StoreError> {
        let named = self.list("SELECT profile FROM fallback_profile", [])?;
        if let Some(named) = named.into_iter().next() {
            return Ok(Some(named));
        }
        // As a directory: the only out-of-box profile.
        let out_of_box: Vec<ProfileId> = self.list(
            "SELECT id FROM profiles WHERE kind = 'out_of_box' ORDER BY position LIMIT 2",
            [],
        )?;
        Ok(match <[ProfileId; 1]>::try_from(out_of_box) {
            Ok([only]) => Some(only),
            Err(_) => None,
        })
    }

    fn is_secured_column(&self, column: &ColumnKey) -> Result<bool, StoreError> {
        let found = self.row(
            "SELECT 1 FROM secured_columns WHERE key = ?1",
            column.as_str(),
            |r| r.get::<_, i64>(0),
        )?;
        Ok(found.is_some())
    }

    fn column_profiles(&self) -> Result<Vec<Cow<'_, ColumnProfile>>, StoreError> {
        let ids: Vec<ColumnProfileId> =
            self.list("SELECT id FROM column_profiles ORDER BY position", [])?;
        let mut profiles = Vec::with_capacity(ids.len());
        for id in ids {
            let key = id.as_str();
            let name = self.row("SELECT name FROM column_profiles WHERE id = ?1", key, |r| {
                r.get::<_, String>(0)
            })?;
            let mut profile = ColumnProfile::new(id.clone(), name.unwrap_or_default());
            profile.users = self.list(
                "SELECT user FROM column_profile_users WHERE profile = ?1 ORDER BY position",
                [key],
            )?;
            profile.teams = self.list(
                "SELECT team FROM column_profile_teams WHERE profile = ?1 ORDER BY position",
                [key],
            )?;
            let mut statement = self
                .conn
                .prepare_cached(
                    "SELECT column_key, can_read, can_update, can_create FROM column_permissions
                     WHERE profile = ?1 ORDER BY position",
                )
                .map_err(db)?;
            let rows = statement
                .query_map([key], |r| {
                    let access = ColumnAccess {
                        read: r.get(1)?,
                        update: r.get(2)?,
                        create: r.get(3)?,
                    };
                    Ok((r.get::<_, String>(0)?, access))
                })
                .map_err(db)?;
            for row in rows {
                let (column, access) = row.map_err(db)?;
                let column = ColumnKey::new(column).map_err(StoreError::new)?;
                profile.permissions.insert(column, access);
            }
            profiles.push(Cow::Owned(profile));
        }
        Ok(profiles)
    }

    fn licences(&self) -> Result<Option<BTreeSet<Licence>>, StoreError> {
        let modelled: Vec<String> = self.list("SELECT 'yes' FROM licensing", [])?;
        if modelled.is_empty() {
            return Ok(None);
        }
        let names: Vec<String> = self.list("SELECT licence FROM licences", [])?;
        names
            .into_iter()
            .map(parse)
            .collect::<Result<_, _>>()
            .map(Some)
    }

    fn tool_settings(&self) -> Result<Vec<Cow<'_, ToolSettings>>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, name, tool FROM tool_settings ORDER BY position")
            .map_err(db)?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(db)?;
        rows.map(|row| {
            let (id, name, tool) = row.map_err(db)?;
            Ok(Cow::Owned(ToolSettings::new(id, name, parse(tool)?)))
        })
        .collect()
    }

    fn channel_providers(&self) -> Result<Vec<Cow<'_, ChannelProvider>>, StoreError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id, name, channel FROM channel_providers ORDER BY position")
            .map_err(db)?;
        let rows = statement
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(db)?;
        rows.map(|row| {
            let (id, name, channel) = row.map_err(db)?;
            Ok(Cow::Owned(ChannelProvider::new(id, name, parse(channel)?)))
        })
        .collect()
    }
}

impl StoreMut for SqliteStore {
    /// One transaction: every change, or (on any error, the transaction
    /// dropped unfinished) none.
    fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(db)?;
        for change in changes {
            match change {
                Change::PutProfile(profile) => put_profile(&tx, profile)?,
                Change::RemoveProfile(id) => {
                    execute(&tx, "DELETE FROM profiles WHERE id = ?1", [id.as_str()])?;
                }
                Change::PutTemplate(template) => put_template(&tx, template)?,
                Change::RemoveTemplate(id) => {
                    execute(&tx, "DELETE FROM templates WHERE id = ?1", [id.as_str()])?;
                }
                Change::PutColumnProfile(profile) => put_column_profile(&tx, profile)?,
                Change::RemoveColumnProfile(id) => {
                    execute(
                        &tx,
                        "DELETE FROM column_profiles WHERE id = ?1",
                        [id.as_str()],
                    )?;
                }
                Change::PutToolSettings(settings) => put_tool_settings(&tx, settings)?,
                Change::RemoveToolSettings(id) => {
                    execute(
                        &tx,
                        "DELETE FROM tool_settings WHERE id = ?1",
                        [id.as_str()],
                    )?;
                }
                Change::PutChannelProvider(provider) => put_channel_provider(&tx, provider)?,
                Change::RemoveChannelProvider(id) => {
                    execute(
                        &tx,
                        "DELETE FROM channel_providers WHERE id = ?1",
                        [id.as_str()],
                    )?;
                }
                Change::PutUser(user) => put_user(&tx, user)?,
                Change::RemoveUser(id) => {
                    for sql in [
                        "DELETE FROM user_roles WHERE user = ?1",
                        "DELETE FROM memberships WHERE user = ?1",
                        "DELETE FROM users WHERE id = ?1",
                    ] {
                        execute(&tx, sql, [id.as_str()])?;
                    }
                }
                Change::PutTeam(team) => put_team(&tx, team)?,
                Change::RemoveTeam(id) => {
                    for sql in [
                        "DELETE FROM team_roles WHERE team = ?1",
                        "DELETE FROM memberships WHERE team = ?1",
                        "DELETE FROM teams WHERE id = ?1",
                    ] {
                        execute(&tx, sql, [id.as_str()])?;
                    }
                }
                Change::PutBusinessUnit(unit) => put_business_unit(&tx, unit)?,
                Change::RemoveBusinessUnit(id) => {
                    execute(
                        &tx,
                        "DELETE FROM business_units WHERE id = ?1",
                        [id.as_str()],
                    )?;
                }
                other => {
                    return Err(StoreError::new(format!("unsupported change {other:?}")));
                }
            }
        }
        // The feed entry, in the same transaction: the version moves with
        // the data or not at all.
        let json = serde_json::to_string(changes).map_err(StoreError::new)?;
        execute(
            &tx,
            "INSERT INTO changes (version, changes) \
             SELECT COALESCE(MAX(version), 0) + 1, ?1 FROM changes",
            [json.as_str()],
        )?;
        tx.commit().map_err(db)
    }
}
