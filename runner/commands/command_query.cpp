#include "runner/commands/command_query.h"

#include <cstdio>
#include <memory>

#include "core/errors.h"
#include "runner/commands/cli.h"
#include "runner/query_format.h"
#include "storage/schema.h"

namespace sweep {
namespace {

struct QueryOptions {
  std::string db = "sweep.db";
  std::string sql;
  std::string format = "table";
  bool schema = false;
};

std::string schema_text(Database& db) {
  std::string out;
  for (const ViewDoc& view : documented_views()) {
    out += std::string(view.name) + ": " + view.about + "\n  ";
    const QueryTable columns = run_read_only_query(
        db, std::string("SELECT name FROM pragma_table_info('") + view.name + "')");
    for (size_t i = 0; i < columns.rows.size(); ++i)
      out += (i ? ", " : "") + columns.rows[i][0].text;
    out += "\n";
  }
  return out +
         "Tables: sweeps, sweep_trials, trials, epochs, environments, pretrained (see README).\n";
}

int query(const QueryOptions& options) {
  Database db = open_results_database(options.db, Access::kReadOnly);
  if (options.schema) {
    std::fputs(schema_text(db).c_str(), stdout);
    return kExitOk;
  }
  if (options.sql.empty()) throw InputError("sweep query: give a SELECT statement, or --schema");
  const QueryTable table = run_read_only_query(db, options.sql);
  const std::string text = options.format == "csv"    ? format_query_csv(table)
                           : options.format == "json" ? format_query_json(table)
                                                      : format_query_table(table);
  std::fputs(text.c_str(), stdout);
  return kExitOk;
}

}  // namespace

void add_query_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* command = app.add_subcommand("query", "Run read-only SQL on the results database");
  command->add_option("sql", options->sql,
                      "one SQL statement that reads, e.g. \"SELECT * FROM results\"");
  add_db_option(*command, options->db);
  command->add_option("--format", options->format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}))
      ->capture_default_str();
  command->add_flag("--schema", options->schema, "list the documented views and their columns");
  command->callback(
      [options, &exit_code] { exit_code = run_guarded([&] { return query(*options); }); });
}

}  // namespace sweep
