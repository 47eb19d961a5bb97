//! The business-unit tree, compiled: units interned in id order, each with
//! its span in a depth-first walk, so "is this unit below that one" is two
//! comparisons.

use std::collections::HashMap;

use super::intern::{IdTable, NONE};
use super::tables::{checked_len, filled};
use crate::error::{EntityRef, Error};
use crate::id::BusinessUnitId;
use crate::store::Store;

/// The units of a store.
pub(crate) struct Units {
    pub(crate) table: IdTable,
    /// Per unit: `(enter, leave)` of a depth-first walk from the root; a
    /// unit is below another when its span lies inside the other's.
    span: Vec<(u32, u32)>,
    /// The units in the order of that walk: the units below a unit are
    /// the run after it, up to its `leave`.
    walk: Vec<u32>,
    /// Per unit: its parent's index, NONE for the root.
    parents: Vec<u32>,
    /// The root's index; `NONE` when the store has no units.
    pub(crate) root: u32,
}

impl Units {
    /// Reads every unit of `store`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownReference`] for a parent the store lacks,
    /// [`Error::BusinessUnitCycle`] for a unit the root does not reach
    /// (its parents loop), [`Error::UnknownBusinessUnit`] for a root the
    /// store does not list; [`Error::Storage`].
    pub(crate) fn read<S: Store + ?Sized>(store: &S) -> Result<Self, Error> {
        let mut ids = store.business_unit_ids()?;
        ids.sort_unstable();
        ids.dedup();
        let table = IdTable::new("business units", ids.iter().map(BusinessUnitId::as_str))?;
        let count = ids.len();
        let mut parents = filled(count, NONE, "business units")?;
        for (at, id) in ids.iter().enumerate() {
            let unit = store
                .business_unit(id)?
                .ok_or_else(|| Error::UnknownBusinessUnit {
                    business_unit: id.clone(),
                })?;
            if let Some(parent) = &unit.parent {
                let index = table
                    .get(parent.as_str())
                    .ok_or_else(|| Error::UnknownReference {
                        owner: EntityRef::BusinessUnit(id.clone()),
                        target: EntityRef::BusinessUnit(parent.clone()),
                    })?;
                if let Some(slot) = parents.get_mut(at) {
                    *slot = index;
                }
            }
        }
        let root = match store.root_business_unit()? {
            Some(root) => table.get(root.as_str()).ok_or(Error::UnknownBusinessUnit {
                business_unit: root,
            })?,
            None => NONE,
        };
        Self::build(table, parents, root)
    }

    /// The units of `table`, each with its parent's index (NONE for the
    /// root, `root`), laid out for answering.
    ///
    /// # Errors
    ///
    /// [`Error::BusinessUnitCycle`] for a unit the root does not reach.
    pub(crate) fn build(table: IdTable, parents: Vec<u32>, root: u32) -> Result<Self, Error> {
        let count = parents.len();
        // Children in id order, then a depth-first walk from the root.
        let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
        for (child, parent) in (0u32..).zip(&parents) {
            if *parent != NONE {
                children.entry(*parent).or_default().push(child);
            }
        }
        let mut span = filled(count, (NONE, NONE), "business units")?;
        let mut walk = filled(count, NONE, "business units")?;
        let mut clock = 0u32;
        let mut stack: Vec<(u32, usize)> = Vec::new();
        if root != NONE {
            stack.push((root, 0));
            if let Some(slot) = walk.first_mut() {
                *slot = root;
            }
            if let Some(slot) = span.get_mut(root as usize) {
                slot.0 = clock;
            }
        }
        while let Some((unit, next)) = stack.last_mut() {
            let unit = *unit;
            let child = children.get(&unit).and_then(|c| c.get(*next)).copied();
            *next += 1;
            match child {
                Some(child) => {
                    clock += 1;
                    if let Some(slot) = span.get_mut(child as usize) {
                        slot.0 = clock;
                    }
                    if let Some(slot) = walk.get_mut(clock as usize) {
                        *slot = child;
                    }
                    stack.push((child, 0));
                }
                None => {
                    if let Some(slot) = span.get_mut(unit as usize) {
                        slot.1 = clock;
                    }
                    stack.pop();
                }
            }
        }
        // A unit the walk missed is on a loop of parents.
        if let Some(lost) = span.iter().position(|(enter, _)| *enter == NONE) {
            let mut cycle = Vec::new();
            let mut at = checked_len(lost, "business units")?;
            while !cycle.contains(&at) && at != NONE {
                cycle.push(at);
                at = parents.get(at as usize).copied().unwrap_or(NONE);
            }
            cycle.push(at);
            let cycle = cycle
                .iter()
                .filter_map(|u| table.id(*u).map(BusinessUnitId::from))
                .collect();
            return Err(Error::BusinessUnitCycle { cycle });
        }
        Ok(Units {
            table,
            span,
            walk,
            parents,
            root,
        })
    }

