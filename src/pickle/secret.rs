//! Fixed-size secret byte arrays inside pickles: boxed, zeroized on drop, serialized as a JSON
//! array of numbers (serde's own array support stops at 32 elements).

use serde::{de, ser::SerializeTuple, Deserialize, Deserializer, Serialize, Serializer};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// `N` secret bytes on the heap.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct SecretBytes<const N: usize>(pub(crate) Box<[u8; N]>);

impl<const N: usize> SecretBytes<N> {
    pub(crate) fn new(bytes: &[u8; N]) -> Self {
        Self(Box::new(*bytes))
    }

    pub(crate) fn into_box(mut self) -> Box<[u8; N]> {
        std::mem::replace(&mut self.0, Box::new([0; N]))
    }
}

impl<const N: usize> Serialize for SecretBytes<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut tuple = serializer.serialize_tuple(N)?;
        for byte in self.0.iter() {
            tuple.serialize_element(byte)?;
        }
        tuple.end()
    }
}

impl<'de, const N: usize> Deserialize<'de> for SecretBytes<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<const N: usize>;

        impl<'de, const N: usize> de::Visitor<'de> for Visitor<N> {
            type Value = SecretBytes<N>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "an array of {N} bytes")
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = SecretBytes(Box::new([0u8; N]));
                for (i, slot) in out.0.iter_mut().enumerate() {
                    *slot =
                        seq.next_element()?.ok_or_else(|| de::Error::invalid_length(i, &self))?;
                }
                if seq.next_element::<u8>()?.is_some() {
                    return Err(de::Error::invalid_length(N + 1, &self));
                }
                Ok(out)
            }

            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
                let mut out = SecretBytes(Box::new([0u8; N]));
                if v.len() != N {
                    return Err(E::invalid_length(v.len(), &self));
                }
                out.0.copy_from_slice(v);
                Ok(out)
            }
        }

        deserializer.deserialize_tuple(N, Visitor::<N>)
    }
}

/// Deserialize a list, refusing more than `MAX` elements.
pub(crate) fn bounded_vec<'de, D, T, const MAX: usize>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Visitor<T, const MAX: usize>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>, const MAX: usize> de::Visitor<'de> for Visitor<T, MAX> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a list of at most {MAX} elements")
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(element) = seq.next_element()? {
                if out.len() == MAX {
                    return Err(de::Error::invalid_length(MAX + 1, &self));
                }
                out.push(element);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_seq(Visitor::<T, MAX>(std::marker::PhantomData))
}

/// Deserialize a map, refusing more than `MAX` entries.
pub(crate) fn bounded_map<'de, D, K, V, const MAX: usize>(
    deserializer: D,
) -> Result<std::collections::BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    struct Visitor<K, V, const MAX: usize>(std::marker::PhantomData<(K, V)>);

    impl<'de, K, V, const MAX: usize> de::Visitor<'de> for Visitor<K, V, MAX>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
    {
        type Value = std::collections::BTreeMap<K, V>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a map of at most {MAX} entries")
        }

        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = std::collections::BTreeMap::new();
            while let Some((key, value)) = map.next_entry()? {
                if out.len() == MAX {
                    return Err(de::Error::invalid_length(MAX + 1, &self));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }

    deserializer.deserialize_map(Visitor::<K, V, MAX>(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_of_numbers() {
        let secret = SecretBytes::<40>::new(&[5; 40]);
        let json = serde_json::to_string(&secret).unwrap();
        assert!(json.starts_with("[5,5,"));
        let back: SecretBytes<40> = serde_json::from_str(&json).unwrap();
        assert_eq!(*back.0, [5; 40]);
        // The errors say how many elements there were, or where the array ended.
        let short = serde_json::from_str::<SecretBytes<41>>(&json).err().unwrap().to_string();
        assert!(short.contains("invalid length 40, expected an array of 41 bytes"), "{short}");
        let long = serde_json::from_str::<SecretBytes<39>>(&json).err().unwrap().to_string();
        assert!(long.contains("invalid length 40, expected an array of 39 bytes"), "{long}");
    }

    #[test]
    fn byte_strings_of_the_right_length() {
        // Formats with a byte-string type (CBOR, for one) hand the array over as bytes.
        use serde::de::value::{BytesDeserializer, Error};
        let back = SecretBytes::<4>::deserialize(BytesDeserializer::<Error>::new(&[1, 2, 3, 4]));
        assert_eq!(*back.unwrap().0, [1, 2, 3, 4]);
        for wrong in [&[1, 2, 3][..], &[1, 2, 3, 4, 5]] {
            assert!(SecretBytes::<4>::deserialize(BytesDeserializer::<Error>::new(wrong)).is_err());
        }
    }

    #[derive(Deserialize)]
    struct Limited {
        #[serde(deserialize_with = "bounded_vec::<_, _, 2>")]
        items: Vec<u8>,
    }

    #[test]
    fn bounded_lists() {
        assert_eq!(serde_json::from_str::<Limited>(r#"{"items":[1,2]}"#).unwrap().items, [1, 2]);
        let error = serde_json::from_str::<Limited>(r#"{"items":[1,2,3]}"#).err().unwrap();
        assert!(error.to_string().contains("invalid length 3, expected a list of at most 2"));
    }

    #[derive(Deserialize)]
    struct LimitedMap {
        #[serde(deserialize_with = "bounded_map::<_, _, _, 2>")]
        items: std::collections::BTreeMap<u8, u8>,
    }

    #[test]
    fn bounded_maps() {
        let two = serde_json::from_str::<LimitedMap>(r#"{"items":{"1":10,"2":20}}"#).unwrap();
        assert_eq!(two.items.into_iter().collect::<Vec<_>>(), [(1, 10), (2, 20)]);
        let error = serde_json::from_str::<LimitedMap>(r#"{"items":{"1":10,"2":20,"3":30}}"#)
            .err()
            .unwrap();
        assert!(error.to_string().contains("invalid length 3, expected a map of at most 2"));
    }
}
