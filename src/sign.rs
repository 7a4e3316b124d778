//! Ed25519 checkpoint signatures (`keys.sign`): sealed chains anyone can check, no one but the
//! signer can extend.
//!
//! A signing sealer hashes every record it seals (the canonical form its MAC covers, without
//! the MAC: a public verifier cannot check MACs, so the commitment binds the content) into the
//! open *segment*; every checkpoint signs the segment, the chain id, its sequence number, the
//! signing key's id and the hash of the previous checkpoint's message:
//!
//! ```text
//! d(record)  = SHA-256("logseal-sign-record-1\n" + canonical body + "\n" + canonical seal without MAC and signature)
//! segment    = SHA-256(d(first record after the previous checkpoint) + ... + d(this checkpoint))
//! message    = "logseal-sign-1\n" + u32be(len chain) + chain + u64be(seq) + u32be(len kid) + kid + prev + segment
//! prev       = SHA-256(message of the chain's previous checkpoint); 32 zero bytes at its first
//! signature  = Ed25519(signing key, message)
//! ```
//!
//! The checkpoint writes `prev`, `segment`, the key id and the signature, so its signature can
//! be checked alone, and the verifier recomputes `segment` from the records it read.
//! [`SignKey`] holds the private key (wiped on drop, never printed); [`PublicKeys`] reads the
//! public key file `logseal keygen --purpose sign` writes beside the keyring.

use crate::keys::{Key, KeyError};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

/// Domain separation of a record's digest.
pub const RECORD_CONTEXT: &[u8] = b"logseal-sign-record-1\n";
/// Domain separation of the signed checkpoint message.
pub const MESSAGE_CONTEXT: &[u8] = b"logseal-sign-1\n";
/// Bytes of an Ed25519 private key (its seed), public key and signature.
pub const SEED_BYTES: usize = 32;
pub const PUBLIC_BYTES: usize = 32;
pub const SIGNATURE_BYTES: usize = 64;
/// What a public key file says about itself (`note`).
pub const PUBLIC_NOTE: &str = "Ed25519 public keys of logseal checkpoint signatures: no secret, safe to hand out";

/// The digest of one sealed record: its canonical body and its canonical seal without the MAC
/// and without the checkpoint signature.
pub fn record_digest(body: &[u8], seal: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(RECORD_CONTEXT);
    h.update(body);
    h.update(b"\n");
    h.update(seal);
    h.finalize().into()
}

/// The running hash of the records since the previous checkpoint.
#[derive(Clone, Default)]
pub struct Segment {
    hash: Sha256,
    records: u64,
}

impl Segment {
    /// Adds one record's digest ([`record_digest`]).
    pub fn push(&mut self, digest: &[u8; 32]) {
        self.hash.update(digest);
        self.records += 1;
    }

    /// How many records the open segment holds.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The segment hash; the segment starts anew.
    pub fn close(&mut self) -> [u8; 32] {
        self.records = 0;
        self.hash.finalize_reset().into()
    }
}

/// Writes the signed message of a checkpoint into `out` (cleared first).
pub fn message(chain: &str, seq: u64, kid: &str, prev: &[u8; 32], segment: &[u8; 32], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(MESSAGE_CONTEXT);
    out.extend_from_slice(&(chain.len() as u32).to_be_bytes());
    out.extend_from_slice(chain.as_bytes());
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&(kid.len() as u32).to_be_bytes());
    out.extend_from_slice(kid.as_bytes());
    out.extend_from_slice(prev);
    out.extend_from_slice(segment);
}

/// The hash that links the next checkpoint to this one: SHA-256 of its message.
pub fn checkpoint_hash(message: &[u8]) -> [u8; 32] {
    Sha256::digest(message).into()
}

/// A private signing key with its id. Debug shows the id only; the key is wiped on drop.
#[derive(Clone)]
pub struct SignKey {
    id: String,
    key: SigningKey,
}

impl fmt::Debug for SignKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignKey({})", self.id)
    }
}

impl SignKey {
    /// The signing key of a `sign` key: its secret is the 32-byte Ed25519 seed.
    pub fn from_key(key: &Key) -> Result<SignKey, KeyError> {
        let seed: &[u8; SEED_BYTES] = key.secret.expose().try_into().map_err(|_| KeyError::WrongLength { bytes: key.secret.expose().len(), wanted: SEED_BYTES })?;
        Ok(SignKey { id: key.id.clone(), key: SigningKey::from_bytes(seed) })
    }

