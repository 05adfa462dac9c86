//! `upwork-diag proxy`: the proxy in the foreground until Ctrl-C or SIGTERM, then a summary and
//! the session's HAR.

use std::sync::Arc;
use std::time::Duration;

use super::UsageError;
use crate::cli::{ProxyArgs, ProxyUpstream};
use crate::proxy::ca::{self, LocalCa};
use crate::proxy::record::Session;
use crate::proxy::upstream::{self, Upstream};
use crate::proxy::{self as proxy_server, ProxyConfig};
use upwork_diag_mock::{self as mock, Keys, MockConfig};

pub fn run(args: ProxyArgs) -> Result<u8, UsageError> {
    let listen = super::mock::loopback_address(&args.listen)
        .map_err(|e| UsageError::new(e.0.replace("the emulator", "the proxy")))?;
    if !(args.upstream_timeout > 0.0 && args.upstream_timeout <= 3600.0) {
        return Err(UsageError::new(
            "--upstream-timeout: expected seconds between 0 and 3600",
        ));
    }
    if args.upstream == ProxyUpstream::Emulator
        && (args.upstream_addr.is_some() || args.upstream_ca.is_some())
    {
        return Err(UsageError::new(
            "--upstream-addr and --upstream-ca go with --upstream upwork",
        ));
    }
    if let Some(har) = &args.har
        && har.exists()
    {
        return Err(UsageError::new(format!(
            "--har {}: it exists already; a HAR is never overwritten",
            har.display()
        )));
    }
    let ca_dir = args
        .ca_dir
        .clone()
        .or_else(ca::default_dir)
        .ok_or_else(|| {
            UsageError::new("no config directory (HOME is not set): choose one with --ca-dir")
        })?;
    let keys = match &args.keys {
        Some(path) => Keys::from_file(path).map_err(|e| UsageError::new(e.to_string()))?,
        None => Keys::demo(),
    };
    let tls = match args.upstream {
        ProxyUpstream::Upwork => {
            Some(upstream::upwork_tls(args.upstream_ca.as_deref()).map_err(UsageError::new)?)
        }
        ProxyUpstream::Emulator => None,
    };
    upwork_diag_diagnose::replay::install_crypto_provider();
    super::runtime()?.block_on(async {
        let listener = proxy_server::bind(listen)
            .await
            .map_err(|e| UsageError::new(format!("--listen {}: {e}", args.listen)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| UsageError::new(e.to_string()))?;
        let local_ca =
            Arc::new(LocalCa::load_or_create(&ca_dir).map_err(|e| UsageError::new(e.to_string()))?);
        let (upstream, emulator) = match tls {
            Some(tls) => (
                Upstream::Upwork {
                    address: args.upstream_addr.clone(),
                    tls,
                },
                None,
            ),
            None => {
                let running = mock::start("127.0.0.1:0".parse().expect("a literal address"), MockConfig::new(keys))
                    .await
                    .map_err(|e| UsageError::new(format!("cannot start the emulator: {e}")))?;
                (Upstream::Emulator(running.addr()), Some(running))
            }
        };
        let session = Arc::new(Session::new(args.out.clone(), upstream.name()));
        let ca_path = local_ca.cert_path.display().to_string();
        super::announce(&listener)?;
        super::print_stdout(&format!(
            "{} the proxy's CA: {ca_path}\nupstream: {}\nfor the app:\n  export HTTPS_PROXY=http://{addr} HTTP_PROXY=http://{addr}\n  export SSL_CERT_FILE={ca_path} REQUESTS_CA_BUNDLE={ca_path} NODE_EXTRA_CA_CERTS={ca_path}\n",
            if local_ca.created { "made" } else { "using" },
            upstream.name(),
        ));
        let config = ProxyConfig {
            ca: local_ca,
            upstream,
            session: Arc::clone(&session),
            upstream_timeout: Duration::from_secs_f64(args.upstream_timeout),
            idle: Duration::from_secs(60),
        };
        proxy_server::serve_until(listener, config, super::mock::shutdown_signal()).await;
        // Calls in flight get a moment to be recorded.
        tokio::time::sleep(Duration::from_millis(200)).await;
        if let Some(running) = emulator {
            let _ = running.shutdown().await;
        }
        let mut summary = session.summary();
        let mut code = 0;
        if let Some(har) = &args.har {
            match session.write_har(har) {
                Ok(()) => summary.push_str(&format!("HAR written to {}\n", har.display())),
                Err(e) => {
                    upwork_diag_core::redact::boundary::print_stderr(&e);
                    code = 2;
                }
            }
        }
        super::print_stdout(&summary);
        Ok::<u8, UsageError>(code)
    })
}
