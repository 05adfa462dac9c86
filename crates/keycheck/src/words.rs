//! Words of a free text, and the word patterns the checkpoints look for. Matching whole words
//! (or word stems) keeps the rules explainable: "setup workflow" does not contain "upwork".

use std::ops::Range;

/// A text cut into its alphanumeric words, each with its place in the text.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    spans: Vec<Range<usize>>,
    lower: Vec<String>,
}

impl<'a> Words<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut spans = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (c.is_alphanumeric(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    spans.push(s..i);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            spans.push(s..text.len());
        }
        let lower = spans
            .iter()
            .map(|r| text[r.clone()].to_lowercase())
            .collect();
        Words { text, spans, lower }
    }

    pub fn len(&self) -> usize {
        self.lower.len()
    }

    /// The words, lowercased.
    pub fn lower(&self) -> &[String] {
        &self.lower
    }

    /// The text of words `range`, as written (case and separators kept).
    pub fn original(&self, range: Range<usize>) -> &'a str {
        &self.text[self.spans[range.start].start..self.spans[range.end - 1].end]
    }

    /// The first place where one of `patterns` occurs, as written in the text. A pattern is one
    /// or more words separated by spaces; a word ending in `*` matches any word it begins.
    pub fn find(&self, patterns: &[&str]) -> Option<&'a str> {
        let patterns: Vec<Vec<&str>> = patterns
            .iter()
            .map(|p| p.split_whitespace().collect())
            .collect();
        (0..self.lower.len()).find_map(|start| {
            patterns.iter().find_map(|pattern| {
                let end = start + pattern.len();
                let fits = end <= self.lower.len()
                    && pattern
                        .iter()
                        .zip(&self.lower[start..end])
                        .all(|(p, w)| word_matches(p, w));
                fits.then(|| self.original(start..end))
            })
        })
    }
}

fn word_matches(pattern: &str, word: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(stem) => word.starts_with(stem),
        None => word == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_phrases_and_stems_as_written() {
        let words = Words::new("We will Scrape job posts, in order to sell-data.");
        assert_eq!(words.len(), 10);
        assert_eq!(words.find(&["scrap*"]), Some("Scrape"));
        assert_eq!(words.find(&["in order to"]), Some("in order to"));
        assert_eq!(words.find(&["sell data"]), Some("sell-data"));
        assert_eq!(words.find(&["crawl*", "order"]), Some("order"));
        assert_eq!(words.find(&["scraping"]), None);
    }

    #[test]
    fn an_empty_text_has_no_words() {
        assert_eq!(Words::new("  -- !! ").len(), 0);
    }
}
