//! How long loading takes to report every unknown key of one file, for growing counts: the
//! report must grow linearly (issue 19 measured 2.3 s at 500 keys and 146 s at 4,000 before
//! the outline). Run with `cargo bench -p stream-chat-codegen --bench unknown_keys`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// The allocator of `cargo xtask`, so the figures are the tool's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One schema with `count` keys that the language does not know.
fn spec(count: usize) -> String {
    let mut text =
        String::from("doc: Unknown keys.\nschemas:\n  Thing:\n    doc: A thing.\n    fields: {}\n");
    for index in 0..count {
        text.push_str(&format!("    bogus_{index}: 1\n"));
    }
    text
}

fn unknown_keys(c: &mut Criterion) {
    let mut group = c.benchmark_group("unknown-key report");
    group.sample_size(10);
    for count in [500, 1_000, 2_000, 4_000] {
        let text = spec(count);
        group.bench_with_input(BenchmarkId::from_parameter(count), &text, |b, text| {
            b.iter(|| {
                let problems =
                    stream_chat_codegen::source::load_texts(vec![("a.yaml".into(), text.clone())])
                        .expect_err("every key is unknown");
                assert_eq!(problems.0.len(), count);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, unknown_keys);
criterion_main!(benches);
