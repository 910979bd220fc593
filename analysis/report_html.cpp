#include "analysis/report_html.h"

#include <strings.h>

#include <nlohmann/json.hpp>

#include "analysis/format.h"
#include "analysis/html.h"
#include "analysis/pairing.h"
#include "analysis/report_charts.h"
#include "analysis/similarity.h"

namespace sweep {
namespace {

using nlohmann::json;

const char* kStyle = R"css(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #1d2329; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.3rem; margin-top: 2.4rem; border-bottom: 1px solid #d5dbe1; padding-bottom: .3rem; }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; }
.meta { color: #5b6670; }
.notice { background: #fff4d6; border: 1px solid #e8c767; padding: .5rem .8rem; border-radius: 4px; }
.answers { background: #f3f8f3; border: 1px solid #cfe3cf; border-radius: 4px; padding: .6rem 1rem; }
.answers li { margin: .4rem 0; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #e3e7eb; text-align: right; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.text, th.text { text-align: left; }
tr.recommended td { background: #eaf5ea; }
tr.undecided td { background: #fdf6e3; }
tr.head td:first-child { font-weight: 600; }
figure { margin: 1.2rem 0 1.8rem; }
figcaption { color: #5b6670; max-width: 60rem; margin-top: .3rem; }
.chart { overflow-x: auto; }
.error { font-family: ui-monospace, monospace; font-size: .85rem; white-space: pre-wrap; }
#render-errors { color: #a00; }
)css";

// Renders every chart found in the page's #sweep-charts data and reports how it
// went on <body>: data-charts-rendered counts successes; errors (script errors,
// console errors, failed charts) are listed in #render-errors.
const char* kRenderScript = R"js(
(function () {
  var errors = [];
  function note(message) {
    errors.push(String(message));
    var box = document.getElementById('render-errors');
    box.textContent = 'Some charts could not be drawn:\n' + errors.join('\n');
    box.hidden = false;
    document.body.setAttribute('data-chart-errors', String(errors.length));
  }
  window.addEventListener('error', function (e) { note(e.message); });
  var consoleError = console.error;
  console.error = function () { note(Array.prototype.join.call(arguments, ' ')); consoleError.apply(console, arguments); };
  var charts = JSON.parse(document.getElementById('sweep-charts').textContent);
  var rendered = 0;
  document.body.setAttribute('data-charts-expected', String(charts.length));
  charts.forEach(function (chart) {
    vegaEmbed('#' + chart.id, chart.spec, {actions: false, renderer: 'svg'}).then(function () {
      document.getElementById(chart.id).setAttribute('data-rendered', 'true');
      rendered += 1;
      document.body.setAttribute('data-charts-rendered', String(rendered));
    }).catch(function (err) { note(chart.id + ': ' + err); });
  });
})();
)js";

std::string cell(const std::string& text, bool left = false) {
  return std::string(left ? "<td class=\"text\">" : "<td>") + html_escape(text) + "</td>";
}

std::string header_row(const std::vector<std::string>& names) {
  std::string row = "<tr>";
  for (size_t i = 0; i < names.size(); ++i) {
    row += std::string(i == 0 ? "<th class=\"text\">" : "<th>") + html_escape(names[i]) + "</th>";
  }
  return row + "</tr>\n";
}

std::string depth_table(const TargetSummary& target, bool priced) {
  std::vector<std::string> names = {"unfrozen blocks",
                                    "lr (chosen on val)",
                                    "test accuracy (95% CI)",
                                    "val accuracy",
                                    "val gap to best, points (95% bounds)",
                                    "trainable params",
                                    "seeds",
                                    "compute / trial (estimated)",
                                    "device time / trial (measured)"};
  if (priced) names.push_back("cost / trial");
  std::string html = "<table>\n" + header_row(names);
  for (size_t i = 0; i < target.depths.size(); ++i) {
    const DepthRow& row = target.depths[i];
    const Verdict& v = target.verdict;
    const bool recommended = v.kind != VerdictKind::kUndecided && v.recommended == i;
    const bool in_question =
        v.kind == VerdictKind::kUndecided && (v.recommended == i || v.unsure == i);
    html += std::string("<tr") +
            (recommended         ? " class=\"recommended\""
             : in_question       ? " class=\"undecided\""
             : row.unfrozen == 0 ? " class=\"head\""
                                 : "") +
            ">";
    std::string depth = depth_label(row.unfrozen, row.blocks);
    if (row.unfrozen == 0) depth += " (" + depth_name(row.unfrozen, row.blocks) + ")";
    if (recommended) depth += ", recommended";
    if (in_question) depth += ", undecided";
    html += cell(depth, true);
    html += cell(format_lr(row.lr));
    html += cell(format_accuracy(row) +
                 (row.diverged ? " (" + std::to_string(row.diverged) + " diverged)" : ""));
    html += cell(percent(row.val_mean));
    html += cell(format_gap(v.gaps[i], v.best == i));
    html += cell(format_count(row.trainable_params));
    html += cell(std::to_string(row.seeds));
    html += cell(format_flops(row.train_flops));
    html += cell(format_seconds(row.device_seconds));
    if (priced) html += cell(row.cost ? format_money(*row.cost) : "");
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

// The other strategies, each at its best learning rate, against head-only and the best depth.
std::string strategies_table(const TargetSummary& target) {
  const CellTable table = strategy_table(target);
  if (table.rows.empty()) return "";
  std::string html =
      "<p class=\"meta\">Other strategies, each at its best learning rate "
      "chosen on validation; differences on test, paired by seed.</p>\n<table>\n" +
      header_row(table.header);
  for (const auto& row : table.rows) {
    html += "<tr>";
    for (size_t c = 0; c < row.size(); ++c) html += cell(row[c], c == 0);
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

std::string ratio(double deeper, double head) {
  return head > 0 && deeper > 0 ? printf_string("%.1fx", deeper / head) : "";
}

std::string verdict_cell(const TargetSummary& t) {
  const Verdict& v = t.verdict;
  const auto name = [&t](std::optional<size_t> i) {
    return depth_name(t.depths[*i].unfrozen, t.depths[*i].blocks);
  };
  switch (v.kind) {
    case VerdictKind::kHeadOnly:
      return "head-only is enough";
    case VerdictKind::kOpenBlocks:
      return "open " + name(v.recommended);
    case VerdictKind::kUndecided:
      return "undecided: " + name(v.unsure) + " or " + name(v.recommended);
    case VerdictKind::kNoData:
      break;
  }
  return "";
}

std::string comparison_table(const SweepSummary& s) {
  std::string html =
      "<table>\n" +
      header_row({"target", "backbone", "head-only", "best deeper (on val)", "difference, points",
                  "95% CI (paired over seeds)", "compute ratio", "device-time ratio", "verdict"});
  for (const TargetSummary& t : s.targets) {
    if (!t.head_only || !t.best_deeper) continue;
    const DepthRow& head = t.depths[*t.head_only];
    const DepthRow& best = t.depths[*t.best_deeper];
    const PairedDifference d = paired_difference(best, head);
    const std::string ci =
        d.pairs < 2 ? "needs two seeds"
                    : format_points(d.mean - d.ci95) + " to " + format_points(d.mean + d.ci95);
    html +=
        "<tr>" + cell(t.target, true) + cell(t.backbone, true) +
        cell(percent(head.test_mean) + " (lr " + format_lr(head.lr) + ")") +
        cell(percent(best.test_mean) + " at " + depth_label(best.unfrozen, best.blocks) + " (lr " +
             format_lr(best.lr) + ")") +
        cell(format_points(d.mean)) + cell(ci) + cell(ratio(best.train_flops, head.train_flops)) +
        cell(ratio(best.device_seconds, head.device_seconds)) + cell(verdict_cell(t)) + "</tr>\n";
  }
  return html + "</table>\n";
}

// Per backbone, the measured targets nearest first, and how the gap follows the distance.
std::string similarity_tables(const SweepSummary& s) {
  std::string html;
  for (const SimilarityTrend& trend : similarity_trends(s)) {
    html +=
        "<table>\n" + header_row({"target", "backbone", "your label", "Fréchet distance (measured)",
                                  "LogME (before training)", "head-only test",
                                  "gap to best deeper, points (95% CI)", "blocks training opened"});
    for (const SimilarityPoint& p : trend.points) {
      html += "<tr>" + cell(p.target, true) + cell(trend.backbone, true) +
              cell(p.similarity.empty() ? "none" : p.similarity) + cell(format_frechet(p.frechet)) +
              cell(printf_string("%.3f", p.logme)) +
              cell(p.head_only_test ? percent(*p.head_only_test) : "") + cell(gap_text(p)) +
              cell(required_depth_text(p)) + "</tr>\n";
    }
    html += "</table>\n<p>" + html_escape(trend_sentence(trend)) + "</p>\n";
  }
  return html;
}

std::string unfinished_table(const std::string& title, const std::vector<UnfinishedTrial>& trials) {
  std::string html =
      "<h3>" + html_escape(title) + "</h3>\n<table>\n" +
      header_row({"trial", "target", "unfrozen", "lr", "seed", "state", "attempts", "cause"});
  for (const UnfinishedTrial& u : trials) {
    html += "<tr>" + cell(u.trial_id, true) + cell(u.target, true) +
            cell(std::to_string(u.unfrozen)) + cell(format_lr(u.lr)) +
            cell(std::to_string(u.seed)) + cell(u.state) + cell(std::to_string(u.attempts)) +
            "<td class=\"text error\">" + html_escape(u.cause) + "</td></tr>\n";
  }
  return html + "</table>\n";
}

std::string diverged_table(const SweepSummary& s) {
  std::string html =
      "<h3>Diverged trials</h3>\n<p class=\"meta\">Their loss turned NaN or "
      "infinite; they are results, not errors, and rarely win a learning rate.</p>\n<table>\n" +
      header_row({"trial", "target", "unfrozen", "lr", "seed", "test accuracy"});
  for (const TrialPoint& p : s.diverged_trials) {
    html += "<tr>" + cell(p.trial_id, true) + cell(p.target, true) +
            cell(std::to_string(p.unfrozen)) + cell(format_lr(p.lr)) +
            cell(std::to_string(p.seed)) + cell(percent(p.test)) + "</tr>\n";
  }
  return html + "</table>\n";
}

std::string stopped_table(const SweepSummary& s) {
  std::string html =
      "<h3>Stopped by successive halving</h3>\n<p class=\"meta\">At a rung these trials "
      "trailed a learning rate of the same depth and seed on validation and stopped; their "
      "partial curves are kept, and they are never chosen as a depth's best.</p>\n<table>\n" +
      header_row({"trial", "target", "unfrozen", "lr", "seed", "stopped after epoch",
                  "val accuracy there", "device time"});
  for (const TrialPoint& p : s.stopped_trials) {
    html += "<tr>" + cell(p.trial_id, true) + cell(p.target, true) +
            cell(std::to_string(p.unfrozen)) + cell(format_lr(p.lr)) +
            cell(std::to_string(p.seed)) +
            cell(std::to_string(p.stopped_epoch.value_or(0)) + " of " + std::to_string(p.epochs)) +
            cell(percent(p.val)) + cell(format_seconds(p.device_seconds)) + "</tr>\n";
  }
  return html + "</table>\n";
}

// Image-folder files that did not decode, and were left out of their target.
std::string skipped_images_table(const SweepSummary& s) {
  std::string rows;
  for (const TargetSummary& t : s.targets) {
    if (!t.measure) continue;
    for (const std::string& entry : t.measure->skipped_images) {
      rows += "<tr>" + cell(t.target, true) + "<td class=\"text error\">" + html_escape(entry) +
              "</td></tr>\n";
    }
  }
  if (rows.empty()) return "";
  return "<h3>Images that did not decode</h3>\n<p class=\"meta\">Skipped and left out of their "
         "target; set \"strict\": true on the target to stop on them instead.</p>\n<table>\n" +
         header_row({"target", "file and cause"}) + rows + "</table>\n";
}

std::string environment_table(const SweepSummary& s) {
  std::string html =
      "<h3>Environment</h3>\n<table>\n" +
      header_row({"sweep", "LibTorch", "device kind", "CUDA", "host", "OS", "threads"});
  for (const Environment& env : s.environments) {
    html += "<tr>" + cell(env.sweep_version, true) + cell(env.torch_version) +
            cell(env.device_kind) + cell(env.cuda_version.empty() ? "none" : env.cuda_version) +
            cell(env.host) + cell(env.os) + cell(std::to_string(env.threads)) + "</tr>\n";
  }
  html += "</table>\n<p class=\"meta\">Devices: ";
  for (size_t i = 0; i < s.devices.size(); ++i) html += (i ? "; " : "") + html_escape(s.devices[i]);
  return html + ".</p>\n";
}

std::string counts_paragraph(const SweepSummary& s) {
  std::string text = std::to_string(s.done) + " of " + std::to_string(s.total) + " trials done, " +
                     std::to_string(s.failed) + " failed, " + std::to_string(s.diverged) +
                     " diverged, " + std::to_string(s.stopped) +
                     " stopped early by successive halving; " + format_seconds(s.device_seconds) +
                     " of device time";
  if (s.price_per_device_hour) {
    text += ", " + format_money(s.device_seconds / 3600.0 * *s.price_per_device_hour) + " in all";
  }
  std::string html = "<p class=\"meta\">" + html_escape(text) + ".</p>\n";
  if (const std::string frozen = frozen_blocks_sentence(s); !frozen.empty()) {
    html += "<p class=\"meta\">" + html_escape(frozen) + "</p>\n";
  }
  return html;
}

struct ChartSlot {
  std::string id;
  json spec;
};

std::string figure(const Chart& chart, const std::string& id) {
  return "<figure><h3>" + html_escape(chart.title) + "</h3><div class=\"chart\" id=\"" + id +
         "\"></div><figcaption>" + html_escape(chart.caption) + "</figcaption></figure>\n";
}

std::string sweep_section(const SweepSummary& s, size_t index, std::vector<ChartSlot>& charts) {
  const bool priced = s.price_per_device_hour.has_value();
  std::string html = "<h2>" + html_escape(s.name) + "</h2>\n" + counts_paragraph(s);
  if (s.partial()) {
    html += "<p class=\"notice\">Partial sweep: " + std::to_string(s.pending) + " pending and " +
            std::to_string(s.running) + " running trials are not in these numbers yet.</p>\n";
  }
  html += "<div class=\"answers\"><ul>\n";
  for (const TargetSummary& t : s.targets) {
    const std::string paired = seed_pairing_sentence(seed_pairing(t.depths));
    html += "<li>" + html_escape(verdict_sentence(t, s.tolerance)) + "<br><span class=\"meta\">" +
            html_escape(prediction_line(t, s.tolerance)) +
            (paired.empty() ? "" : "<br>" + html_escape(paired)) + "</span></li>\n";
  }
  html += "</ul></div>\n<p class=\"meta\">" + html_escape(verdict_rule_note(s.tolerance, s.looks)) +
          "</p>\n";
  for (const BackboneNote& b : s.backbones) {
    html += "<p class=\"meta\">Backbone " + html_escape(describe_backbone(b)) + ".</p>\n";
  }
  html += "<h3>Head-only against the best deeper setting</h3>\n" + comparison_table(s);
  html +=
      "<h3>How similar is each target, measured</h3>\n<p class=\"meta\">Your label beside "
      "two numbers computed from the frozen backbone before any training: the Fréchet "
      "distance between source and target features, and LogME, a prediction of how well "
      "a head on frozen features will do.</p>\n" +
      similarity_tables(s);
  const std::vector<Chart> built = report_charts(s);
  for (size_t c = 0; c < built.size(); ++c) {
    const std::string id = "chart-" + std::to_string(index) + "-" + std::to_string(c);
    html += figure(built[c], id);
    charts.push_back({id, built[c].spec});
  }
  for (const TargetSummary& t : s.targets) {
    html += "<h3>" + html_escape(t.target) +
            (t.similarity.empty()
                 ? ""
                 : " <span class=\"meta\">(" + html_escape(t.similarity) + ")</span>") +
            " with " + html_escape(t.backbone) + "</h3>\n" + depth_table(t, priced) +
            strategies_table(t);
  }
  html += skipped_images_table(s);
  if (!s.failures.empty()) html += unfinished_table("Failed trials", s.failures);
  if (!s.diverged_trials.empty()) html += diverged_table(s);
  if (!s.stopped_trials.empty()) html += stopped_table(s);
  if (!s.unfinished.empty()) html += unfinished_table("Pending and running trials", s.unfinished);
  if (!s.environments.empty()) html += environment_table(s);
  return html;
}

// A script element; a "</script" inside the code (only possible in a string or
// a regular expression) is written "<\/script", which means the same there.
std::string inline_script(const std::string& code) {
  std::string safe;
  safe.reserve(code.size());
  for (size_t i = 0; i < code.size(); ++i) {
    if (code[i] == '<' && i + 1 < code.size() && code[i + 1] == '/' &&
        strncasecmp(code.c_str() + i + 2, "script", 6) == 0) {
      safe += "<\\/";
      ++i;
      continue;
    }
    safe += code[i];
  }
  return "<script>" + safe + "</script>\n";
}

}  // namespace

std::string script_safe_json(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size());
  for (char c : json_text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_html_report(const std::vector<SweepSummary>& sweeps,
                               const ReportContext& context) {
  std::vector<ChartSlot> charts;
  std::string body;
  for (size_t i = 0; i < sweeps.size(); ++i) body += sweep_section(sweeps[i], i, charts);
  if (sweeps.empty()) body += "<p>No sweeps in this database yet.</p>\n";

  json chart_data = json::array();
  for (const ChartSlot& c : charts) chart_data.push_back({{"id", c.id}, {"spec", c.spec}});
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>sweep report</title>\n<style>" +
      std::string(kStyle) + "</style>\n</head>\n<body>\n" +
      "<h1>Freeze or fine-tune?</h1>\n<p class=\"meta\">Made by sweep from " +
      html_escape(context.database) + " at " + html_escape(context.generated_at) +
      ". Learning rates are chosen on validation accuracy; test accuracy is reported, with a "
      "95% interval over seeds. Head-only trains a converged linear probe on standardised "
      "frozen features.</p>\n<pre id=\"render-errors\" class=\"error\" hidden></pre>\n";
  if (!context.charts && !charts.empty()) {
    html +=
        "<p class=\"notice\">Charts are missing: the charting library was not found when this "
        "report was written (run <code>npm ci</code> in sweep's source folder, or set "
        "SWEEP_VEGA_DIR), so only the tables are here.</p>\n";
  }
  html += body;
  html += "<script id=\"sweep-charts\" type=\"application/json\">" +
          script_safe_json(chart_data.dump(-1, ' ', /*ensure_ascii=*/true)) + "</script>\n";
  if (context.charts && !charts.empty()) {
    html += inline_script(context.charts->vega) + inline_script(context.charts->vega_lite) +
            inline_script(context.charts->vega_embed) + inline_script(kRenderScript);
  }
  return html + "</body>\n</html>\n";
}

}  // namespace sweep
