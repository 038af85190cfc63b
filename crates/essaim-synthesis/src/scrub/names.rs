//! Names of persons: the run of capitalised words after a civility (`M. Jean de La Fontaine`)
//! or after a known first name (`Jean Dupont`), and the names known as authors.

use std::cmp::Reverse;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};
use unicode_normalization::UnicodeNormalization;

use super::{is_word_char, Span, Token, NAME_MASK};

/// Frequent French first names (source, licence and filtering in the file's header).
const FIRST_NAMES_LIST: &str = include_str!("../../assets/prenoms.txt");

/// Lowercase, NFC. Built once: the scrubber runs on every row of large exports.
static FIRST_NAMES: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    FIRST_NAMES_LIST
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.nfc().flat_map(char::to_lowercase).collect())
        .collect()
});

/// Civilities written before a person's name, lowercase, compared ignoring case. `M`, `MM`
/// and `Me` are compared exactly (see [`civility`]).
const SINGULAR_CIVILITIES: [&str; 13] = [
    "mme",
    "mlle",
    "mr",
    "monsieur",
    "madame",
    "mademoiselle",
    "dr",
    "docteur",
    "maître",
    "maitre",
    "pr",
    "professeur",
    "professeure",
];
const PLURAL_CIVILITIES: [&str; 7] = ["mmes", "mlles", "messieurs", "mesdames", "mesdemoiselles", "drs", "prs"];

/// Words of a surname that may be lowercase (`de La Fontaine`, `van der Berg`), lowercase.
fn is_particle(lower: &str) -> bool {
    matches!(
        lower,
        "de" | "du"
            | "des"
            | "d'"
            | "d’"
            | "la"
            | "le"
            | "van"
            | "von"
            | "der"
            | "den"
            | "di"
            | "da"
            | "del"
            | "della"
            | "dos"
            | "das"
            | "ten"
            | "ter"
    )
}

/// Capitalised words that are no surname: sentence starts, pronouns, conjunctions. They end
/// a run, so that `Jean D. Il a dit` keeps `Il a dit`.
fn is_stop_word(lower: &str) -> bool {
    matches!(
        lower,
        "il" | "elle"
            | "ils"
            | "elles"
            | "on"
            | "je"
            | "tu"
            | "nous"
            | "vous"
            | "ce"
            | "cet"
            | "cette"
            | "ces"
            | "ça"
            | "cela"
            | "ceci"
            | "un"
            | "une"
            | "les"
            | "et"
            | "ou"
            | "mais"
            | "donc"
            | "or"
            | "ni"
            | "car"
            | "si"
            | "quand"
            | "comme"
            | "pour"
            | "par"
            | "dans"
            | "sur"
            | "sous"
            | "en"
            | "au"
            | "aux"
            | "à"
            | "a"
            | "avec"
            | "sans"
            | "selon"
            | "chez"
            | "vers"
            | "depuis"
            | "pendant"
            | "avant"
            | "après"
            | "merci"
            | "oui"
            | "non"
            | "qui"
            | "que"
            | "quoi"
            | "dont"
            | "où"
            | "mon"
            | "ma"
            | "mes"
            | "son"
            | "sa"
            | "ses"
            | "notre"
            | "nos"
            | "votre"
            | "vos"
            | "leur"
            | "leurs"
            | "tout"
            | "tous"
            | "toute"
            | "toutes"
            | "puis"
            | "ainsi"
            | "alors"
            | "enfin"
            | "bonjour"
            | "cordialement"
    )
}

/// Functions written between a civility and the name (`Mme la Maire`, `M. le Président
/// Dupont`): they are no name, and when capitalised (`Monsieur Le Maire`) they are not one
/// either.
fn is_title(lower: &str) -> bool {
    matches!(
        lower,
        "maire"
            | "président"
            | "présidente"
            | "vice-président"
            | "vice-présidente"
            | "directeur"
            | "directrice"
            | "préfet"
            | "préfète"
            | "ministre"
            | "député"
            | "députée"
            | "sénateur"
            | "sénatrice"
            | "conseiller"
            | "conseillère"
            | "adjoint"
            | "adjointe"
            | "délégué"
            | "déléguée"
            | "rapporteur"
            | "rapporteure"
            | "secrétaire"
            | "trésorier"
            | "trésorière"
            | "responsable"
            | "professeur"
            | "professeure"
            | "docteur"
            | "juge"
            | "commissaire"
            | "élu"
            | "élue"
    )
}

