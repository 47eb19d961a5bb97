//! The building blocks of the snapshot's tables: allocation that reports
//! an organisation too big for memory as an error, and compressed rows.

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
#[derive(Default)]
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
}

/// Each user's business unit and teams in one 12-byte entry, so that a
/// record-access check reads both from one cache line: `[unit, a, b]`,
/// where `a == NONE` means no team, `b == NONE` one team `a`, and `a` with
/// [`UserPlaces::MANY`] set the row of a user in more than two teams, kept
/// in an overflow table.
#[derive(Default)]
pub(crate) struct UserPlaces {
    entries: Vec<[u32; 3]>,
    overflow: Csr,
}

impl UserPlaces {
    /// Marks an overflow row; team indices stay below it.
    const MANY: u32 = 1 << 31;

    /// From each user's unit and sorted team row.
    pub(super) fn new(units: &[u32], teams: &Csr) -> Result<Self, Error> {
        let mut entries = filled(units.len(), [NONE; 3], "user places")?;
        let mut overflow = Csr::default();
        for (user, (entry, unit)) in entries.iter_mut().zip(units).enumerate() {
            let row = teams.row(user);
            *entry = match *row {
                [] => [*unit, NONE, NONE],
                [a] if a < Self::MANY => [*unit, a, NONE],
                [a, b] if a < Self::MANY && b < Self::MANY => [*unit, a, b],
                _ => {
                    let at = u32::try_from(overflow.len())
                        .ok()
                        .filter(|at| *at < Self::MANY - 1)
                        .ok_or(Error::SnapshotLimit {
                            what: "users in more than two teams",
                            limit: u64::from(Self::MANY - 2),
                        })?;
                    overflow.push_row(row.iter().copied())?;
                    [*unit, Self::MANY | at, NONE]
                }
            };
        }
        Ok(Self { entries, overflow })
    }

    /// The user's business unit; [`NONE`] without units.
    #[inline]
    pub(crate) fn unit(&self, user: u32) -> u32 {
        self.entries.get(user as usize).map_or(NONE, |e| e[0])
    }

    /// The user's teams, in index order.
    #[inline]
    pub(crate) fn teams(&self, user: u32) -> &[u32] {
        let Some(entry) = self.entries.get(user as usize) else {
            return &[];
        };
        match entry {
            [_, NONE, _] => &[],
            [_, a, NONE] if *a & Self::MANY == 0 => entry.get(1..2).unwrap_or_default(),
            [_, a, _] if *a & Self::MANY != 0 => self.overflow.row((*a & !Self::MANY) as usize),
            _ => entry.get(1..3).unwrap_or_default(),
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.entries.capacity() * size_of::<[u32; 3]>() + self.overflow.heap_bytes()
    }
}
