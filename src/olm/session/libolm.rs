//! Sessions in libolm's pickle format: import of versions 1 and `0x80000001`, export of
//! version 1.
//!
//! ```text
//! u32 version ‖ bool received_message ‖ I_A (32) ‖ E_A (32) ‖ E_B (32) ‖ root key (32)
//! u32 n ≤ 1,  n × (ratchet public key ‖ ratchet secret key ‖ chain key ‖ u32 index)   sending
//! u32 n ≤ 5,  n × (ratchet public key ‖ chain key ‖ u32 index)                        receiving
//! u32 n ≤ 40, n × (ratchet public key ‖ message key ‖ u32 index)                      skipped
//! u32 (only in version 0x80000001: an unused chain index)
//! ```
//!
//! libolm lists put the newest entry first, and keep one list of skipped keys for the whole
//! session; salamander keeps them per chain (as vodozemac), so an export keeps the 40 newest.
//! Ratchet counts and parent ratchet keys, which libolm does not track, are unknown after import.
//!
//! One order cannot be recovered: vodozemac keeps the receiving chains of a session it imported
//! from libolm in libolm's newest-first order, unmarked, while its own chains are oldest first. When
//! such a vodozemac pickle is loaded here and exported back to libolm, the chain the ratchet
//! follows is put first (so the session works), but the relative age of the other chains is
//! taken from the pickle's order and may be wrong; libolm might then evict a recent chain first.
//! Skipped message keys are ordered by index, which is always right.

use zeroize::Zeroizing;

use super::{
    ActiveRatchet, ChainKey, InactiveRatchet, MessageKey, RatchetCount, ReceiverChain, RootKey,
    SendingRatchet, Session, SkippedKey, MAX_RECEIVING_CHAINS, MAX_SKIPPED_MESSAGE_KEYS,
};
use crate::{
    olm::{SessionConfig, SessionKeys},
    pickle::{
        libolm::{self, Reader, Writer},
        LibolmDecodeError, LibolmEncodeError,
    },
    types::Curve25519Keypair,
    Curve25519PublicKey, Curve25519SecretKey, LibolmPickleError,
};

const VERSION: u32 = 1;
const VERSION_WITH_CHAIN_INDEX: u32 = 0x8000_0001;

fn public_key(
    reader: &mut Reader<'_>,
    what: &'static str,
) -> Result<Curve25519PublicKey, LibolmDecodeError> {
    Ok(Curve25519PublicKey::from_bytes(*reader.bytes::<32>(what)?))
}

fn chain_key(reader: &mut Reader<'_>) -> Result<ChainKey, LibolmDecodeError> {
    let key = reader.secret::<32>("chain key")?;
    let index = reader.u32("chain index")?;
    Ok(ChainKey::from_parts(Box::new(*key), u64::from(index)))
}

fn index_u32(index: u64, what: &'static str) -> Result<u32, LibolmEncodeError> {
    u32::try_from(index).map_err(|_| LibolmEncodeError::OutOfRange(what))
}

impl Session {
    /// Import a session from a libolm pickle (version 1 or `0x80000001`), encrypted under
    /// `pickle_key` (any length).
    #[cfg(feature = "libolm-compat")]
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, LibolmPickleError> {
        let plaintext = libolm::decrypt(pickle, pickle_key)?;
        Self::from_decrypted_libolm_pickle(&plaintext)
    }

