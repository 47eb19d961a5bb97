//! The building blocks of the snapshot's tables: allocation that reports
//! an organisation too big for memory as an error, and compressed rows.

use std::sync::Arc;

use super::intern::NONE;
use crate::error::Error;

/// `len` copies of `value`, or [`Error::SnapshotTooLarge`] instead of the
/// abort a failed allocation would be.
pub(super) fn filled<T: Clone>(len: usize, value: T, what: &'static str) -> Result<Vec<T>, Error> {
    let too_large = || Error::SnapshotTooLarge {
        what,
        bytes: len
            .checked_mul(size_of::<T>())
            .and_then(|b| u64::try_from(b).ok())
            .unwrap_or(u64::MAX),
    };
    len.checked_mul(size_of::<T>())
        .filter(|bytes| isize::try_from(*bytes).is_ok())
        .ok_or_else(too_large)?;
    let mut table = Vec::new();
    table.try_reserve_exact(len).map_err(|_| too_large())?;
    table.resize(len, value);
    Ok(table)
}

/// Table lengths are below `u32::MAX`, checked when compiling.
pub(super) fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(NONE)
}

/// `len` as a table index: below [`NONE`], or [`Error::SnapshotLimit`].
pub(super) fn checked_len(len: usize, what: &'static str) -> Result<u32, Error> {
    u32::try_from(len)
        .ok()
        .filter(|n| *n < NONE)
        .ok_or(Error::SnapshotLimit {
            what,
            limit: u64::from(NONE - 1),
        })
}

/// Rows of `u32`s, one after another.
#[derive(Clone, Default)]
pub(crate) struct Csr {
    starts: Vec<u32>,
    values: Vec<u32>,
}

impl Csr {
    pub(super) fn push_row(&mut self, row: impl IntoIterator<Item = u32>) -> Result<(), Error> {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.values.extend(row);
        self.starts
            .push(checked_len(self.values.len(), "references")?);
        Ok(())
    }

    pub(super) fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    #[inline]
    pub(super) fn row(&self, i: usize) -> &[u32] {
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(start), Some(end)) => self
                .values
                .get(*start as usize..*end as usize)
                .unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The transpose: `columns` rows, row `c` holding every row index
    /// whose row here holds `c`, in increasing order (repeated when a row
    /// holds `c` twice). Values past `columns` are dropped.
    pub(super) fn transpose(&self, columns: usize) -> Result<Self, Error> {
        let mut starts = filled(columns + 1, 0u32, "index rows")?;
        for value in &self.values {
            if let Some(count) = starts.get_mut(*value as usize + 1) {
                *count += 1;
            }
        }
        for i in 1..starts.len() {
            let before = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(start) = starts.get_mut(i) {
                *start += before;
            }
        }
        let total = starts.last().copied().unwrap_or(0) as usize;
        let mut values = filled(total, 0u32, "index rows")?;
        let mut next = starts.clone();
        for (row, i) in (0u32..).zip(0..self.len()) {
            for value in self.row(i) {
                if let Some(at) = next.get_mut(*value as usize) {
                    if let Some(slot) = values.get_mut(*at as usize) {
                        *slot = row;
                    }
                    *at += 1;
                }
            }
        }
        Ok(Self { starts, values })
    }

    /// Every value passed through `f`, rows unchanged.
    pub(super) fn map(mut self, f: impl Fn(&u32) -> u32) -> Self {
        for v in &mut self.values {
            *v = f(v);
        }
        self
    }

    /// Rows reordered (row `i` of the result is row `order[i]`), values
    /// passed through `f`.
    pub(super) fn permute(&self, order: &[u32], f: impl Fn(&u32) -> u32) -> Result<Self, Error> {
        let mut out = Csr::default();
        for old in order {
            out.push_row(self.row(*old as usize).iter().map(&f))?;
        }
        Ok(out)
    }