/// Words after which a first name and a surname name a place or an institution, not a
/// participant: `rue Jean Jaurès`, `lycée Jean Moulin`, `Saint Jean de Monts`.
fn names_a_place(lower: &str) -> bool {
    matches!(
        lower,
        "rue"
            | "avenue"
            | "av"
            | "boulevard"
            | "bd"
            | "place"
            | "allée"
            | "impasse"
            | "quai"
            | "square"
            | "chemin"
            | "route"
            | "cours"
            | "passage"
            | "lycée"
            | "collège"
            | "école"
            | "université"
            | "institut"
            | "fondation"
            | "fédération"
            | "centre"
            | "espace"
            | "maison"
            | "salle"
            | "stade"
            | "gymnase"
            | "hôpital"
            | "clinique"
            | "médiathèque"
            | "bibliothèque"
            | "musée"
            | "parc"
            | "pont"
            | "prix"
            | "saint"
            | "sainte"
            | "st"
            | "ste"
    )
}

/// `s` lowercase in `buf`, which is reused so that classifying words allocates nothing.
fn lower<'b>(buf: &'b mut String, s: &str) -> &'b str {
    buf.clear();
    if s.is_ascii() {
        buf.push_str(s);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(s.chars().flat_map(char::to_lowercase));
    }
    buf
}

/// What a token is for a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A capitalised word (`Dupont`, `DUPONT`, `Jean-Pierre`, `O'Neill`, `d'Estaing`).
    Name,
    /// `J.` or `J.-P.`: its full stop belongs to it, and the run goes on.
    Initial,
    /// `de`, `La`, `van`: part of a name only before a capitalised word.
    Particle {
        lowercase: bool,
        article: bool,
    },
    Other,
}

fn kind(text: &str, token: &Token, buf: &mut String) -> Kind {
    let core = token.core(text);
    let Some(first) = core.chars().next() else {
        return Kind::Other;
    };
    if token.trail(text) == "." && is_initial(core) {
        return Kind::Initial;
    }
    let low = lower(buf, core);
    if is_particle(low) {
        return Kind::Particle { lowercase: !first.is_uppercase(), article: matches!(low, "le" | "la") };
    }
    let letters_only = core.chars().all(|c| {
        c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c) || matches!(c, '-' | '\'' | '’')
    });
    if !letters_only || is_stop_word(low) || is_title(low) {
        return Kind::Other;
    }
    let mut chars = core.chars();
    let capitalised = match (chars.next(), chars.next(), chars.next()) {
        // Elision: the letter after the apostrophe decides (`D'Artagnan`, `d'Estaing`, not
        // `D'ailleurs` nor `L'association`).
        (Some(a), Some('\'' | '’'), Some(c)) => c.is_uppercase() && (a.is_uppercase() || a == 'd'),
        _ => first.is_uppercase(),
    };
    if capitalised {
        Kind::Name
    } else {
        Kind::Other
    }
}

/// `J`, `J.-P`, `J.P` (the core of `J.-P.`): capitals, one at a time, three at most.
fn is_initial(core: &str) -> bool {
    let mut letters = 0;
    let mut after_letter = false;
    for c in core.chars() {
        if c.is_alphabetic() && c.is_uppercase() {
            if after_letter {
                return false;
            }
            letters += 1;
            after_letter = true;
        } else if matches!(c, '.' | '-') {
            after_letter = false;
        } else {
            return false;
        }
    }
    (1..=3).contains(&letters)
}

/// The last token of the name starting at `first` and whether it is an initial, if a name
/// starts there. A name is a run of capitalised words and initials, with particles inside
/// when a capitalised word follows them; punctuation after a word ends it.
fn name_run(text: &str, tokens: &[Token], first: usize, buf: &mut String) -> Option<(usize, bool)> {
    let mut last = None;
    let mut i = first;
    while let Some(token) = tokens.get(i) {
        if i > first && token.has_lead() {
            break;
        }
        match kind(text, token, buf) {
            Kind::Name => {
                last = Some((i, false));
                if !token.trail(text).is_empty() {
                    break;
                }
                i += 1;
            }
            Kind::Initial => {
                last = Some((i, true));
                i += 1;
            }
            Kind::Particle { lowercase, article } => {
                // "Mme la Maire": a lowercase article right after the civility is no name.
                if !token.trail(text).is_empty() || (i == first && lowercase && article) {
                    break;
                }
                let mut k = i + 1;
                let mut lowercase_article = lowercase && article;
                while let Some(t) = tokens.get(k).filter(|t| !t.has_lead() && t.trail(text).is_empty()) {
                    match kind(text, t, buf) {
                        Kind::Particle { lowercase, article } => lowercase_article |= lowercase && article,
                        _ => break,
                    }
                    k += 1;
                }
                // At the start, "de la" is rather a complement than a name: "Messieurs de la
                // Commission" names nobody ("M. van der Berg" and "M. de La Fontaine" do).
                if i == first && lowercase && lowercase_article {
                    break;
                }
                match tokens.get(k) {
                    Some(t) if !t.has_lead() && kind(text, t, buf) == Kind::Name => i = k,
                    _ => break,
                }
            }
            Kind::Other => break,
        }
    }
    last
}

