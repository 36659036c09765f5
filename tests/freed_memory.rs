//! Secrets do not survive in freed heap memory.
//!
//! A recording global allocator copies every heap block freed while recording is on into a
//! fixed buffer. The tests run an operation under recording, then look for the secrets the
//! operation produced (read afterwards from the states' pickles, or known beforehand from the
//! injected randomness) in the recorded bytes. A secret kept in a buffer that is freed without
//! being wiped first — the bug class of vodozemac's GHSA-v27v-f96q-qhjq (root-key ratchet output
//! left in freed memory) and of the incomplete zeroization the Least Authority audit listed —
//! is found there.
//!
//! What this cannot see: copies on the stack, in registers, or in memory that is still
//! allocated; and the allocator's own bookkeeping overwrites the first bytes of a freed block
//! only after `dealloc` returns, which is after the copy is taken, so nothing is missed there.
//!
//! The test crate needs `unsafe` for the allocator (the package denies it everywhere else);
//! the library itself is `#![forbid(unsafe_code)]`.
#![allow(unsafe_code)]
// Test helpers outside `#[test]` functions: panicking on a broken fixture is the point.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::{
    alloc::{GlobalAlloc, Layout, System},
    sync::{
        atomic::{AtomicBool, Ordering},
        Mutex, MutexGuard,
    },
};

use rand_core::{Infallible, Rng, TryCryptoRng, TryRng};
use salamander::{
    megolm::{GroupSession, InboundGroupSession, SessionConfig as MegolmConfig},
    olm::{Account, OlmMessage, Session, SessionConfig},
};

const RECORD_CAPACITY: usize = 8 << 20;

struct Record {
    bytes: [u8; RECORD_CAPACITY],
    len: usize,
    overflowed: bool,
}

static RECORD: Mutex<Record> =
    Mutex::new(Record { bytes: [0; RECORD_CAPACITY], len: 0, overflowed: false });
static RECORDING: AtomicBool = AtomicBool::new(false);
/// One test at a time: recording is process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

struct RecordingAllocator;

// SAFETY: every call is forwarded to the system allocator unchanged; `dealloc` only reads the
// block it is given (which is still allocated at that point) before freeing it.
unsafe impl GlobalAlloc for RecordingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // A moving realloc frees the old block: record it as well.
        if RECORDING.load(Ordering::SeqCst) {
            let new = unsafe {
                System.alloc(Layout::from_size_align_unchecked(new_size, layout.align()))
            };
            if !new.is_null() {
                unsafe {
                    std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
            }
            return new;
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if RECORDING.load(Ordering::SeqCst) {
            // `try_lock`: never block inside the allocator; a block freed while the record is
            // being read is not part of a recorded operation.
            if let Ok(mut record) = RECORD.try_lock() {
                let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
                let start = record.len;
                match record.bytes.get_mut(start..start + block.len()) {
                    Some(slot) => {
                        slot.copy_from_slice(block);
                        record.len += block.len();
                    }
                    None => record.overflowed = true,
                }
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: RecordingAllocator = RecordingAllocator;

/// Run `operation` with every freed block recorded; returns what it returned.
fn recorded<T>(operation: impl FnOnce() -> T) -> T {
    {
        let mut record = RECORD.lock().unwrap();
        record.len = 0;
        record.overflowed = false;
    }
    RECORDING.store(true, Ordering::SeqCst);
    let result = operation();
    RECORDING.store(false, Ordering::SeqCst);
    result
}

/// The secrets among `needles` that occur in the recorded freed memory.
fn found_in_freed_memory(needles: &[[u8; 32]]) -> Vec<[u8; 32]> {
    let record = RECORD.lock().unwrap();
    assert!(!record.overflowed, "the record buffer is too small for this operation");
    assert!(record.len > 0, "nothing was freed: the recording is not working");
    let freed = &record.bytes[..record.len];
    needles
        .iter()
        .filter(|needle| freed.windows(32).any(|window| window == needle.as_slice()))
        .copied()
        .collect()
}

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every array of 32 byte values in a pickle's JSON, under the given field names.
fn secrets_in(json: &serde_json::Value, fields: &[&str], out: &mut Vec<[u8; 32]>) {
    match json {
        serde_json::Value::Object(map) => {
            for (name, value) in map {
                if fields.contains(&name.as_str()) {
                    collect_arrays(value, out);
                }
                secrets_in(value, fields, out);
            }
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|item| secrets_in(item, fields, out))
        }
        _ => {}
    }
}

fn collect_arrays(json: &serde_json::Value, out: &mut Vec<[u8; 32]>) {
    if let serde_json::Value::Array(items) = json {
        let bytes: Vec<u8> = items.iter().filter_map(|v| v.as_u64()).map(|v| v as u8).collect();
        if bytes.len() == 32 && items.len() == 32 {
            out.push(bytes.as_slice().try_into().unwrap());
        }
        // Nested arrays (the Megolm ratchet is 128 bytes: look at its four parts).
        if items.len() == 128 && bytes.len() == 128 {
            for part in bytes.chunks_exact(32) {
                out.push(part.try_into().unwrap());
            }
        }
        items.iter().for_each(|item| collect_arrays(item, out));
    } else if let serde_json::Value::Object(map) = json {
        map.values().for_each(|value| collect_arrays(value, out));
    }
}

/// The Olm session secrets: root keys, chain keys, the sending ratchet's secret key. (The
/// other 32-byte values of the pickle — session keys, the peer's ratchet keys — are public.)
fn olm_secrets(session: &Session) -> Vec<[u8; 32]> {
    let json = serde_json::to_value(session.pickle()).unwrap();
    let mut secrets = Vec::new();
    secrets_in(
        &json,
        &["root_key", "hkdf_ratchet", "symmetric_key_ratchet", "active_ratchet"],
        &mut secrets,
    );
    secrets.sort();
    secrets.dedup();
    assert!(secrets.len() >= 2, "expected a root key and chain keys, got {}", secrets.len());
    secrets
}

/// A random-number generator replaying a counter: the keys it makes are known to the test.
struct Counter(u8);

impl TryRng for Counter {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Infallible> {
        for byte in dest {
            self.0 = self.0.wrapping_mul(167).wrapping_add(13);
            *byte = self.0;
        }
        Ok(())
    }
}

impl TryCryptoRng for Counter {}

fn counter_bytes(seed: u8, n: usize) -> Vec<u8> {
    let mut bytes = vec![0; n];
    Counter(seed).fill_bytes(&mut bytes);
    bytes
}

fn established() -> (Account, Account, Session, Session) {
    let alice = Account::new();
    let mut bob = Account::new();
    bob.generate_one_time_keys(1);
    let otk = *bob.one_time_keys().values().next().unwrap();
    let mut a = alice
        .create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), otk)
        .unwrap();
    let OlmMessage::PreKey(pre_key) = a.encrypt(b"hi").unwrap() else {
        panic!("expected a pre-key message")
    };
    let created = bob
        .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &pre_key)
        .unwrap();
    let mut b = created.session;
    let reply = b.encrypt(b"hello").unwrap();
    a.decrypt(&reply).unwrap();
    (alice, bob, a, b)
}

