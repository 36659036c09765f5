//! The protobuf-style key/value encoding inside Olm and Megolm messages.
//!
//! Each field is a varint key `field_number << 3 | wire_type` followed by either a varint
//! (wire type 0) or a varint length and that many bytes (wire type 2). Varints are LEB128:
//! seven bits per byte, least significant group first, high bit set on every byte but the last.
//!
//! Decoding follows libolm and protobuf: fields may come in any order, the last duplicate wins,
//! unknown fields of wire types 0, 1, 2 and 5 are skipped. Everything else (groups, reserved wire
//! types, field number 0, a varint longer than ten bytes or over 64 bits, a length past the end)
//! is an error. Encoders write only the fields they are given, in the order given, which is how
//! byte-exact output with libolm is obtained.

/// The payload of a message is not a valid protobuf-style encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtoBufDecodeError {
    /// The input ended inside a field.
    #[error("the protobuf payload ended in the middle of a field")]
    Truncated,
    /// A varint was longer than ten bytes or did not fit in 64 bits.
    #[error("a protobuf varint was longer than 64 bits")]
    VarintOverflow,
    /// A field used a wire type that Olm and Megolm never use and that cannot be skipped.
    #[error("a protobuf field used the unsupported wire type {0}")]
    InvalidWireType(u8),
    /// A field had the number 0, which protobuf reserves.
    #[error("a protobuf field had the reserved number 0")]
    InvalidFieldNumber,
    /// A required field was absent.
    #[error("the required protobuf field {0} was missing")]
    MissingField(&'static str),
    /// A field had the right number but the wrong wire type.
    #[error("the protobuf field {0} had the wrong wire type")]
    WrongWireType(&'static str),
}

/// A decoded field value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 2.
    Bytes(&'a [u8]),
}

impl<'a> Value<'a> {
    pub(crate) fn varint(self, field: &'static str) -> Result<u64, ProtoBufDecodeError> {
        match self {
            Value::Varint(v) => Ok(v),
            Value::Bytes(_) => Err(ProtoBufDecodeError::WrongWireType(field)),
        }
    }

    pub(crate) fn bytes(self, field: &'static str) -> Result<&'a [u8], ProtoBufDecodeError> {
        match self {
            Value::Bytes(b) => Ok(b),
            Value::Varint(_) => Err(ProtoBufDecodeError::WrongWireType(field)),
        }
    }
}

/// Read one varint from the front of `input`, returning it and the rest.
pub(crate) fn read_varint(input: &[u8]) -> Result<(u64, &[u8]), ProtoBufDecodeError> {
    let mut value: u64 = 0;
    for (i, &byte) in input.iter().enumerate().take(10) {
        let low = u64::from(byte & 0x7f);
        if i == 9 && byte > 1 {
            return Err(ProtoBufDecodeError::VarintOverflow);
        }
        value |= low << (7 * i);
        if byte & 0x80 == 0 {
            let rest = input.get(i + 1..).ok_or(ProtoBufDecodeError::Truncated)?;
            return Ok((value, rest));
        }
    }
    if input.len() >= 10 {
        Err(ProtoBufDecodeError::VarintOverflow)
    } else {
        Err(ProtoBufDecodeError::Truncated)
    }
}

/// Iterate over the known fields of a payload, skipping unknown ones.
///
/// Yields `(field_number, value)`; stops at the first error.
pub(crate) fn fields(payload: &[u8]) -> Fields<'_> {
    Fields { rest: payload, failed: false }
}

/// Iterator returned by [`fields`].
pub(crate) struct Fields<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Fields<'a> {
    /// Bytes not yet read; the offset of the last value read is `payload.len() - remaining()
    /// - value.len()`.
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    fn next_field(&mut self) -> Result<Option<(u64, Value<'a>)>, ProtoBufDecodeError> {
        loop {
            if self.rest.is_empty() {
                return Ok(None);
            }
            let (key, rest) = read_varint(self.rest)?;
            let field = key >> 3;
            // The mask keeps the wire type in 0..=7.
            let wire_type = (key & 0x7) as u8;
            if field == 0 {
                return Err(ProtoBufDecodeError::InvalidFieldNumber);
            }
            match wire_type {
                0 => {
                    let (value, rest) = read_varint(rest)?;
                    self.rest = rest;
                    return Ok(Some((field, Value::Varint(value))));
                }
                2 => {
                    let (length, rest) = read_varint(rest)?;
                    let length =
                        usize::try_from(length).map_err(|_| ProtoBufDecodeError::Truncated)?;
                    if length > rest.len() {
                        return Err(ProtoBufDecodeError::Truncated);
                    }
                    let (value, rest) = rest.split_at(length);
                    self.rest = rest;
                    return Ok(Some((field, Value::Bytes(value))));
                }
                1 | 5 => {
                    let skip = if wire_type == 1 { 8 } else { 4 };
                    self.rest = rest.get(skip..).ok_or(ProtoBufDecodeError::Truncated)?;
                }
                other => return Err(ProtoBufDecodeError::InvalidWireType(other)),
            }
        }
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Value<'a>), ProtoBufDecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.next_field() {
            Ok(Some(field)) => Some(Ok(field)),
            Ok(None) => None,
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Append a varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        // Truncation keeps the low seven bits, which is the point.
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Number of bytes [`put_varint`] writes for `value`.
pub(crate) const fn varint_len(value: u64) -> usize {
    let bits = 64 - (value | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Append a varint field (wire type 0).
pub(crate) fn put_varint_field(out: &mut Vec<u8>, field: u8, value: u64) {
    out.push(field << 3);
    put_varint(out, value);
}

/// Append a length-delimited field (wire type 2).
pub(crate) fn put_bytes_field(out: &mut Vec<u8>, field: u8, value: &[u8]) {
    out.push(field << 3 | 2);
    put_varint(out, value.len() as u64);
    out.extend_from_slice(value);
}

/// Encoded size of a length-delimited field with a one-byte key.
pub(crate) const fn bytes_field_len(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lengths_are_what_is_written() {
        for len in [0, 1, 32, 127, 128, 16_383, 16_384, 70_000] {
            let mut out = Vec::new();
            put_bytes_field(&mut out, 4, &vec![0; len]);
            assert_eq!(bytes_field_len(len), out.len(), "length {len}");
            assert_eq!(out[0], 4 << 3 | 2);
        }
    }

    #[test]
    fn varint_round_trip() {
        for value in [0, 1, 127, 128, 200, 300, 16_383, 16_384, u32::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, value);
            assert_eq!(out.len(), varint_len(value));
            let (decoded, rest) = read_varint(&out).unwrap();
            assert_eq!(decoded, value);
            assert!(rest.is_empty());
        }
    }

    #[test]
    fn libolm_megolm_header_for_index_200() {
        // libolm tests/test_message.cpp: index 200, ciphertext of 10 bytes.
        let mut out = vec![3];
        put_varint_field(&mut out, 1, 200);
        out.push(0x12);
        out.push(10);
        assert_eq!(out, [0x03, 0x08, 0xC8, 0x01, 0x12, 0x0A]);
    }

    #[test]
    fn varint_errors() {
        assert_eq!(read_varint(&[]), Err(ProtoBufDecodeError::Truncated));
        assert_eq!(read_varint(&[0x80]), Err(ProtoBufDecodeError::Truncated));
        assert_eq!(read_varint(&[0xff; 10]), Err(ProtoBufDecodeError::VarintOverflow));
        assert_eq!(read_varint(&[0xff; 11]), Err(ProtoBufDecodeError::VarintOverflow));
        let mut max = vec![0xff; 9];
        max.push(0x01);
        assert_eq!(read_varint(&max).unwrap().0, u64::MAX);
        let mut over = vec![0xff; 9];
        over.push(0x02);
        assert_eq!(read_varint(&over), Err(ProtoBufDecodeError::VarintOverflow));
    }

    #[test]
    fn skips_unknown_fields_and_last_duplicate_wins() {
        let mut payload = Vec::new();
        put_varint_field(&mut payload, 2, 1);
        put_bytes_field(&mut payload, 9, b"unknown");
        payload.extend_from_slice(&[(7 << 3) | 5, 1, 2, 3, 4]);
        payload.extend_from_slice(&[(8 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8]);
        put_varint_field(&mut payload, 2, 5);
        let fields: Vec<_> = fields(&payload).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            fields,
            [(2, Value::Varint(1)), (9, Value::Bytes(b"unknown")), (2, Value::Varint(5))]
        );
    }

    #[test]
    fn field_errors() {
        let cases: [(&[u8], ProtoBufDecodeError); 5] = [
            (&[0x12, 0x05, 1, 2], ProtoBufDecodeError::Truncated),
            (&[0x0b], ProtoBufDecodeError::InvalidWireType(3)),
            (&[0x02, 0x00], ProtoBufDecodeError::InvalidFieldNumber),
            (&[0x0d, 1, 2], ProtoBufDecodeError::Truncated),
            (&[0x12, 0xff, 0xff, 0xff, 0xff, 0x0f], ProtoBufDecodeError::Truncated),
        ];
        for (input, expected) in cases {
            let result: Result<Vec<_>, _> = fields(input).collect();
            assert_eq!(result.unwrap_err(), expected, "{input:?}");
        }
    }
}