    /// Each row sorted, repeats removed, storage trimmed.
    pub(super) fn sorted_rows(self) -> Self {
        let mut out = Csr {
            starts: Vec::with_capacity(self.starts.len()),
            values: Vec::with_capacity(self.values.len()),
        };
        out.starts.push(0);
        let mut row = Vec::new();
        for i in 0..self.len() {
            row.clear();
            row.extend_from_slice(self.row(i));
            row.sort_unstable();
            row.dedup();
            out.values.extend_from_slice(&row);
            // No longer than the input, whose lengths fit.
            out.starts
                .push(u32::try_from(out.values.len()).unwrap_or(NONE));
        }
        out.values.shrink_to_fit();
        out
    }

    pub(super) fn heap_bytes(&self) -> usize {
        (self.starts.capacity() + self.values.capacity()) * size_of::<u32>()
    }

    /// Storage trimmed to what the rows hold.
    pub(super) fn shrink(&mut self) {
        self.starts.shrink_to_fit();
        self.values.shrink_to_fit();
    }
}

/// Each user's business unit and teams in one 12-byte entry, so that a
/// record-access check reads both from one cache line: `[unit, a, b]`,
/// where `a == NONE` means no team, `b == NONE` one team `a`, and `a` with
/// [`Places::MANY`] set the row of a user in more than two teams, kept
/// in an overflow table. Held in chunks of [`CHUNK`] users behind `Arc`s:
/// a change to one user copies one chunk, the next snapshot shares the
/// rest.
#[derive(Clone, Default)]
pub(crate) struct UserPlaces {
    chunks: Vec<Arc<Places>>,
}

/// One chunk of [`UserPlaces`].
#[derive(Clone, Default)]
struct Places {
    entries: Vec<[u32; 3]>,
    overflow: Csr,
}

impl Places {
    /// Marks an overflow row; team indices stay below it.
    const MANY: u32 = 1 << 31;

    fn push(&mut self, unit: u32, row: &[u32]) -> Result<(), Error> {
        let entry = match *row {
            [] => [unit, NONE, NONE],
            [a] if a < Self::MANY => [unit, a, NONE],
            [a, b] if a < Self::MANY && b < Self::MANY => [unit, a, b],
            _ => {
                let at = u32::try_from(self.overflow.len())
                    .ok()
                    .filter(|at| *at < Self::MANY - 1)
                    .ok_or(Error::SnapshotLimit {
                        what: "users in more than two teams",
                        limit: u64::from(Self::MANY - 2),
                    })?;
                self.overflow.push_row(row.iter().copied())?;
                [unit, Self::MANY | at, NONE]
            }
        };
        self.entries.push(entry);
        Ok(())
    }

    fn heap_bytes(&self) -> usize {
        self.entries.capacity() * size_of::<[u32; 3]>() + self.overflow.heap_bytes()
    }

    fn teams(&self, at: usize) -> &[u32] {
        let Some(entry) = self.entries.get(at) else {
            return &[];
        };
        match entry {
            [_, NONE, _] => &[],
            [_, a, NONE] if *a & Self::MANY == 0 => entry.get(1..2).unwrap_or_default(),
            [_, a, _] if *a & Self::MANY != 0 => self.overflow.row((*a & !Self::MANY) as usize),
            _ => entry.get(1..3).unwrap_or_default(),
        }
    }
}

impl UserPlaces {
    /// From each user's unit and sorted team row.
    pub(super) fn new(units: &[u32], teams: &Csr) -> Result<Self, Error> {
        let mut chunks = Vec::with_capacity(units.len().div_ceil(CHUNK));
        for (first, chunk_units) in (0..).step_by(CHUNK).zip(units.chunks(CHUNK)) {
            let mut places = Places {
                entries: Vec::new(),
                overflow: Csr::default(),
            };
            places
                .entries
                .try_reserve_exact(chunk_units.len())
                .map_err(|_| Error::SnapshotTooLarge {
                    what: "user places",
                    bytes: (units.len() * size_of::<[u32; 3]>()) as u64,
                })?;
            for (at, unit) in chunk_units.iter().enumerate() {
                places.push(*unit, teams.row(first + at))?;
            }
            chunks.push(Arc::new(places));
        }
        Ok(Self { chunks })
    }

