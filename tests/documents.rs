//! Every row of every source document (`shared/sources/`), transcribed by hand, pinned against the builtin catalog.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};

use permgate::gates::{
    ActionMapAnalyticsReport, ActionMapEditor, AltocloudAdmin, AltocloudAgent, AmiAdminUser, AmiDivisionUser,
    AmiExtraUser, AmiStandardUser, DigitalUserTrackingAdmin, DigitalUserTrackingAgent, PredictiveEngagementAdmin,
    PredictiveEngagementAgent,
};
use permgate::source::Audience::{Admin, Agent};
use permgate::{
    Catalog, Gate, Permission, Policy, Release, gate::CheckOptions, source::Audience, source::Evidence,
    source::SourceEntry, source::Vocabulary,
};

// ---------------------------------------------------------------------------
// The documents, as printed. A table is (heading, audience, rows); a row is
// (label, API key from the README's "Label → API key" table).
// ---------------------------------------------------------------------------

type Table = (&'static str, Audience, &'static [(&'static str, &'static str)]);
/// A CxEngage table: (heading, audience, flat names). Flat names have no label.
type FlatTable = (&'static str, Audience, &'static [&'static str]);

/// "Routing permissions for agents": the same four rows in the Predictive
/// Engagement, digital user tracking and Altocloud pages.
const ROUTING_FOR_AGENTS: &[(&str, &str)] = &[
    ("Routing > Agent > On Queue", "routing:agent:onqueue"),
    ("Routing > Queue > Join", "routing:queue:join"),
    ("Routing > Queue > Search", "routing:queue:search"),
    ("Routing > Queue > View", "routing:queue:view"),
];

/// The agent table of the Predictive Engagement and digital user tracking
/// pages (identical rows under different headings).
const JOURNEY_AGENT_ROWS: &[(&str, &str)] = &[
    ("External Contacts > Contact > View", "externalContacts:contact:view"),
    ("External Contacts > Session > View", "externalContacts:session:view"),
    ("Journey > Action Map > View", "journey:actionmap:view"),
    ("Journey > Event > View", "journey:event:view"),
    ("Journey > Event Type > View", "journey:eventtype:view"),
    ("Journey > Outcome > View", "journey:outcome:view"),
    ("Journey > Segment > View", "journey:segment:view"),
    ("Journey > OutcomeScores > View", "journey:outcomescores:view"),
    ("Journey > Session > View", "journey:session:view"),
];

const PE_TABLES: &[Table] = &[
    (
        "Action maps",
        Admin,
        &[("Journey > Action Map > All", "journey:actionmap:*")],
    ),
    (
        "Action targets",
        Admin,
        &[("Journey > Action Target > View", "journey:actiontarget:view")],
    ),
    (
        "Content offers",
        Admin,
        &[("Uploads > publicAsset > upload", "uploads:publicasset:upload")],
    ),
    ("Event", Admin, &[("Journey > Event > View", "journey:event:view")]),
    (
        "Outcome",
        Admin,
        &[
            ("Journey > Outcome > All", "journey:outcome:*"),
            ("Journey > Outcome Predictor > All", "journey:outcomepredictor:*"),
        ],
    ),
    (
        "Reports",
        Admin,
        &[
            ("Journey > Report > View", "journey:report:view"),
            ("Journey > Action Map > View", "journey:actionmap:view"),
        ],
    ),
    ("Segments", Admin, &[("Journey > Segment > All", "journey:segment:*")]),
    (
        "Settings and snippets",
        Admin,
        &[("Journey > Settings > Edit", "journey:settings:edit")],
    ),
    ("Visit", Admin, &[("Journey > Visit > View", "journey:visit:view")]),
    (
        "Web chat deployment",
        Admin,
        &[("Widgets > Widget Deployment > All", "widgets:deployment:*")],
    ),
    (
        "Customers",
        Admin,
        &[("Journey > Customer > All", "journey:customer:*")],
    ),
    ("Routing permissions for agents", Agent, ROUTING_FOR_AGENTS),
    (
        "Predictive Engagement permissions for agents",
        Agent,
        JOURNEY_AGENT_ROWS,
    ),
];

const DUT_TABLES: &[Table] = &[
    ("Event", Admin, &[("Journey > Event > View", "journey:event:view")]),
    (
        "Outcome",
        Admin,
        &[
            ("Journey > Outcome > All", "journey:outcome:*"),
            ("Journey > Outcome Predictor > All", "journey:outcomepredictor:*"),
        ],
    ),
    ("Reports", Admin, &[("Journey > Report > View", "journey:report:view")]),
    ("Segments", Admin, &[("Journey > Segment > All", "journey:segment:*")]),
    (
        "Configuration and deployment",
        Admin,
        &[
            ("Journey > Settings > Edit", "journey:settings:edit"),
            (
                "Web Deployments > Configurations > All",
                "webDeployments:configuration:*",
            ),
            ("Web Deployments > Deployments > All", "webDeployments:deployment:*"),
        ],
    ),
    ("Visit", Admin, &[("Journey > Visit > View", "journey:visit:view")]),
    (
        "Customers",
        Admin,
        &[("Journey > Customer > All", "journey:customer:*")],
    ),
    ("Routing permissions for agents", Agent, ROUTING_FOR_AGENTS),
    ("Digital user tracking agent permissions", Agent, JOURNEY_AGENT_ROWS),
];

const ALTOCLOUD_TABLES: &[Table] = &[
    (
        "Action maps",
        Admin,
        &[
            ("Journey > Action Map > Add", "journey:actionmap:add"),
            ("Journey > Action Map > Delete", "journey:actionmap:delete"),
            ("Journey > Action Map > Edit", "journey:actionmap:edit"),
            ("Journey > Action Map > View", "journey:actionmap:view"),
        ],
    ),
    (
        "Action targets",
        Admin,
        &[("Journey > Action Target > View", "journey:actiontarget:view")],
    ),
    (
        "Customers",
        Admin,
        &[
            ("Journey > Customer > Add", "journey:customer:add"),
            ("Journey > Customer > View", "journey:customer:view"),
        ],
    ),
    ("Event", Admin, &[("Journey > Event > View", "journey:event:view")]),
    (
        "Outcome",
        Admin,
        &[
            ("Journey > Outcome > Add", "journey:outcome:add"),
            ("Journey > Outcome > Delete", "journey:outcome:delete"),
            ("Journey > Outcome > Edit", "journey:outcome:edit"),
            ("Journey > Outcome > View", "journey:outcome:view"),
        ],
    ),
    (
        "Reports",
        Admin,
        &[
            ("Journey > Report > View", "journey:report:view"),
            ("Journey > Action Map > View", "journey:actionmap:view"),
        ],
    ),
    (
        "Segments",
        Admin,
        &[
            ("Journey > Segment > Add", "journey:segment:add"),
            ("Journey > Segment > Delete", "journey:segment:delete"),
            ("Journey > Segment > Edit", "journey:segment:edit"),
            ("Journey > Segment > View", "journey:segment:view"),
        ],
    ),
    (
        "Settings",
        Admin,
        &[
            ("Journey > Settings > Edit", "journey:settings:edit"),
            ("Journey > Settings > View", "journey:settings:view"),
        ],
    ),
    (
        "Smart tags",
        Admin,
        &[
            ("Journey > Snippet > Add", "journey:snippet:add"),
            ("Journey > Snippet > Delete", "journey:snippet:delete"),
            ("Journey > Snippet > Edit", "journey:snippet:edit"),
            ("Journey > Snippet > View", "journey:snippet:view"),
        ],
    ),
    ("Visit", Admin, &[("Journey > Visit > View", "journey:visit:view")]),
    (
        "Web chat deployment",
        Admin,
        &[
            ("Widgets > Widget Deployment > Add", "widgets:deployment:add"),
            ("Widgets > Widget Deployment > Delete", "widgets:deployment:delete"),
            ("Widgets > Widget Deployment > Edit", "widgets:deployment:edit"),
            ("Widgets > Widget Deployment > View", "widgets:deployment:view"),
        ],
    ),
    ("Routing permissions for agents", Agent, ROUTING_FOR_AGENTS),
    (
        "Altocloud permissions for agents",
        Agent,
        &[
            ("Journey > Action Map > View", "journey:actionmap:view"),
            ("Journey > Customer > View", "journey:customer:view"),
            ("Journey > Event > View", "journey:event:view"),
            ("Journey > Outcome > View", "journey:outcome:view"),
            ("Journey > Segment > View", "journey:segment:view"),
            ("Journey > Settings > View", "journey:settings:view"),
            ("Journey > Visit > View", "journey:visit:view"),
        ],
    ),
];

const CXENGAGE_TABLES: &[FlatTable] = &[
    (
        "Contact Management",
        Agent,
        &[
            "CONTACTS_ASSIGN_INTERACTION",
            "CONTACTS_READ",
            "CONTACTS_CREATE",
            "CONTACTS_UPDATE",
            "CONTACTS_INTERACTION_HISTORY_READ",
            "CONTACTS_MERGE_UNMERGE",
            "CONTACTS_DELETE",
        ],
    ),
    (
        "Notes",
        Agent,
        &["NOTES_CREATE_ALL", "NOTES_READ_ALL", "NOTES_READ_SELF"],
    ),
    (
        "Contact Layouts",
        Admin,
        &[
            "CONTACTS_LAYOUTS_READ",
            "CONTACTS_LAYOUTS_CREATE",
            "CONTACTS_LAYOUTS_UPDATE",
            "CONTACTS_LAYOUTS_DELETE",
        ],
    ),
    (
        "Contact Attributes",
        Admin,
        &[
            "CONTACTS_ATTRIBUTES_CREATE",
            "CONTACTS_ATTRIBUTES_UPDATE",
            "CONTACTS_ATTRIBUTES_READ",
        ],
    ),
    (
        "Artifacts",
        Agent,
        &["ARTIFACTS_READ_ALL", "ARTIFACTS_READ_SELF", "ARTIFACTS_CREATE_ALL"],
    ),
    ("Reporting", Agent, &["AGENT_EXPERIENCE_METRICS_VIEW"]),
];

/// "If you are using a custom role …, you must have, at minimum, the following permissions".
const CXENGAGE_CUSTOM_ROLE_MINIMUM: &[&str] = &[
    "CONTACTS_CREATE",
    "CONTACTS_UPDATE",
    "CONTACTS_READ",
    "CONTACTS_MERGE_UNMERGE",
    "CONTACTS_DELETE",
    "CONTACTS_ATTRIBUTES_READ",
    "CONTACTS_LAYOUTS_READ",
    "CONTACTS_ASSIGN_INTERACTION",
    "CONTACTS_INTERACTION_HISTORY_READ",
    "ARTIFACTS_CREATE_ALL",
];

const AMI_STANDARD: &str = "AMI R3|standard user role";
const AMI_EXTRA: &str = "AMI R3|extra user role";
const AMI_DIVISION: &str = "AMI R3|division user role";
const AMI_ADMIN: &str = "AMI R3|admin user role";

const AMI_TABLES: &[Table] = &[
    (
        AMI_STANDARD,
        Agent,
        &[
            (
                "Analytics > Agent Conversation Detail > View",
                "analytics:agentConversationDetail:view",
            ),
            (
                "Conversation > Participant > Attributes view",
                "conversation:participant:attributesview",
            ),
            ("Attributes > Attribute > All Permissions", "attributes:attribute:*"),
            ("Conversation > Communication > View", "conversation:communication:view"),
            (
                "Conversation > Communication > Transfer",
                "conversation:communication:transfer",
            ),
            ("Conversation > Email > Accept", "conversation:email:accept"),
            ("Conversation > Email > Create", "conversation:email:create"),
            ("Conversation > Email > Pull", "conversation:email:pull"),
            ("Conversation > Email > Park", "conversation:email:park"),
            ("Conversation > Participant > Wrapup", "conversation:participant:wrapup"),
            (
                "Integration > amiPremiumApps > All Permissions",
                "integration:amiPremiumApps:*",
            ),
            ("Responses > Library > View", "responses:library:view"),
            ("Responses > Response > View", "responses:response:view"),
            ("Routing > Queue > View", "routing:queue:view"),
            (
                "Analytics > interactionEvaluationDetails > View",
                "analytics:interactionEvaluationDetails:view",
            ),
            (
                "Analytics > interactionSurveyDetails > View",
                "analytics:interactionSurveyDetails:view",
            ),
            ("Routing > Wrap-up Code > View", "routing:wrapupCode:view"),
            ("Routing > Wrap-up Code > Search", "routing:wrapupCode:search"),
        ],
    ),
    (
        AMI_EXTRA,
        Agent,
        &[
            ("Audits > Audit > View", "audits:audit:view"),
            (
                "Conversation > Participant > Attributes edit",
                "conversation:participant:attributesedit",
            ),
            (
                "Conversation > Communication > Disconnect",
                "conversation:communication:disconnect",
            ),
            ("Conversation > Email > Assign", "conversation:email:assign"),
            ("Conversation > Email > Forward", "conversation:email:forward"),
            (
                "UI > Supervisor Status Control > View",
                "ui:supervisorStatusControl:view",
            ),
        ],
    ),
    (
        AMI_DIVISION,
        Agent,
        &[
            ("Conversation > Email > Accept", "conversation:email:accept"),
            ("Routing > Queue > Edit", "routing:queue:edit"),
        ],
    ),
    (
        AMI_ADMIN,
        Admin,
        &[
            ("Audits > Interaction Details > View", "audits:interactionDetails:view"),
            (
                "Conversation > Participant > Attributes edit",
                "conversation:participant:attributesedit",
            ),
        ],
    ),
];

/// "Conversation > Email > Park | next AMI release 3.16 expected".
const AMI_PARK: (&str, Release) = ("conversation:email:park", Release::new(3, 16));

/// The AMI rows that carry a release remark, and the release they name.
const AMI_RELEASE_NOTES: &[(&str, &str)] = &[
    ("attributes:attribute:*", "R3.15"),
    ("conversation:email:park", "3.16"),
    ("conversation:communication:disconnect", "R3.14"),
    ("audits:interactionDetails:view", "R3.15"),
];

// ---------------------------------------------------------------------------
// The README's "Label → API key" table: wildcard actions and evidence.
// ---------------------------------------------------------------------------

/// "All" rows whose concrete actions the key table names.
const WILDCARD_ACTIONS: &[(&str, &[&str])] = &[
    ("journey:actionmap:*", &["add", "delete", "edit", "view"]),
    ("journey:outcome:*", &["add", "delete", "edit", "view"]),
    ("journey:outcomepredictor:*", &["add", "delete", "view"]),
    ("journey:segment:*", &["add", "delete", "edit", "view"]),
    ("journey:customer:*", &["add", "view"]),
    ("widgets:deployment:*", &["add", "delete", "edit", "view"]),
    ("webDeployments:configuration:*", &["add", "delete", "edit", "view"]),
    ("webDeployments:deployment:*", &["add", "delete", "edit", "view"]),
];

/// Keys (or `domain:entity:` prefixes) the key table does not mark verified.
const NOT_VERIFIED: &[(&str, Evidence)] = &[
    ("journey:report:view", Evidence::Pattern),
    ("journey:visit:view", Evidence::Pattern),
    ("journey:customer:", Evidence::Pattern),
    ("journey:snippet:", Evidence::Pattern),
    ("integration:amiPremiumApps:*", Evidence::Pattern),
    ("attributes:attribute:*", Evidence::Unverified),
];

fn evidence(key: &str) -> Evidence {
    NOT_VERIFIED
        .iter()
        .find(|(prefix, _)| key.starts_with(prefix))
        .map_or(Evidence::Verified, |&(_, evidence)| evidence)
}

/// The concrete keys a row stands for: its key, or a known wildcard's actions.
fn expand(key: &str) -> Vec<String> {
    match WILDCARD_ACTIONS.iter().find(|(pattern, _)| *pattern == key) {
        Some((pattern, actions)) => {
            let prefix = pattern.trim_end_matches('*');
            actions.iter().map(|action| format!("{prefix}{action}")).collect()
        }
        None => vec![key.to_owned()],
    }
}

fn is_known_wildcard(key: &str) -> bool {
    WILDCARD_ACTIONS.iter().any(|(pattern, _)| *pattern == key)
}

// ---------------------------------------------------------------------------
// Documents.
// ---------------------------------------------------------------------------

enum Tables {
    Labelled(&'static [Table]),
    Flat(&'static [FlatTable]),
}

struct Doc {
    id: &'static str,
    file: &'static str,
    product: &'static str,
    vocabulary: Vocabulary,
    tables: Tables,
    /// License per key prefix (first match); keys matching none are not pinned.
    licenses: &'static [(&'static str, Option<&'static str>)],
    /// Requirements the document names only in prose, with no table row.
    prose_only: &'static [&'static str],
}

const PE: Doc = Doc {
    id: "predictive-engagement",
    file: "genesys-cloud-predictive-engagement-permissions.txt",
    product: "Predictive Engagement",
    vocabulary: Vocabulary::Genesys,
    tables: Tables::Labelled(PE_TABLES),
    // "When you add Predictive Engagement permissions to a user's role, the user
    // automatically receives the Predictive Engagement license"; routing rows are
    // "Genesys Cloud routing permissions".
    licenses: &[("journey:", Some("Predictive Engagement")), ("routing:", None)],
    prose_only: &[],
};

const DUT: Doc = Doc {
    id: "digital-user-tracking",
    file: "genesys-cloud-digital-user-tracking-permissions.txt",
    product: "Digital user tracking",
    vocabulary: Vocabulary::Genesys,
    tables: Tables::Labelled(DUT_TABLES),
    // The page states no license effect.
    licenses: &[("", None)],
    prose_only: &[],
};

const ALTOCLOUD: Doc = Doc {
    id: "altocloud",
    file: "genesys-cloud-altocloud-permissions.txt",
    product: "Altocloud",
    vocabulary: Vocabulary::Genesys,
    tables: Tables::Labelled(ALTOCLOUD_TABLES),
    licenses: &[("journey:", Some("Altocloud")), ("routing:", None)],
    prose_only: &[],
};

const CXENGAGE: Doc = Doc {
    id: "cxengage-skylight",
    file: "cxengage-skylight-permissions.txt",
    product: "Skylight desktop",
    vocabulary: Vocabulary::CxEngage,
    tables: Tables::Flat(CXENGAGE_TABLES),
    licenses: &[("", None)],
    prose_only: &[],
};

const AMI: Doc = Doc {
    id: "ami-r3",
    file: "ami-r3-role-matrix.txt",
    product: "AMI",
    vocabulary: Vocabulary::Genesys,
    tables: Tables::Labelled(AMI_TABLES),
    // "Integration > amiPremiumApps > All Permissions | AMI user license requirement".
    licenses: &[("integration:amiPremiumApps:*", Some("AMI user license")), ("", None)],
    // Note 2: "extra permission needed: Routing Conversation Accept Off-Queue".
    prose_only: &["Routing Conversation Accept Off-Queue"],
};

const DOCS: [&Doc; 5] = [&PE, &DUT, &ALTOCLOUD, &CXENGAGE, &AMI];

/// One row of one table of a document.
#[derive(Clone, Copy)]
struct Row {
    section: &'static str,
    audience: Audience,
    /// What the document prints: the label, or the CxEngage flat name.
    name: &'static str,
    label: Option<&'static str>,
    key: &'static str,
}

impl Doc {
    fn rows(&self) -> Vec<Row> {
        match self.tables {
            Tables::Labelled(tables) => tables
                .iter()
                .flat_map(|&(section, audience, rows)| {
                    rows.iter().map(move |&(label, key)| Row {
                        section,
                        audience,
                        name: label,
                        label: Some(label),
                        key,
                    })
                })
                .collect(),
            Tables::Flat(tables) => tables
                .iter()
                .flat_map(|&(section, audience, names)| {
                    names.iter().map(move |&name| Row {
                        section,
                        audience,
                        name,
                        label: None,
                        key: name,
                    })
                })
                .collect(),
        }
    }

    fn rows_in(&self, section: &str) -> Vec<Row> {
        self.rows().into_iter().filter(|row| row.section == section).collect()
    }

    fn license(&self, key: &str) -> Option<Option<&'static str>> {
        self.licenses
            .iter()
            .find(|(prefix, _)| key.starts_with(prefix))
            .map(|&(_, license)| license)
    }
}

/// What a document's source entry for one key should say.
#[derive(Debug, PartialEq, Eq)]
struct ExpectedSource {
    section: &'static str,
    also_in_sections: Vec<&'static str>,
    audience: Audience,
    via_wildcard: Option<&'static str>,
}

/// Every catalog key a document speaks of, with its source entry. A key's
/// section is the first table listing it, later tables are `also_in_sections`,
/// and it is admin when any admin table lists it. A key only reached through a
/// wildcard row takes that row's table and names the wildcard.
fn expected_sources(doc: &Doc) -> BTreeMap<String, ExpectedSource> {
    let mut expected: BTreeMap<String, ExpectedSource> = BTreeMap::new();
    let rows = doc.rows();
    for row in rows.iter().filter(|row| !is_known_wildcard(row.key)) {
        match expected.get_mut(row.key) {
            None => {
                let source = ExpectedSource {
                    section: row.section,
                    also_in_sections: Vec::new(),
                    audience: row.audience,
                    via_wildcard: None,
                };
                expected.insert(row.key.to_owned(), source);
            }
            Some(source) => {
                if source.section != row.section && !source.also_in_sections.contains(&row.section) {
                    source.also_in_sections.push(row.section);
                }
                if row.audience == Admin {
                    source.audience = Admin;
                }
            }
        }
    }
    for row in rows.iter().filter(|row| is_known_wildcard(row.key)) {
        for key in expand(row.key) {
            expected.entry(key).or_insert(ExpectedSource {
                section: row.section,
                also_in_sections: Vec::new(),
                audience: row.audience,
                via_wildcard: Some(row.key),
            });
        }
    }
    expected
}

/// The keys of some rows, wildcards with known actions expanded.
fn expanded_keys(rows: &[Row]) -> BTreeSet<String> {
    rows.iter().flat_map(|row| expand(row.key)).collect()
}

fn keys_of(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|&key| key.to_owned()).collect()
}

fn audience_keys(doc: &Doc, audience: Audience) -> BTreeSet<String> {
    let rows: Vec<Row> = doc.rows().into_iter().filter(|row| row.audience == audience).collect();
    expanded_keys(&rows)
}

fn catalog() -> &'static Catalog {
    Catalog::builtin()
}

