//! `logseal serve` in OTLP mode, between an OpenTelemetry Collector's `otlphttp` exporter
//! (POST /v1/logs, protobuf or JSON, gzip) and a collector's `otlp` receiver (the downstream
//! stand-in). The message types are the server's own (src/cli/serve/otlp.rs, whose unit tests
//! check them against hand-encoded protobuf bytes).

mod serve_support;

#[allow(dead_code)]
#[path = "../src/cli/serve/otlp.rs"]
mod otlp;

use otlp::*;
use prost::Message;
use serve_support::*;

fn s(v: &str) -> Option<AnyValue> {
    Some(AnyValue { value: Some(Val::String(v.into())) })
}

fn kv(k: &str, v: Option<AnyValue>) -> KeyValue {
    KeyValue { key: k.into(), value: v }
}

fn request() -> ExportLogsServiceRequest {
    let record = |i: u64, body: Option<AnyValue>, attributes: Vec<KeyValue>| LogRecord {
        time_unix_nano: 1_764_237_600_000_000_000 + i,
        observed_time_unix_nano: 1_764_237_600_000_000_500 + i,
        severity_number: 9 + i as i32,
        severity_text: format!("LEVEL{i}"),
        body,
        attributes,
        flags: 1,
        trace_id: vec![i as u8 + 1; 16],
        span_id: vec![7; 8],
        event_name: String::new(),
        dropped_attributes_count: 0,
    };
    let nested = AnyValue {
        value: Some(Val::Kvlist(KeyValueList {
            values: vec![kv("msg", s("login ok")), kv("auth", s("Bearer ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")), kv("n", Some(AnyValue { value: Some(Val::Int(4)) }))],
        })),
    };
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: Some(Resource { attributes: vec![kv("service.name", s("checkout")), kv("host.name", s("web-1"))], dropped_attributes_count: 2, entity_refs: vec![] }),
            scope_logs: vec![ScopeLogs {
                scope: Some(InstrumentationScope { name: "io.opentelemetry.app".into(), version: "1.4.0".into(), attributes: vec![kv("lib", s("x"))], dropped_attributes_count: 0 }),
                log_records: vec![
                    record(0, s("paid with 4111 1111 1111 1111"), vec![kv("password", s("hunter2")), kv("count", Some(AnyValue { value: Some(Val::Int(3)) }))]),
                    record(1, Some(nested), vec![kv("user.email", s("a1@example.com")), kv("raw", Some(AnyValue { value: Some(Val::Bytes(vec![0, 1, 2, 255])) }))]),
                    record(2, s("plain line with no secret"), vec![kv("ratio", Some(AnyValue { value: Some(Val::Double(0.25)) })), kv("ok", Some(AnyValue { value: Some(Val::Bool(true)) }))]),
                ],
                schema_url: "https://opentelemetry.io/schemas/1.26.0".into(),
            }],
            schema_url: String::new(),
        }],
    }
}

