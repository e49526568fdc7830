//! `permgate`: audit Genesys Cloud role files from the command line.
//!
//! Every command reads role JSON as the Genesys Cloud API returns it (one
//! role, an array of roles, or a listing `{"entities": [...]}`), or the
//! `genesyscloud_auth_role` resources of a Terraform JSON configuration;
//! `-` reads standard input. Output is an aligned table, or with `--json` one JSON
//! document whose schema the command's `--help` documents (field names are
//! snake_case and stable; `format_version` changes only when a field changes
//! meaning or goes away).
//!
//! Exit codes: 0 success (all granted, all allowed, files equal), 1 a
//! negative answer (a gate denied, a permission not allowed unconditionally,
//! files differ), 2 bad input. Errors go to standard error as
//! `permgate: FILE: role `NAME`: `$.json.path`: message`.

mod audit;
mod catalog;
mod changes;
mod check;
mod endpoints;
mod input;
mod output;
mod pull;
mod snapshot;
mod terraform;
mod who_can;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use permgate::Release;
use permgate::operation::Method;

use crate::input::Failure;

/// Audit Genesys Cloud role files: check gates, ask about permissions and API calls, audit, diff, export.
#[derive(Debug, Parser)]
#[command(name = "permgate", version, after_long_help = EXIT_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXIT_HELP: &str = "\
Role files are read as the Genesys Cloud API returns them: one role, an array
of roles, or a listing {\"entities\": [...]}; or as Terraform JSON (a .tf.json
file, as genesyscloud_tf_export writes it with export_format = \"json\"), each
genesyscloud_auth_role resource a role. `-` reads standard input. Where a
command reads a role file it also reads a snapshot folder (`permgate pull
--out DIR`), against the snapshot's catalog: pick a user with --user
ID|EMAIL|NAME or a role with --role NAME; audit reads every role, diff
compares two snapshots, who-can asks about every role and user.

Exit codes: 0 success, 1 a negative answer (gate denied, permission not
allowed unconditionally, files differ), 2 bad input. Errors go to standard
error as `permgate: FILE: role `NAME`: `$.json.path`: message`.

Each command's --help documents its --json schema.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Checks a role against gates: granted, or denied with every missing permission.
    #[command(after_long_help = CHECK_HELP)]
    Check(CheckArgs),
    /// Asks whether a role (or a subject in a division) allows permissions: yes, no or conditional.
    #[command(after_long_help = ALLOWS_HELP)]
    Allows(AllowsArgs),
    /// Explains a decision: which role, in which division, by which grant, or that nothing gives it;
    /// with --call, a Platform API call: its operation, requirement, decision and 403 body.
    #[command(after_long_help = EXPLAIN_HELP)]
    Explain(ExplainArgs),
    /// Lists the Platform API operations a role or user can call, and what it lacks for the others.
    #[command(after_long_help = ENDPOINTS_HELP)]
    Endpoints(EndpointsArgs),
    /// Audits every role of a file: unknown, redundant, conditional and legacy grants, licenses, gates.
    #[command(after_long_help = AUDIT_HELP)]
    Audit(AuditArgs),
    /// Compares the effective permissions of two roles, of two users or subjects per division, or
    /// of every role and user of two snapshots.
    #[command(after_long_help = DIFF_HELP)]
    Diff(DiffArgs),
    /// Lists every role that grants a permission and every user of a snapshot who may do it.
    #[command(after_long_help = WHO_CAN_HELP)]
    WhoCan(WhoCanArgs),
    /// Writes a gate or a role as the body of `POST /api/v2/authorization/roles`, or as Terraform.
    #[command(after_long_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Lists the builtin gates, roles or permissions.
    #[command(after_long_help = LIST_HELP)]
    List(ListArgs),
    /// Pulls an organization from the Platform API into a snapshot folder: roles, permission
    /// catalog, divisions, users with their authorization, products, and a manifest.
    #[command(after_long_help = PULL_HELP)]
    Pull(PullArgs),
}

/// Who a command answers for: a role of a role file, or the user of a
/// subject or users/me file, in a division or in all.
#[derive(Debug, Args)]
struct Who {
    /// A role file (one role, an array, or a listing), a subject file
    /// (`GET /api/v2/authorization/subjects/{id}`), a user file
    /// (`GET /api/v2/users/me?expand=authorization`), or a snapshot folder
    /// (`permgate pull --out DIR`) with --user or --role; `-` reads standard input.
    #[arg(value_name = "FILE|DIR")]
    file: PathBuf,
    /// The role to use when a role file holds several, or a role of a snapshot (exact name).
    #[arg(long, value_name = "NAME", conflicts_with = "division")]
    role: Option<String>,
    /// A user of a snapshot folder: its exact id, email or name (a name two users share is
    /// refused, with their ids).
    #[arg(long, value_name = "ID|EMAIL|NAME", conflicts_with = "role")]
    user: Option<String>,
    /// For a subject or user file, or a snapshot's --user: answer in this division (its id; in
    /// a snapshot, its id or name). A division-aware permission needs a grant in it or in all
    /// divisions. Without it, answer for every division.
    #[arg(long, value_name = "D")]
    division: Option<String>,
    /// What FILE is, when detection (by its fields) should not decide.
    #[arg(long = "as", value_enum, value_name = "KIND")]
    kind: Option<FileKind>,
}

