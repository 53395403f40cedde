//! List every Access application of an account, page by page.
//!
//! ```sh
//! CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ACCOUNT_ID=... cargo run --example list_applications
//! ```
//!
//! Against the Prism mock server instead of the real API, add
//! `CLOUDFLARE_BASE_URL=http://127.0.0.1:4010` (any token will do).

use std::pin::pin;

use cloudflare_access::{types::Application, Client, Scope};
use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let account = Scope::account(std::env::var("CLOUDFLARE_ACCOUNT_ID")?);
    let applications = client.zero_trust().access().applications();

    // `.items()` asks for the next page only when the previous one is used up, and stops on
    // the last page.
    let mut every = pin!(applications.list(&account).per_page(50).items());
    let mut count = 0;
    while let Some(application) = every.next().await {
        let application = application?;
        count += 1;
        match &application {
            Application::SelfHosted(app) => {
                println!("self-hosted {:?} at {:?}", app.name, app.domain)
            }
            Application::SaaS(app) => println!("SaaS {:?}", app.name),
            // Types this version of the client does not know arrive intact as JSON.
            Application::Unknown(json) => println!("a new kind of application: {json}"),
            other => println!("{other:?}"),
        }
    }
    println!("{count} applications");
    Ok(())
}
