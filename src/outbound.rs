//! Requests this server makes to other servers: webhook deliveries and article snapshots.
//!
//! Safe by construction: the URL is checked (scheme, host allow-list, IP-literal hosts) before
//! each request and before each redirect is followed, and every address a connection goes to is
//! checked after DNS resolution, so a name that resolves to a private address (DNS rebinding) is
//! refused as well as a literal one. No proxy from the environment, no cookies, a whole-request
//! timeout and a cap on the response body.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// Makes ring the process's TLS crypto provider, once. reqwest (here, and in the test suites'
/// own clients, which share its features) needs one installed before any client is built; the
/// application does this as it starts, and so must a program that builds a reqwest client first.
pub fn install_crypto_provider() {
    // Err only when a provider is already installed, which is all this asks for.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// What may be contacted, and how.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Only these hosts (lowercase, exact) may be contacted; `None`: any host.
    pub allowed_hosts: Option<Vec<String>>,
    /// Refuse `http://` (production).
    pub https_only: bool,
    /// Allow loopback, private, link-local, shared, unique-local and other special addresses.
    pub allow_private_addresses: bool,
    /// Host → address pins from config: used instead of DNS for that host, and trusted as the
    /// operator configured them (not checked against the address rules).
    pub pinned: Vec<(String, SocketAddr)>,
    /// The whole request, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// The response body cap; a longer body is [`OutboundError::TooLarge`].
    pub max_body_bytes: usize,
    /// GET only; each hop is checked like the first URL. 0: a 3xx is returned as it is.
    pub max_redirects: usize,
    pub user_agent: String,
}

/// Why a request was not made or did not complete.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    /// The policy forbids it (scheme, host, address). Trying again will not help.
    #[error("refused: {0}")]
    Refused(String),
    #[error("the response is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("too many redirects")]
    TooManyRedirects,
    #[error("no complete answer within the timeout")]
    Timeout,
    /// DNS, connection, TLS or protocol failure: may work later.
    #[error("network error: {0}")]
    Network(String),
}

impl OutboundError {
    /// Whether the same request can never succeed (as opposed to a failure worth retrying).
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            Self::Refused(_) | Self::TooLarge { .. } | Self::TooManyRedirects
        )
    }
}

/// An answer from the other side, whatever its status: a 500 is an answer, not an error.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub final_url: Url,
    pub headers: reqwest::header::HeaderMap,
    /// The whole body, at most `max_body_bytes`.
    pub body: Vec<u8>,
}

/// An HTTP client that applies one [`Policy`] to every request. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: reqwest::Client,
    policy: Arc<Policy>,
}

