//! Tests of the engine against a plain reference engine (every anchor visited, every
//! region grown and searched on its own) and of its pieces.

use super::search::*;
use super::*;
use crate::rules::RuleSet;
use crate::testing::xorshift;

impl Detector {
    /// The plain engine: every anchor visited, every rule's region grown on its own and
    /// searched from its start, every position searched, every candidate validated.
    fn reference(mut self) -> Self {
        self.walk = Walk::new(&[]);
        self.walk.bit = vec![0; self.rules.len()];
        self.groups = AnchorGroup::all(&self.rules, &self.walk);
        self.skip_ahead = false;
        self.screen_regions = false;
        self.glue.fill(Glue::default());
        self.look_ahead.fill(false);
        self.required = self.rules.iter().map(|_| None).collect();
        self.required_bytes = self.rules.iter().map(|_| None).collect();
        for r in &mut self.rules {
            r.starts_at_anchor = false;
            r.needs = None;
            // No shortest length at all: every region, search position and cut is tried.
            r.min_len = 0;
        }
        self
    }
}

/// The DFAs find exactly what the rules' regexes find.
#[test]
fn dfa_search_is_the_regex_search() {
    let set = RuleSet::builtin().unwrap();
    let (mut built, mut starts) = (0, 0);
    for rule in set.rules() {
        let Some(dfa) = region_dfa(rule) else {
            continue;
        };
        built += 1;
        let mut hays: Vec<&str> = rule.examples.iter().map(String::as_str).collect();
        hays.extend(rule.negative_examples.iter().map(String::as_str));
        hays.extend([
            "",
            "x",
            "é 12 Main Street é",
            "+1 (415) 555-2671 ext",
            "1.2.3.4.5",
        ]);
        for hay in hays {
            for start in (0..=hay.len()).filter(|&i| hay.is_char_boundary(i)) {
                let h = &hay[start..];
                let want = rule.regex.find(h).map(|m| (m.start(), m.end()));
                let got = dfa.try_search(&regex_automata::Input::new(h)).unwrap();
                assert_eq!(
                    got.map(|m| (m.start(), m.end())),
                    want,
                    "{}: {h:?}",
                    rule.id
                );
                let got = dfa_find(&dfa, rule.start_bytes.as_deref(), h);
                assert_eq!(got, Some(want), "{} from its start bytes: {h:?}", rule.id);
                starts += usize::from(rule.start_bytes.is_some() && want.is_some());
            }
        }
    }
    assert!(built >= 8, "the digit rules have DFAs ({built})");
    assert!(starts > 100, "matches found from start bytes ({starts})");
}

/// A rule whose DFA would outgrow the size limit (the email rule) is told by its NFA's size,
/// without determinizing it; the rules whose DFAs are built are within reach.
#[test]
fn dfas_out_of_reach_are_not_tried() {
    let set = RuleSet::builtin().unwrap();
    let reach = |id: &str| dfa_within_reach(set.rules().iter().find(|r| r.id == id).unwrap());
    assert!(!reach("email"));
    for id in [
        "phone",
        "payment_card",
        "street_address",
        "date_of_birth",
        "ipv6",
        "iban",
    ] {
        assert!(reach(id), "{id}");
    }
}

/// After enough searches a rule switches to its DFA, finding the same.
#[test]
fn switches_to_the_dfa_after_enough_searches() {
    let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
    let r = d.rules.iter().position(|r| r.id == "phone").unwrap();
    let hay = "call +1 (415) 555-2671 now";
    let want = d.rules[r].regex.find(hay).map(|m| (m.start(), m.end()));
    for _ in 0..=DFA_AFTER {
        assert_eq!(d.find(r, hay), want);
    }
    assert!(d.dfas[r].get().is_some_and(Option::is_some), "built");
    assert_eq!(d.find(r, hay), want);
}

