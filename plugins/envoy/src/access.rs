//! The access record: what Envoy knows about one finished request, as the JSON object the
//! core filters. Values are copied as Envoy gives them (only what JSON itself requires is
//! escaped); redaction, escaping of hostile characters and invalid UTF-8 are the core's work.
//!
//! Members, in this order, each only when Envoy has it:
//! `timestamp` (RFC 3339 UTC, the request's start), `method`, `path` (with the query),
//! `protocol`, `authority`, `status`, `response_code_details`, `response_flags` (Envoy's bit
//! vector), `duration_us`, `bytes_in`, `bytes_out` (body bytes), `source_address`,
//! `user_agent`, `request_id`, `upstream_host`, `route`, `cluster`, `request_headers` and
//! `response_headers` (objects of the configured headers).

use logseal::json::string::encode_body;
use logseal::stage::normalise::time::write_rfc3339;

/// One finished request, as read from Envoy's properties and header maps.
#[derive(Clone, Debug, Default)]
pub struct Access {
    pub start_ns: Option<i64>,
    pub method: Option<Vec<u8>>,
    pub path: Option<Vec<u8>>,
    pub protocol: Option<Vec<u8>>,
    pub authority: Option<Vec<u8>>,
    pub status: Option<u64>,
    pub code_details: Option<Vec<u8>>,
    pub flags: Option<u64>,
    pub duration_ns: Option<u64>,
    pub bytes_in: Option<u64>,
    pub bytes_out: Option<u64>,
    pub source_address: Option<Vec<u8>>,
    pub user_agent: Option<Vec<u8>>,
    pub request_id: Option<Vec<u8>>,
    pub upstream_host: Option<Vec<u8>>,
    pub route: Option<Vec<u8>>,
    pub cluster: Option<Vec<u8>>,
    pub request_headers: Vec<(String, Vec<u8>)>,
    pub response_headers: Vec<(String, Vec<u8>)>,
}

impl Access {
    /// Writes the record into `out` (cleared first): one JSON object, no line end.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.clear();
        out.push(b'{');
        let mut w = Members { out, first: true };
        if let Some(ns) = self.start_ns {
            w.key(b"timestamp");
            w.out.push(b'"');
            write_rfc3339(ns, w.out);
            w.out.push(b'"');
        }
        w.text(b"method", &self.method);
        w.text(b"path", &self.path);
        w.text(b"protocol", &self.protocol);
        w.text(b"authority", &self.authority);
        w.number(b"status", self.status);
        w.text(b"response_code_details", &self.code_details);
        w.number(b"response_flags", self.flags);
        w.number(b"duration_us", self.duration_ns.map(|ns| ns / 1_000));
        w.number(b"bytes_in", self.bytes_in);
        w.number(b"bytes_out", self.bytes_out);
        w.text(b"source_address", &self.source_address);
        w.text(b"user_agent", &self.user_agent);
        w.text(b"request_id", &self.request_id);
        w.text(b"upstream_host", &self.upstream_host);
        w.text(b"route", &self.route);
        w.text(b"cluster", &self.cluster);
        w.headers(b"request_headers", &self.request_headers);
        w.headers(b"response_headers", &self.response_headers);
        out.push(b'}');
    }
}

struct Members<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Members<'_> {
    fn key(&mut self, name: &[u8]) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        encode_body(name, self.out);
        self.out.extend_from_slice(b"\":");
    }

    fn string(&mut self, value: &[u8]) {
        self.out.push(b'"');
        encode_body(value, self.out);
        self.out.push(b'"');
    }

    fn text(&mut self, name: &[u8], value: &Option<Vec<u8>>) {
        if let Some(v) = value {
            self.key(name);
            self.string(v);
        }
    }

    fn number(&mut self, name: &[u8], value: Option<u64>) {
        if let Some(n) = value {
            self.key(name);
            self.out.extend_from_slice(n.to_string().as_bytes());
        }
    }

    fn headers(&mut self, name: &[u8], headers: &[(String, Vec<u8>)]) {
        if headers.is_empty() {
            return;
        }
        self.key(name);
        self.out.push(b'{');
        for (i, (k, v)) in headers.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.string(k.as_bytes());
            self.out.push(b':');
            self.string(v);
        }
        self.out.push(b'}');
    }
}

/// An integer property as Envoy encodes it: 8 bytes, little-endian.
pub fn int_property(bytes: &[u8]) -> Option<u64> {
    let raw: [u8; 8] = bytes.try_into().ok()?;
    Some(u64::from_le_bytes(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_members_in_order_and_skips_absent_ones() {
        let a = Access {
            start_ns: Some(1_764_237_600_000_000_000),
            method: Some(b"GET".to_vec()),
            path: Some(b"/a?token=x".to_vec()),
            status: Some(200),
            duration_ns: Some(1_234_567),
            user_agent: Some(b"curl\r\n\x1b[31m\"q\"".to_vec()),
            request_headers: vec![("referer".into(), b"http://r/".to_vec())],
            ..Access::default()
        };
        let mut out = Vec::new();
        a.write(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"timestamp":"2025-11-27T10:00:00.000000000Z","method":"GET","path":"/a?token=x","status":200,"duration_us":1234,"user_agent":"curl\r\n\u001b[31m\"q\"","request_headers":{"referer":"http://r/"}}"#
        );
    }

    #[test]
    fn invalid_utf8_passes_to_the_core_as_bytes() {
        let a = Access { path: Some(b"/\xff\xfe".to_vec()), ..Access::default() };
        let mut out = Vec::new();
        a.write(&mut out);
        assert_eq!(out, b"{\"path\":\"/\xff\xfe\"}");
    }

    #[test]
    fn reads_integer_properties() {
        assert_eq!(int_property(&200u64.to_le_bytes()), Some(200));
        assert_eq!(int_property(b"200"), None);
        assert_eq!(int_property(&[]), None);
    }

    #[test]
    fn an_empty_record_is_an_empty_object() {
        let mut out = b"stale".to_vec();
        Access::default().write(&mut out);
        assert_eq!(out, b"{}");
    }
}
