//! The known-answer vector runner: loads every JSON file under `test-vectors/`, runs each case
//! against salamander and reports per file.
//!
//! A file names its `algorithm`; each algorithm has a runner function that takes one test case
//! and returns `Ok(())` or the reason it failed. Cases marked `"result": "invalid"` pass when
//! salamander refuses them with the error kind they name.

mod channel;
mod dmls;
mod dmls_transcript;
mod ecies;
mod hex;
mod hpke;
mod megolm;
mod olm;
mod pickle;
mod pk;
mod primitives;
mod rng;
mod sas;
mod secret_storage;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The outcome of one test case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's `tcId`.
    pub tc_id: u64,
    /// `None` when it passed, else why it failed.
    pub failure: Option<String>,
}

/// The outcome of one vector file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// Path relative to `test-vectors/`.
    pub path: String,
    /// The file's `algorithm`.
    pub algorithm: String,
    /// The file's `source`.
    pub source: String,
    /// One entry per case.
    pub cases: Vec<CaseResult>,
}

impl FileReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.failure.is_none()).count()
    }

    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

type Runner = fn(&Value) -> Result<(), String>;

/// A runner for files whose cases are steps of one transcript, replayed in order against one
/// state: one result per case.
type FileRunner = fn(&[Value]) -> Vec<Result<(), String>>;

fn file_runner_for(algorithm: &str) -> Option<FileRunner> {
    match algorithm {
        "dmls-transcript" => Some(dmls_transcript::transcript),
        _ => None,
    }
}

/// Write `dmls/transcript.json` under `root` (the DMLS transcript from seeded identities; see
/// `dmls_transcript.rs`) and return its path.
pub fn write_dmls_transcript(root: &Path) -> Result<PathBuf, String> {
    let file = dmls_transcript::transcript_file()?;
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    text.push('\n');
    let path = root.join("dmls").join("transcript.json");
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

fn runner_for(algorithm: &str) -> Option<Runner> {
    match algorithm {
        "olm-conversation" => Some(olm::conversation),
        "olm-kdf" => Some(olm::kdf),
        "olm-message-codec" => Some(olm::message_codec),
        "megolm-ratchet" => Some(megolm::ratchet),
        "megolm-session" => Some(megolm::session),
        "megolm-decrypt" => Some(megolm::decrypt),
        "megolm-session-key-codec" => Some(megolm::session_key),
        "megolm-message-codec" => Some(megolm::message_codec),
        "megolm-cipher-keys" => Some(megolm::cipher_keys),
        "libolm-pickle" => Some(pickle::libolm),
        "native-pickle" => Some(pickle::native),
        "hkdf-sha256" => Some(primitives::hkdf),
        "hmac-sha256" => Some(primitives::hmac),
        "aes-256-cbc" => Some(primitives::aes_cbc),
        "x25519" => Some(primitives::x25519),
        "ed25519" => Some(primitives::ed25519),
        "base64" => Some(primitives::base64),
        "ecies-channel" => Some(ecies::channel),
        "ecies-message-codec" => Some(ecies::message_codec),
        "hpke-channel" => Some(hpke::channel),
        "hpke-message-codec" => Some(hpke::message_codec),
        "sas" => Some(sas::sas),
        "pk-encryption" => Some(pk::encryption),
        "pk-signing" => Some(pk::signing),
        "secret-storage" => Some(secret_storage::aes_hmac_sha2),
        "recovery-key" => Some(secret_storage::recovery_key),
        "dmls-pprf" => Some(dmls::pprf),
        "dmls-psk" => Some(dmls::psk),
        "dmls-envelope-codec" => Some(dmls::envelope),
        "dmls-welcome-codec" => Some(dmls::welcome),
        "dmls-preferred-fork" => Some(dmls::preferred_fork),
        _ => None,
    }
}

/// The `test-vectors/` directory of this repository.
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors")
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "generate" || n == "schema") {
                continue;
            }
            collect_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Run every vector file under `root` whose path contains `filter` (all if `None`).
pub fn run(root: &Path, filter: Option<&str>) -> Vec<FileReport> {
    let mut files = Vec::new();
    collect_files(root, &mut files);
    let mut reports = Vec::new();
    for path in files {
        let relative = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        if filter.is_some_and(|f| !relative.contains(f)) {
            continue;
        }
        reports.push(run_file(&path, relative));
    }
    reports
}

fn run_file(path: &Path, relative: String) -> FileReport {
    let file_failure = |message: String| FileReport {
        path: relative.clone(),
        algorithm: String::new(),
        source: String::new(),
        cases: vec![CaseResult { tc_id: 0, failure: Some(message) }],
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => return file_failure(format!("cannot read: {e}")),
    };
    let file: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => return file_failure(format!("not JSON: {e}")),
    };
    let algorithm = file["algorithm"].as_str().unwrap_or_default().to_owned();
    let source = file["source"].as_str().unwrap_or_default().to_owned();
    if let Some(runner) = file_runner_for(&algorithm) {
        let tests = file["tests"].as_array().cloned().unwrap_or_default();
        if tests.is_empty() {
            return file_failure("no tests".to_owned());
        }
        let outcomes = std::panic::catch_unwind(|| runner(&tests))
            .unwrap_or_else(|_| vec![Err("the runner panicked".to_owned()); tests.len()]);
        let cases = tests
            .iter()
            .zip(outcomes.into_iter().chain(std::iter::repeat(Err("not run".to_owned()))))
            .map(|(case, outcome)| CaseResult {
                tc_id: case["tcId"].as_u64().unwrap_or(0),
                failure: outcome.err(),
            })
            .collect();
        return FileReport { path: relative, algorithm, source, cases };
    }
    let Some(runner) = runner_for(&algorithm) else {
        return file_failure(format!("no runner for algorithm {algorithm:?}"));
    };
    let tests = file["tests"].as_array().cloned().unwrap_or_default();
    if tests.is_empty() {
        return file_failure("no tests".to_owned());
    }
    let cases = tests
        .iter()
        .map(|case| {
            let tc_id = case["tcId"].as_u64().unwrap_or(0);
            let outcome = std::panic::catch_unwind(|| runner(case))
                .unwrap_or_else(|_| Err("the runner panicked".to_owned()));
            CaseResult { tc_id, failure: outcome.err() }
        })
        .collect();
    FileReport { path: relative, algorithm, source, cases }
}
