//! Prints the side-by-side table, from one run:
//! `cargo run --release --bin table` in `benches/compare`
//! (`-- --orgs N` for the many-organizations rows, 1,000 by default or
//! `$PERMGATE_ORGS`; `-- --orgs 0` leaves them out).
//!
//! Every engine answers the same prepared questions; each figure is the
//! median of several samples of a `std::time::Instant` loop over many calls,
//! inputs and outputs `black_box`ed. The samples of the figures compared in
//! one table are taken in interleaved rounds, so a burst of load from another
//! process hits them alike. Sections: roles, users, keys no catalog knows at
//! 1 to 10,000 grants, every engine's wrong decisions over the checked
//! questions (none but the Premium App sample's, which is timed beside the
//! others but not proven to agree); then permgate alone (check, compile,
//! role count, heap per role), many organizations (`benches/orgs.rs` run as
//! a subprocess) and the targets. Markdown goes to stdout, progress
//! to stderr.

use std::collections::{BTreeSet, HashSet};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use permgate::genesys::RoleFile;
use permgate::{Catalog, Division, Policy, RoleDefinition, UserDefinition, gates::AmiStandardUser, perm};
use permgate_compare::memory::{CountingAlloc, heap_growth};
use permgate_compare::scale::{
    adding_two, dropping_two, every_entity_grants, own_permissions_listing, policy_of, policy_with_roles, spread_roles,
};
use permgate_compare::{
    AMI_TRANSFER, Asked, Casbin, Cedar, Disagreements, Engine, Error, HashSetBaseline, Kind, PermgateCompiled,
    PermgateStr, PermgateTyped, PremiumAppSample, Question, RANDOM_QUESTIONS, Who, Workload,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Samples per figure; the median is reported.
const SAMPLES: usize = 21;
/// The length of one sample.
const SAMPLE_TIME: Duration = Duration::from_millis(15);
/// Roles of a policy: names and grants.
type Roles = Vec<(String, Vec<String>)>;
/// Role ids per *spread* loop: a power of two, more than the largest policy's roles.
const SPREAD: usize = 16_384;
/// The grant counts of the unknown-keys section.
const UNKNOWN_COUNTS: [usize; 4] = [1, 40, 1_000, 10_000];
/// Organizations in the many-organizations rows unless `--orgs` or `$PERMGATE_ORGS` says.
const DEFAULT_ORGS: usize = 1_000;
/// The organizations of the many-organizations targets.
const TARGET_ORGS: usize = 10_000;
/// Copies of `lbp-agent.json` in the heap-per-role target (as `tests/role_memory.rs`).
const LBP_COPIES: usize = 101;
/// Users of a kind compiled before the one measured (as `tests/ondemand_memory.rs`).
const USERS_OF_A_KIND: usize = 101;

/// One figure to measure: a loop of calls to a closure, and its samples.
struct Sampler<'a> {
    /// Runs the closure `n` times; returns nanoseconds per call.
    run: Box<dyn FnMut(u64) -> f64 + 'a>,
    iterations: u64,
    samples: Vec<f64>,
}

/// A figure for `f`, which should `black_box` its inputs and output. The
/// loop is compiled for `f`; only whole samples go through a `dyn` call.
fn sampler<'a>(mut f: impl FnMut() + 'a) -> Sampler<'a> {
    Sampler {
        run: Box::new(move |n| {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            start.elapsed().as_nanos() as f64 / n as f64
        }),
        iterations: 1,
        samples: Vec::with_capacity(SAMPLES),
    }
}

/// Median nanoseconds per call of each sampler, sampled in interleaved rounds.
fn medians(mut samplers: Vec<Sampler<'_>>) -> Vec<f64> {
    for sampler in &mut samplers {
        // Double the loop until it runs for a millisecond, then size a sample.
        let per_call = loop {
            let per_call = (sampler.run)(sampler.iterations);
            if per_call * sampler.iterations as f64 >= 1e6 {
                break per_call;
            }
            sampler.iterations *= 2;
        };
        sampler.iterations = ((SAMPLE_TIME.as_nanos() as f64 / per_call) as u64).max(1);
    }
    for _ in 0..SAMPLES {
        for sampler in &mut samplers {
            let sample = (sampler.run)(sampler.iterations);
            sampler.samples.push(sample);
        }
    }
    samplers
        .into_iter()
        .map(|mut sampler| {
            sampler.samples.sort_by(f64::total_cmp);
            sampler.samples[SAMPLES / 2]
        })
        .collect()
}

/// One sampler per question, answered by `engine`.
fn engine_samplers<'e, E: Engine>(engine: &'e E, questions: &[Question]) -> Result<Vec<Sampler<'e>>, Error> {
    questions
        .iter()
        .map(|question| {
            let prepared = engine.prepare(&question.who, &question.permission)?;
            Ok(sampler(move || {
                black_box(engine.decide(black_box(&prepared)));
            }))
        })
        .collect()
}

/// `1.3`, `57`, `12,345`.
fn ns(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.2}")
    } else {
        thousands(format!("{value:.0}"))
    }
}

/// `1`, `40`, `10,000`.
fn count(value: usize) -> String {
    thousands(value.to_string())
}

fn thousands(digits: String) -> String {
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `4.27 ns`, `8.81 µs`, `3.2 ms`, `27 s`.
fn duration(value: f64) -> String {
    if value < 1e3 {
        format!("{} ns", ns(value))
    } else if value < 1e6 {
        format!("{} µs", ns(value / 1e3))
    } else if value < 1e9 {
        format!("{} ms", ns(value / 1e6))
    } else {
        format!("{} s", ns(value / 1e9))
    }
}

fn ratio(engine: f64, permgate: f64) -> String {
    format!("{}×", ns(engine / permgate))
}

/// `+25`, `+0`, `-3`: how much larger `value` is than `base`, in percent.
fn percent(value: f64, base: f64) -> String {
    format!("{:+}", ((value / base - 1.0) * 100.0).round() + 0.0)
}

fn verdict(met: bool) -> &'static str {
    if met { "**met**" } else { "**not met**" }
}

/// How many engines the comparison times.
const ENGINES: usize = 7;
/// Columns of [`Engines`].
const TYPED: usize = 0;
const STR: usize = 1;
const CEDAR: usize = 3;
const HASHSET: usize = 5;
const PREMIUM: usize = 6;

/// Every engine, built from one workload.
struct Engines {
    typed: PermgateTyped,
    string: PermgateStr,
    compiled: PermgateCompiled,
    cedar: Cedar,
    casbin: Casbin,
    baseline: HashSetBaseline,
    premium: PremiumAppSample,
}

