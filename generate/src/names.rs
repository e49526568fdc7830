//! The Rust names the generated code gives catalog entries: a module per
//! domain, a constant per permission, a static per gate.

/// `webDeployments` becomes `web_deployments`. A run of capitals is one
/// word, its last capital starting the next word when a lowercase letter
/// follows: `agentUI` becomes `agent_ui`, `XIntegration` `x_integration`,
/// `addAIPhrases` `add_ai_phrases`.
pub(crate) fn snake(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| chars.get(p));
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && previous.is_some_and(|p| !p.is_ascii_uppercase() || next.is_some_and(|n| n.is_ascii_lowercase()));
        if starts_word {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The module of the CxEngage flat names.
pub(crate) const CXENGAGE_MODULE: &str = "cxengage";

/// The module of a Genesys Cloud domain: `webDeployments` is `web_deployments`.
pub(crate) fn domain_module(domain: &str) -> String {
    snake(domain)
}

/// `wrapupCode`, `view` become `WRAPUP_CODE_VIEW`; the action `*` becomes `ALL`.
/// An entity that begins with a digit is prefixed by its domain, so that the
/// constant is an identifier: `chat:1on1:view` is `chat::CHAT_1ON1_VIEW`.
pub(crate) fn genesys_constant(domain: &str, entity: &str, action: &str) -> String {
    let action = match action {
        "*" => "all".to_owned(),
        action => snake(action),
    };
    let constant = format!("{}_{action}", snake(entity)).to_ascii_uppercase();
    if constant.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{}_{constant}", snake(domain).to_ascii_uppercase())
    } else {
        constant
    }
}

/// `AmiStandardUser` becomes `GATE_AMI_STANDARD_USER`.
pub(crate) fn gate_static(gate: &str) -> String {
    format!("GATE_{}", snake(gate).to_ascii_uppercase())
}

/// Whether a module name from [`domain_module`] can be declared:
/// it starts with a lowercase letter and is not a keyword.
pub(crate) fn is_module_name(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_lowercase()) && !KEYWORDS.contains(&s)
}

/// Whether a constant name from [`genesys_constant`] can be declared: it
/// starts with a letter (the rest are letters, digits and `_`).
pub(crate) fn is_constant_name(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
}

/// The Rust keywords (strict and reserved, edition 2024) a snake_case
/// domain could spell.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];
