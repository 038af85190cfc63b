//! Names of persons: the run of capitalised words after a civility (`M. Jean de La Fontaine`)
//! or after a known first name (`Jean Dupont`); lowercase names after an unambiguous
//! civility (`mme rozenblum`, `madame claire martin`); an initial and a surname (`J. Dupont`);
//! a surname before a known first name (`Dupont Jean`); and the names known as authors.

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
const SINGULAR_CIVILITIES: [&str; 14] = [
    "mme",
    "mlle",
    "mr",
    // English civilities ("Mrs. Brown"); `Mrs`, `Ms` and `Prof.` only as written so (see
    // [`civility`]).
    "miss",
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
            // "V. Ci-dessus" written "V. Ci dessus".
            | "ci"
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
            | "général"
            | "colonel"
            | "commandant"
            | "capitaine"
            | "lieutenant"
            | "amiral"
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
            // Places and institutions named after a first name: "Port Louis", "Île Maurice",
            // "Notre Dame", "Mont Louis", "Association Marie …".
            | "port"
            | "mont"
            | "fort"
            | "île"
            | "ile"
            | "cap"
            | "val"
            | "lac"
            | "pointe"
            | "villa"
            | "bourg"
            | "notre"
            | "église"
            | "abbaye"
            | "chapelle"
            | "cathédrale"
            | "basilique"
            | "résidence"
            | "cité"
            | "quartier"
            | "domaine"
            | "château"
            | "association"
            | "club"
            | "hôtel"
            | "gare"
            | "aéroport"
            | "théâtre"
            | "cinéma"
            | "festival"
            | "radio"
            | "san"
            | "santa"
            | "dom"
            | "mac"
            // Religious titles name public figures and feasts: "Abbé Pierre", "Père Noël".
            | "abbé"
            | "abbe"
            | "père"
            | "pere"
            | "mère"
            | "frère"
            | "sœur"
            | "soeur"
    )
}

/// Nouns a single capital letter follows as a designation, not as a person's initial:
/// "catégorie A. Interdire", "plan B. Pourquoi".
fn designates_by_letter(lower: &str) -> bool {
    matches!(
        lower,
        "catégorie"
            | "categorie"
            | "type"
            | "plan"
            | "classe"
            | "groupe"
            | "niveau"
            | "vitamine"
            | "article"
            | "annexe"
            | "point"
            | "option"
            | "case"
            | "zone"
            | "note"
            | "lettre"
            | "bac"
            | "permis"
            | "instant"
            | "jour"
            | "étape"
            | "partie"
            | "chapitre"
            | "tableau"
            | "page"
            | "section"
            | "phase"
            | "série"
            | "serie"
            | "modèle"
            | "version"
            | "bâtiment"
            | "batiment"
            | "lot"
            | "axe"
            | "scénario"
            | "scenario"
            | "hypothèse"
            | "volet"
            | "voie"
            | "ligne"
            // "le A. Il faut": an article before a letter.
            | "le"
            | "la"
    )
}

/// A word no name is: the scrubber's own stop words, and the synthesis's French ones
/// (Snowball's list and the fillers of answers), compared without accents.
fn is_common_word(lower: &str) -> bool {
    is_stop_word(lower) || {
        let folded = crate::text::fold_accents(lower);
        crate::text::FRENCH_STOP_WORDS.contains(&folded.as_str())
    }
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
    // "M" and "Me" are ordinary words in other cases ("m." is a metre, "me" a pronoun), "ms"
    // is written for "mais", "MRS" is an acronym (méthode de recrutement par simulation).
    match core {
        "M" | "Me" | "ME" | "Ms" | "Mrs" | "mrs" => return Some(false),
        // "prof de maths": the short form is a civility with its full stop only.
        "Prof" | "prof" if trail == "." => return Some(false),
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
    // "JE ME CHAUFFE AU BOIS", "ON ME REMBOURSE": in a text in capitals, "ME" is the
    // pronoun (a quarter of the masks on the Grand Débat answers were such verbs).
    if tokens[i].core(text) == "ME" && tokens.get(i + 1).is_some_and(|t| !t.core(text).chars().any(char::is_lowercase))
    {
        return None;
    }
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

/// A lowercase word that may be a name (`rozenblum`, `claire`): letters only, no lead
/// punctuation, and no common word, function or particle.
fn lowercase_name(text: &str, token: &Token, buf: &mut String) -> bool {
    let core = token.core(text);
    let Some(first) = core.chars().next() else { return false };
    if token.has_lead() || !first.is_lowercase() || core.chars().count() < 2 {
        return false;
    }
    // No apostrophe: "Mr l'Etat" names nobody.
    let letters_only =
        core.chars().all(|c| c.is_alphabetic() || unicode_normalization::char::is_combining_mark(c) || c == '-');
    if !letters_only {
        return false;
    }
    let low = lower(buf, core);
    !(is_particle(low) || is_title(low) || is_common_word(low))
}

/// Civilities after which a lowercase name is still a name: the abbreviations, which are
/// nothing else (`mme rozenblum`), and the long forms before a known first name only
/// (`madame claire martin`; "un monsieur âgé" names nobody). The second value says which.
fn lowercase_civility(text: &str, token: &Token, buf: &mut String) -> Option<bool> {
    let trail = token.trail(text);
    if !(trail.is_empty() || trail == ".") {
        return None;
    }
    match lower(buf, token.core(text)) {
        "mme" | "mmes" | "mlle" | "mlles" | "mr" | "mrs" => Some(false),
        "madame" | "monsieur" | "mademoiselle" => Some(true),
        _ => None,
    }
}

/// Determiners: after them, `mme` is written for "même" ("le mme problème", "en mme
/// temps"), `mr` is a common noun ("un mr manchot"), and two capitalised words are a thing
/// ("la Charte Marianne", "une Renault Zoe"), not a person.
fn is_determiner(lower: &str) -> bool {
    matches!(
        lower,
        "le" | "la"
            | "les"
            | "l'"
            | "l’"
            | "un"
            | "une"
            | "en"
            | "du"
            | "des"
            | "au"
            | "aux"
            | "ce"
            | "cet"
            | "cette"
            | "ces"
            | "mon"
            | "ma"
            | "mes"
            | "ton"
            | "ta"
            | "tes"
            | "son"
            | "sa"
            | "ses"
            | "notre"
            | "votre"
            | "nos"
            | "vos"
            | "leur"
            | "leurs"
            | "ex"
            | "cf"
    )
}

/// The lowercase form of the token before `i`, when no punctuation stands between them.
fn word_before<'b>(text: &str, tokens: &[Token], i: usize, buf: &'b mut String) -> Option<&'b str> {
    let before = i.checked_sub(1).map(|p| &tokens[p]).filter(|t| t.trail(text).is_empty())?;
    Some(lower(buf, before.core(text)))
}

