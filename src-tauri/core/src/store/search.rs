//! Turning what the user typed into an FTS5 query, and marking the hits in titles and excerpts.
//! The query is built from word tokens only (never raw user syntax), so no input can produce an
//! FTS syntax error or an injection. Highlighting is done here (the index is contentless) and
//! returned as spans, so the UI renders text nodes — never HTML built from job data.

use super::TextSpan;

/// At most this many words of a search are used.
const MAX_TERMS: usize = 8;

/// Every FTS column user words are matched against (`meta` holds filter tokens only).
pub(crate) const TEXT_COLUMNS: &str = "title department location postings description";

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

/// A filter token for an id (department, location): hex of its bytes, so two distinct ids never
/// share a token whatever characters they use.
pub(crate) fn id_token(kind: &str, id: &str) -> String {
    use std::fmt::Write;
    let mut out = format!("zz{kind}");
    for b in id.bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// What a job's `meta` column is built from.
pub(crate) struct MetaFacts<'a> {
    pub status: &'a str,
    pub employment_type: Option<&'a str>,
    pub workplace_type: Option<&'a str>,
    pub listed: bool,
    /// The job's department and its ancestors: a department filter includes its teams.
    pub department_chain: &'a [String],
    /// The job's location and its ancestors: a region filter includes its offices.
    pub location_chain: &'a [String],
}