impl Engines {
    const NAMES: [&'static str; ENGINES] = [
        PermgateTyped::NAME,
        PermgateStr::NAME,
        PermgateCompiled::NAME,
        Cedar::NAME,
        Casbin::NAME,
        HashSetBaseline::NAME,
        PremiumAppSample::NAME,
    ];
    /// The engines' short names in the ratio table.
    const SHORT: [&'static str; ENGINES] = [
        "typed",
        "str",
        "CompiledUser",
        "Cedar",
        "casbin",
        "HashSet",
        "Premium App",
    ];

    fn build(workload: &Workload) -> Result<Self, Error> {
        Ok(Self {
            typed: PermgateTyped::build(workload)?,
            string: PermgateStr::build(workload)?,
            compiled: PermgateCompiled::build(workload)?,
            cedar: Cedar::build(workload)?,
            casbin: Casbin::build(workload)?,
            baseline: HashSetBaseline::build(workload)?,
            premium: PremiumAppSample::build(workload)?,
        })
    }

    /// One sampler per engine and question, engine-major.
    fn samplers(&self, questions: &[Question]) -> Result<Vec<Sampler<'_>>, Error> {
        let mut samplers = engine_samplers(&self.typed, questions)?;
        samplers.extend(engine_samplers(&self.string, questions)?);
        samplers.extend(engine_samplers(&self.compiled, questions)?);
        samplers.extend(engine_samplers(&self.cedar, questions)?);
        samplers.extend(engine_samplers(&self.casbin, questions)?);
        samplers.extend(engine_samplers(&self.baseline, questions)?);
        samplers.extend(engine_samplers(&self.premium, questions)?);
        Ok(samplers)
    }

    /// Per engine, per question, whether its answer is the reference's.
    fn right(&self, workload: &Workload, questions: &[Question]) -> [Vec<bool>; ENGINES] {
        fn of<E: Engine>(engine: &E, workload: &Workload, questions: &[Question]) -> Vec<bool> {
            questions
                .iter()
                .map(|q| engine.allows(&q.who, &q.permission) == workload.reference(&q.who, &q.permission))
                .collect()
        }
        [
            of(&self.typed, workload, questions),
            of(&self.string, workload, questions),
            of(&self.compiled, workload, questions),
            of(&self.cedar, workload, questions),
            of(&self.casbin, workload, questions),
            of(&self.baseline, workload, questions),
            of(&self.premium, workload, questions),
        ]
    }

    fn disagreements(&self, workload: &Workload, checked: &[Asked]) -> [Disagreements; ENGINES] {
        [
            Disagreements::of(&self.typed, workload, checked),
            Disagreements::of(&self.string, workload, checked),
            Disagreements::of(&self.compiled, workload, checked),
            Disagreements::of(&self.cedar, workload, checked),
            Disagreements::of(&self.casbin, workload, checked),
            Disagreements::of(&self.baseline, workload, checked),
            Disagreements::of(&self.premium, workload, checked),
        ]
    }
}

/// The engines' figures on some questions of one workload.
struct Figures {
    questions: Vec<Question>,
    columns: [Vec<f64>; ENGINES],
    right: [Vec<bool>; ENGINES],
}

impl Figures {
    /// Splits `figures` (engine-major, as [`Engines::samplers`] orders them).
    fn new(questions: Vec<Question>, figures: &[f64], right: [Vec<bool>; ENGINES]) -> Self {
        let mut columns = figures.chunks(questions.len().max(1)).map(<[f64]>::to_vec);
        Self {
            columns: std::array::from_fn(|_| columns.next().unwrap_or_default()),
            questions,
            right,
        }
    }

    fn get(&self, column: usize, row: usize) -> f64 {
        self.columns[column].get(row).copied().unwrap_or(f64::NAN)
    }

    /// The figure, marked ✗ where the engine answers the question wrongly.
    fn cell(&self, column: usize, row: usize) -> String {
        let right = self.right[column].get(row).copied().unwrap_or(false);
        format!("{}{}", ns(self.get(column, row)), if right { "" } else { " ✗" })
    }

