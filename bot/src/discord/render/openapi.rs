//! Test support: checks JSON against the request schemas of Discord's OpenAPI spec (the
//! subset copied into `tests/fixtures/discord/discord-openapi.subset.json`).
//!
//! A small JSON Schema checker for the keywords that subset uses. It is stricter than the
//! spec in one way, on purpose: an object with `properties` and no `additionalProperties`
//! is closed, so a misspelt property name is caught rather than ignored. A keyword it does
//! not know fails the check, so no rule is skipped quietly. Only `format` (a hint), `title`
//! and `description` are not checked, and of `pattern` only the snowflake one is known.
//! Discord's `x-discord-union: oneOf` beside an `anyOf` is honoured: exactly one must match.

use serde_json::Value;

const SPEC: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/discord/discord-openapi.subset.json"
));

/// The keywords about an object's properties, checked together.
const OBJECT_KEYWORDS: [&str; 3] = ["properties", "required", "additionalProperties"];

/// The one `pattern` in the subset: a snowflake id.
const SNOWFLAKE_PATTERN: &str = "^(0|[1-9][0-9]*)$";

/// Discord's spec, for checking request bodies.
pub(crate) struct Spec {
    doc: Value,
}

impl Spec {
    /// The spec subset from the fixtures.
    pub(crate) fn load() -> Self {
        Self {
            doc: serde_json::from_str(SPEC).expect("the spec subset is JSON"),
        }
    }

