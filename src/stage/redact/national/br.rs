//! Brazilian CPF, written `123.456.789-09`: two check digits, each
//! `(sum of digit × weight) × 10 mod 11 mod 10`, weights 10..2 for the first over nine digits
//! and 11..2 for the second over ten. Numbers of one repeated digit pass the sum and are not
//! issued, so they are refused. The dotted shape is taken anywhere; eleven bare digits (one
//! random number in a hundred passes both checks) only with a label (`cpf`, `cadastro`, or a
//! generic one).

use super::{bare, digits_of, label, shaped};

pub fn cpf(text: &[u8], at: usize) -> Option<usize> {
    let (end, labelled) = match shaped(text, at, b"ddd.ddd.ddd-dd") {
        Some(end) => (end, true),
        None => (bare(text, at, 11)?, false),
    };
    let mut d = [0u32; 11];
    digits_of(&text[at..end], &mut d);
    (valid(&d) && (labelled || label::near(text, at, end, &[b"cpf", b"cadastro"]))).then_some(end)
}

pub fn valid(d: &[u32; 11]) -> bool {
    if d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let check = |n: usize| (d[..n].iter().enumerate().map(|(i, &x)| x * (n as u32 + 1 - i as u32)).sum::<u32>() * 10) % 11 % 10;
    check(9) == d[9] && check(10) == d[10]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_cpfs_are_found_and_others_refused() {
        assert_eq!(cpf(b"123.456.789-09", 0), Some(14));
        assert_eq!(cpf(b"cpf 529.982.247-25 ok", 4), Some(18));
        assert_eq!(cpf(b"123.456.789-00", 0), None, "check digits");
        assert_eq!(cpf(b"111.111.111-11", 0), None, "one repeated digit");
        assert_eq!(cpf(b"1123.456.789-09", 1), None, "inside a longer number");
        assert_eq!(cpf(b"123.456.789-091", 0), None);
        assert_eq!(cpf(b"CPF 52998224725", 4), Some(15), "bare with a label");
        assert_eq!(cpf(b"order 52998224725", 6), None, "bare without one");
    }
}