fn permission(key: &str) -> Permission<'static> {
    catalog()
        .lookup(key)
        .unwrap_or_else(|| panic!("`{key}` is not in the catalog"))
}

fn source_from<'a>(permission: Permission<'a>, doc: &Doc) -> &'a SourceEntry {
    let sources: Vec<&SourceEntry> = permission
        .sources()
        .iter()
        .filter(|source| source.document.id == doc.id)
        .collect();
    assert_eq!(sources.len(), 1, "{permission}: one source from `{}`", doc.id);
    sources[0]
}

/// The catalog keys a role holding exactly `grants` is allowed.
fn allowed(grants: &[&str]) -> BTreeSet<String> {
    let policy = Policy::builder(catalog()).role("r", grants).unwrap().build();
    let role = policy.role("r").unwrap();
    policy.permissions(role).map(|p| p.key().to_owned()).collect()
}

// ---------------------------------------------------------------------------
// Generic checks.
// ---------------------------------------------------------------------------

/// Every row names its key: concrete rows (and wildcard rows whose actions no
/// source names) are catalog entries under their label; wildcard rows with
/// known actions are not permissions, only grants.
fn assert_rows_resolve(doc: &Doc) {
    for row in doc.rows() {
        let Row { name, key, label, .. } = row;
        if is_known_wildcard(key) {
            assert_eq!(
                catalog().lookup(name),
                None,
                "{name}: a wildcard row is not a permission"
            );
            assert_eq!(catalog().lookup(key), None, "{key}: a wildcard is not a permission");
            assert!(catalog().resolve(key).is_err(), "{key}: a wildcard is not a question");
            continue;
        }
        let found = catalog()
            .lookup(name)
            .unwrap_or_else(|| panic!("{}: `{name}` not found", doc.id));
        assert_eq!(found.key(), key, "{}: `{name}`", doc.id);
        assert_eq!(found.label(), label, "{}: `{name}`", doc.id);
        assert_eq!(
            catalog().lookup(&key.to_ascii_uppercase()),
            Some(found),
            "{key} in upper case"
        );
        // A question never names a wildcard, not even a wildcard entry.
        let answer = (!key.ends_with(":*")).then_some(found);
        assert_eq!(catalog().resolve(key).ok(), answer, "{key}: resolve");
        assert_eq!(found.is_wildcard(), key.ends_with(":*"), "{key}");
        assert_eq!(found.is_flat(), doc.vocabulary == Vocabulary::CxEngage, "{key}");
    }
}

