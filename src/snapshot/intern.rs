//! Interning: ids to dense indices and back, with one table probe and one
//! text comparison per look-up.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use super::tables::{filled, len_u32};
use crate::error::Error;

/// Marks an empty slot, and "none" in the snapshot's index arrays.
pub(crate) const NONE: u32 = u32::MAX;

/// A set of ids, each with a dense index (its position in the list given to
/// [`IdTable::new`]).
///
/// Every id's text is in one arena; the open-addressing table holds, per
/// slot, the hash, the index and where the text is, so a look-up reads one
/// slot and then the text (while the caller's next load, indexed by the
/// answer, can already start).
#[derive(Clone)]
pub(crate) struct IdTable {
    text: String,
    /// End of id `i` in `text`; it starts where id `i - 1` ends.
    ends: Vec<u32>,
    /// Power-of-two length, at most half full.
    slots: Vec<Slot>,
    seed: u64,
}

#[derive(Clone, Copy)]
struct Slot {
    tag: u32,
    ix: u32,
    start: u32,
    len: u32,
}

/// An id's look-up, begun by [`IdTable::probe_all`]: its hash, and the
/// slot the probe stopped at (the first with the id's tag, or an empty
/// one), read.
#[derive(Clone, Copy)]
pub(crate) struct Probe {
    hash: u64,
    at: usize,
    slot: Slot,
}

/// Loads `value` now, for a later read to find in cache: a batch's
/// prefetch, in safe code. The value goes to `black_box` so that the
/// compiler keeps a load whose value nothing else reads.
#[inline(always)]
pub(crate) fn touch<T>(value: T) {
    std::hint::black_box(value);
}

impl Probe {
    /// A probe of nothing: [`Probe::guess`] is [`NONE`].
    pub(crate) const EMPTY: Probe = Probe {
        hash: 0,
        at: 0,
        slot: EMPTY,
    };

    /// The index of the slot the probe stopped at ([`NONE`] when empty):
    /// the id's, unless another id has the same 32-bit tag. A guess, for
    /// loads indexed by it to start before [`IdTable::finish`] compares
    /// the text; only `finish` answers.
    #[inline]
    pub(crate) fn guess(&self) -> u32 {
        self.slot.ix
    }
}

/// Ids in order, their text in one arena: what [`IdTable::indexed`]
/// interns, gathered one id at a time.
#[derive(Default)]
pub(crate) struct IdList {
    text: String,
    /// End of id `i` in `text`; it starts where id `i - 1` ends.
    ends: Vec<u32>,
}

impl IdList {
    pub(crate) fn with_capacity(count: usize) -> Self {
        Self {
            text: String::new(),
            ends: Vec::with_capacity(count),
        }
    }

    /// Adds `id` after the others.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotLimit`] past `u32` text.
    pub(crate) fn push(&mut self, id: &str) -> Result<(), Error> {
        self.text.push_str(id);
        let Ok(end) = u32::try_from(self.text.len()) else {
            return Err(Error::SnapshotLimit {
                what: "bytes of id text",
                limit: u64::from(u32::MAX),
            });
        };
        self.ends.push(end);
        Ok(())
    }

    /// The id added last.
    pub(crate) fn last(&self) -> Option<&str> {
        let end = *self.ends.last()?;
        let start = match self.ends.len().checked_sub(2) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start as usize..end as usize)
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

const EMPTY: Slot = Slot {
    tag: 0,
    ix: NONE,
    start: 0,
    len: 0,
};

impl IdTable {
    /// Interns `ids`, which must be distinct; id `i` gets index `i`.
    pub(crate) fn new<'a>(
        what: &'static str,
        ids: impl ExactSizeIterator<Item = &'a str>,
    ) -> Result<Self, Error> {
        let mut list = IdList::with_capacity(ids.len());
        for id in ids {
            list.push(id)?;
        }
        Self::indexed(what, list)
    }

