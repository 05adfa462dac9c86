//! Connections: our own accept loop and HTTP/1.1 connection loop. Each request head is read off
//! the raw socket (the journal and the signature check need it exactly as sent; the fault modes
//! need the socket), its body framed by [`body`](super::body), and the answer written back.
//!
//! A connection carries requests one after another (keep-alive) and takes them pipelined (the
//! bytes past one request are the start of the next), until the client asks to close
//! (`Connection: close`, or HTTP/1.0 without `keep-alive`), a body cannot be framed (411 and the
//! other refusals of a body: its end is unknown), a fault mode is served, the emulator shuts down,
//! or no whole head arrives within the head timeout, which counts from the end of the previous
//! answer: an idle connection and a slowloris client are closed alike.

use std::cell::RefCell;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use super::app;
use super::body;
use super::fault::{self, Fault};
use super::head::{HeadRead, RawHead, read_head};
use super::state::Shared;

/// Accepts until shutdown; each connection gets its own task.
pub(crate) async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut stop = shared.stop.clone();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stopped| *stopped) => return,
        };
        match accepted {
            Ok((stream, peer)) => {
                // Answers are written whole: Nagle's delay would only hold the last segment back.
                let _ = stream.set_nodelay(true);
                let shared = Arc::clone(&shared);
                let task_guard = shared.task_guard();
                tokio::spawn(async move {
                    serve_connection(stream, peer, shared).await;
                    drop(task_guard);
                });
            }
            Err(error) => {
                // Out of file descriptors and the like: wait a little instead of spinning.
                shared.log(&format!("accept failed: {error}"));
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
}

/// Serves the requests of one connection, in order, until it must close.
async fn serve_connection(mut stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let limits = &shared.config.limits;
    let mut stop = shared.stop.clone();
    // Bytes read past the current request: the next ones, when the client pipelines.
    let mut buf = Vec::with_capacity(8192);
    let mut out = Vec::with_capacity(8192);
    loop {
        let read = tokio::select! {
            read = read_head(&mut stream, &mut buf, limits.max_head_bytes, limits.head_timeout) => read,
            _ = stop.wait_for(|stopped| *stopped) => return,
        };
        let (head, head_len) = match read {
            HeadRead::Complete(head, len) => (head, len),
            HeadRead::TooLarge => {
                let answer = fault::plain(431, "Request Header Fields Too Large");
                fault::answer_and_close(stream, &answer).await;
                return;
            }
            HeadRead::Malformed => {
                fault::answer_and_close(stream, &fault::plain(400, "Bad Request")).await;
                return;
            }
            HeadRead::Gone => return,
        };
        match Fault::requested(&head) {
            None => {}
            Some(Ok(fault)) => {
                shared.record_raw(&head, fault.status(), Some(fault.name()));
                fault::serve(stream, fault, &head.method, &head.target, &shared).await;
                return;
            }
            Some(Err(unknown)) => {
                let body = format!(
                    "unknown fault mode '{unknown}'; known: {}\n",
                    Fault::NAMES.join(", ")
                );
                shared.record_raw(&head, Some(400), None);
                let answer = fault::response(400, "Bad Request", &[], "text/plain", &body);
                fault::answer_and_close(stream, &answer).await;
                return;
            }
        }
        buf.drain(..head_len);
        let body = match body::framing(&head, shared.config.accept_chunked, limits.max_body_bytes) {
            Ok(framing) => {
                body::read(
                    &mut stream,
                    &mut buf,
                    &head,
                    framing,
                    limits.max_body_bytes,
                    limits.body_timeout,
                    &mut stop,
                )
                .await
            }
            Err(refused) => Err(refused),
        };
        // A body refused was not read to its end: what follows cannot be told apart from it.
        let framed = body.is_ok();
        let response = app::handle(&shared, peer.ip(), &head, body);
        let keep = framed && head.keeps_alive() && !*shared.stop.borrow();
        out.clear();
        if encode(response, &head, keep, &mut out).await.is_err() {
            return;
        }
        if !keep {
            fault::answer_and_close(stream, &out).await;
            return;
        }
        // A client that stops reading its answers would otherwise hold the task for ever.
        let write = tokio::time::timeout(limits.body_timeout, stream.write_all(&out));
        if !matches!(write.await, Ok(Ok(()))) {
            return;
        }
    }
}

/// Writes `response` as HTTP/1.1 bytes into `out`: status line, its headers, `content-length`,
/// `date`, and `connection: close` when the connection ends after it (`keep-alive` to an HTTP/1.0
/// client that asked to keep it). A `HEAD` gets the headers only.
async fn encode(
    response: Response,
    head: &RawHead,
    keep: bool,
    out: &mut Vec<u8>,
) -> Result<(), axum::Error> {
    let (parts, body) = response.into_parts();
    // Every answer of the emulator is built whole in memory: this never waits.
    let body = axum::body::to_bytes(body, usize::MAX).await?;
    let status = parts.status;
    out.extend_from_slice(b"HTTP/1.1 ");
    out.extend_from_slice(status.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    out.extend_from_slice(b"\r\n");
    for (name, value) in &parts.headers {
        if name == header::CONTENT_LENGTH
            || name == header::CONNECTION
            || name == header::TRANSFER_ENCODING
        {
            continue;
        }
        put_header(out, name.as_str(), value);
    }
    let bodiless = status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    if !bodiless {
        out.extend_from_slice(b"content-length: ");
        out.extend_from_slice(body.len().to_string().as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if !keep {
        out.extend_from_slice(b"connection: close\r\n");
    } else if head.http10 {
        out.extend_from_slice(b"connection: keep-alive\r\n");
    }
    out.extend_from_slice(b"date: ");
    http_date(|date| out.extend_from_slice(date.as_bytes()));
    out.extend_from_slice(b"\r\n\r\n");
    if !bodiless && !head.method.eq_ignore_ascii_case("HEAD") {
        out.extend_from_slice(&body);
    }
    Ok(())
}

fn put_header(out: &mut Vec<u8>, name: &str, value: &HeaderValue) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b": ");
    out.extend_from_slice(value.as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// The current time as an HTTP date, formatted once a second per thread.
fn http_date(with: impl FnOnce(&str)) {
    thread_local! {
        static CACHED: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) };
    }
    let now = chrono::Utc::now();
    CACHED.with(|cached| {
        let mut cached = cached.borrow_mut();
        if cached.0 != now.timestamp() {
            *cached = (
                now.timestamp(),
                now.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
            );
        }
        with(&cached.1);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::head;
    use axum::response::IntoResponse;

    fn written(response: Response, head: &RawHead, keep: bool) -> String {
        let mut out = Vec::new();
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(encode(response, head, keep, &mut out))
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The bytes with the `date` line taken out, and that line.
    fn without_date(text: &str) -> (String, String) {
        let start = text.find("date: ").unwrap();
        let end = start + text[start..].find("\r\n").unwrap() + 2;
        (
            format!("{}{}", &text[..start], &text[end..]),
            text[start..end].to_string(),
        )
    }

    #[test]
    fn an_answer_is_written_with_its_length_and_whether_the_connection_stays() {
        let response = || {
            (
                StatusCode::CREATED,
                [
                    ("x-a", "1"),
                    ("connection", "upgrade"),
                    ("transfer-encoding", "chunked"),
                ],
                "hello",
            )
                .into_response()
        };
        let get = head("GET", "/", &[]);
        let (text, date) = without_date(&written(response(), &get, true));
        assert_eq!(
            text,
            "HTTP/1.1 201 Created\r\ncontent-type: text/plain; charset=utf-8\r\nx-a: 1\r\ncontent-length: 5\r\n\r\nhello"
        );
        assert!(
            date.ends_with(" GMT\r\n")
                && date.len() == "date: Mon, 30 Nov 2026 13:12:09 GMT\r\n".len(),
            "{date}"
        );
        let (text, _) = without_date(&written(response(), &get, false));
        assert!(
            text.ends_with("content-length: 5\r\nconnection: close\r\n\r\nhello"),
            "{text}"
        );
        let mut old = head("GET", "/", &[]);
        old.http10 = true;
        let (text, _) = without_date(&written(response(), &old, true));
        assert!(
            text.ends_with("content-length: 5\r\nconnection: keep-alive\r\n\r\nhello"),
            "{text}"
        );
        let (text, _) = without_date(&written(response(), &head("HEAD", "/", &[]), true));
        assert!(text.ends_with("content-length: 5\r\n\r\n"), "{text}");
        for bodiless in [
            StatusCode::NO_CONTENT,
            StatusCode::NOT_MODIFIED,
            StatusCode::CONTINUE,
        ] {
            let (text, _) = without_date(&written((bodiless, "x").into_response(), &get, true));
            assert!(!text.contains("content-length"), "{text}");
            assert!(text.ends_with("\r\n\r\n"), "{text}");
        }
    }

    #[test]
    fn the_date_is_the_current_second_in_http_s_format() {
        let before = chrono::Utc::now().timestamp();
        let mut date = String::new();
        http_date(|d| date = d.to_string());
        let after = chrono::Utc::now().timestamp();
        let read = chrono::NaiveDateTime::parse_from_str(&date, "%a, %d %b %Y %H:%M:%S GMT")
            .unwrap()
            .and_utc()
            .timestamp();
        assert!(before <= read && read <= after, "{date}");
    }
}
