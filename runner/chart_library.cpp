#include "runner/chart_library.h"

#include <filesystem>

#include "core/read_file.h"
#include "core/system.h"

namespace sweep {

std::optional<ChartLibrary> load_chart_library(std::string& why) {
  const auto env = real_system().env("SWEEP_VEGA_DIR");
  const std::filesystem::path dir = env && !env->empty()
                                        ? std::filesystem::path(*env)
                                        : std::filesystem::path(SWEEP_SOURCE_DIR) / "node_modules";
  const auto vega = read_file((dir / "vega/build/vega.min.js").string());
  const auto lite = read_file((dir / "vega-lite/build/vega-lite.min.js").string());
  const auto embed = read_file((dir / "vega-embed/build/vega-embed.min.js").string());
  if (!vega || !lite || !embed) {
    why = "the charting library is not in " + dir.string() + " (run `npm ci` in " +
          std::string(SWEEP_SOURCE_DIR) + ", or set SWEEP_VEGA_DIR to a node_modules folder)";
    return std::nullopt;
  }
  return ChartLibrary{*vega, *lite, *embed};
}

}  // namespace sweep