    /// Interns the ids of `list`, which must be distinct; id `i` gets
    /// index `i`.
    pub(crate) fn indexed(what: &'static str, list: IdList) -> Result<Self, Error> {
        let IdList { mut text, mut ends } = list;
        let count = ends.len();
        // u32 indices, with NONE reserved.
        if count >= NONE as usize {
            return Err(Error::SnapshotLimit {
                what,
                limit: u64::from(NONE - 1),
            });
        }
        text.shrink_to_fit();
        ends.shrink_to_fit();
        // At most half full: short probe runs, even for absent ids.
        let slot_count = count.saturating_mul(2).max(1).next_power_of_two();
        let mut table = Self {
            text,
            ends,
            slots: filled(slot_count, EMPTY, "id table")?,
            seed: RandomState::new().hash_one(0u64),
        };
        let mut start = 0;
        for ix in 0..len_u32(count) {
            let end = table.ends.get(ix as usize).copied().unwrap_or(start);
            table.insert(Slot {
                tag: 0,
                ix,
                start,
                len: end - start,
            });
            start = end;
        }
        Ok(table)
    }

    fn insert(&mut self, mut slot: Slot) {
        let text = self
            .text
            .get(slot.start as usize..(slot.start + slot.len) as usize);
        let hash = hash(self.seed, text.unwrap_or_default().as_bytes());
        slot.tag = tag(hash);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        // The table is never full, so an empty slot comes.
        while let Some(s) = self.slots.get_mut(at) {
            if s.ix == NONE {
                *s = slot;
                return;
            }
            at = (at + 1) & mask;
        }
    }

    /// The index of `id`, if interned.
    #[inline]
    pub(crate) fn get(&self, id: &str) -> Option<u32> {
        let hash = hash(self.seed, id.as_bytes());
        let tag = tag(hash);
        let mask = self.slots.len() - 1;
        let mut at = hash as usize & mask;
        loop {
            let slot = self.slots.get(at)?;
            if slot.ix == NONE {
                return None;
            }
            if slot.tag == tag && self.holds_at(slot, id.as_bytes()) {
                return Some(slot.ix);
            }
            at = (at + 1) & mask;
        }
    }

    /// The indices of `ids`, as [`IdTable::get`] finds them, into `out`
    /// (the first `ids.len()` entries): every id's home slot is read
    /// before any text is compared, so the table's cache misses for the
    /// batch overlap instead of queueing one after the other.
    #[inline]
    pub(crate) fn get_batch<const N: usize>(&self, ids: &[&str], out: &mut [Option<u32>; N]) {
        let mut probes = [Probe::EMPTY; N];
        self.probe_all(ids, &mut probes);
        for ((id, probe), found) in ids.iter().zip(&probes).zip(out.iter_mut()) {
            *found = self.finish(probe, id);
        }
    }

    /// The first half of [`IdTable::get`] for each of `ids`, into
    /// `probes`: a stage at a time, each a short loop of loads that
    /// depend on nothing in flight, so that the loads of every id overlap
    /// (a loop doing a whole look-up per id runs out of room for
    /// instructions in flight after a few ids). The hashes; then the home
    /// slots; then, past slots of other ids, the slot whose tag is the
    /// id's (or an empty one); then that slot's text, for
    /// [`IdTable::finish`] to find in cache.
    #[inline]
    pub(crate) fn probe_all(&self, ids: &[&str], probes: &mut [Probe]) {
        let probes = probes.get_mut(..ids.len()).unwrap_or_default();
        for (id, probe) in ids.iter().zip(probes.iter_mut()) {
            probe.hash = hash(self.seed, id.as_bytes());
        }
        let mask = self.slots.len() - 1;
        for probe in probes.iter_mut() {
            probe.at = probe.hash as usize & mask;
            probe.slot = self.slot(probe.at);
        }
        for probe in probes.iter_mut() {
            // Half full at most: most ids sit in their home slot.
            let tag = tag(probe.hash);
            while probe.slot.ix != NONE && probe.slot.tag != tag {
                probe.at = (probe.at + 1) & mask;
                probe.slot = self.slot(probe.at);
            }
        }
        for probe in probes.iter() {
            // First and last byte: an id may straddle two cache lines.
            let start = probe.slot.start as usize;
            let last = (start + probe.slot.len as usize).saturating_sub(1);
            let text = self.text.as_bytes();
            touch((text.get(start).copied(), text.get(last).copied()));
        }
    }

