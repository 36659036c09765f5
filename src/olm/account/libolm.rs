//! Accounts in libolm's pickle format: import of versions 2, 3 and 4, export of version 4.
//!
//! ```text
//! u32 version
//! Ed25519 public key (32) ‖ expanded Ed25519 secret key (64)
//! Curve25519 public key (32) ‖ Curve25519 secret key (32)
//! u32 n, n × (u32 key id ‖ bool published ‖ public key (32) ‖ secret key (32))   one-time keys
//! v4: u8 m (0..=2), m × one-time key record (current, then previous fallback key)
//! v3: always two records; a record counts only if its published flag is set
//! v2: no fallback keys
//! u32 last one-time key id
//! ```
//!
//! Version 1 is refused, as libolm refuses it (its Ed25519 keys were truncated). libolm keeps
//! at most 100 one-time keys; a pickle with more is refused on import, and an export keeps the
//! newest 100. libolm's key ids are 32-bit and its counter holds the *last* id used, so an
//! imported account continues at the next id and never overwrites an imported key.

use zeroize::Zeroizing;

use super::{fallback_keys::FallbackKey, Account, FallbackKeys, OneTimeKeys};
use crate::{
    pickle::{
        libolm::{self, Reader, Writer},
        LibolmDecodeError, LibolmEncodeError,
    },
    types::Curve25519Keypair,
    Curve25519PublicKey, Curve25519SecretKey, Ed25519Keypair, KeyId, LibolmPickleError,
};

const CURRENT_VERSION: u32 = 4;
/// libolm's `MAX_ONE_TIME_KEYS`.
pub(crate) const LIBOLM_MAX_ONE_TIME_KEYS: usize = 100;

struct KeyRecord {
    id: u32,
    published: bool,
    public: Curve25519PublicKey,
    secret: Zeroizing<[u8; 32]>,
}

fn read_key(reader: &mut Reader<'_>) -> Result<KeyRecord, LibolmDecodeError> {
    Ok(KeyRecord {
        id: reader.u32("key id")?,
        published: reader.bool("published flag")?,
        public: Curve25519PublicKey::from_bytes(*reader.bytes::<32>("public key")?),
        secret: reader.secret::<32>("secret key")?,
    })
}

fn write_key(
    writer: &mut Writer,
    id: u32,
    published: bool,
    public: &Curve25519PublicKey,
    secret: &Curve25519SecretKey,
) {
    writer.u32(id);
    writer.bool(published);
    writer.bytes(public.as_bytes());
    writer.bytes(secret.as_bytes());
}

impl Account {
    /// Import an account from a libolm pickle (versions 2, 3 and 4), encrypted under
    /// `pickle_key` (any length, as libolm allows).
    ///
    /// The account keeps libolm's expanded Ed25519 key and signs exactly as libolm did; such an
    /// account cannot become a dehydrated device, which needs the Ed25519 seed.
    #[cfg(feature = "libolm-compat")]
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, LibolmPickleError> {
        let plaintext = libolm::decrypt(pickle, pickle_key)?;
        Self::from_decrypted_libolm_pickle(&plaintext)
    }

