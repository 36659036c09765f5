// Compile-time API parity checks for `ecies` (MSC4108) and `hpke` (MSC4388): salamander vs.
// vodozemac 0.11.1.
//
// Included after `checks.rs` in the same two modules (see `tests/api_parity.rs`), with the same
// technique and the same helpers (`impls_*`): only `sut::` paths are named, plus std, zeroize
// and, for `hpke::Error`'s payload, the `hpke` crate that both libraries use. The `hpke` section
// is compiled only with salamander's `hpke` feature (on by default); vodozemac always has it.
//
// Enum matches have no wildcard arm and struct patterns no `..`: they also check that nothing
// was added. vodozemac's `hpke` submodules (`check_code`, `error`, `messages`, `recipient`,
// `sender`) are private and glob re-exported, so the public paths are `sut::hpke::*`.

/// References every check function of this file. Calling it does nothing observable.
#[allow(unreachable_pub, dead_code)]
pub fn check_ecies_hpke_exist() {
    let _: [fn(); 6] = [
        check_ecies_signatures,
        check_ecies_trait_impls,
        check_ecies_variant_constructors,
        check_ecies_field_construction,
        check_hpke_all,
        check_ecies_auto_traits,
    ];
    let _: fn(&sut::ecies::Error, &sut::ecies::MessageDecodeError, sut::ecies::DigitMode) =
        check_ecies_variants;
    let _: fn(
        sut::ecies::InitialMessage,
        sut::ecies::Message,
        sut::ecies::InboundCreationResult,
        sut::ecies::OutboundCreationResult,
    ) = check_ecies_field_destructuring;
    let _: fn(&sut::ecies::EstablishedEcies) -> sut::Curve25519PublicKey =
        const_fn_ecies_public_key;
    let _: fn(&sut::ecies::EstablishedEcies) -> &sut::ecies::CheckCode = const_fn_ecies_check_code;
    let _: fn(&sut::ecies::CheckCode) -> &[u8; 2] = const_fn_check_code_as_bytes;
    let _: fn(&sut::ecies::CheckCode, sut::ecies::DigitMode) -> u8 = const_fn_check_code_to_digit;
}

// ----- ecies -----

#[allow(unreachable_pub, dead_code, clippy::type_complexity)]
pub fn check_ecies_signatures() {
    use sut::ecies::*;

    let _: fn() -> Ecies = Ecies::new;
    let _: fn(&str) -> Ecies = Ecies::with_info;
    let _: fn(Ecies, sut::Curve25519PublicKey, &[u8]) -> Result<OutboundCreationResult, Error> =
        Ecies::establish_outbound_channel;
    let _: fn(Ecies, &InitialMessage) -> Result<InboundCreationResult, Error> =
        Ecies::establish_inbound_channel;
    let _: fn(&Ecies) -> sut::Curve25519PublicKey = Ecies::public_key;

    let _: fn(&EstablishedEcies) -> sut::Curve25519PublicKey = EstablishedEcies::public_key;
    let _: for<'a> fn(&'a EstablishedEcies) -> &'a CheckCode = EstablishedEcies::check_code;
    let _: fn(&mut EstablishedEcies, &[u8]) -> Message = EstablishedEcies::encrypt;
    let _: fn(&mut EstablishedEcies, &Message) -> Result<Vec<u8>, Error> =
        EstablishedEcies::decrypt;

    let _: for<'a> fn(&'a CheckCode) -> &'a [u8; 2] = CheckCode::as_bytes;
    let _: fn(&CheckCode, DigitMode) -> u8 = CheckCode::to_digit;

    let _: fn(&InitialMessage) -> String = InitialMessage::encode;
    let _: fn(&str) -> Result<InitialMessage, MessageDecodeError> = InitialMessage::decode;
    let _: fn(&Message) -> String = Message::encode;
    let _: fn(&str) -> Result<Message, MessageDecodeError> = Message::decode;
}