/// GHSA-v27v-f96q-qhjq: the root-key ratchet's output (new root key and chain key) must not be
/// left in freed memory, on the sending or the receiving side of a ratchet step.
#[test]
fn ratchet_step_leaves_no_root_or_chain_key_in_freed_memory() {
    let _serial = serial();
    let (_alice, _bob, mut a, mut b) = established();
    for turn in 0..3 {
        recorded(|| {
            // Each direction change is a ratchet step: a new Curve25519 key, a root KDF on each
            // side; then a few messages on the new chain.
            let message = a.encrypt(format!("turn {turn}")).unwrap();
            b.decrypt(&message).unwrap();
            let reply = b.encrypt(b"reply").unwrap();
            a.decrypt(&reply).unwrap();
            let more = b.encrypt(b"and more").unwrap();
            a.decrypt(&more).unwrap();
        });
        let mut secrets = olm_secrets(&a);
        secrets.extend(olm_secrets(&b));
        let leaked = found_in_freed_memory(&secrets);
        assert!(
            leaked.is_empty(),
            "turn {turn}: {} session secrets found in freed memory",
            leaked.len()
        );
    }
}

/// The Megolm ratchet: advancing (encrypting, decrypting far ahead) frees no ratchet values.
#[test]
fn megolm_ratchet_leaves_nothing_in_freed_memory() {
    let _serial = serial();
    let mut outbound = GroupSession::new(MegolmConfig::version_1());
    let mut inbound = InboundGroupSession::new(&outbound.session_key(), MegolmConfig::version_1());
    let messages: Vec<_> = (0..300).map(|i| outbound.encrypt(format!("message {i}"))).collect();
    recorded(|| {
        for message in messages.iter().rev().step_by(37) {
            inbound.decrypt(message).unwrap();
        }
        outbound.encrypt(b"one more");
    });
    let mut secrets = Vec::new();
    collect_arrays(&serde_json::to_value(outbound.pickle()).unwrap(), &mut secrets);
    collect_arrays(&serde_json::to_value(inbound.pickle()).unwrap(), &mut secrets);
    secrets.retain(|s| *s != outbound.session_key().to_bytes()[133..165]);
    assert!(secrets.len() >= 8, "expected the ratchet parts of both sessions");
    let leaked = found_in_freed_memory(&secrets);
    assert!(leaked.is_empty(), "{} ratchet values found in freed memory", leaked.len());
}

/// Dropping a state wipes it: the identity keys of an account, the ratchet of a group
/// session, the keys of an Olm session, all allocated on the heap and freed under recording.
#[test]
fn dropped_states_are_wiped() {
    let _serial = serial();
    // The account's secret keys come from the counter: the Ed25519 seed, then the Curve25519 key.
    let account = Box::new(Account::new_with_rng(&mut Counter(7)));
    let expected = counter_bytes(7, 64);
    let identity_secrets: Vec<[u8; 32]> =
        expected.chunks_exact(32).map(|c| c.try_into().unwrap()).collect();

    let (_alice, _bob, a, b) = established();
    let mut olm = olm_secrets(&a);
    olm.extend(olm_secrets(&b));
    let (a, b) = (Box::new(a), Box::new(b));

    let group = Box::new(GroupSession::new(MegolmConfig::version_1()));
    let mut ratchet = Vec::new();
    collect_arrays(&serde_json::to_value(group.pickle()).unwrap(), &mut ratchet);

    recorded(|| {
        drop(account);
        drop(a);
        drop(b);
        drop(group);
    });
    let mut secrets = identity_secrets;
    secrets.extend(olm);
    secrets.extend(ratchet);
    let leaked = found_in_freed_memory(&secrets);
    assert!(leaked.is_empty(), "{} secrets of dropped states found in freed memory", leaked.len());
}
