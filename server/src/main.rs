//! `reshelf-server`: serves the SDK and the demo storefront.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use reshelf_server::{app, Config};
use tracing_subscriber::EnvFilter;

#[derive(Parser, Debug)]
#[command(
    version,
    about = "reshelf's backend: serves the SDK build and the storefront"
)]
struct Args {
    /// Address to listen on; port 0 picks a free port (printed on start).
    #[arg(long, default_value = "127.0.0.1:8080", env = "RESHELF_ADDR")]
    addr: SocketAddr,
    /// Storefront directory served at /.
    #[arg(long, default_value = "www", env = "RESHELF_WWW")]
    www: PathBuf,
    /// SDK build directory served at /reshelf/.
    #[arg(long, default_value = "pkg", env = "RESHELF_PKG")]
    pkg: PathBuf,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    for (what, dir) in [("--www", &args.www), ("--pkg", &args.pkg)] {
        if !dir.is_dir() {
            return Err(format!(
                "{what} {} is not a directory (run `make build` for pkg/)",
                dir.display()
            )
            .into());
        }
    }
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    // Tests and scripts read this line to learn the port.
    println!(
        "reshelf-server listening on http://{}",
        listener.local_addr()?
    );
    let router = app(&Config {
        www: args.www,
        pkg: args.pkg,
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
