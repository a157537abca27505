//! An SMTP server inside the test process (a subset of RFC 5321 over plain TCP). Tests point
//! lettre at it, so delivery goes over a real socket, and they make it fail on purpose: stop it and
//! start it again on the same port, have it answer the end of DATA with 451 or 554, or hold that
//! answer for one recipient, like a slow server, until the test releases it.
//!
//! ```ignore
//! let sink = SmtpSink::start().await;              // 127.0.0.1 on a free port
//! // ... configure the app with sink.port(), trigger an email ...
//! let mail = sink.wait_for(1, Duration::from_secs(5)).await;
//! assert_eq!(mail[0].subject(), "Welcome");
//! sink.fail_next(1, Reply::TransientFailure);     // the next message gets 451, later ones 250
//! let port = sink.stop().await;                   // "down": connections to the port are refused
//! let sink = SmtpSink::start_on(port).await;      // "up" again on the port the app knows
//! let hold = sink.hold_replies_to("slow@example.org"); // its messages wait at the end of DATA
//! hold.wait_until_holding(1, Duration::from_secs(5)).await;
//! hold.release();                                   // (dropping the hold releases them too)
//! ```
//!
//! The server supports: the 220 greeting, EHLO (which advertises 8BITMIME and SMTPUTF8), HELO,
//! MAIL FROM, RCPT TO, DATA (354, then lines up to `<CRLF>.<CRLF>` with dot-stuffing undone),
//! RSET, NOOP, VRFY (252), QUIT (221). Anything else gets 502. Each connection runs as its own
//! task and can carry any number of messages, as lettre's connection pool expects.

// The sink is compiled once into the `api` test crate and each test file uses a different part of
// it, so an item that one test file doesn't use isn't dead code.
#![allow(dead_code)]

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use mail_parser::{HeaderForm, HeaderValue, MessageParser, MimeHeaders};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

/// The longest line accepted, line ending included. RFC 5321 allows 1000 octets. This limit is
/// higher so that a client that doesn't wrap lines still gets through, and low enough to stop a
/// runaway peer.
const MAX_LINE: usize = 64 * 1024;
/// The largest message accepted. A bigger one is read to its end and then refused with 552.
const MAX_MESSAGE: usize = 32 * 1024 * 1024;
/// How long `start_on` keeps retrying a port that is still busy, e.g. a sink that was just dropped
/// and whose task hasn't closed the listener yet.
const BIND_RETRY_FOR: Duration = Duration::from_secs(5);

/// A running SMTP server on 127.0.0.1. Dropping it stops the server, like [`SmtpSink::stop`] does.
pub struct SmtpSink {
    shared: Arc<Shared>,
    port: u16,
    shutdown: watch::Sender<bool>,
    /// The accept loop. It owns the connection tasks, so ending it ends them too. `None` once
    /// `stop` has awaited it.
    server: Option<JoinHandle<()>>,
}

/// A message the sink accepted (answered 250 at the end of DATA).
#[derive(Debug, Clone)]
pub struct ReceivedMessage {
    /// The MAIL FROM path without angle brackets (`""` for the null path `<>`).
    pub mail_from: String,
    /// The RCPT TO paths without angle brackets, in the order the client sent them.
    pub rcpt_to: Vec<String>,
    /// The message as sent after DATA: dot-stuffing undone, lines ending in CRLF. Bytes that
    /// aren't UTF-8 are replaced with U+FFFD.
    pub raw: String,
}

/// What the sink answers at the end of DATA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// `250`: the message is stored and shows up in [`SmtpSink::messages`].
    Accept,
    /// `451`: a transient failure. lettre's `Error::is_transient()` is true.
    TransientFailure,
    /// `554`: a permanent failure. lettre's `Error::is_permanent()` is true.
    PermanentFailure,
    /// `550`: a permanent failure whose text quotes the recipients, as real servers' often do.
    RejectQuotingRecipients,
}

impl Reply {
    fn line(self, recipients: &[String]) -> String {
        match self {
            Reply::Accept => "250 2.0.0 OK: message accepted".into(),
            Reply::TransientFailure => "451 4.3.0 Temporary failure (test sink)".into(),
            Reply::PermanentFailure => "554 5.6.0 Message rejected (test sink)".into(),
            Reply::RejectQuotingRecipients => format!(
                "550 5.1.1 <{}>: Recipient address rejected: User unknown (test sink)",
                recipients.join(">, <")
            ),
        }
    }
}

/// Decides the reply at the end of DATA: `fail_next` takes priority over `always`.
struct Policy {
    always: Reply,
    fail_next: usize,
    fail_reply: Reply,
}

impl Policy {
    fn next_reply(&mut self) -> Reply {
        if self.fail_next > 0 {
            self.fail_next -= 1;
            self.fail_reply
        } else {
            self.always
        }
    }
}

