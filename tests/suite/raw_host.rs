//! A raw request's `Host` header cannot move the replay somewhere else than it names, and a bare
//! carriage return in a header line is refused as it is for `-H`.

use std::net::TcpListener;
use std::time::Duration;

use crate::common::upwork_diag;

#[test]
fn a_host_header_that_would_send_elsewhere_is_bad_input_and_nothing_is_sent() {
    // The "elsewhere" is a local listener that notes any connection.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let elsewhere = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("call.http");
    std::fs::write(
        &raw,
        format!(
            "GET /api/auth/v1/info.json HTTP/1.1\r\nAccept: */*\r\nHost: {elsewhere}/@www.upwork.com\r\n\r\n"
        ),
    )
    .unwrap();
    let output = upwork_diag()
        .args(["diagnose", "--no-bundle", "--timeout", "3", "--raw"])
        .arg(&raw)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("call.http:3:1: the Host header is not a host[:port]: it holds '/'"),
        "{stderr}"
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(listener.accept().is_err(), "the call was sent elsewhere");
}

#[test]
fn a_bare_carriage_return_in_a_header_is_bad_input_without_quoting_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("call.http");
    std::fs::write(
        &raw,
        "GET /api/auth/v1/info.json HTTP/1.1\r\nHost: www.upwork.com\r\nX-Token: s3cr3t\rInjected: yes\r\n\r\n",
    )
    .unwrap();
    let output = upwork_diag()
        .args(["diagnose", "--offline", "--no-bundle", "--raw"])
        .arg(&raw)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("call.http:3:16: a carriage return inside a header line"),
        "{stderr}"
    );
    assert!(!stderr.contains("s3cr3t"), "{stderr}");
}
