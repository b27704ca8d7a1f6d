//! String interning: each distinct byte string gets a dense `u32`, in order of first sight.

/// A set of byte strings numbered 0, 1, 2, … in order of first insertion.
///
/// One open-addressing table with linear probing: each slot holds a string's first 8 bytes,
/// its length and its number, so finding a string of up to 8 bytes (most ids and dimension
/// values) touches one slot, often one cache line, and never the byte arena. (A table larger
/// than the caches costs a memory access per lookup: one, not two as with a separate control
/// array.)
#[derive(Default, Clone)]
pub struct Interner {
    /// `[head, len << 32 | number + 1]`; all zero is an empty slot. Its length is a power of
    /// two (or zero).
    slots: Vec<[u64; 2]>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

/// The first 8 bytes of `s`, zero-padded, as a number.
#[inline]
fn head(s: &[u8]) -> u64 {
    match s.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None => {
            let mut buf = [0u8; 8];
            buf[..s.len()].copy_from_slice(s);
            u64::from_le_bytes(buf)
        }
    }
}

/// The hash of `s` (whose first 8 bytes are `head`): 8-byte words folded in by
/// multiplying, in 64-bit arithmetic on every target. (rustc-hash's hasher is 32-bit on
/// wasm32, and its low bits, which a power-of-two table would use, vary little between ids
/// that differ in their last characters: at 5 M customers the page's probes ran into the
/// hundreds and 10 M rows took 6 minutes to read.) A slot is taken from the top bits
/// ([`home`]), which every bit of `s` reaches.
#[inline]
fn hash(s: &[u8], head: u64) -> u64 {
    // 2^64 / φ, odd: multiplying by it spreads each bit over the bits above it.
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = head.wrapping_mul(K);
    if let Some(rest) = s.get(8..) {
        for word in rest.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..word.len()].copy_from_slice(word);
            h = (h ^ u64::from_le_bytes(buf)).wrapping_mul(K);
        }
    }
    (h ^ s.len() as u64).wrapping_mul(K)
}

/// The slot a hash starts probing from in a table of `size` slots (a power of two, at least
/// 2): the hash's top bits.
#[inline]
fn home(hash: u64, size: usize) -> usize {
    (hash >> (64 - size.trailing_zeros())) as usize
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("len", &self.len())
            .finish()
    }
}

impl Interner {
    /// An empty interner with room for about `n` strings.
    pub fn with_capacity(n: usize) -> Interner {
        Interner {
            slots: vec![[0; 2]; slots_for(n)],
            bytes: Vec::with_capacity(n * 8),
            ends: Vec::with_capacity(n),
        }
    }

    /// An interner whose string number 0 is the empty string (the blank value of a column).
    pub fn blank_first() -> Interner {
        let mut interner = Interner::default();
        interner.intern(b"");
        interner
    }

