//! A text prepared once for many matches: its code points (what the VM reads), a flag per code
//! point (word character, whitespace: Python's own definitions, handed over by the Python side),
//! and its UTF-8 form with the code point -> byte map (what raw regexes read).

/// A set of code points: a bitmap for the BMP, sorted ranges above it.
#[derive(Clone, Debug)]
pub struct CharSet {
    bmp: Vec<u64>, // 1024 words
    astral: Vec<(u32, u32)>,
    /// the set's only character, when it has just one (a scan for it compares, no look-ups)
    one: Option<char>,
    /// its smallest and largest code points (a scan passes over what lies outside by compares)
    lo: u32,
    hi: u32,
}

impl CharSet {
    /// The set of the inclusive ranges `ranges` (any order, may overlap).
    pub fn from_ranges(ranges: &[(u32, u32)]) -> CharSet {
        let mut bmp = vec![0u64; 1024];
        let mut astral = Vec::new();
        for &(lo, hi) in ranges {
            if lo > hi {
                continue;
            }
            // (a word of the bitmap at a time: a class of letters sets tens of thousands of bits)
            let top = hi.min(0xFFFF);
            let mut c = lo;
            while c <= top {
                let last = top.min(c | 63);
                let n = last - c + 1;
                let mask = if n == 64 { u64::MAX } else { ((1u64 << n) - 1) << (c & 63) };
                bmp[(c >> 6) as usize] |= mask;
                c = last + 1;
            }
            if hi > 0xFFFF {
                astral.push((lo.max(0x10000), hi));
            }
        }
        astral.sort_unstable();
        let (mut one, mut many) = (None, false);
        for &(lo, hi) in ranges.iter().filter(|&&(lo, hi)| lo <= hi) {
            many |= lo != hi || one.is_some_and(|c| c != lo);
            one = Some(lo);
        }
        let one = if many { None } else { one.and_then(char::from_u32) };
        let valid = || ranges.iter().filter(|&&(lo, hi)| lo <= hi);
        let (lo, hi) = (valid().map(|r| r.0).min().unwrap_or(1), valid().map(|r| r.1).max().unwrap_or(0));
        CharSet { bmp, astral, one, lo, hi }
    }

    /// The set as sorted, disjoint inclusive ranges.
    pub fn ranges(&self) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = Vec::new();
        // (runs of set bits, a word of the bitmap at a time)
        for (w, &word) in self.bmp.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let b = bits.trailing_zeros();
                let n = (bits >> b).trailing_ones();
                let lo = (w as u32) * 64 + b;
                let hi = lo + n - 1;
                match out.last_mut() {
                    Some(r) if r.1 + 1 == lo => r.1 = hi,
                    _ => out.push((lo, hi)),
                }
                bits = if b + n >= 64 { 0 } else { bits & !(((1u64 << n) - 1) << b) };
            }
        }
        out.extend(self.astral.iter().copied());
        out
    }

    /// The set's only character, if it has exactly one.
    #[inline]
    pub fn one(&self) -> Option<char> {
        self.one
    }

    /// The first position in `chars[p..stop]` holding a character of the set, else `stop`.
    #[inline]
    pub fn find(&self, chars: &[char], p: usize, stop: usize) -> usize {
        if p >= stop {
            return p;
        }
        match self.one {
            Some(c) => {
                // blocks of 16 compared without a branch each (the compiler makes them vector
                // compares), then the hit located in its block
                let mut i = p;
                while i + 16 <= stop {
                    if chars[i..i + 16].iter().fold(false, |hit, &x| hit | (x == c)) {
                        break;
                    }
                    i += 16;
                }
                chars[i..stop].iter().position(|&x| x == c).map_or(stop, |k| i + k)
            }
            None => {
                // blocks of 16 with no character in [lo, hi] are passed over by compares alone
                let (lo, span) = (self.lo, self.hi.wrapping_sub(self.lo));
                let mut i = p;
                while i + 16 <= stop {
                    let block = &chars[i..i + 16];
                    if block.iter().fold(false, |hit, &x| hit | ((x as u32).wrapping_sub(lo) <= span)) {
                        if let Some(k) = block.iter().position(|&x| self.contains(x)) {
                            return i + k;
                        }
                    }
                    i += 16;
                }
                chars[i..stop].iter().position(|&x| self.contains(x)).map_or(stop, |k| i + k)
            }
        }
    }

    #[inline]
    pub fn contains(&self, c: char) -> bool {
        let c = c as u32;
        if c <= 0xFFFF {
            return self.bmp[(c >> 6) as usize] & (1u64 << (c & 63)) != 0;
        }
        // the last range starting at or before c
        let i = self.astral.partition_point(|&(lo, _)| lo <= c);
        i > 0 && self.astral[i - 1].1 >= c
    }
}

/// Python's `\w` (`str.isalnum() or "_"`) and `str.isspace()`, as the Python side computed them
/// with the interpreter's own Unicode database.
#[derive(Clone, Debug)]
pub struct Classes {
    pub word: CharSet,
    pub space: CharSet,
}

impl Classes {
    /// An approximation from Rust's Unicode tables (for tests that need no Python): letters and
    /// digits without combining marks, and whitespace as Python reads it.
    pub fn approximate() -> Classes {
        let mut word = Vec::new();
        let mut space = Vec::new();
        for c in 0..=0x10FFFFu32 {
            if let Some(ch) = char::from_u32(c) {
                if (ch.is_alphanumeric() && !is_mark(ch)) || ch == '_' {
                    word.push((c, c));
                }
                if ch.is_whitespace() || (0x1C..=0x1F).contains(&c) {
                    space.push((c, c));
                }
            }
        }
        Classes { word: CharSet::from_ranges(&merge(word)), space: CharSet::from_ranges(&merge(space)) }
    }
}

