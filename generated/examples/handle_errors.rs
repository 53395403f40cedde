//! Tell a missing resource (404) and rate limiting (429) apart from other failures.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ACCOUNT_ID=... cargo run --example handle_errors
//! ```

use std::time::Duration;

use cloudflare_access::{Client, Error, Scope};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder()
        .credentials(cloudflare_access::Credentials::from_env()?)
        // 429 and 5xx are retried with backoff (honouring Retry-After) up to this many times.
        .max_retries(3)
        .timeout(Duration::from_secs(30));
    if let Ok(url) = std::env::var("CLOUDFLARE_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let account = Scope::account(std::env::var("CLOUDFLARE_ACCOUNT_ID")?);

    let lookup = client
        .zero_trust()
        .access()
        .groups()
        .get(&account, "00000000-0000-0000-0000-000000000000")
        // This call alone: no retries, a shorter timeout. (Against the Prism mock server,
        // `.header("prefer", "code=404")` makes it answer with the spec's 404.)
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .await;
    match lookup {
        Ok(group) => println!("found {:?}", group.name),
        Err(error) if error.is_not_found() => println!("no such group (404)"),
        Err(error) if error.is_rate_limited() => {
            println!("rate limited (429), cf-ray {:?}: try later", error.ray_id())
        }
        Err(Error::Api(api)) => {
            // Cloudflare's error envelope: codes and messages, with the HTTP status.
            for e in &api.errors {
                println!("HTTP {}: error {:?}: {}", api.status, e.code, e.message);
            }
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