#[allow(unreachable_pub, dead_code)]
pub fn check_ecies_trait_impls() {
    use sut::ecies::*;

    impls_debug::<InitialMessage>();
    impls_partial_eq::<InitialMessage>();
    impls_eq::<InitialMessage>();
    impls_debug::<Message>();

    impls_error::<MessageDecodeError>();
    impls_from::<MessageDecodeError, sut::Base64DecodeError>();
    impls_from::<MessageDecodeError, sut::KeyError>();
    impls_error::<Error>();

    impls_clone::<CheckCode>();
    impls_debug::<CheckCode>();
    impls_partial_eq::<CheckCode>();
    impls_eq::<CheckCode>();

    impls_debug::<InboundCreationResult>();
    impls_debug::<OutboundCreationResult>();

    impls_debug::<EstablishedEcies>();
    impls_zeroize::<EstablishedEcies>();
    impls_zeroize_on_drop::<EstablishedEcies>();
}

#[allow(unreachable_pub, dead_code)]
pub fn check_ecies_auto_traits() {
    use sut::ecies::*;

    impls_all_auto::<Ecies>();
    impls_all_auto::<EstablishedEcies>();
    impls_all_auto::<InboundCreationResult>();
    impls_all_auto::<OutboundCreationResult>();
    impls_all_auto::<InitialMessage>();
    impls_all_auto::<Message>();
    impls_all_auto::<CheckCode>();
    impls_all_auto::<DigitMode>();
    impls_error_auto::<Error>();
    impls_error_auto::<MessageDecodeError>();
}

#[allow(dead_code, unused_variables)]
fn check_ecies_variants(
    error: &sut::ecies::Error,
    decode_error: &sut::ecies::MessageDecodeError,
    mode: sut::ecies::DigitMode,
) {
    match error {
        sut::ecies::Error::NonContributoryKey => {}
        sut::ecies::Error::Decryption => {}
    }
    match decode_error {
        sut::ecies::MessageDecodeError::MissingSeparator => {}
        sut::ecies::MessageDecodeError::KeyError(e) => {
            let _: &sut::KeyError = e;
        }
        sut::ecies::MessageDecodeError::Base64(e) => {
            let _: &sut::Base64DecodeError = e;
        }
    }
    match mode {
        sut::ecies::DigitMode::AllowLeadingZero => {}
        sut::ecies::DigitMode::NoLeadingZero => {}
    }
}

#[allow(unreachable_pub, dead_code)]
pub fn check_ecies_variant_constructors() {
    use sut::ecies::*;

    let _: Error = Error::NonContributoryKey;
    let _: Error = Error::Decryption;
    let _: MessageDecodeError = MessageDecodeError::MissingSeparator;
    let _: fn(sut::KeyError) -> MessageDecodeError = MessageDecodeError::KeyError;
    let _: fn(sut::Base64DecodeError) -> MessageDecodeError = MessageDecodeError::Base64;
    let _: DigitMode = DigitMode::AllowLeadingZero;
    let _: DigitMode = DigitMode::NoLeadingZero;
}

#[allow(unreachable_pub, dead_code)]
pub fn check_ecies_field_construction() {
    use sut::ecies::*;

    let _ = |public_key: sut::Curve25519PublicKey, ciphertext: Vec<u8>| -> InitialMessage {
        InitialMessage { public_key, ciphertext }
    };
    let _ = |ciphertext: Vec<u8>| -> Message { Message { ciphertext } };
    let _ = |ecies: EstablishedEcies, message: Vec<u8>| -> InboundCreationResult {
        InboundCreationResult { ecies, message }
    };
    let _ = |ecies: EstablishedEcies, message: InitialMessage| -> OutboundCreationResult {
        OutboundCreationResult { ecies, message }
    };
}

#[allow(dead_code, unused_variables)]
fn check_ecies_field_destructuring(
    initial: sut::ecies::InitialMessage,
    message: sut::ecies::Message,
    inbound: sut::ecies::InboundCreationResult,
    outbound: sut::ecies::OutboundCreationResult,
) {
    let sut::ecies::InitialMessage { public_key, ciphertext } = initial;
    let _: sut::Curve25519PublicKey = public_key;
    let _: Vec<u8> = ciphertext;
    let sut::ecies::Message { ciphertext } = message;
    let _: Vec<u8> = ciphertext;
    let sut::ecies::InboundCreationResult { ecies, message } = inbound;
    let _: sut::ecies::EstablishedEcies = ecies;
    let _: Vec<u8> = message;
    let sut::ecies::OutboundCreationResult { ecies, message } = outbound;
    let _: sut::ecies::EstablishedEcies = ecies;
    let _: sut::ecies::InitialMessage = message;
}