struct State {
    messages: Vec<ReceivedMessage>,
    rejected: usize,
    policy: Policy,
    /// Connections accepted so far. The self-tests use it to check that lettre reuses them.
    connections: usize,
    /// Recipients whose messages wait at the end of DATA until their hold is released.
    holds: Vec<HeldRecipient>,
}

struct HeldRecipient {
    recipient: String,
    /// Becomes true on release; a dropped [`Hold`] closes it, which releases as well.
    released: watch::Receiver<bool>,
    /// How many messages to this recipient are waiting for their reply right now.
    holding: Arc<watch::Sender<usize>>,
}

struct Shared {
    state: Mutex<State>,
    /// The number of accepted messages, so that `wait_for` can wait without polling.
    accepted: watch::Sender<usize>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // After a panic elsewhere, keep the data readable so later assertions still show it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies the policy to a complete message, records the outcome and returns the reply.
    fn finish_message(&self, message: ReceivedMessage) -> Reply {
        let mut state = self.lock();
        let reply = state.policy.next_reply();
        if reply == Reply::Accept {
            state.messages.push(message);
            let accepted = state.messages.len();
            drop(state);
            // `send_replace` works with no receiver too (`send` would fail).
            self.accepted.send_replace(accepted);
        } else {
            state.rejected += 1;
        }
        reply
    }

    /// The hold that applies to a message with these recipients, if any.
    fn hold_for(
        &self,
        rcpt_to: &[String],
    ) -> Option<(watch::Receiver<bool>, Arc<watch::Sender<usize>>)> {
        let state = self.lock();
        state
            .holds
            .iter()
            .find(|hold| {
                rcpt_to
                    .iter()
                    .any(|r| r.eq_ignore_ascii_case(&hold.recipient))
            })
            .map(|hold| (hold.released.clone(), Arc::clone(&hold.holding)))
    }
}

/// Keeps the end-of-DATA reply to one recipient's messages back, as a slow server would: the
/// client has sent the whole message and waits for the 250. See [`SmtpSink::hold_replies_to`].
pub struct Hold {
    released: watch::Sender<bool>,
    holding: Arc<watch::Sender<usize>>,
}

impl Hold {
    /// Waits until `n` messages are held at once. After `timeout` it panics.
    pub async fn wait_until_holding(&self, n: usize, timeout: Duration) {
        let mut holding = self.holding.subscribe();
        let reached = tokio::time::timeout(timeout, holding.wait_for(|count| *count >= n))
            .await
            .is_ok_and(|result| result.is_ok());
        assert!(
            reached,
            "SMTP sink: expected {n} held message(s) within {timeout:?}, holding {}",
            *self.holding.borrow()
        );
    }

    /// Lets the held messages (and later ones to the recipient) through: they get their reply.
    pub fn release(self) {
        self.released.send_replace(true);
    }
}

