#include "core/observer.h"

namespace sweep {

void TrainingObserver::progress(double, const std::string&) {}
bool TrainingObserver::stop_requested() { return false; }
bool TrainingObserver::continue_at_rung(int, double) { return true; }

bool TrainingObserver::withdrawn_after_rung() { return false; }

ProgressSpan::ProgressSpan(TrainingObserver& outer, double begin, double span, std::string status)
    : outer_(outer), begin_(begin), span_(span), status_(std::move(status)) {}

void ProgressSpan::progress(double fraction, const std::string& status) {
  outer_.progress(begin_ + span_ * fraction, status_.empty() ? status : status_);
}

bool ProgressSpan::stop_requested() { return outer_.stop_requested(); }

bool ProgressSpan::continue_at_rung(int epoch, double val_accuracy) {
  return outer_.continue_at_rung(epoch, val_accuracy);
}

bool ProgressSpan::withdrawn_after_rung() { return outer_.withdrawn_after_rung(); }

}  // namespace sweep