impl Client {
    pub fn new(mut policy: Policy) -> Result<Client, OutboundError> {
        install_crypto_provider();
        for host in policy.allowed_hosts.iter_mut().flatten() {
            *host = host.to_ascii_lowercase();
        }
        for (host, _) in &mut policy.pinned {
            *host = host.to_ascii_lowercase();
        }
        let policy = Arc::new(policy);
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| OutboundError::Network(format!("TLS set-up: {e}")))?
        .with_root_certificates(rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        })
        .with_no_client_auth();
        let inner = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .dns_resolver(Arc::new(CheckedResolver {
                policy: policy.clone(),
            }))
            // Redirects are followed by `get`, which checks each hop first.
            .redirect(reqwest::redirect::Policy::none())
            // A proxy from the environment would make the address checks meaningless.
            .no_proxy()
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .user_agent(policy.user_agent.clone())
            .https_only(policy.https_only)
            .build()
            .map_err(|e| OutboundError::Network(format!("HTTP client set-up: {e}")))?;
        Ok(Client { inner, policy })
    }

    /// The checks that need no network: scheme, credentials in the URL, the host allow-list and
    /// IP-literal hosts. Names are checked again, after resolution, when a request is made.
    pub fn check_url(&self, url: &Url) -> Result<(), OutboundError> {
        let policy = &self.policy;
        match url.scheme() {
            "https" => {}
            "http" if !policy.https_only => {}
            "http" => return Err(refused("only https:// addresses are allowed")),
            other => return Err(refused(format!("the scheme {other}: is not allowed"))),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refused("addresses with credentials are not allowed"));
        }
        let host = match url.host() {
            Some(host) => host,
            None => return Err(refused("the address has no host")),
        };
        let name = match &host {
            Host::Domain(name) => name.trim_end_matches('.').to_ascii_lowercase(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => ip.to_string(),
        };
        if let Some(allowed) = &policy.allowed_hosts
            && !allowed.iter().any(|a| a == &name)
        {
            return Err(refused(format!(
                "the host {name} is not one of the allowed hosts"
            )));
        }
        let literal = match host {
            Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            Host::Domain(_) => None,
        };
        if let Some(ip) = literal
            && !policy.allow_private_addresses
            && let Some(why) = forbidden_address(ip)
        {
            return Err(refused(format!("{ip} is {why}")));
        }
        Ok(())
    }

    /// GET, following up to `max_redirects` redirects, each checked like the first URL.
    pub async fn get(&self, url: &Url) -> Result<Response, OutboundError> {
        let mut current = url.clone();
        let mut hops = 0;
        loop {
            self.check_url(&current)?;
            let answer = self
                .inner
                .get(current.clone())
                .send()
                .await
                .map_err(classify)?;
            let status = answer.status();
            let location = answer
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            match location {
                Some(location) if status.is_redirection() && self.policy.max_redirects > 0 => {
                    hops += 1;
                    if hops > self.policy.max_redirects {
                        return Err(OutboundError::TooManyRedirects);
                    }
                    current = current.join(&location).map_err(|e| {
                        refused(format!(
                            "the redirect to {location:?} is not a valid address: {e}"
                        ))
                    })?;
                }
                _ => return self.read(current, answer).await,
            }
        }
    }

    /// POST `body` with these headers; redirects are never followed.
    pub async fn post(
        &self,
        url: &Url,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Response, OutboundError> {
        self.check_url(url)?;
        let mut request = self.inner.post(url.clone()).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let answer = request.send().await.map_err(classify)?;
        self.read(url.clone(), answer).await
    }

    async fn read(
        &self,
        final_url: Url,
        mut answer: reqwest::Response,
    ) -> Result<Response, OutboundError> {
        let limit = self.policy.max_body_bytes;
        if answer.content_length().is_some_and(|n| n > limit as u64) {
            return Err(OutboundError::TooLarge { limit });
        }
        let status = answer.status().as_u16();
        let headers = std::mem::take(answer.headers_mut());
        let mut body = Vec::new();
        while let Some(chunk) = answer.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > limit {
                return Err(OutboundError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            final_url,
            headers,
            body,
        })
    }
}

fn refused(why: impl Into<String>) -> OutboundError {
    OutboundError::Refused(why.into())
}

/// A refusal from the resolver, found again in reqwest's error chain.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct AddressRefused(String);

fn classify(error: reqwest::Error) -> OutboundError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<AddressRefused>() {
            return OutboundError::Refused(refusal.0.clone());
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return OutboundError::Timeout;
    }
    // The chain names the cause ("connection refused", "certificate expired"); the top alone
    // often says only "error sending request".
    let mut message = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    OutboundError::Network(message)
}