    /// The user's business unit; [`NONE`] without units.
    #[inline]
    pub(crate) fn unit(&self, user: u32) -> u32 {
        let user = user as usize;
        self.chunks
            .get(user >> CHUNK_SHIFT)
            .and_then(|chunk| chunk.entries.get(user & CHUNK_MASK))
            .map_or(NONE, |e| e[0])
    }

    /// The user's teams, in index order.
    #[inline]
    pub(crate) fn teams(&self, user: u32) -> &[u32] {
        let user = user as usize;
        self.chunks
            .get(user >> CHUNK_SHIFT)
            .map_or(&[], |chunk| chunk.teams(user & CHUNK_MASK))
    }

    /// Sets the user's unit and sorted teams: their chunk is rebuilt, the
    /// others stay shared.
    pub(super) fn set(&mut self, user: u32, unit: u32, teams: &[u32]) -> Result<(), Error> {
        let user = user as usize;
        let Some(chunk) = self.chunks.get_mut(user >> CHUNK_SHIFT) else {
            return Ok(());
        };
        let mut places = Places::default();
        for at in 0..chunk.entries.len() {
            if at == user & CHUNK_MASK {
                places.push(unit, teams)?;
            } else {
                let old_unit = chunk.entries.get(at).map_or(NONE, |e| e[0]);
                places.push(old_unit, chunk.teams(at))?;
            }
        }
        *chunk = Arc::new(places);
        Ok(())
    }

    /// The number of users.
    pub(super) fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.entries.len()).sum()
    }

    /// A user inserted at `user` (in `unit`, in no team) or the user at
    /// `user` removed: the users after move by one, their chunks are
    /// built again and the chunks before stay shared.
    pub(super) fn splice(&mut self, user: u32, inserted: bool, unit: u32) -> Result<(), Error> {
        let (first, tail) = spliced_tail(
            CHUNK_SHIFT,
            self.len(),
            user as usize,
            inserted,
            |sources| {
                let mut places = Places::default();
                for source in sources {
                    match source.map(len_u32) {
                        Some(old) => places.push(self.unit(old), self.teams(old))?,
                        None => places.push(unit, &[])?,
                    }
                }
                Ok(places)
            },
        )?;
        self.chunks.truncate(first);
        self.chunks.extend(tail);
        Ok(())
    }

    /// Whether some user is in unit `unit` or names team `team` (`NONE`:
    /// not asked).
    pub(super) fn names(&self, unit: u32, team: u32) -> bool {
        self.chunks.iter().any(|chunk| {
            (0..chunk.entries.len()).any(|at| {
                chunk
                    .entries
                    .get(at)
                    .is_some_and(|e| unit != NONE && e[0] == unit)
                    || (team != NONE && chunk.teams(at).contains(&team))
            })
        })
    }

    /// Every user's unit passed through `unit` and teams through `team`
    /// (`None`: the team is dropped; both keep order): the chunks where
    /// nothing changes stay shared. Returns the users who lost a team.
    pub(super) fn remap(
        &mut self,
        unit: impl Fn(u32) -> u32,
        team: impl Fn(u32) -> Option<u32>,
    ) -> Result<Vec<u32>, Error> {
        let mut lost = Vec::new();
        for (first, chunk) in (0u32..).step_by(CHUNK).zip(self.chunks.iter_mut()) {
            let same = (0..chunk.entries.len()).all(|at| {
                let own = chunk.entries.get(at).map_or(NONE, |e| e[0]);
                unit(own) == own && chunk.teams(at).iter().all(|t| team(*t) == Some(*t))
            });
            if same {
                continue;
            }
            let mut places = Places::default();
            let mut teams = Vec::new();
            for (user, at) in (first..).zip(0..chunk.entries.len()) {
                let own = chunk.entries.get(at).map_or(NONE, |e| e[0]);
                let before = chunk.teams(at);
                teams.clear();
                teams.extend(before.iter().filter_map(|t| team(*t)));
                if teams.len() < before.len() {
                    lost.push(user);
                }
                places.push(unit(own), &teams)?;
            }
            *chunk = Arc::new(places);
        }
        Ok(lost)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.heap_bytes()).sum::<usize>()
            + self.chunks.capacity() * size_of::<usize>()
    }

    /// The bytes of chunks `other` shares.
    pub(crate) fn shared_bytes(&self, other: &Self) -> usize {
        shared_chunks(&self.chunks, &other.chunks, |c| c.heap_bytes())
    }
}

