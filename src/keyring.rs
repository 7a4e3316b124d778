//! The keyring file: the JSON document of keys [`crate::keys`] describes, read strictly (JSON
//! paths in every fault, secrets never quoted). Above [`crate::reader`], whose errors can carry
//! a [`KeyError`], so the key types themselves depend on no reader.

use crate::keys::{decode_secret, Key, KeyError, Purpose};
use crate::reader::{index_path, Field, PolicyError, Problem};

/// Reads a keyring document. `path` is only used in messages.
pub fn parse_keyring(text: &[u8], path: &str) -> Result<Vec<Key>, KeyError> {
    let bad = |detail: String| KeyError::BadKeyring { path: path.to_string(), detail };
    let doc: serde_json::Value = serde_json::from_slice(text)
        .map_err(|e| bad(format!("not valid JSON (line {}, column {})", e.line(), e.column())))?;
    let root = Field::new(&doc, "$").object(&["version", "keys"]).map_err(|e| bad(e.to_string()))?;
    let (v, vp) = root.require("version").map_err(|e| bad(e.to_string()))?;
    if Field::new(v, &vp).uint(1, 1).is_err() {
        return Err(bad(format!("{vp}: expected 1")));
    }
    let (list, lp) = root.require("keys").map_err(|e| bad(e.to_string()))?;
    let list = Field::new(list, &lp).array().map_err(|e| bad(e.to_string()))?;
    let mut keys = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let ip = index_path(&lp, i);
        let read = || -> Result<Key, PolicyError> {
            let o = Field::new(item, &ip).object(&["id", "purpose", "secret", "active"])?;
            let (id, idp) = o.require("id")?;
            let id = Field::new(id, &idp).str()?.to_string();
            let (p, pp) = o.require("purpose")?;
            let purpose = Purpose::ALL[Field::new(p, &pp).choice(Purpose::NAMES)?];
            let (s, sp) = o.require("secret")?;
            let secret = decode_secret(Field::new(s, &sp).str()?).map_err(|e| {
                PolicyError::new(sp.clone(), Problem::Key(e))
            })?;
            let active = match o.get("active") {
                Some((a, ap)) => Field::new(a, &ap).bool()?,
                None => false,
            };
            Ok(Key { id, purpose, secret, active })
        };
        keys.push(read().map_err(|e| bad(e.to_string()))?);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{select, KeyRef, KeySet};

    const SECRET_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    fn ring() -> String {
        format!(
            r#"{{"version":1,"keys":[
              {{"id":"s1","purpose":"seal","secret":"{SECRET_B64}"}},
              {{"id":"s2","purpose":"seal","secret":"{SECRET_B64}","active":true}},
              {{"id":"h1","purpose":"hash","secret":"{SECRET_B64}"}}]}}"#
        )
    }

    #[test]
    fn keyring_selects_by_id_and_purpose() {
        let keys = parse_keyring(ring().as_bytes(), "ring.json").unwrap();
        let seal = KeySet::new(select(keys.clone(), None, Purpose::Seal, "ring.json").unwrap());
        assert_eq!(seal.active().unwrap().id, "s2");
        assert!(seal.by_id("s1").is_some());
        assert!(seal.by_id("h1").is_none());
        let one = KeySet::new(select(keys.clone(), Some("s1"), Purpose::Seal, "r").unwrap());
        assert_eq!(one.active().unwrap().id, "s1");
        assert_eq!(
            select(keys.clone(), Some("h1"), Purpose::Seal, "r").err().unwrap().to_string(),
            "key h1 has purpose hash, not seal; keep one key per purpose"
        );
        assert!(matches!(select(keys, None, Purpose::Encrypt, "r"), Err(KeyError::NoKeyForPurpose { .. })));
    }

    #[test]
    fn keyring_errors_name_the_path_and_never_the_secret() {
        let text = format!(r#"{{"version":1,"keys":[{{"id":"x","purpose":"seal","secret":"{}"}}]}}"#, "QUJD");
        let err = parse_keyring(text.as_bytes(), "r.json").err().unwrap().to_string();
        assert_eq!(err, "keyring r.json is invalid: $.keys[0].secret: the key has 3 bytes; at least 32 are required");
        let text = r#"{"version":1,"keys":[{"id":"x","purpose":"signing","secret":""}]}"#;
        let err = parse_keyring(text.as_bytes(), "r.json").err().unwrap().to_string();
        assert!(err.contains("$.keys[0].purpose: expected one of: seal, hash, encrypt, sample, sign"), "{err}");
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let keys = parse_keyring(ring().as_bytes(), "r").unwrap();
        let shown = format!("{keys:?} {:?}", KeyRef::parse(&format!("base64:{SECRET_B64}")).unwrap());
        assert!(!shown.contains(SECRET_B64));
        assert!(shown.contains("Secret(32 bytes)"));
        assert!(!shown.contains("[0, 1, 2"));
    }
}
