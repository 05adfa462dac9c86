//! `upwork-diag serve` as a child process on a loopback port, and a plain HTTP/1.1 client for it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The console, running until dropped.
pub struct Console {
    pub base_url: String,
    /// The lines it printed at start-up after the first.
    pub banner: Vec<String>,
    child: Child,
}

impl Console {
    pub fn start(args: &[&str]) -> Console {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("upwork-diag"))
            .arg("serve")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let base_url = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("first line: {first}"))
            .to_string();
        let banner = lines.by_ref().take(2).map(|l| l.unwrap()).collect();
        Console {
            base_url,
            banner,
            child,
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer: status, header lines, body bytes.
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request over a fresh connection; the answer read to its end.
pub fn request(
    base_url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let host = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    // A server that refuses early may close before it has read everything.
    let _ = stream.write_all(body);
    // Read the head, then the body by its Content-Length when it has one (a server may keep the
    // connection open whatever the request asked), else to the end.
    let mut answer = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    let split = loop {
        if let Some(at) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => panic!("no answer head: {}", String::from_utf8_lossy(&answer)),
            Ok(n) => answer.extend_from_slice(&buffer[..n]),
        }
    };
    let length = String::from_utf8_lossy(&answer[..split])
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        });
    match length {
        Some(length) => {
            while answer.len() < split + 4 + length {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => answer.extend_from_slice(&buffer[..n]),
                }
            }
        }
        None => {
            let _ = stream.read_to_end(&mut answer);
        }
    }
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = answer[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Answer { status, head, body }
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = bytes.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&bytes[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&bytes[end + 2..end + 2 + size]);
        bytes = &bytes[end + 2 + size + 2..];
    }
}

/// A form, urlencoded, POSTed.
pub fn post_form(
    base_url: &str,
    path: &str,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Answer {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    request(base_url, "POST", path, &all, body.as_bytes())
}

/// A file, POSTed as multipart/form-data in the field `file`.
pub fn post_file(base_url: &str, name: &str, bytes: &[u8]) -> Answer {
    let boundary = "----upwork-diag-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    request(
        base_url,
        "POST",
        "/upload",
        &[("Content-Type", &content_type)],
        &body,
    )
}

/// The zips a result page offers: (support, public), decoded from their data URLs.
pub fn downloads(page: &str) -> (Vec<u8>, Vec<u8>) {
    let zip_of = |id: &str| {
        let at = page
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} in\n{page}"));
        let href = &page[at..];
        let start = href.find("base64,").unwrap() + 7;
        let end = start + href[start..].find('"').unwrap();
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(&href[start..end])
            .unwrap()
    };
    (zip_of("download-support"), zip_of("download-public"))
}

/// Every file of a zip, by name.
pub fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut text = String::new();
            file.read_to_string(&mut text).unwrap();
            (file.name().to_string(), text)
        })
        .collect()
}
