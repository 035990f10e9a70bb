//! The translation of `share.py` that Rust refuses to compile, and why.
//!
//! The program itself is `src/main.rs`; this library only holds what cannot be a program.
//!
//! Translated literally, `share.py` gives each thread a mutable borrow of one shared integer:
//!
//! ```compile_fail,E0499
//! let mut counter: u64 = 0;
//! std::thread::scope(|s| {
//!     for _ in 0..4 {
//!         s.spawn(|| {
//!             for _ in 0..1_000_000 {
//!                 counter += 1; // error[E0499]: cannot borrow `counter` as mutable more than once
//!             }
//!         });
//!     }
//! });
//! ```
//!
//! Rust refuses it: a `&mut` is exclusive, and four threads would each hold one. This is the
//! data race that Python lets you write (and that CPython's GIL only partly hides) turned into a
//! compile error. A `static mut` would need `unsafe`, which this workspace forbids.
//!
//! To show the lost updates anyway, without undefined behaviour, `main.rs` does what
//! `counter += 1` does in CPython, in two separate steps: an atomic *load* (the read), then an
//! atomic *store* (the write). Each step is safe on its own; another thread can still write in
//! between, and that write is lost. The same code with one `fetch_add` (share2) loses nothing:
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
//! let counter = AtomicU64::new(0);
//! std::thread::scope(|s| {
//!     for _ in 0..4 {
//!         s.spawn(|| {
//!             for _ in 0..1_000 {
//!                 counter.fetch_add(1, Relaxed);
//!             }
//!         });
//!     }
//! });
//! assert_eq!(counter.into_inner(), 4_000);
//! ```