/// The search from a region's start finds the match the search of the region finds where
/// that starts there, and nothing otherwise: with the rule's regex anchored there, and with
/// its DFA once built.
#[test]
fn search_at_start_is_the_search_where_it_starts_there() {
    let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
    let (mut found, mut by_regex, mut by_dfa) = (0, 0, 0);
    for (r, rule) in d.rules.iter().enumerate() {
        let mut hays: Vec<String> = rule
            .examples
            .iter()
            .chain(&rule.negative_examples)
            .map(|e| e.replace(['«', '»'], ""))
            .collect();
        hays.extend(
            [
                "",
                "x",
                "jo.hansen@online.no.",
                "10.0.0.1x",
                "fe80::1 ::",
                "a@b",
                "00:1A:2B:3C:4D:5E",
            ]
            .map(String::from),
        );
        for pass in ["regex", "dfa"] {
            if pass == "dfa" {
                for _ in 0..=DFA_AFTER {
                    d.find(r, "x");
                }
            }
            let dfa = d.dfas[r].get().is_some_and(Option::is_some);
            for hay in &hays {
                for start in (0..=hay.len()).filter(|&i| hay.is_char_boundary(i)) {
                    let h = &hay[start..];
                    let want = d.find(r, h).filter(|&(ms, _)| ms == 0);
                    assert_eq!(d.find_at_start(r, h), want, "{} ({pass}): {h:?}", rule.id);
                    found += usize::from(want.is_some());
                    by_regex += usize::from(want.is_some() && !dfa);
                    by_dfa += usize::from(want.is_some() && dfa);
                }
            }
        }
    }
    assert!(found > 200, "matches at the start ({found})");
    assert!(
        by_regex > 50 && by_dfa > 50,
        "both ways ({by_regex}, {by_dfa})"
    );
    let email = d.rules.iter().position(|r| r.id == "email").unwrap();
    assert!(
        d.at_start[email].get().is_some_and(Option::is_some),
        "the email rule, without a DFA, has its anchored regex"
    );
}

fn run(d: &Detector, text: &str) -> Vec<Match> {
    let (mut scratch, mut out) = (Scratch::default(), Vec::new());
    d.detect(text, Some("note"), &mut scratch, &mut out);
    out
}

/// What the engine accepts has the length, digits and separators the rule's limits say
/// (the validator's fewest digits included: a phone number's length is at least 7).
#[test]
fn accepted_matches_meet_the_rules_limits() {
    let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
    let phone = d.rules.iter().position(|r| r.id == "phone").unwrap();
    assert!(d.rules[phone].min_len >= 7, "the validator's digits count");
    let mut checked = 0;
    for (r, rule) in d.rules.iter().enumerate() {
        for ex in &rule.examples {
            let text = ex.replace(['«', '»'], "");
            for m in run(&d, &text).iter().filter(|m| m.rule == r) {
                let value = &text.as_bytes()[m.start..m.end];
                let count = |f: fn(&u8) -> bool| value.iter().filter(|b| f(b)).count();
                assert!(value.len() >= rule.min_len, "{}: {text}", rule.id);
                assert!(count(u8::is_ascii_digit) >= rule.min_digits, "{}", rule.id);
                let seps = count(|b| !b.is_ascii_alphanumeric());
                assert!(seps >= rule.min_seps, "{}: {text}", rule.id);
                checked += 1;
            }
        }
    }
    assert!(checked > 80, "examples matched ({checked})");
}

