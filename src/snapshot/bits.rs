//! Fixed-width bitset rows, laid out so a row never straddles a cache line
//! when it fits in one.

use std::sync::Arc;

use super::tables::{CHUNK, CHUNK_MASK, CHUNK_SHIFT, filled};
use crate::error::Error;

/// Bytes in a cache line on the machines the crate targets.
const LINE_WORDS: usize = 8;

/// `len` rows of `stride` 64-bit words each, zeroed at first.
///
/// The stride is a power of two up to a cache line (8 words), or a whole
/// number of lines, and the first row starts on a line boundary: a row of
/// up to 512 bits is one cache line to load.
pub(crate) struct Rows {
    words: Vec<u64>,
    /// Words skipped at the start of `words` to reach a line boundary.
    skip: usize,
    stride: usize,
    len: usize,
}

impl Rows {
    /// Rows wide enough for `bits` bits.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotTooLarge`] when the rows can't be allocated.
    pub(crate) fn new(len: usize, bits: usize, what: &'static str) -> Result<Self, Error> {
        let stride = stride_for(bits);
        let words = len
            .checked_mul(stride)
            .and_then(|w| w.checked_add(LINE_WORDS - 1))
            .unwrap_or(usize::MAX);
        let words = filled(words, 0u64, what)?;
        // Only the address is read, to find the first line boundary.
        let misaligned = (words.as_ptr() as usize / size_of::<u64>()) % LINE_WORDS;
        let skip = (LINE_WORDS - misaligned) % LINE_WORDS;
        Ok(Self {
            words,
            skip,
            stride,
            len,
        })
    }

    /// Row `i`; empty when out of range.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> &[u64] {
        if i >= self.len {
            return &[];
        }
        let start = self.skip + i * self.stride;
        self.words.get(start..start + self.stride).unwrap_or(&[])
    }

    /// Row `i` to write; empty when out of range.
    pub(crate) fn row_mut(&mut self, i: usize) -> &mut [u64] {
        if i >= self.len {
            return &mut [];
        }
        let start = self.skip + i * self.stride;
        self.words
            .get_mut(start..start + self.stride)
            .unwrap_or(&mut [])
    }

    /// Sets bit `bit` of row `i`.
    pub(crate) fn set(&mut self, i: usize, bit: usize) {
        if let Some(word) = self.row_mut(i).get_mut(bit / 64) {
            *word |= 1 << (bit % 64);
        }
    }

    /// Row `i` |= `other`.
    pub(crate) fn or_into(&mut self, i: usize, other: &[u64]) {
        for (to, from) in self.row_mut(i).iter_mut().zip(other) {
            *to |= from;
        }
    }

    /// The number of rows.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.words.capacity() * size_of::<u64>()
    }
}

/// [`Rows`] in chunks of [`CHUNK`] rows, each behind an `Arc`: writing a
/// row copies its chunk only when another snapshot shares it.
#[derive(Clone)]
pub(crate) struct SharedRows {
    chunks: Vec<Arc<Rows>>,
    bits: usize,
}

impl SharedRows {
    /// `len` zeroed rows wide enough for `bits` bits.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotTooLarge`] when the rows can't be allocated.
    pub(crate) fn new(len: usize, bits: usize, what: &'static str) -> Result<Self, Error> {
        let mut chunks = Vec::with_capacity(len.div_ceil(CHUNK));
        let mut left = len;
        while left > 0 {
            let rows = left.min(CHUNK);
            chunks.push(Arc::new(Rows::new(rows, bits, what)?));
            left -= rows;
        }
        Ok(Self { chunks, bits })
    }

    /// Row `i`; empty when out of range.
    #[inline]
    pub(crate) fn row(&self, i: usize) -> &[u64] {
        self.chunks
            .get(i >> CHUNK_SHIFT)
            .map_or(&[], |chunk| chunk.row(i & CHUNK_MASK))
    }

    /// Row `i` to write (empty when out of range); its chunk is copied
    /// first if another snapshot shares it.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotTooLarge`] when the copy can't be allocated.
    pub(crate) fn row_mut(&mut self, i: usize) -> Result<&mut [u64], Error> {
        let Some(chunk) = self.chunks.get_mut(i >> CHUNK_SHIFT) else {
            return Ok(&mut []);
        };
        if Arc::get_mut(chunk).is_none() {
            let mut copy = Rows::new(chunk.len(), self.bits, "role rows")?;
            for r in 0..chunk.len() {
                copy.row_mut(r).copy_from_slice(chunk.row(r));
            }
            *chunk = Arc::new(copy);
        }
        Ok(Arc::get_mut(chunk).map_or(&mut [], |rows| rows.row_mut(i & CHUNK_MASK)))
    }

