//! A fixed, labelled stream of "random" bytes: SHA-256(label ‖ counter), concatenated.

use sha2::{Digest, Sha256};

pub(crate) struct Stream {
    label: String,
    counter: u32,
}

impl Stream {
    pub(crate) fn new(label: &str) -> Self {
        Self { label: label.to_owned(), counter: 0 }
    }

    pub(crate) fn take(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let mut hasher = Sha256::new();
            hasher.update(self.label.as_bytes());
            hasher.update(self.counter.to_be_bytes());
            self.counter += 1;
            out.extend_from_slice(&hasher.finalize());
        }
        out.truncate(n);
        out
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
