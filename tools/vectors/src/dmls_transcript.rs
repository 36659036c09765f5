//! `dmls-transcript` (`test-vectors/dmls/transcript.json`): a whole DMLS conversation from
//! seeded identities, replayed step by step.
//!
//! There is no other DMLS implementation, so this file is a regression vector written by
//! salamander itself (`cargo run -p salamander-vectors -- --write-dmls-transcript`): every
//! identity draws its randomness from a ChaCha20 stream keyed by a fixed seed
//! (`DmlsIdentity::from_seed`, hidden behind salamander's `hazmat` feature), and KeyPackages
//! carry a fixed lifetime, so the same steps give the same bytes.
//!
//! The runner replays the file's steps in order against one set of live identities and groups.
//! Each step is one test case. A step that produces bytes (KeyPackage, commit, Welcome,
//! application message) must produce exactly the file's bytes; a step that consumes bytes
//! (join, process, add) consumes the *file's* bytes, and must give exactly the recorded
//! outcome: the processed message (or the kind of error), the resulting forks, the preferred
//! fork and an exported secret per retained fork.

use std::collections::BTreeMap;

use salamander::dmls::{DmlsError, DmlsGroup, DmlsIdentity, ForkId, Processed};
use serde_json::{json, Map, Value};

use crate::{
    channel::{kind, text, to_hex},
    hex,
};

/// The exporter label of every `exports` entry.
const EXPORT_LABEL: &str = "salamander dmls transcript";
/// The exported length.
const EXPORT_LENGTH: usize = 32;
/// The fields a step's outcome is made of; every one the runner computes must equal the file's,
/// and the file may hold no other.
const OUTCOME: &[&str] = &[
    "result",
    "error",
    "signatureKey",
    "output",
    "welcome",
    "groupId",
    "forkId",
    "processed",
    "forks",
    "preferredFork",
    "exports",
];

/// Live identities and groups, by actor name, and the bytes each step produced, by tcId.
#[derive(Default)]
struct World {
    identities: BTreeMap<String, DmlsIdentity>,
    groups: BTreeMap<String, DmlsGroup>,
    produced: BTreeMap<u64, Map<String, Value>>,
}

fn fork_hex(id: &ForkId) -> String {
    to_hex(id.as_bytes())
}

fn processed_json(processed: &Processed) -> Value {
    match processed {
        Processed::Application { fork_id, sender, plaintext } => json!({
            "kind": "application",
            "forkId": fork_hex(fork_id),
            "sender": String::from_utf8_lossy(sender),
            "plaintext": to_hex(plaintext),
        }),
        Processed::Commit { parent, fork_id, epoch, replayed } => json!({
            "kind": "commit",
            "parent": fork_hex(parent),
            "forkId": fork_hex(fork_id),
            "epoch": epoch,
            "replayed": replayed.iter().map(processed_json).collect::<Vec<_>>(),
        }),
        Processed::Removed { parent } => json!({"kind": "removed", "parent": fork_hex(parent)}),
        Processed::Queued { fork_id } => json!({"kind": "queued", "forkId": fork_hex(fork_id)}),
    }
}

/// The group's retained forks, preferred fork and one exported secret per fork.
fn state(group: &DmlsGroup, out: &mut Map<String, Value>) -> Result<(), String> {
    let mut forks = Vec::new();
    let mut exports = Vec::new();
    for fork in group.forks() {
        let members = group.members(fork.id).map_err(|e| format!("members: {e:?}"))?;
        forks.push(json!({
            "id": fork_hex(&fork.id),
            "parent": fork.parent.as_ref().map(fork_hex),
            "epoch": fork.epoch,
            "members": members.iter().map(|m| String::from_utf8_lossy(m)).collect::<Vec<_>>(),
        }));
        let secret = group
            .export_secret(fork.id, EXPORT_LABEL, EXPORT_LENGTH)
            .map_err(|e| format!("export_secret: {e:?}"))?;
        exports.push(json!({
            "fork": fork_hex(&fork.id),
            "label": EXPORT_LABEL,
            "context": "",
            "length": EXPORT_LENGTH,
            "secret": to_hex(&secret),
        }));
    }
    out.insert("forks".into(), forks.into());
    out.insert("preferredFork".into(), group.preferred_fork().as_ref().map(fork_hex).into());
    out.insert("exports".into(), exports.into());
    Ok(())
}

