//! The console's pages: server-rendered HTML that works without JavaScript, every form field with
//! a label, every value escaped. Rendering only; what the pages show is computed in `work`.

use std::fmt::Write;

use serde_json::Value;

use upwork_diag_core::routing::DeskRoute;
use upwork_diag_keycheck::Report;

/// Text made safe for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;line-height:1.45;color:#1a1a1a}\
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}\
label{display:block;font-weight:600;margin-top:.8rem}textarea,input[type=text],input[type=url],input[type=number],select{width:100%;box-sizing:border-box;font:inherit;padding:.3rem}\
textarea{font-family:ui-monospace,monospace}fieldset{margin-top:1rem;border:1px solid #bbb}\
.check{display:flex;gap:.5rem;align-items:center;font-weight:normal}.check input{width:auto}\
button,.button{margin-top:1rem;font:inherit;padding:.4rem 1rem;background:#14532d;color:#fff;border:0;border-radius:4px;text-decoration:none;display:inline-block}\
.verdict{font-size:1.2rem;padding:.6rem;border-left:6px solid #555;background:#f3f3f3}\
.pass{color:#14532d}.reject{color:#991b1b}.review{color:#92400e}\
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}\
.note{color:#444;font-size:.95rem}nav a{margin-right:1rem}";

/// A whole page.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · upwork-diag console</title><style>{STYLE}</style></head>\
         <body><header><nav aria-label=\"Console\"><a href=\"/\">Diagnose a call</a>\
         <a href=\"/keycheck\">Check a key request</a></nav></header>\
         <main>{body}</main></body></html>\n",
        escape(title)
    )
}

/// The home page: paste a call, upload a capture or a bundle.
pub fn home() -> String {
    page(
        "Diagnose a call",
        "<h1>Diagnose an Upwork API call</h1>\
         <p class=\"note\">Nothing you paste or upload is stored or logged. The call is checked \
         offline: it is sent only when you ask, and only to an emulator on this machine.</p>\
         <h2 id=\"paste-heading\">Paste a curl command or a raw HTTP request</h2>\
         <form method=\"post\" action=\"/diagnose\" aria-labelledby=\"paste-heading\">\
         <label for=\"call\">curl command or raw HTTP request</label>\
         <textarea id=\"call\" name=\"call\" rows=\"10\" required \
         placeholder=\"curl -X POST 'https://www.upwork.com/api/...'\"></textarea>\
         <label for=\"username\">Developer's Upwork username (optional)</label>\
         <input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"off\">\
         <fieldset><legend>Send the call</legend>\
         <label class=\"check\" for=\"send\"><input type=\"checkbox\" id=\"send\" name=\"send\" \
         value=\"emulator\">Send it to the emulator named below (otherwise nothing is sent)</label>\
         <label for=\"emulator\">Emulator base URL (on this machine, e.g. http://127.0.0.1:8080)</label>\
         <input type=\"url\" id=\"emulator\" name=\"emulator\"></fieldset>\
         <button type=\"submit\">Diagnose</button></form>\
         <h2 id=\"upload-heading\">Upload a HAR file or a bundle zip</h2>\
         <form method=\"post\" action=\"/upload\" enctype=\"multipart/form-data\" \
         aria-labelledby=\"upload-heading\">\
         <label for=\"file\">HAR file (.har) or support bundle (.zip)</label>\
         <input type=\"file\" id=\"file\" name=\"file\" accept=\".har,.json,.zip\" required>\
         <button type=\"submit\">Diagnose the upload</button></form>",
    )
}

/// An error page: what was wrong with the input, and the way back.
pub fn problem(message: &str) -> String {
    page(
        "Cannot use this input",
        &format!(
            "<h1>Cannot use this input</h1><p role=\"alert\">{}</p><p><a href=\"/\">Back</a></p>",
            escape(message)
        ),
    )
}

/// Downloads offered beside a diagnosis: data URLs, so the server keeps nothing.
pub struct Downloads {
    pub support_zip: Vec<u8>,
    pub public_zip: Vec<u8>,
}

fn data_url(zip: &[u8]) -> String {
    use base64::Engine as _;
    format!(
        "data:application/zip;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(zip)
    )
}

/// The diagnosis of one call, from its bundle.json.
pub fn diagnosis(bundle: &Value, route: &DeskRoute, downloads: &Downloads, source: &str) -> String {
    let mut body = String::new();
    let verdict = &bundle["verdict"];
    let outcome = verdict["outcome"].as_str().unwrap_or("unknown");
    let _ = write!(
        body,
        "<h1>Diagnosis</h1><p class=\"note\">{}</p>\
         <p class=\"verdict\" id=\"verdict\"><strong>Verdict: {}</strong> {}</p>",
        escape(source),
        escape(outcome_label(outcome)),
        escape(verdict["summary"].as_str().unwrap_or(""))
    );
    let request = &bundle["request"];
    let replay = &bundle["replay"];
    let sent_to = match replay["destination"].as_str() {
        Some("emulator") => format!(
            "{}: the upwork-diag emulator, not Upwork",
            replay["sent_origin"].as_str().unwrap_or("")
        ),
        Some("base-url") => format!(
            "{}: a base URL, not Upwork",
            replay["sent_origin"].as_str().unwrap_or("")
        ),
        Some("as-called") => "the URL's own origin".to_string(),
        _ => "nothing was sent (offline check)".to_string(),
    };
    let _ = write!(
        body,
        "<h2>The call</h2><dl><dt>Method and URL, as called</dt><dd><code>{} {}</code></dd>\
         <dt>Sent to</dt><dd id=\"sent-to\">{}</dd>",
        escape(request["method"].as_str().unwrap_or("")),
        escape(request["url"].as_str().unwrap_or("")),
        escape(&sent_to)
    );
    if let Some(response) = bundle["response"].as_object() {
        let _ = write!(
            body,
            "<dt>Answer</dt><dd><code>{} {}</code></dd>",
            response
                .get("status")
                .map(Value::to_string)
                .unwrap_or_default(),
            escape(response.get("reason").and_then(Value::as_str).unwrap_or(""))
        );
    }
    body.push_str("</dl>");

    body.push_str("<h2>Findings</h2>");
    let findings = bundle["findings"].as_array().cloned().unwrap_or_default();
    if findings.is_empty() {
        body.push_str("<p>None.</p>");
    } else {
        body.push_str("<ul id=\"findings\">");
        for f in &findings {
            let _ = write!(
                body,
                "<li><strong><code>{}</code></strong> ({}, {}): {}",
                escape(f["code"].as_str().unwrap_or("")),
                escape(f["severity"].as_str().unwrap_or("")),
                escape(f["evidence_level"].as_str().unwrap_or("")),
                escape(f["title"].as_str().unwrap_or(""))
            );
            if let Some(fix) = f["fix"].as_str().filter(|s| !s.is_empty()) {
                let _ = write!(body, "<br><em>Fix:</em> {}", escape(fix));
            }
            body.push_str("</li>");
        }
        body.push_str("</ul>");
    }
    body.push_str(&routing(route));
    let _ = write!(
        body,
        "<h2>Download</h2><p><a class=\"button\" id=\"download-support\" \
         download=\"upwork-diag-bundle.zip\" href=\"{}\">Support bundle (zip)</a> \
         <a class=\"button\" id=\"download-public\" download=\"upwork-diag-bundle-public.zip\" \
         href=\"{}\">Public version (zip)</a></p>\
         <p class=\"note\">The support bundle keeps the consumer key, token, signature and nonce \
         (support finds the call by them), never the secrets. Attach it to the ticket. The public \
         version masks those and the username too, for Stack Overflow or a GitHub issue.</p>\
         <p><a href=\"/\">Diagnose another call</a></p>",
        data_url(&downloads.support_zip),
        data_url(&downloads.public_zip)
    );
    page("Diagnosis", &body)
}

fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "ok" => "succeeded",
        "explained" => "failed, explained",
        "unexplained" => "failed, unexplained: escalate",
        "no-response" => "no response",
        "inconclusive" => "failed, inconclusive: something is missing",
        _ => "unknown",
    }
}