/// Short strings skip the literal searches only when no literal can start in them: a
/// secret that is the whole field is found, by a literal matched as written or one
/// matched ignoring ASCII case, and a short string without a literal finds nothing. A
/// rule with a literal shorter than three bytes (IPv6's `::`) has a set of its own.
#[test]
fn short_strings_with_a_literal_anchor_are_searched() {
    let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
    assert_eq!(d.literals.len(), 2, "the two sets are in use");
    let ids = |set: usize| -> Vec<&str> {
        let mut ids: Vec<&str> = d.literals[set]
            .rule_of
            .iter()
            .map(|&r| d.rules[r].id.as_str())
            .collect();
        ids.dedup();
        ids
    };
    assert_eq!(ids(SHORT_LITERALS), ["ipv6"], "`::` is searched on its own");
    assert!(ids(0).contains(&"password_assignment") && ids(0).contains(&"jwt"));
    assert!(d.literal_pairs.is_some());
    for (text, rule) in [
        ("AKIAIOSFODNN7EXAMPLE", "aws_access_key_id"),
        ("PASSWORD: Tr0ub4dor&3", "password_assignment"),
        ("pAsSwOrD=hunter2x", "password_assignment"),
        ("x pwd=Tr0ub4dor&3", "password_assignment"),
    ] {
        assert!(text.len() <= SHORT_STRING, "{text}");
        let found = run(&d, text);
        assert!(
            found.iter().any(|m| d.rules[m.rule].id == rule),
            "{text}: {found:?}"
        );
    }
    assert!(run(&d, "content").is_empty());
}

/// The one-loop check of short strings says what a search for anchor bytes and one for
/// literal pairs say, on strings of bytes that anchor, start pairs or end them.
#[test]
fn short_string_check_is_the_two_searches() {
    let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
    let pairs = d.literal_pairs.as_ref().unwrap();
    let alphabet = b"AKISpPaswdWD:/1@xeyJo- \xc3";
    let mut next = xorshift(0x51f1_5eed);
    for _ in 0..20_000 {
        let len = next() % (SHORT_STRING + 1);
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[next() % alphabet.len()])
            .collect();
        let want = (
            bytes.iter().any(|&b| d.anchors.contains(b)),
            pairs.any_in(&bytes, 0..bytes.len()),
        );
        assert_eq!(d.short_string_hits(&bytes), want, "{bytes:?}");
    }
    assert_eq!(d.short_string_hits(b"AK"), (false, true));
    assert_eq!(d.short_string_hits(b"xA"), (false, false));
}

/// Texts for comparing the engine with the plain one: real-looking lines, and random
/// strings of pieces of numbers, separators and words (hex and upper-case runs make long
/// tokens that hold the regions of several rules).
fn mixed_texts() -> Vec<String> {
    let mut texts: Vec<String> = [
        "Order 641-2024876-7871816 shipped on 2023-03-22; total $1,299.99.",
        "Build 10.0.19041.1 failed at 2024-02-01T09:25:16Z, commit cab5f57b464838c68ed98fea7d2f2e6e20060ade.",
        "Request 835ebecc-0944-4cd7-a2ab-e5817883090b took 231 ms on v1.2.3.",
        "call +44 7400 123456 or (415) 555-2671, card 4111 1111 1111 1111, ssn 123-45-6789",
        "born 1978-02-14 at 221 Baker Street, London; host 192.168.1.20 / fe80::1 / 00:1A:2B:3C:4D:5E",
        "IBAN GB82 WEST 1234 5698 7654 32, NI QQ 12 34 56 C, a.b@example.com 12 34 56 78 90",
        "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25",
        "0.1234 -0.5678 0.9012 call 415.555.2671 -0.3456 7.5 06.12.34.56.78 1.234.567.8901",
        "ids 101 2054 4111111111111111 2003 1045 call 12 4155552671 7 0612345678 ssn 9 536228712 card 5 4222222222222",
        "1 2 378282246310005 3 4 5 tel 6 07400123456 8 9 30569309025904 10",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let pieces = [
        "4111",
        " ",
        "1111",
        "-",
        ".",
        "192",
        "168",
        "1",
        "555",
        "2671",
        "(415)",
        "+44",
        "7400",
        "123456",
        "@",
        "a.b",
        "example.com",
        ":",
        "fe80",
        "::",
        "12",
        "GB82",
        "WEST",
        " Street",
        "Baker",
        "born ",
        "ssn ",
        "call ",
        "1978-02-14",
        "0",
        "9",
        "/",
        ",",
        "x",
        "Q",
        "00:1A",
        "45",
        "6789",
        "2023",
        "  ",
        "cab5f",
        "DE",
        "ABCD",
        "e58",
        "T09",
        "Z",
        "0.",
        "7.",
        "06.12",
        "3C-4D-",
        "56c0.0008",
    ];
    let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..6000 {
        let n = next() % 24;
        texts.push((0..n).map(|_| pieces[next() % pieces.len()]).collect());
    }
    texts
}

/// Whether `fast` finds what the plain engine finds in every text; the number found.
fn same_as_plain(fast: &Detector, plain: &Detector, texts: &[String]) -> usize {
    let mut found = 0;
    for t in texts {
        let want = run(plain, t);
        found += want.len();
        assert_eq!(run(fast, t), want, "{t:?}");
    }
    found
}

/// The token walk, the group skips and anchor-start regions change how much work is done,
/// never what is found.
#[test]
fn same_matches_as_the_plain_engine() {
    let fast = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
    let plain = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default()).reference();
    assert!(fast.walk.rules.len() >= 6, "digit rules are walked");
    assert!(
        fast.walk.digit_anchored(),
        "the walk tells anchors by digit counts"
    );
    let found = same_as_plain(&fast, &plain, &mixed_texts());
    assert!(found > 200, "the inputs hold findings ({found})");
}

