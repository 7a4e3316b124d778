//! `logseal_envoy.wasm`: logseal for Envoy (proxy-wasm ABI 0.2.1, wasm32-wasip1). Glue only:
//! all filtering lives in the `logseal` core.
//!
//! One module, two roles (the configuration's `role`, else the `root_id`):
//! - access logger (`envoy.access_loggers.wasm`): per finished request an access record
//!   ([`access`]) goes through the pipeline and out to Envoy's log (`proxy_log`, one JSON line)
//!   and/or to a collector cluster in NDJSON batches ([`ship`]);
//! - HTTP filter (`envoy.filters.http.wasm`): redacted, escaped values of the path, user agent,
//!   referer and chosen headers as filter state for Envoy's own access logs; optionally strips
//!   secret headers before the upstream and adds a missing `x-request-id`.
//!
//! Envoy runs one VM per worker thread: each has its own filter and hash chain, labelled
//! `<instance>.vm<N>` (N numbers the VMs of the plugin in the process). The configuration
//! ([`config`]) is refused at load (`on_configure` returns false) with the JSON path of the
//! fault. Nothing here panics: a panic would kill the VM and logging would stop unseen.

pub mod access;
pub mod config;
pub mod metrics;
pub mod ship;

#[cfg(target_arch = "wasm32")]
mod host;
#[cfg(target_arch = "wasm32")]
mod plugin;
