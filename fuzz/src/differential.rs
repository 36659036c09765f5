//! Differential fuzzing against vodozemac 0.11.1.
//!
//! A script of conversation steps (who sends, what, which message is delivered, dropped or
//! delivered twice, who pickles and restores) runs in four worlds at once: salamander to
//! salamander, vodozemac to vodozemac, and both mixed pairs. Every world must accept and refuse
//! the same deliveries and produce the same plaintexts. In the mixed worlds a pickle/restore step
//! moves the session through the *other* library's pickle format and back.

use arbitrary::Arbitrary;

/// One conversation script.
#[derive(Arbitrary, Debug)]
pub struct Script {
    olm: Vec<OlmStep>,
    megolm: Vec<MegolmStep>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum OlmStep {
    /// Alice (or Bob) encrypts a plaintext of this many bytes.
    Send { from_alice: bool, size: u8 },
    /// Deliver the n-th message in flight (modulo the number in flight).
    Deliver(u8),
    /// Deliver it, and keep it in flight to be delivered again.
    Duplicate(u8),
    /// Lose it.
    Drop(u8),
    /// Pickle and restore one side's session.
    Repickle { alice: bool },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum MegolmStep {
    Encrypt {
        size: u8,
    },
    /// Deliver the n-th message to receiver r (0..3).
    Deliver {
        message: u8,
        receiver: u8,
    },
    /// A new receiver joins from the current session key.
    ShareKey,
    /// Receiver r exports at the n-th sent message's index; a new receiver imports it.
    Export {
        receiver: u8,
        message: u8,
    },
    Repickle {
        receiver: u8,
    },
}

/// What happened at a step, compared across worlds.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Nothing,
    Sent,
    Decrypted(Vec<u8>),
    Refused,
}

const MAX_STEPS: usize = 64;

fn plaintext(step: usize, size: u8) -> Vec<u8> {
    (0..usize::from(size)).map(|i| (i + step) as u8).collect()
}

/// Run a script in every world and compare.
pub fn run(script: &Script) {
    let olm: Vec<_> = script.olm.iter().take(MAX_STEPS).copied().collect();
    let outcomes = [
        olm_world::<Sal, Sal>(&olm),
        olm_world::<Vz, Vz>(&olm),
        olm_world::<Sal, Vz>(&olm),
        olm_world::<Vz, Sal>(&olm),
    ];
    for other in &outcomes[1..] {
        assert_eq!(&outcomes[0], other, "Olm worlds disagree on {olm:?}");
    }
    let megolm: Vec<_> = script.megolm.iter().take(MAX_STEPS).copied().collect();
    let outcomes = [
        megolm_world::<Sal, Sal>(&megolm),
        megolm_world::<Vz, Vz>(&megolm),
        megolm_world::<Sal, Vz>(&megolm),
        megolm_world::<Vz, Sal>(&megolm),
    ];
    for other in &outcomes[1..] {
        assert_eq!(&outcomes[0], other, "Megolm worlds disagree on {megolm:?}");
    }
}

/// One library's Olm and Megolm, as the worlds need them.
trait Library {
    type Account;
    type Session;
    type Outbound;
    type Inbound;
    type OtherLibrary: Library;

    fn account() -> Self::Account;
    fn identity_key(account: &Self::Account) -> [u8; 32];
    fn one_time_key(account: &mut Self::Account) -> [u8; 32];
    fn outbound_session(
        account: &Self::Account,
        identity: [u8; 32],
        one_time: [u8; 32],
    ) -> Self::Session;
    fn inbound_session(
        account: &mut Self::Account,
        identity: [u8; 32],
        pre_key: &[u8],
    ) -> Option<(Self::Session, Vec<u8>)>;
    fn encrypt(session: &mut Self::Session, plaintext: &[u8]) -> (usize, Vec<u8>);
    fn decrypt(session: &mut Self::Session, message_type: usize, bytes: &[u8]) -> Option<Vec<u8>>;
    fn session_to_json(session: &Self::Session) -> serde_json::Value;
    fn session_from_json(json: serde_json::Value) -> Self::Session;

