//! How long the generator takes to turn all of `spec/` into formatted code.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::Path;

fn spec_texts() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("spec/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).expect("readable spec file"),
            )
        })
        .collect()
}

fn generate(c: &mut Criterion) {
    let texts = spec_texts();
    c.bench_function(
        "generate all of spec/ (load, validate, lower, emit, format)",
        |b| {
            b.iter(|| {
                stream_chat_codegen::generate_texts(texts.clone()).expect("the spec is valid")
            })
        },
    );
}

criterion_group!(benches, generate);
criterion_main!(benches);