/// Every row granted alone (by the name the document prints) allows exactly
/// its key, or the concrete keys of a wildcard row; the key form agrees.
fn assert_rows_grant(doc: &Doc) {
    for row in doc.rows() {
        let expected = expand(row.key).into_iter().collect::<BTreeSet<_>>();
        assert_eq!(allowed(&[row.name]), expected, "{}: granting `{}`", doc.id, row.name);
        assert_eq!(allowed(&[row.key]), expected, "{}: granting `{}`", doc.id, row.key);
    }
}

/// Every key has exactly one source entry from the document, with the table's
/// section and audience, the key table's evidence and the document's license;
/// and no other catalog permission claims the document, except prose-only ones.
fn assert_sources(doc: &Doc) {
    let expected = expected_sources(doc);
    for (key, want) in &expected {
        let source = source_from(permission(key), doc);
        let got = ExpectedSource {
            section: source.section,
            also_in_sections: source.also_in_sections.to_vec(),
            audience: source.audience,
            via_wildcard: source.via_wildcard,
        };
        assert_eq!(&got, want, "{}: source of {key}", doc.id);
        let evidence_key = want.via_wildcard.unwrap_or(key);
        assert_eq!(source.evidence, evidence(evidence_key), "{}: evidence of {key}", doc.id);
        if let Some(license) = doc.license(evidence_key) {
            assert_eq!(source.license, license, "{}: license of {key}", doc.id);
        }
        let roadmap = (doc.id == AMI.id && key == AMI_PARK.0).then_some(AMI_PARK.1);
        assert_eq!(source.available_from, roadmap, "{}: available_from of {key}", doc.id);
    }
    for permission in catalog().iter() {
        if expected.contains_key(permission.key()) || !permission.sources().iter().any(|s| s.document.id == doc.id) {
            continue;
        }
        let words = permission.label().map(|label| label.replace(" > ", " "));
        assert!(
            words.as_deref().is_some_and(|words| doc.prose_only.contains(&words)),
            "{}: {permission} is in no table of the document",
            doc.id
        );
    }
}