fn error_outcome(error: &DmlsError, out: &mut Map<String, Value>) {
    out.insert("result".into(), "invalid".into());
    out.insert("error".into(), kind(error).into());
}

impl World {
    fn identity(&mut self, actor: &str) -> Result<&mut DmlsIdentity, String> {
        self.identities.get_mut(actor).ok_or_else(|| format!("{actor} has no identity"))
    }

    fn group(&mut self, actor: &str) -> Result<&mut DmlsGroup, String> {
        self.groups.get_mut(actor).ok_or_else(|| format!("{actor} has no group"))
    }

    /// The bytes `name` (`output` or `welcome`) that step `tc_id` produced in this replay.
    fn produced(&self, tc_id: &Value, name: &str) -> Result<&Value, String> {
        tc_id
            .as_u64()
            .and_then(|id| self.produced.get(&id))
            .and_then(|outcome| outcome.get(name))
            .ok_or_else(|| format!("step {tc_id} produced no {name}"))
    }

    /// A consumed input that names the step it comes from (`inputFrom`, `keyPackagesFrom`)
    /// must be exactly the bytes that step produced.
    fn check_provenance(&self, step: &Value, action: &str) -> Result<(), String> {
        if let Some(from) = step.get("inputFrom") {
            let name = if action == "join" { "welcome" } else { "output" };
            if step.get("input") != Some(self.produced(from, name)?) {
                return Err(format!("input: not the {name} of step {from}"));
            }
        }
        if let Some(from) = step.get("keyPackagesFrom") {
            let from = from.as_array().ok_or("keyPackagesFrom: not a list")?;
            let kps = step["keyPackages"].as_array().ok_or("missing keyPackages")?;
            if from.len() != kps.len() {
                return Err("keyPackagesFrom: not one per KeyPackage".to_owned());
            }
            for (from, kp) in from.iter().zip(kps) {
                if kp != self.produced(from, "output")? {
                    return Err(format!("keyPackages: not the output of step {from}"));
                }
            }
        }
        Ok(())
    }

    /// Run one step (its `actor`, `action` and inputs) and return its outcome fields.
    fn execute(&mut self, step: &Value) -> Result<Map<String, Value>, String> {
        let actor = text(step, "actor")?;
        let action = text(step, "action")?;
        let out = self.act(step, actor, action)?;
        if let Some(tc_id) = step["tcId"].as_u64() {
            let produced = ["output", "welcome"]
                .into_iter()
                .filter_map(|name| out.get(name).map(|v| (name.to_owned(), v.clone())))
                .collect();
            self.produced.insert(tc_id, produced);
        }
        Ok(out)
    }