    /// Parse a decrypted libolm account pickle.
    pub(crate) fn from_decrypted_libolm_pickle(
        plaintext: &[u8],
    ) -> Result<Self, LibolmPickleError> {
        let version = libolm::version(plaintext)?;
        if !(2..=CURRENT_VERSION).contains(&version) {
            return Err(LibolmPickleError::Version(CURRENT_VERSION, version));
        }
        let mut reader = Reader::new(plaintext);
        reader.u32("version")?;

        let ed25519_public = *reader.bytes::<32>("Ed25519 public key")?;
        let ed25519_secret = reader.secret::<64>("Ed25519 secret key")?;
        let signing_key = Ed25519Keypair::from_expanded_key(&ed25519_secret, &ed25519_public)?;
        let curve_public =
            Curve25519PublicKey::from_bytes(*reader.bytes::<32>("Curve25519 public key")?);
        let curve_secret =
            Curve25519SecretKey::from_slice(&*reader.secret::<32>("Curve25519 secret key")?);
        let diffie_hellman_key = Curve25519Keypair::from_secret_key(curve_secret);
        if diffie_hellman_key.public_key() != curve_public {
            return Err(LibolmDecodeError::InvalidValue("Curve25519 key pair").into());
        }

        let count = reader.count("one-time keys", LIBOLM_MAX_ONE_TIME_KEYS)?;
        let mut keys = Vec::with_capacity(count);
        for _ in 0..count {
            keys.push(read_key(&mut reader)?);
        }

        let fallback_records = match version {
            4 => {
                let present = reader.u8("fallback key count")?;
                if present > 2 {
                    return Err(LibolmDecodeError::InvalidValue("fallback key count").into());
                }
                (0..present).map(|_| read_key(&mut reader)).collect::<Result<Vec<_>, _>>()?
            }
            3 => {
                let current = read_key(&mut reader)?;
                let previous = read_key(&mut reader)?;
                // Version 3 kept both slots; the published flag said which were in use.
                match (current.published, previous.published) {
                    (true, true) => vec![current, previous],
                    (true, false) => vec![current],
                    _ => vec![],
                }
            }
            _ => vec![],
        };
        let last_key_id = reader.u32("next one-time key id")?;
        reader.finish()?;

        let mut one_time_keys = OneTimeKeys::new();
        let mut highest = u64::from(last_key_id);
        for key in keys {
            highest = highest.max(u64::from(key.id));
            one_time_keys.insert(
                KeyId(u64::from(key.id)),
                Curve25519SecretKey::from_slice(&key.secret),
                Some(key.public),
                key.published,
            );
        }
        one_time_keys.set_next_key_id(highest + 1);

        let mut fallback_keys = FallbackKeys::new();
        let mut records = fallback_records.into_iter().map(|record| FallbackKey {
            key_id: KeyId(u64::from(record.id)),
            key: Curve25519Keypair::from_parts_unchecked(
                Curve25519SecretKey::from_slice(&record.secret),
                record.public,
            ),
            // libolm v3 only kept a key if it was published.
            published: record.published || version == 3,
        });
        fallback_keys.fallback_key = records.next();
        fallback_keys.previous_fallback_key = records.next();
        fallback_keys.next_key_id = highest + 1;

        Ok(Self { signing_key, diffie_hellman_key, one_time_keys, fallback_keys })
    }

    /// Export the account as a libolm version 4 pickle, encrypted under `pickle_key`, so that an
    /// app can go back to libolm.
    ///
    /// Lossy where libolm is smaller: only the newest 100 one-time keys are kept (libolm's
    /// maximum), and keys whose id does not fit in 32 bits are dropped. libolm derives the
    /// pickle's IV from the key: don't reuse a key for pickles that must stay unlinkable.
    #[cfg(feature = "libolm-compat")]
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> Result<String, LibolmPickleError> {
        Ok(libolm::encrypt(&self.to_decrypted_libolm_pickle()?, pickle_key))
    }

