//! A database outage on demand: a TCP proxy in front of a server (Postgres) that a test
//! can take down — every open connection cut, every new one closed as soon as it is
//! accepted, as a stopped or unreachable server does to its clients — and bring back.
//!
//! Point the process under test at [`OutageProxy::url_for`] instead of the server.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// A proxy to one server, up or down as the test says. Dropping it stops it.
#[derive(Debug)]
pub struct OutageProxy {
    addr: SocketAddr,
    /// `true` while the server is "down"; each forwarding task watches it.
    down: Arc<watch::Sender<bool>>,
    shutdown: CancellationToken,
}

impl OutageProxy {
    /// A proxy on a free loopback port, forwarding to `server`.
    pub async fn start(server: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port for the proxy");
        let addr = listener.local_addr().expect("the proxy's address");
        let down = Arc::new(watch::channel(false).0);
        let shutdown = CancellationToken::new();
        tokio::spawn(serve(listener, server, Arc::clone(&down), shutdown.clone()));
        Self {
            addr,
            down,
            shutdown,
        }
    }

    /// `url` (a `postgres://…@host:port/db` URL) pointed at the proxy instead.
    pub fn url_for(&self, url: &str) -> String {
        let mut proxied = url::Url::parse(url).expect("a database URL");
        proxied
            .set_host(Some("127.0.0.1"))
            .expect("a URL with a host");
        proxied
            .set_port(Some(self.addr.port()))
            .expect("a URL that takes a port");
        proxied.to_string()
    }

    /// The server goes away: open connections are cut and new ones closed at once.
    pub fn take_down(&self) {
        self.down.send_replace(true);
    }

    /// The server is back: new connections reach it again.
    pub fn bring_back(&self) {
        self.down.send_replace(false);
    }
}

impl Drop for OutageProxy {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn serve(
    listener: TcpListener,
    server: SocketAddr,
    down: Arc<watch::Sender<bool>>,
    shutdown: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((client, _)) = accepted else { continue };
        if *down.borrow() {
            drop(client);
            continue;
        }
        let cut = down.subscribe();
        tokio::spawn(forward(client, server, cut, shutdown.clone()));
    }
}

/// Copies both ways until either side closes, the outage begins, or the proxy stops.
async fn forward(
    mut client: TcpStream,
    server: SocketAddr,
    mut cut: watch::Receiver<bool>,
    shutdown: CancellationToken,
) {
    let Ok(mut upstream) = TcpStream::connect(server).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {}
        _ = cut.wait_for(|down| *down) => {}
        () = shutdown.cancelled() => {}
    }
}
