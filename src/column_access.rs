//! `column_access` and `explain_column_access`: what a user may do with one
//! column, and why.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::catalog::SYSTEM_ADMINISTRATOR;
use crate::column::{ColumnAccess, ColumnPermission, ColumnProfile};
use crate::error::Error;
use crate::held::{Holding, Reached, Route, holds_role, load_user, walk_held_roles};
use crate::id::{AsId, ColumnProfileId, UserId};
use crate::key::Privilege;
use crate::key::{AsKey, ColumnKey};
use crate::privilege::AccessLevel;
use crate::record::Record;
use crate::record_access::can_access;
use crate::routes::granting;
use crate::store::Store;
use crate::user::User;

/// What `user` may do with `column`.
///
/// - A **secured** column (see [`Store::is_secured_column`]): the union of
///   what every [`ColumnProfile`] grants on it, over the profiles that list
///   the user or one of their teams. No role grants it — not even Omnichannel
///   administrator — with one deliberate exception: a user holding System
///   Administrator (directly, through a team, or through an including role)
///   has full access to every secured column, as in Dataverse, where that
///   role bypasses column security.
/// - A column that is **not secured** follows the table privileges of its
///   entity: read from `<entity>:read`, update from `<entity>:write`, create
///   from `<entity>:create`, each at any level above
///   [`AccessLevel::None`]. A key the catalogue doesn't define grants
///   nothing here: columns of tables the catalogue doesn't know are simply
///   not accessible.
///
/// # Errors
///
/// [`Error::UnknownUser`] when the store does not know `user`;
/// [`Error::UnknownReference`] when the store refers to a team or role it
/// does not hold, and [`Error::Storage`] when the store fails. (An invalid
/// entity or column text is refused earlier, when the [`ColumnKey`] is
/// parsed.)
///
/// ```
/// use rbac_profiles::{column_access, ColumnAccess, ColumnKey, ColumnProfile, Directory, DirectoryDoc, MemoryStore, User};
///
/// let secret: ColumnKey = "msdyn_authenticationsettings.msdyn_authenticationclientsecret".parse()?;
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("ana", "Ana").with_role("omnichannel-administrator"));
/// org.users.push(User::new("bo", "Bo").with_role("omnichannel-administrator"));
/// org.column_profiles.push(
///     ColumnProfile::new("auth-secrets", "Auth secrets")
///         .with_user("bo")
///         .with_permission(secret.clone(), ColumnAccess::ALL),
/// );
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// // The administrator role manages the table, but not its secret column.
/// assert_eq!(column_access(&store, "ana", "msdyn_authenticationsettings.name")?, ColumnAccess::ALL);
/// assert_eq!(column_access(&store, "ana", &secret)?, ColumnAccess::NONE);
/// assert_eq!(column_access(&store, "bo", &secret)?, ColumnAccess::ALL);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn column_access<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    column: impl AsKey<ColumnKey>,
) -> Result<ColumnAccess, Error> {
    let column = column.to_key()?;
    let column = &*column;
    let user = load_user(store, user)?;
    let keys = table_keys(column)?;
    // Which table privileges the user holds at all: every held role is
    // walked, so a dangling reference is reported whatever the answer.
    let mut table = ColumnAccess::NONE;
    let mut administrator = false;
    walk_held_roles(store, &user, |role| {
        administrator |= role.id == SYSTEM_ADMINISTRATOR;
        for (permission, key) in &keys {
            if role.grants.get(key).is_some_and(|l| l.is_granted()) {
                table = table.with(*permission);
            }
        }
    })?;
    let secured = store.is_secured_column(column)?;
    if administrator {
        if secured {
            return Ok(ColumnAccess::ALL);
        }
        // System Administrator holds every privilege the catalogue defines.
        for (permission, key) in &keys {
            if store.privilege(key)?.is_some() {
                table = table.with(*permission);
            }
        }
    }
    if !secured {
        return Ok(table);
    }
    Ok(profile_access(store, &user, column)?.intersection(table))
}

