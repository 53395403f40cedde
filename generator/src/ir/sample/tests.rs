//! The sampler's tests.

use serde_json::json;

use super::Sampler;

#[test]
fn responses_carry_required_read_only_properties_and_requests_do_not() {
    let spec = json!({"components": {"schemas": {"Cwe": {
        "type": "object",
        "required": ["cwe_id", "name"],
        "properties": {
            "cwe_id": {"type": "string"},
            "name": {"type": "string", "readOnly": true},
            "note": {"type": "string", "readOnly": true}
        }
    }}}});
    let pointer = "#/components/schemas/Cwe";
    let response = Sampler::new(&spec).responses().sample(pointer);
    assert_eq!(response, json!({"cwe_id": "example", "name": "example"}));
    let request = Sampler::new(&spec).sample(pointer);
    assert_eq!(request, json!({"cwe_id": "example"}));
}

#[test]
fn properties_beside_a_union_are_sampled_with_what_its_first_variant_requires() {
    let spec = json!({"components": {"schemas": {"Item": {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "enum": ["Issue", "PullRequest"]},
            "id": {"type": "integer"},
            "owner": {"type": "string"}
        },
        "oneOf": [{"required": ["id"]}, {"required": ["owner"]}]
    }}}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/Item");
    assert_eq!(sample, json!({"type": "Issue", "id": 1}));
}

#[test]
fn a_one_of_sample_is_a_value_only_one_variant_accepts() {
    let spec = json!({"components": {"schemas": {
        "Id": {"oneOf": [{"type": "integer"}, {"type": "string"}]}
    }}});
    // In a body, 1 is an integer only; as a parameter's text it is a string too.
    assert_eq!(
        Sampler::new(&spec).sample("#/components/schemas/Id"),
        json!(1)
    );
    let parameter = Sampler::new(&spec).sample_parameter("#/components/schemas/Id");
    assert_eq!(parameter, json!("example"));
    // `{}` fits both objects; with its optional `labels`, the first only.
    let spec = json!({"components": {"schemas": {"Labels": {"oneOf": [
        {"type": "object", "properties": {"labels": {"type": "array", "items": {"type": "string"}}}},
        {"type": "object", "properties": {"labels": {"type": "array", "items": {
            "type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}
        }}}}
    ]}}}});
    let labels = Sampler::new(&spec).sample("#/components/schemas/Labels");
    assert_eq!(labels, json!({"labels": ["example"]}));
}