    pub(crate) fn from_decrypted_libolm_pickle(
        plaintext: &[u8],
    ) -> Result<Self, LibolmPickleError> {
        let version = libolm::version(plaintext)?;
        if version != VERSION && version != VERSION_WITH_CHAIN_INDEX {
            return Err(LibolmPickleError::Version(VERSION, version));
        }
        let mut reader = Reader::new(plaintext);
        reader.u32("version")?;
        let _received_message = reader.bool("received message flag")?;
        let session_keys = SessionKeys {
            identity_key: public_key(&mut reader, "identity key")?,
            base_key: public_key(&mut reader, "base key")?,
            one_time_key: public_key(&mut reader, "one-time key")?,
        };
        let root_key = reader.secret::<32>("root key")?;

        let mut sender = None;
        for _ in 0..reader.count("sending chains", 1)? {
            let public = public_key(&mut reader, "ratchet public key")?;
            let secret =
                Curve25519SecretKey::from_slice(&*reader.secret::<32>("ratchet secret key")?);
            sender = Some((
                Curve25519Keypair::from_parts_unchecked(secret, public),
                chain_key(&mut reader)?,
            ));
        }
        let mut receiving = Vec::new();
        for _ in 0..reader.count("receiving chains", MAX_RECEIVING_CHAINS)? {
            let ratchet_key = public_key(&mut reader, "ratchet key")?;
            receiving.push(ReceiverChain::new(
                ratchet_key,
                chain_key(&mut reader)?,
                RatchetCount::unknown(),
            ));
        }
        let mut skipped = Vec::new();
        for _ in 0..reader.count("skipped message keys", MAX_SKIPPED_MESSAGE_KEYS)? {
            let ratchet_key = public_key(&mut reader, "ratchet key")?;
            let key = reader.secret::<32>("message key")?;
            let index = reader.u32("message index")?;
            skipped.push((
                ratchet_key,
                SkippedKey { key: MessageKey::from_bytes(Box::new(*key)), index: u64::from(index) },
            ));
        }
        if version == VERSION_WITH_CHAIN_INDEX {
            reader.u32("chain index")?;
        }
        reader.finish()?;

        // libolm lists are newest first; salamander keeps receiving chains oldest first.
        receiving.reverse();
        // Skipped keys go to their chain, oldest first; keys of chains no longer kept are useless.
        for (ratchet_key, key) in skipped.into_iter().rev() {
            if let Some(chain) = receiving.iter_mut().find(|c| c.ratchet_key == ratchet_key) {
                chain.push_skipped(key);
            }
        }

        let root_key = RootKey::from_bytes(Box::new(*root_key));
        let sending_ratchet = match (sender, receiving.last()) {
            (Some((ratchet_key, chain_key)), _) => {
                SendingRatchet::Active(Box::new(ActiveRatchet {
                    root_key,
                    ratchet_key,
                    chain_key,
                    parent_ratchet_key: None,
                    ratchet_count: RatchetCount::unknown(),
                }))
            }
            (None, Some(newest)) => SendingRatchet::Inactive(Box::new(InactiveRatchet {
                root_key,
                their_ratchet_key: newest.ratchet_key,
                ratchet_count: RatchetCount::unknown(),
            })),
            (None, None) => return Err(LibolmPickleError::InvalidSession),
        };
        Ok(Session::from_parts(
            session_keys,
            sending_ratchet,
            receiving,
            SessionConfig::version_1(),
        ))
    }

    /// Export the session as a libolm version 1 pickle, encrypted under `pickle_key`, so that an
    /// app can go back to libolm.
    ///
    /// Only version 1 sessions can be exported (libolm has no version 2). libolm keeps 40
    /// skipped message keys per session where salamander keeps 40 per chain: the 40 newest are
    /// kept. libolm derives the pickle's IV from the key.
    #[cfg(feature = "libolm-compat")]
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> Result<String, LibolmPickleError> {
        Ok(libolm::encrypt(&self.to_decrypted_libolm_pickle()?, pickle_key))
    }

