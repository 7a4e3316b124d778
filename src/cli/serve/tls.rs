//! TLS with rustls (ring provider): the listener's certificate and key from PEM files, and
//! the trust roots of https downstreams (a CA file, or the Mozilla roots). Loaded once at
//! start; a file that cannot be used stops the start with a message naming it, never a key byte.

use super::config::{ClientTls, ServerTls};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// Why TLS could not be set up.
#[derive(Debug)]
pub enum TlsError {
    /// A PEM file is missing, unreadable, or holds nothing usable.
    File { path: String, problem: String },
    /// rustls refused the certificate and key together (a key that does not match, ...).
    Refused(String),
    /// The downstream's TLS name is not a valid DNS name or IP address.
    ServerName(String),
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsError::File { path, problem } => write!(f, "{path}: {problem}"),
            TlsError::Refused(why) => write!(f, "the certificate and key were refused: {why}"),
            TlsError::ServerName(n) => write!(f, "`{n}` is not a valid TLS server name"),
        }
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let shown = path.display().to_string();
    let list: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| TlsError::File { path: shown.clone(), problem: pem_reason(&e) })?
        .collect();
    let list = list.map_err(|e| TlsError::File { path: shown.clone(), problem: pem_reason(&e) })?;
    if list.is_empty() {
        return Err(TlsError::File { path: shown, problem: "no PEM certificate in the file".into() });
    }
    Ok(list)
}

/// The error text of a PEM problem, without file content.
fn pem_reason(e: &rustls::pki_types::pem::Error) -> String {
    match e {
        rustls::pki_types::pem::Error::Io(io) => super::super::exit::io_reason(io),
        _ => "not a valid PEM file".into(),
    }
}

/// The acceptor of a TLS listener.
pub fn acceptor(cfg: &ServerTls) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    let chain = certs(&cfg.cert)?;
    let key = PrivateKeyDer::from_pem_file(&cfg.key).map_err(|e| TlsError::File {
        path: cfg.key.display().to_string(),
        problem: match e {
            rustls::pki_types::pem::Error::NoItemsFound => "no PEM private key in the file".into(),
            e => pem_reason(&e),
        },
    })?;
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Refused(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| TlsError::Refused(e.to_string()))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// The connector of https downstreams, and the name their certificate must carry.
pub fn connector(cfg: &ClientTls, host: &str) -> Result<(tokio_rustls::TlsConnector, ServerName<'static>), TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    match &cfg.ca {
        Some(path) => {
            for c in certs(path)? {
                roots.add(c).map_err(|e| TlsError::File { path: path.display().to_string(), problem: format!("not a usable CA certificate: {e}") })?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Refused(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = cfg.server_name.as_deref().unwrap_or(host);
    let name = ServerName::try_from(name.to_string()).map_err(|_| TlsError::ServerName(name.to_string()))?;
    Ok((tokio_rustls::TlsConnector::from(Arc::new(config)), name))
}
