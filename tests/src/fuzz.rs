//! The properties the fuzz targets check (`fuzz/fuzz_targets/`), shared with the regression
//! test that replays the inputs kept in `tests/fuzz-regressions/`.

use cloudflare_access::types::{Application, Group, Policy};
use cloudflare_access::Envelope;
use openapi_forge::config::Config;
use openapi_forge::Generator;
use serde::{de::DeserializeOwned, Serialize};

/// The generator on arbitrary bytes returns a crate or an error, and never panics. The first
/// byte chooses strict or lenient mode, so both are explored.
pub fn generate(data: &[u8]) {
    let (lenient, spec) = match data.split_first() {
        Some((first, rest)) => (first & 1 == 1, rest),
        None => (false, data),
    };
    let result = Generator::new(Config::default())
        .lenient(lenient)
        .spec_bytes("fuzz.json", spec.to_vec())
        .generate();
    if let Err(error) = result {
        // Every error can be shown.
        let _ = error.to_string();
    }
}

/// Decoding the largest Access types from arbitrary bytes returns a value or an error and
/// never panics; what decodes re-encodes, and a second round trip changes nothing.
pub fn decode(data: &[u8]) {
    round_trip::<Application>(data);
    round_trip::<Policy>(data);
    round_trip::<Group>(data);
    round_trip::<Envelope<Vec<Application>>>(data);
}

fn round_trip<T: DeserializeOwned + Serialize>(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(data) else {
        return;
    };
    let encoded = serde_json::to_value(&value).expect("a decoded value encodes");
    let again: T = serde_json::from_value(encoded.clone()).expect("an encoded value decodes");
    let encoded_again = serde_json::to_value(&again).expect("encodes again");
    assert!(
        crate::same_json(&encoded, &encoded_again),
        "a second round trip changed the value:\n  {encoded}\n  {encoded_again}"
    );
}