/// What a file holds, for `--as`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FileKind {
    /// Role JSON: one role, an array, or a listing.
    Role,
    /// A user with `expand=authorization`, or its `authorization` object.
    User,
    /// A subject: `GET /api/v2/authorization/subjects/{id}`.
    Subject,
}

/// Options shared by the commands that compile roles.
#[derive(Debug, Args)]
struct Common {
    /// An organization's permission catalog (`GET /api/v2/authorization/permissions`,
    /// one page or an array of pages) to add to the builtin one.
    #[arg(long = "catalog", value_name = "ORG_CATALOG")]
    org_catalog: Option<PathBuf>,
    /// Print one JSON document (schema below) instead of tables.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    who: Who,
    /// A gate to check (case-insensitive; see `permgate list gates`). Repeat, or separate with commas.
    #[arg(long = "gate", value_name = "GATE", required = true, value_delimiter = ',')]
    gates: Vec<String>,
    /// Check at this product release (`3.16`, `R3.16`): roadmap permissions from it on are
    /// required. Default: each gate's own release.
    #[arg(long, value_name = "R")]
    release: Option<Release>,
    /// Require every permission the gate's document lists, those the Platform API removed
    /// included. Default: what the feature needs today, so a removed permission is not
    /// required and a gate whose every permission was removed is refused.
    #[arg(long)]
    documented: bool,
    #[command(flatten)]
    common: Common,
}

const CHECK_HELP: &str = "\
Exit codes: 0 every gate granted, 1 some gate denied, 2 bad input.

JSON (--json):
{
  \"format_version\": 1,
  \"file\": string,                  the role file as given
  \"role\": string | null,           the role checked (null for a subject or user file)
  \"subject\": string | null,        a subject or user file's name or id
  \"division\": string | null,      null: every division
  \"roles_without_policies\": [{     roles of a subject's grants that show no policies:
    \"name\": string,                they grant nothing here; fetch them to be sure
    \"id\": string | null, \"divisions\": [string]
  }],
  \"granted\": bool,                 every gate granted
  \"gates\": [{
    \"gate\": string,                the gate's name
    \"document\": string,            id of the document the gate comes from
    \"release\": string | null,      the release checked at
    \"granted\": bool,
    \"denied\": {                    null when granted; the library's `Denied` (feature `serde`)
      \"gate\": string,
      \"principal\": string | null,  the role, or the user's name
      \"division\": string | null,   the division checked in, when one of the user's grants names it
      \"release\": string | null,    the release checked at
      \"applies_from\": string | null,   set when that release is older than the gate's document
      \"missing\": [string],         every required permission the role lacks
      \"unmet_any_of\": [[string]],  groups of which the role holds none
      \"removed_from_platform\": [string],   required keys the Platform API removed (not required)
      \"feature_removed\": bool,     refused: the Platform API removed every permission the gate names
      \"foreign\": [string],         permissions of another catalog than the policy's
      \"unlisted_entities\": [string],   whole-entity rows whose entity the catalogs list no action of
      \"calls\": [{                  only for a gate grounded in Platform API calls: each call the role may not make
        \"method\": string, \"path\": string, \"operation\": string,
        \"missing\": [string],       what it misses of its ALL requirement
        \"unmet_any_of\": [string] | null,   its ANY requirement, when none is held
        \"never_allowed\": \"unverifiable\" | \"removed\" | null   why it can never be allowed
      }]
    } | null,
    \"permissions\": [{              each permission `denied` names in missing and unmet_any_of, once
      \"permission\": string, \"label\": string | null,
      \"roadmap_from\": string | null,   a roadmap permission, required from this release
      \"conditional\": bool          the role holds it only under a condition
    }],
    \"removed_from_platform\": [{\"permission\": string, \"label\": string | null,
      \"last_release\": {\"version\": string, \"date\": string} | null}],   required keys the Platform
                                   API removed, with the last SDK release that listed them: not required
                                   (empty with --documented)
    \"incomplete\": string | null    why holding the gate's set may not be enough
  }]
}";

#[derive(Debug, Args)]
struct AllowsArgs {
    #[command(flatten)]
    who: Who,
    /// Permissions to ask about, in any spelling: `routing:queue:join`,
    /// `Routing > Queue > Join`, `CONTACTS_READ`, or a catalog row that stands for a whole
    /// entity (`attributes:attribute:*`).
    #[arg(value_name = "PERMISSION", required = true)]
    permissions: Vec<String>,
    #[command(flatten)]
    common: Common,
}

const ALLOWS_HELP: &str = "\
Answers: yes (allowed unconditionally), conditional (allowed only where a
condition holds; the conditions are printed), no.

Exit codes: 0 every permission allowed unconditionally, 1 otherwise, 2 bad
input (including a malformed permission, a wildcard, or an unknown label: it
is reported on standard error and in `errors`, and the other permissions are
still answered).

