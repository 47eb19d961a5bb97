//! Many privilege checks at once, for hosts that have them together (a
//! page of records to badge, a queue to route).
//!
//! A single check waits for the user's row to arrive from memory before it
//! can answer, and the processor can't start the next question's load far
//! ahead: the answer feeds a branch it must guess. A batch issues the row
//! loads of several questions first, with nothing depending on them, and
//! answers once the rows are in, so the cache misses overlap instead of
//! queueing. By id, the id tables' slots are loaded the same way before
//! any text is compared. Safe code only: the loads themselves are the
//! prefetch.

use super::{LEVELS, PrivilegeIx, Snapshot, UserIx};
use crate::error::Error;
use crate::id::{AsId, UserId};
use crate::key::{AsKey, Privilege};

/// Questions in flight at once: enough for their loads to cover memory
/// latency, few enough for the processor's outstanding-miss buffers.
const LANES: usize = 16;

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
        let mut lanes = [Lane::default(); LANES];
        for chunk in questions.chunks(LANES) {
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
        let mut lanes = [Lane::default(); LANES];
        for chunk in questions.chunks(LANES) {
            let mut user_ids = [""; LANES];
            let mut keys = [""; LANES];
            for ((id, key), (user, privilege)) in user_ids.iter_mut().zip(&mut keys).zip(chunk) {
                *id = user.id_str();
                *key = privilege.key_str();
            }
            let mut users = [None; LANES];
            let mut privileges = [None; LANES];
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
        // Stage 1: the first word of each row (the row is one cache line
        // up to 512 roles): independent loads, nothing waits on them.
        let mut first = [0u64; LANES];
        for (word, lane) in first.iter_mut().zip(lanes.clone()) {
            *word = held.row(lane.user as usize).first().copied().unwrap_or(0);
        }
        // Stage 2: the answers, from rows now arriving together.
        for (word, lane) in first.iter().zip(lanes) {
            let row = held.row(lane.user as usize);
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
}