fn config(down: u16) -> String {
    format!(r#"{{"version":1,"mode":"otlp","forward":"http://127.0.0.1:{down}/v1/logs"}}"#)
}

fn records_of(req: &ExportLogsServiceRequest) -> Vec<&LogRecord> {
    req.resource_logs.iter().flat_map(|r| &r.scope_logs).flat_map(|s| &s.log_records).collect()
}

/// What `logseal filter --time-ns` writes for each record's JSON mapping.
fn filtered_by_the_cli(req: &ExportLogsServiceRequest, policy: Option<&str>) -> Vec<serde_json::Value> {
    let mut input = Vec::new();
    let mut line = Vec::new();
    for r in records_of(req) {
        record_json(r, &mut line);
        input.extend_from_slice(&line);
        input.push(b'\n');
    }
    filter(&input, policy).iter().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The JSON of an output record as the filter wrote it: message (the body), attributes,
/// and the reserved object.
fn as_filtered(r: &LogRecord) -> serde_json::Value {
    let mut o = serde_json::Map::new();
    if let Some(b) = &r.body {
        o.insert("message".into(), plain(b));
    }
    let mut attrs = serde_json::Map::new();
    for a in &r.attributes {
        let v = a.value.as_ref().map_or(serde_json::Value::Null, plain);
        if a.key == "logseal" {
            o.insert("logseal".into(), v);
        } else {
            attrs.insert(a.key.clone(), v);
        }
    }
    if !attrs.is_empty() {
        o.insert("attributes".into(), serde_json::Value::Object(attrs));
    }
    serde_json::Value::Object(o)
}

fn check_round_trip(sent: &ExportLogsServiceRequest, got: &ExportLogsServiceRequest, policy: Option<&str>) {
    assert_eq!(got.resource_logs.len(), 1);
    let (rs, rg) = (&sent.resource_logs[0], &got.resource_logs[0]);
    assert_eq!(rg.resource, rs.resource, "resource kept");
    assert_eq!(rg.scope_logs[0].scope, rs.scope_logs[0].scope, "scope kept");
    assert_eq!(rg.scope_logs[0].schema_url, rs.scope_logs[0].schema_url);
    let (want, out) = (records_of(sent), records_of(got));
    assert_eq!(out.len(), want.len());
    for (w, o) in want.iter().zip(&out) {
        assert_eq!((o.time_unix_nano, o.observed_time_unix_nano, o.severity_number, &o.severity_text), (w.time_unix_nano, w.observed_time_unix_nano, w.severity_number, &w.severity_text));
        assert_eq!((&o.trace_id, &o.span_id, o.flags), (&w.trace_id, &w.span_id, w.flags));
    }
    // Unchanged values keep their exact type.
    let attr = |r: &LogRecord, k: &str| r.attributes.iter().find(|a| a.key == k).and_then(|a| a.value.clone()).and_then(|v| v.value);
    assert_eq!(attr(out[0], "count"), Some(Val::Int(3)));
    assert_eq!(attr(out[1], "raw"), Some(Val::Bytes(vec![0, 1, 2, 255])));
    assert_eq!(attr(out[2], "ratio"), Some(Val::Double(0.25)));
    assert_eq!(attr(out[2], "ok"), Some(Val::Bool(true)));
    assert_eq!(out[2].body, want[2].body);
    // Each record is what `logseal filter` writes for its JSON mapping.
    let cli = filtered_by_the_cli(sent, policy);
    for (o, c) in out.iter().zip(&cli) {
        assert_eq!(&as_filtered(o), c);
    }
    let text = format!("{:?}", got);
    assert_no_secret(&text);
    assert!(cli[0]["logseal"]["redacted"].is_object(), "{}", cli[0]);
}

#[test]
fn protobuf_exports_round_trip_with_resource_scope_and_severity_kept_and_secrets_gone() {
    let down = Downstream::start(0);
    let server = Server::start(&config(down.port), &[]);
    let sent = request();
    // The otlphttp exporter compresses with gzip by default.
    let r = Client::connect(server.port)
        .post("/v1/logs", &[("content-type", "application/x-protobuf"), ("content-encoding", "gzip")], &gz(&sent.encode_to_vec()))
        .unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/x-protobuf"));
    assert_eq!(ExportLogsServiceResponse::decode(&r.body[..]).unwrap(), ExportLogsServiceResponse { partial_success: None });
    let bodies = down.bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0].0, "application/x-protobuf");
    let got = ExportLogsServiceRequest::decode(&bodies[0].1[..]).unwrap();
    check_round_trip(&sent, &got, None);
    assert_eq!(server.metric("records_in_total"), 3);
    assert_eq!(server.metric("records_out_total"), 3);
}