    fn cells(&self, row: usize) -> String {
        (0..ENGINES)
            .map(|column| self.cell(column, row))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// The rows whose principal `keep` accepts.
    fn rows(&self, mut keep: impl FnMut(&Question) -> bool) -> Vec<usize> {
        (0..self.questions.len())
            .filter(|&row| keep(&self.questions[row]))
            .collect()
    }
}

/// The key, marked † when no catalog knows it.
fn key_cell(workload: &Workload, key: &str) -> String {
    let dagger = if workload.catalog.lookup(key).is_some() {
        ""
    } else {
        " †"
    };
    format!("`{key}`{dagger}")
}

const DAGGER: &str = "† in no catalog, so it has no typed form: the typed columns fall back to a string question, \
                      whose patterns answer it. ✗ a wrong answer (the time is that of the wrong answer).";

/// The roles and users of the workload: timed, printed, and every engine's
/// wrong decisions over the checked questions.
fn roles_and_users(workload: &Workload, engines: &Engines) -> Result<Figures, Error> {
    let questions: Vec<Question> = workload
        .questions
        .iter()
        .chain(&workload.user_questions)
        .cloned()
        .collect();
    let samplers = engines.samplers(&questions)?;
    eprintln!("timing {} decisions about roles and users", samplers.len());
    let figures = Figures::new(
        questions.clone(),
        &medians(samplers),
        engines.right(workload, &questions),
    );
    let is_role = |q: &Question| matches!(workload.principal(&q.who), Some(Who::Role(_)));

    println!("### Roles: ns per decision (median)\n");
    println!("| role | question | key | {} |", Engines::NAMES.join(" | "));
    println!("|---|---|---|{}", "---:|".repeat(ENGINES));
    for row in figures.rows(is_role) {
        let q = &figures.questions[row];
        println!(
            "| {} | {} | {} | {} |",
            q.who,
            q.kind.label(),
            key_cell(workload, &q.permission),
            figures.cells(row)
        );
    }
    println!(
        "\n{DAGGER} The CompiledUser column asks a user compiled on demand (`Policy::compile_user`) holding that \
         one role in every division.\n"
    );

    println!("### Users: ns per decision (median)\n");
    let describe: Vec<String> = workload
        .users
        .iter()
        .map(|user| {
            let held: Vec<String> = user
                .roles
                .iter()
                .map(|(role, division)| format!("`{role}` in {}", division.as_deref().unwrap_or("every division")))
                .collect();
            format!("`{}` holds {}", user.name, held.join(", "))
        })
        .collect();
    println!(
        "{}. permgate typed and string: the user in the policy (`PolicyBuilder::add_user`; `Policy::user_in` \
         for one division); CompiledUser: the user compiled on demand against the policy of the roles \
         (`Policy::compile_user`, then `CompiledUser::allows` or `in_division`); Cedar: a `User` entity whose \
         parents are its roles, one per division its grants name; casbin: RBAC with domains (`g, ana, role, \
         division`); HashSet: the union of the roles' sets in reach, per division; Premium App sample: the \
         `users/me` list, division-scoped entries suffixed `:<divisionId>`.\n",
        describe.join("; ")
    );
    println!("| user | division | question | key | {} |", Engines::NAMES.join(" | "));
    println!("|---|---|---|---|{}", "---:|".repeat(ENGINES));
    for row in figures.rows(|q| !is_role(q)) {
        let q = &figures.questions[row];
        let (user, division) = q.who.split_once('@').unwrap_or((&q.who, "every"));
        println!(
            "| {user} | {division} | {} | {} | {} |",
            q.kind.label(),
            key_cell(workload, &q.permission),
            figures.cells(row)
        );
    }
    println!("\n✗ a wrong answer (the time is that of the wrong answer).\n");

    println!("### How many times slower than permgate (engine ns ÷ permgate ns)\n");
    let pairs: Vec<(usize, usize)> = [TYPED, STR]
        .iter()
        .flat_map(|&base| (CEDAR..ENGINES).map(move |column| (base, column)))
        .collect();
    let header: Vec<String> = pairs
        .iter()
        .map(|&(base, column)| format!("{} ÷ {}", Engines::SHORT[column], Engines::SHORT[base]))
        .collect();
    println!("| principal | question | {} |", header.join(" | "));
    println!("|---|---|{}", "---:|".repeat(pairs.len()));
    for (row, q) in figures.questions.iter().enumerate() {
        let cells: Vec<String> = pairs
            .iter()
            .map(|&(base, column)| ratio(figures.get(column, row), figures.get(base, row)))
            .collect();
        println!("| {} | {} | {} |", q.who, q.kind.label(), cells.join(" | "));
    }
    println!();
    Ok(figures)
}

/// Every engine's wrong answers over the checked questions, and the
/// catalog's prefix pairs the Premium App sample confuses.
fn wrong_decisions(workload: &Workload, engines: &Engines) {
    let checked = workload.checked_questions();
    eprintln!("asking every engine {} checked questions", checked.len());
    let answers = engines.disagreements(workload, &checked);
    let asked = checked.len();
    println!("### Wrong decisions over the {} checked questions\n", count(asked));
    println!(
        "The {} benchmarked questions, {} random ones (about roles, users in every division \
         and users in a division), every concrete grant of every role asked of the role and of every user \
         in every division and in each division, and the catalog keys that are a proper prefix of a grant \
         or that a grant is a proper prefix of (`Workload::checked_questions`), each answer compared with \
         the reference (`covers`, whole segments; a user's roles in reach, division-aware keys only in \
         their division). `tests/agree.rs` fails on any wrong answer of the first six engines; the Premium \
         App sample's are counted here and explained by `tests/premium_app.rs`.\n",
        workload.questions.len() + workload.user_questions.len(),
        count(RANDOM_QUESTIONS)
    );
    println!("| engine | wrong decisions | wrongly allowed | wrongly denied |\n|---|---:|---:|---:|");
    for (name, checked) in Engines::NAMES.iter().zip(&answers) {
        println!(
            "| {name} | {} of {} | {} | {} |",
            checked.wrong(),
            count(asked),
            checked.wrongly_allowed.len(),
            checked.wrongly_denied.len()
        );
    }
    let premium = &answers[PREMIUM];
    let examples = |list: &[Asked]| {
        let distinct: BTreeSet<&Asked> = list.iter().collect();
        let shown: Vec<String> = distinct
            .iter()
            .take(4)
            .map(|q| format!("`{}` to `{}`", q.permission, q.who))
            .collect();
        if shown.is_empty() {
            "none".to_owned()
        } else {
            shown.join(", ")
        }
    };
    let in_division = |list: &[Asked]| list.iter().filter(|q| q.who.contains('@')).count();
    println!(
        "\nPremium App sample, wrongly allowed: {} ({} of them to a user in a division); wrongly denied: {}.",
        examples(&premium.wrongly_allowed),
        in_division(&premium.wrongly_allowed),
        examples(&premium.wrongly_denied)
    );
    let pairs = workload.prefix_pairs();
    let shorter: BTreeSet<&String> = pairs.iter().map(|(short, _)| short).collect();
    let sample: Vec<String> = pairs
        .iter()
        .filter(|(_, long)| {
            [
                "blindtransferqueue",
                "assignment:viewown",
                "station:disassociateself",
                "outbound:campaign:viewschedule",
            ]
            .iter()
            .any(|end| long.ends_with(end))
        })
        .map(|(short, long)| format!("`{short}` by `{long}`"))
        .collect();
    println!(
        "Over the whole catalog: {} of its {} concrete keys are a proper prefix of another ({} pairs), \
         and a user holding only the longer key passes the sample's check for the shorter: {}.\n",
        shorter.len(),
        count(workload.concrete_keys().len()),
        pairs.len(),
        sample.join(", ")
    );
}

/// One question about keys no catalog knows, for the targets: (grants,
/// question, permgate with a string, the HashSet engine, a bare
/// `HashSet::contains`), ns.
type UnknownFigure = (usize, &'static str, f64, f64, f64);

/// Which baseline figure of an [`UnknownFigure`] a target compares with.
type Baseline = fn(&UnknownFigure) -> f64;

/// Keys no catalog knows, at each of [`UNKNOWN_COUNTS`] grants and as many
/// patterns, asked of every engine; returns the hit and miss figures.
fn unknown_keys() -> Result<Vec<UnknownFigure>, Error> {
    let mut built = Vec::new();
    for n in UNKNOWN_COUNTS {
        eprintln!("building the engines with {n} unknown keys and {n} patterns");
        let workload = Workload::unknown_keys(n)?;
        let engines = Engines::build(&workload)?;
        built.push((n, workload, engines));
    }
    // A bare membership test of the grants as strings, beside the engines:
    // what a service that ignores the patterns would pay (and answer
    // wrongly for a key under one).
    let bare: Vec<(usize, HashSet<String>, Vec<&Question>)> = built
        .iter()
        .map(|(n, workload, _)| {
            let set = workload
                .roles
                .iter()
                .flat_map(|role| role.grants.iter().cloned())
                .collect();
            let asked = (workload.questions.iter())
                .filter(|q| matches!(q.kind, Kind::Hit | Kind::Miss))
                .collect();
            (*n, set, asked)
        })
        .collect();
    let mut samplers = Vec::new();
    for (_, workload, engines) in &built {
        samplers.extend(engines.samplers(&workload.questions)?);
    }
    let engine_samplers = samplers.len();
    for (_, set, asked) in &bare {
        for q in asked {
            samplers.push(sampler(move || {
                black_box(set.contains(black_box(q.permission.as_str())));
            }));
        }
    }
    eprintln!("timing {} decisions on keys no catalog knows", samplers.len());
    let mut figures = medians(samplers);
    let bare_figures = figures.split_off(engine_samplers);
    let mut bare_figures = bare_figures.into_iter();
    println!("### Keys no catalog knows: ns per decision (median)\n");
    println!(
        "One role holding *n* keys no catalog knows (`acme{{i}}:widget:view`) and *n* patterns of domains no \
         catalog knows (`zeta{{i}}:gadget:*`), over the builtin catalog: a key granted exactly, a key under a \
         pattern, a key granted by neither. No typed form exists for these keys: permgate answers with a \
         string (`Policy::allows`: the name map misses, then the role's unknown keys and kept patterns). \
         Cedar holds each key as an action and each pattern as an action group, a key it has not seen \
         entering with its request's entities; casbin runs its matcher over every policy line.\n"
    );
    println!("| grants | question | key | {} |", Engines::NAMES.join(" | "));
    println!("|---:|---|---|{}", "---:|".repeat(ENGINES));
    let per_workload = 3 * ENGINES;
    let mut kept = Vec::new();
    for ((n, workload, engines), chunk) in built.iter().zip(figures.chunks(per_workload)) {
        let right = engines.right(workload, &workload.questions);
        let figures = Figures::new(workload.questions.clone(), chunk, right);
        for (row, q) in figures.questions.iter().enumerate() {
            if matches!(q.kind, Kind::Hit | Kind::Miss) {
                let bare = bare_figures.next().unwrap_or(f64::NAN);
                kept.push((
                    *n,
                    q.kind.label(),
                    figures.get(STR, row),
                    figures.get(HASHSET, row),
                    bare,
                ));
            }
            println!(
                "| {} + {} | {} | `{}` | {} |",
                count(*n),
                count(*n),
                q.kind.label(),
                q.permission,
                figures.cells(row)
            );
        }
    }
    println!("\n✗ a wrong answer (the time is that of the wrong answer).\n");
    println!(
        "A bare `HashSet<String>::contains` of the same grants as strings, patterns included as \
         written (so a key under a pattern is wrongly denied), timed in the same rounds: {}.\n",
        (kept.iter())
            .map(|(n, kind, _, _, bare)| format!("{} grants {kind} {} ns", count(*n), ns(*bare)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    Ok(kept)
}

/// The figures of permgate alone that the targets need.
struct Scale {
    check_ns: f64,
    compile_lbp_ns: f64,
    /// Typed `allows` on a permission of an organization's own extension.
    extension_ns: f64,
    /// `allows` at 1 and at 10,000 roles: (one role, spread).
    flat: [(f64, f64); 2],
    /// String questions on a catalog key: each spelling, ns.
    spellings: Vec<(&'static str, f64)>,
    /// Heap per role: `lbp-agent.json` in 101 copies; `*` on every entity, alone.
    heap_lbp_copies: isize,
    heap_every_entity: isize,
    /// Heap of the N-th compiled user of a kind.
    heap_user: isize,
}

/// What the permgate-only measurements run on.
struct Inputs<'w> {
    catalog: &'w Catalog,
    lbp_json: String,
    lbp: RoleDefinition,
    lbp_grants: Vec<String>,
    every_entity: Vec<String>,
    /// Catalog keys `lbp-agent.json` does not allow: what [`adding_two`] adds.
    pool: Vec<String>,
}

impl<'w> Inputs<'w> {
    fn load(workload: &'w Workload) -> Result<Self, Error> {
        let lbp_json = Workload::lbp_agent_json()?;
        let lbp = RoleFile::parse(&lbp_json)?
            .roles
            .into_iter()
            .next()
            .ok_or("lbp-agent.json holds no role")?;
        let lbp_grants: Vec<String> = lbp.grants.iter().flat_map(|p| p.permissions.iter().cloned()).collect();
        let pool = workload
            .concrete_keys()
            .into_iter()
            .filter(|key| !workload.reference("lbp-agent", key))
            .take(200)
            .collect();
        Ok(Self {
            catalog: &workload.catalog,
            lbp_grants,
            lbp,
            lbp_json,
            every_entity: every_entity_grants(&Workload::org_catalog_json()?)?,
            pool,
        })
    }
}

/// Compiling `spec` into a new policy over `catalog`.
fn compile_sampler<'a>(catalog: &'a Catalog, spec: &'a RoleDefinition) -> Sampler<'a> {
    sampler(move || {
        let mut builder = Policy::builder(catalog);
        let added = builder.add_role_definition(black_box(spec));
        black_box((added.is_ok(), builder.build()));
    })
}

/// `check`, typed `allows` on an organization's own permission, and role
/// compile times; returns (check, compile lbp-agent.json, extension allows).
fn check_and_compile(workload: &Workload, inputs: &Inputs<'_>) -> Result<(f64, f64, f64), Error> {
    eprintln!("timing check and compile");
    let typed = PermgateTyped::build(workload)?;
    let policy = typed.policy();
    let ami = policy.role("ami-standard").ok_or("no AMI role")?;
    let lbp = policy.role("lbp-agent").ok_or("no lbp-agent role")?;
    // Each row times the outcome its name says.
    if policy.check::<AmiStandardUser>(ami).is_err() || policy.check::<AmiStandardUser>(lbp).is_ok() {
        return Err("AmiStandardUser: the AMI role must pass and lbp-agent must not".into());
    }
    // A catalog extended by an organization's own permissions, past the builtin indexes.
    let extended = permgate::genesys::org_catalog(Catalog::builtin(), &own_permissions_listing("acme", 60))?;
    let own = extended.lookup("acme:entity7:edit").ok_or("no own permission")?;
    let grants = inputs.lbp_grants.iter().map(String::as_str).chain(["acme:entity7:*"]);
    let extended_policy = Policy::builder(&extended).role("lbp-agent", grants)?.build();
    let extended_role = extended_policy.role("lbp-agent").ok_or("no lbp-agent role")?;
    if !extended_policy.allows(extended_role, own) {
        return Err("the extension's permission must be allowed".into());
    }
    let compile = |catalog| compile_sampler(catalog, &inputs.lbp);
    let figures = medians(vec![
        sampler(|| {
            black_box(policy.check::<AmiStandardUser>(black_box(ami)).is_ok());
        }),
        sampler(|| {
            black_box(policy.check::<AmiStandardUser>(black_box(lbp)).is_ok());
        }),
        sampler(|| {
            black_box(extended_policy.allows(black_box(extended_role), black_box(own)));
        }),
        compile(inputs.catalog),
        sampler(|| {
            let mut builder = Policy::builder(inputs.catalog);
            if let Ok(file) = RoleFile::parse(black_box(&inputs.lbp_json)) {
                black_box(file.roles.first().map(|role| builder.add_role_definition(role)));
            }
            black_box(builder.build());
        }),
        sampler(|| {
            black_box(policy_with_roles(inputs.catalog, black_box(&inputs.every_entity), 1).is_ok());
        }),
    ]);
    let [
        check,
        check_denied,
        extension,
        compile_lbp,
        parse_and_compile,
        every_entity,
    ] = figures[..]
    else {
        return Err("expected six figures".into());
    };

    let lbp_name = format!("`lbp-agent.json` ({} grants)", inputs.lbp_grants.len());
    let rows = [
        (
            format!("`check::<AmiStandardUser>`, granted (AMI role, with `{AMI_TRANSFER}`)"),
            check,
        ),
        (
            "`check::<AmiStandardUser>`, denied with the explanation built (lbp-agent)".to_owned(),
            check_denied,
        ),
        (
            format!(
                "typed `allows`, a permission of an organization's own ({} permissions past the builtin {})",
                count(extended.len() - Catalog::builtin().len()),
                count(Catalog::builtin().len())
            ),
            extension,
        ),
        (format!("compile {lbp_name}"), compile_lbp),
        (format!("parse and compile {lbp_name}"), parse_and_compile),
        (
            format!(
                "compile `domain:entity:*` on all {} entities of the org catalog",
                inputs.every_entity.len()
            ),
            every_entity,
        ),
    ];
    println!(
        "### permgate: check, an organization's own permission, role compile time (median)\n\n\
         Over the workload's catalog ({} permissions: the builtin {} and {} more from the organization's \
         `permissions-catalog.json`).\n",
        count(inputs.catalog.len()),
        count(Catalog::builtin().len()),
        count(inputs.catalog.len() - Catalog::builtin().len())
    );
    println!("| measurement | time |\n|---|---:|");
    for (name, time) in rows {
        println!("| {name} | {} |", duration(time));
    }
    println!();
    Ok((check, compile_lbp, extension))
}

/// `allows`, typed and with a string, at 1, 100 and 10,000 distinct roles;
/// returns the `allows` figures at 1 and 10,000 roles.
fn role_count(inputs: &Inputs<'_>) -> Result<[(f64, f64); 2], Error> {
    eprintln!("timing allows at 1, 100 and 10,000 roles");
    println!("### permgate: `allows`, typed and with a string, by role count (median ns)\n");
    println!(
        "Role *n* holds the grants of `lbp-agent.json` and two more catalog keys, a pair of its own, so \
         that no two roles share a bitset row (a policy stores roles that grant alike once); the question \
         is `routing:queue:view`. *One role* asks the same role every time; *spread* cycles through {} \
         role ids drawn at random, so at 10,000 roles the loop touches the policy's whole bitset ({} bytes \
         per role, {} permissions).\n",
        count(SPREAD),
        inputs.catalog.len().div_ceil(64) * 8,
        count(inputs.catalog.len())
    );
    println!("| roles | `allows`, one role | `allows`, spread | string, one role | string, spread |");
    println!("|---:|---:|---:|---:|---:|");
    let mut policies = Vec::new();
    for roles in [1, 100, 10_000] {
        let policy = policy_of(inputs.catalog, &adding_two(&inputs.lbp_grants, &inputs.pool, roles))?;
        let one = policy.role("role-0").ok_or("no role-0")?;
        let spread = spread_roles(&policy, SPREAD);
        policies.push((roles, policy, one, spread));
    }
    let (permission, key) = (perm::routing::QUEUE_VIEW, "routing:queue:view");
    let mut samplers = Vec::new();
    for (_, policy, one, spread) in &policies {
        if !policy.allows(*one, permission) {
            return Err("the role-count question must be granted".into());
        }
        let one = *one;
        let spread_at = |mut n: usize| {
            move || {
                n = (n + 1) % SPREAD;
                spread[n]
            }
        };
        let (mut next, mut next_str) = (spread_at(0), spread_at(0));
        samplers.extend([
            sampler(move || {
                black_box(policy.allows(black_box(one), black_box(permission)));
            }),
            sampler(move || {
                black_box(policy.allows(black_box(next()), black_box(permission)));
            }),
            sampler(move || {
                black_box(policy.allows(black_box(one), black_box(key)).is_ok());
            }),
            sampler(move || {
                black_box(policy.allows(black_box(next_str()), black_box(key)).is_ok());
            }),
        ]);
    }
    let figures = medians(samplers);
    let mut flat = [(0.0, 0.0); 2];
    for ((roles, ..), figures) in policies.iter().zip(figures.chunks(4)) {
        let cells: Vec<String> = figures.iter().map(|&f| ns(f)).collect();
        println!("| {} | {} |", count(*roles), cells.join(" | "));
        match (roles, figures) {
            (1, [one, spread, ..]) => flat[0] = (*one, *spread),
            (10_000, [one, spread, ..]) => flat[1] = (*one, *spread),
            _ => {}
        }
    }
    println!();
    Ok(flat)
}

/// Heap per compiled role, measured with the counting allocator: distinct
/// roles, and identical copies (which share their row and side tables).
/// Returns the heap per role of `lbp-agent.json` in [`LBP_COPIES`] copies and
/// of the `*` role alone.
fn heap_per_role(inputs: &Inputs<'_>) -> Result<(isize, isize), Error> {
    eprintln!("measuring heap per role");
    println!("### permgate: heap per compiled role (counting allocator)\n");
    println!(
        "The heap a policy of *n* roles holds beyond an empty policy's, divided by *n*: the role's bitset \
         row ({} B over {} permissions), its side tables (name, exact grants, kept patterns, unknown keys), \
         its share of the name map, and unused vector capacity. *Distinct* roles differ by a pair of grants \
         (`lbp-agent.json` plus two catalog keys; the `*` role without two of its grants); *copies* grant \
         alike, so the policy holds their row and side tables once and a copy costs its name and record.\n",
        inputs.catalog.len().div_ceil(64) * 8,
        count(inputs.catalog.len())
    );
    println!("| role | roles in the policy | heap per role |\n|---|---|---:|");
    let (empty, base) = heap_growth(|| Policy::builder(inputs.catalog).build());
    drop(empty);
    let base = base.ok_or("the counting allocator is not installed")?;
    let lbp = format!("`lbp-agent.json` ({} grants)", inputs.lbp_grants.len());
    let every = format!("`*` on every entity ({} grants)", inputs.every_entity.len());
    let copies = |grants: &[String], count: usize| -> Roles {
        (0..count).map(|n| (format!("role-{n}"), grants.to_vec())).collect()
    };
    let lbp_copies = format!("{LBP_COPIES} copies");
    let rows: [(&str, &str, Roles); 7] = [
        (&lbp, "1", adding_two(&inputs.lbp_grants, &[], 1)),
        (&lbp, &lbp_copies, copies(&inputs.lbp_grants, LBP_COPIES)),
        (
            &lbp,
            "10,000 distinct",
            adding_two(&inputs.lbp_grants, &inputs.pool, 10_000),
        ),
        (&lbp, "10,000 copies", copies(&inputs.lbp_grants, 10_000)),
        (&every, "1", copies(&inputs.every_entity, 1)),
        (&every, "1,000 distinct", dropping_two(&inputs.every_entity, 1_000)),
        (&every, "1,000 copies", copies(&inputs.every_entity, 1_000)),
    ];
    let (mut lbp_figure, mut every_figure) = (None, None);
    for (n, (role, label, roles)) in rows.into_iter().enumerate() {
        let (policy, grown) = heap_growth(|| policy_of(inputs.catalog, &roles));
        let policy = policy?;
        if policy.roles().len() != roles.len() {
            return Err("a role went missing".into());
        }
        let grown = grown.ok_or("the counting allocator is not installed")?;
        let per_role = (grown - base) / roles.len() as isize;
        let sign = if per_role < 0 { "-" } else { "" };
        println!("| {role} | {label} | {sign}{} B |", count(per_role.unsigned_abs()));
        match n {
            1 => lbp_figure = Some(per_role),
            4 => every_figure = Some(per_role),
            _ => {}
        }
    }
    println!();
    Ok((
        lbp_figure.ok_or("no lbp-agent copies figure")?,
        every_figure.ok_or("no `*` role figure")?,
    ))
}

/// Heap the N-th compiled user of a kind holds: [`USERS_OF_A_KIND`] users
/// holding `lbp-agent` everywhere and `ami-standard` in one division, by name
/// (`Policy::compile_user`), held at once; the last one's growth is reported
/// (the first of a kind also stores what the others share), as
/// `tests/ondemand_memory.rs` measures it.
fn heap_per_user(workload: &Workload) -> Result<isize, Error> {
    eprintln!("measuring heap per compiled user");
    let typed = PermgateTyped::build(workload)?;
    let policy = typed.policy();
    let user = |n: usize| {
        UserDefinition::new(format!("user-{n}"))
            .role(RoleDefinition::new("lbp-agent"), Division::All)
            .role(RoleDefinition::new("ami-standard"), Division::new("d-east"))
    };
    let definitions: Vec<UserDefinition> = (0..=USERS_OF_A_KIND).map(user).collect();
    let mut kept = Vec::with_capacity(definitions.len());
    let mut last = None;
    for definition in &definitions {
        let (compiled, grown) = heap_growth(|| policy.compile_user(definition));
        kept.push(compiled?);
        last = grown;
    }
    let nth = last.ok_or("the counting allocator is not installed")?;
    if !kept.iter().all(|user| user.allows(perm::routing::QUEUE_VIEW)) {
        return Err("every compiled user holds lbp-agent's `routing:queue:view`".into());
    }
    println!("### permgate: heap per compiled user (counting allocator)\n");
    println!(
        "User {} of {} compiled on demand (`Policy::compile_user`) and held at once, each holding \
         `lbp-agent` in every division and `ami-standard` in one, by name: what it holds, allocated minus \
         freed while compiling it ({} permissions, {} words a row). The first of a kind also stores the rows \
         and grant sets the others share.\n",
        count(USERS_OF_A_KIND + 1),
        count(USERS_OF_A_KIND + 1),
        count(workload.catalog.len()),
        workload.catalog.len().div_ceil(64)
    );
    println!(
        "| user | heap |\n|---|---:|\n| the N-th of a kind | {} B |\n",
        count(nth.unsigned_abs())
    );
    Ok(nth)
}

/// String questions on a catalog key, in each spelling `Policy::allows`
/// reads (lbp-agent's granted `routing:queue:view` as its key, in upper case,
/// as its label; a catalog key it does not hold); returns the figures.
fn string_spellings(workload: &Workload, inputs: &Inputs<'_>) -> Result<Vec<(&'static str, f64)>, Error> {
    eprintln!("timing string questions by spelling");
    let typed = PermgateTyped::build(workload)?;
    let policy = typed.policy();
    let lbp = policy.role("lbp-agent").ok_or("no lbp-agent role")?;
    let view = perm::routing::QUEUE_VIEW;
    let label = view.label().ok_or("routing:queue:view has no label")?;
    let upper = view.key().to_ascii_uppercase();
    let miss = inputs.pool.first().ok_or("no catalog key outside lbp-agent")?.clone();
    let questions: [(&'static str, &str, bool); 4] = [
        ("key hit", view.key(), true),
        ("the key in another case", &upper, true),
        ("the label", label, true),
        ("miss (a catalog key not held)", &miss, false),
    ];
    for (what, key, expected) in &questions {
        if policy.allows(lbp, *key) != Ok(*expected) {
            return Err(format!("string question `{key}` ({what}): expected {expected}").into());
        }
    }
    let figures = medians(
        questions
            .iter()
            .map(|&(_, key, _)| {
                sampler(move || {
                    black_box(policy.allows(black_box(lbp), black_box(key)).is_ok());
                })
            })
            .collect(),
    );
    println!("### permgate: a string question on a catalog key, by spelling (median)\n");
    println!("`Policy::allows(lbp-agent, …)` with a `&str`.\n");
    println!("| spelling | question | time |\n|---|---|---:|");
    for ((what, key, _), figure) in questions.iter().zip(&figures) {
        println!("| {what} | `{key}` | {} |", duration(*figure));
    }
    println!();
    Ok(questions.iter().map(|q| q.0).zip(figures).collect())
}

fn scale(workload: &Workload) -> Result<Scale, Error> {
    let inputs = Inputs::load(workload)?;
    let (check_ns, compile_lbp_ns, extension_ns) = check_and_compile(workload, &inputs)?;
    let spellings = string_spellings(workload, &inputs)?;
    let flat = role_count(&inputs)?;
    let (heap_lbp_copies, heap_every_entity) = heap_per_role(&inputs)?;
    let heap_user = heap_per_user(workload)?;
    Ok(Scale {
        check_ns,
        compile_lbp_ns,
        extension_ns,
        flat,
        spellings,
        heap_lbp_copies,
        heap_every_entity,
        heap_user,
    })
}

/// The organizations of the many-organizations rows: `--orgs N`, else
/// `$PERMGATE_ORGS`, else [`DEFAULT_ORGS`]; 0 leaves the rows out.
fn orgs_count() -> Result<usize, Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = match args.as_slice() {
        [] => match std::env::var("PERMGATE_ORGS") {
            Ok(value) => value,
            Err(_) => return Ok(DEFAULT_ORGS),
        },
        [flag, value] if flag == "--orgs" => value.clone(),
        _ => return Err("the only argument is `--orgs N`".into()),
    };
    Ok(value.replace(['_', ','], "").parse()?)
}

/// The JSON after `prefix` on the line of `output` that starts with it.
fn tagged(output: &str, prefix: &str) -> Result<serde_json::Value, Error> {
    let line = output
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .ok_or_else(|| format!("benches/orgs.rs printed no `{}` line", prefix.trim()))?;
    Ok(serde_json::from_str(line)?)
}

/// criterion's median (ns) of each benchmark of group `orgs` written since
/// `since`, by its function id.
fn criterion_medians(target: &Path, since: SystemTime) -> Result<Vec<(String, f64)>, Error> {
    let group = target.join("criterion").join("orgs");
    let mut medians = Vec::new();
    for entry in std::fs::read_dir(&group).map_err(|e| format!("reading `{}`: {e}", group.display()))? {
        let new = entry?.path().join("new");
        let estimates = new.join("estimates.json");
        let fresh = std::fs::metadata(&estimates)
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified >= since);
        if !fresh {
            continue;
        }
        let benchmark: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(new.join("benchmark.json"))?)?;
        let estimates: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&estimates)?)?;
        let (Some(id), Some(median)) = (
            benchmark["function_id"].as_str(),
            estimates["median"]["point_estimate"].as_f64(),
        ) else {
            return Err(format!("unexpected criterion files in `{}`", new.display()).into());
        };
        medians.push((id.to_owned(), median));
    }
    Ok(medians)
}

/// Runs `benches/orgs.rs` with `count` organizations as a subprocess
/// (`cargo bench --features live --bench orgs` at the repository's root,
/// its output passed on to stderr) and prints its rows; returns the figures
/// of the targets.
fn many_organizations(organizations: usize) -> Result<ManyOrgs, Error> {
    use std::io::BufRead;

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("running `PERMGATE_ORGS={organizations} cargo bench --features live --bench orgs` (minutes)");
    let since = SystemTime::now();
    let mut child = std::process::Command::new(cargo)
        .args(["bench", "--features", "live", "--bench", "orgs"])
        .env("PERMGATE_ORGS", organizations.to_string())
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO_TARGET_DIR", &target)
        .current_dir(&root)
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let mut output = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line?;
            eprintln!("  orgs | {line}");
            output.push_str(&line);
            output.push('\n');
        }
    }
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("benches/orgs.rs failed: {status}").into());
    }
    let summary = tagged(&output, "permgate-orgs-summary ")?;
    let latencies = tagged(&output, "permgate-orgs-latencies ")?;
    let medians = criterion_medians(&target, since)?;
    let median = |start: &str| -> Result<f64, Error> {
        medians
            .iter()
            .find(|(id, _)| id.starts_with(start))
            .map(|(_, median)| *median)
            .ok_or_else(|| format!("no fresh criterion estimate for `{start}`").into())
    };
    let number = |value: &serde_json::Value| value.as_f64().ok_or("benches/orgs.rs: a figure is not a number");
    let n = number(&summary["organizations"])?;
    println!("### Many organizations (`benches/orgs.rs`, one process)\n");
    println!(
        "{} organizations × {} roles × {} cached users, synthetic but shaped like real ones (each organization's \
         catalog extends the builtin one by 300 permissions, one catalog shared per distinct extension; 40 of its \
         roles from a pool of 200 templates, 10 its own; each user one of 300 personas shared across \
         organizations, roles in every division or in one of 5, 1 in 10 also an own role): `permgate::live`'s \
         `Organizations` and `Users` caches, loaded through the service's loader. The table command ran \
         `PERMGATE_ORGS={} cargo bench --features live --bench orgs` at the repository's root \
         (`cargo run --release --bin table -- --orgs 10000` for the 10,000 of the target). Medians are \
         criterion's; p50 and p99 are a task's own timings of the same question (`Instant::now` included).\n",
        ns(n),
        summary["roles"],
        summary["users"],
        organizations
    );
    let figures = ManyOrgs {
        organizations: n,
        resident_mib: number(&summary["resident_mib"])?,
        question_ns: median("question/random org of")?,
    };
    let per_user = number(&summary["heap_per_user"])?;
    let per_org = number(&summary["heap_per_organization"])?;
    let quantile = |when: &str, q: &str| number(&latencies[when][q]).map(ns);
    let rows = [
        (
            "resident memory (VmRSS) with every organization loaded and every user cached".to_owned(),
            format!("{} MiB", ns(number(&summary["resident_mib"])?)),
        ),
        (
            "heap of the whole process's organizations and users".to_owned(),
            format!("{} MiB", ns(number(&summary["heap_mib"])?)),
        ),
        (
            "heap per organization (catalog, policy)".to_owned(),
            format!("{} KiB", ns(per_org / 1024.0)),
        ),
        (
            "heap per cached user (compiled user, cache entry)".to_owned(),
            format!("{} B", ns(per_user)),
        ),
        (
            format!(
                "question, random organization of {}, random user (`Users::get` hit + `allows`)",
                ns(n)
            ),
            duration(median("question/random org of")?),
        ),
        (
            "the same, p50 / p99 (own timing, no reloads)".to_owned(),
            format!("{} / {} ns", quantile("idle", "p50")?, quantile("idle", "p99")?),
        ),
        (
            "the same, p50 / p99 while one organization reloads again and again".to_owned(),
            format!(
                "{} / {} ns",
                quantile("during_reloads", "p50")?,
                quantile("during_reloads", "p99")?
            ),
        ),
        (
            "question, one organization, random user (`Users::get` hit + `allows`)".to_owned(),
            duration(median("question/one org, random user")?),
        ),
        (
            "question, one user in hand (`CompiledUser::allows` only)".to_owned(),
            duration(median("question/one user in hand")?),
        ),
        (
            "organization lookup alone (`Organizations::policy` hit)".to_owned(),
            duration(median("lookup/random org of")?),
        ),
        (
            "load one organization from a snapshot (`Snapshot::read` + `policy()`)".to_owned(),
            duration(median("load/one org from a snapshot")?),
        ),
        (
            "reload one organization while a task asks the others".to_owned(),
            duration(median("reload/one org while a task asks the others")?),
        ),
        (
            format!("load all {} organizations (setup, once)", ns(n)),
            duration(number(&summary["load_all_ms"])? * 1e6),
        ),
        (
            format!(
                "compile and cache all {} users (setup, once)",
                ns(n * number(&summary["users"])?)
            ),
            duration(number(&summary["cache_users_ms"])? * 1e6),
        ),
    ];
    println!("| measurement | figure |\n|---|---:|");
    for (name, figure) in rows {
        println!("| {name} | {figure} |");
    }
    println!();
    Ok(figures)
}

