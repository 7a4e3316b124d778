//! The names written in each open object, so the writer never writes one twice.
//!
//! A name is compared as a reader sees it: the decoded text of the key as written (after
//! renames, escaping and cutting), whatever made two names equal. The writer claims each name
//! before closing its quote; a name already taken is numbered (see [`super::write`]).
//!
//! Cost: an object's first [`SMALL`] names are compared by a fingerprint (length and a few
//! bytes) against each other, with no hashing and no allocation after warm-up. A larger object
//! gets an index: a crit-bit tree over 64-bit SipHash values, whose depth is at most 64
//! whatever the names are, so choosing names to fill one bucket (as against a hash table) buys
//! nothing; names with the same 64-bit hash are chained and compared byte by byte. Every
//! claim costs O(name length + 64). Memory: a few words per name of the open objects, the
//! decoded text of names whose written form holds an escape, and one tree node per name of a
//! large object; all reused from record to record.
//!
//! Objects nest, and a parent claims nothing while a child is open, so everything a child
//! adds sits at the end of the buffers and is cut off when the child closes.

use std::hash::Hasher as _;

/// Names per object compared without an index.
pub const SMALL: usize = 32;
const NONE: u32 = u32::MAX;
/// Tags a tree link that points at an entry rather than a node.
const LEAF: u32 = 1 << 31;

/// Where a name's decoded text lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loc {
    /// In the output, as written: a written name without a backslash is its own text.
    Out { at: u32, len: u32 },
    /// In the names' own arena, decoded from a written form that holds escapes.
    Arena { at: u32, len: u32 },
}

impl Loc {
    fn resize(self, len: u32) -> Loc {
        match self {
            Loc::Out { at, .. } => Loc::Out { at, len },
            Loc::Arena { at, .. } => Loc::Arena { at, len },
        }
    }

    fn len(self) -> u32 {
        match self {
            Loc::Out { len, .. } | Loc::Arena { len, .. } => len,
        }
    }
}

#[derive(Clone, Copy)]
struct Entry {
    loc: Loc,
    fingerprint: u64,
    /// SipHash of the name, once its object has an index.
    hash: u64,
    /// The next `k` to try when a later name repeats this one (`name#k`).
    next_k: u32,
    /// The next entry with the same hash (NONE at the end).
    same: u32,
}

#[derive(Clone, Copy)]
struct Node {
    bit: u8,
    child: [u32; 2],
}

#[derive(Clone, Copy)]
struct Object {
    first: u32,
    arena: u32,
    nodes: u32,
    /// The index's root (NONE: no index yet).
    root: u32,
    /// One bit per fingerprint of the names taken while the object is small ([`seen_bit`]):
    /// a name whose bit is clear is free without comparing it to each name before it.
    seen: u64,
}

/// The names of the open objects. Reused across records.
#[derive(Default)]
pub struct Names {
    entries: Vec<Entry>,
    arena: Vec<u8>,
    nodes: Vec<Node>,
    objects: Vec<Object>,
    /// Steps taken (comparisons, tree steps), for the tests that check the cost is linear.
    #[cfg(test)]
    pub steps: u64,
    /// Every name gets the same hash, to test the chains.
    #[cfg(test)]
    collide: bool,
}

/// What claiming a name found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// The name was free and is now taken.
    Free,
    /// The name is taken; the handle is for [`Names::next_k`] and [`Names::set_next_k`].
    Taken(u32),
}

impl Names {
    /// Forgets every object (a new record).
    pub fn reset(&mut self) {
        self.entries.clear();
        self.arena.clear();
        self.nodes.clear();
        self.objects.clear();
    }

    /// An object opens: its names start empty.
    pub fn open(&mut self) {
        self.objects.push(Object { first: self.entries.len() as u32, arena: self.arena.len() as u32, nodes: self.nodes.len() as u32, root: NONE, seen: 0 });
    }

    /// The innermost object closes: its names are forgotten.
    pub fn close(&mut self) {
        if let Some(o) = self.objects.pop() {
            self.entries.truncate(o.first as usize);
            self.arena.truncate(o.arena as usize);
            self.nodes.truncate(o.nodes as usize);
        }
    }