/// Resolves names for the client: pinned hosts from config, otherwise the system resolver, whose
/// answers are refused when every address is one the policy forbids.
struct CheckedResolver {
    policy: Arc<Policy>,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let host = name.as_str().trim_end_matches('.').to_ascii_lowercase();
        Box::pin(async move {
            let pinned: Vec<SocketAddr> = policy
                .pinned
                .iter()
                .filter(|(pinned, _)| *pinned == host)
                .map(|(_, addr)| *addr)
                .collect();
            if !pinned.is_empty() {
                return Ok(Box::new(pinned.into_iter()) as Addrs);
            }
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>)?
                .collect();
            let (allowed, forbidden) = checked_addresses(&policy, resolved);
            if allowed.is_empty() {
                let why = match forbidden.first() {
                    Some((ip, why)) => format!("{host} resolves to {ip}, which is {why}"),
                    None => format!("{host} has no address"),
                };
                return Err(
                    Box::new(AddressRefused(why)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// Splits resolved addresses into those that may be contacted and those refused, with why.
fn checked_addresses(
    policy: &Policy,
    resolved: Vec<SocketAddr>,
) -> (Vec<SocketAddr>, Vec<(IpAddr, &'static str)>) {
    let mut allowed = Vec::new();
    let mut forbidden = Vec::new();
    for addr in resolved {
        match forbidden_address(addr.ip()) {
            Some(why) if !policy.allow_private_addresses => forbidden.push((addr.ip(), why)),
            _ => allowed.push(addr),
        }
    }
    (allowed, forbidden)
}

/// Why an address may not be contacted without `allow_private_addresses`, or `None` when it may:
/// anything that is not a public unicast address on the internet.
pub fn forbidden_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    let why = match (a, b, c) {
        (0, _, _) => "an unspecified address",
        (10, _, _) => "a private address",
        (100, 64..=127, _) => "a shared (carrier-grade NAT) address",
        (127, _, _) => "a loopback address",
        (169, 254, _) => "a link-local address (cloud metadata lives here)",
        (172, 16..=31, _) => "a private address",
        (192, 0, 0) => "an IETF protocol address",
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => "a documentation address",
        (192, 88, 99) => "a relay address",
        (192, 168, _) => "a private address",
        (198, 18..=19, _) => "a benchmarking address",
        (224..=239, _, _) => "a multicast address",
        (240..=255, _, _) => "a reserved or broadcast address",
        _ => return None,
    };
    Some(why)
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<&'static str> {
    // Addresses that carry an IPv4 address are judged by it.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let segments = ip.segments();
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64 (RFC 6052): the last 32 bits are the IPv4 address.
        let [.., hi, lo] = segments;
        return forbidden_v4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    }
    if segments[0] == 0x2002 {
        // 6to4: bits 16–48 are the IPv4 address.
        return forbidden_v4(Ipv4Addr::from(
            (u32::from(segments[1]) << 16) | u32::from(segments[2]),
        ));
    }
    let why = match segments[0] {
        _ if ip.is_unspecified() => "an unspecified address",
        _ if ip.is_loopback() => "a loopback address",
        0x0000 => "an IPv4-compatible or reserved address",
        0x0100 if segments[1..4] == [0, 0, 0] => "a discard address",
        0x2001 if segments[1] == 0 => "a Teredo tunnel address",
        0x2001 if segments[1] == 0x0db8 => "a documentation address",
        s if s & 0xfe00 == 0xfc00 => "a unique local (private) address",
        s if s & 0xffc0 == 0xfe80 => "a link-local address",
        s if s & 0xffc0 == 0xfec0 => "a site-local address",
        s if s & 0xff00 == 0xff00 => "a multicast address",
        _ => return None,
    };
    Some(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            allowed_hosts: None,
            https_only: false,
            allow_private_addresses: false,
            pinned: Vec::new(),
            timeout: Duration::from_secs(5),
            max_body_bytes: 1024,
            max_redirects: 3,
            user_agent: "disinfo-desk-test".into(),
        }
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("a test address")
    }

    #[test]
    fn special_addresses_are_forbidden() {
        for text in [
            "0.0.0.0",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "127.255.0.1",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:0001::1",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "2001:0:4136:e378::1",
            "::127.0.0.1",
        ] {
            assert!(
                forbidden_address(ip(text)).is_some(),
                "{text} should be refused"
            );
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for text in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "192.169.0.1",
            "93.184.216.34",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:0808:0808::1",
        ] {
            assert_eq!(
                forbidden_address(ip(text)),
                None,
                "{text} should be allowed"
            );
        }
    }

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a test URL")
    }

    #[test]
    fn urls_are_checked_before_any_request() {
        let client = Client::new(policy()).expect("client");
        assert!(client.check_url(&url("https://example.org/hook")).is_ok());
        assert!(client.check_url(&url("http://example.org/hook")).is_ok());
        for bad in [
            "ftp://example.org/",
            "file:///etc/passwd",
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://[::ffff:169.254.169.254]/",
            "https://user:pass@example.org/",
            "http://10.0.0.5/",
            "http://0x7f.1/",
        ] {
            let error = client.check_url(&url(bad)).expect_err(bad);
            assert!(error.is_permanent(), "{bad}: {error}");
        }
    }

    #[test]
    fn https_only_refuses_plain_http() {
        let client = Client::new(Policy {
            https_only: true,
            ..policy()
        })
        .expect("client");
        assert!(client.check_url(&url("https://example.org/")).is_ok());
        assert!(matches!(
            client.check_url(&url("http://example.org/")),
            Err(OutboundError::Refused(_))
        ));
    }

    #[test]
    fn only_allowed_hosts_when_a_list_is_given() {
        let client = Client::new(Policy {
            allowed_hosts: Some(vec!["News.Example".into()]),
            ..policy()
        })
        .expect("client");
        assert!(client.check_url(&url("https://news.example/a")).is_ok());
        assert!(client.check_url(&url("https://NEWS.example./a")).is_ok());
        assert!(client.check_url(&url("https://evil.example/a")).is_err());
        assert!(
            client
                .check_url(&url("https://sub.news.example/a"))
                .is_err()
        );
    }

    #[test]
    fn private_literals_pass_when_allowed() {
        let client = Client::new(Policy {
            allow_private_addresses: true,
            ..policy()
        })
        .expect("client");
        assert!(client.check_url(&url("http://127.0.0.1:9/")).is_ok());
    }

    #[test]
    fn resolved_addresses_are_filtered_by_the_rules() {
        let addr = |text: &str| SocketAddr::new(ip(text), 443);
        let resolved = vec![addr("10.0.0.1"), addr("93.184.216.34"), addr("::1")];
        let (allowed, forbidden) = checked_addresses(&policy(), resolved.clone());
        assert_eq!(allowed, vec![addr("93.184.216.34")]);
        assert_eq!(forbidden.len(), 2);
        let open = Policy {
            allow_private_addresses: true,
            ..policy()
        };
        let (allowed, forbidden) = checked_addresses(&open, resolved);
        assert_eq!(allowed.len(), 3);
        assert!(forbidden.is_empty());
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused_at_connect_time() {
        // `localhost` passes the URL check (it is a name) and is refused once resolved.
        let client = Client::new(policy()).expect("client");
        let error = client
            .get(&url("http://localhost:9/"))
            .await
            .expect_err("loopback must be refused");
        assert!(matches!(error, OutboundError::Refused(_)), "{error}");
    }

    /// A one-route HTTP server on 127.0.0.1 answering every request with `answer`, after `delay`.
    async fn serve(answer: String, delay: Duration) -> SocketAddr {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let answer = answer.clone();
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = socket.read(&mut request).await;
                    tokio::time::sleep(delay).await;
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        addr
    }

    fn ok_with(body: &str) -> String {
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    }

    fn pinned_to(addr: SocketAddr) -> Policy {
        Policy {
            allowed_hosts: Some(vec!["news.example".into()]),
            pinned: vec![("news.example".into(), addr)],
            ..policy()
        }
    }

    #[tokio::test]
    async fn a_pinned_host_is_reached_at_its_configured_address() {
        let addr = serve(ok_with("<p>hello</p>"), Duration::ZERO).await;
        let client = Client::new(pinned_to(addr)).expect("client");
        let page = client
            .get(&url(&format!("http://news.example:{}/a", addr.port())))
            .await
            .expect("a pinned host is trusted");
        assert_eq!(page.status, 200);
        assert_eq!(page.body, b"<p>hello</p>");
        // The same server by its loopback address is refused: only the pin is trusted.
        let direct = Client::new(Policy {
            allowed_hosts: None,
            ..pinned_to(addr)
        })
        .expect("client");
        let error = direct
            .get(&url(&format!("http://127.0.0.1:{}/a", addr.port())))
            .await
            .expect_err("loopback literal");
        assert!(matches!(error, OutboundError::Refused(_)), "{error}");
    }

    #[tokio::test]
    async fn each_redirect_is_checked_like_the_first_address() {
        let target = serve(ok_with("secret"), Duration::ZERO).await;
        let to_loopback = format!(
            "HTTP/1.1 302 Found\r\nlocation: http://127.0.0.1:{}/admin\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            target.port()
        );
        let addr = serve(to_loopback, Duration::ZERO).await;
        let client = Client::new(pinned_to(addr)).expect("client");
        let error = client
            .get(&url(&format!("http://news.example:{}/a", addr.port())))
            .await
            .expect_err("redirect to loopback");
        assert!(matches!(error, OutboundError::Refused(_)), "{error}");

        let elsewhere = "HTTP/1.1 301 Moved\r\nlocation: https://other.example/\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        let addr = serve(elsewhere.into(), Duration::ZERO).await;
        let client = Client::new(pinned_to(addr)).expect("client");
        let error = client
            .get(&url(&format!("http://news.example:{}/a", addr.port())))
            .await
            .expect_err("redirect off the allowed hosts");
        assert!(error.to_string().contains("other.example"), "{error}");
    }

    #[tokio::test]
    async fn a_redirect_loop_stops() {
        let to_self = "HTTP/1.1 302 Found\r\nlocation: /again\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        let addr = serve(to_self.into(), Duration::ZERO).await;
        let client = Client::new(pinned_to(addr)).expect("client");
        let error = client
            .get(&url(&format!("http://news.example:{}/a", addr.port())))
            .await
            .expect_err("loop");
        assert!(matches!(error, OutboundError::TooManyRedirects), "{error}");
    }

    #[tokio::test]
    async fn bodies_over_the_cap_are_refused_with_or_without_a_length() {
        let big = "x".repeat(2000);
        let addr = serve(ok_with(&big), Duration::ZERO).await;
        let client = Client::new(pinned_to(addr)).expect("client");
        let error = client
            .get(&url(&format!("http://news.example:{}/", addr.port())))
            .await
            .expect_err("declared too large");
        assert!(
            matches!(error, OutboundError::TooLarge { limit: 1024 }),
            "{error}"
        );

        let unannounced = format!("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n{big}");
        let addr = serve(unannounced, Duration::ZERO).await;
        let client = Client::new(pinned_to(addr)).expect("client");
        let error = client
            .get(&url(&format!("http://news.example:{}/", addr.port())))
            .await
            .expect_err("streamed too large");
        assert!(matches!(error, OutboundError::TooLarge { .. }), "{error}");
    }

    #[tokio::test]
    async fn a_slow_server_times_out_and_may_be_retried() {
        let addr = serve(ok_with("late"), Duration::from_secs(5)).await;
        let client = Client::new(Policy {
            timeout: Duration::from_millis(200),
            ..pinned_to(addr)
        })
        .expect("client");
        let error = client
            .get(&url(&format!("http://news.example:{}/", addr.port())))
            .await
            .expect_err("timeout");
        assert!(matches!(error, OutboundError::Timeout), "{error}");
        assert!(!error.is_permanent());
    }

    #[tokio::test]
    async fn post_sends_headers_and_body_and_returns_any_status() {
        let addr = serve(
            "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\noops".into(),
            Duration::ZERO,
        )
        .await;
        let client = Client::new(pinned_to(addr)).expect("client");
        let answer = client
            .post(
                &url(&format!("http://news.example:{}/hook", addr.port())),
                &[("content-type", "application/json".into())],
                b"{}".to_vec(),
            )
            .await
            .expect("a 500 is an answer");
        assert_eq!(answer.status, 500);
        assert_eq!(answer.body, b"oops");
    }
}