    /// An empty row inserted at `i` (`inserted`) or row `i` removed: the
    /// rows after move by one, their chunks are copied and the chunks
    /// before stay shared.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotTooLarge`] when the copies can't be allocated.
    pub(crate) fn splice(&mut self, i: usize, inserted: bool) -> Result<(), Error> {
        let len = self.chunks.iter().map(|c| c.len()).sum();
        let (first, tail) =
            super::tables::spliced_tail(CHUNK_SHIFT, len, i, inserted, |sources| {
                let mut rows = Rows::new(sources.len(), self.bits, "role rows")?;
                for (r, source) in sources.iter().enumerate() {
                    if let Some(old) = source {
                        rows.row_mut(r).copy_from_slice(self.row(*old));
                    }
                }
                Ok(rows)
            })?;
        self.chunks.truncate(first);
        self.chunks.extend(tail);
        Ok(())
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.heap_bytes()).sum::<usize>()
            + self.chunks.capacity() * size_of::<usize>()
    }

    /// The bytes of chunks `other` shares.
    pub(crate) fn shared_bytes(&self, other: &Self) -> usize {
        super::tables::shared_chunks(&self.chunks, &other.chunks, Rows::heap_bytes)
    }
}

/// Whether the two rows share a bit.
///
/// Every word is read, with no early exit: a branch on a word that has
/// just arrived from memory is a branch the processor must guess, and a
/// wrong guess throws away the work it did meanwhile on the next question.
#[inline]
pub(crate) fn intersects(a: &[u64], b: &[u64]) -> bool {
    a.iter().zip(b).fold(0, |shared, (x, y)| shared | (x & y)) != 0
}

/// Whether bit `bit` of `row` is set.
#[inline]
pub(crate) fn has_bit(row: &[u64], bit: usize) -> bool {
    row.get(bit / 64)
        .is_some_and(|word| word & (1 << (bit % 64)) != 0)
}

/// The set bits of `row`, lowest first.
pub(crate) fn ones(row: &[u64]) -> impl Iterator<Item = usize> + '_ {
    (0..).zip(row).flat_map(|(at, word)| {
        let mut left = *word;
        std::iter::from_fn(move || {
            let bit = left.trailing_zeros() as usize;
            left &= left.wrapping_sub(1);
            (bit < 64).then_some(at * 64 + bit)
        })
    })
}

fn stride_for(bits: usize) -> usize {
    let words = bits.div_ceil(64).max(1);
    if words <= LINE_WORDS {
        words.next_power_of_two()
    } else {
        words.div_ceil(LINE_WORDS) * LINE_WORDS
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn rows_start_on_a_line_and_keep_their_bits() {
        for bits in [1, 64, 65, 200, 256, 513, 1000] {
            let mut rows = Rows::new(10, bits, "rows").unwrap();
            let stride = rows.row(0).len();
            assert!(stride * 64 >= bits);
            assert!(stride <= 8 && 8 % stride == 0 || stride % 8 == 0);
            assert_eq!(rows.row(0).as_ptr() as usize % 64, 0, "{bits} bits");
            rows.set(3, bits - 1);
            rows.set(3, 0);
            let mut expected = vec![0u64; stride];
            expected[0] |= 1;
            expected[(bits - 1) / 64] |= 1 << ((bits - 1) % 64);
            assert_eq!(rows.row(3), expected);
            assert!(rows.row(2).iter().all(|w| *w == 0));
            assert!(rows.row(10).is_empty());
            assert!(intersects(rows.row(3), rows.row(3)));
            assert!(!intersects(rows.row(3), rows.row(4)));
            let mut set = vec![0];
            if bits > 1 {
                set.push(bits - 1);
            }
            assert_eq!(ones(rows.row(3)).collect::<Vec<_>>(), set);
            assert!(set.iter().all(|b| has_bit(rows.row(3), *b)));
            assert!(!has_bit(rows.row(3), 1) || bits == 2);
            assert_eq!(ones(rows.row(4)).count(), 0);
        }
    }
}