    /// The decoded text of the written name body `out[at..]` (JSON string content without
    /// quotes): the output itself when it holds no escape, otherwise decoded into the arena.
    pub fn locate(&mut self, out: &[u8], at: usize, scratch: &mut Vec<u8>) -> Loc {
        let body = out.get(at..).unwrap_or(&[]);
        if memchr::memchr(b'\\', body).is_none() {
            return Loc::Out { at: at as u32, len: body.len() as u32 };
        }
        let start = self.arena.len();
        crate::json::string::decode(body, crate::json::flag::ESCAPED, &mut self.arena, scratch);
        Loc::Arena { at: start as u32, len: (self.arena.len() - start) as u32 }
    }

    /// Appends `suffix` to a name located by [`Names::locate`] at the end of `out` (and of the
    /// arena, for a name there), returning where the longer name lives.
    pub fn extend(&mut self, loc: Loc, suffix: &[u8], out: &mut Vec<u8>) -> Loc {
        out.extend_from_slice(suffix);
        if let Loc::Arena { .. } = loc {
            self.arena.extend_from_slice(suffix);
        }
        loc.resize(loc.len() + suffix.len() as u32)
    }

    /// Undoes [`Names::extend`] of a `suffix_len`-byte suffix.
    pub fn shorten(&mut self, loc: Loc, suffix_len: usize, out: &mut Vec<u8>) -> Loc {
        out.truncate(out.len().saturating_sub(suffix_len));
        if let Loc::Arena { .. } = loc {
            self.arena.truncate(self.arena.len().saturating_sub(suffix_len));
        }
        loc.resize(loc.len().saturating_sub(suffix_len as u32))
    }

    /// The text of a located name.
    pub fn text<'a>(&'a self, loc: Loc, out: &'a [u8]) -> &'a [u8] {
        let (src, at, len) = match loc {
            Loc::Out { at, len } => (out, at, len),
            Loc::Arena { at, len } => (&self.arena[..], at, len),
        };
        src.get(at as usize..at as usize + len as usize).unwrap_or(&[])
    }

    /// Takes `loc`'s name in the innermost object, unless an earlier name there is the same.
    pub fn claim(&mut self, loc: Loc, out: &[u8]) -> Claim {
        let Some(obj) = self.objects.last().copied() else { return Claim::Free };
        let first = obj.first as usize;
        let fingerprint = fingerprint(self.text(loc, out));
        if obj.root == NONE && self.entries.len().saturating_sub(first) < SMALL {
            let bit = seen_bit(fingerprint);
            if obj.seen & bit == 0 {
                // No name before has this fingerprint's bit: none is equal.
                if let Some(o) = self.objects.last_mut() {
                    o.seen |= bit;
                }
                self.entries.push(Entry { loc, fingerprint, hash: 0, next_k: 2, same: NONE });
                return Claim::Free;
            }
            let mut e = first;
            while let Some(&entry) = self.entries.get(e) {
                self.step();
                // Fingerprints first: the bytes only when they match.
                if entry.fingerprint == fingerprint && self.text(entry.loc, out) == self.text(loc, out) {
                    return Claim::Taken(e as u32);
                }
                e += 1;
            }
            self.entries.push(Entry { loc, fingerprint, hash: 0, next_k: 2, same: NONE });
            if let Some(o) = self.objects.last_mut() {
                o.seen |= bit;
            }
            return Claim::Free;
        }
        if obj.root == NONE {
            // The object outgrew the linear search: index the names it has.
            for e in first..self.entries.len() {
                let Some(&entry) = self.entries.get(e) else { break };
                let hash = self.hash(self.text(entry.loc, out));
                if let Some(slot) = self.entries.get_mut(e) {
                    slot.hash = hash;
                }
                if let Some(same) = self.insert(e as u32, hash) {
                    self.chain(same, e as u32);
                }
            }
        }
        let hash = self.hash(self.text(loc, out));
        let at = self.entries.len() as u32;
        self.entries.push(Entry { loc, fingerprint, hash, next_k: 2, same: NONE });
        let Some(head) = self.insert(at, hash) else { return Claim::Free };
        // The same 64-bit hash: compare the names of the chain, join it when none is equal.
        let mut e = head;
        while let Some(&entry) = self.entries.get(e as usize) {
            self.step();
            if self.text(entry.loc, out) == self.text(loc, out) {
                self.entries.pop();
                return Claim::Taken(e);
            }
            e = entry.same;
        }
        self.chain(head, at);
        Claim::Free
    }