impl Detector {
    /// Builds every rule's DFA now, as a long scan comes to.
    fn with_dfas(self) -> Self {
        for (r, rule) in self.rules.iter().enumerate() {
            self.dfas[r].get_or_init(|| region_dfa(rule));
        }
        self
    }
}

/// A rule that looks ahead for its next match before growing a region (a street address)
/// finds what the plain engine finds: addresses after other numbers, several in a string,
/// next to near-misses and to bytes outside its charset, with its DFA built.
#[test]
fn looking_ahead_finds_what_the_plain_engine_finds() {
    let fast = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default()).with_dfas();
    let plain = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default())
        .with_dfas()
        .reference();
    let street = fast
        .rules
        .iter()
        .position(|r| r.id == "street_address")
        .unwrap();
    assert!(fast.look_ahead[street] && fast.dfas[street].get().is_some_and(Option::is_some));
    // Only rules whose matches stay within their charset look ahead: a look past the
    // region (a Unicode digit here) would be repeated from every anchor before it.
    let dir = tempfile::tempdir().unwrap();
    let wide = "id = \"wide\"\nkind = \"wide\"\nregex = '[0-9]\\d*X'\n\
                [prefilter]\nbytes = \"[0-9]\"\ncharset = \"[0-9X]\"\n";
    std::fs::write(dir.path().join("wide.toml"), wide).unwrap();
    let mut set = RuleSet::builtin().unwrap();
    set.load_dir(dir.path()).unwrap();
    let d = Detector::new(set, ValidationEnv::default());
    let w = d.rules.iter().position(|r| r.id == "wide").unwrap();
    assert!(d.rules[w].starts_at_anchor && !d.rules[w].within_charset && !d.look_ahead[w]);
    assert!(d.rules[street].within_charset);
    let pieces = [
        "42",
        " Main",
        " Street",
        " St.",
        " Baker",
        "221B",
        ", London NW1 6XE",
        ", CA 94105",
        " lives at ",
        "12 ",
        "x",
        "-",
        ";",
        " 5th Ave",
        ", Suite 3400",
        "Ship to ",
        "2023-03-22",
        " Road",
        "7",
        " ",
        "A",
        "Room 101 ",
        "_",
        "(",
        "1600 Amphitheatre Parkway",
        " N.",
    ];
    let mut next = xorshift(0x2545_f491_4f6c_dd1d);
    let mut texts: Vec<String> = vec![
        format!("{}ship to 42 Main Street", "12 x 3-4 ".repeat(2000)),
        "Order 641-2024876-7871816 shipped; ship to 42 Main Street, Springfield now".into(),
        "1 2 3 lives at 221B Baker Street, London NW1 6XE and 10 Downing Street, London SW1A 2AA"
            .into(),
    ];
    for _ in 0..4000 {
        let n = next() % 16;
        texts.push((0..n).map(|_| pieces[next() % pieces.len()]).collect());
    }
    same_as_plain(&fast, &plain, &texts);
    let streets: usize = texts
        .iter()
        .map(|t| run(&plain, t).iter().filter(|m| m.rule == street).count())
        .sum();
    assert!(
        streets > 100,
        "the inputs hold street addresses ({streets})"
    );
}