/// The route: who handles it, each step with its touch response (to copy) and its macro.
fn routing(route: &DeskRoute) -> String {
    let mut out = format!(
        "<h2>Routing</h2><p id=\"handled-by\">Handled by: <strong>{}</strong></p><ol id=\"routing\">",
        escape(route.handled_by)
    );
    for (i, step) in route.steps.iter().enumerate() {
        let _ = write!(
            out,
            "<li><strong>{}</strong>: {}",
            escape(step.team),
            escape(&step.action)
        );
        if let Some(touch) = step.touch_response {
            let _ = write!(
                out,
                "<label for=\"touch-{i}\">Public touch response to send first ({})</label>\
                 <textarea id=\"touch-{i}\" readonly rows=\"3\">{}</textarea>",
                escape(route.touch_response_source),
                escape(touch)
            );
        }
        if let Some(title) = step.macro_title {
            let _ = write!(
                out,
                "<p>Then apply the macro: <strong class=\"macro\">{}</strong></p>",
                escape(title)
            );
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    for quote in &route.runbook {
        let _ = write!(
            out,
            "<blockquote class=\"note\">Runbook: “{}”</blockquote>",
            escape(quote)
        );
    }
    out
}

/// The key request form.
pub fn keycheck_form() -> String {
    let address = |prefix: &str, legend: &str| {
        let mut out = format!("<fieldset><legend>{legend}</legend>");
        for (field, label) in [
            ("street", "Street and house number"),
            ("unit", "Apartment or unit"),
            (
                "building_type",
                "Building type (house, apartment, office ...)",
            ),
            ("city", "City"),
            ("region", "State or region"),
            ("postal_code", "Postal code"),
            ("country", "Country"),
        ] {
            let _ = write!(
                out,
                "<label for=\"{prefix}_{field}\">{label}</label>\
                 <input type=\"text\" id=\"{prefix}_{field}\" name=\"{prefix}_{field}\">"
            );
        }
        out.push_str("</fieldset>");
        out
    };
    let body = format!(
        "<h1>Check an API key request</h1>\
         <p class=\"note\">The seven checkpoints of the Special Projects review, in the runbook's \
         words. Nothing is stored.</p>\
         <form method=\"post\" action=\"/keycheck\">\
         <label for=\"app_title\">Application title</label>\
         <input type=\"text\" id=\"app_title\" name=\"app_title\">\
         <label for=\"description\">Description</label>\
         <textarea id=\"description\" name=\"description\" rows=\"5\"></textarea>\
         <label for=\"intended_use\">Intended use</label>\
         <select id=\"intended_use\" name=\"intended_use\"><option value=\"\">not said</option>\
         <option value=\"internal\">internal</option><option value=\"public\">public</option></select>\
         <label for=\"kc_username\">Upwork username</label>\
         <input type=\"text\" id=\"kc_username\" name=\"username\">\
         {}{}\
         <fieldset><legend>The account</legend>\
         <label class=\"check\" for=\"portrait\"><input type=\"checkbox\" id=\"portrait\" \
         name=\"portrait\" value=\"yes\">The profile has a portrait</label>\
         <label class=\"check\" for=\"suspended\"><input type=\"checkbox\" id=\"suspended\" \
         name=\"suspended\" value=\"yes\">The account is suspended</label>\
         <label for=\"earnings\">Total earnings (US dollars)</label>\
         <input type=\"number\" id=\"earnings\" name=\"earnings\" min=\"0\" step=\"0.01\" required>\
         </fieldset><button type=\"submit\">Run the checkpoints</button></form>",
        address("profile", "Address in the personal profile"),
        address("company", "Company address")
    );
    page("Check a key request", &body)
}

/// The checkpoints' outcome.
pub fn keycheck_result(report: &Report) -> String {
    let mut body = format!(
        "<h1>Key request: {}</h1><p class=\"verdict\" id=\"verdict\"><strong>Verdict: {}</strong></p>\
         <table id=\"checkpoints\"><caption>The seven checkpoints</caption><thead><tr>\
         <th scope=\"col\">Checkpoint</th><th scope=\"col\">Outcome</th><th scope=\"col\">Criterion \
         (the runbook's words)</th><th scope=\"col\">Why, and what to look at</th>\
         <th scope=\"col\">ZD macro title</th></tr></thead><tbody>",
        escape(&report.request),
        escape(report.verdict)
    );
    for c in &report.checkpoints {
        let outcome = c.outcome.as_str();
        let _ = write!(
            body,
            "<tr><th scope=\"row\">{}. {}</th><td class=\"{outcome}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            c.number,
            escape(c.name),
            outcome.to_uppercase(),
            escape(c.criterion.unwrap_or("")),
            escape(c.reason.as_deref().unwrap_or("")),
            escape(c.macro_title.as_deref().unwrap_or(""))
        );
    }
    body.push_str("</tbody></table>");
    if report
        .checkpoints
        .iter()
        .any(|c| c.macro_title.as_deref() == Some(upwork_diag_keycheck::RUNBOOK_MACRO_TITLE))
    {
        body.push_str(
            "<p class=\"note\">The runbook's ZD Macro Title reads “In process” in every row: no \
             macro is assigned yet.</p>",
        );
    }
    body.push_str(&routing(&report.routing));
    body.push_str("<p><a href=\"/keycheck\">Check another request</a></p>");
    page("Key request", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_shown_is_escaped() {
        assert_eq!(
            escape("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
        let html = problem("<b>bad</b>");
        assert!(html.contains("&lt;b&gt;bad&lt;/b&gt;"));
        assert!(!html.contains("<b>bad"));
    }

    #[test]
    fn every_form_field_has_a_label() {
        for html in [home(), keycheck_form()] {
            let mut rest = html.as_str();
            while let Some(at) = rest.find(" id=\"") {
                let id_start = at + 5;
                let id = &rest[id_start..id_start + rest[id_start..].find('"').unwrap()];
                let tag_start = rest[..at].rfind('<').unwrap();
                let tag = &rest[tag_start..at];
                if ["<input", "<textarea", "<select"]
                    .iter()
                    .any(|t| tag.starts_with(t))
                {
                    assert!(html.contains(&format!("for=\"{id}\"")), "no label for {id}");
                }
                rest = &rest[id_start..];
            }
        }
    }
}