/// The byte range of a name from token `first` to token `last`: the cores, with an initial's
/// full stop.
fn name_span(tokens: &[Token], first: usize, (last, initial): (usize, bool)) -> Span {
    let end = tokens[last].core_end + usize::from(initial);
    Span { start: tokens[first].core_start, end, mask: NAME_MASK }
}

/// Whether the token is a civility, and if so whether a plural one (`MM. Dupont et Durand`).
fn civility(text: &str, token: &Token) -> Option<bool> {
    let trail = token.trail(text);
    if !(trail.is_empty() || trail == ".") {
        return None;
    }
    let core = token.core(text);
    // "M" and "Me" are ordinary words in other cases ("m." is a metre, "me" a pronoun).
    match core {
        "M" | "Me" | "ME" => return Some(false),
        "MM" => return Some(true),
        _ => {}
    }
    if !(2..=16).contains(&core.len()) || !core.starts_with(['M', 'm', 'D', 'd', 'P', 'p']) {
        return None;
    }
    // Same byte length first: this runs on every word starting with m, d or p.
    let is = |word: &str| core.len() == word.len() && core.chars().flat_map(char::to_lowercase).eq(word.chars());
    if SINGULAR_CIVILITIES.iter().any(|w| is(w)) {
        Some(false)
    } else if PLURAL_CIVILITIES.iter().any(|w| is(w)) {
        Some(true)
    } else {
        None
    }
}

/// Past a function between the civility and the name: `le Président`, `la maire`,
/// `l'adjointe`.
fn skip_title(text: &str, tokens: &[Token], j: usize, buf: &mut String) -> usize {
    let Some(token) = tokens.get(j).filter(|t| t.trail(text).is_empty()) else {
        return j;
    };
    let low = lower(buf, token.core(text));
    if matches!(low, "le" | "la") {
        let title = tokens
            .get(j + 1)
            .is_some_and(|t| !t.has_lead() && t.trail(text).is_empty() && is_title(lower(buf, t.core(text))));
        return if title { j + 2 } else { j };
    }
    let elided = low.strip_prefix("l'").or_else(|| low.strip_prefix("l’"));
    if is_title(elided.unwrap_or(low)) {
        j + 1
    } else {
        j
    }
}

/// Masks the names after the civility at `i`; the index after them, if there were any.
fn civility_names(
    text: &str,
    tokens: &[Token],
    i: usize,
    plural: bool,
    buf: &mut String,
    spans: &mut Vec<Span>,
) -> Option<usize> {
    let mut j = skip_title(text, tokens, i + 1, buf);
    let mut after = None;
    while let Some(run) = name_run(text, tokens, j, buf) {
        spans.push(name_span(tokens, j, run));
        let next = run.0 + 1;
        after = Some(next);
        if !plural {
            break;
        }
        // "MM. Dupont, Durand et Martin": a plural civility names several persons.
        let is_et = tokens.get(next).is_some_and(|t| t.core(text) == "et" && !t.has_lead() && t.trail(text).is_empty());
        if is_et {
            j = next + 1;
        } else if tokens[run.0].trail(text) == "," {
            j = next;
        } else {
            break;
        }
    }
    after
}

/// Whether `core` is a known first name, or a compound of known first names (`Anne-Sophie`).
fn is_first_name(core: &str, buf: &mut String) -> bool {
    let known = |part: &str, buf: &mut String| {
        lower(buf, part);
        if buf.is_ascii()
            || unicode_normalization::is_nfc_quick(buf.chars()) == unicode_normalization::IsNormalized::Yes
        {
            FIRST_NAMES.contains(buf.as_str())
        } else {
            FIRST_NAMES.contains(&buf.nfc().collect::<String>())
        }
    };
    known(core, buf) || (core.contains('-') && core.split('-').all(|p| !p.is_empty() && known(p, buf)))
}

/// The name starting with the first name at `i` (`Jean Dupont`, `Jean de La Fontaine`), if
/// one does: a known first name followed, in the same sentence, by a capitalised word.
fn first_name_run(text: &str, tokens: &[Token], i: usize, buf: &mut String) -> Option<(usize, bool)> {
    let token = &tokens[i];
    // Punctuation after the first name: what follows is another clause or sentence.
    if !token.trail(text).is_empty() {
        return None;
    }
    let next = tokens.get(i + 1).filter(|t| !t.has_lead())?;
    // Cheap tests first: most words are followed by a lowercase word.
    let next_first = next.core(text).chars().next()?;
    if !next_first.is_uppercase() && !matches!(next_first, 'd' | 'v' | 'l' | 't') {
        return None;
    }
    let core = token.core(text);
    if !core.chars().next().is_some_and(char::is_uppercase) || kind(text, token, buf) != Kind::Name {
        return None;
    }
    if !is_first_name(core, buf) {
        return None;
    }
    let before = i.checked_sub(1).map(|p| &tokens[p]).filter(|t| t.trail(text).is_empty());
    if before.is_some_and(|t| names_a_place(lower(buf, t.core(text)))) {
        return None;
    }
    name_run(text, tokens, i + 1, buf)
}