/// Rows per chunk of the per-user tables (a power of two): a change to one
/// user copies the chunks holding them, and the next snapshot shares every
/// other chunk with the one it came from.
pub(crate) const CHUNK_SHIFT: u32 = 12;
pub(crate) const CHUNK: usize = 1 << CHUNK_SHIFT;
pub(crate) const CHUNK_MASK: usize = CHUNK - 1;

/// A chunked table's chunks from the one holding row `at` on, built
/// again with a row inserted at `at` (`inserted`) or the row at `at`
/// removed; the chunks before it stay shared. `build` makes one chunk
/// from the rows it holds, each given as the row it was in the table
/// before (`None`: the one inserted). Returns the index of the first
/// chunk replaced and the new chunks from there on.
pub(super) fn spliced_tail<C>(
    shift: u32,
    old_len: usize,
    at: usize,
    inserted: bool,
    mut build: impl FnMut(&[Option<usize>]) -> Result<C, Error>,
) -> Result<(usize, Vec<Arc<C>>), Error> {
    let size = 1usize << shift;
    let new_len = if inserted {
        old_len + 1
    } else {
        old_len.saturating_sub(1)
    };
    let source = |row: usize| match row.cmp(&at) {
        std::cmp::Ordering::Less => Some(row),
        std::cmp::Ordering::Equal if inserted => None,
        _ if inserted => Some(row - 1),
        _ => Some(row + 1),
    };
    let first = at >> shift;
    let mut chunks = Vec::new();
    let mut sources = Vec::with_capacity(size);
    let mut start = first << shift;
    while start < new_len {
        let end = (start + size).min(new_len);
        sources.clear();
        sources.extend((start..end).map(source));
        chunks.push(Arc::new(build(&sources)?));
        start = end;
    }
    Ok((first, chunks))
}

/// A [`Csr`] in chunks of `1 << shift` rows, each behind an `Arc`: setting
/// a row copies its chunk only.
#[derive(Clone, Default)]
pub(crate) struct SharedCsr {
    chunks: Vec<Arc<Csr>>,
    shift: u32,
}

impl SharedCsr {
    /// The rows of `csr`, in chunks of `1 << shift`.
    pub(super) fn new(csr: &Csr, shift: u32) -> Result<Self, Error> {
        let size = 1usize << shift;
        let mut chunks = Vec::with_capacity(csr.len().div_ceil(size));
        let mut first = 0;
        while first < csr.len() {
            let mut chunk = Csr::default();
            for row in first..(first + size).min(csr.len()) {
                chunk.push_row(csr.row(row).iter().copied())?;
            }
            chunk.shrink();
            chunks.push(Arc::new(chunk));
            first += size;
        }
        Ok(Self { chunks, shift })
    }

    #[inline]
    pub(super) fn row(&self, i: usize) -> &[u32] {
        self.chunks
            .get(i >> self.shift)
            .map_or(&[], |chunk| chunk.row(i & ((1 << self.shift) - 1)))
    }