    fn act(
        &mut self,
        step: &Value,
        actor: &str,
        action: &str,
    ) -> Result<Map<String, Value>, String> {
        let mut out = Map::new();
        out.insert("result".into(), "valid".into());
        match action {
            "identity" => {
                let seed: [u8; 32] = hex::field(step, "seed")?
                    .try_into()
                    .map_err(|_| "seed: not 32 bytes".to_owned())?;
                let identity = DmlsIdentity::from_seed(text(step, "credential")?, seed)
                    .map_err(|e| format!("from_seed: {e:?}"))?;
                out.insert("signatureKey".into(), to_hex(identity.signature_key()).into());
                self.identities.insert(actor.to_owned(), identity);
            }
            "keyPackage" => {
                let kp = self.identity(actor)?.key_package().map_err(|e| format!("{e:?}"))?;
                out.insert("output".into(), to_hex(&kp).into());
            }
            "create" => {
                let group =
                    DmlsGroup::create(self.identity(actor)?).map_err(|e| format!("{e:?}"))?;
                out.insert("groupId".into(), to_hex(group.group_id()).into());
                state(&group, &mut out)?;
                self.groups.insert(actor.to_owned(), group);
            }
            "join" => {
                let welcome = hex::field(step, "input")?;
                match DmlsGroup::join(self.identity(actor)?, &welcome) {
                    Ok(group) => {
                        out.insert("groupId".into(), to_hex(group.group_id()).into());
                        state(&group, &mut out)?;
                        self.groups.insert(actor.to_owned(), group);
                    }
                    Err(e) => error_outcome(&e, &mut out),
                }
            }
            "addMembers" | "selfUpdate" => {
                let group = self.group(actor)?;
                let commit = if action == "addMembers" {
                    let kps = step["keyPackages"]
                        .as_array()
                        .ok_or("missing keyPackages")?
                        .iter()
                        .map(|kp| hex::decode(kp.as_str().unwrap_or_default()))
                        .collect::<Result<Vec<_>, _>>()?;
                    let kps: Vec<&[u8]> = kps.iter().map(Vec::as_slice).collect();
                    group.add_members(&kps)
                } else {
                    group.self_update()
                };
                match commit {
                    Ok(commit) => {
                        out.insert("output".into(), to_hex(&commit.commit).into());
                        if let Some(welcome) = &commit.welcome {
                            out.insert("welcome".into(), to_hex(welcome).into());
                        }
                        out.insert("forkId".into(), fork_hex(&commit.fork_id).into());
                    }
                    Err(e) => error_outcome(&e, &mut out),
                }
                state(group, &mut out)?;
            }
            "encrypt" => {
                let plaintext = hex::field(step, "plaintext")?;
                let group = self.group(actor)?;
                match group.encrypt(&plaintext) {
                    Ok(envelope) => {
                        out.insert("output".into(), to_hex(&envelope).into());
                    }
                    Err(e) => error_outcome(&e, &mut out),
                }
                state(group, &mut out)?;
            }
            "process" => {
                let input = hex::field(step, "input")?;
                let group = self.group(actor)?;
                match group.process(&input) {
                    Ok(processed) => {
                        out.insert("processed".into(), processed_json(&processed));
                    }
                    Err(e) => error_outcome(&e, &mut out),
                }
                state(group, &mut out)?;
            }
            other => return Err(format!("unknown action {other:?}")),
        }
        Ok(out)
    }
}

/// Where `want` (the file) and `have` (the replay) first differ, as `path: got …, expected …`.
fn difference(path: &str, want: Option<&Value>, have: Option<&Value>) -> Option<String> {
    match (want, have) {
        (Some(Value::Object(w)), Some(Value::Object(h))) => {
            let keys = w.keys().chain(h.keys().filter(|k| !w.contains_key(*k)));
            keys.into_iter().find_map(|k| difference(&format!("{path}.{k}"), w.get(k), h.get(k)))
        }
        (Some(Value::Array(w)), Some(Value::Array(h))) if w.len() == h.len() => w
            .iter()
            .zip(h)
            .enumerate()
            .find_map(|(i, (w, h))| difference(&format!("{path}[{i}]"), Some(w), Some(h))),
        _ if want == have => None,
        (Some(Value::String(w)), Some(Value::String(h))) if w.len() > 64 || h.len() > 64 => {
            let at = w.bytes().zip(h.bytes()).take_while(|(a, b)| a == b).count() / 2;
            Some(format!(
                "{path}: {} hex bytes differ from the expected {} at byte {at}",
                h.len() / 2,
                w.len() / 2
            ))
        }
        _ => {
            let show = |v: Option<&Value>| v.map_or_else(|| "nothing".to_owned(), Value::to_string);
            Some(format!("{path}: got {}, expected {}", show(have), show(want)))
        }
    }
}

/// The first outcome field where `expected` (the file's case) and `got` (the replay) differ.
fn compare(expected: &Value, got: &Map<String, Value>) -> Result<(), String> {
    let verdict = |case: Option<&Value>, error: Option<&Value>| match error {
        Some(error) => format!("{} ({error})", case.map_or_else(String::new, Value::to_string)),
        None => case.map_or_else(|| "nothing".to_owned(), Value::to_string),
    };
    if expected.get("result") != got.get("result") {
        return Err(format!(
            "result: got {}, expected {}",
            verdict(got.get("result"), got.get("error")),
            verdict(expected.get("result"), expected.get("error"))
        ));
    }
    match OUTCOME.iter().find_map(|name| difference(name, expected.get(*name), got.get(*name))) {
        Some(difference) => Err(difference),
        None => Ok(()),
    }
}

