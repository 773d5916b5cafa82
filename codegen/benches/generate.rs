//! How long the generator takes to turn all of `spec/` into formatted code, in total and per
//! stage. Run with `cargo bench -p stream-chat-codegen`.

use criterion::{criterion_group, criterion_main, Criterion};

/// The allocator of `cargo xtask`, so the figures are the tool's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::Path;
use stream_chat_codegen::{emit, format, lower, source, validate};

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
    c.bench_function("all stages (spec/ to formatted code)", |b| {
        b.iter(|| stream_chat_codegen::generate_texts(texts.clone()).expect("the spec is valid"))
    });

    let files = source::load_texts(texts.clone()).expect("the spec loads");
    let api = lower::lower(&files);
    c.bench_function("1 load", |b| b.iter(|| source::load_texts(texts.clone())));
    c.bench_function("2 validate", |b| b.iter(|| validate::validate(&files)));
    c.bench_function("3 lower", |b| b.iter(|| lower::lower(&files)));
    c.bench_function("4 emit", |b| b.iter(|| emit::emit(&api)));
    c.bench_function("5 format", |b| {
        b.iter_batched(
            || emit::emit(&api),
            |emitted| {
                for file in emitted {
                    if let emit::Content::Tokens(tokens) = file.content {
                        format::format_file(&file.path, tokens).expect("valid tokens");
                    }
                }
            },
            criterion::BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, generate);
criterion_main!(benches);
