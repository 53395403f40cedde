//! Create a reusable Access policy with include, exclude and require rules.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ACCOUNT_ID=... cargo run --example create_policy
//! ```

use cloudflare_access::types::{CountryRule, Decision, DomainRule, EmailRule, PolicyRequest};
use cloudflare_access::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let account_id = std::env::var("CLOUDFLARE_ACCOUNT_ID")?;

    // Anyone with an example.com address (include), but not the contractor account
    // (exclude), and only from Portugal (require). Each rule converts into an `AccessRule`.
    let policy = PolicyRequest::new(
        Decision::Allow,
        vec![DomainRule::new("example.com").into()],
        "Employees in Portugal",
    )
    .with_exclude(vec![EmailRule::new("contractor@example.com").into()])
    .with_require(vec![CountryRule::new("PT").into()])
    .with_session_duration("8h");

    let created = client
        .zero_trust()
        .access()
        .policies()
        .create(&account_id, &policy)
        .await?;
    println!("created policy {:?} ({:?})", created.name, created.id);
    Ok(())
}