#[allow(dead_code)]
const fn const_fn_ecies_public_key(e: &sut::ecies::EstablishedEcies) -> sut::Curve25519PublicKey {
    e.public_key()
}
#[allow(dead_code)]
const fn const_fn_ecies_check_code(e: &sut::ecies::EstablishedEcies) -> &sut::ecies::CheckCode {
    e.check_code()
}
#[allow(dead_code)]
const fn const_fn_check_code_as_bytes(c: &sut::ecies::CheckCode) -> &[u8; 2] {
    c.as_bytes()
}
#[allow(dead_code)]
const fn const_fn_check_code_to_digit(
    c: &sut::ecies::CheckCode,
    mode: sut::ecies::DigitMode,
) -> u8 {
    c.to_digit(mode)
}

// ----- hpke -----

#[cfg(not(feature = "hpke"))]
#[allow(dead_code)]
fn check_hpke_all() {}

#[cfg(feature = "hpke")]
#[allow(dead_code)]
fn check_hpke_all() {
    let _: [fn(); 6] = [
        check_hpke_check_code_is_ecies_check_code,
        check_hpke_signatures,
        check_hpke_trait_impls,
        check_hpke_auto_traits,
        check_hpke_variant_constructors,
        check_hpke_field_construction,
    ];
    let _: fn(&sut::hpke::Error, &sut::hpke::MessageDecodeError) = check_hpke_variants;
    let _: fn(
        sut::hpke::BidirectionalCreationResult<Vec<u8>>,
        sut::hpke::SenderCreationResult,
        sut::hpke::RecipientCreationResult,
        sut::hpke::InitialMessage,
        sut::hpke::InitialResponse,
        sut::hpke::Message,
    ) = check_hpke_field_destructuring;
    let _: fn(&sut::hpke::EstablishedHpkeChannel) -> sut::Curve25519PublicKey =
        const_fn_hpke_public_key;
    let _: fn(&sut::hpke::EstablishedHpkeChannel) -> sut::Curve25519PublicKey =
        const_fn_hpke_their_public_key;
}

#[cfg(feature = "hpke")]
#[allow(dead_code, clippy::type_complexity)]
fn check_hpke_signatures() {
    use sut::hpke::*;

    let _: for<'a> fn(&'a CheckCode) -> &'a [u8; 2] = CheckCode::as_bytes;
    let _: fn(&CheckCode, DigitMode) -> u8 = CheckCode::to_digit;

    let _: fn() -> HpkeSenderChannel = HpkeSenderChannel::new;
    let _: fn(&str) -> HpkeSenderChannel = HpkeSenderChannel::with_info;
    let _: fn(
        HpkeSenderChannel,
        sut::Curve25519PublicKey,
        &[u8],
        &[u8],
    ) -> Result<SenderCreationResult, Error> = HpkeSenderChannel::establish_channel;
    let _: fn(
        UnidirectionalSenderChannel,
        &InitialResponse,
        &[u8],
    ) -> Result<BidirectionalCreationResult<Vec<u8>>, Error> =
        UnidirectionalSenderChannel::establish_bidirectional_channel;

    let _: fn() -> HpkeRecipientChannel = HpkeRecipientChannel::new;
    let _: fn(&str) -> HpkeRecipientChannel = HpkeRecipientChannel::with_info;
    let _: fn(
        HpkeRecipientChannel,
        &InitialMessage,
        &[u8],
    ) -> Result<RecipientCreationResult, Error> = HpkeRecipientChannel::establish_channel;
    let _: fn(&HpkeRecipientChannel) -> sut::Curve25519PublicKey = HpkeRecipientChannel::public_key;
    let _: fn(
        UnidirectionalRecipientChannel,
        &[u8],
        &[u8],
    ) -> BidirectionalCreationResult<InitialResponse> =
        UnidirectionalRecipientChannel::establish_bidirectional_channel;

    let _: fn(&EstablishedHpkeChannel) -> sut::Curve25519PublicKey =
        EstablishedHpkeChannel::public_key;
    let _: fn(&EstablishedHpkeChannel) -> sut::Curve25519PublicKey =
        EstablishedHpkeChannel::their_public_key;
    let _: for<'a> fn(&'a EstablishedHpkeChannel) -> &'a CheckCode =
        EstablishedHpkeChannel::check_code;
    let _: fn(&mut EstablishedHpkeChannel, &[u8], &[u8]) -> Message = EstablishedHpkeChannel::seal;
    let _: fn(&mut EstablishedHpkeChannel, &Message, &[u8]) -> Result<Vec<u8>, Error> =
        EstablishedHpkeChannel::open;

    let _: fn(&InitialMessage) -> String = InitialMessage::encode;
    let _: fn(&str) -> Result<InitialMessage, MessageDecodeError> = InitialMessage::decode;
    let _: fn(&InitialMessage) -> Vec<u8> = InitialMessage::to_bytes;
    let _: fn(&[u8]) -> Result<InitialMessage, MessageDecodeError> = InitialMessage::from_bytes;
    let _: fn(&InitialResponse) -> String = InitialResponse::encode;
    let _: fn(&str) -> Result<InitialResponse, MessageDecodeError> = InitialResponse::decode;
    let _: fn(&InitialResponse) -> Vec<u8> = InitialResponse::to_bytes;
    let _: fn(&[u8]) -> Result<InitialResponse, MessageDecodeError> = InitialResponse::from_bytes;
    let _: fn(&Message) -> String = Message::encode;
    let _: fn(&str) -> Result<Message, MessageDecodeError> = Message::decode;
}