/// What a gate requires, written from a document.
struct GateSpec {
    documents: &'static [&'static str],
    extends: Option<&'static str>,
    release: Option<Release>,
    required: BTreeSet<String>,
    /// Groups of which one key suffices, each in catalog order.
    any_of: Vec<Vec<&'static str>>,
    roadmap: Vec<(&'static str, Release)>,
}

impl GateSpec {
    fn plain(documents: &'static [&'static str], required: BTreeSet<String>) -> Self {
        Self {
            documents,
            extends: None,
            release: None,
            required,
            any_of: Vec::new(),
            roadmap: Vec::new(),
        }
    }

    /// Everything the document lists for the feature: required and roadmap
    /// keys, and the first key of each any-of group (the document's row).
    fn document_set(&self) -> BTreeSet<String> {
        let roadmap = self.roadmap.iter().map(|&(key, _)| key.to_owned());
        let any = self
            .any_of
            .iter()
            .filter_map(|group| group.first())
            .map(|&key| key.to_owned());
        self.required.iter().cloned().chain(roadmap).chain(any).collect()
    }
}

fn assert_gate<G: Gate>(spec: &GateSpec, count: usize) {
    let info = G::INFO;
    let by_name = permgate::builtins::gate(info.name).unwrap_or_else(|| panic!("no gate `{}`", info.name));
    assert!(
        core::ptr::eq(info, by_name),
        "{}: typed and catalog gate differ",
        info.name
    );
    let required: Vec<&str> = info.required.iter().map(|p| p.key()).collect();
    let required_set: BTreeSet<String> = required.iter().map(|&key| key.to_owned()).collect();
    assert_eq!(
        required.len(),
        required_set.len(),
        "{}: duplicate requirements",
        info.name
    );
    assert_eq!(required_set, spec.required, "{}: required", info.name);
    assert_eq!(required.len(), count, "{}: count", info.name);
    let roadmap: Vec<(&str, Release)> = info.roadmap.iter().map(|&(p, release)| (p.key(), release)).collect();
    assert_eq!(roadmap, spec.roadmap, "{}: roadmap", info.name);
    let any_of: Vec<Vec<&str>> = info
        .any_of
        .iter()
        .map(|group| group.iter().map(|p| p.key()).collect())
        .collect();
    assert_eq!(any_of, spec.any_of, "{}: any-of groups", info.name);
    assert!(
        info.document.is_some_and(|d| spec.documents.contains(&d.id)),
        "{}: document {:?}",
        info.name,
        info.document.map(|d| d.id)
    );
    assert_eq!(info.extends, spec.extends, "{}: extends", info.name);
    assert_eq!(info.release, spec.release, "{}: release", info.name);
}

