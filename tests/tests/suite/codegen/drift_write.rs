//! `cargo xtask drift --write` on the real spec: documents made from `spec/` itself
//! (`stream_chat_tests::openapi`, shaped like Stream's two) show no drift, and slices deleted
//! from the spec (operations with their schemas, schemas, fields, enum values, events,
//! parameters, filter operators, sort fields) come back where they were, in the same style:
//! the files differ only in their docs, which `--write` leaves as markers, and in the form of
//! fields that a long doc made blocks. Fields that a mixin holds come back as its spread, and
//! operators as the operator set that holds them.

use std::path::Path;

use stream_chat_codegen::drift::{self, DocumentInput, Inputs, Side};
use stream_chat_codegen::source::{load_texts, SourceFile};

fn spec_texts() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("spec/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = format!("spec/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect()
}

fn inputs(files: &[SourceFile]) -> Inputs {
    let (server, client) = stream_chat_tests::openapi::documents(files);
    Inputs {
        documents: vec![
            DocumentInput {
                label: "server.json".into(),
                side: Side::Server,
                text: server,
            },
            DocumentInput {
                label: "client.json".into(),
                side: Side::Client,
                text: client,
            },
        ],
        prefixes: Vec::new(),
        observed: None,
        deviations: None,
    }
}

#[test]
fn documents_made_from_the_spec_show_no_drift() {
    let files = load_texts(spec_texts()).expect("spec/ loads");
    let report = drift::drift(&files, "spec", &inputs(&files)).expect("compares");
    // A union maps an event type to its payload: an event without one is in no union, so
    // the documents cannot say that client websockets receive it.
    let payloadless: Vec<&String> = files
        .iter()
        .flat_map(|f| &f.spec.events)
        .filter(|(_, e)| e.payload.is_none() && e.client_side)
        .map(|(event_type, _)| event_type)
        .collect();
    let unexpected: Vec<String> = report
        .findings
        .iter()
        .filter(|f| !(f.attribute == Some("client_side") && payloadless.contains(&&f.location)))
        .map(drift::render::line)
        .collect();
    assert_eq!(unexpected, Vec::<String>::new());
}

