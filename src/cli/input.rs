//! Where commands read records from: files and `-` (stdin), line by line in bounded memory.

use super::exit::io_reason;
use super::exit;
use super::progress::Progress;
use std::io::{self, BufRead, BufReader, Read};

/// The input name that means stdin.
pub const STDIN: &str = "-";

/// The inputs to read: the files given, or stdin when none.
pub fn or_stdin(files: &[String]) -> Vec<String> {
    if files.is_empty() {
        vec![STDIN.to_string()]
    } else {
        files.to_vec()
    }
}

/// One opened input.
pub struct Input {
    pub reader: BufReader<Box<dyn Read>>,
}

/// Opens `path` (`-`: stdin); an error is reported on stderr and gives the I/O exit code.
pub fn open(path: &str) -> Result<Input, i32> {
    let source: Box<dyn Read> = if path == STDIN {
        Box::new(io::stdin().lock())
    } else {
        match std::fs::File::open(path).and_then(|f| refuse_directory(path, f)) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("logseal: cannot read {path}: {}", io_reason(&e));
                return Err(exit::IO);
            }
        }
    };
    Ok(Input { reader: BufReader::with_capacity(1 << 16, source) })
}

/// A directory opens on some systems and fails on its first read; say so up front.
fn refuse_directory(_path: &str, f: std::fs::File) -> io::Result<std::fs::File> {
    if f.metadata()?.is_dir() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "is a directory"));
    }
    Ok(f)
}

/// The bytes all `files` hold, when each is a regular file (None when one is stdin or
/// cannot be looked at): the total a progress bar counts to.
pub fn total_size(files: &[String]) -> Option<u64> {
    files.iter().try_fold(0u64, |sum, f| {
        if f == STDIN {
            return None;
        }
        let meta = std::fs::metadata(f).ok()?;
        meta.is_file().then(|| sum + meta.len())
    })
}

/// True when a line holds nothing but ASCII whitespace: not a record.
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// True when `line` opens a JSON document that goes on over the next lines (a pretty-printed
/// object or array: the opening bracket alone on its line, as jq, `json.dumps(indent=...)`
/// and JSON.stringify with an indent write it).
pub fn opens_multiline_json(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t == b"{" || t == b"["
}

/// Calls `f(progress, file, line_number, line)` for every line of `files` in order (`-` is stdin), each
/// line read in bounded memory (at most `max` bytes kept), counting bytes on `progress` (which
/// `f` gets to write to the terminal around). A
/// file that cannot be read is reported and ends the walk with the I/O exit code; `f` ends it
/// with its own code.
pub fn for_each_line(
    files: &[String],
    max: usize,
    progress: &mut Progress,
    mut f: impl FnMut(&Progress, &str, u64, &[u8]) -> Result<(), i32>,
) -> Result<(), i32> {
    let mut line = Vec::new();
    for file in files {
        let mut input = open(file)?;
        let mut n = 0u64;
        loop {
            match read_line_bounded(&mut input.reader, &mut line, max) {
                Ok(Some(len)) => progress.advance(len + 1),
                Ok(None) => break,
                Err(e) => {
                    progress.finish();
                    eprintln!("logseal: cannot read {file}: {}", io_reason(&e));
                    return Err(exit::IO);
                }
            }
            n += 1;
            f(progress, file, n, &line)?;
        }
    }
    Ok(())
}

/// Reads one line into `buf` (without its `\n`), keeping at most `cap` bytes and skipping the
/// rest, so an endless line cannot exhaust memory. Returns the line's full length, or None at
/// the end of input.
pub fn read_line_bounded(input: &mut impl BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<Option<u64>> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        let room = cap.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..take.min(room)]);
        total += take as u64;
        input.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Some(total));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lines_keep_a_prefix_and_report_the_full_length() {
        let data = b"short\n0123456789abcdef\nlast";
        let mut r = io::BufReader::with_capacity(4, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(5));
        assert_eq!(buf, b"short");
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(16));
        assert_eq!(buf, b"01234567");
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(4));
        assert_eq!(buf, b"last");
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), None);
    }

    #[test]
    fn empty_lines_are_lines() {
        let mut r = io::BufReader::new(&b"\n\n"[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(0));
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(0));
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), None);
    }

    #[test]
    fn blank_means_whitespace_only() {
        assert!(is_blank(b""));
        assert!(is_blank(b" \t\r"));
        assert!(!is_blank(b" x "));
        assert!(!is_blank("\u{a0}".as_bytes()), "only ASCII whitespace is blank");
    }

    #[test]
    fn a_lone_bracket_opens_a_multiline_document() {
        assert!(opens_multiline_json(b"{"));
        assert!(opens_multiline_json(b"  [ \r"));
        assert!(!opens_multiline_json(b"{}"));
        assert!(!opens_multiline_json(br#"{"a":1}"#));
        assert!(!opens_multiline_json(b"plain { text"));
    }
}
