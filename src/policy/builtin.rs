//! The built-in policies and the policy's JSON Schema, shipped inside the binary.

/// The secure default, used when no policy is given. `host-examples/policies/default.json`
/// is this text, checked by a test.
pub const DEFAULT: &str = include_str!("default.json");

/// What a host runs when its own policy cannot be loaded: the schema fields pass, every
/// other value is masked, and each record carries the load error.
pub const LOCKDOWN: &str = include_str!("lockdown.json");

/// JSON Schema (draft 2020-12) of the policy, for editors.
pub const SCHEMA: &str = include_str!("schema.json");

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every schema node an editor can show (a typed value, a constant, a reference) says what
    /// it is for, and the schema's `$id` is a URI.
    #[test]
    fn every_schema_node_has_a_description_and_the_id_is_a_uri() {
        let schema: Value = serde_json::from_str(super::SCHEMA).unwrap();
        let id = schema["$id"].as_str().unwrap();
        let (scheme, rest) = id.split_once(':').expect("a URI has a scheme");
        assert!(scheme.bytes().all(|b| b.is_ascii_lowercase()) && !rest.is_empty(), "{id}");
        let mut missing = Vec::new();
        let mut nodes = 0;
        fn walk(n: &Value, path: String, missing: &mut Vec<String>, nodes: &mut usize) {
            let Value::Object(o) = n else { return };
            if ["type", "const", "enum", "oneOf", "anyOf", "$ref"].iter().any(|k| o.contains_key(*k)) {
                *nodes += 1;
                if !o.get("description").is_some_and(|d| d.as_str().is_some_and(|d| d.len() > 8)) {
                    missing.push(path.clone());
                }
            }
            for (k, v) in o {
                match k.as_str() {
                    "properties" | "$defs" => {
                        for (name, child) in v.as_object().into_iter().flatten() {
                            walk(child, format!("{path}.{name}"), missing, nodes);
                        }
                    }
                    "items" | "additionalProperties" | "not" => walk(v, format!("{path}[{k}]"), missing, nodes),
                    "oneOf" | "anyOf" | "allOf" => {
                        for (i, child) in v.as_array().into_iter().flatten().enumerate() {
                            walk(child, format!("{path}.{k}[{i}]"), missing, nodes);
                        }
                    }
                    _ => {}
                }
            }
        }
        walk(&schema, "$".into(), &mut missing, &mut nodes);
        assert!(nodes > 100, "the walk reaches the schema's nodes ({nodes})");
        assert!(missing.is_empty(), "schema nodes without a description: {missing:?}");
        assert!(schema["properties"]["$schema"]["type"] == "string", "editors may name the schema in a policy");
    }
}