JSON (--json):
{
  \"format_version\": 1,
  \"file\": string,
  \"role\": string | null,           the role asked about (null for a subject or user file)
  \"subject\": string | null,        a subject or user file's name or id
  \"division\": string | null,      null: every division
  \"roles_without_policies\": [{     roles of a subject's grants that show no policies:
    \"name\": string,                they grant nothing here; fetch them to be sure
    \"id\": string | null, \"divisions\": [string]
  }],
  \"all_allowed\": bool,             every permission was asked (no errors) and is \"allowed\"
  \"errors\": [{\"permission\": string, \"message\": string}],   permissions that could not be asked
  \"answers\": [{                    each the library's `Decision` (feature `serde`) beside the question
    \"permission\": string,          as given
    \"key\": string | null,          the catalog's spelling; null when the catalog does not know it
    \"label\": string | null,
    \"decision\": \"allowed\" | \"denied\" | \"allowed_if\",   the table's yes, no and conditional
    \"conditions\": [object]         for \"allowed_if\" only, the resourceConditionNodes, in the
                                   API's shape; any one suffices
  }]
}";

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("question").required(true).args(["permission", "call"])))]
struct ExplainArgs {
    #[command(flatten)]
    who: Who,
    /// The permission, in any spelling: `routing:queue:join`, `Routing > Queue > Join`, or a
    /// catalog row that stands for a whole entity (`attributes:attribute:*`).
    #[arg(value_name = "PERMISSION")]
    permission: Option<String>,
    /// A Platform API call instead of a permission: `METHOD PATH` with a concrete path
    /// (`POST /api/v2/routing/queues/abc/members`). A query string is ignored (the
    /// operation, and so what it requires, is chosen by method and path).
    #[arg(long, value_name = "METHOD PATH")]
    call: Option<String>,
    #[command(flatten)]
    common: Common,
}

const EXPLAIN_HELP: &str = "\
With --call \"METHOD PATH\", explains a Platform API call instead: the
operation the method and concrete path match, what it requires (ALL of some
permissions, ANY one of them, nothing, or entries permgate cannot check:
`admin`, `content_management_user`, `They are enforced by the backend`), the
decision, and for a denial the 403 body Genesys Cloud returns for it. A query
string (`?pageSize=25`) is ignored and said so: the operation, and so what
the call requires, is chosen by method and path. A full URL
(`https://api.mypurecloud.com/api/v2/...`) is read as its path.

Exit codes: 0 allowed unconditionally, 1 otherwise (allowed only under a
condition, or denied), 2 bad input (with --call: a line that is not `METHOD
PATH`, a method the Platform API does not use, a path no operation matches).

JSON (--json): the fields after roles_without_policies are the library's
`Explanation` (feature `serde`).
{
  \"format_version\": 1,
  \"file\": string,
  \"principal\": string,           `role `NAME`` or `subject `NAME` in division `D``
  \"roles_without_policies\": [{     roles of a subject's grants that show no policies:
    \"name\": string,                they grant nothing here; fetch them to be sure
    \"id\": string | null, \"divisions\": [string]
  }],
  \"permission\": string,          the catalog's spelling, or as given for a key no catalog knows
  \"decision\": \"allowed\" | \"denied\" | \"allowed_if\",
  \"conditions\": [object],        for \"allowed_if\" only, the resourceConditionNodes
  \"reasons\": [{                  every grant in reach that gives it
    \"role\": string,              the role (or the set of grants a user holds directly)
    \"named_role\": bool,
    \"division\": string | null,   the user's grant's division (`*`: every division)
    \"by\": \"permission\" | \"wildcard\" | \"every_action\" | \"unknown_key\"
        | \"every_action_with_others\",   a whole-entity row no grant holds alone:
                                   with the other such reasons, every listed action
    \"permission\": string,        by \"permission\" only, the permission granted
    \"wildcard\": string,          by \"wildcard\" only, the wildcard as granted
    \"key\": string,               by \"unknown_key\" only, the key as granted
    \"actions\": [string],         by \"every_action_with_others\" only, the
                                   entity's listed actions this grant holds
    \"condition\": object | null   the resourceConditionNode of a conditional grant
  }],
  \"elsewhere\": [reason]          for a user, when the decision is not \"allowed\", grants in
                                   other divisions that give it (each counts only in its division)
}

With --call (JSON): the fields after `call` are an operation as `permgate endpoints --json`
writes it.
{
  \"format_version\": 1,
  \"file\": string,
  \"principal\": string,
  \"roles_without_policies\": [...], as above
  \"call\": {
    \"method\": string,              as asked, in capitals
    \"path\": string,                the concrete path asked, without its query string
    \"query_ignored\": string | null the query string the call line had (without `?`)
  },
  \"method\": string, \"path\": string, \"operation\": string, ...   the operation matched and
                                   the answer, as an item of `operations` in `permgate endpoints
                                   --help`: apis, deprecated, requirement, permissions, unchecked,
                                   decision, unverifiable, conditions, missing, missing_any
  \"forbidden_body\": object | null  for a denial, the 403 body Genesys Cloud returns
                                   (its ErrorBody: `missing.permissions` for ALL,
                                   `missing.any.permissions` for ANY, `not.authorized` when
                                   only entries permgate cannot check would allow it)
}";

