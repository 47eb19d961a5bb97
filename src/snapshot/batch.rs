//! Many checks at once, privilege or record access, for hosts that have
//! them together (a page of records to badge, a queue to route).
//!
//! A single check waits for the user's row to arrive from memory before it
//! can answer, and the processor can't start many more questions' loads
//! meanwhile: a load that misses holds every instruction after it in the
//! processor's reorder window (a few hundred entries) until it arrives,
//! and a whole check is tens of instructions. A batch issues the row
//! loads of several questions first, in a loop of a few instructions
//! each with nothing depending on them, and answers once the rows are
//! in, so the cache misses overlap instead of queueing. By id, the id
//! tables' slots are loaded the same way before any text is compared. Record access goes in stages: the held-role rows
//! (by id, beside the id texts), then, for the questions a grant leaves
//! to the depth rule, the users' units, roles and teams and the records'
//! owning units. Each stage is a short loop of loads: a loop doing a
//! whole check per question runs out of room for instructions in flight
//! after a few questions. Safe code only (the crate forbids `unsafe`, and
//! a prefetch instruction needs it): the loads themselves are the
//! prefetch, so a batch is bounded by how many fit in the window.

use super::access::{AHEAD, At, Near, ids_ahead};
use super::intern::{Probe, touch};
use super::{LEVELS, PrivilegeIx, RecordIx, Snapshot, UserIx};
use crate::error::Error;
use crate::id::{AsId, UserId};
use crate::key::{AsKey, Privilege};
use crate::record::Record;

/// Record-access questions in flight at once: enough for their loads to
/// cover memory latency, few enough for the processor's outstanding-miss
/// buffers.
const LANES: usize = 16;

/// Privilege questions in flight at once. A load that misses holds every
/// instruction after it in the processor's reorder window until it
/// arrives, so the misses that overlap are about the window's size over
/// the instructions between two loads: the privilege batch loads its rows
/// in a loop of a few instructions a question, where 32 fit (against 16
/// with the rows' addresses worked out in that loop, 77–92 → 49–50 ns a
/// check at 1 M users; see the performance guide).
const PRIVILEGE_LANES: usize = 32;

/// One question in indices, and whether it may be answered at all (its
/// handles were issued by this snapshot).
#[derive(Clone, Copy, Default)]
struct Lane {
    user: u32,
    privilege: u32,
    issued: bool,
}

