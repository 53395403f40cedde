//! What a user of the Access client observes of its unions: the variant a payload decodes
//! into, the tag a value built in code carries on the wire, and a fetched resource turned
//! into the request that updates it.

use cloudflare_access::types::{
    AppDestinationPrivate, AppDestinationsItem, Application, ApplicationRequest, Group,
    GroupUpdateRequest, IdentityProvider, IdentityProviderListResponseItem, ScimConfig,
};
use serde_json::{json, Value};

/// One identity provider of each of the 14 types, shaped as the API returns them.
fn providers() -> Vec<(&'static str, Value)> {
    let oauth = |extra: Value| {
        let mut config = json!({"client_id": "<client id>", "client_secret": "<client secret>"});
        if let (Some(config), Some(extra)) = (config.as_object_mut(), extra.as_object()) {
            config.extend(extra.clone());
        }
        config
    };
    let provider = |kind: &str, config: Value| {
        json!({
            "id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
            "name": format!("Widget Corps {kind}"),
            "type": kind,
            "config": config,
            "scim_config": {"enabled": true, "user_deprovision": true}
        })
    };
    vec![
        (
            "AzureAd",
            provider(
                "azureAD",
                oauth(json!({"directory_id": "<directory>", "support_groups": true})),
            ),
        ),
        (
            "Centrify",
            provider(
                "centrify",
                oauth(
                    json!({"centrify_account": "https://abc123.my.centrify.com/", "centrify_app_id": "exampleapp"}),
                ),
            ),
        ),
        ("Facebook", provider("facebook", oauth(json!({})))),
        ("Github", provider("github", oauth(json!({})))),
        (
            "Google",
            provider("google", oauth(json!({"claims": ["email_verified"]}))),
        ),
        (
            "GoogleApps",
            provider(
                "google-apps",
                oauth(json!({"apps_domain": "mycompany.com"})),
            ),
        ),
        ("Linkedin", provider("linkedin", oauth(json!({})))),
        (
            "Oidc",
            provider(
                "oidc",
                oauth(
                    json!({"auth_url": "https://accounts.example.com/auth", "certs_url": "https://accounts.example.com/certs", "token_url": "https://accounts.example.com/token", "scopes": ["openid", "email"]}),
                ),
            ),
        ),
        (
            "Okta",
            provider(
                "okta",
                oauth(json!({"okta_account": "https://dev-abc123.oktapreview.com"})),
            ),
        ),
        (
            "Onelogin",
            provider(
                "onelogin",
                oauth(json!({"onelogin_account": "https://mycompany.onelogin.com"})),
            ),
        ),
        (
            "Pingone",
            provider(
                "pingone",
                oauth(json!({"ping_env_id": "342b5660-0c32-4936-a5a4-ce21fae57b0a"})),
            ),
        ),
        (
            "Saml",
            provider(
                "saml",
                json!({"issuer_url": "https://whoami.com", "sso_target_url": "https://edgeaccess.org/idp/saml/login", "idp_public_certs": ["MIIDpDCCAoygAwIBAgIGAV2ka+55MA0GCSqGSIb3DQEBCwUAMIGSMQswCQ..."], "sign_request": false}),
            ),
        ),
        ("Yandex", provider("yandex", oauth(json!({})))),
        ("Onetimepin", provider("onetimepin", json!({}))),
    ]
}

fn variant_of_provider(provider: &IdentityProvider) -> &'static str {
    match provider {
        IdentityProvider::AzureAd(_) => "AzureAd",
        IdentityProvider::Centrify(_) => "Centrify",
        IdentityProvider::Facebook(_) => "Facebook",
        IdentityProvider::Github(_) => "Github",
        IdentityProvider::Google(_) => "Google",
        IdentityProvider::GoogleApps(_) => "GoogleApps",
        IdentityProvider::Linkedin(_) => "Linkedin",
        IdentityProvider::Oidc(_) => "Oidc",
        IdentityProvider::Okta(_) => "Okta",
        IdentityProvider::Onelogin(_) => "Onelogin",
        IdentityProvider::Pingone(_) => "Pingone",
        IdentityProvider::Saml(_) => "Saml",
        IdentityProvider::Yandex(_) => "Yandex",
        IdentityProvider::Onetimepin(_) => "Onetimepin",
        IdentityProvider::Unknown(_) => "Unknown",
    }
}

fn variant_of_list_item(provider: &IdentityProviderListResponseItem) -> &'static str {
    use IdentityProviderListResponseItem as Item;
    match provider {
        Item::AzureAd(_) => "AzureAd",
        Item::Centrify(_) => "Centrify",
        Item::Facebook(_) => "Facebook",
        Item::Github(_) => "Github",
        Item::Google(_) => "Google",
        Item::GoogleApps(_) => "GoogleApps",
        Item::Linkedin(_) => "Linkedin",
        Item::Oidc(_) => "Oidc",
        Item::Okta(_) => "Okta",
        Item::Onelogin(_) => "Onelogin",
        Item::Pingone(_) => "Pingone",
        Item::Saml(_) => "Saml",
        Item::Yandex(_) => "Yandex",
        Item::Onetimepin(_) => "Onetimepin",
        Item::Unknown(_) => "Unknown",
    }
}