/// The lowercase name after the civility at `i` (`mme rozenblum`, `mme claire martin`), if
/// there is one: a known first name and the word after it, or for an abbreviation a word.
fn lowercase_names(text: &str, tokens: &[Token], i: usize, buf: &mut String) -> Option<Span> {
    let needs_first_name = lowercase_civility(text, &tokens[i], buf)?;
    if word_before(text, tokens, i, buf).is_some_and(is_determiner) {
        return None;
    }
    let first = tokens.get(i + 1).filter(|t| lowercase_name(text, t, buf))?;
    let first_name = is_first_name(first.core(text), buf);
    if needs_first_name && !first_name {
        return None;
    }
    let mut last = first;
    if first_name && first.trail(text).is_empty() {
        if let Some(surname) = tokens.get(i + 2).filter(|t| lowercase_name(text, t, buf)) {
            last = surname;
        }
    }
    Some(Span { start: first.core_start, end: last.core_end, mask: NAME_MASK })
}

/// The longest core of an initial: `J.-P.-M` in bytes, with room for accented capitals.
const MAX_INITIAL_BYTES: usize = 12;

/// `J. Dupont` with no civility before it: a single initial (`J.`, `J.-P.`) and a capitalised
/// word that is no common word. Not after a capitalised word ("Super U. Demander") nor after
/// a noun a letter designates ("catégorie A. Interdire"). The run, like [`name_run`]'s.
fn initial_run(text: &str, tokens: &[Token], i: usize, buf: &mut String) -> Option<(usize, bool)> {
    let token = &tokens[i];
    let core = token.core(text);
    // Cheap tests first: an initial is short, capitalised and ends with a full stop.
    if core.len() > MAX_INITIAL_BYTES || !core.starts_with(char::is_uppercase) || token.trail(text) != "." {
        return None;
    }
    // A letter, or letters joined by a dash: "C.P." or "R.A.S." is an acronym.
    if core.chars().filter(|c| c.is_alphabetic()).count() > 1 && !core.contains('-') {
        return None;
    }
    if kind(text, token, buf) != Kind::Initial {
        return None;
    }
    let next = tokens.get(i + 1).filter(|t| !t.has_lead())?;
    if kind(text, next, buf) != Kind::Name || is_common_word(lower(buf, next.core(text))) {
        return None;
    }
    if let Some(before) = i.checked_sub(1).map(|p| &tokens[p]).filter(|t| t.trail(text).is_empty()) {
        let low = lower(buf, before.core(text));
        // A capitalised word before ("Super U. Demander") makes the letter part of a name
        // of a thing; a sentence's first word ("C'est A. Sen") does not.
        let capitalised =
            before.core(text).starts_with(char::is_uppercase) && !low.contains(['\'', '’']) && !is_common_word(low);
        // "de A à Z. Pourquoi"
        let a_to_z = core == "Z" && matches!(low, "à" | "a" | "jusqu'à" | "jusqu’à");
        if capitalised || a_to_z || designates_by_letter(low) {
            return None;
        }
        // "les catégories C et B. Améliorer": letters listed, not a person.
        let listed = matches!(low, "et" | "ou")
            && i.checked_sub(2).is_some_and(|p| {
                let core = tokens[p].core(text);
                core.chars().count() == 1 && core.starts_with(char::is_uppercase)
            });
        if listed {
            return None;
        }
    }
    // "R. H", "L. Éducation": a letter, or a common noun, after the initial.
    if next.core(text).chars().count() < 2 || looks_common(next.core(text), buf) {
        return None;
    }
    name_run(text, tokens, i, buf)
}

