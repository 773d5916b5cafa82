//! Typed query filters and sorts reject, at compile time, what the API does not accept: a
//! field the query does not filter on, an operator the field does not take, a value of the
//! wrong type, another query's filter, another query's sort field. The expected errors are in
//! `tests/compile_fail/*.stderr` (write them with `TRYBUILD=overwrite`).
//!
//! trybuild builds the cases against this crate's dependencies in its own target folder, so the
//! first run compiles the client again.

#[test]
fn invalid_filters_and_sorts_do_not_compile() {
    trybuild::TestCases::new().compile_fail("compile_fail/*.rs");
}
