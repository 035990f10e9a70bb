//! A network device simulator: N TCP servers on 127.0.0.1, each acting like a router's CLI, for
//! the tutorial on connecting to network devices over Telnet/SSH.
//!
//! A session: the client connects, the device greets (`router-7>`), the client sends a command
//! line, the device answers after its latency (the time a real router takes), as many times as
//! the client asks; the client closes. The devices run on a tokio runtime of their own, on one
//! background thread, so that thousands of them cost one thread.
//!
//! A device can be told to misbehave, to show that clients count it as an error with its reason
//! and still finish: refuse connections, reset them, answer garbage, or never answer.

mod session;

use std::io;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

pub use session::{Session, TIMEOUT, run_session, run_session_async};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

/// How a device behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Greets, answers every command after its latency.
    Normal,
    /// Nobody listens at its address: connections are refused.
    Refuse,
    /// Accepts, then resets the connection (TCP RST) without a word.
    Reset,
    /// Greets with bytes that are not a prompt.
    Garbage,
    /// Accepts and never says anything.
    Silent,
}

impl FromStr for Behaviour {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "refuse" => Ok(Self::Refuse),
            "reset" => Ok(Self::Reset),
            "garbage" => Ok(Self::Garbage),
            "silent" => Ok(Self::Silent),
            _ => {
                Err(format!("'{name}' is not a way to misbehave (refuse, reset, garbage, silent)"))
            }
        }
    }
}

/// The simulated devices, listening until dropped.
pub struct Lab {
    /// Where each device listens, by device number.
    pub addrs: Vec<SocketAddr>,
    /// Dropped to stop the devices' thread.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Lab {
    /// Starts `behaviours.len()` devices answering after `latency`, on consecutive ports from
    /// `first_port` (0: any free ports). They run on a current-thread runtime driven by one
    /// thread started here: a thread the OS refuses is an error, never a panic inside tokio.
    pub fn start(behaviours: &[Behaviour], latency: Duration, first_port: u16) -> io::Result<Lab> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let mut addrs = Vec::with_capacity(behaviours.len());
        for (index, &behaviour) in behaviours.iter().enumerate() {
            let port = if first_port == 0 {
                0
            } else {
                u16::try_from(usize::from(first_port) + index).map_err(|_| {
                    io::Error::new(io::ErrorKind::InvalidInput, "the ports run past 65535")
                })?
            };
            let listener = runtime
                .block_on(tokio::net::TcpListener::bind(("127.0.0.1", port)))
                .map_err(|e| io::Error::new(e.kind(), format!("port {port}: {e}")))?;
            addrs.push(listener.local_addr()?);
            if behaviour == Behaviour::Refuse {
                // Close the listener: its port now refuses connections (nobody else reuses it
                // while the lab runs, as ephemeral ports are handed out in turn).
                drop(listener);
                continue;
            }
            runtime.spawn(serve(listener, index, behaviour, latency));
        }
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("devices".into())
            .spawn(move || {
                let _ = runtime.block_on(stopped); // serves until the lab is dropped
            })
            .map_err(|e| io::Error::new(e.kind(), format!("could not start their thread: {e}")))?;
        Ok(Lab { addrs, stop: Some(stop), thread: Some(thread) })
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(
    listener: tokio::net::TcpListener,
    index: usize,
    behaviour: Behaviour,
    latency: Duration,
) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(session(stream, index, behaviour, latency));
    }
}

/// One client's session with device `index`.
async fn session(
    stream: tokio::net::TcpStream,
    index: usize,
    behaviour: Behaviour,
    latency: Duration,
) {
    let name = format!("router-{index}");
    let _ = stream.set_nodelay(true); // answer at once, as a CLI does, rather than batch bytes
    match behaviour {
        Behaviour::Reset => {
            let _ = stream.set_zero_linger();
            return; // dropped with linger 0: the peer gets a reset
        }
        Behaviour::Silent => {
            let mut reader = tokio::io::BufReader::new(stream);
            let mut sink = Vec::new();
            let _ = reader.read_until(0, &mut sink).await; // until the client gives up
            return;
        }
        Behaviour::Normal | Behaviour::Garbage | Behaviour::Refuse => {}
    }
    let (read, mut write) = stream.into_split();
    let greeting = if behaviour == Behaviour::Garbage {
        "\u{1}\u{2}garbage%%\n".to_string()
    } else {
        format!("{name}>\n")
    };
    if write.write_all(greeting.as_bytes()).await.is_err() {
        return;
    }
    let mut lines = tokio::io::BufReader::new(read).lines();
    while let Ok(Some(command)) = lines.next_line().await {
        if latency >= Duration::from_millis(1) {
            tokio::time::sleep(latency).await;
        } else if !latency.is_zero() {
            // tokio's timer counts in whole milliseconds (even a zero sleep would cost one): a
            // LAN's fraction of a millisecond is slept on the blocking pool, to the microsecond;
            // if the OS has no thread to spare for it, on the devices' own thread.
            let sleep = move || std::thread::sleep(latency);
            match crate::threads::thread_start_as_failure(|| tokio::task::spawn_blocking(sleep)) {
                Ok(sleeping) => drop(sleeping.await),
                Err(_) => sleep(),
            }
        }
        let answer = format!("{name}: {}: ok\n", command.trim());
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_normal_device_answers_and_a_misbehaving_one_is_an_error() {
        let behaviours =
            [Behaviour::Normal, Behaviour::Refuse, Behaviour::Reset, Behaviour::Garbage];
        let lab = Lab::start(&behaviours, Duration::from_millis(1), 0).unwrap();
        let latency = Duration::from_millis(1);
        assert!(crate::gil::attach(|py| run_session(lab.addrs[0], latency, py)).is_ok());
        assert_eq!(
            crate::gil::attach(|py| run_session(lab.addrs[1], latency, py)),
            Err("connect: connection refused".to_string())
        );
        let reset = crate::gil::attach(|py| run_session(lab.addrs[2], latency, py)).unwrap_err();
        // The reset reaches the client while it connects or while it reads the greeting.
        assert!(
            reset.contains("connection reset") || reset == "greeting: connection closed",
            "{reset}"
        );
        let garbage = crate::gil::attach(|py| run_session(lab.addrs[3], latency, py)).unwrap_err();
        assert!(garbage.starts_with("greeting: not a prompt"), "{garbage}");
    }

    #[test]
    fn async_sessions_agree_with_blocking_ones() {
        let lab = Lab::start(&[Behaviour::Normal, Behaviour::Refuse], Duration::from_millis(1), 0)
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let latency = Duration::from_millis(1);
        assert!(runtime.block_on(run_session_async(lab.addrs[0], latency)).is_ok());
        assert_eq!(
            runtime.block_on(run_session_async(lab.addrs[1], latency)),
            Err("connect: connection refused".to_string())
        );
    }

    #[test]
    fn one_session_can_send_many_commands() {
        let lab = Lab::start(&[Behaviour::Normal], Duration::ZERO, 0).unwrap();
        let mut session = Session::open(lab.addrs[0], Duration::ZERO).unwrap();
        for i in 0..100 {
            assert_eq!(
                session.send(&format!("ping {i}")).and_then(|()| session.receive()).unwrap(),
                format!("router-0: ping {i}: ok")
            );
        }
    }
}
