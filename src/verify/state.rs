//! The verify state: each chain's verified head, remembered between runs so a later run finds
//! a chain cut short (`truncated`) or rewritten at its head (`rollback`).
//!
//! One format and one rule for every verifier (`logseal verify --state`, the Node package's
//! `verify`), so they can take turns on one state file:
//! `{"version":1,"chains":{"<chain>":{"seq":N,"mac":"..."}}}`.

use super::{ChainSummary, Head};

/// The heads a state document holds; None when `text` is not a verify state.
pub fn parse(text: &[u8]) -> Option<Vec<(String, Head)>> {
    let doc: serde_json::Value = serde_json::from_slice(text).ok()?;
    let chains = doc.get("chains")?.as_object()?;
    let mut heads = Vec::with_capacity(chains.len());
    for (id, h) in chains {
        let seq = h.get("seq")?.as_u64()?;
        let mac = h.get("mac")?.as_str()?;
        heads.push((id.clone(), Head { seq, mac: mac.to_string() }));
    }
    Some(heads)
}

/// The new state: the old heads, each chain verified here moved to its furthest verified
/// record, never back (a truncated copy must not make the next run forget what was there).
pub fn advance(chains: &[ChainSummary], old: &[(String, Head)]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (id, h) in old {
        map.insert(id.clone(), serde_json::json!({"seq": h.seq, "mac": h.mac}));
    }
    for c in chains.iter().filter(|c| c.verified > 0) {
        let older = old.iter().find(|(id, _)| *id == c.chain).map(|(_, h)| h.seq);
        if older.is_none_or(|s| c.last_seq >= s) {
            map.insert(c.chain.clone(), serde_json::json!({"seq": c.last_seq, "mac": c.head_mac}));
        }
    }
    serde_json::json!({"version": 1, "chains": map})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(chain: &str, verified: u64, last_seq: u64, mac: &str) -> ChainSummary {
        ChainSummary { chain: chain.into(), kid: "k".into(), verified, first_seq: 1, last_seq, head_mac: mac.into(), ..ChainSummary::default() }
    }

    #[test]
    fn a_state_is_read_back_as_written_and_anything_else_is_refused() {
        let heads = parse(br#"{"version":1,"chains":{"c1":{"seq":7,"mac":"ab"}}}"#).unwrap();
        assert_eq!(heads.len(), 1);
        assert_eq!((heads[0].0.as_str(), heads[0].1.seq, heads[0].1.mac.as_str()), ("c1", 7, "ab"));
        for bad in ["", "{", "[]", r#"{"version":1}"#, r#"{"chains":{"c":{"seq":-1,"mac":"m"}}}"#, r#"{"chains":{"c":{"seq":1}}}"#] {
            assert!(parse(bad.as_bytes()).is_none(), "{bad}");
        }
        let written = advance(&[summary("a", 3, 9, "a9")], &[]);
        let again = parse(written.to_string().as_bytes()).unwrap();
        assert_eq!(again, vec![("a".to_string(), Head { seq: 9, mac: "a9".into() })]);
    }

    #[test]
    fn heads_move_forward_only_and_chains_not_seen_are_kept() {
        let old = vec![("a".to_string(), Head { seq: 10, mac: "a10".into() }), ("b".to_string(), Head { seq: 5, mac: "b5".into() })];
        let chains = [summary("a", 4, 6, "a6"), summary("b", 3, 8, "b8"), summary("c", 2, 2, "c2"), summary("d", 0, 0, "")];
        let state = advance(&chains, &old);
        assert_eq!(state["version"], 1);
        let heads = state["chains"].as_object().unwrap();
        assert_eq!(heads["a"], serde_json::json!({"seq": 10, "mac": "a10"}), "a truncated copy does not move a head back");
        assert_eq!(heads["b"], serde_json::json!({"seq": 8, "mac": "b8"}));
        assert_eq!(heads["c"], serde_json::json!({"seq": 2, "mac": "c2"}));
        assert!(heads.get("d").is_none(), "nothing verified: no head");
    }
}
