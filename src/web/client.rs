//! Who is asking: the client address (trusting X-Forwarded-For only from our own proxies) and its
//! keyed hash, which is all we ever store of it.

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::config::Secret;
use crate::signing::keyed_hex;

/// The client's address. X-Forwarded-For is read right to left, skipping trusted proxies, so a
/// client cannot choose its own address by sending the header itself.
pub fn client_ip(req: &HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted_proxies.contains(ip))
            .unwrap_or(peer),
    )
}

/// HMAC-SHA256 of the address under the server's secret key, hex, 128 bits: enough to tell
/// clients apart for abuse handling, useless to recover an address without the key.
pub fn client_hash(secret: &Secret, ip: IpAddr) -> String {
    keyed_hex(secret, "client-address", ip.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().expect("ip");
        let req = TestRequest::default()
            .peer_addr("10.0.0.1:4000".parse().expect("addr"))
            .insert_header(("X-Forwarded-For", "6.6.6.6, 203.0.113.7"))
            .to_http_request();
        assert_eq!(client_ip(&req, &[proxy]), "203.0.113.7".parse().ok());
        assert_eq!(
            client_ip(&req, &[]),
            Some(proxy),
            "untrusted peer: header ignored"
        );
    }

    #[test]
    fn hashes_are_keyed_and_stable() {
        let ip: IpAddr = "203.0.113.7".parse().expect("ip");
        let a = client_hash(&Secret::new("key-one"), ip);
        assert_eq!(a, client_hash(&Secret::new("key-one"), ip));
        assert_ne!(a, client_hash(&Secret::new("key-two"), ip));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("203"));
    }
}
