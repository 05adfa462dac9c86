//! `exchange.har`: the exchange as HAR 1.2, readable by browser devtools and HAR viewers, built
//! from the (already redacted) bundle. Our diagnosis rides in `_`-prefixed fields, which HAR
//! readers ignore.

use serde_json::{Value, json};

use super::schema::{BodyRecord, Bundle, ResponseRecord};
use upwork_diag_core::request::Header;

pub fn render(bundle: &Bundle) -> Value {
    let r = &bundle.request;
    // The headers that went on the wire (Host included); offline, the ones that would go.
    let headers = if bundle.replay.headers_on_wire.is_empty() {
        &r.headers
    } else {
        &bundle.replay.headers_on_wire
    };
    let mut entries = vec![entry(
        &r.time,
        &r.method,
        &r.url,
        headers,
        &r.body,
        bundle.response.as_ref(),
        bundle.transport_error.as_ref().map(|e| e.message.as_str()),
    )];
    if let Some(entry) = entries.first_mut() {
        entry["_findings"] = serde_json::to_value(&bundle.findings).unwrap_or(Value::Null);
        entry["_verdict"] = serde_json::to_value(&bundle.verdict).unwrap_or(Value::Null);
        // `request.url` is the URL as called; where it actually went rides beside it.
        entry["_sentTo"] = json!({
            "destination": bundle.replay.destination,
            "calledOrigin": bundle.replay.called_origin,
            "sentOrigin": bundle.replay.sent_origin,
            "url": bundle.replay.sent_to,
            "description": super::destination_text(&bundle.replay),
        });
    }
    if let Some(c) = &bundle.corrected {
        let mut corrected = entry(
            &c.time,
            &c.method,
            &c.url,
            &c.headers,
            &c.body,
            c.response.as_ref(),
            c.transport_error.as_ref().map(|e| e.message.as_str()),
        );
        corrected["_corrected"] = json!({ "changes": c.changes, "succeeded": c.succeeded });
        entries.push(corrected);
    }
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": bundle.tool.name, "version": bundle.tool.version },
            "entries": entries,
            "_schema": bundle.schema,
            "_audience": bundle.audience,
            "_publicNote": bundle.public_note,
        }
    })
}

fn entry(
    time: &str,
    method: &str,
    url: &str,
    headers: &[Header],
    body: &BodyRecord,
    response: Option<&ResponseRecord>,
    error: Option<&str>,
) -> Value {
    let query: Vec<Value> = url
        .split_once('?')
        .map(|(_, q)| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| {
                    let (name, value) = p.split_once('=').unwrap_or((p, ""));
                    json!({ "name": name, "value": value })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut request = json!({
        "method": method,
        "url": url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": header_list(headers),
        "queryString": query,
        "headersSize": -1,
        "bodySize": body.size,
    });
    if body.size > 0 {
        let mime = headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
            .map_or("", |h| h.value.as_str());
        request["postData"] = content_of(body, mime, "text");
    }
    let (response, elapsed) = match response {
        Some(resp) => {
            let mime = resp
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-type"))
                .map_or("", |h| h.value.as_str());
            let mut content = content_of(&resp.body, mime, "text");
            content["size"] = json!(resp.body.size);
            (
                json!({
                    "status": resp.status,
                    "statusText": resp.reason,
                    "httpVersion": resp.version,
                    "cookies": [],
                    "headers": header_list(&resp.headers),
                    "content": content,
                    "redirectURL": "",
                    "headersSize": -1,
                    "bodySize": resp.body.size,
                }),
                resp.elapsed_ms,
            )
        }
        // HAR's convention for "no response": status 0, as browsers write it.
        None => (
            json!({
                "status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
                "content": { "size": 0, "mimeType": "" }, "redirectURL": "", "headersSize": -1,
                "bodySize": -1, "_error": error,
            }),
            0,
        ),
    };
    json!({
        "startedDateTime": time,
        "time": elapsed,
        "request": request,
        "response": response,
        "cache": {},
        "timings": { "send": 0, "wait": elapsed, "receive": 0 },
    })
}

fn header_list(headers: &[Header]) -> Vec<Value> {
    headers
        .iter()
        .map(|h| json!({ "name": h.name, "value": h.value }))
        .collect()
}

/// HAR's body object: `text` for text, `text` + `encoding: base64` for bytes.
fn content_of(body: &BodyRecord, mime: &str, field: &str) -> Value {
    let mut content = json!({ "mimeType": mime });
    match (&body.text, &body.base64) {
        (Some(text), _) => content[field] = json!(text),
        (None, Some(b64)) => {
            content[field] = json!(b64);
            content["encoding"] = json!("base64");
        }
        (None, None) => {}
    }
    if body.truncated {
        content["_truncated"] = json!(true);
        content["_sha256"] = json!(body.sha256);
    }
    content
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: Option<&str>, base64: Option<&str>, size: usize) -> BodyRecord {
        BodyRecord {
            text: text.map(str::to_string),
            base64: base64.map(str::to_string),
            size,
            truncated: false,
            sha256: "00".into(),
        }
    }

    #[test]
    fn an_entry_is_the_request_as_har_writes_it_and_no_answer_as_status_0() {
        let headers = [
            Header::new("Content-Type", "application/x-www-form-urlencoded"),
            Header::new("Content-Length", "3"),
        ];
        let e = entry(
            "2026-11-30T12:00:00Z",
            "POST",
            "https://www.upwork.com/api/x?a=1&&b=&c",
            &headers,
            &body(Some("a=1"), None, 3),
            None,
            Some("connection refused"),
        );
        let request = &e["request"];
        assert_eq!(
            request["queryString"],
            json!([{"name": "a", "value": "1"}, {"name": "b", "value": ""}, {"name": "c", "value": ""}])
        );
        assert_eq!(
            request["headers"],
            json!([
                {"name": "Content-Type", "value": "application/x-www-form-urlencoded"},
                {"name": "Content-Length", "value": "3"}
            ])
        );
        assert_eq!(
            request["postData"],
            json!({"mimeType": "application/x-www-form-urlencoded", "text": "a=1"})
        );
        assert_eq!(e["response"]["status"], 0);
        assert_eq!(e["response"]["_error"], "connection refused");
        // An empty body has no postData; bytes ride as base64.
        let empty = entry(
            "t",
            "GET",
            "https://h/p",
            &[],
            &body(None, None, 0),
            None,
            None,
        );
        assert!(empty["request"].get("postData").is_none());
        assert_eq!(empty["request"]["queryString"], json!([]));
        let bytes = entry(
            "t",
            "POST",
            "https://h/p",
            &[],
            &body(None, Some("AAE="), 2),
            None,
            None,
        );
        assert_eq!(
            bytes["request"]["postData"],
            json!({"mimeType": "", "text": "AAE=", "encoding": "base64"})
        );
        let one_byte = entry(
            "t",
            "POST",
            "https://h/p",
            &[],
            &body(Some("x"), None, 1),
            None,
            None,
        );
        assert_eq!(one_byte["request"]["postData"]["text"], "x");
    }
}
