// Compile-time API parity checks for the `sas` and `pk_encryption` modules:
// salamander vs. vodozemac 0.11.1. Same technique as `checks.rs` (included
// twice, once per `sut`), and it uses that file's generic helpers.
//
// `pk_encryption` is behind the feature `insecure-pk-encryption` in both
// crates: its checks are compiled when salamander's feature is on (the
// vodozemac dev-dependency always has it). `calculate_mac_invalid_base64` is
// behind `libolm-compat` in both, which the whole parity test requires.
//
// Items salamander adds beyond vodozemac (`Sas::new_with_rng`,
// `PkEncryption::encrypt_with_rng`, `PkSigning`, `Debug` impls) are not
// checked here: vodozemac has no counterpart to compare with.

/// References every check of this section.
#[allow(unreachable_pub, dead_code)]
pub fn check_sas_pk_exist() {
    let _: [fn(); 4] =
        [check_sas_signatures, check_sas_traits, check_sas_auto_traits, check_sas_variants];
    let _: fn(&sut::sas::SasError) = check_sas_error_variants;
    let _: fn(&sut::sas::Sas) -> sut::Curve25519PublicKey = const_fn_sas_public_key;
    let _: fn(&sut::sas::EstablishedSas) -> sut::Curve25519PublicKey = const_fn_established_our_key;
    let _: fn(&sut::sas::EstablishedSas) -> sut::Curve25519PublicKey =
        const_fn_established_their_key;
    let _: for<'a> fn(&'a sut::sas::SasBytes) -> &'a [u8; 6] = const_fn_sas_bytes_as_bytes;
    #[cfg(feature = "insecure-pk-encryption")]
    {
        let _: [fn(); 4] =
            [check_pk_signatures, check_pk_traits, check_pk_auto_traits, check_pk_fields];
        let _: fn(&sut::pk_encryption::Error, &sut::pk_encryption::MessageDecodeError) =
            check_pk_variants;
        let _: fn(sut::pk_encryption::Message) = check_pk_message_destructuring;
        let _: for<'a> fn(&'a sut::pk_encryption::PkDecryption) -> &'a sut::Curve25519SecretKey =
            const_fn_pk_decryption_secret_key;
        let _: fn(&sut::pk_encryption::PkDecryption) -> sut::Curve25519PublicKey =
            const_fn_pk_decryption_public_key;
        let _: fn(sut::Curve25519PublicKey) -> sut::pk_encryption::PkEncryption =
            const_fn_pk_encryption_from_key;
    }
}

// ----- sas ------------------------------------------------------------------

#[allow(unreachable_pub, dead_code, clippy::type_complexity)]
pub fn check_sas_signatures() {
    use sut::sas::{EstablishedSas, InvalidCount, Mac, Sas, SasBytes, SasError};

    let _: fn() -> Sas = Sas::new;
    let _: fn(&Sas) -> sut::Curve25519PublicKey = Sas::public_key;
    let _: fn(Sas, sut::Curve25519PublicKey) -> Result<EstablishedSas, sut::KeyError> =
        Sas::diffie_hellman;
    let _: fn(Sas, &str) -> Result<EstablishedSas, sut::KeyError> = Sas::diffie_hellman_with_raw;

    let _: fn(&EstablishedSas, &str) -> SasBytes = EstablishedSas::bytes;
    let _: fn(&EstablishedSas, &str, usize) -> Result<Vec<u8>, InvalidCount> =
        EstablishedSas::bytes_raw;
    let _: fn(&EstablishedSas, &str, &str) -> Mac = EstablishedSas::calculate_mac;
    let _: fn(&EstablishedSas, &str, &str) -> String = EstablishedSas::calculate_mac_invalid_base64;
    let _: fn(&EstablishedSas, &str, &str, &Mac) -> Result<(), SasError> =
        EstablishedSas::verify_mac;
    let _: fn(&EstablishedSas) -> sut::Curve25519PublicKey = EstablishedSas::our_public_key;
    let _: fn(&EstablishedSas) -> sut::Curve25519PublicKey = EstablishedSas::their_public_key;

    let _: fn(&SasBytes) -> [u8; 7] = SasBytes::emoji_indices;
    let _: fn(&SasBytes) -> (u16, u16, u16) = SasBytes::decimals;
    let _: for<'a> fn(&'a SasBytes) -> &'a [u8; 6] = SasBytes::as_bytes;

    let _: fn(&Mac) -> String = Mac::to_base64;
    let _: for<'a> fn(&'a Mac) -> &'a [u8] = Mac::as_bytes;
    let _: fn(&[u8]) -> Mac = Mac::from_slice;
    let _: fn(&str) -> Result<Mac, sut::Base64DecodeError> = Mac::from_base64;
}

