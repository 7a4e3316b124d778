//! Interpreter benchmark: runs `logseal.wasm` in the wasmi interpreter on a file of records.
//!
//! A cheap stand-in for Fluent Bit's WAMR interpreter (shared/notes/fluent-bit.md): wasmi is
//! 3-4x faster than WAMR in absolute terms and tells a 2x change from noise, but cannot rank
//! changes below ~30-50%. Decide those in a real Fluent Bit. A benchmark, not a test.
//!
//! usage: logseal-interp-bench [--module PATH] [--policy FILE] [--runs N] FILE

use std::time::Instant;
use wasmi::{Config, Engine, Linker, Memory, Module, Store, TypedFunc};

const USAGE: &str = "usage: logseal-interp-bench [--module PATH] [--policy FILE] [--runs N] FILE";

struct Abi {
    store: Store<()>,
    instance: wasmi::Instance,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), ()>,
    configure: TypedFunc<(u32, u32), i32>,
    filter: TypedFunc<(u32, u32, i64), i64>,
}

impl Abi {
    fn load(path: &str) -> Result<Abi, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        // Fuel is wasmi's deterministic cost measure: repeatable where time is noisy, but in
        // its own units (it is not a count of executed instructions).
        let mut config = Config::default();
        config.consume_fuel(true);
        let engine = Engine::new(&config);
        let module = Module::new(&engine, &bytes[..]).map_err(|e| format!("{path}: {e}"))?;
        let mut store = Store::new(&engine, ());
        store.set_fuel(u64::MAX).map_err(|e| e.to_string())?;
        let linker = Linker::<()>::new(&engine);
        let instance = linker.instantiate_and_start(&mut store, &module).map_err(|e| e.to_string())?;
        let func = |store: &Store<()>, name: &str| {
            instance.get_func(store, name).ok_or_else(|| format!("{path} does not export {name}"))
        };
        macro_rules! typed {
            ($name:literal) => {
                func(&store, $name)?.typed(&store).map_err(|e| format!("{}: {e}", $name))?
            };
        }
        Ok(Abi {
            instance,
            memory: instance.get_memory(&store, "memory").ok_or("no memory export")?,
            alloc: typed!("logseal_alloc"),
            free: typed!("logseal_free"),
            configure: typed!("logseal_configure"),
            filter: typed!("logseal_abi_filter"),
            store,
        })
    }

    fn instance_func(&self, name: &str) -> Result<TypedFunc<(u32, u32), i32>, String> {
        let f = self.instance.get_func(&self.store, name).ok_or_else(|| format!("the module does not export {name}"))?;
        f.typed(&self.store).map_err(|e| format!("{name}: {e}"))
    }

    /// Copies `bytes` in as a host does; returns (ptr, len).
    fn put(&mut self, bytes: &[u8]) -> Result<(u32, u32), String> {
        let len = bytes.len() as u32;
        let ptr = self.alloc.call(&mut self.store, len).map_err(|e| e.to_string())?;
        self.memory.write(&mut self.store, ptr as usize, bytes).map_err(|e| e.to_string())?;
        Ok((ptr, len))
    }

    /// One host call: copy in, filter (unless `copy_only`), copy the result out, free.
    fn call(&mut self, record: &[u8], copy_only: bool, out: &mut Vec<u8>) -> Result<(), String> {
        let (ptr, len) = self.put(record)?;
        if !copy_only {
            let packed = self.filter.call(&mut self.store, (ptr, len, 0)).map_err(|e| format!("trap: {e}"))? as u64;
            let (olen, optr) = (((packed >> 32) & 0x3fff_ffff) as usize, (packed & 0xffff_ffff) as usize);
            out.resize(olen, 0);
            self.memory.read(&self.store, optr, out).map_err(|e| e.to_string())?;
        }
        self.free.call(&mut self.store, (ptr, len)).map_err(|e| e.to_string())
    }
}

/// The records to run: each line, or its `record` field when the line is a corpus row
/// (the same selection and serialisation as `logseal bench`, so the numbers compare).
fn records(data: &[u8]) -> Vec<Vec<u8>> {
    data.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|line| {
            serde_json::from_slice::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("record").filter(|r| r.is_object()).map(|r| r.to_string().into_bytes()))
                .unwrap_or_else(|| line.to_vec())
        })
        .collect()
}