#[test]
fn a_name_an_allof_part_requires_is_sampled_from_the_part_that_declares_it() {
    let spec = json!({"components": {"schemas": {
        "Editable": {"type": "object", "properties": {
            "expected_codes": {"type": "string", "default": "200"},
            "port": {"type": "integer"}
        }},
        "Edit": {"allOf": [
            {"$ref": "#/components/schemas/Editable"},
            {"required": ["expected_codes"]}
        ]}
    }}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/Edit");
    assert_eq!(sample, json!({"expected_codes": "example"}));
}

#[test]
fn a_later_part_that_describes_a_property_with_properties_alone_refines_it() {
    let spec = json!({"components": {"schemas": {"Settings": {"allOf": [
        {"type": "object", "required": ["result"], "properties": {"result": {"type": "object"}}},
        {"properties": {"result": {
            "properties": {"public_key": {"type": "string", "nullable": true}},
            "required": ["public_key"]
        }}}
    ]}}}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/Settings");
    assert_eq!(sample, json!({"result": {"public_key": "example"}}));
}

#[test]
fn a_required_name_the_object_does_not_declare_is_sampled_too() {
    let spec = json!({"components": {"schemas": {
        "Limit": {"type": "object", "required": ["id", "period"], "properties": {
            "period": {"type": "integer"}
        }}
    }}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/Limit");
    assert_eq!(sample, json!({"period": 1, "id": "example"}));
    // Required by an allOf, declared by none of its parts.
    let spec = json!({"components": {"schemas": {
        "Rule": {"type": "object", "properties": {"mode": {"type": "string"}}},
        "Edit": {"allOf": [{"$ref": "#/components/schemas/Rule"}], "required": ["id", "mode"]}
    }}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/Edit");
    assert_eq!(sample, json!({"id": "example", "mode": "example"}));
}

#[test]
fn strings_meet_their_pattern_and_length_and_examples_that_do_not_are_left_out() {
    let spec = json!({"components": {"schemas": {
        "Digest": {"type": "string", "pattern": "^sha256:[a-f0-9]{64}$", "example": "sha256:abc"},
        "Version": {"type": "string", "pattern": "^\\d+\\.\\d+$", "minLength": 5}
    }}});
    let digest = Sampler::new(&spec).sample("#/components/schemas/Digest");
    assert_eq!(digest, json!(format!("sha256:{}", "a".repeat(64))));
    let version = Sampler::new(&spec).sample("#/components/schemas/Version");
    assert_eq!(version, json!("00.00"));
}

#[test]
fn a_discriminated_union_sample_carries_the_tag_of_its_first_variant() {
    let spec = json!({"components": {"schemas": {
        "User": {
            "oneOf": [
                {"$ref": "#/components/schemas/Private"},
                {"$ref": "#/components/schemas/Public"}
            ],
            "discriminator": {"propertyName": "view", "mapping": {
                "public": "#/components/schemas/Public",
                "private": "#/components/schemas/Private"
            }}
        },
        "Private": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"}, "view": {"type": "string"}
        }},
        "Public": {"type": "object", "properties": {"view": {"type": "string"}}}
    }}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/User");
    assert_eq!(sample, json!({"id": 1, "view": "private"}));
}

#[test]
fn allof_parts_that_annotate_or_leave_a_property_open_do_not_decide_its_sample() {
    // An enum of null alone is null.
    let spec = json!({"components": {"schemas": {"Null": {"enum": [null]}}}});
    assert_eq!(
        Sampler::new(&spec).sample("#/components/schemas/Null"),
        serde_json::Value::Null
    );
    let spec = json!({"components": {"schemas": {
        "Time": {"type": "string", "format": "date-time", "example": "2022-04-01T05:20:00Z"},
        "Common": {"type": "object", "required": ["result"], "properties": {
            "result": {"anyOf": [{"type": "object"}, {"type": "array", "items": {}}]}
        }},
        "List": {"allOf": [
            {"$ref": "#/components/schemas/Common"},
            {"properties": {"result": {"type": "array", "items": {"type": "string"}}}},
            {"$ref": "#/components/schemas/Common"}
        ]},
        "Single": {"allOf": [
            {"$ref": "#/components/schemas/Common"},
            {"properties": {"result": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}
            }}}}
        ]},
        "Rule": {"type": "object", "properties": {
            "mode": {"type": "string", "enum": ["block"]},
            "note": {"type": "string"}
        }},
        "Scoped": {"allOf": [{"$ref": "#/components/schemas/Rule"}], "required": ["mode"]},
        "Item": {"type": "object", "required": ["created"], "properties": {
            "created": {"allOf": [
                {"$ref": "#/components/schemas/Time"},
                {"description": "When it was made"}
            ]}
        }}
    }}});
    let sample = |name: &str| Sampler::new(&spec).sample(&format!("#/components/schemas/{name}"));
    assert_eq!(sample("List"), json!({"result": ["example"]}));
    assert_eq!(sample("Item"), json!({"created": "2022-04-01T05:20:00Z"}));
    // A later part's object refines the open one with what it requires; an allOf requires
    // what a part declares.
    assert_eq!(sample("Single"), json!({"result": {"id": "example"}}));
    assert_eq!(sample("Scoped"), json!({"mode": "block"}));
}

#[test]
fn a_name_an_inline_part_requires_is_sampled_from_the_variant_that_declares_it() {
    // Cloudflare's rulesets_ResponseRule: a union of rules, then the names a response has.
    let spec = json!({"components": {"schemas": {
        "Rule": {"type": "object", "properties": {
            "enabled": {"type": "boolean"},
            "id": {"type": "string", "readOnly": true}
        }},
        "Block": {"allOf": [
            {"$ref": "#/components/schemas/Rule"},
            {"properties": {"action": {"enum": ["block"]}}}
        ]},
        "Request": {"oneOf": [{"$ref": "#/components/schemas/Block"}]},
        "Response": {"allOf": [
            {"$ref": "#/components/schemas/Request"},
            {"required": ["id", "enabled"]}
        ]}
    }}});
    let sample = Sampler::new(&spec)
        .responses()
        .sample("#/components/schemas/Response");
    assert_eq!(
        sample,
        json!({"action": "block", "enabled": true, "id": "example"})
    );
}

#[test]
fn a_later_part_types_a_property_through_an_all_of_or_its_items() {
    let spec = json!({"components": {"schemas": {
        "Envelope": {"type": "object", "required": ["result", "data"], "properties": {
            "success": {"type": "boolean"}
        }},
        "Setting": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string"}
        }},
        "Single": {"allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {"properties": {
                "result": {"allOf": [{"$ref": "#/components/schemas/Setting"}]},
                "data": {"items": {"type": "integer"}}
            }}
        ]}
    }}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/Single");
    assert_eq!(sample, json!({"result": {"id": "example"}, "data": [1]}));
}

#[test]
fn an_object_keeps_its_shape_beside_a_part_that_is_no_object() {
    // Cloudflare's cache settings: an envelope and, as a second part, a string enum.
    let spec = json!({"components": {"schemas": {
        "Envelope": {"type": "object", "required": ["success"], "properties": {
            "success": {"type": "boolean"}
        }},
        "Value": {"type": "string", "enum": ["on", "off"]},
        "Setting": {"allOf": [
            {"$ref": "#/components/schemas/Envelope"},
            {"$ref": "#/components/schemas/Value"}
        ]}
    }}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/Setting");
    assert_eq!(sample, json!({"success": true}));
}

#[test]
fn an_object_with_variants_that_are_no_objects_is_sampled_as_the_object() {
    // Cloudflare's lists_item: properties, and a oneOf of the strings some of them hold.
    let spec = json!({"components": {"schemas": {
        "Ip": {"type": "string", "example": "10.0.0.1"},
        "Item": {
            "oneOf": [{"$ref": "#/components/schemas/Ip"}],
            "properties": {"ip": {"$ref": "#/components/schemas/Ip"}},
            "required": ["ip"]
        }
    }}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/Item");
    assert_eq!(sample, json!({"ip": "10.0.0.1"}));
}

#[test]
fn a_property_is_sampled_from_the_part_that_types_it_not_from_a_placeholder() {
    // Cloudflare's cache settings and error envelopes: `result` an open object in one part,
    // typed (an object, a list) in a `$ref`'d part, before or after it.
    let spec = json!({"components": {"schemas": {
        "Single": {"type": "object", "required": ["result"], "properties": {
            "result": {"type": "object"}
        }},
        "Setting": {"type": "object", "properties": {
            "result": {"allOf": [{"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string"}
            }}]}
        }},
        "Listing": {"type": "object", "required": ["result"], "properties": {
            "result": {"type": "array", "items": {"type": "integer"}}
        }},
        "Failure": {"type": "object", "required": ["result"], "properties": {
            "result": {"type": "object", "nullable": true}
        }},
        "Reserve": {"allOf": [
            {"$ref": "#/components/schemas/Single"},
            {"$ref": "#/components/schemas/Setting"}
        ]},
        "ListError": {"allOf": [
            {"$ref": "#/components/schemas/Listing"},
            {"$ref": "#/components/schemas/Failure"}
        ]}
    }}});
    let mut sampler = Sampler::new(&spec);
    let reserve = sampler.sample("#/components/schemas/Reserve");
    assert_eq!(reserve, json!({"result": {"id": "example"}}));
    let error = sampler.sample("#/components/schemas/ListError");
    assert_eq!(error, json!({"result": [1]}));
}

#[test]
fn a_request_carries_the_required_read_only_properties_of_a_union_variant() {
    // Cloudflare's ruleset rules: a validating mock server requires them there.
    let spec = json!({"components": {"schemas": {
        "Rule": {"type": "object", "required": ["version", "expression"], "properties": {
            "version": {"type": "string", "readOnly": true, "example": "1"},
            "expression": {"type": "string", "example": "true"},
            "id": {"type": "string", "readOnly": true}
        }},
        "Ruleset": {"type": "object", "required": ["id", "rules"], "properties": {
            "id": {"type": "string", "readOnly": true},
            "rules": {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/Rule"}]}}
        }}
    }}});
    let request = Sampler::new(&spec).sample("#/components/schemas/Ruleset");
    assert_eq!(
        request,
        json!({"rules": [{"version": "1", "expression": "true"}]})
    );
}

#[test]
fn a_variants_constant_tag_refines_the_base_schemas_example() {
    // Cloudflare's zone settings: a base whose `id` example names one setting, and a variant
    // per setting whose `id` is a one-value enum without a `type`.
    let spec = json!({"components": {"schemas": {
        "Base": {"type": "object", "required": ["id", "value"], "properties": {
            "id": {"type": "string", "example": "development_mode"},
            "value": {"example": "on"}
        }},
        "CacheTtl": {"allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "properties": {
                "id": {"enum": ["browser_cache_ttl"]},
                "value": {"type": "integer", "enum": [0, 30]}
            }}
        ]}
    }}});
    let sample = Sampler::new(&spec).sample("#/components/schemas/CacheTtl");
    assert_eq!(sample, json!({"id": "browser_cache_ttl", "value": 0}));
}