/// `dmls-transcript`: replay every step in order; one result per step.
pub(crate) fn transcript(tests: &[Value]) -> Vec<Result<(), String>> {
    let mut world = World::default();
    tests
        .iter()
        .map(|step| {
            // A wrong provenance fails the step, but the step still runs on the file's bytes
            // so that the steps after it are checked as usual.
            let provenance = world.check_provenance(step, text(step, "action")?);
            let got = world.execute(step)?;
            provenance?;
            compare(step, &got)
        })
        .collect()
}

/// The scenario, recorded as it runs.
struct Writer {
    world: World,
    tests: Vec<Value>,
}

impl Writer {
    /// Run a step given its actor, action and inputs; record it with its outcome and return
    /// the recorded case.
    fn step(
        &mut self,
        actor: &str,
        action: &str,
        inputs: Value,
        comment: &str,
        flags: &[&str],
    ) -> Result<Value, String> {
        let mut case = Map::new();
        case.insert("tcId".into(), (self.tests.len() + 1).into());
        case.insert("comment".into(), comment.into());
        case.insert("actor".into(), actor.into());
        case.insert("action".into(), action.into());
        if let Value::Object(inputs) = inputs {
            case.extend(inputs);
        }
        let step = Value::Object(case.clone());
        self.world.check_provenance(&step, action)?;
        let outcome = self.world.execute(&step)?;
        // Outcome fields in a fixed order: result (and error) first, state last.
        for name in OUTCOME {
            if let Some(value) = outcome.get(*name) {
                case.insert((*name).to_owned(), value.clone());
            }
        }
        case.insert("flags".into(), flags.iter().map(|f| Value::from(*f)).collect());
        let case = Value::Object(case);
        self.tests.push(case.clone());
        Ok(case)
    }
}

fn field(case: &Value, name: &str) -> Result<String, String> {
    Ok(text(case, name)?.to_owned())
}

fn plaintext(text: &str) -> Value {
    json!({ "plaintext": to_hex(text.as_bytes()) })
}

/// Inputs for a step consuming the bytes `name` that the step `case` produced.
fn from(case: &Value, name: &str) -> Result<Value, String> {
    Ok(json!({ "input": field(case, name)?, "inputFrom": case["tcId"] }))
}

