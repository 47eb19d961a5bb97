//! The rules of the business-unit tree: one root, known parents, no cycle.

use indexmap::IndexMap;

use crate::business_unit::BusinessUnit;
use crate::error::{EntityRef, Error};
use crate::id::BusinessUnitId;

/// Checks that `units` form one tree and returns its root; `None` when
/// there are no units.
///
/// # Errors
///
/// The first violation in document order: a parent that is not a unit
/// ([`Error::UnknownReference`]), a second root ([`Error::SecondRoot`]),
/// then a unit whose parents loop ([`Error::BusinessUnitCycle`]).
pub(crate) fn check_tree(
    units: &IndexMap<BusinessUnitId, BusinessUnit>,
) -> Result<Option<BusinessUnitId>, Error> {
    let mut root: Option<&BusinessUnitId> = None;
    for unit in units.values() {
        match &unit.parent {
            Some(parent) if !units.contains_key(parent) => {
                return Err(Error::UnknownReference {
                    owner: EntityRef::BusinessUnit(unit.id.clone()),
                    target: EntityRef::BusinessUnit(parent.clone()),
                });
            }
            Some(_) => {}
            None => match root {
                Some(first) => {
                    return Err(Error::SecondRoot {
                        first: first.clone(),
                        second: unit.id.clone(),
                    });
                }
                None => root = Some(&unit.id),
            },
        }
    }
    if let Some(cycle) = find_cycle(units) {
        return Err(Error::BusinessUnitCycle { cycle });
    }
    Ok(root.cloned())
}

/// The first loop of parents met walking the units in document order, as
/// `[a, parent of a, …, a]`. Iterative, and each unit is walked once.
pub(crate) fn find_cycle(
    units: &IndexMap<BusinessUnitId, BusinessUnit>,
) -> Option<Vec<BusinessUnitId>> {
    // 0: not seen; 1: on the current walk; 2: reaches a root.
    let mut marks = vec![0u8; units.len()];
    let mut walk: Vec<usize> = Vec::new();
    for start in 0..units.len() {
        walk.clear();
        let mut at = Some(start);
        while let Some(node) = at {
            match marks.get(node).copied() {
                Some(0) => {
                    if let Some(mark) = marks.get_mut(node) {
                        *mark = 1;
                    }
                    walk.push(node);
                    at = units
                        .get_index(node)
                        .and_then(|(_, unit)| unit.parent.as_ref())
                        .and_then(|parent| units.get_index_of(parent));
                }
                Some(1) => {
                    let from = walk.iter().position(|n| *n == node).unwrap_or(0);
                    let cycle = walk
                        .iter()
                        .skip(from)
                        .chain([&node])
                        .filter_map(|n| units.get_index(*n).map(|(id, _)| id.clone()))
                        .collect();
                    return Some(cycle);
                }
                _ => break,
            }
        }
        for node in &walk {
            if let Some(mark) = marks.get_mut(*node) {
                *mark = 2;
            }
        }
    }
    None
}
