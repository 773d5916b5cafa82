//! The generator (`stream-chat-codegen`) and the logic behind the `xtask` commands, on fixture
//! specs (`tests/fixtures/`) and on the real `spec/`. The insta snapshots of these modules are
//! in `snapshots/` beside this file, named after the module (`suite__codegen__diff__*.snap`);
//! `cargo insta review` shows a change.

// Property tests on adversarial specs: refused with places, or generated code that compiles.
mod adversarial;
// `cargo xtask diff`: every kind of change in every format (snapshots).
mod diff;
// The numbers in the READMEs come from the spec.
mod doc_numbers;
// `cargo xtask drift` against OpenAPI fixtures (snapshots).
mod drift;
// `cargo xtask drift --write` on the real spec brings deleted slices back.
mod drift_write;
// Every fixture spec's generated code compiles without clippy or rustdoc warnings.
mod fixture_compile;
// The generator's output per fixture spec and its messages for broken specs (snapshots).
mod generate;
// `cargo xtask release`: versions and changelog sections (snapshots).
mod release;