    pub(crate) fn to_decrypted_libolm_pickle(
        &self,
    ) -> Result<Zeroizing<Vec<u8>>, LibolmPickleError> {
        if self.session_config() != SessionConfig::version_1() {
            return Err(
                LibolmEncodeError::Unrepresentable("libolm only has version 1 sessions").into()
            );
        }
        let mut writer = Writer::new();
        writer.u32(VERSION);
        writer.bool(self.has_received_message());
        let keys = self.session_keys();
        writer.bytes(keys.identity_key.as_bytes());
        writer.bytes(keys.base_key.as_bytes());
        writer.bytes(keys.one_time_key.as_bytes());

        let chains = self.receiving_chains();
        match self.sending_ratchet() {
            SendingRatchet::Active(active) => {
                writer.bytes(active.root_key.as_bytes());
                writer.u32(1);
                writer.bytes(active.ratchet_key.public_key().as_bytes());
                writer.bytes(active.ratchet_key.secret_key().as_bytes());
                writer.bytes(active.chain_key.as_bytes());
                writer.u32(index_u32(active.chain_key.index(), "sending chain index")?);
            }
            SendingRatchet::Inactive(inactive) => {
                writer.bytes(inactive.root_key.as_bytes());
                writer.u32(0);
            }
        }

        // libolm lists are newest first, and an inactive ratchet follows the first receiving
        // chain: put the chain it follows first (vodozemac keeps imported chains newest first,
        // its own oldest first), then the others from newest to oldest.
        let mut ordered: Vec<&ReceiverChain> = chains.iter().rev().collect();
        let newest = match self.sending_ratchet() {
            SendingRatchet::Inactive(inactive) => Some(inactive.their_ratchet_key),
            SendingRatchet::Active(active) => active.parent_ratchet_key,
        };
        if let Some(newest) = newest {
            if let Some(position) = ordered.iter().position(|c| c.ratchet_key == newest) {
                let followed = ordered.remove(position);
                ordered.insert(0, followed);
            } else if matches!(self.sending_ratchet(), SendingRatchet::Inactive(_)) {
                return Err(LibolmEncodeError::Unrepresentable(
                    "no receiving chain for the ratchet key the session follows",
                )
                .into());
            }
        }
        writer.count(ordered.len(), "number of receiving chains")?;
        for chain in &ordered {
            writer.bytes(chain.ratchet_key.as_bytes());
            writer.bytes(chain.chain_key.as_bytes());
            writer.u32(index_u32(chain.chain_key.index(), "receiving chain index")?);
        }

        // Newest first within each chain, by index (the order keys are derived in).
        let skipped: Vec<_> = ordered
            .iter()
            .flat_map(|chain| {
                let mut keys: Vec<&SkippedKey> = chain.skipped_keys.iter().collect();
                keys.sort_by_key(|key| std::cmp::Reverse(key.index));
                keys.into_iter().map(move |key| (chain.ratchet_key, key))
            })
            .take(MAX_SKIPPED_MESSAGE_KEYS)
            .collect();
        writer.count(skipped.len(), "number of skipped keys")?;
        for (ratchet_key, key) in skipped {
            writer.bytes(ratchet_key.as_bytes());
            writer.bytes(key.key.as_bytes());
            writer.u32(index_u32(key.index, "skipped message index")?);
        }
        Ok(writer.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::olm::OlmMessage;

    /// A conversation with two ratchet turns and held-back messages on both sides.
    fn conversation() -> (Session, Session, Vec<OlmMessage>, Vec<OlmMessage>) {
        let (mut alice, mut bob) = super::super::tests::session_pair();
        let mut to_alice = Vec::new();
        let mut to_bob = Vec::new();
        for turn in 0..2 {
            for i in 0..3 {
                to_alice.push(bob.encrypt(format!("to alice {turn}.{i}")).unwrap());
            }
            alice.decrypt(to_alice.last().unwrap()).unwrap();
            for i in 0..3 {
                to_bob.push(alice.encrypt(format!("to bob {turn}.{i}")).unwrap());
            }
            bob.decrypt(to_bob.last().unwrap()).unwrap();
        }
        (alice, bob, to_alice, to_bob)
    }

    /// Export, import, export: the same bytes, and the imported session does what the
    /// original would.
    fn through_libolm(session: &Session) -> Session {
        let layout = session.to_decrypted_libolm_pickle().unwrap();
        let imported = Session::from_decrypted_libolm_pickle(&layout).unwrap();
        assert_eq!(*imported.to_decrypted_libolm_pickle().unwrap(), *layout);
        // The encrypted form holds the same bytes, under any key.
        let sealed = session.to_libolm_pickle(b"").unwrap();
        assert_eq!(*libolm::decrypt(&sealed, b"").unwrap(), *layout);
        let opened = Session::from_libolm_pickle(&sealed, b"").unwrap();
        assert_eq!(*opened.to_decrypted_libolm_pickle().unwrap(), *layout);
        imported
    }

    #[test]
    fn layout_of_the_header() {
        let (alice, bob) = super::super::tests::session_pair();
        for session in [&alice, &bob] {
            let layout = session.to_decrypted_libolm_pickle().unwrap();
            let keys = session.session_keys();
            assert_eq!(layout[..4], [0, 0, 0, 1]);
            assert_eq!(layout[4], u8::from(session.has_received_message()));
            assert_eq!(layout[5..37], *keys.identity_key.as_bytes());
            assert_eq!(layout[37..69], *keys.base_key.as_bytes());
            assert_eq!(layout[69..101], *keys.one_time_key.as_bytes());
        }
        // Alice has sent and not received: one sending chain, no receiving chain.
        let layout = alice.to_decrypted_libolm_pickle().unwrap();
        let SendingRatchet::Active(active) = alice.sending_ratchet() else { panic!() };
        assert_eq!(layout[101..133], *active.root_key.as_bytes());
        assert_eq!(layout[133..137], [0, 0, 0, 1]);
        assert_eq!(layout[137..169], *active.ratchet_key.public_key().as_bytes());
        assert_eq!(layout[169..201], *active.ratchet_key.secret_key().as_bytes());
        assert_eq!(layout[201..233], *active.chain_key.as_bytes());
        assert_eq!(layout[233..], [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
        // Bob has received and not sent: no sending chain, one receiving chain at index 1.
        let layout = bob.to_decrypted_libolm_pickle().unwrap();
        let chain = &bob.receiving_chains()[0];
        assert_eq!(layout[133..141], [0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(layout[141..173], *chain.ratchet_key.as_bytes());
        assert_eq!(layout[173..205], *chain.chain_key.as_bytes());
        assert_eq!(layout[205..], [0, 0, 0, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn imported_sessions_keep_talking_and_read_held_back_messages() {
        let (alice, bob, to_alice, to_bob) = conversation();
        let (mut alice, mut bob) = (through_libolm(&alice), through_libolm(&bob));
        assert_eq!(alice.session_id(), bob.session_id());
        // The held-back messages of the newest chain of each side, from their skipped keys.
        for (i, message) in to_alice[3..5].iter().enumerate() {
            assert_eq!(alice.decrypt(message).unwrap(), format!("to alice 1.{i}").as_bytes());
        }
        for (i, message) in to_bob[3..5].iter().enumerate() {
            assert_eq!(bob.decrypt(message).unwrap(), format!("to bob 1.{i}").as_bytes());
        }
        // The older chain's keys went with it too (libolm keeps 5 chains).
        assert_eq!(alice.decrypt(&to_alice[0]).unwrap(), b"to alice 0.0");
        // And the ratchet goes on from the imported state, both ways.
        for turn in 0..2 {
            let message = alice.encrypt(format!("after import {turn}")).unwrap();
            assert_eq!(bob.decrypt(&message).unwrap(), format!("after import {turn}").as_bytes());
            let reply = bob.encrypt(format!("reply {turn}")).unwrap();
            assert_eq!(alice.decrypt(&reply).unwrap(), format!("reply {turn}").as_bytes());
        }
    }

    #[test]
    fn an_inactive_ratchet_follows_its_chain() {
        let (mut alice, mut bob, _, _) = conversation();
        // Bob received last: his sending ratchet is inactive, following Alice's newest key.
        let message = alice.encrypt("new chain").unwrap();
        bob.decrypt(&message).unwrap();
        assert!(matches!(bob.sending_ratchet(), SendingRatchet::Inactive(_)));
        let mut imported = through_libolm(&bob);
        assert!(matches!(imported.sending_ratchet(), SendingRatchet::Inactive(_)));
        let reply = imported.encrypt("from the imported inactive ratchet").unwrap();
        assert_eq!(alice.decrypt(&reply).unwrap(), b"from the imported inactive ratchet");
    }

    #[test]
    fn versions_truncations_and_bounds() {
        let (alice, bob, _, _) = conversation();
        let layout = bob.to_decrypted_libolm_pickle().unwrap().to_vec();

        // 0x80000001 carries one more u32 at the end.
        let mut chain_index = layout.clone();
        chain_index[..4].copy_from_slice(&VERSION_WITH_CHAIN_INDEX.to_be_bytes());
        chain_index.extend([0, 0, 0, 9]);
        let imported = Session::from_decrypted_libolm_pickle(&chain_index).unwrap();
        assert_eq!(*imported.to_decrypted_libolm_pickle().unwrap(), *layout);
        for version in [0, 2, 0x8000_0000, 0x8000_0002] {
            let mut other = layout.clone();
            other[..4].copy_from_slice(&u32::to_be_bytes(version));
            assert!(matches!(
                Session::from_decrypted_libolm_pickle(&other),
                Err(LibolmPickleError::Version(1, v)) if v == version
            ));
        }

        for end in 0..layout.len() {
            assert!(Session::from_decrypted_libolm_pickle(&layout[..end]).is_err(), "{end}");
        }
        let mut longer = layout.clone();
        longer.push(0);
        assert!(matches!(
            Session::from_decrypted_libolm_pickle(&longer),
            Err(LibolmPickleError::Decode(LibolmDecodeError::ExtraData(1)))
        ));

        // Each list count one above its limit (the sending count is at byte 133).
        let list_too_long = |plaintext: &[u8], at: usize, count: u32| {
            let mut changed = plaintext.to_vec();
            changed[at..at + 4].copy_from_slice(&count.to_be_bytes());
            Session::from_decrypted_libolm_pickle(&changed)
        };
        assert!(matches!(
            list_too_long(&layout, 133, 2),
            Err(LibolmPickleError::Decode(LibolmDecodeError::ListTooLong { count: 2, max: 1, .. }))
        ));
        let alice_layout = alice.to_decrypted_libolm_pickle().unwrap();
        // Alice's sending chain is 100 bytes; her receiving count follows it.
        assert!(matches!(
            list_too_long(&alice_layout, 237, 6),
            Err(LibolmPickleError::Decode(LibolmDecodeError::ListTooLong { count: 6, max: 5, .. }))
        ));

        // No chain at all is no session.
        let mut empty = layout[..133].to_vec();
        empty.extend([0; 12]);
        assert!(matches!(
            Session::from_decrypted_libolm_pickle(&empty),
            Err(LibolmPickleError::InvalidSession)
        ));
    }

    #[test]
    fn export_keeps_the_newest_skipped_keys() {
        let (mut alice, mut bob) = super::super::tests::session_pair();
        // 30 keys skipped on each of two chains: libolm keeps 40 for the whole session.
        let mut held = Vec::new();
        for _ in 0..2 {
            let mut last = None;
            for i in 0..31 {
                let message = alice.encrypt(format!("{i}")).unwrap();
                if i < 30 {
                    held.push(message);
                } else {
                    last = Some(message);
                }
            }
            bob.decrypt(&last.unwrap()).unwrap();
            let reply = bob.encrypt("turn").unwrap();
            alice.decrypt(&reply).unwrap();
        }
        let layout = bob.to_decrypted_libolm_pickle().unwrap();
        let skipped_count =
            u32::from_be_bytes(*layout[layout.len() - 4 - 40 * 68..].first_chunk().unwrap());
        assert_eq!(skipped_count, 40);
        let mut imported = Session::from_decrypted_libolm_pickle(&layout).unwrap();
        // The whole newest chain's 30 are kept, and the newest 10 of the older chain.
        for message in held[20..].iter().rev() {
            assert!(imported.decrypt(message).is_ok());
        }
        assert!(imported.decrypt(&held[19]).is_err());
    }

    #[test]
    fn version_2_sessions_have_no_libolm_pickle() {
        use super::super::tests::outbound_session;
        #[cfg(feature = "experimental-session-config")]
        {
            let (_, _, session) = outbound_session(SessionConfig::version_2());
            assert!(matches!(
                session.to_decrypted_libolm_pickle(),
                Err(LibolmPickleError::Encode(LibolmEncodeError::Unrepresentable(_)))
            ));
        }
        let (_, _, session) = outbound_session(SessionConfig::version_1());
        assert!(session.to_decrypted_libolm_pickle().is_ok());
    }
}
