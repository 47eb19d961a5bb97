//! Inclusion chains that share their prefixes, so that an explanation's size
//! is bounded by the roles it names, not by the sum of its chains' lengths.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::id::RoleId;

/// An inclusion chain: the role a user holds first, then each role included
/// on the way, down to the role that grants.
///
/// The routes of one explanation share the chains' common prefixes (each
/// chain is a link to the one it extends), so N routes down an N-role chain
/// hold N links, not N²/2 role ids. Compare a chain with a slice or an
/// array, walk it with [`Chain::iter`], or print it: `a > b > c`.
///
/// ```
/// use rbac_profiles::{Chain, RoleId};
///
/// let chain: Chain = ["agent", "reader"].into_iter().map(RoleId::from).collect();
/// assert_eq!(chain.len(), 2);
/// assert_eq!(chain, [RoleId::from("agent"), RoleId::from("reader")]);
/// assert_eq!(chain.first().map(RoleId::as_str), Some("agent"));
/// assert_eq!(chain.to_string(), "agent > reader");
/// ```
#[derive(Clone, Default)]
pub struct Chain {
    last: Option<Arc<Link>>,
}

struct Link {
    role: RoleId,
    /// Roles from the first to this one, this one included.
    len: usize,
    up: Option<Arc<Link>>,
}

impl Chain {
    /// The chain of one role.
    ///
    /// ```
    /// let chain = rbac_profiles::Chain::of("agent".into());
    /// assert_eq!(chain.len(), 1);
    /// ```
    pub fn of(role: RoleId) -> Self {
        Chain::default().then(role)
    }

    /// This chain, extended by `role`; the two share this chain's links.
    ///
    /// ```
    /// let agent = rbac_profiles::Chain::of("agent".into());
    /// let longer = agent.then("reader".into());
    /// assert_eq!((agent.len(), longer.len()), (1, 2));
    /// ```
    #[must_use]
    pub fn then(&self, role: RoleId) -> Self {
        Chain {
            last: Some(Arc::new(Link {
                role,
                len: self.len() + 1,
                up: self.last.clone(),
            })),
        }
    }

    /// The number of roles.
    ///
    /// ```
    /// assert_eq!(rbac_profiles::Chain::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.last.as_ref().map_or(0, |link| link.len)
    }

    /// Whether it names no role.
    ///
    /// ```
    /// assert!(rbac_profiles::Chain::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// The role held: the chain's first.
    ///
    /// ```
    /// let chain = rbac_profiles::Chain::of("agent".into()).then("reader".into());
    /// assert_eq!(chain.first().map(|r| r.as_str()), Some("agent"));
    /// ```
    pub fn first(&self) -> Option<&RoleId> {
        self.links().last().map(|link| &link.role)
    }

    /// The granting role: the chain's last.
    ///
    /// ```
    /// let chain = rbac_profiles::Chain::of("agent".into()).then("reader".into());
    /// assert_eq!(chain.last().map(|r| r.as_str()), Some("reader"));
    /// ```
    pub fn last(&self) -> Option<&RoleId> {
        self.last.as_deref().map(|link| &link.role)
    }

    /// The roles, first to last.
    ///
    /// ```
    /// let chain = rbac_profiles::Chain::of("agent".into()).then("reader".into());
    /// let names: Vec<&str> = chain.iter().map(|r| r.as_str()).collect();
    /// assert_eq!(names, ["agent", "reader"]);
    /// ```
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &RoleId> + ExactSizeIterator {
        let mut roles: Vec<&RoleId> = self.links().map(|link| &link.role).collect();
        roles.reverse();
        roles.into_iter()
    }

    /// The roles, first to last, owned.
    ///
    /// ```
    /// let chain = rbac_profiles::Chain::of("agent".into());
    /// assert_eq!(chain.to_vec(), ["agent".into()]);
    /// ```
    pub fn to_vec(&self) -> Vec<crate::id::RoleId> {
        self.iter().cloned().collect()
    }

    /// Links from the last role up to the first.
    fn links(&self) -> impl Iterator<Item = &Link> {
        std::iter::successors(self.last.as_deref(), |link| link.up.as_deref())
    }
}

/// Unlinks iteratively: dropping a chain of any length can't overflow the
/// stack.
impl Drop for Chain {
    fn drop(&mut self) {
        let mut at = self.last.take();
        while let Some(link) = at {
            match Arc::try_unwrap(link) {
                Ok(mut link) => at = link.up.take(),
                // Another chain still holds the rest.
                Err(_) => break,
            }
        }
    }
}

impl FromIterator<RoleId> for Chain {
    fn from_iter<I: IntoIterator<Item = RoleId>>(roles: I) -> Self {
        roles
            .into_iter()
            .fold(Chain::default(), |chain, role| chain.then(role))
    }
}

impl From<Vec<RoleId>> for Chain {
    fn from(roles: Vec<RoleId>) -> Self {
        roles.into_iter().collect()
    }
}

impl PartialEq for Chain {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .links()
                .map(|l| &l.role)
                .eq(other.links().map(|l| &l.role))
    }
}

impl Eq for Chain {}

impl PartialEq<[RoleId]> for Chain {
    fn eq(&self, other: &[RoleId]) -> bool {
        self.len() == other.len() && self.links().map(|l| &l.role).eq(other.iter().rev())
    }
}

impl<const N: usize> PartialEq<[RoleId; N]> for Chain {
    fn eq(&self, other: &[RoleId; N]) -> bool {
        *self == other[..]
    }
}

impl PartialEq<Vec<RoleId>> for Chain {
    fn eq(&self, other: &Vec<RoleId>) -> bool {
        *self == other[..]
    }
}

impl fmt::Debug for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The roles joined by ` > `.
impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (at, role) in self.iter().enumerate() {
            if at > 0 {
                f.write_str(" > ")?;
            }
            write!(f, "{role}")?;
        }
        Ok(())
    }
}

/// A list of role ids.
impl Serialize for Chain {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Chain {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<RoleId>::deserialize(deserializer).map(Chain::from)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_long_chain_drops_without_recursion() {
        let chain: Chain = (0..200_000).map(|n| RoleId::from(n.to_string())).collect();
        let shorter = chain.clone();
        assert_eq!(chain.len(), 200_000);
        drop(chain);
        assert_eq!(shorter.first().unwrap().as_str(), "0");
    }

    #[test]
    fn chains_compare_by_their_roles() {
        let a = Chain::of("x".into()).then("y".into());
        let b: Chain = vec![RoleId::from("x"), RoleId::from("y")].into();
        assert_eq!(a, b);
        assert_ne!(a, Chain::of("x".into()));
        assert_ne!(a, [RoleId::from("y"), RoleId::from("x")]);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"["x","y"]"#);
        let back: Chain = serde_json::from_str(r#"["x","y"]"#).unwrap();
        assert_eq!(back, a);
    }
}
