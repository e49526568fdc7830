//! Prints the side-by-side table, from one run:
//! `cargo run --release --bin table` in `benches/compare`.
//!
//! Every engine answers the same prepared questions; each figure is the
//! median of several samples of a `std::time::Instant` loop over many calls,
//! inputs and outputs `black_box`ed. The samples of the figures compared in
//! one table are taken in interleaved rounds, so a burst of load from another
//! process hits them alike. Then every engine's wrong decisions over the
//! checked questions (none but the Premium App sample's, which is timed
//! beside the others but not proven to agree). Then permgate alone at scale (roles, catalog
//! size, compile time, heap per role) and the targets. Markdown goes
//! to stdout, progress to stderr.

use std::hint::black_box;
use std::time::{Duration, Instant};

use permgate::RoleDefinition;
use permgate::genesys::RoleFile;
use permgate::{Catalog, Policy, gates::AmiStandardUser, perm};
use permgate_compare::memory::{CountingAlloc, heap_growth};
use permgate_compare::scale::{every_entity_grants, policy_with_roles, spread_roles};
use permgate_compare::{
    Asked, Casbin, Cedar, Disagreements, Engine, Error, HashSetBaseline, PermgateStr, PermgateTyped, PremiumAppSample,
    Question, RANDOM_QUESTIONS, Workload,
};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// Samples per figure; the median is reported.
const SAMPLES: usize = 21;
/// The length of one sample.
const SAMPLE_TIME: Duration = Duration::from_millis(15);
/// The name of the builtin + org catalog in tables.
const ORG: &str = "builtin + org";
/// Role ids per *spread* loop: a power of two, more than the largest policy's roles.
const SPREAD: usize = 16_384;

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
            let prepared = engine.prepare(question.role, question.permission)?;
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
        let digits = format!("{value:.0}");
        let mut out = String::new();
        for (n, c) in digits.chars().enumerate() {
            if n > 0 && (digits.len() - n) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
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
const ENGINES: usize = 6;

/// One engine's answers: right or wrong per benchmarked question, and its
/// disagreements with the reference over the checked questions.
struct Answers {
    benchmarked: Vec<bool>,
    checked: Disagreements,
}

impl Answers {
    fn of<E: Engine>(engine: &E, workload: &Workload, checked: &[Asked]) -> Self {
        Self {
            benchmarked: workload
                .questions
                .iter()
                .map(|q| engine.allows(q.role, q.permission) == workload.reference(q.role, q.permission))
                .collect(),
            checked: Disagreements::of(engine, workload, checked),
        }
    }
}

/// The engines' figures, per question: typed, str, Cedar, casbin, HashSet,
/// Premium App sample; and their answers.
struct Comparison {
    questions: Vec<Question>,
    columns: [Vec<f64>; ENGINES],
    answers: [Answers; ENGINES],
}

impl Comparison {
    const NAMES: [&'static str; ENGINES] = [
        PermgateTyped::NAME,
        PermgateStr::NAME,
        Cedar::NAME,
        Casbin::NAME,
        HashSetBaseline::NAME,
        PremiumAppSample::NAME,
    ];
    /// The engines' short names in the ratio table.
    const SHORT: [&'static str; ENGINES] = ["typed", "str", "Cedar", "casbin", "HashSet", "Premium App"];

    fn run(workload: &Workload) -> Result<Self, Error> {
        eprintln!("building the engines");
        let typed = PermgateTyped::build(workload)?;
        let string = PermgateStr::build(workload)?;
        let cedar = Cedar::build(workload)?;
        let casbin = Casbin::build(workload)?;
        let baseline = HashSetBaseline::build(workload)?;
        let premium = PremiumAppSample::build(workload)?;
        let checked = workload.checked_questions();
        eprintln!("asking every engine {} checked questions", checked.len());
        let answers = [
            Answers::of(&typed, workload, &checked),
            Answers::of(&string, workload, &checked),
            Answers::of(&cedar, workload, &checked),
            Answers::of(&casbin, workload, &checked),
            Answers::of(&baseline, workload, &checked),
            Answers::of(&premium, workload, &checked),
        ];
        let questions = &workload.questions;
        let mut samplers = engine_samplers(&typed, questions)?;
        samplers.extend(engine_samplers(&string, questions)?);
        samplers.extend(engine_samplers(&cedar, questions)?);
        samplers.extend(engine_samplers(&casbin, questions)?);
        samplers.extend(engine_samplers(&baseline, questions)?);
        samplers.extend(engine_samplers(&premium, questions)?);
        eprintln!("timing {} decisions", samplers.len());
        let figures = medians(samplers);
        let mut columns = figures.chunks(questions.len()).map(<[f64]>::to_vec);
        Ok(Self {
            questions: questions.clone(),
            columns: std::array::from_fn(|_| columns.next().unwrap_or_default()),
            answers,
        })
    }

    fn get(&self, column: usize, row: usize) -> f64 {
        self.columns[column][row]
    }

    /// The figure, marked ✗ where the engine answers the question wrongly.
    fn cell(&self, column: usize, row: usize) -> String {
        let right = self.answers[column].benchmarked.get(row).copied().unwrap_or(false);
        format!("{}{}", ns(self.get(column, row)), if right { "" } else { " ✗" })
    }

    fn print(&self, workload: &Workload) {
        println!("### ns per decision (median)\n");
        println!("| role | question | key | {} |", Self::NAMES.join(" | "));
        println!("|---|---|---|{}", "---:|".repeat(ENGINES));
        for (row, q) in self.questions.iter().enumerate() {
            let typed = if workload.catalog.lookup(q.permission).is_some() {
                ""
            } else {
                " †"
            };
            let cells: Vec<String> = (0..ENGINES).map(|column| self.cell(column, row)).collect();
            println!(
                "| {} | {} | `{}`{typed} | {} |",
                q.role,
                q.kind.label(),
                q.permission,
                cells.join(" | ")
            );
        }
        println!(
            "\n† in no catalog, so it has no typed form: the typed column falls back to a string question, \
             whose patterns answer it. ✗ a wrong answer (the time is that of the wrong answer).\n"
        );
        println!("### How many times slower than permgate (engine ns ÷ permgate ns)\n");
        let pairs: Vec<(usize, usize)> = [0, 1]
            .iter()
            .flat_map(|&base| (2..ENGINES).map(move |column| (base, column)))
            .collect();
        let header: Vec<String> = pairs
            .iter()
            .map(|&(base, column)| format!("{} ÷ {}", Self::SHORT[column], Self::SHORT[base]))
            .collect();
        println!("| role | question | {} |", header.join(" | "));
        println!("|---|---|{}", "---:|".repeat(pairs.len()));
        for (row, q) in self.questions.iter().enumerate() {
            let cells: Vec<String> = pairs
                .iter()
                .map(|&(base, column)| ratio(self.get(column, row), self.get(base, row)))
                .collect();
            println!("| {} | {} | {} |", q.role, q.kind.label(), cells.join(" | "));
        }
        println!();
        self.print_wrong(workload);
    }

    /// Every engine's wrong answers over the checked questions, and the
    /// catalog's prefix pairs the Premium App sample confuses.
    fn print_wrong(&self, workload: &Workload) {
        let asked = self.answers[0].checked.asked;
        println!("### Wrong decisions over the {asked} checked questions\n");
        println!(
            "The {} benchmarked questions, {RANDOM_QUESTIONS} random ones, every concrete grant of every role, \
             and the catalog keys that are a proper prefix of a grant or that a grant is a proper prefix of \
             (`Workload::checked_questions`), each answer compared with the reference (`covers`, whole \
             segments). `tests/agree.rs` fails on any wrong answer of the first five engines; the Premium App \
             sample's are counted here and explained by `tests/premium_app.rs`.\n",
            self.questions.len()
        );
        println!("| engine | wrong decisions | wrongly allowed | wrongly denied |\n|---|---:|---:|---:|");
        for (name, answers) in Self::NAMES.iter().zip(&self.answers) {
            let checked = &answers.checked;
            println!(
                "| {name} | {} of {asked} | {} | {} |",
                checked.wrong(),
                checked.wrongly_allowed.len(),
                checked.wrongly_denied.len()
            );
        }
        let premium = &self.answers[ENGINES - 1].checked;
        let examples = |list: &[Asked]| {
            let distinct: std::collections::BTreeSet<&Asked> = list.iter().collect();
            let shown: Vec<String> = distinct
                .iter()
                .take(4)
                .map(|q| format!("`{}` to `{}`", q.permission, q.role))
                .collect();
            if shown.is_empty() {
                "none".to_owned()
            } else {
                shown.join(", ")
            }
        };
        println!(
            "\nPremium App sample, wrongly allowed: {}; wrongly denied: {}.",
            examples(&premium.wrongly_allowed),
            examples(&premium.wrongly_denied)
        );
        let pairs = workload.prefix_pairs();
        let shorter: std::collections::BTreeSet<&String> = pairs.iter().map(|(short, _)| short).collect();
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
            workload.concrete_keys().len(),
            pairs.len(),
            sample.join(", ")
        );
    }
}

/// The figures of permgate alone that the targets need.
struct Scale {
    check_ns: f64,
    compile_lbp_ns: f64,
    /// `allows` over the org catalog at 1 and at 10,000 roles: (one role, spread).
    flat: [(f64, f64); 2],
}

/// What the permgate-only measurements run on.
struct Inputs<'w> {
    builtin: &'static Catalog,
    org: &'w Catalog,
    lbp_json: String,
    lbp: RoleDefinition,
    lbp_grants: Vec<String>,
    every_entity: Vec<String>,
}

