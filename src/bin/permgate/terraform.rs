//! `permgate export --format terraform|terraform-json`: the exported role
//! JSON, read back as a role and written as a `genesyscloud_auth_role`
//! resource.

use permgate::Escaped;
use permgate::genesys::RoleFile;
use permgate::genesys::terraform::{resource_label, to_hcl, to_json};

use crate::ExportFormat;
use crate::input::{Failure, Problem};

/// `role_json`, one exported role, as Terraform in `format`.
pub(crate) fn from_role_json(role_json: &str, format: ExportFormat) -> Result<String, Failure> {
    let file = RoleFile::parse(role_json).map_err(|e| Problem::new(format!("exported role JSON: {e}")))?;
    let role = match (file.roles.as_slice(), file.errors.first()) {
        ([role], None) => role,
        (_, Some(error)) => return Err(Problem::new(format!("exported role JSON: {error}")).into()),
        _ => return Err(Problem::new("exported role JSON holds no single role").into()),
    };
    let label = resource_label(&role.name);
    let text = match format {
        ExportFormat::Terraform => to_hcl(role, &label),
        ExportFormat::TerraformJson | ExportFormat::RoleJson => to_json(role, &label),
    };
    text.map_err(|e| Problem::new(format!("role `{}`: {e}", Escaped(&role.name))).into())
}
