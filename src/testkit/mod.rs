//! Test and benchmark support, behind the non-default `testkit` feature.
//!
//! ```toml
//! [dev-dependencies]
//! rbac-profiles = { version = "0.1", features = ["testkit"] }
//! ```
//!
//! Nothing here is needed to answer questions in production; it is what the
//! crate's own tests, benchmarks and examples use, published so hosts can
//! test their code and their [`Store`](crate::Store) the same way.
//!
//! - [`conformance::check_store`]: the conformance suite for a host's
//!   [`Store`](crate::Store) and [`StoreMut`](crate::StoreMut): every
//!   resolution rule, the invariants and the all-or-nothing checks, run
//!   against stores a factory of yours builds.
//! - [`seed004`]: the seed's worked example of experience profiles as data
//!   (users, operations, expected resolutions).
//! - [`FaultyStore`]: a wrapper over any store that fails the k-th read or
//!   the k-th write ([`Fault`]), to check that a storage failure at any
//!   point is an error and changes nothing.
//! - [`strategies`]: [`proptest`] strategies for valid organisations on the
//!   built-in catalogue, their lists permuted, and administration
//!   operations over their ids.
//! - [`Workload`]: a synthetic organisation of any size, deterministic from
//!   a seed, for benchmarks and scale tests, with random records
//!   ([`SampleRecord`]) for record-access questions.

pub mod conformance;
mod faulty;
pub mod seed004;
pub mod strategies;
mod workload;

pub use faulty::{Fault, FaultyStore};
pub use workload::{SampleRecord, SampleRecordIx, Workload};
