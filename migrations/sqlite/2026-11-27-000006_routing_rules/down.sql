DROP TABLE routing_rule_changes;
DROP TABLE routing_version;
DROP TABLE routing_rules;