    fn group_session() -> Self::Outbound;
    fn group_encrypt(session: &mut Self::Outbound, plaintext: &[u8]) -> Vec<u8>;
    fn group_session_key(session: &Self::Outbound) -> String;
    fn inbound_group_session(session_key: &str) -> Self::Inbound;
    fn import_group_session(exported: &str) -> Self::Inbound;
    fn group_decrypt(session: &mut Self::Inbound, bytes: &[u8]) -> Option<(Vec<u8>, u32)>;
    fn group_export(session: &mut Self::Inbound, index: u32) -> Option<String>;
    fn inbound_to_json(session: &Self::Inbound) -> serde_json::Value;
    fn inbound_from_json(json: serde_json::Value) -> Self::Inbound;
}

/// Move a session through the other library's pickle and back.
fn repickle<L: Library>(session: &L::Session) -> L::Session {
    let json = L::session_to_json(session);
    let other = <L::OtherLibrary as Library>::session_from_json(json);
    L::session_from_json(<L::OtherLibrary as Library>::session_to_json(&other))
}

fn repickle_inbound<L: Library>(session: &L::Inbound) -> L::Inbound {
    let json = L::inbound_to_json(session);
    let other = <L::OtherLibrary as Library>::inbound_from_json(json);
    L::inbound_from_json(<L::OtherLibrary as Library>::inbound_to_json(&other))
}

struct InFlight {
    from_alice: bool,
    message_type: usize,
    bytes: Vec<u8>,
}

fn olm_world<A: Library, B: Library>(steps: &[OlmStep]) -> Vec<Outcome> {
    let alice_account = A::account();
    let mut bob_account = B::account();
    let one_time = B::one_time_key(&mut bob_account);
    let alice_identity = A::identity_key(&alice_account);
    let mut alice = A::outbound_session(&alice_account, B::identity_key(&bob_account), one_time);
    let mut bob: Option<B::Session> = None;
    let mut in_flight: Vec<InFlight> = Vec::new();

    let mut outcomes = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let outcome = match *step {
            OlmStep::Send { from_alice, size } => {
                let text = plaintext(n, size);
                if from_alice {
                    let (message_type, bytes) = A::encrypt(&mut alice, &text);
                    in_flight.push(InFlight { from_alice, message_type, bytes });
                    Outcome::Sent
                } else if let Some(bob) = &mut bob {
                    let (message_type, bytes) = B::encrypt(bob, &text);
                    in_flight.push(InFlight { from_alice, message_type, bytes });
                    Outcome::Sent
                } else {
                    Outcome::Nothing
                }
            }
            OlmStep::Deliver(i) | OlmStep::Duplicate(i) | OlmStep::Drop(i) => {
                if in_flight.is_empty() {
                    Outcome::Nothing
                } else {
                    let index = usize::from(i) % in_flight.len();
                    let message = if matches!(step, OlmStep::Duplicate(_)) {
                        let m = &in_flight[index];
                        InFlight {
                            from_alice: m.from_alice,
                            message_type: m.message_type,
                            bytes: m.bytes.clone(),
                        }
                    } else {
                        in_flight.remove(index)
                    };
                    if matches!(step, OlmStep::Drop(_)) {
                        Outcome::Nothing
                    } else if message.from_alice {
                        let result = match &mut bob {
                            Some(session) => {
                                B::decrypt(session, message.message_type, &message.bytes)
                            }
                            None if message.message_type == 0 => {
                                B::inbound_session(&mut bob_account, alice_identity, &message.bytes)
                                    .map(|(session, plaintext)| {
                                        bob = Some(session);
                                        plaintext
                                    })
                            }
                            None => None,
                        };
                        result.map_or(Outcome::Refused, Outcome::Decrypted)
                    } else {
                        A::decrypt(&mut alice, message.message_type, &message.bytes)
                            .map_or(Outcome::Refused, Outcome::Decrypted)
                    }
                }
            }
            OlmStep::Repickle { alice: true } => {
                alice = repickle::<A>(&alice);
                Outcome::Nothing
            }
            OlmStep::Repickle { alice: false } => {
                if let Some(session) = &bob {
                    bob = Some(repickle::<B>(session));
                }
                Outcome::Nothing
            }
        };
        outcomes.push(outcome);
    }
    outcomes
}

fn megolm_world<S: Library, R: Library>(steps: &[MegolmStep]) -> Vec<Outcome> {
    let mut outbound = S::group_session();
    let mut receivers = vec![R::inbound_group_session(&S::group_session_key(&outbound))];
    let mut sent: Vec<(u32, Vec<u8>)> = Vec::new();
    let mut outcomes = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let outcome = match *step {
            MegolmStep::Encrypt { size } => {
                let index = sent.len() as u32;
                sent.push((index, S::group_encrypt(&mut outbound, &plaintext(n, size))));
                Outcome::Sent
            }
            MegolmStep::Deliver { message, receiver } => {
                if sent.is_empty() {
                    Outcome::Nothing
                } else {
                    let (_, bytes) = &sent[usize::from(message) % sent.len()];
                    let receiver = usize::from(receiver) % receivers.len();
                    match R::group_decrypt(&mut receivers[receiver], bytes) {
                        Some((plaintext, index)) => {
                            let mut out = plaintext;
                            out.extend_from_slice(&index.to_be_bytes());
                            Outcome::Decrypted(out)
                        }
                        None => Outcome::Refused,
                    }
                }
            }
            MegolmStep::ShareKey => {
                if receivers.len() < 8 {
                    receivers.push(R::inbound_group_session(&S::group_session_key(&outbound)));
                }
                Outcome::Nothing
            }
            MegolmStep::Export { receiver, message } => {
                if sent.is_empty() || receivers.len() >= 8 {
                    Outcome::Nothing
                } else {
                    let (index, _) = sent[usize::from(message) % sent.len()];
                    let receiver = usize::from(receiver) % receivers.len();
                    match R::group_export(&mut receivers[receiver], index) {
                        Some(exported) => {
                            receivers.push(R::import_group_session(&exported));
                            Outcome::Sent
                        }
                        None => Outcome::Refused,
                    }
                }
            }
            MegolmStep::Repickle { receiver } => {
                let receiver = usize::from(receiver) % receivers.len();
                receivers[receiver] = repickle_inbound::<R>(&receivers[receiver]);
                Outcome::Nothing
            }
        };
        outcomes.push(outcome);
    }
    outcomes
}