#[derive(Debug, Args)]
struct EndpointsArgs {
    #[command(flatten)]
    who: Who,
    /// Only operations whose path template starts with this (`/api/v2/routing/queues`).
    #[arg(long, value_name = "P")]
    path_prefix: Option<String>,
    /// Only operations of this method (`GET`, `post`). Repeat, or separate with commas.
    #[arg(long = "method", value_name = "M", value_delimiter = ',', value_parser = parse_method)]
    methods: Vec<Method>,
    /// Only the operations with this answer (repeat, or separate with commas); the counts
    /// still cover every operation the path and method filters keep.
    #[arg(long, value_enum, value_name = "ANSWER", value_delimiter = ',')]
    only: Vec<Answer>,
    #[command(flatten)]
    common: Common,
}

/// A method, as `--method` reads it.
fn parse_method(text: &str) -> Result<Method, String> {
    Method::parse(text.trim())
        .ok_or_else(|| "not a method of the Platform API: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS".to_owned())
}

/// The answers `permgate endpoints --only` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Answer {
    /// Callable unconditionally (operations that need no permission included).
    Allowed,
    /// Callable only where a condition of a conditional grant holds.
    #[value(name = "allowed_if", alias = "conditional")]
    AllowedIf,
    /// Not callable: a permission of an ALL requirement is missing, or none of an ANY one is held.
    Denied,
    /// Not callable: the operation requires only entries permgate cannot check (`admin`,
    /// `content_management_user`, `They are enforced by the backend`).
    Unverifiable,
}

const ENDPOINTS_HELP: &str = "\
Lists every Platform API operation (from the SDK docs, v259.0.0) with what the
role, or the user of a subject or user file (in --division, or in every
division), may do with it, sorted by path then method: callable (`yes`), not
callable (`no`, with what is missing: for an ALL requirement the permissions
it lacks, for an ANY requirement the group, none of which it holds), then apart
the conditional ones (callable only where one of the printed conditions holds)
and the unverifiable ones (they require only `admin`, `content_management_user`
or `They are enforced by the backend`, which permgate cannot check: never
callable here), then the counts. An operation that needs no permission is
callable by anyone (counted apart too). A role file with several roles needs
--role, as for check, allows and explain.

Exit codes: 0 listed (whatever the answers), 2 bad input (including a
--path-prefix and --method that together keep no operation).

JSON (--json):
{
  \"format_version\": 1,
  \"file\": string,
  \"role\": string | null,           the role listed for (null for a subject or user file)
  \"subject\": string | null,        a subject or user file's name or id
  \"division\": string | null,      null: every division
  \"roles_without_policies\": [{     roles of a subject's grants that show no policies:
    \"name\": string,                they grant nothing here; fetch them to be sure
    \"id\": string | null, \"divisions\": [string]
  }],
  \"path_prefix\": string | null,   the filters as given
  \"methods\": [string],
  \"only\": [string],
  \"counts\": {                     over the operations the path and method filters keep
    \"operations\": number,          = allowed + allowed_if + denied + unverifiable
    \"allowed\": number,
    \"no_permission_needed\": number,   of the allowed, those that require no permission
    \"allowed_if\": number,
    \"denied\": number,              not callable, unverifiable ones apart
    \"unverifiable\": number
  },
  \"operations\": [{                the operations listed (--only keeps some)
    \"method\": string,
    \"path\": string,                the path template
    \"operation\": string,           the SDKs' operation name
    \"apis\": [string],              the SDK API groups that document it
    \"deprecated\": bool,
    \"requirement\": \"all\" | \"any\" | \"nothing\" | \"unverifiable\",
    \"permissions\": [string],       the permissions it names (all of them, or any one)
    \"unchecked\": [string],         entries that are not permissions: they never allow the call
    \"decision\": \"allowed\" | \"allowed_if\" | \"denied\",   the library's (an unverifiable
                                   operation is denied)
    \"unverifiable\": bool,          denied because only unchecked entries would allow it
    \"conditions\": [object],        for \"allowed_if\" only, the resourceConditionNodes; any one
                                   suffices
    \"missing\": [string],           ALL, denied: the permissions it lacks (missing.permissions)
    \"missing_any\": [string]        ANY, denied: the group, none of which it holds
                                   (missing.any.permissions)
  }]
}";

#[derive(Debug, Args)]
struct AuditArgs {
    /// A role file (one role, an array, or a listing), a subject or user file, or a snapshot
    /// folder (`permgate pull --out DIR`: its roles); `-` reads standard input.
    #[arg(value_name = "FILE|DIR")]
    file: PathBuf,
    /// What FILE is, when detection (by its fields) should not decide.
    #[arg(long = "as", value_enum, value_name = "KIND")]
    kind: Option<FileKind>,
    #[command(flatten)]
    common: Common,
}

const AUDIT_HELP: &str = "\
Audits every role of the file, and lists the roles that did not load with the
JSON path of the problem. For a snapshot folder, every role of its roles.json,
against its catalog (the builtin one, --catalog's, and the organization's
permissions.json).

Exit codes: 0 (the audit is informational, even when some roles did not load),
2 bad input (the file is unreadable, not JSON, not role JSON, or no role loads).

