//! Rotate a service token's client secret, and keep the new secret out of the logs.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ACCOUNT_ID=... SERVICE_TOKEN_ID=... \
//!     cargo run --example rotate_service_token
//! ```

use cloudflare_access::types::ServiceTokenRotateRequest;
use cloudflare_access::{Client, DateTime};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let account_id = std::env::var("CLOUDFLARE_ACCOUNT_ID")?;
    let token_id = std::env::var("SERVICE_TOKEN_ID")?;

    // Keep the previous secret valid for an hour while services move to the new one; with
    // `ServiceTokenRotateRequest::default()` it expires at once.
    let grace = ServiceTokenRotateRequest {
        previous_client_secret_expires_at: Some(DateTime::from(
            *DateTime::now_utc() + std::time::Duration::from_secs(3600),
        )),
        ..Default::default()
    };
    let rotated = client
        .zero_trust()
        .access()
        .service_tokens()
        .rotate(&account_id, &token_id, &grace)
        .await?;
    // `Debug` never shows the secret: this prints `client_secret: <redacted>`.
    println!("rotated: {rotated:?}");
    // The secret is only returned now; hand it to your secret store, not to stdout.
    let secret = rotated.client_secret.as_deref().unwrap_or_default();
    println!("new secret received ({} characters)", secret.len());
    Ok(())
}
