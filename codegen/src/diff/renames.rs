//! Renames the diff can prove from the wire, not guess from names.
//!
//! - An operation gone from the base and one new in the head with the same method and the same
//!   path pattern (the path with placeholder names blanked) send the same requests: one
//!   operation, renamed. When several share a method and pattern, nothing is paired.
//! - A path whose pattern did not change but whose placeholder names did sends the same URLs:
//!   the placeholders at the same positions are one parameter, renamed (the spec lists path
//!   parameters in path order, so they are also the same positional Rust arguments).
//!
//! Schemas are matched by name only; a reference that moves to another schema of the same
//! JSON shape is recognised where it is compared (`shape.rs`).

use super::compare::Side;

/// `(old name, new name)` of every operation renamed between the two sides.
pub(super) fn operations<'a>(base: &Side<'a>, head: &Side<'a>) -> Vec<(&'a str, &'a str)> {
    // The operations only `from` has, each with its method and path pattern.
    let only_in = |from: &Side<'a>, other: &Side<'a>| -> Vec<(&'a str, (&'a str, String))> {
        from.endpoints
            .iter()
            .filter(|(name, _)| !other.endpoints.contains_key(*name))
            .map(|(name, def)| (*name, (def.method.as_str(), pattern(&def.path))))
            .collect()
    };
    let (gone, new) = (only_in(base, head), only_in(head, base));
    let only = |list: &[(&'a str, (&str, String))], key: &(&str, String)| {
        let mut matching = list.iter().filter(|(_, k)| k == key);
        match (matching.next(), matching.next()) {
            (Some((name, _)), None) => Some(*name),
            _ => None,
        }
    };
    gone.iter()
        .filter_map(|(old, key)| {
            let renamed = only(&new, key)?;
            (only(&gone, key) == Some(*old)).then_some((*old, renamed))
        })
        .collect()
}

/// The placeholders renamed in place, `(old name, new name)` by position: `Some` when the
/// two paths differ at most in placeholder names and every name that differs is new at its
/// position (not a name the other path has elsewhere: `{a}/{b}` to `{b}/{a}` swaps what the
/// segments mean, and is a path change).
pub(super) fn placeholders(before: &str, after: &str) -> Option<Vec<(String, String)>> {
    if pattern(before) != pattern(after) {
        return None;
    }
    let (old_names, new_names) = (names(before), names(after));
    let mut renamed = Vec::new();
    for (old, new) in old_names.iter().zip(&new_names) {
        if old == new {
            continue;
        }
        if new_names.contains(old) || old_names.contains(new) {
            return None;
        }
        renamed.push((old.to_string(), new.to_string()));
    }
    Some(renamed)
}

/// The path with every placeholder's name blanked: `/channels/{}/{}`.
fn pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push(c);
            }
            '}' => {
                in_braces = false;
                out.push(c);
            }
            _ if in_braces => {}
            _ => out.push(c),
        }
    }
    out
}

/// The placeholder names of a path, in order.
fn names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_pair_by_position_when_only_names_differ() {
        let pairs = |before, after| placeholders(before, after);
        let renamed = |old: &str, new: &str| (old.to_owned(), new.to_owned());
        assert_eq!(
            pairs("/channels/{type}/{id}", "/channels/{type}/{channel_id}"),
            Some(vec![renamed("id", "channel_id")])
        );
        assert_eq!(pairs("/users/{id}", "/users/{id}"), Some(vec![]));
        // Swapped names change what each segment means.
        assert_eq!(pairs("/a/{x}/b/{y}", "/a/{y}/b/{x}"), None);
        assert_eq!(pairs("/a/{x}/{y}", "/a/{y}/{z}"), None);
        assert_eq!(pairs("/channels/{id}", "/channel/{id}"), None);
        assert_eq!(pairs("/channels/{type}/{id}", "/channels/{id}"), None);
    }
}