JSON (--json): each role's audit is the library's `RoleAudit` (feature `serde`).
{
  \"format_version\": 1,
  \"file\": string,                  the file as given; for a snapshot, DIR/roles.json
  \"roles\": [{
    \"id\": string | null, \"description\": string | null,
    \"role\": string,                the role's name
    \"permissions\": [string],       catalog permissions allowed unconditionally
    \"unknown\": [string],           grants no catalog knows (still granted)
    \"wildcards\": [{\"wildcard\": string, \"permissions\": [string]}],   unconditional wildcard grants and the
                                     catalog permissions each covers (each also covers keys no catalog knows)
    \"redundant\": [{\"grant\": string, \"wildcard\": string}],   grants a wildcard already covers
    \"conditional\": [{
      \"permissions\": [string],     catalog permissions the grant covers
      \"beyond_catalog\": [string],  its wildcard patterns and keys no catalog knows
      \"condition\": object          the resourceConditionNode
    }],
    \"legacy\": [string],            legacy flat `permissions[]`, never granted
    \"licenses\": [{\"license\": string,        the product license (Altocloud's is Predictive Engagement)
                   \"documents\": [{\"document\": string, \"license\": string}],   each page's own name for it
                   \"permissions\": [string]}],
    \"deprecated\": [{\"permission\": string, \"note\": string}],   held permissions a source marks removed or legacy
    \"removed\": [{\"permission\": string, \"last_release\": {\"version\": string, \"date\": string}}],
                                     held permissions the Platform API no longer documents, with the last SDK
                                     release that listed them
    \"gates\": [{\"gate\": string, \"satisfied\": bool}],   every builtin gate (details in gate_info)
    \"unlisted_entities\": [{\"permission\": string, \"keys\": [string]}]   whole-entity rows the catalogs list
                                     no action of, with the role's keys of the entity
  }],
  \"errors\": [{                     roles that did not load
    \"position\": number,            the role's position in the file, from 0
    \"name\": string | null,
    \"path\": string | null,         JSON path of the problem
    \"message\": string
  }],
  \"gate_info\": [gate]              every builtin gate, as `permgate list gates --json` writes it
}

For a subject or user file (JSON with --json; grants and gates are the library's `UserAudit`'s):
{
  \"format_version\": 1, \"file\": string,
  \"kind\": \"subject\" | \"user\", \"user\": string,
  \"roles_without_policies\": [{     roles of a subject's grants that show no policies:
    \"name\": string,                they grant nothing here; fetch them to be sure
    \"id\": string | null, \"divisions\": [string]
  }],
  \"grants\": [{\"role\": string, \"named_role\": bool, \"division\": string (`*`: every division),
              \"audit\": audit}],         each grant's role, audited as above (without id and description)
  \"gates\": [{\"gate\": string,
             \"permitted\": \"*\" | [string]}],   where the user satisfies it; [] nowhere
  \"gate_info\": [gate]              as for a role file
}";

#[derive(Debug, Args)]
struct DiffArgs {
    /// The old role, subject or user file, or snapshot folder; `-` reads standard input.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The new role, subject or user file, or snapshot folder; `-` reads standard input.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// The role to compare when a file holds several, or a role of two snapshots (exact
    /// name, in both).
    #[arg(long, value_name = "NAME")]
    role: Option<String>,
    #[command(flatten)]
    common: Common,
}

const DIFF_HELP: &str = "\
Effective permissions are the catalog permissions the role allows
unconditionally, its grants no catalog knows, its unconditional wildcard
grants (each also allows keys no catalog knows), and its conditional grants
as `KEY if CONDITION` (omitted where the role allows KEY unconditionally).
A role in wildcard form and the same role in expanded form hold the same
catalog permissions, but differ by the wildcards: the expanded form does not
allow keys outside the catalog. Keys compare ignoring ASCII case;
conditions compare as trees (an operand `q-1, QUEUE q-2` is not the two
operands `q-1` and `q-2`). A condition's text quotes every value that is not
plain (alphanumerics and -_.:@/+) in double quotes, with \\\", \\\\ and \\` escaped.

Two snapshot folders (`permgate pull --out DIR`) are compared whole: the
permissions only one side's catalog lists (builtin and permissions.json;
keys ignoring ASCII case) or that are division-aware on one side only, the
roles and users only one holds (matched by id), and for each role and user
both hold the effective permissions it gained (widened) and lost (narrowed),
each side against its own catalog (an organization permission added to the
catalog widens a wildcard that covers it); for users, per division as below,
and the roles assigned and unassigned (`authorization.roles`). With --role,
that role of each side (a snapshot or a role file) is compared alone.

Two subject or user files (GET /api/v2/authorization/subjects/{id},
GET /api/v2/users/me?expand=authorization) are compared in every division
(what `*` grants and permissions that are not division-aware give) and in
each division either side's grants name: a division-aware permission counts
where its grant's division applies. A role file is compared only with a role
file.

Exit codes: 0 equal, 1 different, 2 bad input (as diff(1)).

