//! The kinds of secret logseal recognises: the name in `[REDACTED:kind]`, in policy actions and
//! in the counts under `logseal.redacted`.

/// A kind of secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    Card,
    Cvv,
    Ssn,
    NationalId,
    Iban,
    BankAccount,
    Email,
    Phone,
    Password,
    Secret,
    Token,
    Authorization,
    Cookie,
    Session,
    Jwt,
    PrivateKey,
    CredentialHash,
    VendorToken,
    Body,
    /// A field the policy's deny list names.
    Denied,
    /// A value the allowlist mode masked because its field is not listed. Counted and
    /// written like any kind; policies cannot act on it or switch it off.
    Allowlist,
}

impl Kind {
    pub const ALL: [Kind; 21] = [
        Kind::Card,
        Kind::Cvv,
        Kind::Ssn,
        Kind::NationalId,
        Kind::Iban,
        Kind::BankAccount,
        Kind::Email,
        Kind::Phone,
        Kind::Password,
        Kind::Secret,
        Kind::Token,
        Kind::Authorization,
        Kind::Cookie,
        Kind::Session,
        Kind::Jwt,
        Kind::PrivateKey,
        Kind::CredentialHash,
        Kind::VendorToken,
        Kind::Body,
        Kind::Denied,
        Kind::Allowlist,
    ];
    pub const COUNT: usize = Kind::ALL.len();

    /// The kind's name in output and policies.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Card => "card",
            Kind::Cvv => "cvv",
            Kind::Ssn => "ssn",
            Kind::NationalId => "national_id",
            Kind::Iban => "iban",
            Kind::BankAccount => "bank_account",
            Kind::Email => "email",
            Kind::Phone => "phone",
            Kind::Password => "password",
            Kind::Secret => "secret",
            Kind::Token => "token",
            Kind::Authorization => "authorization",
            Kind::Cookie => "cookie",
            Kind::Session => "session",
            Kind::Jwt => "jwt",
            Kind::PrivateKey => "private_key",
            Kind::CredentialHash => "credential_hash",
            Kind::VendorToken => "vendor_token",
            Kind::Body => "body",
            Kind::Denied => "denied",
            Kind::Allowlist => "allowlist",
        }
    }

    /// The mask written in place of a secret of this kind.
    pub fn mask(self) -> &'static str {
        match self {
            Kind::Card => "[REDACTED:card]",
            Kind::Cvv => "[REDACTED:cvv]",
            Kind::Ssn => "[REDACTED:ssn]",
            Kind::NationalId => "[REDACTED:national_id]",
            Kind::Iban => "[REDACTED:iban]",
            Kind::BankAccount => "[REDACTED:bank_account]",
            Kind::Email => "[REDACTED:email]",
            Kind::Phone => "[REDACTED:phone]",
            Kind::Password => "[REDACTED:password]",
            Kind::Secret => "[REDACTED:secret]",
            Kind::Token => "[REDACTED:token]",
            Kind::Authorization => "[REDACTED:authorization]",
            Kind::Cookie => "[REDACTED:cookie]",
            Kind::Session => "[REDACTED:session]",
            Kind::Jwt => "[REDACTED:jwt]",
            Kind::PrivateKey => "[REDACTED:private_key]",
            Kind::CredentialHash => "[REDACTED:credential_hash]",
            Kind::VendorToken => "[REDACTED:vendor_token]",
            Kind::Body => "[REDACTED:body]",
            Kind::Denied => "[REDACTED:denied]",
            Kind::Allowlist => "[REDACTED:allowlist]",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_masks_and_indexes_agree() {
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(k.index(), i);
            assert_eq!(Kind::from_name(k.name()), Some(k));
            assert_eq!(k.mask(), format!("[REDACTED:{}]", k.name()));
        }
    }
}