    /// The key id, as checkpoints name it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_BYTES] {
        self.key.sign(message).to_bytes()
    }

    /// The public key.
    pub fn public(&self) -> [u8; PUBLIC_BYTES] {
        self.key.verifying_key().to_bytes()
    }
}

/// Why a checkpoint signature does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureError {
    /// No public key with the checkpoint's key id.
    UnknownKey,
    /// The signature does not verify under that key.
    Invalid,
}

/// The public keys a verifier trusts, by id.
#[derive(Clone, Debug, Default)]
pub struct PublicKeys {
    keys: Vec<(String, VerifyingKey)>,
}

impl PublicKeys {
    /// A set of public keys: (id, 32-byte Ed25519 public key); None when a key is not a valid
    /// curve point.
    pub fn new(keys: &[(String, [u8; PUBLIC_BYTES])]) -> Option<PublicKeys> {
        let keys = keys.iter().map(|(id, pk)| VerifyingKey::from_bytes(pk).ok().map(|k| (id.clone(), k))).collect::<Option<Vec<_>>>()?;
        Some(PublicKeys { keys })
    }

    /// Reads a public key file (`path` only for messages):
    /// `{"version":1,"note":"...","public_keys":[{"id":"...","purpose":"sign","public":"<base64>"}]}`.
    /// A keyring (it holds secrets) is refused, so a private key is never taken for a public one.
    pub fn parse(text: &[u8], path: &str) -> Result<PublicKeys, KeyError> {
        let bad = |detail: String| KeyError::BadKeyring { path: path.to_string(), detail };
        let doc: serde_json::Value = serde_json::from_slice(text).map_err(|e| bad(format!("not valid JSON (line {}, column {})", e.line(), e.column())))?;
        if doc.get("keys").is_some() && doc.get("public_keys").is_none() {
            return Err(bad("this is a keyring holding secret keys, not a public key file; give the .public.json file keygen wrote".into()));
        }
        use crate::reader::{index_path, Field};
        let root = Field::new(&doc, "$").object(&["version", "note", "public_keys"]).map_err(|e| bad(e.to_string()))?;
        let (v, vp) = root.require("version").map_err(|e| bad(e.to_string()))?;
        if Field::new(v, &vp).uint(1, 1).is_err() {
            return Err(bad(format!("{vp}: expected 1")));
        }
        let (list, lp) = root.require("public_keys").map_err(|e| bad(e.to_string()))?;
        let list = Field::new(list, &lp).array().map_err(|e| bad(e.to_string()))?;
        let mut keys = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            let ip = index_path(&lp, i);
            let read = || -> Result<(String, VerifyingKey), String> {
                let o = Field::new(item, &ip).object(&["id", "purpose", "public"]).map_err(|e| e.to_string())?;
                let (id, idp) = o.require("id").map_err(|e| e.to_string())?;
                let id = Field::new(id, &idp).str().map_err(|e| e.to_string())?.to_string();
                let (p, pp) = o.require("purpose").map_err(|e| e.to_string())?;
                Field::new(p, &pp).choice(&["sign"]).map_err(|e| e.to_string())?;
                let (k, kp) = o.require("public").map_err(|e| e.to_string())?;
                let text = Field::new(k, &kp).str().map_err(|e| e.to_string())?;
                let bytes = STANDARD.decode(text.trim()).map_err(|_| format!("{kp}: not valid base64"))?;
                let bytes: [u8; PUBLIC_BYTES] = bytes.as_slice().try_into().map_err(|_| format!("{kp}: an Ed25519 public key is {PUBLIC_BYTES} bytes, not {}", bytes.len()))?;
                let key = VerifyingKey::from_bytes(&bytes).map_err(|_| format!("{kp}: not an Ed25519 public key"))?;
                Ok((id, key))
            };
            keys.push(read().map_err(bad)?);
        }
        if keys.is_empty() {
            return Err(bad(format!("{lp}: holds no key")));
        }
        Ok(PublicKeys { keys })
    }

    /// The public key file's text for `keys` (id, public key).
    pub fn file_text(keys: &[(String, [u8; PUBLIC_BYTES])]) -> String {
        let list: Vec<serde_json::Value> = keys.iter().map(|(id, pk)| serde_json::json!({"id": id, "purpose": "sign", "public": STANDARD.encode(pk)})).collect();
        let doc = serde_json::json!({"version": 1, "note": PUBLIC_NOTE, "public_keys": list});
        serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
    }

    /// The key ids, in file order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(id, _)| id.as_str())
    }

    /// Checks a checkpoint signature (strict Ed25519: no malleable or small-order forms).
    pub fn check(&self, kid: &str, message: &[u8], signature: &[u8; SIGNATURE_BYTES]) -> Result<(), SignatureError> {
        let (_, key) = self.keys.iter().find(|(id, _)| id == kid).ok_or(SignatureError::UnknownKey)?;
        key.verify_strict(message, &Signature::from_bytes(signature)).map_err(|_| SignatureError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{Purpose, Secret};

    fn key(seed: u8) -> SignKey {
        SignKey::from_key(&Key { id: "s1".into(), purpose: Purpose::Sign, secret: Secret::new(vec![seed; 32]), active: true }).unwrap()
    }

    /// RFC 8032 section 7.1, test 1 (the empty message).
    #[test]
    fn ed25519_known_answer() {
        let seed: Vec<u8> = (0..32).map(|i| u8::from_str_radix(&"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"[2 * i..2 * i + 2], 16).unwrap()).collect();
        let k = SignKey::from_key(&Key { id: "rfc".into(), purpose: Purpose::Sign, secret: Secret::new(seed), active: true }).unwrap();
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(hex(&k.public()), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assert!(hex(&k.sign(b"")).starts_with("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"));
    }

    #[test]
    fn a_signature_holds_under_its_own_public_key_only() {
        let (a, b) = (key(1), key(2));
        let keys = PublicKeys::new(&[("s1".into(), a.public())]).unwrap();
        let mut msg = Vec::new();
        message("chain", 1000, "s1", &[0; 32], &[7; 32], &mut msg);
        assert_eq!(keys.check("s1", &msg, &a.sign(&msg)), Ok(()));
        assert_eq!(keys.check("s1", &msg, &b.sign(&msg)), Err(SignatureError::Invalid));
        assert_eq!(keys.check("s2", &msg, &a.sign(&msg)), Err(SignatureError::UnknownKey));
        let sig = a.sign(&msg);
        message("chain", 1001, "s1", &[0; 32], &[7; 32], &mut msg);
        assert_eq!(keys.check("s1", &msg, &sig), Err(SignatureError::Invalid));
    }

    #[test]
    fn public_key_files_round_trip_and_keyrings_are_refused() {
        let text = PublicKeys::file_text(&[("s1".into(), key(1).public())]);
        assert!(text.contains(PUBLIC_NOTE));
        let keys = PublicKeys::parse(text.as_bytes(), "p.json").unwrap();
        assert_eq!(keys.ids().collect::<Vec<_>>(), ["s1"]);
        let ring = r#"{"version":1,"keys":[{"id":"s1","purpose":"sign","secret":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}]}"#;
        let err = PublicKeys::parse(ring.as_bytes(), "r.json").unwrap_err().to_string();
        assert!(err.contains("holding secret keys") && !err.contains("AAECAw"), "{err}");
        let short = r#"{"version":1,"public_keys":[{"id":"s1","purpose":"sign","public":"AAAA"}]}"#;
        assert!(PublicKeys::parse(short.as_bytes(), "p").unwrap_err().to_string().contains("32 bytes, not 3"));
    }

    #[test]
    fn signing_keys_are_32_byte_seeds_and_never_print() {
        let long = Key { id: "s1".into(), purpose: Purpose::Sign, secret: Secret::new(vec![1; 33]), active: true };
        assert_eq!(SignKey::from_key(&long).unwrap_err(), KeyError::WrongLength { bytes: 33, wanted: 32 });
        assert_eq!(format!("{:?}", key(1)), "SignKey(s1)");
    }

    #[test]
    fn segments_hash_their_records_in_order() {
        let (d1, d2) = (record_digest(b"{}", b"{\"n\":1}"), record_digest(b"{}", b"{\"n\":2}"));
        let mut s = Segment::default();
        s.push(&d1);
        s.push(&d2);
        assert_eq!(s.records(), 2);
        let h = s.close();
        assert_eq!(s.records(), 0);
        s.push(&d2);
        s.push(&d1);
        assert_ne!(s.close(), h);
    }
}