/// The many-organizations figures the targets read.
struct ManyOrgs {
    /// Organizations the run loaded.
    organizations: f64,
    resident_mib: f64,
    /// Median of a question to a random organization and user, ns.
    question_ns: f64,
}

fn targets(
    workload: &Workload,
    figures: &Figures,
    scale: &Scale,
    unknown: &[UnknownFigure],
    orgs: Result<&ManyOrgs, &str>,
) {
    let role_rows = figures.rows(|q| matches!(workload.principal(&q.who), Some(Who::Role(_))));
    let typed_rows: Vec<usize> = role_rows
        .iter()
        .copied()
        .filter(|&row| workload.catalog.lookup(&figures.questions[row].permission).is_some())
        .collect();
    let max_over = |column: usize, rows: &[usize]| rows.iter().map(|&r| figures.get(column, r)).fold(0.0, f64::max);
    let typed_max = max_over(TYPED, &typed_rows);
    let cedar_ratio_min = typed_rows
        .iter()
        .map(|&r| figures.get(CEDAR, r) / figures.get(TYPED, r))
        .fold(f64::INFINITY, f64::min);
    let str_max_catalog = max_over(STR, &typed_rows);
    let str_max = max_over(STR, &role_rows);
    let [(one, spread_one), (many, spread_many)] = scale.flat;

    println!("### Targets\n");
    println!("| target | figure | verdict |\n|---|---|---|");
    println!(
        "| typed `allows` about 1 ns (≤ 1.5 ns), catalog permission (a `perm::…` constant or looked up once) | at most {} ns | {} |",
        ns(typed_max),
        verdict(typed_max <= 1.5)
    );
    println!(
        "| the same, a permission of an organization's own, past the builtin catalog | {} ns | {} |",
        ns(scale.extension_ns),
        verdict(scale.extension_ns <= 1.5)
    );
    println!(
        "| typed `allows` ≥ 1,000× faster than Cedar | at least {} on the same question | {} |",
        ratio(cedar_ratio_min, 1.0),
        verdict(cedar_ratio_min >= 1000.0)
    );
    println!(
        "| `allows` with a string < 15 ns | at most {} ns on catalog keys; {} ns with the pattern fallback († key) | {} |",
        ns(str_max_catalog),
        ns(str_max),
        verdict(str_max_catalog < 15.0)
    );
    println!(
        "| `check` < 10 ns | {} ns (`AmiStandardUser`, granted) | {} |",
        ns(scale.check_ns),
        verdict(scale.check_ns < 10.0)
    );
    println!(
        "| compile `lbp-agent.json` < 50 µs | {} µs | {} |",
        ns(scale.compile_lbp_ns / 1e3),
        verdict(scale.compile_lbp_ns < 50_000.0)
    );
    println!(
        "| `allows` at 10,000 roles within 20 % of 1 role, same role | {} vs {} ns ({} %) | {} |",
        ns(many),
        ns(one),
        percent(many, one),
        verdict(many <= one * 1.2)
    );
    println!(
        "| the same, role ids spread over the policy | {} vs {} ns ({} %) | {} |",
        ns(spread_many),
        ns(spread_one),
        percent(spread_many, spread_one),
        verdict(spread_many <= spread_one * 1.2)
    );
    // Issue 20's own targets.
    let spelled: Vec<String> = scale
        .spellings
        .iter()
        .map(|(what, time)| format!("{what} {} ns", ns(*time)))
        .collect();
    let spelled_max = scale.spellings.iter().map(|(_, time)| *time).fold(0.0, f64::max);
    println!(
        "| a string question on a catalog key < 10 ns (key hit, other case, label, miss) | {} | {} |",
        spelled.join("; "),
        verdict(!scale.spellings.is_empty() && spelled_max < 10.0)
    );
    // Against the `HashSet` engine, then against a bare membership test.
    let baselines: [(&str, Baseline); 2] = [
        (
            "keys no catalog knows no slower than the HashSet engine (which tries its patterns),",
            |row| row.3,
        ),
        (
            "the same against a bare `HashSet::contains` (patterns ignored),",
            |row| row.4,
        ),
    ];
    for n in UNKNOWN_COUNTS {
        let rows: Vec<&UnknownFigure> = unknown.iter().filter(|row| row.0 == n).collect();
        for (against, baseline) in baselines {
            let cells: Vec<String> = (rows.iter())
                .map(|row| format!("{} {} vs {} ns", row.1, ns(row.2), ns(baseline(row))))
                .collect();
            let met = !rows.is_empty() && rows.iter().all(|row| row.2 <= baseline(row));
            println!(
                "| {against} {} grants + {} patterns (hit, miss; string) | {} | {} |",
                count(n),
                count(n),
                cells.join("; "),
                verdict(met)
            );
        }
    }
    let bytes = |value: isize| format!("{}{} B", if value < 0 { "-" } else { "" }, count(value.unsigned_abs()));
    println!(
        "| heap per `lbp-agent.json` role, {LBP_COPIES} copies, ≤ 320 B | {} | {} |",
        bytes(scale.heap_lbp_copies),
        verdict(scale.heap_lbp_copies <= 320)
    );
    println!(
        "| heap of a role with `*` on every entity < 4 KiB | {} | {} |",
        bytes(scale.heap_every_entity),
        verdict(scale.heap_every_entity < 4096)
    );
    println!(
        "| heap of a compiled user (the N-th of a kind) < 512 B | {} | {} |",
        bytes(scale.heap_user),
        verdict(scale.heap_user < 512)
    );
    match orgs {
        Ok(many) => {
            let run = many.organizations;
            let at_target = run >= TARGET_ORGS as f64;
            let resident_verdict = if at_target {
                verdict(many.resident_mib < 2048.0)
            } else {
                "**not measured** at 10,000"
            };
            println!(
                "| many organizations: resident < 2 GiB at {} | {} MiB at {} organizations (the count run{}) | {} |",
                count(TARGET_ORGS),
                ns(many.resident_mib),
                ns(run),
                if at_target { "" } else { "; not extrapolated" },
                resident_verdict
            );
            let question_verdict = if at_target {
                verdict(many.question_ns < 200.0).to_owned()
            } else {
                format!(
                    "{} at this count; **not measured** at 10,000",
                    verdict(many.question_ns < 200.0)
                )
            };
            println!(
                "| many organizations: random-organization question median < 200 ns at {} | {} ns at {} organizations | {} |",
                count(TARGET_ORGS),
                ns(many.question_ns),
                ns(run),
                question_verdict
            );
        }
        Err(why) => println!(
            "| many organizations: resident < 2 GiB at {}, random-organization question < 200 ns | not measured: {why} | **not measured** |",
            count(TARGET_ORGS)
        ),
    }
    println!();
}

fn main() -> Result<(), Error> {
    let orgs = orgs_count()?;
    let started = Instant::now();
    let workload = Workload::load()?;
    println!(
        "## permgate vs Cedar, casbin, a HashSet and the Premium App sample's check ({} permissions: builtin + org catalog)\n",
        count(workload.catalog.len())
    );
    eprintln!("building the engines");
    let engines = Engines::build(&workload)?;
    let figures = roles_and_users(&workload, &engines)?;
    let unknown = unknown_keys()?;
    wrong_decisions(&workload, &engines);
    drop(engines);
    let scale = scale(&workload)?;
    let many = if orgs == 0 {
        Err("`--orgs 0`".to_owned())
    } else {
        many_organizations(orgs).map_err(|error| {
            eprintln!("many organizations: {error}");
            println!("### Many organizations\n\nNot measured in this run: {error}.\n");
            error.to_string()
        })
    };
    targets(
        &workload,
        &figures,
        &scale,
        &unknown,
        many.as_ref().map_err(String::as_str),
    );
    eprintln!("done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
