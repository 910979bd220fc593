# Shared by the end-to-end scripts, sourced once they have read their arguments
# (`sweep` is the binary): a scratch folder that is the working directory and
# the sweep cache, removed on exit together with any process still running from
# it, and the checks the scripts have in common. A script that needs more
# clean-up redefines `cleanup`.
work=$(mktemp -d)
cleanup() { pkill -KILL -f "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
export SWEEP_CACHE="$work/cache"
# Runners share the machine's cores with every runner registered on it
# (runner/core_budget.h), and ctest runs these scripts side by side: each gets
# its own runner folder, so what it checks does not depend on which scripts run
# beside it. Runners started by one script still share theirs.
mkdir -m 700 "$work/runtime"
export XDG_RUNTIME_DIR="$work/runtime"

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE CMD...: runs CMD, keeps its output in $work/out, checks the code.
expect_exit() {
  local want=$1; shift
  set +e; "$@" >"$work/out" 2>&1; local got=$?; set -e
  [ "$got" = "$want" ] || { cat "$work/out"; fail "'$*' exited $got, expected $want"; }
}
expect_output() { grep -qF -- "$1" "$work/out" || { cat "$work/out"; fail "output lacks: $1"; }; }
# q DB SQL: the query's rows as CSV, without the header.
q() { "$sweep" query --db "$1" --format csv "$2" | tail -n +2 | tr -d '\r'; }
# need_test_models FOLDER: skips the script (exit 77) where the make_test_models
# fixture exported nothing (no python3-torchvision).
need_test_models() {
  [ -f "$1/resnet18.pt" ] && return
  echo "SKIP: no exported test models in $1 (needs python3-torchvision)"
  exit 77
}
