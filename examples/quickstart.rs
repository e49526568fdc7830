//! permgate in one screen: roles from the built-in catalogs answering real
//! requests, and one denial explained in the vendor's own words.
//!
//! Run with `cargo run --example quickstart`.

use permgate::gates::{ActionMapEditor, AmiExtraUser, AmiStandardUser, ContactManagementPanel};
use permgate::{BuildError, Catalog, Gate, Policy, Release, RoleId, perm};

fn main() -> Result<(), BuildError> {
    let catalog = Catalog::builtin();
    let grants_of = |name| catalog.role(name).map(|role| role.grants).unwrap_or_default();
    let policy = Policy::builder(catalog)
        // Grants in the three spellings, with wildcards as the admin UI shows them.
        .role(
            "journey designer",
            [
                "Journey > Action Map > All",
                "journey:segment:*",
                "Journey > Report > View",
            ],
        )?
        .role(
            "PE agent",
            [
                "routing:agent:onqueue",
                "routing:queue:*",
                "External Contacts > Contact > View",
            ],
        )?
        // The named roles the source documents define, as published.
        .role("AMI user", grants_of("AMI R3|standard user role"))?
        .role("Skylight agent", grants_of("Skylight custom role minimum"))?
        .build();
    let role = |name| policy.role(name).ok_or(BuildError::EmptyRoleName);
    let (designer, pe_agent, ami_user, skylight) = (
        role("journey designer")?,
        role("PE agent")?,
        role("AMI user")?,
        role("Skylight agent")?,
    );

    println!(
        "permgate: {} permissions in the built-in catalog, {} roles\n",
        catalog.len(),
        policy.roles().len()
    );
    println!("Typed questions (one bit test each):");
    for (role, permission) in [
        (designer, perm::journey::ACTIONMAP_EDIT),
        (designer, perm::journey::OUTCOME_VIEW),
        (skylight, perm::cxengage::ARTIFACTS_CREATE_ALL),
        (skylight, perm::cxengage::ARTIFACTS_READ_ALL),
        (ami_user, perm::routing::QUEUE_EDIT),
    ] {
        show(&policy, role, permission.key(), policy.allows(role, permission));
    }

    println!("\nQuestions as strings, in any spelling and case:");
    for (role, question) in [
        (pe_agent, "ROUTING:QUEUE:JOIN"),
        (pe_agent, "Routing > Queue > Search"),
        (pe_agent, "routing:queue:newAction"),
        (designer, "journey:segment:delete"),
        (ami_user, "conversation:email:park"),
    ] {
        match policy.allows(role, question) {
            Ok(allowed) => show(&policy, role, question, allowed),
            Err(error) => println!("  {question}: error: {error}"),
        }
    }
    if let Err(error) = policy.allows(pe_agent, "routing:queue:*") {
        println!("  routing:queue:*: error: {error}");
    }

    println!("\nFeature gates:");
    gate::<ActionMapEditor>(&policy, designer);
    gate::<AmiStandardUser>(&policy, ami_user);
    gate::<ContactManagementPanel>(&policy, skylight);
    // The add-on role is not granted: the denial lists what is missing.
    gate::<AmiExtraUser>(&policy, ami_user);
    let at_316 = policy.check_at::<AmiStandardUser>(ami_user, Some(Release::new(3, 16)));
    println!(
        "  AmiStandardUser at AMI 3.16 for `AMI user`: {}",
        if at_316.is_ok() { "granted" } else { "denied" }
    );
    Ok(())
}

fn show(policy: &Policy, role: RoleId, question: &str, allowed: bool) {
    let name = policy.role_name(role).unwrap_or("?");
    println!(
        "  {name:<16} {question:<28} {}",
        if allowed { "allowed" } else { "denied" }
    );
}

fn gate<G: Gate>(policy: &Policy, role: RoleId) {
    match policy.check::<G>(role) {
        Ok(granted) => {
            println!(
                "  {} for `{}`: granted",
                G::INFO.name,
                policy.role_name(granted.role()).unwrap_or("?")
            );
        }
        Err(denied) => println!("  {denied}"),
    }
}