JSON (--json):
{
  \"format_version\": 1,
  \"old\": {\"file\": string, \"role\": string}
         | {\"file\": string, \"kind\": \"subject\" | \"user\", \"user\": string},
  \"new\": the same,
  \"equal\": bool,
  \"added\": [entry], \"removed\": [entry]     sorted by key
}
entry: {
  \"key\": string,                   the catalog's spelling, or the grant's for unknown keys
  \"label\": string | null,
  \"known\": bool,                   the catalog knows the key
  \"condition\": object | null,      for a conditional grant: its resourceConditionNode, as the
                                   library writes conditions (the table prints its text)
  \"wildcard\": bool,              an unconditional wildcard grant
  \"covers\": number | null,        for a wildcard: the catalog permissions it covers
  \"division\": string             users only: `*` (every division) or the division id
}

For two snapshot folders (JSON):
{
  \"format_version\": 1,
  \"old\": {\"snapshot\": string,     the folder as given
           \"organization\": {\"id\": string, \"name\": string},
           \"pulled_at\": string},     the manifest's
  \"new\": the same,
  \"equal\": bool,
  \"catalog\": {
    \"added\": [string], \"removed\": [string],   permissions one side lists, sorted
    \"division_aware\": [{\"key\": string,    listed by both, division-aware on one side only
                        \"division_aware\": bool}]   as the new side lists it
  },
  \"roles\": {
    \"added\": [{\"id\": string | null, \"name\": string}], \"removed\": [the same],
    \"changed\": [{                  roles whose effective permissions differ, or renamed
      \"id\": string | null, \"name\": string,
      \"old_name\": string | null,   the old name, when renamed
      \"widened\": bool,             it may now do something it could not
      \"narrowed\": bool,            it may no longer do something it could
      \"added\": [entry], \"removed\": [entry]
    }]
  },
  \"users\": {
    \"added\": [{\"id\": string | null, \"name\": string, \"roles\": [string]}],   with its roles
    \"removed\": [the same],
    \"changed\": [{                  as for roles, entries with their division, and
      ..., \"roles_added\": [string], \"roles_removed\": [string]   roles (un)assigned
    }]
  }
}";

#[derive(Debug, Args)]
struct WhoCanArgs {
    /// A snapshot folder (`permgate pull --out DIR`): its roles and users; or a role file
    /// (one role, an array, or a listing): its roles. `-` reads a role file from standard input.
    #[arg(value_name = "SOURCE")]
    source: PathBuf,
    /// The permission, in any spelling: `routing:queue:join`, `Routing > Queue > Join`, or a
    /// catalog row that stands for a whole entity (`attributes:attribute:*`). Other wildcards
    /// are refused.
    #[arg(value_name = "PERMISSION")]
    permission: String,
    /// Users who may do it in this division (its id, or in a snapshot its name); `*`: in every
    /// division. Without it, users who may do it in some division.
    #[arg(long, value_name = "D")]
    division: Option<String>,
    #[command(flatten)]
    common: Common,
}

const WHO_CAN_HELP: &str = "\
Answers \"who may do this?\" from the library's column scan: every role that
grants the permission (yes, or conditional with the conditions of its
conditional grants) and, for a snapshot, every user who may do it: in some
division (the default: a user is listed when a division its permissions name,
or every division, gives it), in every division (--division '*'), or in one
(--division D). For each user: yes, or conditional (only under the printed
conditions); the divisions where it may do it unconditionally (`every
division`, or the ids); its roles (of `authorization.roles`) that grant the
permission; and with --json the grants that give it where asked. A user's
authorization is read as users.json holds it
(`GET /api/v2/users?expand=authorization`): permissions with a division id
hold in that division, the others and every policy in every division.

A wildcard other than a whole-entity catalog row is refused (exit 2): who-can
answers for one permission; ask about each one the wildcard covers. Every
role must load (a role left out would hide who it lets): a role that does not
is reported and the answer refused (exit 2). A role file (roles only) takes
no --division.

Exit codes: 0 some role or user may do it, 1 no one, 2 bad input.

JSON (--json): roles are the library's `RoleCan`, and a user's `decision`,
`divisions` and `grants` its `UserCan`'s (feature `serde`).
{
  \"format_version\": 1,
  \"source\": string,                the snapshot folder or role file, as given
  \"organization\": string | null,   the snapshot's organization (manifest.json)
  \"pulled_at\": string | null,      when the snapshot was pulled (RFC 3339)
  \"asked\": string,                 the permission as given
  \"permission\": string,            the catalog's spelling, or as given for a key no catalog knows
  \"label\": string | null,
  \"division\": string | null,       the division's id; null: in some division, \"*\": in every division
  \"roles\": [{                      every role that grants it, in file order
    \"id\": string | null, \"name\": string,
    \"decision\": \"allowed\" | \"allowed_if\",
    \"conditions\": [object]         for \"allowed_if\" only, the resourceConditionNodes; any one suffices
  }],
  \"users\": [{                      every user who may do it where asked, in file order
    \"id\": string | null, \"name\": string | null, \"email\": string | null,
    \"decision\": \"allowed\" | \"allowed_if\",
    \"conditions\": [object],        for \"allowed_if\" only
    \"divisions\": \"*\" | [string],   where unconditionally: every division, or these ([] only under a condition)
    \"roles\": [string],             the user's roles (authorization.roles) that grant it
    \"grants\": [{                   the user's grants that give it where asked
      \"role\": string,              the set of permissions the user holds in a division
      \"named_role\": bool,
      \"division\": string,          `*`: every division
      \"condition\": object | null   the resourceConditionNode of a conditional grant
    }]
  }]
}";

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("what").required(true).args(["gate", "role"])))]
struct ExportArgs {
    /// Export the role a gate needs (see `permgate list gates`).
    #[arg(long, value_name = "GATE")]
    gate: Option<String>,
    /// Export a role: from --from, else a builtin role (see `permgate list roles`).
    #[arg(long, value_name = "NAME")]
    role: Option<String>,
    /// The role file to take --role from; `-` reads standard input.
    #[arg(long, value_name = "ROLE_FILE", requires = "role")]
    from: Option<PathBuf>,
    /// Spell out every permission a wildcard covers, as Genesys Cloud returns roles.
    #[arg(long)]
    expanded: bool,
    /// An organization's permission catalog to expand roles and gates against.
    #[arg(long = "catalog", value_name = "ORG_CATALOG")]
    org_catalog: Option<PathBuf>,
    /// What to write: role JSON, or a Terraform `genesyscloud_auth_role` resource in HCL or
    /// in Terraform JSON.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ExportFormat::RoleJson)]
    format: ExportFormat,
}

