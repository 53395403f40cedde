//! Read, modify, write: fetch an Access application, change one setting, and send the whole
//! application back. Everything else it had, including fields this client does not know,
//! goes back unchanged.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ACCOUNT_ID=... cargo run --example update_application -- APP_ID
//! ```

use cloudflare_access::types::ApplicationRequest;
use cloudflare_access::{Client, Scope};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let account = Scope::account(std::env::var("CLOUDFLARE_ACCOUNT_ID")?);
    let app_id = std::env::args()
        .nth(1)
        .ok_or("usage: update_application APP_ID")?;
    let applications = client.zero_trust().access().applications();

    let app = applications.get(&account, &app_id).await?;
    println!(
        "fetched {} application {:?} ({:?})",
        app.tag().unwrap_or("unknown"),
        app.name(),
        app.id()
    );

    // The fetched application as the request that replaces it, with one change. The
    // conversion keeps the kind of application (its `type` tag) and every setting.
    let request = ApplicationRequest::from(app).with_name("Renamed by update_application");
    let updated = applications.update(&account, &app_id, &request).await?;
    println!("updated: now named {:?}", updated.name());
    Ok(())
}
