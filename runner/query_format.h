// Query results as text: an aligned table, CSV (RFC 4180) or a JSON array of
// objects with numbers as numbers and NULL as null. Pure.
#pragma once

#include <string>

#include "storage/read_only_query.h"

namespace sweep {

std::string format_query_table(const QueryTable& table);
std::string format_query_csv(const QueryTable& table);
std::string format_query_json(const QueryTable& table);

}  // namespace sweep
