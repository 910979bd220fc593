// Moved to runner/commands/cli.h, with the rest of the command line. This
// forwarding header is kept only for bench/export_study.cpp, which is being
// changed elsewhere at the same time; delete it once that file includes
// runner/commands/cli.h.
#pragma once

#include "runner/commands/cli.h"
