//! permgate in one screen: roles and a user from the built-in catalogs
//! answering real requests, and denials explained in the vendor's own words.
//!
//! Run with `cargo run -p quickstart` from the repository root: a package of its
//! own whose only dependency is `permgate`, so it builds none of the main crate's
//! dev-dependencies.

use permgate::gates::{
    ActionMapAnalyticsReport, ActionMapEditor, AmiExtraUser, AmiStandardUser, ContactManagementPanel,
    SkylightCustomRoleLogin,
};
use permgate::{BuildError, Catalog, Division, Gate, Policy, Principal, Release, perm};

fn main() -> Result<(), BuildError> {
    let catalog = Catalog::builtin();
    let grants_of = |name| {
        permgate::builtins::role(name)
            .map(|role| role.grants)
            .unwrap_or_default()
    };
    let mut builder = Policy::builder(catalog)
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
        // The named roles the source documents define, as published; AMI's
        // Transfer row as the Platform API grants it (the document's
        // `conversation:communication:transfer` is in no SDK release).
        .role(
            "AMI user",
            grants_of("AMI R3|standard user role")
                .iter()
                .chain(&["conversation:communication:blindTransfer"]),
        )?
        .role("Skylight agent", grants_of("Skylight custom role minimum"))?;
    // A user holds several roles, each in one division or in all.
    let maps = builder.add_role("map viewer", ["journey:actionmap:view"])?;
    let reports = builder.add_role("report viewer", ["journey:report:view"])?;
    let ana = builder.add_user("ana", [(maps, Division::All), (reports, Division::new("d-east"))])?;
    let policy = builder.build();
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
        show(&policy, role.into(), permission.key(), policy.allows(role, permission));
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
            Ok(allowed) => show(&policy, role.into(), question, allowed),
            Err(error) => println!("  {question}: error: {error}"),
        }
    }
    if let Err(error) = policy.allows(pe_agent, "routing:queue:*") {
        println!("  routing:queue:*: error: {error}");
    }

    println!("\nFeature gates:");
    gate::<ActionMapEditor>(&policy, designer.into());
    gate::<AmiStandardUser>(&policy, ami_user.into());
    gate::<ContactManagementPanel>(&policy, skylight.into());
    // Passing the login minimum is necessary, not known to be sufficient.
    gate::<SkylightCustomRoleLogin>(&policy, skylight.into());
    // The add-on role is not granted: the denial lists what is missing.
    gate::<AmiExtraUser>(&policy, ami_user.into());
    // Ana's two roles pass the report gate together, where both are granted.
    gate::<ActionMapAnalyticsReport>(&policy, policy.user_in(ana, "d-east"));
    gate::<ActionMapAnalyticsReport>(&policy, policy.user_in(ana, "d-west"));
    let at_316 = policy.check_info(ami_user, AmiStandardUser::INFO, Some(Release::new(3, 16)));
    println!(
        "  AmiStandardUser at AMI 3.16 for role `AMI user`: {}",
        if at_316.is_ok() { "granted" } else { "denied" }
    );
    Ok(())
}

fn show(policy: &Policy, who: Principal, question: &str, allowed: bool) {
    let name = policy.describe(who).unwrap_or_default();
    println!(
        "  {name:<25} {question:<28} {}",
        if allowed { "allowed" } else { "denied" }
    );
}

fn gate<G: Gate>(policy: &Policy, who: Principal) {
    match policy.check::<G>(who) {
        Ok(_granted) => {
            println!(
                "  {} for {}: granted",
                G::INFO.name,
                policy.describe(who).unwrap_or_default()
            );
            if let Some(why) = G::INFO.incomplete {
                println!("    (the gate is incomplete: {why})");
            }
        }
        Err(denied) => println!("  {denied}"),
    }
}

#[cfg(test)]
mod tests {
    /// The demo runs to the end on the built-in catalogs: every role it
    /// declares builds and every name it looks up exists.
    #[test]
    fn the_demo_runs() {
        assert!(super::main().is_ok());
    }
}
