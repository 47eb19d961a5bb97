//! Small pieces the property tests build organisations from: numbered ids
//! and random subsets.

use proptest::collection::vec;
use proptest::prelude::*;
use rbac_profiles::{ProfileId, RoleId, TeamId, TemplateId, UserId};

/// `r{i}`.
pub fn role_id(i: usize) -> RoleId {
    RoleId::from(format!("r{i}"))
}

/// `t{i}`.
pub fn team_id(i: usize) -> TeamId {
    TeamId::from(format!("t{i}"))
}

/// `u{i}`.
pub fn user_id(i: usize) -> UserId {
    UserId::from(format!("u{i}"))
}

/// `p{i}`.
pub fn profile_id(i: usize) -> ProfileId {
    ProfileId::from(format!("p{i}"))
}

/// `tpl{i}`.
pub fn template_id(i: usize) -> TemplateId {
    TemplateId::from(format!("tpl{i}"))
}

/// A random subset of `0..n`, in increasing order, each index picked with
/// probability `p`.
pub fn subset(n: usize, p: f64) -> impl Strategy<Value = Vec<usize>> {
    vec(prop::bool::weighted(p), n).prop_map(|bits| {
        bits.into_iter()
            .enumerate()
            .filter_map(|(i, picked)| picked.then_some(i))
            .collect()
    })
}