impl<'w> Inputs<'w> {
    fn load(workload: &'w Workload) -> Result<Self, Error> {
        let lbp_json = Workload::lbp_agent_json()?;
        let lbp = RoleFile::parse(&lbp_json)?
            .roles
            .into_iter()
            .next()
            .ok_or("lbp-agent.json holds no role")?;
        Ok(Self {
            builtin: Catalog::builtin(),
            org: &workload.catalog,
            lbp_grants: lbp.grants.iter().flat_map(|p| p.permissions.iter().cloned()).collect(),
            lbp,
            lbp_json,
            every_entity: every_entity_grants(&Workload::org_catalog_json()?)?,
        })
    }

    fn catalogs(&self) -> [(&Catalog, &'static str); 2] {
        [(self.builtin, "builtin"), (self.org, ORG)]
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

/// `check`, and role compile times; returns (check, compile lbp-agent.json).
fn check_and_compile(workload: &Workload, inputs: &Inputs<'_>) -> Result<(f64, f64), Error> {
    eprintln!("timing check and compile");
    let typed = PermgateTyped::build(workload)?;
    let policy = typed.policy();
    let ami = policy.role("ami-standard").ok_or("no AMI role")?;
    let lbp = policy.role("lbp-agent").ok_or("no lbp-agent role")?;
    let compile = |catalog| compile_sampler(catalog, &inputs.lbp);
    let figures = medians(vec![
        sampler(|| {
            black_box(policy.check::<AmiStandardUser>(black_box(ami)).is_ok());
        }),
        sampler(|| {
            black_box(policy.check::<AmiStandardUser>(black_box(lbp)).is_ok());
        }),
        compile(inputs.org),
        compile(inputs.builtin),
        sampler(|| {
            let mut builder = Policy::builder(inputs.org);
            if let Ok(file) = RoleFile::parse(black_box(&inputs.lbp_json)) {
                black_box(file.roles.first().map(|role| builder.add_role_definition(role)));
            }
            black_box(builder.build());
        }),
        sampler(|| {
            black_box(policy_with_roles(inputs.org, black_box(&inputs.every_entity), 1).is_ok());
        }),
    ]);
    let [
        check,
        check_denied,
        compile_org,
        compile_builtin,
        parse_and_compile,
        every_entity,
    ] = figures[..]
    else {
        return Err("expected six figures".into());
    };

    let lbp_name = format!("`lbp-agent.json` ({} grants)", inputs.lbp_grants.len());
    let rows = [
        ("`check::<AmiStandardUser>`, granted (AMI role)".to_owned(), check),
        (
            "`check::<AmiStandardUser>`, denied with the explanation built (lbp-agent)".to_owned(),
            check_denied,
        ),
        (format!("compile {lbp_name}, builtin + org catalog"), compile_org),
        (
            format!("compile {lbp_name}, builtin catalog (most keys unknown to it)"),
            compile_builtin,
        ),
        (
            format!("parse and compile {lbp_name}, builtin + org catalog"),
            parse_and_compile,
        ),
        (
            format!(
                "compile `domain:entity:*` on all {} entities of the org catalog",
                inputs.every_entity.len()
            ),
            every_entity,
        ),
    ];
    println!("### permgate: check and role compile time (median)\n");
    println!("| measurement | time |\n|---|---:|");
    for (name, time) in rows {
        let time = if time < 1e3 {
            format!("{} ns", ns(time))
        } else {
            format!("{} µs", ns(time / 1e3))
        };
        println!("| {name} | {time} |");
    }
    println!();
    Ok((check, compile_org))
}

/// `allows`, typed and with a string, at 1, 100 and 10,000 roles, over both catalogs;
/// returns the org catalog's `allows` figures at 1 and 10,000 roles.
fn role_count(inputs: &Inputs<'_>) -> Result<[(f64, f64); 2], Error> {
    eprintln!("timing allows at 1, 100 and 10,000 roles");
    println!("### permgate: `allows`, typed and with a string, by role count and catalog (median ns)\n");
    println!(
        "Every role holds the grants of `lbp-agent.json`; the question is `routing:queue:view`. \
         *One role* asks the same role every time; *spread* cycles through {SPREAD} role ids drawn \
         at random, so at 10,000 roles the loop touches most of the policy's bitset ({} bytes per \
         role with the org catalog's {} permissions).\n",
        inputs.org.len().div_ceil(64) * 8,
        inputs.org.len()
    );
    println!("| catalog | roles | `allows`, one role | `allows`, spread | string, one role | string, spread |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut policies = Vec::new();
    for (catalog, name) in inputs.catalogs() {
        for count in [1, 100, 10_000] {
            let policy = policy_with_roles(catalog, &inputs.lbp_grants, count)?;
            let one = policy.role("role-0").ok_or("no role-0")?;
            let spread = spread_roles(&policy, SPREAD);
            policies.push((name, count, policy, one, spread));
        }
    }
    let (permission, key) = (perm::routing::QUEUE_VIEW, "routing:queue:view");
    let mut samplers = Vec::new();
    for (_, _, policy, one, spread) in &policies {
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
    for ((name, count, ..), figures) in policies.iter().zip(figures.chunks(4)) {
        let cells: Vec<String> = figures.iter().map(|&f| ns(f)).collect();
        println!("| {name} | {count} | {} |", cells.join(" | "));
        match (*name == ORG, count, figures) {
            (true, 1, [one, spread, ..]) => flat[0] = (*one, *spread),
            (true, 10_000, [one, spread, ..]) => flat[1] = (*one, *spread),
            _ => {}
        }
    }
    println!();
    Ok(flat)
}

/// Heap per compiled role, measured with the counting allocator.
fn heap_per_role(inputs: &Inputs<'_>) -> Result<(), Error> {
    eprintln!("measuring heap per role");
    println!("### permgate: heap per compiled role (counting allocator)\n");
    println!("| role | catalog | roles | heap per role | of which bitset (`len().div_ceil(64) * 8`) |");
    println!("|---|---|---:|---:|---:|");
    let roles: [(&str, &[String], usize); 2] = [
        ("lbp-agent.json", &inputs.lbp_grants, 10_000),
        ("`*` on every entity", &inputs.every_entity, 1_000),
    ];
    for (role, grants, many) in roles {
        for (catalog, name) in inputs.catalogs() {
            for count in [1, many] {
                let (policy, grown) = heap_growth(|| policy_with_roles(catalog, grants, count));
                policy?;
                let per_role = grown.map_or("n/a".to_owned(), |bytes| format!("{} B", bytes / count as isize));
                let bitset = catalog.len().div_ceil(64) * 8;
                println!("| {role} | {name} | {count} | {per_role} | {bitset} B |");
            }
        }
    }
    println!(
        "\nThe heap grown by building a policy of that many copies of the role, divided by their \
         number: the bitset, the role's side tables (name, exact grants, kept patterns, unknown \
         keys), its share of the name map, and unused vector capacity.\n"
    );
    Ok(())
}

fn scale(workload: &Workload) -> Result<Scale, Error> {
    let inputs = Inputs::load(workload)?;
    let (check_ns, compile_lbp_ns) = check_and_compile(workload, &inputs)?;
    let flat = role_count(&inputs)?;
    heap_per_role(&inputs)?;
    Ok(Scale {
        check_ns,
        compile_lbp_ns,
        flat,
    })
}

fn targets(workload: &Workload, comparison: &Comparison, scale: &Scale) {
    let typed_rows: Vec<usize> = (0..comparison.questions.len())
        .filter(|&row| workload.catalog.lookup(comparison.questions[row].permission).is_some())
        .collect();
    let max_over = |column: usize, rows: &[usize]| rows.iter().map(|&r| comparison.get(column, r)).fold(0.0, f64::max);
    let builtin_rows: Vec<usize> = typed_rows
        .iter()
        .copied()
        .filter(|&row| {
            Catalog::builtin()
                .lookup(comparison.questions[row].permission)
                .is_some()
        })
        .collect();
    let org_rows: Vec<usize> = typed_rows
        .iter()
        .copied()
        .filter(|row| !builtin_rows.contains(row))
        .collect();
    let constant_max = max_over(0, &builtin_rows);
    let org_max = max_over(0, &org_rows);
    let cedar_ratio_min = typed_rows
        .iter()
        .map(|&r| comparison.get(2, r) / comparison.get(0, r))
        .fold(f64::INFINITY, f64::min);
    let all_rows: Vec<usize> = (0..comparison.questions.len()).collect();
    let str_max_catalog = max_over(1, &typed_rows);
    let str_max = max_over(1, &all_rows);
    let [(one, spread_one), (many, spread_many)] = scale.flat;

    println!("### Targets\n");
    println!("| target | figure | verdict |\n|---|---|---|");
    println!(
        "| typed `allows` about 1 ns (≤ 1.5 ns), builtin permission (a `perm::…` constant) | at most {} ns | {} |",
        ns(constant_max),
        verdict(constant_max <= 1.5)
    );
    println!(
        "| the same, a permission of the org catalog (looked up once) | at most {} ns | {} |",
        ns(org_max),
        verdict(org_max <= 1.5)
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
    println!();
}

fn main() -> Result<(), Error> {
    let started = Instant::now();
    let workload = Workload::load()?;
    println!(
        "## permgate vs Cedar, casbin, a HashSet and the Premium App sample's check ({} permissions: builtin + org catalog)\n",
        workload.catalog.len()
    );
    let comparison = Comparison::run(&workload)?;
    comparison.print(&workload);
    let scale = scale(&workload)?;
    targets(&workload, &comparison, &scale);
    eprintln!("done in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}