impl SmtpSink {
    /// Starts a sink on 127.0.0.1 on a port the OS picks.
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(0).await
    }

    /// Starts a sink on 127.0.0.1:`port`, e.g. to bring a stopped server back up on the port the
    /// app was configured with. Sets SO_REUSEADDR so that connections in TIME_WAIT don't block
    /// the bind, and retries for a few seconds while the port is still in use. Panics if the
    /// port is still busy after that.
    pub async fn start_on(port: u16) -> SmtpSink {
        let listener = bind(port)
            .await
            .unwrap_or_else(|e| panic!("SMTP sink cannot listen on 127.0.0.1:{port}: {e}"));
        let port = listener
            .local_addr()
            .expect("listener has an address")
            .port();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                messages: Vec::new(),
                rejected: 0,
                policy: Policy {
                    always: Reply::Accept,
                    fail_next: 0,
                    fail_reply: Reply::Accept,
                },
                connections: 0,
                holds: Vec::new(),
            }),
            accepted: watch::Sender::new(0),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let server = tokio::spawn(serve(listener, Arc::clone(&shared), shutdown_rx));
        SmtpSink {
            shared,
            port,
            shutdown,
            server: Some(server),
        }
    }

    /// The port the sink listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The accepted messages, in the order they arrived. Rejected ones aren't stored.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.shared.lock().messages.clone()
    }

    /// How many messages were refused at the end of DATA (451 or 554).
    pub fn rejected_count(&self) -> usize {
        self.shared.lock().rejected
    }

    /// The next `n` messages get `reply` at the end of DATA, and later ones get the standing reply
    /// again (Accept unless [`SmtpSink::always`] changed it). A new call replaces a pending one.
    /// Example: `fail_next(2, Reply::TransientFailure)`.
    pub fn fail_next(&self, n: usize, reply: Reply) {
        let mut state = self.shared.lock();
        state.policy.fail_next = n;
        state.policy.fail_reply = reply;
    }

    /// Every message from now on gets `reply`, until this is called again. It also cancels any
    /// pending [`SmtpSink::fail_next`].
    pub fn always(&self, reply: Reply) {
        let mut state = self.shared.lock();
        state.policy.always = reply;
        state.policy.fail_next = 0;
    }

    /// From now on, a message to `recipient` (case-insensitive) is read to its end and then gets
    /// no reply until the returned [`Hold`] is released or dropped; then the usual policy decides
    /// the reply. Messages to other recipients go through meanwhile, on other connections.
    pub fn hold_replies_to(&self, recipient: &str) -> Hold {
        let (released, released_rx) = watch::channel(false);
        let holding = Arc::new(watch::Sender::new(0));
        self.shared.lock().holds.push(HeldRecipient {
            recipient: recipient.to_owned(),
            released: released_rx,
            holding: Arc::clone(&holding),
        });
        Hold { released, holding }
    }

    /// Waits until at least `n` messages were accepted and returns all of them. After `timeout`
    /// it panics and lists what did arrive.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMessage> {
        let mut accepted = self.shared.accepted.subscribe();
        // `wait_for` returns an error only if the sender is gone, and `self` holds the sender.
        let reached = tokio::time::timeout(timeout, accepted.wait_for(|count| *count >= n))
            .await
            .is_ok_and(|result| result.is_ok());
        if !reached {
            let state = self.shared.lock();
            let arrived: Vec<String> = state
                .messages
                .iter()
                .map(|m| {
                    format!(
                        "from <{}> to {:?}: {:?}",
                        m.mail_from,
                        m.rcpt_to,
                        m.subject()
                    )
                })
                .collect();
            panic!(
                "SMTP sink on port {}: expected {n} accepted message(s) within {timeout:?}, \
                 got {} (and {} rejected): {arrived:#?}",
                self.port,
                state.messages.len(),
                state.rejected,
            );
        }
        self.messages()
    }

    /// Stops listening and closes every open connection. When this returns, the listener is
    /// closed and connecting to the port is refused. Returns the port, for
    /// [`SmtpSink::start_on`].
    pub async fn stop(mut self) -> u16 {
        self.shutdown.send_replace(true);
        if let Some(server) = self.server.take() {
            // The accept loop drops the listener and waits for its connection tasks to be
            // aborted before it ends. A JoinError only means the task was already cancelled.
            let _ = server.await;
        }
        self.port
    }

    /// Connections accepted so far (only the self-tests below need this).
    fn connections_accepted(&self) -> usize {
        self.shared.lock().connections
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Drop can't wait, so abort the accept loop. That drops the listener and the JoinSet,
        // and dropping the JoinSet aborts the connection tasks.
        self.shutdown.send_replace(true);
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

/// A port on 127.0.0.1 that nothing listens on (bind to port 0, read the port, close the socket),
/// for a test where the SMTP server is down from the start. Another process could take the port
/// in between, but on a test machine that almost never happens.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind port 0");
    listener.local_addr().expect("local address").port()
}

async fn bind(port: u16) -> io::Result<TcpListener> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + BIND_RETRY_FOR;
    loop {
        let attempt = TcpSocket::new_v4().and_then(|socket| {
            socket.set_reuseaddr(true)?;
            socket.bind(address)?;
            socket.listen(1024)
        });
        match attempt {
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => return other,
        }
    }
}

