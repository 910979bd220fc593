#include "analysis/report_html.h"

#include "analysis/format.h"
#include "analysis/html.h"

namespace sweep {
namespace {

const char* kStyle = R"css(
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 64rem; padding: 0 1rem; color: #1d2329; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #d5dbe1; padding-bottom: .3rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
.meta { color: #5b6670; }
.partial { background: #fff4d6; border: 1px solid #e8c767; padding: .5rem .8rem; border-radius: 4px; }
.verdicts li { margin: .35rem 0; }
table { border-collapse: collapse; margin: .4rem 0 1rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #e3e7eb; text-align: right; }
th { background: #f3f5f7; font-weight: 600; }
td.text, th.text { text-align: left; }
tr.best td { background: #eaf5ea; }
tr.head td:first-child { font-weight: 600; }
.error { font-family: ui-monospace, monospace; font-size: .85rem; white-space: pre-wrap; }
)css";

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
  std::vector<std::string> names = {"unfrozen blocks",        "lr (chosen on val)",
                                    "test accuracy (95% CI)", "val accuracy",
                                    "trainable params",       "seeds",
                                    "device time / trial"};
  if (priced) names.push_back("cost / trial");
  std::string html = "<table>\n" + header_row(names);
  for (size_t i = 0; i < target.depths.size(); ++i) {
    const DepthRow& row = target.depths[i];
    const bool best = target.best_deeper && *target.best_deeper == i;
    html += std::string("<tr") +
            (best                ? " class=\"best\""
             : row.unfrozen == 0 ? " class=\"head\""
                                 : "") +
            ">";
    html += cell(row.unfrozen == 0 ? "0 (head only)" : depth_label(row.unfrozen, row.blocks), true);
    html += cell(format_lr(row.lr));
    html += cell(format_accuracy(row) +
                 (row.diverged ? " (" + std::to_string(row.diverged) + " diverged)" : ""));
    html += cell(percent(row.val_mean));
    html += cell(format_count(row.trainable_params));
    html += cell(std::to_string(row.seeds));
    html += cell(format_seconds(row.device_seconds));
    if (priced) html += cell(row.cost ? format_money(*row.cost) : "");
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

std::string failures_table(const SweepSummary& summary) {
  std::string html = "<h3>Failed trials</h3>\n<table>\n" +
                     header_row({"trial", "target", "unfrozen", "lr", "seed", "attempts", "cause"});
  for (const FailedTrial& f : summary.failures) {
    html += "<tr>" + cell(f.trial_id, true) + cell(f.target, true) +
            cell(std::to_string(f.unfrozen)) + cell(format_lr(f.lr)) +
            cell(std::to_string(f.seed)) + cell(std::to_string(f.attempts)) +
            "<td class=\"text error\">" + html_escape(f.error) + "</td></tr>\n";
  }
  return html + "</table>\n";
}

std::string environment_table(const SweepSummary& summary) {
  std::string html =
      "<h3>Environment</h3>\n<table>\n" +
      header_row({"sweep", "LibTorch", "device kind", "CUDA", "host", "OS", "threads"});
  for (const Environment& env : summary.environments) {
    html += "<tr>" + cell(env.sweep_version, true) + cell(env.torch_version) +
            cell(env.device_kind) + cell(env.cuda_version.empty() ? "none" : env.cuda_version) +
            cell(env.host) + cell(env.os) + cell(std::to_string(env.threads)) + "</tr>\n";
  }
  html += "</table>\n<p class=\"meta\">Devices: ";
  for (size_t i = 0; i < summary.devices.size(); ++i) {
    html += (i ? "; " : "") + html_escape(summary.devices[i]);
  }
  return html + "</p>\n";
}

std::string sweep_section(const SweepSummary& summary) {
  const bool priced = summary.price_per_device_hour.has_value();
  std::string html =
      "<h2>" + html_escape(summary.name) + "</h2>\n<p class=\"meta\">" +
      std::to_string(summary.done) + " of " + std::to_string(summary.total) + " trials done, " +
      std::to_string(summary.failed) + " failed, " + std::to_string(summary.diverged) +
      " diverged; " + html_escape(format_seconds(summary.device_seconds)) + " of device time" +
      (priced
           ? ", " + format_money(summary.device_seconds / 3600.0 * *summary.price_per_device_hour) +
                 " in all"
           : "") +
      ".</p>\n";
  if (summary.partial()) {
    html += "<p class=\"partial\">Partial sweep: " + std::to_string(summary.pending) +
            " pending and " + std::to_string(summary.running) +
            " running trials are not in these numbers yet.</p>\n";
  }
  for (const BackboneNote& backbone : summary.backbones) {
    html += "<p class=\"meta\">Backbone " + html_escape(describe_backbone(backbone)) + ".</p>\n";
  }
  html += "<ul class=\"verdicts\">\n";
  for (const TargetSummary& target : summary.targets) {
    html += "<li>" + html_escape(verdict_sentence(target)) + "</li>\n";
  }
  html += "</ul>\n";
  for (const TargetSummary& target : summary.targets) {
    html += "<h3>" + html_escape(target.target) +
            (target.similarity.empty()
                 ? ""
                 : " <span class=\"meta\">(" + html_escape(target.similarity) + ")</span>") +
            " with " + html_escape(target.backbone) + "</h3>\n";
    html += depth_table(target, priced);
  }
  if (!summary.failures.empty()) html += failures_table(summary);
  if (!summary.environments.empty()) html += environment_table(summary);
  return html;
}

}  // namespace

std::string render_html_report(const std::vector<SweepSummary>& sweeps,
                               const ReportContext& context) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>sweep report</title>\n<style>" +
      std::string(kStyle) + "</style>\n</head>\n<body>\n<h1>Freeze or fine-tune?</h1>\n" +
      "<p class=\"meta\">Made by sweep from " + html_escape(context.database) + " at " +
      html_escape(context.generated_at) +
      ". Learning rates are chosen on validation accuracy; test accuracy is reported, with a "
      "95% interval over seeds. Head-only trains a converged linear probe on standardised "
      "frozen features.</p>\n";
  if (sweeps.empty()) html += "<p>No sweeps in this database yet.</p>\n";
  for (const SweepSummary& summary : sweeps) html += sweep_section(summary);
  return html + "</body>\n</html>\n";
}

}  // namespace sweep
