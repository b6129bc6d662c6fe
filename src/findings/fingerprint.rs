//! Keyed fingerprints of found values: HMAC-SHA256 over `kind:normalized value`, truncated to
//! 128 bits and hex-encoded. Equal values under the same key give equal fingerprints, so one
//! person's email can be followed across files without the raw value ever being written.
//!
//! Without a secret key a fixed public key is used; such fingerprints of short values (phone
//! numbers, card numbers) can be reversed by brute force, so real use needs a key.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Environment variable holding the fingerprint key.
pub const KEY_ENV: &str = "PIISCAN_FINGERPRINT_KEY";
const PUBLIC_KEY: &[u8] = b"piiscan-unkeyed-fingerprint-v1";

#[derive(Clone)]
pub struct FingerprintKey {
    mac: Hmac<Sha256>,
    keyed: bool,
}

impl FingerprintKey {
    /// A secret key (from a key file or the environment). Surrounding whitespace is ignored.
    pub fn secret(key: &[u8]) -> Self {
        let key = key.trim_ascii();
        FingerprintKey {
            mac: Hmac::new_from_slice(key).expect("HMAC accepts keys of any length"),
            keyed: true,
        }
    }

    /// The fixed public key: fingerprints are stable but not secret.
    pub fn unkeyed() -> Self {
        FingerprintKey {
            mac: Hmac::new_from_slice(PUBLIC_KEY).expect("HMAC accepts keys of any length"),
            keyed: false,
        }
    }

    /// The key from `key_file` if given, else from the `PIISCAN_FINGERPRINT_KEY` environment
    /// variable, else the public key (`is_keyed()` is then false).
    pub fn from_sources(key_file: Option<&std::path::Path>) -> crate::Result<Self> {
        if let Some(path) = key_file {
            let key = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
            if key.trim_ascii().is_empty() {
                return Err(crate::Error::Config(format!(
                    "{}: key file is empty",
                    path.display()
                )));
            }
            return Ok(Self::secret(&key));
        }
        match std::env::var_os(KEY_ENV) {
            Some(v) if !v.is_empty() => Ok(Self::secret(v.as_encoded_bytes())),
            _ => Ok(Self::unkeyed()),
        }
    }

    pub fn is_keyed(&self) -> bool {
        self.keyed
    }

    pub fn fingerprint(&self, kind: &str, normalized: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(normalized.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut out = String::with_capacity(32);
        for b in &digest[..16] {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        out
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_same_key_same_fingerprint() {
        let k = FingerprintKey::secret(b"team-secret\n");
        assert_eq!(
            k.fingerprint("email", "a@b.de"),
            k.fingerprint("email", "a@b.de")
        );
        assert_eq!(k.fingerprint("email", "a@b.de").len(), 32);
    }

    #[test]
    fn key_and_kind_change_the_fingerprint() {
        let a = FingerprintKey::secret(b"one");
        let b = FingerprintKey::secret(b"two");
        assert_ne!(
            a.fingerprint("email", "a@b.de"),
            b.fingerprint("email", "a@b.de")
        );
        assert_ne!(a.fingerprint("email", "x"), a.fingerprint("phone", "x"));
        assert_ne!(
            FingerprintKey::unkeyed().fingerprint("email", "a@b.de"),
            a.fingerprint("email", "a@b.de")
        );
    }

    #[test]
    fn known_vector() {
        // HMAC-SHA256(key="key", "email:a@b.de"), first 16 bytes; computed with Python's hmac.
        let k = FingerprintKey::secret(b"key");
        assert_eq!(
            k.fingerprint("email", "a@b.de"),
            "6dcf236c162a28085c4467197f9f744e"
        );
    }
}