/// `hpke::CheckCode` and `hpke::DigitMode` are the very types `ecies` uses.
#[cfg(feature = "hpke")]
#[allow(dead_code)]
fn check_hpke_check_code_is_ecies_check_code() {
    let _: fn(sut::ecies::CheckCode) -> sut::hpke::CheckCode = std::convert::identity;
    let _: fn(sut::ecies::DigitMode) -> sut::hpke::DigitMode = std::convert::identity;
}

#[cfg(feature = "hpke")]
#[allow(dead_code)]
fn check_hpke_trait_impls() {
    use sut::hpke::*;

    impls_debug::<EstablishedHpkeChannel>();
    impls_clone::<CheckCode>();
    impls_debug::<CheckCode>();
    impls_partial_eq::<CheckCode>();
    impls_eq::<CheckCode>();

    impls_error::<MessageDecodeError>();
    impls_from::<MessageDecodeError, sut::Base64DecodeError>();
    impls_from::<MessageDecodeError, sut::KeyError>();
    impls_error::<Error>();
    // Both libraries wrap the same `hpke` crate's error.
    impls_from::<Error, hpke::HpkeError>();

    impls_debug::<InitialMessage>();
    impls_partial_eq::<InitialMessage>();
    impls_eq::<InitialMessage>();
    impls_debug::<InitialResponse>();
    impls_debug::<Message>();

    impls_debug::<RecipientCreationResult>();
    impls_debug::<HpkeRecipientChannel>();
    impls_debug::<UnidirectionalRecipientChannel>();
    impls_debug::<HpkeSenderChannel>();
    impls_debug::<UnidirectionalSenderChannel>();
}

#[cfg(feature = "hpke")]
#[allow(dead_code)]
fn check_hpke_auto_traits() {
    use sut::hpke::*;

    impls_all_auto::<BidirectionalCreationResult<Vec<u8>>>();
    impls_all_auto::<BidirectionalCreationResult<InitialResponse>>();
    impls_all_auto::<EstablishedHpkeChannel>();
    impls_all_auto::<CheckCode>();
    impls_all_auto::<DigitMode>();
    impls_all_auto::<InitialMessage>();
    impls_all_auto::<InitialResponse>();
    impls_all_auto::<Message>();
    impls_all_auto::<RecipientCreationResult>();
    impls_all_auto::<HpkeRecipientChannel>();
    impls_all_auto::<UnidirectionalRecipientChannel>();
    impls_all_auto::<SenderCreationResult>();
    impls_all_auto::<HpkeSenderChannel>();
    impls_all_auto::<UnidirectionalSenderChannel>();
    impls_error_auto::<Error>();
    impls_error_auto::<MessageDecodeError>();
}