/// What `permgate export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// Role JSON, the body of `POST /api/v2/authorization/roles`.
    RoleJson,
    /// A `genesyscloud_auth_role` resource in HCL (a `.tf` file).
    Terraform,
    /// The same resource in Terraform JSON (a `.tf.json` file).
    TerraformJson,
}

const EXPORT_HELP: &str = "\
Prints role JSON (pretty), ready for `POST /api/v2/authorization/roles`:
{\"name\", \"description\", \"permissionPolicies\": [{\"domain\", \"entityName\",
\"actionSet\", \"allowConditions\", \"resourceConditionNode\"?}], \"permissions\"?}.
Gates include their roadmap permissions, named in the description. Builtin
add-on roles hold only their own grants; the description names the role they
extend.

With --expanded, a catalog row that stands for a whole entity
(`integration:amiPremiumApps:*`) is written as the actions the catalog lists
for it; where none does, the export fails (pass --catalog with an
organization's catalog that lists them). Patterns are not kept in the
expanded form: keys outside the catalog that they allowed are not allowed by
its output.

With --format terraform, the same role as a `genesyscloud_auth_role` resource
of the Genesys Cloud Terraform provider, in HCL: `name`, `description`,
`permissions` (legacy flat permissions), `permission_policies { domain,
entity_name, action_set, conditions { conjunction, terms { variable_name,
operator, operands { type, queue_id | user_id | value } } } }`. With
--format terraform-json, the same resource in Terraform JSON:
{\"resource\": {\"genesyscloud_auth_role\": {LABEL: {...}}}}, blocks as arrays of
objects. LABEL comes from the role's name: its words (ASCII letters and
digits, split at camelCase) in lowercase, joined with `_` (`AmiStandardUser`:
`ami_standard_user`). The provider's conditions are one AND or OR of terms: a
single term is written as an AND of that term, and a condition that nests
conjunctions cannot be written (exit 2). `permgate diff` and `check` read the
Terraform JSON back.

Exit codes: 0 written, 2 bad input (unknown gate or role, CxEngage names, an
entity whose actions no catalog lists with --expanded, a condition Terraform
cannot hold).";

#[derive(Debug, Args)]
struct ListArgs {
    /// What to list.
    #[arg(value_enum, value_name = "WHAT")]
    what: ListKind,
    /// Only what this builtin document defines: predictive-engagement, digital-user-tracking,
    /// altocloud, cxengage-skylight, ami-r3 (platform-only permissions have no document).
    #[arg(long = "document", visible_alias = "catalog", value_name = "ID")]
    document: Option<String>,
    /// `list permissions` only: the permissions of this domain (`journey`, `Routing`; ASCII case
    /// ignored). CxEngage flat names have no domain.
    #[arg(long, value_name = "DOMAIN")]
    domain: Option<String>,
    /// Print one JSON document (schema below) instead of a table.
    #[arg(long)]
    json: bool,
}

/// What `permgate list` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ListKind {
    /// Feature gates.
    Gates,
    /// Named roles of the source documents.
    Roles,
    /// Catalog permissions.
    Permissions,
}

const LIST_HELP: &str = "\
`list permissions` lists the whole builtin catalog: the documents' permissions
and the platform's. --document and --domain narrow it, together or alone.

Exit codes: 0 listed, 2 bad input (unknown document, a domain no builtin
permission has, --domain with gates or roles).

JSON (--json): gates, roles and sources are the library's `GateInfo` (with the three fields
after `roadmap`), `CatalogRole` and `SourceEntry` (feature `serde`).
{\"format_version\": 1, \"document\": string | null, \"domain\": string | null, and one of:
  \"gates\": [{\"name\": string, \"description\": string, \"document\": string,
             \"extends\": string | null, \"release\": string | null,
             \"required\": [string], \"any_of\": [[string]],
             \"roadmap\": [{\"permission\": string, \"release\": string}],
             \"calls\": [{\"method\": string, \"path\": string, \"operation\": string}],   only for a gate
                                       grounded in Platform API calls: the operations its rows are
             \"removed_from_platform\": [string],   required keys the Platform API no longer documents (not required by check)
             \"feature_removed\": bool,   every key the gate names was removed: check refuses it
             \"incomplete\": string | null}]   why holding the set may not be enough
  \"roles\": [{\"name\": string, \"description\": string, \"document\": string,
             \"extends\": string | null, \"grants\": [string]}]
  \"permissions\": [{\"key\": string, \"label\": string | null,
             \"sources\": [{\"document\": string, \"section\": string, \"description\": string,
                          \"audience\": \"admin\" | \"agent\",
                          \"evidence\": \"verified\" | \"pattern\" | \"unverified\" | \"sdk\",
                          \"license\": string | null,           the document's own name for it
                          \"product_license\": string | null,   the product license it is today
                          \"release_notes\": [string],
                          \"available_from\": string | null}]}]
}";

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("hosts").required(true).multiple(true).args(["region", "api_base"])))]
struct PullArgs {
    /// The organization's region: its name (`us-east-1`) or its API domain (`mypurecloud.com`).
    #[arg(long, value_name = "R")]
    region: Option<String>,
    /// The snapshot folder to write. It must not exist: a snapshot is never written over.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The Platform API's base URL, in place of the region's (a proxy). Plain http only on
    /// loopback (127.0.0.1, ::1, localhost).
    #[arg(long, value_name = "URL")]
    api_base: Option<String>,
    /// The login (OAuth) base URL, in place of the region's. Plain http only on loopback.
    #[arg(long, value_name = "URL")]
    login_base: Option<String>,
    /// Seconds one request may take before it is retried.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
    /// How many times a 429, a 5xx or a timeout is retried (with backoff) before the pull fails.
    #[arg(long, value_name = "N", default_value_t = 3)]
    retries: u32,
    /// Print one JSON document (schema below) instead of the summary.
    #[arg(long)]
    json: bool,
}