    /// The second half of [`IdTable::get`]: the index of `id`, probed
    /// by [`IdTable::probe_all`].
    #[inline]
    pub(crate) fn finish(&self, probe: &Probe, id: &str) -> Option<u32> {
        let slot = &probe.slot;
        if slot.ix == NONE {
            None
        } else if self.holds_at(slot, id.as_bytes()) {
            Some(slot.ix)
        } else {
            // Another id with the same tag: rare, probe on.
            self.get(id)
        }
    }

    #[inline]
    fn slot(&self, at: usize) -> Slot {
        self.slots.get(at).copied().unwrap_or(EMPTY)
    }

    /// Whether the text of `slot` is `id`: word by word, which beats a call
    /// to `memcmp` for ids of a few words.
    #[inline]
    fn holds_at(&self, slot: &Slot, id: &[u8]) -> bool {
        let start = slot.start as usize;
        let Some(text) = self.text.as_bytes().get(start..start + slot.len as usize) else {
            return false;
        };
        if text.len() != id.len() {
            return false;
        }
        if text.len() > 32 {
            return text == id;
        }
        let mut at = 0;
        while at + 8 <= id.len() {
            if word_at(text, at) != word_at(id, at) {
                return false;
            }
            at += 8;
        }
        text.get(at..) == id.get(at..)
    }

