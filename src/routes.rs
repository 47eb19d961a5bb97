//! How a user comes to hold what they hold, as bounded explanations: the
//! walks of the role graph that the store path and the snapshot share.
//!
//! The graph is the part of the organisation a user reaches: the roles
//! they hold (the *sources*: each held role, directly or through a team),
//! and every role those include. Nodes are numbered in role id order, so
//! index order is id order and ties break the same way on every path.
//!
//! An explanation gives each granting role once: the shortest inclusion
//! chain from a source (ties going to the earlier source, then to smaller
//! role ids), and how many other paths lead to it. Its size is bounded by
//! the roles the user reaches, and its cost is linear in the part of the
//! graph walked, however many paths there are (a user in N teams, each
//! holding the head of an N-role chain, has N² paths and gets N routes).

use std::collections::{HashMap, VecDeque};

use crate::chain::Chain;
use crate::id::RoleId;
use crate::privilege::AccessLevel;

/// The inclusion edges of a role graph.
pub(crate) trait Includes {
    /// The roles `node` includes directly, in index order, each once.
    fn includes(&self, node: u32) -> &[u32];
}

/// One way a user holds a role: the role's node, the holding's place in
/// the order routes prefer (direct first, then teams by id; a number the
/// caller gives), and the lowest access level at which a grant reached
/// through it counts for the question asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Source {
    /// The held role.
    pub(crate) node: u32,
    /// Smaller is preferred; the caller's index of the holding.
    pub(crate) order: u32,
    /// A grant counts when its level is at least this (for privilege
    /// questions, [`AccessLevel::User`]: any grant).
    pub(crate) threshold: AccessLevel,
}

/// A granting role's route: the source it is reached from, the chain of
/// nodes from the source's role down to it, and the other paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Found {
    /// The granting role.
    pub(crate) node: u32,
    /// Its level.
    pub(crate) level: AccessLevel,
    /// The index in the sources given of the holding the chain starts at.
    pub(crate) source: usize,
    /// Roles from the held role to `node`, both included; the chains of
    /// one answer share their prefixes.
    pub(crate) chain: Chain,
    /// How many other paths (holding and chain) reach `node` from sources
    /// that count for its level; saturating.
    pub(crate) other_paths: u64,
}

/// Every granting role reachable from `sources`, once each, in node order:
/// a node grants when `level` gives it a level at or above the threshold
/// of a source that reaches it. `sources` must be sorted by `order`.
///
/// One breadth-first walk per distinct granting level (at most four), each
/// linear in the part of the graph reached; `name` gives a node's role id,
/// called at most once per node and walk.
pub(crate) fn granting<G: Includes + ?Sized>(
    graph: &G,
    sources: &[Source],
    level: impl Fn(u32) -> AccessLevel,
    name: impl Fn(u32) -> RoleId,
) -> Vec<Found> {
    // A node of level L counts through the sources whose threshold is at
    // most L: one walk per level, over those sources.
    let mut found: Vec<Found> = Vec::new();
    for pass in [
        AccessLevel::User,
        AccessLevel::BusinessUnit,
        AccessLevel::ParentChildBusinessUnit,
        AccessLevel::Organization,
    ] {
        let from: Vec<(usize, Source)> = sources
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, s)| s.threshold <= pass)
            .collect();
        if from.is_empty() {
            continue;
        }
        let walk = Walk::from(graph, &from);
        let mut chains: HashMap<u32, Chain> = HashMap::new();
        for node in &walk.order {
            if level(*node) == pass {
                if let Some(visit) = walk.visits.get(node) {
                    found.push(Found {
                        node: *node,
                        level: pass,
                        source: visit.source,
                        chain: walk.chain(*node, &mut chains, &name),
                        other_paths: visit.paths.saturating_sub(1),
                    });
                }
            }
        }
    }
    found.sort_by_key(|f| f.node);
    found
}

