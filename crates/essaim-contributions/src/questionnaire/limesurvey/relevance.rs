//! LimeSurvey's relevance expressions, read only as far as a condition can express them:
//! `CODE == "value"` tests joined by `or`, in any parentheses. Anything else is refused here,
//! and the import keeps the question unconditional with a warning.

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Literal(String),
    Equals,
    Or,
    Open,
    Close,
}

/// `CODE == "value"` tests joined by `or`, in any parentheses; anything else (and, not,
/// comparisons, functions…) is `None`.
pub(super) fn parse_relevance(expression: &str) -> Option<Vec<(String, String)>> {
    let tokens = tokenize(expression)?;
    let mut at = 0;
    let tests = disjunction(&tokens, &mut at, 0)?;
    (at == tokens.len()).then_some(tests)
}

fn tokenize(expression: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = expression.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '=' if chars.next_if(|&(_, n)| n == '=').is_some() => tokens.push(Token::Equals),
            '|' if chars.next_if(|&(_, n)| n == '|').is_some() => tokens.push(Token::Or),
            '"' | '\'' => {
                let end = expression[i + 1..].find(c)? + i + 1;
                tokens.push(Token::Literal(expression[i + 1..end].to_owned()));
                while chars.next_if(|&(j, _)| j <= end).is_some() {}
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some((j, n)) = chars.next_if(|&(_, n)| n.is_ascii_alphanumeric() || n == '_' || n == '.') {
                    end = j + n.len_utf8();
                }
                tokens.push(word(&expression[i..end]));
            }
            _ => return None,
        }
    }
    Some(tokens)
}

fn word(word: &str) -> Token {
    match word.to_ascii_lowercase().as_str() {
        "or" => Token::Or,
        "eq" => Token::Equals,
        _ if word.bytes().all(|b| b.is_ascii_digit() || b == b'.') => Token::Literal(word.to_owned()),
        _ => Token::Name(word.to_owned()),
    }
}

/// Parentheses nest at most this deep: a hostile relevance must not exhaust the stack.
const MAX_DEPTH: usize = 32;

fn disjunction(tokens: &[Token], at: &mut usize, depth: usize) -> Option<Vec<(String, String)>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut tests = term(tokens, at, depth)?;
    while tokens.get(*at) == Some(&Token::Or) {
        *at += 1;
        tests.extend(term(tokens, at, depth)?);
    }
    Some(tests)
}

fn term(tokens: &[Token], at: &mut usize, depth: usize) -> Option<Vec<(String, String)>> {
    if tokens.get(*at) == Some(&Token::Open) {
        *at += 1;
        let tests = disjunction(tokens, at, depth + 1)?;
        (tokens.get(*at) == Some(&Token::Close)).then_some(())?;
        *at += 1;
        return Some(tests);
    }
    let test = match (tokens.get(*at)?, tokens.get(*at + 1)?, tokens.get(*at + 2)?) {
        (Token::Name(n), Token::Equals, Token::Literal(l)) | (Token::Literal(l), Token::Equals, Token::Name(n)) => {
            (n.clone(), l.clone())
        }
        _ => return None,
    };
    *at += 3;
    Some(vec![test])
}

#[cfg(test)]
mod tests {
    use super::super::build::trivial;
    use super::*;

    #[test]
    fn relevance_forms() {
        let pair = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(parse_relevance("((Q1.NAOK == \"Y\"))"), Some(vec![pair("Q1.NAOK", "Y")]));
        assert_eq!(parse_relevance("Q1 == 'A1' or Q1 == 'A2'"), Some(vec![pair("Q1", "A1"), pair("Q1", "A2")]));
        assert_eq!(
            parse_relevance("((123X4X56.NAOK == \"A1\") || (123X4X56.NAOK == \"A2\"))"),
            Some(vec![pair("123X4X56.NAOK", "A1"), pair("123X4X56.NAOK", "A2")])
        );
        assert_eq!(parse_relevance("Q2 == 3"), Some(vec![pair("Q2", "3")]));
        assert_eq!(parse_relevance("Q1 == \"Y\" and Q2 == \"N\""), None);
        assert_eq!(parse_relevance("Q1 > 3"), None);
        assert_eq!(parse_relevance("!is_empty(Q1)"), None);
        assert_eq!(parse_relevance("Q1 == \"Y"), None);
        assert_eq!(parse_relevance("(Q1 == \"Y\""), None);
        assert!(trivial(" ( 1 ) ") && trivial("") && !trivial("Q1 == 1"));
        let deep = format!("{}Q1 == \"Y\"{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(parse_relevance(&deep), None);
        let fine = format!("{}Q1 == \"Y\"{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse_relevance(&fine).is_some());
    }
}
