#include "runner/worker_protocol.h"

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/json_reader.h"
#include "core/records_json.h"
#include "core/spec_json.h"

namespace sweep {
namespace {

using nlohmann::json;

json parse_line(const std::string& line, const char* what) {
  try {
    return json::parse(line);
  } catch (const json::parse_error& e) {
    throw RuntimeError(std::string("malformed ") + what + ": " + e.what());
  }
}

}  // namespace

std::string encode_job(const Job& job) {
  json v;
  if (job.kind == Job::Kind::kBackbone) {
    v = {{"job", "backbone"}, {"backbone", to_json(job.backbone)}};
  } else if (job.kind == Job::Kind::kMeasure) {
    v = {{"job", "measure"},
         {"backbone", to_json(job.backbone)},
         {"target", to_json(job.target)},
         {"recipe", to_json(job.probes.recipe)},
         {"lrs", job.probes.lrs}};
  } else {
    v = {{"job", "trial"},
         {"id", job.trial.id},
         {"position", job.trial.position},
         {"trial", to_json(job.trial)},
         {"validate_at", job.trial.schedule.validate_at},
         {"rungs", job.trial.schedule.rungs}};
  }
  v["threads"] = job.threads;
  return v.dump();
}

Job decode_job(const std::string& line) {
  const json v = parse_line(line, "job");
  Job job;
  Diagnostics diag("job");
  try {
    if (v.at("job") == "backbone") {
      job.kind = Job::Kind::kBackbone;
      job.backbone = read_canonical_backbone(v.at("backbone"), "/backbone", diag);
    } else if (v.at("job") == "measure") {
      job.kind = Job::Kind::kMeasure;
      job.backbone = read_canonical_backbone(v.at("backbone"), "/backbone", diag);
      job.target = read_canonical_target(v.at("target"), "/target", diag);
      job.probes.recipe = read_recipe(v.at("recipe"), "/recipe", diag);
      job.probes.lrs = v.at("lrs").get<std::vector<double>>();
    } else {
      job.trial = read_trial(v.at("trial"), diag);
      job.trial.id = v.at("id").get<std::string>();
      job.trial.position = v.at("position").get<int>();
      job.trial.schedule.validate_at = v.at("validate_at").get<std::vector<int>>();
      job.trial.schedule.rungs = v.at("rungs").get<std::vector<int>>();
    }
    job.threads = v.at("threads").get<int>();
  } catch (const json::exception& e) {
    throw RuntimeError(std::string("malformed job: ") + e.what());
  }
  if (!diag.ok()) throw RuntimeError(diag.messages().front());
  return job;
}

std::string encode_message(const WorkerMessage& m) {
  switch (m.kind) {
    case WorkerMessage::Kind::kProgress:
      return json{{"kind", "progress"}, {"fraction", m.fraction}, {"status", m.status}}.dump();
    case WorkerMessage::Kind::kResult:
      return json{{"kind", "result"}, {"result", to_json(m.result)}}.dump();
    case WorkerMessage::Kind::kPretrained:
      return json{{"kind", "pretrained"}, {"record", to_json(m.pretrained)}}.dump();
    case WorkerMessage::Kind::kMeasured:
      return json{{"kind", "measured"}, {"measure", to_json(m.measure)}}.dump();
    case WorkerMessage::Kind::kError:
      return json{{"kind", "error"}, {"error", m.error}}.dump();
    case WorkerMessage::Kind::kRung:
      return json{{"kind", "rung"}, {"epoch", m.epoch}, {"val_accuracy", m.val_accuracy}}.dump();
  }
  return "{}";
}

WorkerMessage decode_message(const std::string& line) {
  const json v = parse_line(line, "worker message");
  WorkerMessage m;
  try {
    const std::string kind = v.at("kind").get<std::string>();
    if (kind == "progress") {
      m.kind = WorkerMessage::Kind::kProgress;
      m.fraction = v.at("fraction").get<double>();
      m.status = v.at("status").get<std::string>();
    } else if (kind == "result") {
      m.kind = WorkerMessage::Kind::kResult;
      m.result = trial_result_from_json(v.at("result"));
    } else if (kind == "pretrained") {
      m.kind = WorkerMessage::Kind::kPretrained;
      m.pretrained = pretrained_from_json(v.at("record"));
    } else if (kind == "measured") {
      m.kind = WorkerMessage::Kind::kMeasured;
      m.measure = measure_from_json(v.at("measure"));
    } else if (kind == "error") {
      m.kind = WorkerMessage::Kind::kError;
      m.error = v.at("error").get<std::string>();
    } else if (kind == "rung") {
      m.kind = WorkerMessage::Kind::kRung;
      m.epoch = v.at("epoch").get<int>();
      m.val_accuracy = v.at("val_accuracy").get<double>();
    } else {
      throw RuntimeError("unknown worker message \"" + kind + "\"");
    }
  } catch (const json::exception& e) {
    throw RuntimeError(std::string("malformed worker message: ") + e.what());
  }
  return m;
}

std::string encode_decision(bool keep) {
  return json{{"decision", keep ? "continue" : "stop"}}.dump();
}

bool is_decision(const std::string& line) {
  const json v = json::parse(line, nullptr, /*allow_exceptions=*/false);
  return v.is_object() && v.contains("decision");
}

bool decode_decision(const std::string& line) {
  const json v = parse_line(line, "decision");
  try {
    const std::string decision = v.at("decision").get<std::string>();
    if (decision != "continue" && decision != "stop")
      throw RuntimeError("unknown decision \"" + decision + "\"");
    return decision == "continue";
  } catch (const json::exception& e) {
    throw RuntimeError(std::string("malformed decision: ") + e.what());
  }
}

}  // namespace sweep