    /// The chunks, in order.
    pub(super) fn chunks(&self) -> impl Iterator<Item = &Csr> + '_ {
        self.chunks.iter().map(|c| &**c)
    }

    /// Replaces row `i` (out of range: nothing): its chunk is rebuilt.
    pub(super) fn set_row(&mut self, i: usize, row: &[u32]) -> Result<(), Error> {
        let at = i & ((1 << self.shift) - 1);
        let Some(chunk) = self.chunks.get_mut(i >> self.shift) else {
            return Ok(());
        };
        let mut fresh = Csr::default();
        for r in 0..chunk.len() {
            if r == at {
                fresh.push_row(row.iter().copied())?;
            } else {
                fresh.push_row(chunk.row(r).iter().copied())?;
            }
        }
        fresh.shrink();
        *chunk = Arc::new(fresh);
        Ok(())
    }

    /// An empty row inserted at `i` (`inserted`) or row `i` removed: the
    /// rows after move by one, their chunks are built again and the
    /// chunks before stay shared.
    pub(super) fn splice(&mut self, i: usize, inserted: bool) -> Result<(), Error> {
        let len = self.chunks.iter().map(|c| c.len()).sum();
        let (first, tail) = spliced_tail(self.shift, len, i, inserted, |sources| {
            let mut chunk = Csr::default();
            for source in sources {
                let row = source.map_or(&[][..], |old| self.row(old));
                chunk.push_row(row.iter().copied())?;
            }
            chunk.shrink();
            Ok(chunk)
        })?;
        self.chunks.truncate(first);
        self.chunks.extend(tail);
        Ok(())
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.heap_bytes()).sum::<usize>()
            + self.chunks.capacity() * size_of::<usize>()
    }

    /// The bytes of chunks `other` shares.
    pub(super) fn shared_bytes(&self, other: &Self) -> usize {
        shared_chunks(&self.chunks, &other.chunks, |c| c.heap_bytes())
    }
}

/// The bytes of the chunks of `mine` that `theirs` holds at the same
/// place, from `bytes` of each.
pub(super) fn shared_chunks<T: ?Sized>(
    mine: &[Arc<T>],
    theirs: &[Arc<T>],
    bytes: impl Fn(&T) -> usize,
) -> usize {
    mine.iter()
        .zip(theirs)
        .filter(|(a, b)| Arc::ptr_eq(a, b))
        .map(|(a, _)| bytes(a))
        .sum()
}

/// Rows of sorted, distinct `u32`s (the users holding a role, the users a
/// profile lists), each in segments of at most [`SEGMENT`] values behind
/// `Arc`s, each row's list of segments behind an `Arc` too: adding or
/// removing one value copies one segment, however long the row.
#[derive(Clone, Default)]
pub(crate) struct SegmentedRows {
    rows: Vec<Arc<Vec<Arc<[u32]>>>>,
}

/// The most values in a segment of [`SegmentedRows`] (one grows to twice
/// that before it splits).
pub(crate) const SEGMENT: usize = 4096;

impl SegmentedRows {
    /// The rows of `csr`, each sorted and without repeats.
    pub(super) fn new(csr: &Csr) -> Self {
        let rows = (0..csr.len())
            .map(|i| Arc::new(csr.row(i).chunks(SEGMENT).map(Arc::from).collect()))
            .collect();
        Self { rows }
    }

