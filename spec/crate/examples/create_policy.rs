//! Create a reusable Access policy with include, exclude and require rules.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ACCOUNT_ID=... cargo run --example create_policy
//! ```

use cloudflare_access::types::{
    AccessRule, CountryRule, Decision, DomainRule, EmailRule, PolicyRequest,
};
use cloudflare_access::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let account_id = std::env::var("CLOUDFLARE_ACCOUNT_ID")?;

    // Anyone with an example.com address (include), but not the contractor account
    // (exclude), and only from Portugal (require).
    let mut policy = PolicyRequest::new(
        Decision::Allow,
        vec![AccessRule::EmailDomain(DomainRule::new("example.com".into()))],
        "Employees in Portugal".into(),
    );
    policy.exclude = Some(vec![AccessRule::Email(EmailRule::new(
        "contractor@example.com".into(),
    ))]);
    policy.require = Some(vec![AccessRule::Geo(CountryRule::new("PT".into()))]);
    policy.session_duration = Some("8h".into());

    let created = client
        .zero_trust()
        .access()
        .policies()
        .create(&account_id, &policy)
        .await?;
    println!("created policy {:?} ({:?})", created.name, created.id);
    Ok(())
}
