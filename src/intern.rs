//! String interning: each distinct byte string gets a dense `u32`, in order of first sight.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// A set of byte strings numbered 0, 1, 2, … in order of first insertion.
///
/// Each table slot carries the string's first 8 bytes and its length, so strings of up to 8
/// bytes (most ids and dimension values) are compared without touching the byte arena.
#[derive(Default, Clone)]
pub struct Interner {
    table: HashTable<Slot>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

#[derive(Clone, Copy)]
struct Slot {
    head: u64,
    len: u32,
    id: u32,
}

/// The first 8 bytes of `s`, zero-padded, as a number.
fn head(s: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = s.len().min(8);
    buf[..n].copy_from_slice(&s[..n]);
    u64::from_le_bytes(buf)
}

fn hash(s: &[u8], head: u64) -> u64 {
    if s.len() <= 8 {
        FxBuildHasher.hash_one((head, s.len()))
    } else {
        FxBuildHasher.hash_one(s)
    }
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
            table: HashTable::with_capacity(n),
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

    /// The number of the string, adding it if new.
    pub fn intern(&mut self, s: &[u8]) -> u32 {
        let h = head(s);
        let hash = hash(s, h);
        let len = s.len() as u32;
        let Interner { table, bytes, ends } = self;
        let found = table.find(hash, |slot| {
            slot.head == h
                && slot.len == len
                && (len <= 8 || {
                    let end = ends[slot.id as usize];
                    &bytes[end - s.len()..end] == s
                })
        });
        if let Some(slot) = found {
            return slot.id;
        }
        let id = u32::try_from(ends.len()).unwrap_or(u32::MAX);
        bytes.extend_from_slice(s);
        ends.push(bytes.len());
        let (bytes, ends) = (&self.bytes, &self.ends);
        self.table
            .insert_unique(hash, Slot { head: h, len, id }, |slot| {
                let end = ends[slot.id as usize];
                let s = &bytes[end - slot.len as usize..end];
                self::hash(s, slot.head)
            });
        id
    }

    /// The number of the string, if it was interned.
    pub fn find(&self, s: &[u8]) -> Option<u32> {
        let h = head(s);
        let len = s.len() as u32;
        self.table
            .find(hash(s, h), |slot| {
                slot.head == h && slot.len == len && self.get(slot.id) == s
            })
            .map(|slot| slot.id)
    }

    /// The string numbered `id` (empty for an unknown number).
    pub fn get(&self, id: u32) -> &[u8] {
        let i = id as usize;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
