//! What the emulator's tests share.

/// Reads one answer off `stream`: its head, then the body its `Content-Length` announces (the
/// emulator keeps the connection for another request), or to the end when it announces none.
pub fn read_answer(stream: &mut std::net::TcpStream) -> Vec<u8> {
    let mut answer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let mut slots = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut slots);
        if let Ok(httparse::Status::Complete(head_len)) = response.parse(&answer) {
            let length = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| {
                    std::str::from_utf8(h.value)
                        .ok()?
                        .trim()
                        .parse::<usize>()
                        .ok()
                });
            if let Some(length) = length
                && answer.len() >= head_len + length
            {
                answer.truncate(head_len + length);
                return answer;
            }
        }
        match std::io::Read::read(stream, &mut chunk) {
            Ok(0) | Err(_) => return answer,
            Ok(n) => answer.extend_from_slice(&chunk[..n]),
        }
    }
}
