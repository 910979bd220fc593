#include "storage/results_store.h"

namespace sweep {

ResultsStore::ResultsStore(const std::string& path, Access access)
    : db_(open_results_database(path, access)) {}

}  // namespace sweep
