//! The JSON Schema (draft 2020-12) of the scenario format, generated from its types: every key
//! with its description, type, range and default, for editors that complete and check TOML
//! against a schema (Taplo, Even Better TOML).

use schemars::generate::SchemaSettings;

use super::ScenarioFile;

/// The schema of a scenario file, as JSON.
pub fn schema() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<ScenarioFile>().to_value();
    tidy(&mut schema);
    if let Some(root) = schema.as_object_mut() {
        root.insert(
            "description".into(),
            serde_json::Value::String(
                "A support operation for supportsim to simulate: arrivals, channels, contact \
                 reasons, agent groups and their shifts, automation, satisfaction and customers \
                 (scenario format v1). `supportsim validate FILE` checks a scenario completely; \
                 this schema lets an editor complete keys and flag mistakes as you type."
                    .into(),
            ),
        );
    }
    schema
}

/// Makes the generated schema read as the format is written: TOML has no null (a key left out
/// takes its default), so the `null` alternatives of optional keys go; descriptions come from
/// doc comments wrapped at 100 columns, so their lines are joined into paragraphs.
fn tidy(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(alternatives)) = map.get_mut("anyOf") {
                alternatives.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                if alternatives.len() == 1 {
                    let only = alternatives.remove(0);
                    map.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (k, x) in inner {
                            map.entry(k).or_insert(x);
                        }
                    }
                }
            }
            for (k, x) in map.iter_mut() {
                match x {
                    Value::String(s) if k == "description" => {
                        *s = s
                            .split("\n\n")
                            .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    other => tidy(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::schema;
    use crate::scenario::keys;

    /// The properties a definition of the schema allows, sorted.
    fn properties(schema: &serde_json::Value, def: Option<&str>) -> Vec<String> {
        let node = match def {
            Some(d) => &schema["$defs"][d],
            None => schema,
        };
        let mut keys: Vec<String> = node["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        keys
    }

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn the_schema_declares_exactly_the_keys_the_reader_accepts() {
        let s = schema();
        let pairs: [(Option<&str>, &[&str]); 18] = [
            (None, keys::SCENARIO),
            (Some("Simulation"), keys::SIMULATION),
            (Some("Volume"), keys::VOLUME),
            (Some("Channel"), keys::CHANNEL),
            (Some("Topic"), keys::TOPIC),
            (Some("AgentGroup"), keys::AGENT_GROUP),
            (Some("Shift"), keys::SHIFT),
            (Some("Automation"), keys::AUTOMATION),
            (Some("Ramp"), keys::RAMP),
            (Some("KnowledgeBase"), keys::KNOWLEDGE_BASE),
            (Some("Resolution"), keys::RESOLUTION),
            (Some("Csat"), keys::CSAT),
            (Some("Customers"), keys::CUSTOMERS),
            (Some("Surge"), keys::SURGE),
            (Some("HireClass"), keys::HIRE),
            (Some("RampUp"), keys::RAMP_UP),
            (Some("SkillRamp"), keys::SKILL_RAMP),
            (Some("Burnout"), keys::BURNOUT),
        ];
        for (def, reader) in pairs {
            assert_eq!(
                properties(&s, def),
                sorted(reader),
                "{}",
                def.unwrap_or("the scenario")
            );
        }
        // Every distribution's keys, over its variants.
        let mut dist: Vec<String> = s["$defs"]["Distribution"]["oneOf"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|v| v["properties"].as_object().cloned().unwrap_or_default())
            .map(|(k, _)| k)
            .collect();
        dist.sort();
        dist.dedup();
        let mut reader: Vec<String> = keys::DIST
            .iter()
            .chain(keys::EMPIRICAL)
            .map(|s| s.to_string())
            .collect();
        reader.sort();
        reader.dedup();
        assert_eq!(dist, reader, "distributions");
    }
}