/// Adds the names after civilities and after known first names to `spans`.
pub(super) fn find_persons(text: &str, tokens: &[Token], spans: &mut Vec<Span>) {
    let mut buf = String::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some(plural) = civility(text, &tokens[i]) {
            match civility_names(text, tokens, i, plural, &mut buf, spans) {
                Some(next) => i = next,
                None => i += 1,
            }
            continue;
        }
        if let Some(run) = first_name_run(text, tokens, i, &mut buf) {
            spans.push(name_span(tokens, i, run));
            i = run.0 + 1;
            continue;
        }
        i += 1;
    }
}

/// Names of persons recorded as authors, found ignoring case at word boundaries.
#[derive(Debug, Default)]
pub(super) struct KnownNames {
    /// By their first word, lowercase: each word of a text is looked up once, however many
    /// names there are. Longest first, so that "Claire Martin" wins over "Claire".
    by_first_word: FxHashMap<String, Vec<Vec<char>>>,
}

impl KnownNames {
    pub(super) fn new<'a>(names: impl Iterator<Item = &'a str>) -> Self {
        let mut by_first_word: FxHashMap<String, Vec<Vec<char>>> = FxHashMap::default();
        for name in names {
            let name = name.trim_matches(|c: char| !is_word_char(c));
            if name.chars().count() < 3 {
                continue;
            }
            // Texts come with composed or decomposed accents; a name is looked for in both.
            for form in [name.nfc().collect::<Vec<char>>(), name.nfd().collect()] {
                let key: String =
                    form.iter().take_while(|c| is_word_char(**c)).flat_map(|c| c.to_lowercase()).collect();
                let needles = by_first_word.entry(key).or_default();
                if !needles.contains(&form) {
                    needles.push(form);
                }
            }
        }
        for needles in by_first_word.values_mut() {
            needles.sort_by_key(|n| Reverse(n.len()));
        }
        Self { by_first_word }
    }

    /// Adds where the names stand in `text` to `spans`.
    pub(super) fn find(&self, text: &str, spans: &mut Vec<Span>) {
        if self.by_first_word.is_empty() {
            return;
        }
        let mut buf = String::new();
        let mut pos = 0;
        // `pos` is always at the start of the text or on a char that is no word char, so each
        // word found starts at a word boundary.
        while let Some(offset) = text[pos..].find(is_word_char) {
            let start = pos + offset;
            let end = text[start..].find(|c: char| !is_word_char(c)).map_or(text.len(), |o| start + o);
            pos = end;
            let Some(needles) = self.by_first_word.get(lower(&mut buf, &text[start..end])) else {
                continue;
            };
            let found = needles.iter().find_map(|needle| {
                let m = match_at(text, start, needle)?;
                text[m..].chars().next().is_none_or(|c| !is_word_char(c)).then_some(m)
            });
            if let Some(m) = found {
                spans.push(Span { start, end: m, mask: NAME_MASK });
                pos = pos.max(m);
            }
        }
    }
}

/// Where `needle` ends if it stands at byte `start` of `text`, comparing char by char
/// ignoring case, so that no byte offset of a lowercased copy is ever used; any whitespace
/// of the needle matches any whitespace of the text ("Claire Martin" with a no-break space).
fn match_at(text: &str, start: usize, needle: &[char]) -> Option<usize> {
    let mut chars = text[start..].char_indices().peekable();
    let mut n = 0;
    while n < needle.len() {
        if needle[n].is_whitespace() {
            while needle.get(n).is_some_and(|c| c.is_whitespace()) {
                n += 1;
            }
            let mut spaces = 0;
            while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {
                spaces += 1;
            }
            if spaces == 0 {
                return None;
            }
        } else {
            let (_, c) = chars.next()?;
            if !eq_ignoring_case(needle[n], c) {
                return None;
            }
            n += 1;
        }
    }
    Some(chars.peek().map_or(text.len(), |&(i, _)| start + i))
}

/// `K` (U+212A KELVIN SIGN) and `k` are equal, `İ` and `i` are not (`İ` lowercases to two
/// chars).
fn eq_ignoring_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

/// Whether `lower` (lowercase, NFC) is in the first-name list.
#[cfg(test)]
pub(super) fn is_known_first_name(lower: &str) -> bool {
    FIRST_NAMES.contains(lower)
}

/// How many first names the list holds.
#[cfg(test)]
pub(super) fn first_names_count() -> usize {
    FIRST_NAMES.len()
}