    /// The index of the unit `id` names, or the root's for `None`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownReference`] naming `owner` when the store lacks it.
    pub(crate) fn index_of(
        &self,
        id: Option<&BusinessUnitId>,
        owner: impl FnOnce() -> EntityRef,
    ) -> Result<u32, Error> {
        match id {
            None => Ok(self.root),
            Some(id) => self
                .table
                .get(id.as_str())
                .ok_or_else(|| Error::UnknownReference {
                    owner: owner(),
                    target: EntityRef::BusinessUnit(id.clone()),
                }),
        }
    }

    /// The parent of unit `unit`: NONE for the root (or out of range).
    pub(crate) fn parent(&self, unit: u32) -> u32 {
        self.parents.get(unit as usize).copied().unwrap_or(NONE)
    }

    /// Whether unit `above` is an ancestor of unit `below` (not itself).
    #[inline]
    pub(crate) fn is_above(&self, above: u32, below: u32) -> bool {
        match (self.span.get(above as usize), self.span.get(below as usize)) {
            (Some(a), Some(b)) => a.0 < b.0 && b.1 <= a.1,
            _ => false,
        }
    }

    /// The units below `unit` (not itself), in depth-first order: as many
    /// steps as there are.
    pub(crate) fn below(&self, unit: u32) -> impl Iterator<Item = u32> + '_ {
        let run = self.span.get(unit as usize).map_or(0..0, |(enter, leave)| {
            *enter as usize + 1..*leave as usize + 1
        });
        self.walk.get(run).unwrap_or_default().iter().copied()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.table.heap_bytes()
            + self.span.capacity() * size_of::<(u32, u32)>()
            + self.walk.capacity() * size_of::<u32>()
            + self.parents.capacity() * size_of::<u32>()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// Every unit's `below` is exactly the units whose span lies inside
    /// its own, each once, on a tree with branches, a chain and leaves.
    #[test]
    fn the_units_below_a_unit_are_its_whole_subtree_and_nothing_else() {
        // 0 root; 1, 2 under 0; 3, 4 under 1; 5 under 4; 6 under 2; 7 under 5.
        let parents = vec![NONE, 0, 0, 1, 1, 4, 2, 5];
        let ids = ["a", "b", "c", "d", "e", "f", "g", "h"];
        let table = IdTable::new("business units", ids.iter().copied()).unwrap();
        let units = Units::build(table, parents.clone(), 0).unwrap();
        for unit in 0..8u32 {
            let mut below: Vec<u32> = units.below(unit).collect();
            below.sort_unstable();
            // Brute force: the units whose parents lead up to `unit`.
            let expected: Vec<u32> = (0..8u32)
                .filter(|u| {
                    let mut at = parents[*u as usize];
                    while at != NONE && at != unit {
                        at = parents[at as usize];
                    }
                    at == unit
                })
                .collect();
            assert_eq!(below, expected, "below unit {unit}");
        }
        assert_eq!(units.below(1).count(), 4);
        assert_eq!(units.below(99).count(), 0);
    }
}