const PULL_HELP: &str = "\
Reads, with the OAuth client credentials of GENESYS_CLIENT_ID and
GENESYS_CLIENT_SECRET (a client-credentials grant; the secret and the token
are never printed or written):

  organization.json  GET /api/v2/organizations/me              (no permission)
  roles.json         GET /api/v2/authorization/roles           (authorization:role:view)
  permissions.json   GET /api/v2/authorization/permissions     (no permission)
  divisions.json     GET /api/v2/authorization/divisions       (no permission)
  users.json         GET /api/v2/users?expand=authorization    (none listed)
  products.json      GET /api/v2/authorization/products        (no permission)

each listing's pages merged into one listing of the API's own bodies, and
writes them with manifest.json (organization, region, API base URL, time,
counts) into a temporary folder beside DIR, renamed to DIR only once the whole
snapshot reads back. Requests keep to 300 a minute (the Platform API's limit
for a client-credentials token); a 429 waits its Retry-After.

A refused or failed pull writes nothing (no DIR, no temporary folder) and
says why: the credentials were refused (401), the permission the OAuth
client's role lacks (403), a 5xx after the retries, a timeout, pages that loop
or more than 1,000 pages.

Commands that read a role file read DIR too (see their --help).

Exit codes: 0 pulled, 2 refused or failed (nothing written), or bad input
(no credentials, DIR exists, no region nor both base URLs).

JSON (--json):
{
  \"format_version\": 1,
  \"dir\": string,                   the snapshot folder written
  \"organization\": {\"id\": string, \"name\": string | null},
  \"region\": string | null,         the region's name; null when only base URLs were given
  \"api_base\": string,              the Platform API's base URL
  \"pulled_at\": string,             when, UTC (RFC 3339, seconds), as manifest.json has it
  \"counts\": {\"roles\": number, \"permissions\": number (domains of the catalog),
             \"divisions\": number, \"users\": number, \"products\": number},
  \"requests\": number,              HTTP requests made, the token's and retries included
  \"seconds\": number                how long the pull took, writing included
}";

/// What a command prints and how it exits.
struct Report {
    stdout: String,
    code: u8,
}

fn run(command: &Command) -> Result<Report, Failure> {
    match command {
        Command::Check(args) => check::check(args),
        Command::Allows(args) => check::allows(args),
        Command::Explain(args) => check::explain(args),
        Command::Endpoints(args) => endpoints::endpoints(args),
        Command::Audit(args) => audit::audit(args),
        Command::Diff(args) => audit::diff(args),
        Command::WhoCan(args) => who_can::who_can(args),
        Command::Export(args) => catalog::export(args),
        Command::List(args) => catalog::list(args),
        Command::Pull(args) => pull::pull(args),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli.command) {
        Ok(report) => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(report.stdout.as_bytes()).and_then(|()| stdout.flush()) {
                Ok(()) => ExitCode::from(report.code),
                // A closed pipe (`permgate list permissions | head`) is the reader's choice.
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(report.code),
                Err(error) => {
                    input::report_problem(&input::Problem::new(format!("cannot write output: {error}")));
                    ExitCode::from(2)
                }
            }
        }
        Err(failure) => {
            for problem in &failure.0 {
                input::report_problem(problem);
            }
            ExitCode::from(2)
        }
    }
}
