//! The filter's counters as Envoy stats: `wasmcustom.logseal.<role>.records`, `...emitted`,
//! `...redacted.card`, `...rule.<name>` and the rest (`<role>`: `access_log` or `http_filter`),
//! so `/stats` and Prometheus scrapes see what `logseal filter --stats` prints. Envoy keeps one
//! value per name for the process, so the VMs of every worker add to the same counters. Names
//! and counts only, never values.

#[cfg(target_arch = "wasm32")]
use crate::host;
use logseal::stage::redact::kind::Kind;
use logseal::{Counters, Filter};

/// Counter ids and the values last reported, so each update adds only what changed.
#[cfg(target_arch = "wasm32")]
pub struct Metrics {
    ids: Vec<Option<u32>>,
    last: Vec<u64>,
}

/// The names of the counters a plan reports, in the order of [`values`].
pub fn names(filter: &Filter, role: &str) -> Vec<String> {
    let mut n: Vec<String> = ["records", "emitted", "dropped", "errors", "cut", "sampled_out", "rate_limited", "duplicates", "evictions", "sealed"]
        .iter()
        .map(|c| format!("logseal.{role}.{c}"))
        .collect();
    n.extend(Kind::ALL.iter().map(|k| format!("logseal.{role}.redacted.{}", k.name())));
    // Rule names are a-z, 0-9 and _ (the policy refuses others): valid stat name segments.
    n.extend(filter.plan().redactor.rules().iter().map(|r| format!("logseal.{role}.rule.{}", r.name)));
    n
}

/// The current values, in the order of [`names`].
pub fn values(filter: &Filter, out: &mut Vec<u64>) {
    let c: Counters = filter.counters();
    out.clear();
    out.extend_from_slice(&[c.records, c.emitted, c.dropped, c.errors, c.cut, c.sampled_out, c.rate_limited, c.duplicates, c.evictions, c.sealed]);
    out.extend(Kind::ALL.iter().map(|k| c.redacted[k.index()]));
    out.extend_from_slice(filter.rule_counts());
}

#[cfg(target_arch = "wasm32")]
impl Metrics {
    /// Defines the counters of `filter`'s plan for `role`; a counter Envoy refuses is skipped.
    pub fn define(filter: &Filter, role: &str) -> Metrics {
        let ids = names(filter, role).iter().map(|n| host::define_counter(n)).collect();
        let mut last = Vec::new();
        values(filter, &mut last);
        Metrics { ids, last }
    }

    /// Adds to each counter what `filter` counted since the last update.
    pub fn update(&mut self, filter: &Filter, scratch: &mut Vec<u64>) {
        values(filter, scratch);
        for ((id, last), &now) in self.ids.iter().zip(self.last.iter_mut()).zip(scratch.iter()) {
            if now > *last {
                if let Some(id) = id {
                    host::increment_counter(*id, now - *last);
                }
                *last = now;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use logseal::Plan;

    #[test]
    fn names_and_values_line_up_for_every_plan() {
        let plan = Plan::load(r#"{"version":1,"redact":{"rules":[{"name":"coupon","regex":"CPN-[0-9]{4}"}]}}"#, &logseal::policy::NoEnvironment, None).unwrap();
        let mut filter = Filter::new(plan);
        let mut v = Vec::new();
        values(&filter, &mut v);
        let n = names(&filter, "access_log");
        assert_eq!(n.len(), v.len());
        assert_eq!(n.last().map(String::as_str), Some("logseal.access_log.rule.coupon"));
        let ctx = logseal::Context { time_ns: 1, ..Default::default() };
        let mut out = Vec::new();
        filter.process(br#"{"msg":"CPN-1234 paid with 4111 1111 1111 1111"}"#, &ctx, &mut out);
        values(&filter, &mut v);
        let at = |name: &str| v[n.iter().position(|x| x == name).unwrap()];
        assert_eq!(at("logseal.access_log.records"), 1);
        assert_eq!(at("logseal.access_log.redacted.card"), 1);
        assert_eq!(at("logseal.access_log.rule.coupon"), 1);
    }
}
