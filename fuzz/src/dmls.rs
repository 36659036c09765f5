//! DMLS targets: the envelope and Welcome codecs, a live group processing arbitrary envelopes,
//! and group pickles.

use std::sync::OnceLock;

use salamander::dmls::{DmlsGroup, DmlsGroupPickle, DmlsIdentity, DmlsWelcome, Envelope};

/// A two-member group in which Bob holds two forks of epoch 2 (concurrent self-updates), and
/// genuine envelopes on both: Bob's state is pickled once and restored for every input.
pub struct DmlsFixture {
    pub bob: String,
    pub genuine: Vec<Vec<u8>>,
}

pub fn dmls_fixture() -> &'static DmlsFixture {
    static FIXTURE: OnceLock<DmlsFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let alice_id = DmlsIdentity::new(b"alice".to_vec()).unwrap();
        let mut bob_id = DmlsIdentity::new(b"bob".to_vec()).unwrap();
        let mut alice = DmlsGroup::create(&alice_id).unwrap();
        let key_package = bob_id.key_package().unwrap();
        let add = alice.add_members(&[&key_package]).unwrap();
        let mut bob = DmlsGroup::join(&mut bob_id, add.welcome.as_deref().unwrap()).unwrap();
        let a = alice.self_update().unwrap();
        let b = bob.self_update().unwrap();
        alice.process(&b.commit).unwrap();
        bob.process(&a.commit).unwrap();
        let mut genuine = vec![a.commit.clone(), b.commit.clone()];
        for text in [&b"hello"[..], b"", &[0xAA; 300]] {
            genuine.push(alice.encrypt(text).unwrap());
        }
        DmlsFixture { bob: serde_json::to_string(&bob.pickle()).unwrap(), genuine }
    })
}

fn restore(json: &str) -> DmlsGroup {
    DmlsGroup::from_pickle(serde_json::from_str::<DmlsGroupPickle>(json).unwrap())
}

/// `Envelope::decode` and `DmlsWelcome::decode`: never a panic; what decodes re-encodes to the
/// same bytes.
pub fn dmls_envelope_decode(data: &[u8]) {
    if let Ok(envelope) = Envelope::decode(data) {
        assert_eq!(envelope.encode().expect("a decoded envelope encodes"), data);
    }
    if let Ok(welcome) = DmlsWelcome::decode(data) {
        assert_eq!(welcome.encode().expect("a decoded Welcome encodes"), data);
    }
}

/// A live group (two forks) processes arbitrary envelopes: a failure leaves its pickle exactly
/// as it was. The first byte picks a mode: the input as it is, or the input's bytes spliced into
/// a genuine envelope (so that the fuzzer starts past the envelope codec, inside openmls).
pub fn dmls_process(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let fixture = dmls_fixture();
    let input = match mode % 2 {
        0 => rest.to_vec(),
        _ => {
            let Some((&which, rest)) = rest.split_first() else { return };
            let mut genuine = fixture.genuine[which as usize % fixture.genuine.len()].clone();
            let Some((position, patch)) = rest.split_first_chunk::<2>() else { return };
            let at = u16::from_be_bytes(*position) as usize % genuine.len();
            for (byte, new) in genuine[at..].iter_mut().zip(patch) {
                *byte = *new;
            }
            genuine
        }
    };
    let mut bob = restore(&fixture.bob);
    if bob.process(&input).is_err() {
        assert_eq!(serde_json::to_string(&bob.pickle()).unwrap(), fixture.bob, "a failed process changed the group");
    }
}

/// Group pickles: arbitrary JSON, and arbitrary encrypted strings, never panic; what restores
/// can still be asked for its forks and try to encrypt.
pub fn dmls_pickle_decode(data: &[u8]) {
    if let Ok(pickle) = serde_json::from_slice::<DmlsGroupPickle>(data) {
        let mut group = DmlsGroup::from_pickle(pickle);
        let _ = group.forks();
        let _ = group.encrypt(b"fuzz");
    }
    let text = String::from_utf8_lossy(data);
    if let Ok(pickle) = DmlsGroupPickle::from_encrypted(&text, &[0x5A; 32]) {
        let _ = DmlsGroup::from_pickle(pickle).forks();
    }
}