#[test]
fn every_identity_provider_decodes_as_its_own_variant() {
    let providers = providers();
    assert_eq!(providers.len(), 14);
    for (expected, payload) in providers {
        let provider: IdentityProvider =
            serde_json::from_value(payload.clone()).unwrap_or_else(|e| panic!("{expected}: {e}"));
        assert_eq!(variant_of_provider(&provider), expected, "{payload}");
        assert_eq!(provider.tag(), payload["type"].as_str());
        assert_eq!(
            provider.name(),
            payload["name"].as_str().map(String::from).as_ref()
        );
        // Nothing lost, the tag written back.
        assert_eq!(serde_json::to_value(&provider).unwrap(), payload);

        let item: IdentityProviderListResponseItem =
            serde_json::from_value(payload.clone()).unwrap_or_else(|e| panic!("{expected}: {e}"));
        assert_eq!(variant_of_list_item(&item), expected, "{payload}");
        assert_eq!(serde_json::to_value(&item).unwrap(), payload);
    }
}

#[test]
fn a_provider_type_this_client_does_not_know_is_kept_whole() {
    let payload = json!({"name": "new", "type": "x-tomorrow", "config": {"a": [1]}});
    let provider: IdentityProvider = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(provider, IdentityProvider::Unknown(payload.clone()));
    assert_eq!(serde_json::to_value(&provider).unwrap(), payload);
}

#[test]
fn a_destination_built_in_code_goes_out_with_its_tag() {
    let private = AppDestinationPrivate::default()
        .with_cidr("10.0.0.0/8")
        .with_port_range("22");
    let destination = AppDestinationsItem::from(private);
    let wire = serde_json::to_value(&destination).unwrap();
    assert_eq!(
        wire,
        json!({"type": "private", "cidr": "10.0.0.0/8", "port_range": "22"})
    );
    let back: AppDestinationsItem = serde_json::from_value(wire).unwrap();
    assert!(matches!(back, AppDestinationsItem::Private(_)), "{back:?}");
    assert_eq!(back, destination);
}

#[test]
fn objects_without_their_tag() {
    // The API takes a destination without `type` as public (the tag's default)...
    let destination: AppDestinationsItem =
        serde_json::from_value(json!({"uri": "app.example.com/admin"})).unwrap();
    assert!(matches!(destination, AppDestinationsItem::Public(_)));
    // ... but an application without `type` could be SaaS or a bookmark: kept as received.
    let payload = json!({"name": "untyped", "domain": "example.com"});
    let app: Application = serde_json::from_value(payload.clone()).unwrap();
    assert_eq!(app, Application::Unknown(payload));
}

#[test]
fn a_fetched_application_becomes_its_update_request_unchanged() {
    let fetched = json!({
        "id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415",
        "aud": "737646a56ab1df6ec9bddc7e5ca84eaf3b0768850f3ffb5d74f1534911fe3893",
        "created_at": "2014-01-01T05:20:00.12345Z",
        "updated_at": "2014-01-01T05:20:00.12345Z",
        "type": "self_hosted",
        "domain": "test.example.com/admin",
        "name": "Admin Site",
        "session_duration": "24h",
        "allowed_idps": ["699d98642c564d2e855e9661899b7252"],
        "destinations": [
            {"type": "public", "uri": "test.example.com/admin"},
            {"type": "private", "cidr": "10.5.0.0/24", "port_range": "80-90"}
        ],
        "scim_config": {"enabled": true, "idp_uid": "idp", "remote_uri": "https://scim.example.com"},
        "x_field_from_the_future": {"kept": true}
    });
    let app: Application = serde_json::from_value(fetched.clone()).unwrap();
    assert_eq!(
        app.id().map(String::as_str),
        Some("f174e90a-fafe-4643-bbbc-4a0ed4fc8415")
    );
    let request = ApplicationRequest::from(app).with_name("Renamed");
    let sent = serde_json::to_value(&request).unwrap();
    // Everything the request can carry is carried, the unknown field too; only the name
    // changed; read-only fields (id, aud, timestamps) are not sent.
    let mut expected = fetched.as_object().unwrap().clone();
    for read_only in ["id", "aud", "created_at", "updated_at"] {
        expected.remove(read_only);
    }
    expected.insert("name".into(), json!("Renamed"));
    assert_eq!(sent, Value::Object(expected));
    assert!(matches!(request, ApplicationRequest::SelfHosted(_)));
    assert_eq!(
        request.scim_config().map(|s: &ScimConfig| s.enabled),
        Some(Some(true))
    );
}

#[test]
fn a_group_without_what_its_update_requires_fails_naming_the_field() {
    let group: Group = serde_json::from_value(json!({"id": "g", "name": "Admins"})).unwrap();
    // The update's body is the create's (the spec declares the same body inline for both):
    // `GroupUpdateRequest` is a second name of `GroupCreateRequest`.
    let error = GroupUpdateRequest::try_from(group).unwrap_err();
    assert!(
        error.to_string().contains("GroupCreateRequest.include"),
        "{error}"
    );
    let group: Group = serde_json::from_value(json!({
        "id": "g",
        "name": "Admins",
        "include": [{"email": {"email": "a@example.com"}}],
        "created_at": "2014-01-01T05:20:00Z"
    }))
    .unwrap();
    let request = GroupUpdateRequest::try_from(group).unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"name": "Admins", "include": [{"email": {"email": "a@example.com"}}]})
    );
}
