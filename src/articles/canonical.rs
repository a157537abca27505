//! Canonical article URLs.
//!
//! Every report is tied to an article by its *canonical URL*, so that all
//! reports about one article group together, whichever link the reader
//! pasted (mobile or AMP variant, tracking parameters, stray fragment, odd
//! capitalisation, ...). This module is pure: no I/O, no global state.
//!
//! # Input
//!
//! * The input is trimmed first. Empty input is [`UrlError::Empty`].
//! * Input longer than [`MAX_URL_LEN`] characters (after trimming) is
//!   [`UrlError::TooLong`]; so is a result longer than that (percent-encoding
//!   can make a URL longer).
//! * Input without a scheme whose part before the first `/`, `?` or `#` looks
//!   like a host name (letters, digits, `-` and `.`, at least one dot and
//!   one letter, optionally `:port`), e.g. `www.example.com/world/story`, is
//!   read as `https://www.example.com/world/story`: readers often copy the
//!   address without the scheme. Anything else without a scheme is
//!   [`UrlError::Invalid`].
//! * Only `http` and `https` are accepted ([`UrlError::UnsupportedScheme`]
//!   names the scheme, lowercased, otherwise).
//! * A user name or password (`https://user:pw@host/`, `https://user@host/`)
//!   is [`UrlError::Credentials`].
//! * With [`HostCheck::PublisherOnly`] a host that is not one of the
//!   publisher's hosts is [`UrlError::NotPublisherHost`]. With
//!   [`HostCheck::AnyHost`] (reports about impersonating sites) every host is
//!   allowed, including IP addresses.
//!
//! # Canonical form
//!
//! * Scheme and host are lowercased; an internationalised host is converted
//!   to punycode (`bücher.example` → `xn--bcher-kva.example`); a trailing dot
//!   on the host is removed (`example.com.` → `example.com`). The scheme is
//!   kept as given: `http` stays `http`.
//! * The default port (80 for http, 443 for https) is dropped; other ports
//!   are kept.
//! * The fragment (`#...`) is dropped.
//! * Path: dot segments are resolved (`/a/./b/../c` → `/a/c`), repeated
//!   slashes collapsed (`//world///story` → `/world/story`), the trailing
//!   slash removed except for the root `/`; percent-escapes of unreserved
//!   characters are decoded (`%7E` → `~`, `%41` → `A`), the hex digits of the
//!   remaining escapes uppercased (`%2f` → `%2F`) and a lone `%` encoded as
//!   `%25`. Path case is preserved: paths are case-sensitive.
//! * Query: tracking parameters are removed (see below), as are pairs with
//!   an empty key; the remaining pairs are sorted by key, then value, and
//!   re-encoded as `application/x-www-form-urlencoded`, so `a=b c`, `a=b+c`
//!   and `a=b%20c` all become `a=b+c`. An empty query leaves no `?`.
//!
//! # Tracking parameters
//!
//! Query keys are compared case-insensitively (ASCII). A key is a tracking
//! parameter if it starts with one of [`TRACKING_PREFIXES`]:
//!
//! `utm_`
//!
//! or equals one of [`TRACKING_PARAMS`]:
//!
//! `fbclid`, `gclid`, `dclid`, `gbraid`, `wbraid`, `msclkid`, `mc_cid`,
//! `mc_eid`, `igshid`, `yclid`, `_ga`, `_gl`, `twclid`, `ttclid`,
//! `li_fat_id`, `s_cid`, `ocid`, `cmpid`, `ncid`, `mkt_tok`, `_hsenc`,
//! `_hsmi`, `vero_id`, `oly_enc_id`, `oly_anon_id`, `rb_clickid`, `sr_share`,
//! `__twitter_impression`, `spm`, `ref_src`, `ref_url`, `at_medium`,
//! `at_campaign`, `CMP`.
//!
//! # Publisher folding
//!
//! Only when the host is a publisher host (listed in [`UrlPolicy::new`]'s
//! `hosts`, or either side of a host alias):
//!
//! * Host aliases are applied (`m.example.com` → `www.example.com`). Chains
//!   (`a` → `b` → `c`) are resolved when the policy is built; in a cycle
//!   every member maps to its alphabetically smallest member.
//! * AMP path prefixes (only at a segment boundary: `/amp/world/story` →
//!   `/world/story`, but `/ampere` is untouched) and AMP path suffixes
//!   (`/world/story/amp` → `/world/story`) are stripped, repeatedly, until
//!   none applies; the root stays `/`. Affixes are matched literally and
//!   case-sensitively against the normalised path.
//! * AMP query parameters (e.g. `amp`, `outputType`) are removed, matched
//!   case-insensitively like tracking parameters.
//!
//! # Guarantees
//!
//! Canonicalisation is idempotent: canonicalising a canonical URL returns it
//! unchanged. The result contains no fragment, no tracking parameter and at
//! most [`MAX_URL_LEN`] characters (all ASCII).

use std::collections::{HashMap, HashSet};
use std::fmt;

use url::{Host, Url, form_urlencoded};

/// Longest URL accepted, in characters, before and after canonicalisation.
pub const MAX_URL_LEN: usize = 2048;

/// Query keys (compared case-insensitively) that only track the visitor and
/// never select content; they are removed from every URL.
pub const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "igshid",
    "yclid",
    "_ga",
    "_gl",
    "twclid",
    "ttclid",
    "li_fat_id",
    "s_cid",
    "ocid",
    "cmpid",
    "ncid",
    "mkt_tok",
    "_hsenc",
    "_hsmi",
    "vero_id",
    "oly_enc_id",
    "oly_anon_id",
    "rb_clickid",
    "sr_share",
    "__twitter_impression",
    "spm",
    "ref_src",
    "ref_url",
    "at_medium",
    "at_campaign",
    "CMP",
];

/// Query-key prefixes (compared case-insensitively) that mark tracking
/// parameters; every key starting with one of them is removed.
pub const TRACKING_PREFIXES: &[&str] = &["utm_"];

/// Whether the host part of a reader's URL must be one of the publisher's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostCheck {
    /// Refuse hosts that are not the publisher's.
    PublisherOnly,
    /// Allow any host (used for `impersonation` reports, which are about
    /// other sites); publisher folding still applies to publisher hosts.
    AnyHost,
}

