//! An organisation's settings, kept by its office in one place: the closure rules
//! (`closure_rules`) and the header words its imports learnt (`header_words`).

pub mod closure_rules;
pub mod header_words;