#[test]
fn json_exports_round_trip_in_the_otlp_json_encoding() {
    let down = Downstream::start(0);
    let server = Server::start(&config(down.port), &[]);
    let sent = request();
    let body = encode_request(&sent, Encoding::Json);
    let r = Client::connect(server.port).post("/v1/logs", &[("content-type", "application/json")], &body).unwrap();
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.body, b"{}");
    let bodies = down.bodies.lock().unwrap().clone();
    assert_eq!(bodies[0].0, "application/json");
    let text = String::from_utf8(bodies[0].1.clone()).unwrap();
    assert!(text.contains(r#""traceId":"01010101010101010101010101010101""#), "{text}");
    let got = decode(&bodies[0].1, Encoding::Json).unwrap();
    check_round_trip(&sent, &got, None);
}

#[test]
fn invalid_exports_get_a_400_status_and_wrapped_records_count_as_partial_success() {
    let down = Downstream::start(0);
    let server = Server::start(&config(down.port), &[]);
    let post = |kind: &str, path: &str, body: &[u8]| Client::connect(server.port).post(path, &[("content-type", kind)], body).unwrap();
    let r = post("application/x-protobuf", "/v1/logs", b"\xff\xff\xff\xff");
    assert_eq!(r.status, 400);
    let status = Status::decode(&r.body[..]).unwrap();
    assert_eq!(status.code, 3);
    assert!(status.message.contains("ExportLogsServiceRequest"), "{status:?}");
    let r = post("application/json", "/v1/logs", br#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz"}]}]}]}"#);
    assert_eq!(r.status, 400);
    let text = String::from_utf8_lossy(&r.body);
    assert!(text.contains("traceId: expected 32 hex digits"), "{text}");
    assert_eq!(post("application/json", "/v1/traces", b"{}").status, 404);
    assert_eq!(post("text/plain", "/v1/logs", b"{}").status, 415);
    assert_eq!(down.requests.load(std::sync::atomic::Ordering::SeqCst), 0, "nothing invalid went downstream");

    // A record over the policy's max_record_bytes goes out wrapped and marked, and the answer
    // counts it as rejected in its partial success.
    let mut req = request();
    req.resource_logs[0].scope_logs[0].log_records[2].body = s(&"x".repeat(1_200_000));
    let r = post("application/x-protobuf", "/v1/logs", &req.encode_to_vec());
    assert_eq!(r.status, 200);
    let answer = ExportLogsServiceResponse::decode(&r.body[..]).unwrap();
    let partial = answer.partial_success.expect("partial success");
    assert_eq!(partial.rejected_log_records, 1);
    assert!(partial.error_message.contains("logseal.error"), "{partial:?}");
    let bodies = down.bodies.lock().unwrap().clone();
    let got = ExportLogsServiceRequest::decode(&bodies[0].1[..]).unwrap();
    let marked = &records_of(&got)[2];
    let mark = marked.attributes.iter().find(|a| a.key == "logseal").and_then(|a| a.value.as_ref()).map(plain).unwrap();
    assert!(mark["error"]["kind"].is_string(), "{mark}");
    assert_eq!(server.metric("records_errors_total"), 1);
}

#[test]
fn the_shipped_collector_loop_matches_its_serve_config_and_runs() {
    let dir = root().join("host-examples/otel");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(dir.join("collector.yaml")).unwrap()).unwrap();
    let serve: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("serve-otlp.json")).unwrap()).unwrap();
    assert_eq!(serve["mode"], "otlp");
    let exporter = &yaml["exporters"]["otlphttp/logseal"];
    assert_eq!(exporter["logs_endpoint"].as_str(), Some(format!("http://{}/v1/logs", serve["listen"].as_str().unwrap()).as_str()));
    assert_eq!(exporter["encoding"].as_str(), Some("proto"));
    assert_eq!(exporter["retry_on_failure"]["enabled"].as_bool(), Some(true));
    let receiver = yaml["receivers"]["otlp/from_logseal"]["protocols"]["http"]["endpoint"].as_str().unwrap();
    assert_eq!(serve["forward"].as_str(), Some(format!("http://{receiver}/v1/logs").as_str()));
    let pipelines = &yaml["service"]["pipelines"];
    let names = |p: &str, k: &str| -> Vec<String> { pipelines[p][k].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect() };
    // Raw records go to logseal only; what comes back goes on.
    assert_eq!(names("logs/raw", "exporters"), ["otlphttp/logseal"]);
    assert_eq!(names("logs/filtered", "receivers"), ["otlp/from_logseal"]);
    assert!(!names("logs/filtered", "exporters").contains(&"otlphttp/logseal".to_string()));

    let down = Downstream::start(0);
    let forward = format!("http://127.0.0.1:{}/v1/logs", down.port);
    let server = Server::start_file(&dir.join("serve-otlp.json"), &["--forward", &forward]);
    let sent = request();
    let r = Client::connect(server.port).post("/v1/logs", &[("content-type", "application/x-protobuf"), ("content-encoding", "gzip")], &gz(&sent.encode_to_vec())).unwrap();
    assert_eq!(r.status, 200);
    let got = ExportLogsServiceRequest::decode(&down.bodies.lock().unwrap()[0].1[..]).unwrap();
    let policy = root().join("host-examples/policies/default.json");
    check_round_trip(&sent, &got, policy.to_str());
}
