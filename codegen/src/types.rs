//! The type expressions of the spec (`string`, `list<UserResponse>`, `map<json>`, ...).

use std::fmt;

/// A parsed type expression; schema references are still names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    String,
    Bool,
    Int32,
    Int64,
    Float,
    Double,
    DateTime,
    Duration,
    Json,
    Binary,
    List(Box<TypeExpr>),
    Map(Box<TypeExpr>),
    /// A schema name.
    Ref(String),
}

impl TypeExpr {
    /// Parses a type expression; the error says what is wrong.
    pub fn parse(text: &str) -> Result<TypeExpr, String> {
        Self::parse_nested(text, 0)
    }

    /// Nesting deeper than this is surely a mistake, and would exhaust the stack if unbounded.
    const MAX_DEPTH: usize = 16;

    fn parse_nested(text: &str, depth: usize) -> Result<TypeExpr, String> {
        if depth > Self::MAX_DEPTH {
            return Err(format!(
                "the type nests lists and maps more than {} deep",
                Self::MAX_DEPTH
            ));
        }
        let text = text.trim();
        for (prefix, wrap) in [
            ("list<", TypeExpr::List as fn(Box<TypeExpr>) -> TypeExpr),
            ("map<", TypeExpr::Map),
        ] {
            if let Some(rest) = text.strip_prefix(prefix) {
                let inner = rest
                    .strip_suffix('>')
                    .ok_or_else(|| format!("`{text}` is missing its closing `>`"))?;
                return Ok(wrap(Box::new(TypeExpr::parse_nested(inner, depth + 1)?)));
            }
        }
        Ok(match text {
            "string" => TypeExpr::String,
            "bool" => TypeExpr::Bool,
            "int32" => TypeExpr::Int32,
            "int64" => TypeExpr::Int64,
            "float" => TypeExpr::Float,
            "double" => TypeExpr::Double,
            "datetime" => TypeExpr::DateTime,
            "duration" => TypeExpr::Duration,
            "json" => TypeExpr::Json,
            "binary" => TypeExpr::Binary,
            "" => return Err("the type is empty".to_owned()),
            name if is_schema_name(name) => TypeExpr::Ref(name.to_owned()),
            other => {
                return Err(format!(
                    "`{other}` is not a type: use string, bool, int32, int64, float, double, datetime, duration, json, binary, list<T>, map<T> or a schema name"
                ))
            }
        })
    }

    /// The schema names this type refers to.
    pub fn refs(&self) -> Vec<&str> {
        match self {
            TypeExpr::List(inner) | TypeExpr::Map(inner) => inner.refs(),
            TypeExpr::Ref(name) => vec![name.as_str()],
            _ => Vec::new(),
        }
    }

    /// True when the type is or contains `binary` (a file).
    pub fn holds_binary(&self) -> bool {
        match self {
            TypeExpr::Binary => true,
            TypeExpr::List(inner) | TypeExpr::Map(inner) => inner.holds_binary(),
            _ => false,
        }
    }

    /// True for integer and floating-point types.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            TypeExpr::Int32 | TypeExpr::Int64 | TypeExpr::Float | TypeExpr::Double
        )
    }
}

fn is_schema_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::String => f.write_str("string"),
            TypeExpr::Bool => f.write_str("bool"),
            TypeExpr::Int32 => f.write_str("int32"),
            TypeExpr::Int64 => f.write_str("int64"),
            TypeExpr::Float => f.write_str("float"),
            TypeExpr::Double => f.write_str("double"),
            TypeExpr::DateTime => f.write_str("datetime"),
            TypeExpr::Duration => f.write_str("duration"),
            TypeExpr::Json => f.write_str("json"),
            TypeExpr::Binary => f.write_str("binary"),
            TypeExpr::List(inner) => write!(f, "list<{inner}>"),
            TypeExpr::Map(inner) => write!(f, "map<{inner}>"),
            TypeExpr::Ref(name) => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_types() {
        assert_eq!(
            TypeExpr::parse("map<list<string>>").unwrap(),
            TypeExpr::Map(Box::new(TypeExpr::List(Box::new(TypeExpr::String))))
        );
        assert_eq!(
            TypeExpr::parse("UserResponse").unwrap(),
            TypeExpr::Ref("UserResponse".into())
        );
        assert!(TypeExpr::parse("list<string").is_err());
        assert!(TypeExpr::parse("integer").is_err());
        assert_eq!(
            TypeExpr::parse("list<map<json>>").unwrap().to_string(),
            "list<map<json>>"
        );
    }
}