    /// Every way `body` breaks the JSON request schema of `method path`; empty if none.
    pub(crate) fn request_problems(&self, method: &str, path: &str, body: &Value) -> Vec<String> {
        let schema = &self.doc["paths"][path][method]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert!(schema.is_object(), "no request schema for {method} {path}");
        let mut problems = Vec::new();
        self.check(schema, body, "$", &mut problems);
        problems
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
                let target = &self.doc["components"]["schemas"][name];
                assert!(target.is_object(), "dangling $ref {reference}");
                self.resolve(target)
            }
            None => schema,
        }
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
        let schema = self.resolve(schema);
        let Some(rules) = schema.as_object() else {
            panic!("a schema at {at} is not an object: {schema}");
        };
        if OBJECT_KEYWORDS
            .iter()
            .any(|keyword| rules.contains_key(*keyword))
        {
            self.check_object(rules, value, at, problems);
        }
        for (keyword, rule) in rules {
            let found = match keyword.as_str() {
                "type" => {
                    let types: Vec<&str> = match rule {
                        Value::String(one) => vec![one.as_str()],
                        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
                        _ => panic!("unsupported type {rule}"),
                    };
                    (!types.iter().any(|kind| has_type(value, kind)))
                        .then(|| format!("{value} is not of type {rule}"))
                }
                "enum" => (!rule
                    .as_array()
                    .is_some_and(|allowed| allowed.contains(value)))
                .then(|| format!("{value} is not one of {rule}")),
                "const" => (rule != value).then(|| format!("{value} is not {rule}")),
                "minLength" | "maxLength" => value.as_str().and_then(|text| {
                    let (length, limit) = (text.chars().count(), as_usize(rule));
                    let broken = if keyword == "minLength" {
                        length < limit
                    } else {
                        length > limit
                    };
                    broken.then(|| format!("{length} characters break {keyword} {limit}"))
                }),
                "minItems" | "maxItems" | "uniqueItems" => value.as_array().and_then(|items| {
                    let broken = match keyword.as_str() {
                        "minItems" => items.len() < as_usize(rule),
                        "maxItems" => items.len() > as_usize(rule),
                        _ => {
                            *rule == true
                                && items
                                    .iter()
                                    .enumerate()
                                    .any(|(n, item)| items[..n].contains(item))
                        }
                    };
                    broken.then(|| format!("{} items break {keyword} {rule}", items.len()))
                }),
                "maxProperties" => value
                    .as_object()
                    .filter(|object| object.len() > as_usize(rule))
                    .map(|object| {
                        format!("{} properties break maxProperties {rule}", object.len())
                    }),
                "minimum" | "maximum" => {
                    value
                        .as_f64()
                        .zip(rule.as_f64())
                        .and_then(|(number, limit)| {
                            let broken = if keyword == "minimum" {
                                number < limit
                            } else {
                                number > limit
                            };
                            broken.then(|| format!("{number} breaks {keyword} {limit}"))
                        })
                }
                "pattern" => {
                    assert_eq!(rule, SNOWFLAKE_PATTERN, "unsupported pattern");
                    value
                        .as_str()
                        .filter(|text| !is_snowflake(text))
                        .map(|text| format!("{text:?} is not a snowflake"))
                }
                "items" => {
                    for (n, item) in value.as_array().into_iter().flatten().enumerate() {
                        self.check(rule, item, &format!("{at}[{n}]"), problems);
                    }
                    None
                }
                "allOf" => {
                    for part in rule.as_array().into_iter().flatten() {
                        self.check(part, value, at, problems);
                    }
                    None
                }
                // Discord marks an `anyOf` whose alternatives exclude each other.
                "anyOf" if rules.get("x-discord-union") == Some(&Value::from("oneOf")) => {
                    self.check_alternatives("oneOf", rule, value)
                }
                "oneOf" | "anyOf" => self.check_alternatives(keyword, rule, value),
                "properties"
                | "required"
                | "additionalProperties"
                | "$ref"
                | "format"
                | "title"
                | "description"
                | "x-discord-union" => None,
                other => panic!("unsupported keyword {other} at {at}"),
            };
            if let Some(text) = found {
                problems.push(format!("{at}: {text}"));
            }
        }
    }

    /// `properties`, `required` and `additionalProperties` together.
    fn check_object(
        &self,
        rules: &serde_json::Map<String, Value>,
        value: &Value,
        at: &str,
        problems: &mut Vec<String>,
    ) {
        let Some(object) = value.as_object() else {
            return;
        };
        let properties = rules.get("properties").and_then(Value::as_object);
        for name in rules
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(name) {
                problems.push(format!("{at}: missing required property {name}"));
            }
        }
        for (name, property) in object {
            let inner = format!("{at}.{name}");
            match (
                properties.and_then(|known| known.get(name)),
                rules.get("additionalProperties"),
            ) {
                (Some(schema), _) => self.check(schema, property, &inner, problems),
                (None, Some(Value::Bool(true))) => {}
                (None, Some(schema)) if schema.is_object() => {
                    self.check(schema, property, &inner, problems);
                }
                (None, _) => problems.push(format!("{inner}: no such property")),
            }
        }
    }

    /// `oneOf` (exactly one alternative matches) or `anyOf` (at least one does).
    fn check_alternatives(&self, keyword: &str, rule: &Value, value: &Value) -> Option<String> {
        let outcomes: Vec<Vec<String>> = rule
            .as_array()
            .into_iter()
            .flatten()
            .map(|alternative| {
                let mut found = Vec::new();
                self.check(alternative, value, "", &mut found);
                found
            })
            .collect();
        let passed = outcomes.iter().filter(|found| found.is_empty()).count();
        let fine = if keyword == "oneOf" {
            passed == 1
        } else {
            passed >= 1
        };
        (!fine).then(|| {
            let closest = outcomes
                .iter()
                .min_by_key(|found| found.len())
                .map(|found| found.join("; "))
                .unwrap_or_default();
            format!(
                "{passed} of {} {keyword} alternatives match; the closest fails with [{closest}]",
                outcomes.len()
            )
        })
    }
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        other => panic!("unsupported type {other}"),
    }
}

fn as_usize(rule: &Value) -> usize {
    rule.as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or_else(|| panic!("not a count: {rule}"))
}

fn is_snowflake(text: &str) -> bool {
    text == "0"
        || (!text.starts_with('0') && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
}