impl Snapshot {
    /// [`Snapshot::has_privilege_ix`] for many questions: `answers` is
    /// cleared, then holds one answer per question, in order. Equal to
    /// asking one by one, and faster when the users' rows are not in
    /// cache: the batch overlaps their memory loads (see
    /// [`guide::performance`](crate::guide::performance)). A handle this
    /// snapshot did not issue answers `false`. Allocates nothing once
    /// `answers` has the capacity.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// org.users.push(User::new("u2", "Two"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    /// let read = snapshot.privilege_ix("app_profile:read").unwrap();
    /// let questions: Vec<_> = snapshot.users().map(|u| (u, read)).collect();
    ///
    /// let mut answers = Vec::new();
    /// snapshot.has_privileges_ix(&questions, &mut answers);
    /// assert_eq!(answers, [true, false]);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn has_privileges_ix(&self, questions: &[(UserIx, PrivilegeIx)], answers: &mut Vec<bool>) {
        answers.clear();
        answers.reserve(questions.len());
        let mut lanes = [Lane::default(); PRIVILEGE_LANES];
        for chunk in questions.chunks(PRIVILEGE_LANES) {
            for (lane, (user, privilege)) in lanes.iter_mut().zip(chunk) {
                *lane = Lane {
                    user: user.ix,
                    privilege: privilege.ix,
                    issued: self.issued(*user, *privilege),
                };
            }
            self.answer_lanes(lanes.iter().take(chunk.len()), answers);
        }
    }

    /// [`Snapshot::has_privilege`] for many questions by id: `answers` is
    /// cleared, then holds one answer per question, in order. The id
    /// look-ups of a batch overlap their memory loads, as do the users'
    /// rows ([`Snapshot::has_privileges_ix`]).
    ///
    /// # Errors
    ///
    /// The first question's error, as [`Snapshot::has_privilege`] gives
    /// it ([`Error::InvalidPrivilege`], [`Error::UnknownUser`],
    /// [`Error::UnknownPrivilege`]); `answers` then holds the answers of
    /// the questions before it, or some of them.
    ///
    /// ```
    /// use rbac_profiles::{Directory, DirectoryDoc, Error, MemoryStore, Snapshot, User};
    ///
    /// let mut org = DirectoryDoc::default();
    /// org.users.push(User::new("u1", "One").with_role("omnichannel-agent"));
    /// let snapshot = Snapshot::compile(&MemoryStore::new(Directory::builtin_with(org)?))?;
    ///
    /// let mut answers = Vec::new();
    /// snapshot.has_privileges(&[("u1", "app_profile:read"), ("u1", "bot:create")], &mut answers)?;
    /// assert_eq!(answers, [true, false]);
    /// let err = snapshot.has_privileges(&[("u1", "bot:create"), ("u9", "bot:create")], &mut answers);
    /// assert!(matches!(err, Err(Error::UnknownUser { .. })));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn has_privileges<U, P>(
        &self,
        questions: &[(U, P)],
        answers: &mut Vec<bool>,
    ) -> Result<(), Error>
    where
        U: AsId<UserId>,
        P: AsKey<Privilege>,
    {
        answers.clear();
        answers.reserve(questions.len());
        let mut lanes = [Lane::default(); PRIVILEGE_LANES];
        for chunk in questions.chunks(PRIVILEGE_LANES) {
            let mut user_ids = [""; PRIVILEGE_LANES];
            let mut keys = [""; PRIVILEGE_LANES];
            for ((id, key), (user, privilege)) in user_ids.iter_mut().zip(&mut keys).zip(chunk) {
                *id = user.id_str();
                *key = privilege.key_str();
            }
            let mut users = [None; PRIVILEGE_LANES];
            let mut privileges = [None; PRIVILEGE_LANES];
            let n = chunk.len();
            self.users
                .get_batch(user_ids.get(..n).unwrap_or_default(), &mut users);
            self.privileges
                .get_batch(keys.get(..n).unwrap_or_default(), &mut privileges);
            for ((lane, (user, privilege)), question) in lanes
                .iter_mut()
                .zip(users.iter().zip(&privileges))
                .zip(chunk)
            {
                let (Some(user), Some(privilege)) = (user, privilege) else {
                    // The single check names the error, in its order.
                    let (user, privilege) = question;
                    let (user, privilege) = self.handles(user, privilege)?;
                    *lane = Lane {
                        user: user.ix,
                        privilege: privilege.ix,
                        issued: true,
                    };
                    continue;
                };
                *lane = Lane {
                    user: *user,
                    privilege: *privilege,
                    issued: true,
                };
            }
            self.answer_lanes(lanes.iter().take(n), answers);
        }
        Ok(())
    }

    /// Answers `lanes` in order: every user's row is loaded before any is
    /// read, so the loads overlap.
    #[inline]
    fn answer_lanes<'l>(
        &self,
        lanes: impl Iterator<Item = &'l Lane> + Clone,
        answers: &mut Vec<bool>,
    ) {
        let Some(held) = &self.held else {
            answers.extend(lanes.map(|lane| {
                lane.issued && self.holds_row(lane.user, lane.privilege as usize * LEVELS.len())
            }));
            return;
        };
        // Stage 0: where each row is. Only the chunks' headers are read
        // (a few hundred, in cache), so these retire at once.
        let mut rows: [&[u64]; PRIVILEGE_LANES] = [&[]; PRIVILEGE_LANES];
        for (row, lane) in rows.iter_mut().zip(lanes.clone()) {
            *row = held.row(lane.user as usize);
        }
        // Stage 1: the first word of each row (the row is one cache line
        // up to 512 roles): independent loads, nothing waits on them, a
        // handful of instructions each, so that every lane's load is in
        // flight at once within the reorder window. (Copying whole rows
        // here measured slower: 64 against 42–49 ns a check.)
        let mut first = [0u64; PRIVILEGE_LANES];
        for (word, row) in first.iter_mut().zip(&rows) {
            *word = row.first().copied().unwrap_or(0);
        }
        // Stage 2: the answers, from rows now arriving together.
        for ((word, row), lane) in first.iter().zip(&rows).zip(lanes) {
            let grants = self.grants.row(lane.privilege as usize * LEVELS.len());
            let head = grants.first().map_or(0, |g| word & g);
            let rest = row
                .iter()
                .zip(grants)
                .skip(1)
                .fold(0, |shared, (x, y)| shared | (x & y));
            answers.push(lane.issued && (head | rest) != 0);
        }
    }

    /// [`Snapshot::can_access_ix`] for many questions: `answers` is
    /// cleared, then holds one answer per question, in order. Equal to
    /// asking one by one, and faster when the users' rows are not in
    /// cache: a batch loads every question's held-role row before reading
    /// any, then, for the questions the depth rule decides, every user's
    /// unit, roles and teams and every record's owning unit (see
    /// [`guide::performance`](crate::guide::performance)). A handle this
    /// snapshot did not issue answers `false`. Allocates nothing once
    /// `answers` has the capacity.
    ///
    /// ```
    /// use rbac_profiles::{Directory, MemoryStore, OwnerIx, RecordIx, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::from_json(r#"{
    ///     "privileges": [ { "key": "ticket:read" } ],
    ///     "roles": [ { "id": "mine", "grants": { "ticket:read": "user" } } ],
    ///     "users": [ { "id": "ana", "roles": ["mine"] }, { "id": "bo" } ]
    /// }"#)?);
    /// let snapshot = Snapshot::compile(&store)?;
    /// let (ana, bo) = (snapshot.user_ix("ana").unwrap(), snapshot.user_ix("bo").unwrap());
    /// let read = snapshot.privilege_ix("ticket:read").unwrap();
    /// let anas = RecordIx::owned_by(OwnerIx::User(ana));
    /// let bos = RecordIx::owned_by(OwnerIx::User(bo));
    ///
    /// let mut answers = Vec::new();
    /// snapshot.can_access_batch_ix(&[(ana, read, anas), (ana, read, bos), (bo, read, bos)], &mut answers);
    /// assert_eq!(answers, [true, false, false]);
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn can_access_batch_ix(
        &self,
        questions: &[(UserIx, PrivilegeIx, RecordIx<'_>)],
        answers: &mut Vec<bool>,
    ) {
        answers.clear();
        answers.reserve(questions.len());
        let mut lanes = [RecordLane::ANSWERED; LANES];
        for chunk in questions.chunks(LANES) {
            for (lane, (user, privilege, record)) in lanes.iter_mut().zip(chunk) {
                *lane = match self.record_at(record) {
                    Some(at) if self.issued(*user, *privilege) => {
                        RecordLane::asked(user.ix, privilege.ix, at)
                    }
                    _ => RecordLane::ANSWERED,
                };
            }
            let n = chunk.len();
            self.answer_record_lanes(
                lanes.get(..n).unwrap_or_default(),
                |i, lane| {
                    chunk.get(i).is_some_and(|(_, _, record)| {
                        self.shared_by_ix(lane.user, lane.privilege, record.shares)
                    })
                },
                answers,
            );
        }
    }

    /// [`Snapshot::can_access`] for many questions by id: `answers` is
    /// cleared, then holds one answer per question, in order. The id
    /// look-ups of a batch (users, record owners, users shared with)
    /// overlap their memory loads, then the answers are worked out as by
    /// [`Snapshot::can_access_batch_ix`]. Allocates nothing once `answers`
    /// has the capacity.
    ///
    /// # Errors
    ///
    /// The first question's error, as [`Snapshot::can_access`] gives it
    /// (an invalid key, an unknown user or privilege, an unknown owner,
    /// share principal or business unit); `answers` then holds the
    /// answers of the questions before it, or some of them.
    ///
    /// ```
    /// use rbac_profiles::{Directory, Error, MemoryStore, Record, Snapshot};
    ///
    /// let store = MemoryStore::new(Directory::from_json(r#"{
    ///     "privileges": [ { "key": "ticket:read" } ],
    ///     "roles": [ { "id": "mine", "grants": { "ticket:read": "user" } } ],
    ///     "users": [ { "id": "ana", "roles": ["mine"] }, { "id": "bo" } ]
    /// }"#)?);
    /// let snapshot = Snapshot::compile(&store)?;
    /// let (anas, bos) = (Record::owned_by_user("ana"), Record::owned_by_user("bo"));
    ///
    /// let mut answers = Vec::new();
    /// snapshot.can_access_batch(&[("ana", "ticket:read", &anas), ("ana", "ticket:read", &bos)], &mut answers)?;
    /// assert_eq!(answers, [true, false]);
    /// let nobodys = Record::owned_by_user("nobody");
    /// let err = snapshot.can_access_batch(&[("ana", "ticket:read", &anas), ("ana", "ticket:read", &nobodys)], &mut answers);
    /// assert!(matches!(err, Err(Error::UnknownInRecord { .. })));
    /// # Ok::<(), rbac_profiles::Error>(())
    /// ```
    pub fn can_access_batch<U, P>(
        &self,
        questions: &[(U, P, &Record<'_>)],
        answers: &mut Vec<bool>,
    ) -> Result<(), Error>
    where
        U: AsId<UserId>,
        P: AsKey<Privilege>,
    {
        answers.clear();
        answers.reserve(questions.len());
        let mut lanes = [RecordLane::ANSWERED; LANES];
        for chunk in questions.chunks(LANES) {
            // Every user id the chunk looks up, each question's in a run.
            let mut ids = [""; LANES * AHEAD];
            let mut runs = [(0, 0); LANES];
            let mut keys = [""; LANES];
            let mut end = 0;
            for ((run, key), (user, privilege, record)) in runs.iter_mut().zip(&mut keys).zip(chunk)
            {
                let room = ids.get_mut(end..end + AHEAD).unwrap_or_default();
                let n = ids_ahead(user.id_str(), record, room);
                *run = (end, end + n);
                end += n;
                *key = privilege.key_str();
            }
            let ids = ids.get(..end).unwrap_or_default();
            let mut probes = [Probe::EMPTY; LANES * AHEAD];
            self.users.probe_all(ids, &mut probes);
            // Each user's held row, at the index their slot names, loads
            // beside the texts that confirm it.
            for (start, _) in runs.iter().take(chunk.len()) {
                if let Some(me) = probes.get(*start) {
                    self.touch_held(me.guess());
                }
            }
            let mut found = [None; LANES * AHEAD];
            for ((id, probe), found) in ids.iter().zip(&probes).zip(&mut found) {
                *found = self.users.finish(probe, id);
            }
            let mut privileges = [None; LANES];
            let n = chunk.len();
            self.privileges
                .get_batch(keys.get(..n).unwrap_or_default(), &mut privileges);
            for ((lane, question), ((start, end), key_found)) in lanes
                .iter_mut()
                .zip(chunk)
                .zip(runs.iter().zip(&privileges))
            {
                let found = found.get(*start..*end).unwrap_or_default();
                let (user, privilege, record) = question;
                let asked = match (found.first().copied().flatten(), key_found) {
                    (Some(user), Some(privilege)) => {
                        let mut ahead = found.get(1..).unwrap_or_default().iter();
                        self.resolve_record(record, |id| {
                            ahead.next().copied().unwrap_or_else(|| self.users.get(id))
                        })
                        .ok()
                        .map(|at| RecordLane::asked(user, *privilege, at))
                    }
                    _ => None,
                };
                *lane = match asked {
                    Some(lane) => lane,
                    // One by one names the error, in its order.
                    None => RecordLane::answered(self.can_access(user, privilege, record)?),
                };
            }
            self.answer_record_lanes(
                lanes.get(..n).unwrap_or_default(),
                |i, lane| {
                    chunk.get(i).is_some_and(|(user, _, record)| {
                        self.shared_by_id(lane.user, user.id_str(), lane.privilege, record.shares)
                    })
                },
                answers,
            );
        }
        Ok(())
    }

    /// Answers `lanes` in order, in three stages whose loads are issued
    /// for every lane before any is read: the held-role rows; then, past a
    /// grant, what decides without depth (`shared(i, lane)`: whether a
    /// share opens lane `i`'s record) and, for the rest, what the depth
    /// rule reads; then the depth rule.
    #[inline]
    fn answer_record_lanes(
        &self,
        lanes: &[RecordLane],
        shared: impl Fn(usize, &RecordLane) -> bool,
        answers: &mut Vec<bool>,
    ) {
        for lane in lanes {
            self.touch_held(lane.user);
        }
        let mut granted = [false; LANES];
        for (granted, lane) in granted.iter_mut().zip(lanes) {
            *granted = lane.known.is_none() && self.holds_row(lane.user, lane.first());
        }
        let mut open = [false; LANES];
        let mut near: [Option<Near<'_>>; LANES] = [None; LANES];
        for (i, (lane, (open, near))) in
            lanes.iter().zip(open.iter_mut().zip(&mut near)).enumerate()
        {
            if granted.get(i).copied().unwrap_or(false) {
                if self.reached_at_once(lane.user, lane.first(), &lane.at, || shared(i, lane)) {
                    *open = true;
                } else {
                    *near = Some(self.near(lane.user, &lane.at));
                }
            }
        }
        for near in near.iter().flatten() {
            touch(near.direct.first().copied());
        }
        answers.extend(
            lanes
                .iter()
                .zip(open.iter().zip(&near))
                .map(|(lane, (open, near))| {
                    lane.known.unwrap_or_else(|| {
                        *open
                            || near.is_some_and(|near| {
                                self.reached_by_depth(lane.user, lane.first(), &lane.at, &near)
                            })
                    })
                }),
        );
    }
}

/// One record-access question in indices.
#[derive(Clone, Copy)]
struct RecordLane {
    user: u32,
    privilege: u32,
    at: At,
    /// The answer, when the tables need not be read: a handle of another
    /// snapshot, or a question answered one by one.
    known: Option<bool>,
}

impl RecordLane {
    const ANSWERED: RecordLane = RecordLane::answered(false);

    const fn answered(answer: bool) -> Self {
        Self {
            user: 0,
            privilege: 0,
            at: At {
                owner: None,
                unit: None,
            },
            known: Some(answer),
        }
    }

    fn asked(user: u32, privilege: u32, at: At) -> Self {
        Self {
            user,
            privilege,
            at,
            known: None,
        }
    }

    /// The privilege's first grant row.
    fn first(&self) -> usize {
        self.privilege as usize * LEVELS.len()
    }
}
