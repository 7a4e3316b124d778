//! Swedish personnummer and samordningsnummer (coordination number, the day plus 60):
//! `YYMMDD-NNNN` (`+` for people over 100), `YYYYMMDD-NNNN`, or bare as 10 or 12 digits. The
//! last digit is the Luhn check over the ten digits YYMMDDNNN. `YYMMDD-NNNN` is taken
//! anywhere, and so are `YYYYMMDD-NNNN` and twelve bare digits for a birth year before 2000
//! (a date of the 1800s or 1900s and Luhn: ids and timestamps of today have no such dates);
//! a later year (`20261201-1513` is more often a date and a time) and ten bare digits only with
//! a label
//! (`personnummer`, `pnr`, ...), since a bare 12-digit `YYYYMMDDhhmm` timestamp or a 10-digit
//! Unix time also has a date and passes Luhn one time in ten.

use super::{bare, digits, first_shape, label, luhn, two, valid_date, Year};

const LABELS: &[&[u8]] = &[b"personnummer", b"personnr", b"pnr", b"samordningsnummer", b"swedish", b"svensk"];

pub fn personnummer(text: &[u8], at: usize) -> Option<usize> {
    let dashed = first_shape(text, at, &[b"dddddd-dddd", b"dddddd+dddd", b"dddddddd-dddd"]);
    let (end, labelled) = match dashed {
        Some(end) => (end, end - at == 11 || text[at..at + 2] != *b"20"),
        None => {
            // Twelve digits born before 2000 (`198712202384`): a full date of the 1800s or
            // 1900s and Luhn, a shape ids and timestamps of today do not have.
            let end = bare(text, at, 12).or_else(|| bare(text, at, 10))?;
            (end, end - at == 12 && text[at..at + 2] != *b"20")
        }
    };
    let ok = match end - at {
        10 | 11 => valid(&digits::<10>(text, at, end)?, None),
        _ => {
            let d = digits::<12>(text, at, end)?;
            let mut ten = [0u32; 10];
            ten.copy_from_slice(&d[2..]);
            matches!(two(&d, 0), 18..=20) && valid(&ten, Some(two(&d, 0) * 100))
        }
    };
    (ok && (labelled || label::near(text, at, end, LABELS))).then_some(end)
}

/// The date (or coordination date) and the Luhn digit of the ten digits `d`, the century when
/// the number states it.
pub fn valid(d: &[u32; 10], century: Option<u32>) -> bool {
    let yy = two(d, 0);
    let year = century.map_or(Year::TwoDigit(yy), |c| Year::Full(c + yy));
    let day = two(d, 4);
    let day = if day > 60 { day - 60 } else { day };
    valid_date(year, two(d, 2), day) && luhn(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms_are_found() {
        assert_eq!(personnummer(b"670919-9530", 0), Some(11));
        assert_eq!(personnummer(b"19670919-9530 ok", 0), Some(13));
        assert_eq!(personnummer(b"150882+2390", 0), Some(11), "over 100, coordination day 82");
        assert_eq!(personnummer(b"150882+2391", 0), None, "Luhn");
        assert_eq!(personnummer(b"701063-2391", 0), Some(11), "coordination number, day 63");
    }

    #[test]
    fn check_digit_and_date_are_checked() {
        assert_eq!(personnummer(b"670919-9539", 0), None, "check digit");
        assert_eq!(personnummer(b"671319-9530", 0), None, "month 13");
        // The Luhn digit after 670229953 is 5, but 1967 had no February 29.
        assert_eq!(personnummer(b"19670229-9535", 0), None);
        assert_eq!(personnummer(b"19680229-9534", 0), Some(13), "1968 had one");
    }

    #[test]
    fn bare_digits_need_a_label_unless_twelve_born_before_2000() {
        assert_eq!(personnummer(b"personnummer 196709199530", 13), Some(25));
        assert_eq!(personnummer(b"pnr 6709199530", 4), Some(14));
        assert_eq!(personnummer(b"build 6709199530", 6), None);
        assert_eq!(personnummer(b"build 196709199530", 6), Some(18), "twelve digits, born 1967");
        assert_eq!(personnummer(b"build 196709199531", 6), None, "check digit");
        assert_eq!(personnummer(b"build 200109022392", 6), None, "born 2001: a label is needed");
        assert_eq!(personnummer(b"at 202612011514 ok", 3), None, "a compact timestamp");
        // 2026-12-01 15:16 with a Luhn-valid last digit: a date and a time, not a person.
        assert_eq!(personnummer(b"build-20261201-1516", 6), None);
        assert_eq!(personnummer(b"personnummer 20261201-1516", 13), Some(26));
    }
}
