use super::*;
use crate::sas::tests::{FixedRng, ALICE_PRIVATE};

/// matrix-rust-sdk `crates/matrix-sdk-crypto/src/secret_storage.rs`,
/// `from_account_data_and_base58` (V15).
const SDK_BASE58_KEY: &str = "EsTj 3yST y93F SLpB jJsz eAXc 2XzA ygD3 w69H fGaN TKBj jXEd";
const SDK_BASE58_IV: &str = "xv5b6/p3ExEw++wTyfSHEg==";
const SDK_BASE58_MAC: &str = "ujBBbXahnTAMkmPUX2/0+VTfUh63pGyVRuBcDMgmJC8=";

#[test]
fn matrix_rust_sdk_base58_key_check() {
    let key = SecretStorageKey::from_base58(SDK_BASE58_KEY).unwrap();
    let check = KeyCheck::from_base64(SDK_BASE58_IV, SDK_BASE58_MAC).unwrap();
    key.verify_key_check(&check).unwrap();
    // The same IV gives the same check: the key check is deterministic given the IV.
    let remade = key.key_check_with_rng(&mut FixedRng(check.iv.to_vec()));
    assert_eq!(remade, check);
    assert_eq!(key.to_base58().as_str(), SDK_BASE58_KEY);
    // Another key fails.
    let other = SecretStorageKey::from_bytes(&[0; 32]);
    assert!(matches!(other.verify_key_check(&check), Err(Error::Mac(_))));
}

/// matrix-rust-sdk `from_account_data_and_passphrase` (V15): 10 PBKDF2 rounds.
#[test]
fn matrix_rust_sdk_passphrase_key_check() {
    let info = PassphraseInfo::new("IuLnH7S85YtZmkkBJKwNUKxWF42g9O1H", 10);
    let check = KeyCheck::from_base64(
        "gH2iNpiETFhApvW6/FFEJQ",
        "9Lw12m5SKDipNghdQXKjgpfdj1/K7HFI2brO+UWAGoM",
    )
    .unwrap();
    let key = SecretStorageKey::from_passphrase("It's a secret to everybody", &info).unwrap();
    key.verify_key_check(&check).unwrap();
    let wrong_rounds = PassphraseInfo::new("IuLnH7S85YtZmkkBJKwNUKxWF42g9O1H", 11);
    let key =
        SecretStorageKey::from_passphrase("It's a secret to everybody", &wrong_rounds).unwrap();
    assert!(key.verify_key_check(&check).is_err());
}

/// matrix-rust-sdk `backups/keys/decryption.rs` `base58_decoding` (V16): the recovery key of
/// RFC 7748 Alice's private key.
#[test]
fn matrix_rust_sdk_backup_recovery_key() {
    let spaced = "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d";
    assert_eq!(*decode_recovery_key(spaced).unwrap(), ALICE_PRIVATE);
    assert_eq!(
        *decode_recovery_key("EsTcLW2KPGiFwKEA3As5g5c4BXwkqeeJZJV8Q9fugUMNUE4d").unwrap(),
        ALICE_PRIVATE
    );
    assert_eq!(encode_recovery_key(&ALICE_PRIVATE).as_str(), spaced);
    assert!(matches!(
        decode_recovery_key("EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4e"),
        Err(Error::RecoveryKeyParity)
    ));
}

#[test]
fn encrypt_decrypt_round_trip() {
    let key = SecretStorageKey::new();
    for length in [0, 1, 16, 17, 43, 1000] {
        let secret = vec![0xA5; length];
        let encrypted = key.encrypt("m.cross_signing.master", &secret);
        assert_eq!(encrypted.ciphertext.len(), length);
        assert_eq!(encrypted.iv[8] & 0x80, 0);
        assert_eq!(key.decrypt("m.cross_signing.master", &encrypted).unwrap().as_slice(), secret);
        assert!(matches!(
            key.decrypt("m.cross_signing.self_signing", &encrypted),
            Err(Error::Mac(_))
        ));
    }
}

#[test]
fn iv_bit_63_is_cleared() {
    let key = SecretStorageKey::from_bytes(&[1; 32]);
    let encrypted = key.encrypt_with_rng("name", b"secret", &mut FixedRng(vec![0xFF; 16]));
    assert_eq!(
        encrypted.iv,
        [
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            0xFF, 0xFF
        ]
    );
    let check = key.key_check_with_rng(&mut FixedRng(vec![0xFF; 16]));
    assert_eq!(check.iv, encrypted.iv);
}