    /// Row `i`'s values, in order; none when out of range.
    pub(super) fn row(&self, i: usize) -> impl Iterator<Item = u32> + '_ {
        self.rows
            .get(i)
            .into_iter()
            .flat_map(|segments| segments.iter().flat_map(|s| s.iter().copied()))
    }

    /// Adds `value` to row `i` (nothing when there or out of range).
    pub(super) fn insert(&mut self, i: usize, value: u32) {
        let Some(row) = self.rows.get_mut(i) else {
            return;
        };
        // The first segment whose last value is at least `value`, or the
        // last segment.
        let at = row
            .iter()
            .position(|s| s.last().is_some_and(|last| *last >= value))
            .unwrap_or(row.len().saturating_sub(1));
        let mut values: Vec<u32> = row.get(at).map(|s| s.to_vec()).unwrap_or_default();
        let Err(slot) = values.binary_search(&value) else {
            return;
        };
        values.insert(slot, value);
        let row = Arc::make_mut(row);
        let fresh: Vec<Arc<[u32]>> = if values.len() > 2 * SEGMENT {
            values.chunks(SEGMENT).map(Arc::from).collect()
        } else {
            vec![Arc::from(values)]
        };
        if at < row.len() {
            row.splice(at..=at, fresh);
        } else {
            row.extend(fresh);
        }
    }

    /// Removes `value` from row `i` (nothing when absent or out of range).
    pub(super) fn remove(&mut self, i: usize, value: u32) {
        let Some(row) = self.rows.get_mut(i) else {
            return;
        };
        let Some(at) = row.iter().position(|s| s.binary_search(&value).is_ok()) else {
            return;
        };
        let row = Arc::make_mut(row);
        let values: Vec<u32> = row
            .get(at)
            .map(|s| s.iter().copied().filter(|v| *v != value).collect())
            .unwrap_or_default();
        if values.is_empty() {
            row.remove(at);
        } else if let Some(segment) = row.get_mut(at) {
            *segment = Arc::from(values);
        }
    }

    /// Every value from `from` on moved up by one (`up`) or down by one
    /// (none may then be `from - 1`): segments holding none stay shared.
    pub(super) fn shift_from(&mut self, from: u32, up: bool) {
        for row in &mut self.rows {
            let last = row.last().and_then(|s| s.last().copied());
            if last.is_none_or(|v| v < from) {
                continue;
            }
            for segment in Arc::make_mut(row).iter_mut() {
                if segment.last().is_some_and(|v| *v >= from) {
                    *segment = segment
                        .iter()
                        .map(|v| match (*v >= from, up) {
                            (false, _) => *v,
                            (true, true) => v + 1,
                            (true, false) => v - 1,
                        })
                        .collect();
                }
            }
        }
    }

    /// An empty row inserted at `i` (`inserted`) or row `i` removed.
    pub(super) fn splice_row(&mut self, i: usize, inserted: bool) {
        if inserted {
            self.rows.insert(i.min(self.rows.len()), Arc::default());
        } else if i < self.rows.len() {
            self.rows.remove(i);
        }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.rows
            .iter()
            .map(|r| {
                r.capacity() * size_of::<Arc<[u32]>>()
                    + r.iter().map(|s| s.len() * size_of::<u32>()).sum::<usize>()
            })
            .sum::<usize>()
            + self.rows.capacity() * size_of::<usize>()
    }

    /// The bytes of segments `other` shares.
    pub(super) fn shared_bytes(&self, other: &Self) -> usize {
        self.rows
            .iter()
            .zip(&other.rows)
            .map(|(a, b)| {
                if Arc::ptr_eq(a, b) {
                    a.capacity() * size_of::<Arc<[u32]>>()
                        + a.iter().map(|s| s.len() * size_of::<u32>()).sum::<usize>()
                } else {
                    shared_chunks(a, b, size_of_val)
                }
            })
            .sum()
    }
}

/// A value for few of many users, [`NONE`] for the rest: `(user, value)`
/// pairs in user order behind one `Arc`, so a table most users leave empty
/// (a profile assigned directly, 1 % of users in the standard workload)
/// takes 8 bytes a user who has one rather than 4 a user. Copied whole
/// when it changes: a change of one user copies 8 bytes an entry, about
/// 80 KB at a million users.
#[derive(Clone, Default)]
pub(crate) struct SparseVec {
    entries: Arc<Vec<(u32, u32)>>,
}

impl SparseVec {
    /// The entries of `table` other than [`NONE`].
    pub(super) fn new(table: &[u32]) -> Self {
        let entries = (0u32..)
            .zip(table)
            .filter(|(_, value)| **value != NONE)
            .map(|(user, value)| (user, *value))
            .collect();
        Self {
            entries: Arc::new(entries),
        }
    }

    /// The value of user `i` ([`NONE`] when they have none).
    #[inline]
    pub(super) fn get(&self, i: usize) -> u32 {
        let at = self
            .entries
            .partition_point(|(user, _)| (*user as usize) < i);
        match self.entries.get(at) {
            Some((user, value)) if *user as usize == i => *value,
            _ => NONE,
        }
    }