    /// Links entry `e` into the chain of names with the hash of `head`.
    fn chain(&mut self, head: u32, e: u32) {
        let next = self.entries.get(head as usize).map_or(NONE, |h| h.same);
        if let Some(entry) = self.entries.get_mut(e as usize) {
            entry.same = next;
        }
        if let Some(h) = self.entries.get_mut(head as usize) {
            h.same = e;
        }
    }

    /// The next `k` to try for a name repeating the one `taken` holds.
    pub fn next_k(&self, taken: u32) -> u32 {
        self.entries.get(taken as usize).map_or(2, |e| e.next_k)
    }

    /// Records that `k` was given to a name repeating the one `taken` holds.
    pub fn set_next_k(&mut self, taken: u32, k: u32) {
        if let Some(e) = self.entries.get_mut(taken as usize) {
            e.next_k = k.saturating_add(1);
        }
    }

    /// Inserts entry `e` with hash `h` in the innermost object's tree; returns an entry with
    /// the same hash when there is one (then nothing is inserted).
    fn insert(&mut self, e: u32, h: u64) -> Option<u32> {
        let root = self.objects.last()?.root;
        if root == NONE {
            if let Some(obj) = self.objects.last_mut() {
                obj.root = LEAF | e;
            }
            return None;
        }
        // The leaf h's bits lead to: the only name that can share all bits above the crit bit.
        let mut p = root;
        while p & LEAF == 0 {
            self.step();
            let n = self.nodes.get(p as usize)?;
            p = n.child[((h >> n.bit) & 1) as usize];
        }
        let other = self.entries.get((p & !LEAF) as usize)?.hash;
        if other == h {
            return Some(p & !LEAF);
        }
        let bit = 63 - (other ^ h).leading_zeros() as u8;
        // Walk again to the first link below the crit bit (bits decrease along a path).
        let mut link: Option<(usize, usize)> = None;
        let mut p = root;
        while p & LEAF == 0 {
            self.step();
            let Some(n) = self.nodes.get(p as usize) else { break };
            if n.bit < bit {
                break;
            }
            let side = ((h >> n.bit) & 1) as usize;
            link = Some((p as usize, side));
            p = n.child[side];
        }
        let q = self.nodes.len() as u32;
        let child = if (h >> bit) & 1 == 1 { [p, LEAF | e] } else { [LEAF | e, p] };
        self.nodes.push(Node { bit, child });
        match link {
            None => {
                if let Some(obj) = self.objects.last_mut() {
                    obj.root = q;
                }
            }
            Some((n, side)) => {
                if let Some(node) = self.nodes.get_mut(n) {
                    node.child[side] = q;
                }
            }
        }
        None
    }

    #[inline(always)]
    fn step(&mut self) {
        #[cfg(test)]
        {
            self.steps += 1;
        }
    }

    fn hash(&self, text: &[u8]) -> u64 {
        #[cfg(test)]
        if self.collide {
            return 7;
        }
        siphash(text)
    }
}

/// Length and a few bytes: O(1) whatever the length, enough to tell most distinct names apart.
/// Built without a variable-length copy (a call to memcpy in wasm).
#[inline]
fn fingerprint(text: &[u8]) -> u64 {
    let n = text.len();
    let head = match text {
        [a, b, c, d, ..] => u32::from_le_bytes([*a, *b, *c, *d]),
        [a, b, c] => u32::from_le_bytes([*a, *b, *c, 0]),
        [a, b] => u32::from_le_bytes([*a, *b, 0, 0]),
        [a] => *a as u32,
        [] => 0,
    };
    let tail = match text {
        [.., y, z] => u16::from_le_bytes([*y, *z]) as u64,
        _ => 0,
    };
    (n as u64 & 0xffff) | (head as u64) << 16 | tail << 48
}

