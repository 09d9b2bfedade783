//! The JSON Schema checker behind [`OpenApiSpec::check`]: what each keyword means, and the
//! pragmatic reading of `oneOf` and `anyOf` described in the parent module.

use serde_json::{Map, Value};

use super::OpenApiSpec;

/// How deep schemas may nest before the checker stops (components nest a few levels).
const MAX_DEPTH: usize = 48;

impl OpenApiSpec {
    fn resolve<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..MAX_DEPTH {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let pointer = reference.trim_start_matches('#');
            schema = self.doc.pointer(pointer).unwrap_or(&Value::Null);
        }
        schema
    }

    pub(super) fn check_at(
        &self,
        schema: &Value,
        value: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = self.resolve(schema);
        let Some(rules) = schema.as_object() else {
            return;
        };
        for part in rules
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check_at(part, value, at, depth + 1, out);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = rules.get(key).and_then(Value::as_array) {
                self.check_union(branches, value, at, depth, out);
            }
        }
        if let Some(types) = rules.get("type")
            && !type_matches(types, value, rules)
        {
            out.push(format!(
                "{at}: expected {}, got {}",
                describe(types),
                kind_of(value)
            ));
            return;
        }
        if let Some(allowed) = rules.get("enum").and_then(Value::as_array)
            && !allowed.iter().any(|choice| same(choice, value))
        {
            out.push(format!(
                "{at}: {value} is not one of {}",
                Value::Array(allowed.clone())
            ));
        }
        if let Some(constant) = rules.get("const")
            && !same(constant, value)
        {
            out.push(format!("{at}: {value} is not {constant}"));
        }
        match value {
            Value::String(text) => check_string(rules, text, at, out),
            Value::Number(_) => check_number(rules, value.as_f64(), at, out),
            Value::Array(items) => self.check_array(rules, items, at, depth, out),
            Value::Object(fields) => self.check_object(rules, fields, at, depth, out),
            Value::Bool(_) | Value::Null => {}
        }
    }

    fn check_union(
        &self,
        branches: &[Value],
        value: &Value,
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        let candidates: Vec<&Value> = branches
            .iter()
            .map(|branch| self.resolve(branch))
            .filter(|branch| self.could_match(branch, value))
            .collect();
        let mut closest: Option<Vec<String>> = None;
        for branch in &candidates {
            let mut errors = Vec::new();
            self.check_at(branch, value, at, depth + 1, &mut errors);
            if errors.is_empty() {
                return;
            }
            if closest
                .as_ref()
                .is_none_or(|best| errors.len() < best.len())
            {
                closest = Some(errors);
            }
        }
        match closest {
            Some(errors) => out.extend(errors),
            None => out.push(format!(
                "{at}: {} matches none of the {} allowed shapes",
                kind_of(value),
                branches.len()
            )),
        }
    }

    /// Whether a union branch is worth trying: its JSON type fits, and so does the value's
    /// `type` field if the branch pins it down.
    fn could_match(&self, branch: &Value, value: &Value) -> bool {
        if let Some(types) = branch.get("type")
            && !type_matches(types, value, branch.as_object().unwrap_or(&Map::new()))
        {
            return false;
        }
        let Some(given) = value.get("type") else {
            return true;
        };
        let pinned = self.resolve(&branch["properties"]["type"]);
        if let Some(allowed) = pinned.get("enum").and_then(Value::as_array) {
            return allowed.iter().any(|choice| same(choice, given));
        }
        pinned
            .get("const")
            .is_none_or(|constant| same(constant, given))
    }

    fn check_array(
        &self,
        rules: &Map<String, Value>,
        items: &[Value],
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        if let Some(max) = rules.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            out.push(format!(
                "{at}: {} items, more than maxItems {max}",
                items.len()
            ));
        }
        if let Some(min) = rules.get("minItems").and_then(Value::as_u64)
            && (items.len() as u64) < min
        {
            out.push(format!(
                "{at}: {} items, fewer than minItems {min}",
                items.len()
            ));
        }
        if rules.get("uniqueItems") == Some(&Value::Bool(true)) {
            let repeated = items
                .iter()
                .enumerate()
                .any(|(i, item)| items[..i].contains(item));
            if repeated {
                out.push(format!("{at}: items repeat, uniqueItems wants each once"));
            }
        }
        if let Some(item_schema) = rules.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.check_at(item_schema, item, &format!("{at}[{i}]"), depth + 1, out);
            }
        }
    }

    fn check_object(
        &self,
        rules: &Map<String, Value>,
        fields: &Map<String, Value>,
        at: &str,
        depth: usize,
        out: &mut Vec<String>,
    ) {
        let properties = rules.get("properties").and_then(Value::as_object);
        for required in rules
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(name) = required.as_str().filter(|name| !fields.contains_key(*name)) {
                out.push(format!("{at}.{name}: required, missing"));
            }
        }
        if let Some(max) = rules.get("maxProperties").and_then(Value::as_u64)
            && fields.len() as u64 > max
        {
            out.push(format!(
                "{at}: {} properties, more than maxProperties {max}",
                fields.len()
            ));
        }
        let extra = rules.get("additionalProperties");
        for (name, field) in fields {
            let path = format!("{at}.{name}");
            match (properties.and_then(|p| p.get(name)), extra) {
                (Some(schema), _) => self.check_at(schema, field, &path, depth + 1, out),
                (None, Some(schema @ Value::Object(_))) => {
                    self.check_at(schema, field, &path, depth + 1, out);
                }
                (None, Some(Value::Bool(false))) => out.push(format!("{path}: unknown property")),
                (None, None) if properties.is_some() => {
                    out.push(format!("{path}: unknown property"));
                }
                (None, _) => {}
            }
        }
    }
}