/// A role holding the document's set passes the documented check; without
/// any one required permission it fails naming exactly that one; without a
/// roadmap permission it passes at the document's release and fails from the
/// roadmap release. Checked on today's platform, a permission the Platform
/// API removed is not required, and a gate it removed whole is refused.
fn assert_gate_decisions<G: Gate>(spec: &GateSpec) {
    let name = G::INFO.name;
    let documented = CheckOptions::at(G::INFO.release).documented();
    let full = spec.document_set();
    let mut builder = Policy::builder(catalog());
    builder.add_role("full", &full).unwrap();
    for key in &full {
        builder.add_role(key, full.iter().filter(|k| *k != key)).unwrap();
    }
    let policy = builder.build();
    let full_role = policy.role("full").unwrap();
    assert!(
        policy.check_info(full_role, G::INFO, documented).is_ok(),
        "{name}: the document's set"
    );
    assert!(
        policy
            .check_info(full_role, G::INFO, CheckOptions::at(None).documented())
            .is_ok(),
        "{name}: with every roadmap permission"
    );
    let removed_whole = G::INFO.feature_removed();
    match policy.check::<G>(full_role) {
        Ok(_) => assert!(!removed_whole, "{name}: every key removed, yet granted"),
        Err(denied) => assert!(removed_whole && denied.feature_removed(), "{name}: {denied}"),
    }
    for key in &spec.required {
        let role = policy.role(key).unwrap();
        let denied = policy.check_info(role, G::INFO, documented).map(|_| ()).unwrap_err();
        let missing: Vec<&str> = denied.missing().iter().map(|p| p.key()).collect();
        assert_eq!(missing, [key.as_str()], "{name} without {key}");
        let removed = catalog().lookup(key).unwrap().removed_after().is_some();
        let today = policy.check::<G>(role).map(|_| ());
        if removed_whole {
            assert!(today.is_err_and(|d| d.feature_removed()), "{name} without {key}");
        } else if removed {
            assert_eq!(today, Ok(()), "{name} without {key}, which the platform removed");
        } else {
            assert_eq!(today.map_err(|d| d.missing().len()), Err(1), "{name} without {key}");
        }
    }
    for group in &spec.any_of {
        let without: Vec<&String> = full.iter().filter(|k| !group.contains(&k.as_str())).collect();
        let policy = Policy::builder(catalog()).role("r", without).unwrap().build();
        let denied = policy
            .check_info(policy.role("r").unwrap(), G::INFO, documented)
            .map(|_| ())
            .unwrap_err();
        assert!(denied.missing().is_empty(), "{name} without {group:?}");
        let unmet: Vec<Vec<&str>> = denied
            .unmet_any_of()
            .iter()
            .map(|g| g.iter().map(|p| p.key()).collect())
            .collect();
        assert_eq!(unmet, std::slice::from_ref(group), "{name} without {group:?}");
    }
    for &(key, from) in &spec.roadmap {
        let role = policy.role(key).unwrap();
        assert!(policy.check::<G>(role).is_ok(), "{name} without roadmap {key}");
        let denied = policy.check_info(role, G::INFO, Some(from)).map(|_| ()).unwrap_err();
        let missing: Vec<&str> = denied.missing().iter().map(|p| p.key()).collect();
        assert_eq!(missing, [key], "{name} at {from} without {key}");
    }
}

fn check_gate<G: Gate>(spec: &GateSpec, count: usize) {
    assert_gate::<G>(spec, count);
    assert_gate_decisions::<G>(spec);
}