/// Why a reader's URL was refused. The messages are shown to readers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// Nothing (or only whitespace) was entered.
    #[error("Enter the address (URL) of the article.")]
    Empty,
    /// Longer than [`MAX_URL_LEN`] characters, before or after canonicalisation.
    #[error("The address is too long: at most {max} characters.", max = MAX_URL_LEN)]
    TooLong,
    /// Not parseable as a web address.
    #[error("This does not look like a web address. Copy it from your browser's address bar.")]
    Invalid,
    /// A scheme other than http or https (lowercased, without the colon).
    #[error("Only http and https addresses can be reported (not \"{0}:\").")]
    UnsupportedScheme(String),
    /// The URL contains a user name and/or password.
    #[error("The address must not contain a user name or password.")]
    Credentials,
    /// The host (lowercase, punycode) is not one of the publisher's.
    #[error(
        "{0} is not one of our sites. If a site is pretending to be us, choose the category \"Impersonation\"."
    )]
    NotPublisherHost(String),
}

/// An article URL in canonical form (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CanonicalUrl {
    url: String,
    host: String,
    path: String,
}

impl CanonicalUrl {
    /// The whole canonical URL.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The canonical host (lowercase, punycode, no port), e.g. `www.example.com`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The canonical path, e.g. `/world/story`; `/` for the front page.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The whole canonical URL, by value.
    pub fn into_string(self) -> String {
        self.url
    }

    /// Stands for "no article address yet" (an email that named none): intake keeps such a report
    /// as `needs_url` under [`super::repo::AWAITING_ADDRESS_URL`]. No reader's link canonicalises
    /// to it (only http and https are accepted).
    pub fn awaiting_address() -> Self {
        Self {
            url: super::repo::AWAITING_ADDRESS_URL.to_string(),
            host: String::new(),
            path: String::new(),
        }
    }

    pub fn is_awaiting_address(&self) -> bool {
        self.url == super::repo::AWAITING_ADDRESS_URL
    }
}

impl fmt::Display for CanonicalUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// The publisher-specific part of canonicalisation: which hosts are ours and
/// how their mobile/AMP variants fold onto one URL.
#[derive(Debug, Clone, Default)]
pub struct UrlPolicy {
    /// Lowercase punycode; includes both sides of every alias.
    publisher_hosts: HashSet<String>,
    /// Alias host -> final canonical host (chains already resolved).
    aliases: HashMap<String, String>,
    amp_path_suffixes: Vec<String>,
    amp_path_prefixes: Vec<String>,
    amp_query_params: Vec<String>,
}

impl UrlPolicy {
    /// Builds a policy.
    ///
    /// * `hosts`: the publisher's own hosts (any case, may be IDN unicode;
    ///   stored as lowercase punycode without trailing dot).
    /// * `host_aliases`: alias host -> canonical host, e.g.
    ///   `("m.example.com", "www.example.com")`; both sides are normalised
    ///   like `hosts` and both count as publisher hosts.
    /// * `amp_path_suffixes`: e.g. `["/amp", "/amp.html"]`; stripped from the
    ///   end of the path.
    /// * `amp_path_prefixes`: e.g. `["/amp"]`; stripped from the start of the
    ///   path at a segment boundary.
    /// * `amp_query_params`: query keys that only mark an AMP/mobile variant,
    ///   e.g. `["amp", "outputType"]`; removed (case-insensitively).
    ///
    /// Empty entries are ignored, as are affixes that are only slashes.
    pub fn new(
        hosts: &[String],
        host_aliases: &[(String, String)],
        amp_path_suffixes: &[String],
        amp_path_prefixes: &[String],
        amp_query_params: &[String],
    ) -> Self {
        let mut publisher_hosts: HashSet<String> = hosts
            .iter()
            .map(|h| normalize_host(h))
            .filter(|h| !h.is_empty())
            .collect();

        let mut direct: HashMap<String, String> = HashMap::new();
        for (alias, target) in host_aliases {
            let (alias, target) = (normalize_host(alias), normalize_host(target));
            if alias.is_empty() || target.is_empty() {
                continue;
            }
            publisher_hosts.insert(alias.clone());
            publisher_hosts.insert(target.clone());
            direct.insert(alias, target);
        }
        // Resolve chains now so one lookup suffices and a canonical host is
        // never itself an alias (needed for idempotence).
        let aliases = direct
            .keys()
            .map(|alias| (alias.clone(), resolve_alias(&direct, alias)))
            .filter(|(alias, target)| alias != target)
            .collect();

        let amp_path_suffixes = amp_path_suffixes
            .iter()
            .filter_map(|s| normalize_affix(s, false))
            .collect();
        let amp_path_prefixes = amp_path_prefixes
            .iter()
            .filter_map(|s| normalize_affix(s, true))
            .collect();
        let amp_query_params = amp_query_params
            .iter()
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();

        Self {
            publisher_hosts,
            aliases,
            amp_path_suffixes,
            amp_path_prefixes,
            amp_query_params,
        }
    }

    /// Whether `host` (any case, IDN unicode or punycode, no port) is one of
    /// the publisher's hosts, including alias hosts and their targets.
    pub fn is_publisher_host(&self, host: &str) -> bool {
        let host = normalize_host(host);
        !host.is_empty() && self.publisher_hosts.contains(&host)
    }