/// The `meta` column text of a job.
pub(crate) fn meta_tokens(f: &MetaFacts<'_>) -> String {
    let mut t = vec![meta_token("status", f.status)];
    if let Some(e) = f.employment_type {
        t.push(meta_token("employment", e));
    }
    if let Some(w) = f.workplace_type {
        t.push(meta_token("workplace", w));
    }
    t.push(meta_token("listed", if f.listed { "1" } else { "0" }));
    t.extend(f.department_chain.iter().map(|id| id_token("dept", id)));
    t.extend(f.location_chain.iter().map(|id| id_token("loc", id)));
    t.join(" ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SearchTerms {
    /// Folded (lower-case, diacritics removed) words.
    terms: Vec<String>,
    /// The last term matches as a prefix.
    last_is_prefix: bool,
    /// The indexed words that complete the last term, when they were looked up (see
    /// [`SearchTerms::prefix_to_expand`]).
    completions: Vec<String>,
}

/// Prefix lengths the FTS tables index (`prefix = '2 3'`): those prefix queries are cheap.
const INDEXED_PREFIX_MAX: usize = 3;

/// At most this many completions replace a prefix; beyond, the index's own prefix query is used.
pub(crate) const MAX_COMPLETIONS: usize = 64;

/// The words of `text` that go into the completion vocabulary (`search_vocab`): folded like the
/// index folds them, and longer than the prefixes the index answers itself.
pub(crate) fn vocabulary_words(text: &str) -> impl Iterator<Item = String> + '_ {
    words(text)
        .filter(|(_, w)| w.chars().nth(INDEXED_PREFIX_MAX).is_some())
        .map(|(_, w)| fold(w))
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
            completions: Vec::new(),
        })
    }

    /// The last term, when it is a prefix longer than the index's prefix indexes. FTS5 answers
    /// such a prefix by merging the whole doclist of every completion before returning a row
    /// (~10 ms for a common word on 100k jobs), so the caller looks its completions up in the
    /// vocabulary and passes them to [`SearchTerms::set_completions`]: an OR of whole words is
    /// walked lazily, newest first, and stops after a page.
    pub(crate) fn prefix_to_expand(&self) -> Option<&str> {
        let last = self.terms.last()?;
        (self.last_is_prefix && last.chars().nth(INDEXED_PREFIX_MAX).is_some())
            .then_some(last.as_str())
    }

    /// Words of the index that start with the last term. Ignored when empty or too many (the
    /// prefix query is used then, which is always correct).
    pub(crate) fn set_completions(&mut self, words: Vec<String>) {
        self.completions = words;
    }

    /// The words as an FTS5 expression: every word must occur (in any text column).
    pub(crate) fn match_expr(&self) -> String {
        let n = self.terms.len();
        let expand = !self.completions.is_empty() && self.completions.len() <= MAX_COMPLETIONS;
        self.terms
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i + 1 == n && self.last_is_prefix && expand {
                    let words: Vec<String> = self
                        .completions
                        .iter()
                        .map(|w| format!("\"{w}\""))
                        .collect();
                    format!("({})", words.join(" OR "))
                } else if i + 1 == n && self.last_is_prefix {
                    format!("\"{t}\"*")
                } else {
                    format!("\"{t}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The full MATCH: every word in one of `columns` (default: every column but `meta`, so
    /// words never hit a filter token), ANDed with each group of filter tokens (tokens within a
    /// group are ORed).
    pub(crate) fn match_in(&self, columns: Option<&str>, filter_groups: &[Vec<String>]) -> String {
        let mut out = match columns {
            Some(c) => format!("{{{c}}} : ({})", self.match_expr()),
            None => format!("- {{meta}} : ({})", self.match_expr()),
        };
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
        let (hit, word) = words(text).find(|(_, w)| self.matches_word(w))?;
        let hit_end = hit + word.len();
        let mut start = floor_boundary(text, hit.saturating_sub(before));
        let mut end = floor_boundary(text, (hit + after).min(text.len())).max(hit_end);
        let ws_before = |i: usize| text[..i].ends_with(char::is_whitespace);
        let ws_at = |i: usize| text[i..].starts_with(char::is_whitespace);
        // Snap to whitespace so the excerpt starts and ends at word boundaries: the first
        // whole word after `start` (the hit itself if none), the last whole word before `end`
        // (the end of the hit's word if none).
        if start > 0 && !ws_before(start) {
            start = match text[start..hit].find(char::is_whitespace) {
                Some(ws) => start + ws,
                None => hit,
            };
        }
        while start < hit && ws_at(start) {
            start += text[start..].chars().next().map_or(1, char::len_utf8);
        }
        if end < text.len() && !ws_at(end) && !ws_before(end) {
            end = match text[hit_end..end].rfind(char::is_whitespace) {
                Some(ws) => hit_end + ws,
                None => text[end..]
                    .find(char::is_whitespace)
                    .map_or(text.len(), |ws| end + ws),
            };
        }
        let end = text[..end].trim_end().len().max(hit_end);
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
        assert_eq!(t.match_expr(), r#""senior" AND "eng" AND "or" AND "x""#);
        let t = SearchTerms::parse("back-end devel").unwrap();
        assert_eq!(t.match_expr(), r#""back" AND "end" AND "devel"*"#);
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
    fn snippets_start_and_end_at_word_boundaries() {
        let t = SearchTerms::parse("kubernetes").unwrap();
        let text = "Alpha bravo charlie delta echo foxtrot. You will run Kubernetes clusters \
                    across regions with golf hotel india juliet kilo lima mike.";
        for before in 0..50 {
            for after in 10..80 {
                let s = marked(&t.snippet(text, before, after).unwrap());
                let body = s.trim_start_matches('…').trim_end_matches('…');
                assert!(body.contains("[Kubernetes]"), "{before}/{after}: {s}");
                let plain = body.replace(['[', ']'], "");
                let pos = text
                    .find(&plain)
                    .unwrap_or_else(|| panic!("not in the text: {s}"));
                let end = pos + plain.len();
                assert!(
                    pos == 0 || text[..pos].ends_with(' '),
                    "{before}/{after}: starts mid-word: {s}"
                );
                assert!(
                    end == text.len() || text[end..].starts_with(' '),
                    "{before}/{after}: ends mid-word: {s}"
                );
                assert!(!body.starts_with(' ') && !body.ends_with(' '), "{s:?}");
            }
        }
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
