//! Regenerates the known-answer vectors under `test-vectors/` from the reference
//! implementations, with fixed randomness, so that re-running reproduces the committed files
//! byte for byte.
//!
//! `cargo run -p salamander-vector-gen -- [--check] [family ...]`
//!
//! With `--check` nothing is written: the run fails if a generated file differs from the
//! committed one.

mod cases;
mod channel;
mod dmls;
mod megolm;
mod olm;
mod pickle;
mod pk;
mod primitives;
mod random;
mod sas;
mod secret_storage;

use std::{path::PathBuf, process::ExitCode};

use serde_json::Value;

/// One generated file.
pub(crate) struct VectorFile {
    pub(crate) path: &'static str,
    pub(crate) content: Value,
}

/// A family of vector files and the function that generates them.
type Family = (&'static str, fn() -> Vec<VectorFile>);

fn families() -> Vec<Family> {
    vec![
        ("olm-conversation", olm::conversations),
        ("olm-kdf", olm::kdf::vectors),
        ("olm-message-codec", olm::codec::vectors),
        ("megolm", megolm::vectors),
        ("pickle", pickle::vectors),
        ("primitives", primitives::vectors),
        ("ecies", channel::ecies::vectors),
        ("hpke", channel::hpke::vectors),
        ("sas", sas::vectors),
        ("pk-encryption", pk::vectors),
        ("secret-storage", secret_storage::vectors),
        ("dmls", dmls::vectors),
    ]
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let wanted: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");

    let mut differences = 0;
    for (name, generate) in families() {
        if !wanted.is_empty() && !wanted.iter().any(|w| w.as_str() == name) {
            continue;
        }
        for file in generate() {
            let path = root.join(file.path);
            let mut text = serde_json::to_string_pretty(&file.content).unwrap_or_default();
            text.push('\n');
            if check {
                let committed = std::fs::read_to_string(&path).unwrap_or_default();
                if committed != text {
                    eprintln!("differs: {}", file.path);
                    differences += 1;
                } else {
                    println!("same:    {}", file.path);
                }
            } else {
                if let Some(parent) = path.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("cannot write {}: {e}", file.path);
                    return ExitCode::FAILURE;
                }
                println!("wrote   {}", file.path);
            }
        }
    }
    if differences > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