#[allow(unreachable_pub, dead_code)]
pub fn check_sas_traits() {
    impls_default::<sut::sas::Sas>();
    impls_debug::<sut::sas::EstablishedSas>();
    impls_debug::<sut::sas::SasBytes>();
    impls_clone::<sut::sas::SasBytes>();
    impls_partial_eq::<sut::sas::SasBytes>();
    impls_eq::<sut::sas::SasBytes>();
    impls_error::<sut::sas::InvalidCount>();
    impls_clone::<sut::sas::InvalidCount>();
    impls_error::<sut::sas::SasError>();
}

#[allow(unreachable_pub, dead_code)]
pub fn check_sas_auto_traits() {
    impls_all_auto::<sut::sas::Sas>();
    impls_all_auto::<sut::sas::EstablishedSas>();
    impls_all_auto::<sut::sas::SasBytes>();
    impls_all_auto::<sut::sas::Mac>();
    impls_error_auto::<sut::sas::InvalidCount>();
    impls_error_auto::<sut::sas::SasError>();
}

#[allow(unreachable_pub, dead_code)]
pub fn check_sas_variants() {
    // `InvalidCount` is a unit struct, constructible from outside.
    let _: sut::sas::InvalidCount = sut::sas::InvalidCount;
}

#[allow(dead_code)]
fn check_sas_error_variants(error: &sut::sas::SasError) {
    match error {
        sut::sas::SasError::Mac(_e) => {} // hmac MacError
    }
}

#[allow(dead_code)]
const fn const_fn_sas_public_key(s: &sut::sas::Sas) -> sut::Curve25519PublicKey {
    s.public_key()
}
#[allow(dead_code)]
const fn const_fn_established_our_key(s: &sut::sas::EstablishedSas) -> sut::Curve25519PublicKey {
    s.our_public_key()
}
#[allow(dead_code)]
const fn const_fn_established_their_key(s: &sut::sas::EstablishedSas) -> sut::Curve25519PublicKey {
    s.their_public_key()
}
#[allow(dead_code)]
const fn const_fn_sas_bytes_as_bytes(b: &sut::sas::SasBytes) -> &[u8; 6] {
    b.as_bytes()
}

// ----- pk_encryption ----------------------------------------------------------

#[cfg(feature = "insecure-pk-encryption")]
#[allow(unreachable_pub, dead_code, clippy::type_complexity)]
pub fn check_pk_signatures() {
    use sut::pk_encryption::{Error, Message, MessageDecodeError, PkDecryption, PkEncryption};

    let _: fn(&str, &str, &str) -> Result<Message, MessageDecodeError> = Message::from_base64;

    let _: fn() -> PkDecryption = PkDecryption::new;
    let _: fn(sut::Curve25519SecretKey) -> PkDecryption = PkDecryption::from_key;
    let _: for<'a> fn(&'a PkDecryption) -> &'a sut::Curve25519SecretKey = PkDecryption::secret_key;
    let _: fn(&PkDecryption) -> sut::Curve25519PublicKey = PkDecryption::public_key;
    let _: fn(&str, &[u8]) -> Result<PkDecryption, sut::LibolmPickleError> =
        PkDecryption::from_libolm_pickle;
    let _: fn(&PkDecryption, &[u8]) -> Result<String, sut::LibolmPickleError> =
        PkDecryption::to_libolm_pickle;
    let _: fn(&PkDecryption, &Message) -> Result<Vec<u8>, Error> = PkDecryption::decrypt;

    let _: fn(sut::Curve25519PublicKey) -> PkEncryption = PkEncryption::from_key;
    let _: fn(&PkEncryption, &[u8]) -> Result<Message, Error> = PkEncryption::encrypt;
}