/// The accept loop. It ends on the shutdown signal (or when the sink is gone), then closes the
/// listener and aborts the connections, so none outlives the server.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // Both a change and a dropped sender mean "stop".
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    shared.lock().connections += 1;
                    connections.spawn(handle_connection(stream, Arc::clone(&shared)));
                }
                Err(e) => {
                    // Usually out of file descriptors: wait a little instead of spinning.
                    eprintln!("SMTP sink: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            },
            // Collect finished connection tasks so the set doesn't keep growing.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

async fn handle_connection(stream: TcpStream, shared: Arc<Shared>) {
    // An I/O error ends only this conversation, and the client sees the connection close.
    if let Err(e) = converse(stream, &shared).await {
        eprintln!("SMTP sink: connection ended: {e}");
    }
}

/// The transaction in progress: after MAIL FROM, until the end of DATA or RSET.
struct Envelope {
    mail_from: String,
    rcpt_to: Vec<String>,
}

/// One SMTP conversation. Commands are handled one at a time, so pipelined commands, which are
/// already buffered, are answered in order.
async fn converse(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut greeted = false;
    let mut envelope: Option<Envelope> = None;

    send(&mut write, "220 localhost ESMTP test sink ready").await?;
    loop {
        let line = match read_line(&mut reader).await? {
            Line::Complete(line) => line,
            Line::Eof => return Ok(()),
            Line::TooLong => {
                // We can't know where the next command starts, so give up on the connection.
                send(&mut write, "500 5.5.2 Line too long").await?;
                return Ok(());
            }
        };
        let Ok(line) = std::str::from_utf8(&line) else {
            send(&mut write, "500 5.5.2 Command is not UTF-8").await?;
            continue;
        };
        let (verb, argument) = match line.split_once(' ') {
            Some((verb, argument)) => (verb, argument.trim()),
            None => (line, ""),
        };
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" if argument.is_empty() => {
                send(&mut write, "501 5.5.4 Syntax: EHLO domain").await?;
            }
            "EHLO" => {
                // A new greeting also ends any open transaction (RFC 5321, section 4.1.4).
                greeted = true;
                envelope = None;
                send(
                    &mut write,
                    "250-localhost greets you\r\n250-8BITMIME\r\n250 SMTPUTF8",
                )
                .await?;
            }
            "HELO" => {
                greeted = true;
                envelope = None;
                send(&mut write, "250 localhost").await?;
            }
            "MAIL" if !greeted => send(&mut write, "503 5.5.1 Send EHLO or HELO first").await?,
            "MAIL" if envelope.is_some() => {
                send(&mut write, "503 5.5.1 Nested MAIL command").await?;
            }
            "MAIL" => match parse_path(argument, "FROM:") {
                Some(from) => {
                    envelope = Some(Envelope {
                        mail_from: from,
                        rcpt_to: Vec::new(),
                    });
                    send(&mut write, "250 2.1.0 OK").await?;
                }
                None => send(&mut write, "501 5.5.4 Syntax: MAIL FROM:<address>").await?,
            },
            "RCPT" => match (envelope.as_mut(), parse_path(argument, "TO:")) {
                (None, _) => send(&mut write, "503 5.5.1 Need MAIL first").await?,
                (Some(envelope), Some(to)) if !to.is_empty() => {
                    envelope.rcpt_to.push(to);
                    send(&mut write, "250 2.1.5 OK").await?;
                }
                (Some(_), _) => send(&mut write, "501 5.5.4 Syntax: RCPT TO:<address>").await?,
            },
            "DATA" => {
                let Some(Envelope { mail_from, rcpt_to }) =
                    envelope.take_if(|e| !e.rcpt_to.is_empty())
                else {
                    send(&mut write, "503 5.5.1 Need MAIL and RCPT first").await?;
                    continue;
                };
                send(&mut write, "354 End data with <CR><LF>.<CR><LF>").await?;
                let raw = match read_data(&mut reader).await? {
                    Data::Complete(raw) => raw,
                    // The client left in the middle of the message: nothing was delivered.
                    Data::Eof => return Ok(()),
                    Data::TooLong => {
                        send(&mut write, "500 5.5.2 Line too long").await?;
                        return Ok(());
                    }
                    Data::TooBig => {
                        send(&mut write, "552 5.3.4 Message too big").await?;
                        continue;
                    }
                };
                if let Some((mut released, holding)) = shared.hold_for(&rcpt_to) {
                    holding.send_modify(|count| *count += 1);
                    // An error means the hold was dropped, which releases it too.
                    let _ = released.wait_for(|released| *released).await;
                    holding.send_modify(|count| *count -= 1);
                }
                let quoted = rcpt_to.clone();
                let reply = shared.finish_message(ReceivedMessage {
                    mail_from,
                    rcpt_to,
                    raw: String::from_utf8_lossy(&raw).into_owned(),
                });
                send(&mut write, &reply.line(&quoted)).await?;
            }
            "RSET" => {
                envelope = None;
                send(&mut write, "250 2.0.0 OK").await?;
            }
            "NOOP" => send(&mut write, "250 2.0.0 OK").await?,
            "VRFY" => send(&mut write, "252 2.1.5 Cannot VRFY, but will accept").await?,
            "QUIT" => {
                send(&mut write, "221 2.0.0 Bye").await?;
                write.shutdown().await?;
                return Ok(());
            }
            "" => send(&mut write, "500 5.5.2 Syntax error").await?,
            _ => send(&mut write, "502 5.5.1 Command not implemented").await?,
        }
    }
}

/// Parses `FROM:<path> [parameters]` or `TO:<path> [parameters]`; the keyword is
/// case-insensitive and a space after the colon is tolerated. Parameters such as
/// `BODY=8BITMIME` or `SMTPUTF8` are ignored. Returns the path without brackets.
fn parse_path(argument: &str, keyword: &str) -> Option<String> {
    let head = argument.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let rest = argument[keyword.len()..].trim_start().strip_prefix('<')?;
    let (path, _parameters) = rest.split_once('>')?;
    Some(path.to_owned())
}

async fn send(write: &mut OwnedWriteHalf, reply: &str) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(reply.len() + 2);
    bytes.extend_from_slice(reply.as_bytes());
    bytes.extend_from_slice(b"\r\n");
    write.write_all(&bytes).await
}

enum Line {
    /// A line without its CRLF (or bare LF) ending.
    Complete(Vec<u8>),
    /// The peer closed the connection; a partial last line is discarded.
    Eof,
    /// No line ending within `MAX_LINE` bytes.
    TooLong,
}

