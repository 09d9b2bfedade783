//! Discord's limits on a message, refused with 400 code 50035 and the field in `errors`
//! (or 50006 for an empty message), before anything is stored.

use serde_json::{Value, json};

use super::{ANA, Api, fake_with_people};

fn button(custom_id: &str, label: &str) -> Value {
    json!({"type": 2, "style": 1, "label": label, "custom_id": custom_id})
}

fn row(buttons: &[Value]) -> Value {
    json!({"type": 1, "components": buttons})
}

fn rows(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| row(&[button(&format!("b{i}"), "Go")]))
        .collect()
}

#[tokio::test]
async fn bodies_over_discords_limits_are_form_errors_naming_the_field() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = api.open_dm(ANA).await;
    let six_buttons: Vec<Value> = (0..6).map(|i| button(&format!("b{i}"), "Go")).collect();
    let cases = [
        (
            json!({"content": "x".repeat(2001)}),
            json!({"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}),
        ),
        (
            json!({"content": "six rows", "components": rows(6)}),
            json!({"components": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 5 or fewer in length."}]}}),
        ),
        (
            json!({"components": [row(&six_buttons)]}),
            json!({"components": {"0": {"components": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 5 or fewer in length."}]}}}}),
        ),
        (
            json!({"components": [row(&[button(&"c".repeat(101), "Go")])]}),
            json!({"components": {"0": {"components": {"0": {"custom_id": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 100 or fewer in length."}]}}}}}}),
        ),
        (
            json!({"components": [row(&[button("ok", &"l".repeat(81))])]}),
            json!({"components": {"0": {"components": {"0": {"label": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 80 or fewer in length."}]}}}}}}),
        ),
    ];

    for (body, errors) in cases {
        let answer = api.send_message(&dm, &body).await;
        assert_eq!(answer.status, 400, "{body}");
        assert_eq!(
            answer.body,
            json!({"code": 50035, "message": "Invalid Form Body", "errors": errors})
        );
    }
    assert!(
        fake.messages_to(ANA).is_empty(),
        "nothing refused is stored"
    );
}

#[tokio::test]
async fn limits_count_characters_and_the_edges_pass() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = api.open_dm(ANA).await;
    let five_buttons: Vec<Value> = (0..5)
        .map(|i| button(&format!("{i}{}", "c".repeat(99)), &"l".repeat(80)))
        .collect();

    let content = api
        .send_message(&dm, &json!({"content": "é".repeat(2000)}))
        .await;
    let components = api
        .send_message(&dm, &json!({"components": [row(&five_buttons)]}))
        .await;
    let five_rows = api.send_message(&dm, &json!({"components": rows(5)})).await;

    assert_eq!(content.status, 200, "2000 characters (4000 bytes) is fine");
    assert_eq!(components.status, 200, "{components:?}");
    assert_eq!(five_rows.status, 200);
    assert_eq!(fake.messages_to(ANA).len(), 3);
}

#[tokio::test]
async fn an_empty_message_and_duplicate_custom_ids_are_refused() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = api.open_dm(ANA).await;

    let empty = api
        .send_message(&dm, &json!({"content": "", "components": []}))
        .await;
    let duplicated = api
        .send_message(
            &dm,
            &json!({"components": [row(&[button("same", "A"), button("same", "B")])]}),
        )
        .await;

    assert_eq!(empty.status, 400);
    assert_eq!(
        empty.body,
        json!({"message": "Cannot send an empty message", "code": 50006})
    );
    assert_eq!(duplicated.status, 400);
    assert_eq!(
        duplicated.body["errors"]["components"]["0"]["components"]["1"]["custom_id"]["_errors"][0]
            ["code"],
        "COMPONENT_CUSTOM_ID_DUPLICATED"
    );
    assert!(fake.messages_to(ANA).is_empty());
}