/// A changed ciphertext or MAC is refused before decryption.
#[test]
fn tampering_is_refused() {
    let key = SecretStorageKey::from_bytes(&[2; 32]);
    let encrypted = key.encrypt("m.megolm_backup.v1", b"a backup key in base64");
    for i in 0..encrypted.ciphertext.len() {
        let mut changed = encrypted.clone();
        changed.ciphertext[i] ^= 1;
        assert!(matches!(key.decrypt("m.megolm_backup.v1", &changed), Err(Error::Mac(_))));
    }
    for i in 0..32 {
        let mut changed = encrypted.clone();
        changed.mac[i] ^= 1;
        assert!(matches!(key.decrypt("m.megolm_backup.v1", &changed), Err(Error::Mac(_))));
    }
    let mut truncated = encrypted.clone();
    truncated.ciphertext.pop();
    assert!(key.decrypt("m.megolm_backup.v1", &truncated).is_err());
}

/// The specification's MAC covers the ciphertext only: a changed IV passes the MAC and the
/// secret decrypts to other bytes. This pins the limitation; if it ever changes, so must the
/// module documentation.
#[test]
fn iv_is_not_authenticated() {
    let key = SecretStorageKey::from_bytes(&[3; 32]);
    let encrypted = key.encrypt("name", b"the real secret!");
    let mut changed = encrypted.clone();
    changed.iv[15] ^= 1;
    let decrypted = key.decrypt("name", &changed).unwrap();
    assert_ne!(decrypted.as_slice(), b"the real secret!");
    assert_eq!(decrypted.len(), 16);
    let check = key.key_check();
    let mut changed = check.clone();
    changed.iv[0] ^= 1;
    assert!(key.verify_key_check(&changed).is_err(), "the key check's MAC depends on the IV");
}

#[test]
fn base64_fields() {
    let key = SecretStorageKey::from_bytes(&[4; 32]);
    let encrypted = key.encrypt("name", b"secret");
    let json = serde_json::to_value(&encrypted).unwrap();
    assert_eq!(json["iv"], encrypted.iv_base64());
    assert!(!json["mac"].as_str().unwrap().ends_with('='));
    let back: EncryptedSecret = serde_json::from_value(json).unwrap();
    assert_eq!(back, encrypted);
    // Padded input is accepted.
    let pad = |text: String| format!("{text}{}", "=".repeat((4 - text.len() % 4) % 4));
    let padded = EncryptedSecret::from_base64(
        &pad(encrypted.iv_base64()),
        &pad(crate::base64_encode(b"secret!")),
        &pad(encrypted.mac_base64()),
    )
    .unwrap();
    assert_eq!((padded.iv, padded.mac), (encrypted.iv, encrypted.mac));
    assert_eq!(padded.ciphertext, b"secret!");
    // Wrong lengths and bad base64 are typed errors.
    assert!(matches!(
        EncryptedSecret::from_base64("AAAA", "", &encrypted.mac_base64()),
        Err(Error::InvalidLength { field: "iv", expected: 16, length: 3 })
    ));
    assert!(matches!(
        KeyCheck::from_base64(&encrypted.iv_base64(), "AAAA"),
        Err(Error::InvalidLength { field: "mac", expected: 32, length: 3 })
    ));
    assert!(matches!(
        EncryptedSecret::from_base64(&encrypted.iv_base64(), "A", &encrypted.mac_base64()),
        Err(Error::Base64(_))
    ));
    assert!(serde_json::from_str::<KeyCheck>(r#"{"iv":"AAAA","mac":"AAAA"}"#).is_err());
    let check = key.key_check();
    let json = serde_json::to_string(&check).unwrap();
    assert_eq!(serde_json::from_str::<KeyCheck>(&json).unwrap(), check);
}

#[test]
fn passphrase_parameters() {
    let key = SecretStorageKey::from_passphrase("pass", &PassphraseInfo::new("salt", 1)).unwrap();
    // RFC 6070-style check against the definition: one iteration is HMAC-SHA-512(P, S ‖ 1).
    let mut mac = <hmac::Hmac<Sha512> as hmac::KeyInit>::new_from_slice(b"pass").unwrap();
    mac.update(b"salt\x00\x00\x00\x01");
    assert_eq!(key.as_bytes().as_slice(), &mac.finalize().into_bytes()[..32]);
    let mut info = PassphraseInfo::new("salt", 0);
    assert!(matches!(
        SecretStorageKey::from_passphrase("p", &info),
        Err(Error::PassphraseIterations)
    ));
    info.iterations = 1;
    info.bits = 128;
    assert!(matches!(
        SecretStorageKey::from_passphrase("p", &info),
        Err(Error::PassphraseBits(128))
    ));
}

#[test]
fn debug_shows_no_secret() {
    let key = SecretStorageKey::from_bytes(&[0xAB; 32]);
    assert_eq!(format!("{key:?}"), "SecretStorageKey { .. }");
}
