#include "synod/node/registry.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace synod {

Result<Duration> parse_duration(std::string_view text) {
  std::size_t split = 0;
  while (split < text.size() &&
         ((text[split] >= '0' && text[split] <= '9') || text[split] == '.' || text[split] == '-')) {
    ++split;
  }
  const std::string number(text.substr(0, split));
  const std::string_view unit = text.substr(split);
  if (number.empty()) return invalid_argument("bad duration '" + std::string(text) + "'");
  char* end = nullptr;
  const double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) {
    return invalid_argument("bad duration '" + std::string(text) + "'");
  }
  double scale = 0;
  if (unit.empty() || unit == "ms") {
    scale = 1e6;
  } else if (unit == "s") {
    scale = 1e9;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ns") {
    scale = 1;
  } else if (unit == "m" || unit == "min") {
    scale = 60e9;
  } else {
    return invalid_argument("bad duration unit in '" + std::string(text) +
                            "' (use ns, us, ms, s, m)");
  }
  const double ns = value * scale;
  if (std::fabs(ns) > 9e18) return out_of_range("duration '" + std::string(text) + "' too large");
  return Duration(static_cast<std::int64_t>(std::llround(ns)));
}

Result<Duration> option_duration(const ProtocolOptions& opts, const std::string& key,
                                 Duration fallback) {
  auto it = opts.find(key);
  if (it == opts.end()) return fallback;
  auto d = parse_duration(it->second);
  if (!d) return invalid_argument("option " + key + ": " + d.status().message());
  if (d->count() <= 0) return invalid_argument("option " + key + ": must be positive");
  return d;
}

Result<std::int64_t> option_int(const ProtocolOptions& opts, const std::string& key,
                                std::int64_t fallback, std::int64_t min, std::int64_t max) {
  auto it = opts.find(key);
  if (it == opts.end()) return fallback;
  std::int64_t v = 0;
  const auto& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return invalid_argument("option " + key + ": '" + s + "' is not an integer");
  }
  if (v < min || v > max) {
    return out_of_range("option " + key + ": " + s + " not in [" + std::to_string(min) + ", " +
                        std::to_string(max) + "]");
  }
  return v;
}

}  // namespace synod