#[cfg(feature = "insecure-pk-encryption")]
#[allow(unreachable_pub, dead_code)]
pub fn check_pk_traits() {
    use sut::pk_encryption::{Error, Message, MessageDecodeError, PkDecryption, PkEncryption};

    impls_default::<PkDecryption>();
    impls_from::<PkEncryption, sut::Curve25519PublicKey>();
    impls_from_ref::<PkEncryption, PkDecryption>();
    impls_debug::<Message>();
    impls_error::<Error>();
    impls_error::<MessageDecodeError>();
    impls_from::<MessageDecodeError, sut::Base64DecodeError>();
    impls_from::<MessageDecodeError, sut::KeyError>();
}

#[cfg(feature = "insecure-pk-encryption")]
#[allow(unreachable_pub, dead_code)]
pub fn check_pk_auto_traits() {
    impls_all_auto::<sut::pk_encryption::PkDecryption>();
    impls_all_auto::<sut::pk_encryption::PkEncryption>();
    impls_all_auto::<sut::pk_encryption::Message>();
    impls_error_auto::<sut::pk_encryption::Error>();
    impls_error_auto::<sut::pk_encryption::MessageDecodeError>();
}

#[cfg(feature = "insecure-pk-encryption")]
#[allow(dead_code)]
fn check_pk_variants(
    error: &sut::pk_encryption::Error,
    decode_error: &sut::pk_encryption::MessageDecodeError,
) {
    match error {
        sut::pk_encryption::Error::NonContributoryKey => {}
        sut::pk_encryption::Error::InvalidPadding(_e) => {} // block_padding::Error
        sut::pk_encryption::Error::Mac(_e) => {}            // hmac MacError
    }
    match decode_error {
        sut::pk_encryption::MessageDecodeError::Base64(e) => {
            let _: &sut::Base64DecodeError = e;
        }
        sut::pk_encryption::MessageDecodeError::Key(e) => {
            let _: &sut::KeyError = e;
        }
    }
    let _: sut::pk_encryption::Error = sut::pk_encryption::Error::NonContributoryKey;
    let _: fn(sut::KeyError) -> sut::pk_encryption::MessageDecodeError =
        sut::pk_encryption::MessageDecodeError::Key;
}

#[cfg(feature = "insecure-pk-encryption")]
#[allow(unreachable_pub, dead_code)]
pub fn check_pk_fields() {
    let _ = |ciphertext: Vec<u8>,
             mac: Vec<u8>,
             ephemeral_key: sut::Curve25519PublicKey|
     -> sut::pk_encryption::Message {
        sut::pk_encryption::Message { ciphertext, mac, ephemeral_key }
    };
}

#[cfg(feature = "insecure-pk-encryption")]
#[allow(dead_code, unused_variables)]
fn check_pk_message_destructuring(message: sut::pk_encryption::Message) {
    let sut::pk_encryption::Message { ciphertext, mac, ephemeral_key } = message;
    let _: Vec<u8> = ciphertext;
    let _: Vec<u8> = mac;
    let _: sut::Curve25519PublicKey = ephemeral_key;
}

#[cfg(feature = "insecure-pk-encryption")]
#[allow(dead_code)]
const fn const_fn_pk_decryption_secret_key(
    d: &sut::pk_encryption::PkDecryption,
) -> &sut::Curve25519SecretKey {
    d.secret_key()
}
#[cfg(feature = "insecure-pk-encryption")]
#[allow(dead_code)]
const fn const_fn_pk_decryption_public_key(
    d: &sut::pk_encryption::PkDecryption,
) -> sut::Curve25519PublicKey {
    d.public_key()
}
#[cfg(feature = "insecure-pk-encryption")]
#[allow(dead_code)]
const fn const_fn_pk_encryption_from_key(
    key: sut::Curve25519PublicKey,
) -> sut::pk_encryption::PkEncryption {
    sut::pk_encryption::PkEncryption::from_key(key)
}
