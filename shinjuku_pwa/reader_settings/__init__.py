"""Reader settings: text size, contrast and furigana, kept in a cookie on the reader's device."""