/// Reads one line as bytes. A line may end in CRLF or, to be lenient, a bare LF.
async fn read_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<Line> {
    let mut line = Vec::new();
    // `take` caps how much a line without an ending can make us buffer.
    (&mut *reader)
        .take(MAX_LINE as u64)
        .read_until(b'\n', &mut line)
        .await?;
    if line.last() != Some(&b'\n') {
        return Ok(if line.len() >= MAX_LINE {
            Line::TooLong
        } else {
            Line::Eof
        });
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(Line::Complete(line))
}

enum Data {
    Complete(Vec<u8>),
    Eof,
    TooLong,
    TooBig,
}

/// Reads the message after 354, up to the line holding a single ".", undoes dot-stuffing
/// (RFC 5321, section 4.5.2) and ends every line with CRLF.
async fn read_data<R: AsyncBufRead + Unpin>(reader: &mut R) -> io::Result<Data> {
    let mut data = Vec::new();
    let mut too_big = false;
    loop {
        let line = match read_line(reader).await? {
            Line::Complete(line) => line,
            Line::Eof => return Ok(Data::Eof),
            Line::TooLong => return Ok(Data::TooLong),
        };
        if line == b"." {
            return Ok(if too_big {
                Data::TooBig
            } else {
                Data::Complete(data)
            });
        }
        // The client doubled a leading dot so that the line isn't read as the end of the message.
        let line = line.strip_prefix(b".").unwrap_or(&line);
        // Past the limit, keep reading to the end of the message so the conversation stays in
        // step, but don't keep the data.
        if too_big || data.len() + line.len() + 2 > MAX_MESSAGE {
            too_big = true;
            data = Vec::new();
        } else {
            data.extend_from_slice(line);
            data.extend_from_slice(b"\r\n");
        }
    }
}

impl ReceivedMessage {
    /// Parses `raw` again on each call. The message is small and this keeps the type a plain
    /// `Clone` value.
    fn parsed(&self) -> Option<mail_parser::Message<'_>> {
        MessageParser::default().parse(self.raw.as_bytes())
    }

    /// The first top-level header called `name` (case-insensitive): RFC 2047 encoded words
    /// decoded, folding undone, surrounding whitespace trimmed. Structured headers come back as
    /// text too, e.g. `Message-ID` as `<id@host>` and `From` as `Name <addr>`. `None` if the
    /// header is absent.
    pub fn header(&self, name: &str) -> Option<String> {
        let message = self.parsed()?;
        let value = message
            .header_as(name, HeaderForm::Text)
            .into_iter()
            .next()?;
        match value {
            HeaderValue::Text(text) => Some(text.trim().to_owned()),
            HeaderValue::TextList(list) => Some(list.join(" ").trim().to_owned()),
            _ => Some(String::new()),
        }
    }

    /// The decoded Subject, or `""` if there is none.
    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// The first text/plain part that isn't an attachment, decoded (quoted-printable or base64,
    /// then its charset). A single-part message without Content-Type counts as text/plain.
    /// HTML isn't converted to text: no text/plain part gives `None`.
    pub fn text_body(&self) -> Option<String> {
        self.body_of_subtype("plain")
    }

    /// The first text/html part that isn't an attachment, decoded.
    pub fn html_body(&self) -> Option<String> {
        self.body_of_subtype("html")
    }

    /// Whether the top-level Content-Type is multipart/alternative (e.g. text plus HTML).
    pub fn is_multipart_alternative(&self) -> bool {
        self.parsed().is_some_and(|message| {
            message
                .root_part()
                .is_content_type("multipart", "alternative")
        })
    }

    fn body_of_subtype(&self, subtype: &str) -> Option<String> {
        let message = self.parsed()?;
        let part = message.parts.iter().find(|part| {
            let matches_type = match part.content_type() {
                Some(_) => part.is_content_type("text", subtype),
                // RFC 2045: no Content-Type means text/plain.
                None => subtype == "plain" && !part.is_multipart() && !part.is_message(),
            };
            let is_attachment = part
                .content_disposition()
                .is_some_and(|disposition| disposition.is_attachment());
            matches_type && !is_attachment
        })?;
        part.text_contents().map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use lettre::message::header::ContentType;
    use lettre::message::{Mailbox, MultiPart};
    use lettre::transport::smtp::Error as SmtpError;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpStream;

    use super::*;

    const WAIT: Duration = Duration::from_secs(10);

    fn transport(port: u16) -> AsyncSmtpTransport<Tokio1Executor> {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(port)
            // A stuck conversation fails the test instead of hanging it.
            .timeout(Some(WAIT))
            .build()
    }

    fn from() -> Mailbox {
        "Desk <desk@example.org>".parse().unwrap()
    }

    fn to() -> Mailbox {
        "reader@example.com".parse().unwrap()
    }

    fn plain(subject: &str, body: &str) -> Message {
        Message::builder()
            .from(from())
            .to(to())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .unwrap()
    }

    /// Whether an `io::Error` of this kind is somewhere in the error's source chain.
    fn has_io_kind(error: &SmtpError, kind: io::ErrorKind) -> bool {
        let mut source = std::error::Error::source(error);
        while let Some(e) = source {
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == kind)
            {
                return true;
            }
            source = e.source();
        }
        false
    }

    #[tokio::test]
    async fn lettre_delivers_a_multipart_alternative_message_over_tcp() {
        let sink = SmtpSink::start().await;
        let subject = "Überprüfung: “quote”";
        let email = Message::builder()
            .from(from())
            .to(to())
            .subject(subject)
            .message_id(Some("<check-1@disinfo-desk.test>".to_owned()))
            .multipart(MultiPart::alternative_plain_html(
                "Grüße, Ünïcödé text with a long line that quoted-printable has to wrap somewhere \
                 around here, well past seventy-six characters."
                    .to_owned(),
                "<p>Grüße, <b>HTML</b> “quoted”</p>".to_owned(),
            ))
            .unwrap();

        transport(sink.port()).send(email).await.expect("sent");

        let messages = sink.wait_for(1, WAIT).await;
        let message = &messages[0];
        assert_eq!(message.mail_from, "desk@example.org");
        assert_eq!(message.rcpt_to, vec!["reader@example.com".to_owned()]);
        assert_eq!(message.subject(), subject);
        assert_eq!(message.header("subject").as_deref(), Some(subject));
        assert_eq!(
            message.header("Message-ID").as_deref(),
            Some("<check-1@disinfo-desk.test>")
        );
        assert_eq!(
            message.header("From").as_deref(),
            Some("Desk <desk@example.org>")
        );
        assert!(message.is_multipart_alternative());
        assert_eq!(
            message.text_body().as_deref(),
            Some(
                "Grüße, Ünïcödé text with a long line that quoted-printable has to wrap \
                 somewhere around here, well past seventy-six characters."
            )
        );
        assert_eq!(
            message.html_body().as_deref(),
            Some("<p>Grüße, <b>HTML</b> “quoted”</p>")
        );
        assert_eq!(sink.rejected_count(), 0);
    }

    #[tokio::test]
    async fn lettre_classifies_451_as_transient_and_554_as_permanent() {
        let sink = SmtpSink::start().await;
        let transport = transport(sink.port());

        sink.fail_next(1, Reply::TransientFailure);
        let error = transport
            .send(plain("first", "Hello"))
            .await
            .expect_err("451 is an error");
        assert!(error.is_transient(), "{error:?}");
        assert!(!error.is_permanent(), "{error:?}");
        assert_eq!(error.status().map(u16::from), Some(451));
        transport
            .send(plain("second", "Hello"))
            .await
            .expect("the next message is accepted again");

        sink.fail_next(1, Reply::PermanentFailure);
        let error = transport
            .send(plain("third", "Hello"))
            .await
            .expect_err("554 is an error");
        assert!(error.is_permanent(), "{error:?}");
        assert!(!error.is_transient(), "{error:?}");
        assert_eq!(error.status().map(u16::from), Some(554));

        // `always` holds until changed.
        sink.always(Reply::TransientFailure);
        for _ in 0..2 {
            let error = transport.send(plain("fourth", "Hello")).await.unwrap_err();
            assert!(error.is_transient(), "{error:?}");
        }
        sink.always(Reply::Accept);
        transport.send(plain("fifth", "Hello")).await.expect("sent");

        let subjects: Vec<String> = sink.messages().iter().map(|m| m.subject()).collect();
        assert_eq!(subjects, ["second", "fifth"]);
        assert_eq!(sink.rejected_count(), 4);
    }

    #[tokio::test]
    async fn a_stopped_sink_refuses_connections_and_comes_back_on_the_same_port() {
        let sink = SmtpSink::start().await;
        let transport = transport(sink.port());
        transport
            .send(plain("before", "Hello"))
            .await
            .expect("sent");
        // The pool now holds an idle connection to the sink; stopping must close it too.
        let port = sink.stop().await;

        let refused = TcpStream::connect(("127.0.0.1", port)).await;
        assert_eq!(
            refused.expect_err("nothing listens").kind(),
            io::ErrorKind::ConnectionRefused
        );
        let error = transport
            .send(plain("while down", "Hello"))
            .await
            .expect_err("the server is down");
        assert!(!error.is_transient(), "{error:?}");
        assert!(!error.is_permanent(), "{error:?}");
        assert!(error.status().is_none(), "{error:?}");
        assert!(
            has_io_kind(&error, io::ErrorKind::ConnectionRefused),
            "{error:?}"
        );

        let sink = SmtpSink::start_on(port).await;
        assert_eq!(sink.port(), port);
        transport
            .send(plain("after", "Hello"))
            .await
            .expect("sent again");
        let messages = sink.wait_for(1, WAIT).await;
        assert_eq!(messages[0].subject(), "after");
    }

    #[tokio::test]
    async fn stop_closes_open_connections() {
        let sink = SmtpSink::start().await;
        let stream = TcpStream::connect(("127.0.0.1", sink.port()))
            .await
            .unwrap();
        let mut reader = BufReader::new(stream);
        let mut greeting = String::new();
        reader.read_line(&mut greeting).await.unwrap();
        assert!(greeting.starts_with("220 "), "{greeting:?}");

        let port = sink.stop().await;

        // The server side is closed: the client reads EOF (or a reset), not a hang.
        let mut rest = String::new();
        let read = tokio::time::timeout(WAIT, reader.read_line(&mut rest))
            .await
            .expect("the connection was closed");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?} {rest:?}");
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());

        // Dropping a sink stops it as well; binding the port again proves it was released.
        let sink = SmtpSink::start_on(port).await;
        drop(sink);
        let sink = SmtpSink::start_on(port).await;
        assert_eq!(sink.port(), port);
    }

    #[tokio::test]
    async fn lines_starting_with_a_dot_arrive_intact() {
        let sink = SmtpSink::start().await;
        let body = "first line\r\n.a line starting with a dot\r\n..two dots\r\n.\r\nlast line";
        transport(sink.port())
            .send(plain("dots", body))
            .await
            .expect("sent");

        let messages = sink.wait_for(1, WAIT).await;
        let message = &messages[0];
        // These lines went over the wire stuffed, as lines of their own.
        assert!(
            message
                .raw
                .contains("\r\n.a line starting with a dot\r\n..two dots\r\n.\r\nlast line"),
            "{:?}",
            message.raw
        );
        assert_eq!(message.text_body().unwrap().trim_end(), body);
    }

    #[tokio::test]
    async fn twenty_concurrent_messages_through_one_pooled_transport_all_arrive() {
        let sink = SmtpSink::start().await;
        let transport = transport(sink.port());
        let mut sends = tokio::task::JoinSet::new();
        for i in 0..20 {
            let transport = transport.clone();
            sends.spawn(async move { transport.send(plain(&format!("message {i}"), "Hi")).await });
        }
        while let Some(result) = sends.join_next().await {
            result.unwrap().expect("sent");
        }

        let messages = sink.wait_for(20, WAIT).await;
        let mut subjects: Vec<String> = messages.iter().map(|m| m.subject()).collect();
        subjects.sort();
        let mut expected: Vec<String> = (0..20).map(|i| format!("message {i}")).collect();
        expected.sort();
        assert_eq!(subjects, expected);

        // Later messages reuse the pooled connections: several messages per connection.
        let connections = sink.connections_accepted();
        for i in 0..5 {
            transport
                .send(plain(&format!("sequential {i}"), "Hi"))
                .await
                .expect("sent");
        }
        sink.wait_for(25, WAIT).await;
        assert_eq!(sink.connections_accepted(), connections);
    }

    /// A raw client, to check the parts of the protocol lettre doesn't use.
    struct Client {
        reader: BufReader<TcpStream>,
    }

    impl Client {
        async fn connect(port: u16) -> Client {
            let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
            let mut client = Client {
                reader: BufReader::new(stream),
            };
            client.expect("220").await;
            client
        }

        /// Sends `text` as is (several commands at once count as pipelining).
        async fn write(&mut self, text: &str) {
            self.reader
                .get_mut()
                .write_all(text.as_bytes())
                .await
                .unwrap();
        }

        /// Reads one (possibly multi-line) reply and checks its code.
        async fn expect(&mut self, code: &str) -> String {
            let mut reply = String::new();
            loop {
                let mut line = String::new();
                self.reader.read_line(&mut line).await.unwrap();
                assert!(line.starts_with(code), "expected {code}, got {line:?}");
                reply.push_str(&line);
                if line.as_bytes().get(3) != Some(&b'-') {
                    return reply;
                }
            }
        }

        async fn command(&mut self, command: &str, code: &str) -> String {
            self.write(&format!("{command}\r\n")).await;
            self.expect(code).await
        }
    }

    #[tokio::test]
    async fn speaks_the_smtp_subset_to_a_raw_client() {
        let sink = SmtpSink::start().await;
        let mut client = Client::connect(sink.port()).await;

        client.command("MAIL FROM:<a@example.org>", "503").await;
        client.command("HELO", "501").await;
        client.command("HELO client.test", "250").await;
        let ehlo = client.command("ehlo client.test", "250").await;
        assert!(
            ehlo.contains("8BITMIME") && ehlo.contains("SMTPUTF8"),
            "{ehlo}"
        );
        client.command("FROB", "502").await;
        client.command("NOOP", "250").await;
        client.command("VRFY someone", "252").await;
        client.command("RCPT TO:<b@example.org>", "503").await;
        client.command("DATA", "503").await;
        client.command("MAIL FROM:a@example.org", "501").await;

        client
            .command("mail from: <a@example.org> BODY=8BITMIME", "250")
            .await;
        client.command("MAIL FROM:<a@example.org>", "503").await;
        client.command("DATA", "503").await;
        client.command("RCPT TO:<b@example.org>", "250").await;
        client.command("RCPT TO:<c@example.org>", "250").await;
        client.command("DATA", "354").await;
        client
            .write("Subject: one\r\n\r\n..dot\r\nbody\r\n.\r\n")
            .await;
        client.expect("250").await;

        // A second message on the same connection, sent pipelined, with the null reverse-path,
        // bare LF line endings, and a RSET that drops an unfinished transaction first.
        client.command("MAIL FROM:<x@example.org>", "250").await;
        client
            .write("RSET\r\nMAIL FROM:<>\r\nRCPT TO:<d@example.org>\r\nDATA\r\n")
            .await;
        for code in ["250", "250", "250", "354"] {
            client.expect(code).await;
        }
        client.write("Subject: two\n\nbare LF\n.\n").await;
        client.expect("250").await;

        sink.fail_next(1, Reply::PermanentFailure);
        client
            .write("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
            .await;
        for code in ["250", "250", "354"] {
            client.expect(code).await;
        }
        client.write("Subject: three\r\n\r\nno\r\n.\r\n").await;
        client.expect("554").await;

        client.command("QUIT", "221").await;
        let mut rest = String::new();
        assert_eq!(client.reader.read_line(&mut rest).await.unwrap(), 0);

        let messages = sink.messages();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].mail_from, "a@example.org");
        assert_eq!(messages[0].rcpt_to, ["b@example.org", "c@example.org"]);
        assert_eq!(messages[0].raw, "Subject: one\r\n\r\n.dot\r\nbody\r\n");
        assert_eq!(messages[1].mail_from, "");
        assert_eq!(messages[1].rcpt_to, ["d@example.org"]);
        assert_eq!(messages[1].raw, "Subject: two\r\n\r\nbare LF\r\n");
        assert_eq!(sink.rejected_count(), 1);
        assert_eq!(sink.connections_accepted(), 1);
    }

    #[tokio::test]
    async fn an_overlong_line_closes_the_connection() {
        let sink = SmtpSink::start().await;
        let mut client = Client::connect(sink.port()).await;
        // Exactly the limit without a line ending: the server has read all of it when it closes,
        // so the close is a clean FIN and not a reset that could swallow the reply.
        client.write(&"X".repeat(MAX_LINE)).await;
        client.expect("500").await;
        let mut rest = String::new();
        assert_eq!(client.reader.read_line(&mut rest).await.unwrap(), 0);
    }

    #[test]
    fn decodes_headers_and_bodies_with_mail_parser() {
        let message = ReceivedMessage {
            mail_from: "j@example.org".into(),
            rcpt_to: vec!["r@example.com".into()],
            raw: "From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\r\n\
                  To: r@example.com\r\n\
                  Subject: =?utf-8?b?w5xiZXJwcsO8ZnVuZw==?=\r\n =?utf-8?q?_zwei?=\r\n\
                  X-Custom: first part\r\n second part\r\n\
                  MIME-Version: 1.0\r\n\
                  Content-Type: multipart/alternative; boundary=\"b1\"\r\n\
                  \r\n\
                  --b1\r\n\
                  Content-Type: text/plain; charset=utf-8\r\n\
                  Content-Transfer-Encoding: base64\r\n\
                  \r\n\
                  R3LDvMOfZSBhdXMgZGVtIFRlc3QNCg==\r\n\
                  --b1\r\n\
                  Content-Type: text/html; charset=utf-8\r\n\
                  Content-Transfer-Encoding: quoted-printable\r\n\
                  \r\n\
                  <p>Gr=C3=BC=C3=9Fe aus dem =\r\nTest</p>\r\n\
                  --b1--\r\n"
                .into(),
        };
        assert_eq!(message.subject(), "Überprüfung zwei");
        assert_eq!(
            message.header("x-CUSTOM").as_deref(),
            Some("first part second part")
        );
        assert_eq!(
            message.header("from").as_deref(),
            Some("Jürgen <j@example.org>")
        );
        assert_eq!(message.header("Reply-To"), None);
        assert!(message.is_multipart_alternative());
        assert_eq!(
            message.text_body().as_deref(),
            Some("Grüße aus dem Test\r\n")
        );
        assert_eq!(
            message.html_body().as_deref(),
            Some("<p>Grüße aus dem Test</p>")
        );

        let html_only = ReceivedMessage {
            raw: "Subject: h\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n".into(),
            ..message.clone()
        };
        assert_eq!(html_only.text_body(), None, "HTML is not turned into text");
        assert_eq!(html_only.html_body().as_deref(), Some("<p>x</p>\r\n"));
        assert!(!html_only.is_multipart_alternative());

        let untyped = ReceivedMessage {
            raw: "Subject: t\r\n\r\njust text\r\n".into(),
            ..message
        };
        assert_eq!(untyped.text_body().as_deref(), Some("just text\r\n"));
        assert_eq!(untyped.html_body(), None);
    }
}