#[cfg(feature = "hpke")]
#[allow(dead_code, unused_variables)]
fn check_hpke_variants(error: &sut::hpke::Error, decode_error: &sut::hpke::MessageDecodeError) {
    match error {
        sut::hpke::Error::Decryption => {}
        sut::hpke::Error::Encapsulation(e) => {
            let _: &hpke::HpkeError = e;
        }
    }
    match decode_error {
        sut::hpke::MessageDecodeError::MessageIncomplete => {}
        sut::hpke::MessageDecodeError::KeyError(e) => {
            let _: &sut::KeyError = e;
        }
        sut::hpke::MessageDecodeError::Base64(e) => {
            let _: &sut::Base64DecodeError = e;
        }
    }
}

#[cfg(feature = "hpke")]
#[allow(dead_code)]
fn check_hpke_variant_constructors() {
    use sut::hpke::*;

    let _: Error = Error::Decryption;
    let _: fn(hpke::HpkeError) -> Error = Error::Encapsulation;
    let _: MessageDecodeError = MessageDecodeError::MessageIncomplete;
    let _: fn(sut::KeyError) -> MessageDecodeError = MessageDecodeError::KeyError;
    let _: fn(sut::Base64DecodeError) -> MessageDecodeError = MessageDecodeError::Base64;
}

#[cfg(feature = "hpke")]
#[allow(dead_code)]
fn check_hpke_field_construction() {
    use sut::hpke::*;

    let _ = |channel: EstablishedHpkeChannel, message: u8| -> BidirectionalCreationResult<u8> {
        BidirectionalCreationResult { channel, message }
    };
    let _ = |channel: UnidirectionalSenderChannel,
             message: InitialMessage|
     -> SenderCreationResult { SenderCreationResult { channel, message } };
    let _ = |channel: UnidirectionalRecipientChannel,
             message: Vec<u8>|
     -> RecipientCreationResult { RecipientCreationResult { channel, message } };
    let _ = |encapsulated_key: sut::Curve25519PublicKey, ciphertext: Vec<u8>| -> InitialMessage {
        InitialMessage { encapsulated_key, ciphertext }
    };
    let _ = |base_response_nonce: [u8; 32], ciphertext: Vec<u8>| -> InitialResponse {
        InitialResponse { base_response_nonce, ciphertext }
    };
    let _ = |ciphertext: Vec<u8>| -> Message { Message { ciphertext } };
}

#[cfg(feature = "hpke")]
#[allow(dead_code, unused_variables)]
fn check_hpke_field_destructuring(
    bidirectional: sut::hpke::BidirectionalCreationResult<Vec<u8>>,
    sender: sut::hpke::SenderCreationResult,
    recipient: sut::hpke::RecipientCreationResult,
    initial: sut::hpke::InitialMessage,
    response: sut::hpke::InitialResponse,
    message: sut::hpke::Message,
) {
    let sut::hpke::BidirectionalCreationResult { channel, message: plaintext } = bidirectional;
    let _: sut::hpke::EstablishedHpkeChannel = channel;
    let _: Vec<u8> = plaintext;
    let sut::hpke::SenderCreationResult { channel, message: initial_message } = sender;
    let _: sut::hpke::UnidirectionalSenderChannel = channel;
    let _: sut::hpke::InitialMessage = initial_message;
    let sut::hpke::RecipientCreationResult { channel, message: plaintext } = recipient;
    let _: sut::hpke::UnidirectionalRecipientChannel = channel;
    let _: Vec<u8> = plaintext;
    let sut::hpke::InitialMessage { encapsulated_key, ciphertext } = initial;
    let _: sut::Curve25519PublicKey = encapsulated_key;
    let _: Vec<u8> = ciphertext;
    let sut::hpke::InitialResponse { base_response_nonce, ciphertext } = response;
    let _: [u8; 32] = base_response_nonce;
    let _: Vec<u8> = ciphertext;
    let sut::hpke::Message { ciphertext } = message;
    let _: Vec<u8> = ciphertext;
}

#[cfg(feature = "hpke")]
#[allow(dead_code)]
const fn const_fn_hpke_public_key(
    c: &sut::hpke::EstablishedHpkeChannel,
) -> sut::Curve25519PublicKey {
    c.public_key()
}
#[cfg(feature = "hpke")]
#[allow(dead_code)]
const fn const_fn_hpke_their_public_key(
    c: &sut::hpke::EstablishedHpkeChannel,
) -> sut::Curve25519PublicKey {
    c.their_public_key()
}