/// The documents' fields with no doc: `doc` keys and lines removed (folded docs with their
/// lines), `{ type: X }` as `X`. A field written as a block is compared as the one flow line
/// it would be without its doc: the spec writes a field as a block only when a long doc does
/// not fit on its line, and `--write` writes a short marker there.
fn without_docs(text: &str) -> String {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut kept: Vec<String> = Vec::new();
    let mut doc_at: Option<usize> = None;
    for line in text.lines() {
        if let Some(at) = doc_at {
            if !line.trim().is_empty() && indent(line) > at {
                continue;
            }
            doc_at = None;
        }
        if line.trim_start().starts_with("doc:") {
            doc_at = Some(indent(line));
            continue;
        }
        kept.push(line.to_owned());
    }
    // Block sequences first (an `enum:` inside a field), then fields written as blocks.
    let flat = collapse(&kept, |items| items.iter().all(|i| i.starts_with("- ")));
    let flat = collapse(&flat, |items| {
        items.iter().any(|i| i.starts_with("type: "))
            && items.iter().all(|i| {
                i.split_once(": ")
                    .is_some_and(|(key, _)| FIELD_KEYS.contains(&key))
            })
    });
    let mut out = String::new();
    for line in flat {
        let mut line = line.to_owned();
        if let (Some(at), true) = (line.find(", doc: "), line.ends_with(" }")) {
            line = format!("{} }}", &line[..at]);
        }
        if let Some((key, value)) = line.split_once(": { type: ") {
            if let Some(ty) = value.strip_suffix(" }").filter(|t| !t.contains(',')) {
                line = format!("{key}: {ty}");
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The keys of a field or a filter field written as a block (besides `doc`).
const FIELD_KEYS: [&str; 19] = [
    "type",
    "required",
    "nullable",
    "enum",
    "min",
    "max",
    "min_len",
    "max_len",
    "min_items",
    "max_items",
    "default",
    "deprecated",
    "client_side_only",
    "from_connection",
    "sort",
    "sort_combinations",
    "ops",
    "rust",
    "filter",
];

/// Each block (`key:` and the lines indented one level under it) whose items `fits`, as one
/// flow line: `key: [a, b]` for a sequence, `key: { a: 1, b: 2 }` for a mapping.
fn collapse(lines: &[String], fits: impl Fn(&[&str]) -> bool) -> Vec<String> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut out = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let line = &lines[at];
        let children: Vec<&String> = lines[at + 1..]
            .iter()
            .take_while(|l| !l.trim().is_empty() && indent(l) > indent(line))
            .collect();
        let items: Vec<&str> = children.iter().map(|c| c.trim_start()).collect();
        let same_level = children.iter().all(|c| indent(c) == indent(children[0]));
        if line.ends_with(':') && !children.is_empty() && same_level && fits(&items) {
            let value = if items[0].starts_with("- ") {
                let items: Vec<&str> = items.iter().map(|i| &i[2..]).collect();
                format!("[{}]", items.join(", "))
            } else {
                format!("{{ {} }}", items.join(", "))
            };
            out.push(format!("{line} {value}"));
            at += 1 + children.len();
        } else {
            out.push(line.clone());
            at += 1;
        }
    }
    out
}

/// Deletes the entry whose key line is `key_line` (with everything indented under it) and
/// the blank line it leaves over.
fn remove_entry(text: &str, key_line: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| *l == key_line)
        .unwrap_or_else(|| panic!("`{key_line}` is in the spec"));
    let indent = key_line.len() - key_line.trim_start().len();
    let mut end = start + 1;
    for (index, line) in lines.iter().enumerate().skip(start + 1) {
        if line.trim().is_empty() {
            continue;
        }
        if line.len() - line.trim_start().len() <= indent {
            break;
        }
        end = index + 1;
    }
    lines.drain(start..end);
    let blank = |i: usize| lines.get(i).is_some_and(|l| l.trim().is_empty());
    if start > 0 && blank(start) && (blank(start - 1) || lines[start - 1].ends_with(':')) {
        lines.remove(start);
    } else if start > 0 && blank(start - 1) && lines.get(start).is_none_or(|l| !l.starts_with(' '))
    {
        lines.remove(start - 1);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// Replaces the one line that contains `from`.
fn edit_line(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` is in the spec once"
    );
    text.replacen(from, to, 1)
}

/// `--write` into a sliced spec from the documents made from the whole one; the written spec
/// must validate. `client_side` of events without a payload is left alone (the documents cannot
/// say it, see above).
fn write_back(texts: Vec<(String, String)>, documents: &Inputs) -> drift::write::Written {
    let sliced = load_texts(texts).expect("the sliced spec loads");
    let mut analysis = drift::analyse(&sliced, "spec", documents).expect("compares");
    analysis
        .report
        .findings
        .retain(|f| f.attribute != Some("client_side"));
    let written = drift::write::apply(&sliced, Path::new("spec"), &analysis);
    assert!(
        written.problems.is_none(),
        "{}",
        drift::write::summary(&written)
    );
    written
}

/// Deletes slices of the spec, writes them back from the documents made from the whole spec,
/// and compares: only docs may differ.
#[test]
fn deleted_slices_come_back_where_they_were() {
    let original = spec_texts();
    let full = load_texts(original.clone()).expect("spec/ loads");
    let documents = inputs(&full);
    type Edit = fn(&str) -> String;
    let edits: Vec<(&str, Edit)> = vec![
        // A whole operation with its request and response, first in its file.
        ("spec/campaigns.yaml", |t| {
            let t = remove_entry(t, "  CreateCampaign:");
            let t = remove_entry(&t, "  CreateCampaignRequest:");
            remove_entry(&t, "  CreateCampaignResponse:")
        }),
        // A multipart upload whose schemas the spec still has.
        ("spec/uploads.yaml", |t| remove_entry(t, "  UploadFile:")),
        // An operation in the middle of its file, with its request and response; an event with its
        // payload; a
        // query parameter; an operator of a typed filter; the events an operation sends.
        ("spec/channels.yaml", |t| {
            let t = remove_entry(t, "  ShowChannel:");
            let t = remove_entry(&t, "  ShowChannelRequest:");
            let t = remove_entry(&t, "  ShowChannelResponse:");
            let t = remove_entry(&t, "  channel.max_streak_changed:");
            remove_entry(&t, "  MaxStreakChangedEvent:")
        }),
        // An operation whose request the spec still has.
        ("spec/channels.yaml", |t| {
            remove_entry(t, "  MarkDelivered:")
        }),
        ("spec/reactions.yaml", |t| {
            let t = edit_line(t, "    query:\n      user_id: { type: string, doc: ID of the user whose reaction to remove (server-side only). }\n", "");
            let t = edit_line(
                &t,
                "created_at: { type: datetime, ops: [standard] }",
                "created_at: { type: datetime, ops: [eq, in, gte, lt, lte, exists] }",
            );
            edit_line(&t, "    events: [reaction.deleted]\n", "")
        }),
        // A shared schema and the field that uses it.
        ("spec/channels.yaml", |t| {
            let t = remove_entry(t, "  ChannelInput:");
            edit_line(
                &t,
                "      data: { type: ChannelInput, doc: Channel data to set. }\n",
                "",
            )
        }),
        // An enum value, a sort field with its combination.
        ("spec/channel_types.yaml", |t| {
            edit_line(
                t,
                "catches.\n    enum:\n      - flag\n      - block\n      - shadow_block\n",
                "catches.\n    enum:\n      - flag\n      - block\n",
            )
        }),
        ("spec/polls.yaml", |t| {
            let t = edit_line(
                t,
                "sort: [created_at, id, is_closed, name, updated_at]",
                "sort: [created_at, id, name, updated_at]",
            );
            edit_line(&t, ", [updated_at], [is_closed]]", ", [updated_at]]")
        }),
    ];
    let mut texts = original.clone();
    for (file, edit) in &edits {
        let entry = texts
            .iter_mut()
            .find(|(name, _)| name == file)
            .expect("the file exists");
        entry.1 = edit(&entry.1);
    }
    let written = write_back(texts.clone(), &documents);
    assert!(
        written.left.is_empty(),
        "{}",
        drift::write::summary(&written)
    );
    for (name, before) in &original {
        let after = written
            .files
            .iter()
            .find(|f| f.path == Path::new(name))
            .map_or_else(
                || texts.iter().find(|(n, _)| n == name).unwrap().1.clone(),
                |f| f.text.clone(),
            );
        let (before, after) = (without_docs(before), without_docs(&after));
        if before != after {
            let diff: Vec<String> = before
                .lines()
                .zip(after.lines())
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .take(5)
                .map(|(i, (a, b))| format!("{name}:{}:\n  was: {a}\n  now: {b}", i + 1))
                .collect();
            panic!("{name} differs beyond docs:\n{}", diff.join("\n"));
        }
    }
    assert!(written.markers > 0);
}

/// How often `--write` puts an operation back exactly where it was: each operation of the
/// spec deleted alone, then with the request and response only it uses. Every written spec
/// must validate; the placement figures are printed (README, "Keeping up with Stream").
/// Slow (two runs per operation): `cargo test -p stream-chat-tests --test suite --
/// drift_write --ignored --nocapture`.
#[test]
#[ignore = "a measurement; run it by name"]
fn measure_where_deleted_operations_come_back() {
    let original = spec_texts();
    let full = load_texts(original.clone()).expect("spec/ loads");
    let documents = inputs(&full);
    // Permissions and pagination are not in Stream's documents: left out of the comparison.
    let comparable = |text: &str| {
        without_docs(text)
            .lines()
            .filter(|l| !l.starts_with("    permissions:") && !l.starts_with("    pagination:"))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    let used_elsewhere = |name: &str, except: &str| {
        full.iter().any(|f| {
            f.spec.endpoints.iter().any(|(n, e)| {
                n != except
                    && (e.response == name || e.body.as_ref().is_some_and(|b| b.schema == name))
            }) || f.spec.schemas.values().any(|s| {
                s.fields.iter().flatten().any(|(_, d)| d.ty.contains(name))
                    || s.alias.as_ref().is_some_and(|a| a.contains(name))
            })
        })
    };
    let (mut total, mut alone, mut with_schemas) = (0, 0, 0);
    for file in &full {
        for (name, endpoint) in &file.spec.endpoints {
            total += 1;
            let exclusive: Vec<String> = endpoint
                .body
                .iter()
                .map(|b| b.schema.clone())
                .chain([endpoint.response.clone()])
                .filter(|s| file.spec.schemas.contains_key(s) && !used_elsewhere(s, name))
                .collect();
            for with in [false, true] {
                let mut texts = original.clone();
                let entry = texts
                    .iter_mut()
                    .find(|(n, _)| *n == file.display_path)
                    .unwrap();
                entry.1 = remove_entry(&entry.1, &format!("  {name}:"));
                if with {
                    for schema in &exclusive {
                        entry.1 = remove_entry(&entry.1, &format!("  {schema}:"));
                    }
                }
                let written = write_back(texts.clone(), &documents);
                let back = written
                    .files
                    .iter()
                    .find(|f| f.path == Path::new(&file.display_path))
                    .map(|f| f.text.clone())
                    .unwrap_or_default();
                let same = comparable(&back) == comparable(&file.text);
                match (same, with) {
                    (true, false) => alone += 1,
                    (true, true) => with_schemas += 1,
                    (false, _) => eprintln!(
                        "{name} ({}): not at its place",
                        if with { "with its schemas" } else { "alone" }
                    ),
                }
            }
        }
    }
    eprintln!("operations back at their place: {alone} of {total} deleted alone, {with_schemas} of {total} deleted with their own schemas");
}

/// A field that a mixin brings is not in its schema's text: a change the documents call for is
/// left for a person, with the spread named, and no file is touched for it.
#[test]
fn a_change_to_a_spread_field_is_left_for_a_person() {
    let original = spec_texts();
    let full = load_texts(original.clone()).expect("spec/ loads");
    let documents = inputs(&full);
    let mut texts = original;
    let channels = texts
        .iter_mut()
        .find(|(name, _)| name == "spec/channels.yaml")
        .expect("channels.yaml");
    // The mixin of 32 channel events.
    channels.1 = edit_line(
        &channels.1,
        "\n    team: { type: string, doc: Team of the channel. }",
        "\n    team: { type: list<string>, doc: Team of the channel. }",
    );
    let written = write_back(texts, &documents);
    let about_team: Vec<&(drift::Finding, String)> = written
        .left
        .iter()
        .filter(|(finding, _)| finding.location.ends_with("Event.team"))
        .collect();
    assert!(about_team.len() > 20, "{}", drift::write::summary(&written));
    for (finding, why) in about_team {
        assert!(
            why.contains("the spread `...ChannelEventFields`"),
            "{}: {why}",
            finding.location
        );
    }
    assert!(written
        .applied
        .iter()
        .all(|finding| !finding.location.ends_with("Event.team")));
}
