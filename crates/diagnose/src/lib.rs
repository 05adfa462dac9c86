//! The diagnosis of one captured call, and of a HAR file's many.
//!
//! A call is checked offline ([`checks`]), replayed byte for byte ([`replay`], following
//! [`redirects`]), its answer classified ([`classify`]; [`front_end`] tells an answer that did not
//! come from Upwork: a bot challenge, a proxy, a captive portal) and explained, a corrected request
//! sent ([`correct`], [`refresh`], [`username`]); [`pipeline`] runs these steps in order and
//! [`exchange`] holds what each sent and got. [`bundle`] writes the support bundle, [`environment`]
//! describes the machine, [`scan`] looks at every entry of a HAR file, [`output`] is the commands'
//! `--format` (text or JSON). [`fuzzing`] is the parsers' fuzz entry points.

pub mod bundle;
pub mod checks;
pub mod classify;
pub mod correct;
pub mod environment;
pub mod exchange;
pub mod front_end;
pub mod fuzzing;
pub mod output;
pub mod pipeline;
pub mod redirects;
pub mod refresh;
pub mod replay;
pub mod scan;
pub mod username;
