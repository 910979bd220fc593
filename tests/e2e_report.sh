#!/usr/bin/env bash
# The HTML report in a real browser: a small finished sweep, whose target is
# named like an attack, is rendered in headless Chromium; every chart must draw,
# no script may fail, and the hostile name must show as text. Skips (exit 77)
# where Chromium is not installed.
# Usage: e2e_report.sh SWEEP_BINARY SWEEPS_FOLDER
set -euo pipefail
sweep=$1
sweeps=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "SKIP: no chromium on PATH (scripts/deps.sh test installs Debian's)"
  exit 77
fi
source "$(dirname "$0")/e2e_lib.sh"

hostile='</script><script>document.title="pwned"</script><img src=x onerror=alert(1)>'
python3 - "$sweeps/smoke.json" "$hostile" > hostile.json <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["targets"][0]["name"] = sys.argv[2]
spec["name"] = "smoke " + sys.argv[2]
print(json.dumps(spec))
PY
"$sweep" run hostile.json > run.log 2>&1 || { cat run.log; fail "the sweep failed"; }
"$sweep" report --html --out report.html > report.log 2>&1 || { cat report.log; fail "report failed"; }
grep -q "no charts" report.log && fail "the charting library was not found: $(cat report.log)"
expect_exit 2 "$sweep" report --html --out nosuch/report.html
expect_output "nosuch/report.html: cannot write (No such file or directory); the report is not written"

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --virtual-time-budget=30000 --run-all-compositor-stages-before-draw \
  --dump-dom "file://$work/report.html" > dom.html 2> browser.log || { tail browser.log; fail "chromium failed"; }

expected=$(grep -o 'data-charts-expected="[0-9]*"' dom.html | grep -o '[0-9]*' || true)
rendered=$(grep -o 'data-charts-rendered="[0-9]*"' dom.html | grep -o '[0-9]*' || true)
[ -n "$expected" ] || fail "the chart script did not run"
[ "$expected" -ge 6 ] || fail "only $expected charts in the report"
if grep -qE '<body[^>]* data-chart-errors=' dom.html; then
  grep -oE '<pre id="render-errors"[^>]*>[^<]*' dom.html
  fail "charts reported errors"
fi
[ "$rendered" = "$expected" ] || fail "$rendered of $expected charts rendered"
[ "$(grep -c '<svg' dom.html)" -ge "$expected" ] || fail "charts drew no SVG"
grep -q '<title>sweep report</title>' dom.html || fail "the page title changed: injected script ran"
grep -qF '&lt;/script&gt;&lt;script&gt;document.title=' dom.html || fail "the hostile name is not shown as text"
grep -q '<img src="x"' dom.html && fail "an injected image element exists"
echo "report rendered: $rendered of $expected charts"
