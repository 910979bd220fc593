// Moved to runner/commands/sweep_loading.h, with the rest of the command line. This
// forwarding header is kept only for bench/export_study.cpp, which is being
// changed elsewhere at the same time; delete it once that file includes
// runner/commands/sweep_loading.h.
#pragma once

#include "runner/commands/sweep_loading.h"