/// The bit of [`Object::seen`] for a fingerprint: equal names have equal fingerprints, so
/// equal bits (the test is exact in one direction, which is all it is used for).
#[inline]
fn seen_bit(fingerprint: u64) -> u64 {
    1 << (fingerprint.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58)
}

/// SipHash with fixed keys (the standard library's): multi-collisions on 64 bits cannot be
/// found by trying names, and the tree makes the low bits no easier a target than the rest.
fn siphash(text: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(text);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Claims each name as a body written at the end of one buffer; returns which were free.
    fn claim_all(names: &mut Names, list: &[Vec<u8>]) -> Vec<bool> {
        let mut out = Vec::new();
        names.reset();
        names.open();
        list.iter()
            .map(|n| {
                let at = out.len();
                out.extend_from_slice(n);
                let loc = names.locate(&out, at, &mut Vec::new());
                names.claim(loc, &out) == Claim::Free
            })
            .collect()
    }

    fn repeats(count: usize) -> Vec<Vec<u8>> {
        let mut list: Vec<Vec<u8>> = (0..count).map(|i| format!("k{i}").into_bytes()).collect();
        list.push(b"k0".to_vec());
        list.push(format!("k{}", count - 1).into_bytes());
        // Escaped spellings are compared decoded: `k\u0031` is `k1`.
        list.push(br"k\u0031".to_vec());
        list
    }

    #[test]
    fn equal_names_are_taken_in_small_and_large_objects_and_hash_chains() {
        for collide in [false, true] {
            let mut names = Names { collide, ..Names::default() };
            for count in [3, SMALL - 1, SMALL, SMALL + 1, 100] {
                let free = claim_all(&mut names, &repeats(count));
                assert!(free[..count].iter().all(|&f| f), "{count} names, all hashes equal: {collide}");
                assert_eq!(&free[count..], [false, false, false], "{count} names, all hashes equal: {collide}");
            }
        }
    }

    #[test]
    fn nested_objects_have_their_own_names_and_forget_them_on_close() {
        let mut names = Names::default();
        let mut out = Vec::new();
        let mut claim = |names: &mut Names, name: &str| {
            let at = out.len();
            out.extend_from_slice(name.as_bytes());
            let loc = names.locate(&out, at, &mut Vec::new());
            names.claim(loc, &out) == Claim::Free
        };
        names.open();
        for i in 0..20 {
            assert!(claim(&mut names, &format!("p{i}")));
        }
        assert!(claim(&mut names, "a"));
        names.open();
        assert!(claim(&mut names, "a"), "a child object may reuse its parent's names");
        for i in 0..20 {
            assert!(claim(&mut names, &format!("p{i}")));
        }
        names.close();
        assert!(!claim(&mut names, "a"), "the parent's a is still taken");
        assert!(!claim(&mut names, "p19"));
        assert!(claim(&mut names, "b"));
    }

    #[test]
    fn claiming_costs_a_bounded_number_of_steps_per_name() {
        type Shape = (&'static str, fn(usize) -> Vec<u8>);
        let shapes: [Shape; 4] = [
            ("distinct", |i| format!("key{i}").into_bytes()),
            ("one fingerprint", |i| format!("aaaa{i:08}zz").into_bytes()),
            ("same name", |_| b"a".to_vec()),
            ("long shared prefix", |i| [vec![b'p'; 300], i.to_string().into_bytes()].concat()),
        ];
        for (shape, make) in shapes {
            let steps = |n: usize| {
                let mut names = Names::default();
                claim_all(&mut names, &(0..n).map(make).collect::<Vec<_>>());
                names.steps
            };
            // Per claim: the small object's comparisons, two walks of at most 64 tree levels
            // and a chain of equal hashes (none here).
            for n in [5000, 10000] {
                let steps = steps(n);
                assert!(steps <= n as u64 * (SMALL as u64 + 2 * 64 + 1), "{shape}: {steps} steps for {n} names");
            }
        }
    }
}
