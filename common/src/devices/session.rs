//! The client's side: a session with one device, over blocking std sockets (a thread's) or
//! tokio's (an async task's).

use std::io::{self, BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use crate::gil::Python;

/// How long a client waits to connect, and for each answer beyond the device's latency.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// A client's open session with one device, over blocking std sockets (what a thread does).
pub struct Session {
    name: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Session {
    /// Connects and reads the greeting; `latency` is how long the device may take to answer.
    pub fn open(addr: SocketAddr, latency: Duration) -> Result<Session, String> {
        let stream =
            TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| reason("connect", &e))?;
        stream
            .set_read_timeout(Some(TIMEOUT + latency))
            .and_then(|()| stream.set_write_timeout(Some(TIMEOUT)))
            .and_then(|()| stream.set_nodelay(true))
            .map_err(|e| reason("configure", &e))?;
        let writer = stream.try_clone().map_err(|e| reason("configure", &e))?;
        let mut reader = BufReader::new(stream);
        let greeting = read_line(&mut reader, "greeting")?;
        let name = greeting
            .strip_suffix('>')
            .filter(|n| n.starts_with("router-"))
            .ok_or_else(|| format!("greeting: not a prompt: {:?}", shorten(&greeting)))?
            .to_string();
        Ok(Session { name, reader, writer })
    }

    /// Sends one command line (`sendall`).
    pub fn send(&mut self, command: &str) -> Result<(), String> {
        self.writer.write_all(format!("{command}\n").as_bytes()).map_err(|e| reason("send", &e))
    }

    /// Reads the answer to the last command (`recv` until the end of its line).
    pub fn receive(&mut self) -> Result<String, String> {
        let answer = read_line(&mut self.reader, "answer")?;
        if answer.starts_with(&format!("{}: ", self.name)) {
            Ok(answer)
        } else {
            Err(format!("answer: not from {}: {:?}", self.name, shorten(&answer)))
        }
    }
}

/// One whole session: connect, greeting, `show version`, answer. Returns how long it took.
///
/// Each blocking call releases the GIL on its own, as CPython's socket module does, and the
/// thread takes it back in between: connecting and reading the greeting, sending, receiving.
pub fn run_session(
    addr: SocketAddr,
    latency: Duration,
    py: Python<'_>,
) -> Result<Duration, String> {
    let start = Instant::now();
    let mut session = py.detach(|| Session::open(addr, latency))?;
    py.detach(|| session.send("show version"))?;
    py.detach(|| session.receive())?;
    Ok(start.elapsed())
}

/// The same session with tokio's sockets, for async tasks.
pub async fn run_session_async(addr: SocketAddr, latency: Duration) -> Result<Duration, String> {
    let start = Instant::now();
    let limit = TIMEOUT + latency;
    let stream = tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect(addr))
        .await
        .map_err(|_| "connect: timed out".to_string())?
        .map_err(|e| reason("connect", &e))?;
    let _ = stream.set_nodelay(true);
    let (read, mut write) = stream.into_split();
    let mut lines = tokio::io::BufReader::new(read).lines();
    let mut next_line = async |what: &str| -> Result<String, String> {
        match tokio::time::timeout(limit, lines.next_line()).await {
            Err(_) => Err(format!("{what}: timed out")),
            Ok(Err(e)) => Err(reason(what, &e)),
            Ok(Ok(None)) => Err(format!("{what}: connection closed")),
            Ok(Ok(Some(line))) => Ok(line),
        }
    };
    let greeting = next_line("greeting").await?;
    let name = greeting
        .strip_suffix('>')
        .filter(|n| n.starts_with("router-"))
        .ok_or_else(|| format!("greeting: not a prompt: {:?}", shorten(&greeting)))?
        .to_string();
    write.write_all(b"show version\n").await.map_err(|e| reason("send", &e))?;
    let answer = next_line("answer").await?;
    if !answer.starts_with(&format!("{name}: ")) {
        return Err(format!("answer: not from {name}: {:?}", shorten(&answer)));
    }
    Ok(start.elapsed())
}

fn read_line(reader: &mut BufReader<TcpStream>, what: &str) -> Result<String, String> {
    let mut line = String::new();
    match reader.read_line(&mut line) {
        Ok(0) => Err(format!("{what}: connection closed")),
        Ok(_) => Ok(line.trim_end().to_string()),
        Err(e) => Err(reason(what, &e)),
    }
}

/// A short, stable reason for an I/O error: "connect: connection refused".
fn reason(what: &str, error: &io::Error) -> String {
    let why = match error.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
        io::ErrorKind::ConnectionReset => "connection reset".to_string(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => "timed out".to_string(),
        io::ErrorKind::InvalidData => "not text".to_string(),
        _ => error.to_string(),
    };
    format!("{what}: {why}")
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}
