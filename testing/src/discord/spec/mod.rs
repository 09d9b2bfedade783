//! Discord's own OpenAPI spec (`testing/fixtures/discord/discord-openapi.json`, compiled in),
//! and a small JSON Schema checker for the bot's request bodies (and the fake's answers).
//!
//! It checks what catches real mistakes: `$ref`s resolved; `type` (one or a list);
//! `enum`, `const`; `properties` with `required`, and properties the schema does not know
//! (when it lists `properties` and no `additionalProperties`); `additionalProperties` as a
//! schema; `items`, `minItems`, `maxItems`, `uniqueItems`; `minLength`, `maxLength` (in
//! characters); `minimum`, `maximum`; `maxProperties`; `allOf`. `oneOf` and `anyOf` are
//! handled pragmatically: a value passes if one branch passes; otherwise the branches whose
//! `type` field (the discriminator Discord uses for components and callbacks) cannot match
//! are dropped and the errors of the closest remaining branch are reported.
//!
//! Like Discord's API, it takes a string of digits where an integer is wanted and an integer
//! where a snowflake string is wanted. It does not check `pattern` (there is no regex
//! engine here) except for snowflakes, which must be digits, nor `format`s otherwise.

mod check;

use std::sync::LazyLock;

use serde_json::Value;

/// The spec, parsed once per process.
static DISCORD: LazyLock<OpenApiSpec> = LazyLock::new(|| {
    let text = include_str!("../../../fixtures/discord/discord-openapi.json");
    // Compiled in and checked by the crate's tests: it parses, or nothing can be checked.
    OpenApiSpec::parse(text).expect("the compiled-in Discord OpenAPI spec is JSON")
});

/// An OpenAPI 3.1 document.
#[derive(Debug)]
pub struct OpenApiSpec {
    doc: Value,
}

/// Discord's API v10 spec, from `discord/discord-api-spec` (MIT).
pub fn discord() -> &'static OpenApiSpec {
    &DISCORD
}

impl OpenApiSpec {
    /// Reads a spec from its JSON text.
    pub fn parse(text: &str) -> Result<Self, serde_json::Error> {
        Ok(Self {
            doc: serde_json::from_str(text)?,
        })
    }

    /// The JSON request body schema of `method` (lowercase) on `path` (the spec's template).
    pub fn request_schema(&self, method: &str, path: &str) -> Option<&Value> {
        let operation = &self.doc["paths"][path][method];
        operation["requestBody"]["content"]["application/json"]
            .get("schema")
            .filter(|schema| !schema.is_null())
    }

    /// The JSON schema of the answer with `status`.
    pub fn response_schema(&self, method: &str, path: &str, status: u16) -> Option<&Value> {
        let operation = &self.doc["paths"][path][method];
        operation["responses"][status.to_string()]["content"]["application/json"]
            .get("schema")
            .filter(|schema| !schema.is_null())
    }

    /// Where `value` breaks `schema`, each as `"{json path}: {what}"` (`$` is the root).
    pub fn check(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check_at(schema, value, "$", 0, &mut errors);
        errors
    }
}

/// The spec's method and path for one of the fake's routes (the spec names the token
/// routes' parameters differently).
pub(crate) fn operation_of(route: &str) -> Option<(String, String)> {
    let (method, template) = route.split_once(' ')?;
    let path = template
        .replace(
            "/webhooks/{application_id}/{token}",
            "/webhooks/{webhook_id}/{webhook_token}",
        )
        .replace(
            "{interaction_id}/{token}",
            "{interaction_id}/{interaction_token}",
        );
    Some((method.to_lowercase(), path))
}

/// Where a request body to `route` breaks the spec, each as `"{route}: {json path}: {what}"`.
pub(crate) fn check_request(route: &str, body: &Value) -> Vec<String> {
    let spec = discord();
    let Some((method, path)) = operation_of(route) else {
        return Vec::new();
    };
    let Some(schema) = spec.request_schema(&method, &path) else {
        return Vec::new();
    };
    spec.check(schema, body)
        .into_iter()
        .map(|error| format!("{route}: {error}"))
        .collect()
}

/// Where an answer of `route` with `status` breaks the spec, each as
/// `"{route}: {json path}: {what}"`: for checking that the fake answers what Discord would.
pub fn check_response(route: &str, status: u16, body: &Value) -> Vec<String> {
    let spec = discord();
    let Some((method, path)) = operation_of(route) else {
        return vec![format!("{route}: not a route")];
    };
    let Some(schema) = spec.response_schema(&method, &path, status) else {
        return vec![format!("{route}: the spec has no {status} answer")];
    };
    spec.check(schema, body)
        .into_iter()
        .map(|error| format!("{route}: {error}"))
        .collect()
}
