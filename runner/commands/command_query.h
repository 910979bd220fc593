// `sweep query "SELECT ..."`: read-only SQL on the results database, printed as
// a table, CSV or JSON; `--schema` lists the documented views.
#pragma once

#include <CLI/CLI.hpp>

namespace sweep {

void add_query_command(CLI::App& app, int& exit_code);

}  // namespace sweep
