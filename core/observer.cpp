#include "core/observer.h"

namespace sweep {

void TrainingObserver::progress(double, const std::string&) {}
bool TrainingObserver::stop_requested() { return false; }

}  // namespace sweep
