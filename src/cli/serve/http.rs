//! The HTTP modes' server side (HTTP/1.1, hyper): one connection's requests, each answered
//! only once its batch was forwarded.
//!
//! - `http` mode: `POST` (any path) of newline-delimited JSON, as Vector's `http` sink writes
//!   with `encoding.codec: json` and `framing.method: newline_delimited`, and Fluent Bit's
//!   `http` output with `format json_lines`; blank lines are not records.
//! - `otlp` mode: `POST /v1/logs`, `application/x-protobuf` or `application/json`, answered
//!   with an `ExportLogsServiceResponse` in the same encoding.
//!
//! Both take `Content-Encoding: gzip`. Answers: 200 forwarded; 400 unreadable gzip or OTLP;
//! 404/405 wrong path or method; 408 a body that stalls past `idle_timeout_ms`; 413 a body
//! over `max_body_bytes` (before or after decompression); 415 a content type or encoding not
//! taken; 429 the queue is full; 503 the downstream is away or shutdown began; 502 the
//! downstream refused the batch for good. 429 and 503 carry `Retry-After`.

use super::connection::{Answer, Batch, Job, Line, Shared};
use super::http_forwarder::Health;
use super::otlp::{self, Encoding};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::io::Read;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot};

/// What the HTTP modes need beyond the socket mode's [`Shared`].
pub struct Settings {
    pub otlp: bool,
    pub max_body_bytes: usize,
    pub retry_after: Duration,
    pub health: Arc<Health>,
}

type Answered = Response<Full<Bytes>>;

/// Serves one HTTP connection until the client closes it; on SIGTERM, after the request in
/// progress (keep-alive ends); when the grace ends, at once.
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(stream: S, to_worker: mpsc::Sender<Batch>, shared: Shared) {
    let Some(settings) = shared.http.clone() else { return };
    let metrics = shared.metrics.clone();
    metrics.connections_open.fetch_add(1, Relaxed);
    let (mut stop, mut cut) = (shared.stop.clone(), shared.cut.clone());
    let handler = {
        let shared = shared.clone();
        hyper::service::service_fn(move |req| {
            let (shared, settings, to_worker) = (shared.clone(), settings.clone(), to_worker.clone());
            async move { Ok::<_, std::convert::Infallible>(handle(req, &shared, &settings, &to_worker).await) }
        })
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(shared.idle_timeout)
        .max_buf_size(64 << 10)
        .serve_connection(TokioIo::new(stream), handler);
    tokio::pin!(conn);
    let ended = tokio::select! {
        r = conn.as_mut() => Some(r),
        _ = stop.wait_for(|s| *s) => None,
    };
    match ended {
        Some(Err(e)) if e.is_timeout() => {
            metrics.connections_idle_closed.fetch_add(1, Relaxed);
        }
        Some(Err(_)) => {
            metrics.read_errors.fetch_add(1, Relaxed);
        }
        Some(Ok(())) => {}
        None => {
            conn.as_mut().graceful_shutdown();
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = cut.wait_for(|c| *c) => {
                    metrics.connections_cut.fetch_add(1, Relaxed);
                }
            }
        }
    }
    metrics.connections_open.fetch_sub(1, Relaxed);
}

fn answer(shared: &Shared, status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Answered {
    shared.metrics.count_status(status.as_u16());
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// An error answer: short text in `http` mode, a `google.rpc.Status` in `otlp` mode.
fn refuse(shared: &Shared, settings: &Settings, enc: Option<Encoding>, status: StatusCode, text: &str) -> Answered {
    let mut r = match (settings.otlp, enc) {
        (true, Some(enc)) => {
            // gRPC codes: 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, 13 INTERNAL.
            let code = match status.as_u16() {
                400 | 404 | 405 | 408 | 413 | 415 => 3,
                429 => 8,
                503 => 14,
                _ => 13,
            };
            answer(shared, status, enc.content_type(), otlp::encode_status(code, text, enc))
        }
        _ => answer(shared, status, "text/plain; charset=utf-8", format!("{text}\n").into_bytes()),
    };
    if matches!(status.as_u16(), 429 | 503) {
        if let Ok(v) = HeaderValue::from_str(&settings.retry_after.as_secs().to_string()) {
            r.headers_mut().insert(RETRY_AFTER, v);
        }
    }
    r
}

fn header<'a>(req: &'a Request<Incoming>, name: hyper::header::HeaderName) -> Option<&'a str> {
    req.headers().get(name).map(|v| v.to_str().unwrap_or("\u{0}"))
}