// ---------------------------------------------------------------------------
// Per document: rows, grants, sources.
// ---------------------------------------------------------------------------

#[test]
fn predictive_engagement_rows_resolve_to_their_keys_and_labels() {
    assert_rows_resolve(&PE);
}

#[test]
fn predictive_engagement_rows_granted_alone_allow_exactly_their_keys() {
    assert_rows_grant(&PE);
}

#[test]
fn predictive_engagement_sources_record_table_audience_evidence_and_license() {
    assert_sources(&PE);
}

#[test]
fn digital_user_tracking_rows_resolve_to_their_keys_and_labels() {
    assert_rows_resolve(&DUT);
}

#[test]
fn digital_user_tracking_rows_granted_alone_allow_exactly_their_keys() {
    assert_rows_grant(&DUT);
}

#[test]
fn digital_user_tracking_sources_record_table_audience_evidence_and_license() {
    assert_sources(&DUT);
}

#[test]
fn altocloud_rows_resolve_to_their_keys_and_labels() {
    assert_rows_resolve(&ALTOCLOUD);
}

#[test]
fn altocloud_rows_granted_alone_allow_exactly_their_keys() {
    assert_rows_grant(&ALTOCLOUD);
}

#[test]
fn altocloud_sources_record_table_audience_evidence_and_license() {
    assert_sources(&ALTOCLOUD);
}

#[test]
fn cxengage_rows_resolve_to_their_flat_names() {
    assert_rows_resolve(&CXENGAGE);
}

#[test]
fn cxengage_rows_granted_alone_allow_exactly_themselves() {
    assert_rows_grant(&CXENGAGE);
}

#[test]
fn cxengage_sources_record_table_audience_evidence_and_license() {
    assert_sources(&CXENGAGE);
}

#[test]
fn ami_rows_resolve_to_their_keys_and_labels() {
    assert_rows_resolve(&AMI);
}

#[test]
fn ami_rows_granted_alone_allow_exactly_their_keys() {
    assert_rows_grant(&AMI);
}

#[test]
fn ami_sources_record_table_audience_evidence_and_license() {
    assert_sources(&AMI);
}

// ---------------------------------------------------------------------------
// Gates.
// ---------------------------------------------------------------------------

#[test]
fn predictive_engagement_gates_require_the_document_sets() {
    let pe: &[&str] = &[PE.id];
    check_gate::<PredictiveEngagementAdmin>(&GateSpec::plain(pe, audience_keys(&PE, Admin)), 27);
    check_gate::<PredictiveEngagementAgent>(&GateSpec::plain(pe, audience_keys(&PE, Agent)), 13);
    // Both pages with action maps state these two features.
    let either: &[&str] = &[PE.id, ALTOCLOUD.id];
    let editor = expanded_keys(&PE.rows_in("Action maps"));
    assert_eq!(editor, expanded_keys(&ALTOCLOUD.rows_in("Action maps")));
    check_gate::<ActionMapEditor>(&GateSpec::plain(either, editor), 4);
    // "The Action Map Analytics report requires the Journey > Action Map > View permission."
    let report = expanded_keys(&PE.rows_in("Reports"));
    assert_eq!(report, keys_of(&["journey:report:view", "journey:actionmap:view"]));
    assert_eq!(report, expanded_keys(&ALTOCLOUD.rows_in("Reports")));
    check_gate::<ActionMapAnalyticsReport>(&GateSpec::plain(either, report), 2);
}

#[test]
fn digital_user_tracking_gates_require_the_document_sets() {
    let dut: &[&str] = &[DUT.id];
    check_gate::<DigitalUserTrackingAdmin>(&GateSpec::plain(dut, audience_keys(&DUT, Admin)), 25);
    check_gate::<DigitalUserTrackingAgent>(&GateSpec::plain(dut, audience_keys(&DUT, Agent)), 13);
}

#[test]
fn altocloud_gates_require_the_document_sets() {
    let alto: &[&str] = &[ALTOCLOUD.id];
    check_gate::<AltocloudAdmin>(&GateSpec::plain(alto, audience_keys(&ALTOCLOUD, Admin)), 28);
    check_gate::<AltocloudAgent>(&GateSpec::plain(alto, audience_keys(&ALTOCLOUD, Agent)), 11);
}

/// "Conversation > Communication > Transfer | transfer conversation between
/// (division) queues": the published key, which no Platform API endpoint
/// requires, stands for what the queue transfer endpoint accepts (the
/// catalog's notes give the evidence).
const AMI_TRANSFER_ROW: &str = "conversation:communication:transfer";
const AMI_TRANSFER: [&str; 2] = [
    "conversation:communication:blindTransfer",
    "conversation:communication:blindTransferQueue",
];

/// An AMI role's keys with the Transfer row held as the platform grants it.
fn with_platform_transfer<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut keys: Vec<&str> = keys.into_iter().collect();
    assert!(keys.contains(&AMI_TRANSFER_ROW));
    keys.retain(|&k| k != AMI_TRANSFER_ROW);
    keys.push(AMI_TRANSFER[0]);
    keys
}

/// An AMI gate: the standard role without Park (roadmap from 3.16) and with
/// Transfer as an any-of group, plus an add-on role's rows.
fn ami_spec(add_on: Option<&str>) -> GateSpec {
    let mut required = expanded_keys(&AMI.rows_in(AMI_STANDARD));
    required.remove(AMI_PARK.0);
    assert!(required.remove(AMI_TRANSFER_ROW));
    if let Some(add_on) = add_on {
        required.extend(expanded_keys(&AMI.rows_in(add_on)));
    }
    GateSpec {
        documents: &[AMI.id],
        extends: add_on.map(|_| "AmiStandardUser"),
        release: Some(Release::new(3, 15)),
        required,
        any_of: vec![AMI_TRANSFER.to_vec()],
        // The add-on roles come "additional to AMI R3|standard user role", so
        // they need Park from 3.16 and Transfer too.
        roadmap: vec![AMI_PARK],
    }
}

#[test]
fn ami_standard_user_requires_sixteen_and_a_transfer_now_and_park_from_3_16() {
    check_gate::<AmiStandardUser>(&ami_spec(None), 16);
    assert_eq!(
        AmiStandardUser::INFO
            .roadmap
            .iter()
            .map(|&(p, release)| (p.key(), release))
            .collect::<Vec<_>>(),
        [("conversation:email:park", Release::new(3, 16))]
    );
}