/// What `user` may do with `column` of one `record`: [`column_access`]
/// for that record rather than for some record the user may reach.
///
/// A permission needs the matching access to the record (read → `read`,
/// update → `write`, create → `create` on the column's table, decided by
/// [`can_access`](crate::can_access)); on a secured column also a column
/// security profile granting it: a secured column narrows what the record
/// access opens, it never opens more. System Administrator, held in any
/// way, has every permission on a secured column.
///
/// # Errors
///
/// As [`can_access`](crate::can_access) for the user and the record: an
/// unknown user, owner, share principal or business unit.
///
/// ```
/// use rbac_profiles::{column_access_on, ColumnAccess, Directory, MemoryStore, Record};
///
/// let store = MemoryStore::new(Directory::from_json(r#"{
///     "privileges": [ { "key": "vault:read" } ],
///     "roles": [ { "id": "mine", "grants": { "vault:read": "user" } } ],
///     "users": [ { "id": "ana", "roles": ["mine"] }, { "id": "bo" } ],
///     "secured_columns": ["vault.secret"],
///     "column_profiles": [ { "id": "p", "users": ["ana"],
///                            "permissions": { "vault.secret": { "read": true } } } ]
/// }"#)?);
/// // Her own record: her profile's read; Bo's: nothing, the record is closed.
/// assert_eq!(column_access_on(&store, "ana", "vault.secret", &Record::owned_by_user("ana"))?, ColumnAccess::read_only());
/// assert_eq!(column_access_on(&store, "ana", "vault.secret", &Record::owned_by_user("bo"))?, ColumnAccess::NONE);
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn column_access_on<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    column: impl AsKey<ColumnKey>,
    record: &Record<'_>,
) -> Result<ColumnAccess, Error> {
    let column = column.to_key()?;
    let column = &*column;
    let user = load_user(store, user)?;
    let secured = store.is_secured_column(column)?;
    if secured && holds_role(store, &user, &SYSTEM_ADMINISTRATOR)? {
        return Ok(ColumnAccess::ALL);
    }
    let mut records = ColumnAccess::NONE;
    for (permission, key) in table_keys(column)? {
        // A table the catalogue doesn't know opens no record.
        let open = match can_access(store, &user.id, &key, record) {
            Err(Error::UnknownPrivilege { .. }) => false,
            answer => answer?,
        };
        if open {
            records = records.with(permission);
        }
    }
    if !secured {
        return Ok(records);
    }
    Ok(profile_access(store, &user, column)?.intersection(records))
}

/// What the column security profiles covering `user` grant on `column`.
fn profile_access<S: Store + ?Sized>(
    store: &S,
    user: &User,
    column: &ColumnKey,
) -> Result<ColumnAccess, Error> {
    let mut access = ColumnAccess::NONE;
    for profile in store.column_profiles()? {
        if memberships(&profile, user).next().is_some() {
            if let Some(granted) = profile.permissions.get(column) {
                access = access.union(*granted);
            }
        }
    }
    Ok(access)
}

/// Why a user has one permission on a column: one entry of
/// [`explain_column_access`].
///
/// ```
/// use rbac_profiles::{explain_column_access, ColumnGrant, ColumnPermission, Directory, DirectoryDoc, MemoryStore, User};
///
/// let mut org = DirectoryDoc::default();
/// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// let routes = explain_column_access(&store, "u1", "queue.name")?;
/// assert_eq!(routes.len(), 1);
/// assert_eq!(routes[0].permission, ColumnPermission::Read);
/// let ColumnGrant::TablePrivilege { privilege, route } = &routes[0].grant else { unreachable!() };
/// assert_eq!(privilege.as_str(), "queue:read");
/// assert_eq!(route.role.as_str(), "omnichannel-agent");
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ColumnRoute {
    /// The permission this route grants.
    pub permission: ColumnPermission,
    /// Where it comes from.
    pub grant: ColumnGrant,
}