/// Alice, Bob and Carol: a group of three, two concurrent commits on one epoch, messages on
/// both forks, a queued message, replays and duplicates, and a resolution commit.
fn scenario() -> Result<Vec<Value>, String> {
    let mut w = Writer { world: World::default(), tests: Vec::new() };
    for (name, first) in [("alice", 0x00u8), ("bob", 0x20), ("carol", 0x40)] {
        let seed: Vec<u8> = (first..first + 32).collect();
        w.step(
            name,
            "identity",
            json!({ "credential": name, "seed": to_hex(&seed) }),
            &format!("{name}'s identity from a fixed seed: its Ed25519 key"),
            &["Setup"],
        )?;
    }
    let kp_bob =
        w.step("bob", "keyPackage", json!({}), "Bob publishes a KeyPackage", &["Setup"])?;
    let kp_carol =
        w.step("carol", "keyPackage", json!({}), "Carol publishes a KeyPackage", &["Setup"])?;
    w.step("alice", "create", json!({}), "Alice creates the group (epoch 0)", &["Create"])?;
    let add = w.step(
        "alice",
        "addMembers",
        json!({
            "keyPackages": [field(&kp_bob, "output")?, field(&kp_carol, "output")?],
            "keyPackagesFrom": [kp_bob["tcId"], kp_carol["tcId"]],
        }),
        "Alice adds Bob and Carol in one commit (epoch 1) with one Welcome",
        &["Add", "Welcome"],
    )?;
    let welcome = from(&add, "welcome")?;
    w.step("bob", "join", welcome.clone(), "Bob joins from the Welcome", &["Join", "Welcome"])?;
    w.step("carol", "join", welcome.clone(), "Carol joins from the Welcome", &["Join", "Welcome"])?;

    // Two concurrent commits on epoch 1: fork B (Bob's) and fork C (Carol's), each followed by
    // a message on its own fork.
    let commit_b = w.step(
        "bob",
        "selfUpdate",
        json!({}),
        "Bob commits a self-update on epoch 1: fork B",
        &["Commit", "ConcurrentCommit"],
    )?;
    let message_b = w.step(
        "bob",
        "encrypt",
        plaintext("Bob on fork B"),
        "Bob sends on his preferred fork, B",
        &["Application"],
    )?;
    let commit_c = w.step(
        "carol",
        "selfUpdate",
        json!({}),
        "Carol commits a self-update on epoch 1 at the same time: fork C",
        &["Commit", "ConcurrentCommit"],
    )?;
    let message_c = w.step(
        "carol",
        "encrypt",
        plaintext("Carol on fork C"),
        "Carol sends on her preferred fork, C",
        &["Application"],
    )?;
    let (commit_b, message_b) = (from(&commit_b, "output")?, from(&message_b, "output")?);
    let (commit_c, message_c) = (from(&commit_c, "output")?, from(&message_c, "output")?);

    w.step(
        "alice",
        "process",
        message_b.clone(),
        "Alice gets Bob's message before his commit: fork B is unknown, the message waits",
        &["Queued", "OutOfOrder"],
    )?;
    w.step(
        "alice",
        "process",
        commit_b.clone(),
        "Alice processes Bob's commit: fork B, and the queued message is released",
        &["Commit", "Fork", "QueueReleased"],
    )?;
    w.step(
        "alice",
        "process",
        commit_c.clone(),
        "Alice processes Carol's rival commit on epoch 1: a second child, fork C",
        &["Commit", "Fork", "RivalCommit"],
    )?;
    w.step(
        "alice",
        "process",
        message_c.clone(),
        "Alice decrypts Carol's message on fork C",
        &["Application", "NonPreferredFork"],
    )?;
    w.step(
        "alice",
        "process",
        message_c.clone(),
        "Alice gets Carol's message a second time: refused, nothing changes",
        &["Duplicate", "Replay"],
    )?;
    w.step(
        "alice",
        "process",
        commit_b.clone(),
        "Alice gets Bob's commit a second time: refused as a duplicate, nothing changes",
        &["Duplicate", "Commit"],
    )?;
    w.step(
        "bob",
        "process",
        commit_c.clone(),
        "Bob processes Carol's rival commit on the epoch he committed on",
        &["Commit", "Fork", "RivalCommit"],
    )?;
    w.step(
        "bob",
        "process",
        message_c.clone(),
        "Bob decrypts Carol's message on fork C",
        &["Application"],
    )?;
    w.step(
        "carol",
        "process",
        commit_b.clone(),
        "Carol processes Bob's rival commit",
        &["Commit", "Fork", "RivalCommit"],
    )?;
    w.step(
        "carol",
        "process",
        message_b.clone(),
        "Carol decrypts Bob's message on fork B",
        &["Application"],
    )?;
    w.step(
        "carol",
        "process",
        commit_c.clone(),
        "Carol gets her own commit back: a duplicate of what she merged when committing",
        &["Duplicate", "OwnCommit"],
    )?;
    let truncated = text(&message_b, "input")?.get(..20).ok_or("short message")?;
    w.step(
        "bob",
        "process",
        json!({ "input": truncated }),
        "Bob gets a truncated envelope (its first 10 bytes): a decoding error, nothing changes",
        &["Truncated"],
    )?;

    // Everyone holds forks B and C and prefers the same one; Alice commits on it.
    let resolution = w.step(
        "alice",
        "selfUpdate",
        json!({}),
        "Alice commits on the preferred fork (the higher fork id of B and C): the resolution",
        &["Commit", "Resolution"],
    )?;
    let resolution = from(&resolution, "output")?;
    for name in ["bob", "carol"] {
        w.step(
            name,
            "process",
            resolution.clone(),
            &format!("{name} processes the resolution commit"),
            &["Commit", "Resolution"],
        )?;
    }
    let after = w.step(
        "alice",
        "encrypt",
        plaintext("after the resolution"),
        "Alice sends on the resolved fork",
        &["Application", "Resolution"],
    )?;
    let after = from(&after, "output")?;
    for name in ["bob", "carol"] {
        w.step(
            name,
            "process",
            after.clone(),
            &format!("{name} decrypts Alice's message on the resolved fork"),
            &["Application", "Resolution"],
        )?;
    }
    Ok(w.tests)
}

