//! `permgate export --format terraform|terraform-json`: the exported role,
//! grouped as its role JSON is, written as a `genesyscloud_auth_role`
//! resource.

use permgate::genesys::export_definition;
use permgate::genesys::terraform::{resource_label, to_hcl, to_json};
use permgate::{RoleDefinition, text::Escaped};

use crate::ExportFormat;
use crate::input::{Failure, Problem};

/// `role`, grouped as its exported role JSON is, as Terraform in `format`.
pub(crate) fn write(role: &RoleDefinition, format: ExportFormat) -> Result<String, Failure> {
    let problem = |e: &dyn std::fmt::Display| Problem::new(format!("role `{}`: {e}", Escaped(&role.name)));
    let role = export_definition(role).map_err(|e| problem(&e))?;
    let label = resource_label(&role.name);
    let text = match format {
        ExportFormat::Terraform => to_hcl(&role, &label),
        ExportFormat::TerraformJson | ExportFormat::RoleJson => to_json(&role, &label),
    };
    text.map_err(|e| problem(&e).into())
}