    /// Every `(user, value)`, in user order.
    pub(super) fn entries(&self) -> &[(u32, u32)] {
        &self.entries
    }

    /// Gives user `i` `value` ([`NONE`]: none).
    pub(super) fn set(&mut self, i: usize, value: u32) {
        let user = len_u32(i);
        let entries = Arc::make_mut(&mut self.entries);
        let at = entries.partition_point(|(u, _)| *u < user);
        match entries.get_mut(at) {
            Some(entry) if entry.0 == user && value != NONE => entry.1 = value,
            Some(entry) if entry.0 == user => {
                entries.remove(at);
            }
            _ if value != NONE => entries.insert(at, (user, value)),
            _ => {}
        }
    }

    /// Inserts user `i` with `value` (`Some`), the users from `i` on moving
    /// up by one, or removes user `i` (`None`), the users after moving
    /// down by one.
    pub(super) fn splice(&mut self, i: usize, value: Option<u32>) -> Result<(), Error> {
        let user = checked_len(i, "users")?;
        let entries = Arc::make_mut(&mut self.entries);
        let at = entries.partition_point(|(u, _)| *u < user);
        match value {
            Some(value) => {
                for entry in entries.get_mut(at..).unwrap_or_default() {
                    entry.0 += 1;
                }
                if value != NONE {
                    entries.insert(at, (user, value));
                }
            }
            None => {
                if entries.get(at).is_some_and(|(u, _)| *u == user) {
                    entries.remove(at);
                }
                for entry in entries.get_mut(at..).unwrap_or_default() {
                    entry.0 -= 1;
                }
            }
        }
        Ok(())
    }

    /// Every value through `f`.
    pub(super) fn map(&mut self, f: impl Fn(&u32) -> u32) {
        let entries = Arc::make_mut(&mut self.entries);
        for entry in entries.iter_mut() {
            entry.1 = f(&entry.1);
        }
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.entries.capacity() * size_of::<(u32, u32)>()
    }

    pub(super) fn shared_bytes(&self, other: &Self) -> usize {
        if Arc::ptr_eq(&self.entries, &other.entries) {
            self.heap_bytes()
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    // Tests opt out of the crate's no-panic lints.
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    /// The dense table `sparse` stands for, over `len` users.
    fn dense(sparse: &SparseVec, len: usize) -> Vec<u32> {
        (0..len).map(|i| sparse.get(i)).collect()
    }

    #[test]
    fn a_sparse_table_answers_as_the_dense_one_through_every_change() {
        let mut table = vec![NONE, 7, NONE, NONE, 3, NONE];
        let mut sparse = SparseVec::new(&table);
        assert_eq!(sparse.entries(), [(1, 7), (4, 3)]);
        let steps: [(&str, usize, u32); 8] = [
            ("set", 2, 9),
            ("set", 1, NONE),
            ("set", 4, 5),
            ("insert", 0, NONE),
            ("insert", 3, 8),
            ("remove", 4, 0),
            ("remove", 0, 0),
            ("insert", 6, 1),
        ];
        for (what, i, value) in steps {
            match what {
                "set" => {
                    sparse.set(i, value);
                    table[i] = value;
                }
                "insert" => {
                    sparse.splice(i, Some(value)).unwrap();
                    table.insert(i, value);
                }
                _ => {
                    sparse.splice(i, None).unwrap();
                    table.remove(i);
                }
            }
            assert_eq!(dense(&sparse, table.len()), table, "after {what} {i}");
            assert!(sparse.entries().iter().all(|(_, v)| *v != NONE));
            assert!(sparse.entries().windows(2).all(|w| w[0].0 < w[1].0));
        }
        let before = sparse.clone();
        sparse.map(|v| v * 10);
        let tens: Vec<u32> = table
            .iter()
            .map(|v| if *v == NONE { NONE } else { v * 10 })
            .collect();
        assert_eq!(dense(&sparse, tens.len()), tens);
        assert_eq!(before.shared_bytes(&before.clone()), before.heap_bytes());
        assert_eq!(sparse.shared_bytes(&before), 0);
    }
}