fn is_mark(ch: char) -> bool {
    // Arabic harakat and the common combining blocks: enough for the tests' texts
    matches!(ch as u32, 0x0300..=0x036F | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED)
}

fn merge(mut v: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    v.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for (lo, hi) in v {
        match out.last_mut() {
            Some(last) if lo <= last.1 + 1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

pub const WORD: u8 = 1;
pub const SPACE: u8 = 2;

/// A text converted once: code points, their flags, UTF-8 and the code point -> byte map.
#[derive(Debug)]
pub struct Text {
    pub chars: Vec<char>,
    pub flags: Vec<u8>,
    pub utf8: String,
    /// byte offset of each code point, plus the length in bytes at the end (len + 1 entries)
    pub cp2b: Vec<usize>,
}

impl Text {
    pub fn new(chars: Vec<char>, classes: &Classes) -> Text {
        let mut flags = Vec::with_capacity(chars.len());
        let mut utf8 = String::with_capacity(chars.len() * 2);
        let mut cp2b = Vec::with_capacity(chars.len() + 1);
        for &c in &chars {
            cp2b.push(utf8.len());
            utf8.push(c);
            let f = if (c as u32) < 128 {
                // ASCII: no table look-up
                if c.is_ascii_alphanumeric() || c == '_' {
                    WORD
                } else if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f') {
                    SPACE
                } else {
                    0
                }
            } else {
                (if classes.word.contains(c) { WORD } else { 0 }) | (if classes.space.contains(c) { SPACE } else { 0 })
            };
            flags.push(f);
        }
        cp2b.push(utf8.len());
        Text { chars, flags, utf8, cp2b }
    }

    pub fn from_str(s: &str, classes: &Classes) -> Text {
        Text::new(s.chars().collect(), classes)
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// The code point offset of byte offset `b` (a char boundary).
    pub fn byte_to_cp(&self, b: usize) -> usize {
        self.cp2b.partition_point(|&x| x < b)
    }

    #[inline]
    pub fn is_word(&self, i: usize) -> bool {
        self.flags[i] & WORD != 0
    }

    #[inline]
    pub fn is_space(&self, i: usize) -> bool {
        self.flags[i] & SPACE != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_bmp_and_astral() {
        let s = CharSet::from_ranges(&[(0x41, 0x5A), (0x1F600, 0x1F64F), (0x10000, 0x10001)]);
        assert!(s.contains('A') && s.contains('Z') && !s.contains('a'));
        assert!(s.contains('\u{1F600}') && s.contains('\u{1F64F}') && !s.contains('\u{1F650}'));
        assert!(s.contains('\u{10001}') && !s.contains('\u{10002}'));
        assert_eq!(s.one(), None);
        let one = CharSet::from_ranges(&[(0xAB, 0xAB), (0xAB, 0xAB), (5, 4)]);
        assert_eq!(one.one(), Some('\u{AB}'));
        let chars: Vec<char> = "ab\u{AB}c\u{AB}".chars().collect();
        assert_eq!(one.find(&chars, 0, 5), 2);
        assert_eq!(one.find(&chars, 3, 5), 4);
        assert_eq!(one.find(&chars, 3, 4), 4);
        assert_eq!(s.find(&chars, 0, 5), 5);
        assert_eq!(CharSet::from_ranges(&[(0x61, 0x62)]).one(), None);
        // blocks of 16 and the tail after them
        let long: Vec<char> = "x".repeat(40).chars().chain(['\u{AB}']).chain("x".repeat(5).chars()).collect();
        assert_eq!(one.find(&long, 0, long.len()), 40);
        assert_eq!(one.find(&long, 3, long.len()), 40);
        assert_eq!(one.find(&long, 41, long.len()), long.len());
        assert_eq!(one.find(&long, 0, 40), 40);
        assert_eq!(one.find(&long, 17, 33), 33);
        let digits = CharSet::from_ranges(&[(0x30, 0x39), (0x660, 0x669)]);
        let mixed: Vec<char> = "قال ".repeat(9).chars().chain("x7".chars()).chain("قال ".repeat(9).chars()).collect();
        assert_eq!(digits.find(&mixed, 0, mixed.len()), 37);
        assert_eq!(digits.find(&mixed, 38, mixed.len()), mixed.len());
        let inside: Vec<char> = "ab\u{0640}".repeat(10).chars().chain(['\u{0661}']).collect(); // in [lo, hi], not in the set
        assert_eq!(digits.find(&inside, 0, inside.len()), 30);
        assert_eq!(CharSet::from_ranges(&[]).find(&inside, 0, inside.len()), inside.len());
        assert_eq!(CharSet::from_ranges(&[(0x61, 0x61), (0x63, 0x63)]).one(), None);
    }

    #[test]
    fn offsets() {
        let cl = Classes::approximate();
        let t = Text::from_str("قال a_1 \u{1F600}", &cl);
        assert_eq!(t.len(), 9);
        assert_eq!(t.cp2b[3], 6);
        assert_eq!(t.byte_to_cp(6), 3);
        assert_eq!(t.byte_to_cp(t.utf8.len()), 9);
        assert!(t.is_word(0) && t.is_space(3) && t.is_word(5) && !t.is_word(8));
    }
}
