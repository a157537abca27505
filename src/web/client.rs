//! Who is asking: the client address (trusting X-Forwarded-For only from our own proxies) and its
//! keyed hash, which is all we ever store of it.

use std::net::IpAddr;

use actix_web::HttpRequest;

use chrono::NaiveDateTime;

use crate::config::{Secret, Settings};
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

/// The token of `Bearer <token>`; the scheme is case-insensitive (RFC 9110 section 11.1).
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once([' ', '\t'])?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// HMAC-SHA256 of the address under the server's secret key and the current rotation period,
/// hex, 128 bits: enough to tell clients apart for rate limits and abuse review within a period,
/// useless to recover an address without the key, and unlinkable across periods.
pub fn client_hash(secret: &Secret, rotation_hours: u64, ip: IpAddr, at: NaiveDateTime) -> String {
    let period_secs = rotation_hours.max(1).saturating_mul(3600) as i64;
    let period = at.and_utc().timestamp().div_euclid(period_secs);
    keyed_hex(
        secret,
        &format!("client-address:{period}"),
        ip.to_string().as_bytes(),
    )
}

/// The keyed hash of the request's client, as every intake channel and sign-in record it.
pub fn client_key(req: &HttpRequest, settings: &Settings) -> Option<String> {
    client_ip(req, &settings.server.trusted_proxies).map(|ip| {
        client_hash(
            &settings.server.secret_key,
            settings.privacy.client_key_rotation_hours,
            ip,
            crate::storage::now(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token("Bearer desk_abc"), Some("desk_abc"));
        assert_eq!(bearer_token("bearer desk_abc"), Some("desk_abc"));
        assert_eq!(bearer_token("BEARER   desk_abc "), Some("desk_abc"));
        assert_eq!(bearer_token("Bearer\tdesk_abc"), Some("desk_abc"));
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Basic ZWQ6cHc="), None);
        assert_eq!(bearer_token("Bearerdesk_abc"), None);
    }
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
    fn hashes_are_keyed_stable_within_a_period_and_rotate() {
        let ip: IpAddr = "203.0.113.7".parse().expect("ip");
        let at = |h: u32, m: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(h, m, 0))
                .expect("time")
        };
        let one = Secret::new("key-one");
        let a = client_hash(&one, 24, ip, at(1, 0));
        assert_eq!(a, client_hash(&one, 24, ip, at(23, 59)), "same day");
        assert_ne!(a, client_hash(&Secret::new("key-two"), 24, ip, at(1, 0)));
        assert_eq!(a.len(), 32);
        assert!(!a.contains("203"));
        // Hourly rotation: another hour, another hash.
        assert_ne!(
            client_hash(&one, 1, ip, at(1, 0)),
            client_hash(&one, 1, ip, at(2, 0))
        );
        let next_day = at(1, 0) + chrono::Duration::days(1);
        assert_ne!(a, client_hash(&one, 24, ip, next_day));
    }
}