/// `Dupont Jean`, `DUPONT Jean`: a capitalised word then a known first name, the surname
/// first as on lists and signatures. Not when the word is a common word, a function, names
/// a place or institution ("Port Louis", "Lycée Jean Moulin"), or follows such a word; not
/// for a short acronym ("CGT Philippe"); and not when a capitalised word follows the first
/// name ("Fondation Abbé Pierre", "Rassemblement Marine Le Pen": the first name starts the
/// name there). The last token of the name.
fn surname_first(text: &str, tokens: &[Token], i: usize, buf: &mut String) -> Option<usize> {
    let token = &tokens[i];
    // Cheap tests first: most words are lowercase or end a clause.
    if !token.trail(text).is_empty() || !token.core(text).chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let next = tokens.get(i + 1).filter(|t| !t.has_lead())?;
    let next_core = next.core(text);
    let all_caps = |s: &str| !s.chars().any(char::is_lowercase);
    // "CARTE VITAL", "ZONE BLANCHE": a text in capitals says nothing of what is a name;
    // "DUPONT Jean" does. Tested before the look-up: texts in capitals are many.
    if !next_core.chars().next().is_some_and(char::is_uppercase) || all_caps(next_core) {
        return None;
    }
    if !is_first_name(next_core, buf) {
        return None;
    }
    if kind(text, token, buf) != Kind::Name || kind(text, next, buf) != Kind::Name {
        return None;
    }
    let core = token.core(text);
    // "CGT Philippe": a short acronym.
    if core.chars().count() <= 3 && all_caps(core) {
        return None;
    }
    if is_ordinary_first_name(lower(buf, next_core)) {
        return None;
    }
    let low = lower(buf, core);
    if names_a_place(low) || is_common_word(low) {
        return None;
    }
    if looks_common(core, buf) {
        return None;
    }
    if word_before(text, tokens, i, buf).is_some_and(|w| names_a_place(w) || is_determiner(w)) {
        return None;
    }
    let after = tokens.get(i + 2).filter(|t| !t.has_lead() && next.trail(text).is_empty());
    if after.is_some_and(|t| kind(text, t, buf) == Kind::Name) {
        return None;
    }
    Some(i + 1)
}

/// First names that are ordinary words after a capitalised word: "Carte Vital", "Transports
/// Urbain", "Joyeux Noël", "Charlie Hebdo", "Dom Tom", "Kosovo Albanie", "CPAM Nancy".
fn is_ordinary_first_name(lower: &str) -> bool {
    matches!(
        lower,
        "claire"
            | "blanche"
            | "manuel"
            | "vital"
            | "grace"
            | "marin"
            | "urbain"
            | "line"
            | "noël"
            | "noel"
            | "june"
            | "albanie"
            | "nancy"
            | "marianne"
            | "charlie"
            | "tom"
            | "rose"
            | "olive"
            | "victoire"
            | "aimé"
            | "désiré"
            | "félicité"
            | "prudence"
            | "constance"
            | "fidèle"
            | "léger"
            | "merlin"
            | "capucine"
            | "océane"
            | "espérance"
    )
}

/// Endings of French common nouns that no surname has: "Formation Voltaire", "L. Éducation".
fn looks_common(core: &str, buf: &mut String) -> bool {
    let low = lower(buf, core);
    ["tion", "sion", "ment", "isme", "ité", "ance", "ence"].iter().any(|e| low.ends_with(e) && low.len() > e.len() + 2)
}

/// Adds the names after civilities, after known first names, after initials and before
/// known first names to `spans`.
pub(super) fn find_persons(text: &str, tokens: &[Token], spans: &mut Vec<Span>) {
    let mut buf = String::new();
    let mut i = 0;
    while i < tokens.len() {
        if let Some(plural) = civility(text, &tokens[i]) {
            match civility_names(text, tokens, i, plural, &mut buf, spans) {
                Some(next) => i = next,
                None => match lowercase_names(text, tokens, i, &mut buf) {
                    Some(span) => {
                        spans.push(span);
                        i += 2;
                    }
                    None => i += 1,
                },
            }
            continue;
        }
        if let Some(run) = first_name_run(text, tokens, i, &mut buf) {
            spans.push(name_span(tokens, i, run));
            i = run.0 + 1;
            continue;
        }
        // Both rules below start on a capital: one test settles most words.
        let core = tokens[i].core(text).as_bytes();
        if core.first().is_some_and(u8::is_ascii_lowercase) || core.is_empty() {
            i += 1;
            continue;
        }
        if let Some(run) = initial_run(text, tokens, i, &mut buf) {
            spans.push(name_span(tokens, i, run));
            i = run.0 + 1;
            continue;
        }
        if let Some(last) = surname_first(text, tokens, i, &mut buf) {
            spans.push(name_span(tokens, i, (last, false)));
            i = last + 1;
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
