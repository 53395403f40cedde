//! Rotate a service token's client secret, and keep the new secret out of the logs.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ACCOUNT_ID=... SERVICE_TOKEN_ID=... \
//!     cargo run --example rotate_service_token
//! ```

use cloudflare_access::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let account_id = std::env::var("CLOUDFLARE_ACCOUNT_ID")?;
    let token_id = std::env::var("SERVICE_TOKEN_ID")?;

    let rotated = client
        .zero_trust()
        .access()
        .service_tokens()
        .rotate(&account_id, &token_id)
        .await?;
    // `Debug` never shows the secret: this prints `client_secret: <redacted>`.
    println!("rotated: {rotated:?}");
    // The secret is only returned now; hand it to your secret store, not to stdout.
    let secret = rotated.client_secret.as_deref().unwrap_or_default();
    println!("new secret received ({} characters)", secret.len());
    Ok(())
}