    /// Where `id` goes in a table of ids in order: its index if present
    /// (`Ok`), or the index it would take (`Err`).
    pub(crate) fn search(&self, id: &str) -> Result<u32, u32> {
        let (mut low, mut high) = (0u32, len_u32(self.len()));
        while low < high {
            let mid = low + (high - low) / 2;
            match self.id(mid).unwrap_or_default().cmp(id) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(low)
    }

    /// A copy of this table with `id`, absent, interned at index `at` (at
    /// most [`IdTable::len`]): the ids from `at` on move up by one. One
    /// pass over the table, each part allocated at its exact size, with no
    /// hashing unless the table must grow (then it is built again, at
    /// twice the size).
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotLimit`] past `u32` indices or text.
    pub(crate) fn inserted(&self, what: &'static str, at: u32, id: &str) -> Result<Self, Error> {
        let count = self.len();
        let at = at.min(len_u32(count));
        if count + 1 >= NONE as usize || (count + 1) * 2 > self.slots.len() {
            let ids: Vec<&str> = (0..len_u32(count)).filter_map(|ix| self.id(ix)).collect();
            let (before, after) = ids.split_at(at as usize);
            let all: Vec<&str> = before.iter().chain([&id]).chain(after).copied().collect();
            return Self::new(what, all.into_iter());
        }
        let pos = self.start_of(at);
        let (Ok(len), Ok(_)) = (
            u32::try_from(id.len()),
            u32::try_from(self.text.len() + id.len()),
        ) else {
            return Err(Error::SnapshotLimit {
                what: "bytes of id text",
                limit: u64::from(u32::MAX),
            });
        };
        let (head, tail) = self.text.split_at(pos as usize);
        let mut text = String::with_capacity(self.text.len() + id.len());
        text.push_str(head);
        text.push_str(id);
        text.push_str(tail);
        let (head, tail) = self.ends.split_at(at as usize);
        let mut ends = Vec::with_capacity(count + 1);
        ends.extend_from_slice(head);
        ends.push(pos + len);
        ends.extend(tail.iter().map(|end| end + len));
        let mut slots = self.slots.clone();
        for slot in slots.iter_mut().filter(|s| s.ix != NONE && s.ix >= at) {
            // The ids from `at` on: their text follows the new one's.
            slot.ix += 1;
            slot.start += len;
        }
        let mut table = Self {
            text,
            ends,
            slots,
            seed: self.seed,
        };
        table.insert(Slot {
            tag: 0,
            ix: at,
            start: pos,
            len,
        });
        Ok(table)
    }

    /// A copy of this table without the id at index `at` (the same table
    /// when out of range): the ids after it move down by one. One pass
    /// over the table; only the ids probed past the freed slot are hashed
    /// again.
    pub(crate) fn removed(&self, at: u32) -> Self {
        let Some(id) = self.id(at) else {
            return self.clone();
        };
        let mut slots = self.slots.clone();
        let mask = slots.len() - 1;
        let mut hole = hash(self.seed, id.as_bytes()) as usize & mask;
        while slots.get(hole).is_some_and(|s| s.ix != at) {
            hole = (hole + 1) & mask;
        }
        // Backward shift: every id after the hole in its probe run that
        // may sit in it moves there, so no run is broken.
        let mut next = (hole + 1) & mask;
        while let Some(slot) = slots.get(next).copied().filter(|s| s.ix != NONE) {
            let text = self
                .text
                .get(slot.start as usize..(slot.start + slot.len) as usize)
                .unwrap_or_default();
            let home = hash(self.seed, text.as_bytes()) as usize & mask;
            if (next.wrapping_sub(home) & mask) >= (next.wrapping_sub(hole) & mask) {
                if let Some(free) = slots.get_mut(hole) {
                    *free = slot;
                }
                hole = next;
            }
            next = (next + 1) & mask;
        }
        if let Some(free) = slots.get_mut(hole) {
            *free = EMPTY;
        }
        let pos = self.start_of(at) as usize;
        let len = len_u32(id.len());
        let mut text = String::with_capacity(self.text.len() - id.len());
        text.push_str(self.text.get(..pos).unwrap_or_default());
        text.push_str(self.text.get(pos + id.len()..).unwrap_or_default());
        let (head, tail) = self.ends.split_at(at as usize);
        let mut ends = Vec::with_capacity(self.ends.len() - 1);
        ends.extend_from_slice(head);
        ends.extend(tail.iter().skip(1).map(|end| end - len));
        for slot in slots.iter_mut().filter(|s| s.ix != NONE && s.ix > at) {
            slot.ix -= 1;
            slot.start -= len;
        }
        Self {
            text,
            ends,
            slots,
            seed: self.seed,
        }
    }

    /// Where the text of id `ix` starts (the text's end past the last).
    fn start_of(&self, ix: u32) -> u32 {
        match ix.checked_sub(1) {
            Some(before) => self
                .ends
                .get(before as usize)
                .or(self.ends.last())
                .copied()
                .unwrap_or(0),
            None => 0,
        }
    }

    /// The id with index `ix`.
    pub(crate) fn id(&self, ix: u32) -> Option<&str> {
        let end = *self.ends.get(ix as usize)?;
        let start = match ix.checked_sub(1) {
            Some(before) => *self.ends.get(before as usize)?,
            None => 0,
        };
        self.text.get(start as usize..end as usize)
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * size_of::<u32>()
            + self.slots.capacity() * size_of::<Slot>()
    }
}

/// The table's hash for a `HashMap` of ids met while compiling: much
/// cheaper than SipHash on short ids, seeded per map like `RandomState`.
#[derive(Clone)]
pub(crate) struct IdHash(u64);

impl Default for IdHash {
    fn default() -> Self {
        Self(RandomState::new().hash_one(1u64))
    }
}

impl BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.0)
    }
}

/// See [`IdHash`].
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash(self.0, bytes);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The slot's check value: the hash's high half, which the slot position
/// (low bits) does not already use.
fn tag(hash: u64) -> u32 {
    (hash >> 32) as u32
}

/// A seeded multiply-fold hash over 8-byte words (the last word may overlap
/// the one before): a few nanoseconds for a typical id, and the seed
/// differs for every table.
fn hash(seed: u64, bytes: &[u8]) -> u64 {
    const K1: u64 = 0x9E37_79B9_7F4A_7C15;
    const K2: u64 = 0xD6E8_FEB8_6659_FD93;
    let len = bytes.len();
    let mut h = seed ^ (len as u64).wrapping_mul(K1);
    let tail = if len >= 8 {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            h = fold(h ^ word_at(word, 0), K2);
        }
        if words.remainder().is_empty() {
            0
        } else {
            word_at(bytes, len - 8)
        }
    } else if len >= 4 {
        u64::from(half_at(bytes, 0)) | u64::from(half_at(bytes, len - 4)) << 32
    } else {
        let byte = |i: usize| u64::from(bytes.get(i).copied().unwrap_or(0));
        if len == 0 {
            0
        } else {
            byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16
        }
    };
    fold(h ^ tail, K1)
}

/// The little-endian `u64` at `at` (0 past the end).
fn word_at(bytes: &[u8], at: usize) -> u64 {
    let word = bytes
        .get(at..at + 8)
        .and_then(|w| <[u8; 8]>::try_from(w).ok());
    u64::from_le_bytes(word.unwrap_or_default())
}

/// The little-endian `u32` at `at` (0 past the end).
fn half_at(bytes: &[u8], at: usize) -> u32 {
    let half = bytes
        .get(at..at + 4)
        .and_then(|w| <[u8; 4]>::try_from(w).ok());
    u32::from_le_bytes(half.unwrap_or_default())
}

fn fold(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn every_id_is_found_at_its_index_and_others_are_not() {
        let ids: Vec<String> = (0..5000).map(|i| format!("user-{i:07}")).collect();
        let table = IdTable::new("users", ids.iter().map(String::as_str)).unwrap();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(table.get(id), Some(i as u32));
            assert_eq!(table.id(i as u32), Some(id.as_str()));
        }
        assert_eq!(table.get("user-"), None);
        assert_eq!(table.get(""), None);
        assert_eq!(table.id(5000), None);
    }

    #[test]
    fn a_batch_finds_what_get_finds() {
        // Many ids: some sit past their home slot, behind other ids'.
        let ids: Vec<String> = (0..3000).map(|i| format!("u{i}")).collect();
        let table = IdTable::new("users", ids.iter().map(String::as_str)).unwrap();
        let asked: Vec<String> = (0..4500)
            .step_by(7)
            .map(|i| format!("u{i}"))
            .chain([
                "".into(),
                "u".into(),
                "a longer id than any word of it".into(),
            ])
            .collect();
        for chunk in asked.chunks(16) {
            let ids: Vec<&str> = chunk.iter().map(String::as_str).collect();
            let mut found = [None; 16];
            table.get_batch(&ids, &mut found);
            let expected: Vec<Option<u32>> = ids.iter().map(|id| table.get(id)).collect();
            assert_eq!(found[..ids.len()], expected[..]);
        }
        assert!(asked.iter().filter(|id| table.get(id).is_some()).count() > 300);
    }

    #[test]
    fn inserting_and_removing_answers_as_building_again() {
        let mut ids: Vec<String> = (0..40).map(|i| format!("u{:03}", i * 7)).collect();
        ids.push(String::new());
        ids.sort();
        let mut table = IdTable::new("ids", ids.iter().map(String::as_str)).unwrap();
        // A fixed walk of inserts (growing the table more than once) and
        // removals, in the middle, at both ends and of the empty id.
        let mut step = 0u64;
        for round in 0..300u32 {
            step = step
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if step >> 62 == 0 && !ids.is_empty() {
                let at = (step >> 20) as usize % ids.len();
                table = table.removed(at as u32);
                ids.remove(at);
            } else {
                let id = format!("u{}x{round}", (step >> 33) % 400);
                let at = table.search(&id).unwrap_err();
                table = table.inserted("ids", at, &id).unwrap();
                ids.insert(at as usize, id);
            }
            assert_eq!(table.len(), ids.len());
            for (ix, id) in (0u32..).zip(&ids) {
                assert_eq!(table.get(id), Some(ix), "{id} after round {round}");
                assert_eq!(table.id(ix), Some(id.as_str()));
                assert_eq!(table.search(id), Ok(ix));
            }
            assert_eq!(table.get("absent"), None);
        }
        for at in (0..ids.len() as u32).rev() {
            table = table.removed(at);
        }
        assert_eq!(table.len(), 0);
        assert_eq!(table.get(""), None);
    }

    #[test]
    fn empty_and_unicode_ids() {
        let table = IdTable::new("ids", ["", "é", "日本"].into_iter()).unwrap();
        assert_eq!(table.get(""), Some(0));
        assert_eq!(table.get("日本"), Some(2));
        assert_eq!(table.id(1), Some("é"));
        let none = IdTable::new("ids", std::iter::empty()).unwrap();
        assert_eq!(none.get("x"), None);
    }
}