/// The media type without parameters, lower case.
fn media(value: &str) -> String {
    value.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

async fn handle(req: Request<Incoming>, shared: &Shared, settings: &Settings, to_worker: &mpsc::Sender<Batch>) -> Answered {
    // OTLP: the encoding comes from the content type, and shapes error answers too.
    let kind = header(&req, CONTENT_TYPE).map(media);
    let enc = match kind.as_deref() {
        Some("application/x-protobuf" | "application/protobuf") => Some(Encoding::Protobuf),
        Some("application/json") => Some(Encoding::Json),
        _ => None,
    };
    let enc = if settings.otlp { enc } else { None };
    if settings.otlp && req.uri().path() != "/v1/logs" {
        return refuse(shared, settings, enc, StatusCode::NOT_FOUND, "not found: OTLP logs are taken at /v1/logs");
    }
    if req.method() != Method::POST {
        return refuse(shared, settings, enc, StatusCode::METHOD_NOT_ALLOWED, "only POST");
    }
    if *shared.stop.borrow() {
        let mut r = refuse(shared, settings, enc, StatusCode::SERVICE_UNAVAILABLE, "shutting down");
        r.headers_mut().insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
        return r;
    }
    let taken = if settings.otlp {
        enc.is_some()
    } else {
        matches!(
            kind.as_deref(),
            None | Some("application/x-ndjson" | "application/ndjson" | "application/jsonlines" | "application/x-jsonlines" | "application/json" | "text/plain")
        )
    };
    if !taken {
        let want = if settings.otlp { "application/x-protobuf or application/json" } else { "newline-delimited JSON (application/x-ndjson, application/json, text/plain)" };
        return refuse(shared, settings, enc, StatusCode::UNSUPPORTED_MEDIA_TYPE, &format!("content type not taken: send {want}"));
    }
    let gzip = match header(&req, CONTENT_ENCODING).map(|v| v.trim().to_ascii_lowercase()) {
        None => false,
        Some(v) if v == "identity" || v.is_empty() => false,
        Some(v) if v == "gzip" || v == "x-gzip" => true,
        Some(_) => return refuse(shared, settings, enc, StatusCode::UNSUPPORTED_MEDIA_TYPE, "content encoding not taken: send gzip or none"),
    };
    let too_large = format!("request body over max_body_bytes ({})", settings.max_body_bytes);
    if header(&req, CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok()).is_some_and(|n| n > settings.max_body_bytes as u64) {
        return refuse(shared, settings, enc, StatusCode::PAYLOAD_TOO_LARGE, &too_large);
    }
    if !settings.health.admit(settings.retry_after) {
        return refuse(shared, settings, enc, StatusCode::SERVICE_UNAVAILABLE, "the downstream is unreachable; retry later");
    }
    let body = match read_body(req.into_body(), settings.max_body_bytes, shared.idle_timeout).await {
        Ok(b) => b,
        Err(Body::TooLarge) => return refuse(shared, settings, enc, StatusCode::PAYLOAD_TOO_LARGE, &too_large),
        Err(Body::Stalled) => return refuse(shared, settings, enc, StatusCode::REQUEST_TIMEOUT, "request body stalled"),
        Err(Body::Broken) => return refuse(shared, settings, enc, StatusCode::BAD_REQUEST, "request body could not be read"),
    };
    shared.metrics.bytes_in.fetch_add(body.len() as u64, Relaxed);
    let body = if gzip {
        let max = settings.max_body_bytes;
        match tokio::task::spawn_blocking(move || gunzip(&body, max)).await {
            Ok(Ok(b)) => b,
            Ok(Err(Body::TooLarge)) => return refuse(shared, settings, enc, StatusCode::PAYLOAD_TOO_LARGE, &format!("{too_large} once decompressed")),
            _ => return refuse(shared, settings, enc, StatusCode::BAD_REQUEST, "not a valid gzip body"),
        }
    } else {
        body
    };
    let Ok(permit) = shared.queue.clone().try_acquire_many_owned(body.len().clamp(1, shared.queue_bytes) as u32) else {
        return refuse(shared, settings, enc, StatusCode::TOO_MANY_REQUESTS, "queue full; retry later");
    };
    let (tx, rx) = oneshot::channel();
    let batch = match enc {
        Some(enc) => Batch { buf: body, lines: Vec::new(), permit: Some(permit), job: Job::Otlp(enc), reply: Some(tx) },
        None => {
            let lines = split_lines(&body, shared.cap);
            let n = lines.len() as u64;
            shared.metrics.records_in.fetch_add(n, Relaxed);
            shared.metrics.queue_records.fetch_add(n as i64, Relaxed);
            Batch { buf: body, lines, permit: Some(permit), job: Job::Lines, reply: Some(tx) }
        }
    };
    let lines = batch.lines.len() as u64;
    if to_worker.send(batch).await.is_err() {
        shared.metrics.queue_records.fetch_sub(lines as i64, Relaxed);
        return refuse(shared, settings, enc, StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    match rx.await {
        Ok(Answer::Forwarded { wrapped }) => match enc {
            Some(enc) => {
                let message = if wrapped > 0 { format!("{wrapped} log records went out marked with a logseal.error attribute") } else { String::new() };
                answer(shared, StatusCode::OK, enc.content_type(), otlp::encode_response(wrapped as i64, &message, enc))
            }
            None => answer(shared, StatusCode::OK, "text/plain; charset=utf-8", Vec::new()),
        },
        Ok(Answer::Invalid(why)) => refuse(shared, settings, enc, StatusCode::BAD_REQUEST, &format!("not an OTLP logs export: {why}")),
        Ok(Answer::Refused(status)) => refuse(shared, settings, enc, StatusCode::BAD_GATEWAY, &format!("the downstream refused the batch ({status})")),
        Ok(Answer::Failed) | Err(_) => refuse(shared, settings, enc, StatusCode::SERVICE_UNAVAILABLE, "the downstream did not take the batch in time; retry later"),
    }
}

enum Body {
    TooLarge,
    Stalled,
    Broken,
}

/// The whole body, at most `max` bytes, each piece within `idle` of the last.
async fn read_body(mut body: Incoming, max: usize, idle: Duration) -> Result<Vec<u8>, Body> {
    let mut out = Vec::new();
    loop {
        let frame = match tokio::time::timeout(idle, body.frame()).await {
            Err(_) => return Err(Body::Stalled),
            Ok(None) => return Ok(out),
            Ok(Some(Err(_))) => return Err(Body::Broken),
            Ok(Some(Ok(f))) => f,
        };
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > max {
                return Err(Body::TooLarge);
            }
            out.extend_from_slice(&data);
        }
    }
}

/// Decompresses (every gzip member), refusing more than `max` bytes of output.
fn gunzip(data: &[u8], max: usize) -> Result<Vec<u8>, Body> {
    let mut out = Vec::new();
    let mut d = flate2::read::MultiGzDecoder::new(data).take(max as u64 + 1);
    d.read_to_end(&mut out).map_err(|_| Body::Broken)?;
    if out.len() > max {
        return Err(Body::TooLarge);
    }
    Ok(out)
}

/// The records of an NDJSON body: every non-blank line; a line over `cap` bytes keeps `cap`
/// of them and declares its full length (the core marks it cut), as the socket mode does.
fn split_lines(body: &[u8], cap: usize) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let end = memchr::memchr(b'\n', &body[start..]).map_or(body.len(), |i| start + i);
        let text = &body[start..end];
        if !text.iter().all(|b| b.is_ascii_whitespace()) {
            let len = end - start;
            if len > cap {
                lines.push(Line { start, end: start + cap, declared: Some(len as u64) });
            } else {
                lines.push(Line { start, end, declared: None });
            }
        }
        start = end + 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_bodies_split_into_non_blank_lines_and_long_ones_are_cut() {
        let body = b"{\"a\":1}\n\n  \n0123456789\n{\"b\":2}";
        let got: Vec<_> = split_lines(body, 8).iter().map(|l| (&body[l.start..l.end], l.declared)).collect();
        assert_eq!(got, vec![(&b"{\"a\":1}"[..], None), (&b"01234567"[..], Some(10)), (&b"{\"b\":2}"[..], None)]);
        assert!(split_lines(b"\n\n", 8).is_empty());
    }

    #[test]
    fn gzip_bodies_are_bounded_once_decompressed() {
        use std::io::Write;
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&vec![b'a'; 100_000]).unwrap();
        let packed = z.finish().unwrap();
        assert_eq!(gunzip(&packed, 100_000).ok().map(|b| b.len()), Some(100_000));
        assert!(matches!(gunzip(&packed, 99_999), Err(Body::TooLarge)));
        assert!(matches!(gunzip(b"not gzip", 1000), Err(Body::Broken)));
    }
}