/// A rule searched on its own is done with a string once no required literal is left in
/// it: a rule without a charset (whose region is the whole string), and one whose matches
/// start before its anchor (whose regions reach back to where its last one ended), with
/// the literal before the anchor.
#[test]
fn required_literals_find_what_the_plain_engine_finds() {
    let apples = r#"id = "apples"
kind = "apples"
regex = '[0-9]+ apples'
[prefilter]
bytes = "[0-9]"
"#;
    let weight = r#"id = "weight"
kind = "weight"
regex = 'kg[a-z]{2}[0-9]{2}'
[prefilter]
bytes = "[0-9]"
charset = "[a-z0-9]"
"#;
    let (fast, plain) = fast_and_plain(&[("apples.toml", apples), ("weight.toml", weight)]);
    let index = |id: &str| fast.rules.iter().position(|r| r.id == id).unwrap();
    let (apples, weight) = (index("apples"), index("weight"));
    assert!(fast.required[apples].is_some() && fast.required[weight].is_some());
    assert!(!fast.rules[weight].starts_at_anchor);
    let pieces = [
        "12", " apples", "apples", " kg", "ab", "34", "ab34 ", "kg", " ", "x", "5",
    ];
    let mut next = xorshift(7);
    let texts: Vec<String> = (0..4000)
        .map(|_| {
            (0..next() % 14)
                .map(|_| pieces[next() % pieces.len()])
                .collect()
        })
        .collect();
    same_as_plain(&fast, &plain, &texts);
    let found = |rule| found(&fast, &texts, rule);
    assert!(found(apples) > 40, "apples: {}", found(apples));
    assert!(found(weight) > 20, "weight: {}", found(weight));
}

/// The built-in rules and the rule `files` (name, TOML) as the engine and the plain engine.
fn fast_and_plain(files: &[(&str, &str)]) -> (Detector, Detector) {
    let dir = tempfile::tempdir().unwrap();
    for (name, toml) in files {
        std::fs::write(dir.path().join(name), toml).unwrap();
    }
    let set = || {
        let mut set = RuleSet::builtin().unwrap();
        set.load_dir(dir.path()).unwrap();
        set
    };
    let fast = Detector::new(set(), ValidationEnv::default());
    (
        fast,
        Detector::new(set(), ValidationEnv::default()).reference(),
    )
}

/// How many matches of `rule` the engine finds in `texts`.
fn found(d: &Detector, texts: &[String], rule: usize) -> usize {
    texts
        .iter()
        .flat_map(|t| run(d, t))
        .filter(|m| m.rule == rule)
        .count()
}