struct Sal;
struct Vz;

/// The two libraries share every name (salamander mirrors vodozemac), so one body serves both.
macro_rules! impl_library {
    ($name:ident, $krate:ident, $other:ident) => {
        impl Library for $name {
            type Account = $krate::olm::Account;
            type Session = $krate::olm::Session;
            type Outbound = $krate::megolm::GroupSession;
            type Inbound = $krate::megolm::InboundGroupSession;
            type OtherLibrary = $other;

            fn account() -> Self::Account {
                $krate::olm::Account::new()
            }
            fn identity_key(account: &Self::Account) -> [u8; 32] {
                account.curve25519_key().to_bytes()
            }
            fn one_time_key(account: &mut Self::Account) -> [u8; 32] {
                account.generate_one_time_keys(1);
                let key = *account.one_time_keys().values().next().unwrap();
                account.mark_keys_as_published();
                key.to_bytes()
            }
            fn outbound_session(
                account: &Self::Account,
                identity: [u8; 32],
                one_time: [u8; 32],
            ) -> Self::Session {
                account
                    .create_outbound_session(
                        $krate::olm::SessionConfig::version_1(),
                        identity.into(),
                        one_time.into(),
                    )
                    .unwrap()
            }
            fn inbound_session(
                account: &mut Self::Account,
                identity: [u8; 32],
                pre_key: &[u8],
            ) -> Option<(Self::Session, Vec<u8>)> {
                let message = $krate::olm::PreKeyMessage::from_bytes(pre_key).ok()?;
                let result = account
                    .create_inbound_session(
                        $krate::olm::SessionConfig::version_1(),
                        identity.into(),
                        &message,
                    )
                    .ok()?;
                Some((result.session, result.plaintext))
            }
            fn encrypt(session: &mut Self::Session, plaintext: &[u8]) -> (usize, Vec<u8>) {
                session.encrypt(plaintext).unwrap().to_parts()
            }
            fn decrypt(
                session: &mut Self::Session,
                message_type: usize,
                bytes: &[u8],
            ) -> Option<Vec<u8>> {
                let message = $krate::olm::OlmMessage::from_parts(message_type, bytes).ok()?;
                session.decrypt(&message).ok()
            }
            fn session_to_json(session: &Self::Session) -> serde_json::Value {
                serde_json::to_value(session.pickle()).unwrap()
            }
            fn session_from_json(json: serde_json::Value) -> Self::Session {
                $krate::olm::Session::from_pickle(serde_json::from_value(json).unwrap())
            }
            fn group_session() -> Self::Outbound {
                $krate::megolm::GroupSession::new($krate::megolm::SessionConfig::version_1())
            }
            fn group_encrypt(session: &mut Self::Outbound, plaintext: &[u8]) -> Vec<u8> {
                session.encrypt(plaintext).to_bytes()
            }
            fn group_session_key(session: &Self::Outbound) -> String {
                session.session_key().to_base64()
            }
            fn inbound_group_session(session_key: &str) -> Self::Inbound {
                let key = $krate::megolm::SessionKey::from_base64(session_key).unwrap();
                $krate::megolm::InboundGroupSession::new(
                    &key,
                    $krate::megolm::SessionConfig::version_1(),
                )
            }
            fn import_group_session(exported: &str) -> Self::Inbound {
                let key = $krate::megolm::ExportedSessionKey::from_base64(exported).unwrap();
                $krate::megolm::InboundGroupSession::import(
                    &key,
                    $krate::megolm::SessionConfig::version_1(),
                )
            }
            fn group_decrypt(session: &mut Self::Inbound, bytes: &[u8]) -> Option<(Vec<u8>, u32)> {
                let message = $krate::megolm::MegolmMessage::from_bytes(bytes).ok()?;
                session.decrypt(&message).ok().map(|d| (d.plaintext, d.message_index))
            }
            fn group_export(session: &mut Self::Inbound, index: u32) -> Option<String> {
                session.export_at(index).map(|k| k.to_base64())
            }
            fn inbound_to_json(session: &Self::Inbound) -> serde_json::Value {
                serde_json::to_value(session.pickle()).unwrap()
            }
            fn inbound_from_json(json: serde_json::Value) -> Self::Inbound {
                $krate::megolm::InboundGroupSession::from_pickle(
                    serde_json::from_value(json).unwrap(),
                )
            }
        }
    };
}

impl_library!(Sal, salamander, Vz);
impl_library!(Vz, vodozemac, Sal);
