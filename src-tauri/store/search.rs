//! Turning what the user typed into an FTS5 query, and marking the hits in titles and excerpts.
//! The query is built from word tokens only (never raw user syntax), so no input can produce an
//! FTS syntax error or an injection. Highlighting is done here (the index is contentless) and
//! returned as spans, so the UI renders text nodes — never HTML built from job data.

use super::TextSpan;

/// At most this many words of a search are used.
const MAX_TERMS: usize = 8;

/// The FTS columns user words are matched against (`meta` holds filter tokens only).
const TEXT_COLUMNS: &str = "title department location postings description";

/// A filter token for the FTS `meta` column, e.g. `zzstatusopen`. Only ASCII letters/digits, so
/// the tokenizer keeps it whole; the `zz` prefix keeps it apart from real words.
pub(crate) fn meta_token(kind: &str, value: &str) -> String {
    let v: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    format!("zz{kind}{v}")
}

/// The `meta` column text of a job.
pub(crate) fn meta_tokens(
    status: &str,
    employment_type: Option<&str>,
    workplace_type: Option<&str>,
    listed: bool,
) -> String {
    let mut t = vec![meta_token("status", status)];
    if let Some(e) = employment_type {
        t.push(meta_token("employment", e));
    }
    if let Some(w) = workplace_type {
        t.push(meta_token("workplace", w));
    }
    t.push(meta_token("listed", if listed { "1" } else { "0" }));
    t.join(" ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchTerms {
    /// Folded (lower-case, diacritics removed) words.
    terms: Vec<String>,
    /// The last term matches as a prefix.
    last_is_prefix: bool,
}

impl SearchTerms {
    /// `None` when the text has no word characters.
    pub(crate) fn parse(input: &str) -> Option<SearchTerms> {
        let raw: Vec<&str> = words(input).map(|(_, w)| w).take(MAX_TERMS).collect();
        if raw.is_empty() {
            return None;
        }
        let terms: Vec<String> = raw.iter().map(|w| fold(w)).collect();
        // One-letter prefixes would expand to a large part of the vocabulary; match them whole.
        let last_is_prefix = terms.last().is_some_and(|t| t.chars().count() >= 2);
        Some(SearchTerms {
            terms,
            last_is_prefix,
        })
    }

    /// The words as an FTS5 expression: every word must occur (in any text column).
    pub(crate) fn match_expr(&self) -> String {
        let n = self.terms.len();
        self.terms
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i + 1 == n && self.last_is_prefix {
                    format!("\"{t}\"*")
                } else {
                    format!("\"{t}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The full MATCH: the words restricted to the text columns (so they never hit a filter
    /// token), ANDed with each group of filter tokens (tokens within a group are ORed).
    pub(crate) fn full_match(&self, filter_groups: &[Vec<String>]) -> String {
        let mut out = format!("{{{TEXT_COLUMNS}}} : ({})", self.match_expr());
        for group in filter_groups.iter().filter(|g| !g.is_empty()) {
            out.push_str(" AND meta : (");
            out.push_str(&group.join(" OR "));
            out.push(')');
        }
        out
    }

    /// Whether `word` (as written) matches a term. Folds lazily, without allocating: this runs
    /// for every word of the excerpts on a results page.
    fn matches_word(&self, word: &str) -> bool {
        let n = self.terms.len();
        self.terms.iter().enumerate().any(|(i, t)| {
            let prefix = i + 1 == n && self.last_is_prefix;
            let mut w = word
                .chars()
                .flat_map(char::to_lowercase)
                .map(strip_diacritic);
            let mut tc = t.chars();
            loop {
                match (tc.next(), w.next()) {
                    (None, None) => return true,
                    (None, Some(_)) => return prefix,
                    (Some(a), Some(b)) if a == b => {}
                    _ => return false,
                }
            }
        })
    }

    /// `text` split into spans with the matching words marked.
    pub(crate) fn highlight(&self, text: &str) -> Vec<TextSpan> {
        self.highlight_range(text, 0, text.len())
    }

    fn highlight_range(&self, text: &str, start: usize, end: usize) -> Vec<TextSpan> {
        let mut spans: Vec<TextSpan> = Vec::new();
        let mut push = |s: &str, mark: bool| {
            if s.is_empty() {
                return;
            }
            match spans.last_mut() {
                Some(last) if last.mark == mark && !mark => last.text.push_str(s),
                _ => spans.push(TextSpan {
                    text: s.to_string(),
                    mark,
                }),
            }
        };
        let slice = &text[start..end];
        let mut pos = 0;
        for (off, w) in words(slice) {
            if self.matches_word(w) {
                push(&slice[pos..off], false);
                push(w, true);
                pos = off + w.len();
            }
        }
        push(&slice[pos..], false);
        spans
    }

    /// A short excerpt around the first hit in `text`, or `None` if no word of `text` matches.
    pub(crate) fn snippet(&self, text: &str, before: usize, after: usize) -> Option<Vec<TextSpan>> {
        let (hit, _) = words(text).find(|(_, w)| self.matches_word(w))?;
        let mut start = floor_boundary(text, hit.saturating_sub(before));
        let mut end = floor_boundary(text, (hit + after).min(text.len()));
        // Snap to whitespace so the excerpt doesn't start or end mid-word.
        if start > 0 {
            if let Some(ws) = text[start..hit].find(char::is_whitespace) {
                start += ws + 1;
            }
        }
        if end < text.len() {
            if let Some(ws) = text[hit..end].rfind(char::is_whitespace) {
                end = hit + ws;
            }
        }
        let mut spans = self.highlight_range(text, start, end);
        collapse_whitespace(&mut spans);
        if start > 0 {
            prepend(&mut spans, "…");
        }
        if end < text.len() {
            append(&mut spans, "…");
        }
        Some(spans)
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn collapse_whitespace(spans: &mut [TextSpan]) {
    for s in spans.iter_mut() {
        if s.text.contains(['\n', '\r', '\t']) || s.text.contains("  ") {
            let mut out = String::with_capacity(s.text.len());
            let mut prev_ws = false;
            for c in s.text.chars() {
                if c.is_whitespace() {
                    if !prev_ws {
                        out.push(' ');
                    }
                    prev_ws = true;
                } else {
                    out.push(c);
                    prev_ws = false;
                }
            }
            s.text = out;
        }
    }
}

fn prepend(spans: &mut Vec<TextSpan>, s: &str) {
    match spans.first_mut() {
        Some(first) if !first.mark => first.text.insert_str(0, s),
        _ => spans.insert(
            0,
            TextSpan {
                text: s.into(),
                mark: false,
            },
        ),
    }
}

fn append(spans: &mut Vec<TextSpan>, s: &str) {
    match spans.last_mut() {
        Some(last) if !last.mark => last.text.push_str(s),
        _ => spans.push(TextSpan {
            text: s.into(),
            mark: false,
        }),
    }
}

/// Word tokens like SQLite's unicode61 tokenizer: maximal runs of letters and digits, with their
/// byte offsets.
fn words(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut it = s.char_indices().peekable();
    std::iter::from_fn(move || {
        while let Some(&(_, c)) = it.peek() {
            if c.is_alphanumeric() {
                break;
            }
            it.next();
        }
        let (start, _) = *it.peek()?;
        let mut end = start;
        while let Some(&(i, c)) = it.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            end = i + c.len_utf8();
            it.next();
        }
        Some((start, &s[start..end]))
    })
}

/// Lower-case and strip the common Latin diacritics (close to unicode61 remove_diacritics=2).
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(strip_diacritic)
        .collect()
}

fn strip_diacritic(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ł' | 'ľ' | 'ĺ' | 'ļ' => 'l',
        'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ř' | 'ŗ' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(spans: &[TextSpan]) -> String {
        spans
            .iter()
            .map(|s| {
                if s.mark {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn builds_safe_match_expressions() {
        let t = SearchTerms::parse(r#"Senior "eng* OR -x:"#).unwrap();
        assert_eq!(t.match_expr(), r#""senior" "eng" "or" "x""#);
        let t = SearchTerms::parse("back-end devel").unwrap();
        assert_eq!(t.match_expr(), r#""back" "end" "devel"*"#);
        assert!(SearchTerms::parse("  -- ** ").is_none());
        assert_eq!(SearchTerms::parse("a").unwrap().match_expr(), r#""a""#);
    }

    #[test]
    fn highlights_words_and_last_prefix() {
        let t = SearchTerms::parse("senior eng").unwrap();
        assert_eq!(
            marked(&t.highlight("Senior Software Engineer <script>")),
            "[Senior] Software [Engineer] <script>"
        );
        let t = SearchTerms::parse("cafe").unwrap();
        assert_eq!(marked(&t.highlight("Café Manager")), "[Café] Manager");
    }

    #[test]
    fn snippet_windows_around_first_hit() {
        let text = "We are a company. ".repeat(20)
            + "You will love Kubernetes here. "
            + &"More text follows. ".repeat(20);
        let t = SearchTerms::parse("kubernetes").unwrap();
        let s = marked(&t.snippet(&text, 40, 60).unwrap());
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("[Kubernetes]"), "{s}");
        assert!(s.len() < 140, "{s}");
        assert!(t.snippet("nothing here", 40, 60).is_none());
    }
}