    fn to_decrypted_libolm_pickle(&self) -> Result<Zeroizing<Vec<u8>>, LibolmPickleError> {
        let mut writer = Writer::new();
        writer.u32(CURRENT_VERSION);
        writer.bytes(self.signing_key.public_key().as_bytes());
        writer.bytes(self.signing_key.expanded_secret_key().as_slice());
        writer.bytes(self.diffie_hellman_key.public_key().as_bytes());
        writer.bytes(self.diffie_hellman_key.secret_key().as_bytes());

        let keys = self
            .one_time_keys
            .newest_entries(LIBOLM_MAX_ONE_TIME_KEYS, |id| u32::try_from(id.0).is_ok());
        writer.count(keys.len(), "number of one-time keys")?;
        let mut highest = 0u32;
        // libolm's lists hold the newest key first and drop the last one when full.
        for (id, public, secret, published) in keys.iter().rev() {
            // Only ids that fit were chosen.
            let id = u32::try_from(id.0)
                .map_err(|_| LibolmEncodeError::OutOfRange("one-time key id"))?;
            highest = highest.max(id);
            write_key(&mut writer, id, *published, public, secret);
        }

        let fallback: Vec<&FallbackKey> =
            [&self.fallback_keys.fallback_key, &self.fallback_keys.previous_fallback_key]
                .into_iter()
                .flatten()
                .collect();
        writer.u8(u8::try_from(fallback.len())
            .map_err(|_| LibolmEncodeError::OutOfRange("fallback key count"))?);
        for key in fallback {
            let id = u32::try_from(key.key_id.0)
                .map_err(|_| LibolmEncodeError::OutOfRange("fallback key id"))?;
            highest = highest.max(id);
            write_key(&mut writer, id, key.published, &key.key.public_key(), key.key.secret_key());
        }

        let last_used =
            u32::try_from(self.one_time_keys.next_key_id().saturating_sub(1)).unwrap_or(u32::MAX);
        writer.u32(highest.max(last_used));
        Ok(writer.into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_through_the_libolm_layout() {
        let mut account = Account::new();
        account.generate_one_time_keys(3);
        account.generate_fallback_key();
        account.mark_keys_as_published();
        account.generate_one_time_keys(2);
        account.generate_fallback_key();
        let plaintext = account.to_decrypted_libolm_pickle().unwrap();
        let restored = Account::from_decrypted_libolm_pickle(&plaintext).unwrap();
        assert_eq!(restored.identity_keys(), account.identity_keys());
        assert_eq!(restored.sign("m"), account.sign("m"));
        assert_eq!(restored.one_time_keys(), account.one_time_keys());
        assert_eq!(restored.stored_one_time_key_count(), 5);
        assert_eq!(restored.fallback_key(), account.fallback_key());
        assert!(restored.fallback_keys.previous_fallback_key.is_some());
        // The re-exported pickle is the same bytes.
        assert_eq!(restored.to_decrypted_libolm_pickle().unwrap(), plaintext);
    }

    #[test]
    fn new_keys_after_import_get_fresh_ids() {
        let mut account = Account::new();
        account.generate_one_time_keys(4);
        let plaintext = account.to_decrypted_libolm_pickle().unwrap();
        let mut restored = Account::from_decrypted_libolm_pickle(&plaintext).unwrap();
        let before = restored.one_time_keys();
        restored.generate_one_time_keys(1);
        let after = restored.one_time_keys();
        assert_eq!(after.len(), 5);
        for (id, key) in before {
            assert_eq!(after.get(&id), Some(&key), "imported key {id:?} survives");
        }
    }

    #[test]
    fn every_truncation_and_trailing_byte_is_an_error() {
        let mut account = Account::new();
        account.generate_one_time_keys(2);
        account.generate_fallback_key();
        let plaintext = account.to_decrypted_libolm_pickle().unwrap();
        for end in 0..plaintext.len() {
            assert!(
                Account::from_decrypted_libolm_pickle(&plaintext[..end]).is_err(),
                "prefix {end}"
            );
        }
        let mut longer = plaintext.to_vec();
        longer.push(0);
        assert!(matches!(
            Account::from_decrypted_libolm_pickle(&longer),
            Err(LibolmPickleError::Decode(LibolmDecodeError::ExtraData(1)))
        ));
    }

    #[test]
    fn versions_and_bounds() {
        let account = Account::new();
        let mut plaintext = account.to_decrypted_libolm_pickle().unwrap().to_vec();
        for (version, ok) in [(0u32, false), (1, false), (5, false)] {
            plaintext[..4].copy_from_slice(&version.to_be_bytes());
            let result = Account::from_decrypted_libolm_pickle(&plaintext);
            assert_eq!(result.is_ok(), ok);
            assert!(matches!(result, Err(LibolmPickleError::Version(4, v)) if v == version));
        }
        // 101 one-time keys: more than libolm can hold.
        plaintext[..4].copy_from_slice(&4u32.to_be_bytes());
        plaintext[4 + 96 + 64..4 + 96 + 64 + 4].copy_from_slice(&101u32.to_be_bytes());
        assert!(matches!(
            Account::from_decrypted_libolm_pickle(&plaintext),
            Err(LibolmPickleError::Decode(LibolmDecodeError::ListTooLong { count: 101, .. }))
        ));
    }

    #[test]
    fn export_keeps_the_newest_hundred_keys() {
        let mut account = Account::new();
        let generated = account.generate_one_time_keys(150);
        let plaintext = account.to_decrypted_libolm_pickle().unwrap();
        let restored = Account::from_decrypted_libolm_pickle(&plaintext).unwrap();
        assert_eq!(restored.stored_one_time_key_count(), 100);
        let kept: Vec<_> = restored.one_time_keys().into_values().collect();
        assert!(kept.contains(&generated.created[149]));
        assert!(!kept.contains(&generated.created[0]));
    }

    /// An account's version 4 plaintext split at its fallback section:
    /// (everything before it, the two fallback records, the last key id).
    fn split_at_fallbacks(account: &Account) -> (Vec<u8>, [Vec<u8>; 2], Vec<u8>) {
        let plaintext = account.to_decrypted_libolm_pickle().unwrap().to_vec();
        let count = u32::from_be_bytes(plaintext[164..168].try_into().unwrap()) as usize;
        let section = 168 + 69 * count;
        assert_eq!(plaintext[section], 2, "two fallback records");
        let records = [
            plaintext[section + 1..section + 70].to_vec(),
            plaintext[section + 70..section + 139].to_vec(),
        ];
        (plaintext[..section].to_vec(), records, plaintext[section + 139..].to_vec())
    }

    #[test]
    fn version_3_keeps_the_fallback_records_marked_published() {
        let mut account = Account::new();
        account.generate_one_time_keys(2);
        account.generate_fallback_key();
        account.generate_fallback_key();
        let keys = &account.fallback_keys;
        let [current, previous] = [&keys.fallback_key, &keys.previous_fallback_key]
            .map(|key| key.as_ref().map(|key| key.key.public_key()));
        assert!(current.is_some() && previous.is_some());
        let (head, records, tail) = split_at_fallbacks(&account);
        for (current_flag, previous_flag, expected) in [
            (true, true, [current, previous]),
            (true, false, [current, None]),
            (false, true, [None, None]),
            (false, false, [None, None]),
        ] {
            let mut plaintext = head.clone();
            plaintext[..4].copy_from_slice(&3u32.to_be_bytes());
            for (record, flag) in records.iter().zip([current_flag, previous_flag]) {
                plaintext.extend(&record[..4]);
                plaintext.push(u8::from(flag));
                plaintext.extend(&record[5..]);
            }
            plaintext.extend(&tail);
            let restored = Account::from_decrypted_libolm_pickle(&plaintext).unwrap();
            let keys = &restored.fallback_keys;
            let found = [&keys.fallback_key, &keys.previous_fallback_key]
                .map(|key| key.as_ref().map(|key| key.key.public_key()));
            assert_eq!(found, expected, "flags {current_flag} {previous_flag}");
            // Version 3 kept only published keys: whatever is kept counts as published.
            assert!(restored.fallback_key().is_empty());
        }
        // Version 2 has no fallback section.
        let mut plaintext = head.clone();
        plaintext[..4].copy_from_slice(&2u32.to_be_bytes());
        plaintext.extend(&tail);
        let restored = Account::from_decrypted_libolm_pickle(&plaintext).unwrap();
        assert!(restored.fallback_keys.fallback_key.is_none());
        assert_eq!(restored.stored_one_time_key_count(), 2);
    }

    #[test]
    fn keys_made_after_import_get_ids_above_every_imported_one() {
        let mut account = Account::new();
        account.generate_one_time_keys(3);
        account.generate_fallback_key();
        let plaintext = account.to_decrypted_libolm_pickle().unwrap();
        // libolm's counter holds the last id used: 2.
        assert_eq!(plaintext[plaintext.len() - 4..], [0, 0, 0, 2]);
        let mut restored = Account::from_decrypted_libolm_pickle(&plaintext).unwrap();
        restored.generate_fallback_key();
        let ids: Vec<KeyId> = restored.fallback_key().into_keys().collect();
        assert_eq!(ids, [KeyId(3)]);
        restored.generate_one_time_keys(1);
        assert!(restored.one_time_keys().contains_key(&KeyId(3)));
    }

    #[test]
    fn encrypted_round_trip_under_any_key() {
        let account = Account::new();
        let pickle = account.to_libolm_pickle(b"").unwrap();
        assert_eq!(
            *libolm::decrypt(&pickle, b"").unwrap(),
            *account.to_decrypted_libolm_pickle().unwrap()
        );
        let restored = Account::from_libolm_pickle(&pickle, b"").unwrap();
        assert_eq!(restored.identity_keys(), account.identity_keys());
        assert!(Account::from_libolm_pickle(&pickle, b"other").is_err());
    }
}
