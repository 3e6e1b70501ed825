//! HTTPS for the fake (opt-in): a certificate authority made up per test, and server
//! certificates it signs. A client trusts the fake only when this CA is in the trust store it
//! reads (the tests point `SSL_CERT_FILE` at [`TestCa::pem`]), just like a company's
//! TLS-inspecting proxy root that IT installs.

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A throwaway root CA.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
    pub name: String,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").field("name", &self.name).finish()
    }
}

/// What a server certificate should be like (to test the client's distinct errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCert {
    /// DNS names and IP addresses in the certificate.
    pub names: Vec<String>,
    /// Already expired.
    pub expired: bool,
}

impl Default for ServerCert {
    fn default() -> Self {
        ServerCert {
            names: vec!["127.0.0.1".into(), "localhost".into()],
            expired: false,
        }
    }
}

/// A server identity: certificate chain (leaf, then the CA) and key.
#[derive(Debug)]
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Clone for Identity {
    fn clone(&self) -> Self {
        Identity {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

fn err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl TestCa {
    /// A new root CA named `name` (its CN; the client's "certificate not trusted" message shows it).
    pub fn new(name: &str) -> std::io::Result<TestCa> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        dn.push(DnType::OrganizationName, "Ashby Sync tests");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).map_err(err)?;
        let pem = cert.pem();
        Ok(TestCa {
            issuer: Issuer::new(params, key),
            pem,
            name: name.to_string(),
        })
    }

    /// The CA certificate, PEM.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// Writes the CA certificate (PEM) to `path`, for `SSL_CERT_FILE`.
    pub fn write_pem(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, &self.pem)
    }

    /// A server certificate signed by this CA.
    pub fn issue(&self, spec: &ServerCert) -> std::io::Result<Identity> {
        let key = KeyPair::generate().map_err(err)?;
        let mut params = CertificateParams::new(spec.names.clone()).map_err(err)?;
        let mut dn = DistinguishedName::new();
        dn.push(
            DnType::CommonName,
            spec.names.first().cloned().unwrap_or_default(),
        );
        params.distinguished_name = dn;
        if spec.expired {
            params.not_before = rcgen::date_time_ymd(2020, 1, 1);
            params.not_after = rcgen::date_time_ymd(2021, 1, 1);
        }
        let cert = params.signed_by(&key, &self.issuer).map_err(err)?;
        let ca_der =
            rustls::pki_types::pem::PemObject::from_pem_slice(self.pem.as_bytes()).map_err(err)?;
        Ok(Identity {
            chain: vec![cert.der().clone(), ca_der],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        })
    }
}

/// A TLS acceptor for `id` (HTTP/1.1 only, as the fake serves).
pub fn acceptor(id: &Identity) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(err)?
        .with_no_client_auth()
        .with_single_cert(id.chain.clone(), id.key.clone_key())
        .map_err(err)?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(cfg)))
}
