//! Sealing fuzz inputs the way salamander expects them on disk, so the fuzzer reaches the
//! parsers behind the MAC and the AEAD.

use aes::Aes256;
use cbc::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
use chacha20poly1305::{aead::Aead, ChaCha20Poly1305, KeyInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key the harness seals libolm pickles with.
pub const LIBOLM_PICKLE_KEY: &[u8] = b"fuzz";

/// libolm's envelope: HKDF(0, key, "Pickle") → AES-256-CBC ‖ HMAC-SHA-256[..8], base64.
pub fn seal_libolm(plaintext: &[u8]) -> String {
    let mut okm = [0u8; 80];
    Hkdf::<Sha256>::new(Some(&[0u8; 32]), LIBOLM_PICKLE_KEY).expand(b"Pickle", &mut okm).unwrap();
    let key: [u8; 32] = okm[..32].try_into().unwrap();
    let iv: [u8; 16] = okm[64..].try_into().unwrap();
    let mut sealed = cbc::Encryptor::<Aes256>::new(&key.into(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&okm[32..64]).unwrap();
    mac.update(&sealed);
    sealed.extend_from_slice(&mac.finalize().into_bytes()[..8]);
    salamander::base64_encode(sealed)
}

/// A dehydrated device: ChaCha20-Poly1305 under a fixed key and nonce.
pub fn seal_dehydrated(plaintext: &[u8]) -> (String, String, [u8; 32]) {
    let key = [7u8; 32];
    let nonce = [9u8; 12];
    let ciphertext = ChaCha20Poly1305::new(&key.into()).encrypt(&nonce.into(), plaintext).unwrap();
    (salamander::base64_encode(ciphertext), salamander::base64_encode(nonce), key)
}

/// Open libolm's envelope (for building seed corpora from real pickles).
pub fn open_libolm(pickle: &str, key: &[u8]) -> Option<Vec<u8>> {
    use cbc::cipher::BlockModeDecrypt;
    let sealed = salamander::base64_decode(pickle).ok()?;
    let (ciphertext, _mac) = sealed.split_at(sealed.len().checked_sub(8)?);
    let mut okm = [0u8; 80];
    Hkdf::<Sha256>::new(Some(&[0u8; 32]), key).expand(b"Pickle", &mut okm).ok()?;
    let aes_key: [u8; 32] = okm[..32].try_into().ok()?;
    let iv: [u8; 16] = okm[64..].try_into().ok()?;
    cbc::Decryptor::<Aes256>::new(&aes_key.into(), &iv.into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .ok()
}

/// Open a dehydrated device made with [`seal_dehydrated`]'s key.
pub fn open_dehydrated(ciphertext: &str, nonce: &str) -> Option<Vec<u8>> {
    let ciphertext = salamander::base64_decode(ciphertext).ok()?;
    let nonce: [u8; 12] = salamander::base64_decode(nonce).ok()?.try_into().ok()?;
    ChaCha20Poly1305::new(&[7u8; 32].into()).decrypt(&nonce.into(), ciphertext.as_slice()).ok()
}