    /// Canonicalises `raw` (see the module documentation for the rules).
    ///
    /// With [`HostCheck::PublisherOnly`] a host that is not the publisher's is
    /// refused; with [`HostCheck::AnyHost`] any host is allowed, and the
    /// publisher-specific folding (aliases, AMP rules) is applied only when
    /// the host is a publisher host.
    pub fn canonicalize(&self, raw: &str, check: HostCheck) -> Result<CanonicalUrl, UrlError> {
        let input = raw.trim();
        if input.is_empty() {
            return Err(UrlError::Empty);
        }
        if input.chars().count() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        let url = parse_http_url(input)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UrlError::Credentials);
        }

        let host = match url.host() {
            // The url crate reads a host as IPv4 only if its last label, ignoring one trailing
            // dot, is a number: `0x..` is a domain but `0x` is 0.0.0.0. So the host without its
            // dots is parsed again, or the canonical URL would not canonicalise to itself.
            Some(Host::Domain(domain)) => Host::parse(domain.trim_end_matches('.'))
                .map_err(|_| UrlError::Invalid)?
                .to_string(),
            Some(ip) => ip.to_string(),
            None => return Err(UrlError::Invalid),
        };
        if host.is_empty() {
            return Err(UrlError::Invalid);
        }
        let publisher = self.publisher_hosts.contains(&host);
        if !publisher && check == HostCheck::PublisherOnly {
            return Err(UrlError::NotPublisherHost(host));
        }

        let (host, path) = if publisher {
            let host = self.aliases.get(&host).cloned().unwrap_or(host);
            (host, self.strip_amp(normalize_path(url.path())))
        } else {
            (host, normalize_path(url.path()))
        };
        let query = self.canonical_query(&url, publisher);

        let mut out = format!("{}://{host}", url.scheme());
        if let Some(port) = url.port() {
            out.push_str(&format!(":{port}"));
        }
        out.push_str(&path);
        if !query.is_empty() {
            out.push('?');
            out.push_str(&query);
        }
        if out.chars().count() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        Ok(CanonicalUrl {
            url: out,
            host,
            path,
        })
    }

    /// Strips AMP prefixes/suffixes until none applies. A step is only taken
    /// if it makes the path strictly shorter, which guarantees termination
    /// even with odd configurations; the decision depends only on the path,
    /// so a second pass stops at the same place (idempotence).
    fn strip_amp(&self, mut path: String) -> String {
        while let Some(stripped) = self.strip_amp_once(&path) {
            let stripped = normalize_path(stripped);
            if stripped.len() >= path.len() {
                break;
            }
            path = stripped;
        }
        path
    }

    fn strip_amp_once<'p>(&self, path: &'p str) -> Option<&'p str> {
        for prefix in &self.amp_path_prefixes {
            if path == prefix {
                return Some("/");
            }
            if let Some(rest) = path.strip_prefix(prefix.as_str())
                && rest.starts_with('/')
            {
                return Some(rest);
            }
        }
        self.amp_path_suffixes
            .iter()
            .find_map(|suffix| path.strip_suffix(suffix.as_str()))
    }

    /// Whether a query key survives: not empty, not tracking, and (on
    /// publisher hosts) not an AMP marker.
    fn keep_query_key(&self, key: &str, publisher: bool) -> bool {
        let amp_marker = publisher
            && self
                .amp_query_params
                .iter()
                .any(|p| p.eq_ignore_ascii_case(key));
        !key.is_empty() && !is_tracking_key(key) && !amp_marker
    }

    fn canonical_query(&self, url: &Url, publisher: bool) -> String {
        let mut pairs: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, _)| self.keep_query_key(key, publisher))
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        pairs.sort();
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (key, value) in &pairs {
            serializer.append_pair(key, value);
        }
        serializer.finish()
    }
}

/// Whether a query key is a tracking parameter (see [`TRACKING_PARAMS`] and
/// [`TRACKING_PREFIXES`]).
fn is_tracking_key(key: &str) -> bool {
    TRACKING_PREFIXES.iter().any(|prefix| {
        key.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    }) || TRACKING_PARAMS
        .iter()
        .any(|param| param.eq_ignore_ascii_case(key))
}

/// Adds `https://` to scheme-less input that looks like `host/path`, checks
/// the scheme and parses.
fn parse_http_url(input: &str) -> Result<Url, UrlError> {
    let with_scheme;
    let candidate = if looks_like_bare_host(input) {
        with_scheme = format!("https://{input}");
        with_scheme.as_str()
    } else {
        input
    };
    let scheme = scheme_of(candidate)
        .ok_or(UrlError::Invalid)?
        .to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(UrlError::UnsupportedScheme(scheme));
    }
    let url = Url::parse(candidate).map_err(|_| UrlError::Invalid)?;
    // Url::parse may still normalise the scheme differently (e.g. it drops
    // tabs inside it); never let anything but http(s) through.
    match url.scheme() {
        "http" | "https" => Ok(url),
        _ => Err(UrlError::Invalid),
    }
}

/// The RFC 3986 scheme before the first `:`, if the input starts with one.
fn scheme_of(input: &str) -> Option<&str> {
    let (scheme, _) = input.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Whether scheme-less input starts with something like `www.example.com`
/// or `www.example.com:8080`. Checked before the scheme, because
/// `www.example.com:8080/x` would otherwise parse as scheme `www.example.com`.
fn looks_like_bare_host(input: &str) -> bool {
    let end = input.find(['/', '?', '#', '\\']).unwrap_or(input.len());
    let authority = &input[..end];
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let port_ok =
        port.is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok
        && host.contains('.')
        && host.chars().any(char::is_alphabetic)
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

/// Normalises a configured host the way the `url` crate normalises a URL's
/// host (lowercase, punycode, IPv4/IPv6 forms), minus the trailing dot.
fn normalize_host(host: &str) -> String {
    let host = host.trim();
    let normalized = match Host::parse(host) {
        Ok(parsed) => parsed.to_string(),
        // Unparseable config entries can never equal a parsed URL host;
        // keep them lowercased rather than failing the whole policy.
        Err(_) => host.to_lowercase(),
    };
    normalized.trim_end_matches('.').to_owned()
}

/// Follows alias links from `start` to the final host. In a cycle, every
/// member resolves to the smallest member so all of them agree.
fn resolve_alias(direct: &HashMap<String, String>, start: &str) -> String {
    let mut chain: Vec<&str> = vec![start];
    let mut current = start;
    while let Some(next) = direct.get(current) {
        if let Some(pos) = chain.iter().position(|h| *h == next.as_str()) {
            let smallest = chain[pos..].iter().copied().min().unwrap_or(next);
            return smallest.to_owned();
        }
        chain.push(next);
        current = next;
    }
    current.to_owned()
}

/// Normalises a configured AMP affix like a path, so it can match a
/// normalised path. Prefixes are anchored at `/`. `None` if nothing is left.
fn normalize_affix(affix: &str, is_prefix: bool) -> Option<String> {
    let affix = affix.trim();
    let mut out = String::new();
    if is_prefix || affix.starts_with('/') {
        for segment in affix.split('/').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(&normalize_percent(segment));
        }
    } else {
        out = normalize_percent(affix.trim_end_matches('/'));
    }
    (!out.is_empty()).then_some(out)
}

/// Normalises a path already serialised by the `url` crate: collapses empty
/// segments (repeated and trailing slashes), normalises percent-escapes and
/// resolves any dot segments that decoding exposed. Returns `/` if empty.
fn normalize_path(path: &str) -> String {
    let mut segments: Vec<String> = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let segment = normalize_percent(segment);
        match segment.as_str() {
            "." => {}
            ".." => {
                segments.pop();
            }
            _ => segments.push(segment),
        }
    }
    if segments.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(path.len());
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    out
}