#[test]
fn ami_add_on_gates_require_the_standard_set_plus_their_rows() {
    check_gate::<AmiExtraUser>(&ami_spec(Some(AMI_EXTRA)), 16 + 6);
    // Accept is in both the standard and the division role.
    check_gate::<AmiDivisionUser>(&ami_spec(Some(AMI_DIVISION)), 16 + 1);
    check_gate::<AmiAdminUser>(&ami_spec(Some(AMI_ADMIN)), 16 + 2);
}

#[test]
fn ami_standard_user_without_park_passes_at_3_15_and_fails_at_3_16() {
    let mut grants = expanded_keys(&AMI.rows_in(AMI_STANDARD));
    assert!(grants.remove("conversation:email:park"));
    let grants = with_platform_transfer(grants.iter().map(String::as_str));
    let policy = Policy::builder(catalog()).role("ami", &grants).unwrap().build();
    let ami = policy.role("ami").unwrap();
    assert!(policy.check::<AmiStandardUser>(ami).is_ok());
    assert!(
        policy
            .check_info(ami, AmiStandardUser::INFO, Some(Release::new(3, 15)))
            .is_ok()
    );
    let denied = policy
        .check_info(ami, AmiStandardUser::INFO, Some(Release::new(3, 16)))
        .map(|_| ())
        .unwrap_err();
    let missing: Vec<&str> = denied.missing().iter().map(|p| p.key()).collect();
    assert_eq!(missing, ["conversation:email:park"]);
}

#[test]
fn only_the_ami_gates_have_a_roadmap() {
    for gate in permgate::builtins::gates() {
        if gate.document.map(|d| d.id) != Some(AMI.id) {
            assert!(gate.roadmap.is_empty(), "{}", gate.name);
        }
    }
}

/// The gates of a whole table or role; `tests/feature_gates.rs` pins the
/// gates of single features, and checks that every builtin gate is pinned.
#[test]
fn the_table_and_role_gates_are_builtin_gates() {
    let names: BTreeSet<&str> = permgate::builtins::gates().iter().map(|gate| gate.name).collect();
    let pinned: BTreeSet<&str> = [
        PredictiveEngagementAdmin::INFO,
        PredictiveEngagementAgent::INFO,
        ActionMapEditor::INFO,
        ActionMapAnalyticsReport::INFO,
        DigitalUserTrackingAdmin::INFO,
        DigitalUserTrackingAgent::INFO,
        AltocloudAdmin::INFO,
        AltocloudAgent::INFO,
        AmiStandardUser::INFO,
        AmiExtraUser::INFO,
        AmiDivisionUser::INFO,
        AmiAdminUser::INFO,
    ]
    .iter()
    .map(|info| info.name)
    .collect();
    assert!(pinned.is_subset(&names), "{:?}", pinned.difference(&names));
}

// ---------------------------------------------------------------------------
// Roles.
// ---------------------------------------------------------------------------

fn assert_role(name: &str, doc: &Doc, extends: Option<&str>, grants: &BTreeSet<String>, count: usize) {
    let role = permgate::builtins::role(name).unwrap_or_else(|| panic!("no role `{name}`"));
    assert_eq!(role.document.id, doc.id, "{name}");
    assert_eq!(role.extends, extends, "{name}");
    let got: BTreeSet<String> = role.grants.iter().map(|&key| key.to_owned()).collect();
    assert_eq!(role.grants.len(), got.len(), "{name}: duplicate grants");
    assert_eq!(&got, grants, "{name}");
    assert_eq!(got.len(), count, "{name}: the document's count");
}

fn ami_role_keys(section: &str) -> BTreeSet<String> {
    AMI.rows_in(section).iter().map(|row| row.key.to_owned()).collect()
}

#[test]
fn ami_roles_hold_the_matrix_rows() {
    assert_role(AMI_STANDARD, &AMI, None, &ami_role_keys(AMI_STANDARD), 18);
    for (add_on, count) in [(AMI_EXTRA, 6), (AMI_DIVISION, 2), (AMI_ADMIN, 2)] {
        assert_role(add_on, &AMI, Some(AMI_STANDARD), &ami_role_keys(add_on), count);
    }
}

/// The published roles hold Transfer as `conversation:communication:transfer`,
/// which no endpoint accepts: they miss exactly the Transfer group, and pass
/// their gates once the row is held as the platform grants it.
#[test]
fn ami_add_on_roles_with_the_standard_role_pass_their_gates_with_a_platform_transfer() {
    let grants = |add_on: Option<&str>| {
        let standard = permgate::builtins::role(AMI_STANDARD).unwrap().grants.iter();
        let add_on = add_on.map_or(&[][..], |name| permgate::builtins::role(name).unwrap().grants);
        standard.chain(add_on).copied().collect::<Vec<_>>()
    };
    let mut builder = Policy::builder(catalog());
    for (name, add_on) in [
        ("standard", None),
        ("extra", Some(AMI_EXTRA)),
        ("division", Some(AMI_DIVISION)),
        ("admin", Some(AMI_ADMIN)),
    ] {
        builder.add_role(&format!("published {name}"), grants(add_on)).unwrap();
        builder.add_role(name, with_platform_transfer(grants(add_on))).unwrap();
    }
    let policy = builder.build();
    let role = |name: &str| policy.role(name).unwrap();
    for (name, gate) in [
        ("standard", AmiStandardUser::INFO),
        ("extra", AmiExtraUser::INFO),
        ("division", AmiDivisionUser::INFO),
        ("admin", AmiAdminUser::INFO),
    ] {
        assert!(policy.check_info(role(name), gate, None).is_ok(), "{name}");
        let denied = policy
            .check_info(role(&format!("published {name}")), gate, None)
            .unwrap_err();
        assert!(denied.missing().is_empty(), "published {name}");
        assert_eq!(denied.unmet_any_of(), AmiStandardUser::INFO.any_of, "published {name}");
    }
    // An add-on alone is not enough.
    assert!(policy.check::<AmiExtraUser>(role("standard")).is_err());
}

#[test]
fn cxengage_custom_role_minimum_holds_the_ten_names() {
    let minimum = keys_of(CXENGAGE_CUSTOM_ROLE_MINIMUM);
    assert_role("Skylight custom role minimum", &CXENGAGE, None, &minimum, 10);
    let listed: BTreeSet<String> = CXENGAGE.rows().iter().map(|row| row.key.to_owned()).collect();
    assert!(minimum.is_subset(&listed), "the minimum names only listed permissions");
}

#[test]
fn every_catalog_role_is_a_document_role() {
    let names: BTreeSet<&str> = permgate::builtins::roles().iter().map(|role| role.name).collect();
    let expected = BTreeSet::from([
        AMI_STANDARD,
        AMI_EXTRA,
        AMI_DIVISION,
        AMI_ADMIN,
        "Skylight custom role minimum",
    ]);
    assert_eq!(names, expected);
}

