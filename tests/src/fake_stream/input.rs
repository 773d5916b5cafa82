//! Reading request bodies: typed access to fields by dotted path (`message.text`), each wrong
//! type an input error (code 4) that names the field; custom data split from known keys.

use serde_json::{Map, Value};

use super::error::ApiError;

/// The value at dotted `path` in `body`; absent or `null` is `None`.
fn get<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(body, |value, key| value.get(key))
        .filter(|value| !value.is_null())
}

fn wrong(path: &str, expected: &str) -> ApiError {
    ApiError::field(path, format!("{path} must be {expected}"))
}

/// An optional object.
pub(crate) fn object<'a>(
    body: &'a Value,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    get(body, path)
        .map(|value| value.as_object().ok_or_else(|| wrong(path, "an object")))
        .transpose()
}

/// A required object.
pub(crate) fn required_object<'a>(
    body: &'a Value,
    path: &str,
) -> Result<&'a Map<String, Value>, ApiError> {
    object(body, path)?.ok_or_else(|| ApiError::field(path, format!("{path} is a required field")))
}

/// An optional string.
pub(crate) fn string<'a>(body: &'a Value, path: &str) -> Result<Option<&'a str>, ApiError> {
    get(body, path)
        .map(|value| value.as_str().ok_or_else(|| wrong(path, "a string")))
        .transpose()
}

/// An optional boolean, `false` when absent.
pub(crate) fn flag(body: &Value, path: &str) -> Result<bool, ApiError> {
    get(body, path)
        .map(|value| value.as_bool().ok_or_else(|| wrong(path, "true or false")))
        .transpose()
        .map(Option::unwrap_or_default)
}

/// An optional array.
pub(crate) fn array<'a>(body: &'a Value, path: &str) -> Result<Option<&'a Vec<Value>>, ApiError> {
    get(body, path)
        .map(|value| value.as_array().ok_or_else(|| wrong(path, "an array")))
        .transpose()
}

/// An optional array of strings.
pub(crate) fn strings(body: &Value, path: &str) -> Result<Vec<String>, ApiError> {
    let Some(items) = array(body, path)? else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .map(|item| {
            item.as_str()
                .map(str::to_owned)
                .ok_or_else(|| wrong(path, "an array of strings"))
        })
        .collect()
}

/// An optional count in `0..=max`, `default` when absent.
pub(crate) fn count(
    body: &Value,
    path: &str,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    let Some(value) = get(body, path) else {
        return Ok(default);
    };
    match value.as_u64() {
        Some(n) if n <= max as u64 => Ok(n as usize),
        _ => Err(wrong(path, &format!("a whole number from 0 to {max}"))),
    }
}

/// The keys of `object` that are not in `known`: the custom data.
pub(crate) fn custom(object: &Map<String, Value>, known: &[&str]) -> Map<String, Value> {
    object
        .iter()
        .filter(|(key, _)| !known.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn paths_types_and_errors() {
        let body = json!({"message": {"text": "hi", "n": 3, "flag": "yes"}, "none": null});
        assert_eq!(string(&body, "message.text").unwrap(), Some("hi"));
        assert_eq!(string(&body, "message.missing").unwrap(), None);
        assert_eq!(string(&body, "none").unwrap(), None);
        let error = string(&body, "message.n").unwrap_err();
        assert_eq!(
            (error.code, error.detail.as_str()),
            (4, "message.n must be a string")
        );
        assert!(!flag(&body, "absent").unwrap());
        assert_eq!(flag(&body, "message.flag").unwrap_err().code, 4);
        assert_eq!(count(&body, "message.n", 25, 300).unwrap(), 3);
        assert_eq!(count(&body, "message.n", 25, 2).unwrap_err().code, 4);
        assert_eq!(count(&body, "limit", 25, 300).unwrap(), 25);
        assert_eq!(
            required_object(&body, "data").unwrap_err().detail,
            "data is a required field"
        );
        let known = ["text"];
        let message = object(&body, "message").unwrap().unwrap();
        assert_eq!(
            Value::Object(custom(message, &known)),
            json!({"n": 3, "flag": "yes"})
        );
    }
}
