//! Names: which component schemas share a shape (one type for them), the Rust name of each
//! component, of inline schemas (from where they sit) and of union variants (from titles).

use super::*;

/// Canonical text of a schema for structural comparison: docs dropped, keys sorted, `$ref`
/// replaced by the class of its target.
pub(super) fn canonical_key(value: &Value, class: &HashMap<&str, usize>, out: &mut String) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let target = reference
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or(reference);
                match class.get(target) {
                    Some(c) => out.push_str(&format!("@{c}")),
                    None => out.push_str(&format!("@{reference}")),
                }
                return;
            }
            let mut keys: Vec<&String> = map
                .keys()
                .filter(|k| !DOC_KEYS.contains(&k.as_str()))
                .collect();
            keys.sort();
            out.push('{');
            for key in keys {
                out.push_str(&format!("{key:?}:"));
                canonical_key(&map[key], class, out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for item in items {
                canonical_key(item, class, out);
                out.push(',');
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The longest UpperCamelCase word suffix shared by all names (if there are two or more).
pub(super) fn common_word_suffix<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    if names.len() < 2 {
        return String::new();
    }
    let words = |s: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in s.chars() {
            if c.is_uppercase() || out.is_empty() {
                out.push(String::new());
            }
            if let Some(last) = out.last_mut() {
                last.push(c);
            }
        }
        out
    };
    let first = words(names[0]);
    let mut suffix: Vec<String> = Vec::new();
    for word in first.iter().rev() {
        let mut candidate = vec![word.clone()];
        candidate.extend(suffix.iter().cloned());
        let joined = candidate.concat();
        if names
            .iter()
            .all(|n| n.ends_with(&joined) && n.len() > joined.len())
        {
            suffix = candidate;
        } else {
            break;
        }
    }
    suffix.concat()
}

pub(super) fn bases_len_ok(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

impl<'s> TypeBuilder<'s> {
    pub(super) fn reachable(&self, roots: &[String]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Value> = roots.iter().filter_map(|p| self.node(p)).collect();
        while let Some(value) = stack.pop() {
            match value {
                Value::Object(map) => {
                    if let Some(Value::String(reference)) = map.get("$ref") {
                        if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                            if seen.insert(name.to_string()) {
                                if let Some(target) = self.component_node(name) {
                                    stack.push(target);
                                }
                            }
                        } else if let Some(target) = self.node(reference) {
                            stack.push(target);
                        }
                    }
                    stack.extend(
                        map.iter()
                            .filter(|(k, _)| !DOC_KEYS.contains(&k.as_str()))
                            .map(|(_, v)| v),
                    );
                }
                Value::Array(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        seen
    }

    /// Partition refinement: two components share a class when their JSON (docs removed,
    /// `$ref`s replaced by the class of their target) is equal, to a fixed point.
    pub(super) fn dedup(
        &mut self,
        reachable: &BTreeSet<String>,
        renames: &BTreeMap<String, String>,
    ) {
        let names: Vec<&String> = reachable
            .iter()
            .filter(|n| self.component_node(n).is_some())
            .collect();
        let mut class: HashMap<&str, usize> = names.iter().map(|n| (n.as_str(), 0)).collect();
        let mut count = 1;
        for _ in 0..64 {
            let mut keys: HashMap<String, usize> = HashMap::new();
            let mut next: HashMap<&str, usize> = HashMap::new();
            for name in &names {
                let Some(node) = self.component_node(name) else {
                    continue;
                };
                let mut key = String::new();
                canonical_key(node, &class, &mut key);
                let fresh = keys.len();
                let id = *keys.entry(key).or_insert(fresh);
                next.insert(name.as_str(), id);
            }
            let changed = keys.len() != count;
            count = keys.len();
            class = next;
            if !changed {
                break;
            }
        }
        let mut members: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for name in &names {
            members.entry(class[name.as_str()]).or_default().push(name);
        }
        for group in members.values() {
            let representative = group
                .iter()
                .copied()
                .min_by_key(|n| {
                    (
                        !renames.contains_key(*n),
                        n.contains("schemas-"),
                        n.len(),
                        *n,
                    )
                })
                .unwrap_or(group[0]);
            for member in group {
                self.canonical
                    .insert(member.to_string(), representative.to_string());
            }
        }
    }

    pub(super) fn name_components(
        &mut self,
        reachable: &BTreeSet<String>,
        strip: &[String],
        renames: &BTreeMap<String, String>,
    ) {
        let mut representatives: Vec<&str> = reachable
            .iter()
            .filter(|n| self.canonical.get(*n).map(String::as_str) == Some(n.as_str()))
            .map(String::as_str)
            .filter(|n| {
                let pointer = format!("#/components/schemas/{}", escape_token(n));
                self.component_node(n).is_some_and(|node| {
                    !matches!(self.plan(&pointer, node), Plan::Inline | Plan::Alias(_))
                        && !is_single_key_wrapper(node)
                })
            })
            .collect();
        // Renamed first, then plain stems before qualified ones, so the simplest schema gets
        // the simplest name whatever order the spec lists them in.
        representatives.sort_by_key(|n| {
            (
                !renames.contains_key(*n),
                n.contains("schemas-"),
                n.len(),
                *n,
            )
        });
        for name in representatives {
            let stem = names::component_stem(name, strip);
            let mut candidates = Vec::new();
            if let Some(rename) = renames.get(name) {
                candidates.push(rename.clone());
            }
            candidates.push(names::type_name(&stem));
            let stripped = strip
                .iter()
                .find_map(|p| name.strip_prefix(p.as_str()))
                .unwrap_or(name);
            candidates.push(names::type_name(stripped));
            candidates.push(names::type_name(name));
            let rust = self.names.claim(&candidates);
            self.component_names.insert(name.to_string(), rust);
        }
    }

    /// A name for an inline schema from where it sits: `#/components/schemas/access_app/properties/cors`
    /// -> `AppCors`, whichever struct includes it. Elsewhere, `fallback` (its context).
    pub(super) fn hint_for(&self, pointer: &str, fallback: &str) -> String {
        let Some(rest) = pointer.strip_prefix("#/components/schemas/") else {
            return fallback.to_string();
        };
        let mut tokens = rest
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"));
        let Some(component) = tokens.next() else {
            return fallback.to_string();
        };
        let component = self.canonical.get(&component).cloned().unwrap_or(component);
        let mut name = self
            .component_names
            .get(&component)
            .cloned()
            .unwrap_or_else(|| names::type_name(&names::component_stem(&component, &self.strip)));
        let tokens: Vec<String> = tokens.collect();
        // The `result` of an envelope is an operation's response: the caller's context names it.
        if tokens.first().map(String::as_str) == Some("properties")
            && tokens.get(1).map(String::as_str) == Some("result")
        {
            return fallback.to_string();
        }
        // The value under a single-key wrapper (`{"email": {...}}`) takes the wrapper's name.
        if tokens.len() == 2
            && tokens[0] == "properties"
            && self
                .component_node(&component)
                .is_some_and(is_single_key_wrapper)
        {
            return name;
        }
        let mut i = 0;
        while i < tokens.len() {
            match tokens[i].as_str() {
                "properties" if i + 1 < tokens.len() => {
                    name.push_str(&names::type_name(&tokens[i + 1]));
                    i += 2;
                    continue;
                }
                "items" => name.push_str("Item"),
                "additionalProperties" => name.push_str("Value"),
                // Inside a union or allOf the position says less than the caller's context.
                _ => return fallback.to_string(),
            }
            i += 1;
        }
        name
    }

    /// The name a variant's schema gives itself: its `title`, else the name of the component
    /// it references. References are followed as written, not to the shared representative of
    /// a shape (two providers with one shape are still two providers).
    pub(super) fn variant_base_name(&mut self, pointer: &str) -> Option<String> {
        let mut node = self.node(pointer)?;
        let mut component: Option<String> = None;
        for _ in 0..64 {
            if let Some(title) = node.get("title").and_then(Value::as_str) {
                return Some(names::type_name(title));
            }
            let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
                break;
            };
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                component.get_or_insert_with(|| name.to_string());
            }
            node = self.node(reference)?;
        }
        let component = component?;
        Some(
            self.component_names
                .get(&component)
                .cloned()
                .unwrap_or_else(|| {
                    names::type_name(&names::component_stem(&component, &self.strip))
                }),
        )
    }

    /// Short names for union variants that are all inline schemas with a `title`: the title
    /// without the union's name as prefix and without the words every title ends with
    /// ("Self Hosted Application", "SaaS Application" -> "SelfHosted", "SaaS"). `None` when a
    /// variant is a component or has no title.
    pub(super) fn titled_short_names(
        &mut self,
        name: &str,
        variants: &[String],
    ) -> Option<Vec<String>> {
        let mut bases = Vec::new();
        for pointer in variants {
            let (_, node, component) = self.resolve(pointer)?;
            if component.is_some() {
                return None;
            }
            let title = names::type_name(node.get("title").and_then(Value::as_str)?);
            let short = title
                .strip_prefix(name)
                .filter(|s| !s.is_empty())
                .unwrap_or(&title)
                .to_string();
            bases.push(short);
        }
        let suffix = common_word_suffix(bases.iter().map(String::as_str));
        Some(
            bases
                .iter()
                .map(|b| {
                    b.strip_suffix(suffix.as_str())
                        .filter(|s| !s.is_empty() && bases_len_ok(s))
                        .unwrap_or(b)
                        .to_string()
                })
                .collect(),
        )
    }
}
