//! Spec text as rustdoc: whatever a doc says, the generated docs pass `cargo doc -D warnings`
//! and hold no doctest.
//!
//! Docs in the spec are markdown, written for people. [`prose`] parses them with
//! pulldown-cmark, the parser rustdoc uses, with rustdoc's options, and escapes what rustdoc
//! would treat as code or complain about, so that the text renders as written:
//!
//! - a code block (fenced or indented) is a doctest: it becomes a ```` ```text ```` block, and a
//!   fence left open is closed;
//! - a link that is not to a URL (`[NoSuchThing]`, `[x](Foo)`, `[^note]`) would be an intra-doc
//!   link that may not resolve: its brackets are escaped;
//! - HTML (`<tag>`, `<!-- -->`) would be an unclosed or unknown tag: its `<` becomes `&lt;`;
//! - a bare URL is wrapped in `<...>`, as rustdoc's `bare_urls` lint asks.
//!
//! Links to URLs, autolinks, code spans, emphasis and lists stay as they are. [`code`] writes
//! any text (a wire name, a path) as one inline code span. Characters no comment may hold
//! (NUL, text-direction overrides) never get here: loading refuses them (`outline.rs`).

use pulldown_cmark::{BrokenLink, CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// rustdoc's markdown options (`main_body_opts` in rustdoc's source).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

/// A doc from the spec, escaped for rustdoc (see the module docs).
pub(crate) fn prose(text: &str) -> String {
    // A tab is four columns to markdown, and a lint to clippy (`tabs_in_doc_comments`).
    let mut text = text.replace('\t', "    ");
    // Each pass escapes what the previous one exposed (an HTML block, once escaped, is a
    // paragraph whose brackets may read as links); escaping only ever adds escapes.
    for _ in 0..8 {
        let edits = edits(&text);
        if edits.is_empty() {
            break;
        }
        text = apply(&text, edits);
    }
    text
}

/// Any text as one inline code span: a fence longer than any run of backticks inside, line
/// breaks as spaces (as markdown shows them anyway).
pub(crate) fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r', '\t'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.is_empty() || text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// One replacement of a range of the text.
struct Edit {
    range: Range<usize>,
    with: String,
}

/// The escapes one parse of `text` calls for, in text order, not overlapping.
fn edits(text: &str) -> Vec<Edit> {
    let mut broken: Vec<Range<usize>> = Vec::new();
    let callback = |link: BrokenLink<'_>| {
        broken.push(link.span);
        None
    };
    let parser = Parser::new_with_broken_link_callback(text, options(), Some(callback));
    let mut edits = Vec::new();
    let mut in_link = 0usize;
    let mut events = parser.into_offset_iter();
    while let Some((event, range)) = events.next() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                // Skip the block's contents.
                for (event, _) in events.by_ref() {
                    if matches!(event, Event::End(TagEnd::CodeBlock)) {
                        break;
                    }
                }
                edits.extend(code_block(text, range, &kind));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                in_link += 1;
                let to_url =
                    matches!(link_type, LinkType::Autolink | LinkType::Email) || is_url(&dest_url);
                if !to_url {
                    edits.extend(escape_brackets(text, range));
                }
            }
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Html(_) | Event::InlineHtml(_) => {
                edits.extend(replace_all(text, range, '<', "&lt;"));
            }
            Event::FootnoteReference(_) | Event::Start(Tag::FootnoteDefinition(_)) => {
                edits.extend(escape_brackets(text, range.start..range.start + 1));
            }
            Event::Text(_) if in_link == 0 => edits.extend(bare_urls(text, range)),
            _ => {}
        }
    }
    drop(events);
    for span in broken {
        edits.extend(escape_brackets(text, span));
    }
    edits.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut kept: Vec<Edit> = Vec::with_capacity(edits.len());
    for edit in edits {
        // Overlapping escapes wait for the next pass.
        if kept
            .last()
            .is_none_or(|last| last.range.end <= edit.range.start)
        {
            kept.push(edit);
        }
    }
    kept
}

fn apply(text: &str, edits: Vec<Edit>) -> String {
    let mut out = String::with_capacity(text.len() + edits.len() * 4);
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.with);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `http://`, `https://`, `mailto:` and `ftp://` destinations: rustdoc leaves them alone.
fn is_url(dest: &str) -> bool {
    ["http://", "https://", "mailto:", "ftp://"]
        .iter()
        .any(|scheme| {
            dest.len() > scheme.len() && dest[..scheme.len()].eq_ignore_ascii_case(scheme)
        })
}

/// A code block as a `text` block: a fence gets `text` as its info string (and a closing
/// fence when it runs to the end), an indented block becomes a fenced one.
fn code_block(text: &str, range: Range<usize>, kind: &CodeBlockKind<'_>) -> Vec<Edit> {
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    match kind {
        CodeBlockKind::Fenced(_) => {
            let first_line_end = text[range.start..]
                .find('\n')
                .map_or(text.len(), |i| range.start + i);
            let line = &text[range.start..first_line_end];
            let indent = line.len() - line.trim_start().len();
            let fence_char = line[indent..].chars().next().unwrap_or('`');
            let fence_len = line[indent..]
                .chars()
                .take_while(|c| *c == fence_char)
                .count();
            let info_start = range.start + indent + fence_len;
            let mut edits = vec![Edit {
                range: info_start..first_line_end,
                with: "text".to_owned(),
            }];
            let block = &text[range.clone()];
            let last_line = block.trim_end().rsplit('\n').next().unwrap_or("").trim();
            let closed = block.trim_end().contains('\n')
                && last_line.len() >= fence_len
                && last_line.chars().all(|c| c == fence_char);
            if !closed && text[range.end..].trim().is_empty() {
                let fence: String = std::iter::repeat_n(fence_char, fence_len).collect();
                edits.push(Edit {
                    range: text.len()..text.len(),
                    with: format!("\n{fence}"),
                });
            }
            edits
        }
        CodeBlockKind::Indented => {
            // The block's lines, from the start of its first line.
            let block = &text[line_start..range.end];
            let indent = block.len() - block.trim_start_matches([' ', '\t']).len();
            let outer = &block[..indent.saturating_sub(4).min(block.len())];
            let mut fenced = format!("{outer}```text\n");
            for line in block.trim_end_matches('\n').split('\n') {
                let strip = line
                    .char_indices()
                    .take_while(|(i, c)| *i < indent && (*c == ' ' || *c == '\t'))
                    .count();
                fenced.push_str(outer);
                fenced.push_str(&line[strip..]);
                fenced.push('\n');
            }
            fenced.push_str(outer);
            fenced.push_str("```");
            if block.ends_with('\n') {
                fenced.push('\n');
            }
            vec![Edit {
                range: line_start..range.end,
                with: fenced,
            }]
        }
    }
}

