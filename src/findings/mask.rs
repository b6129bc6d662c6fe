//! Masking of found values for reports: enough shape to recognise a finding, not enough to
//! recover it. Raw values appear only with `--show-values`.

/// Masks `value` according to its `kind`:
/// email `j***@g***.com`, card `**** **** **** 4242`, phone `+** *** ****67`,
/// US SSN `***-**-6789`, IBAN `DE** **** … **49 31`, IPv4 `192.*.*.*`, IPv6 `2001:*`,
/// anything else its first character and `***`.
pub fn mask_value(kind: &str, value: &str) -> String {
    match kind {
        "email" => mask_email(value),
        "payment_card" => keep_last_digits(value, 4),
        "phone" => keep_last_digits(value, 2),
        "us_ssn" => keep_last_digits(value, 4),
        "iban" => mask_iban(value),
        "ip_address" => mask_ip(value),
        _ => mask_generic(value),
    }
}

fn first_char(s: &str) -> &str {
    s.char_indices().nth(1).map_or(s, |(i, _)| &s[..i])
}

fn mask_email(value: &str) -> String {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return mask_generic(value);
    };
    let tld = domain.rsplit_once('.').map_or("", |(_, t)| t);
    let mut out = String::with_capacity(value.len());
    out.push_str(first_char(local));
    out.push_str("***@");
    out.push_str(first_char(domain));
    out.push_str("***");
    if !tld.is_empty() {
        out.push('.');
        out.push_str(tld);
    }
    out
}

/// Replaces every ASCII digit except the last `keep` with `*`; separators stay.
fn keep_last_digits(value: &str, keep: usize) -> String {
    let total = value.bytes().filter(u8::is_ascii_digit).count();
    let mut seen = 0;
    // Sized up front: collected, the string grows from a quarter of the value's length.
    let mut out = String::with_capacity(value.len());
    out.extend(value.chars().map(|c| {
        if c.is_ascii_digit() {
            seen += 1;
            if seen + keep > total {
                return c;
            }
            return '*';
        }
        if c.is_alphanumeric() {
            '*'
        } else {
            c
        }
    }));
    out
}

/// Keeps the country code and the last four characters: `DE** **** **** **** **32 31`.
fn mask_iban(value: &str) -> String {
    let total = value.chars().filter(|c| c.is_ascii_alphanumeric()).count();
    let mut seen = 0;
    value
        .chars()
        .map(|c| {
            if !c.is_ascii_alphanumeric() {
                return c;
            }
            seen += 1;
            if seen <= 2 || seen + 4 > total {
                c
            } else {
                '*'
            }
        })
        .collect()
}

fn mask_ip(value: &str) -> String {
    if let Some((first, _)) = value.split_once('.').filter(|_| !value.contains(':')) {
        return format!("{first}.*.*.*");
    }
    match value.split_once(':') {
        Some((first, _)) if !first.is_empty() => format!("{first}:*"),
        _ => "*".to_string(),
    }
}

fn mask_generic(value: &str) -> String {
    if value.chars().count() <= 4 {
        return "***".to_string();
    }
    format!("{}***", first_char(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_each_kind() {
        assert_eq!(mask_value("email", "john.doe@gmail.com"), "j***@g***.com");
        assert_eq!(
            mask_value("payment_card", "4242 4242 4242 4242"),
            "**** **** **** 4242"
        );
        assert_eq!(
            mask_value("phone", "+1 (555) 123-4567"),
            "+* (***) ***-**67"
        );
        assert_eq!(mask_value("ip_address", "192.168.1.20"), "192.*.*.*");
        assert_eq!(mask_value("ip_address", "2001:db8::1"), "2001:*");
        assert_eq!(mask_value("ip_address", "::1"), "*");
        assert_eq!(mask_value("secret", "abcdefgh"), "a***");
        assert_eq!(mask_value("secret", "abc"), "***");
        assert_eq!(mask_value("us_ssn", "651-40-9363"), "***-**-9363");
        assert_eq!(
            mask_value("iban", "DE44 5001 0517 5407 3249 31"),
            "DE** **** **** **** **49 31"
        );
    }

    #[test]
    fn masks_never_contain_the_value() {
        for (k, v) in [
            ("email", "ébastien@exämple.fr"),
            ("payment_card", "4111111111111111"),
            ("phone", "030 12345678"),
        ] {
            let m = mask_value(k, v);
            assert_ne!(m, v);
            assert!(!m.contains(&v[v.len() / 2..]), "{m} leaks {v}");
        }
    }
}