/// Runs one warm-up pass and `runs` timed passes; returns (median seconds, fuel of one pass).
fn median_pass(abi: &mut Abi, recs: &[Vec<u8>], runs: usize, copy_only: bool) -> Result<(f64, u64), String> {
    let mut out = Vec::new();
    let before = abi.store.get_fuel().map_err(|e| e.to_string())?;
    for r in recs {
        abi.call(r, copy_only, &mut out)?;
    }
    let fuel = before - abi.store.get_fuel().map_err(|e| e.to_string())?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        for r in recs {
            abi.call(r, copy_only, &mut out)?;
        }
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], fuel))
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut module, mut policy, mut runs, mut file) = ("target/wasm-out/logseal.wasm".to_string(), None, 3usize, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--module" => module = args.next().ok_or(USAGE)?,
            "--policy" => policy = Some(args.next().ok_or(USAGE)?),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).ok_or(USAGE)?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ if file.is_none() && !a.starts_with("--") => file = Some(a),
            _ => return Err(USAGE.into()),
        }
    }
    let file = file.ok_or(USAGE)?;
    let recs = records(&std::fs::read(&file).map_err(|e| format!("cannot read {file}: {e}"))?);
    let bytes: usize = recs.iter().map(Vec::len).sum();
    let mut abi = Abi::load(&module)?;
    if let Some(p) = &policy {
        let text = std::fs::read(p).map_err(|e| format!("cannot read {p}: {e}"))?;
        let (ptr, len) = abi.put(&text)?;
        let status = abi.configure.call(&mut abi.store, (ptr, len)).map_err(|e| e.to_string())?;
        if status != 0 {
            return Err(format!("{p}: the module refused the policy (status {status})"));
        }
        // Sealing policies need a chain; a fixed one is fine for a measurement.
        let seed = abi.instance_func("logseal_seed")?;
        let (ptr, len) = abi.put(&[7u8; 16])?;
        seed.call(&mut abi.store, (ptr, len)).map_err(|e| e.to_string())?;
    }
    let (copy, copy_fuel) = median_pass(&mut abi, &recs, runs, true)?;
    let (filter, filter_fuel) = median_pass(&mut abi, &recs, runs, false)?;
    let n = recs.len() as f64;
    println!(
        "logseal-interp-bench (wasmi): {} records, {:.2} MB, module {module}, policy {}, median of {runs}",
        recs.len(),
        bytes as f64 / 1e6,
        policy.as_deref().unwrap_or("built-in default")
    );
    println!("host copy only : {:.4} s  {:>9.0} records/s  {:6.1} MB/s", copy, n / copy, bytes as f64 / 1e6 / copy);
    println!("filter         : {:.4} s  {:>9.0} records/s  {:6.1} MB/s", filter, n / filter, bytes as f64 / 1e6 / filter);
    println!("filter cost per record beyond the copy: {:.2} us", (filter - copy) / n * 1e6);
    println!(
        "wasmi fuel per record (deterministic, in wasmi's own cost units, not instructions): copy {:.0}, filter {:.0}, per input byte {:.1}",
        copy_fuel as f64 / n,
        filter_fuel as f64 / n,
        (filter_fuel - copy_fuel) as f64 / bytes as f64
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("logseal-interp-bench: {e}");
        std::process::exit(if e == USAGE { 2 } else { 1 });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_a_record_through_the_module_like_a_host() {
        let module = concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/wasm-out/logseal.wasm");
        let mut abi = Abi::load(module).expect("scripts/build-wasm.sh builds the module first");
        let mut out = Vec::new();
        abi.call(br#"{"a":1,"logseal":2}"#, false, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["a"], 1);
        assert_eq!(v["logseal_original"], 2);
        assert_eq!(v["logseal"]["renamed"], "logseal_original");
        let (secs, fuel) = median_pass(&mut abi, &[b"{}".to_vec()], 1, false).unwrap();
        assert!(secs >= 0.0 && fuel > 0);
    }

    #[test]
    fn corpus_rows_are_benchmarked_on_their_record() {
        let recs = records(b"{\"id\":1,\"record\":{\"b\":2}}\nplain line\n");
        assert_eq!(recs, [b"{\"b\":2}".to_vec(), b"plain line".to_vec()]);
    }
}