/// The notes of `test-vectors/dmls/transcript.json`.
fn notes() -> Vec<&'static str> {
    vec![
        "A whole decentralised MLS conversation (salamander::dmls, ciphersuite MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519) between Alice, Bob and Carol, one step per test case, in order. There is no other DMLS implementation: this is a regression vector written by salamander itself, which pins every byte salamander produces and every outcome of processing them.",
        "Determinism: each identity is made by the hidden constructor DmlsIdentity::from_seed (salamander's hazmat feature), whose every random byte comes from a ChaCha20 stream keyed by the step's 32-byte 'seed' (hex): its Ed25519 key, its KeyPackages' keys, and each group it creates or joins (keyed by the next 32 bytes of the identity's stream), path secrets, group ids, PSK nonces and reuse guards. KeyPackages and the creator's leaf have the fixed lifetime 1767225600 to 4102444800 (2026-01-01 to 2100-01-01). HPKE seals (RFC 9180 base mode) use the ephemeral key DeriveKeyPair(HMAC-SHA256(HMAC-SHA256(s, \"salamander dmls seeded hpke\"), the seal's length-prefixed pkR, info, aad and plaintext)), s being the seed of the identity's or the group's stream, not stream bytes, because openmls seals an UpdatePath's path secrets in parallel. Never use deterministic randomness outside vectors.",
        "Each step names its 'actor' and 'action': 'identity' (from 'credential' and 'seed'; outputs 'signatureKey'), 'keyPackage' (outputs the TLS-serialized MLSMessage in 'output'), 'create', 'addMembers' (the KeyPackages in 'keyPackages'; outputs the commit envelope in 'output', the DMLS Welcome in 'welcome' and the new 'forkId'), 'join' (the Welcome in 'input'), 'selfUpdate' (like addMembers), 'encrypt' ('plaintext'; outputs the envelope in 'output') and 'process' (the envelope in 'input'). Bytes are lower-case hex; credential identities ('credential', 'members', 'sender') are text. Envelopes are version (1 byte, 01) ‖ fork id (32 bytes) ‖ length (u32, big-endian) ‖ TLS-serialized MLSMessage; Welcomes are DMLS Welcomes (src/dmls/welcome.rs); fork ids are MLS-Exporter(\"salamander dmls fork id\", \"\", 32).",
        "What the runner checks, per step: a step that produces bytes must produce exactly 'output' (and 'welcome', 'forkId', 'groupId', 'signatureKey'); a step that consumes bytes consumes the bytes in this file, not its own, and where it names their producer ('inputFrom', 'keyPackagesFrom': tcIds; the 'welcome' for a join, else the 'output') they must be exactly the bytes that step produced (a step without 'inputFrom' consumes hand-made bytes, e.g. a truncated envelope). The outcome must then be exactly as recorded: 'result' valid, or invalid with the DmlsError variant in 'error' (the group unchanged); for 'process', 'processed' (kind application with forkId, sender and plaintext; commit with parent, forkId, epoch and the queued messages it released in 'replayed'; queued with forkId); and the actor's state afterwards: 'forks' (every retained fork oldest epoch first with its parent, epoch and members), 'preferredFork', and in 'exports' DmlsGroup::export_secret(fork, label, 32) of every retained fork (MLS-Exporter with an empty context).",
        "Regenerate with 'cargo run -p salamander-vectors -- --write-dmls-transcript'. A change to any byte here means salamander's DMLS output, or openmls's, changed; the independent DMLS vectors (PPRF, envelope codec) are the ones to check against the specification.",
    ]
}

/// The whole file.
pub fn transcript_file() -> Result<Value, String> {
    let tests = scenario()?;
    Ok(json!({
        "algorithm": "dmls-transcript",
        "source": "salamander itself, regression vector: there is no other DMLS implementation",
        "generator": "cargo run -p salamander-vectors -- --write-dmls-transcript",
        "notes": notes(),
        "numberOfTests": tests.len(),
        "tests": tests,
    }))
}