/// A walked rule anchored by bytes of two groups (hex letters alone, and the digits with
/// the built-in digit rules), whichever group reaches its regions first; a rule sharing its
/// charset with another (IPv4's) but not its boundary, searched where only it could match;
/// and a walked rule that needs context words: all find what the plain engine finds, also
/// when strings of one record are scanned in turn (a value seen earlier vouches for a
/// later one).
#[test]
fn rules_shared_by_groups_and_charsets_find_what_the_plain_engine_finds() {
    let hex = r#"id = "hex_ref"
kind = "hex_ref"
regex = '\b[0-9A-F]{4}-[0-9A-F]{2}\b'
[prefilter]
bytes = "[0-9A-F]"
charset = "[0-9A-F-]"
"#;
    let six = r#"id = "six_digits"
kind = "six_digits"
regex = '[0-9]{6}'
boundary = "alnum"
[prefilter]
bytes = "[0-9]"
charset = "[0-9.]"
"#;
    let code = r#"id = "member_code"
kind = "member_code"
regex = '\b[0-9]{3}-[0-9]{3}\b'
[prefilter]
bytes = "[0-9]"
charset = "[0-9-]"
[context]
words = ["member"]
field_words = ["member"]
required = true
"#;
    // Anchor bytes that not every match holds (a rule file's mistake): its regions are
    // still only the runs that hold one, as in the plain engine.
    let fives = r#"id = "with_five"
kind = "with_five"
regex = '\b[0-9]{4}\b'
[prefilter]
bytes = "[5]"
charset = "[0-9.]"
"#;
    let (fast, plain) = fast_and_plain(&[
        ("hex.toml", hex),
        ("six.toml", six),
        ("code.toml", code),
        ("fives.toml", fives),
    ]);
    let index = |id: &str| fast.rules.iter().position(|r| r.id == id).unwrap();
    let (hex, six, code) = (index("hex_ref"), index("six_digits"), index("member_code"));
    assert_ne!(fast.walk.bit[code], 0, "the rule needing context is walked");
    assert!(
        !fast.walk.digit_anchored(),
        "the walk looks anchors up byte by byte"
    );
    let groups = fast
        .groups
        .iter()
        .filter(|g| g.walked & fast.walk.bit[hex] != 0)
        .count();
    assert!(
        groups >= 2,
        "digits and A-F anchor different rule sets ({groups})"
    );
    assert_ne!(fast.walk.bit[hex], 0, "the rule is walked");
    let shared = |r: usize| fast.walk.sharing_charset(r).map(u64::count_ones);
    assert_eq!(
        shared(six),
        Some(3),
        "six_digits and with_five share IPv4's charset"
    );
    let mut texts = mixed_texts();
    texts.extend(
        [
            "ref ABCD-12 and 12AB-CD, 1234-56 BEEF-0A",
            "DE12-AB 4111-11",
            "id_123456_x 10.0.0.1_654321_",
            "member 123-456 and 654-321",
            "123-456 without its word",
            "pins 1234 and 1235 and 5.5",
        ]
        .map(String::from),
    );
    same_as_plain(&fast, &plain, &texts);
    let found = |rule| found(&fast, &texts, rule);
    assert!(
        found(hex) > 50,
        "hex_ref finds its matches ({})",
        found(hex)
    );
    assert!(
        found(six) > 50,
        "six_digits finds its matches ({})",
        found(six)
    );
    let glued = run(&fast, "id_123456_x");
    assert!(
        glued.iter().any(|m| m.rule == six),
        "only letters and digits glue it"
    );
    // The word supports the closest code only.
    assert_eq!(found(code), 1, "member_code next to its word");
    assert!(!run(&fast, "123-456 without its word")
        .iter()
        .any(|m| m.rule == code));
    // One record, string by string, with the field name as context.
    let record = |d: &Detector| {
        let (mut scratch, mut all) = (Scratch::default(), Vec::new());
        scratch.new_record();
        for (key, text) in [
            ("note", "ref 123-456"),
            ("text", "member 123-456, call +1 415-555-2671"),
            ("note", "again 123-456 and 777-888"),
            ("member", "777-888"),
        ] {
            let mut out = Vec::new();
            d.detect(text, Some(key), &mut scratch, &mut out);
            all.push(out);
        }
        all
    };
    let got = record(&fast);
    assert_eq!(got, record(&plain));
    let codes: Vec<usize> = got
        .iter()
        .map(|o| o.iter().filter(|m| m.rule == code).count())
        .collect();
    assert_eq!(
        codes,
        [0, 1, 1, 1],
        "word, then the value seen, then the field name"
    );
}

/// A payload holding an AWS key id that only a scan of the payload finds (`+` and `/`
/// are not letters or digits, so the key is not glued to the rest of the payload).
const PAYLOAD: &str = "iVBORw0KGgo+AKIAQWERTYUIOPASDFG2/AAAA4111111111111111==";