fn check_string(rules: &Map<String, Value>, text: &str, at: &str, out: &mut Vec<String>) {
    let length = text.chars().count() as u64;
    if let Some(max) = rules.get("maxLength").and_then(Value::as_u64)
        && length > max
    {
        out.push(format!(
            "{at}: {length} characters, more than maxLength {max}"
        ));
    }
    if let Some(min) = rules.get("minLength").and_then(Value::as_u64)
        && length < min
    {
        out.push(format!(
            "{at}: {length} characters, fewer than minLength {min}"
        ));
    }
    let snowflake = rules.get("format").and_then(Value::as_str) == Some("snowflake");
    if snowflake && (text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit())) {
        out.push(format!("{at}: \"{text}\" is not a snowflake"));
    }
    if rules
        .get("type")
        .is_some_and(|t| describe(t).contains("integer"))
    {
        check_number(rules, text.parse::<f64>().ok(), at, out);
    }
}

fn check_number(rules: &Map<String, Value>, number: Option<f64>, at: &str, out: &mut Vec<String>) {
    let Some(number) = number else {
        return;
    };
    if let Some(max) = rules.get("maximum").and_then(Value::as_f64)
        && number > max
    {
        out.push(format!("{at}: {number} is more than maximum {max}"));
    }
    if let Some(min) = rules.get("minimum").and_then(Value::as_f64)
        && number < min
    {
        out.push(format!("{at}: {number} is less than minimum {min}"));
    }
}

/// JSON Schema's `type`, with Discord's coercions: digits for an integer, an integer for a
/// snowflake.
fn type_matches(types: &Value, value: &Value, rules: &Map<String, Value>) -> bool {
    let one = |name: &str| match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => {
            value.is_string()
                || (value.is_u64()
                    && rules.get("format").and_then(Value::as_str) == Some("snowflake"))
        }
        "integer" => is_integer(value) || value.as_str().is_some_and(is_integer_text),
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    match types {
        Value::String(name) => one(name),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

fn is_integer(value: &Value) -> bool {
    value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
}

fn is_integer_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Equal as JSON, or the same integer written as digits.
fn same(expected: &Value, value: &Value) -> bool {
    expected == value
        || value
            .as_str()
            .filter(|text| is_integer_text(text))
            .and_then(|text| text.parse::<i64>().ok())
            .is_some_and(|n| expected.as_i64() == Some(n))
}

fn describe(types: &Value) -> String {
    match types {
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        other => other.as_str().unwrap_or("?").to_owned(),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