    /// The slot of `s` (of `head` and `hash`): where it is, or the empty slot where it goes.
    #[inline]
    fn slot_of(&self, s: &[u8], head: u64, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = home(hash, self.slots.len());
        let len = s.len() as u64;
        loop {
            let [h, meta] = self.slots[i];
            if meta == 0
                || (h == head
                    && meta >> 32 == len
                    && (s.len() <= 8 || {
                        let id = (meta as u32 - 1) as usize;
                        self.get_index(id) == s
                    }))
            {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The number of the string, adding it if new.
    #[inline]
    pub fn intern(&mut self, s: &[u8]) -> u32 {
        // At most 3/4 full, so a probe always ends at an empty slot.
        if (self.ends.len() + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let h = head(s);
        let i = self.slot_of(s, h, hash(s, h));
        let meta = self.slots[i][1];
        if meta != 0 {
            return meta as u32 - 1;
        }
        let id = u32::try_from(self.ends.len()).unwrap_or(u32::MAX - 1);
        self.bytes.extend_from_slice(s);
        self.ends.push(self.bytes.len());
        self.slots[i] = [h, (s.len() as u64) << 32 | u64::from(id + 1)];
        id
    }

    /// Twice the slots (at least 16), every string in its new place.
    #[cold]
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![[0; 2]; size]);
        let mask = size - 1;
        for [h, meta] in old.into_iter().filter(|&[_, meta]| meta != 0) {
            let s = self.get_index((meta as u32 - 1) as usize);
            let mut i = home(hash(s, h), size);
            while self.slots[i][1] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = [h, meta];
        }
    }

    /// The number of the string, if it was interned.
    pub fn find(&self, s: &[u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let h = head(s);
        let meta = self.slots[self.slot_of(s, h, hash(s, h))][1];
        (meta != 0).then(|| meta as u32 - 1)
    }

    /// The string numbered `id` (empty for an unknown number).
    pub fn get(&self, id: u32) -> &[u8] {
        self.get_index(id as usize)
    }

    #[inline]
    fn get_index(&self, i: usize) -> &[u8] {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.bytes.get(start..end).unwrap_or_default()
    }

    /// The string numbered `id` as text (lossy for invalid UTF-8, which decoded text never is).
    pub fn text(&self, id: u32) -> String {
        String::from_utf8_lossy(self.get(id)).into_owned()
    }

    /// How many distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether no string was interned.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Slots for `n` strings: a power of two, at most 3/4 full.
fn slots_for(n: usize) -> usize {
    (n.saturating_mul(4) / 3 + 1).next_power_of_two().max(16)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How far each string sits from the slot its hash starts at: (longest, mean).
    fn probe_distances(i: &Interner) -> (usize, f64) {
        let size = i.slots.len();
        let distances: Vec<usize> = (0..size)
            .filter(|&j| i.slots[j][1] != 0)
            .map(|j| {
                let s = i.get_index((i.slots[j][1] as u32 - 1) as usize);
                (j + size - home(hash(s, head(s)), size)) & (size - 1)
            })
            .collect();
        let longest = distances.iter().copied().max().unwrap_or(0);
        (
            longest,
            distances.iter().sum::<usize>() as f64 / distances.len() as f64,
        )
    }

    /// Ids counted up, as shops number customers and orders (they differ in their last
    /// characters), spread over the table: short probes for 8-byte and longer ids alike. The
    /// hash is the same 64-bit arithmetic on every target, so this holds in the wasm build too.
    #[test]
    fn counted_up_ids_spread_over_the_table() {
        for (first, step, n) in [
            (10_000_000u64, 1, 1_000_000),
            (20_240_000_000_000, 3, 300_000),
        ] {
            let mut i = Interner::default();
            for k in 0..n {
                i.intern((first + k * step).to_string().as_bytes());
            }
            let (longest, mean) = probe_distances(&i);
            assert!(
                longest < 100 && mean < 2.0,
                "{first}: longest {longest}, mean {mean}"
            );
        }
    }

    #[test]
    fn numbers_in_order_of_first_sight() {
        let mut i = Interner::default();
        assert_eq!(i.intern(b"b"), 0);
        assert_eq!(i.intern(b"a"), 1);
        assert_eq!(i.intern(b"b"), 0);
        assert_eq!(i.intern(b""), 2);
        assert_eq!(i.find(b"a"), Some(1));
        assert_eq!(i.find(b"a long string"), None);
        assert_eq!(i.intern(b"a long string"), 3);
        assert_eq!(i.find(b"a long string"), Some(3));
        assert_eq!(i.get(1), b"a");
        assert_eq!(i.get(2), b"");
        assert_eq!(i.get(9), b"");
        assert_eq!(i.len(), 4);
    }

    #[test]
    fn many_strings_keep_their_numbers_as_the_table_grows() {
        let mut i = Interner::with_capacity(3);
        let text = |k: u32| format!("{}", k * 7919 % 100_003).repeat(1 + k as usize % 3);
        for k in 0..5000 {
            assert_eq!(i.intern(text(k).as_bytes()), k);
        }
        for k in (0..5000).rev() {
            assert_eq!(i.intern(text(k).as_bytes()), k);
            assert_eq!(i.find(text(k).as_bytes()), Some(k));
            assert_eq!(i.get(k), text(k).as_bytes());
        }
        assert_eq!(i.find(b"x"), None);
        assert_eq!(Interner::default().find(b""), None);
    }
}