/// Where a column permission comes from.
///
/// Ordered by variant (profiles, then System Administrator, then table
/// privileges), then by the ids in it.
///
/// ```
/// use rbac_profiles::{ColumnGrant, Holding};
///
/// let grant = ColumnGrant::Profile { profile: "auth-secrets".into(), holding: Holding::Team("tier-2".into()) };
/// assert!(matches!(grant, ColumnGrant::Profile { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ColumnGrant {
    /// A column security profile grants it on a secured column, listing the
    /// user directly or one of their teams.
    Profile {
        /// The profile.
        profile: ColumnProfileId,
        /// How the profile covers the user: listed directly, or through
        /// this team.
        holding: Holding,
    },
    /// The user holds System Administrator (the route says how), which
    /// bypasses column security.
    SystemAdministrator(Route),
    /// The column is not secured, and the user holds this table privilege
    /// through the route.
    TablePrivilege {
        /// The table privilege, `<entity>:read`, `:write` or `:create`.
        privilege: Privilege,
        /// How the user holds it.
        route: Route,
    },
}

impl ColumnGrant {
    fn rank(&self) -> u8 {
        match self {
            ColumnGrant::Profile { .. } => 0,
            ColumnGrant::SystemAdministrator(_) => 1,
            ColumnGrant::TablePrivilege { .. } => 2,
        }
    }

