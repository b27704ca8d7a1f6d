//! String interning: each distinct byte string gets a dense `u32`, in order of first sight.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// A set of byte strings numbered 0, 1, 2, … in order of first insertion.
#[derive(Default, Clone)]
pub struct Interner {
    table: HashTable<u32>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interner")
            .field("len", &self.len())
            .finish()
    }
}

impl Interner {
    /// The number of the string, adding it if new.
    pub fn intern(&mut self, s: &[u8]) -> u32 {
        let hash = FxBuildHasher.hash_one(s);
        let Interner { table, bytes, ends } = self;
        let get = |i: u32| -> &[u8] {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &bytes[start..ends[i]]
        };
        if let Some(&i) = table.find(hash, |&i| get(i) == s) {
            return i;
        }
        let id = u32::try_from(ends.len()).unwrap_or(u32::MAX);
        bytes.extend_from_slice(s);
        ends.push(bytes.len());
        let (bytes, ends) = (&self.bytes, &self.ends);
        self.table.insert_unique(hash, id, |&i| {
            let i = i as usize;
            let start = if i == 0 { 0 } else { ends[i - 1] };
            FxBuildHasher.hash_one(&bytes[start..ends[i]])
        });
        id
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
        assert_eq!(i.get(1), b"a");
        assert_eq!(i.get(2), b"");
        assert_eq!(i.get(9), b"");
        assert_eq!(i.len(), 3);
    }
}