/// Decodes escapes of unreserved characters (RFC 3986: ALPHA DIGIT `-._~`),
/// uppercases the hex digits of the other escapes and encodes a lone `%` as
/// `%25` (otherwise `%%34%31` would decode to `%41`, which a second pass
/// would decode again).
fn normalize_percent(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte != b'%' {
            out.push(byte);
            i += 1;
            continue;
        }
        let hex = |j: usize| bytes.get(j).and_then(|b| char::from(*b).to_digit(16));
        match (hex(i + 1), hex(i + 2)) {
            (Some(high), Some(low)) => {
                // Both digits are < 16, so this fits in a byte.
                let decoded = (high * 16 + low) as u8;
                if decoded.is_ascii_alphanumeric() || matches!(decoded, b'-' | b'.' | b'_' | b'~') {
                    out.push(decoded);
                } else {
                    out.extend_from_slice(format!("%{decoded:02X}").as_bytes());
                }
                i += 3;
            }
            _ => {
                out.extend_from_slice(b"%25");
                i += 1;
            }
        }
    }
    // Only ASCII sequences were replaced by ASCII, so this stays valid UTF-8.
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    fn policy() -> UrlPolicy {
        UrlPolicy::new(
            &strings(&["WWW.Example.COM", "Bücher.example", "news.test."]),
            &[
                ("m.example.com".into(), "www.example.com".into()),
                ("example.com".into(), "www.example.com".into()),
                ("amp.example.com".into(), "www.example.com".into()),
            ],
            &strings(&["/amp", "/amp.html"]),
            &strings(&["/amp"]),
            &strings(&["amp", "outputType"]),
        )
    }

    fn canon(raw: &str) -> Result<String, UrlError> {
        policy()
            .canonicalize(raw, HostCheck::PublisherOnly)
            .map(CanonicalUrl::into_string)
    }

    fn canon_any(raw: &str) -> Result<String, UrlError> {
        policy()
            .canonicalize(raw, HostCheck::AnyHost)
            .map(CanonicalUrl::into_string)
    }

    fn ok(s: &str) -> Result<String, UrlError> {
        Ok(s.to_owned())
    }

    // ---- examples from the specification ----

    #[test]
    fn full_example() {
        assert_eq!(
            canon("HTTPS://WWW.Example.COM:443/World/Story/?utm_source=x&b=2&a=1#top"),
            ok("https://www.example.com/World/Story?a=1&b=2")
        );
    }

    #[test]
    fn mobile_amp_example() {
        assert_eq!(
            canon("https://m.example.com/world/story/amp?amp=1"),
            ok("https://www.example.com/world/story")
        );
    }

    // ---- errors ----

    #[test]
    fn empty_input() {
        assert_eq!(canon(""), Err(UrlError::Empty));
        assert_eq!(canon("   "), Err(UrlError::Empty));
        assert_eq!(canon("\t\n "), Err(UrlError::Empty));
    }

    #[test]
    fn too_long_input() {
        let base = "https://www.example.com/";
        let exact = format!("{base}{}", "a".repeat(MAX_URL_LEN - base.len()));
        assert_eq!(exact.len(), MAX_URL_LEN);
        assert_eq!(canon(&exact), Ok(exact.clone()));
        let long = format!("{exact}b");
        assert_eq!(long.len(), 2049);
        assert_eq!(canon(&long), Err(UrlError::TooLong));
        // Surrounding whitespace does not count.
        assert_eq!(canon(&format!("  {exact}  ")), Ok(exact));
    }

    #[test]
    fn too_long_result() {
        // 700 characters in, but each "ü" becomes "%C3%BC" (6 characters).
        let raw = format!("https://www.example.com/{}", "ü".repeat(700));
        assert!(raw.chars().count() < MAX_URL_LEN);
        assert_eq!(canon(&raw), Err(UrlError::TooLong));
    }

    #[test]
    fn invalid_input() {
        for raw in [
            "not a url",
            "story",
            "https://",
            "http://exa mple.com/",
            "https://[::1/x",
            "//www.example.com/x",
            "/world/story",
            "https//www.example.com/x",
            "3.14",
            "https://./x",
        ] {
            assert_eq!(canon_any(raw), Err(UrlError::Invalid), "{raw:?}");
        }
    }

    #[test]
    fn unsupported_scheme() {
        assert_eq!(
            canon("javascript:alert(1)"),
            Err(UrlError::UnsupportedScheme("javascript".into()))
        );
        assert_eq!(
            canon("ftp://example.com/x"),
            Err(UrlError::UnsupportedScheme("ftp".into()))
        );
        assert_eq!(
            canon("FTP://example.com/x"),
            Err(UrlError::UnsupportedScheme("ftp".into()))
        );
        assert_eq!(
            canon_any("mailto:editor@example.com"),
            Err(UrlError::UnsupportedScheme("mailto".into()))
        );
        assert_eq!(
            canon_any("file:///etc/passwd"),
            Err(UrlError::UnsupportedScheme("file".into()))
        );
        assert_eq!(
            canon_any("data:text/html,hi"),
            Err(UrlError::UnsupportedScheme("data".into()))
        );
    }

    #[test]
    fn credentials_rejected() {
        for raw in [
            "https://user:pw@example.com/",
            "https://user@www.example.com/x",
            "https://:pw@www.example.com/x",
            "http://user:pw@evil.test/",
        ] {
            assert_eq!(canon_any(raw), Err(UrlError::Credentials), "{raw:?}");
        }
    }

    #[test]
    fn not_publisher_host() {
        assert_eq!(
            canon("https://evil.test/x"),
            Err(UrlError::NotPublisherHost("evil.test".into()))
        );
        assert_eq!(canon_any("https://evil.test/x"), ok("https://evil.test/x"));
        // Look-alike subdomains and suffixes are other sites.
        assert_eq!(
            canon("https://www.example.com.evil.test/x"),
            Err(UrlError::NotPublisherHost(
                "www.example.com.evil.test".into()
            ))
        );
        assert_eq!(
            canon("https://EVIL.test./x"),
            Err(UrlError::NotPublisherHost("evil.test".into()))
        );
    }

    #[test]
    fn numeric_hosts_with_trailing_dots() {
        // Found by numeric_and_dotted_hosts_are_idempotent: with both dots removed `0x..`
        // became `0x`, which reads as 0.0.0.0 (and `0x1.99999999..` as no valid address).
        assert_eq!(canon_any("https://0x../x"), ok("https://0.0.0.0/x"));
        assert_eq!(canon_any("https://01.2.3.4../x"), ok("https://1.2.3.4/x"));
        assert_eq!(canon_any("https://1.2.3.4./x"), ok("https://1.2.3.4/x"));
        assert_eq!(
            canon_any("https://0x1.99999999../x"),
            Err(UrlError::Invalid)
        );
        // `a.0x` ends in a number but is no IPv4 address: it never parses.
        assert_eq!(canon_any("https://a.0x../x"), Err(UrlError::Invalid));
        assert_eq!(canon_any("https://a.0x/x"), Err(UrlError::Invalid));
        assert_eq!(canon_any("https://a.b../x"), ok("https://a.b/x"));
    }

    #[test]
    fn default_policy_has_no_publisher_hosts() {
        let policy = UrlPolicy::default();
        assert_eq!(
            policy.canonicalize("https://www.example.com/", HostCheck::PublisherOnly),
            Err(UrlError::NotPublisherHost("www.example.com".into()))
        );
        assert_eq!(
            policy
                .canonicalize("https://www.example.com/amp/x/", HostCheck::AnyHost)
                .map(CanonicalUrl::into_string),
            ok("https://www.example.com/amp/x")
        );
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            UrlError::TooLong.to_string(),
            "The address is too long: at most 2048 characters."
        );
        assert_eq!(
            UrlError::UnsupportedScheme("ftp".into()).to_string(),
            "Only http and https addresses can be reported (not \"ftp:\")."
        );
        assert_eq!(
            UrlError::NotPublisherHost("evil.test".into()).to_string(),
            "evil.test is not one of our sites. If a site is pretending to be us, \
             choose the category \"Impersonation\"."
        );
        for error in [UrlError::Empty, UrlError::Invalid, UrlError::Credentials] {
            assert!(error.to_string().ends_with('.'));
        }
    }

    // ---- scheme-less input ----

    #[test]
    fn scheme_less_input_gets_https() {
        assert_eq!(
            canon("www.example.com/world/story"),
            ok("https://www.example.com/world/story")
        );
        assert_eq!(canon("Example.com"), ok("https://www.example.com/"));
        assert_eq!(
            canon("www.example.com:8080/x?utm_source=a"),
            ok("https://www.example.com:8080/x")
        );
        assert_eq!(
            canon("bücher.example/x"),
            ok("https://xn--bcher-kva.example/x")
        );
        assert_eq!(
            canon("  m.example.com/world?b=1&a=2#x "),
            ok("https://www.example.com/world?a=2&b=1")
        );
    }

    // ---- scheme, host and port ----

    #[test]
    fn scheme_is_lowercased_but_kept() {
        assert_eq!(
            canon("HTTP://www.example.com/x"),
            ok("http://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com/x"),
            ok("https://www.example.com/x")
        );
    }

    #[test]
    fn default_ports_dropped_others_kept() {
        assert_eq!(
            canon("http://www.example.com:80/x"),
            ok("http://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com:443/x"),
            ok("https://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com:8443/x"),
            ok("https://www.example.com:8443/x")
        );
        assert_eq!(
            canon("http://www.example.com:443/x"),
            ok("http://www.example.com:443/x")
        );
        assert_eq!(
            canon("https://m.example.com:8443/x"),
            ok("https://www.example.com:8443/x")
        );
    }

    #[test]
    fn host_lowercased_idn_and_trailing_dot() {
        assert_eq!(
            canon("https://WWW.EXAMPLE.COM/"),
            ok("https://www.example.com/")
        );
        assert_eq!(
            canon("https://www.example.com./x"),
            ok("https://www.example.com/x")
        );
        assert_eq!(canon("https://news.test/x"), ok("https://news.test/x"));
        let c = policy()
            .canonicalize("https://BÜCHER.example/Buch", HostCheck::PublisherOnly)
            .unwrap();
        assert_eq!(c.as_str(), "https://xn--bcher-kva.example/Buch");
        assert_eq!(c.host(), "xn--bcher-kva.example");
    }

    #[test]
    fn publisher_hosts() {
        let p = policy();
        for host in [
            "www.example.com",
            "WWW.EXAMPLE.COM",
            "www.example.com.",
            "m.example.com",
            "example.com",
            "bücher.example",
            "BÜCHER.example",
            "xn--bcher-kva.example",
            "news.test",
        ] {
            assert!(p.is_publisher_host(host), "{host}");
        }
        for host in [
            "evil.test",
            "",
            "example.org",
            "www.example.com:443",
            "127.0.0.1",
        ] {
            assert!(!p.is_publisher_host(host), "{host}");
        }
    }

    #[test]
    fn ip_hosts_only_with_any_host() {
        assert_eq!(
            canon("http://127.0.0.1:8080/x"),
            Err(UrlError::NotPublisherHost("127.0.0.1".into()))
        );
        assert_eq!(
            canon_any("http://127.0.0.1:8080/x/"),
            ok("http://127.0.0.1:8080/x")
        );
        assert_eq!(canon_any("http://[::1]/x"), ok("http://[::1]/x"));
        let listed = UrlPolicy::new(
            &strings(&["192.0.2.1", "[2001:db8::1]"]),
            &[],
            &[],
            &[],
            &[],
        );
        assert!(listed.is_publisher_host("192.0.2.1"));
        assert_eq!(
            listed
                .canonicalize("https://[2001:DB8::1]/x", HostCheck::PublisherOnly)
                .map(CanonicalUrl::into_string),
            ok("https://[2001:db8::1]/x")
        );
    }

    // ---- fragment and query ----

    #[test]
    fn fragment_dropped() {
        assert_eq!(
            canon("https://www.example.com/x#top"),
            ok("https://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com/x#"),
            ok("https://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com/x?a=1#b=2"),
            ok("https://www.example.com/x?a=1")
        );
    }

    #[test]
    fn tracking_params_removed_case_insensitively() {
        assert_eq!(
            canon(
                "https://www.example.com/x?UTM_Source=a&utm_medium=b&FBCLID=c&gclid=d&cmp=e&CMP=f\
                 &__twitter_impression=true&_ga=1&id=7&Mc_Cid=2"
            ),
            ok("https://www.example.com/x?id=7")
        );
        // Only whole keys (or the utm_ prefix) count.
        assert_eq!(
            canon("https://www.example.com/x?fbclid2=1&xutm_source=2&utm=3"),
            ok("https://www.example.com/x?fbclid2=1&utm=3&xutm_source=2")
        );
        for key in TRACKING_PARAMS {
            assert!(is_tracking_key(key));
            assert!(is_tracking_key(&key.to_ascii_uppercase()));
        }
        assert!(is_tracking_key("utm_"));
        assert!(is_tracking_key("Utm_Whatever"));
        assert!(!is_tracking_key("utm"));
        assert!(!is_tracking_key("ü"));
    }

    #[test]
    fn tracking_params_removed_on_any_host() {
        assert_eq!(
            canon_any("https://evil.test/x?utm_source=a&q=1&amp=1"),
            ok("https://evil.test/x?amp=1&q=1")
        );
    }

    #[test]
    fn query_sorted_and_reencoded() {
        assert_eq!(
            canon("https://www.example.com/x?b=2&a=2&a=1&c"),
            ok("https://www.example.com/x?a=1&a=2&b=2&c=")
        );
        let expected = ok("https://www.example.com/x?a=b+c");
        assert_eq!(canon("https://www.example.com/x?a=b c"), expected);
        assert_eq!(canon("https://www.example.com/x?a=b+c"), expected);
        assert_eq!(canon("https://www.example.com/x?a=b%20c"), expected);
        assert_eq!(
            canon("https://www.example.com/x?q=%7e%2B%c3%bc"),
            ok("https://www.example.com/x?q=%7E%2B%C3%BC")
        );
        assert_eq!(
            canon("https://www.example.com/x?q=ü"),
            ok("https://www.example.com/x?q=%C3%BC")
        );
    }

    #[test]
    fn empty_query_and_empty_keys() {
        assert_eq!(
            canon("https://www.example.com/x?"),
            ok("https://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com/x?&&"),
            ok("https://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com/x?utm_source=a&fbclid=b"),
            ok("https://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com/x?=1&a=2&=&"),
            ok("https://www.example.com/x?a=2")
        );
    }

    // ---- path ----

    #[test]
    fn repeated_and_trailing_slashes() {
        assert_eq!(
            canon("https://www.example.com//world///story"),
            ok("https://www.example.com/world/story")
        );
        assert_eq!(
            canon("https://www.example.com/world/story///"),
            ok("https://www.example.com/world/story")
        );
        assert_eq!(
            canon("https://www.example.com"),
            ok("https://www.example.com/")
        );
        assert_eq!(
            canon("https://www.example.com/"),
            ok("https://www.example.com/")
        );
        assert_eq!(
            canon("https://www.example.com///"),
            ok("https://www.example.com/")
        );
    }

    #[test]
    fn dot_segments_resolved() {
        assert_eq!(
            canon("https://www.example.com/a/b/../c/./d"),
            ok("https://www.example.com/a/c/d")
        );
        assert_eq!(
            canon("https://www.example.com/a/%2e%2E/b/%2E"),
            ok("https://www.example.com/b")
        );
        assert_eq!(
            canon("https://www.example.com/../../x"),
            ok("https://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com/a\\b"),
            ok("https://www.example.com/a/b")
        );
    }

    #[test]
    fn percent_encoding_normalised() {
        assert_eq!(
            canon("https://www.example.com/%7Euser/%41bc%2d%5f%2E"),
            ok("https://www.example.com/~user/Abc-_.")
        );
        assert_eq!(
            canon("https://www.example.com/a%2fb%c3%bc"),
            ok("https://www.example.com/a%2Fb%C3%BC")
        );
        assert_eq!(
            canon("https://www.example.com/büro story"),
            ok("https://www.example.com/b%C3%BCro%20story")
        );
        assert_eq!(
            canon("https://www.example.com/100%/%%34%31/%zz"),
            ok("https://www.example.com/100%25/%2541/%25zz")
        );
        assert_eq!(normalize_percent("%7e%7E~"), "~~~");
    }

    #[test]
    fn path_case_preserved() {
        assert_eq!(
            canon("https://www.example.com/World/STORY"),
            ok("https://www.example.com/World/STORY")
        );
        assert_ne!(
            canon("https://www.example.com/World"),
            canon("https://www.example.com/world")
        );
    }

    // ---- publisher folding ----

    #[test]
    fn host_aliases_applied() {
        for raw in [
            "https://m.example.com/world/story",
            "https://example.com/world/story",
            "https://AMP.example.com./world/story/",
            "https://www.example.com/world/story",
        ] {
            assert_eq!(
                canon(raw),
                ok("https://www.example.com/world/story"),
                "{raw}"
            );
        }
        // Folding also applies with AnyHost when the host is ours.
        assert_eq!(
            canon_any("https://m.example.com/amp/world"),
            ok("https://www.example.com/world")
        );
    }

    #[test]
    fn alias_chains_and_cycles() {
        let chain = UrlPolicy::new(
            &[],
            &[
                ("a.test".into(), "b.test".into()),
                ("b.test".into(), "C.test".into()),
            ],
            &[],
            &[],
            &[],
        );
        for host in ["a.test", "b.test", "c.test"] {
            let c = chain
                .canonicalize(&format!("https://{host}/x"), HostCheck::PublisherOnly)
                .unwrap();
            assert_eq!(c.host(), "c.test");
        }
        let cycle = UrlPolicy::new(
            &[],
            &[
                ("b.test".into(), "a.test".into()),
                ("a.test".into(), "c.test".into()),
                ("c.test".into(), "b.test".into()),
                ("d.test".into(), "c.test".into()),
            ],
            &[],
            &[],
            &[],
        );
        for host in ["a.test", "b.test", "c.test", "d.test"] {
            let c = cycle
                .canonicalize(&format!("https://{host}/x"), HostCheck::PublisherOnly)
                .unwrap();
            assert_eq!(c.host(), "a.test", "{host}");
        }
    }

    #[test]
    fn amp_suffixes_stripped() {
        assert_eq!(
            canon("https://www.example.com/world/story/amp"),
            ok("https://www.example.com/world/story")
        );
        assert_eq!(
            canon("https://www.example.com/world/story/amp.html/"),
            ok("https://www.example.com/world/story")
        );
        assert_eq!(
            canon("https://www.example.com/world/camp"),
            ok("https://www.example.com/world/camp")
        );
        assert_eq!(
            canon("https://www.example.com/amp"),
            ok("https://www.example.com/")
        );
    }

    #[test]
    fn amp_prefixes_stripped_at_segment_boundary() {
        assert_eq!(
            canon("https://www.example.com/amp/world/story"),
            ok("https://www.example.com/world/story")
        );
        assert_eq!(
            canon("https://www.example.com/ampere/world"),
            ok("https://www.example.com/ampere/world")
        );
        assert_eq!(
            canon("https://www.example.com//amp//world"),
            ok("https://www.example.com/world")
        );
        assert_eq!(
            canon("https://www.example.com/amp/amp/x/amp/amp.html/amp"),
            ok("https://www.example.com/x")
        );
        assert_eq!(
            canon("https://www.example.com/amp/amp/"),
            ok("https://www.example.com/")
        );
        // Paths are case-sensitive, so are the affixes.
        assert_eq!(
            canon("https://www.example.com/AMP/x"),
            ok("https://www.example.com/AMP/x")
        );
    }

    #[test]
    fn amp_query_params_removed() {
        assert_eq!(
            canon("https://www.example.com/x?outputtype=amp&AMP&id=1"),
            ok("https://www.example.com/x?id=1")
        );
    }

    #[test]
    fn no_folding_for_other_hosts() {
        assert_eq!(
            canon_any("https://evil.test/amp/story/amp?amp=1&outputType=amp"),
            ok("https://evil.test/amp/story/amp?amp=1&outputType=amp")
        );
    }

    #[test]
    fn affix_configuration_is_normalised() {
        let p = UrlPolicy::new(
            &strings(&["www.example.com"]),
            &[],
            &strings(&["", "/", ".amp.html", "/%61mp/"]),
            &strings(&["amp//", "  ", "///"]),
            &strings(&["", " amp "]),
        );
        let c = |raw: &str| {
            p.canonicalize(raw, HostCheck::PublisherOnly)
                .map(CanonicalUrl::into_string)
        };
        assert_eq!(
            c("https://www.example.com/story.amp.html"),
            ok("https://www.example.com/story")
        );
        assert_eq!(
            c("https://www.example.com/story/amp"),
            ok("https://www.example.com/story")
        );
        assert_eq!(
            c("https://www.example.com/amp/story?amp=1"),
            ok("https://www.example.com/story")
        );
        assert_eq!(
            c("https://www.example.com/x/"),
            ok("https://www.example.com/x")
        );
    }

    #[test]
    fn pathological_affixes_terminate() {
        // Stripping "5" then re-encoding the lone "%" could cycle forever.
        let p = UrlPolicy::new(
            &strings(&["www.example.com"]),
            &[],
            &strings(&["5", "2", "F"]),
            &[],
            &[],
        );
        let first = p
            .canonicalize("https://www.example.com/a%2F", HostCheck::PublisherOnly)
            .unwrap();
        let second = p
            .canonicalize(first.as_str(), HostCheck::PublisherOnly)
            .unwrap();
        assert_eq!(first, second);
    }

    // ---- CanonicalUrl ----

    #[test]
    fn canonical_url_accessors() {
        let c = policy()
            .canonicalize(
                "https://m.example.com:8443/World/story/?b=1",
                HostCheck::PublisherOnly,
            )
            .unwrap();
        assert_eq!(c.as_str(), "https://www.example.com:8443/World/story?b=1");
        assert_eq!(c.host(), "www.example.com");
        assert_eq!(c.path(), "/World/story");
        assert_eq!(c.to_string(), c.as_str());
        assert_eq!(c.clone().into_string(), c.as_str());
        let root = policy()
            .canonicalize("example.com", HostCheck::PublisherOnly)
            .unwrap();
        assert_eq!(root.path(), "/");
    }

    #[test]
    fn module_doc_lists_every_tracking_param() {
        let source = include_str!("canonical.rs");
        let doc: String = source
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        for key in TRACKING_PARAMS.iter().chain(TRACKING_PREFIXES) {
            assert!(
                doc.contains(&format!("`{key}`")),
                "{key} missing from module doc"
            );
        }
    }

    // ---- property tests ----

    const HOSTS: &[&str] = &[
        "www.example.com",
        "WWW.Example.Com",
        "www.example.com.",
        "example.com",
        "m.example.com",
        "amp.example.com",
        "bücher.example",
        "BÜCHER.example",
        "xn--bcher-kva.example",
        "news.test",
        "evil.test",
        "127.0.0.1",
        "[::1]",
    ];

    const SEGMENTS: &[&str] = &[
        "world",
        "Story",
        "amp",
        "amp.html",
        "ampere",
        "..",
        ".",
        "",
        "%7E",
        "%7e",
        "%41",
        "%2F",
        "%2f",
        "%2E",
        "%",
        "%%34%31",
        "x%2",
        "a b",
        "ü",
        "index.html",
        "~user",
        "a;b",
        "%C3%BC",
    ];

    const KEYS: &[&str] = &[
        "a",
        "b",
        "B",
        "id",
        "q",
        "amp",
        "AMP",
        "outputType",
        "outputtype",
        "",
        "x y",
        "k+1",
        "%61",
        "ü",
        "utm",
        "fbclid2",
    ];

    const VALUES: &[&str] = &[
        "", "1", "2", "a b", "a+b", "a%20b", "%7E", "ü", "=", "%", "%zz", "x?y",
    ];

    fn random_case(s: &str, flips: &[bool]) -> String {
        s.chars()
            .zip(flips.iter().copied().chain(std::iter::repeat(false)))
            .map(|(c, flip)| {
                if flip {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    }

    /// A tracking key in random case: a listed one or `utm_` + something.
    fn tracking_key() -> impl Strategy<Value = String> {
        let listed = prop::sample::select(TRACKING_PARAMS).prop_map(str::to_owned);
        let prefixed = "[a-z_]{0,8}".prop_map(|rest| format!("utm_{rest}"));
        (
            prop_oneof![listed, prefixed],
            prop::collection::vec(any::<bool>(), 24),
        )
            .prop_map(|(key, flips)| random_case(&key, &flips))
    }

    fn pair() -> impl Strategy<Value = (String, String)> {
        (prop::sample::select(KEYS), prop::sample::select(VALUES))
            .prop_map(|(k, v)| (k.to_owned(), v.to_owned()))
    }

    fn tracking_pair() -> impl Strategy<Value = (String, String)> {
        (tracking_key(), prop::sample::select(VALUES)).prop_map(|(k, v)| (k, v.to_owned()))
    }

    /// URL pieces: everything before the query, the query pairs, the fragment.
    #[derive(Debug, Clone)]
    struct Parts {
        base: String,
        pairs: Vec<(String, String)>,
        fragment: Option<String>,
    }

    impl Parts {
        fn render(&self) -> String {
            let mut url = self.base.clone();
            if !self.pairs.is_empty() {
                let query: Vec<String> =
                    self.pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                url.push('?');
                url.push_str(&query.join("&"));
            }
            if let Some(fragment) = &self.fragment {
                url.push('#');
                url.push_str(fragment);
            }
            url
        }
    }

    fn parts() -> impl Strategy<Value = Parts> {
        let scheme = prop::sample::select(&["http://", "https://", "HTTPS://", "HtTp://", ""][..]);
        let port = prop::sample::select(&["", ":80", ":443", ":8080"][..]);
        let segments = prop::collection::vec(prop::sample::select(SEGMENTS), 0..6);
        let pairs = prop::collection::vec(prop_oneof![3 => pair(), 1 => tracking_pair()], 0..5);
        let fragment = prop::option::of(prop::sample::select(&["top", "", "a#b", "x?y=1"][..]));
        (
            scheme,
            prop::sample::select(HOSTS),
            port,
            segments,
            any::<bool>(),
            pairs,
            fragment,
        )
            .prop_map(
                |(scheme, host, port, segments, trailing, pairs, fragment)| {
                    let mut base = format!("{scheme}{host}{port}");
                    for segment in segments {
                        base.push('/');
                        base.push_str(segment);
                    }
                    if trailing {
                        base.push('/');
                    }
                    Parts {
                        base,
                        pairs,
                        fragment: fragment.map(str::to_owned),
                    }
                },
            )
    }

    fn check() -> impl Strategy<Value = HostCheck> {
        prop_oneof![Just(HostCheck::PublisherOnly), Just(HostCheck::AnyHost)]
    }

    fn assert_clean(c: &CanonicalUrl) {
        let s = c.as_str();
        assert!(!s.contains('#'), "{s}");
        assert!(s.chars().count() <= MAX_URL_LEN, "{s}");
        assert!(s.is_ascii(), "{s}");
        assert!(s.starts_with("http://") || s.starts_with("https://"), "{s}");
        assert!(!s.ends_with('?'), "{s}");
        assert!(
            !s.chars().any(|ch| ch.is_control() || ch.is_whitespace()),
            "{s}"
        );
        let url = Url::parse(s).unwrap();
        // Already in the url crate's own serialisation: nothing left for it to normalise.
        assert_eq!(url.as_str(), s);
        assert_eq!(url.host_str(), Some(c.host()), "{s}");
        assert_eq!(url.path(), c.path(), "{s}");
        for (key, _) in url.query_pairs() {
            assert!(!is_tracking_key(&key), "{s}");
            assert!(!key.is_empty(), "{s}");
        }
        assert!(c.path().starts_with('/'));
        assert!(c.path() == "/" || !c.path().ends_with('/'), "{s}");
        assert!(!c.path().contains("//"), "{s}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn idempotent_on_generated_urls(parts in parts(), check in check()) {
            let p = policy();
            if let Ok(first) = p.canonicalize(&parts.render(), check) {
                assert_clean(&first);
                let second = p.canonicalize(first.as_str(), check);
                prop_assert_eq!(second, Ok(first));
            }
        }

        #[test]
        fn publisher_urls_are_accepted(parts in parts()) {
            let p = policy();
            let raw = parts.render();
            if let Ok(c) = p.canonicalize(&raw, HostCheck::AnyHost) {
                let publisher = p.is_publisher_host(c.host());
                let only = p.canonicalize(&raw, HostCheck::PublisherOnly);
                if publisher {
                    prop_assert_eq!(only, Ok(c));
                } else {
                    prop_assert_eq!(only, Err(UrlError::NotPublisherHost(c.host().to_owned())));
                }
            }
        }

        #[test]
        fn tracking_params_never_matter(
            parts in parts(),
            extra in prop::collection::vec((tracking_pair(), any::<prop::sample::Index>()), 1..4),
            check in check(),
        ) {
            let p = policy();
            let mut with_tracking = parts.clone();
            for (pair, index) in extra {
                let at = index.index(with_tracking.pairs.len() + 1);
                with_tracking.pairs.insert(at, pair);
            }
            prop_assert_eq!(
                p.canonicalize(&with_tracking.render(), check),
                p.canonicalize(&parts.render(), check)
            );
        }

        #[test]
        fn fragment_never_matters(
            parts in parts(),
            fragment in "[a-zA-Z0-9?=&/#%]{0,12}",
            check in check(),
        ) {
            let p = policy();
            let mut with_fragment = parts.clone();
            with_fragment.fragment = Some(fragment);
            let mut without = parts;
            without.fragment = None;
            prop_assert_eq!(
                p.canonicalize(&with_fragment.render(), check),
                p.canonicalize(&without.render(), check)
            );
        }

        #[test]
        fn query_order_never_matters(
            (parts, shuffled) in parts().prop_flat_map(|parts| {
                let pairs = parts.pairs.clone();
                (Just(parts), Just(pairs).prop_shuffle())
            }),
            check in check(),
        ) {
            let p = policy();
            let mut reordered = parts.clone();
            reordered.pairs = shuffled;
            prop_assert_eq!(
                p.canonicalize(&reordered.render(), check),
                p.canonicalize(&parts.render(), check)
            );
        }

        #[test]
        fn arbitrary_input_never_panics_and_is_idempotent(raw in "\\PC{0,40}", check in check()) {
            let p = policy();
            if let Ok(first) = p.canonicalize(&raw, check) {
                assert_clean(&first);
                prop_assert_eq!(p.canonicalize(first.as_str(), check), Ok(first));
            }
        }

        #[test]
        fn url_like_input_never_panics_and_is_idempotent(
            raw in "(https?://|HTTP://|)[a-zA-Z0-9.:@\\[\\]%ü-]{0,20}(/[a-zA-Z0-9.%~;ü -]{0,8}){0,4}(\\?[a-zA-Z0-9_=&+%ü ]{0,20})?(#.{0,5})?",
            check in check(),
        ) {
            let p = policy();
            if let Ok(first) = p.canonicalize(&raw, check) {
                assert_clean(&first);
                prop_assert_eq!(p.canonicalize(first.as_str(), check), Ok(first));
            }
        }

        /// Hosts the url crate reads as numbers (IPv4 in decimal, octal, hex, fewer parts),
        /// with trailing dots, which are removed after parsing.
        #[test]
        fn numeric_and_dotted_hosts_are_idempotent(
            host in "((0x[0-9a-fA-F]{0,3}|0[0-7]{0,4}|[0-9]{1,4}|[a-z]{1,3}|xn--[a-z0-9]{0,5})\\.){0,4}(0x[0-9a-f]{0,3}|0[0-7]{0,4}|[0-9]{1,4}|[a-z]{1,3})\\.{0,3}",
            scheme in prop::sample::select(&["https://", "http://", ""][..]),
            check in check(),
        ) {
            let p = policy();
            if let Ok(first) = p.canonicalize(&format!("{scheme}{host}/x"), check) {
                assert_clean(&first);
                prop_assert_eq!(p.canonicalize(first.as_str(), check), Ok(first));
            }
        }

        #[test]
        fn long_input_is_refused(extra in 0usize..64) {
            let raw = format!("https://www.example.com/{}", "a".repeat(MAX_URL_LEN + extra));
            prop_assert_eq!(canon_any(&raw), Err(UrlError::TooLong));
        }
    }
}