fn spans(text: &str, found: &[Match]) -> Vec<String> {
    found
        .iter()
        .map(|m| text[m.start..m.end].to_string())
        .collect()
}

#[test]
fn data_uri_payloads_are_cut_out() {
    let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
    let text = format!(
        "mail bob@corp.com ![scan](data:image/png;base64,{PAYLOAD}) and \
         data:text/plain;base64,{PAYLOAD} call +1 415 555 2671"
    );
    let cut = run(&d, &text);
    assert_eq!(spans(&text, &cut), ["bob@corp.com", "+1 415 555 2671"]);
    // The same text with the payloads scanned finds the key in each as well.
    let whole = run(&d.scan_data_uris(true), &text);
    assert_eq!(
        spans(&text, &whole),
        [
            "bob@corp.com",
            "AKIAQWERTYUIOPASDFG2",
            "AKIAQWERTYUIOPASDFG2",
            "+1 415 555 2671"
        ]
    );
}

#[test]
fn payloads_are_cut_out_where_digits_are_not_anchors() {
    // The AWS rule alone has literal anchors only: a string is searched for payloads
    // whether or not it holds an anchor byte.
    let all = RuleSet::builtin().unwrap();
    let aws = all.rules().iter().position(|r| r.id == "aws_access_key_id");
    let d = Detector::new(all.single(aws.unwrap()), ValidationEnv::default());
    assert!(!d.marker_anchored);
    let text = format!("key AKIAQWERTYUIOPASDFG3 data:image/png;base64,{PAYLOAD}");
    assert_eq!(spans(&text, &run(&d, &text)), ["AKIAQWERTYUIOPASDFG3"]);
    let scanned = run(&d.scan_data_uris(true), &text);
    assert_eq!(spans(&text, &scanned).len(), 2);
}

#[test]
fn text_around_a_payload_is_scanned_as_a_piece() {
    // Each mixed text before, after and on both sides of a data URI: what is found is what
    // the text on each side of the payload gives alone, at its offset in the whole, and
    // nothing overlaps the payload.
    let d = Detector::new(RuleSet::builtin().unwrap(), ValidationEnv::default());
    let uri = format!("data:image/jpeg;base64,{PAYLOAD}");
    let mut checked = 0;
    for t in mixed_texts() {
        for text in [
            format!("{t} {uri}"),
            format!("{uri} {t}"),
            format!("{t} {uri}\n{t}"),
        ] {
            let found = run(&d, &text);
            let mut expected = Vec::new();
            let mut from = 0;
            for piece in text.split(PAYLOAD) {
                for m in run(&d, piece) {
                    expected.push((m.rule, from + m.start, from + m.end));
                }
                from += piece.len() + PAYLOAD.len();
            }
            let got: Vec<_> = found.iter().map(|m| (m.rule, m.start, m.end)).collect();
            assert_eq!(got, expected, "{text}");
            let payload = text.find(PAYLOAD).unwrap();
            let end = text.rfind(PAYLOAD).unwrap() + PAYLOAD.len();
            assert!(
                found.iter().all(|m| m.end <= payload || m.start >= end),
                "{text}"
            );
            checked += found.len();
        }
    }
    assert!(checked > 50, "{checked}");
}

/// On a full tie (same priority and span), the earlier rule wins, whichever pass found
/// it: a deny list's exact entry (found by its literal) over its pattern (found by the
/// byte pass).
#[test]
fn full_ties_go_to_the_earlier_rule() {
    let mut deny = crate::rules::DenyList::default();
    deny.add("PRJ-1234").unwrap();
    deny.add("/PRJ-[0-9]{4}/").unwrap();
    let mut set = RuleSet::builtin().unwrap();
    set.add_deny(&deny).unwrap();
    let d = Detector::new(set, ValidationEnv::default());
    let ids: Vec<&str> = run(&d, "see PRJ-1234 now")
        .iter()
        .map(|m| d.rules[m.rule].id.as_str())
        .collect();
    assert_eq!(ids, ["deny_list"]);
}
