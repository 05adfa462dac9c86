//! The corrected replay through reqwest.