    fn cmp_same_kind(&self, other: &Self) -> Ordering {
        match (self, other) {
            (
                ColumnGrant::Profile { profile, holding },
                ColumnGrant::Profile {
                    profile: p,
                    holding: h,
                },
            ) => (profile, holding).cmp(&(p, h)),
            (ColumnGrant::SystemAdministrator(a), ColumnGrant::SystemAdministrator(b)) => {
                a.role.cmp(&b.role)
            }
            (
                ColumnGrant::TablePrivilege { privilege, route },
                ColumnGrant::TablePrivilege {
                    privilege: p,
                    route: r,
                },
            ) => (privilege, &route.role).cmp(&(p, &r.role)),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// Every route by which `user` has a permission on `column`; empty when they
/// have none. The permissions of the routes are exactly what
/// [`column_access`] answers.
///
/// On a secured column: one route per (permission, profile, holding) of the
/// profiles that cover the user, plus, for a System Administrator, one route
/// per permission and role route to System Administrator. On a column that
/// is not secured: one route per permission and route to the table
/// privilege, as [`explain_privilege`](crate::explain_privilege) gives them
/// (each granting role once, with one shortest chain and the other paths
/// counted). So the answer holds at most three permissions × (profiles ×
/// holdings + roles the user reaches) routes, however many inclusion paths
/// there are. Sorted by permission, then as [`ColumnGrant`] orders, so the
/// answer does not depend on the order of lists in the store.
///
/// # Errors
///
/// As [`column_access`].
///
/// ```
/// use rbac_profiles::{explain_column_access, AccessLevel, ColumnAccess, ColumnGrant, ColumnProfile, Directory, DirectoryDoc, Holding, MemoryStore, PrivilegeDef, Role, Team, User};
///
/// let token = "msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken".parse()?;
/// let read: rbac_profiles::Privilege = "msdyn_ocwhatsappchannelaccount:read".parse()?;
/// let mut org = DirectoryDoc::default();
/// // The profile's read counts with the table's read privilege.
/// org.privileges.push(PrivilegeDef::new(read.clone(), ""));
/// org.roles.push(Role::new("channel-reader", "").with_grant(read, AccessLevel::Organization));
/// org.teams.push(Team::new("tier-2", "Tier 2").with_member("kayla").with_role("channel-reader"));
/// org.users.push(User::new("kayla", "Kayla").with_team("tier-2"));
/// org.column_profiles.push(
///     ColumnProfile::new("whatsapp", "WhatsApp").with_team("tier-2")
///         .with_permission(token, ColumnAccess::read_only()),
/// );
/// let store = MemoryStore::new(Directory::builtin_with(org)?);
///
/// let routes = explain_column_access(&store, "kayla", "msdyn_ocwhatsappchannelaccount.msdyn_secureauthenticationtoken")?;
/// assert_eq!(routes.len(), 1);
/// assert_eq!(routes[0].grant, ColumnGrant::Profile { profile: "whatsapp".into(), holding: Holding::Team("tier-2".into()) });
/// # Ok::<(), rbac_profiles::Error>(())
/// ```
pub fn explain_column_access<S: Store + ?Sized>(
    store: &S,
    user: impl AsId<UserId>,
    column: impl AsKey<ColumnKey>,
) -> Result<Vec<ColumnRoute>, Error> {
    let column = column.to_key()?;
    let column = &*column;
    let user = load_user(store, user)?;
    let secured = store.is_secured_column(column)?;
    let granted = column_access(store, &user.id, column)?;
    let reached = Reached::load(store, user)?;
    let sources = reached.sources();
    let mut routes = Vec::new();
    if secured {
        let admin = granting(
            reached.includes.as_slice(),
            &sources,
            |node| {
                if reached.role_id(node) == SYSTEM_ADMINISTRATOR {
                    AccessLevel::Organization
                } else {
                    AccessLevel::None
                }
            },
            |node| reached.role_id(node),
        );
        for route in reached.routes(admin) {
            for permission in ColumnPermission::ALL {
                routes.push(ColumnRoute {
                    permission,
                    grant: ColumnGrant::SystemAdministrator(route.clone()),
                });
            }
        }
        for profile in store.column_profiles()? {
            let Some(permissions) = profile.permissions.get(column).copied() else {
                continue;
            };
            for holding in memberships(&profile, &reached.user) {
                // A profile's permission counts only with the table
                // privilege that opens records (or System Administrator).
                for permission in ColumnPermission::ALL {
                    if permissions.allows(permission) && granted.allows(permission) {
                        routes.push(ColumnRoute {
                            permission,
                            grant: ColumnGrant::Profile {
                                profile: profile.id.clone(),
                                holding: holding.clone(),
                            },
                        });
                    }
                }
            }
        }
    } else {
        for (permission, key) in table_keys(column)? {
            if store.privilege(&key)?.is_none() {
                continue;
            }
            let found = granting(
                reached.includes.as_slice(),
                &sources,
                |node| reached.level(node, &key),
                |node| reached.role_id(node),
            );
            routes.extend(reached.routes(found).into_iter().map(|route| ColumnRoute {
                permission,
                grant: ColumnGrant::TablePrivilege {
                    privilege: key.clone(),
                    route,
                },
            }));
        }
    }
    routes.sort_by(|a, b| {
        a.permission
            .cmp(&b.permission)
            .then_with(|| a.grant.cmp_same_kind(&b.grant))
    });
    Ok(routes)
}

/// How `profile` covers `user`: `Direct` when it lists them, then one
/// `Team` per team of theirs it lists, in the profile's order.
fn memberships<'a>(
    profile: &'a ColumnProfile,
    user: &'a User,
) -> impl Iterator<Item = Holding> + 'a {
    let direct = profile.users.contains(&user.id).then_some(Holding::Direct);
    let teams = profile
        .teams
        .iter()
        .filter(|team| user.teams.contains(team))
        .map(|team| Holding::Team(team.clone()));
    direct.into_iter().chain(teams)
}

/// The table privileges that grant each permission on a column that is not
/// secured.
fn table_keys(column: &ColumnKey) -> Result<[(ColumnPermission, Privilege); 3], Error> {
    let key = |permission: ColumnPermission| {
        Privilege::new(format!("{}:{}", column.entity(), permission.table_action()))
            .map(|key| (permission, key))
    };
    Ok([
        key(ColumnPermission::Read)?,
        key(ColumnPermission::Update)?,
        key(ColumnPermission::Create)?,
    ])
}