// ---------------------------------------------------------------------------
// Document metadata, licenses, evidence, release notes.
// ---------------------------------------------------------------------------

#[test]
fn documents_name_their_source_files_products_and_vocabularies() {
    let documents = permgate::builtins::documents();
    assert_eq!(documents.len(), DOCS.len());
    for doc in DOCS {
        let document = documents
            .iter()
            .find(|d| d.id == doc.id)
            .unwrap_or_else(|| panic!("no document `{}`", doc.id));
        assert_eq!(document.source_file, doc.file, "{}", doc.id);
        assert_eq!(document.product, doc.product, "{}", doc.id);
        assert_eq!(document.vocabulary, doc.vocabulary, "{}", doc.id);
        let (published, release) = if doc.id == AMI.id {
            // "Date: November 2024"; "applicable for AMI R3.15.x and above releases".
            (Some("2024-11"), Some(Release::new(3, 15)))
        } else {
            (None, None)
        };
        assert_eq!(document.published, published, "{}", doc.id);
        assert_eq!(document.release, release, "{}", doc.id);
    }
}

#[test]
fn license_facts() {
    let license = |key: &str, doc: &Doc| source_from(permission(key), doc).license;
    for key in expected_sources(&PE).keys().filter(|key| key.starts_with("journey:")) {
        assert_eq!(license(key, &PE), Some("Predictive Engagement"), "{key}");
    }
    for key in expected_sources(&ALTOCLOUD)
        .keys()
        .filter(|key| key.starts_with("journey:"))
    {
        assert_eq!(license(key, &ALTOCLOUD), Some("Altocloud"), "{key}");
    }
    assert_eq!(license("integration:amiPremiumApps:*", &AMI), Some("AMI user license"));
    assert_eq!(license("routing:queue:view", &PE), None);
}

/// "When you add Altocloud permissions to a user's role, the user
/// automatically receives the Altocloud license": Altocloud is the earlier
/// name of Predictive Engagement, so both pages state one product license.
#[test]
fn each_license_is_one_product_license() {
    for doc in DOCS {
        for key in expected_sources(doc).keys() {
            let source = source_from(permission(key), doc);
            let product = match source.license {
                Some("Altocloud") => Some("Predictive Engagement"),
                other => other,
            };
            assert_eq!(source.product_license, product, "{}: {key}", doc.id);
        }
    }
}

#[test]
fn a_journey_permission_assigns_one_license_stated_by_both_pages() {
    // Journey > Action Map > View is in the Predictive Engagement, digital
    // user tracking and Altocloud pages; the first and the last state a license.
    let policy = Policy::builder(catalog())
        .role("r", ["journey:actionmap:view", "routing:queue:view"])
        .unwrap()
        .build();
    let audit = policy.audit(policy.role("r").unwrap()).unwrap();
    let licenses: Vec<&str> = audit.licenses.keys().copied().collect();
    assert_eq!(licenses, ["Predictive Engagement"]);
    let effect = &audit.licenses["Predictive Engagement"];
    let documents: Vec<(&str, &str)> = effect.documents.iter().map(|s| (s.document.id, s.license)).collect();
    assert_eq!(
        documents,
        [(ALTOCLOUD.id, "Altocloud"), (PE.id, "Predictive Engagement")]
    );
    assert_eq!(effect.permissions, [permission("journey:actionmap:view")]);

    // A permission only the Predictive Engagement page licenses names that page alone.
    let policy = Policy::builder(catalog())
        .role("r", ["journey:outcomescores:view"])
        .unwrap()
        .build();
    let audit = policy.audit(policy.role("r").unwrap()).unwrap();
    let effect = &audit.licenses["Predictive Engagement"];
    assert_eq!(effect.documents.len(), 1);
    assert_eq!(effect.documents[0].document.id, PE.id);
}

#[test]
fn evidence_follows_the_key_table() {
    let evidence_of = |key: &str, doc: &Doc| source_from(permission(key), doc).evidence;
    assert_eq!(evidence_of("journey:report:view", &PE), Evidence::Pattern);
    assert_eq!(evidence_of("journey:visit:view", &DUT), Evidence::Pattern);
    assert_eq!(evidence_of("journey:snippet:add", &ALTOCLOUD), Evidence::Pattern);
    assert_eq!(evidence_of("journey:customer:view", &PE), Evidence::Pattern);
    assert_eq!(evidence_of("attributes:attribute:*", &AMI), Evidence::Unverified);
    assert_eq!(evidence_of("integration:amiPremiumApps:*", &AMI), Evidence::Pattern);
    assert_eq!(evidence_of("journey:actionmap:view", &PE), Evidence::Verified);
    assert_eq!(evidence_of("CONTACTS_READ", &CXENGAGE), Evidence::Verified);
}

#[test]
fn wildcard_rows_without_known_actions_are_wildcard_entries() {
    for (label, key) in [
        (
            "Integration > amiPremiumApps > All Permissions",
            "integration:amiPremiumApps:*",
        ),
        ("Attributes > Attribute > All Permissions", "attributes:attribute:*"),
    ] {
        for name in [label, key] {
            let found = catalog().lookup(name).unwrap_or_else(|| panic!("`{name}` not found"));
            assert_eq!(found.key(), key);
            assert!(found.is_wildcard(), "{name}");
        }
    }
}

#[test]
fn ami_release_notes_name_their_releases() {
    for row in AMI.rows() {
        let source = source_from(permission(row.key), &AMI);
        match AMI_RELEASE_NOTES.iter().find(|(key, _)| *key == row.key) {
            Some((_, release)) => assert!(
                source.release_notes.iter().any(|note| note.contains(release)),
                "{}: a note naming {release}, got {:?}",
                row.key,
                source.release_notes
            ),
            None => assert!(
                !source.release_notes.iter().any(|note| note.contains("3.1")),
                "{}: no release remark in the matrix, got {:?}",
                row.key,
                source.release_notes
            ),
        }
    }
}

/// Note 2's "Routing Conversation Accept Off-Queue" has no known key: no
/// permission stands for it, and the gate of that configuration choice says
/// it is incomplete, in the note's words.
#[test]
fn ami_note_2_requirement_has_no_key_and_its_gate_is_incomplete() {
    let [name] = AMI.prose_only else {
        panic!("one prose-only requirement")
    };
    assert!(
        catalog()
            .iter()
            .all(|p| p.label().is_none_or(|label| label.replace(" > ", " ") != *name)),
        "{name} has no key"
    );
    let requiring: Vec<&str> = permgate::builtins::gates()
        .iter()
        .filter(|gate| gate.incomplete.is_some_and(|why| why.contains(name)))
        .map(|gate| gate.name)
        .collect();
    assert_eq!(requiring, ["AmiOffQueueReply"]);
}