/// Whether some node reachable from `sources` grants at or above the
/// threshold of a source reaching it: [`granting`] is not empty. Each node
/// is visited once, through the source of lowest threshold that reaches
/// it, so the walk is linear in the part of the graph reached.
pub(crate) fn any_granting<G: Includes + ?Sized>(
    graph: &G,
    sources: &[Source],
    level: impl Fn(u32) -> AccessLevel,
) -> bool {
    let mut seen: HashMap<u32, ()> = HashMap::new();
    let mut queue = VecDeque::new();
    for threshold in [
        AccessLevel::User,
        AccessLevel::BusinessUnit,
        AccessLevel::ParentChildBusinessUnit,
        AccessLevel::Organization,
    ] {
        for source in sources.iter().filter(|s| s.threshold == threshold) {
            if seen.insert(source.node, ()).is_none() {
                queue.push_back(source.node);
            }
        }
        while let Some(node) = queue.pop_front() {
            if level(node) >= threshold {
                return true;
            }
            for child in graph.includes(node) {
                if seen.insert(*child, ()).is_none() {
                    queue.push_back(*child);
                }
            }
        }
    }
    false
}

/// What a walk learnt of one node.
#[derive(Clone, Copy, Debug)]
struct Visit {
    /// The node it was first reached from; `None` for a source.
    parent: Option<u32>,
    /// The index of the source its first path starts at.
    source: usize,
    /// Paths from the sources to it (saturating).
    paths: u64,
}

/// A multi-source breadth-first walk: sources in order, children in index
/// order, so the first path to reach a node is the shortest, ties going to
/// the earlier source and then the smaller ids.
struct Walk {
    visits: HashMap<u32, Visit>,
    /// Nodes in the order they were reached.
    order: Vec<u32>,
}

impl Walk {
    fn from<G: Includes + ?Sized>(graph: &G, sources: &[(usize, Source)]) -> Self {
        let mut visits: HashMap<u32, Visit> = HashMap::new();
        let mut order = Vec::new();
        let mut queue = VecDeque::new();
        // Paths that start at each node: one per source holding it.
        let mut starts: HashMap<u32, u64> = HashMap::new();
        for (index, source) in sources {
            *starts.entry(source.node).or_insert(0) += 1;
            if let std::collections::hash_map::Entry::Vacant(slot) = visits.entry(source.node) {
                slot.insert(Visit {
                    parent: None,
                    source: *index,
                    paths: 0,
                });
                order.push(source.node);
                queue.push_back(source.node);
            }
        }
        while let Some(node) = queue.pop_front() {
            let source = visits.get(&node).map_or(0, |v| v.source);
            for child in graph.includes(node) {
                if !visits.contains_key(child) {
                    visits.insert(
                        *child,
                        Visit {
                            parent: Some(node),
                            source,
                            paths: 0,
                        },
                    );
                    order.push(*child);
                    queue.push_back(*child);
                }
            }
        }
        let mut walk = Walk { visits, order };
        walk.count_paths(graph, &starts);
        walk
    }

    /// Paths from the sources to every reached node, in topological order
    /// of the reached part (Kahn's algorithm). Nodes on an inclusion cycle,
    /// which only a host's store can hold, get the paths that enter the
    /// cycle, each counted once.
    fn count_paths<G: Includes + ?Sized>(&mut self, graph: &G, starts: &HashMap<u32, u64>) {
        let mut incoming: HashMap<u32, usize> = HashMap::new();
        for node in &self.order {
            for child in graph.includes(*node) {
                *incoming.entry(*child).or_insert(0) += 1;
            }
        }
        let mut paths: HashMap<u32, u64> = starts.clone();
        let mut ready: VecDeque<u32> = self
            .order
            .iter()
            .copied()
            .filter(|n| incoming.get(n).copied().unwrap_or(0) == 0)
            .collect();
        let mut done: HashMap<u32, ()> = HashMap::new();
        let mut pending = self.order.iter().copied();
        // When only a cycle is left, take the first node not done.
        while let Some(node) = ready
            .pop_front()
            .or_else(|| pending.find(|n| !done.contains_key(n)))
        {
            if done.insert(node, ()).is_some() {
                continue;
            }
            let here = paths.get(&node).copied().unwrap_or(0);
            for child in graph.includes(node) {
                let slot = paths.entry(*child).or_insert(0);
                *slot = slot.saturating_add(here);
                if let Some(left) = incoming.get_mut(child) {
                    *left = left.saturating_sub(1);
                    if *left == 0 && !done.contains_key(child) {
                        ready.push_back(*child);
                    }
                }
            }
        }
        for (node, visit) in &mut self.visits {
            visit.paths = paths.get(node).copied().unwrap_or(0);
        }
    }