/// `\[` and `\]` for every bracket in the range.
fn escape_brackets(text: &str, range: Range<usize>) -> Vec<Edit> {
    let mut edits = replace_all(text, range.clone(), '[', "\\[");
    edits.extend(replace_all(text, range, ']', "\\]"));
    edits
}

/// Replaces each `from` in the range that is not already escaped with a backslash.
fn replace_all(text: &str, range: Range<usize>, from: char, with: &str) -> Vec<Edit> {
    let slice = &text[range.clone()];
    slice
        .match_indices(from)
        .map(|(i, _)| range.start + i)
        .filter(|at| !text[..*at].ends_with('\\') || from == '<')
        .map(|at| Edit {
            range: at..at + from.len_utf8(),
            with: with.to_owned(),
        })
        .collect()
}

/// `<url>` around each bare `http://` or `https://` URL in a range of text.
fn bare_urls(text: &str, range: Range<usize>) -> Vec<Edit> {
    let slice = &text[range.clone()];
    let mut edits = Vec::new();
    let mut from = 0;
    while let Some(found) = ["http://", "https://"]
        .iter()
        .filter_map(|scheme| slice[from..].find(scheme).map(|i| from + i))
        .min()
    {
        let rest = &slice[found..];
        let mut end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
            .unwrap_or(rest.len());
        end -= rest[..end].len()
            - rest[..end]
                .trim_end_matches(['.', ',', ':', ';', '!', '?', '\'', ')', ']', '*', '_'])
                .len();
        let start = range.start + found;
        edits.push(Edit {
            range: start..start,
            with: "<".to_owned(),
        });
        edits.push(Edit {
            range: start + end..start + end,
            with: ">".to_owned(),
        });
        from = found + end.max(1);
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_docs_are_unchanged() {
        for text in [
            "Deletes a channel, and with `hard_delete` its messages too.",
            "Help text, such as `[text]`.",
            "A list:\n\n- one\n- *two*\n\nSee [the docs](https://getstream.io/chat/docs/).",
            "Mail <team@example.com> or see <https://example.com/a>.",
            "Between 1 and 64 characters; `Vec<String>` in code.",
        ] {
            assert_eq!(prose(text), text);
        }
    }

    #[test]
    fn code_blocks_become_text() {
        assert_eq!(
            prose("Example:\n\n```\nlet x = 1;\n```"),
            "Example:\n\n```text\nlet x = 1;\n```"
        );
        assert_eq!(prose("```rust,no_run\nfoo()\n```"), "```text\nfoo()\n```");
        assert_eq!(prose("~~~json\n{}\n~~~"), "~~~text\n{}\n~~~");
        // An open fence is closed, so that what follows is not code.
        assert_eq!(prose("```\nx"), "```text\nx\n```");
        assert_eq!(prose("Tab:\n\n\tcode"), "Tab:\n\n```text\ncode\n```");
        assert_eq!(
            prose("Before:\n\n    let x = 1;\n    x\n\nAfter."),
            "Before:\n\n```text\nlet x = 1;\nx\n```\n\nAfter."
        );
    }

    #[test]
    fn links_that_are_not_urls_are_text() {
        assert_eq!(prose("See [NoSuchThing]."), "See \\[NoSuchThing\\].");
        assert_eq!(prose("See [`Foo`]."), "See \\[`Foo`\\].");
        assert_eq!(prose("See [x](Foo::bar)."), "See \\[x\\](Foo::bar).");
        // A footnote reference without its definition is plain text to pulldown-cmark.
        assert_eq!(prose("A note[^1]."), "A note[^1].");
        assert_eq!(
            prose("A note[^1].\n\n[^1]: The note."),
            "A note\\[^1].\n\n\\[^1]: The note."
        );
        assert_eq!(prose("[a][b]"), "\\[a\\]\\[b\\]");
    }

    #[test]
    fn html_and_bare_urls_are_escaped() {
        assert_eq!(prose("A <tag> here."), "A &lt;tag> here.");
        assert_eq!(
            prose("<div>\n[Foo]\n</div>"),
            "&lt;div>\n\\[Foo\\]\n&lt;/div>"
        );
        assert_eq!(prose("<!-- open"), "&lt;!-- open");
        assert_eq!(
            prose("See https://example.com/x, then http://a.io."),
            "See <https://example.com/x>, then <http://a.io>."
        );
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("a.b"), "`a.b`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("two\nlines"), "`two lines`");
        assert_eq!(code("a\tb"), "`a b`");
        assert_eq!(code(""), "`  `");
    }
}
