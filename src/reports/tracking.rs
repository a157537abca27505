//! Tracking codes: what a reader keeps to follow their report, e.g. `K7QXM2-PDH9TA`: twelve symbols
//! in two halves, 60 bits from the operating system's CSPRNG.
//!
//! The alphabet has 32 symbols and leaves out 0, O, 1 and I, so a code read aloud over the phone or
//! copied by hand cannot be mistaken; lowercase input and a missing dash are accepted.

use std::fmt;

/// Crockford-like: digits 2-9 and letters without I and O.
const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const SYMBOLS: usize = 12;
const HALF: usize = SYMBOLS / 2;
/// Bits of entropy: 12 symbols of 5 bits.
pub const ENTROPY_BITS: u32 = 60;
const _: () = assert!(
    ENTROPY_BITS == 5 * SYMBOLS as u32,
    "each symbol carries 5 bits"
);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingCode(String);

#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed: {0}")]
pub struct RandomnessError(String);

impl TrackingCode {
    /// The code shown to readers as an example (a valid code, of no report).
    pub const EXAMPLE: &'static str = "K7QXM2-PDH9TA";

    pub fn generate() -> Result<Self, RandomnessError> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes).map_err(|e| RandomnessError(e.to_string()))?;
        let mut bits = u64::from_le_bytes(bytes);
        let mut code = String::with_capacity(SYMBOLS + 1);
        for i in 0..SYMBOLS {
            if i == HALF {
                code.push('-');
            }
            code.push(ALPHABET[(bits & 31) as usize] as char);
            bits >>= 5;
        }
        Ok(Self(code))
    }

    /// Accepts what a person types: any case, spaces, with or without the dash.
    pub fn parse(input: &str) -> Option<Self> {
        let symbols: Vec<u8> = input
            .bytes()
            .filter(|b| !matches!(b, b' ' | b'-' | b'\t'))
            .map(|b| b.to_ascii_uppercase())
            .collect();
        if symbols.len() != SYMBOLS || !symbols.iter().all(|b| ALPHABET.contains(b)) {
            return None;
        }
        let mut code = String::with_capacity(SYMBOLS + 1);
        for (i, b) in symbols.into_iter().enumerate() {
            if i == HALF {
                code.push('-');
            }
            code.push(b as char);
        }
        Some(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Symbols per group when a code is read aloud: `K7Q XM2 PDH 9TA`.
pub const SPOKEN_GROUP: usize = 3;

/// One symbol of a code as it is read aloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spoken {
    /// A letter with its word of the ICAO spelling alphabet ("K as in Kilo"): the same words on
    /// every hotline, in every language.
    Letter(char, &'static str),
    /// A digit, said by its name.
    Digit(char),
}

impl Spoken {
    pub fn symbol(self) -> char {
        match self {
            Self::Letter(c, _) | Self::Digit(c) => c,
        }
    }
}

/// The ICAO (NATO) spelling alphabet's word for an upper-case letter.
fn spelling_word(letter: char) -> Option<&'static str> {
    const WORDS: [&str; 26] = [
        "Alfa", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India",
        "Juliett", "Kilo", "Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo",
        "Sierra", "Tango", "Uniform", "Victor", "Whiskey", "X-ray", "Yankee", "Zulu",
    ];
    letter
        .is_ascii_uppercase()
        .then(|| WORDS[(letter as u8 - b'A') as usize])
}

impl TrackingCode {
    /// The code for reading aloud: groups of [`SPOKEN_GROUP`] symbols (the dash is not said),
    /// each letter with its spelling word, each digit by name.
    pub fn spoken(&self) -> Vec<Vec<Spoken>> {
        let symbols: Vec<Spoken> = self
            .0
            .chars()
            .filter(|c| *c != '-')
            .map(|c| match spelling_word(c) {
                Some(word) => Spoken::Letter(c, word),
                None => Spoken::Digit(c),
            })
            .collect();
        symbols.chunks(SPOKEN_GROUP).map(<[_]>::to_vec).collect()
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn generated_codes_have_the_documented_shape() {
        let code = TrackingCode::generate().expect("randomness");
        let text = code.as_str();
        assert_eq!(text.len(), SYMBOLS + 1);
        assert_eq!(&text[HALF..HALF + 1], "-");
        assert!(!text.contains(['0', 'O', '1', 'I']));
        assert_eq!(TrackingCode::parse(text), Some(code.clone()));
    }

    #[test]
    fn codes_do_not_repeat() {
        let codes: HashSet<String> = (0..10_000)
            .map(|_| TrackingCode::generate().expect("randomness").0)
            .collect();
        assert_eq!(codes.len(), 10_000);
    }

    #[test]
    fn every_symbol_is_used() {
        // A broken bit extraction (e.g. always 0 in the high bits) would leave symbols unused.
        let mut seen = HashSet::new();
        for _ in 0..2_000 {
            seen.extend(TrackingCode::generate().expect("randomness").0.chars());
        }
        assert_eq!(seen.len(), ALPHABET.len() + 1, "32 symbols and the dash");
    }

    #[test]
    fn a_code_is_read_aloud_in_groups_of_three_with_spelling_words() {
        let code = TrackingCode::parse("K7QXM2-PDH9TA").expect("code");
        let groups = code.spoken();
        let written: Vec<String> = groups
            .iter()
            .map(|g| g.iter().map(|s| s.symbol()).collect())
            .collect();
        assert_eq!(written, ["K7Q", "XM2", "PDH", "9TA"]);
        assert_eq!(
            groups[0],
            [
                Spoken::Letter('K', "Kilo"),
                Spoken::Digit('7'),
                Spoken::Letter('Q', "Quebec")
            ]
        );
        assert_eq!(groups[3][2], Spoken::Letter('A', "Alfa"));
        // Read back as it was said, the code is the same code.
        let heard: String = written.join(" ");
        assert_eq!(TrackingCode::parse(&heard), Some(code));
    }

    #[test]
    fn every_symbol_of_the_alphabet_can_be_said() {
        for &b in ALPHABET.iter() {
            let c = b as char;
            match spelling_word(c) {
                Some(word) => assert!(word.starts_with(c), "{c}: {word}"),
                None => assert!(c.is_ascii_digit(), "{c} has no word"),
            }
        }
        assert_eq!(spelling_word('X'), Some("X-ray"));
        assert_eq!(spelling_word('7'), None);
    }

    #[test]
    fn parse_accepts_human_input_and_refuses_the_rest() {
        assert_eq!(
            TrackingCode::parse(" k7qxm2 pdh9ta ").map(|c| c.0),
            Some("K7QXM2-PDH9TA".to_string())
        );
        assert!(TrackingCode::parse("K7QXM2-PDH9T").is_none(), "too short");
        assert!(
            TrackingCode::parse("K7QXM2-PDH9T0").is_none(),
            "0 is not in the alphabet"
        );
        assert!(
            TrackingCode::parse("K7QXM2-PDH9TO").is_none(),
            "O is not in the alphabet"
        );
        assert!(TrackingCode::parse("../../etc/passwd").is_none());
    }
}
