#include "cluster/slurm_output.h"

#include <set>
#include <sstream>
#include <vector>

namespace sweep {
namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, separator)) parts.push_back(part);
  return parts;
}

std::optional<int> number(const std::string& text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoi(text);
}

// "3" -> {3}; "[4-6,9%2]" -> {4, 5, 6, 9}; anything else -> {}.
std::vector<int> task_indices(const std::string& text) {
  if (auto single = number(text)) return {*single};
  if (text.size() < 2 || text.front() != '[' || text.back() != ']') return {};
  std::string body = text.substr(1, text.size() - 2);
  body = body.substr(0, body.find('%'));
  std::vector<int> out;
  for (const std::string& range : split(body, ',')) {
    const auto dash = range.find('-');
    const auto first = number(range.substr(0, dash));
    const auto last = dash == std::string::npos ? first : number(range.substr(dash + 1));
    if (!first || !last || *last < *first) return {};
    for (int i = *first; i <= *last; ++i) out.push_back(i);
  }
  return out;
}

// Lines "JOB_TASKS|STATE|THIRD" of `job`; `detail` makes the third field readable.
std::map<int, TaskState> parse_task_lines(const std::string& out, const std::string& job,
                                          std::string (*detail)(const std::string&)) {
  std::map<int, TaskState> tasks;
  const std::string prefix = job + "_";
  for (const std::string& raw : split(out, '\n')) {
    const std::vector<std::string> fields = split(trim(raw), '|');
    if (fields.size() < 2 || fields[0].rfind(prefix, 0) != 0) continue;
    const std::string state = trim(fields[1]);
    const std::string third = fields.size() > 2 ? trim(fields[2]) : "";
    // sacct's "CANCELLED by 0": the state is the first word.
    const TaskState task{state.substr(0, state.find(' ')), third.empty() ? "" : detail(third)};
    for (int index : task_indices(fields[0].substr(prefix.size()))) tasks[index] = task;
  }
  return tasks;
}

// squeue's %R: the reason a task waits, in parentheses, or its node.
std::string node_or_reason(const std::string& field) {
  return field.front() == '(' ? field : "on " + field;
}

std::string exit_code(const std::string& field) { return "exit code " + field; }

}  // namespace

std::optional<std::string> parse_sbatch_job_id(const std::string& out) {
  const std::string line = trim(out);
  const std::string id = line.substr(0, line.find(';'));
  if (!number(id)) return std::nullopt;
  return id;
}

std::map<int, TaskState> parse_squeue(const std::string& out, const std::string& job) {
  return parse_task_lines(out, job, node_or_reason);
}

std::map<int, TaskState> parse_sacct(const std::string& out, const std::string& job) {
  return parse_task_lines(out, job, exit_code);
}

bool task_may_run(const std::string& state) {
  static const std::set<std::string> may_run = {
      "PENDING",   "RUNNING",       "CONFIGURING",  "COMPLETING", "SUSPENDED",
      "REQUEUED",  "REQUEUE_FED",   "REQUEUE_HOLD", "RESIZING",   "SIGNALING",
      "STAGE_OUT", "RESV_DEL_HOLD", "STOPPED"};
  return may_run.count(state) > 0;
}

}  // namespace sweep
