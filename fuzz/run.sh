#!/usr/bin/env bash
# Runs every fuzz target of permgate for a bounded time, one after another.
#
#   fuzz/run.sh                                  # 60 s per target
#   SECONDS_PER_TARGET=300 fuzz/run.sh           # 5 min per target
#   TARGETS="role_json" fuzz/run.sh              # some targets only
#
# Needs cargo-fuzz (installed if missing) and nightly features, which the
# stable toolchain gives with RUSTC_BOOTSTRAP=1 (set here unless already set).
# Seeds are read from seeds/<target>/ and, for role_json, from the real roles
# of ../shared/data/genesys-cloud/roles/ when that folder is there (test data
# the project reads in place, never copies); the corpus the fuzzer grows goes to
# corpus/<target>/ and crash inputs to artifacts/<target>/, both gitignored.
# Logs are in logs/<target>.log. Exits 1 if any target crashed, 2 if a target
# could not be built or run.
set -uo pipefail
cd "$(dirname "$0")"

SECONDS_PER_TARGET=${SECONDS_PER_TARGET:-60}
TARGETS=${TARGETS:-permission role_json catalog_json subject_json users_listing forbidden_body call_path}
export RUSTC_BOOTSTRAP=${RUSTC_BOOTSTRAP:-1}

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked || exit 2
fi

mkdir -p logs
crashed=0
failed=0
summary=()
for target in $TARGETS; do
    mkdir -p "corpus/$target" "artifacts/$target"
    if ! cargo fuzz build "$target" >"logs/$target.build.log" 2>&1; then
        echo "$target: build failed, see fuzz/logs/$target.build.log" >&2
        summary+=("$target: BUILD FAILED")
        failed=1
        continue
    fi
    echo "== $target: fuzzing for ${SECONDS_PER_TARGET}s" >&2
    # One process, one job: the machine is shared. -timeout flags a single
    # input slower than 10 s as a hang.
    started=$SECONDS
    extra=()
    if [ "$target" = role_json ] && [ -d ../../shared/data/genesys-cloud/roles ]; then
        extra=(../../shared/data/genesys-cloud/roles)
    fi
    cargo fuzz run "$target" "corpus/$target" "seeds/$target" "${extra[@]}" -- \
        -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -print_final_stats=1 \
        >"logs/$target.log" 2>&1
    status=$?
    elapsed=$((SECONDS - started))
    # Runs from the final statistics (printed on a crash too), coverage from
    # libFuzzer's last status line (`DONE` when the time ran out).
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "logs/$target.log" | awk '{print $2}' | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "logs/$target.log" | tail -1)
    artifact=$(grep -oE "Test unit written to [^ ]+" "logs/$target.log" | tail -1 | awk '{print $5}')
    if [ "$status" -eq 0 ]; then
        result="ok"
    elif [ -n "$artifact" ]; then
        result="CRASHED: $artifact"
        crashed=1
    else
        result="FAILED (exit $status), see fuzz/logs/$target.log"
        failed=1
    fi
    line="$target: ${elapsed}s (limit ${SECONDS_PER_TARGET}s), runs ${runs:-?}, ${cov:-cov: ?}, $result"
    echo "$line" >&2
    summary+=("$line")
done

echo
echo "fuzz summary"
printf '  %s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    exit 2
fi
exit "$crashed"
