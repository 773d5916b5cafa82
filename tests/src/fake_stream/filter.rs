//! The part of Stream's query filters and sorts that the fake evaluates, for QueryChannels and
//! QueryUsers.
//!
//! A filter is a JSON object of conditions, all of which must hold: `$and`, `$or`, `$nor` over
//! lists of filters, and `field: value` (equality) or `field: {operator: operand}` with `$eq`,
//! `$ne`, `$in`, `$nin`, `$exists`, `$gt`, `$gte`, `$lt`, `$lte`, `$contains`. A field is read
//! from the object's JSON as the API returns it (custom data included); the caller answers
//! fields the JSON does not show (a channel's `members`). Any other operator is an input error
//! that says the fake does not support it, never a silent match. A sort is a list of
//! `{field, direction}` (1 ascending, -1 descending) over the same JSON.

use std::cmp::Ordering;

use serde_json::Value;

use super::error::ApiError;

/// Answers a field the object's JSON does not show: `Some` when the caller handles `field`.
pub(crate) type Special<'a> = &'a dyn Fn(&str, &Value) -> Option<Result<bool, ApiError>>;

/// Whether `object` satisfies `filter`.
pub(crate) fn matches(
    filter: &Value,
    object: &Value,
    special: Special<'_>,
) -> Result<bool, ApiError> {
    let Value::Object(conditions) = filter else {
        return Err(ApiError::field(
            "filter_conditions",
            "a filter must be a JSON object",
        ));
    };
    for (field, condition) in conditions {
        let holds = match field.as_str() {
            "$and" => count_matching(condition, object, special)? == filters(condition)?.len(),
            "$or" => count_matching(condition, object, special)? > 0,
            "$nor" => count_matching(condition, object, special)? == 0,
            _ => match special(field, condition) {
                Some(result) => result?,
                None => compare(field, object.get(field).unwrap_or(&Value::Null), condition)?,
            },
        };
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

fn filters(list: &Value) -> Result<&Vec<Value>, ApiError> {
    list.as_array().ok_or_else(|| {
        ApiError::field(
            "filter_conditions",
            "$and, $or and $nor take a list of filters",
        )
    })
}

fn count_matching(list: &Value, object: &Value, special: Special<'_>) -> Result<usize, ApiError> {
    let mut count = 0;
    for filter in filters(list)? {
        count += usize::from(matches(filter, object, special)?);
    }
    Ok(count)
}

/// `value` (the field's JSON) against `condition` (a value, or an object of operators).
fn compare(field: &str, value: &Value, condition: &Value) -> Result<bool, ApiError> {
    let operators = match condition {
        Value::Object(operators) if operators.keys().all(|key| key.starts_with('$')) => operators,
        _ => return Ok(equal(value, condition)),
    };
    for (operator, operand) in operators {
        let list = || {
            operand.as_array().ok_or_else(|| {
                ApiError::field(
                    "filter_conditions",
                    format!("{operator} on {field} takes a list"),
                )
            })
        };
        let order = ordering(value, operand);
        let holds = match operator.as_str() {
            "$eq" => equal(value, operand),
            "$ne" => !equal(value, operand),
            "$in" => list()?.iter().any(|item| equal(value, item)),
            "$nin" => !list()?.iter().any(|item| equal(value, item)),
            "$exists" => operand.as_bool() == Some(!value.is_null()),
            "$gt" => order == Some(Ordering::Greater),
            "$gte" => matches!(order, Some(Ordering::Greater | Ordering::Equal)),
            "$lt" => order == Some(Ordering::Less),
            "$lte" => matches!(order, Some(Ordering::Less | Ordering::Equal)),
            "$contains" => value
                .as_array()
                .is_some_and(|items| items.contains(operand)),
            other => {
                return Err(ApiError::field(
                    "filter_conditions",
                    format!(
                        "operator {other} on {field} is not supported by the fake Stream server"
                    ),
                ))
            }
        };
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Equality as filters mean it: numbers by value, and a list field holds a scalar operand when
/// it contains it (`teams: "blue"`).
fn equal(value: &Value, operand: &Value) -> bool {
    match (value, operand) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(items), operand) if !operand.is_array() => items.contains(operand),
        _ => value == operand,
    }
}

/// The order of two numbers or two strings (RFC 3339 times of one format sort as text).
fn ordering(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// A parsed sort: fields with direction (true: ascending).
pub(crate) fn sort_fields(sort: Option<&Vec<Value>>) -> Result<Vec<(String, bool)>, ApiError> {
    let Some(sort) = sort else {
        return Ok(Vec::new());
    };
    sort.iter()
        .map(|entry| {
            let field = entry.get("field").and_then(Value::as_str);
            let direction = entry.get("direction").and_then(Value::as_i64).unwrap_or(1);
            match (field, direction) {
                (Some(field), 1 | -1) => Ok((field.to_owned(), direction == 1)),
                _ => Err(ApiError::field(
                    "sort",
                    "each sort entry is {\"field\": name, \"direction\": 1 or -1}",
                )),
            }
        })
        .collect()
}

/// Compares two objects' JSON by the sort fields; absent fields sort first.
pub(crate) fn compare_by(fields: &[(String, bool)], a: &Value, b: &Value) -> Ordering {
    fields
        .iter()
        .map(|(field, ascending)| {
            let (x, y) = (
                a.get(field).unwrap_or(&Value::Null),
                b.get(field).unwrap_or(&Value::Null),
            );
            let order = ordering(x, y).unwrap_or_else(|| rank(x).cmp(&rank(y)));
            if *ascending {
                order
            } else {
                order.reverse()
            }
        })
        .find(|order| order.is_ne())
        .unwrap_or(Ordering::Equal)
}

fn rank(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) | Value::Object(_) => 4,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(filter: Value, object: Value) -> Result<bool, ApiError> {
        matches(&filter, &object, &|_, _| None)
    }

    #[test]
    fn operators() {
        let user = json!({"id": "jack", "age": 30, "teams": ["blue"], "name": "Jack"});
        for (filter, expected) in [
            (json!({}), true),
            (json!({"id": "jack"}), true),
            (json!({"id": {"$eq": "jill"}}), false),
            (json!({"id": {"$in": ["jill", "jack"]}}), true),
            (json!({"id": {"$nin": ["jack"]}}), false),
            (json!({"age": {"$gte": 30, "$lt": 31.0}}), true),
            (json!({"age": {"$gt": 30}}), false),
            (json!({"teams": "blue"}), true),
            (json!({"teams": {"$contains": "red"}}), false),
            (json!({"image": {"$exists": false}}), true),
            (json!({"$or": [{"id": "jill"}, {"name": "Jack"}]}), true),
            (json!({"$and": [{"id": "jack"}, {"name": "Jill"}]}), false),
            (json!({"$nor": [{"id": "jill"}]}), true),
        ] {
            assert_eq!(
                check(filter.clone(), user.clone()).unwrap(),
                expected,
                "{filter}"
            );
        }
        let error = check(json!({"name": {"$autocomplete": "ja"}}), user.clone()).unwrap_err();
        assert_eq!(error.code, 4);
        assert!(error.detail.contains("$autocomplete"), "{}", error.detail);
        assert_eq!(check(json!([]), user).unwrap_err().code, 4);
    }

    #[test]
    fn special_fields_are_asked_first() {
        let members = |field: &str, condition: &Value| {
            (field == "members").then(|| Ok(condition == &json!({"$in": ["jack"]})))
        };
        let filter = json!({"members": {"$in": ["jack"]}, "type": "messaging"});
        assert!(matches(&filter, &json!({"type": "messaging"}), &members).unwrap());
    }

    #[test]
    fn sorts() {
        let fields = sort_fields(Some(&vec![json!({"field": "n", "direction": -1})])).unwrap();
        let mut items = [json!({"n": 1}), json!({}), json!({"n": 3})];
        items.sort_by(|a, b| compare_by(&fields, a, b));
        assert_eq!(items, [json!({"n": 3}), json!({"n": 1}), json!({})]);
        assert!(sort_fields(Some(&vec![json!({"field": "n", "direction": 2})])).is_err());
    }
}
