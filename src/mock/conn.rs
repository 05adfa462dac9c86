//! Connections: our own accept loop reads each request head off the raw socket, serves the fault
//! modes there, and hands every other connection, its head bytes put back in front, to axum.
//!
//! Every response carries `Connection: close`, so a connection holds exactly one request and the
//! head read here is the head of the request the handler sees.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::fault::{self, Fault};
use super::head::{HeadRead, RawHead, read_head};
use super::state::Shared;

/// What the handler learns of its connection: the peer and the head exactly as sent.
#[derive(Clone)]
pub(crate) struct ConnMeta {
    pub peer: SocketAddr,
    pub head: Arc<RawHead>,
}

impl fmt::Debug for ConnMeta {
    // Headers may hold secrets; the peer and the request line are enough to tell connections apart.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.peer, self.head.method, self.head.target)
    }
}

impl Connected<IncomingStream<'_, MockListener>> for ConnMeta {
    fn connect_info(stream: IncomingStream<'_, MockListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A socket whose first bytes, already read, are served again before the socket's own.
pub(crate) struct PrefixedIo {
    prefix: Vec<u8>,
    read: usize,
    inner: TcpStream,
}

impl AsyncRead for PrefixedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.read < this.prefix.len() {
            let rest = &this.prefix[this.read..];
            let n = rest.len().min(buf.remaining());
            buf.put_slice(&rest[..n]);
            this.read += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for PrefixedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The connections that passed the raw stage, for `axum::serve`.
pub(crate) struct MockListener {
    pub ready: mpsc::Receiver<(PrefixedIo, ConnMeta)>,
    pub local: SocketAddr,
}

impl Listener for MockListener {
    type Io = PrefixedIo;
    type Addr = ConnMeta;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The accept loop has stopped: nothing more will come; shutdown ends the server.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnMeta {
            peer: self.local,
            head: Arc::default(),
        })
    }
}

/// Accepts until shutdown; each connection gets its own task for the raw stage.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    ready: mpsc::Sender<(PrefixedIo, ConnMeta)>,
) {
    let mut stop = shared.stop.clone();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stopped| *stopped) => return,
        };
        match accepted {
            Ok((stream, peer)) => {
                let shared = Arc::clone(&shared);
                let ready = ready.clone();
                let task_guard = shared.task_guard();
                tokio::spawn(async move {
                    raw_stage(stream, peer, shared, ready).await;
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

async fn raw_stage(
    mut stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    ready: mpsc::Sender<(PrefixedIo, ConnMeta)>,
) {
    let limits = &shared.config.limits;
    let mut stop = shared.stop.clone();
    let read = tokio::select! {
        read = read_head(&mut stream, limits.max_head_bytes, limits.head_timeout) => read,
        _ = stop.wait_for(|stopped| *stopped) => return,
    };
    let (head, bytes) = match read {
        HeadRead::Complete(head, bytes) => (head, bytes),
        HeadRead::TooLarge => {
            fault::answer_and_close(
                stream,
                &fault::plain(431, "Request Header Fields Too Large"),
            )
            .await;
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
            fault::answer_and_close(
                stream,
                &fault::response(400, "Bad Request", &[], "text/plain", &body),
            )
            .await;
            return;
        }
    }
    let io = PrefixedIo {
        prefix: bytes,
        read: 0,
        inner: stream,
    };
    let meta = ConnMeta {
        peer,
        head: Arc::new(head),
    };
    // Fails only when the server is shutting down; the connection is then dropped.
    let _ = ready.send((io, meta)).await;
}