    /// The roles from the source down to `node`, both included, sharing
    /// the links already in `chains` (which it extends): over one walk,
    /// every node is named and linked once.
    fn chain(
        &self,
        node: u32,
        chains: &mut HashMap<u32, Chain>,
        name: &impl Fn(u32) -> RoleId,
    ) -> Chain {
        // Up to the first node already linked (or the source), then down.
        let mut path = vec![node];
        let mut at = node;
        let mut base = Chain::default();
        loop {
            if let Some(known) = chains.get(&at) {
                path.pop();
                base = known.clone();
                break;
            }
            match self.visits.get(&at).and_then(|v| v.parent) {
                Some(parent) => {
                    path.push(parent);
                    at = parent;
                }
                None => break,
            }
        }
        for node in path.into_iter().rev() {
            base = base.then(name(node));
            chains.insert(node, base.clone());
        }
        base
    }
}

impl Includes for [Vec<u32>] {
    fn includes(&self, node: u32) -> &[u32] {
        self.get(node as usize).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn name(node: u32) -> RoleId {
        RoleId::from(node.to_string())
    }

    fn nodes(chain: &Chain) -> Vec<u32> {
        chain.iter().map(|r| r.as_str().parse().unwrap()).collect()
    }

    fn source(node: u32, order: u32) -> Source {
        Source {
            node,
            order,
            threshold: AccessLevel::User,
        }
    }

    #[test]
    fn n_teams_over_an_n_chain_give_n_routes_and_count_the_paths() {
        // Node i includes i + 1; N sources all hold node 0.
        let n = 50u32;
        let graph: Vec<Vec<u32>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let sources: Vec<Source> = (0..n).map(|t| source(0, t)).collect();
        let found = granting(
            graph.as_slice(),
            &sources,
            |_| AccessLevel::Organization,
            name,
        );
        assert_eq!(found.len(), n as usize);
        for f in &found {
            assert_eq!(f.source, 0);
            assert_eq!(f.chain.len(), f.node as usize + 1);
            assert_eq!(f.other_paths, u64::from(n) - 1);
        }
    }

    #[test]
    fn the_shortest_chain_wins_then_the_earlier_source() {
        // 0 -> 1 -> 3, 2 -> 3; sources 0 (order 0) and 2 (order 1).
        let graph = vec![vec![1], vec![3], vec![3], vec![]];
        let found = granting(
            graph.as_slice(),
            &[source(0, 0), source(2, 1)],
            |n| {
                if n == 3 {
                    AccessLevel::User
                } else {
                    AccessLevel::None
                }
            },
            name,
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].source, nodes(&found[0].chain)), (1, vec![2, 3]));
        assert_eq!(found[0].other_paths, 1);
    }

    #[test]
    fn thresholds_decide_which_sources_count() {
        // Source 0 reaches node 1 at threshold Organization, source 2 at
        // User: node 1 grants at BusinessUnit, so only source 2 counts.
        let graph = vec![vec![1], vec![], vec![1]];
        let sources = [
            Source {
                node: 0,
                order: 0,
                threshold: AccessLevel::Organization,
            },
            Source {
                node: 2,
                order: 1,
                threshold: AccessLevel::User,
            },
        ];
        let level = |n| {
            if n == 1 {
                AccessLevel::BusinessUnit
            } else {
                AccessLevel::None
            }
        };
        let found = granting(graph.as_slice(), &sources, level, name);
        assert_eq!((found[0].source, found[0].other_paths), (1, 0));
        assert!(any_granting(graph.as_slice(), &sources, level));
        assert!(!any_granting(graph.as_slice(), &sources[..1], level));
    }

    #[test]
    fn a_cycle_is_walked_once() {
        let graph = vec![vec![1], vec![2], vec![0]];
        let found = granting(
            graph.as_slice(),
            &[source(0, 0)],
            |_| AccessLevel::User,
            name,
        );
        assert_eq!(found.len(), 3);
        assert_eq!(nodes(&found[2].chain), vec![0, 1, 2]);
    }
}
