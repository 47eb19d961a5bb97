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
//! - [`strategies`]: [`proptest`] strategies for valid organisations on the
//!   built-in catalogue, their lists permuted, and administration
//!   operations over their ids.
//! - [`Workload`]: a synthetic organisation of any size, deterministic from
//!   a seed, for benchmarks and scale tests.

pub mod strategies;
mod workload;

pub use workload::Workload;
