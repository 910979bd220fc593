#include "analysis/report_charts.h"

#include <algorithm>
#include <cmath>

#include "analysis/format.h"
#include "analysis/similarity.h"

namespace sweep {
namespace {

using nlohmann::json;

const char* kSchema = "https://vega.github.io/schema/vega-lite/v6.json";

json base(json spec) {
  spec["$schema"] = kSchema;
  spec["config"] = {{"view", {{"stroke", "#ddd"}}}, {"font", "system-ui, sans-serif"}};
  return spec;
}

json quantitative(const std::string& field, const std::string& title) {
  return {{"field", field}, {"type", "quantitative"}, {"title", title}};
}

json nominal(const std::string& field, const std::string& title) {
  return {{"field", field}, {"type", "nominal"}, {"title", title}};
}

json percent_axis(json channel) {
  channel["axis"] = {{"format", ".1~%"}};
  channel["scale"] = {{"zero", false}};
  return channel;
}

// A row of the summary's depth tables, as chart data.
json depth_datum(const TargetSummary& t, const DepthRow& row, bool priced) {
  return {{"target", t.target},
          {"backbone", t.backbone},
          {"unfrozen", row.unfrozen},
          {"depth", depth_label(row.unfrozen, row.blocks)},
          {"lr", row.lr},
          {"test", row.test_mean},
          {"low", row.test_mean - row.test_ci95},
          {"high", row.test_mean + row.test_ci95},
          {"val", row.val_mean},
          {"seeds", row.seeds},
          {"cost", priced && row.cost ? *row.cost : row.device_seconds}};
}

Chart accuracy_by_depth(const SweepSummary& s, const json& rows) {
  const json x = {{"field", "unfrozen"},
                  {"type", "quantitative"},
                  {"title", "unfrozen blocks"},
                  {"axis", {{"tickMinStep", 1}}}};
  const json tooltip = json::array(
      {nominal("backbone", "backbone"),
       nominal("depth", "unfrozen"),
       quantitative("lr", "lr (chosen on validation)"),
       {{"field", "test"}, {"type", "quantitative"}, {"format", ".1%"}, {"title", "test accuracy"}},
       {{"field", "low"}, {"type", "quantitative"}, {"format", ".1%"}, {"title", "95% CI from"}},
       {{"field", "high"}, {"type", "quantitative"}, {"format", ".1%"}, {"title", "95% CI to"}},
       quantitative("seeds", "seeds")});
  json spec = {
      {"data", {{"values", rows}}},
      {"facet", {{"column", nominal("target", "")}}},
      {"spec",
       {{"width", 240},
        {"height", 200},
        {"layer", json::array({{{"mark", {{"type", "errorband"}, {"opacity", 0.25}}},
                                {"encoding",
                                 {{"x", x},
                                  {"y", percent_axis(quantitative("low", "test accuracy"))},
                                  {"y2", {{"field", "high"}}},
                                  {"color", nominal("backbone", "backbone")}}}},
                               {{"mark", {{"type", "line"}, {"point", true}}},
                                {"encoding",
                                 {{"x", x},
                                  {"y", percent_axis(quantitative("test", "test accuracy"))},
                                  {"color", nominal("backbone", "backbone")},
                                  {"tooltip", tooltip}}}}})}}},
      {"resolve", {{"scale", {{"y", "independent"}}}}}};
  (void)s;
  return {"Accuracy against unfrozen depth",
          "Mean test accuracy over seeds at the learning rate chosen on validation, with its 95% "
          "interval. Where the line flattens, deeper fine-tuning stops paying.",
          base(spec)};
}

Chart cost_by_depth(const SweepSummary& s, const json& rows) {
  const std::string title = s.price_per_device_hour ? "cost per trial" : "device-seconds per trial";
  json spec = {{"data", {{"values", rows}}},
               {"facet", {{"column", nominal("target", "")}}},
               {"spec",
                {{"width", 240},
                 {"height", 160},
                 {"mark", {{"type", "line"}, {"point", true}}},
                 {"encoding",
                  {{"x",
                    {{"field", "unfrozen"},
                     {"type", "quantitative"},
                     {"title", "unfrozen blocks"},
                     {"axis", {{"tickMinStep", 1}}}}},
                   {"y", quantitative("cost", title)},
                   {"color", nominal("backbone", "backbone")},
                   {"tooltip",
                    json::array({nominal("depth", "unfrozen"), quantitative("cost", title)})}}}}}};
  return {"Cost against unfrozen depth",
          "What one trial costs at each depth, mean over seeds. Head-only runs the backbone once.",
          base(spec)};
}

Chart accuracy_against_cost(const SweepSummary& s, json rows) {
  std::vector<std::tuple<std::string, double, double>> points;
  for (const auto& r : rows) points.emplace_back(r["target"], r["cost"], r["test"]);
  const std::vector<bool> front = pareto_front(points);
  for (size_t i = 0; i < rows.size(); ++i)
    rows[i]["pareto"] = front[i] ? "on the front" : "dominated";
  const std::string cost_title =
      s.price_per_device_hour ? "cost per trial" : "device-seconds per trial";
  const json x = {{"field", "cost"},
                  {"type", "quantitative"},
                  {"title", cost_title},
                  {"scale", {{"type", "log"}}}};
  json spec = {
      {"data", {{"values", rows}}},
      {"facet", {{"column", nominal("target", "")}}},
      {"spec",
       {{"width", 240},
        {"height", 200},
        {"layer",
         json::array(
             {{{"transform", json::array({{{"filter", "datum.pareto == 'on the front'"}}})},
               {"mark", {{"type", "line"}, {"strokeDash", {4, 3}}, {"color", "#888"}}},
               {"encoding",
                {{"x", x},
                 {"y", percent_axis(quantitative("test", "test accuracy"))},
                 {"detail", nominal("backbone", "")},
                 {"order", {{"field", "cost"}}}}}},
              {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
               {"encoding",
                {{"x", x},
                 {"y", percent_axis(quantitative("test", "test accuracy"))},
                 {"color", nominal("backbone", "backbone")},
                 {"shape", nominal("pareto", "Pareto")},
                 {"tooltip", json::array({nominal("depth", "unfrozen"),
                                          {{"field", "test"},
                                           {"type", "quantitative"},
                                           {"format", ".1%"},
                                           {"title", "test accuracy"}},
                                          quantitative("cost", cost_title),
                                          nominal("pareto", "")})}}}},
              {{"mark", {{"type", "text"}, {"dy", -9}, {"fontSize", 10}}},
               {"encoding",
                {{"x", x}, {"y", quantitative("test", "")}, {"text", {{"field", "depth"}}}}}}})}}},
      {"resolve", {{"scale", {{"y", "independent"}}}}}};
  return {"Accuracy against cost",
          "Each point is a depth (labelled by its unfrozen blocks). The dashed line joins the "
          "Pareto front: no other setting is more accurate for less.",
          base(spec)};
}

Chart learning_rate_heatmap(const SweepSummary& s) {
  json rows = json::array();
  for (const GridCell& c : s.cells) {
    rows.push_back({{"target", c.target},
                    {"backbone", c.backbone},
                    {"unfrozen", c.unfrozen},
                    {"depth", depth_label(c.unfrozen, c.blocks)},
                    {"lr", format_lr(c.lr)},
                    {"lr_value", c.lr},
                    {"val", c.val_mean},
                    {"test", c.test_mean},
                    {"seeds", c.seeds}});
  }
  const json x = {{"field", "depth"},
                  {"type", "ordinal"},
                  {"title", "unfrozen blocks"},
                  {"sort", {{"field", "unfrozen"}}}};
  const json y = {{"field", "lr"},
                  {"type", "ordinal"},
                  {"title", "learning rate"},
                  {"sort", {{"field", "lr_value"}, {"order", "descending"}}}};
  json spec = {
      {"data", {{"values", rows}}},
      {"facet", {{"column", nominal("target", "")}, {"row", nominal("backbone", "")}}},
      {"spec",
       {{"width", 220},
        {"height", {{"step", 28}}},
        {"layer",
         json::array({{{"mark", "rect"},
                       {"encoding",
                        {{"x", x},
                         {"y", y},
                         {"color",
                          {{"field", "val"},
                           {"type", "quantitative"},
                           {"title", "validation accuracy"},
                           {"scale", {{"scheme", "viridis"}}},
                           {"legend", {{"format", ".0%"}}}}},
                         {"tooltip", json::array({nominal("depth", "unfrozen"),
                                                  nominal("lr", "lr"),
                                                  {{"field", "val"},
                                                   {"type", "quantitative"},
                                                   {"format", ".1%"},
                                                   {"title", "validation"}},
                                                  {{"field", "test"},
                                                   {"type", "quantitative"},
                                                   {"format", ".1%"},
                                                   {"title", "test"}},
                                                  quantitative("seeds", "seeds")})}}}},
                      {{"mark", {{"type", "text"}, {"fontSize", 10}}},
                       {"encoding",
                        {{"x", x},
                         {"y", y},
                         {"text", {{"field", "val"}, {"type", "quantitative"}, {"format", ".1%"}}},
                         {"color",
                          {{"condition", {{"test", "datum.val > 0.8"}, {"value", "black"}}},
                           {"value", "white"}}}}}}})}}},
      {"resolve", {{"scale", {{"color", "independent"}}}}}};
  return {"Learning rate against depth",
          "Mean validation accuracy of each learning rate at each depth: what each depth's "
          "learning rate was chosen from. A depth that is good at only one learning rate is "
          "fragile.",
          base(spec)};
}

Chart training_curves(const SweepSummary& s) {
  json rows = json::array();
  std::map<std::string, const TrialPoint*> points;
  for (const TrialPoint& p : s.points) points[p.trial_id] = &p;
  for (const TrialPoint& p : s.stopped_trials) points[p.trial_id] = &p;
  for (const auto& [id, epochs] : s.curves) {
    const auto found = points.find(id);
    if (found == points.end()) continue;
    const TrialPoint& p = *found->second;
    for (const EpochMetrics& e : epochs) {
      // Of the recipe's epochs: a trial stopped at a rung ends part-way; LP-FT
      // starts at epoch 0, from its probe.
      const double progress = static_cast<double>(e.epoch) /
                              static_cast<double>(std::max(p.epochs, epochs.back().epoch));
      rows.push_back({{"target", p.target},
                      {"trial", p.setting + ", seed " + std::to_string(p.seed)},
                      {"depth", p.setting},
                      {"epoch", e.epoch},
                      {"progress", progress},
                      {"metric", "training loss"},
                      {"value", e.train_loss}});
      rows.push_back({{"target", p.target},
                      {"trial", p.setting + ", seed " + std::to_string(p.seed)},
                      {"depth", p.setting},
                      {"epoch", e.epoch},
                      {"progress", progress},
                      {"metric", "validation accuracy"},
                      {"value", e.val_accuracy}});
    }
  }
  json spec = {
      {"data", {{"values", rows}}},
      {"facet", {{"row", nominal("metric", "")}, {"column", nominal("target", "")}}},
      {"spec",
       {{"width", 240},
        {"height", 150},
        {"mark", {{"type", "line"}, {"strokeWidth", 1.5}}},
        {"encoding",
         {{"x",
           {{"field", "progress"},
            {"type", "quantitative"},
            {"title", "share of training"},
            {"axis", {{"format", ".0%"}}}}},
          {"y",
           {{"field", "value"},
            {"type", "quantitative"},
            {"title", ""},
            {"scale", {{"zero", false}}}}},
          {"color", nominal("depth", "depth")},
          {"detail", nominal("trial", "")},
          {"tooltip", json::array({nominal("trial", "trial"), quantitative("epoch", "epoch"),
                                   quantitative("value", "value")})}}}}},
      {"resolve", {{"scale", {{"y", "independent"}}}}}};
  return {"Training curves",
          "Training loss and validation accuracy of the trials behind each verdict: head-only, "
          "the best deeper setting and the recommended one. Head-only trains its probe for many "
          "more epochs, so the x axis is the share of each trial's training.",
          base(spec)};
}

Chart parallel_coordinates(const SweepSummary& s) {
  json rows = json::array();
  for (const TrialPoint& p : s.points) {
    rows.push_back({{"target", p.target},
                    {"backbone", p.backbone},
                    {"unfrozen blocks", p.unfrozen},
                    {"log10 lr", std::log10(p.lr)},
                    {"seed", p.seed},
                    {"validation", p.val},
                    {"test", p.test},
                    {"device-seconds", p.device_seconds}});
  }
  const json keys = {"unfrozen blocks", "log10 lr", "seed", "validation", "test", "device-seconds"};
  json spec = {
      {"data", {{"values", rows}}},
      {"width", 640},
      {"height", 260},
      {"transform",
       json::array(
           {{{"window", json::array({{{"op", "count"}, {"as", "index"}}})}},
            {{"fold", keys}},
            {{"joinaggregate",
              json::array({{{"op", "min"}, {"field", "value"}, {"as", "min"}},
                           {{"op", "max"}, {"field", "value"}, {"as", "max"}}})},
             {"groupby", {"key"}}},
            {{"calculate",
              "datum.max > datum.min ? (datum.value - datum.min) / (datum.max - datum.min) : 0.5"},
             {"as", "position"}}})},
      {"layer",
       json::array(
           {{{"mark", {{"type", "rule"}, {"color", "#bbb"}}},
             {"encoding",
              {{"x", {{"field", "key"}, {"type", "nominal"}, {"sort", keys}, {"title", ""}}}}}},
            {{"mark", {{"type", "line"}, {"opacity", 0.45}}},
             {"encoding",
              {{"x", {{"field", "key"}, {"type", "nominal"}, {"sort", keys}}},
               {"y", {{"field", "position"}, {"type", "quantitative"}, {"axis", nullptr}}},
               {"color", nominal("target", "target")},
               {"detail", {{"field", "index"}, {"type", "nominal"}}},
               {"tooltip", json::array({nominal("target", "target"), nominal("key", "axis"),
                                        quantitative("value", "value")})}}}}})}};
  return {"All trials, parallel coordinates",
          "One line per finished trial across its settings and results, each axis scaled from "
          "its smallest to its largest value.",
          base(spec)};
}

Chart similarity_chart(const SweepSummary& s) {
  json rows = json::array();
  std::string correlations;
  for (const SimilarityTrend& trend : similarity_trends(s)) {
    for (const SimilarityPoint& p : trend.points) {
      json row = {{"target", p.target},
                  {"backbone", trend.backbone},
                  {"similarity", p.similarity.empty() ? "unlabelled" : p.similarity},
                  {"frechet", p.frechet},
                  {"logme", p.logme}};
      if (p.head_only_test) row["head"] = *p.head_only_test;
      if (p.gap) {
        row["gap"] = 100.0 * p.gap->mean;
        row["gap_low"] = 100.0 * (p.gap->mean - p.gap->ci95);
        row["gap_high"] = 100.0 * (p.gap->mean + p.gap->ci95);
      }
      if (p.required_low && p.required_high) {
        row["blocks"] = 0.5 * (*p.required_low + *p.required_high);
        row["blocks_low"] = *p.required_low;
        row["blocks_high"] = *p.required_high;
        row["opened"] = required_depth_text(p);
      }
      rows.push_back(row);
    }
    correlations += " " + trend.backbone + ": " + trend_sentence(trend);
  }
  const json color = nominal("backbone", "backbone");
  const json tooltip = json::array(
      {nominal("target", "target"),
       nominal("similarity", "your label"),
       quantitative("frechet", "Fréchet distance"),
       quantitative("logme", "LogME"),
       {{"field", "head"},
        {"type", "quantitative"},
        {"format", ".1%"},
        {"title", "head-only test"}},
       {{"field", "gap"}, {"type", "quantitative"}, {"format", "+.1f"}, {"title", "gap (points)"}},
       nominal("opened", "blocks training opened")});
  // Points with their intervals (`low`..`high`, when given) and target names.
  const auto panel = [&](const std::string& x_field, const std::string& x_title,
                         const std::string& y_field, const std::string& y_title, bool percent,
                         const std::string& low, const std::string& high) {
    json y = quantitative(y_field, y_title);
    if (percent) y = percent_axis(y);
    const json x = {{"field", x_field},
                    {"type", "quantitative"},
                    {"title", x_title},
                    {"scale", {{"zero", false}}}};
    json layers = json::array();
    if (!low.empty()) {
      layers.push_back({{"mark", {{"type", "rule"}, {"strokeWidth", 1.5}}},
                        {"encoding",
                         {{"x", x},
                          {"y", {{"field", low}, {"type", "quantitative"}}},
                          {"y2", {{"field", high}}},
                          {"color", color}}}});
    }
    layers.push_back({{"mark", {{"type", "point"}, {"filled", true}, {"size", 80}}},
                      {"encoding", {{"x", x}, {"y", y}, {"color", color}, {"tooltip", tooltip}}}});
    layers.push_back({{"mark", {{"type", "text"}, {"dy", -11}, {"fontSize", 10}}},
                      {"encoding",
                       {{"x", {{"field", x_field}, {"type", "quantitative"}}},
                        {"y", {{"field", y_field}, {"type", "quantitative"}}},
                        {"text", {{"field", "target"}}}}}});
    return json{{"width", 260}, {"height", 200}, {"layer", layers}};
  };
  const std::string distance = "Fréchet distance to the source (measured)";
  json spec = {
      {"data", {{"values", rows}}},
      {"hconcat", json::array({panel("frechet", distance, "gap", "head-only gap (points)", false,
                                     "gap_low", "gap_high"),
                               panel("frechet", distance, "blocks", "blocks training opened", false,
                                     "blocks_low", "blocks_high"),
                               panel("logme", "LogME before training", "head",
                                     "head-only test accuracy", true, "", "")})}};
  return {"Similarity, measured, and the answer",
          "Left: how far behind head-only falls (best deeper minus head-only on test, in points, "
          "with its 95% interval over seeds) against the measured distance between target and "
          "source features. Middle: the blocks the verdict opened (a bar where it is undecided "
          "between two depths). Right: LogME, computed from frozen features before any "
          "training, against the head-only accuracy it tries to predict." +
              correlations,
          base(spec)};
}

}  // namespace

std::vector<bool> pareto_front(const std::vector<std::tuple<std::string, double, double>>& points) {
  std::vector<bool> front(points.size(), true);
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& [target, cost, accuracy] = points[i];
    for (size_t j = 0; j < points.size() && front[i]; ++j) {
      const auto& [other_target, other_cost, other_accuracy] = points[j];
      if (i == j || other_target != target) continue;
      const bool no_worse = other_cost <= cost && other_accuracy >= accuracy;
      const bool better = other_cost < cost || other_accuracy > accuracy;
      if (no_worse && better) front[i] = false;
    }
  }
  return front;
}

std::vector<Chart> report_charts(const SweepSummary& s) {
  json rows = json::array();
  const bool priced = s.price_per_device_hour.has_value();
  for (const TargetSummary& t : s.targets) {
    for (const DepthRow& row : t.depths) rows.push_back(depth_datum(t, row, priced));
  }
  std::vector<Chart> charts;
  if (rows.empty()) return charts;
  charts.push_back(accuracy_by_depth(s, rows));
  charts.push_back(cost_by_depth(s, rows));
  charts.push_back(accuracy_against_cost(s, rows));
  charts.push_back(learning_rate_heatmap(s));
  const bool measured = std::any_of(s.targets.begin(), s.targets.end(),
                                    [](const TargetSummary& t) { return t.measure.has_value(); });
  if (measured) charts.push_back(similarity_chart(s));
  if (!s.curves.empty()) charts.push_back(training_curves(s));
  charts.push_back(parallel_coordinates(s));
  return charts;
}

}  // namespace sweep
